/* Private to the actor matcher (actor.c) and its tests: the ISO 3166-1 table
 * compiled in at build time (tools/gen_actors.c, iso-codes, data/actors.tsv).
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#ifndef TALLY_ACTOR_PRIV_H
#define TALLY_ACTOR_PRIV_H

#include <stddef.h>

#include "tally/actor.h"

/* One ISO 3166-1 country as Debian's iso-codes names it. */
typedef struct actor_iso {
    char alpha3[4];            /* "PRK" */
    const char *name;          /* "Korea, Democratic People's Republic of" */
    const char *common_name;   /* "North Korea", or NULL */
    const char *official_name; /* "Democratic People's Republic of Korea", or NULL */
} actor_iso;

/* The countries sorted by alpha-3; sets `*n`. Static, never freed. */
const actor_iso *actor_iso_table(size_t *n);

/* Sizes of the compiled tables: actors (entries), aliases (names matched). */
size_t actor_count(void);
size_t actor_alias_count(void);

#endif
