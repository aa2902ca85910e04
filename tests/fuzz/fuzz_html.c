/* Fuzz target: a document read as HTML (see fuzz_doc.h). */
#include <stddef.h>
#include <stdint.h>

/* Small blocks, so that fuzzing reaches the cuts of long paragraphs. */
#define FUZZ_DOC_MAX_BLOCK 512
#include "fuzz_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_doc_run(d, n, TALLY_FORMAT_HTML);
}
