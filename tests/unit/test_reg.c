/* Tests for the reg parser (.reg exports, version 5 UTF-16LE and REGEDIT4
 * ANSI) and the blob decoders of parsers/reg/regblob.c. Fixtures are made
 * by tests/data/reg/make_fixtures.py. */
#include "testutil.h"

#include <stdlib.h>

#include "reg/regblob.h"

extern const struct md_parser md_parser_reg;

#define SYS_IS "HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\" \
               "CurrentVersion\\Internet Settings"
#define AGENT_CONFIG "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows " \
                     "Azure Backup\\Config"

/* The reg.value (or other kind) record of a value name. */
static const struct md_evidence *
find_value(const struct tu_run *r, const char *kind, const char *name,
           size_t nth)
{
    for (size_t i = 0; i < r->nev; i++)
        if (strcmp(r->ev[i]->kind, kind) == 0 && r->ev[i]->name &&
            strcmp(r->ev[i]->name, name) == 0 && nth-- == 0)
            return r->ev[i];
    return NULL;
}

static enum md_vtype
ftype(const struct md_evidence *ev, const char *name)
{
    const struct md_field *f = ev ? md_ev_field(ev, name) : NULL;
    return f ? f->type : (enum md_vtype)-1;
}

/* A diagnostic whose message contains sub (and names limit, if given). */
static bool
has_diag(const struct tu_run *r, const char *sub, const char *limit)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (strstr(d->msg, sub) &&
                (!limit || (d->limit && strcmp(d->limit, limit) == 0)))
                return true;
    return false;
}

