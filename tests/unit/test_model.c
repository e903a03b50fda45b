/*
 * The model builder: evidence in, facts out (analyzer/core/model.c).
 * Records come from real parsers run on small inline captures.
 */
#include <stdlib.h>

#include "marsdiag/model.h"
#include "testutil.h"

/* Parse each (name, text) capture and feed every record to a new model. */
static struct md_model *
model_of(struct tu_run *runs, const char *const *caps, size_t n)
{
    struct md_model *m = md_model_new();
    for (size_t i = 0; i < n; i++) {
        tu_parse(&runs[i], NULL, caps[2 * i], caps[2 * i + 1],
                 strlen(caps[2 * i + 1]));
        for (size_t k = 0; k < runs[i].nev; k++)
            md_model_add(m, runs[i].ev[k]);
    }
    md_model_finish(m);
    return m;
}

static const struct md_fact *
f(struct md_model *m, const char *path)
{
    return md_fact_path(md_model_root(m), path);
}

static const char *
s(struct md_model *m, const char *path)
{
    const struct md_fact *x = f(m, path);
    return x && x->type == MD_F_STR ? x->s : "(none)";
}

static int64_t
i(struct md_model *m, const char *path)
{
    const struct md_fact *x = f(m, path);
    return x && (x->type == MD_F_INT || x->type == MD_F_BOOL) ? x->i : -99;
}

#define REG5 "Windows Registry Editor Version 5.00\r\n\r\n"
#define AGENT "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Azure Backup\\Config]\r\n"
#define SYS "[HKEY_USERS\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n"
#define HKLM_IS "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n"
#define POLICY "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n"

static void
test_conflict(void)
{
    /* The registry and the cmdlet capture disagree on the agent's proxy:
     * the first is kept, the disagreement listed with both records. */
    static const char *const caps[] = {
        "agent.reg", REG5 AGENT "\"ProxyServer\"=\"http://10.0.0.5\"\r\n"
                     "\"ProxyPort\"=dword:00001f90\r\n",
        "Get-OBMachineSetting.txt",
        "PS C:\\> Get-OBMachineSetting\r\n\r\n"
        "ProxyServer : http://10.9.9.9\r\nProxyPort   : 8080\r\n",
    };
    struct tu_run r[2];
    struct md_model *m = model_of(r, caps, 2);
    CHECK_STR(s(m, "agent.proxy.server"), "http://10.0.0.5");
    CHECK_INT(i(m, "agent.proxy.port"), 8080);
    CHECK_INT(i(m, "agent.proxy.set"), 1);
    const struct md_fact *c = f(m, "conflicts");
    CHECK(c && c->type == MD_F_LIST && c->n == 1);
    if (c && c->n) {
        CHECK_STR(md_fact_get(c->items[0], "fact")->s, "agent.proxy.server");
        CHECK_STR(md_fact_get(c->items[0], "other")->s, "http://10.9.9.9");
        CHECK_INT(c->items[0]->nev, 2);
    }
    /* The port agrees: one fact, cited by both records. */
    CHECK_INT(f(m, "agent.proxy.port")->nev, 2);
    md_model_free(m);
    tu_free(&r[0]);
    tu_free(&r[1]);
}

