/* tally: the page of terms and method (tally serve's /method, the report's
 * last section): what each word the dashboard and the report use means,
 * the grades and conversion factors in force (from the model, so an edited
 * --grades or --factors file shows), and how an estimate is made.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tally/json.h"
#include "tally/number.h"

static void put(tally_buf *b, const char *s)
{
    tally_json_raw(b, s);
}

static void esc(tally_buf *b, const char *s)
{
    (void)tally_present_html(b, s, strlen(s));
}

static void grades_table(tally_buf *b, const tally_model *m);
static void factors_table(tally_buf *b, const tally_model *m);

/* A term: its id (what pages link to, "/method#cluster"), its words (HTML
 * of our own, no data in it) and the model's table that goes with it. */
typedef struct term {
    const char *id, *name, *html;
    void (*table)(tally_buf *b, const tally_model *m);
} term;

static const term terms[] = {
    {"claim", "claim",
     "One figure a document states about what one state gave another: what, how much (with "
     "its qualifier: exact, about, more than, up to, a range), from whom to whom, who says so, "
     "since when and as of when, and whether it is hedged (&ldquo;reportedly&rdquo;, "
     "&ldquo;could&rdquo;). Each claim keeps the sentence and the document it came from.",
     NULL},
    {"source", "source",
     "Who asserts a figure: a ministry, an intelligence service, an official, a think tank, an "
     "outlet reporting on its own, or the article's author when nobody else is named. A name "
     "is resolved to the body it stands for (a minister for the ministry, while in office), so "
     "one body with two names counts once.",
     NULL},
    {"grade", "grade",
     "How reliable a kind of source usually is, on the A&ndash;F scale of the Admiralty code. "
     "A claim's source gets its grade from its kind and country (the rules below); the grade "
     "sets how far that source's figures may be off together (its bias), so a well-graded "
     "source pulls the estimate harder and wins a conflict with a worse-graded one. The grades "
     "are working values, not findings: pass <code>--grades FILE</code> to use your own.",
     grades_table},
    {"echo", "echo",
     "A later claim that restates an earlier one: the same source, or an unnamed relay of it "
     "(&ldquo;according to Seoul&rdquo;), the same figure within rounding, the same unit, items "
     "and period. Outlets echo each other; one original claim can appear in twenty "
     "articles.",
     NULL},
    {"cluster", "cluster",
     "One original claim with all its echoes. The estimate counts each cluster once, through "
     "its lead claim, however many outlets repeat it; &ldquo;&times;3&rdquo; on a chart marks a "
     "cluster of three claims.",
     NULL},
    {"independent", "independent sources",
     "The sources behind a series, told apart as the estimate tells them: one identity, one "
     "bias. Two ministers of one ministry are one source.",
     NULL},
    {"point", "point",
     "A figure given as a value (&ldquo;about 6,700 containers&rdquo;). Its own error comes "
     "from its wording: exact figures are taken as close, &ldquo;about&rdquo; as looser, and a "
     "hedged figure looser still.",
     NULL},
    {"lower-bound", "lower bound",
     "&ldquo;More than&rdquo; or &ldquo;at least&rdquo; a figure: the total had reached it by "
     "its date, and the estimate never goes below it afterwards, unless a better-graded source "
     "contradicts it (then tally says which it followed).",
     NULL},
    {"upper-bound", "upper bound",
     "&ldquo;Up to&rdquo; or &ldquo;less than&rdquo; a figure: the total had not passed it by "
     "its date, nor at any earlier date.",
     NULL},
    {"range", "range",
     "Both ends given (&ldquo;7,000&ndash;9,000 containers&rdquo;): the total lies between "
     "them, any value as likely as another on a log scale.",
     NULL},
    {"equivalence", "equivalence",
     "A figure restated in another unit by whoever gives it: &ldquo;10,000 containers, which "
     "could hold 3 million rounds&rdquo;. An equivalence a source made of its own count stands "
     "for that count; one paired with someone else's count is a contradiction (a "
     "misattribution).",
     NULL},
    {"conversion", "conversion",
     "To put counts in one unit, tally converts them with explicit factors, each with its "
     "source (the table below): the converting source's own range when it has one, else the "
     "model's. A converted point carries its factor range (&ldquo;&times; 250&ndash;500 rounds "
     "a container&rdquo;), which widens its band.",
     factors_table},
    {"series", "series",
     "What one state sent another of one item, in one unit, as a running total over time.", NULL},
    {"estimate", "estimate, median",
     "The estimate of a series at a date is a distribution over the total, drawn many times "
     "(Monte Carlo) from every cluster with its error, its source's bias and the bounds. The "
     "median is its middle value: as likely to be too high as too low.",
     NULL},
    {"interval", "50 % and 90 % intervals",
     "The ranges that hold the true total with probability one half and nine tenths, if the "
     "model's assumptions hold. How often they did hold is measured: on synthetic series by the "
     "calibration test, on the public record by <code>tally backtest</code>.",
     NULL},
    {"extrapolated", "extrapolated",
     "After the last evidence a series goes on at its recent rate, with a band that widens "
     "with time; those dates are marked extrapolated (a dashed line, italics in tables). An "
     "extrapolated figure is a projection, not a report.",
     NULL},
    {"known-by", "known by",
     "Every view can be restricted to the claims stated by a date: what an analyst could have "
     "known then. The estimate is remade from those claims alone.",
     NULL},
    {"contradiction", "contradiction",
     "Claims that cannot all be true: a running total that falls below an earlier lower bound "
     "or rises above a later upper bound; a conversion that does not fit the count it restates; "
     "a conversion paired with another source's count; a range written backwards. Each is "
     "said in words, with what the estimate follows and why.",
     NULL},
    {"rank", "rank and its odds",
     "Partners compared by what they give, priced in one currency with sourced price ranges: "
     "the share of draws in which each partner comes first, second and so on.",
     NULL},
};