static void
test_system_utf16(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/reg/system_internet_settings.reg");
    CHECK_STR(r.b.inputs->type, "reg");
    CHECK_STR(r.b.inputs->encoding, "utf-16le");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);

    const struct md_evidence *ev = find_value(&r, "reg.value", "ProxyServer",
                                              0);
    CHECK(ev != NULL);
    CHECK_STR(ev ? ev->key : NULL, SYS_IS);
    CHECK_INT(ev ? ev->line : 0, 5);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_SZ");
    CHECK_STR(tu_str(&r, ev, "data"), "myproxy.fqdn:8888");
    CHECK_STR(tu_str(&r, ev, "scope"), "system");
    CHECK_STR(tu_str(&r, ev, "sid"), "S-1-5-18");
    CHECK_STR(tu_str(&r, ev, "alias"), ".DEFAULT");
    CHECK_INT(tu_int(ev, "deleted"), 0);
    CHECK_STR(ev ? ev->text : NULL, "\"ProxyServer\"=\"myproxy.fqdn:8888\"");

    ev = find_value(&r, "reg.value", "ProxyEnable", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_DWORD");
    CHECK_INT(tu_int(ev, "data"), 1);
    ev = find_value(&r, "reg.value", "@", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "default \"quoted\" C:\\path");
    ev = find_value(&r, "reg.value", "User Agent", 0);
    CHECK_STR(tu_str(&r, ev, "data"),
              "Mozilla/4.0 (compatible; MSIE 8.0; Win32)");
    ev = find_value(&r, "reg.value", "AutoConfigProxy", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_EXPAND_SZ");
    CHECK_STR(tu_str(&r, ev, "data"), "wininet.dll");
    ev = find_value(&r, "reg.value", "Tags", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_MULTI_SZ");
    CHECK_STR(tu_str(&r, ev, "data"), "a\nb");
    ev = find_value(&r, "reg.value", "SyncTime", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_QWORD");
    CHECK_INT(tu_int(ev, "data"), 0x1d9b0a6c3e4f000LL);

    ev = find_value(&r, "reg.value", "DefaultConnectionSettings", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_BINARY");
    CHECK(strncmp(tu_str(&r, ev, "data"),
                  "46000000030000000300000011000000", 32) == 0);
    CHECK_INT(strlen(tu_str(&r, ev, "data")), 2 * (12 + 4 + 17 + 4 + 7 +
                                                   4 + 32));
    CHECK_INT(ev ? ev->line : 0, 15);
    CHECK(ev && ev->text && strncmp(ev->text,
                                    "\"DefaultConnectionSettings\"=hex:46,00",
                                    36) == 0 &&
          ev->text[ev->text_len - 1] == '\\');

    ev = find_value(&r, "wininet.connection", "DefaultConnectionSettings", 0);
    CHECK(ev != NULL);
    CHECK_STR(ev ? ev->key : NULL, SYS_IS "\\Connections");
    CHECK_INT(ev ? ev->line : 0, 15);
    CHECK_STR(tu_str(&r, ev, "scope"), "system");
    CHECK_STR(tu_str(&r, ev, "sid"), "S-1-5-18");
    CHECK_INT(tu_int(ev, "version"), 0x46);
    CHECK_INT(tu_int(ev, "counter"), 3);
    CHECK_INT(tu_int(ev, "flags"), 3);
    CHECK_INT(tu_int(ev, "manual"), 1);
    CHECK_INT(tu_int(ev, "pac"), 0);
    CHECK_INT(tu_int(ev, "autodetect"), 0);
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "myproxy.fqdn:8888");
    CHECK_STR(tu_str(&r, ev, "bypass"), "<local>");
    CHECK_STR(tu_str(&r, ev, "pac_url"), "");

    ev = find_value(&r, "wininet.connection", "SavedLegacySettings", 0);
    CHECK_INT(tu_int(ev, "flags"), 9);
    CHECK_INT(tu_int(ev, "autodetect"), 1);
    CHECK_INT(tu_int(ev, "manual"), 0);
    CHECK_INT(tu_count(&r, "wininet.connection"), 2);
    CHECK_INT(tu_count(&r, "reg.value"), 10);
    CHECK_INT(tu_count(&r, "agent.proxy"), 0);
    tu_free(&r);
}

static void
test_regedit4(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/reg/regedit4.reg");
    CHECK_STR(r.b.inputs->type, "reg");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    const struct md_evidence *ev = find_value(&r, "reg.value", "ProxyServer",
                                              0);
    CHECK_STR(tu_str(&r, ev, "data"), "caf\xe9-proxy:3128");
    CHECK_STR(tu_str(&r, ev, "scope"), "user");
    CHECK_STR(ev ? ev->key : NULL,
              "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\"
              "CurrentVersion\\Internet Settings");
    ev = find_value(&r, "reg.value", "AutoConfigURL", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_EXPAND_SZ");
    CHECK_STR(tu_str(&r, ev, "data"), "http://pac/p.pac");
    ev = find_value(&r, "reg.value", "List", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "a\nbc");
    ev = find_value(&r, "reg.value", "Big", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_DWORD_BIG_ENDIAN");
    CHECK_INT(tu_int(ev, "data"), 256);
    ev = find_value(&r, "reg.value", "ProxyEnable", 0);
    CHECK_INT(tu_int(ev, "data"), 0);
    tu_free(&r);
}

static void
test_azure_backup(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/reg/azure_backup.reg");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    CHECK_INT(tu_count(&r, "agent.proxy"), 5);

    const struct md_evidence *ev = tu_find_str(&r, "agent.proxy", "field",
                                               "server");
    CHECK_STR(ev ? ev->key : NULL, AGENT_CONFIG);
    CHECK_STR(ev ? ev->name : NULL, "ProxyServer");
    CHECK_STR(tu_str(&r, ev, "value"), "http://proxy.contoso.com");
    CHECK_STR(tu_str(&r, ev, "origin"), "registry");
    CHECK_STR(tu_str(&r, ev, "scope"), "machine");
    ev = tu_find_str(&r, "agent.proxy", "field", "port");
    CHECK_INT(tu_int(ev, "value"), 3128);
    ev = tu_find_str(&r, "agent.proxy", "field", "user");
    CHECK_STR(tu_str(&r, ev, "value"), "CONTOSO\\svc-mars");
    ev = tu_find_str(&r, "agent.proxy", "field", "enabled");
    CHECK(ftype(ev, "value") == MD_V_BOOL);
    CHECK_INT(tu_int(ev, "value"), 1);
    ev = tu_find_str(&r, "agent.proxy", "field", "password");
    CHECK(ftype(ev, "value") == MD_V_SECRET);
    CHECK_INT(ev ? md_ev_field(ev, "value")->len : 0, 24 + 64);
    CHECK(ev && ev->text && strstr(ev->text, "********") &&
          !strstr(ev->text, "d0,8c"));
    ev = find_value(&r, "reg.value", "ProxyPassword", 0);
    CHECK(ftype(ev, "data") == MD_V_SECRET);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_BINARY");
    CHECK(find_value(&r, "agent.proxy", "ServiceResourceName", 0) == NULL);
    CHECK(find_value(&r, "agent.proxy", "InstallPath", 0) == NULL);

    CHECK_INT(tu_count(&r, "winhttp.proxy"), 2);
    ev = tu_find(&r, "winhttp.proxy", 0);
    CHECK_STR(tu_str(&r, ev, "source"), "registry");
    CHECK_INT(tu_int(ev, "version"), 0x28);
    CHECK_INT(tu_int(ev, "direct"), 0);
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "a:42");
    CHECK_STR(tu_str(&r, ev, "bypass"), "*.42");
    ev = tu_find(&r, "winhttp.proxy", 1);
    CHECK(ev && strstr(ev->key, "WOW6432Node"));
    CHECK_INT(tu_int(ev, "direct"), 1);
    CHECK(ftype(ev, "proxy_server") == MD_V_NULL);

    CHECK_INT(tu_count(&r, "reg.key_deleted"), 1);
    ev = tu_find(&r, "reg.key_deleted", 0);
    CHECK_STR(ev ? ev->key : NULL,
              "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Azure "
              "Backup\\Old");
    CHECK_STR(tu_str(&r, ev, "scope"), "machine");
    tu_free(&r);
}

static void
test_truncated(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_reg, "tests/data/reg/truncated.reg");
    const struct md_evidence *ev = find_value(&r, "reg.value", "First", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "kept");
    ev = find_value(&r, "reg.value", "DefaultConnectionSettings", 0);
    CHECK(ev != NULL);
    /* The 15 bytes of the first line; the file ends after its '\'. */
    CHECK_INT(strlen(tu_str(&r, ev, "data")), 2 * 15);
    CHECK_INT(tu_count(&r, "wininet.connection"), 0);
    CHECK(has_diag(&r, "file ends inside value 'DefaultConnectionSettings'",
                   NULL));
    CHECK(has_diag(&r, "cannot decode 'DefaultConnectionSettings'", NULL));
    CHECK_STR(md_input_status(r.b.inputs), "partial");
    tu_free(&r);
}

static void
test_malformed(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_reg, "tests/data/reg/malformed.reg");
    CHECK(find_value(&r, "reg.value", "Orphan", 0) == NULL);
    CHECK(find_value(&r, "reg.value", "InBroken", 0) == NULL);
    CHECK(find_value(&r, "reg.value", "InBadHive", 0) == NULL);
    CHECK(find_value(&r, "reg.value", "BadHex", 0) == NULL);
    CHECK(find_value(&r, "reg.value", "BadDword", 0) == NULL);
    CHECK(has_diag(&r, "value 'Orphan' before any key", NULL));
    CHECK(has_diag(&r, "key line without closing ']'", NULL));
    CHECK(has_diag(&r, "does not start with a hive", NULL));
    CHECK(has_diag(&r, "unrecognised line", NULL));
    CHECK(has_diag(&r, "no '=' after value name 'NoEquals'", NULL));
    CHECK(has_diag(&r, "value name without closing quote", NULL));
    CHECK(has_diag(&r, "malformed dword data of value 'BadDword'", NULL));
    CHECK(has_diag(&r, "invalid hex byte 'zz' in value 'BadHex'", NULL));
    CHECK(has_diag(&r, "malformed hex(N) type of value 'BadType'", NULL));
    CHECK(has_diag(&r, "unrecognised data of value 'Weird'", NULL));
    CHECK(has_diag(&r, "has 2 bytes, not 4", NULL));
    CHECK(has_diag(&r, "proxy server length runs past the end", NULL));

    const struct md_evidence *ev = find_value(&r, "reg.value", "ShortDword",
                                              0);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_DWORD");
    CHECK_STR(tu_str(&r, ev, "data"), "0102");
    ev = find_value(&r, "reg.value", "Deleted", 0);
    CHECK_INT(tu_int(ev, "deleted"), 1);
    CHECK(ftype(ev, "data") == MD_V_NULL);
    ev = find_value(&r, "reg.value", "Ok", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "still parsed");
    CHECK_STR(ev ? ev->key : NULL, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Good");
    CHECK_INT(tu_count(&r, "wininet.connection"), 0);
    tu_free(&r);
}

static bool
contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; s && i + n <= len; i++)
        if (memcmp(s + i, needle, n) == 0)
            return true;
    return false;
}

static void
test_secret(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_reg, "tests/data/reg/secret.reg");
    CHECK_INT(tu_count(&r, "reg.value"), 5);
    for (size_t i = 0; i < r.nev; i++) {
        const struct md_evidence *ev = r.ev[i];
        CHECK(!contains(ev->text, ev->text_len, "Hunter2"));
        for (size_t k = 0; k < ev->nfields; k++)
            CHECK(!contains(ev->fields[k].s, ev->fields[k].len, "Hunter2"));
    }
    const char *names[] = {"ProxyPassword", "DbPwd", "AdminPassword"};
    for (size_t i = 0; i < 3; i++) {
        const struct md_evidence *ev = find_value(&r, "reg.value", names[i],
                                                  0);
        CHECK(ftype(ev, "data") == MD_V_SECRET);
    }
    const struct md_evidence *ev = find_value(&r, "reg.value", "DbPwd", 0);
    CHECK_STR(ev ? ev->text : NULL, "\"DbPwd\"=********");
    ev = find_value(&r, "reg.value", "Conn", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "Server=db;Password=********;");
    ev = find_value(&r, "reg.value", "Url", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "http://bob:********@proxy:8080");
    ev = tu_find_str(&r, "agent.proxy", "field", "password");
    CHECK(ftype(ev, "value") == MD_V_SECRET);
    tu_free(&r);
}

