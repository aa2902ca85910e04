/* Private to the segmenter and its tests: what the segmenter calls white
 * space, so that the tests check its sentences against the same rule.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#ifndef TALLY_SEGMENT_PRIV_H
#define TALLY_SEGMENT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

/** True for ASCII white space, U+0085 and the Unicode space separators
 *  (Zs, Zl, Zp). */
bool segment_is_space(int32_t c);

#endif
