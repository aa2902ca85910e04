/* The learned layer's models: their file format, the weights of a feature,
 * and the decisions a model takes on a candidate (see learn.h).
 *
 * A model file is little-endian:
 *
 *   "TLYM"  u32 version (2)  f32 scope threshold
 *   u32 note length (with its NUL)  note  zero bytes to a multiple of 4
 *   u32 number of heads, then for each head:
 *     u32 head (learn_head)  u32 outputs  u32 slots (a power of two, or 0)
 *     f32 bias[outputs]
 *     slots x (u32 feature hash, 0 for an empty slot; f32 weight[outputs])
 *
 * The slots are an open-addressing table (linear probing from hash & mask,
 * at most half full), so a feature's row is found in place, in the bytes
 * compiled into tally as in a file read from disk. */
#include "learn.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* version 2: kinds are a head of their own (KIND), FIG holds scope alone */
enum { MODEL_VERSION = 2, HEADER_BYTES = 16 };

/* The bundled model's bytes (data/extract-model.bin, embedded by CMake). */
extern const unsigned char tally_extract_model_bin[];
extern const size_t tally_extract_model_bin_len;

unsigned learn_head_outputs(learn_head h)
{
    switch (h) {
    case LEARN_FIG:
        return LEARN_FIG_OUTS;
    case LEARN_SPEAKER:
        return 1;
    case LEARN_STATE:
        return LEARN_STATE_OUTS;
    case LEARN_KIND:
        return LEARN_KIND_OUTS;
    case LEARN_EV_SENT:
        return LEARN_EV_SENT_OUTS;
    case LEARN_EV_PARTY:
        return LEARN_EV_PARTY_OUTS;
    case LEARN_EV_ATTR:
        return LEARN_EV_ATTR_OUTS;
    case LEARN_ALL_HEADS:
        break;
    }
    return 0;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(tally_buf *b, uint32_t v)
{
    unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    if (tally_buf_append(b, (const char *)p, 4) != 0)
        abort(); /* the buffer's limit is the caller's; models are a few MB */
}

static void wrf(tally_buf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    wr32(b, u);
}

/* ---- reading ----------------------------------------------------------------- */

/* Views `n` bytes as a model; with `full`, also checks every table (that each
 * has an empty slot, so that a lookup ends). */
static bool view(const unsigned char *p, size_t n, bool full, tally_learn_model *m, tally_err *err)
{
    memset(m, 0, sizeof *m);
    m->bytes = p;
    m->len = n;
    if (n < HEADER_BYTES || memcmp(p, "TLYM", 4) != 0) {
        tally_err_set(err, TALLY_EINPUT, "not a tally model (no TLYM header)");
        return false;
    }
    if (rd32(p + 4) != MODEL_VERSION) {
        tally_err_set(err, TALLY_EINPUT, "model version %u, this tally reads %d", rd32(p + 4),
                      MODEL_VERSION);
        return false;
    }
    m->threshold = learn_f32(p + 8);
    size_t note = rd32(p + 12), at = HEADER_BYTES;
    if (note == 0 || note > n - at || p[at + note - 1] != '\0') {
        tally_err_set(err, TALLY_EINPUT, "damaged model (note)");
        return false;
    }
    m->note = (const char *)p + at;
    at += (note + 3) / 4 * 4;
    if (at + 4 > n) {
        tally_err_set(err, TALLY_EINPUT, "damaged model (cut after the note)");
        return false;
    }
    uint32_t heads = rd32(p + at);
    at += 4;
    for (uint32_t i = 0; i < heads; i++) {
        if (at + 12 > n) {
            tally_err_set(err, TALLY_EINPUT, "damaged model (cut in head %u)", i);
            return false;
        }
        uint32_t id = rd32(p + at), outs = rd32(p + at + 4), slots = rd32(p + at + 8);
        at += 12;
        if (id >= LEARN_ALL_HEADS || outs != learn_head_outputs((learn_head)id) ||
            m->head[id].present || (slots & (slots - 1)) != 0) {
            tally_err_set(err, TALLY_EINPUT, "damaged model (head %u)", i);
            return false;
        }
        struct learn_head_view *v = &m->head[id];
        v->present = true;
        v->outs = outs;
        v->slot_size = 4 + 4 * (size_t)outs;
        v->bias = p + at;
        at += 4 * (size_t)outs;
        if (at > n || slots > (n - at) / v->slot_size) {
            tally_err_set(err, TALLY_EINPUT, "damaged model (cut in head %u)", i);
            return false;
        }
        v->slots = p + at;
        v->mask = slots ? slots - 1 : 0;
        at += slots * v->slot_size;
        if (slots == 0) {
            v->slots = NULL;
        } else if (full) {
            size_t empty = 0;
            for (uint32_t s = 0; s < slots; s++)
                empty += rd32(v->slots + s * v->slot_size) == 0;
            if (empty == 0) {
                tally_err_set(err, TALLY_EINPUT, "damaged model (a full table)");
                return false;
            }
        }
    }
    if (at != n) {
        tally_err_set(err, TALLY_EINPUT, "damaged model (%zu bytes after its end)", n - at);
        return false;
    }
    return true;
}

bool learn_model_view(const unsigned char *bytes, size_t n, tally_learn_model *out)
{
    return view(bytes, n, false, out, NULL);
}

bool learn_model_bundled_view(tally_learn_model *out)
{
    return view(tally_extract_model_bin, tally_extract_model_bin_len, false, out, NULL);
}

int tally_learn_model_bundled(tally_learn_model **out, tally_err *err)
{
    tally_learn_model *m = tally_xcalloc(1, sizeof *m);
    if (!view(tally_extract_model_bin, tally_extract_model_bin_len, true, m, err)) {
        free(m);
        *out = NULL;
        return TALLY_EINPUT;
    }
    *out = m;
    return 0;
}

int tally_learn_model_parse(const void *bytes, size_t n, tally_learn_model **out, tally_err *err)
{
    tally_learn_model *m = tally_xcalloc(1, sizeof *m);
    unsigned char *copy = tally_xmalloc(n + 1);
    memcpy(copy, bytes, n);
    if (!view(copy, n, true, m, err)) {
        free(copy);
        free(m);
        *out = NULL;
        return TALLY_EINPUT;
    }
    m->owned = copy;
    *out = m;
    return 0;
}

int tally_learn_model_load(const char *path, tally_learn_model **out, tally_err *err)
{
    size_t n;
    *out = NULL;
    char *bytes = tally_slurp_path(path, (size_t)1 << 30, &n);
    if (bytes == NULL)
        return tally_err_set(err, TALLY_EIO, "%s: %s", path, strerror(errno));
    int rc = tally_learn_model_parse(bytes, n, out, err);
    free(bytes);
    if (rc != 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
        tally_err_set(err, rc, "%s: %s", path, msg);
    }
    return rc;
}

void tally_learn_model_free(tally_learn_model *m)
{
    if (m == NULL)
        return;
    free(m->owned);
    free(m);
}

const char *tally_learn_model_note(const tally_learn_model *m)
{
    return m != NULL && m->note != NULL ? m->note : "";
}

/* ---- writing ------------------------------------------------------------------ */

void learn_model_write(const learn_head_w *heads, double threshold, const char *note,
                       tally_buf *out)
{
    learn_model_write_heads(heads, 0, LEARN_N_HEADS, threshold, note, out);
}

void learn_model_write_heads(const learn_head_w *heads, unsigned first, unsigned n,
                             double threshold, const char *note, tally_buf *out)
{
    tally_buf_clear(out);
    if (tally_buf_append(out, "TLYM", 4) != 0)
        abort();
    wr32(out, MODEL_VERSION);
    wrf(out, (float)threshold);
    size_t nl = strlen(note != NULL ? note : "") + 1;
    wr32(out, (uint32_t)nl);
    if (tally_buf_append(out, note != NULL ? note : "", nl - 1) != 0 ||
        tally_buf_append(out, "\0\0\0\0", 1 + (4 - nl % 4) % 4) != 0)
        abort();
    wr32(out, n);
    for (unsigned hd = first; hd < first + n; hd++) {
        const learn_head_w *h = &heads[hd - first];
        uint32_t slots = h->n ? 2 : 0;
        while (slots && slots < 2 * h->n)
            slots *= 2;
        wr32(out, hd);
        wr32(out, h->outs);
        wr32(out, slots);
        for (unsigned o = 0; o < h->outs; o++)
            wrf(out, h->bias[o]);
        /* place the keys (sorted: the same table every time), then write */
        size_t *at = tally_xmalloc((slots + 1) * sizeof *at);
        for (uint32_t s = 0; s < slots; s++)
            at[s] = SIZE_MAX;
        for (size_t i = 0; i < h->n; i++) {
            uint32_t s = h->key[i] & (slots - 1);
            while (at[s] != SIZE_MAX)
                s = (s + 1) & (slots - 1);
            at[s] = i;
        }
        for (uint32_t s = 0; s < slots; s++) {
            if (at[s] == SIZE_MAX) {
                wr32(out, 0);
                for (unsigned o = 0; o < h->outs; o++)
                    wrf(out, 0);
                continue;
            }
            wr32(out, h->key[at[s]]);
            for (unsigned o = 0; o < h->outs; o++)
                wrf(out, h->w[at[s] * h->outs + o]);
        }
        free(at);
    }
}

/* ---- decisions ------------------------------------------------------------------ */

/* The row of feature `h` in head view `v`, whose slots are `size` bytes
 * (4 + 4 * outs: a constant where inlined), or NULL: learn_row without
 * the multiply by a size read from memory */
static inline const unsigned char *row_sized(const struct learn_head_view *v, uint32_t h,
                                             size_t size)
{
    for (uint32_t i = h & v->mask;; i = (i + 1) & v->mask) {
        const unsigned char *s = v->slots + (size_t)i * size;
        uint32_t k = learn_u32(s);
        if (k == h)
            return s + 4;
        if (k == 0)
            return NULL;
    }
}

/* learn_add_rows for a head of `outs` outputs (a constant where inlined):
 * the sums are kept in a local array, which the compiler may keep in
 * registers (z may alias the model's bytes), and added in the same order */
static inline void add_rows(const tally_learn_model *m, learn_head hd, unsigned outs,
                            const uint32_t *h, size_t n, double *z)
{
    double acc[LEARN_MAX_OUTS];
    for (unsigned o = 0; o < outs; o++)
        acc[o] = z[o];
    for (size_t i = 0; i < n; i++) {
        const unsigned char *row = learn_row(m, hd, h[i]);
        if (row == NULL)
            continue;
        for (unsigned o = 0; o < outs; o++)
            acc[o] += learn_f32(row + 4 * o);
    }
    for (unsigned o = 0; o < outs; o++)
        z[o] = acc[o];
}

/* add_rows of a head of one output (the scope, the speaker: most of the
 * rows summed), its sum in a register */
static void add_rows_one(const tally_learn_model *m, learn_head hd, const uint32_t *h, size_t n,
                         double *z)
{
    const struct learn_head_view *v = &m->head[hd];
    if (v->slots == NULL)
        return;
    double z0 = z[0];
    for (size_t i = 0; i < n; i++) {
        const unsigned char *row = row_sized(v, h[i], 8);
        if (row != NULL)
            z0 += learn_f32(row);
    }
    z[0] = z0;
}

/* add_rows of a head of two outputs (the states), the same */
static void add_rows_two(const tally_learn_model *m, learn_head hd, const uint32_t *h, size_t n,
                         double *z)
{
    const struct learn_head_view *v = &m->head[hd];
    if (v->slots == NULL)
        return;
    double z0 = z[0], z1 = z[1];
    for (size_t i = 0; i < n; i++) {
        const unsigned char *row = row_sized(v, h[i], 12);
        if (row == NULL)
            continue;
        z0 += learn_f32(row);
        z1 += learn_f32(row + 4);
    }
    z[0] = z0;
    z[1] = z1;
}

/* add_rows of the KIND head when it has eight outputs (the kinds), written
 * out so that the eight sums stay in registers */
static void add_rows_eight(const tally_learn_model *m, const uint32_t *h, size_t n, double *z)
{
    const struct learn_head_view *v = &m->head[LEARN_KIND];
    if (v->slots == NULL)
        return;
    double z0 = z[0], z1 = z[1], z2 = z[2], z3 = z[3], z4 = z[4], z5 = z[5], z6 = z[6], z7 = z[7];
    for (size_t i = 0; i < n; i++) {
        const unsigned char *row = row_sized(v, h[i], 36);
        if (row == NULL)
            continue;
        z0 += learn_f32(row);
        z1 += learn_f32(row + 4);
        z2 += learn_f32(row + 8);
        z3 += learn_f32(row + 12);
        z4 += learn_f32(row + 16);
        z5 += learn_f32(row + 20);
        z6 += learn_f32(row + 24);
        z7 += learn_f32(row + 28);
    }
    z[0] = z0;
    z[1] = z1;
    z[2] = z2;
    z[3] = z3;
    z[4] = z4;
    z[5] = z5;
    z[6] = z6;
    z[7] = z7;
}

void learn_add_rows(const tally_learn_model *m, learn_head hd, const uint32_t *h, size_t n,
                    double *z)
{
    /* one loop a head, so that each adds a known number of weights */
    switch (hd) {
    case LEARN_FIG:
        if (LEARN_FIG_OUTS == 1)
            add_rows_one(m, LEARN_FIG, h, n, z);
        else
            add_rows(m, LEARN_FIG, LEARN_FIG_OUTS, h, n, z);
        break;
    case LEARN_KIND:
        if (LEARN_KIND_OUTS == 8)
            add_rows_eight(m, h, n, z);
        else
            add_rows(m, LEARN_KIND, LEARN_KIND_OUTS, h, n, z);
        break;
    case LEARN_SPEAKER:
        add_rows_one(m, LEARN_SPEAKER, h, n, z);
        break;
    case LEARN_STATE:
        if (LEARN_STATE_OUTS == 2)
            add_rows_two(m, LEARN_STATE, h, n, z);
        else
            add_rows(m, LEARN_STATE, LEARN_STATE_OUTS, h, n, z);
        break;
    case LEARN_EV_SENT:
        add_rows(m, LEARN_EV_SENT, LEARN_EV_SENT_OUTS, h, n, z);
        break;
    case LEARN_EV_PARTY:
        if (LEARN_EV_PARTY_OUTS == 2)
            add_rows_two(m, LEARN_EV_PARTY, h, n, z);
        else
            add_rows(m, LEARN_EV_PARTY, LEARN_EV_PARTY_OUTS, h, n, z);
        break;
    case LEARN_EV_ATTR:
        add_rows(m, LEARN_EV_ATTR, LEARN_EV_ATTR_OUTS, h, n, z);
        break;
    case LEARN_ALL_HEADS:
        break;
    }
}

void learn_scores(const tally_learn_model *m, learn_head hd, const learn_fv *fv, double *z)
{
    const struct learn_head_view *v = &m->head[hd];
    for (unsigned o = 0; o < v->outs; o++)
        z[o] = learn_f32(v->bias + 4 * o);
    learn_add_rows(m, hd, fv->h, fv->n, z);
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* The features of `fv` that weigh most for output `o` of head `hd`. */
void learn_explain(const tally_learn_model *m, learn_head hd, const learn_fv *fv, unsigned o,
                   double p, tally_learn_decision *d)
{
    d->decided = true;
    d->p = p;
    d->n = 0;
    if (fv->name == NULL)
        return;
    for (uint32_t i = 0; i < fv->n; i++) {
        const unsigned char *row = learn_row(m, hd, fv->h[i]);
        double w = row != NULL ? learn_f32(row + 4 * o) : 0;
        if (w != 0)
            learn_explain_add(d, fv->name[i], w);
    }
}

void learn_explain_add(tally_learn_decision *d, const char *name, double w)
{
    /* insertion into the top list by |w| */
    size_t k = d->n < TALLY_LEARN_TOP ? d->n++ : TALLY_LEARN_TOP;
    while (k > 0 && fabs(d->top[k - 1].weight) < fabs(w)) {
        if (k < TALLY_LEARN_TOP)
            d->top[k] = d->top[k - 1];
        k--;
    }
    if (k < TALLY_LEARN_TOP)
        d->top[k] = (tally_learn_feature){name, w};
}

/* Whether the words the rules read as a speaker may name one: not a clause
 * ("So we can", "which plans"), and not one word that only starts the
 * sentence ("If", "First", "Analysts"). */
static bool words_name(const tally_claim *c)
{
    const char *s = c->source;
    size_t n = strlen(s), words = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        const claim_word *cw = j - i <= 24 ? cw_find(s + i, j - i) : NULL;
        if (cw != NULL &&
            ((cw->roles & (CW_PLAN | CW_OUT | CW_IN | CW_PRONOUN)) || cw->id == CWW_THAT))
            return false;
        words++;
        i = j < n ? j + 1 : j;
    }
    const tally_reason *r = &c->why_source;
    return words > 1 || r->rule != TALLY_WHY_ATTRIBUTION_WORDS || r->start > c->sentence_start + 3;
}

bool learn_explicit_source(const tally_claim *c)
{
    const tally_reason *r = &c->why_source;
    /* a pick that does not start as a name does ("spokesman", "satellite
     * images showing") binds nothing: the model chooses */
    const char *s = c->source;
    if (s == NULL || !(s[0] >= 'A' && s[0] <= 'Z') || r->end <= r->start ||
        r->start < c->sentence_start || r->end > c->sentence_end)
        return false;
    return words_name(c);
}

bool learn_fits_only(const learn_option *o, size_t n, bool explicit)
{
    bool any = false;
    for (size_t i = 0; i < n && explicit; i++)
        any = any || o[i].fits;
    return any;
}

size_t learn_pick_speaker_of(const double *z, const learn_option *o, size_t n, bool explicit)
{
    bool any = learn_fits_only(o, n, explicit);
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if ((!any || o[i].fits) && (best == SIZE_MAX || z[i] > z[best]))
            best = i;
    return best;
}

double learn_scope_p(const double *z)
{
    return sigmoid(z[LEARN_FIG_SCOPE]);
}

bool learn_has_recipient(const tally_learn_model *m, const tally_claim *c)
{
    return !m->head[LEARN_STATE].present || c->unit != TALLY_UNIT_MONEY || c->recipient[0] != '\0';
}

tally_kind learn_kind_of(const double *z)
{
    unsigned best = 0;
    for (unsigned i = 1; i < LEARN_N_KINDS; i++)
        if (z[i] > z[best])
            best = i;
    return (tally_kind)best;
}

size_t learn_pick_speaker(const double *z, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (z[i] > z[best])
            best = i;
    return best;
}

bool learn_explicit_supplier(const tally_claim *c)
{
    const tally_reason *r = &c->why_supplier;
    return c->supplier[0] != '\0' && r->end > r->start && r->start >= c->sentence_start &&
           r->end <= c->sentence_end;
}

size_t learn_fixed_supplier(const tally_claim *c, const char (*codes)[4], size_t n)
{
    if (!learn_explicit_supplier(c))
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (memcmp(codes[i], c->supplier, 4) == 0)
            return i;
    return SIZE_MAX;
}

void learn_pick_states(const double *zs, const double *zr, const char (*codes)[4], size_t n,
                       size_t fixed, size_t *sup, size_t *rec)
{
    *sup = fixed != SIZE_MAX ? fixed : learn_pick_speaker(zs, n);
    *rec = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        /* another state than the supplier, or none for both */
        if (codes[*sup][0] != '\0' && strcmp(codes[i], codes[*sup]) == 0)
            continue;
        if (*rec == SIZE_MAX || zr[i] > zr[*rec])
            *rec = i;
    }
}

