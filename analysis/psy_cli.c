/* `aimsim psy FILE.csv [options]`: reads one column of a CSV, runs the PSY test, finds the
 * critical values (given, Monte Carlo or wild bootstrap) and date-stamps the episodes. */
#include "analysis/psy_cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/critval.h"
#include "analysis/csv.h"
#include "analysis/datestamp.h"
#include "analysis/psy.h"
#include "sim/cli.h"
#include "sim/resources.h"

static const char psy_cli_usage[] =
    "Usage: aimsim psy FILE.csv [--column NAME] [--lag K | --ic aic|bic --max-lag K] [--window-min N]\n"
    "                  [--window-convention exuber|psymonitor]\n"
    "                  [--cv X | --cv-reps N --seed S [--cv-method montecarlo|wild] [--tb N]]\n"
    "                  [--cache-dir DIR] [--json] [--max-memory SIZE] [--quiet] [--progress-interval S]\n"
    "\n"
    "Phillips-Shi-Yu test for explosive behaviour (bubbles) in one column of a CSV file: ADF, SADF,\n"
    "GSADF, the BSADF sequence, critical values and the episodes where BSADF exceeds its 95% value.\n"
    "\n"
    "  --column NAME          the series (default: the only column other than a first column of dates)\n"
    "  --lag K                fixed number of lagged differences (default 0)\n"
    "  --ic aic|bic           choose the lag per window as psymonitor does, up to --max-lag K\n"
    "  --window-min N         shortest window (default floor((0.01 + 1.8/sqrt(T)) T))\n"
    "  --window-convention C  exuber: N counts regression rows (default); psymonitor: N counts levels\n"
    "  --cv X                 one 95% critical value for every statistic and t\n"
    "  --cv-reps N            Monte Carlo replications under the random-walk null (default 2000)\n"
    "  --seed S               root seed of the replications (default 123)\n"
    "  --cv-method M          montecarlo (exuber design, default) or wild (psymonitor's wild bootstrap\n"
    "                         of the data, --cv-reps samples of length --tb, default T)\n"
    "  --cache-dir DIR        where Monte Carlo critical values are cached\n"
    "                         (default $XDG_CACHE_HOME/aimsim or ~/.cache/aimsim)\n"
    "  --json                 print one JSON object instead of the table\n"
    "  --max-memory SIZE      refuse to start if the estimated peak memory exceeds SIZE (e.g. 4G;\n"
    "                         default: the memory available, MemAvailable)\n"
    "  --quiet                no progress on stderr\n"
    "  --progress-interval S  seconds between progress lines when stderr is not a terminal (default 10)\n"
    "\n"
    "Exit status: 0 ok, 2 usage error or unusable input, 1 other failure.\n";

enum psy_cv_method { PSY_CV_MONTECARLO, PSY_CV_WILD, PSY_CV_GIVEN };

struct psy_cli_args {
    const char *file, *column, *cache_dir;
    struct aim_psy_options psy;
    int lag_given, ic_given, max_lag_given, json;
    enum psy_cv_method method;
    int method_given, reps_given, seed_given;
    double cv;
    long reps, tb;
    uint64_t seed;
    size_t max_memory; /* 0: MemAvailable */
    int quiet;
    double progress_interval;
};

