/* Tests of the learned layer's models (src/extract/learn.c) and of its
 * decisions on the extractor's candidates (src/extract/features.c);
 * tests/e2e/train.sh trains and cross-validates on the shared corpora. */
#include "tally/learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kindwords.h"
#include "learn.h"
#include "tally/extract.h"

/* `heads` written as a model into `bytes` and read back. */
static tally_learn_model *round_trip(const learn_head_w *heads, const char *name, tally_buf *bytes)
{
    tally_buf_init(bytes, 1 << 20);
    learn_model_write(heads, 0.4, name, bytes);
    tally_learn_model *m = NULL;
    tally_err err = {0, ""};
    CHECK_INT_EQ(tally_learn_model_parse(bytes->ptr, bytes->len, &m, &err), 0);
    return m;
}

/* A model of four heads with a few rows, written and read back. */
static tally_learn_model *small_model(tally_buf *bytes)
{
    uint32_t keys[LEARN_N_HEADS][3] = {{11, 22, 33}, {44, 0, 0}, {55, 66, 0}, {77, 88, 0}};
    size_t counts[LEARN_N_HEADS] = {3, 1, 2, 2};
    learn_head_w heads[LEARN_N_HEADS];
    memset(heads, 0, sizeof heads);
    float w[LEARN_N_HEADS][3 * LEARN_MAX_OUTS];
    for (int h = 0; h < LEARN_N_HEADS; h++) {
        heads[h].outs = learn_head_outputs((learn_head)h);
        heads[h].key = keys[h];
        heads[h].n = counts[h];
        heads[h].w = w[h];
        for (size_t i = 0; i < counts[h] * heads[h].outs; i++)
            w[h][i] = (float)(h * 100 + (int)i) / 4;
        heads[h].bias[0] = -0.5f;
    }
    return round_trip(heads, "tally train test", bytes);
}

static void test_learn_model_round_trip(void)
{
    tally_buf bytes;
    tally_learn_model *m = small_model(&bytes);
    if (m == NULL) {
        tally_buf_free(&bytes);
        return;
    }
    CHECK_STR_EQ(tally_learn_model_note(m), "tally train test");
    CHECK_DBL_EQ(m->threshold, 0.4f);
    const unsigned char *row = learn_row(m, LEARN_FIG, 22);
    CHECK(row != NULL);
    if (row != NULL) /* the second row: weight 1 of head 0 */
        CHECK_DBL_EQ(learn_f32(row), 1.0 / 4);
    CHECK(learn_row(m, LEARN_FIG, 23) == NULL);
    row = learn_row(m, LEARN_KIND, 88);
    CHECK(row != NULL);
    if (row != NULL) /* the second row: weights 8 to 15 of head 3 */
        CHECK_DBL_EQ(learn_f32(row + 4 * 2), (300.0 + 10) / 4);
    row = learn_row(m, LEARN_STATE, 66);
    CHECK(row != NULL);
    if (row != NULL)
        CHECK_DBL_EQ(learn_f32(row + 4), (200.0 + 3) / 4);
    CHECK_DBL_EQ(learn_f32(m->head[LEARN_SPEAKER].bias), -0.5);
    tally_learn_model_free(m);
    tally_buf_free(&bytes);
}

static void test_learn_damaged_models_are_refused(void)
{
    tally_buf bytes;
    tally_learn_model *m = small_model(&bytes);
    tally_learn_model_free(m);
    tally_err err = {0, ""};
    /* cut anywhere, a wrong magic, a wrong version, a byte too many */
    for (size_t cut = 0; cut < bytes.len; cut += 7) {
        CHECK_INT_EQ(tally_learn_model_parse(bytes.ptr, cut, &m, &err), TALLY_EINPUT);
        CHECK(m == NULL);
    }
    char *copy = tally_xmalloc(bytes.len + 1);
    memcpy(copy, bytes.ptr, bytes.len);
    copy[0] = 'X';
    CHECK_INT_EQ(tally_learn_model_parse(copy, bytes.len, &m, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, "not a tally model") != NULL);
    memcpy(copy, bytes.ptr, bytes.len);
    copy[4] = 9;
    CHECK_INT_EQ(tally_learn_model_parse(copy, bytes.len, &m, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, "version") != NULL);
    memcpy(copy, bytes.ptr, bytes.len);
    copy[bytes.len] = 0;
    CHECK_INT_EQ(tally_learn_model_parse(copy, bytes.len + 1, &m, &err), TALLY_EINPUT);
    free(copy);
    CHECK_INT_EQ(tally_learn_model_load("/nonexistent/model.bin", &m, &err), TALLY_EIO);
    CHECK(strstr(err.msg, "/nonexistent/model.bin") != NULL);
    tally_buf_free(&bytes);
}

