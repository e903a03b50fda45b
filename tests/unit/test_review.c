/* Tests for the change reader and the review (review.h): .reg files in
 * UTF-16LE and REGEDIT4 with deletions, Set-OBMachineSetting (-NoProxy,
 * typos), netsh winhttp set/reset, reg add/delete with /v /t /d /f /va,
 * installer /pu /pw, statements not understood, what replaces what, and
 * whole reviews over the scenario bundles. */
#include "testutil.h"

#include <stdlib.h>
#include <unistd.h>

#include "marsdiag/review.h"
#include "pscapture/pscapture.h"
#include "review_int.h"

static char tmpdir[64];

/* Write data to a fresh file named name in the test's folder. */
static const char *
put_file(const char *name, const void *data, size_t len)
{
    static char path[256];
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/md-test-review-XXXXXX");
        if (!mkdtemp(tmpdir))
            abort();
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len)
        abort();
    fclose(f);
    return path;
}

static struct md_change *
read_change(const char *name, const char *text)
{
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_change *c;
    enum md_status st =
        md_change_read(put_file(name, text, strlen(text)), &lim, &c);
    CHECK_INT(st, MD_OK);
    if (st != MD_OK)
        fprintf(stderr, "  %s\n", c ? c->error : "");
    return c;
}

/* The n-th live record operation of kind, or NULL. */
static const struct md_evidence *
live(const struct md_change *c, const char *kind, size_t n)
{
    for (size_t i = 0; i < c->nops; i++)
        if (c->ops[i].kind == MD_OP_RECORD && c->ops[i].live &&
            !strcmp(c->ops[i].ev->kind, kind) && n-- == 0)
            return c->ops[i].ev;
    return NULL;
}

static size_t
nlive(const struct md_change *c, const char *kind)
{
    size_t n = 0;
    while (live(c, kind, n))
        n++;
    return n;
}

static const char *
str(const struct md_evidence *ev, const char *name)
{
    static char buf[512];
    const struct md_field *f = ev ? md_ev_field(ev, name) : NULL;
    if (!f || f->type != MD_V_STR)
        return "(null)";
    snprintf(buf, sizeof buf, "%.*s", (int)f->len, f->s);
    return buf;
}

static int64_t
num(const struct md_evidence *ev, const char *name)
{
    const struct md_field *f = ev ? md_ev_field(ev, name) : NULL;
    return f && (f->type == MD_V_INT || f->type == MD_V_BOOL) ? f->i
                                                              : INT64_MIN;
}

/* No action value, setting, text or skip mentions secret. */
static void
check_no_leak(const struct md_change *c, const char *secret)
{
    for (size_t i = 0; i < c->nactions; i++) {
        const struct md_change_action *a = &c->actions[i];
        CHECK(!a->value || !strstr(a->value, secret));
        CHECK(!a->ev->text ||
              !memmem(a->ev->text, a->ev->text_len, secret, strlen(secret)));
    }
    for (size_t i = 0; i < c->nskips; i++)
        CHECK(!c->skips[i].text || !strstr(c->skips[i].text, secret));
    for (size_t i = 0; i < c->nops; i++) {
        const struct md_evidence *ev = c->ops[i].ev;
        CHECK(!ev->text ||
              !memmem(ev->text, ev->text_len, secret, strlen(secret)));
        for (size_t k = 0; k < ev->nfields; k++)
            CHECK(ev->fields[k].type != MD_V_STR ||
                  !memmem(ev->fields[k].s, ev->fields[k].len, secret,
                          strlen(secret)));
    }
}

#define SYS_IS                                                                 \
    "HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\"                     \
    "CurrentVersion\\Internet Settings"

static void
test_reg_utf16(void)
{
    static const char text[] =
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_USERS\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion"
        "\\Internet Settings]\r\n"
        "\"ProxyEnable\"=dword:00000001\r\n"
        "\"ProxyServer\"=\"proxy.contoso.local:8080\"\r\n"
        "\"MigrateProxy\"=dword:00000001\r\n"
        "\r\n"
        "[HKEY_USERS\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion"
        "\\Internet Settings\\Connections]\r\n"
        "\"DefaultConnectionSettings\"=hex:46,00,00,00,02,00,00,00,03,00,00,"
        "00,05,00,00,00,70,3a,38,30,38,00,00,00,00,00,00,00,00\r\n";
    size_t len;
    unsigned char *u = tu_utf16le(text, &len, true);
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_change *c;
    CHECK_INT(md_change_read(put_file("system.reg", u, len), &lim, &c), MD_OK);
    free(u);
    CHECK_STR(c->type, "reg");
    CHECK_STR(c->file.inputs->encoding, "utf-16le");
    CHECK_INT(c->nactions, 3);
    CHECK_STR(c->actions[0].kind, "set");
    CHECK_STR(c->actions[0].target, "system");
    CHECK_STR(c->actions[0].setting, SYS_IS "\\ProxyEnable");
    CHECK_STR(c->actions[0].value, "1 (REG_DWORD)");
    CHECK_INT(c->actions[0].ev->line, 4);
    CHECK_STR(c->actions[1].value, "proxy.contoso.local:8080 (REG_SZ)");
    /* The blob is said in words. */
    CHECK(c->actions[2].value &&
          strstr(c->actions[2].value, "flags 0x03 (manual in use), proxy "
                                      "p:808"));
    /* MigrateProxy is applied but not a setting marsdiag reads. */
    CHECK_INT(c->nskips, 1);
    CHECK(c->skips[0].understood);
    CHECK_INT(c->skips[0].line, 6);
    CHECK_STR(c->skips[0].text, "\"MigrateProxy\"=dword:00000001");
    CHECK_INT(nlive(c, "reg.value"), 4);
    CHECK_INT(nlive(c, "wininet.connection"), 1);
    md_change_free(c);
}

