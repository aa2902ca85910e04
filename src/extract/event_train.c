/* Training the event coder (tally_events_train, `tally train --events`) and
 * scoring its events as ../shared/tools/score-events does.
 *
 * Each document runs once through the extractor, which collects every
 * sentence's candidate (events.h); the gold events (NAME.events.jsonl)
 * label them: a sentence has an event of a type when a gold event of that
 * type has an overlapping sentence (the scorers' rule), and that event's
 * parties are the right options. LIBLINEAR fits one logistic regression per
 * type (EV_SENT), a ranking for actor and one for recipient (EV_PARTY), and
 * the mode, aux and contexts (EV_ATTR), with train.c's problems; the folds
 * are train.c's too, so a document falls in the same fold for claims and
 * events. Deterministic, as tally_train. */
#include "tally/learn.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events.h"
#include "learn.h"
#include "tally/doc.h"
#include "tally/extract.h"
#include "train.h"

enum { MAX_TEXT = 64 * 1024 * 1024 };
/* chosen by cross-validation on ../shared/corpus (tally train --events
 * --folds 5 with --c and --threshold) */
static const double C_SENT = 0.3, C_PARTY = 0.3, C_ATTR = 0.3, DEFAULT_THRESHOLD = 0.45;

/* A gold event: what score-events compares. */
typedef struct gold_ev {
    char *sentence;
    tally_event_type type;
    char actor[TALLY_PARTY_MAX], recipient[TALLY_PARTY_MAX];
    tally_event_mode mode;
    uint32_t context;
    char *date; /* NULL for null */
    tally_event_aux aux;
    char *source;
    bool hedged;
} gold_ev;

typedef struct edoc {
    char *name, *path;
    char *date; /* the header's */
    ev_sink sink;
    char **cand_text; /* each candidate's sentence, NUL-terminated */
    gold_ev *gold;
    size_t n_gold;
    bool *ov; /* ov[g * n + c]: gold event g and candidate c overlap */
    unsigned fold;
} edoc;

typedef struct etrainer {
    train_warner w;
    edoc *docs;
    size_t n_docs;
} etrainer;

/* ---- scoring ------------------------------------------------------------------------ */

static const char *const attr_names[TALLY_EVATTR_N] = {"mode", "context", "date",
                                                       "aux",  "source",  "hedged"};

const char *tally_event_attr_name(tally_event_attr a)
{
    return (unsigned)a < TALLY_EVATTR_N ? attr_names[a] : "";
}

void tally_event_score_add(tally_event_score *a, const tally_event_score *b)
{
    a->docs += b->docs;
    a->gold += b->gold;
    a->predicted += b->predicted;
    a->matched += b->matched;
    for (int i = 0; i < TALLY_EVATTR_N; i++)
        a->attr[i] += b->attr[i];
    for (int i = 0; i < TALLY_EVENT_TYPE_N; i++) {
        a->type_gold[i] += b->type_gold[i];
        a->type_predicted[i] += b->type_predicted[i];
        a->type_matched[i] += b->type_matched[i];
    }
}

