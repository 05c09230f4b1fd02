#include "analysis/analyze_cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/analyze.h"
#include "sim/cli.h"
#include "sim/error.h"

static void aim_analyze_cli_usage(FILE *out)
{
    fputs("Usage: aimsim analyze RUN.h5 [options]\n"
          "Computes concentration, bubble-risk and crash indicators (MODEL.md 10) for every replica and\n"
          "across replicas, writes them to the group /analysis of RUN.h5 and prints a summary.\n\n"
          "Options:\n"
          "  -o, --output FILE       write /analysis to FILE instead (RUN.h5 is left untouched)\n"
          "      --force             replace FILE if it exists\n"
          "      --no-write          only print the summary\n"
          "      --json              print the summary as JSON\n"
          "      --crash-drawdown X  a crash is a fall of at least X (default: the run's config)\n"
          "      --crash-window N    ... within N months (default: the run's config)\n"
          "      --cascade-link N    defaults at most N months apart form one cascade (default 1)\n"
          "      --no-bubble         skip the GSADF bubble test\n"
          "      --cv-reps N         Monte Carlo replications of the GSADF critical value (2000)\n"
          "      --cv-seed S         their seed (123)\n"
          "      --threads N         threads for the critical values (default: OpenMP's)\n"
          "      --cache-dir DIR     where critical values are cached (default ~/.cache/aimsim)\n"
          "      --no-cache          do not read or write the cache\n"
          "      --partial           analyse the complete replicas of an unfinished run\n"
          "  -h, --help              this help\n\n"
          "Exit status: 0 ok, 1 failure while writing, 2 usage error or bad input file.\n",
          out);
}

