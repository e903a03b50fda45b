/*
 * Names that identify settings wherever they appear (DESIGN §1.4).
 *
 * Where the MARS agent keeps its own proxy is not publicly documented
 * (domain-reference §2.3), so its settings are recognised by name, case-
 * insensitively, in registry values, PowerShell list and JSON captures.
 * The table lives in names.c: a newly learned name is a one-line change.
 *
 * Registry paths: md_regpath_parse() normalises a key as written in .reg
 * files, reg query output or reg add command lines (HKLM -> HKEY_LOCAL_
 * MACHINE, HKU\.DEFAULT -> HKEY_USERS\S-1-5-18) and says whose settings it
 * holds.
 */
#ifndef MARSDIAG_NAMES_H
#define MARSDIAG_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "marsdiag/arena.h"

enum md_agent_field {
    MD_AGENT_NONE = 0,
    MD_AGENT_SERVER,   /* ProxyServer | ProxyAddress | ProxyHost */
    MD_AGENT_PORT,     /* ProxyPort */
    MD_AGENT_USER,     /* ProxyUserName | ProxyUsername | ProxyUser */
    MD_AGENT_PASSWORD, /* ProxyPassword: present or not, never the value */
    MD_AGENT_ENABLED,  /* Enabled | ProxyEnabled | UseProxy */
    MD_AGENT_BYPASS,   /* BypassUrls | ProxyBypassUrls | BypassList */
};

/* Which agent-proxy setting a name denotes, or MD_AGENT_NONE. */
enum md_agent_field md_agent_field_of(const char *name, size_t len);

/* "server", "port", "user", "password", "enabled", "bypass". */
const char *md_agent_field_str(enum md_agent_field f);

/* Does a registry key belong to the agent (HKLM\SOFTWARE\Microsoft\
 * Windows Azure Backup or below, WOW6432Node included)? key normalised. */
bool md_is_agent_key(const char *key);

/* Whose settings a registry key holds. */
enum md_reg_scope {
    MD_SCOPE_OTHER = 0,
    MD_SCOPE_MACHINE, /* HKEY_LOCAL_MACHINE (not Policies) */
    MD_SCOPE_POLICY,  /* HKLM\SOFTWARE\Policies or HKCU\...\Policies */
    MD_SCOPE_SYSTEM,  /* HKU\S-1-5-18 (= HKU\.DEFAULT): LocalSystem */
    MD_SCOPE_SERVICE, /* HKU\S-1-5-19, S-1-5-20, S-1-5-80-...: services */
    MD_SCOPE_USER,    /* HKCU, HKU\S-1-5-21-...: an interactive user */
};

/* "other", "machine", "policy", "system", "service", "user". */
const char *md_reg_scope_str(enum md_reg_scope s);

struct md_regpath {
    const char *key;   /* normalised: full hive name, single '\' */
    const char *sid;   /* HKEY_USERS SID ("S-1-5-18" for .DEFAULT) or NULL */
    const char *alias; /* ".DEFAULT" when the key was written that way */
    enum md_reg_scope scope;
};

/*
 * Normalise key s[0..len) into arena a. Accepts full and short hive names
 * (HKLM, HKCU, HKU, HKCR, HKCC), optional surrounding spaces, repeated or
 * trailing backslashes. Returns false when s does not start with a hive.
 */
bool md_regpath_parse(struct md_arena *a, const char *s, size_t len,
                      struct md_regpath *out);

#endif
