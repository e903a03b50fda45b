/*
 * The precedence chain (marsdiag/precedence.h), read from
 * rules/pack/precedence.yml with libyaml's document API and evaluated with
 * the rule engine's expressions. The format is described at the top of
 * that file; the facts behind it are source-article.md §5-§6.
 */
#include "marsdiag/precedence.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yamlerr.h"

#define MAX_STEPS 8
#define MAX_MODES 6
#define MAX_NEVER 8
#define MAX_VALUES 4

struct mode {
    struct md_expr *when;
    char *mode;
    struct md_expr *server, *port, *pac_url, *credentials, *bypass;
};

struct step {
    char *source, *shadows;
    struct md_expr *known_when, *in_force_when;
    struct mode modes[MAX_MODES];
    size_t nmodes;
};

struct never {
    char *source, *list, *name, *set, *reason;
    char *values[MAX_VALUES];
    size_t nvalues;
};

struct md_precedence {
    struct step steps[MAX_STEPS];
    size_t nsteps;
    struct never never[MAX_NEVER];
    size_t nnever;
};

struct loader {
    yaml_document_t doc;
    const char *file;
    const struct md_limits *lim;
    struct md_yamlerr errs; /* handed on in file order at the end */
};

static void fail(struct loader *l, const yaml_node_t *n, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

static void
fail(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    md_yamlerr_add(&l->errs, n ? (unsigned)n->start_mark.line + 1 : 0,
                   n ? (unsigned)n->start_mark.column + 1 : 0, msg);
}

/* An expression's errors join the file's, to come out in order. */
static void
expr_error(void *user, const char *file, unsigned line, unsigned col,
           const char *msg)
{
    struct loader *l = user;
    (void)file;
    md_yamlerr_add(&l->errs, line, col, msg);
}

static yaml_node_t *
node(struct loader *l, int id)
{
    return yaml_document_get_node(&l->doc, id);
}

static const char *
scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

static char *
dup_scalar(struct loader *l, const yaml_node_t *n, const char *what)
{
    const char *s = scalar(n);
    if (!s) {
        fail(l, n, "'%s' must be a string", what);
        return NULL;
    }
    return strdup(s);
}

static struct md_expr *
expr(struct loader *l, const yaml_node_t *n, const char *what)
{
    const char *s = scalar(n);
    if (!s) {
        fail(l, n, "'%s' must be an expression", what);
        return NULL;
    }
    /* Plain scalars start at the mark; quoted ones one column later. */
    unsigned col = (unsigned)n->start_mark.column + 1 +
                   (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
    size_t before = l->errs.nerr;
    struct md_expr *e =
        md_expr_compile(s, l->lim, l->file, (unsigned)n->start_mark.line + 1,
                        col, expr_error, l);
    if (!e && l->errs.nerr == before) /* out of memory: still an error */
        md_yamlerr_add(&l->errs, 0, 0, "out of memory");
    return e;
}

/* The key of pair p of map, or NULL after saying why: it is not a
 * string, or map has it already (its first value would be lost, and
 * with it what was allocated for it). */
static const char *
key_at(struct loader *l, const yaml_node_t *map, const yaml_node_pair_t *p)
{
    const yaml_node_t *kn = node(l, p->key);
    const char *k = scalar(kn);
    if (!k) {
        fail(l, node(l, p->value), "keys must be strings");
        return NULL;
    }
    for (const yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p;
         q++) {
        const char *seen = scalar(node(l, q->key));
        if (seen && !strcmp(seen, k)) {
            fail(l, kn, "duplicate key '%s'", k);
            return NULL;
        }
    }
    return k;
}

/* Iterate a mapping: for each pair with a usable key (key_at), key
 * string and value node. Past MD_YAMLERR_MAX errors the file is given
 * up, which also bounds key_at's look back: every key after the few
 * known ones is an error. */
#define EACH_PAIR(l, map, k, v)                                                \
    for (yaml_node_pair_t *p_ = (map)->data.mapping.pairs.start;               \
         p_ < (map)->data.mapping.pairs.top &&                                 \
         (l)->errs.nerr < MD_YAMLERR_MAX && ((v) = node(l, p_->value), 1);     \
         p_++)                                                                 \
        if (!((k) = key_at(l, map, p_))) {                                     \
        } else
#define EACH_ITEM(l, seq, v)                                                   \
    for (yaml_node_item_t *i_ = (seq)->data.sequence.items.start;              \
         i_ < (seq)->data.sequence.items.top &&                                \
         (l)->errs.nerr < MD_YAMLERR_MAX && ((v) = node(l, *i_), 1);           \
         i_++)

static bool
is_map(struct loader *l, const yaml_node_t *n, const char *what)
{
    if (n && n->type == YAML_MAPPING_NODE)
        return true;
    fail(l, n, "'%s' must be a mapping", what);
    return false;
}

static bool
is_seq(struct loader *l, const yaml_node_t *n, const char *what)
{
    if (n && n->type == YAML_SEQUENCE_NODE)
        return true;
    fail(l, n, "'%s' must be a list", what);
    return false;
}

static void
load_mode(struct loader *l, struct mode *m, yaml_node_t *n)
{
    const char *k;
    yaml_node_t *v;
    size_t nerr = l->errs.nerr;
    if (!is_map(l, n, "modes[]"))
        return;
    EACH_PAIR(l, n, k, v) {
        if (!strcmp(k, "when"))
            m->when = expr(l, v, k);
        else if (!strcmp(k, "mode"))
            m->mode = dup_scalar(l, v, k);
        else if (!strcmp(k, "server"))
            m->server = expr(l, v, k);
        else if (!strcmp(k, "port"))
            m->port = expr(l, v, k);
        else if (!strcmp(k, "pac_url"))
            m->pac_url = expr(l, v, k);
        else if (!strcmp(k, "credentials"))
            m->credentials = expr(l, v, k);
        else if (!strcmp(k, "bypass"))
            m->bypass = expr(l, v, k);
        else
            fail(l, node(l, p_->key), "unknown key '%s' in a mode", k);
    }
    if (l->errs.nerr == nerr && (!m->when || !m->mode))
        fail(l, n, "a mode needs 'when' and 'mode'");
}

static void
load_step(struct loader *l, struct step *s, yaml_node_t *n)
{
    const char *k;
    yaml_node_t *v, *it;
    size_t nerr = l->errs.nerr;
    if (!is_map(l, n, "chain[]"))
        return;
    EACH_PAIR(l, n, k, v) {
        if (!strcmp(k, "source"))
            s->source = dup_scalar(l, v, k);
        else if (!strcmp(k, "known_when"))
            s->known_when = expr(l, v, k);
        else if (!strcmp(k, "in_force_when"))
            s->in_force_when = expr(l, v, k);
        else if (!strcmp(k, "shadows"))
            s->shadows = dup_scalar(l, v, k);
        else if (!strcmp(k, "references"))
            (void)is_seq(l, v, k);
        else if (!strcmp(k, "modes")) {
            if (is_seq(l, v, k))
                EACH_ITEM(l, v, it) {
                    if (s->nmodes == MAX_MODES) {
                        fail(l, it, "more than %d modes", MAX_MODES);
                        break;
                    }
                    load_mode(l, &s->modes[s->nmodes++], it);
                }
        } else
            fail(l, node(l, p_->key), "unknown key '%s' in a chain step", k);
    }
    /* Missing keys, unless a key's own error already said so. */
    if (l->errs.nerr == nerr &&
        (!s->source || !s->known_when || !s->in_force_when || !s->nmodes))
        fail(l, n, "a chain step needs source, known_when, in_force_when "
                   "and modes");
}

static void
load_never(struct loader *l, struct never *nv, yaml_node_t *n)
{
    const char *k;
    yaml_node_t *v, *it;
    if (!is_map(l, n, "never_consulted[]"))
        return;
    EACH_PAIR(l, n, k, v) {
        char **dst = NULL;
        if (!strcmp(k, "source"))
            dst = &nv->source;
        else if (!strcmp(k, "list"))
            dst = &nv->list;
        else if (!strcmp(k, "name"))
            dst = &nv->name;
        else if (!strcmp(k, "set"))
            dst = &nv->set;
        else if (!strcmp(k, "reason"))
            dst = &nv->reason;
        else if (!strcmp(k, "references"))
            (void)is_seq(l, v, k);
        else if (!strcmp(k, "value")) {
            if (is_seq(l, v, k))
                EACH_ITEM(l, v, it) {
                    if (nv->nvalues < MAX_VALUES)
                        nv->values[nv->nvalues++] = dup_scalar(l, it, k);
                }
        } else
            fail(l, node(l, p_->key), "unknown key '%s' in never_consulted",
                 k);
        if (dst)
            *dst = dup_scalar(l, v, k);
    }
    if (!nv->source || !nv->set || !nv->reason)
        fail(l, n, "never_consulted needs source, set and reason");
    /* Fact paths are checked against the schema like expressions. */
    char path[256];
    enum md_ftype t;
    const char *paths[1 + MAX_VALUES] = {nv->set};
    for (size_t i = 0; i < nv->nvalues; i++)
        paths[1 + i] = nv->values[i];
    for (size_t i = 0; i < 1 + nv->nvalues; i++) {
        if (!paths[i])
            continue;
        snprintf(path, sizeof path, "%s%s%s", nv->list ? nv->list : "",
                 nv->list ? "[*]." : "", paths[i]);
        if (!md_schema_type(path, &t))
            fail(l, n, "unknown fact '%s'", path);
    }
}

struct md_precedence *
md_precedence_load(const char *file, const char *text, size_t len,
                   const struct md_limits *lim, md_rule_error_fn err,
                   void *user)
{
    struct loader l = {.file = file, .lim = lim};
    struct md_precedence *p = calloc(1, sizeof *p);
    yaml_parser_t parser;
    if (!p || !yaml_parser_initialize(&parser)) {
        free(p);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &l.doc)) {
        md_yamlerr_parse(&l.errs, &parser, text, len);
        md_yamlerr_flush(&l.errs, file, err, user);
        md_yamlerr_free(&l.errs);
        yaml_parser_delete(&parser);
        md_precedence_free(p);
        return NULL;
    }
    yaml_node_t *root = yaml_document_get_root_node(&l.doc), *v, *it;
    const char *k;
    if (root && is_map(&l, root, "precedence")) {
        EACH_PAIR(&l, root, k, v) {
            if (!strcmp(k, "chain") && is_seq(&l, v, k)) {
                EACH_ITEM(&l, v, it) {
                    if (p->nsteps == MAX_STEPS) {
                        fail(&l, it, "more than %d steps", MAX_STEPS);
                        break;
                    }
                    load_step(&l, &p->steps[p->nsteps++], it);
                }
            } else if (!strcmp(k, "never_consulted") && is_seq(&l, v, k)) {
                EACH_ITEM(&l, v, it) {
                    if (p->nnever == MAX_NEVER) {
                        fail(&l, it, "more than %d entries", MAX_NEVER);
                        break;
                    }
                    load_never(&l, &p->never[p->nnever++], it);
                }
            } else if (strcmp(k, "chain") && strcmp(k, "never_consulted")) {
                fail(&l, node(&l, p_->key), "unknown key '%s'", k);
            }
        }
    } else if (!root) {
        fail(&l, NULL, "empty precedence file");
    }
    if (!p->nsteps && !l.errs.nerr)
        fail(&l, root, "precedence needs a chain");
    yaml_document_delete(&l.doc);
    yaml_parser_delete(&parser);
    bool failed = l.errs.nerr > 0;
    md_yamlerr_flush(&l.errs, file, err, user);
    md_yamlerr_free(&l.errs);
    if (failed) {
        md_precedence_free(p);
        return NULL;
    }
    return p;
}

void
md_precedence_free(struct md_precedence *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsteps; i++) {
        struct step *s = &p->steps[i];
        free(s->source);
        free(s->shadows);
        md_expr_free(s->known_when);
        md_expr_free(s->in_force_when);
        for (size_t k = 0; k < s->nmodes; k++) {
            struct mode *m = &s->modes[k];
            md_expr_free(m->when);
            free(m->mode);
            md_expr_free(m->server);
            md_expr_free(m->port);
            md_expr_free(m->pac_url);
            md_expr_free(m->credentials);
            md_expr_free(m->bypass);
        }
    }
    for (size_t i = 0; i < p->nnever; i++) {
        struct never *n = &p->never[i];
        free(n->source);
        free(n->list);
        free(n->name);
        free(n->set);
        free(n->reason);
        for (size_t k = 0; k < n->nvalues; k++)
            free(n->values[k]);
    }
    free(p);
}

