/* Tests for the pscapture parser: Get-OBMachineSetting list, table and
 * JSON captures, transcripts, scripts and command lines that change proxy
 * settings, and that no password reaches a field or an excerpt. */
#include "testutil.h"

extern const struct md_parser md_parser_pscapture;

/* No string field and no excerpt of any record contains secret. */
static void
check_no_leak(struct tu_run *r, const char *secret)
{
    for (size_t i = 0; i < r->nev; i++) {
        const struct md_evidence *ev = r->ev[i];
        if (ev->text && strstr(ev->text, secret)) {
            fprintf(stderr, "secret '%s' in excerpt of %s: %s\n", secret,
                    ev->kind, ev->text);
            md_test_failures++;
        }
        for (size_t k = 0; k < ev->nfields; k++) {
            const struct md_field *f = &ev->fields[k];
            if (f->type == MD_V_STR && f->s && memmem(f->s, f->len, secret,
                                                      strlen(secret))) {
                fprintf(stderr, "secret '%s' in field %s of %s\n", secret,
                        f->name, ev->kind);
                md_test_failures++;
            }
        }
    }
}

static const struct md_evidence *
agent(const struct tu_run *r, const char *field)
{
    return tu_find_str(r, "agent.proxy", "field", field);
}

static bool
is_null(const struct md_evidence *ev, const char *name)
{
    const struct md_field *f = ev ? md_ev_field(ev, name) : NULL;
    return f && f->type == MD_V_NULL;
}

static bool
is_secret(const struct md_evidence *ev, const char *name, size_t len)
{
    const struct md_field *f = ev ? md_ev_field(ev, name) : NULL;
    return f && f->type == MD_V_SECRET && f->len == len;
}

static void
parse_str(struct tu_run *r, const char *name, const char *s)
{
    tu_parse(r, &md_parser_pscapture, name, s, strlen(s));
}

static void
test_list_form(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/pscapture/Get-OBMachineSetting.txt");
    CHECK_STR(r.b.inputs->type, "pscapture");
    CHECK_STR(r.b.inputs->encoding, "utf-16le");
    /* Four from the ProxySetting @{...} line, six from the list. */
    CHECK_INT(tu_count(&r, "agent.proxy"), 10);
    const struct md_evidence *ev = tu_find(&r, "agent.proxy", 5);
    CHECK(ev && strcmp(ev->name, "ProxyServer") == 0);
    CHECK_STR(tu_str(&r, ev, "value"), "http://proxy.contoso.com");
    CHECK_STR(tu_str(&r, ev, "origin"), "get-obmachinesetting");
    CHECK_INT(ev ? ev->line : 0, 10);
    ev = tu_find(&r, "agent.proxy", 6);
    CHECK_INT(tu_int(ev, "value"), 8080);
    ev = tu_find(&r, "agent.proxy", 4);
    CHECK_STR(tu_str(&r, ev, "field"), "enabled");
    CHECK_INT(tu_int(ev, "value"), 1);
    ev = tu_find(&r, "agent.proxy", 8);
    CHECK_STR(tu_str(&r, ev, "field"), "password");
    CHECK(is_null(ev, "value"));
    /* A wrapped {a;b;\n c} collection is joined, braces dropped. */
    ev = tu_find(&r, "agent.proxy", 9);
    CHECK_STR(tu_str(&r, ev, "value"),
              "*.contoso.com;*.backup.windowsazure.com;<local>");
    ev = tu_find(&r, "agent.proxy", 3);
    CHECK_STR(tu_str(&r, ev, "value"), "CONTOSO\\svc-mars");
    CHECK_STR(ev ? ev->text : NULL, "ProxyUserName=CONTOSO\\svc-mars");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_json_form(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/pscapture/Get-OBMachineSetting.json");
    CHECK_STR(r.b.inputs->type, "pscapture");
    /* ThrottlingSetting's own "Enabled" is not the proxy's. */
    CHECK_INT(tu_count(&r, "agent.proxy"), 6);
    CHECK_INT(tu_int(tu_find_str(&r, "agent.proxy", "field", "enabled"),
                     "value"),
              1);
    const struct md_evidence *ev =
        tu_find_str(&r, "agent.proxy", "field", "server");
    CHECK_STR(tu_str(&r, ev, "value"), "http://10.0.0.5");
    CHECK_STR(tu_str(&r, ev, "origin"), "json");
    ev = tu_find_str(&r, "agent.proxy", "field", "port");
    CHECK_INT(tu_int(ev, "value"), 3128);
    ev = tu_find_str(&r, "agent.proxy", "field", "user");
    CHECK_STR(tu_str(&r, ev, "value"), "CONTOSO\\svc-mars");
    ev = tu_find_str(&r, "agent.proxy", "field", "password");
    CHECK(is_null(ev, "value"));
    ev = tu_find_str(&r, "agent.proxy", "field", "bypass");
    CHECK_STR(tu_str(&r, ev, "value"), "*.contoso.com;<local>");
    tu_free(&r);

    /* Compressed, with a password, and cut in the middle of a string. */
    parse_str(&r, "settings.json",
              "{\"ProxySetting\":{\"Enabled\":true,\"ProxyServer\":\"http:"
              "//p\",\"ProxyPort\":\"8080\",\"ProxyPassword\":\"J50n Pa55\","
              "\"ProxyUserName\":\"u\"}}\n"
              "{\"ProxySetting\":{\"ProxyServer\":\"http://trunc");
    CHECK_INT(tu_count(&r, "agent.proxy"), 6);
    ev = tu_find_str(&r, "agent.proxy", "field", "password");
    CHECK(is_secret(ev, "value", 9));
    CHECK_INT(tu_int(tu_find_str(&r, "agent.proxy", "field", "port"), "value"),
              8080);
    CHECK(tu_find_str(&r, "agent.proxy", "value", "http://trunc") != NULL);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 1);
    check_no_leak(&r, "J50n");
    check_no_leak(&r, "Pa55");
    tu_free(&r);
}