double tally_event_score_f1(const tally_event_score *s, double *precision, double *recall)
{
    double p = s->predicted ? (double)s->matched / (double)s->predicted : 0;
    double r = s->gold ? (double)s->matched / (double)s->gold : 0;
    if (precision != NULL)
        *precision = p;
    if (recall != NULL)
        *recall = r;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

double tally_event_score_attr(const tally_event_score *s, tally_event_attr a)
{
    return s->matched ? (double)s->attr[a] / (double)s->matched : 0;
}

/* The source names agree as score-events says: normalised, one inside the
 * other (both given), else equal. */
static bool source_ok(const char *g, const char *p)
{
    if (g == NULL || p == NULL || g[0] == '\0' || p[0] == '\0')
        return (g == NULL || g[0] == '\0') && (p == NULL || p[0] == '\0');
    char *a = score_norm(g), *b = score_norm(p);
    bool ok = strstr(a, b) != NULL || strstr(b, a) != NULL;
    free(a);
    free(b);
    return ok;
}

/* Scores events p[0, n) of document `d` (sentences in its body). */
static void score_doc(const edoc *d, const tally_event *p, size_t n, tally_event_score *acc,
                      size_t *matched_out)
{
    bool *used = tally_xcalloc(n + 1, sizeof *used);
    char **text = tally_xcalloc(n + 1, sizeof *text);
    for (size_t j = 0; j < n; j++)
        text[j] = tally_xstrndup(d->sink.body.ptr + p[j].sentence_start,
                                 p[j].sentence_end - p[j].sentence_start);
    size_t m = 0;
    for (size_t g = 0; g < d->n_gold; g++) {
        const gold_ev *ge = &d->gold[g];
        acc->type_gold[ge->type]++;
        for (size_t j = 0; j < n; j++) {
            const tally_event *pe = &p[j];
            if (used[j] || pe->type != ge->type || strcmp(pe->actor, ge->actor) != 0 ||
                strcmp(pe->recipient, ge->recipient) != 0 ||
                !score_sentences_overlap(text[j], ge->sentence))
                continue;
            used[j] = true;
            m++;
            acc->type_matched[ge->type]++;
            char date[16];
            tally_date_format(pe->date, date);
            bool dok = ge->date == NULL
                           ? date[0] == '\0'
                           : strncmp(date, ge->date, strlen(ge->date)) == 0 && date[0] != '\0';
            bool ok[TALLY_EVATTR_N] = {
                pe->mode == ge->mode, pe->context == ge->context,        dok,
                pe->aux == ge->aux,   source_ok(ge->source, pe->source), pe->hedged == ge->hedged};
            for (int a = 0; a < TALLY_EVATTR_N; a++)
                acc->attr[a] += ok[a];
            break;
        }
    }
    for (size_t j = 0; j < n; j++) {
        acc->type_predicted[p[j].type]++;
        free(text[j]);
    }
    free(text);
    free(used);
    acc->docs++;
    acc->gold += d->n_gold;
    acc->predicted += n;
    acc->matched += m;
    if (matched_out != NULL)
        *matched_out = m;
}

/* ---- reading ------------------------------------------------------------------------ */

static bool party_of(const json_t *o, const char *key, char *out, tally_err *err)
{
    const json_t *v = json_object_get(o, key);
    out[0] = '\0';
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || !tally_party_valid(json_string_value(v))) {
        tally_err_set(err, TALLY_EINPUT, "field \"%s\" is not a party code", key);
        return false;
    }
    strcpy(out, json_string_value(v));
    return true;
}

static char *str_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? tally_xstrndup(json_string_value(v), json_string_length(v)) : NULL;
}

static void gold_clear(gold_ev *g)
{
    free(g->sentence);
    free(g->date);
    free(g->source);
}

/* One line of an events file into `g`; false with `err` set when it is not
 * an event. */