/* Usage errors: message on stderr with the usage hint, exit status 2. */
static int psy_cli_usage_error(const char *fmt, const char *a, const char *b)
{
    fputs("aimsim psy: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputs("\nTry 'aimsim psy --help'.\n", stderr);
    return 2;
}

/* A whole-number option in [lo, hi]; on error the usage message is printed and 2 returned. */
static int psy_cli_long(const char *text, long lo, long hi, const char *opt, long *out)
{
    if (aim_cli_parse_long(text, lo, hi, opt, out) != AIM_OK) {
        return psy_cli_usage_error("%s%s", aim_error_message(), "");
    }
    return 0;
}

/* ---- progress on stderr: a line redrawn on a terminal, plain lines every interval otherwise ---- */

struct psy_cli_progress {
    int tty, quiet;
    double interval;    /* seconds between plain lines */
    const char *stage;  /* what is being computed */
    const char *unit;   /* what done counts */
    double start, last; /* monotonic seconds: stage start, last output */
    int shown;          /* something was printed for this stage */
    int percent;        /* done is a share of work (shown as %), not a count */
};

static double psy_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void psy_cli_progress_stage(struct psy_cli_progress *p, const char *stage, const char *unit,
                                   int percent)
{
    p->stage = stage;
    p->unit = unit;
    p->percent = percent;
    p->start = p->last = psy_cli_now();
    p->shown = 0;
}

/* Called with the work done so far; prints nothing for a stage shorter than a second (terminal)
 * or than the interval (otherwise), and closes with the final count if it printed anything. */
static void psy_cli_progress_cb(void *ctx, double done, double total)
{
    struct psy_cli_progress *p = ctx;
    if (p->quiet) {
        return;
    }
    double now = psy_cli_now(), elapsed = now - p->start;
    int last = done >= total;
    if (p->tty ? (elapsed < 1.0 || now - p->last < 0.2) && !last : now - p->last < p->interval && !last) {
        return;
    }
    if (last && !p->shown) {
        return;
    }
    char el[32], eta[32], count[64];
    aim_cli_hms(el, sizeof el, elapsed);
    aim_cli_hms(eta, sizeof eta, done > 0 ? elapsed * (total - done) / done : NAN);
    if (p->percent) {
        snprintf(count, sizeof count, "%.0f%% of the %s", total > 0 ? 100.0 * done / total : 100.0, p->unit);
    } else {
        snprintf(count, sizeof count, "%.0f/%.0f %s", done, total, p->unit);
    }
    if (p->tty) {
        int width = 30, fill = total > 0 ? (int)(width * done / total) : width;
        char bar[64];
        for (int i = 0; i < width; i++) {
            bar[i] = i < fill ? '#' : '.';
        }
        bar[width] = '\0';
        fprintf(stderr, "\r[%s] %s: %s done  elapsed %s  ETA %s ", bar, p->stage, count, el, eta);
        if (last) {
            fputc('\n', stderr);
        }
    } else {
        fprintf(stderr, "aimsim psy: %s: %s done, elapsed %s, ETA %s\n", p->stage, count, el, eta);
    }
    fflush(stderr);
    p->last = now;
    p->shown = 1;
}

static int psy_cli_parse(int argc, char **argv, struct psy_cli_args *a)
{
    memset(a, 0, sizeof *a);
    aim_psy_options_init(&a->psy);
    a->reps = 2000;
    a->seed = 123;
    a->method = PSY_CV_MONTECARLO;
    a->progress_interval = 10.0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        char name[64];
        const char *val = NULL;
        if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "--") == 0) {
            if (strcmp(arg, "--") == 0 && i + 1 < argc) {
                arg = argv[++i];
            }
            if (a->file) {
                return psy_cli_usage_error("one input file only ('%s' and '%s')", a->file, arg);
            }
            a->file = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof name) {
            return psy_cli_usage_error("unknown option '%s'%s", arg, "");
        }
        memcpy(name, arg, len);
        name[len] = '\0';
        if (strcmp(name, "--help") == 0) {
            fputs(psy_cli_usage, stdout);
            return -1;
        }
        if (strcmp(name, "--json") == 0) {
            a->json = 1;
            continue;
        }
        if (strcmp(name, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        static const char *const with_value[] = {"--column",     "--lag",
                                                 "--ic",         "--max-lag",
                                                 "--window-min", "--window-convention",
                                                 "--cv",         "--cv-reps",
                                                 "--seed",       "--cv-method",
                                                 "--tb",         "--cache-dir",
                                                 "--max-memory", "--progress-interval"};
        int known = 0;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++) {
            known |= strcmp(name, with_value[k]) == 0;
        }
        if (!known) {
            return psy_cli_usage_error("unknown option '%s'%s", arg, "");
        }
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return psy_cli_usage_error("%s needs a value%s", name, "");
        }
        long v;
        if (strcmp(name, "--column") == 0) {
            a->column = val;
        } else if (strcmp(name, "--lag") == 0) {
            if (psy_cli_long(val, 0, AIM_PSY_MAX_LAG, name, &v)) {
                return 2;
            }
            a->psy.lag = (int)v;
            a->lag_given = 1;
        } else if (strcmp(name, "--max-lag") == 0) {
            if (psy_cli_long(val, 0, AIM_PSY_MAX_LAG, name, &v)) {
                return 2;
            }
            a->psy.lag = (int)v;
            a->max_lag_given = 1;
        } else if (strcmp(name, "--ic") == 0) {
            if (strcmp(val, "aic") == 0) {
                a->psy.ic = AIM_PSY_IC_AIC;
            } else if (strcmp(val, "bic") == 0) {
                a->psy.ic = AIM_PSY_IC_BIC;
            } else {
                return psy_cli_usage_error("--ic wants aic or bic, not '%s'%s", val, "");
            }
            a->ic_given = 1;
        } else if (strcmp(name, "--window-min") == 0) {
            if (psy_cli_long(val, 1, 100000000, name, &v)) {
                return 2;
            }
            a->psy.window_min = v;
        } else if (strcmp(name, "--window-convention") == 0) {
            if (strcmp(val, "exuber") == 0) {
                a->psy.convention = AIM_PSY_EXUBER;
            } else if (strcmp(val, "psymonitor") == 0) {
                a->psy.convention = AIM_PSY_PSYMONITOR;
            } else {
                return psy_cli_usage_error("--window-convention wants exuber or psymonitor, not '%s'%s", val,
                                           "");
            }
        } else if (strcmp(name, "--cv") == 0) {
            if (aim_csv_parse_number(val, "--cv", &a->cv) != AIM_OK) {
                return psy_cli_usage_error("%s%s", aim_error_message(), "");
            }
            a->method = PSY_CV_GIVEN;
        } else if (strcmp(name, "--cv-reps") == 0) {
            if (psy_cli_long(val, 10, 100000000, name, &a->reps)) {
                return 2;
            }
            a->reps_given = 1;
        } else if (strcmp(name, "--seed") == 0) {
            if (aim_cli_parse_u64(val, "--seed", &a->seed) != AIM_OK) {
                return psy_cli_usage_error("%s%s", aim_error_message(), "");
            }
            a->seed_given = 1;
        } else if (strcmp(name, "--cv-method") == 0) {
            if (strcmp(val, "montecarlo") == 0) {
                a->method = PSY_CV_MONTECARLO;
            } else if (strcmp(val, "wild") == 0) {
                a->method = PSY_CV_WILD;
            } else {
                return psy_cli_usage_error("--cv-method wants montecarlo or wild, not '%s'%s", val, "");
            }
            a->method_given = 1;
        } else if (strcmp(name, "--tb") == 0) {
            if (psy_cli_long(val, 6, 100000000, name, &a->tb)) {
                return 2;
            }
        } else if (strcmp(name, "--max-memory") == 0) {
            if (aim_resources_parse_size(val, &a->max_memory) != AIM_OK) {
                return psy_cli_usage_error("--max-memory: %s%s", aim_error_message(), "");
            }
        } else if (strcmp(name, "--progress-interval") == 0) {
            char *end = NULL;
            errno = 0;
            double v = strtod(val, &end);
            if (errno || end == val || *end != '\0' || !(v >= 0.0 && v <= 86400.0)) {
                return psy_cli_usage_error("--progress-interval wants seconds in [0, 86400], not '%s'%s", val,
                                           "");
            }
            a->progress_interval = v;
        } else {
            a->cache_dir = val;
        }
    }
    if (!a->file) {
        return psy_cli_usage_error("no input file given (aimsim psy FILE.csv)%s%s", "", "");
    }
    if (a->lag_given && (a->ic_given || a->max_lag_given)) {
        return psy_cli_usage_error(
            "--lag fixes the lag; --ic with --max-lag chooses it: give one or the other%s%s", "", "");
    }
    if (a->ic_given != a->max_lag_given) {
        return psy_cli_usage_error(
            "%s%s", a->ic_given ? "--ic needs --max-lag K" : "--max-lag needs --ic aic|bic", "");
    }
    if (a->method == PSY_CV_GIVEN && (a->reps_given || a->seed_given || a->method_given || a->tb)) {
        return psy_cli_usage_error("--cv gives the critical value; --cv-reps, --seed, --cv-method and --tb "
                                   "compute one: give one or the other%s%s",
                                   "", "");
    }
    if (a->tb && a->method != PSY_CV_WILD) {
        return psy_cli_usage_error("--tb is the bootstrap sample length of --cv-method wild%s%s", "", "");
    }
    if (a->method == PSY_CV_WILD && !a->reps_given) {
        a->reps = 199; /* psymonitor's default nboot */
    }
    return 0;
}