static void
test_transcript(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL,
                  "tests/data/pscapture/"
                  "PowerShell_transcript.SRV01.Xq3v9dJ1.20240312094501.txt");
    CHECK_STR(r.b.inputs->type, "pscapture");
    const struct md_evidence *ev = tu_find(&r, "change.agent_proxy", 0);
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 1);
    CHECK_STR(tu_str(&r, ev, "command"), "Set-OBMachineSetting");
    CHECK_INT(tu_int(ev, "no_proxy"), 0);
    CHECK_STR(tu_str(&r, ev, "server"), "http://proxy.contoso.com");
    CHECK_INT(tu_int(ev, "port"), 8080);
    CHECK_STR(tu_str(&r, ev, "user"), "CONTOSO\\svc-mars");
    CHECK(is_secret(ev, "password", 14));
    CHECK(is_null(ev, "bypass"));
    CHECK_INT(ev ? ev->line : 0, 14);
    ev = tu_find(&r, "secret.plaintext", 0);
    CHECK_INT(tu_count(&r, "secret.plaintext"), 1);
    CHECK_STR(tu_str(&r, ev, "what"), "Set-OBMachineSetting (-ProxyPassword)");
    check_no_leak(&r, "Tr0ub4dor&3xyz");
    check_no_leak(&r, "Tr0ub4dor");
    /* The list after (Get-OBMachineSetting).ProxySetting is agent
     * evidence; the Enabled of Get-NetAdapterBinding is not. */
    CHECK_INT(tu_count(&r, "agent.proxy"), 4);
    CHECK(agent(&r, "enabled") != NULL);
    ev = tu_find(&r, "change.winhttp", 0);
    CHECK_STR(tu_str(&r, ev, "action"), "import");
    CHECK_STR(tu_str(&r, ev, "source"), "ie");
    ev = tu_find(&r, "winhttp.proxy", 0);
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "proxy.contoso.com:8080");
    CHECK_STR(tu_str(&r, ev, "bypass"), "<local>");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_installer_cmd(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/pscapture/install_mars.cmd");
    CHECK_STR(r.b.inputs->type, "pscapture");
    /* REM and :: lines and echo are no commands. */
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 2);
    CHECK_INT(tu_count(&r, "change.winhttp"), 3);
    CHECK_INT(tu_count(&r, "change.reg"), 4);
    const struct md_evidence *ev = tu_find(&r, "change.agent_proxy", 0);
    CHECK_STR(tu_str(&r, ev, "command"), "MARSAgentInstaller");
    CHECK_STR(tu_str(&r, ev, "server"), "proxy.contoso.com");
    CHECK_INT(tu_int(ev, "port"), 8080);
    CHECK_STR(tu_str(&r, ev, "user"), "CONTOSO\\svc-mars");
    CHECK(is_secret(ev, "password", 10));
    CHECK(tu_find_str(&r, "secret.plaintext", "what", "installer (/pw)"));
    check_no_leak(&r, "S3cr3t!Pw9");

    ev = tu_find(&r, "change.agent_proxy", 1);
    CHECK_STR(tu_str(&r, ev, "command"), "SetMarsProxy");
    CHECK_STR(tu_str(&r, ev, "server"), "http://proxy.contoso.com");
    CHECK_INT(tu_int(ev, "port"), 8080);
    CHECK(is_secret(ev, "password", 11));
    CHECK_STR(tu_str(&r, ev, "bypass"), "*.contoso.com;www.bing.com");
    check_no_leak(&r, "An0ther!Pw7");
    CHECK_INT(tu_count(&r, "secret.plaintext"), 2);

    ev = tu_find(&r, "change.reg", 0);
    CHECK_STR(tu_str(&r, ev, "action"), "add");
    CHECK_STR(ev ? ev->key : NULL, "HKEY_USERS\\S-1-5-18\\Software\\Microsoft"
                                   "\\Windows\\CurrentVersion\\Internet "
                                   "Settings");
    CHECK_STR(tu_str(&r, ev, "key"), ev ? ev->key : "");
    CHECK_STR(ev ? ev->name : NULL, "ProxyEnable");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_DWORD");
    CHECK_STR(tu_str(&r, ev, "data"), "1");
    CHECK_STR(tu_str(&r, ev, "scope"), "system");
    CHECK_STR(tu_str(&r, ev, "sid"), "S-1-5-18");
    ev = tu_find(&r, "change.reg", 1);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_SZ"); /* reg add's default */
    ev = tu_find(&r, "change.reg", 3);
    CHECK_STR(tu_str(&r, ev, "action"), "delete");
    CHECK_STR(tu_str(&r, ev, "scope"), "user");
    CHECK(is_null(ev, "data"));

    ev = tu_find(&r, "change.winhttp", 0);
    CHECK_STR(tu_str(&r, ev, "action"), "set");
    CHECK_STR(tu_str(&r, ev, "proxy_server"),
              "http=proxy.contoso.com:8080;https=proxy.contoso.com:8080");
    CHECK_STR(tu_str(&r, ev, "bypass"), "*.contoso.com;<local>");
    ev = tu_find(&r, "change.winhttp", 1);
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "proxy.contoso.com:8080");
    CHECK_STR(tu_str(&r, ev, "bypass"), "<local>");
    ev = tu_find(&r, "change.winhttp", 2);
    CHECK_STR(tu_str(&r, ev, "action"), "reset");
    CHECK(is_null(ev, "proxy_server"));
    tu_free(&r);
}