static void
test_sdp_name(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/reg/"
                            "HOST01__Azure Recovery Services_Registry.txt");
    CHECK_STR(r.b.inputs->type, "reg");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    const struct md_evidence *ev = tu_find_str(&r, "agent.proxy", "field",
                                               "port");
    CHECK(ftype(ev, "value") == MD_V_INT);
    CHECK_INT(tu_int(ev, "value"), 8080);
    ev = find_value(&r, "reg.value", "InstallPath", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "C:\\MARS");
    tu_free(&r);
}

static void
test_bids(void)
{
    struct md_sniff sn = {.path = "x.txt", .base = "x.txt",
                          .text = "\nWindows Registry Editor Version 5.00\n",
                          .enc = MD_ENC_UTF16LE};
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_reg.bid(&sn), 100);
    sn.text = "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\X]";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_reg.bid(&sn), 100);
    sn.text = "[HKEY_LOCAL_MACHINE\\X]";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_reg.bid(&sn), 0);
    sn.base = "export.REG";
    CHECK_INT(md_parser_reg.bid(&sn), 50);
}

/* Parse text (UTF-8) with some limits changed. */
static void
parse_with(struct tu_run *r, const char *text, const char *limit)
{
    struct md_limits lim;
    md_limits_default(&lim);
    CHECK(md_limits_set(&lim, limit) == 0);
    /* tu_parse sets up r with default limits; run again with ours. */
    tu_parse(r, &md_parser_reg, "t.reg", "", 0);
    md_bundle_free(&r->b);
    md_bundle_init(&r->b, "t.reg");
    r->opts.limits = lim;
    md_parse_memory(&r->b, &md_parser_reg, "t.reg", text, strlen(text), 0,
                    &r->opts);
}

