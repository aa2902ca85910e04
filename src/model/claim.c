/* tally: claim fields read back from their CLAIMS.md names. The names
 * themselves come from tally_kind_name and its siblings, so each table is
 * written once. */
#include "tally/claim.h"

#include <string.h>

int tally_kind_parse(const char *name)
{
    for (int k = TALLY_KIND_TRANSFER; k <= TALLY_KIND_FINANCIAL; k++)
        if (strcmp(name, tally_kind_name((tally_kind)k)) == 0)
            return k;
    return -1;
}

int tally_item_parse(const char *name)
{
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++)
        if (strcmp(name, tally_item_name(i)) == 0)
            return (int)i;
    return -1;
}

int tally_qualifier_parse(const char *name)
{
    for (int q = TALLY_Q_EXACT; q <= TALLY_Q_RANGE; q++)
        if (strcmp(name, tally_qualifier_name((tally_qualifier)q)) == 0)
            return q;
    return -1;
}

int tally_unit_parse(const char *name, tally_claim *c)
{
    tally_claim probe = {0};
    for (int u = TALLY_UNIT_CONTAINER; u <= TALLY_UNIT_ITEM; u++) {
        probe.unit = (tally_unit)u;
        if (u != TALLY_UNIT_MONEY && strcmp(name, tally_unit_name(&probe)) == 0) {
            c->unit = probe.unit;
            c->currency[0] = '\0';
            return 0;
        }
    }
    /* money: an ISO 4217 code, three capital letters */
    if (strlen(name) == 3 && name[0] >= 'A' && name[0] <= 'Z' && name[1] >= 'A' && name[1] <= 'Z' &&
        name[2] >= 'A' && name[2] <= 'Z') {
        c->unit = TALLY_UNIT_MONEY;
        memcpy(c->currency, name, 4);
        return 0;
    }
    return -1;
}
