/* Hand-run timing of tally_cluster_obs on synthetic observations (not built by CMake):
 *   gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_cluster.c \
 *       build/rel/libtallycore.a -lm -o /tmp/bench_cluster && /tmp/bench_cluster [N] [SERIES] */
#include "tally/estimate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    size_t series = argc > 2 ? strtoul(argv[2], NULL, 10) : 500;
    static const char *const units[] = {"container", "round", "missile", "person", "USD"};
    static char names[64][24];
    for (int i = 0; i < 64; i++)
        snprintf(names[i], sizeof names[i], "Source %d", i);
    tally_obs *o = calloc(n, sizeof *o);
    uint64_t s = 88172645463325252u;
    for (size_t i = 0; i < n; i++) {
        size_t se = rng(&s) % series;
        tally_obs *x = &o[i];
        x->id = (int64_t)i + 1;
        x->kind = (tally_kind)(se % 3 == 0 ? TALLY_KIND_EQUIVALENCE : TALLY_KIND_TRANSFER);
        snprintf(x->supplier, 4, "S%02zu", se % 37);
        snprintf(x->recipient, 4, "R%02zu", (se / 37) % 17);
        x->unit = units[se % 5];
        x->items = 1u << (rng(&s) % 3);
        double base = 1000.0 * (double)(1 + se % 50);
        int variant = (int)(rng(&s) % 40);
        x->has_low = true;
        x->low = base * (1 + variant * 0.07);
        if (rng(&s) % 3 == 0) {
            x->qualifier = TALLY_Q_ABOUT;
        }
        int src = (int)(rng(&s) % 80);
        if (src < 64) {
            x->source = names[src];
            x->source_kind = "official";
        } else if (src < 72) {
            x->source = "author";
            x->source_kind = "author";
        } else {
            x->source = "Yonhap";
            x->source_kind = "outlet";
        }
        x->as_of = (long)(19000 + rng(&s) % 1100);
        x->stated = x->as_of + (long)(rng(&s) % 20);
        x->curated = rng(&s) % 50 == 0;
    }
    double t0 = now();
    tally_clusters c;
    tally_cluster_obs(o, n, 0, 0, &c);
    double t1 = now();
    size_t big = 0;
    for (size_t k = 0; k < c.n; k++)
        if (c.v[k].n_members > big)
            big = c.v[k].n_members;
    printf("%zu observations, %zu series: %.3f s, %zu clusters, largest %zu\n", n, series, t1 - t0,
           c.n, big);
    tally_clusters_free(&c);
    free(o);
    return 0;
}