static void
test_script(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/pscapture/set_proxy.ps1");
    CHECK_STR(r.b.inputs->type, "pscapture");
    /* The <# #> help and the # line hold commands that must not count. */
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 2);
    const struct md_evidence *ev = tu_find(&r, "change.agent_proxy", 0);
    CHECK_INT(ev ? ev->line : 0, 10);
    CHECK_STR(tu_str(&r, ev, "server"), "$Server");
    CHECK_INT(tu_int(ev, "port"), 3128);
    CHECK_STR(tu_str(&r, ev, "user"), "CONTOSO\\svc-mars");
    CHECK(is_secret(ev, "password", 0)); /* given as $spwd */
    CHECK_STR(tu_str(&r, ev, "bypass"),
              "*.contoso.com;*.backup.windowsazure.com");
    CHECK_INT(tu_count(&r, "secret.plaintext"), 0);
    ev = tu_find(&r, "change.agent_proxy", 1);
    CHECK_INT(tu_int(ev, "no_proxy"), 1);
    CHECK(is_null(ev, "server"));

    CHECK_INT(tu_count(&r, "change.reg"), 2);
    ev = tu_find(&r, "change.reg", 0);
    CHECK_STR(tu_str(&r, ev, "key"), "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies"
                                     "\\Microsoft\\Windows\\CurrentVersion\\"
                                     "Internet Settings");
    CHECK_STR(tu_str(&r, ev, "name"), "ProxySettingsPerUser");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_DWORD");
    CHECK_STR(tu_str(&r, ev, "data"), "0");
    CHECK_STR(tu_str(&r, ev, "scope"), "policy");
    ev = tu_find(&r, "change.reg", 1);
    CHECK_STR(tu_str(&r, ev, "scope"), "system");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_SZ");
    CHECK_STR(tu_str(&r, ev, "data"), "proxy.contoso.com:3128");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_near_miss(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_pscapture,
                  "tests/data/pscapture/near_miss.txt");
    CHECK_INT(tu_count(&r, "agent.proxy"), 0);
    CHECK_INT(r.nev, 0);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0); /* its tables say nothing */
    tu_free(&r);

    /* The same lines in a file named after the cmdlet are evidence. */
    parse_str(&r, "Get-OBMachineSetting.txt", "Enabled : False\n");
    CHECK_INT(tu_int(agent(&r, "enabled"), "value"), 0);
    tu_free(&r);
    /* Without context, a server and a port together are enough. */
    parse_str(&r, "x.txt", "ProxyServer : http://p\nProxyPort : 80\n\n"
                           "ProxyServer : http://q\n");
    CHECK_INT(tu_count(&r, "agent.proxy"), 2);
    tu_free(&r);
}

