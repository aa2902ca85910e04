/* tally command line: the helpers the subcommands share (cli.h): messages,
 * options, inputs, the database and output. Part of the command line: includes
 * every public header and src/cli/cli.h. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tally/mem.h"
#include "tally/present.h"
#include "tally/segment.h"
#include "tally/visible.h"

static void put_visible(FILE *out, const char *fmt, va_list ap) TALLY_PRINTF(2, 0);

/* Prints the formatted text to `out` with its control characters shown
 * (tally/visible.h), but for a final newline: a file name or a value from a
 * document can hold any. */
static void put_visible(FILE *out, const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    char *text = small;
    if (n >= (int)sizeof small) {
        text = tally_xmalloc((size_t)n + 1);
        vsnprintf(text, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    size_t len = n > 0 ? (size_t)n : 0;
    bool newline = len > 0 && text[len - 1] == '\n'; /* the line's own end stays one */
    tally_buf b;
    tally_buf_init(&b, (size_t)1 << 30);
    tally_visible_append(&b, text, len - newline);
    if (b.len > 0)
        fwrite(b.ptr, 1, b.len, out);
    if (newline)
        fputc('\n', out);
    tally_buf_free(&b);
    if (text != small)
        free(text);
}

static void vmsg(FILE *to, const char *kind, const char *fmt, va_list ap) TALLY_PRINTF(3, 0);

static void vmsg(FILE *to, const char *kind, const char *fmt, va_list ap)
{
    fprintf(to, "tally: %s: ", kind);
    put_visible(to, fmt, ap);
    fputc('\n', to);
}

void cli_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_visible(stdout, fmt, ap);
    va_end(ap);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(stderr, "error", fmt, ap);
    va_end(ap);
}

void cli_warnf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(stderr, "warning", fmt, ap);
    va_end(ap);
}

void cli_errorf_to(FILE *to, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(to, "error", fmt, ap);
    va_end(ap);
}

void cli_warnf_to(FILE *to, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(to, "warning", fmt, ap);
    va_end(ap);
}

const char *cli_db_path(const char *given)
{
    if (given != NULL && given[0] != '\0')
        return given;
    const char *env = getenv("TALLY_DB");
    return env != NULL && env[0] != '\0' ? env : "tally.db";
}

int cli_usagef(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tally %s: ", cmd);
    put_visible(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'tally %s --help'.\n", cmd);
    va_end(ap);
    return CLI_USAGE;
}

int cli_format_option(const char *cmd, const char *arg, unsigned allowed, tally_output *out)
{
    static const char *const names[] = {"table", "jsonl", "csv"};
    int o = tally_output_parse(arg);
    if (o >= 0 && (allowed & (1u << o))) {
        *out = (tally_output)o;
        return CLI_CONTINUE;
    }
    char list[64] = "";
    for (unsigned i = 0, n = 0; i < sizeof names / sizeof names[0]; i++)
        if (allowed & (1u << i))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", n++ ? ", " : "",
                     names[i]);
    return cli_usagef(cmd, "unknown format '%s' (%s)", arg, list);
}

int cli_wide(const char *cmd, bool wide, tally_output *fmt)
{
    if (!wide)
        return CLI_CONTINUE;
    if (*fmt != TALLY_OUTPUT_TABLE)
        return cli_usagef(cmd, "--wide is for the table format");
    *fmt = TALLY_OUTPUT_WIDE;
    return CLI_CONTINUE;
}

int cli_common_option(const char *cmd, int ch, char **argv, tally_output *out, tally_doc_opts *opts,
                      void (*help)(FILE *out))
{
    switch (ch) {
    case 'f':
        return cli_format_option(cmd, optarg, CLI_TABLE | CLI_JSON, out);
    case 'a': {
        int f = tally_format_parse(optarg);
        if (f < 0 || f == TALLY_FORMAT_AUTO)
            return cli_usagef(cmd, "unknown input format '%s' (txt, md or html)", optarg);
        opts->format = (tally_format)f;
        return CLI_CONTINUE;
    }
    case 'h':
        help(stdout);
        return CLI_OK;
    default:
        return cli_getopt_error(cmd, ch, argv);
    }
}

int cli_reading_option(const char *cmd, int ch, tally_date *fallback, bool *explain,
                       tally_extract_opts *o, tally_learn_model **model)
{
    if (ch == 'd') {
        if (tally_date_parse(optarg, strlen(optarg), fallback) != 0)
            return cli_usagef(cmd, "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", optarg);
        return CLI_CONTINUE;
    }
    if (ch == 'e') {
        *explain = true;
        return CLI_CONTINUE;
    }
    return cli_model_option(cmd, ch, o, model);
}

