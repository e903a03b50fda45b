/*
 * Fleet scans (marsdiag/fleet.h): the shard hash, the NDJSON line
 * reader, and the roll-up's rows built from report lines. The writers
 * are in fleet_write.c.
 */
#include "marsdiag/fleet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_rows.h"
#include "marsdiag/buf.h"
#include "marsdiag/evidence.h"
#include "marsdiag/jsonread.h"
#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/rules.h"

/* ---- shards -------------------------------------------------------------- */

uint64_t
md_fleet_hash(const char *path)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a offset basis */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3u; /* FNV prime */
    }
    return h;
}

static bool
parse_uint(const char *s, size_t len, unsigned max, unsigned *out)
{
    if (len == 0 || len > 7)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

bool
md_fleet_shard_parse(const char *s, unsigned *k, unsigned *n)
{
    const char *slash = strchr(s, '/');
    unsigned kk, nn;
    if (!slash || !parse_uint(s, (size_t)(slash - s), 1000000, &kk) ||
        !parse_uint(slash + 1, strlen(slash + 1), 1000000, &nn) || nn == 0 ||
        kk >= nn)
        return false;
    *k = kk;
    *n = nn;
    return true;
}

/* ---- NDJSON files -------------------------------------------------------- */

enum md_status
md_ndjson_read(FILE *f, md_ndjson_fn fn, void *user, uint64_t *complete,
               bool *torn)
{
    struct md_buf line = MD_BUF_INIT(MD_NDJSON_LINE_MAX);
    char chunk[65536];
    uint64_t done = 0, number = 0;
    enum md_status rc = MD_OK;
    bool stop = false;
    size_t n;
    *torn = false;
    while (!stop && rc == MD_OK && (n = fread(chunk, 1, sizeof chunk, f))) {
        size_t i = 0;
        while (i < n && !stop) {
            const char *nl = memchr(chunk + i, '\n', n - i);
            size_t take = nl ? (size_t)(nl - (chunk + i)) : n - i;
            rc = md_buf_add(&line, chunk + i, take);
            if (rc != MD_OK)
                break;
            i += take;
            if (!nl)
                break;
            i++;
            number++;
            done += line.len + 1;
            size_t len = line.len;
            if (len && line.ptr[len - 1] == '\r')
                len--;
            if (len && !fn(user, line.ptr, len, number))
                stop = true;
            md_buf_reset(&line);
        }
    }
    if (rc == MD_OK && ferror(f))
        rc = MD_ERR_IO;
    if (rc == MD_OK && !stop && line.len)
        *torn = true;
    *complete = done;
    md_buf_free(&line);
    return rc;
}

/* ---- the roll-up: rows --------------------------------------------------- */

struct md_fleet *
md_fleet_new(void)
{
    return calloc(1, sizeof(struct md_fleet));
}

void
md_fleet_free(struct md_fleet *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nabsorbed; i++)
        md_fleet_free(f->absorbed[i]);
    free(f->absorbed);
    md_arena_free(&f->keep);
    md_arena_free(&f->tmp);
    free(f->rows);
    free(f->rules);
    free(f);
}

enum md_status
md_fleet_absorb(struct md_fleet *dst, struct md_fleet *src)
{
    size_t n = dst->nrows + src->nrows;
    struct md_fleet **a =
        realloc(dst->absorbed, (dst->nabsorbed + 1) * sizeof *a);
    if (!a)
        return MD_ERR_NOMEM;
    dst->absorbed = a;
    if (n > dst->cap) {
        struct fleet_row *r = realloc(dst->rows, n * sizeof *r);
        if (!r)
            return MD_ERR_NOMEM;
        dst->rows = r;
        dst->cap = n;
    }
    for (size_t i = 0; i < src->nrows; i++) {
        dst->rows[dst->nrows] = src->rows[i];
        dst->rows[dst->nrows].seq = dst->nrows; /* added after dst's own */
        dst->nrows++;
    }
    src->nrows = 0;
    dst->absorbed[dst->nabsorbed++] = src;
    return MD_OK;
}

void
md_fleet_redact(struct md_fleet *f, const struct md_redactor *template)
{
    f->redact = template;
}

/* A masked copy of s[0..len) in the fleet's arena, with pseudonyms when
 * rd is not NULL; "" for NULL. */
static const char *
keep_masked(struct md_fleet *f, const struct md_redactor *rd, const char *s,
            size_t len)
{
    if (!s)
        return "";
    if (rd) {
        size_t n;
        char *m = md_redactor_apply(rd, s, len, &n);
        const char *o = m ? md_arena_strndup(&f->keep, m, n) : NULL;
        free(m);
        return o;
    }
    char *o = md_arena_alloc(&f->keep, len + 1);
    if (!o)
        return NULL;
    o[md_redact(s, len, o)] = '\0';
    return o;
}