/* ---- evaluation --------------------------------------------------------- */

static struct md_fact *
str(struct md_arena *a, const char *s)
{
    return md_fact_str(a, s, strlen(s));
}

static const struct mode *
mode_of(const struct step *s, const struct md_fact *root)
{
    for (size_t k = 0; k < s->nmodes; k++)
        if (md_expr_true(s->modes[k].when, root))
            return &s->modes[k];
    return NULL;
}

/* Put effective.key = value of e (when it has one), citing its evidence
 * on the source fact too. */
static void
yield(struct md_arena *a, struct md_fact *eff, const char *key,
      const struct md_expr *e, const struct md_fact *root,
      struct md_fact *source)
{
    if (!e)
        return;
    const struct md_fact *v = md_expr_value(e, root, a);
    if (!v || v->type == MD_F_NULL)
        return;
    md_fact_put(a, eff, key, (struct md_fact *)v);
    for (size_t i = 0; i < v->nev; i++)
        md_fact_cite(a, source, v->ev[i]);
}

/* The shadowed entry of step s (set, not in force), with reason. */
static void
shadow_step(struct md_arena *a, struct md_fact *list, const struct step *s,
            const struct md_fact *root, const char *reason)
{
    const struct mode *m = mode_of(s, root);
    struct md_fact *o = md_fact_new(a, MD_F_OBJ);
    md_fact_put(a, o, "source", str(a, s->source));
    if (m) {
        md_fact_put(a, o, "mode", str(a, m->mode));
        const struct md_expr *ve = m->pac_url ? m->pac_url : m->server;
        const struct md_fact *v = ve ? md_expr_value(ve, root, a) : NULL;
        if (v && v->type == MD_F_STR)
            md_fact_put(a, o, "value", (struct md_fact *)v);
    }
    md_fact_put(a, o, "reason", str(a, reason ? reason : "not in force"));
    md_fact_append(a, list, o);
}

