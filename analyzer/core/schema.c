/*
 * The model's schema: every fact path, its type and meaning. Rule files
 * are checked against it at load; docs/model.md is generated from the same
 * table by `marsdiag rules --schema` (so the documentation cannot drift).
 * Sources A-E are DESIGN §1 stage 5 and domain-reference §1.
 */
#include "marsdiag/fact.h"

#include <string.h>

static const struct md_schema_entry schema[] = {
    {"host.name", MD_F_STR,
     "computer name: registry ComputerName, an event's <Computer>, else the "
     "{NAME}_ prefix of collector files or NAME_MARS_ of the bundle"},
    {"agent.version", MD_F_STR, "MARS agent version (registry or log)"},

    {"agent.proxy.set", MD_F_BOOL,
     "(A) the agent has its own proxy: a server, not disabled"},
    {"agent.proxy.server", MD_F_STR, "agent proxy address as entered"},
    {"agent.proxy.port", MD_F_INT, "agent proxy port, when numeric"},
    {"agent.proxy.port_text", MD_F_STR, "agent proxy port as written"},
    {"agent.proxy.user", MD_F_STR, "agent proxy user name"},
    {"agent.proxy.password", MD_F_BOOL, "an agent proxy password is set"},
    {"agent.proxy.enabled", MD_F_BOOL, "the agent's proxy switch"},
    {"agent.proxy.bypass", MD_F_STR, "agent bypass URLs"},

    {"system.per_machine", MD_F_BOOL,
     "ProxySettingsPerUser=0: HKLM Internet Settings apply to SYSTEM"},
    {"system.location", MD_F_STR,
     "where SYSTEM's WinINet settings were read (registry key)"},
    {"system.proxy.set", MD_F_BOOL,
     "(B) SYSTEM WinINet uses a proxy: manual, PAC or auto-detect"},
    {"system.proxy.manual", MD_F_BOOL, "manual proxy enabled"},
    {"system.proxy.server", MD_F_STR, "ProxyServer"},
    {"system.proxy.bypass", MD_F_STR, "ProxyOverride"},
    {"system.proxy.pac", MD_F_BOOL, "automatic configuration script on"},
    {"system.proxy.pac_url", MD_F_STR, "AutoConfigURL"},
    {"system.proxy.autodetect", MD_F_BOOL, "automatically detect settings"},
    {"system.proxy.credentials", MD_F_BOOL,
     "the proxy string carries user:password@"},

    {"system.legacy.enable", MD_F_INT, "ProxyEnable as written"},
    {"system.legacy.server", MD_F_STR, "ProxyServer as written"},
    {"system.legacy.autoconfig", MD_F_STR, "AutoConfigURL as written"},
    {"system.blob.flags", MD_F_INT, "DefaultConnectionSettings flags"},
    {"system.blob.manual", MD_F_BOOL, "blob flag 0x02"},
    {"system.blob.pac", MD_F_BOOL, "blob flag 0x04"},
    {"system.blob.autodetect", MD_F_BOOL, "blob flag 0x08"},
    {"system.blob.server", MD_F_STR, "the blob's proxy string"},
    {"system.copies.hku_set", MD_F_BOOL,
     "HKU\\S-1-5-18 (= .DEFAULT) has a proxy"},
    {"system.copies.hklm_set", MD_F_BOOL,
     "the HKLM (per-machine) copy has a proxy"},

    {"users[*].sid", MD_F_STR, "(C) an interactive user's SID or HKCU"},
    {"users[*].proxy.set", MD_F_BOOL, "the user has a proxy or PAC"},
    {"users[*].proxy.manual", MD_F_BOOL, "manual proxy enabled"},
    {"users[*].proxy.server", MD_F_STR, "ProxyServer"},
    {"users[*].proxy.pac", MD_F_BOOL, "automatic configuration script on"},
    {"users[*].proxy.pac_url", MD_F_STR, "AutoConfigURL"},
    {"users[*].proxy.autodetect", MD_F_BOOL, "auto-detect on"},

    {"winhttp.set", MD_F_BOOL, "(D) a WinHTTP proxy is configured"},
    {"winhttp.direct", MD_F_BOOL, "WinHTTP goes direct"},
    {"winhttp.server", MD_F_STR, "WinHTTP proxy server(s)"},
    {"winhttp.bypass", MD_F_STR, "WinHTTP bypass list"},

    {"dotnet[*].path", MD_F_STR, "(E) a .NET config file with defaultProxy"},
    {"dotnet[*].enabled", MD_F_BOOL, "defaultProxy enabled"},
    {"dotnet[*].use_default_credentials", MD_F_BOOL,
     "defaultProxy useDefaultCredentials"},
    {"dotnet[*].usesystemdefault", MD_F_BOOL, "proxy usesystemdefault"},
    {"dotnet[*].proxyaddress", MD_F_STR, "proxy proxyaddress"},
    {"dotnet[*].bypass", MD_F_STR, "bypasslist addresses, ';'-joined"},

    {"tls.net64.seen", MD_F_BOOL,
     "the bundle has HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"},
    {"tls.net64.strong_crypto", MD_F_INT, "SchUseStrongCrypto"},
    {"tls.net64.system_default_tls", MD_F_INT, "SystemDefaultTlsVersions"},
    {"tls.net32.seen", MD_F_BOOL, "the same key under WOW6432Node"},
    {"tls.net32.strong_crypto", MD_F_INT, "SchUseStrongCrypto (32-bit)"},
    {"tls.net32.system_default_tls", MD_F_INT,
     "SystemDefaultTlsVersions (32-bit)"},

    {"secrets[*].what", MD_F_STR, "a plaintext proxy password: where"},
    {"secrets[*].path", MD_F_STR, "the file it is in"},

    {"log.*.count", MD_F_INT, "log events of a category"},
    {"log.*.first", MD_F_STR, "time of the first one (agent local time)"},
    {"log.*.last", MD_F_STR, "time of the last one"},
    {"log.*.hosts", MD_F_STR, "hosts the events name, ';'-separated"},
    {"log.*.names_agent_proxy", MD_F_BOOL,
     "an event names the agent's proxy host"},
    {"log.*.names_system_proxy", MD_F_BOOL,
     "an event names SYSTEM's proxy host"},
    {"log.*.names_azure", MD_F_BOOL, "an event names an Azure endpoint"},

    {"collected.agent_settings", MD_F_BOOL,
     "the bundle has the agent's proxy settings (registry or cmdlet)"},
    {"collected.system_settings", MD_F_BOOL,
     "the bundle has SYSTEM's Internet Settings"},
    {"collected.engine_log", MD_F_BOOL, "the bundle has CBEngine logs"},
    {"collected.winhttp", MD_F_BOOL, "the bundle has WinHTTP settings"},
    {"collected.missing[*].what", MD_F_STR,
     "a capture a verdict needs that the bundle lacks"},
    {"collected.missing[*].collect", MD_F_STR, "how to collect it"},

    {"effective.source", MD_F_STR, "agent, system, none or unknown"},
    {"effective.mode", MD_F_STR, "manual, pac, autodetect, direct or unknown"},
    {"effective.server", MD_F_STR, "proxy in force"},
    {"effective.port", MD_F_INT, "its port"},
    {"effective.pac_url", MD_F_STR, "PAC URL in force"},
    {"effective.credentials", MD_F_BOOL, "credentials go with it"},
    {"effective.bypass", MD_F_STR, "the bypass list in force"},
    {"effective.shadowed[*].source", MD_F_STR,
     "a source that is set but not used: system, user, winhttp"},
    {"effective.shadowed[*].mode", MD_F_STR, "how it would be used"},
    {"effective.shadowed[*].value", MD_F_STR, "its proxy or PAC URL"},
    {"effective.shadowed[*].reason", MD_F_STR, "why it is not used"},
    {"precedence.chain[*].source", MD_F_STR,
     "each step of the precedence chain, in order"},
    {"precedence.chain[*].known", MD_F_BOOL,
     "the bundle holds what decides the step"},
    {"precedence.chain[*].set", MD_F_BOOL,
     "the step is set (in force if no step before it is)"},

    {"conflicts[*].fact", MD_F_STR, "a fact two captures disagree on"},
    {"conflicts[*].first", MD_F_STR, "the value kept"},
    {"conflicts[*].other", MD_F_STR, "the other value"},
};