static void test_learn_bundled_model_is_whole(void)
{
    tally_learn_model *m = NULL;
    tally_err err = {0, ""};
    CHECK_INT_EQ(tally_learn_model_bundled(&m, &err), 0);
    if (m == NULL)
        return;
    for (int h = 0; h < LEARN_N_HEADS; h++)
        CHECK(m->head[h].present);
    /* the command that trained it */
    CHECK(strncmp(tally_learn_model_note(m), "tally train", 11) == 0);
    tally_learn_model_free(m);
}

static void test_learn_decisions_on_scores(void)
{
    double z[] = {0.5, 2.0, 2.0, -1.0};
    CHECK_INT_EQ(learn_pick_speaker(z, 4), 1); /* the first of equals */
    learn_option o[4];
    memset(o, 0, sizeof o);
    o[3].fits = true;
    /* an explicit pick bounds the choice to what fits it */
    CHECK_INT_EQ(learn_pick_speaker_of(z, o, 4, true), 3);
    CHECK_INT_EQ(learn_pick_speaker_of(z, o, 4, false), 1);
    o[3].fits = false;
    CHECK_INT_EQ(learn_pick_speaker_of(z, o, 4, true), 1);
    /* the recipient is another state than the supplier, or none */
    const char codes[3][4] = {"", "PRK", "RUS"};
    double zs[] = {0, 3, 1}, zr[] = {0, 5, 2};
    size_t s, r;
    learn_pick_states(zs, zr, codes, 3, SIZE_MAX, &s, &r);
    CHECK_INT_EQ(s, 1);
    CHECK_INT_EQ(r, 2);
    learn_pick_states(zs, zr, codes, 3, 2, &s, &r); /* the rules' explicit supplier */
    CHECK_INT_EQ(s, 2);
    CHECK_INT_EQ(r, 1);
    double z9[LEARN_KIND_OUTS] = {0};
    z9[TALLY_KIND_CASUALTY] = 1;
    CHECK_INT_EQ(learn_kind_of(z9), TALLY_KIND_CASUALTY);
    double z1[LEARN_FIG_OUTS] = {0};
    CHECK_DBL_EQ(learn_scope_p(z1), 0.5);
}

/* The claims of `text` as one document, with the bundled model. */
static tally_claims extract(const char *text, tally_extractor **x, tally_arena *a, bool explain)
{
    tally_date d = {2024, 5, 10};
    tally_extract_opts o = {.explain = explain};
    *x = tally_extractor_open(d, NULL, &o);
    tally_block b = {text, strlen(text), 0};
    tally_claims cs = {.v = NULL};
    tally_err err = {0, ""};
    CHECK_INT_EQ(tally_extract_block(*x, &b, &cs, a, &err), 0);
    /* the decisions wait for the document's end (one window: one call) */
    CHECK_INT_EQ(cs.n, 0);
    CHECK(!tally_extract_finish(*x, &cs, a));
    return cs;
}

static void test_learn_shares_in_words_are_percentages(void)
{
    tally_arena *a = tally_arena_new();
    const char *t = "Half of Russia's shells and about a third of the corps, in the first half of "
                    "2024, 0.5 tonnes.";
    tally_figures figs;
    tally_err err = {0, ""};
    CHECK_INT_EQ(tally_figures_scan((tally_span){t, strlen(t)}, &figs, a, &err), 0);
    learn_fractions(t, strlen(t), &figs);
    size_t pct = 0;
    for (size_t i = 0; i < figs.n; i++) {
        if (figs.v[i].kind != TALLY_FIG_PERCENT)
            continue;
        pct++;
        if (pct == 1)
            CHECK_DBL_EQ(figs.v[i].low, 50);
        if (pct == 2) {
            CHECK(figs.v[i].low > 33.3 && figs.v[i].low < 33.4);
            CHECK_INT_EQ(figs.v[i].qualifier, TALLY_Q_ABOUT);
        }
    }
    /* "half of 2024" and "0.5 tonnes" stay as they were */
    CHECK_INT_EQ(pct, 2);
    tally_arena_free(a);
}

