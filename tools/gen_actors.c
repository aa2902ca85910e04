/* gen_actors: compiles the actor tables of src/extract/actor.c at build time.
 *
 *   gen_actors ISO_3166_1_JSON ACTORS_TSV OUT_INC
 *
 * Reads Debian iso-codes' iso_3166-1.json (every country: alpha-3, name,
 * common and official name) and data/actors.tsv (the project's aliases; its
 * header describes the format), and writes OUT_INC: static const tables that
 * src/extract/actor.c includes. Nothing is read at run time.
 *
 * Output: the countries sorted by alpha-3; the actors (one state per country
 * first, in the same order, then every other actor); the aliases grouped by
 * their key (the leading run of ASCII letters, "Shin" for "Shin Won-sik"),
 * in byte order inside a group, each with its rank in the group longest
 * first (which wins a tie) and the bytes it shares with the next alias of
 * the group; and an open-addressing hash table (FNV-1a, linear probing)
 * from key to group. The hash must stay the same as actor.c's. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    KIND_STATE,
    KIND_DEMONYM,
    KIND_PLACE,
    KIND_GOVERNMENT,
    KIND_INTELLIGENCE,
    KIND_OFFICIAL,
    KIND_OUTLET,
    KIND_THINK_TANK,
    KIND_N
};

static const char *const kind_names[KIND_N] = {"state",        "demonym",  "place",  "government",
                                               "intelligence", "official", "outlet", "think-tank"};
static const char *const kind_enums[KIND_N] = {
    "TALLY_ACTOR_STATE",      "TALLY_ACTOR_DEMONYM",      "TALLY_ACTOR_PLACE",
    "TALLY_ACTOR_GOVERNMENT", "TALLY_ACTOR_INTELLIGENCE", "TALLY_ACTOR_OFFICIAL",
    "TALLY_ACTOR_OUTLET",     "TALLY_ACTOR_THINK_TANK"};

/* Alias flags; actor.c defines the same values. */
enum { FLAG_ARTICLE = 1, FLAG_PLURAL = 2 };

struct country {
    char a3[4];
    char *name, *common, *official; /* common and official may be NULL */
    const char *canon;              /* display name; borrows a string above or a record */
    int canon_line;                 /* the TSV line that set canon, or 0 */
};

struct actor {
    const char *name; /* borrowed */
    char country[4];
    int kind;
};

struct alias {
    char *text; /* owned, without a leading "the " */
    size_t len;
    size_t key_len;
    unsigned actor;
    unsigned flags;
    int line;     /* TSV line, 0 for an ISO name */
    size_t rank;  /* place in its group, longest first */
    size_t share; /* leading bytes shared with the next alias of its group */
};

struct record {
    char *buf; /* the line; the fields point into it */
    const char *alias, *a3, *canon;
    int kind;
    int line;
};

struct gen {
    const char *tsv_path;
    struct country *c;
    size_t nc;
    struct actor *a;
    size_t na, capa;
    struct alias *al;
    size_t nal, capal;
    struct record *r;
    size_t nr, capr;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "gen_actors: out of memory\n");
        exit(1);
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_actors: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

static bool is_ascii_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int cmp_country(const void *x, const void *y)
{
    return strcmp(((const struct country *)x)->a3, ((const struct country *)y)->a3);
}

static struct country *find_country(const struct gen *g, const char *a3)
{
    struct country key = {{0}, NULL, NULL, NULL, NULL, 0};
    if (strlen(a3) != 3)
        return NULL;
    memcpy(key.a3, a3, 4);
    return bsearch(&key, g->c, g->nc, sizeof *g->c, cmp_country);
}

static char *opt_string(json_t *o, const char *field)
{
    const char *s = json_string_value(json_object_get(o, field));
    return s != NULL ? xstrndup(s, strlen(s)) : NULL;
}

