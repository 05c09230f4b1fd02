/* `aimsim reproduce FILE`: reruns the completed units (point, replica) of a run file, or those
 * --point and --replica select, from the file's own config, seed and sweep points, and checks
 * them bit for bit against the file (docs/sweeps.md, "Reproducing a result"). */
#include "sim/reproduce_cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/cli.h"
#include "sim/reproduce.h"
#include "sim/runner.h"
#include "sim/store.h"

/* More units than this: the count is announced with a hint to narrow the run. */
enum { AIM_REPRODUCE_CLI_MANY = 64 };

static const char aim_reproduce_cli_help[] =
    "Usage: aimsim reproduce FILE [--point P] [--replica R] [--threads N] [--ignore-provenance]\n"
    "Reruns units (point, replica) of a run file from the file's own resolved config\n"
    "(root attribute config), seed and sweep points (/sweep/points), and checks every\n"
    "series of /firm and /market, the unit's /balance_sheet block, its /event_count and\n"
    "its rows of /events bit for bit against the file.\n"
    "\n"
    "  --point P            only the units of sweep point P (default: every point)\n"
    "  --replica R          only replica R (default: every replica)\n"
    "  --threads N          OpenMP threads (default: all); results do not depend on it\n"
    "  --ignore-provenance  run even if this binary's version, git revision, compiler,\n"
    "                       flags or build type differ from the file's, or a tree was dirty\n"
    "  -h, --help           this help\n"
    "\n"
    "Units the file has not completed (replica_done 0) are skipped and reported.\n"
    "Exit status: 0 every unit reproduced bit for bit, 1 a unit differs (the first is\n"
    "printed: dataset, unit, index and both values) or a runtime failure, 2 usage error,\n"
    "missing or non-aimsim file, or a build whose provenance differs from the file's.\n";

static int aim_reproduce_cli_usage(const char *msg)
{
    fprintf(stderr, "aimsim reproduce: %s\nTry 'aimsim reproduce --help'.\n", msg);
    return 2;
}

/* The units to rerun (malloc'd pairs point, replica) and the count of those skipped. */
static int aim_reproduce_cli_units(const struct aim_store *st, long point, long replica, int **units, int *n,
                                   int *skipped, int *first_skipped)
{
    int np, nr, nt, nf;
    aim_store_shape(st, &np, &nr, &nt, &nf);
    int p0 = point >= 0 ? (int)point : 0, p1 = point >= 0 ? (int)point + 1 : np;
    int r0 = replica >= 0 ? (int)replica : 0, r1 = replica >= 0 ? (int)replica + 1 : nr;
    *units = malloc((size_t)(p1 - p0) * (size_t)(r1 - r0) * 2 * sizeof **units);
    if (!*units) {
        return -1;
    }
    *n = *skipped = 0;
    for (int p = p0; p < p1; p++) {
        for (int r = r0; r < r1; r++) {
            if (aim_store_replica_done(st, p, r)) {
                (*units)[2 * *n] = p;
                (*units)[2 * *n + 1] = r;
                (*n)++;
            } else {
                if (*skipped < 2) {
                    first_skipped[2 * *skipped] = p;
                    first_skipped[2 * *skipped + 1] = r;
                }
                (*skipped)++;
            }
        }
    }
    return 0;
}

/* Opens FILE and checks the selection against its shape; 0 or the exit status. */
static int aim_reproduce_cli_open(const char *file, long point, long replica, struct aim_store **st)
{
    struct stat sb;
    if (stat(file, &sb) != 0) {
        fprintf(stderr, "aimsim reproduce: %s: %s\n", file, strerror(errno));
        return 2;
    }
    if (S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "aimsim reproduce: %s: is a directory; give an aimsim run file (.h5)\n", file);
        return 2;
    }
    enum aim_status s = aim_store_open_read(st, file);
    if (s) {
        fprintf(stderr, "aimsim reproduce: %s\n", aim_error_message());
        return aim_error_exit_code(s);
    }
    int np, nr, nt, nf;
    aim_store_shape(*st, &np, &nr, &nt, &nf);
    if (point >= np || replica >= nr) {
        fprintf(stderr, "aimsim reproduce: %s: --%s %ld is out of range: the file has %d %s (0 to %d)\n",
                file, point >= np ? "point" : "replica", point >= np ? point : replica, point >= np ? np : nr,
                point >= np ? "points" : "replicas", (point >= np ? np : nr) - 1);
        aim_store_close(*st);
        *st = NULL;
        return 2;
    }
    return 0;
}

static int aim_reproduce_cli_check(const char *file, struct aim_store *st, int ignore_provenance)
{
    char *warnings = NULL;
    enum aim_status s = aim_reproduce_check_provenance(st, &warnings);
    if (warnings && warnings[0]) {
        fprintf(stderr, "aimsim reproduce: %s: warning: %s", file, warnings);
    }
    free(warnings);
    if (s == AIM_ERR_USAGE && ignore_provenance) {
        fprintf(stderr, "aimsim reproduce: %s: --ignore-provenance: running anyway, although %s\n", file,
                aim_error_message());
        return 0;
    }
    if (s) {
        fprintf(stderr, "aimsim reproduce: %s: %s\n%s", file, aim_error_message(),
                s == AIM_ERR_USAGE ? "Rebuild aimsim from the file's git revision with a clean tree, or give "
                                     "--ignore-provenance to run anyway.\n"
                                   : "");
        return aim_error_exit_code(s);
    }
    if (ignore_provenance) {
        fprintf(stderr, "aimsim reproduce: %s: --ignore-provenance given; the provenance matches anyway\n",
                file);
    }
    return 0;
}