/* Picks the column: --column, else the only column besides a first column of dates. */
static int psy_cli_column(const struct aim_csv *csv, const char *want, size_t *col, int *dates)
{
    size_t ncol = aim_csv_cols(csv);
    double v;
    *dates = ncol > 1 && aim_csv_rows(csv) > 0 && aim_csv_number(csv, 0, 0, &v) != AIM_OK;
    if (want) {
        if (aim_csv_column(csv, want, col) != AIM_OK) {
            return 2;
        }
        if (*col == 0) {
            *dates = 0;
        }
        return 0;
    }
    size_t first = *dates ? 1 : 0;
    if (ncol - first != 1) {
        /* The names as fit in the message, then how many more (never a name cut short). */
        char list[1024] = "";
        size_t len = 0, j = first;
        for (; j < ncol; j++) {
            const char *name = aim_csv_name(csv, j);
            if (len + strlen(name) + 4 > sizeof list - 32) {
                break;
            }
            len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'", j > first ? ", " : "", name);
        }
        if (j < ncol) {
            snprintf(list + len, sizeof list - len, "%sand %zu more", j > first ? ", " : "", ncol - j);
        }
        aim_error_set(AIM_ERR_USAGE, "%s has %zu series columns (%s); choose one with --column NAME",
                      aim_csv_source(csv), ncol - first, list);
        return 2;
    }
    *col = first;
    return 0;
}