static void
test_regedit4_deletions(void)
{
    struct md_change *c = read_change(
        "delete.reg",
        "REGEDIT4\r\n\r\n"
        "[HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion"
        "\\Internet Settings]\r\n"
        "\"ProxyServer\"=-\r\n"
        "\r\n"
        "[-HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings\\Connections]\r\n"
        "\r\n"
        "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Tools]\r\n");
    CHECK_STR(c->type, "reg");
    CHECK_INT(c->nactions, 2);
    CHECK_STR(c->actions[0].kind, "delete");
    CHECK_STR(c->actions[0].setting, SYS_IS "\\ProxyServer");
    CHECK(c->actions[0].value == NULL);
    CHECK_STR(c->actions[1].setting, SYS_IS "\\Connections");
    CHECK_INT(c->actions[1].ev->line, 6);
    CHECK_INT(c->nskips, 1); /* the Contoso key */
    CHECK_INT(c->nops, 3);
    CHECK_INT(c->ops[0].kind, MD_OP_DEL_VALUE);
    CHECK_INT(c->ops[1].kind, MD_OP_DEL_KEY);
    /* The key deletion takes the blob and everything below it away, the
     * value deletion its value, whatever case and alias the bundle used. */
    struct md_evidence blob = {.kind = "wininet.connection",
                               .key = SYS_IS "\\Connections",
                               .name = "DefaultConnectionSettings"};
    struct md_evidence deeper = {
        .kind = "reg.value", .key = SYS_IS "\\Connections\\Sub", .name = "X"};
    struct md_evidence server = {.kind = "reg.value",
                                 .key = "HKEY_USERS\\S-1-5-18\\SOFTWARE\\"
                                        "Microsoft\\Windows\\CurrentVersion"
                                        "\\internet settings",
                                 .name = "proxyserver"};
    struct md_evidence other = {
        .kind = "reg.value", .key = SYS_IS, .name = "ProxyEnable"};
    CHECK(md_op_replaces(&c->ops[1], &blob));
    CHECK(md_op_replaces(&c->ops[1], &deeper));
    CHECK(md_op_replaces(&c->ops[0], &server));
    CHECK(!md_op_replaces(&c->ops[0], &other));
    CHECK(!md_op_replaces(&c->ops[1], &other));
    CHECK_INT(md_op_touches(&c->ops[1]), MD_SRC_SYSTEM);
    md_change_free(c);
}

static void
test_no_proxy(void)
{
    struct md_change *c = read_change(
        "clear.ps1", "# CHG-1\n"
                     "Set-OBMachineSetting -ProxyServer http://a -ProxyPort "
                     "8080\n"
                     "Set-OBMachineSetting -NoProxy\n");
    CHECK_STR(c->type, "pscapture");
    CHECK_INT(c->nactions, 2);
    CHECK_STR(c->actions[1].kind, "clear");
    CHECK_STR(c->actions[1].target, "agent");
    CHECK_INT(c->actions[1].ev->line, 3);
    /* The later statement wins: only "enabled: false" is left. */
    CHECK_INT(nlive(c, "agent.proxy"), 1);
    const struct md_evidence *ev = live(c, "agent.proxy", 0);
    CHECK_STR(str(ev, "field"), "enabled");
    CHECK_INT(num(ev, "value"), 0);
    CHECK_INT(ev ? ev->line : 0, 3);
    struct md_evidence bundle_server = {.kind = "agent.proxy"};
    CHECK(md_op_replaces(&c->ops[c->nops - 2], &bundle_server));
    CHECK_INT(c->nskips, 0);
    md_change_free(c);
}

static void
test_netsh(void)
{
    struct md_change *c = read_change(
        "winhttp.cmd", "netsh winhttp set proxy proxy-server=\"p:3128\" "
                       "bypass-list=\"<local>\"\r\n"
                       "netsh winhttp show proxy\r\n"
                       "netsh winhttp reset proxy\r\n"
                       "netsh winhttp import proxy source=ie\r\n");
    CHECK_INT(c->nactions, 2);
    CHECK_STR(c->actions[0].kind, "set");
    CHECK_STR(c->actions[0].target, "winhttp");
    CHECK_STR(c->actions[0].value, "proxy p:3128, bypass <local>");
    CHECK_STR(c->actions[1].kind, "reset");
    CHECK_STR(c->actions[1].value, "direct access (no proxy server)");
    CHECK_INT(nlive(c, "winhttp.proxy"), 1);
    CHECK_INT(num(live(c, "winhttp.proxy", 0), "direct"), 1);
    CHECK_INT(c->nskips, 2);
    CHECK(c->skips[0].understood); /* show */
    CHECK_INT(c->skips[0].line, 2);
    CHECK(!c->skips[1].understood); /* import: depends on who runs it */
    CHECK_INT(c->skips[1].line, 4);
    md_change_free(c);
}

