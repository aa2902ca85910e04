/* Fuzz target: the actor matcher (tally_actors_scan) on arbitrary valid
 * UTF-8. Aborts when a result breaks actor.h's contract: mentions in range,
 * not empty, on character boundaries, sorted and not overlapping, each with
 * an actor whose country is empty or an ISO code known to tally_country, a
 * state being that very entry. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/actor.h"
#include "tally/err.h"
#include "tally/mem.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool valid_actor(const tally_actor *a)
{
    if (a == NULL || a->name == NULL || a->name[0] == '\0')
        return false;
    if ((unsigned)a->kind > TALLY_ACTOR_THINK_TANK)
        return false;
    if (a->country[0] == '\0')
        return a->kind != TALLY_ACTOR_STATE;
    const tally_actor *state = tally_country(a->country);
    if (state == NULL)
        return false;
    return a->kind != TALLY_ACTOR_STATE || state == a;
}

static void check(const char *text, size_t n, const tally_actor_matches *m)
{
    if (m->n > 0 && m->v == NULL)
        abort();
    size_t prev_end = 0;
    for (size_t i = 0; i < m->n; i++) {
        const tally_actor_match *x = &m->v[i];
        fuzz_check_span(text, n, x->start, x->end, &prev_end);
        if (!valid_actor(x->actor))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_valid_utf8(data, size))
        return 0; /* the matcher's input is decoded text, always valid */
    char *text = fuzz_copy(data, size);
    tally_arena *a = tally_arena_new();
    tally_actor_matches m = {NULL, 0};
    tally_err err = {0};
    if (tally_actors_scan((tally_span){text, size}, &m, a, &err) != 0)
        abort(); /* documented to return 0 */
    check(text, size, &m);
    tally_arena_free(a);
    free(text);
    return 0;
}