/* The first diagnostic whose message contains part, or NULL. */
static const struct md_diag *
diag_with(const struct tu_run *r, const char *part)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->msg && strstr(d->msg, part))
                return d;
    return NULL;
}

static void
test_table_form(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL,
                  "tests/data/pscapture/Get-OBMachineSetting_table.txt");
    CHECK_STR(r.b.inputs->type, "pscapture");
    CHECK_STR(r.b.inputs->encoding, "utf-16le");
    /* The same records as the list form, on the row's line. */
    CHECK_INT(tu_count(&r, "agent.proxy"), 4);
    const struct md_evidence *ev = agent(&r, "enabled");
    CHECK_INT(tu_int(ev, "value"), 1);
    CHECK_STR(ev ? ev->name : NULL, "Enabled");
    ev = agent(&r, "server");
    CHECK_STR(tu_str(&r, ev, "value"), "http://10.0.0.5");
    CHECK_STR(tu_str(&r, ev, "origin"), "get-obmachinesetting");
    CHECK_STR(ev ? ev->name : NULL, "ProxyServer");
    CHECK_INT(ev ? ev->line : 0, 5);
    CHECK_STR(ev ? ev->text : NULL,
              "True http://10.0.0.5               8080 CONTOSO\\svc-mars");
    ev = agent(&r, "port");
    CHECK_INT(tu_int(ev, "value"), 8080);
    CHECK_INT(ev ? ev->line : 0, 5);
    CHECK_STR(tu_str(&r, agent(&r, "user"), "value"), "CONTOSO\\svc-mars");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    tu_free(&r);

    /* Without the cmdlet's name or prompt, server and port are enough, as
     * in the list form; a table ends at a blank line. */
    parse_str(&r, "x.txt",
              "ProxyServer          ProxyPort\n"
              "-----------          ---------\n"
              "http://p.contoso.com      3128\n"
              "\n"
              "http://q.contoso.com      3128\n");
    CHECK_INT(tu_count(&r, "agent.proxy"), 2);
    CHECK(tu_find_str(&r, "agent.proxy", "value", "http://q.contoso.com") ==
          NULL);
    tu_free(&r);
}