static void
test_reg_add_delete(void)
{
    struct md_change *c = read_change(
        "reg.cmd",
        "reg add \"HKU\\.DEFAULT\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings\" /v ProxyEnable /t REG_DWORD "
        "/d 0x1 /f\r\n"
        "reg add \"HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings\" /v ProxyServer /d "
        "\"p:8080\" /f\r\n"
        "reg add \"HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings\\Connections\" /v "
        "DefaultConnectionSettings /t REG_BINARY /d "
        "4600000003000000090000000000000000000000000000000000000000 /f\r\n"
        "reg delete \"HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings\" /v AutoConfigURL /f\r\n"
        "reg delete \"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
        "Internet Settings\\Connections\" /va /f\r\n"
        "reg add HKLM\\SOFTWARE\\Contoso /v Level /t REG_DWORD /d 3 /f\r\n"
        "reg add HKCU\\Software\\X /v Y /t REG_DWORD /d lots /f\r\n"
        "reg import C:\\temp\\proxy.reg\r\n");
    CHECK_INT(c->nactions, 5);
    CHECK_STR(c->actions[0].setting, SYS_IS "\\ProxyEnable");
    CHECK_STR(c->actions[0].value, "0x1 (REG_DWORD)");
    const struct md_evidence *en = live(c, "reg.value", 0);
    CHECK_INT(num(en, "data"), 1); /* 0x1 read as a number */
    CHECK_STR(en ? en->key : NULL, SYS_IS);
    CHECK_INT(en ? en->line : 0, 1);
    CHECK(en && en->text && !strncmp(en->text, "reg add", 7));
    CHECK_STR(str(live(c, "reg.value", 1), "data"), "p:8080");
    /* The blob a reg add writes is decoded like an exported one. */
    const struct md_evidence *blob = live(c, "wininet.connection", 0);
    CHECK_INT(num(blob, "autodetect"), 1);
    CHECK_INT(num(blob, "manual"), 0);
    CHECK_STR(c->actions[3].kind, "delete");
    CHECK_STR(c->actions[3].setting, SYS_IS "\\AutoConfigURL");
    CHECK_STR(c->actions[4].setting,
              "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\"
              "CurrentVersion\\Internet Settings\\Connections (every value)");
    CHECK_INT(md_op_touches(&c->ops[c->nops - 2]), MD_SRC_WINHTTP);
    struct md_evidence netsh = {.kind = "winhttp.proxy"};
    CHECK(md_op_replaces(&c->ops[c->nops - 2], &netsh));
    CHECK_INT(c->nskips, 3);
    CHECK(c->skips[0].understood);  /* Contoso: not read */
    CHECK(!c->skips[1].understood); /* not a number */
    CHECK(strstr(c->skips[1].reason, "not a number") != NULL);
    CHECK(!c->skips[2].understood); /* reg import */
    CHECK_INT(c->skips[2].line, 8);
    md_change_free(c);
}

static void
test_installer(void)
{
    struct md_change *c = read_change(
        "install.cmd",
        "MARSAgentInstaller.exe /q /ph proxy.contoso.local /po 8080 /pu "
        "CONTOSO\\svc /pw Hunter2secret\r\n"
        "MARSAgentInstaller.exe /q /nu\r\n");
    CHECK_INT(c->nactions, 1);
    CHECK_STR(c->actions[0].value, "server proxy.contoso.local, port 8080, "
                                   "user CONTOSO\\svc, password (set)");
    const struct md_evidence *pw = NULL;
    for (size_t i = 0; live(c, "agent.proxy", i); i++)
        if (!strcmp(str(live(c, "agent.proxy", i), "field"), "password"))
            pw = live(c, "agent.proxy", i);
    CHECK(pw && md_ev_field(pw, "value")->type == MD_V_SECRET);
    CHECK_INT(nlive(c, "secret.plaintext"), 1);
    CHECK_INT(c->nskips, 1);
    CHECK(c->skips[0].understood);
    check_no_leak(c, "Hunter2secret");
    md_change_free(c);
}

static void
test_not_understood(void)
{
    struct md_change *c = read_change(
        "misc.ps1",
        "Set-OBMachineSetting -WorkDay Monday -StartWorkHour 9:00:00\n"
        "Set-OBMachineSettings -NoProxy\n"
        "Set-OBMachineSetting -ProxyServr http://a -ProxyPort 80\n"
        "Set-OBMachineSetting -ProxyServer $proxy -ProxyPort 80\n"
        "if ($env:COMPUTERNAME -eq 'FS01') {\n"
        "  Write-Host 'done'\n"
        "}\n"
        "Set-OBMachineSetting -ProxyServer http://b `\n"
        "    -ProxyPort 3128\n");
    CHECK_INT(c->nactions, 1);
    CHECK_INT(c->actions[0].ev->line, 8);
    CHECK_INT(c->nskips, 6);
    CHECK(c->skips[0].understood);
    CHECK(strstr(c->skips[0].reason, "not a proxy change") != NULL);
    CHECK(!c->skips[1].understood);
    CHECK_STR(c->skips[1].reason, "unknown command 'Set-OBMachineSettings'");
    CHECK_STR(c->skips[1].text, "Set-OBMachineSettings -NoProxy");
    CHECK(!c->skips[2].understood);
    CHECK(strstr(c->skips[2].reason, "unknown parameter '-ProxyServr'"));
    CHECK(!c->skips[3].understood);
    CHECK(strstr(c->skips[3].reason, "$proxy") != NULL);
    CHECK(!c->skips[4].understood); /* if: control flow */
    CHECK_INT(c->skips[4].line, 5);
    CHECK(c->skips[5].understood); /* Write-Host prints */
    md_change_free(c);
}