static const char *
keep_str(struct md_fleet *f, const struct md_redactor *rd,
         const struct md_jval *v)
{
    if (!v || v->type != MD_J_STR)
        return "";
    return keep_masked(f, rd, v->s, v->len);
}

/* The host of a report without host.name: HOST of a bundle called
 * HOST_MARS_DATE.zip (the collector's naming), else "". */
static const char *
host_from_name(struct md_fleet *f, const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    long at = md_slice_ifind(md_slice_of(base, strlen(base)), "_MARS_");
    if (at <= 0)
        return "";
    return keep_masked(f, NULL, base, (size_t)at);
}

/* effective_proxy as one phrase (fleet.h). */
static const char *
proxy_phrase(struct md_fleet *f, const struct md_redactor *rd,
             const struct md_jval *eff)
{
    const char *source = md_jstr(eff, "source");
    const char *mode = md_jstr(eff, "mode");
    if (!source || !mode)
        return "";
    if (!strcmp(source, "unknown") || !strcmp(mode, "unknown"))
        return "unknown";
    if (!strcmp(mode, "direct"))
        return "direct";
    struct md_buf b = MD_BUF_INIT(0);
    const struct md_jval *port = md_jget(eff, "port");
    const char *server = md_jstr(eff, "server");
    const char *pac = md_jstr(eff, "pac_url");
    enum md_status st;
    if (!strcmp(mode, "manual"))
        st = port && port->is_int
                 ? md_buf_printf(&b, "%s:%lld", server ? server : "?",
                                 (long long)port->i)
                 : md_buf_adds(&b, server ? server : "?");
    else if (!strcmp(mode, "pac"))
        st = md_buf_printf(&b, "PAC %s", pac ? pac : "(no URL)");
    else
        st = md_buf_adds(&b, mode);
    const struct md_jval *cred = md_jget(eff, "credentials");
    if (st == MD_OK)
        st = md_buf_printf(&b, " (%s%s)", source,
                           cred && cred->type == MD_J_BOOL && cred->b
                               ? ", credentials"
                               : "");
    const char *out = st == MD_OK ? keep_masked(f, rd, b.ptr, b.len) : NULL;
    md_buf_free(&b);
    return out;
}

static int
by_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The findings: hits, worst, counts, and the rules column. */
static enum md_status
row_findings(struct md_fleet *f, struct fleet_row *r,
             const struct md_jval *list)
{
    r->worst = -1;
    size_t n = list && list->type == MD_J_ARR ? list->n : 0;
    r->hits = md_arena_alloc(&f->keep, (n ? n : 1) * sizeof *r->hits);
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    if (!r->hits || !ids) {
        free(ids);
        return MD_ERR_NOMEM;
    }
    size_t nids = 0;
    for (size_t i = 0; i < n; i++) {
        const struct md_jval *fi = &list->items[i];
        const char *rule = md_jstr(fi, "rule");
        int sev = md_severity_parse(md_jstr(fi, "severity"));
        if (!rule || sev < 0)
            continue; /* not a finding this roll-up can count */
        const struct md_jval *sup = md_jget(fi, "suppressed");
        struct fleet_hit *h = &r->hits[r->nhits++];
        h->rule = keep_str(f, NULL, md_jget(fi, "rule"));
        h->title = keep_str(f, NULL, md_jget(fi, "title"));
        h->severity = sev;
        h->suppressed = sup && sup->type == MD_J_BOOL && sup->b;
        if (!h->rule || !h->title) {
            free(ids);
            return MD_ERR_NOMEM;
        }
        if (h->suppressed) {
            r->nwaived++;
            continue;
        }
        r->nfindings++;
        if (sev > r->worst)
            r->worst = sev;
        ids[nids++] = h->rule;
    }
    qsort(ids, nids, sizeof *ids, by_str);
    struct md_buf b = MD_BUF_INIT(0);
    enum md_status st = MD_OK;
    for (size_t i = 0; i < nids && st == MD_OK; i++)
        if (i == 0 || strcmp(ids[i], ids[i - 1]))
            st = md_buf_printf(&b, "%s%s", b.len ? " " : "", ids[i]);
    r->rules = st == MD_OK ? md_arena_strndup(&f->keep, b.ptr ? b.ptr : "",
                                              b.len)
                           : NULL;
    md_buf_free(&b);
    free(ids);
    return r->rules ? MD_OK : MD_ERR_NOMEM;
}

/* How the line is redacted; for md_fleet_redact, a redactor that knows
 * the names of a line written without --redact strict (*rd NULL when
 * none is wanted). */