static void
test_table_cut(void)
{
    struct tu_run r;
    /* A server cut by Format-Table is no server; the row's other
     * columns count. */
    parse_str(&r, "Get-OBMachineSetting.txt",
              "Enabled ProxyServer                    ProxyPort "
              "ProxyUserName\n"
              "------- -----------                    --------- "
              "-------------\n"
              "   True http://proxy01.corp.contoso...      8080 "
              "CONTOSO\\svc-mars\n");
    CHECK(agent(&r, "server") == NULL);
    CHECK_INT(tu_count(&r, "agent.proxy"), 3);
    CHECK_INT(tu_int(agent(&r, "port"), "value"), 8080);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 1);
    const struct md_diag *d = diag_with(&r, "cut by Format-Table");
    CHECK(d && d->grade == MD_GRADE_WARN);
    CHECK_INT(d ? d->line : 0, 3);
    CHECK(d && strstr(d->msg, "'ProxyServer'"));
    tu_free(&r);

    /* PowerShell 7 cuts with U+2026. */
    parse_str(&r, "Get-OBMachineSetting.txt",
              "Enabled ProxyServer                    ProxyPort\n"
              "------- -----------                    ---------\n"
              "   True http://proxy02.corp.contoso.c\xE2\x80\xA6      3128\n");
    CHECK(agent(&r, "server") == NULL);
    CHECK_INT(tu_int(agent(&r, "port"), "value"), 3128);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 1);
    tu_free(&r);

    /* A cut ProxySetting keeps its whole pairs; a cut label is said. */
    parse_str(&r, "x.txt",
              "ProxySetting                                            "
              "ThrottlingSetting ProxyUs...       MachineId\n"
              "------------                                            "
              "----------------- ----------       ---------\n"
              "@{Enabled=True; ProxyServer=http://10.0.0.5; ProxyPo... "
              "Microsoft.Inte... CONTOSO\\svc-mars 6c1f0b2e\n");
    CHECK_INT(tu_count(&r, "agent.proxy"), 2);
    CHECK_STR(tu_str(&r, agent(&r, "server"), "value"), "http://10.0.0.5");
    CHECK_INT(tu_int(agent(&r, "enabled"), "value"), 1);
    CHECK(agent(&r, "port") == NULL);
    CHECK(diag_with(&r, "'ProxySetting' cut by Format-Table") != NULL);
    d = diag_with(&r, "label 'ProxyUs...'");
    CHECK_INT(d ? d->line : 0, 1);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 2);
    tu_free(&r);
}

static void
test_table_columns(void)
{
    struct tu_run r;
    /* Unknown columns around known ones, a name in UTF-8 (columns are
     * characters, not bytes), a right-aligned value wider than its label
     * ("Id"), values wider than theirs, and a password. */
    parse_str(&r, "Get-OBMachineSetting.txt",
              "Name           ProxyServer              ProxyPort    Id "
              "ProxyPassword ProxyUserName    Notes\n"
              "----           -----------              ---------    -- "
              "------------- -------------    -----\n"
              "B\xC3\xBCroserver-\xC3\xA4\xC3\xB6\xC3\xBC "
              "http://proxy.contoso.com      3128 12345 Pa55w0rd!x    "
              "CONTOSO\\svc-mars two words\n");
    CHECK_INT(tu_count(&r, "agent.proxy"), 4);
    CHECK_STR(tu_str(&r, agent(&r, "server"), "value"),
              "http://proxy.contoso.com");
    CHECK_INT(tu_int(agent(&r, "port"), "value"), 3128);
    CHECK_STR(tu_str(&r, agent(&r, "user"), "value"), "CONTOSO\\svc-mars");
    const struct md_evidence *ev = agent(&r, "password");
    CHECK(is_secret(ev, "value", 10));
    CHECK(ev && ev->text && strstr(ev->text, "12345 ********    CONTOSO"));
    check_no_leak(&r, "Pa55w0rd");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    tu_free(&r);

    /* Spaces collapsed (pasted into a mail): the values cross the
     * columns, which is said rather than guessed. */
    parse_str(&r, "Get-OBMachineSetting.txt",
              "Enabled ProxyServer ProxyPort ProxyUserName\n"
              "------- ----------- --------- -------------\n"
              "True http://10.0.0.5 8080 CONTOSO\\svc-mars\n");
    CHECK_INT(tu_count(&r, "agent.proxy"), 0);
    const struct md_diag *d = diag_with(&r, "does not fit the columns");
    CHECK(d && d->grade == MD_GRADE_WARN);
    CHECK_INT(d ? d->line : 0, 3);
    CHECK(d && strstr(d->msg, "header at line 1"));
    tu_free(&r);
}

static void
test_table_transcript(void)
{
    struct tu_run r;
    /* After a prompt, with no blank line; the next prompt ends the table,
     * and Get-NetAdapterBinding's Enabled is not the agent's. */
    parse_str(&r, "PowerShell_transcript.SRV01.x.txt",
              "**********************\n"
              "Windows PowerShell transcript start\n"
              "**********************\n"
              "PS C:\\Users\\admin> Get-OBMachineSetting | Select-Object "
              "-ExpandProperty ProxySetting | ft\n"
              "\n"
              "Enabled ProxyServer     ProxyPort ProxyUserName\n"
              "------- -----------     --------- -------------\n"
              "   True http://10.0.0.5      8080 CONTOSO\\svc-mars\n"
              "PS C:\\Users\\admin> Get-NetAdapterBinding -ComponentID "
              "ms_tcpip6 | ft Name, Enabled\n"
              "Name     Enabled\n"
              "----     -------\n"
              "Ethernet    True\n"
              "\n"
              "PS C:\\Users\\admin> Stop-Transcript\n"
              "**********************\n");
    CHECK_INT(tu_count(&r, "agent.proxy"), 4);
    const struct md_evidence *ev = agent(&r, "enabled");
    CHECK_INT(ev ? ev->line : 0, 8);
    CHECK_INT(tu_int(ev, "value"), 1);
    CHECK_INT(tu_int(agent(&r, "port"), "value"), 8080);
    CHECK_INT(r.nev, 4);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    tu_free(&r);
}