/* The softmax share of z[i] among z[0, n) (all when skip is SIZE_MAX). */
static double share(const double *z, size_t n, size_t i)
{
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += exp(z[k] - z[i]);
    return 1.0 / sum;
}

double learn_apply(const tally_learn_model *m, const learn_cand *k, tally_claim *out,
                   tally_learn_why *why)
{
    *out = k->claim;
    if (why != NULL) {
        memset(why, 0, sizeof *why);
        why->proposed_by = learn_proposer_name(k->proposer);
    }
    double keep = 1;
    if (m->head[LEARN_FIG].present) {
        double z[LEARN_FIG_OUTS];
        learn_scores(m, LEARN_FIG, &k->fig, z);
        keep = learn_scope_p(z);
        if (why != NULL)
            learn_explain(m, LEARN_FIG, &k->fig, LEARN_FIG_SCOPE, keep, &why->scope);
    }
    if (m->head[LEARN_KIND].present) {
        double z[LEARN_KIND_OUTS];
        learn_scores(m, LEARN_KIND, &k->kind, z);
        out->kind = learn_kind_of(z);
        if (why != NULL)
            learn_explain(m, LEARN_KIND, &k->kind, out->kind, share(z, LEARN_KIND_OUTS, out->kind),
                          &why->kind);
    }
    size_t n = k->n_speakers > k->n_states ? k->n_speakers : k->n_states;
    double *zs = tally_xmalloc((2 * n + 1) * sizeof *zs), row[LEARN_MAX_OUTS];
    if (m->head[LEARN_SPEAKER].present && k->n_speakers > 0) {
        for (size_t i = 0; i < k->n_speakers; i++) {
            learn_scores(m, LEARN_SPEAKER, &k->speakers[i].fv, row);
            zs[i] = row[0];
        }
        size_t i =
            learn_pick_speaker_of(zs, k->speakers, k->n_speakers, learn_explicit_source(&k->claim));
        const learn_option *o = &k->speakers[i];
        out->source = o->name;
        memcpy(out->source_country, o->country, 4);
        if (why != NULL) {
            learn_explain(m, LEARN_SPEAKER, &o->fv, 0, share(zs, k->n_speakers, i), &why->source);
            why->source_from = learn_origin_name(o->origin);
        }
    }
    if (m->head[LEARN_STATE].present && k->n_states > 0) {
        char(*codes)[4] = tally_xmalloc((k->n_states + 1) * sizeof *codes);
        for (size_t i = 0; i < k->n_states; i++) {
            learn_scores(m, LEARN_STATE, &k->states[i].fv, row);
            zs[i] = row[LEARN_STATE_SUPPLIER];
            zs[n + i] = row[LEARN_STATE_RECIPIENT];
            memcpy(codes[i], k->states[i].country, 4);
        }
        size_t s, r;
        learn_pick_states(zs, zs + n, (const char(*)[4])codes, k->n_states,
                          learn_fixed_supplier(&k->claim, (const char(*)[4])codes, k->n_states), &s,
                          &r);
        memcpy(out->supplier, codes[s], 4);
        if (r != SIZE_MAX)
            memcpy(out->recipient, codes[r], 4);
        else
            out->recipient[0] = '\0';
        if (why != NULL) {
            learn_explain(m, LEARN_STATE, &k->states[s].fv, LEARN_STATE_SUPPLIER,
                          share(zs, k->n_states, s), &why->supplier);
            if (r != SIZE_MAX)
                learn_explain(m, LEARN_STATE, &k->states[r].fv, LEARN_STATE_RECIPIENT,
                              share(zs + n, k->n_states, r), &why->recipient);
        }
        free(codes);
    }
    free(zs);
    return keep;
}