static void
shadow_never(struct md_arena *a, struct md_fact *list, const struct never *n,
             const struct md_fact *root)
{
    const struct md_fact *items = NULL;
    size_t count = 1;
    if (n->list) {
        items = md_fact_path(root, n->list);
        if (!items || items->type != MD_F_LIST)
            return;
        count = items->n;
    }
    for (size_t i = 0; i < count; i++) {
        const struct md_fact *base = items ? items->items[i] : root;
        const struct md_fact *set = md_fact_path(base, n->set);
        if (!set || set->type != MD_F_BOOL || !set->i)
            continue;
        struct md_fact *o = md_fact_new(a, MD_F_OBJ);
        char src[160];
        const struct md_fact *nm = n->name ? md_fact_path(base, n->name)
                                           : NULL;
        if (nm && nm->type == MD_F_STR)
            snprintf(src, sizeof src, "%s %.*s", n->source, (int)nm->len,
                     nm->s);
        else
            snprintf(src, sizeof src, "%s", n->source);
        md_fact_put(a, o, "source", str(a, src));
        for (size_t k = 0; k < n->nvalues; k++) {
            const struct md_fact *v = md_fact_path(base, n->values[k]);
            if (v && v->type == MD_F_STR && v->len) {
                md_fact_put(a, o, "value", (struct md_fact *)v);
                break;
            }
        }
        md_fact_put(a, o, "reason", str(a, n->reason));
        for (size_t k = 0; k < set->nev; k++)
            md_fact_cite(a, o, set->ev[k]);
        md_fact_append(a, list, o);
    }
}

