/* Fuzz target: CSV text imported as curated claims or events (the header
 * chooses) into a fresh in-memory store (tally_import_csv: libcsv, the row
 * checks, the store). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tally/import.h"
#include "tally/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void ignore(const char *msg, void *user)
{
    (void)msg;
    (void)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    tally_store *s;
    tally_err err = {0};
    if (tally_store_open(":memory:", TALLY_STORE_WRITE, &s, &err) != 0)
        abort(); /* an in-memory database always opens */
    tally_import_stats st;
    if (tally_import_csv(s, (const char *)d, n, "fuzz", &st, ignore, NULL, &err) == 0 &&
        st.failed + st.claims + st.events != st.rows)
        abort(); /* every row is stored or reported */
    tally_store_close(s);
    return 0;
}