static void
test_transcript(void)
{
    struct md_change *c = read_change(
        "PowerShell_transcript.FS01.txt",
        "**********************\n"
        "Windows PowerShell transcript start\n"
        "Start time: 20261201091500\n"
        "**********************\n"
        "PS C:\\> Set-OBMachineSetting -NoProxy\n"
        "Server properties updated successfully.\n"
        "PS C:\\> Get-OBMachineSetting\n"
        "PS C:\\> Frobnicate-Proxy\n"
        "Frobnicate-Proxy : The term 'Frobnicate-Proxy' is not recognized\n");
    CHECK_INT(c->nactions, 1);
    CHECK_INT(c->actions[0].ev->line, 5);
    /* Output lines are not statements; prompted lines are. */
    CHECK_INT(c->nskips, 2);
    CHECK_INT(c->skips[0].line, 7);
    CHECK(c->skips[0].understood);
    CHECK_INT(c->skips[1].line, 8);
    CHECK(!c->skips[1].understood);
    md_change_free(c);
}

static void
test_bad_files(void)
{
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_change *c;
    CHECK_INT(md_change_read("/nonexistent/change.ps1", &lim, &c),
              MD_ERR_NOTFOUND);
    CHECK(strstr(c->error, "/nonexistent/change.ps1") != NULL);
    md_change_free(c);
    put_file("x", "", 0);
    CHECK_INT(md_change_read(tmpdir, &lim, &c), MD_ERR_USAGE);
    CHECK(strstr(c->error, "is not a file") != NULL);
    md_change_free(c);
    static const unsigned char zip[] = "PK\x03\x04\x14\x00\x00\x00";
    CHECK_INT(md_change_read(put_file("c.zip", zip, 8), &lim, &c),
              MD_ERR_USAGE);
    CHECK(strstr(c->error, "archive") != NULL);
    md_change_free(c);
    lim.change_bytes = 4;
    CHECK_INT(md_change_read(put_file("big.ps1", "Set-OBMachineSetting", 20),
                             &lim, &c),
              MD_ERR_LIMIT);
    CHECK(strstr(c->error, "change_bytes") != NULL);
    md_change_free(c);
    /* A change is reviewed whole or not at all: past 'change_records'
     * statements (or .reg values) it is refused, however small. */
    md_limits_default(&lim);
    lim.change_records = 2;
    static const char three[] =
        "Set-OBMachineSetting -ProxyServer http://a -ProxyPort 1\n"
        "Set-OBMachineSetting -ProxyServer http://b -ProxyPort 2\n"
        "Set-OBMachineSetting -ProxyServer http://c -ProxyPort 3\n";
    const char *path = put_file("three.ps1", three, strlen(three));
    CHECK_INT(md_change_read(path, &lim, &c), MD_ERR_LIMIT);
    CHECK(strstr(c->error, "3 statements") != NULL);
    CHECK(strstr(c->error, "'change_records' (2)") != NULL);
    md_change_free(c);
    lim.change_records = 3;
    CHECK_INT(md_change_read(path, &lim, &c), MD_OK);
    CHECK_INT(c->nactions, 3);
    md_change_free(c);
    static const char reg[] =
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings]\r\n"
        "\"ProxyEnable\"=dword:00000001\r\n"
        "\"ProxyServer\"=\"p:8080\"\r\n"
        "\"ProxyOverride\"=\"<local>\"\r\n"
        "\"AutoDetect\"=dword:00000000\r\n";
    CHECK_INT(md_change_read(put_file("four.reg", reg, strlen(reg)), &lim, &c),
              MD_ERR_LIMIT);
    CHECK(strstr(c->error, "change_records") != NULL);
    md_change_free(c);
}

/* In a bundle the pscapture parser stays as it was: no change.statement
 * records, and a command with a typo'd parameter is still evidence. */
static void
test_bundle_mode_unchanged(void)
{
    extern const struct md_parser md_parser_pscapture;
    static const char text[] =
        "Set-OBMachineSettings -NoProxy\n"
        "Set-OBMachineSetting -ProxyServr http://a -ProxyServer http://b "
        "-ProxyPort 80\n";
    struct tu_run r;
    tu_parse(&r, &md_parser_pscapture, "set.ps1", text, strlen(text));
    CHECK_INT(tu_count(&r, "change.statement"), 0);
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 1);
    tu_free(&r);
    tu_parse(&r, &md_parser_pscapture_changes, "set.ps1", text, strlen(text));
    CHECK_INT(tu_count(&r, "change.statement"), 2);
    CHECK_INT(tu_count(&r, "change.agent_proxy"), 0);
    tu_free(&r);
}