static bool gold_parse(const char *line, size_t n, void *out, tally_err *err)
{
    gold_ev *g = out;
    memset(g, 0, sizeof *g);
    json_error_t je;
    json_t *o = json_loadb(line, n, 0, &je);
    bool ok = false;
    if (o == NULL || !json_is_object(o)) {
        tally_err_set(err, TALLY_EINPUT, "not a JSON object");
        goto out;
    }
    const json_t *type = json_object_get(o, "type"), *mode = json_object_get(o, "mode"),
                 *aux = json_object_get(o, "aux"), *ctx = json_object_get(o, "context");
    if (!json_is_string(type) ||
        tally_event_type_parse(json_string_value(type), json_string_length(type), &g->type) != 0) {
        tally_err_set(err, TALLY_EINPUT, "no PLOVER type in field \"type\"");
        goto out;
    }
    if (json_is_string(mode) &&
        tally_event_mode_parse(json_string_value(mode), json_string_length(mode), &g->mode) != 0) {
        tally_err_set(err, TALLY_EINPUT, "unknown mode '%s'", json_string_value(mode));
        goto out;
    }
    if (json_is_string(aux) &&
        tally_event_aux_parse(json_string_value(aux), json_string_length(aux), &g->aux) != 0) {
        tally_err_set(err, TALLY_EINPUT, "unknown aux '%s'", json_string_value(aux));
        goto out;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(ctx, i, x)
    {
        if (json_is_string(x))
            g->context |= tally_event_context_bit(json_string_value(x), json_string_length(x));
    }
    if (!party_of(o, "actor", g->actor, err) || !party_of(o, "recipient", g->recipient, err))
        goto out;
    g->sentence = str_of(o, "sentence");
    if (g->sentence == NULL) {
        tally_err_set(err, TALLY_EINPUT, "no field \"sentence\"");
        goto out;
    }
    g->date = str_of(o, "date");
    g->source = str_of(o, "source");
    g->hedged = json_is_true(json_object_get(o, "hedged"));
    ok = true;
out:
    if (!ok)
        gold_clear(g);
    json_decref(o);
    return ok;
}

/* What the collecting extractor of a document is made with. */
typedef struct collecting {
    ev_sink *sink;
    const tally_learn_model *claims; /* NULL: the bundled one */
} collecting;

static tally_extractor *collect_events(tally_date date, const tally_doc_meta *meta, void *user)
{
    const collecting *c = user;
    return extract_new_event_collecting(date, meta, c->claims, c->sink);
}

/* What reading a document's text gave: its candidates and their alignment. */
static void doc_candidates_free(edoc *d)
{
    for (size_t i = 0; i < d->sink.n && d->cand_text != NULL; i++)
        free(d->cand_text[i]);
    free(d->cand_text);
    d->cand_text = NULL;
    tally_arena_free(d->sink.arena);
    free(d->sink.v);
    tally_buf_free(&d->sink.body);
    memset(&d->sink, 0, sizeof d->sink);
    free(d->ov);
    d->ov = NULL;
}

static void align(edoc *d);

/* Reads the document's text into candidates, with the claims model
 * `claims` (NULL: the bundled one) giving out the claims they read. */
static int read_text(edoc *d, const tally_learn_model *claims, tally_err *err)
{
    doc_candidates_free(d);
    d->sink.arena = tally_arena_new();
    tally_buf_init(&d->sink.body, MAX_TEXT);
    collecting c = {&d->sink, claims};
    int rc = train_read_text(d->path, collect_events, &c, &d->date, err);
    if (rc == 0)
        align(d);
    return rc;
}

static void doc_free(edoc *d)
{
    doc_candidates_free(d);
    free(d->name);
    free(d->path);
    free(d->date);
    for (size_t i = 0; i < d->n_gold; i++)
        gold_clear(&d->gold[i]);
    free(d->gold);
}

/* Which candidates each gold event's sentence overlaps. */
static void align(edoc *d)
{
    size_t n = d->sink.n;
    d->cand_text = tally_xcalloc(n + 1, sizeof *d->cand_text);
    for (size_t c = 0; c < n; c++) {
        const ev_cand *k = &d->sink.v[c];
        d->cand_text[c] = tally_xstrndup(d->sink.body.ptr + k->sentence_start,
                                         k->sentence_end - k->sentence_start);
    }
    d->ov = tally_xcalloc(d->n_gold * n + 1, sizeof *d->ov);
    for (size_t g = 0; g < d->n_gold; g++)
        for (size_t c = 0; c < n; c++)
            d->ov[g * n + c] = score_sentences_overlap(d->cand_text[c], d->gold[g].sentence);
}

/* Counts what no decision can get right in `d`. */
static void gaps(const edoc *d, tally_event_train_report *rep)
{
    size_t n = d->sink.n;
    for (size_t g = 0; g < d->n_gold; g++) {
        bool any = false, actor = false, rec = false;
        for (size_t c = 0; c < n; c++) {
            if (!d->ov[g * n + c])
                continue;
            any = true;
            const ev_cand *k = &d->sink.v[c];
            for (size_t o = 0; o < k->n_opt; o++) {
                actor = actor || strcmp(k->opt[o].code, d->gold[g].actor) == 0;
                rec = rec || strcmp(k->opt[o].code, d->gold[g].recipient) == 0;
            }
        }
        rep->gap_sentence += !any;
        rep->gap_actor += any && !actor;
        rep->gap_recipient += any && !rec;
    }
}

/* ---- training ----------------------------------------------------------------------- */

static bool in_train(const edoc *d, int held_out)
{
    return held_out < 0 || d->fold != (unsigned)held_out;
}

/* One ranking instance: the options of a candidate for a type. */
typedef struct rank_inst {
    learn_fv fv[EV_MAX_OPTIONS];
    bool actor[EV_MAX_OPTIONS], recipient[EV_MAX_OPTIONS];
    size_t n;
    uint32_t doc;
} rank_inst;

typedef struct attr_inst {
    learn_fv fv;
    tally_event_mode mode;
    tally_event_aux aux;
    uint32_t context;
    uint32_t doc;
} attr_inst;

static const learn_fv *fv_at(const void *o, size_t i)
{
    return &((const learn_fv *)o)[i];
}

/* Leaves out the rows of `h` whose weights are all below PRUNE: the many
 * features L2 regularisation keeps near zero weigh nothing in a decision,
 * and the model is half the size without them (same cross-validated F1). */
static void prune(learn_head_w *h)
{
    static const float PRUNE = 0.05f;
    size_t k = 0;
    for (size_t i = 0; i < h->n; i++) {
        bool keep = false;
        for (unsigned o = 0; o < h->outs && !keep; o++)
            keep = fabsf(h->w[i * h->outs + o]) >= PRUNE;
        if (!keep)
            continue;
        h->key[k] = h->key[i];
        memmove(h->w + k * h->outs, h->w + i * h->outs, h->outs * sizeof *h->w);
        k++;
    }
    h->n = k;
}

static void train_events_model(const etrainer *t, int held_out, double c, double threshold,
                               const char *note, tally_buf *out)
{
    tally_arena *a = tally_arena_new();
    rank_inst *ri = NULL;
    attr_inst *ai = NULL;
    size_t n_ri = 0, cap_ri = 0, n_ai = 0, cap_ai = 0;
    hds acc[3];
    memset(acc, 0, sizeof acc);
    /* the instances */
    for (size_t i = 0; i < t->n_docs; i++) {
        const edoc *d = &t->docs[i];
        if (!in_train(d, held_out))
            continue;
        size_t n = d->sink.n;
        bool *attr_done = tally_xcalloc(d->n_gold + 1, sizeof *attr_done);
        for (size_t k = 0; k < n; k++) {
            const ev_cand *cd = &d->sink.v[k];
            train_hds_add(&acc[0], &cd->fv, (uint32_t)i);
            for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++) {
                bool any = false;
                for (size_t g = 0; g < d->n_gold; g++)
                    any = any || (d->gold[g].type == ty && d->ov[g * n + k]);
                if (!any)
                    continue;
                if (n_ri == cap_ri)
                    ri = tally_xrealloc(ri, (cap_ri = cap_ri ? cap_ri * 2 : 256) * sizeof *ri);
                rank_inst *r = &ri[n_ri++];
                memset(r, 0, sizeof *r);
                r->n = cd->n_opt;
                r->doc = (uint32_t)i;
                for (size_t o = 0; o < cd->n_opt; o++) {
                    events_option_fv(cd, o, ty, &r->fv[o], a, false);
                    train_hds_add(&acc[1], &r->fv[o], (uint32_t)i);
                    for (size_t g = 0; g < d->n_gold; g++) {
                        const gold_ev *ge = &d->gold[g];
                        if (ge->type != ty || !d->ov[g * n + k])
                            continue;
                        r->actor[o] |= strcmp(ge->actor, cd->opt[o].code) == 0;
                        r->recipient[o] |= strcmp(ge->recipient, cd->opt[o].code) == 0;
                    }
                }
                for (size_t g = 0; g < d->n_gold; g++) {
                    const gold_ev *ge = &d->gold[g];
                    if (ge->type != ty || !d->ov[g * n + k] || attr_done[g])
                        continue;
                    attr_done[g] = true;
                    if (n_ai == cap_ai)
                        ai = tally_xrealloc(ai, (cap_ai = cap_ai ? cap_ai * 2 : 256) * sizeof *ai);
                    attr_inst *x = &ai[n_ai++];
                    events_attr_fv(cd, ty, &x->fv, a, false);
                    x->mode = ge->mode;
                    x->aux = ge->aux;
                    x->context = ge->context;
                    x->doc = (uint32_t)i;
                    train_hds_add(&acc[2], &x->fv, (uint32_t)i);
                }
            }
        }
        free(attr_done);
    }
    fmap maps[3];
    for (int h = 0; h < 3; h++)
        maps[h] = train_fmap_of(&acc[h]);
    learn_head_w heads[3];
    memset(heads, 0, sizeof heads);
    for (int h = 0; h < 3; h++) {
        heads[h].outs = learn_head_outputs((learn_head)(LEARN_EV_SENT + h));
        heads[h].n = maps[h].n;
        heads[h].key = maps[h].h;
        heads[h].w = tally_xcalloc(maps[h].n * heads[h].outs + 1, sizeof *heads[h].w);
    }
    double cs = c > 0 ? c : C_SENT, cp = c > 0 ? c : C_PARTY, ca = c > 0 ? c : C_ATTR;
    /* one regression per type */
    for (unsigned ty = 0; ty < TALLY_EVENT_TYPE_N; ty++) {
        prob p = {0};
        size_t pos = 0;
        for (size_t i = 0; i < t->n_docs; i++) {
            const edoc *d = &t->docs[i];
            if (!in_train(d, held_out))
                continue;
            size_t n = d->sink.n;
            for (size_t k = 0; k < n; k++) {
                bool any = false;
                for (size_t g = 0; g < d->n_gold; g++)
                    any = any || (d->gold[g].type == ty && d->ov[g * n + k]);
                pos += any;
                train_prob_add(&p, &maps[0], &d->sink.v[k].fv, any ? 1 : -1);
            }
        }
        if (pos > 0) /* rarer types weigh their examples more */
            p.pos_weight = sqrt(((double)p.p.l - (double)pos) / (double)pos);
        train_fit(&p, maps[0].n, cs, 1, heads[0].w, LEARN_EV_SENT_OUTS, ty, heads[0].bias);
        if (pos == 0) /* a type never seen is never decided */
            heads[0].bias[ty] = -30;
        train_prob_free(&p);
    }
    /* the parties */
    prob pa = {0}, pr = {0};
    for (size_t i = 0; i < n_ri; i++) {
        train_prob_add_ranking_of(&pa, &maps[1], ri[i].fv, ri[i].n, fv_at, ri[i].actor);
        train_prob_add_ranking_of(&pr, &maps[1], ri[i].fv, ri[i].n, fv_at, ri[i].recipient);
    }
    train_fit(&pa, maps[1].n, cp, 1, heads[1].w, LEARN_EV_PARTY_OUTS, LEARN_EV_PARTY_ACTOR,
              heads[1].bias);
    train_fit(&pr, maps[1].n, cp, 1, heads[1].w, LEARN_EV_PARTY_OUTS, LEARN_EV_PARTY_RECIPIENT,
              heads[1].bias);
    train_prob_free(&pa);
    train_prob_free(&pr);
    /* the attributes */
    prob pm = {0}, px = {0};
    for (size_t i = 0; i < n_ai; i++) {
        train_prob_add(&pm, &maps[2], &ai[i].fv, ai[i].mode);
        train_prob_add(&px, &maps[2], &ai[i].fv, ai[i].aux);
    }
    train_fit(&pm, maps[2].n, ca, TALLY_EVMODE_N, heads[2].w, LEARN_EV_ATTR_OUTS,
              LEARN_EV_ATTR_MODE, heads[2].bias);
    train_fit(&px, maps[2].n, ca, TALLY_EVAUX_N, heads[2].w, LEARN_EV_ATTR_OUTS, LEARN_EV_ATTR_AUX,
              heads[2].bias);
    train_prob_free(&pm);
    train_prob_free(&px);
    for (unsigned k = 0; k < TALLY_EVCTX_N; k++) {
        prob p = {0};
        size_t pos = 0;
        for (size_t i = 0; i < n_ai; i++) {
            bool on = (ai[i].context & (1u << k)) != 0;
            pos += on;
            train_prob_add(&p, &maps[2], &ai[i].fv, on ? 1 : -1);
        }
        train_fit(&p, maps[2].n, ca, 1, heads[2].w, LEARN_EV_ATTR_OUTS, LEARN_EV_ATTR_CONTEXT + k,
                  heads[2].bias);
        if (pos == 0)
            heads[2].bias[LEARN_EV_ATTR_CONTEXT + k] = -30;
        train_prob_free(&p);
    }
    for (int h = 0; h < 3; h++)
        prune(&heads[h]);
    learn_model_write_heads(heads, LEARN_EV_SENT, 3, threshold, note, out);
    for (int h = 0; h < 3; h++) {
        free(maps[h].h);
        free(heads[h].w);
    }
    free(ri);
    free(ai);
    tally_arena_free(a);
}

