/*
 * Agent-proxy setting names and registry path normalisation
 * (marsdiag/names.h). Registry facts: domain-reference §2.3, §3.1.
 */
#include "marsdiag/names.h"

#include <string.h>

#include "marsdiag/buf.h"

static const struct {
    const char *name;
    enum md_agent_field field;
} agent_names[] = {
    {"ProxyServer", MD_AGENT_SERVER},
    {"ProxyAddress", MD_AGENT_SERVER},
    {"ProxyHost", MD_AGENT_SERVER},
    {"ProxyPort", MD_AGENT_PORT},
    {"ProxyUserName", MD_AGENT_USER},
    {"ProxyUser", MD_AGENT_USER},
    {"ProxyPassword", MD_AGENT_PASSWORD},
    {"Enabled", MD_AGENT_ENABLED},
    {"ProxyEnabled", MD_AGENT_ENABLED},
    {"UseProxy", MD_AGENT_ENABLED},
    {"BypassUrls", MD_AGENT_BYPASS},
    {"ProxyBypassUrls", MD_AGENT_BYPASS},
    {"BypassList", MD_AGENT_BYPASS},
};

enum md_agent_field
md_agent_field_of(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof agent_names / sizeof agent_names[0]; i++)
        if (strlen(agent_names[i].name) == len &&
            md_strncasecmp(agent_names[i].name, name, len) == 0)
            return agent_names[i].field;
    return MD_AGENT_NONE;
}

const char *
md_agent_field_str(enum md_agent_field f)
{
    switch (f) {
    case MD_AGENT_SERVER: return "server";
    case MD_AGENT_PORT: return "port";
    case MD_AGENT_USER: return "user";
    case MD_AGENT_PASSWORD: return "password";
    case MD_AGENT_ENABLED: return "enabled";
    case MD_AGENT_BYPASS: return "bypass";
    case MD_AGENT_NONE: break;
    }
    return "none";
}

bool
md_is_agent_key(const char *key)
{
    static const char *const prefixes[] = {
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Azure Backup",
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows Azure "
        "Backup",
    };
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(prefixes[i]);
        if (md_strncasecmp(key, prefixes[i], n) == 0 &&
            (key[n] == '\0' || key[n] == '\\'))
            return true;
    }
    return false;
}

const char *
md_reg_scope_str(enum md_reg_scope s)
{
    switch (s) {
    case MD_SCOPE_MACHINE: return "machine";
    case MD_SCOPE_POLICY: return "policy";
    case MD_SCOPE_SYSTEM: return "system";
    case MD_SCOPE_SERVICE: return "service";
    case MD_SCOPE_USER: return "user";
    case MD_SCOPE_OTHER: break;
    }
    return "other";
}

static const struct {
    const char *abbr, *full;
} hives[] = {
    {"HKLM", "HKEY_LOCAL_MACHINE"}, {"HKCU", "HKEY_CURRENT_USER"},
    {"HKU", "HKEY_USERS"},          {"HKCR", "HKEY_CLASSES_ROOT"},
    {"HKCC", "HKEY_CURRENT_CONFIG"},
};

static bool
has_policies(const char *rest)
{
    struct md_slice s = {rest, strlen(rest)};
    return md_slice_istarts(s, "\\SOFTWARE\\Policies\\") ||
           md_slice_ieq(s, "\\SOFTWARE\\Policies");
}

bool
md_regpath_parse(struct md_arena *a, const char *s, size_t len,
                 struct md_regpath *out)
{
    memset(out, 0, sizeof *out);
    struct md_slice sl = md_slice_trim(md_slice_of(s, len));
    size_t hl = 0;
    while (hl < sl.len && sl.ptr[hl] != '\\')
        hl++;
    const char *full = NULL;
    for (size_t i = 0; i < sizeof hives / sizeof hives[0] && !full; i++) {
        if ((strlen(hives[i].abbr) == hl &&
             md_strncasecmp(sl.ptr, hives[i].abbr, hl) == 0) ||
            (strlen(hives[i].full) == hl &&
             md_strncasecmp(sl.ptr, hives[i].full, hl) == 0))
            full = hives[i].full;
    }
    if (!full)
        return false;
    /* Rebuild with single separators and no trailing one. */
    char *k = md_arena_alloc(a, strlen(full) + sl.len + 16);
    if (!k)
        return false;
    size_t o = strlen(full);
    memcpy(k, full, o);
    const char *sid_start = NULL;
    size_t sid_len = 0;
    size_t i = hl, comp = 0;
    while (i < sl.len) {
        while (i < sl.len && sl.ptr[i] == '\\')
            i++;
        size_t j = i;
        while (j < sl.len && sl.ptr[j] != '\\')
            j++;
        if (j == i)
            break;
        const char *c = sl.ptr + i;
        size_t clen = j - i;
        if (comp == 0 && strcmp(full, "HKEY_USERS") == 0) {
            if (clen == 8 && md_strncasecmp(c, ".DEFAULT", 8) == 0) {
                out->alias = ".DEFAULT";
                c = "S-1-5-18";
                clen = 8;
            }
            sid_start = k + o + 1;
            sid_len = clen;
        }
        k[o++] = '\\';
        memcpy(k + o, c, clen);
        o += clen;
        comp++;
        i = j;
    }
    k[o] = '\0';
    out->key = k;
    if (sid_start)
        out->sid = md_arena_strndup(a, sid_start, sid_len);
    const char *rest = k + strlen(full);
    if (strcmp(full, "HKEY_LOCAL_MACHINE") == 0)
        out->scope = has_policies(rest) ? MD_SCOPE_POLICY : MD_SCOPE_MACHINE;
    else if (strcmp(full, "HKEY_CURRENT_USER") == 0)
        out->scope = has_policies(rest) ? MD_SCOPE_POLICY : MD_SCOPE_USER;
    else if (out->sid) {
        if (strcmp(out->sid, "S-1-5-18") == 0)
            out->scope = MD_SCOPE_SYSTEM;
        else if (strcmp(out->sid, "S-1-5-19") == 0 ||
                 strcmp(out->sid, "S-1-5-20") == 0 ||
                 strncmp(out->sid, "S-1-5-80-", 9) == 0)
            out->scope = MD_SCOPE_SERVICE;
        else if (strncmp(out->sid, "S-1-5-21-", 9) == 0 ||
                 strncmp(out->sid, "S-1-12-1-", 9) == 0) /* Entra ID */
            out->scope = MD_SCOPE_USER;
    }
    return true;
}
