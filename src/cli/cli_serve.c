/* tally serve: the dashboard and the JSON API on one database, until
 * SIGINT or SIGTERM.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tally/serve.h"

void cli_serve_help(FILE *out)
{
    fputs("Usage: tally serve [--db DB] [--port N] [--bind ADDR] [--threads N]\n"
          "\n"
          "Serves the dashboard and its JSON API (GET only; see the README) on one\n"
          "database, read-only, until interrupted (SIGINT or SIGTERM; exit 0). Prints\n"
          "the address it listens on. A request sees every change committed before it\n"
          "(tally ingest while serving); results of series, flows, clusters,\n"
          "contradictions, sources and meta are cached until the database changes.\n"
          "A request head must arrive whole within 10 s and 8 KB; errors are JSON.\n"
          "\n"
          "Options:\n"
          "      --db DB       the database: a file, or a PostgreSQL server's\n"
          "                    postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "  -p, --port N      the port (default 8080; 0: any free port)\n"
          "      --bind ADDR   the address to listen on (default 127.0.0.1, this machine\n"
          "                    only; 0.0.0.0 or :: opens it to the network)\n"
          "      --threads N   worker threads (default: one per processor)\n"
          "  -h, --help        show this help\n",
          out);
}

static int number(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < lo || n > hi)
        return cli_usagef("serve", "%s needs a number from %ld to %ld, not '%s'", opt, lo, hi, v);
    *out = n;
    return CLI_CONTINUE;
}

int cli_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},   {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'}, {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    const char *db = NULL, *bind = "127.0.0.1";
    long port = 8080, threads = 0;
    int ch, rc = CLI_CONTINUE;
    opterr = 0;
    optind = 1;
    while (rc == CLI_CONTINUE && (ch = getopt_long(argc, argv, ":p:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'D':
            db = optarg;
            break;
        case 'p':
            rc = number("--port", optarg, 0, 65535, &port);
            break;
        case 'b':
            bind = optarg;
            break;
        case 't':
            rc = number("--threads", optarg, 1, 64, &threads);
            break;
        case 'h':
            cli_serve_help(stdout);
            return CLI_OK;
        default:
            /* anything else getopt_long returns is '?' (an unknown option) */
            return cli_getopt_error("serve", ch == ':' ? ':' : '?', argv);
        }
    }
    if (rc != CLI_CONTINUE)
        return rc;
    if (optind < argc)
        return cli_usagef("serve", "unexpected argument '%s'", argv[optind]);
    /* The signals are taken by sigwait below: blocked here, before the
     * server's threads start, so every thread inherits the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    tally_serve_opts o = {cli_db_path(db), bind, (unsigned)port, (unsigned)threads, 0};
    tally_server *srv;
    tally_err err = {0};
    int e = tally_serve_start(&o, &srv, &err);
    if (e != 0)
        return e == TALLY_EUSAGE ? (cli_errorf("%s", err.msg), CLI_USAGE) : cli_store_failed(&err);
    bool v6 = strchr(bind, ':') != NULL;
    cli_printf("tally serve: %s on http://%s%s%s:%u/\n", tally_serve_db_name(srv), v6 ? "[" : "",
               bind, v6 ? "]" : "", tally_serve_port(srv));
    fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    tally_serve_stop(srv);
    return CLI_OK;
}