static void
test_limits(void)
{
    struct tu_run r;
    parse_with(&r,
               "REGEDIT4\n[HKEY_LOCAL_MACHINE\\A]\n"
               "\"Big\"=hex:01,02,03,04,05,06,07,\\\n"
               "  08,09,0a,0b,0c\n\"Str\"=\"0123456789\"\n\"After\"=\"x\"\n",
               "reg_value_bytes=8");
    const struct md_evidence *ev = find_value(&r, "reg.value", "Big", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "0102030405060708");
    ev = find_value(&r, "reg.value", "Str", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "01234567");
    CHECK(has_diag(&r, "longer than limit 'reg_value_bytes' (8)",
                   "reg_value_bytes"));
    CHECK_STR(tu_str(&r, find_value(&r, "reg.value", "After", 0), "data"),
              "x");
    tu_free(&r);

    /* Hex text past its cap (3 * 8 + 16 characters): cut at a token, said
     * once, the continuation lines still consumed. */
    parse_with(&r,
               "REGEDIT4\n[HKEY_LOCAL_MACHINE\\A]\n"
               "\"Long\"=hex:01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,"
               "11,12,13,14,\\\n  15,16,17\n\"After\"=\"x\"\n",
               "reg_value_bytes=8");
    ev = find_value(&r, "reg.value", "Long", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "0102030405060708");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 1);
    CHECK(has_diag(&r, "value 'Long' longer than limit", "reg_value_bytes"));
    CHECK(find_value(&r, "reg.value", "After", 0) != NULL);
    tu_free(&r);

    parse_with(&r,
               "REGEDIT4\n[HKEY_LOCAL_MACHINE\\A\\B\\C\\D]\n\"V\"=\"x\"\n"
               "[HKEY_LOCAL_MACHINE\\A]\n\"W\"=\"y\"\n",
               "reg_key_depth=3");
    CHECK(find_value(&r, "reg.value", "V", 0) == NULL);
    CHECK(find_value(&r, "reg.value", "W", 0) != NULL);
    CHECK(has_diag(&r, "more than limit 'reg_key_depth' (3)",
                   "reg_key_depth"));
    tu_free(&r);
}