static void
test_per_machine(void)
{
    /* ProxySettingsPerUser=0: SYSTEM uses the HKLM copy, not S-1-5-18. */
    static const char *const caps[] = {
        "is.reg", REG5 POLICY "\"ProxySettingsPerUser\"=dword:00000000\r\n\r\n"
                  HKLM_IS "\"ProxyEnable\"=dword:00000001\r\n"
                  "\"ProxyServer\"=\"machine.proxy:3128\"\r\n\r\n"
                  SYS "\"ProxyEnable\"=dword:00000001\r\n"
                  "\"ProxyServer\"=\"system.proxy:8080\"\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, caps, 1);
    CHECK_INT(i(m, "system.per_machine"), 1);
    CHECK_STR(s(m, "system.proxy.server"), "machine.proxy:3128");
    CHECK_INT(i(m, "system.proxy.set"), 1);
    CHECK(strstr(s(m, "system.location"), "HKEY_LOCAL_MACHINE") != NULL);
    md_model_free(m);
    tu_free(&r[0]);
}

static void
test_per_machine_variants(void)
{
    /* Key names are case-insensitive (reg query echoes them as typed);
     * the per-machine policy counts in HKLM only; a WOW6432Node copy is
     * the 32-bit view, which the 64-bit agent does not read. */
    static const char *const caps[] = {
        "is.reg",
        REG5 POLICY
        "\"ProxySettingsPerUser\"=dword:00000000\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\software\\microsoft\\windows\\"
        "currentversion\\internet settings]\r\n"
        "\"ProxyEnable\"=dword:00000001\r\n"
        "\"ProxyServer\"=\"machine.proxy:3128\"\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings]\r\n"
        "\"ProxyEnable\"=dword:00000001\r\n"
        "\"ProxyServer\"=\"wow.proxy:80\"\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, caps, 1);
    CHECK_INT(i(m, "system.per_machine"), 1);
    CHECK_STR(s(m, "system.proxy.server"), "machine.proxy:3128");
    md_model_free(m);
    tu_free(&r[0]);

    static const char *const in_hku[] = {
        "is.reg",
        REG5 "[HKEY_USERS\\S-1-5-18\\Software\\Policies\\Microsoft\\"
             "Windows\\CurrentVersion\\Internet Settings]\r\n"
             "\"ProxySettingsPerUser\"=dword:00000000\r\n\r\n" HKLM_IS
             "\"ProxyEnable\"=dword:00000001\r\n"
             "\"ProxyServer\"=\"machine.proxy:3128\"\r\n\r\n" SYS
             "\"ProxyEnable\"=dword:00000000\r\n",
    };
    m = model_of(r, in_hku, 1);
    CHECK_INT(i(m, "system.per_machine"), 0);
    CHECK_INT(i(m, "system.proxy.set"), 0);
    md_model_free(m);
    tu_free(&r[0]);
}

static void
test_entra_user(void)
{
    /* An Entra ID account (S-1-12-1-...) is an interactive user too. */
    static const char *const caps[] = {
        "u.reg",
        REG5 "[HKEY_USERS\\S-1-12-1-111-222-333-444\\Software\\Microsoft\\"
             "Windows\\CurrentVersion\\Internet Settings]\r\n"
             "\"ProxyEnable\"=dword:00000001\r\n\"ProxyServer\"=\"u:1\"\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, caps, 1);
    const struct md_fact *users = f(m, "users");
    CHECK(users && users->n == 1);
    if (users && users->n)
        CHECK_STR(md_fact_get(users->items[0], "sid")->s,
                  "S-1-12-1-111-222-333-444");
    md_model_free(m);
    tu_free(&r[0]);
}

static void
test_agent_setup_only(void)
{
    /* An export of the agent's \\Setup subkey alone does not show its
     * settings (unknown); with \\Config it shows there are none. */
    static const char *const setup[] = {
        "a.reg", REG5 "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Azure "
        "Backup\\Setup]\r\n\"CurrentVersion\"=\"2.0.9250.0\"\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, setup, 1);
    CHECK_INT(i(m, "collected.agent_settings"), 0);
    CHECK_STR(s(m, "agent.version"), "2.0.9250.0");
    md_model_free(m);
    tu_free(&r[0]);
    static const char *const config[] = {
        "a.reg", REG5 "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Azure "
        "Backup\\Setup]\r\n\"CurrentVersion\"=\"2.0.9250.0\"\r\n\r\n"
        AGENT "\"ScratchLocation\"=\"C:\\\\Scratch\"\r\n",
    };
    m = model_of(r, config, 1);
    CHECK_INT(i(m, "collected.agent_settings"), 1);
    CHECK_INT(i(m, "agent.proxy.set"), 0);
    md_model_free(m);
    tu_free(&r[0]);
}

static void
test_winhttp_later_output(void)
{
    /* Two netsh outputs in one transcript: the later is the state now;
     * no conflict between them. */
    static const char *const caps[] = {
        "transcript.txt",
        "PS C:\\> netsh winhttp set proxy old.proxy:8080\r\n\r\n"
        "Current WinHTTP proxy settings:\r\n\r\n"
        "    Proxy Server(s) :  old.proxy:8080\r\n"
        "    Bypass List     :  (none)\r\n\r\n"
        "PS C:\\> netsh winhttp reset proxy\r\n\r\n"
        "Current WinHTTP proxy settings:\r\n\r\n"
        "    Direct access (no proxy server).\r\n\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, caps, 1);
    CHECK_INT(i(m, "winhttp.direct"), 1);
    CHECK_STR(s(m, "winhttp.server"), "(none)");
    CHECK(f(m, "conflicts") == NULL);
    md_model_free(m);
    tu_free(&r[0]);
}

static void
test_blob_over_legacy(void)
{
    /* The binary DefaultConnectionSettings is what WinINet uses: flags
     * 0x05 (PAC) win over ProxyEnable=1; the legacy server that
     * disagrees with the blob's (empty) one is still the server text. */
    static const char *const caps[] = {
        "sys.reg",
        REG5 SYS "\"ProxyEnable\"=dword:00000001\r\n"
        "\"ProxyServer\"=\"stale:80\"\r\n\r\n"
        "[HKEY_USERS\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion"
        "\\Internet Settings\\Connections]\r\n"
        "\"DefaultConnectionSettings\"=hex:46,00,00,00,02,00,00,00,05,00,00,"
        "00,00,00,00,00,00,00,00,00,0a,00,00,00,68,74,74,70,3a,2f,2f,70,2f,"
        "78,00,00,00,00\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, caps, 1);
    CHECK_INT(i(m, "system.proxy.manual"), 0);
    CHECK_INT(i(m, "system.proxy.pac"), 1);
    CHECK_STR(s(m, "system.proxy.pac_url"), "http://p/x");
    CHECK_INT(i(m, "system.proxy.set"), 1);
    md_model_free(m);
    tu_free(&r[0]);
}

static void
test_users_and_missing(void)
{
    static const char *const caps[] = {
        "u.reg", REG5
        "[HKEY_USERS\\S-1-5-21-1-2-3-1001\\Software\\Microsoft\\Windows\\"
        "CurrentVersion\\Internet Settings]\r\n"
        "\"ProxyEnable\"=dword:00000001\r\n\"ProxyServer\"=\"u:1\"\r\n",
    };
    struct tu_run r[1];
    struct md_model *m = model_of(r, caps, 1);
    const struct md_fact *users = f(m, "users");
    CHECK(users && users->n == 1);
    if (users && users->n) {
        CHECK_STR(md_fact_get(users->items[0], "sid")->s,
                  "S-1-5-21-1-2-3-1001");
        CHECK_INT(md_fact_path(users->items[0], "proxy.set")->i, 1);
    }
    CHECK_INT(i(m, "collected.agent_settings"), 0);
    CHECK_INT(i(m, "collected.system_settings"), 0);
    const struct md_fact *miss = f(m, "collected.missing");
    CHECK(miss && miss->n == 3); /* agent, SYSTEM, engine log */
    md_model_free(m);
    tu_free(&r[0]);
}

/* A classifier for the test: "(407)" is proxy_auth_required, twice over
 * (two signatures), which must count once per record. */
static void
classify(void *user, const char *text, size_t len,
         void (*hit)(void *, const char *), void *hu)
{
    (void)user;
    struct md_slice sl = {text, len};
    if (md_slice_ifind(sl, "(407)") >= 0) {
        hit(hu, "proxy_auth_required");
        hit(hu, "proxy_auth_required");
    }
}

static void
test_log_categories(void)
{
    static const char text[] =
        "1A2C\t0F10\t11/28\t09:00:02.377\t69\tA.cs(1)\t\t\t\tWARNING\t"
        "failed: (407) Proxy Authentication Required.\r\n"
        "1A2C\t0F10\t11/28\t09:05:02.377\t69\tA.cs(1)\t\t\t\tNORMAL\tok\r\n"
        "1A2C\t0F10\t11/28\t09:10:02.377\t69\tA.cs(1)\t\t\t\tFATAL\t"
        "again (407) https://POD01.backup.windowsazure.com:443/x via "
        "'proxy.corp' at 10.0.0.5:8080, not 1.5 or 'x'\r\n";
    struct tu_run r;
    tu_parse(&r, NULL, "CBEngineCurr.errlog", text, sizeof text - 1);
    struct md_model *m = md_model_new();
    md_model_set_classifier(m, classify, NULL);
    for (size_t k = 0; k < r.nev; k++)
        md_model_add(m, r.ev[k]);
    md_model_finish(m);
    CHECK_INT(i(m, "log.proxy_auth_required.count"), 2);
    CHECK_STR(s(m, "log.proxy_auth_required.hosts"),
              "pod01.backup.windowsazure.com;proxy.corp;10.0.0.5");
    CHECK_INT(i(m, "log.proxy_auth_required.names_azure"), 1);
    CHECK_INT(f(m, "log.proxy_auth_required.count")->nev, 2);
    CHECK_INT(i(m, "collected.engine_log"), 1);
    md_model_free(m);
    tu_free(&r);
}

/* A log record as the errlog parser makes it: message and timestamp. */
static void
add_event(struct md_model *m, const char *kind, const char *ts,
          const char *msg)
{
    struct md_evidence ev = {.kind = kind, .nfields = 2};
    bool is_log = !strcmp(kind, "log.record");
    ev.fields[0] = (struct md_field){.name = is_log ? "message" : "data",
                                     .type = MD_V_STR, .s = msg,
                                     .len = strlen(msg)};
    ev.fields[1] = (struct md_field){.name = is_log ? "timestamp"
                                                    : "time_created",
                                     .type = ts ? MD_V_STR : MD_V_NULL,
                                     .s = ts, .len = ts ? strlen(ts) : 0};
    md_model_add(m, &ev);
}

static void
test_log_hours(void)
{
    struct md_model *m = md_model_new();
    md_model_set_classifier(m, classify, NULL);
    add_event(m, "log.record", "2026-11-28T01:58:03.811", "x (407)");
    add_event(m, "log.record", "2026-11-28T01:59:00.000", "y (407)");
    add_event(m, "log.record", "2026-11-28T01:59:30.000", "not classified");
    add_event(m, "log.record", "2026-11-28T02:00:00.000", "z (407)");
    add_event(m, "log.record", NULL, "no year (407)");
    add_event(m, "event.record", "2026-11-27T17:00:00.0150000Z", "(407)");
    add_event(m, "event.record", "2026-11-27 17:10:00+09:00", "(407)");
    add_event(m, "event.record", "11/27 17:10", "(407)");
    md_model_finish(m);
    size_t n;
    uint64_t untimed, dropped;
    const struct md_log_hour *h = md_model_log_hours(m, &n, &untimed,
                                                     &dropped);
    CHECK_INT(n, 4);
    CHECK_INT(untimed, 2);
    CHECK_INT(dropped, 0);
    if (n == 4) {
        CHECK_STR(h[0].hour, "2026-11-28T01");
        CHECK_STR(h[0].zone, "");
        CHECK_STR(h[0].category, "proxy_auth_required");
        CHECK_INT(h[0].count, 2);
        CHECK_STR(h[1].hour, "2026-11-28T02");
        CHECK_INT(h[1].count, 1);
        CHECK_STR(h[2].zone, "Z");
        CHECK_STR(h[3].hour, "2026-11-27T17");
        CHECK_STR(h[3].zone, "+09:00");
    }
    md_model_free(m);

    /* The table is capped: events past it are counted, not kept. */
    m = md_model_new();
    md_model_set_classifier(m, classify, NULL);
    for (int k = 0; k <= MD_MODEL_MAX_HOURS; k++) {
        char ts[32];
        snprintf(ts, sizeof ts, "%04d-01-01T%02d:00:00", 1000 + k / 24,
                 k % 24);
        add_event(m, "log.record", ts, "(407)");
    }
    md_model_log_hours(m, &n, &untimed, &dropped);
    CHECK_INT(n, MD_MODEL_MAX_HOURS);
    CHECK_INT(dropped, 1);
    md_model_free(m);
}

/* host.name: the registry's ComputerName beats an event's <Computer>,
 * which beats a collector's {NAME}_ member prefix. */
static void
test_host_name(void)
{
    static const char log[] =
        "1A2C\t0F10\t11/28\t09:00:02.377\t69\tA.cs(1)\t\t\t\tNORMAL\tok\r\n";
    static const char evt[] =
        "<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/"
        "events/event'><System><Provider Name='CloudBackup'/><EventID>1"
        "</EventID><Level>4</Level><TimeCreated SystemTime='2026-11-28T02:"
        "00:01Z'/><Computer>WEB09.contoso.local</Computer></System>"
        "</Event></Events>\r\n";
    static const char reg[] =
        REG5 "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\"
        "ComputerName\\ComputerName]\r\n\"ComputerName\"=\"SQL-01\"\r\n";
    const char *const caps[] = {"FS07_CBEngineCurr.errlog", log,
                                "FS07_evt_CloudBackup.xml", evt,
                                "FS07__Azure Recovery Services_Registry.reg",
                                reg};
    struct tu_run r[3];
    for (size_t n = 1; n <= 3; n++) {
        struct md_model *m = model_of(r, caps, n);
        static const char *const want[] = {"FS07", "WEB09", "SQL-01"};
        CHECK_STR(s(m, "host.name"), want[n - 1]);
        CHECK_INT(f(m, "host.name")->nev, n == 1 ? 0 : 1);
        md_model_free(m);
        for (size_t k = 0; k < n; k++)
            tu_free(&r[k]);
    }
    /* No name anywhere: no fact, never a guess. */
    const char *const anon[] = {"CBEngineCurr.errlog", log};
    struct md_model *m = model_of(r, anon, 1);
    CHECK(!f(m, "host.name"));
    md_model_free(m);
    tu_free(&r[0]);
}

/* md_fact_scalar: the text the reports print for a scalar fact. */
static void
test_fact_scalar(void)
{
    struct md_arena a = MD_ARENA_INIT;
    struct md_fact *root = md_fact_new(&a, MD_F_OBJ);
    struct md_fact *eff = md_fact_child(&a, root, "effective", MD_F_OBJ);
    md_fact_put(&a, eff, "server", md_fact_str(&a, "proxy.contoso.com", 17));
    md_fact_put(&a, eff, "port", md_fact_int(&a, 8080));
    md_fact_put(&a, eff, "credentials", md_fact_bool(&a, false));
    md_fact_put(&a, eff, "nothing", md_fact_new(&a, MD_F_NULL));
    char buf[64], small[6];
    CHECK_STR(md_fact_scalar(root, "effective.server", buf, sizeof buf),
              "proxy.contoso.com");
    CHECK_STR(md_fact_scalar(root, "effective.port", buf, sizeof buf), "8080");
    CHECK_STR(md_fact_scalar(root, "effective.credentials", buf, sizeof buf),
              "no");
    /* Cut to fit, never past the buffer. */
    CHECK_STR(md_fact_scalar(root, "effective.server", small, sizeof small),
              "proxy");
    /* Missing, null and objects have no text. */
    CHECK(!md_fact_scalar(root, "effective.pac_url", buf, sizeof buf));
    CHECK(!md_fact_scalar(root, "effective.nothing", buf, sizeof buf));
    CHECK(!md_fact_scalar(root, "effective", buf, sizeof buf));
    md_arena_free(&a);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_conflict),
        TU_TEST(test_per_machine),
        TU_TEST(test_per_machine_variants),
        TU_TEST(test_entra_user),
        TU_TEST(test_agent_setup_only),
        TU_TEST(test_winhttp_later_output),
        TU_TEST(test_blob_over_legacy),
        TU_TEST(test_users_and_missing),
        TU_TEST(test_log_categories),
        TU_TEST(test_log_hours),
        TU_TEST(test_host_name),
        TU_TEST(test_fact_scalar),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