/* The units of the model and what one of each is. */
static const term units[] = {
    {"round", "round", "one artillery shell or rocket as fired (152 mm, 122 mm...)", NULL},
    {"container", "container",
     "one shipping container; what it holds depends on the item (see the factors)", NULL},
    {"missile", "missile", "one missile (ballistic or cruise)", NULL},
    {"rocket", "rocket", "one rocket (multiple-launch rocket systems)", NULL},
    {"drone", "drone", "one uncrewed aircraft (Shahed-type and others)", NULL},
    {"vehicle", "vehicle", "one vehicle (tanks, armoured vehicles, trucks, aircraft)", NULL},
    {"item", "item", "one system, gun or piece of equipment counted as such", NULL},
    {"person", "person", "one person: troops, workers", NULL},
    {"tonne", "tonne", "a metric tonne", NULL},
    {"barrel", "barrel", "a barrel of oil (159 litres)", NULL},
    {"railcar", "railcar", "one railway wagon", NULL},
    {"trip", "trip", "one voyage or flight carrying support", NULL},
    {"ship", "ship", "one ship", NULL},
    {"percent", "percent", "a share of a whole (of the shells a state fires, of its imports...)",
     NULL},
    {"money", "money", "an amount in a currency, by its ISO 4217 code (USD, EUR, GBP...)", NULL},
};

static void grades_table(tally_buf *b, const tally_model *m)
{
    put(b, "<table class=\"grades\"><thead><tr><th>grade</th><th>meaning</th>"
           "<th>bias (log-scale deviation)</th></tr></thead><tbody>\n");
    for (int g = 0; g < 6; g++) {
        if (isnan(m->grade_sigma[g]))
            continue;
        char sigma[32];
        snprintf(sigma, sizeof sigma, "%.2f", m->grade_sigma[g]);
        tally_buf_printf(b, "<tr id=\"grade-%c\"><td>%c</td><td>", 'A' + g, 'A' + g);
        esc(b, m->grade_meaning[g]);
        put(b, "</td><td>");
        esc(b, sigma);
        put(b, "</td></tr>\n");
    }
    put(b, "</tbody></table>\n<p>Which sources get which grade (the first line that matches "
           "wins; * is any):</p>\n<table class=\"grade-rules\"><thead><tr><th>kind of source"
           "</th><th>country</th><th>grade</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < m->n_rules; i++) {
        const tally_grade_rule *r = &m->rules[i];
        put(b, "<tr><td>");
        esc(b, r->kind);
        put(b, "</td><td>");
        esc(b, r->country);
        tally_buf_printf(b, "</td><td><a href=\"#grade-%c\">%c</a></td></tr>\n", r->grade,
                         r->grade);
    }
    put(b, "</tbody></table>\n");
}

static bool is_web_url(const char *u)
{
    return strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0;
}