struct psy_cli_cv {
    enum psy_cv_method method;
    double adf[3], sadf[3], gsadf[3]; /* NaN where not computed */
    double *bsadf95;                  /* per t, count values */
    int from_cache;
    char note[600];
};

static const char *psy_cli_date(const struct aim_csv *csv, int dates, size_t t)
{
    return dates && t >= 1 && t <= aim_csv_rows(csv) ? aim_csv_cell(csv, t - 1, 0) : NULL;
}

static void psy_cli_print_json(FILE *out, const struct psy_cli_args *a, const struct aim_csv *csv, size_t col,
                               int dates, const struct aim_psy_result *r, const struct psy_cli_cv *cv,
                               const struct aim_datestamp_episode *ep, size_t ne)
{
    static const char *const ic_name[] = {"none", "aic", "bic"};
    static const char *const method_name[] = {"montecarlo", "wild-bootstrap", "given"};
    fputs("{\"file\": ", out);
    aim_cli_json_string(out, a->file);
    fputs(", \"column\": ", out);
    aim_cli_json_string(out, aim_csv_name(csv, col));
    fprintf(out,
            ", \"n\": %zu, \"lag\": %d, \"ic\": \"%s\", \"window_convention\": \"%s\", \"min_levels\": %zu",
            r->n, a->psy.lag, ic_name[a->psy.ic],
            a->psy.convention == AIM_PSY_EXUBER ? "exuber" : "psymonitor", r->min_levels);
    fputs(",\n \"adf\": ", out);
    aim_cli_json_number(out, r->adf);
    fputs(", \"sadf\": ", out);
    aim_cli_json_number(out, r->sadf);
    fputs(", \"gsadf\": ", out);
    aim_cli_json_number(out, r->gsadf);
    fputs(",\n \"t\": [", out);
    for (size_t i = 0; i < r->count; i++) {
        fprintf(out, "%s%zu", i ? ", " : "", r->first_t + i);
    }
    fputs("],\n \"bsadf\": [", out);
    for (size_t i = 0; i < r->count; i++) {
        fputs(i ? ", " : "", out);
        aim_cli_json_number(out, r->bsadf[i]);
    }
    fputs("],\n \"badf\": [", out);
    for (size_t i = 0; i < r->count; i++) {
        fputs(i ? ", " : "", out);
        aim_cli_json_number(out, r->badf[i]);
    }
    fprintf(out, "],\n \"cv95\": {\"method\": \"%s\"", method_name[cv->method]);
    if (cv->method == PSY_CV_MONTECARLO) {
        fprintf(out, ", \"replications\": %ld, \"seed\": %llu, \"lag\": %d", a->reps,
                (unsigned long long)a->seed, a->psy.ic == AIM_PSY_IC_NONE ? a->psy.lag : 0);
    } else if (cv->method == PSY_CV_WILD) {
        fprintf(out, ", \"replications\": %ld, \"seed\": %llu, \"tb\": %ld", a->reps,
                (unsigned long long)a->seed, a->tb);
    }
    fputs(", \"adf\": ", out);
    aim_cli_json_number(out, cv->adf[1]);
    fputs(", \"sadf\": ", out);
    aim_cli_json_number(out, cv->sadf[1]);
    fputs(", \"gsadf\": ", out);
    aim_cli_json_number(out, cv->gsadf[1]);
    fputs(", \"bsadf\": [", out);
    for (size_t i = 0; i < r->count; i++) {
        fputs(i ? ", " : "", out);
        aim_cli_json_number(out, cv->bsadf95[i]);
    }
    fputs("]},\n \"episodes\": [", out);
    for (size_t e = 0; e < ne; e++) {
        fprintf(out, "%s\n  {\"start\": %zu, \"peak\": %zu, \"end\": ", e ? "," : "", ep[e].start,
                ep[e].peak);
        if (ep[e].ongoing) {
            fputs("null", out);
        } else {
            fprintf(out, "%zu", ep[e].end);
        }
        fprintf(out, ", \"duration\": %zu, \"ongoing\": %s", ep[e].duration,
                ep[e].ongoing ? "true" : "false");
        if (dates) {
            const size_t t[3] = {ep[e].start, ep[e].peak, ep[e].end};
            static const char *const key[3] = {"start", "peak", "end"};
            fputs(", \"date\": {", out);
            for (int k = 0; k < 3; k++) {
                const char *d = psy_cli_date(csv, dates, t[k]);
                fprintf(out, "%s\"%s\": ", k ? ", " : "", key[k]);
                if (d && !(k == 2 && ep[e].ongoing)) {
                    aim_cli_json_string(out, d);
                } else {
                    fputs("null", out);
                }
            }
            fputs("}", out);
        }
        fputs("}", out);
    }
    fputs(ne ? "\n ]}\n" : "]}\n", out);
}

