/* The aimsim subcommands info and config, and what every simulation command shares: error
 * messages, loading a config with overrides (sim/run_cli.c runs it). Library modules report errors;
 * here they become a message on stderr ("aimsim info: <message>") and an exit status
 * (aim_error_exit_code). */
#include "sim/cli.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "sim/config.h"
#include "sim/fpcheck.h"
#include "sim/store.h"
#include "sim/version.h"

int aim_cli_fail(const char *cmd, enum aim_status s)
{
    fprintf(stderr, "aimsim %s: %s\n", cmd, aim_error_message());
    return aim_error_exit_code(s);
}

/* After a failure to write OUT: says so when the file system holding it has no space left. */
void aim_cli_note_full_disk(const char *cmd, const char *out)
{
    char *dir = strdup(out);
    struct statvfs vfs;
    if (dir && statvfs(dirname(dir), &vfs) == 0 && vfs.f_bavail == 0) {
        fprintf(stderr, "aimsim %s: the file system holding %s is full\n", cmd, out);
    }
    free(dir);
}

int aim_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "aimsim %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'aimsim %s --help'.\n", cmd);
    return 2;
}

void aim_cli_print_version(FILE *out)
{
    char h5[32];
    int dirty = aim_version_git_dirty();
    fprintf(out, "aimsim %s\n", aim_version_string());
    fprintf(out, "git revision: %s%s\n", aim_version_git_revision(),
            dirty == 1   ? " (modified tree)"
            : dirty == 0 ? ""
                         : " (tree state unknown)");
    fprintf(out, "compiler: %s, %s build\n", aim_version_compiler(), aim_version_build_type());
    fprintf(out, "flags: %s\n", aim_version_flags());
    fprintf(out, "HDF5 %s, libfyaml %s, OpenMP %d\n", aim_version_hdf5(h5, sizeof h5), aim_version_libfyaml(),
            _OPENMP);
    fprintf(out, "floating-point contraction: %s\n",
            aim_fpcheck_contract_off() ? "off (self-test passed)"
                                       : "ON: results are not reproducible across builds");
}

/* Loads CONFIG (or the embedded seed scenario) and applies the overrides in order; sweep_keys:
 * the sweep's factors must name numeric config keys (a run; a sweep-only file may name any). */
enum aim_status aim_cli_load_config(struct aim_config **cfg, const char *path, char **sets, int n_sets,
                                    int sweep_keys)
{
    enum aim_status s = aim_config_create(cfg);
    if (s) {
        return s;
    }
    s = path ? aim_config_load_file(*cfg, path) : aim_config_load_seed(*cfg);
    for (int i = 0; !s && i < n_sets; i++) {
        s = aim_config_set(*cfg, sets[i]); /* its message quotes the assignment */
    }
    if (!s && sweep_keys) {
        s = aim_config_sweep_check_keys(*cfg);
    }
    if (!s) {
        s = aim_config_validate(*cfg);
    }
    if (s) {
        aim_config_free(*cfg);
        *cfg = NULL;
    }
    return s;
}

/* ---- info ---- */