/* ---- what a PowerShell script says beyond one statement --------------- */

/* The skip of line n, or NULL. */
static const struct md_change_skip *
skip_at(const struct md_change *c, uint64_t n)
{
    for (size_t i = 0; i < c->nskips; i++)
        if (c->skips[i].line == n)
            return &c->skips[i];
    return NULL;
}

static const char *
skip_text(const struct md_change *c, uint64_t n)
{
    const struct md_change_skip *k = skip_at(c, n);
    return k && k->text ? k->text : "(none)";
}

/* A here-string's body is data: a command in it is neither applied nor
 * listed, with either quote; used as an argument its value is unknown. */
static void
test_here_string(void)
{
    struct md_change *c = read_change(
        "hs.ps1", "Set-OBMachineSetting -ProxyServer http://new.example "
                  "-ProxyPort 8080\n"
                  "$rollback = @'\n"
                  "Set-OBMachineSetting -NoProxy\n"
                  "'@\n"
                  "$undo = @\"\r\n"
                  "netsh winhttp reset proxy\r\n"
                  "  '@ is not the end of a \"@ string\r\n"
                  "\"@\r\n"
                  "Set-OBMachineSetting -ProxyServer @\"\n"
                  "http://p\n"
                  "\"@\n");
    CHECK_INT(c->nactions, 1);
    CHECK_STR(c->actions[0].kind, "set");
    CHECK_INT(c->actions[0].ev->line, 1);
    CHECK_INT(nlive(c, "winhttp.proxy"), 0);
    CHECK_INT(c->nskips, 3);
    CHECK(skip_at(c, 2) && skip_at(c, 2)->understood);
    CHECK_STR(skip_text(c, 2), "$rollback = @'…'@");
    CHECK(skip_at(c, 5) && skip_at(c, 5)->understood);
    for (uint64_t n = 3; n <= 8; n++)
        CHECK(n == 5 || !skip_at(c, n));
    /* An argument: its value is not known offline, nothing applied. */
    CHECK(skip_at(c, 9) && !skip_at(c, 9)->understood);
    CHECK(skip_at(c, 9) &&
          strstr(skip_at(c, 9)->reason, "not known offline") != NULL);
    md_change_free(c);
    /* In a transcript the body and its end follow the ">>" prompt. */
    c = read_change("PowerShell_transcript.FS01.txt",
                    "PS C:\\> $rollback = @'\n"
                    ">> Set-OBMachineSetting -NoProxy\n"
                    ">> '@\n"
                    "PS C:\\> Set-OBMachineSetting -ProxyServer http://p "
                    "-ProxyPort 1\n");
    CHECK_INT(c->nactions, 1);
    CHECK_INT(c->nskips, 1);
    CHECK_STR(skip_text(c, 1), "$rollback = @'…'@");
    md_change_free(c);
    /* A here-string never closed makes the script one PowerShell refuses;
     * what follows it is its text. */
    c = read_change("open.ps1", "$x = @'\nSet-OBMachineSetting -NoProxy\n");
    CHECK_INT(c->nactions, 0);
    CHECK_INT(c->nskips, 2);
    for (size_t i = 0; i < c->nskips; i++) {
        CHECK_INT(c->skips[i].line, 1);
        CHECK(c->skips[i].understood ||
              strstr(c->skips[i].reason, "never closed") != NULL);
    }
    md_change_free(c);
}

/* A splatted hashtable literal is followed: its simple values are the
 * command's parameters. What cannot be followed is not applied. */
static void
test_splat(void)
{
    struct md_change *c = read_change(
        "splat.ps1",
        "$p=@{ProxyServer='http://x'; ProxyPort=8080}; Set-OBMachineSetting "
        "@p\n"
        "$q = [ordered]@{\n"
        "    ProxyServer = \"http://q.example\"\n"
        "    ProxyPort   = '3128'\n"
        "}\n"
        "Set-OBMachineSetting @q -ProxyUsername bob\n");
    CHECK_INT(c->nactions, 2);
    if (c->nactions == 2) {
        CHECK_STR(c->actions[0].value, "server http://x, port 8080");
        CHECK_INT(c->actions[0].ev->line, 1);
        CHECK_STR(c->actions[1].value, "server http://q.example, port 3128, "
                                       "user bob");
        CHECK_INT(c->actions[1].ev->line, 6);
        CHECK_STR(c->actions[1].ev->text,
                  "Set-OBMachineSetting @q -ProxyUsername bob");
    }
    /* Only the last command's proxy is left. */
    CHECK_STR(str(live(c, "agent.proxy", 0), "value"), "http://q.example");
    /* The assignments are listed once each, whole, understood. */
    CHECK_INT(c->nskips, 2);
    CHECK(skip_at(c, 1) && skip_at(c, 1)->understood);
    CHECK_STR(skip_text(c, 1), "$p=@{ProxyServer='http://x'; ProxyPort=8080}");
    CHECK(skip_at(c, 2) && skip_at(c, 2)->understood);
    md_change_free(c);

    c = read_change("nosplat.ps1",
                    "Set-OBMachineSetting @p\n"
                    "$p = @{ProxyServer = $env:PROXY; ProxyPort = 80}\n"
                    "$p.ProxyPort = 8080\n"
                    "Set-OBMachineSetting @p\n"
                    "$r = @{ProxyServer = (Get-Proxy); ProxyPort = 80}\n"
                    "Set-OBMachineSetting @r\n"
                    "$s = Get-Settings\n"
                    "netsh winhttp set proxy @s\n");
    CHECK_INT(c->nactions, 0);
    CHECK_INT(nlive(c, "agent.proxy"), 0);
    const struct md_change_skip *k = skip_at(c, 1);
    CHECK(k && !k->understood);
    CHECK(k && !strcmp(k->reason, "splatted arguments (@p) are not "
                                  "followed: no hashtable is assigned to $p "
                                  "before it"));
    CHECK(skip_at(c, 4) && strstr(skip_at(c, 4)->reason, "changed after"));
    CHECK(skip_at(c, 6) && strstr(skip_at(c, 6)->reason,
                                  "the value of 'ProxyServer' is not a plain"));
    CHECK(skip_at(c, 8) &&
          strstr(skip_at(c, 8)->reason, "$s is not assigned a hashtable"));
    md_change_free(c);
}