static void
test_set_ob_forms(void)
{
    struct tu_run r;
    /* Positional, with a literal password. */
    parse_str(&r, "x.ps1",
              "PS> Set-OBMachineSetting http://p.contoso.com 3128 "
              "'CONTOSO\\u' 'Pl41n Qx9z'\n");
    const struct md_evidence *ev = tu_find(&r, "change.agent_proxy", 0);
    CHECK_STR(tu_str(&r, ev, "server"), "http://p.contoso.com");
    CHECK_INT(tu_int(ev, "port"), 3128);
    CHECK_STR(tu_str(&r, ev, "user"), "CONTOSO\\u");
    CHECK(is_secret(ev, "password", 10));
    CHECK_INT(tu_count(&r, "secret.plaintext"), 1);
    check_no_leak(&r, "Pl41n");
    check_no_leak(&r, "Qx9z");
    tu_free(&r);

    /* Colon-attached values, abbreviated names, any order. */
    parse_str(&r, "x.ps1",
              "Set-OBMachineSetting -ProxyPo:8080 -BypassUrls 'a;b' "
              "-ProxyS:\"http://q\" -ProxyU u1\n");
    ev = tu_find(&r, "change.agent_proxy", 0);
    CHECK_STR(tu_str(&r, ev, "server"), "http://q");
    CHECK_INT(tu_int(ev, "port"), 8080);
    CHECK_STR(tu_str(&r, ev, "user"), "u1");
    CHECK_STR(tu_str(&r, ev, "bypass"), "a;b");
    CHECK(is_null(ev, "password"));
    tu_free(&r);

    /* Throttling is not a proxy change; a trailing comment is ignored. */
    parse_str(&r, "x.ps1",
              "Set-OBMachineSetting -WorkDay Monday -StartWorkHour 9:00:00\n"
              "Set-OBMachineSetting -NoProxy # and restart\n"
              "  # Set-OBMachineSetting -ProxyServer http://c -ProxyPort 1\n");
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 1);
    CHECK_INT(tu_int(tu_find(&r, "change.agent_proxy", 0), "no_proxy"), 1);
    tu_free(&r);

    /* ConvertTo-SecureString with its arguments in another order, in a
     * variable assignment: a plaintext secret of its own. */
    parse_str(&r, "x.ps1",
              "$p = ConvertTo-SecureString -AsPlainText -Force "
              "-String 'Ord3r!xq'\n"
              "$q = ConvertTo-SecureString $plain -AsPlainText -Force\n");
    CHECK_INT(tu_count(&r, "secret.plaintext"), 1);
    CHECK_STR(tu_str(&r, tu_find(&r, "secret.plaintext", 0), "what"),
              "ConvertTo-SecureString -AsPlainText");
    check_no_leak(&r, "Ord3r");
    tu_free(&r);
}

static void
test_installer_forms(void)
{
    struct tu_run r;
    parse_str(&r, "deploy.ps1",
              "Start-Process -FilePath .\\MARSAgentInstaller.exe -Wait "
              "-ArgumentList \"/q /ph:proxy.local /po:3128 /pu svc "
              "/pw W1thin-Qu0tes\"\n"
              "& 'C:\\x\\MARSAgentInstaller.exe' /q /ph p2 /po 80 /pw $pw\n"
              "C:\\x\\MARSAgentInstaller.exe /q /nu\n");
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 2);
    const struct md_evidence *ev = tu_find(&r, "change.agent_proxy", 0);
    CHECK_STR(tu_str(&r, ev, "server"), "proxy.local");
    CHECK_INT(tu_int(ev, "port"), 3128);
    CHECK_STR(tu_str(&r, ev, "user"), "svc");
    CHECK(is_secret(ev, "password", 13));
    check_no_leak(&r, "W1thin");
    ev = tu_find(&r, "change.agent_proxy", 1);
    CHECK_STR(tu_str(&r, ev, "server"), "p2");
    CHECK(is_secret(ev, "password", 0)); /* a variable, not plaintext */
    CHECK_INT(tu_count(&r, "secret.plaintext"), 1);
    tu_free(&r);

    /* SetMarsProxy: three arguments are address, port and bypass list. */
    parse_str(&r, "x.bat",
              "SetMarsProxy.exe http://p 8080 \"*.a.com;*.b.com\"\n"
              "SetMarsProxy.exe NoProxy\n");
    const struct md_evidence *a = tu_find(&r, "change.agent_proxy", 0);
    CHECK_STR(tu_str(&r, a, "bypass"), "*.a.com;*.b.com");
    CHECK(is_null(a, "password"));
    CHECK_INT(tu_int(tu_find(&r, "change.agent_proxy", 1), "no_proxy"), 1);
    tu_free(&r);
}