/* The events model `m` decides on document `d`, scored into `acc`. */
static void decide_doc(const tally_learn_model *m, const edoc *d, tally_event_score *acc,
                       size_t *matched, const tally_train_opts *o)
{
    size_t cap = d->sink.n * EV_MAX_EVENTS + 1, n = 0;
    tally_event *v = tally_xmalloc(cap * sizeof *v);
    for (size_t k = 0; k < d->sink.n; k++)
        n += events_decide(m, m->threshold, &d->sink.v[k], v + n, false, NULL);
    for (size_t k = 0; o != NULL && o->on_heldout_event != NULL && k < n; k++)
        o->on_heldout_event(o->user, d->name, &v[k], d->sink.body.ptr);
    score_doc(d, v, n, acc, matched);
    free(v);
}

void tally_event_train_report_free(tally_event_train_report *r)
{
    if (r == NULL)
        return;
    free(r->fold);
    r->fold = NULL;
    for (size_t i = 0; i < r->n_doc; i++)
        free(r->doc[i].name);
    free(r->doc);
    r->doc = NULL;
    r->n_doc = 0;
}

/* Trains on all but fold `held_out` and parses the model; NULL on failure. */
static tally_learn_model *model_of(const etrainer *t, int held_out, double c, double threshold,
                                   const char *note, tally_buf *bytes, tally_err *err)
{
    train_events_model(t, held_out, c, threshold, note, bytes);
    tally_learn_model *m;
    return tally_learn_model_parse(bytes->ptr, bytes->len, &m, err) == 0 ? m : NULL;
}