const struct md_schema_entry *
md_schema(size_t *n)
{
    *n = sizeof schema / sizeof schema[0];
    return schema;
}

enum { NO_MATCH, EXACT, OBJECT_PREFIX, LIST_PREFIX };

/* How rule path p matches schema path sp. In sp, a component "*" (as in
 * log.*.count) matches any one name. */
static int
match(const char *sp, const char *p)
{
    size_t i = 0, j = 0;
    while (sp[i] && p[j]) {
        if (sp[i] == '*' && (i == 0 || sp[i - 1] == '.') &&
            (sp[i + 1] == '.' || sp[i + 1] == '\0')) {
            while (p[j] && p[j] != '.')
                j++;
            i++;
            continue;
        }
        if (sp[i] != p[j])
            return NO_MATCH;
        i++;
        j++;
    }
    if (p[j])
        return NO_MATCH;
    return sp[i] == '\0' ? EXACT
           : sp[i] == '.' ? OBJECT_PREFIX
           : sp[i] == '[' ? LIST_PREFIX
                          : NO_MATCH;
}

bool
md_schema_type(const char *path, enum md_ftype *type)
{
    for (size_t k = 0; k < sizeof schema / sizeof schema[0]; k++) {
        switch (match(schema[k].path, path)) {
        case EXACT:
            *type = schema[k].type;
            return true;
        case OBJECT_PREFIX:
            *type = MD_F_OBJ;
            return true;
        case LIST_PREFIX:
            *type = MD_F_LIST;
            return true;
        default:
            break;
        }
    }
    return false;
}
