/* tally copy: a whole database into another, between SQLite files and
 * PostgreSQL servers (an analyst's file into the team's database, and
 * back), idempotently.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>

#include "tally/store.h"

void cli_copy_help(FILE *out)
{
    fputs("Usage: tally copy --from DB --to DB [-q]\n"
          "\n"
          "Copies every document of one database into another, with its body, claims\n"
          "and events and their provenance: an SQLite file into a PostgreSQL server's\n"
          "database, a server's into a file, or either into its own kind. The target\n"
          "is created (a file) or given its tables (a server's empty database) when\n"
          "it has none. A document the target holds already (the same key and\n"
          "content) is left as it is, so copying again changes nothing; one it holds\n"
          "with other content is replaced, as tally ingest replaces it. Then what\n"
          "tally fetch and tally watch keep: the feeds' items seen, the URLs' ETag and\n"
          "Last-Modified, the pages' raw bytes (the source's replace the target's;\n"
          "an item the target has seen keeps its first-seen time). Rows go in a few\n"
          "hundred to a transaction; when the target fails, the batch is undone and\n"
          "the exit status is 1.\n"
          "\n"
          "A database is a file, or a server's location: a postgresql:// URI or a\n"
          "libpq connection string (\"host=db.example.org dbname=tally\"); PGHOST,\n"
          "PGUSER, PGPASSWORD and the other PG* variables fill in what it leaves out.\n"
          "\n"
          "Options:\n"
          "      --from DB     the database to read (never written)\n"
          "      --to DB       the database to write\n"
          "  -q, --quiet       no summary\n"
          "  -h, --help        show this help\n",
          out);
}

int cli_copy(int argc, char **argv)
{
    static const struct option longopts[] = {{"from", required_argument, NULL, 'F'},
                                             {"to", required_argument, NULL, 'T'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *from = NULL, *to = NULL;
    bool quiet = false;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'F':
            from = optarg;
            break;
        case 'T':
            to = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            cli_copy_help(stdout);
            return CLI_OK;
        default:
            /* anything else getopt_long returns is '?' (an unknown option) */
            return cli_getopt_error("copy", ch == ':' ? ':' : '?', argv);
        }
    }
    if (optind < argc)
        return cli_usagef("copy", "unexpected argument '%s'", argv[optind]);
    if (from == NULL || to == NULL || from[0] == '\0' || to[0] == '\0')
        return cli_usagef("copy", "give both --from DB and --to DB");
    tally_store *src = NULL, *dst = NULL;
    tally_err err = {0};
    if (tally_store_open(from, TALLY_STORE_READ, &src, &err) != 0)
        return cli_store_failed(&err);
    if (tally_store_open(to, TALLY_STORE_WRITE, &dst, &err) != 0) {
        tally_store_close(src);
        return cli_store_failed(&err);
    }
    tally_copy_stats st;
    int rc = tally_store_copy(src, dst, &st, &err);
    if (rc != 0)
        cli_errorf("%s", err.msg);
    if (!quiet)
        cli_printf("%s: documents: %lld copied, %lld unchanged; claims: %lld copied; events: %lld "
                   "copied; web: %lld feed items, %lld validators, %lld raw pages copied\n",
                   tally_store_name(dst), (long long)st.documents, (long long)st.unchanged,
                   (long long)st.claims, (long long)st.events, (long long)st.feed_items,
                   (long long)st.validators, (long long)st.raw_pages);
    tally_store_close(src);
    tally_store_close(dst);
    return rc != 0 ? CLI_FAIL : CLI_OK;
}