/* Reads every document of `t` again, each with the claims model that saw
 * neither its fold nor fold `held_out` (-1: none): m[f * k + g] for folds
 * f <= g, NULL for the bundled one. */
static int reread(etrainer *t, tally_learn_model *const *m, unsigned k, int held_out,
                  tally_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < t->n_docs; i++) {
        unsigned f = t->docs[i].fold, g = held_out < 0 ? f : (unsigned)held_out;
        if (f > g) {
            unsigned x = f;
            f = g;
            g = x;
        }
        rc = read_text(&t->docs[i], k > 0 ? m[f * k + g] : NULL, err);
    }
    return rc;
}

int tally_events_train(const char *const *dirs, size_t n_dirs, const tally_train_opts *opts,
                       tally_buf *model, tally_event_train_report *rep, tally_err *err)
{
    etrainer t = {{opts, 0}, NULL, 0};
    memset(rep, 0, sizeof *rep);
    double threshold = opts->threshold > 0 ? opts->threshold : DEFAULT_THRESHOLD;
    train_pair *pairs;
    size_t n_pairs;
    int rc = train_list(dirs, n_dirs, ".events.jsonl", "events file", &t.w, &pairs, &n_pairs, err);
    if (rc != 0)
        goto out;
    t.docs = tally_xcalloc(n_pairs + 1, sizeof *t.docs);
    size_t kept = 0;
    for (size_t i = 0; i < n_pairs; i++) {
        edoc *d = &t.docs[kept];
        memset(d, 0, sizeof *d);
        d->name = pairs[i].name;
        d->path = pairs[i].path;
        d->gold = train_read_gold(d->path, ".events.jsonl", sizeof *d->gold, gold_parse, &t.w,
                                  &d->n_gold);
        tally_err e = {0, ""};
        if (read_text(d, NULL, &e) != 0) {
            train_warnf(&t.w, "%s:1: %s; left out", d->path, e.msg);
            doc_free(d);
            continue;
        }
        gaps(d, rep);
        kept++;
    }
    free(pairs);
    t.n_docs = kept;
    if (t.n_docs == 0) {
        rc = tally_err_set(err, TALLY_EINPUT, "no documents with gold events to train on");
        goto out;
    }
    rep->docs = t.n_docs;
    for (size_t i = 0; i < t.n_docs; i++) {
        rep->gold += t.docs[i].n_gold;
        rep->candidates += t.docs[i].sink.n;
    }
    unsigned k = train_set_folds(opts, t.docs, t.n_docs, sizeof *t.docs, offsetof(edoc, fold));
    /* the claims the coder reads come from claims models that saw neither
     * the document (as on unseen documents, where the bundled one decides)
     * nor the fold held out; without folds or claims, the bundled one */
    unsigned kc = k > 1 ? k : 0;
    tally_learn_model **claims = tally_xcalloc((size_t)kc * kc + 1, sizeof *claims);
    if (kc > 0) {
        const char **names = tally_xcalloc(t.n_docs + 1, sizeof *names);
        unsigned *folds = tally_xcalloc(t.n_docs + 1, sizeof *folds);
        tally_buf *mb = tally_xcalloc((size_t)kc * kc, sizeof *mb);
        for (size_t i = 0; i < t.n_docs; i++) {
            names[i] = t.docs[i].name;
            folds[i] = t.docs[i].fold;
        }
        for (size_t i = 0; i < (size_t)kc * kc; i++)
            tally_buf_init(&mb[i], (size_t)1 << 30);
        train_claims_without(dirs, n_dirs, names, folds, t.n_docs, kc, mb);
        bool all = true;
        for (size_t i = 0; i < (size_t)kc * kc && rc == 0; i++)
            if (mb[i].len > 0)
                rc = tally_learn_model_parse(mb[i].ptr, mb[i].len, &claims[i], err);
            else
                all = all && i % kc < i / kc; /* (f > g: not made) */
        if (!all)                             /* no claims to learn from: the bundled model's */
            for (size_t i = 0; i < (size_t)kc * kc; i++) {
                tally_learn_model_free(claims[i]);
                claims[i] = NULL;
            }
        for (size_t i = 0; i < (size_t)kc * kc; i++)
            tally_buf_free(&mb[i]);
        free(mb);
        free(names);
        free(folds);
    }
    tally_buf bytes;
    tally_buf_init(&bytes, (size_t)1 << 30);
    if (rc == 0 && k > 1) {
        rep->folds = k;
        rep->fold = tally_xcalloc(k, sizeof *rep->fold);
        rep->doc = tally_xcalloc(t.n_docs, sizeof *rep->doc);
        rep->n_doc = t.n_docs;
        for (unsigned f = 0; f < k && rc == 0; f++) {
            rc = reread(&t, claims, kc, (int)f, err);
            if (rc != 0)
                break;
            tally_learn_model *m = model_of(&t, (int)f, opts->c, threshold, "", &bytes, err);
            if (m == NULL) {
                rc = err != NULL ? err->code : TALLY_EINPUT;
                break;
            }
            for (size_t i = 0; i < t.n_docs; i++) {
                if (t.docs[i].fold != f)
                    continue;
                tally_event_score one;
                memset(&one, 0, sizeof one);
                size_t matched = 0;
                decide_doc(m, &t.docs[i], &one, &matched, opts);
                rep->doc[i] = (struct tally_event_doc_score){tally_xstrdup(t.docs[i].name),
                                                             one.gold, one.predicted, matched};
                tally_event_score_add(&rep->fold[f], &one);
            }
            tally_event_score_add(&rep->cv, &rep->fold[f]);
            tally_learn_model_free(m);
        }
    }
    if (rc == 0)
        rc = reread(&t, claims, kc, -1, err);
    if (rc == 0) {
        tally_learn_model *m = model_of(&t, -1, opts->c, threshold, opts->note, &bytes, err);
        if (m == NULL) {
            rc = err != NULL ? err->code : TALLY_EINPUT;
        } else {
            for (size_t i = 0; i < t.n_docs; i++)
                decide_doc(m, &t.docs[i], &rep->fit, NULL, NULL);
            tally_learn_model_free(m);
            tally_buf_clear(model);
            if (tally_buf_append(model, bytes.ptr, bytes.len) != 0)
                rc = tally_err_set(err, TALLY_ELIMIT, "the model is too large");
        }
    }
    for (size_t i = 0; i < (size_t)kc * kc; i++)
        tally_learn_model_free(claims[i]);
    free(claims);
    tally_buf_free(&bytes);
out:
    rep->skipped = t.w.skipped;
    for (size_t i = 0; i < t.n_docs; i++)
        doc_free(&t.docs[i]);
    free(t.docs);
    return rc;
}