static void
test_reg_forms(void)
{
    struct tu_run r;
    parse_str(&r, "x.cmd",
              "rem reg add HKLM\\SOFTWARE\\x /v a /d b /f\n"
              "cmd /c \"reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows Azure "
              "Backup\\Config\" /v ProxyPassword /d Hunt3r2x /f\"\n"
              "reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
              "Internet Settings\\Connections /ve /f\n");
    CHECK_INT(tu_count(&r, "change.reg"), 2);
    const struct md_evidence *ev = tu_find(&r, "change.reg", 0);
    CHECK_STR(tu_str(&r, ev, "name"), "ProxyPassword");
    CHECK(is_secret(ev, "data", 8));
    CHECK_INT(tu_count(&r, "secret.plaintext"), 1);
    check_no_leak(&r, "Hunt3r2x");
    ev = tu_find(&r, "change.reg", 1);
    CHECK_STR(tu_str(&r, ev, "name"), "");
    CHECK_STR(tu_str(&r, ev, "scope"), "machine");
    tu_free(&r);
}

static void
test_cut_statement(void)
{
    /* A continued command longer than 'record_bytes' is cut and said so. */
    struct md_bundle b;
    md_bundle_init(&b, "x");
    struct md_scan_opts o;
    memset(&o, 0, sizeof o);
    md_limits_default(&o.limits);
    o.limits.record_bytes = 64;
    static const char s[] =
        "Set-OBMachineSetting -ProxyServer http://p `\n"
        "  -ProxyPort 8080 `\n"
        "  -BypassUrls '*.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com' `\n"
        "  -ProxyUsername u `";
    md_parse_memory(&b, &md_parser_pscapture, "x.ps1", s, sizeof s - 1, 0,
                    &o);
    bool limit = false, trunc = false;
    for (const struct md_diag *d = b.inputs->diags; d; d = d->next) {
        limit |= d->limit && strcmp(d->limit, "record_bytes") == 0;
        trunc |= d->code == MD_ERR_TRUNCATED;
    }
    CHECK(limit);
    CHECK(trunc);
    CHECK_INT(b.inputs->records, 1);
    md_bundle_free(&b);
}

static void
test_bids(void)
{
    struct md_sniff sn = {.path = "x", .text = "", .enc = 0};
    sn.base = "PowerShell_transcript.SRV01.abc.20240101.txt";
    CHECK_INT(md_parser_pscapture.bid(&sn), 85);
    sn.base = "Get-OBMachineSetting.txt";
    CHECK_INT(md_parser_pscapture.bid(&sn), 85);
    sn.base = "notes.txt";
    CHECK_INT(md_parser_pscapture.bid(&sn), 5);
    sn.text = "netsh winhttp reset proxy\r\n";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_pscapture.bid(&sn), 50);
    sn.base = "CBEngineCurr.errlog";
    sn.text = "";
    sn.text_len = 0;
    CHECK_INT(md_parser_pscapture.bid(&sn), 0);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_list_form),       TU_TEST(test_json_form),
        TU_TEST(test_transcript),      TU_TEST(test_installer_cmd),
        TU_TEST(test_script),          TU_TEST(test_near_miss),
        TU_TEST(test_set_ob_forms),    TU_TEST(test_installer_forms),
        TU_TEST(test_reg_forms),       TU_TEST(test_cut_statement),
        TU_TEST(test_bids),            TU_TEST(test_table_form),
        TU_TEST(test_table_cut),       TU_TEST(test_table_columns),
        TU_TEST(test_table_transcript),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