/* A password held in a variable (a string, a here-string, a hashtable's
 * value) is masked wherever its assignment is shown, and it is a
 * plaintext password in the change (MP020). A command's output assigned
 * to the variable is not a password. */
static void
test_password_variables(void)
{
    struct md_change *c = read_change(
        "pw.ps1",
        "$plain = 'Hunter14Secret'\n"
        "$sec = ConvertTo-SecureString $plain -AsPlainText -Force\n"
        "$other = @'\n"
        "Hunter13Secret\n"
        "'@\n"
        "$sec2 = $other | ConvertTo-SecureString -AsPlainText -Force\n"
        "$pw = \"Hunter12Secret\"\n"
        "Set-OBMachineSetting -ProxyServer http://p -ProxyPort 1 "
        "-ProxyUsername u -ProxyPassword $pw\n"
        "Write-Host Hunter14Secret\n"
        "$h = @{ProxyServer = 'http://h'; ProxyPort = 2; ProxyUsername = 'u';"
        " ProxyPassword = 'Hunter11Secret'}\n"
        "Set-OBMachineSetting @h\n"
        "$t = @{ ProxyServer = 'http://t'\n"
        "  ProxyPassword = (ConvertTo-SecureString 'Hunter10Secret' "
        "-AsPlainText -Force) }\n"
        "$prompt = Read-Host -AsSecureString -Prompt 'Proxy password please'\n"
        "Set-OBMachineSetting -ProxyServer http://r -ProxyPort 3 "
        "-ProxyUsername u -ProxyPassword $prompt\n");
    static const char *const secrets[] = {"Hunter14Secret", "Hunter13Secret",
                                          "Hunter12Secret", "Hunter11Secret",
                                          "Hunter10Secret"};
    for (size_t i = 0; i < 5; i++)
        check_no_leak(c, secrets[i]);
    for (size_t i = 0; i < c->text.len; i++)
        CHECK(!c->text.ptr || strncmp(c->text.ptr + i, "Hunter", 6));
    CHECK_STR(skip_text(c, 1), "$plain = '********'");
    CHECK_STR(skip_text(c, 3), "$other = @'…'@");
    CHECK(skip_at(c, 4) == NULL);
    CHECK_STR(skip_text(c, 9), "Write-Host ********");
    /* The prompt of Read-Host is no password. */
    CHECK(skip_at(c, 14) &&
          strstr(skip_at(c, 14)->text, "Proxy password please") != NULL);
    /* Plaintext: $plain, $other, $pw, the splatted 'Hunter11Secret' (read
     * as -ProxyPassword) and the hashtable's ConvertTo-SecureString (the
     * parser never sees it). */
    size_t lines[8], n = 0;
    for (size_t i = 0; n < 8 && live(c, "secret.plaintext", i); i++)
        lines[n++] = live(c, "secret.plaintext", i)->line;
    CHECK_INT(n, 5);
    bool seen[20] = {false};
    for (size_t i = 0; i < n; i++)
        seen[lines[i] < 20 ? lines[i] : 0] = true;
    CHECK(seen[1] && seen[3] && seen[7] && seen[11] && seen[13]);
    md_change_free(c);
}

/* A file none of whose statements is understood is no change marsdiag
 * can review; an empty or comment-only one is reviewed (it changes
 * nothing). */