static void factors_table(tally_buf *b, const tally_model *m)
{
    put(b, "<table class=\"factors\"><thead><tr><th>from</th><th>to</th><th>item</th>"
           "<th>factor</th><th>whose</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < m->n_factors; i++) {
        const tally_factor *f = &m->factors[i];
        char lo[TALLY_NUM_TEXT_MAX], hi[TALLY_NUM_TEXT_MAX], item[48] = "";
        tally_num_text(f->low, lo, sizeof lo);
        tally_num_text(f->high, hi, sizeof hi);
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
            if (f->item & 1u << bit)
                snprintf(item, sizeof item, "%s", tally_item_name(bit));
        if (f->caliber_mm > 0)
            snprintf(item + strlen(item), sizeof item - strlen(item), " %.0f mm", f->caliber_mm);
        put(b, "<tr><td>1 ");
        esc(b, f->from);
        put(b, "</td><td>");
        esc(b, f->to);
        put(b, "</td><td>");
        esc(b, item);
        put(b, "</td><td>&times; ");
        esc(b, lo);
        if (f->high != f->low) {
            put(b, "&ndash;");
            esc(b, hi);
        }
        put(b, "</td><td>");
        if (is_web_url(f->url)) {
            put(b, "<a href=\"");
            esc(b, f->url);
            put(b, "\">");
        }
        esc(b, strcmp(f->source, "model") == 0 ? "the model (published estimates)" : f->source);
        if (is_web_url(f->url))
            put(b, "</a>");
        put(b, "</td></tr>\n");
    }
    put(b, "</tbody></table>\n");
}

/* Each of `v` as a <dt id="PREFIX-ID"> and its <dd>, with its table. */
static void definitions(tally_buf *b, const tally_model *m, const char *prefix, const term *v,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tally_buf_printf(b, "<dt id=\"%s-%s\">", prefix, v[i].id);
        esc(b, v[i].name);
        put(b, "</dt><dd>");
        put(b, v[i].html);
        if (v[i].table != NULL)
            v[i].table(b, m);
        put(b, "</dd>\n");
    }
}

void tally_present_method_html(tally_buf *b, const tally_model *m, bool standalone)
{
    if (standalone)
        put(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>tally: terms and method</title>"
               "<link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\n"
               "<body class=\"method\"><header><p><a href=\"/\">&larr; the dashboard</a></p>"
               "<h1>Terms and method</h1></header>\n<main>\n");
    put(b, "<section id=\"method\" aria-labelledby=\"h-terms\">\n");
    put(b, standalone ? "<h2 id=\"h-terms\">Terms</h2>\n"
                      : "<h2 id=\"h-terms\">Terms and method</h2>\n");
    put(b, "<dl class=\"terms\">\n");
    definitions(b, m, "term", terms, sizeof terms / sizeof terms[0]);
    put(b, "</dl>\n<h3 id=\"units\">Units</h3>\n<dl class=\"units\">\n");
    definitions(b, m, "unit", units, sizeof units / sizeof units[0]);
    put(b,
        "</dl>\n<h3 id=\"how\">How an estimate is made</h3>\n<ol class=\"how\">\n"
        "<li><b>Read and extract.</b> Each article is split into sentences; every figure in "
        "scope becomes a <a href=\"#term-claim\">claim</a> with its source, states, item, unit, "
        "qualifier and dates, decided by rules and by models learned from hand-annotated "
        "articles.</li>\n"
        "<li><b>Cluster.</b> <a href=\"#term-echo\">Echoes</a> of one original claim are grouped "
        "into "
        "a <a href=\"#term-cluster\">cluster</a>, counted once.</li>\n"
        "<li><b>Convert.</b> Counts in another unit are <a href=\"#term-conversion\">converted</a> "
        "with sourced factor ranges; launches are lower bounds on deliveries; plans, "
        "production, stocks and rates are left out of a running total.</li>\n"
        "<li><b>Reconcile.</b> The clusters are fitted as a running total that never falls, "
        "thousands of times over, each time drawing every figure within its error and every "
        "source's bias by its <a href=\"#term-grade\">grade</a>, respecting the "
        "<a href=\"#term-lower-bound\">bounds</a>. Where sources disagree more than their grades "
        "allow, every bias is widened, so the band shows the disagreement.</li>\n"
        "<li><b>Project.</b> After the last evidence the total goes on at the recent rate, "
        "<a href=\"#term-extrapolated\">extrapolated</a> with a widening band, wider still "
        "when the rate was read over only weeks of evidence (deliveries come in "
        "shipments).</li>\n"
        "<li><b>Check.</b> Claims that cannot all be true are listed as "
        "<a href=\"#term-contradiction\">contradictions</a>, with what the estimate "
        "followed.</li>\n"
        "</ol>\n<p>The full method, with the model's working values and how they were tested, "
        "is in the README (&ldquo;How estimates are made&rdquo;).</p>\n</section>\n");
    if (standalone)
        put(b, "</main></body></html>\n");
}