static int aim_analyze_cli_fail(int code, const char *fmt, const char *arg)
{
    fputs("aimsim analyze: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return code;
}

/* A whole-number option in [lo, hi]; on error the message is printed and 0 returned. */
static int aim_analyze_cli_long(const char *text, const char *name, long lo, long hi, long *out)
{
    if (aim_cli_parse_long(text, lo, hi, name, out) != AIM_OK) {
        aim_analyze_cli_fail(2, "%s", aim_error_message());
        return 0;
    }
    return 1;
}

static void aim_analyze_cli_prop(FILE *out, const struct aim_bands_proportion *p)
{
    fprintf(out, "{\"successes\": %d, \"n\": %d, \"estimate\": ", p->successes, p->n);
    aim_cli_json_number(out, p->estimate);
    fputs(", \"lower\": ", out);
    aim_cli_json_number(out, p->lower);
    fputs(", \"upper\": ", out);
    aim_cli_json_number(out, p->upper);
    fputs("}", out);
}

/* Figures of the summary for one point, shared by the table and the JSON. */
struct aim_analyze_cli_point {
    double hhi_start[AIM_ANALYZE_N_LAYERS + 3], hhi_end[AIM_ANALYZE_N_LAYERS + 3];
    double vf_median, vf_p95, circ_median, circ_p95, cov_median, cov_p95, mdd_median, mdd_p95;
    double mean_defaults;
    int max_cascade;
};

static const char *const aim_analyze_cli_hhi_keys[AIM_ANALYZE_N_LAYERS + 3] = {
    "all", "vendors", "clouds", "labs", "capacity", "deliveries", "demand"};
static const char *const aim_analyze_cli_hhi_labels[AIM_ANALYZE_N_LAYERS + 3] = {
    "all AI firms", "vendors", "clouds", "labs", "cloud capacity", "GPU deliveries (from month 1)",
    "end demand"};

static void aim_analyze_cli_point_figures(const struct aim_analysis *a, int p,
                                          struct aim_analyze_cli_point *f)
{
    const int end = a->n_times - 1;
    for (int l = 0; l < AIM_ANALYZE_N_LAYERS; l++) {
        f->hhi_start[l] = aim_analyze_quantile_prtl(a, a->hhi, p, 0, l, 0.5);
        f->hhi_end[l] = aim_analyze_quantile_prtl(a, a->hhi, p, end, l, 0.5);
    }
    const double *other[3] = {a->hhi_capacity, a->hhi_deliveries, a->hhi_demand};
    for (int j = 0; j < 3; j++) {
        /* Deliveries are a flow: time 0 is the state before any month, so "start" is month 1. */
        const int t0 = (other[j] == a->hhi_deliveries && end > 0) ? 1 : 0;
        f->hhi_start[AIM_ANALYZE_N_LAYERS + j] = aim_analyze_quantile_prt(a, other[j], p, t0, 0.5);
        f->hhi_end[AIM_ANALYZE_N_LAYERS + j] = aim_analyze_quantile_prt(a, other[j], p, end, 0.5);
    }
    /* Value/fundamental and circularity at the horizon come from their bands (p50 = index 2,
     * p95 = index 4), which hold every analysed replica. */
    const size_t per = AIM_BANDS_N_STANDARD * (size_t)a->n_times;
    const double *b = a->bands + (size_t)p * AIM_ANALYZE_N_BANDED * per;
    f->vf_median = b[1 * per + 2 * (size_t)a->n_times + (size_t)end];
    f->vf_p95 = b[1 * per + 4 * (size_t)a->n_times + (size_t)end];
    f->circ_median = b[2 * per + 2 * (size_t)a->n_times + (size_t)end];
    f->circ_p95 = b[2 * per + 4 * (size_t)a->n_times + (size_t)end];
    f->cov_median = b[3 * per + 2 * (size_t)a->n_times + (size_t)end];
    f->cov_p95 = b[3 * per + 4 * (size_t)a->n_times + (size_t)end];
    f->mdd_median = aim_analyze_quantile_pr(a, a->max_drawdown, p, 0.5);
    f->mdd_p95 = aim_analyze_quantile_pr(a, a->max_drawdown, p, 0.95);
    long defaults = 0;
    f->max_cascade = 0;
    for (int r = 0; r < a->n_replicas; r++) {
        size_t pr = (size_t)p * (size_t)a->n_replicas + (size_t)r;
        if (a->done[pr]) {
            defaults += a->n_defaults[pr];
            f->max_cascade = a->max_cascade[pr] > f->max_cascade ? a->max_cascade[pr] : f->max_cascade;
        }
    }
    f->mean_defaults = (double)defaults / (double)a->n_analysed[p];
}

static void aim_analyze_cli_table(FILE *out, const struct aim_analysis *a, const char *path,
                                  const char *written)
{
    int analysed = 0;
    for (int p = 0; p < a->n_points; p++) {
        analysed += a->n_analysed[p];
    }
    fprintf(out, "aimsim analyze: %s\n", path);
    fprintf(out, "  %d point%s, %d of %d replicas analysed, %d months from %s\n", a->n_points,
            a->n_points == 1 ? "" : "s", analysed, a->n_points * a->n_replicas, a->n_times, a->start_date);
    fprintf(
        out,
        "  crash: AI market value falls >= %.4g%% within %d months; cascades: defaults <= %d month%s apart\n",
        100.0 * a->crash_drawdown, a->crash_window, a->cascade_link, a->cascade_link == 1 ? "" : "s");
    fprintf(out, "  quantiles across replicas: R type 7; intervals: Wilson 95%%\n");
    if (written) {
        fprintf(out, "  written: %s:/analysis\n", written);
    }
    for (int p = 0; p < a->n_points; p++) {
        struct aim_analyze_cli_point f;
        aim_analyze_cli_point_figures(a, p, &f);
        fprintf(out, "\npoint %d (%d replicas)\n", p, a->n_analysed[p]);
        fprintf(out, "  %-36s %10s %10s\n", "HHI x10^4, median across replicas", "start", "end");
        for (int l = 0; l < AIM_ANALYZE_N_LAYERS + 3; l++) {
            fprintf(out, "    %-34s %10.1f %10.1f\n", aim_analyze_cli_hhi_labels[l], 1e4 * f.hhi_start[l],
                    1e4 * f.hhi_end[l]);
        }
        fprintf(out, "  %-36s %10s %10s\n", "at the end", "median", "p95");
        fprintf(out, "    %-34s %10.4g %10.4g\n", "value/fundamental", f.vf_median, f.vf_p95);
        fprintf(out, "    %-34s %10.4g %10.4g\n", "circularity index", f.circ_median, f.circ_p95);
        fprintf(out, "    %-34s %10.4g %10.4g\n", "commitment coverage", f.cov_median, f.cov_p95);
        fprintf(out, "    %-34s %10.4g %10.4g\n", "maximum drawdown (whole run)", f.mdd_median, f.mdd_p95);
        const struct aim_bands_proportion *c = &a->crash_probability[p];
        fprintf(out, "  %-36s %d/%d = %.4g  [%.4g, %.4g]\n", "crash probability", c->successes, c->n,
                c->estimate, c->lower, c->upper);
        if (a->bubble) {
            const struct aim_bands_proportion *b = &a->bubble_share[p];
            char label[64];
            snprintf(label, sizeof label, "bubble share (GSADF > %.4g)", a->gsadf_cv95);
            fprintf(out, "  %-36s %d/%d = %.4g  [%.4g, %.4g]", label, b->successes, b->n, b->estimate,
                    b->lower, b->upper);
            if (a->n_untestable[p] > 0) {
                fprintf(out, "  (%d untestable, counted as no bubble)", a->n_untestable[p]);
            }
            fputc('\n', out);
        } else {
            fprintf(out, "  %-36s not computed: %s\n", "bubble share", a->bubble_note);
        }
        fprintf(out, "  %-36s mean %.4g per replica, largest cascade %d\n", "defaults", f.mean_defaults,
                f.max_cascade);
    }
}

static void aim_analyze_cli_json(FILE *out, const struct aim_analysis *a, const char *path,
                                 const char *written)
{
    fputs("{\"file\": ", out);
    aim_cli_json_string(out, path);
    fputs(", \"written\": ", out);
    if (written) {
        aim_cli_json_string(out, written);
    } else {
        fputs("null", out);
    }
    fprintf(out, ", \"points\": %d, \"replicas\": %d, \"times\": %d, \"start_date\": ", a->n_points,
            a->n_replicas, a->n_times);
    aim_cli_json_string(out, a->start_date);
    fputs(", \"crash_drawdown\": ", out);
    aim_cli_json_number(out, a->crash_drawdown);
    fprintf(out, ", \"crash_window\": %d, \"cascade_link\": %d, \"quantile_type\": 7, \"gsadf_cv95\": ",
            a->crash_window, a->cascade_link);
    aim_cli_json_number(out, a->bubble ? a->gsadf_cv95 : NAN);
    fputs(", \"bubble_note\": ", out);
    aim_cli_json_string(out, a->bubble_note);
    fputs(", \"results\": [", out);
    for (int p = 0; p < a->n_points; p++) {
        struct aim_analyze_cli_point f;
        aim_analyze_cli_point_figures(a, p, &f);
        fprintf(out, "%s{\"point\": %d, \"analysed\": %d, \"hhi\": {", p ? ", " : "", p, a->n_analysed[p]);
        for (int l = 0; l < AIM_ANALYZE_N_LAYERS + 3; l++) {
            fprintf(out, "%s\"%s\": {\"start\": ", l ? ", " : "", aim_analyze_cli_hhi_keys[l]);
            aim_cli_json_number(out, f.hhi_start[l]);
            fputs(", \"end\": ", out);
            aim_cli_json_number(out, f.hhi_end[l]);
            fputs("}", out);
        }
        const char *names[4] = {"value_fundamental", "circularity", "commitment_coverage", "max_drawdown"};
        const double med[4] = {f.vf_median, f.circ_median, f.cov_median, f.mdd_median};
        const double p95[4] = {f.vf_p95, f.circ_p95, f.cov_p95, f.mdd_p95};
        fputs("}", out);
        for (int i = 0; i < 4; i++) {
            fprintf(out, ", \"%s\": {\"median\": ", names[i]);
            aim_cli_json_number(out, med[i]);
            fputs(", \"p95\": ", out);
            aim_cli_json_number(out, p95[i]);
            fputs("}", out);
        }
        fputs(", \"crash_probability\": ", out);
        aim_analyze_cli_prop(out, &a->crash_probability[p]);
        fputs(", \"bubble_share\": ", out);
        if (a->bubble) {
            aim_analyze_cli_prop(out, &a->bubble_share[p]);
        } else {
            fputs("null", out);
        }
        fprintf(out, ", \"untestable\": %d, \"defaults\": {\"mean\": ", a->bubble ? a->n_untestable[p] : 0);
        aim_cli_json_number(out, f.mean_defaults);
        fprintf(out, ", \"max_cascade\": %d}}", f.max_cascade);
    }
    fputs("]}\n", out);
}

enum {
    OPT_JSON = 256,
    OPT_NO_WRITE,
    OPT_CRASH_DD,
    OPT_CRASH_W,
    OPT_LINK,
    OPT_NO_BUBBLE,
    OPT_CV_REPS,
    OPT_CV_SEED,
    OPT_THREADS,
    OPT_CACHE_DIR,
    OPT_NO_CACHE,
    OPT_PARTIAL,
    OPT_FORCE
};
static const struct option aim_analyze_cli_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"json", no_argument, NULL, OPT_JSON},
    {"no-write", no_argument, NULL, OPT_NO_WRITE},
    {"crash-drawdown", required_argument, NULL, OPT_CRASH_DD},
    {"crash-window", required_argument, NULL, OPT_CRASH_W},
    {"cascade-link", required_argument, NULL, OPT_LINK},
    {"no-bubble", no_argument, NULL, OPT_NO_BUBBLE},
    {"cv-reps", required_argument, NULL, OPT_CV_REPS},
    {"cv-seed", required_argument, NULL, OPT_CV_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"partial", no_argument, NULL, OPT_PARTIAL},
    {"force", no_argument, NULL, OPT_FORCE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

int aim_analyze_cli_main(int argc, char **argv)
{
    struct aim_analyze_options opt;
    aim_analyze_options_init(&opt);
    const char *out_path = NULL;
    int json = 0, write = 1, force = 0, c;
    long v;
    char *end;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", aim_analyze_cli_options, NULL)) != -1) {
        switch (c) {
        case 'o':
            out_path = optarg;
            break;
        case OPT_JSON:
            json = 1;
            break;
        case OPT_NO_WRITE:
            write = 0;
            break;
        case OPT_CRASH_DD:
            errno = 0;
            opt.crash_drawdown = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(opt.crash_drawdown > 0.0 && opt.crash_drawdown < 1.0)) {
                return aim_analyze_cli_fail(2, "--crash-drawdown must be a number in (0, 1), got \"%s\"",
                                            optarg);
            }
            break;
        case OPT_CRASH_W:
            if (!aim_analyze_cli_long(optarg, "--crash-window", 1, 1200, &v)) {
                return 2;
            }
            opt.crash_window = (int)v;
            break;
        case OPT_LINK:
            if (!aim_analyze_cli_long(optarg, "--cascade-link", 1, 1200, &v)) {
                return 2;
            }
            opt.cascade_link = (int)v;
            break;
        case OPT_NO_BUBBLE:
            opt.bubble = 0;
            break;
        case OPT_CV_REPS:
            if (!aim_analyze_cli_long(optarg, "--cv-reps", 20, 1000000, &v)) {
                return 2;
            }
            opt.cv_replications = (int)v;
            break;
        case OPT_CV_SEED:
            if (aim_cli_parse_u64(optarg, "--cv-seed", &opt.cv_seed) != AIM_OK) {
                return aim_analyze_cli_fail(2, "%s", aim_error_message());
            }
            break;
        case OPT_THREADS:
            if (!aim_analyze_cli_long(optarg, "--threads", 1, 4096, &v)) {
                return 2;
            }
            opt.threads = (int)v;
            break;
        case OPT_CACHE_DIR:
            opt.cache_dir = optarg;
            break;
        case OPT_NO_CACHE:
            opt.use_cache = 0;
            break;
        case OPT_PARTIAL:
            opt.partial = 1;
            break;
        case OPT_FORCE:
            force = 1;
            break;
        case 'h':
            aim_analyze_cli_usage(stdout);
            return 0;
        default:
            return aim_analyze_cli_fail(2, "unknown option or missing value: %s (aimsim analyze --help)",
                                        argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        aim_analyze_cli_usage(stderr);
        return 2;
    }
    if (optind + 1 < argc) {
        return aim_analyze_cli_fail(2, "one RUN.h5 at a time (also got \"%s\")", argv[optind + 1]);
    }
    if (out_path && !write) {
        return aim_analyze_cli_fail(2, "-o %s and --no-write contradict each other", out_path);
    }
    const char *path = argv[optind];
    struct stat sr, so;
    if (out_path && stat(path, &sr) == 0 && stat(out_path, &so) == 0 && sr.st_dev == so.st_dev &&
        sr.st_ino == so.st_ino) {
        return aim_analyze_cli_fail(2, "-o %s is the run file itself; -o must name another file", out_path);
    }
    /* Before any work: -o must be able to become a file, and never silently replaces one. */
    if (out_path && aim_cli_output_usable(out_path) != AIM_OK) {
        return aim_analyze_cli_fail(2, "%s", aim_error_message());
    }
    if (out_path && !force && stat(out_path, &so) == 0) {
        return aim_analyze_cli_fail(2, "%s exists; use --force to replace it or -o another path", out_path);
    }
    struct aim_analysis *a = NULL;
    enum aim_status s = aim_analyze_run(&a, path, &opt);
    if (s) {
        /* Whatever is wrong with the input file (missing, not aimsim's, truncated, partial) is bad input. */
        return aim_analyze_cli_fail(s == AIM_ERR_NOMEM ? 1 : 2, "%s", aim_error_message());
    }
    const char *written = NULL;
    if (write) {
        s = aim_analyze_write(a, path, out_path);
        if (s) {
            aim_analyze_free(a);
            return aim_analyze_cli_fail(aim_error_exit_code(s) == 2 ? 2 : 1, "%s", aim_error_message());
        }
        written = out_path ? out_path : path;
    }
    if (json) {
        aim_analyze_cli_json(stdout, a, path, written);
    } else {
        aim_analyze_cli_table(stdout, a, path, written);
    }
    aim_analyze_free(a);
    return fflush(stdout) == 0 ? 0 : 1;
}