static void psy_cli_print_text(FILE *out, const struct psy_cli_args *a, const struct aim_csv *csv, size_t col,
                               int dates, const struct aim_psy_result *r, const struct psy_cli_cv *cv,
                               const struct aim_datestamp_episode *ep, size_t ne, int stamped)
{
    fprintf(out, "PSY test: %s, column '%s', T = %zu\n", a->file, aim_csv_name(csv, col), r->n);
    if (a->psy.ic == AIM_PSY_IC_NONE) {
        fprintf(out, "lag %d; ", a->psy.lag);
    } else {
        fprintf(out, "lag chosen by %s up to %d (psymonitor's rule); ",
                a->psy.ic == AIM_PSY_IC_AIC ? "AIC" : "BIC", a->psy.lag);
    }
    fprintf(out, "shortest window %zu levels (%s convention); BSADF for t = %zu..%zu\n", r->min_levels,
            a->psy.convention == AIM_PSY_EXUBER ? "exuber" : "psymonitor", r->first_t, r->n);
    if (cv->method == PSY_CV_GIVEN) {
        fprintf(out, "critical value: %.6g (given, for every statistic and t)\n", cv->gsadf[1]);
    } else if (cv->method == PSY_CV_MONTECARLO) {
        fprintf(out,
                "critical values: Monte Carlo, random-walk null, lag %d, %ld replications, seed %llu%s\n",
                a->psy.ic == AIM_PSY_IC_NONE ? a->psy.lag : 0, a->reps, (unsigned long long)a->seed,
                cv->from_cache ? " (from cache)" : "");
    } else {
        fprintf(out, "critical values: wild bootstrap (psymonitor), %ld samples of length %ld, seed %llu\n",
                a->reps, a->tb, (unsigned long long)a->seed);
    }
    fprintf(out, "\n%-6s %10s %9s %9s %9s\n", "", "statistic", "cv 90%", "cv 95%", "cv 99%");
    const char *names[3] = {"ADF", "SADF", "GSADF"};
    const double stat[3] = {r->adf, r->sadf, r->gsadf};
    const double *cvs[3] = {cv->adf, cv->sadf, cv->gsadf};
    for (int s = 0; s < 3; s++) {
        fprintf(out, "%-6s %10.4f", names[s], stat[s]);
        for (int l = 0; l < 3; l++) {
            if (isnan(cvs[s][l])) {
                fprintf(out, " %9s", "-");
            } else {
                fprintf(out, " %9.4f", cvs[s][l]);
            }
        }
        fputc('\n', out);
    }
    if (!stamped) {
        fprintf(out, "\nNo episodes: GSADF %.4f is not above its 95%% critical value %.4f.\n", r->gsadf,
                cv->gsadf[1]);
        return;
    }
    fprintf(out, "\nEpisodes (BSADF above its 95%% critical value; End is the first t after the run):\n");
    if (ne == 0) {
        fputs("  none\n", out);
    }
    for (size_t e = 0; e < ne; e++) {
        const size_t t[3] = {ep[e].start, ep[e].peak, ep[e].end};
        fputs(" ", out);
        static const char *const key[3] = {"start", "peak", "end"};
        for (int k = 0; k < 3; k++) {
            const char *d = psy_cli_date(csv, dates, t[k]);
            if (k == 2 && ep[e].ongoing) {
                fprintf(out, " %s ongoing", key[k]);
            } else if (d) {
                fprintf(out, " %s %zu (%s)", key[k], t[k], d);
            } else {
                fprintf(out, " %s %zu", key[k], t[k]);
            }
        }
        fprintf(out, "  duration %zu\n", ep[e].duration);
    }
}