static enum md_status
row_redaction(struct md_fleet *f, struct fleet_row *r,
              const struct md_jval *doc, struct md_redactor **rd)
{
    const char *mode = md_jstr(doc, "tool.redact");
    const char *key = md_jstr(doc, "tool.redact_key");
    r->strict = mode && !strcmp(mode, "strict");
    r->key_id = r->strict && key ? md_arena_strdup(&f->keep, key) : "";
    *rd = NULL;
    if (!r->key_id)
        return MD_ERR_NOMEM;
    if (r->strict || !f->redact)
        return MD_OK;
    *rd = md_redactor_new_like(f->redact);
    if (!*rd || md_redactor_add_report_json(*rd, doc) != MD_OK)
        return MD_ERR_NOMEM; /* never a row with names left in */
    r->redacted_here = true;
    return MD_OK;
}

static enum md_status
row_from_report(struct md_fleet *f, struct fleet_row *r,
                const struct md_jval *doc, const char *origin)
{
    struct md_redactor *rd;
    enum md_status st = row_redaction(f, r, doc, &rd);
    if (st != MD_OK) {
        md_redactor_free(rd);
        return st;
    }
    const struct md_jval *err = md_jget(doc, "error");
    if (!err || err->type != MD_J_STR)
        err = md_jpath(doc, "input.error");
    r->path = keep_str(f, rd, md_jpath(doc, "input.path"));
    const struct md_jval *id = md_jpath(doc, "input.path_id");
    r->ident = id && id->type == MD_J_STR ? keep_str(f, NULL, id) : r->path;
    r->error = keep_str(f, rd, err);
    r->agent = keep_str(f, rd, md_jpath(doc, "host.agent_version"));
    r->host = keep_str(f, rd, md_jpath(doc, "host.name"));
    /* From the path as the row shows it: a strict line's path already
     * holds the pseudonym, a redacted one's now does. */
    if (r->host && !r->host[0] && r->path)
        r->host = host_from_name(f, r->path);
    r->proxy = r->error && r->error[0]
                   ? ""
                   : proxy_phrase(f, rd, md_jget(doc, "effective_proxy"));
    r->origin = md_arena_strdup(&f->keep, origin ? origin : "");
    md_redactor_free(rd);
    if (!r->path || !r->ident || !r->error || !r->agent || !r->host ||
        !r->proxy || !r->origin)
        return MD_ERR_NOMEM;
    return row_findings(f, r, md_jget(doc, "findings"));
}

/* A report of a bundle (findings, effective_proxy) or of why it could
 * not be read (error): a line with only a schema and a path must not
 * count as a bundle done (--resume would never scan it again). */
static bool
is_whole(const struct md_jval *doc)
{
    const struct md_jval *fi = md_jget(doc, "findings"),
                         *ep = md_jget(doc, "effective_proxy");
    return md_jstr(doc, "error") || md_jstr(doc, "input.error") ||
           (fi && fi->type == MD_J_ARR && ep && ep->type == MD_J_OBJ);
}

enum md_status
md_fleet_add(struct md_fleet *f, const char *line, size_t len,
             const char *origin, const char **path, char *err, size_t errlen)
{
    if (f->nrows == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        struct fleet_row *n = realloc(f->rows, cap * sizeof *n);
        if (!n)
            return MD_ERR_NOMEM;
        f->rows = n;
        f->cap = cap;
    }
    struct md_arena_mark m = md_arena_mark(&f->tmp);
    const struct md_jval *doc = md_jread(&f->tmp, line, len, err, errlen);
    enum md_status st = MD_ERR_SYNTAX;
    const char *schema = md_jstr(doc, "schema");
    if (!doc) {
        if (strstr(err, "out of memory"))
            st = MD_ERR_NOMEM;
    } else if (!schema || strcmp(schema, MD_REPORT_SCHEMA)) {
        snprintf(err, errlen, "not a %s line", MD_REPORT_SCHEMA);
    } else if (!md_jstr(doc, "input.path")) {
        snprintf(err, errlen, "no input.path");
    } else if (!is_whole(doc)) {
        snprintf(err, errlen, "neither findings nor an error: not a whole "
                              "report");
    } else {
        struct fleet_row *r = &f->rows[f->nrows];
        memset(r, 0, sizeof *r);
        r->seq = f->nrows;
        st = row_from_report(f, r, doc, origin);
        if (st == MD_OK) {
            f->nrows++;
            if (path)
                *path = r->ident;
        } else {
            snprintf(err, errlen, "out of memory");
        }
    }
    md_arena_rewind(&f->tmp, m);
    return st;
}

/* ---- the roll-up: finishing ---------------------------------------------- */