int aim_reproduce_cli_main(int argc, char **argv)
{
    enum { OPT_POINT = 256, OPT_REPLICA, OPT_THREADS, OPT_IGNORE };
    static const struct option longopts[] = {{"point", required_argument, NULL, OPT_POINT},
                                             {"replica", required_argument, NULL, OPT_REPLICA},
                                             {"threads", required_argument, NULL, OPT_THREADS},
                                             {"ignore-provenance", no_argument, NULL, OPT_IGNORE},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    long point = -1, replica = -1, threads = omp_get_max_threads();
    int ignore_provenance = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        enum aim_status s = AIM_OK;
        switch (c) {
        case OPT_POINT:
            s = aim_cli_parse_long(optarg, 0, INT_MAX, "--point", &point);
            break;
        case OPT_REPLICA:
            s = aim_cli_parse_long(optarg, 0, INT_MAX, "--replica", &replica);
            break;
        case OPT_THREADS:
            s = aim_cli_parse_long(optarg, 1, 4096, "--threads", &threads);
            break;
        case OPT_IGNORE:
            ignore_provenance = 1;
            break;
        case 'h':
            fputs(aim_reproduce_cli_help, stdout);
            return 0;
        default:
            return aim_reproduce_cli_usage(optopt ? "an option lacks its value" : "unknown option");
        }
        if (s) {
            return aim_reproduce_cli_usage(aim_error_message());
        }
    }
    if (argc - optind != 1) {
        return aim_reproduce_cli_usage("expects exactly one FILE");
    }
    const char *file = argv[optind];
    struct aim_store *st = NULL;
    int rc = aim_reproduce_cli_open(file, point, replica, &st);
    if (rc) {
        return rc;
    }
    struct aim_config *cfg = NULL;
    char *yaml = NULL;
    int *units = NULL, n = 0, skipped = 0, first_skipped[4] = {0, 0, 0, 0};
    rc = aim_reproduce_cli_check(file, st, ignore_provenance);
    if (!rc) {
        enum aim_status s = aim_reproduce_config(st, &cfg, &yaml);
        if (s) {
            fprintf(stderr, "aimsim reproduce: %s: %s\n", file, aim_error_message());
            rc = aim_error_exit_code(s);
        }
    }
    if (!rc && aim_reproduce_cli_units(st, point, replica, &units, &n, &skipped, first_skipped) != 0) {
        fprintf(stderr, "aimsim reproduce: out of memory\n");
        rc = 1;
    }
    if (!rc) {
        int np, nr, nt, nf;
        aim_store_shape(st, &np, &nr, &nt, &nf);
        if (skipped) {
            fprintf(stderr,
                    "aimsim reproduce: %s: skipped %d unit%s the file has not completed (replica_done 0), "
                    "first replica %d of point %d\n",
                    file, skipped, skipped == 1 ? "" : "s", first_skipped[1], first_skipped[0]);
        }
        fprintf(stderr,
                "aimsim reproduce: %s: %d of the file's %d units (%d points x %d replicas) on %ld threads\n",
                file, n, np * nr, np, nr, threads);
        if (n > AIM_REPRODUCE_CLI_MANY && point < 0 && replica < 0) {
            fprintf(stderr, "aimsim reproduce: each unit reruns its whole replica; --point P and --replica R "
                            "narrow the check\n");
        }
        struct aim_reproduce_options opt = {.threads = (int)threads, .n_units = n, .units = units};
        struct aim_reproduce_report rep;
        /* One world per thread, as aimsim run holds (the same estimate and limit). */
        enum aim_status s = aim_runner_check_memory(cfg, (int)(threads < n ? threads : n > 0 ? n : 1), 0);
        if (!s) {
            s = aim_reproduce_run(st, cfg, yaml, &opt, &rep);
        }
        if (s) {
            fprintf(stderr, "aimsim reproduce: %s: %s\n", file, aim_error_message());
            rc = aim_error_exit_code(s);
        } else if (rep.differ) {
            const struct aim_reproduce_diff *d = &rep.diff;
            fprintf(stderr,
                    "aimsim reproduce: %s: replica %d of point %d differs: %s at %s\n  file:  %s\n  rerun: "
                    "%s\n",
                    file, d->replica, d->point, d->dataset, d->where, d->file_value, d->run_value);
            rc = 1;
        } else if (n == 0) {
            fprintf(stderr, "aimsim reproduce: %s: no completed unit to reproduce\n", file);
            rc = 1;
        } else {
            fprintf(stderr, "aimsim reproduce: %s: %d units compared in %.2f s\n", file, rep.compared,
                    rep.seconds);
            printf("reproduced %d unit%s of %s bit for bit\n", n, n == 1 ? "" : "s", file);
        }
    }
    free(units);
    free(yaml);
    aim_config_free(cfg);
    aim_store_close(st);
    return rc;
}