static void test_learn_claims_and_their_text_stay_with_the_output(void)
{
    tally_arena *a = tally_arena_new();
    tally_extractor *x;
    const char *text = "North Korea has sent around 6,700 containers to Russia, South Korea's "
                       "defence minister Shin Won-sik said.";
    tally_claims cs = extract(text, &x, a, false);
    CHECK_INT_EQ(cs.n, 1);
    CHECK(cs.body != NULL);
    if (cs.n == 1 && cs.body != NULL) {
        const tally_claim *c = &cs.v[0];
        CHECK_INT_EQ(c->unit, TALLY_UNIT_CONTAINER);
        CHECK_STR_EQ(c->supplier, "PRK");
        CHECK_STR_EQ(c->recipient, "RUS");
        CHECK(strncmp(cs.body + (c->start - cs.body_offset), "around 6,700 containers", 23) == 0);
        CHECK(c->learned == NULL); /* no explanations unless asked */
    }
    tally_extractor_free(x);
    tally_arena_free(a);
}

/* The candidates of `text` (one block of a document with title `title`) as
 * `tally train` collects them, with the names of their features. */
static learn_sink *collect(const char *text, const char *title)
{
    learn_sink *s = tally_xcalloc(1, sizeof *s);
    s->arena = tally_arena_new();
    tally_buf_init(&s->body, 1 << 20);
    tally_doc_meta meta = {NULL, title, NULL, "2024-05-10"};
    tally_extractor *x = extract_new_collecting((tally_date){2024, 5, 10}, &meta, s, true);
    tally_arena *a = tally_arena_new();
    tally_block b = {text, strlen(text), 0};
    tally_claims cs;
    tally_err err = {0, ""};
    CHECK_INT_EQ(tally_extract_block(x, &b, &cs, a, &err), 0);
    CHECK(!tally_extract_finish(x, &cs, a));
    tally_extractor_free(x);
    tally_arena_free(a);
    return s;
}

static void sink_free(learn_sink *s)
{
    tally_arena_free(s->arena);
    free(s->v);
    tally_buf_free(&s->body);
    free(s);
}

/* The speaker option named `name` of the candidate whose figure starts with
 * `figure`, or NULL. */
static const learn_option *option(const learn_sink *s, const char *figure, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        const learn_cand *c = &s->v[i];
        if (strncmp(s->body.ptr + c->claim.start, figure, strlen(figure)) != 0)
            continue;
        for (size_t o = 0; o < c->n_speakers; o++)
            if (strcmp(c->speakers[o].name, name) == 0)
                return &c->speakers[o];
    }
    return NULL;
}