static void
test_inline_cases(void)
{
    struct tu_run r;
    const char *t =
        "Windows Registry Editor Version 5.00\r\n"
        "[HKU\\S-1-5-21-1-2-3-1001\\Software]\r\n"
        "\"Wrapped\"=hex:01,02,\\\r\n"
        "\"Next\"=hex(100):0a,0B\r\n"
        "@=-\r\n"
        "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]\r\n"
        "\"Under\"=\"x\"\r\n";
    tu_parse(&r, &md_parser_reg, "t.reg", t, strlen(t));
    const struct md_evidence *ev = find_value(&r, "reg.value", "Wrapped", 0);
    CHECK_STR(tu_str(&r, ev, "data"), "0102");
    CHECK_STR(tu_str(&r, ev, "scope"), "user");
    CHECK_STR(tu_str(&r, ev, "sid"), "S-1-5-21-1-2-3-1001");
    CHECK(ftype(ev, "alias") == (enum md_vtype)-1);
    CHECK(has_diag(&r, "value 'Wrapped' ends with '\\' but line 4", NULL));
    ev = find_value(&r, "reg.value", "Next", 0);
    CHECK_STR(tu_str(&r, ev, "type"), "hex(100)");
    CHECK_STR(tu_str(&r, ev, "data"), "0a0b");
    ev = find_value(&r, "reg.value", "@", 0);
    CHECK_INT(tu_int(ev, "deleted"), 1);
    CHECK(find_value(&r, "reg.value", "Under", 0) == NULL);
    CHECK(has_diag(&r, "value 'Under' under a deleted key", NULL));
    tu_free(&r);

    /* No header, but a .reg name: read as version 5, said once. */
    t = "[HKLM\\SOFTWARE\\X]\n\"A\"=dword:ffffffff\n";
    tu_parse(&r, NULL, "x.reg", t, strlen(t));
    CHECK_STR(r.b.inputs->type, "reg");
    ev = find_value(&r, "reg.value", "A", 0);
    CHECK_INT(tu_int(ev, "data"), 0xffffffffLL);
    CHECK_STR(ev ? ev->key : NULL, "HKEY_LOCAL_MACHINE\\SOFTWARE\\X");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 1);
    tu_free(&r);
}