static void
test_nothing_understood(void)
{
    static const struct {
        const char *name, *text, *says;
    } bad[] = {
        {"web.config",
         "<?xml version=\"1.0\"?>\n<configuration>\n  <system.net>\n"
         "  </system.net>\n</configuration>\n",
         "5 statements not understood (the first at line 1)"},
        {"proxy.sh", "#!/bin/sh\nexport http_proxy=http://p:8080\n",
         "1 statement not understood (the first at line 2)"},
        {"proxy.json", "{\"ProxyServer\": \"http://p\"}\n",
         "its 1 line holds no statement"},
        {"proxy.ndjson", "{\"a\":1}\n{\"b\":2}\n",
         "its 2 lines hold no statement"},
        {"proxy.cmd", "REM set it\r\nsetx http_proxy http://p:8080\r\n",
         "1 statement not understood (the first at line 2)"},
        {"only.reg", "Windows Registry Editor Version 5.00\r\n\r\ngarbage\r\n",
         "1 statement not understood"},
    };
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_change *c;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path =
            put_file(bad[i].name, bad[i].text, strlen(bad[i].text));
        CHECK_INT(md_change_read(path, &lim, &c), MD_ERR_SYNTAX);
        CHECK(strstr(c->error, "is a change marsdiag understands") != NULL);
        CHECK(strstr(c->error, bad[i].says) != NULL);
        if (!strstr(c->error, bad[i].says))
            fprintf(stderr, "  %s: %s\n", bad[i].name, c->error);
        md_change_free(c);
    }
    static const char *const fine[] = {
        "", "# nothing yet\n\n<#\n a plan\n#>\n", "REM nothing\r\n:: yet\r\n",
        "Windows Registry Editor Version 5.00\r\n\r\n"};
    static const char *const names[] = {"e.ps1", "c.ps1", "c.cmd", "e.reg"};
    for (size_t i = 0; i < 4; i++) {
        CHECK_INT(md_change_read(put_file(names[i], fine[i], strlen(fine[i])),
                                 &lim, &c),
                  MD_OK);
        CHECK_INT(c->nactions + c->nskips, 0);
        md_change_free(c);
    }
    /* One understood statement is enough. */
    c = read_change("one.ps1", "Restart-Service obengine\nfrobnicate\n");
    CHECK_INT(c->nskips, 2);
    md_change_free(c);
    /* UTF-32 (with and without a byte order mark) is not read as UTF-16. */
    static const unsigned char u32[] = {0xFF, 0xFE, 0, 0, 'l',  0, 0, 0,
                                        's',  0,    0, 0, '\n', 0, 0, 0};
    CHECK_INT(md_change_read(put_file("u32.ps1", u32, sizeof u32), &lim, &c),
              MD_ERR_ENCODING);
    CHECK(strstr(c->error, "UTF-32") != NULL);
    md_change_free(c);
    CHECK_INT(
        md_change_read(put_file("u32b.ps1", u32 + 4, sizeof u32 - 4), &lim, &c),
        MD_ERR_ENCODING);
    md_change_free(c);
}

/* A statement the parser cut (a line past 'line_bytes') is not applied:
 * it is listed as not understood, once. */
static void
test_cut_statement(void)
{
    struct md_limits lim;
    md_limits_default(&lim);
    lim.line_bytes = 64;
    static const char text[] =
        "netsh winhttp set proxy proxy.example:3128\n"
        "Set-OBMachineSetting -ProxyServer http://aaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaa -ProxyPort 8080\n";
    struct md_change *c;
    CHECK_INT(md_change_read(put_file("cut.ps1", text, strlen(text)), &lim, &c),
              MD_OK);
    CHECK_INT(c->nactions, 1);
    CHECK_STR(c->actions[0].target, "winhttp");
    CHECK_INT(nlive(c, "agent.proxy"), 0);
    CHECK_INT(c->nskips, 1);
    CHECK(skip_at(c, 2) && !skip_at(c, 2)->understood &&
          strstr(skip_at(c, 2)->reason, "line_bytes") != NULL);
    md_change_free(c);
    /* A .reg value cut at 'reg_value_bytes' is not written either. */
    md_limits_default(&lim);
    lim.reg_value_bytes = 32;
    static const char reg[] =
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[" SYS_IS "]\r\n"
        "\"ProxyServer\"=\"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaa:8080\"\r\n"
        "\"ProxyEnable\"=dword:00000001\r\n";
    CHECK_INT(md_change_read(put_file("cut.reg", reg, strlen(reg)), &lim, &c),
              MD_OK);
    CHECK_INT(c->nactions, 1);
    CHECK_INT(nlive(c, "reg.value"), 1);
    CHECK(skip_at(c, 4) && !skip_at(c, 4)->understood &&
          strstr(skip_at(c, 4)->reason, "reg_value_bytes") != NULL);
    md_change_free(c);
}

/* ---- whole reviews ------------------------------------------------------ */

static bool
has(const struct md_verdict_finding *const *f, size_t n, const char *rule)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i]->rule->id, rule))
            return true;
    return false;
}

static const char *
eff(const struct md_verdict *v, const char *what)
{
    static char buf[256];
    char path[64];
    snprintf(path, sizeof path, "effective.%s", what);
    const struct md_fact *f = md_fact_path(md_model_root(v->model), path);
    if (!f || f->type != MD_F_STR)
        return "(null)";
    snprintf(buf, sizeof buf, "%.*s", (int)f->len, f->s);
    return buf;
}