/* The document stage over the kept claims out[0, n) of candidates v[from[i]]:
 * their sources as it decides them. */
static void doc_stage(const tally_learn_model *m, const learn_cand *v, const size_t *from, size_t n,
                      tally_claim *out, tally_learn_why *const *why, tally_arena *keep)
{
    /* explaining, the features' names stay with the explanations, in `keep` */
    tally_arena *a = keep != NULL ? keep : tally_arena_new();
    learn_spk *s = tally_arena_alloc(a, n * sizeof *s);
    tally_learn_decision **d = tally_arena_alloc(a, n * sizeof *d);
    for (size_t i = 0; i < n; i++) {
        learn_doc_spk_of(m, &v[from[i]], &s[i], a);
        d[i] = why[i] != NULL ? &why[i]->source : NULL;
    }
    learn_doc_decide(m, s, n, d, a);
    for (size_t i = 0; i < n; i++) {
        if (s[i].n == 0)
            continue;
        const learn_spk_opt *o = &s[i].o[s[i].pick];
        out[i].source = o->name;
        memcpy(out[i].source_country, o->country, 4);
        if (why[i] != NULL)
            why[i]->source_from = learn_origin_name(o->origin);
    }
    if (a != keep)
        tally_arena_free(a);
}

/* The kind's document stage over the kept claims out[0, n) of candidates
 * v[from[i]]: their kinds as it decides them. */
