/* The scanner's lexicon and the parser of spelled-out numbers. */
#include "scan.h"

#include <string.h>

/* Sorted by word (bytes), so lex_find can search it; test_scan checks the order. */
static const lex_entry lexicon[] = {
    {"a", W_A | W_QUAL, 0, NULL},
    {"about", W_QUAL, 0, NULL},
    {"above", W_QUAL, 0, NULL},
    {"act", W_LABEL, 0, NULL},
    {"almost", W_QUAL, 0, NULL},
    {"am", W_TIME, 0, NULL},
    {"an", W_A, 0, NULL},
    {"annex", W_LABEL, 0, NULL},
    {"appendix", W_LABEL, 0, NULL},
    {"approx", W_QUAL, 0, NULL},
    {"approximately", W_QUAL, 0, NULL},
    {"apr", W_MONTH, 0, NULL},
    {"april", W_MONTH, 0, NULL},
    {"army", W_LABEL, 0, NULL},
    {"around", W_QUAL, 0, NULL},
    {"article", W_LABEL, 0, NULL},
    {"as", W_QUAL, 0, NULL},
    {"at", W_QUAL, 0, NULL},
    {"aud", W_CUR | W_CUR_CODE, 0, "AUD"},
    {"aug", W_MONTH, 0, NULL},
    {"august", W_MONTH, 0, NULL},
    {"avenue", W_LABEL, 0, NULL},
    {"b", W_SCALE_CUR, 1000000000, NULL},
    {"baht", W_CUR, 0, "THB"},
    {"battalion", W_LABEL, 0, NULL},
    {"below", W_QUAL, 0, NULL},
    {"between", W_QUAL, 0, NULL},
    {"bigger", W_QUAL, 0, NULL},
    {"billion", W_SCALE, 1000000000, NULL},
    {"billions", W_VAGUE, 1000000000, NULL},
    {"billionth", W_FRAC, 1000000000, NULL},
    {"billionths", W_FRAC | W_FRAC_PL, 1000000000, NULL},
    {"bln", W_SCALE, 1000000000, NULL},
    {"block", W_LABEL, 0, NULL},
    {"bn", W_SCALE, 1000000000, NULL},
    {"brigade", W_LABEL, 0, NULL},
    {"building", W_LABEL, 0, NULL},
    {"cad", W_CUR | W_CUR_CODE, 0, "CAD"},
    {"caliber", W_CALIBER, 0, NULL},
    {"calibre", W_CALIBER, 0, NULL},
    {"cent", W_CUR, 0, "USX"},
    {"cents", W_CUR, 0, "USX"},
    {"cet", W_TIME, 0, NULL},
    {"channel", W_LABEL, 0, NULL},
    {"chapter", W_LABEL, 0, NULL},
    {"chf", W_CUR | W_CUR_CODE, 0, "CHF"},
    {"circa", W_QUAL, 0, NULL},
    {"clause", W_LABEL, 0, NULL},
    {"close", W_QUAL, 0, NULL},
    {"cm", W_CALIBER, 0, NULL},
    {"cny", W_CUR | W_CUR_CODE, 0, "CNY"},
    {"corps", W_LABEL, 0, NULL},
    {"crore", W_SCALE, 10000000, NULL},
    {"crores", W_SCALE, 10000000, NULL},
    {"dec", W_MONTH, 0, NULL},
    {"december", W_MONTH, 0, NULL},
    {"dinar", W_CUR, 0, "IQD"},
    {"dinars", W_CUR, 0, "IQD"},
    {"dirham", W_CUR, 0, "AED"},
    {"dirhams", W_CUR, 0, "AED"},
    {"district", W_LABEL, 0, NULL},
    {"division", W_LABEL, 0, NULL},
    {"dkk", W_CUR | W_CUR_CODE, 0, "DKK"},
    {"dollar", W_CUR, 0, "USD"},
    {"dollars", W_CUR, 0, "USD"},
    {"dozen", W_DOZEN, 12.0, NULL},
    {"dozens", W_DOZEN | W_VAGUE, 12.0, NULL},
    {"dozs", W_DOZEN, 12.0, NULL},
    {"dzs", W_DOZEN, 12.0, NULL},
    {"eight", W_UNIT, 8.0, NULL},
    {"eighteen", W_UNIT, 18.0, NULL},
    {"eighth", W_FRAC, 8.0, NULL},
    {"eighths", W_FRAC | W_FRAC_PL, 8.0, NULL},
    {"eighty", W_TENS, 80.0, NULL},
    {"eleven", W_UNIT, 11.0, NULL},
    {"episode", W_LABEL, 0, NULL},
    {"equal", W_QUAL, 0, NULL},
    {"equaling", W_QUAL, 0, NULL},
    {"equalling", W_QUAL, 0, NULL},
    {"equals", W_QUAL, 0, NULL},
    {"est", W_TIME, 0, NULL},
    {"eur", W_CUR | W_CUR_CODE, 0, "EUR"},
    {"euro", W_CUR, 0, "EUR"},
    {"euros", W_CUR, 0, "EUR"},
    {"exceeding", W_QUAL, 0, NULL},
    {"feb", W_MONTH, 0, NULL},
    {"february", W_MONTH, 0, NULL},
    {"few", W_SEVERAL, 0, NULL},
    {"fewer", W_QUAL, 0, NULL},
    {"fifteen", W_UNIT, 15.0, NULL},
    {"fifth", W_FRAC, 5.0, NULL},
    {"fifths", W_FRAC | W_FRAC_PL, 5.0, NULL},
    {"fifty", W_TENS, 50.0, NULL},
    {"fig", W_LABEL, 0, NULL},
    {"figure", W_LABEL, 0, NULL},
    {"first", W_ORD, 1.0, NULL},
    {"firsts", W_ORD, 1.0, NULL},
    {"five", W_UNIT, 5.0, NULL},
    {"fleet", W_LABEL, 0, NULL},
    {"flight", W_LABEL, 0, NULL},
    {"forty", W_TENS, 40.0, NULL},
    {"four", W_UNIT, 4.0, NULL},
    {"fourteen", W_UNIT, 14.0, NULL},
    {"fourth", W_FRAC, 4.0, NULL},
    {"fourths", W_FRAC | W_FRAC_PL, 4.0, NULL},
    {"franc", W_CUR, 0, "CHF"},
    {"francs", W_CUR, 0, "CHF"},
    {"from", W_QUAL, 0, NULL},
    {"g", W_SCALE_CUR, 1000000000, NULL},
    {"gate", W_LABEL, 0, NULL},
    {"gbp", W_CUR | W_CUR_CODE, 0, "GBP"},
    {"gmt", W_TIME, 0, NULL},
    {"grade", W_LABEL, 0, NULL},
    {"greater", W_QUAL, 0, NULL},
    {"group", W_LABEL, 0, NULL},
    {"guilders", W_CUR, 0, "NLG"},
    {"half", W_FRAC, 2.0, NULL},
    {"halves", W_FRAC | W_FRAC_PL, 2.0, NULL},
    {"higher", W_QUAL, 0, NULL},
    {"highway", W_LABEL, 0, NULL},
    {"hkd", W_CUR | W_CUR_CODE, 0, "HKD"},
    {"hrs", W_TIME, 0, NULL},
    {"hryvnia", W_CUR, 0, "UAH"},
    {"hryvnias", W_CUR, 0, "UAH"},
    {"hundred", W_HUNDRED, 100.0, NULL},
    {"hundreds", W_VAGUE, 100.0, NULL},
    {"hundredth", W_FRAC, 100.0, NULL},
    {"hundredths", W_FRAC | W_FRAC_PL, 100.0, NULL},
    {"in", W_QUAL, 0, NULL},
    {"inch", W_CALIBER, 0, NULL},
    {"inches", W_CALIBER, 0, NULL},
    {"inr", W_CUR | W_CUR_CODE, 0, "INR"},
    {"irr", W_CUR | W_CUR_CODE, 0, "IRR"},
    {"item", W_LABEL, 0, NULL},
    {"jan", W_MONTH, 0, NULL},
    {"january", W_MONTH, 0, NULL},
    {"jpy", W_CUR | W_CUR_CODE, 0, "JPY"},
    {"jul", W_MONTH, 0, NULL},
    {"july", W_MONTH, 0, NULL},
    {"jun", W_MONTH, 0, NULL},
    {"june", W_MONTH, 0, NULL},
    {"just", W_QUAL, 0, NULL},
    {"k", W_SCALE, 1000.0, NULL},
    {"kopecks", W_CUR, 0, "RUX"},
    {"kopeks", W_CUR, 0, "RUX"},
    {"kpw", W_CUR | W_CUR_CODE, 0, "KPW"},
    {"krw", W_CUR | W_CUR_CODE, 0, "KRW"},
    {"kst", W_TIME, 0, NULL},
    {"lakh", W_SCALE, 100000.0, NULL},
    {"lakhs", W_SCALE, 100000.0, NULL},
    {"larger", W_QUAL, 0, NULL},
    {"less", W_QUAL, 0, NULL},
    {"level", W_LABEL, 0, NULL},
    {"line", W_LABEL, 0, NULL},
    {"lira", W_CUR, 0, "TRY"},
    {"liras", W_CUR, 0, "TRY"},
    {"lire", W_CUR, 0, "ITL"},
    {"lot", W_LABEL, 0, NULL},
    {"lower", W_QUAL, 0, NULL},
    {"m", W_SCALE_CUR, 1000000, NULL},
    {"mar", W_MONTH, 0, NULL},
    {"march", W_MONTH, 0, NULL},
    {"mark", W_LABEL, 0, NULL},
    {"markka", W_CUR, 0, "FIM"},
    {"marks", W_CUR, 0, "DEM"},
    {"maximum", W_QUAL, 0, NULL},
    {"may", W_MONTH, 0, NULL},
    {"mil", W_SCALE, 1000000, NULL},
    {"millimeter", W_CALIBER, 0, NULL},
    {"millimeters", W_CALIBER, 0, NULL},
    {"millimetre", W_CALIBER, 0, NULL},
    {"millimetres", W_CALIBER, 0, NULL},
    {"million", W_SCALE, 1000000, NULL},
    {"millions", W_VAGUE, 1000000, NULL},
    {"millionth", W_FRAC, 1000000, NULL},
    {"millionths", W_FRAC | W_FRAC_PL, 1000000, NULL},
    {"minimum", W_QUAL, 0, NULL},
    {"minus", W_NEG, 0, NULL},
    {"mio", W_SCALE, 1000000, NULL},
    {"mk", W_LABEL, 0, NULL},
    {"mln", W_SCALE, 1000000, NULL},
    {"mm", W_CALIBER, 0, NULL},
    {"mm-caliber", W_CALIBER, 0, NULL},
    {"mn", W_SCALE, 1000000, NULL},
    {"model", W_LABEL, 0, NULL},
    {"more", W_QUAL, 0, NULL},
    {"msk", W_TIME, 0, NULL},
    {"naught", W_UNIT, 0, NULL},
    {"nd", W_ORDSUF, 0, NULL},
    {"nearly", W_QUAL, 0, NULL},
    {"negative", W_NEG, 0, NULL},
    {"nine", W_UNIT, 9.0, NULL},
    {"nineteen", W_UNIT, 19.0, NULL},
    {"ninety", W_TENS, 90.0, NULL},
    {"ninth", W_FRAC, 9.0, NULL},
    {"ninths", W_FRAC | W_FRAC_PL, 9.0, NULL},
    {"no", W_LABEL | W_QUAL, 0, NULL},
    {"nok", W_CUR | W_CUR_CODE, 0, "NOK"},
    {"nos", W_LABEL, 0, NULL},
    {"not", W_QUAL, 0, NULL},
    {"nought", W_UNIT, 0, NULL},
    {"nov", W_MONTH, 0, NULL},
    {"november", W_MONTH, 0, NULL},
    {"nr", W_LABEL, 0, NULL},
    {"nrs", W_LABEL, 0, NULL},
    {"o'clock", W_TIME, 0, NULL},
    {"oct", W_MONTH, 0, NULL},
    {"october", W_MONTH, 0, NULL},
    {"one", W_UNIT, 1.0, NULL},
    {"over", W_QUAL, 0, NULL},
    {"page", W_LABEL, 0, NULL},
    {"paragraph", W_LABEL, 0, NULL},
    {"part", W_LABEL, 0, NULL},
    {"pct", W_PCT, 0, NULL},
    {"pence", W_CUR, 0, "GBX"},
    {"penny", W_CUR, 0, "GBX"},
    {"per", 0, 0, NULL}, /* "per cent": a candidate for the scanner */
    {"per-cent", W_PCT, 0, NULL},
    {"percent", W_PCT, 0, NULL},
    {"percentage", W_UNIT_PCT, 0, NULL},
    {"percents", W_PCT, 0, NULL},
    {"peseta", W_CUR, 0, "ESP"},
    {"pesetas", W_CUR, 0, "ESP"},
    {"peso", W_CUR, 0, "MXN"},
    {"pesos", W_CUR, 0, "MXN"},
    {"phase", W_LABEL, 0, NULL},
    {"pier", W_LABEL, 0, NULL},
    {"pm", W_TIME, 0, NULL},
    {"point", W_POINT, 0, NULL},
    {"pound", W_CUR, 0, "GBP"},
    {"pounds", W_CUR, 0, "GBP"},
    {"pp", W_LABEL, 0, NULL},
    {"pst", W_TIME, 0, NULL},
    {"quarter", W_FRAC, 4.0, NULL},
    {"quarters", W_FRAC | W_FRAC_PL, 4.0, NULL},
    {"rand", W_CUR, 0, "ZAR"},
    {"rd", W_ORDSUF, 0, NULL},
    {"regiment", W_LABEL, 0, NULL},
    {"region", W_LABEL, 0, NULL},
    {"renminbi", W_CUR, 0, "CNY"},
    {"resolution", W_LABEL, 0, NULL},
    {"rial", W_CUR, 0, "IRR"},
    {"rials", W_CUR, 0, "IRR"},
    {"ringgit", W_CUR, 0, "MYR"},
    {"riyal", W_CUR, 0, "SAR"},
    {"riyals", W_CUR, 0, "SAR"},
    {"rmb", W_CUR | W_CUR_CODE, 0, "CNY"},
    {"road", W_LABEL, 0, NULL},
    {"room", W_LABEL, 0, NULL},
    {"rouble", W_CUR, 0, "RUB"},
    {"roubles", W_CUR, 0, "RUB"},
    {"roughly", W_QUAL, 0, NULL},
    {"route", W_LABEL, 0, NULL},
    {"rub", W_CUR | W_CUR_CODE, 0, "RUB"},
    {"ruble", W_CUR, 0, "RUB"},
    {"rubles", W_CUR, 0, "RUB"},
    {"rule", W_LABEL, 0, NULL},
    {"rupee", W_CUR, 0, "INR"},
    {"rupees", W_CUR, 0, "INR"},
    {"scores", W_VAGUE, 20.0, NULL},
    {"season", W_LABEL, 0, NULL},
    {"second", W_ORD, 2.0, NULL},
    {"seconds", W_ORD, 2.0, NULL},
    {"section", W_LABEL, 0, NULL},
    {"sector", W_LABEL, 0, NULL},
    {"sek", W_CUR | W_CUR_CODE, 0, "SEK"},
    {"sep", W_MONTH, 0, NULL},
    {"sept", W_MONTH, 0, NULL},
    {"september", W_MONTH, 0, NULL},
    {"series", W_LABEL, 0, NULL},
    {"seven", W_UNIT, 7.0, NULL},
    {"seventeen", W_UNIT, 17.0, NULL},
    {"seventh", W_FRAC, 7.0, NULL},
    {"sevenths", W_FRAC | W_FRAC_PL, 7.0, NULL},
    {"seventy", W_TENS, 70.0, NULL},
    {"several", W_SEVERAL, 0, NULL},
    {"shekel", W_CUR, 0, "ILS"},
    {"shekels", W_CUR, 0, "ILS"},
    {"six", W_UNIT, 6.0, NULL},
    {"sixteen", W_UNIT, 16.0, NULL},
    {"sixth", W_FRAC, 6.0, NULL},
    {"sixths", W_FRAC | W_FRAC_PL, 6.0, NULL},
    {"sixty", W_TENS, 60.0, NULL},
    {"smaller", W_QUAL, 0, NULL},
    {"some", W_QUAL, 0, NULL},
    {"squadron", W_LABEL, 0, NULL},
    {"st", W_ORDSUF, 0, NULL},
    {"stage", W_LABEL, 0, NULL},
    {"step", W_LABEL, 0, NULL},
    {"sterling", W_CUR, 0, "GBP"},
    {"street", W_LABEL, 0, NULL},
    {"table", W_LABEL, 0, NULL},
    {"ten", W_UNIT, 10.0, NULL},
    {"tens", W_VAGUE, 10.0, NULL},
    {"tenth", W_FRAC, 10.0, NULL},
    {"tenths", W_FRAC | W_FRAC_PL, 10.0, NULL},
    {"terminal", W_LABEL, 0, NULL},
    {"th", W_ORDSUF, 0, NULL},
    {"third", W_FRAC, 3.0, NULL},
    {"thirds", W_FRAC | W_FRAC_PL, 3.0, NULL},
    {"thirteen", W_UNIT, 13.0, NULL},
    {"thirty", W_TENS, 30.0, NULL},
    {"thousand", W_SCALE, 1000.0, NULL},
    {"thousands", W_VAGUE, 1000.0, NULL},
    {"thousandth", W_FRAC, 1000.0, NULL},
    {"thousandths", W_FRAC | W_FRAC_PL, 1000.0, NULL},
    {"three", W_UNIT, 3.0, NULL},
    {"tier", W_LABEL, 0, NULL},
    {"title", W_LABEL, 0, NULL},
    {"tln", W_SCALE, 1000000000000, NULL},
    {"tn", W_SCALE, 1000000000000, NULL},
    {"trillion", W_SCALE, 1000000000000, NULL},
    {"trillions", W_VAGUE, 1000000000000, NULL},
    {"trillionth", W_FRAC, 1000000000000, NULL},
    {"trillionths", W_FRAC | W_FRAC_PL, 1000000000000, NULL},
    {"trn", W_SCALE, 1000000000000, NULL},
    {"twelve", W_UNIT, 12.0, NULL},
    {"twenty", W_TENS, 20.0, NULL},
    {"two", W_UNIT, 2.0, NULL},
    {"type", W_LABEL, 0, NULL},
    {"uah", W_CUR | W_CUR_CODE, 0, "UAH"},
    {"under", W_QUAL, 0, NULL},
    {"unit", W_LABEL, 0, NULL},
    {"up", W_QUAL, 0, NULL},
    {"upwards", W_QUAL, 0, NULL},
    {"usd", W_CUR | W_CUR_CODE, 0, "USD"},
    {"utc", W_TIME, 0, NULL},
    {"version", W_LABEL, 0, NULL},
    {"vol", W_LABEL, 0, NULL},
    {"well", W_QUAL, 0, NULL},
    {"won", W_CUR, 0, "KRW"},
    {"yen", W_CUR, 0, "JPY"},
    {"yuan", W_CUR, 0, "CNY"},
    {"zero", W_UNIT, 0, NULL},
    {"zloty", W_CUR, 0, "PLN"},
    {"zone", W_LABEL, 0, NULL},

};