static void
review(struct md_review *r, struct md_change **c, const char *bundle,
       const char *name, const char *text)
{
    *c = read_change(name, text);
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    char path[512];
    if (bundle)
        snprintf(path, sizeof path, "%s/%s",
                 getenv("MD_SRC") ? getenv("MD_SRC") : ".", bundle);
    CHECK_INT(md_review_run(tu_engine(), bundle ? path : NULL, *c, &so, r),
              MD_OK);
}

static void
test_review_pac_in_agent(void)
{
    struct md_review r;
    struct md_change *c;
    review(&r, &c, "samples/scenarios/06-system-pac/FS06_MARS_20261128.zip",
           "pac.ps1",
           "Set-OBMachineSetting -ProxyServer http://pac.contoso.local/"
           "proxy.pac -ProxyPort 80\n");
    CHECK_STR(eff(&r.before, "mode"), "pac");
    CHECK_STR(eff(&r.after, "source"), "agent");
    CHECK(r.effective_changed);
    CHECK(has(r.delta.added, r.delta.nadded, "MP001"));
    CHECK(has(r.delta.added, r.delta.nadded, "MP004"));
    CHECK_INT(r.delta.nremoved, 0);
    CHECK_INT(md_review_worst_new(&r), MD_SEV_ERROR);
    /* The new finding cites the change file's line. */
    const struct md_verdict_finding *f = r.delta.added[0];
    CHECK(f->nevidence > 0 && f->evidence[0]->input &&
          !strcmp(f->evidence[0]->input->path, "pac.ps1") &&
          f->evidence[0]->line == 1);
    md_review_free(&r);
    md_change_free(c);
}

static void
test_review_empty_machine(void)
{
    struct md_review r;
    struct md_change *c;
    review(&r, &c, NULL, "sys.reg",
           "REGEDIT4\r\n\r\n"
           "[HKEY_USERS\\.DEFAULT\\Software\\Microsoft\\Windows\\"
           "CurrentVersion\\Internet Settings]\r\n"
           "\"ProxyEnable\"=dword:00000001\r\n"
           "\"ProxyServer\"=\"proxy.contoso.local:3128\"\r\n");
    CHECK(r.empty_machine);
    /* An empty machine is known to be direct, not unknown. */
    CHECK_STR(eff(&r.before, "source"), "none");
    CHECK_STR(eff(&r.before, "mode"), "direct");
    CHECK_STR(eff(&r.after, "source"), "system");
    CHECK_STR(eff(&r.after, "server"), "proxy.contoso.local");
    /* Only the engine log is missing, before and after: not new. */
    CHECK_INT(r.delta.nadded, 0);
    CHECK_INT(r.delta.nremoved, 0);
    CHECK_INT(r.delta.nsame, 1);
    CHECK_INT(md_review_worst_new(&r), -1);
    md_review_free(&r);
    md_change_free(c);
}

static void
test_review_delete_source(void)
{
    struct md_review r;
    struct md_change *c;
    /* Deleting SYSTEM's whole Internet Settings key leaves no record of
     * them: the source is empty (direct), not unknown. */
    review(&r, &c, "samples/scenarios/02-system-proxy/FILE02_MARS_20261128.zip",
           "del.reg",
           "REGEDIT4\r\n\r\n"
           "[-HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\"
           "CurrentVersion\\Internet Settings]\r\n");
    CHECK_STR(eff(&r.before, "source"), "system");
    CHECK_STR(eff(&r.after, "source"), "none");
    CHECK_STR(eff(&r.after, "mode"), "direct");
    CHECK_INT(r.delta.nadded, 0);
    md_review_free(&r);
    md_change_free(c);
}

static void
test_review_resolves(void)
{
    struct md_review r;
    struct md_change *c;
    review(&r, &c,
           "samples/scenarios/04-auth-required-system-only/"
           "APP04_MARS_20261128.zip",
           "creds.ps1",
           "Set-OBMachineSetting -ProxyServer http://10.10.1.20 -ProxyPort "
           "8080 -ProxyUsername 'CONTOSO\\svc-mars' -ProxyPassword $pw\n");
    CHECK(has(r.delta.removed, r.delta.nremoved, "MP002"));
    CHECK(!has(r.delta.added, r.delta.nadded, "MP002"));
    CHECK(!has(r.delta.added, r.delta.nadded, "MP007")); /* password given */
    CHECK(md_review_worst_new(&r) < MD_SEV_WARNING);
    md_review_free(&r);
    md_change_free(c);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_reg_utf16),
        TU_TEST(test_regedit4_deletions),
        TU_TEST(test_no_proxy),
        TU_TEST(test_netsh),
        TU_TEST(test_reg_add_delete),
        TU_TEST(test_installer),
        TU_TEST(test_not_understood),
        TU_TEST(test_transcript),
        TU_TEST(test_bad_files),
        TU_TEST(test_bundle_mode_unchanged),
        TU_TEST(test_here_string),
        TU_TEST(test_splat),
        TU_TEST(test_password_variables),
        TU_TEST(test_nothing_understood),
        TU_TEST(test_cut_statement),
        TU_TEST(test_review_pac_in_agent),
        TU_TEST(test_review_empty_machine),
        TU_TEST(test_review_delete_source),
        TU_TEST(test_review_resolves),
    };
    int rc = tu_main(tests, sizeof tests / sizeof tests[0]);
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", tmpdir);
    }
    return rc;
}