static int load_iso(struct gen *g, const char *path)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    int rc = -1;
    if (root == NULL)
        return fail("%s:%d: %s", path, jerr.line, jerr.text);
    json_t *list = json_object_get(root, "3166-1");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        fail("%s: no \"3166-1\" array", path);
        goto out;
    }
    g->nc = json_array_size(list);
    g->c = xrealloc(NULL, g->nc * sizeof *g->c);
    memset(g->c, 0, g->nc * sizeof *g->c);
    for (size_t i = 0; i < g->nc; i++) {
        json_t *o = json_array_get(list, i);
        const char *a3 = json_string_value(json_object_get(o, "alpha_3"));
        const char *name = json_string_value(json_object_get(o, "name"));
        if (a3 == NULL || strlen(a3) != 3 || name == NULL || name[0] == '\0') {
            fail("%s: entry %zu has no alpha_3 or name", path, i);
            goto out;
        }
        for (int k = 0; k < 3; k++) {
            if (a3[k] < 'A' || a3[k] > 'Z') {
                fail("%s: bad alpha_3 \"%s\"", path, a3);
                goto out;
            }
        }
        memcpy(g->c[i].a3, a3, 4);
        g->c[i].name = xstrndup(name, strlen(name));
        g->c[i].common = opt_string(o, "common_name");
        g->c[i].official = opt_string(o, "official_name");
    }
    qsort(g->c, g->nc, sizeof *g->c, cmp_country);
    for (size_t i = 1; i < g->nc; i++) {
        if (strcmp(g->c[i - 1].a3, g->c[i].a3) == 0) {
            fail("%s: %s twice", path, g->c[i].a3);
            goto out;
        }
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int kind_of(const char *s)
{
    for (int k = 0; k < KIND_N; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

/* Splits `line` (no newline) into exactly four TAB-separated fields. */
static int split4(char *line, const char *f[4])
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == 4)
            return -1;
        f[n++] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n == 4 ? 0 : -1;
}

static int read_tsv(struct gen *g)
{
    FILE *fp = fopen(g->tsv_path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = -1;
    if (fp == NULL)
        return fail("%s: %s", g->tsv_path, strerror(errno));
    while ((len = getline(&line, &cap, fp)) != -1) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        struct record rec = {xstrndup(line, (size_t)len), NULL, NULL, NULL, 0, lineno};
        const char *f[4];
        if (split4(rec.buf, f) != 0) {
            free(rec.buf);
            fail("%s:%d: want 4 TAB-separated fields", g->tsv_path, lineno);
            goto out;
        }
        rec.alias = f[0];
        rec.a3 = f[1];
        rec.kind = kind_of(f[2]);
        rec.canon = f[3];
        const char *why = NULL;
        if (rec.kind < 0)
            why = "unknown kind";
        else if (strcmp(rec.a3, "-") != 0 && find_country(g, rec.a3) == NULL)
            why = "alpha3 is not an ISO 3166-1 code (or \"-\")";
        else if (rec.kind == KIND_STATE && strcmp(rec.a3, "-") == 0)
            why = "a state needs a country";
        else if (rec.canon[0] == '\0' || rec.canon[0] == ' ' ||
                 rec.canon[strlen(rec.canon) - 1] == ' ')
            why = "empty or padded canonical name";
        if (why != NULL) {
            free(rec.buf);
            fail("%s:%d: %s", g->tsv_path, lineno, why);
            goto out;
        }
        if (g->nr == g->capr) {
            g->capr = g->capr ? 2 * g->capr : 256;
            g->r = xrealloc(g->r, g->capr * sizeof *g->r);
        }
        g->r[g->nr++] = rec;
    }
    if (ferror(fp)) {
        fail("%s: %s", g->tsv_path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(line);
    fclose(fp);
    return rc;
}

/* Sets each country's display name: its TSV state line, else the ISO common
 * name, else the ISO name. */
static int set_display_names(struct gen *g)
{
    for (size_t i = 0; i < g->nr; i++) {
        const struct record *r = &g->r[i];
        if (r->kind != KIND_STATE)
            continue;
        struct country *c = find_country(g, r->a3);
        if (c->canon_line != 0 && strcmp(c->canon, r->canon) != 0)
            return fail("%s:%d: %s is \"%s\" on line %d", g->tsv_path, r->line, r->a3, c->canon,
                        c->canon_line);
        c->canon = r->canon;
        c->canon_line = r->line;
    }
    for (size_t i = 0; i < g->nc; i++) {
        struct country *c = &g->c[i];
        if (c->canon_line == 0)
            c->canon = c->common != NULL ? c->common : c->name;
        if (c->canon_line == 0 && strpbrk(c->canon, ",(") != NULL)
            return fail("%s: %s's name \"%s\" is not how texts write it: give it a state line",
                        g->tsv_path, c->a3, c->canon);
    }
    return 0;
}

static unsigned find_or_add_actor(struct gen *g, const char *name, const char *a3, int kind)
{
    const char *country = strcmp(a3, "-") == 0 ? "" : a3;
    for (size_t i = g->nc; i < g->na; i++) {
        const struct actor *x = &g->a[i];
        if (x->kind == kind && strcmp(x->name, name) == 0 && strcmp(x->country, country) == 0)
            return (unsigned)i;
    }
    if (g->na == g->capa) {
        g->capa = g->capa ? 2 * g->capa : 1024;
        g->a = xrealloc(g->a, g->capa * sizeof *g->a);
    }
    struct actor *x = &g->a[g->na];
    x->name = name;
    memcpy(x->country, country, strlen(country) + 1);
    x->kind = kind;
    return (unsigned)g->na++;
}

/* Strict UTF-8 without control characters. */
static bool clean_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F)
                return false;
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1Fu, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0Fu, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* Adds one alias; `text` may start with "the " (the article is then optional). */
static int add_one(struct gen *g, const char *text, unsigned actor, int line)
{
    unsigned flags = 0;
    if (strncmp(text, "the ", 4) == 0) {
        text += 4;
        flags |= FLAG_ARTICLE;
    }
    if (g->a[actor].kind == KIND_DEMONYM)
        flags |= FLAG_PLURAL;
    size_t len = strlen(text);
    unsigned char c0 = (unsigned char)text[0];
    const char *why = NULL;
    if (len == 0 || len > 255)
        why = "empty or too long";
    else if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= '0' && c0 <= '9') || c0 >= 0xC0))
        why = "must start with a capital, a digit or a non-ASCII letter";
    else if (text[len - 1] == ' ' || strstr(text, "  ") != NULL)
        why = "trailing or double space";
    else if (!clean_utf8((const unsigned char *)text, len))
        why = "not clean UTF-8";
    if (why != NULL) {
        if (line > 0)
            return fail("%s:%d: alias \"%s\": %s", g->tsv_path, line, text, why);
        return fail("ISO name \"%s\": %s", text, why);
    }
    if (g->nal == g->capal) {
        g->capal = g->capal ? 2 * g->capal : 2048;
        g->al = xrealloc(g->al, g->capal * sizeof *g->al);
    }
    struct alias *a = &g->al[g->nal++];
    a->text = xstrndup(text, len);
    a->len = len;
    a->key_len = 0;
    while (a->key_len < len && is_ascii_letter((unsigned char)text[a->key_len]))
        a->key_len++;
    a->actor = actor;
    a->flags = flags;
    a->line = line;
    return 0;
}