static void kind_stage(const tally_learn_model *m, const learn_cand *v, const size_t *from,
                       size_t n, tally_claim *out, tally_learn_why *const *why, tally_arena *keep)
{
    tally_arena *a = keep != NULL ? keep : tally_arena_new();
    learn_kdec *k = tally_arena_alloc(a, n * sizeof *k);
    tally_learn_decision **d = tally_arena_alloc(a, n * sizeof *d);
    for (size_t i = 0; i < n; i++) {
        learn_scores(m, LEARN_KIND, &v[from[i]].kind, k[i].z);
        k[i].first = k[i].pick = learn_kind_of(k[i].z);
        k[i].sentence = out[i].sentence_start;
        k[i].classes = v[from[i]].classes;
        d[i] = why[i] != NULL ? &why[i]->kind : NULL;
    }
    learn_dockind_decide(m, k, n, d, a);
    for (size_t i = 0; i < n; i++)
        out[i].kind = k[i].pick;
    if (a != keep)
        tally_arena_free(a);
}

size_t learn_decide(const tally_learn_model *m, const learn_cand *v, size_t n, tally_claim *out,
                    bool explain, tally_arena *a)
{
    size_t kept = 0;
    size_t *from = tally_xmalloc((n + 1) * sizeof *from);        /* the candidate of each kept */
    tally_learn_why **whys = tally_xcalloc(n + 1, sizeof *whys); /* and its explanation */
    for (size_t i = 0; i < n;) {
        size_t j = i, best = SIZE_MAX;
        double bp = 0;
        tally_claim c;
        for (; j < n && v[j].group == v[i].group; j++) {
            tally_learn_why *why = explain ? tally_arena_alloc(a, sizeof *why) : NULL;
            double p = learn_apply(m, &v[j], &c, why);
            if (p >= m->threshold && (best == SIZE_MAX || p > bp)) {
                best = j;
                bp = p;
                c.learned = why;
                out[kept] = c;
                whys[kept] = why;
            }
        }
        if (best != SIZE_MAX && learn_has_recipient(m, &out[kept]))
            from[kept++] = best;
        i = j;
    }
    if (kept > 0 && learn_doc_present(m))
        doc_stage(m, v, from, kept, out, whys, explain ? a : NULL);
    if (kept > 0 && learn_dockind_present(m))
        kind_stage(m, v, from, kept, out, whys, explain ? a : NULL);
    free(whys);
    free(from);
    return kept;
}