/* The peak memory of the test once the CSV is read, refused above --max-memory or MemAvailable:
 * the program, the series and its BSADF (8 bytes per value and per t, with the differences and a
 * rescaled copy), plus the Monte Carlo draws (every replication's cummax(BADF) for each t: 8 count
 * reps bytes, plus a series per thread) or the wild bootstrap (its samples, one set per thread). */
static enum aim_status psy_cli_check_memory(const struct psy_cli_args *a, size_t n, size_t levels)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    double t = (double)n, count = (double)(n - levels + 1), threads = (double)omp_get_max_threads();
    /* 16 MiB for the program, its libraries and the OpenMP thread stacks (measured: ~4 MiB). */
    double series = 16.0 * 1024 * 1024 + 8.0 * t * 4.0 + 8.0 * count * 3.0 +
                    (double)sizeof(struct aim_datestamp_episode) * count;
    double cvb = 0.0;
    char what[256] = "";
    if (a->method == PSY_CV_MONTECARLO) {
        struct aim_critval_options co;
        aim_critval_options_init(&co);
        co.lag = a->psy.ic == AIM_PSY_IC_NONE ? a->psy.lag : 0;
        co.convention = AIM_PSY_PSYMONITOR;
        co.window_min = (long)levels;
        co.replications = (int)a->reps;
        co.seed = a->seed;
        co.cache_dir = a->cache_dir;
        char path[4400];
        int cached = aim_critval_cache_path(path, sizeof path, n, &co) == AIM_OK && access(path, R_OK) == 0;
        aim_error_clear();
        if (!cached) {
            double reps = (double)a->reps;
            cvb = 8.0 * reps * (3.0 + count) + 24.0 * count + threads * 8.0 * (t + 2.0 * count);
            snprintf(what, sizeof what,
                     "; Monte Carlo critical values, %ld replications x %.0f values of t: %.3f GiB", a->reps,
                     count, cvb / gib);
        }
    } else if (a->method == PSY_CV_WILD) {
        double tb = a->tb ? (double)a->tb : t;
        cvb = 8.0 * (3.0 * t + (double)a->reps) + threads * 8.0 * 3.0 * tb;
        snprintf(what, sizeof what, "; wild bootstrap, %d threads x samples of %.0f: %.3f GiB", (int)threads,
                 tb, cvb / gib);
    }
    double need = series + cvb;
    size_t limit = aim_resources_memory_limit(a->max_memory);
    if (need > (double)limit) {
        const char *advice = a->method == PSY_CV_MONTECARLO ? "use fewer --cv-reps or give --cv X"
                             : a->method == PSY_CV_WILD     ? "use a shorter --tb or fewer --cv-reps"
                                                            : "use a shorter series";
        return aim_error_set(
            AIM_ERR_NOMEM,
            "estimated peak memory %.3f GiB (series of %zu values and its BSADF: %.3f GiB%s) "
            "exceeds %s of %.3f GiB; %s%s",
            need / gib, n, series / gib, what,
            a->max_memory ? "--max-memory" : "the memory available (MemAvailable)", (double)limit / gib,
            advice, a->max_memory ? ", or raise --max-memory" : "");
    }
    return AIM_OK;
}

