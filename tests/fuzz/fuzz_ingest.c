/* Fuzz target: bytes ingested as one document (header, reading, extraction,
 * storing) into a fresh in-memory store, then read back: every claim's
 * sentence must come back from the stored body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ingest.h"
#include "tally/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static int check_row(const tally_claim_row *r, void *user)
{
    size_t *count = user;
    (*count)++;
    if (r->sentence == NULL || r->text == NULL)
        abort(); /* an extracted claim has both */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    tally_store *s;
    tally_err err = {0};
    if (tally_store_open(":memory:", TALLY_STORE_WRITE, &s, &err) != 0 ||
        tally_store_begin(s, &err) != 0)
        abort();
    tally_ingest_input in = {.data = (const char *)d, .len = n, .name = "fuzz", .origin = "fuzz"};
    tally_ingest_result res;
    if (tally_ingest(s, &in, &res, &err) == 0) {
        if (tally_store_commit(s, &err) != 0)
            abort();
        tally_claim_filter all = {0};
        size_t count = 0;
        if (tally_store_claims(s, &all, check_row, &count, &err) != 0 || count != res.claims)
            abort();
    }
    tally_store_close(s);
    return 0;
}
