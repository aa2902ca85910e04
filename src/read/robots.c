/* tally: robots.txt (RFC 9309; tally/fetch.h). The file is read twice, a
 * line at a time and never copied: once to learn whether a group names
 * tally's product token (else the "*" groups apply), once to find the
 * longest rule of those groups that matches the path. Patterns are matched
 * with * and a final $ by the usual greedy walk with one backtrack point,
 * so a hostile file costs at most its size times the path's length.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#include "tally/fetch.h"

#include <stdbool.h>
#include <string.h>

#include "tally/ascii.h"

/* One line of robots.txt split as "key: value", comment and blanks gone. */
struct line {
    const char *key, *val;
    size_t key_len, val_len;
};

/* The next line from *pos; false at the end. */
static bool next_line(const char *txt, size_t len, size_t *pos, struct line *l)
{
    if (*pos >= len)
        return false;
    size_t a = *pos, z = a;
    while (z < len && txt[z] != '\n' && txt[z] != '\r')
        z++;
    *pos = z < len ? z + 1 : z;
    size_t hash = a;
    while (hash < z && txt[hash] != '#')
        hash++;
    z = hash;
    size_t colon = a;
    while (colon < z && txt[colon] != ':')
        colon++;
    memset(l, 0, sizeof *l);
    if (colon == z)
        return true; /* no "key:": nothing */
    size_t ka = a, kz = colon, va = colon + 1, vz = z;
    while (ka < kz && tally_is_space((unsigned char)txt[ka]))
        ka++;
    while (kz > ka && tally_is_space((unsigned char)txt[kz - 1]))
        kz--;
    while (va < vz && tally_is_space((unsigned char)txt[va]))
        va++;
    while (vz > va && tally_is_space((unsigned char)txt[vz - 1]))
        vz--;
    *l = (struct line){txt + ka, txt + va, kz - ka, vz - va};
    return true;
}

static bool key_is(const struct line *l, const char *name)
{
    size_t n = strlen(name);
    if (l->key_len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tally_to_lower((unsigned char)l->key[i]) != (unsigned char)name[i])
            return false;
    return true;
}

/* Whether a User-agent value names `agent`: its product token (the letters,
 * '-' and '_' it starts with) is `agent`, in any case; or it is "*". */
static int agent_match(const struct line *l, const char *agent)
{
    if (l->val_len == 1 && l->val[0] == '*')
        return 1; /* any */
    size_t n = 0;
    while (n < l->val_len &&
           (tally_is_alpha((unsigned char)l->val[n]) || l->val[n] == '-' || l->val[n] == '_'))
        n++;
    size_t an = strlen(agent);
    if (n != an || n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tally_to_lower((unsigned char)l->val[i]) != tally_to_lower((unsigned char)agent[i]))
            return 0;
    return 2; /* this agent */
}

/* Whether pattern `p[0..pn)` (with *, and $ at its end) matches the start
 * of `s` (all of `s` with $). */
static bool pattern_match(const char *p, size_t pn, const char *s, size_t sn)
{
    bool anchored = pn > 0 && p[pn - 1] == '$';
    if (anchored)
        pn--;
    size_t i = 0, j = 0, star = (size_t)-1, mark = 0;
    for (;;) {
        if (i == pn && (!anchored || j == sn))
            return true;
        if (i < pn && p[i] == '*') {
            star = i++;
            mark = j;
            continue;
        }
        if (i < pn && j < sn && p[i] == s[j]) {
            i++;
            j++;
            continue;
        }
        if (star != (size_t)-1 && mark < sn) {
            i = star + 1;
            j = ++mark;
            continue;
        }
        return false;
    }
}

bool tally_robots_allows(const char *txt, size_t len, const char *agent, const char *path)
{
    if (strcmp(path, "/robots.txt") == 0)
        return true;
    size_t sn = strlen(path);
    /* pass 1: does any group name `agent`? */
    bool named = false;
    struct line l;
    size_t pos = 0;
    while (!named && next_line(txt, len, &pos, &l))
        named = key_is(&l, "user-agent") && agent_match(&l, agent) == 2;
    int want = named ? 2 : 1;
    /* pass 2: the rules of the groups that apply; a group is its run of
     * User-agent lines and the rules after them */
    bool applies = false, in_agents = false, allowed = true;
    size_t best = 0;
    bool matched = false;
    pos = 0;
    while (next_line(txt, len, &pos, &l)) {
        if (key_is(&l, "user-agent")) {
            if (!in_agents)
                applies = false;
            in_agents = true;
            if (agent_match(&l, agent) == want)
                applies = true;
            continue;
        }
        bool allow = key_is(&l, "allow"), disallow = key_is(&l, "disallow");
        if (!allow && !disallow)
            continue; /* Sitemap, Crawl-delay, an unknown key: no rule, the group goes on */
        in_agents = false;
        if (!applies || l.val_len == 0)
            continue;
        if (pattern_match(l.val, l.val_len, path, sn) &&
            (!matched || l.val_len > best || (l.val_len == best && allow))) {
            matched = true;
            best = l.val_len;
            allowed = allow;
        }
    }
    return allowed;
}