/* Status of a failed step: 2 for anything about the input or the options, 1 for the rest. */
static int psy_cli_fail(enum aim_status st)
{
    fprintf(stderr, "aimsim psy: %s\n", aim_error_message());
    return st == AIM_ERR_NOMEM || st == AIM_ERR_INTERNAL ? 1 : 2;
}

int aim_psy_cli_main(int argc, char **argv)
{
    struct psy_cli_args a;
    int rc = psy_cli_parse(argc, argv, &a);
    if (rc) {
        return rc < 0 ? 0 : rc;
    }
    aim_error_clear();
    struct aim_csv *csv = NULL;
    struct aim_psy_result *r = NULL;
    struct aim_critval *mc = NULL;
    struct aim_datestamp_episode *ep = NULL;
    struct psy_cli_cv cv;
    double *y = NULL;
    memset(&cv, 0, sizeof cv);
    cv.method = a.method;
    enum aim_status st = aim_csv_read(&csv, a.file);
    if (st != AIM_OK) {
        rc = psy_cli_fail(st == AIM_ERR_IO ? AIM_ERR_USAGE : st);
        goto done;
    }
    size_t col, n = aim_csv_rows(csv);
    int dates;
    if (n == 0) {
        aim_error_set(
            AIM_ERR_USAGE,
            "%s has a header (%zu columns, first '%s') but no data rows; the test needs a series of "
            "at least 6 values, one per row",
            a.file, aim_csv_cols(csv), aim_csv_cols(csv) ? aim_csv_name(csv, 0) : "");
        rc = psy_cli_fail(AIM_ERR_USAGE);
        goto done;
    }
    if (psy_cli_column(csv, a.column, &col, &dates)) {
        rc = psy_cli_fail(AIM_ERR_USAGE);
        goto done;
    }
    y = malloc((n ? n : 1) * sizeof *y);
    if (!y) {
        aim_error_set(AIM_ERR_NOMEM, "cannot allocate %zu values", n);
        rc = psy_cli_fail(AIM_ERR_NOMEM);
        goto done;
    }
    st = aim_csv_column_numbers(csv, col, y);
    size_t levels;
    if (st == AIM_OK && aim_psy_min_levels(&a.psy, n, &levels) == AIM_OK) {
        /* Refuse before the long allocations, as `aimsim run --max-memory` does. */
        st = psy_cli_check_memory(&a, n, levels);
        if (st != AIM_OK) {
            rc = psy_cli_fail(st);
            goto done;
        }
    }
    struct psy_cli_progress progress = {
        isatty(STDERR_FILENO), a.quiet, a.progress_interval, "", "", 0, 0, 0, 0};
    a.psy.progress = psy_cli_progress_cb;
    a.psy.progress_ctx = &progress;
    if (st == AIM_OK) {
        psy_cli_progress_stage(&progress, "BSADF", "regression windows", 1);
        st = aim_psy_result_create(&r, y, n, &a.psy);
    }
    if (st != AIM_OK) {
        aim_error_prefix(st, "%s, column '%s': ", a.file, aim_csv_name(csv, col));
        rc = psy_cli_fail(st);
        goto done;
    }
    cv.bsadf95 = malloc(r->count * sizeof *cv.bsadf95);
    ep = malloc((r->count + 1) / 2 * sizeof *ep + sizeof *ep);
    if (!cv.bsadf95 || !ep) {
        aim_error_set(AIM_ERR_NOMEM, "cannot allocate critical values");
        rc = psy_cli_fail(AIM_ERR_NOMEM);
        goto done;
    }
    for (int l = 0; l < 3; l++) {
        cv.adf[l] = cv.sadf[l] = cv.gsadf[l] = NAN;
    }
    if (a.method == PSY_CV_GIVEN) {
        cv.gsadf[1] = a.cv;
        for (size_t i = 0; i < r->count; i++) {
            cv.bsadf95[i] = a.cv;
        }
    } else if (a.method == PSY_CV_MONTECARLO) {
        /* exuber's design with this test's window and lag; lag-selecting runs use lag 0. */
        struct aim_critval_options co;
        aim_critval_options_init(&co);
        co.lag = a.psy.ic == AIM_PSY_IC_NONE ? a.psy.lag : 0;
        co.convention = AIM_PSY_PSYMONITOR;
        co.window_min = (long)r->min_levels;
        co.replications = (int)a.reps;
        co.seed = a.seed;
        co.cache_dir = a.cache_dir;
        co.progress = psy_cli_progress_cb;
        co.progress_ctx = &progress;
        psy_cli_progress_stage(&progress, "Monte Carlo critical values", "replications", 0);
        st = aim_critval_create(&mc, n, &co);
        if (st != AIM_OK) {
            rc = psy_cli_fail(st);
            goto done;
        }
        if (mc->cache_note[0] && !a.json) {
            fprintf(stderr, "aimsim psy: note: %s\n", mc->cache_note);
        }
        memcpy(cv.adf, mc->adf, sizeof cv.adf);
        memcpy(cv.sadf, mc->sadf, sizeof cv.sadf);
        memcpy(cv.gsadf, mc->gsadf, sizeof cv.gsadf);
        for (size_t i = 0; i < r->count; i++) {
            cv.bsadf95[i] = mc->bsadf[i * 3 + 1];
        }
        cv.from_cache = mc->from_cache;
    } else {
        struct aim_psy_options wp = a.psy;
        wp.convention = AIM_PSY_PSYMONITOR;
        wp.window_min = (long)r->min_levels;
        if (!a.tb) {
            a.tb = (long)n;
        }
        psy_cli_progress_stage(&progress, "wild bootstrap", "samples", 0);
        st = aim_critval_wild_bootstrap(y, n, &wp, (size_t)a.tb, (int)a.reps, a.seed, 0, cv.gsadf);
        if (st != AIM_OK) {
            rc = psy_cli_fail(st);
            goto done;
        }
        for (size_t i = 0; i < r->count; i++) {
            cv.bsadf95[i] = cv.gsadf[1];
        }
    }
    /* exuber stamps only when GSADF rejects; with one scalar cv this changes nothing. */
    int stamped = r->gsadf > cv.gsadf[1];
    size_t ne = 0;
    if (stamped) {
        st = aim_datestamp_find(r->bsadf, r->count, r->first_t, cv.bsadf95, r->count, ep, &ne);
        if (st != AIM_OK) {
            rc = psy_cli_fail(st);
            goto done;
        }
    }
    if (a.json) {
        psy_cli_print_json(stdout, &a, csv, col, dates, r, &cv, ep, ne);
    } else {
        psy_cli_print_text(stdout, &a, csv, col, dates, r, &cv, ep, ne, stamped);
    }
    rc = fflush(stdout) == 0 ? 0 : 1;
done:
    free(ep);
    free(cv.bsadf95);
    aim_critval_free(mc);
    aim_psy_result_free(r);
    free(y);
    aim_csv_free(csv);
    return rc;
}