/* ---- blob decoders, directly ---------------------------------------- */

static const unsigned char dcs[] = {
    0x46, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 0x11, 0, 0, 0,
    'm', 'y', 'p', 'r', 'o', 'x', 'y', '.', 'f', 'q', 'd', 'n', ':',
    '8', '8', '8', '8', 7, 0, 0, 0, '<', 'l', 'o', 'c', 'a', 'l', '>',
    0, 0, 0, 0, /* no PAC URL, then 32 trailing bytes */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void
test_blob_wininet(void)
{
    struct md_wininet_conn c;
    const char *why = NULL;
    CHECK_INT(md_regblob_wininet(dcs, sizeof dcs, &c, &why), MD_OK);
    CHECK_INT(c.version, 0x46);
    CHECK_INT(c.counter, 3);
    CHECK_INT(c.flags, 3);
    CHECK(c.known_version);
    CHECK_INT(c.proxy.len, 17);
    CHECK(memcmp(c.proxy.ptr, "myproxy.fqdn:8888", 17) == 0);
    CHECK_INT(c.bypass.len, 7);
    CHECK(memcmp(c.bypass.ptr, "<local>", 7) == 0);
    CHECK_INT(c.pac.len, 0);

    /* Without the trailing 32 bytes: still whole. */
    CHECK_INT(md_regblob_wininet(dcs, 48, &c, &why), MD_OK);
    /* Every shorter prefix is refused, never over-read. */
    for (size_t n = 0; n < 48; n++) {
        unsigned char *p = malloc(n ? n : 1);
        memcpy(p, dcs, n);
        CHECK_INT(md_regblob_wininet(p, n, &c, &why), MD_ERR_TRUNCATED);
        free(p);
    }
    CHECK_INT(md_regblob_wininet(dcs, 11, &c, &why), MD_ERR_TRUNCATED);
    CHECK_STR(why, "blob shorter than its 12-byte header");

    /* Lying lengths. */
    unsigned char lie[sizeof dcs];
    memcpy(lie, dcs, sizeof dcs);
    lie[12] = 0xff, lie[13] = 0xff, lie[14] = 0xff, lie[15] = 0xff;
    CHECK_INT(md_regblob_wininet(lie, sizeof lie, &c, &why),
              MD_ERR_TRUNCATED);
    CHECK_STR(why, "proxy server length runs past the end of the blob");
    memcpy(lie, dcs, sizeof dcs);
    lie[33] = 200;
    CHECK_INT(md_regblob_wininet(lie, sizeof lie, &c, &why),
              MD_ERR_TRUNCATED);
    CHECK_STR(why, "bypass list length runs past the end of the blob");
    memcpy(lie, dcs, sizeof dcs);
    lie[44] = 0x21;
    CHECK_INT(md_regblob_wininet(lie, sizeof lie, &c, &why),
              MD_ERR_TRUNCATED);
    CHECK_STR(why, "PAC URL length runs past the end of the blob");
    lie[44] = 0x20; /* exactly the 32 trailing bytes: fits */
    CHECK_INT(md_regblob_wininet(lie, sizeof lie, &c, &why), MD_OK);
    CHECK_INT(c.pac.len, 32);

    memcpy(lie, dcs, sizeof dcs);
    lie[0] = 0x99;
    CHECK_INT(md_regblob_wininet(lie, sizeof lie, &c, &why), MD_OK);
    CHECK(!c.known_version);
}

static void
test_blob_winhttp(void)
{
    static const unsigned char direct[] = {0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0,
                                           0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char netsh[] = {
        0x28, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
        'a', ':', '4', '2', 4, 0, 0, 0, '*', '.', '4', '2'};
    struct md_winhttp_conn c;
    const char *why = NULL;
    CHECK_INT(md_regblob_winhttp(direct, sizeof direct, &c, &why), MD_OK);
    CHECK(c.direct);
    CHECK(c.known_version);
    CHECK_INT(c.proxy.len, 0);
    CHECK_INT(md_regblob_winhttp(netsh, sizeof netsh, &c, &why), MD_OK);
    CHECK(!c.direct);
    CHECK_INT(c.version, 0x28);
    CHECK_INT(c.flags, 3);
    CHECK(c.proxy.len == 4 && memcmp(c.proxy.ptr, "a:42", 4) == 0);
    CHECK(c.bypass.len == 4 && memcmp(c.bypass.ptr, "*.42", 4) == 0);
    for (size_t n = 0; n < sizeof netsh; n++)
        CHECK_INT(md_regblob_winhttp(netsh, n, &c, &why), MD_ERR_TRUNCATED);
    unsigned char lie[sizeof netsh];
    memcpy(lie, netsh, sizeof netsh);
    lie[20] = 5;
    CHECK_INT(md_regblob_winhttp(lie, sizeof lie, &c, &why),
              MD_ERR_TRUNCATED);
    CHECK_STR(why, "bypass list length runs past the end of the blob");
    lie[20] = 4;
    lie[15] = 0x80;
    CHECK_INT(md_regblob_winhttp(lie, sizeof lie, &c, &why),
              MD_ERR_TRUNCATED);
}

/* A WinINet blob whose proxy string carries user:password@: the password
 * must not survive hex-encoded in the reg.value data or the excerpt. */
static void
test_secret_in_blob(void)
{
    static const char text[] =
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings\\Connections]\r\n"
        /* 0x46 v, counter 9, flags 3, "http://svc:Secret1@proxy:8080" */
        "\"DefaultConnectionSettings\"=hex:46,00,00,00,09,00,00,00,03,00,00,"
        "00,1d,00,00,00,68,74,74,70,3a,2f,2f,73,76,63,3a,53,65,63,72,65,74,31,"
        "40,70,72,6f,78,79,3a,38,30,38,30,00,00,00,00,00,00,00,00\r\n";
    struct tu_run r;
    tu_parse(&r, &md_parser_reg, "s.reg", text, sizeof text - 1);
    const struct md_evidence *v = tu_find(&r, "reg.value", 0);
    CHECK(v != NULL);
    const char *data = tu_str(&r, v, "data");
    CHECK(strstr(data, "5365637265743") == NULL); /* "Secret1" in hex */
    CHECK(strstr(data, "4600000009") == data);    /* the rest is kept */
    CHECK(v && v->text && !strstr(v->text, "53,65,63"));
    const struct md_evidence *w = tu_find(&r, "wininet.connection", 0);
    CHECK(w && strstr(tu_str(&r, w, "proxy_server"), "Secret1") == NULL);
    CHECK(w && strstr(tu_str(&r, w, "proxy_server"), "@proxy:8080") != NULL);
    tu_free(&r);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_system_utf16), TU_TEST(test_regedit4),
        TU_TEST(test_azure_backup), TU_TEST(test_truncated),
        TU_TEST(test_malformed),    TU_TEST(test_secret),
        TU_TEST(test_sdp_name),     TU_TEST(test_bids),
        TU_TEST(test_limits),       TU_TEST(test_inline_cases),
        TU_TEST(test_blob_wininet), TU_TEST(test_blob_winhttp),
        TU_TEST(test_secret_in_blob),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
