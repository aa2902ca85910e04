/* tally bench: writes a synthetic database of N claims through the store's
 * own API, for timing queries (make bench). The mix is skewed like the real
 * record: most claims are North Korea -> Russia, then Russia -> North Korea,
 * Iran -> Russia and China -> Russia, the rest spread over other pairs.
 * Usage: tally_gendb DB [CLAIMS]   (default 1,000,000; DB must not exist) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tally/store.h"

enum { CLAIMS_PER_DOC = 50, N_SOURCES = 2000 };

static uint64_t rng = 0x9E3779B97F4A7C15u;

/* xorshift64*: fixed seed, the same database every run */
static uint32_t next(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717u) >> 33) % n;
}

static const char *const states[] = {"PRK", "RUS", "IRN", "CHN", "BLR", "UKR",
                                     "USA", "KOR", "SYR", "IND", "TUR", "KAZ"};
enum { N_STATES = sizeof states / sizeof states[0] };

static void pick_pair(const char **sup, const char **rec)
{
    uint32_t r = next(100);
    if (r < 40) {
        *sup = "PRK", *rec = "RUS";
    } else if (r < 55) {
        *sup = "RUS", *rec = "PRK";
    } else if (r < 70) {
        *sup = "IRN", *rec = "RUS";
    } else if (r < 80) {
        *sup = "CHN", *rec = "RUS";
    } else {
        *sup = states[next(N_STATES)];
        do
            *rec = states[next(N_STATES)];
        while (*rec == *sup);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: tally_gendb DB [CLAIMS]\n");
        return 2;
    }
    long total = argc == 3 ? strtol(argv[2], NULL, 10) : 1000000;
    struct stat st;
    if (total <= 0 || stat(argv[1], &st) == 0) {
        fprintf(stderr, "tally_gendb: %s exists or bad count\n", argv[1]);
        return 2;
    }
    tally_store *s;
    tally_err err = {0};
    if (tally_store_open(argv[1], TALLY_STORE_WRITE, &s, &err) != 0 ||
        tally_store_begin(s, &err) != 0) {
        fprintf(stderr, "tally_gendb: %s\n", err.msg);
        return 1;
    }
    char body[CLAIMS_PER_DOC * 96], key[96], name[32], date[48], sources[N_SOURCES][32];
    for (int i = 0; i < N_SOURCES; i++)
        snprintf(sources[i], sizeof sources[i], "Source %04d", i);
    size_t starts[CLAIMS_PER_DOC], ends[CLAIMS_PER_DOC];
    long made = 0;
    for (long d = 0; made < total; d++) {
        /* the document: one sentence a claim */
        size_t n = 0;
        for (int k = 0; k < CLAIMS_PER_DOC; k++) {
            starts[k] = n;
            n += (size_t)snprintf(body + n, sizeof body - n,
                                  "Sentence %d of document %ld says that %u units were sent. ", k,
                                  d, next(100000) + 1);
            ends[k] = n - 1;
        }
        int day = (int)next(1050); /* 2022-02 .. 2024-12 */
        snprintf(date, sizeof date, "%04d-%02d-%02d", 2022 + (day + 31) / 365,
                 (day + 31) % 365 / 31 + 1, day % 28 + 1);
        snprintf(key, sizeof key, "https://example.org/bench/%ld", d);
        snprintf(name, sizeof name, "doc-%06ld", d);
        tally_store_doc doc = {.key = key,
                               .name = name,
                               .url = key,
                               .date = date,
                               .hash = key,
                               .body = body,
                               .body_len = n};
        int64_t id;
        if (tally_store_put_doc(s, &doc, &id, &err) != 0)
            break;
        for (int k = 0; k < CLAIMS_PER_DOC && made < total; k++, made++) {
            const char *sup, *rec;
            pick_pair(&sup, &rec);
            tally_claim c = {0};
            uint32_t kr = next(100);
            c.kind = kr < 50   ? TALLY_KIND_TRANSFER
                     : kr < 60 ? TALLY_KIND_EQUIVALENCE
                     : kr < 70 ? TALLY_KIND_PLANNED
                               : (tally_kind)next(TALLY_KIND_FINANCIAL + 1);
            strcpy(c.supplier, sup);
            strcpy(c.recipient, rec);
            c.items = 1u << next(TALLY_ITEM_COUNT);
            c.unit = (tally_unit)next(TALLY_UNIT_ITEM + 1);
            if (c.unit == TALLY_UNIT_MONEY)
                strcpy(c.currency, "USD");
            c.has_low = true;
            c.low = next(100000) + 1;
            c.qualifier = (tally_qualifier)next(TALLY_Q_LESS_THAN + 1);
            if (next(5) != 0) {
                int ad = (int)next(1050);
                c.as_of = (tally_date){2022 + (ad + 31) / 365, (ad + 31) % 365 / 31 + 1, 0};
            }
            c.source = sources[next(N_SOURCES)];
            memcpy(c.source_country, states[next(N_STATES)], 4);
            c.sentence_start = starts[k];
            c.sentence_end = ends[k];
            c.start = starts[k];
            c.end = starts[k] + 8;
            if (tally_store_put_claim(s, id, &c, body + c.start, date, NULL, &err) != 0)
                break;
        }
        if (err.code != 0)
            break;
    }
    if (err.code == 0 && (tally_store_commit(s, &err) != 0 || tally_store_analyze(s, &err) != 0))
        made = 0;
    tally_store_close(s);
    if (err.code != 0) {
        fprintf(stderr, "tally_gendb: %s\n", err.msg);
        return 1;
    }
    printf("%ld claims\n", made);
    return 0;
}