/* precedence.chain: every step in the loaded order, with whether the
 * bundle lets it be decided and whether it is set, for a renderer that
 * draws the chain as it is (a --rules chain may differ from the pack's). */
static void
write_chain(const struct md_precedence *p, struct md_fact *root,
            struct md_arena *a)
{
    struct md_fact *prec = md_fact_child(a, root, "precedence", MD_F_OBJ);
    struct md_fact *chain = md_fact_child(a, prec, "chain", MD_F_LIST);
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct step *s = &p->steps[i];
        struct md_fact *o = md_fact_new(a, MD_F_OBJ);
        md_fact_put(a, o, "source", str(a, s->source));
        md_fact_put(a, o, "known",
                    md_fact_bool(a, md_expr_true(s->known_when, root)));
        md_fact_put(a, o, "set",
                    md_fact_bool(a, md_expr_true(s->in_force_when, root)));
        md_fact_append(a, chain, o);
    }
}

void
md_precedence_apply(const struct md_precedence *p, struct md_fact *root,
                    struct md_arena *a)
{
    struct md_fact *eff = md_fact_child(a, root, "effective", MD_F_OBJ);
    struct md_fact *shadowed = md_fact_child(a, eff, "shadowed", MD_F_LIST);
    size_t win = p->nsteps;
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct step *s = &p->steps[i];
        if (md_expr_true(s->in_force_when, root)) {
            win = i;
            break;
        }
        if (!md_expr_true(s->known_when, root))
            break; /* cannot decide this step: unknown */
    }
    if (win == p->nsteps) {
        md_fact_put(a, eff, "source", str(a, "unknown"));
        md_fact_put(a, eff, "mode", str(a, "unknown"));
    } else {
        const struct step *s = &p->steps[win];
        struct md_fact *source = str(a, s->source);
        md_fact_put(a, eff, "source", source);
        const struct mode *m = mode_of(s, root);
        struct md_fact *mode = str(a, m ? m->mode : "unknown");
        md_fact_put(a, eff, "mode", mode);
        /* The setting in force is the evidence of source and mode, so a
         * rule that correlates logs with it shows both. */
        const struct md_fact *why = md_expr_value(s->in_force_when, root, a);
        for (size_t k = 0; why && k < why->nev; k++) {
            md_fact_cite(a, source, why->ev[k]);
            md_fact_cite(a, mode, why->ev[k]);
        }
        if (m) {
            yield(a, eff, "server", m->server, root, source);
            yield(a, eff, "port", m->port, root, source);
            yield(a, eff, "pac_url", m->pac_url, root, source);
            yield(a, eff, "credentials", m->credentials, root, source);
            yield(a, eff, "bypass", m->bypass, root, source);
        }
        /* Later steps that are set lose to the winner. */
        for (size_t i = win + 1; i < p->nsteps; i++)
            if (strcmp(p->steps[i].source, "none") != 0 &&
                md_expr_true(p->steps[i].in_force_when, root))
                shadow_step(a, shadowed, &p->steps[i], root, s->shadows);
    }
    for (size_t i = 0; i < p->nnever; i++)
        shadow_never(a, shadowed, &p->never[i], root);
    write_chain(p, root, a);
}