/* Adds `text` and, when it has one, its other spelling of "defence"/"defense". */
static int add_spellings(struct gen *g, const char *text, unsigned actor, int line)
{
    if (add_one(g, text, actor, line) != 0)
        return -1;
    char *v = xstrndup(text, strlen(text));
    bool changed = false;
    for (char *p = v; (p = strstr(p, "efen")) != NULL; p += 4) {
        if (p[4] == 'c' && p[5] == 'e') {
            p[4] = 's';
            changed = true;
        } else if (p[4] == 's' && p[5] == 'e') {
            p[4] = 'c';
            changed = true;
        }
    }
    int rc = changed ? add_one(g, v, actor, line) : 0;
    free(v);
    return rc;
}

/* The three spellings of a Korean name "Family Given1-given2" (or "Family
 * Given1 Given2"): hyphenated, spaced and joined, the second syllable in
 * lowercase (which the matcher lets match a capital). */
static int add_korean(struct gen *g, const char *text, unsigned actor, int line)
{
    const char *sp1 = strchr(text, ' ');
    if (sp1 == NULL)
        return 0;
    const char *given = sp1 + 1;
    const char *sp2 = strchr(given, ' ');
    const char *hy = strchr(given, '-');
    const char *sep;
    if (sp2 != NULL && hy == NULL && strchr(sp2 + 1, ' ') == NULL)
        sep = sp2;
    else if (sp2 == NULL && hy != NULL && strchr(hy + 1, '-') == NULL)
        sep = hy;
    else
        return 0;
    if (sep == given || sep[1] == '\0')
        return 0;
    size_t fam = (size_t)(given - text); /* "Shin " */
    size_t g1 = (size_t)(sep - given);
    const char *g2 = sep + 1;
    size_t g2len = strlen(g2);
    size_t cap = fam + g1 + 1 + g2len + 1;
    char *v = xrealloc(NULL, cap);
    static const char seps[3] = {'-', ' ', '\0'};
    int rc = 0;
    for (int k = 0; k < 3 && rc == 0; k++) {
        size_t n = 0;
        memcpy(v, text, fam + g1);
        n = fam + g1;
        if (seps[k] != '\0')
            v[n++] = seps[k];
        memcpy(v + n, g2, g2len + 1);
        if (v[n] >= 'A' && v[n] <= 'Z')
            v[n] = (char)(v[n] - 'A' + 'a');
        rc = add_spellings(g, v, actor, line);
    }
    free(v);
    return rc;
}