/* The calendar month ("YYYY-MM") that is `months` after start ("YYYY-MM"); "?" if start is not one. */
static void aim_cli_month_label(char *buf, size_t size, const char *start, int months)
{
    int y = 0, m = 0;
    if (!start || sscanf(start, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12) {
        snprintf(buf, size, "?");
        return;
    }
    long k = (long)y * 12 + (m - 1) + months;
    snprintf(buf, size, "%04ld-%02ld", k / 12, k % 12 + 1);
}

/* Prints the balance-sheet matrix of one replica at one snapshot month as a table: rows
 * (instruments) by columns (sectors) with row and column sums, then the month's two residuals of
 * stock-flow consistency (MODEL.md 12.1). Usage errors (replica, month) exit 2. */
static int aim_cli_info_balance(const char *path, int point, const char *replica_text, const char *month_text)
{
    struct aim_store *st = NULL;
    struct aim_traj *tr = NULL;
    char *start = NULL;
    long replica = 0, month = 0;
    int np, nr, nt, nf, rc = 0;
    enum aim_status s = aim_store_open_read(&st, path);
    if (s) {
        return aim_cli_fail("info", s);
    }
    aim_store_shape(st, &np, &nr, &nt, &nf);
    int every = aim_store_bs_every(st), ns = aim_traj_snapshot_count(nt, every);
    if (point < 0 || point >= np) {
        fprintf(stderr, "aimsim info: %s: point %d is out of range (the file has points 0 to %d)\n", path,
                point, np - 1);
        rc = 2;
        goto done;
    }
    if (aim_cli_parse_long(replica_text, 0, LONG_MAX, "REPLICA", &replica) != AIM_OK || replica >= nr) {
        fprintf(stderr, "aimsim info: %s: REPLICA \"%s\" is not one of the file's replicas 0 to %d\n", path,
                replica_text, nr - 1);
        rc = 2;
        goto done;
    }
    s = aim_cli_parse_long(month_text, 0, LONG_MAX, "MONTH", &month);
    if (s || month >= nt || aim_traj_snapshot_index((int)month, nt, every) < 0) {
        /* Not a snapshot month: the stride, and the snapshot months around it. */
        fprintf(stderr, "aimsim info: %s: month \"%s\" %s (run.balance_sheet_every = %d:", path, month_text,
                s ? "is not a whole number >= 0" : "has no stored balance sheet", every);
        for (int k = 0; k < ns; k++) {
            if (ns <= 12 || k < 3 || k == ns - 1) {
                fprintf(stderr, "%s%d", k ? ", " : " months ", aim_traj_snapshot_month(k, nt, every));
            } else if (k == 3) {
                fprintf(stderr, ", ...");
            }
        }
        fprintf(stderr, ")");
        int below = -1, above = -1;
        for (int k = 0; !s && k < ns; k++) {
            int m = aim_traj_snapshot_month(k, nt, every);
            if (m < month) {
                below = m;
            } else if (above < 0) {
                above = m;
            }
        }
        if (below >= 0 && above >= 0) {
            fprintf(stderr, "; nearest snapshot months: %d and %d", below, above);
        } else if (below >= 0 || above >= 0) {
            fprintf(stderr, "; nearest snapshot month: %d", below >= 0 ? below : above);
        }
        fputc('\n', stderr);
        rc = 2;
        goto done;
    }
    if (!aim_store_replica_done(st, point, (int)replica)) {
        fprintf(stderr,
                "aimsim info: %s: replica %ld of point %d is not complete in the file (an interrupted run: "
                "`aimsim run ... --resume` finishes it)\n",
                path, replica, point);
        rc = 2;
        goto done;
    }
    s = aim_traj_create(&tr, nf, nt, every);
    if (!s) {
        s = aim_store_read_replica(st, point, (int)replica, tr);
    }
    if (!s) {
        s = aim_store_read_root_string(st, "start_date", &start);
    }
    if (s) {
        rc = aim_cli_fail("info", s);
        goto done;
    }
    const double *m = tr->bs + (size_t)aim_traj_snapshot_index((int)month, nt, every) * AIM_TRAJ_BS_CELLS;
    char when[16];
    int wname = (int)strlen("column sum"), w = 12;
    for (int r = 0; r < AIM_BS_ROWS; r++) {
        int len = (int)strlen(aim_store_bs_row_name(st, r));
        wname = len > wname ? len : wname;
    }
    for (int c = 0; c < AIM_BS_COLS; c++) {
        int len = (int)strlen(aim_store_bs_col_name(st, c));
        w = len + 1 > w ? len + 1 : w;
    }
    aim_cli_month_label(when, sizeof when, start, (int)month);
    printf("balance sheet of replica %ld (point %d) at the end of month %ld (%s), $B; assets +, "
           "liabilities -\n",
           replica, point, month, when);
    printf("%-*s", wname, "");
    for (int c = 0; c < AIM_BS_COLS; c++) {
        printf(" %*s", w, aim_store_bs_col_name(st, c));
    }
    printf(" %*s\n", w, "row sum");
    double colsum[AIM_BS_COLS] = {0};
    for (int r = 0; r < AIM_BS_ROWS; r++) {
        double rowsum = 0.0;
        printf("%-*s", wname, aim_store_bs_row_name(st, r));
        for (int c = 0; c < AIM_BS_COLS; c++) {
            double v = m[r * AIM_BS_COLS + c];
            rowsum += v;
            colsum[c] += v;
            printf(" %*.3f", w, v);
        }
        printf(" %*.3f\n", w, rowsum);
    }
    printf("%-*s", wname, "column sum");
    for (int c = 0; c < AIM_BS_COLS; c++) {
        printf(" %*.3f", w, colsum[c]);
    }
    printf("\n");
    printf("bs_residual (largest financial row sum / total assets): %.3g\n",
           tr->market[AIM_MV_bs_residual][month]);
    printf("flow_residual (largest change in net worth - saving - revaluation, / total assets): %.3g\n",
           tr->market[AIM_MV_flow_residual][month]);
done:
    free(start);
    aim_traj_free(tr);
    aim_store_close(st);
    return rc;
}

int aim_cli_info_main(int argc, char **argv)
{
    static const char help[] =
        "Usage: aimsim info FILE [--balance-sheet REPLICA MONTH [--point P]]\n"
        "Prints the provenance attributes (version, git revision, compiler, libraries,\n"
        "seed, times, resolved config) and every dataset's shape of an aimsim output file.\n"
        "With --balance-sheet, prints instead the month-end balance-sheet matrix of replica\n"
        "REPLICA of sweep point P (default 0) at month MONTH, one of the snapshot months\n"
        "(run.balance_sheet_every: 0, k, 2k, ... and the last month), with row and column\n"
        "sums and the month's residuals.\n"
        "Exit status: 0 ok, 1 I/O failure, 2 usage error, missing file, not an aimsim file,\n"
        "replica out of range or not complete, or a month with no stored balance sheet.\n";
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(help, stdout);
        return 0;
    }
    const char *file = NULL, *bs_replica = NULL, *bs_month = NULL, *point_text = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--balance-sheet") == 0) {
            if (i + 2 >= argc || bs_replica) {
                return aim_cli_usage_error("info", "%s", "--balance-sheet takes REPLICA and MONTH (once)");
            }
            bs_replica = argv[++i];
            bs_month = argv[++i];
        } else if (strcmp(argv[i], "--point") == 0) {
            if (i + 1 >= argc || point_text) {
                return aim_cli_usage_error("info", "%s", "--point takes P (once)");
            }
            point_text = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            return 0;
        } else if (argv[i][0] == '-' || file) {
            return aim_cli_usage_error(
                "info", "%s",
                "expects exactly one FILE and the options --balance-sheet REPLICA MONTH "
                "and --point P");
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        return aim_cli_usage_error("info", "%s", "expects exactly one FILE");
    }
    long point = 0;
    if (point_text && !bs_replica) {
        return aim_cli_usage_error("info", "%s", "--point goes with --balance-sheet REPLICA MONTH");
    }
    if (point_text && aim_cli_parse_long(point_text, 0, INT_MAX, "--point", &point) != AIM_OK) {
        return aim_cli_usage_error("info", "%s", aim_error_message());
    }
    /* A FILE that is not there or not a file is the user's error (exit 2), as for analyze and psy. */
    struct stat sb;
    if (stat(file, &sb) != 0) {
        fprintf(stderr, "aimsim info: %s: %s\n", file, strerror(errno));
        return 2;
    }
    if (S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "aimsim info: %s: is a directory; give an aimsim output file (.h5)\n", file);
        return 2;
    }
    if (bs_replica) {
        return aim_cli_info_balance(file, (int)point, bs_replica, bs_month);
    }
    char *text = NULL;
    enum aim_status s = aim_store_describe(file, &text);
    if (s) {
        return aim_cli_fail("info", s);
    }
    fputs(text, stdout);
    free(text);
    return 0;
}

