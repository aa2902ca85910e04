/* tally: reading the development corpus in unit tests (../shared/corpus/dev:
 * NAME.txt articles and NAME.gold.jsonl claims). Header only; the tests that
 * use it link jansson. */
#ifndef TALLY_GOLD_H
#define TALLY_GOLD_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tally/mem.h"

/* The whole file at `path`, NUL-terminated, its length in *n; NULL when it
 * cannot be read. The caller frees it. */
static inline char *gold_read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    tally_buf b;
    tally_buf_init(&b, (size_t)1 << 26);
    char chunk[4096];
    size_t got;
    int rc = 0;
    while (rc == 0 && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = tally_buf_append(&b, chunk, got);
    fclose(f);
    if (rc != 0 || tally_buf_append(&b, "", 0) != 0) {
        tally_buf_free(&b);
        return NULL;
    }
    *n = b.len;
    return b.ptr;
}

/* Calls fn(dir, name, user) for each NAME.txt of SHARED/corpus/dev. Returns
 * how many documents, or -1 when the folder cannot be opened. */
static inline long gold_each_doc(const char *shared,
                                 void (*fn)(const char *dir, const char *name, void *user),
                                 void *user)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/dev", shared);
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return -1;
    long docs = 0;
    const struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= 4 || strcmp(e->d_name + l - 4, ".txt") != 0 || l - 4 >= 512)
            continue;
        char name[512];
        memcpy(name, e->d_name, l - 4);
        name[l - 4] = '\0';
        fn(dir, name, user);
        docs++;
    }
    closedir(dp);
    return docs;
}

/* Calls fn(claim, lineno, user) for each claim of DIR/NAME.gold.jsonl (blank
 * lines skipped); a line that is not JSON counts as a failure of the test.
 * Returns false when the file cannot be opened. */
static inline bool gold_each_claim(const char *dir, const char *name,
                                   void (*fn)(json_t *claim, int lineno, void *user), void *user,
                                   int *bad_lines)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.gold.jsonl", dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        json_error_t jerr;
        json_t *claim = json_loads(line, 0, &jerr);
        if (claim == NULL) {
            if (strspn(line, " \t\r\n") != strlen(line)) {
                fprintf(stderr, "%s:%d: %s\n", path, lineno, jerr.text);
                (*bad_lines)++;
            }
            continue;
        }
        fn(claim, lineno, user);
        json_decref(claim);
    }
    free(line);
    fclose(f);
    return true;
}

#endif