static int cmp_alias_text(const void *x, const void *y)
{
    const struct alias *a = x, *b = y;
    int c = strcmp(a->text, b->text);
    if (c != 0)
        return c;
    return a->line - b->line;
}

/* Groups by key, longest first inside a group. */
static int cmp_alias_key(const void *x, const void *y)
{
    const struct alias *a = x, *b = y;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->text, b->text, n);
    if (c != 0)
        return c;
    if (a->key_len != b->key_len)
        return a->key_len < b->key_len ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return strcmp(a->text, b->text);
}

static bool same_key(const struct alias *a, const struct alias *b)
{
    return a->key_len == b->key_len && memcmp(a->text, b->text, a->key_len) == 0;
}

/* Groups by key, in byte order inside a group. */
static int cmp_alias_bytes(const void *x, const void *y)
{
    const struct alias *a = x, *b = y;
    int c = cmp_alias_key(x, y);
    if (c == 0 || !same_key(a, b))
        return c;
    return strcmp(a->text, b->text);
}

/* Ranks each alias in its group longest first, then puts the group in byte
 * order: aliases that share leading bytes stand together, so the matcher
 * skips at once every one that fails where its neighbour failed, and a tie
 * still goes to the longest-first order's first (the lowest rank). */
static int order_groups(struct gen *g)
{
    qsort(g->al, g->nal, sizeof *g->al, cmp_alias_key);
    for (size_t i = 0, rank = 0; i < g->nal; i++) {
        rank = i > 0 && same_key(&g->al[i - 1], &g->al[i]) ? rank + 1 : 0;
        g->al[i].rank = rank;
    }
    qsort(g->al, g->nal, sizeof *g->al, cmp_alias_bytes);
    for (size_t i = 0; i < g->nal; i++) {
        struct alias *a = &g->al[i];
        a->share = 0;
        if (i + 1 < g->nal && same_key(a, &g->al[i + 1]))
            while (a->share < a->len && a->text[a->share] == g->al[i + 1].text[a->share])
                a->share++;
        if (a->rank > 65535 || a->share > 255 || a->len > 65535)
            return fail("alias \"%s\": too many aliases of its key or too long", a->text);
    }
    return 0;
}