int cli_model_option(const char *cmd, int ch, tally_extract_opts *o, tally_learn_model **model)
{
    if (ch == 'J') {
        char *end;
        long v = strtol(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || v < 1 || v > 1024)
            return cli_usagef(cmd, "--jobs needs a number from 1 to 1024, not '%s'", optarg);
        o->threads = (unsigned)v;
        return CLI_CONTINUE;
    }
    if (ch == 'N') {
        o->rules_only = true;
        return CLI_CONTINUE;
    }
    if (ch != 'M')
        return CLI_UNHANDLED;
    tally_learn_model_free(*model);
    *model = NULL;
    tally_err err = {0, ""};
    if (tally_learn_model_load(optarg, model, &err) != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    o->model = *model;
    o->rules_only = false;
    return CLI_CONTINUE;
}

int cli_write(tally_buf *b)
{
    return cli_write_to(stdout, stderr, b);
}

int cli_write_to(FILE *out, FILE *err, tally_buf *b)
{
    if (tally_buf_full(b)) {
        cli_errorf_to(err, "an output line is longer than %zu bytes", b->max);
        tally_buf_clear(b);
        return CLI_FAIL;
    }
    if (tally_buf_err(b) != 0) {
        cli_errorf_to(err,
                      "output refused: it holds a number that is not finite (NaN or infinity)");
        tally_buf_clear(b);
        return CLI_FAIL;
    }
    if (b->len > 0)
        fwrite(b->ptr, 1, b->len, out);
    tally_buf_clear(b);
    return CLI_OK;
}

int cli_getopt_error(const char *cmd, int ch, char **argv)
{
    if (ch == ':')
        return cli_usagef(cmd, "option '%s' needs a value", argv[optind - 1]);
    if (ch == '?')
        return cli_usagef(cmd, "unknown option '%s'", argv[optind - 1]);
    return CLI_UNHANDLED;
}

const char *cli_file_kind(unsigned m)
{
    mode_t mode = (mode_t)m;
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

static int check_mode(FILE *err, const char *path, unsigned m)
{
    mode_t mode = (mode_t)m;
    if (S_ISDIR(mode)) {
        cli_errorf_to(err, "%s: is a directory (give the files in it)", path);
        return CLI_FAIL;
    }
    if (!S_ISREG(mode)) {
        cli_errorf_to(err, "%s: is %s, not a document (to read a stream, give it on stdin as -)",
                      path, cli_file_kind(mode));
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_check_mode(const char *path, unsigned m)
{
    return check_mode(stderr, path, m);
}

static int check_regular(FILE *err, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cli_errorf_to(err, "%s: %s", path, strerror(errno));
        return CLI_FAIL;
    }
    return check_mode(err, path, st.st_mode);
}

int cli_check_regular(const char *path)
{
    return check_regular(stderr, path);
}

int cli_read_input(const char *path, const tally_doc_opts *opts, const tally_doc_handler *h,
                   FILE *msgs)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *label = is_stdin ? "<stdin>" : path;
    FILE *in = stdin;
    if (!is_stdin) {
        if (check_regular(msgs, path) != CLI_OK)
            return CLI_FAIL;
        in = fopen(path, "rb");
        if (in == NULL) {
            cli_errorf_to(msgs, "%s: %s", path, strerror(errno));
            return CLI_FAIL;
        }
    }
    tally_doc_stats stats;
    tally_err err = {0};
    int rc = tally_doc_read(in, is_stdin ? NULL : path, opts, h, &stats, &err);
    if (!is_stdin)
        fclose(in);
    if (stats.invalid_utf8 > 0)
        cli_warnf_to(msgs, "%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD", label,
                     stats.invalid_utf8, stats.invalid_utf8 == 1 ? "" : "s");
    if (stats.split_blocks > 0)
        cli_warnf_to(
            msgs,
            "%s: %zu paragraph%s longer than %zu KB, read in pieces (cut after a sentence, "
            "a comma or a space)",
            label, stats.split_blocks, stats.split_blocks == 1 ? " was" : "s were",
            tally_doc_max_block(opts) / 1024);
    if (rc != 0) {
        cli_errorf_to(msgs, "%s: %s", label, err.msg[0] ? err.msg : tally_err_name(rc));
        return CLI_FAIL;
    }
    if (stats.raw_bytes == 0)
        cli_warnf_to(msgs, "%s: empty input", label);
    return CLI_OK;
}

void cli_warn_cut_sentences(const char *label, size_t n)
{
    cli_warn_cut_sentences_to(stderr, label, n);
}

void cli_warn_cut_sentences_to(FILE *err, const char *label, size_t n)
{
    if (n > 0)
        cli_warnf_to(
            err, "%s: %zu sentence%s longer than %d bytes read in pieces (cut at a comma or space)",
            label, n, n == 1 ? "" : "s", TALLY_SENTENCE_MAX);
}

int cli_read_inputs(char **paths, int n, const tally_doc_opts *opts, const tally_doc_handler *h,
                    void (*on_start)(const char *path, void *user))
{
    int status = CLI_OK;
    for (int i = 0; i < n; i++) {
        if (on_start != NULL)
            on_start(paths[i], h->user);
        if (cli_read_input(paths[i], opts, h, stderr) != CLI_OK)
            status = CLI_FAIL;
    }
    return status;
}

/* A state given as alpha-3 (any case) or a name the actor table knows. */
int cli_open_db(const char *db, tally_store **s)
{
    tally_err err = {0};
    if (tally_store_open(cli_db_path(db), TALLY_STORE_READ, s, &err) != 0)
        return cli_store_failed(&err);
    return CLI_OK;
}

int cli_store_failed(const tally_err *err)
{
    cli_errorf("%s", err->msg);
    /* a server that cannot be used (down, refusing, of a newer schema): not
     * this command's failure but its setting's, as a usage error */
    return err->code == TALLY_ESERVER ? CLI_USAGE : CLI_FAIL;
}

int cli_load(const char *db, const char *factors, const char *grades, const tally_claim_filter *f,
             struct cli_loaded *l)
{
    return cli_load_series(db, factors, grades, f, 0, NULL, l);
}

int cli_load_series(const char *db, const char *factors, const char *grades,
                    const tally_claim_filter *f, uint32_t item, const char *unit,
                    struct cli_loaded *l)
{
    memset(l, 0, sizeof *l);
    tally_err err = {0};
    if (tally_model_load(&l->m, factors, grades, &err) != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    int opened = cli_open_db(db, &l->s);
    if (opened != CLI_OK) {
        tally_model_free(&l->m);
        return opened;
    }
    int rc = item != 0 ? tally_view_load_series(&l->v, l->s, &l->m, f, item, unit, &err)
                       : tally_view_load(&l->v, l->s, &l->m, f, &err);
    if (rc != 0) {
        cli_errorf("%s", err.msg);
        tally_store_close(l->s);
        tally_model_free(&l->m);
        return rc == TALLY_EUSAGE ? CLI_USAGE : CLI_FAIL;
    }
    return CLI_OK;
}

void cli_unload(struct cli_loaded *l)
{
    tally_view_free(&l->v);
    tally_store_close(l->s);
    tally_model_free(&l->m);
}

int cli_est_option(const char *cmd, int ch, char **argv, struct cli_est_opts *o,
                   void (*help)(FILE *))
{
    switch (ch) {
    case 'D':
        o->db = optarg;
        return CLI_CONTINUE;
    case 'F':
        o->factors = optarg;
        return CLI_CONTINUE;
    case 'G':
        o->grades = optarg;
        return CLI_CONTINUE;
    case 'N':
        return cli_draws_option(cmd, optarg, &o->draws);
    case 'W':
        o->wide = true;
        return CLI_CONTINUE;
    case 'f':
        return cli_format_option(cmd, optarg, CLI_TABLE | CLI_JSON | CLI_CSV, &o->format);
    case 'h':
        help(stdout);
        return CLI_OK;
    default:
        return cli_getopt_error(cmd, ch, argv);
    }
}

int cli_draws_option(const char *cmd, const char *arg, unsigned *draws)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 100 || v > 1000000)
        return cli_usagef(cmd, "--draws needs a number from 100 to 1000000");
    *draws = (unsigned)v;
    return CLI_CONTINUE;
}

int cli_at_option(const char *cmd, const char *arg, tally_date *d)
{
    if (arg != NULL && tally_date_parse(arg, strlen(arg), d) != 0)
        return cli_usagef(cmd, "bad date '%s' (YYYY, YYYY-MM or YYYY-MM-DD)", arg);
    return CLI_CONTINUE;
}

int cli_done(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("writing output failed");
        return CLI_FAIL;
    }
    return status;
}