/* ---- config ---- */

int aim_cli_config_main(int argc, char **argv)
{
    static const char help[] =
        "Usage: aimsim config show [CONFIG] [--set KEY=VALUE]...\n"
        "Prints the fully resolved configuration (CONFIG, default the embedded seed\n"
        "scenario, with the overrides applied) as YAML that loads back to the same config.\n"
        "Exit status: 0 ok, 2 usage or configuration error.\n";
    static const struct option longopts[] = {
        {"set", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "show") != 0) {
        return aim_cli_usage_error("config", "%s",
                                   "the only action is: aimsim config show [CONFIG] [--set k=v]...");
    }
    char **sets = calloc((size_t)argc, sizeof *sets);
    int n_sets = 0, rc = 0, c;
    if (!sets) {
        return 1;
    }
    optind = 0; /* options and CONFIG in any order */
    while ((c = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) != -1) {
        if (c == 's') {
            sets[n_sets++] = optarg;
        } else if (c == 'h') {
            fputs(help, stdout);
            free(sets);
            return 0;
        } else {
            free(sets);
            return aim_cli_usage_error("config", "%s", "unknown option");
        }
    }
    int first = optind + 1;
    if (argc - first > 1) {
        free(sets);
        return aim_cli_usage_error("config", "one CONFIG at most (got \"%s\" and more)", argv[first]);
    }
    struct aim_config *cfg = NULL;
    char *yaml = NULL;
    enum aim_status s = aim_cli_load_config(&cfg, first < argc ? argv[first] : NULL, sets, n_sets, 0);
    if (!s) {
        s = aim_config_emit(cfg, &yaml);
    }
    if (s) {
        rc = aim_cli_fail("config show", s);
    } else {
        fputs(yaml, stdout);
    }
    free(yaml);
    aim_config_free(cfg);
    free(sets);
    return rc;
}
