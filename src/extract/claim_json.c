/* A claim's JSON Lines record (the format of CLAIMS.md, which gold files and
 * `tally extract` share) read into a scorer's record with jansson. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "learn.h"
#include "tally/mem.h"
#include "tally/score.h"
#include "tally/when.h"

/* field `key` of `o` as a new string, NULL for null or absent; false when it
 * is of another type */
static bool get_str(const json_t *o, const char *key, char **out, tally_err *err)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        tally_err_set(err, TALLY_EINPUT, "field \"%s\" is not a string", key);
        return false;
    }
    *out = tally_xstrndup(json_string_value(v), json_string_length(v));
    return true;
}

static bool get_num(const json_t *o, const char *key, bool *has, double *out, tally_err *err)
{
    const json_t *v = json_object_get(o, key);
    *has = false;
    *out = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_number(v)) {
        tally_err_set(err, TALLY_EINPUT, "field \"%s\" is not a number", key);
        return false;
    }
    *has = true;
    *out = json_number_value(v);
    return true;
}

/* str(x).strip().lower() of score-claims, for ASCII slugs */
static char *slug(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    char *out = tally_xstrndup(s, n);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

static bool get_items(const json_t *o, bool strict, char **out, tally_err *err)
{
    const json_t *v = json_object_get(o, "item");
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        *out = tally_xstrdup("");
        return true;
    }
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (!json_is_array(v) && !json_is_string(v)) {
        tally_err_set(err, TALLY_EINPUT, "field \"item\" is not a list of strings");
        return false;
    }
    char **names = tally_xcalloc(n + 1, sizeof *names);
    const char **view = tally_xcalloc(n + 1, sizeof *view);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        if (!json_is_string(e)) {
            ok = false;
            tally_err_set(err, TALLY_EINPUT, "field \"item\" is not a list of strings");
            break;
        }
        names[i] = slug(json_string_value(e));
        view[i] = names[i];
        if (strict && tally_item_parse(names[i]) < 0) {
            ok = false;
            tally_err_set(err, TALLY_EINPUT, "unknown item '%s'", names[i]);
        }
    }
    if (ok)
        *out = score_items_join(view, n);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(view);
    return ok;
}

static bool check_date(const char *key, const char *v, tally_err *err)
{
    tally_date d;
    if (v == NULL || tally_date_parse(v, strlen(v), &d) == 0)
        return true;
    tally_err_set(err, TALLY_EINPUT, "field \"%s\": '%s' is not YYYY, YYYY-MM or YYYY-MM-DD", key,
                  v);
    return false;
}

int tally_score_claim_parse(const char *line, size_t n, bool strict, tally_score_claim *out,
                            char **doc, tally_err *err)
{
    memset(out, 0, sizeof *out);
    *doc = NULL;
    json_error_t je;
    json_t *o = json_loadb(line, n, 0, &je);
    int rc = TALLY_EINPUT;
    if (o == NULL) {
        tally_err_set(err, TALLY_EINPUT, "not JSON: %s", je.text);
        return TALLY_EINPUT;
    }
    if (!json_is_object(o)) {
        tally_err_set(err, TALLY_EINPUT, "not a JSON object");
        goto out;
    }
    const json_t *h = json_object_get(o, "hedged");
    if (!get_str(o, "doc", doc, err) || !get_str(o, "sentence", &out->sentence, err) ||
        !get_str(o, "unit", &out->unit, err) || !get_str(o, "kind", &out->kind, err) ||
        !get_str(o, "supplier", &out->supplier, err) ||
        !get_str(o, "recipient", &out->recipient, err) ||
        !get_str(o, "qualifier", &out->qualifier, err) || !get_str(o, "since", &out->since, err) ||
        !get_str(o, "as_of", &out->as_of, err) || !get_str(o, "source", &out->source, err) ||
        !get_str(o, "source_country", &out->source_country, err) ||
        !get_num(o, "low", &out->has_low, &out->low, err) ||
        !get_num(o, "high", &out->has_high, &out->high, err) ||
        !get_num(o, "caliber_mm", &out->has_caliber, &out->caliber_mm, err) ||
        !get_items(o, strict, &out->items, err))
        goto out;
    out->hedged = h != NULL && json_is_true(h);
    if (strict) {
        tally_claim probe = {0};
        if (out->sentence == NULL || out->sentence[0] == '\0') {
            tally_err_set(err, TALLY_EINPUT, "no sentence");
            goto out;
        }
        if (out->unit == NULL || tally_unit_parse(out->unit, &probe) != 0) {
            tally_err_set(err, TALLY_EINPUT, "unknown unit '%s'", out->unit ? out->unit : "null");
            goto out;
        }
        if (out->kind == NULL || tally_kind_parse(out->kind) < 0) {
            tally_err_set(err, TALLY_EINPUT, "unknown kind '%s'", out->kind ? out->kind : "null");
            goto out;
        }
        if (out->qualifier != NULL && tally_qualifier_parse(out->qualifier) < 0) {
            tally_err_set(err, TALLY_EINPUT, "unknown qualifier '%s'", out->qualifier);
            goto out;
        }
        if (!out->has_low && !out->has_high) {
            tally_err_set(err, TALLY_EINPUT, "neither low nor high is a number");
            goto out;
        }
        if (h != NULL && !json_is_boolean(h)) {
            tally_err_set(err, TALLY_EINPUT, "field \"hedged\" is not true or false");
            goto out;
        }
        if (!check_date("since", out->since, err) || !check_date("as_of", out->as_of, err))
            goto out;
    }
    rc = 0;
out:
    if (rc != 0) {
        tally_score_claim_clear(out);
        free(*doc);
        *doc = NULL;
    }
    json_decref(o);
    return rc;
}