static int build_aliases(struct gen *g)
{
    g->capa = g->nc + 1024;
    g->a = xrealloc(NULL, g->capa * sizeof *g->a);
    for (size_t i = 0; i < g->nc; i++) {
        g->a[i].name = g->c[i].canon;
        memcpy(g->a[i].country, g->c[i].a3, 4);
        g->a[i].kind = KIND_STATE;
    }
    g->na = g->nc;
    for (size_t i = 0; i < g->nc; i++) {
        const struct country *c = &g->c[i];
        const char *names[4] = {c->canon, c->name, c->common, c->official};
        for (int k = 0; k < 4; k++) {
            if (names[k] == NULL || (k > 0 && strpbrk(names[k], ",(") != NULL))
                continue;
            if (add_spellings(g, names[k], (unsigned)i, 0) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < g->nr; i++) {
        const struct record *r = &g->r[i];
        unsigned actor = r->kind == KIND_STATE ? (unsigned)(find_country(g, r->a3) - g->c)
                                               : find_or_add_actor(g, r->canon, r->a3, r->kind);
        if (add_spellings(g, r->alias, actor, r->line) != 0)
            return -1;
        bool korean = strcmp(r->a3, "KOR") == 0 || strcmp(r->a3, "PRK") == 0;
        if (r->kind == KIND_OFFICIAL && korean && add_korean(g, r->alias, actor, r->line) != 0)
            return -1;
    }
    if (g->na > 65535 || g->nal > 65535)
        return fail("too many actors or aliases");
    /* Merge duplicates: the same text for the same actor is one alias; for
     * two actors it is an error. */
    qsort(g->al, g->nal, sizeof *g->al, cmp_alias_text);
    size_t out = 0;
    for (size_t i = 0; i < g->nal; i++) {
        struct alias *a = &g->al[i];
        if (out > 0 && strcmp(g->al[out - 1].text, a->text) == 0) {
            struct alias *prev = &g->al[out - 1];
            if (prev->actor != a->actor) {
                const struct actor *x = &g->a[prev->actor], *y = &g->a[a->actor];
                char where[32] = "iso-codes";
                if (prev->line > 0)
                    snprintf(where, sizeof where, "line %d", prev->line);
                fail("%s:%d: \"%s\" is %s (%s) here but %s (%s) in %s", g->tsv_path, a->line,
                     a->text, y->name, y->country, x->name, x->country, where);
                /* [out, i) were moved or freed; free the rest. */
                for (size_t k = i; k < g->nal; k++)
                    free(g->al[k].text);
                g->nal = out;
                return -1;
            }
            prev->flags |= a->flags;
            free(a->text);
            continue;
        }
        g->al[out++] = *a;
    }
    g->nal = out;
    return order_groups(g);
}

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Writes `s` as a C string literal: octal escapes for anything not plain
 * ASCII, "\?" against trigraphs. */
static void put_str(FILE *out, const char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '?')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7F)
            fprintf(out, "\\%03o", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void put_opt(FILE *out, const char *s)
{
    if (s == NULL)
        fputs("NULL", out);
    else
        put_str(out, s, strlen(s));
}

struct slot {
    size_t first, count, key_len;
};

static int emit(const struct gen *g, const char *path)
{
    /* Groups of one key, and their hash slots. */
    size_t ngroups = 0, key_max = 0, alias_max = 0;
    for (size_t i = 0; i < g->nal; i++) {
        if (i == 0 || !same_key(&g->al[i - 1], &g->al[i]))
            ngroups++;
        if (g->al[i].key_len > key_max)
            key_max = g->al[i].key_len;
        if (g->al[i].len > alias_max)
            alias_max = g->al[i].len;
    }
    size_t nslots = 64;
    while (nslots < 2 * ngroups)
        nslots *= 2;
    struct slot *slots = xrealloc(NULL, nslots * sizeof *slots);
    memset(slots, 0, nslots * sizeof *slots);
    size_t max_probe = 0;
    for (size_t i = 0; i < g->nal;) {
        size_t j = i + 1;
        while (j < g->nal && same_key(&g->al[i], &g->al[j]))
            j++;
        size_t h = fnv1a(g->al[i].text, g->al[i].key_len) & (nslots - 1), probe = 0;
        while (slots[h].count != 0) {
            h = (h + 1) & (nslots - 1);
            probe++;
        }
        if (probe > max_probe)
            max_probe = probe;
        slots[h] = (struct slot){i, j - i, g->al[i].key_len};
        i = j;
    }

    char *tmp = xrealloc(NULL, strlen(path) + 5);
    sprintf(tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (out == NULL) {
        fail("%s: %s", tmp, strerror(errno));
        free(tmp);
        free(slots);
        return -1;
    }
    fprintf(out, "/* Generated by tools/gen_actors.c from iso-codes' iso_3166-1.json and\n"
                 " * data/actors.tsv. Do not edit: edit data/actors.tsv. */\n\n");
    fprintf(out, "#define ACTOR_N_COUNTRIES %zu\n", g->nc);
    fprintf(out, "#define ACTOR_N_ACTORS %zu\n", g->na);
    fprintf(out, "#define ACTOR_N_ALIASES %zu\n", g->nal);
    fprintf(out, "#define ACTOR_N_KEYS %zu\n", ngroups);
    fprintf(out, "#define ACTOR_N_SLOTS %zu /* longest probe: %zu */\n", nslots, max_probe);
    fprintf(out, "#define ACTOR_KEY_MAX %zu\n", key_max);
    fprintf(out, "#define ACTOR_ALIAS_MAX %zu\n\n", alias_max);

    fprintf(out, "static const actor_iso iso_countries[ACTOR_N_COUNTRIES] = {\n");
    for (size_t i = 0; i < g->nc; i++) {
        const struct country *c = &g->c[i];
        fprintf(out, "    {\"%s\", ", c->a3);
        put_opt(out, c->name);
        fputs(", ", out);
        put_opt(out, c->common);
        fputs(", ", out);
        put_opt(out, c->official);
        fputs("},\n", out);
    }
    fprintf(out, "};\n\n");

    fprintf(out, "static const tally_actor actor_table[ACTOR_N_ACTORS] = {\n");
    for (size_t i = 0; i < g->na; i++) {
        const struct actor *x = &g->a[i];
        fputs("    {", out);
        put_str(out, x->name, strlen(x->name));
        fprintf(out, ", \"%s\", %s},\n", x->country, kind_enums[x->kind]);
    }
    fprintf(out, "};\n\n");

    fprintf(out, "static const struct alias_entry alias_table[ACTOR_N_ALIASES] = {\n");
    for (size_t i = 0; i < g->nal; i++) {
        const struct alias *a = &g->al[i];
        fputs("    {", out);
        put_str(out, a->text, a->len);
        fprintf(out, ", %zu, %u, %u, %zu, %zu},\n", a->len, a->actor, a->flags, a->share, a->rank);
    }
    fprintf(out, "};\n\n");

    fprintf(out, "static const struct key_slot slot_table[ACTOR_N_SLOTS] = {\n");
    for (size_t h = 0; h < nslots; h++) {
        const struct slot *s = &slots[h];
        if (s->count == 0)
            continue;
        fprintf(out, "    [%zu] = {", h);
        put_str(out, g->al[s->first].text, s->key_len);
        fprintf(out, ", %zu, %zu, %zu},\n", s->key_len, s->first, s->count);
    }
    fprintf(out, "};\n");

    int rc = 0;
    if (fclose(out) != 0 || rename(tmp, path) != 0) {
        fail("%s: %s", path, strerror(errno));
        remove(tmp);
        rc = -1;
    }
    free(tmp);
    free(slots);
    return rc;
}

static void gen_free(struct gen *g)
{
    for (size_t i = 0; i < g->nc; i++) {
        free(g->c[i].name);
        free(g->c[i].common);
        free(g->c[i].official);
    }
    for (size_t i = 0; i < g->nal; i++)
        free(g->al[i].text);
    for (size_t i = 0; i < g->nr; i++)
        free(g->r[i].buf);
    free(g->c);
    free(g->a);
    free(g->al);
    free(g->r);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_actors ISO_3166_1_JSON ACTORS_TSV OUT_INC\n");
        return 2;
    }
    struct gen g = {0};
    g.tsv_path = argv[2];
    int rc = 1;
    if (load_iso(&g, argv[1]) == 0 && read_tsv(&g) == 0 && set_display_names(&g) == 0 &&
        build_aliases(&g) == 0 && emit(&g, argv[3]) == 0)
        rc = 0;
    gen_free(&g);
    return rc;
}
