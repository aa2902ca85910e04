/* tally: CSV fields (RFC 4180), for every CSV the command line writes. Text
 * that a spreadsheet would run as a formula is neutralised here, once: a
 * CSV of claims carries names, titles and notes from documents anyone may
 * have written. */
#include "tally/present.h"

#include <math.h>
#include <string.h>

#include "tally/err.h"
#include "tally/json.h"

/* OWASP's list ("CSV Injection"): a cell starting with one of these is a
 * formula to Excel, LibreOffice and Google Sheets. */
static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void tally_present_csv_text(tally_buf *b, const char *s, size_t n)
{
    if (s == NULL || n == 0)
        return;
    bool formula = formula_start(s[0]);
    bool quote = formula;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        tally_json_raw_n(b, s, n);
        return;
    }
    /* the apostrophe inside the quotes: the cell shows the text as it is */
    tally_json_raw_n(b, formula ? "\"'" : "\"", formula ? 2 : 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"')
            continue;
        tally_json_raw_n(b, s + run, i + 1 - run);
        tally_json_raw_n(b, "\"", 1);
        run = i + 1;
    }
    tally_json_raw_n(b, s + run, n - run);
    tally_json_raw_n(b, "\"", 1);
}

void tally_present_csv_str(tally_buf *b, const char *s)
{
    if (s != NULL)
        tally_present_csv_text(b, s, strlen(s));
}

void tally_present_csv_num(tally_buf *b, double v)
{
    if (!isfinite(v)) {
        b->err = TALLY_EINPUT; /* no spreadsheet reads "nan" as what it is */
        return;
    }
    tally_json_num(b, v); /* the same digits as JSON: a number, never a formula */
}
