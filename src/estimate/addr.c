/* tally: a map from addresses to values (stage 4), in front of a string
 * table: strings the estimator handles are mostly interned already, one
 * address a string, so an address is looked up before the string is hashed.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <stdint.h>
#include <stdlib.h>

#include "estimate_int.h"
#include "tally/mem.h"

static size_t addr_slot(const addr_map *m, const void *key)
{
    size_t i = (size_t)(((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15u >> 32) & (m->cap - 1);
    while (m->key[i] != NULL && m->key[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

void *addr_map_get(const addr_map *m, const void *key)
{
    if (m->n == 0 || key == NULL)
        return NULL;
    size_t i = addr_slot(m, key);
    return m->key[i] == key ? m->val[i] : NULL;
}

void addr_map_put(addr_map *m, const void *key, void *val)
{
    if (key == NULL)
        return;
    if (2 * (m->n + 1) > m->cap) {
        addr_map old = *m;
        m->cap = m->cap ? 2 * m->cap : 64;
        m->key = tally_xcalloc(m->cap, sizeof *m->key);
        m->val = tally_xcalloc(m->cap, sizeof *m->val);
        m->n = 0;
        for (size_t k = 0; k < old.cap; k++)
            if (old.key[k] != NULL)
                addr_map_put(m, old.key[k], old.val[k]);
        free(old.key);
        free(old.val);
    }
    size_t i = addr_slot(m, key);
    m->n += m->key[i] == NULL;
    m->key[i] = key;
    m->val[i] = val;
}

size_t addr_map_number(addr_map *m, const void *key)
{
    /* a value is the number plus one, so that none is NULL */
    uintptr_t v = (uintptr_t)addr_map_get(m, key);
    if (v == 0) {
        v = (uintptr_t)m->n + 1;
        addr_map_put(m, key, (void *)v);
    }
    return (size_t)v - 1;
}

void addr_map_free(addr_map *m)
{
    free(m->key);
    free(m->val);
    m->key = NULL;
    m->val = NULL;
    m->cap = m->n = 0;
}