static int
by_ident_seq(const void *x, const void *y)
{
    const struct fleet_row *a = x, *b = y;
    int c = strcmp(a->ident, b->ident);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
by_host_path(const void *x, const void *y)
{
    const struct fleet_row *a = x, *b = y;
    int c = strcmp(a->host, b->host);
    if (!c)
        c = strcmp(a->path, b->path);
    /* two bundles whose paths differ only in a name's case have one
     * pseudonym path: the same order in every run all the same */
    return c ? c : strcmp(a->ident, b->ident);
}

static int
by_rule_id(const void *x, const void *y)
{
    const struct fleet_rule *a = x, *b = y;
    return strcmp(a->id, b->id);
}

static struct fleet_rule *
rule_slot(struct md_fleet *f, const struct fleet_hit *h, size_t *cap)
{
    for (size_t i = 0; i < f->nrules; i++)
        if (!strcmp(f->rules[i].id, h->rule))
            return &f->rules[i];
    if (f->nrules == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        struct fleet_rule *n = realloc(f->rules, nc * sizeof *n);
        if (!n)
            return NULL;
        f->rules = n;
        *cap = nc;
    }
    struct fleet_rule *r = &f->rules[f->nrules++];
    *r = (struct fleet_rule){h->rule, h->title, h->severity, 0, 0};
    return r;
}

/* Count one row into the rules: per rule, fired (some finding not
 * waived) or waived (every finding waived). */
static enum md_status
count_row(struct md_fleet *f, const struct fleet_row *row, size_t *cap)
{
    for (size_t i = 0; i < row->nhits; i++) {
        const struct fleet_hit *h = &row->hits[i];
        bool seen = false, fired = false;
        for (size_t k = 0; k < row->nhits; k++) {
            const struct fleet_hit *o = &row->hits[k];
            if (strcmp(o->rule, h->rule))
                continue;
            seen |= k < i;
            fired |= !o->suppressed;
        }
        struct fleet_rule *r = rule_slot(f, h, cap);
        if (!r)
            return MD_ERR_NOMEM;
        /* The same bytes whatever the order: the most severe severity,
         * the smallest title. */
        if (h->severity > r->severity)
            r->severity = h->severity;
        if (strcmp(h->title, r->title) < 0)
            r->title = h->title;
        if (seen)
            continue;
        if (fired)
            r->bundles++;
        else
            r->waived++;
    }
    return MD_OK;
}

enum md_status
md_fleet_finish(struct md_fleet *f, md_fleet_dup_fn dup, void *user)
{
    if (f->finished)
        return MD_OK;
    f->finished = true;
    if (f->nrows)
        qsort(f->rows, f->nrows, sizeof *f->rows, by_ident_seq);
    size_t n = 0;
    for (size_t i = 0; i < f->nrows; i++) {
        if (n && !strcmp(f->rows[n - 1].ident, f->rows[i].ident)) {
            if (dup)
                dup(user, f->rows[i].path, f->rows[n - 1].origin,
                    f->rows[i].origin);
            continue;
        }
        f->rows[n++] = f->rows[i];
    }
    f->nrows = n;
    if (n)
        qsort(f->rows, n, sizeof *f->rows, by_host_path);
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        if (count_row(f, &f->rows[i], &cap) != MD_OK)
            return MD_ERR_NOMEM;
    if (f->nrules)
        qsort(f->rules, f->nrules, sizeof *f->rules, by_rule_id);
    return MD_OK;
}

void
md_fleet_totals(const struct md_fleet *f, struct md_fleet_totals *t)
{
    memset(t, 0, sizeof *t);
    t->worst_all = -1;
    t->bundles = f->nrows;
    for (size_t i = 0; i < f->nrows; i++) {
        const struct fleet_row *r = &f->rows[i];
        if (r->error[0])
            t->unreadable++;
        else if (r->worst < 0)
            t->clean++;
        else
            t->worst[r->worst]++;
        if (r->worst > t->worst_all)
            t->worst_all = r->worst;
    }
}

void
md_fleet_redaction(const struct md_fleet *f, struct md_fleet_redaction *out)
{
    memset(out, 0, sizeof *out);
    const char *mine = md_redactor_key_id(f->redact);
    for (size_t i = 0; i < f->nrows; i++) {
        const struct fleet_row *r = &f->rows[i];
        if (!r->strict) {
            out->plain++;
            out->redacted += r->redacted_here;
            continue;
        }
        out->strict++;
        if (!r->key_id[0]) {
            out->numbered++;
            continue;
        }
        if (mine && strcmp(r->key_id, mine))
            out->other_key = true;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = f->rows[k].strict && !strcmp(f->rows[k].key_id, r->key_id);
        if (seen)
            continue;
        if (out->keys < 2)
            out->key[out->keys] = r->key_id;
        out->keys++;
    }
}