int cli_filter_option(const char *cmd, int ch, tally_claim_filter *f, struct cli_states *st)
{
    switch (ch) {
    case 'S':
    case 'R': {
        const char *code =
            tally_present_state_code(optarg, ch == 'S' ? st->supplier : st->recipient);
        if (code == NULL)
            return cli_usagef(cmd, "unknown state '%s' (alpha-3 such as PRK, or a name)", optarg);
        *(ch == 'S' ? &f->supplier : &f->recipient) = code;
        return CLI_CONTINUE;
    }
    case 'I':
        f->item = optarg;
        return CLI_CONTINUE;
    case 'K':
        f->kind = optarg;
        return CLI_CONTINUE;
    case 'T':
        f->unit = optarg;
        return CLI_CONTINUE;
    case 'O':
        f->source = optarg;
        return CLI_CONTINUE;
    case 's':
        f->since = optarg;
        return CLI_CONTINUE;
    case 'u':
        f->until = optarg;
        return CLI_CONTINUE;
    case 'c':
        f->doc = optarg;
        return CLI_CONTINUE;
    case 'k':
        f->known_by = optarg;
        return CLI_CONTINUE;
    case 'n': {
        char *end;
        long long v = strtoll(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || v <= 0)
            return cli_usagef(cmd, "--limit needs a positive number, not '%s'", optarg);
        f->limit = v;
        return CLI_CONTINUE;
    }
    default:
        return CLI_UNHANDLED;
    }
}