/* Whether option `o` has a feature whose name starts with `prefix`. */
static bool has_feature(const learn_option *o, const char *prefix)
{
    for (uint32_t i = 0; o != NULL && o->fv.name != NULL && i < o->fv.n; i++)
        if (o->fv.name[i] != NULL && strncmp(o->fv.name[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

static void test_learn_speakers_by_their_most_specific_name(void)
{
    /* titles go, a surname is written in full */
    learn_sink *s = collect("Defence Secretary John Healey visited Kyiv on Monday. Mr Healey said "
                            "Britain would send 100 drones to Ukraine.",
                            NULL);
    CHECK(option(s, "100 drones", "John Healey") != NULL);
    CHECK(option(s, "100 drones", "Mr Healey") == NULL);
    CHECK(option(s, "100 drones", "Defence Secretary John Healey") == NULL);
    sink_free(s);
    /* a person the actor table does not know takes the state of its titles */
    s = collect("Czech Foreign Minister Jan Lipavsky said the first 50,000 shells had arrived in "
                "Ukraine.",
                NULL);
    const learn_option *o = option(s, "the first 50,000 shells", "Jan Lipavsky");
    if (o == NULL)
        o = option(s, "50,000 shells", "Jan Lipavsky");
    CHECK(o != NULL);
    if (o != NULL)
        CHECK_STR_EQ(o->country, "CZE");
    sink_free(s);
}

static void test_learn_the_issuer_of_a_statement_has_its_say(void)
{
    /* the one who issues the statement, and the sentences it does not name */
    learn_sink *s = collect("The Danish government said in a statement that it had prepared a new "
                            "package. Denmark will send Ukraine 20 tanks this year.",
                            NULL);
    const learn_option *o = option(s, "20 tanks", "Danish government");
    CHECK(o != NULL);
    CHECK(has_feature(o, "named beside a release"));
    CHECK(has_feature(o, "last to attribute before"));
    sink_free(s);
    /* "he said": the person named last before (names are read in the
     * sentences with figures) */
    s = collect("Czech Prime Minister Petr Fiala said 226 vehicles had been shipped. He said a "
                "quarter of the 89 tanks came from army stores.",
                NULL);
    CHECK(has_feature(option(s, "89 tanks", "Petr Fiala"), "named last before of the pronoun"));
    sink_free(s);
}

/* kw_find (src/extract/kindwords.gperf) finds every kind word in any case,
 * as gperf's kw_lookup does, with its lemma and a class of the table. */
static void test_learn_kind_words_find(void)
{
    size_t words = 0;
    const kind_word *e;
    for (size_t i = 0; (e = kw_slot(i)) != NULL; i++) {
        size_t n = strlen(e->word);
        if (n == 0)
            continue;
        words++;
        char up[32];
        CHECK(n < sizeof up);
        if (n >= sizeof up)
            continue;
        for (size_t k = 0; k < n; k++) {
            CHECK((e->word[k] >= 'a' && e->word[k] <= 'z') || e->word[k] == '-');
            up[k] = e->word[k] >= 'a' && e->word[k] <= 'z' ? (char)(e->word[k] - 'a' + 'A')
                                                           : e->word[k];
        }
        CHECK(kw_find(e->word, n) == e && kw_lookup(e->word, n) == e);
        CHECK(kw_find(up, n) == e);
        CHECK(e->cls > KC_NONE && e->cls < KC_N_CLASSES);
        CHECK(e->form != 0);
        CHECK(e->lemma != NULL && e->lemma[0] != '\0');
    }
    CHECK(words > 500);
    const kind_word *sent = kw_find("Sent", 4);
    CHECK(sent != NULL);
    if (sent != NULL) {
        CHECK_STR_EQ(sent->lemma, "send");
        CHECK_INT_EQ(sent->cls, KC_MOVE);
        CHECK((sent->form & KF_PAST) && (sent->form & KF_PP));
    }
    const kind_word *pledged = kw_find("pledged", 7);
    CHECK(pledged != NULL && strcmp(pledged->lemma, "pledge") == 0);
    CHECK(kw_find("sendx", 5) == NULL);
}

/* The kind follows the figure's clause: the same figure, verb and states
 * are planned when the verb's group says not yet ("will send", "plans to
 * send"), transferred when it says done ("has sent"), casualties when they
 * "were killed". */
static void test_learn_kind_reads_the_clause(void)
{
    static const struct {
        const char *text;
        tally_kind kind;
    } cases[] = {
        {"North Korea will send 10,000 troops to Russia, officials said.", TALLY_KIND_PLANNED},
        {"North Korea has sent 10,000 troops to Russia, officials said.", TALLY_KIND_TRANSFER},
        {"North Korea plans to send 10,000 troops to Russia, officials said.", TALLY_KIND_PLANNED},
        {"The Czech Republic has supplied 89 tanks to Ukraine, and will continue to aid Kyiv, "
         "officials said.",
         TALLY_KIND_TRANSFER},
        {"At least 100 North Korean soldiers were killed in Kursk, officials said.",
         TALLY_KIND_CASUALTY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tally_arena *a = tally_arena_new();
        tally_extractor *x;
        tally_claims cs = extract(cases[i].text, &x, a, false);
        CHECK_INT_EQ(cs.n, 1);
        if (cs.n == 1)
            CHECK_STR_EQ(tally_kind_name(cs.v[0].kind), tally_kind_name(cases[i].kind));
        tally_extractor_free(x);
        tally_arena_free(a);
    }
}

/* Whether the kind features of the candidate whose figure starts with
 * `figure` have one named `name`. */
static bool kind_feature(const learn_sink *s, const char *figure, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        const learn_cand *c = &s->v[i];
        if (strncmp(s->body.ptr + c->claim.start, figure, strlen(figure)) != 0)
            continue;
        for (uint32_t k = 0; c->kind.name != NULL && k < c->kind.n; k++)
            if (c->kind.name[k] != NULL && strcmp(c->kind.name[k], name) == 0)
                return true;
    }
    return false;
}

/* The helpers that give a figure its tense and mood ("will", "has") are
 * read in its clause: a "will" after ", and" is another clause's, and the
 * sentence's bag of classes keeps only its content words. */
static void test_learn_kind_reads_helpers_in_the_figures_clause(void)
{
    learn_sink *s =
        collect("The Czech Republic has supplied 89 tanks to Ukraine, and will continue "
                "to aid Kyiv, the prime minister said.",
                NULL);
    CHECK(kind_feature(s, "89 tanks", "class in the figure's clause=have"));
    CHECK(kind_feature(s, "89 tanks", "class in the figure's clause=move"));
    CHECK(!kind_feature(s, "89 tanks", "class in the figure's clause=will"));
    CHECK(!kind_feature(s, "89 tanks", "class in the figure's clause=aid"));
    CHECK(kind_feature(s, "89 tanks", "class in sentence=aid"));
    CHECK(!kind_feature(s, "89 tanks", "class in sentence=will"));
    CHECK(!kind_feature(s, "89 tanks", "class in sentence=have"));
    sink_free(s);
    s = collect("Officials said that North Korea will send 10,000 troops to Russia.", NULL);
    CHECK(kind_feature(s, "10,000 troops", "class in the figure's clause=will"));
    CHECK(kind_feature(s, "10,000 troops", "class in the figure's clause=move"));
    CHECK(!kind_feature(s, "10,000 troops", "class in the figure's clause=say"));
    sink_free(s);
}

/* The document stage of the source decision (docsource.c): two claims the
 * sentence attributes to the NIS, and one that attributes nothing, whose
 * first stage prefers author. */
static void doc_stage_window(learn_spk *v, learn_spk_opt *o)
{
    o[0] = (learn_spk_opt){"NIS", "KOR", LEARN_FROM_RULES, 2};
    o[1] = (learn_spk_opt){"NIS", "KOR", LEARN_FROM_RULES, 1};
    o[2] = (learn_spk_opt){"lawmakers", "KOR", LEARN_FROM_SENTENCE, 0.5};
    o[3] = (learn_spk_opt){"author", "", LEARN_FROM_AUTHOR, 0.5};
    o[4] = (learn_spk_opt){"nis", "KOR", LEARN_FROM_DOCUMENT, 0.3};
    v[0] = (learn_spk){&o[0], 1, true, 0};
    v[1] = (learn_spk){&o[1], 2, true, 0};
    v[2] = (learn_spk){&o[3], 2, false, 0};
}

/* The name of the feature of `fv` that starts with `prefix`, or NULL. */
static const char *feature_named(const learn_fv *fv, const char *prefix, uint32_t *h)
{
    for (uint32_t i = 0; i < fv->n; i++)
        if (strncmp(fv->name[i], prefix, strlen(prefix)) == 0) {
            *h = fv->h[i];
            return fv->name[i];
        }
    return NULL;
}

static void test_learn_doc_stage_reads_the_other_claims(void)
{
    tally_arena *a = tally_arena_new();
    learn_spk v[3];
    learn_spk_opt o[5];
    doc_stage_window(v, o);
    learn_doc_pool pool;
    learn_doc_pool_of(&pool, v, 3, a);
    CHECK_INT_EQ(pool.n_bound, 2);
    /* a bound claim sees the other (not itself): one of one picks the NIS */
    learn_fv fv = {NULL, NULL, 0, 0};
    uint32_t h = 0, h_free = 0, h_author = 0;
    learn_doc_features(&pool, &v[1], true, 0, &fv, true, a);
    CHECK_STR_EQ(feature_named(&fv, "doc.bound=", &h), "doc.bound=2/6/1");
    /* the free claim: both bound claims pick its second option, in any case */
    learn_doc_features(&pool, &v[2], true, 1, &fv, true, a);
    CHECK_STR_EQ(feature_named(&fv, "doc.bound=", &h_free), "doc.bound=0/6/2");
    learn_doc_features(&pool, &v[2], true, 0, &fv, true, a);
    CHECK_STR_EQ(feature_named(&fv, "doc.bound=", &h_author), "doc.bound=1/1/2");
    /* a model whose first stage alone decides, and one with the document
     * stage that weighs the agreement with the bound claims */
    for (int with_doc = 0; with_doc < 2; with_doc++) {
        learn_head_w heads[LEARN_N_HEADS];
        memset(heads, 0, sizeof heads);
        for (int k = 0; k < LEARN_N_HEADS; k++)
            heads[k].outs = learn_head_outputs((learn_head)k);
        uint32_t keys[2] = {LEARN_DOC_Z, h_free};
        float w[2] = {1, 2};
        heads[LEARN_SPEAKER].key = with_doc ? keys : keys + 1;
        heads[LEARN_SPEAKER].w = with_doc ? w : w + 1;
        heads[LEARN_SPEAKER].n = with_doc ? 2 : 1;
        tally_buf bytes;
        tally_learn_model *m = round_trip(heads, "doc stage test", &bytes);
        CHECK(learn_doc_present(m) == (with_doc == 1));
        learn_doc_decide(m, v, 3, NULL, a);
        CHECK_INT_EQ(v[0].pick, 0);
        CHECK_INT_EQ(v[1].pick, 0);
        CHECK_STR_EQ(v[2].o[v[2].pick].name, with_doc ? "nis" : "author");
        tally_learn_model_free(m);
        tally_buf_free(&bytes);
    }
    tally_arena_free(a);
}

/* The kind's document stage (dockind.c): three claims of a window, two
 * whose sentences name a package; the third's first stage hesitates
 * between transfer and planned. */
static void test_learn_dockind_reads_the_window(void)
{
    tally_arena *a = tally_arena_new();
    learn_kdec v[3];
    memset(v, 0, sizeof v);
    for (int i = 0; i < 3; i++) {
        for (unsigned k = 0; k < LEARN_N_KINDS; k++)
            v[i].z[k] = -5;
        v[i].sentence = (size_t)i * 100;
    }
    v[0].z[TALLY_KIND_PLANNED] = 2;
    v[0].classes = (uint64_t)1 << KC_PACKAGE;
    v[1].z[TALLY_KIND_PLANNED] = 2;
    v[1].classes = (uint64_t)1 << KC_PACKAGE | (uint64_t)1 << KC_AID;
    v[2].z[TALLY_KIND_TRANSFER] = 1;
    v[2].z[TALLY_KIND_PLANNED] = 0;
    v[2].classes = (uint64_t)1 << KC_MOVE;
    for (int i = 0; i < 3; i++)
        v[i].first = v[i].pick = learn_kind_of(v[i].z);
    CHECK_INT_EQ(v[2].first, TALLY_KIND_TRANSFER);
    /* the inputs: each score less the best, floored */
    double x[LEARN_N_KINDS];
    learn_dockind_inputs(v[2].z, x);
    CHECK(x[TALLY_KIND_TRANSFER] == 0 && x[TALLY_KIND_PLANNED] == -1);
    CHECK(x[TALLY_KIND_CASUALTY] == -6);
    CHECK(learn_dockind_open(x[TALLY_KIND_PLANNED]) && !learn_dockind_open(x[TALLY_KIND_CASUALTY]));
    /* the features of the third: both others name a package (the claim's
     * own move is left out), and both are planned */
    learn_fv fv = {NULL, NULL, 0, 0};
    learn_dockind_features(v, 3, &v[2], &fv, true, a);
    char want[48];
    uint32_t h_package = 0, h = 0;
    snprintf(want, sizeof want, "dockind.cue=package/2");
    CHECK_STR_EQ(feature_named(&fv, want, &h_package), want);
    snprintf(want, sizeof want, "dockind.cue=move/");
    CHECK(feature_named(&fv, want, &h) == NULL);
    snprintf(want, sizeof want, "dockind.doc=transfer/planned/5");
    CHECK_STR_EQ(feature_named(&fv, want, &h), want);
    /* the first: one other names a package */
    learn_dockind_features(v, 3, &v[0], &fv, true, a);
    snprintf(want, sizeof want, "dockind.cue=package/1");
    CHECK_STR_EQ(feature_named(&fv, want, &h), want);
    /* a decision that is not one of the window's reads all three: its own
     * move is counted, and two of three are planned */
    learn_kdec apart = v[2];
    learn_dockind_features(v, 3, &apart, &fv, true, a);
    snprintf(want, sizeof want, "dockind.cue=move/1");
    CHECK_STR_EQ(feature_named(&fv, want, &h), want);
    snprintf(want, sizeof want, "dockind.doc=transfer/planned/4");
    CHECK_STR_EQ(feature_named(&fv, want, &h), want);
    snprintf(want, sizeof want, "dockind.doc=transfer/transfer/3");
    CHECK_STR_EQ(feature_named(&fv, want, &h), want);
    /* a model whose first stage alone decides, and one whose stage weighs
     * a package in the window for planned */
    for (int with_stage = 0; with_stage < 2; with_stage++) {
        learn_head_w heads[LEARN_N_HEADS];
        memset(heads, 0, sizeof heads);
        for (int k = 0; k < LEARN_N_HEADS; k++)
            heads[k].outs = learn_head_outputs((learn_head)k);
        uint32_t keys[2] = {LEARN_DOCK_Z, h_package};
        float w[2 * LEARN_KIND_OUTS] = {0};
        for (unsigned k = 0; k < LEARN_N_KINDS; k++)
            w[k] = 1; /* w_z */
        w[LEARN_KIND_OUTS + TALLY_KIND_PLANNED] = 2;
        heads[LEARN_KIND].key = with_stage ? keys : keys + 1;
        heads[LEARN_KIND].w = with_stage ? w : w + LEARN_KIND_OUTS;
        heads[LEARN_KIND].n = with_stage ? 2 : 1;
        tally_buf bytes;
        tally_learn_model *m = round_trip(heads, "dockind test", &bytes);
        CHECK(learn_dockind_present(m) == (with_stage == 1));
        learn_dockind_decide(m, v, 3, NULL, a);
        CHECK_INT_EQ(v[0].pick, TALLY_KIND_PLANNED);
        CHECK_INT_EQ(v[1].pick, TALLY_KIND_PLANNED);
        CHECK_INT_EQ(v[2].pick, with_stage ? TALLY_KIND_PLANNED : TALLY_KIND_TRANSFER);
        /* a kind far below the first stage's best stays out, whatever the stage */
        v[2].z[TALLY_KIND_PLANNED] = -3;
        learn_dockind_decide(m, v, 3, NULL, a);
        CHECK_INT_EQ(v[2].pick, TALLY_KIND_TRANSFER);
        v[2].z[TALLY_KIND_PLANNED] = 0;
        tally_learn_model_free(m);
        tally_buf_free(&bytes);
    }
    tally_arena_free(a);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"learn_model_round_trip", test_learn_model_round_trip},
        {"learn_damaged_models_are_refused", test_learn_damaged_models_are_refused},
        {"learn_bundled_model_is_whole", test_learn_bundled_model_is_whole},
        {"learn_decisions_on_scores", test_learn_decisions_on_scores},
        {"learn_shares_in_words_are_percentages", test_learn_shares_in_words_are_percentages},
        {"learn_claims_and_their_text_stay_with_the_output",
         test_learn_claims_and_their_text_stay_with_the_output},
        {"learn_kind_words_find", test_learn_kind_words_find},
        {"learn_kind_reads_the_clause", test_learn_kind_reads_the_clause},
        {"learn_kind_reads_helpers_in_the_figures_clause",
         test_learn_kind_reads_helpers_in_the_figures_clause},
        {"learn_speakers_by_their_most_specific_name",
         test_learn_speakers_by_their_most_specific_name},
        {"learn_the_issuer_of_a_statement_has_its_say",
         test_learn_the_issuer_of_a_statement_has_its_say},
        {"learn_doc_stage_reads_the_other_claims", test_learn_doc_stage_reads_the_other_claims},
        {"learn_dockind_reads_the_window", test_learn_dockind_reads_the_window},
        {NULL, NULL}};
    return harness_run(tests);
}