enum { LEX_COUNT = sizeof lexicon / sizeof lexicon[0], LEX_MAXLEN = 16 };

const lex_entry *lex_at(int i)
{
    return &lexicon[i];
}

int lex_count(void)
{
    return LEX_COUNT;
}

int lex_find(const char *s, size_t n)
{
    char low[LEX_MAXLEN + 1];
    if (n == 0 || n > LEX_MAXLEN)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* Typographic apostrophe (U+2019) never occurs in the lexicon's words but
         * "o’clock"; fold it to ASCII so the one entry serves both. */
        if (c >= 0x80)
            return -1;
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    low[n] = '\0';
    int lo = 0, hi = LEX_COUNT - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int cmp = strcmp(low, lexicon[mid].word);
        if (cmp == 0)
            return mid;
        if (cmp < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

static bool is_word(const char *text, const tok *t, const char *w)
{
    size_t n = strlen(w);
    if (t->type != TK_WORD || t->end - t->start != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[t->start + i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        if (c != (unsigned char)w[i])
            return false;
    }
    return true;
}

static bool is_hyphen(const tok *t)
{
    return t->type == TK_PUNCT && (t->cp == '-' || t->cp == 0x2010 || t->cp == 0x2011);
}

/* Advances over a hyphen joining two number words ("twenty-five", "fifty - two"). */
static size_t skip_join(const tok *t, size_t n, size_t j, uint32_t next_roles)
{
    if (j + 1 < n && is_hyphen(&t[j]) && t[j].sp <= SP_SPACE && t[j + 1].sp <= SP_SPACE &&
        tok_has(&t[j + 1], next_roles))
        return j + 1;
    return j;
}

static double role_value(const tok *t)
{
    return lex_at(t->lex)->value;
}

/* A word boundary that a number phrase may cross: same line at most. */
static bool joined(const tok *t)
{
    return t->sp <= SP_LINE;
}

/* Parses cardinal words from t[j]: "one hundred and twenty", "two thousand",
 * "twenty-one trillion three hundred", "three dozens". Stops before an "and"
 * that introduces a fraction ("one hundred and three quarters"). */
static bool cardinal(const char *text, const tok *t, size_t n, size_t j, double *value,
                     size_t *next)
{
    double total = 0, cur = 0, last_scale = 0;
    bool any = false;
    uint32_t prev = 0;
    size_t k = j;
    while (k < n && (k == j || joined(&t[k]))) {
        const tok *w = &t[k];
        if (tok_has(w, W_UNIT)) {
            if (prev & (W_UNIT | W_FRAC))
                break;
            if ((prev & W_TENS) && role_value(w) >= 10)
                break;
            cur += role_value(w);
            prev = W_UNIT;
        } else if (tok_has(w, W_TENS)) {
            if (prev & (W_UNIT | W_TENS))
                break;
            cur += role_value(w);
            prev = W_TENS;
            size_t h = skip_join(t, n, k + 1, W_UNIT);
            if (h != k + 1) {
                k = h;
                continue;
            }
        } else if (tok_has(w, W_HUNDRED) && (prev & (W_UNIT | W_TENS))) {
            cur = cur * 100;
            prev = W_HUNDRED;
        } else if (tok_has(w, W_SCALE) && (prev & (W_UNIT | W_TENS | W_HUNDRED)) &&
                   w->end - w->start > 3) {
            double s = role_value(w);
            if (last_scale != 0 && s >= last_scale)
                break;
            total += cur * s;
            cur = 0;
            last_scale = s;
            prev = W_SCALE;
        } else if (tok_has(w, W_DOZEN) && (prev & (W_UNIT | W_TENS | W_HUNDRED)) &&
                   !is_word(text, w, "dozen")) {
            /* "three dozens": the last group is counted in dozens. */
            double group = cur;
            double hundreds = (double)(long long)(group / 100) * 100;
            cur = hundreds + (group - hundreds) * 12;
            prev = W_DOZEN;
        } else if (tok_has(w, W_DOZEN) && (prev & (W_UNIT | W_TENS))) {
            cur *= 12; /* "two dozen" */
            prev = W_DOZEN;
        } else if (is_word(text, w, "and") && (prev & (W_HUNDRED | W_SCALE)) && k + 1 < n &&
                   tok_has(&t[k + 1], W_UNIT | W_TENS)) {
            /* "and" followed by a fraction ("and three quarters") is not ours. */
            size_t f = k + 2;
            if (f < n && tok_has(&t[k + 1], W_TENS))
                f = skip_join(t, n, f, W_UNIT) + (f < n && is_hyphen(&t[f]) ? 1 : 0);
            if (f < n && tok_has(&t[f], W_FRAC) && !tok_has(&t[f], W_UNIT))
                break;
            prev = 0;
            k++;
            continue;
        } else {
            break;
        }
        any = true;
        k++;
        /* "one-thousand", "twenty-five": a hyphen between number words. */
        size_t h = skip_join(t, n, k, W_UNIT | W_TENS | W_HUNDRED | W_SCALE);
        if (h != k)
            k = h;
    }
    /* A trailing hyphen or "and" that led nowhere is not part of the number. */
    while (k > j && (is_word(text, &t[k - 1], "and") || is_hyphen(&t[k - 1])))
        k--;
    if (!any)
        return false;
    *value = total + cur;
    *next = k;
    return true;
}

/* The denominator at t[k]: "thirds", "quarter", "half", or a compound
 * ordinal "twenty-fifth", "twenty firsts". Returns 0 when there is none. */
static double denominator(const tok *t, size_t n, size_t k, size_t *next)
{
    if (k >= n)
        return 0;
    if (tok_has(&t[k], W_TENS) && k + 1 < n) {
        size_t u = k + 1;
        if (is_hyphen(&t[u]) && u + 1 < n)
            u++;
        if (joined(&t[u]) && (tok_has(&t[u], W_ORD) || tok_has(&t[u], W_FRAC)) &&
            role_value(&t[u]) < 10 && t[u].end - t[u].start >= 5 && !tok_has(&t[u], W_UNIT)) {
            *next = u + 1;
            return role_value(&t[k]) + role_value(&t[u]);
        }
        return 0;
    }
    if (tok_has(&t[k], W_FRAC) && !tok_has(&t[k], W_UNIT | W_TENS)) {
        *next = k + 1;
        return role_value(&t[k]);
    }
    return 0;
}

/* A fraction word after a numerator: "thirds", "quarter", "half". */
static bool fraction_word(const tok *t, size_t n, size_t k, double numerator, double *value,
                          size_t *next)
{
    if (k >= n || !joined(&t[k]))
        return false;
    size_t f = k;
    if (is_hyphen(&t[f]) && f + 1 < n)
        f++;
    double d = denominator(t, n, f, next);
    if (d == 0)
        return false;
    *value = numerator / d;
    return true;
}

/* "point five", "point zero three", "point seventy-one". */
static bool decimal_words(const char *text, const tok *t, size_t n, size_t k, double *frac,
                          size_t *next)
{
    if (k + 1 >= n || !tok_has(&t[k], W_POINT) || !joined(&t[k + 1]))
        return false;
    double digits = 0, scale = 1;
    size_t j = k + 1;
    while (j < n && joined(&t[j]) && tok_has(&t[j], W_UNIT) && role_value(&t[j]) < 10) {
        digits = digits * 10 + role_value(&t[j]);
        scale *= 10;
        j++;
    }
    if (j == k + 1) {
        double v;
        size_t e;
        if (!cardinal(text, t, n, j, &v, &e))
            return false;
        while (scale <= v)
            scale *= 10;
        digits = v;
        j = e;
    }
    *frac = digits / scale;
    *next = j;
    return true;
}

/* After a value: an optional scale word ("one and a half million"). */
static size_t trailing_scale(const tok *t, size_t n, size_t k, double *value)
{
    if (k < n && joined(&t[k]) && tok_has(&t[k], W_SCALE) && t[k].end - t[k].start > 3) {
        *value *= role_value(&t[k]);
        return k + 1;
    }
    return k;
}

bool numword_parse(const char *text, const tok *t, size_t n, size_t i, spelled *out)
{
    out->about = false;
    if (i >= n || t[i].type != TK_WORD || t[i].lex < 0)
        return false;
    const tok *w = &t[i];
    double v;
    size_t k;

    /* "half a million", "half a dozen" */
    if (is_word(text, w, "half") && i + 2 < n && tok_has(&t[i + 1], W_A) &&
        tok_has(&t[i + 2], W_SCALE | W_DOZEN | W_HUNDRED) && !tok_has(&t[i + 2], W_VAGUE) &&
        joined(&t[i + 1]) && joined(&t[i + 2])) {
        out->value = 0.5 * role_value(&t[i + 2]);
        out->next = i + 3;
        return true;
    }
    /* "half" alone ("more than half"), but not "half a" nor "half-hearted" */
    if (is_word(text, w, "half") &&
        !(i + 1 < n && joined(&t[i + 1]) && (tok_has(&t[i + 1], W_A) || is_hyphen(&t[i + 1])))) {
        out->value = 0.5;
        out->next = i + 1;
        return true;
    }
    if (tok_has(w, W_A) && i + 1 < n && joined(&t[i + 1])) {
        const tok *x = &t[i + 1];
        /* "a dozen" is 12, "about" by CLAIMS.md */
        if (is_word(text, x, "dozen")) {
            out->value = 12;
            out->about = true;
            out->next = i + 2;
            return true;
        }
        /* "a hundred", "a million", "a thousand and five" */
        if (tok_has(x, W_HUNDRED) || (tok_has(x, W_SCALE) && x->end - x->start > 3)) {
            double rest = 0;
            size_t e = i + 2;
            v = role_value(x);
            /* "a hundred thousand" */
            if (tok_has(x, W_HUNDRED) && e < n && joined(&t[e]) && tok_has(&t[e], W_SCALE) &&
                t[e].end - t[e].start > 3) {
                v *= role_value(&t[e]);
                e++;
            }
            if (e + 1 < n && is_word(text, &t[e], "and") &&
                cardinal(text, t, n, e + 1, &rest, &k) && rest < v) {
                v += rest;
                e = k;
            }
            /* "a hundred trillionths" */
            double f;
            if (fraction_word(t, n, e, v, &f, &k)) {
                v = f;
                e = k;
            }
            out->value = v;
            out->next = e;
            return true;
        }
        /* "a twenty-first" */
        if (tok_has(x, W_TENS)) {
            double d = denominator(t, n, i + 1, &k);
            if (d == 0)
                return false;
            out->value = 1 / d;
            out->next = k;
            return true;
        }
        /* "a quarter", "a third", "a half", "a quarter of a million" */
        if (tok_has(x, W_FRAC) && !tok_has(x, W_FRAC_PL) && !tok_has(x, W_UNIT)) {
            v = 1 / role_value(x);
            k = i + 2;
            if (k + 2 < n && is_word(text, &t[k], "of") && tok_has(&t[k + 1], W_A) &&
                tok_has(&t[k + 2], W_SCALE) && t[k + 2].end - t[k + 2].start > 3) {
                v *= role_value(&t[k + 2]);
                k += 3;
            } else {
                k = trailing_scale(t, n, k, &v);
            }
            out->value = v;
            out->next = k;
            return true;
        }
        return false;
    }
    if (!cardinal(text, t, n, i, &v, &k))
        return false;
    /* "two thirds", "one-eighth" */
    double f;
    size_t e;
    if (fraction_word(t, n, k, v, &f, &e)) {
        out->value = f;
        out->next = e;
        return true;
    }
    /* "one and a half (million)", "twenty and three fifths" */
    if (k + 2 < n && is_word(text, &t[k], "and") && joined(&t[k + 1])) {
        double num = 0;
        size_t m = k + 1;
        bool ok = false;
        if (tok_has(&t[m], W_A)) {
            num = 1;
            ok = true;
            m++;
        } else {
            ok = cardinal(text, t, n, m, &num, &m);
        }
        if (ok && fraction_word(t, n, m, num, &f, &e)) {
            v += f;
            out->value = v;
            out->next = trailing_scale(t, n, e, &out->value);
            return true;
        }
    }
    /* "five point five" */
    if (decimal_words(text, t, n, k, &f, &e)) {
        out->value = v + f;
        out->next = trailing_scale(t, n, e, &out->value);
        return true;
    }
    out->value = v;
    out->next = k;
    return true;
}
