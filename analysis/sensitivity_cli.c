/* `aimsim sensitivity --design SWEEP.yaml --csv RESULTS.csv --output NAME`: regenerates the
 * sweep's design, reads one output column of a table of results keyed by design point, and runs
 * the estimators that fit the design (Sobol for saltelli, Morris for morris), per scenario of a
 * crossed design (docs/sensitivity.md, section "aimsim sensitivity").
 * `aimsim sensitivity RUN.h5 --output NAME`: the same estimators on a sweep's own run file, its
 * design regenerated from the resolved config the file holds and the per-(point, replica) outputs
 * computed from its trajectories (analysis/analyze.h for the crash and bubble flags and HHI). */
#include "analysis/sensitivity_cli.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "analysis/csv.h"
#include "analysis/sensitivity.h"
#include "analysis/sensitivity_store.h"
#include "sim/cli.h"
#include "sim/config.h"
#include "sim/design.h"
#include "sim/store.h"
#include "sim/traj.h"

static const char aim_sensitivity_cli_help[] =
    "Usage: aimsim sensitivity --design SWEEP.yaml --csv RESULTS.csv --output NAME [--json]\n"
    "                          [--boot N] [--seed S]\n"
    "       aimsim sensitivity RUN.h5 --output NAME [--json] [--boot N] [--seed S] [--by-time]\n"
    "                          [--no-write]\n"
    "\n"
    "Global sensitivity analysis of any model's results at the points of a sweep's design\n"
    "(aimsim design SWEEP.yaml prints them): Sobol first- and total-order indices (and second-order\n"
    "ones with second_order: true) for design: saltelli, Morris mu*, sigma for design: morris, with\n"
    "bootstrap confidence half-widths; per scenario when the design has cross: factors.\n"
    "\n"
    "  --design SWEEP.yaml  the sweep file (a full config with a sweep: section, or a sweep-only file)\n"
    "  --csv RESULTS.csv    a header with a point column and output columns, then one row per design\n"
    "                       point in any order; R rows per point (replicas) are averaged per point\n"
    "                       and the replica-noise share of the variance is reported\n"
    "  RUN.h5               a finished sweep's run file (aimsim run SWEEP.yaml -o RUN.h5): the design\n"
    "                       comes from the resolved config it holds, the outputs from its replicas\n"
    "  --output NAME        the output column to analyse; with RUN.h5, one of (per replica, then\n"
    "                       averaged per point): crash_probability (crash flag, as aimsim analyze),\n"
    "                       bubble_share (GSADF bubble flag, as aimsim analyze), circularity (mean\n"
    "                       over months 1..T of circularity_ai), vf (value_fundamental at the last\n"
    "                       month), hhi (HHI of all AI firms' valuations at the last month)\n"
    "  --by-time            with RUN.h5 and circularity or vf: the indices of the output's value at\n"
    "                       each month (circularity_ai, value_fundamental); a month where the\n"
    "                       output is the same in every replica (month 0) is reported as constant\n"
    "  --json               print one JSON object instead of the table\n"
    "  --no-write           with RUN.h5: print only; by default the indices are also written into\n"
    "                       RUN.h5 as the group /sensitivity/NAME (replacing one of that name)\n"
    "  --boot N             bootstrap resamples (default 1000)\n"
    "  --seed S             seed of the resampling (default: the design's seed, sweep.seed or run.seed)\n"
    "\n"
    "Saltelli designs: row 0 of every block is the Sobol sequence's origin, the same point in every\n"
    "block; it is left out, so the indices use N - 1 base rows (docs/sensitivity.md).\n"
    "Exit status: 0 ok, 2 usage error or unusable input, 1 other failure.\n";

static const char *const aim_sensitivity_cli_sobol_names[4] = {"S1", "S1_conf", "ST", "ST_conf"};
/* The choices of sweep.design, in the order of enum aim_design_kind. */
static const char *const aim_sensitivity_cli_designs[] = {"none",  "grid",     "random", "lhs",
                                                          "sobol", "saltelli", "morris", "csv"};

struct aim_sensitivity_cli_args {
    const char *design, *csv, *output, *run;
    int json, by_time, no_write;
    long n_boot;
    uint64_t seed;
    int seed_given;
};

/* What one scenario's analysis found. */
struct aim_sensitivity_cli_result {
    struct aim_sensitivity_index *s1, *st, *s2; /* Sobol: d, d, d * d */
    struct aim_sensitivity_morris *morris;      /* Morris: d */
    double noise_share;                         /* NaN without replicas */
    int constant; /* --by-time: every value of the scenario is the same (month 0), no indices */
};

static int aim_sensitivity_cli_usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "aimsim sensitivity: %s%s\nTry 'aimsim sensitivity --help'.\n", msg, arg);
    return 2;
}

/* A missing or unreadable input file, unusable input and estimator refusals (a constant output)
 * are the user's to fix: 2 (docs/cli.md); running out of memory or a bug: 1. */
static int aim_sensitivity_cli_fail(enum aim_status s)
{
    fprintf(stderr, "aimsim sensitivity: %s\n", aim_error_message());
    return s == AIM_ERR_NOMEM || s == AIM_ERR_INTERNAL ? 1 : 2;
}

/* Parses argv; returns -1 to go on, else the exit status. */
static int aim_sensitivity_cli_parse(int argc, char **argv, struct aim_sensitivity_cli_args *a)
{
    a->n_boot = AIM_SENSITIVITY_N_BOOT;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(aim_sensitivity_cli_help, stdout);
            return 0;
        }
        if (!strcmp(o, "--json")) {
            a->json = 1;
            continue;
        }
        if (!strcmp(o, "--by-time")) {
            a->by_time = 1;
            continue;
        }
        if (!strcmp(o, "--no-write")) {
            a->no_write = 1;
            continue;
        }
        int takes = !strcmp(o, "--design") || !strcmp(o, "--csv") || !strcmp(o, "--output") ||
                    !strcmp(o, "--boot") || !strcmp(o, "--seed");
        if (!takes && o[0] != '-' && !a->run) {
            a->run = o;
            continue;
        }
        if (!takes) {
            return aim_sensitivity_cli_usage_error(o[0] == '-' ? "unknown option " : "unexpected argument ",
                                                   o);
        }
        if (i + 1 >= argc) {
            return aim_sensitivity_cli_usage_error("missing value after ", o);
        }
        const char *v = argv[++i];
        if (!strcmp(o, "--design")) {
            a->design = v;
        } else if (!strcmp(o, "--csv")) {
            a->csv = v;
        } else if (!strcmp(o, "--output")) {
            a->output = v;
        } else if (!strcmp(o, "--boot")) {
            if (aim_cli_parse_long(v, 2, 1000000, "--boot", &a->n_boot) != AIM_OK) {
                return aim_sensitivity_cli_usage_error(aim_error_message(), "");
            }
        } else {
            if (aim_cli_parse_u64(v, "--seed", &a->seed) != AIM_OK) {
                return aim_sensitivity_cli_usage_error(aim_error_message(), "");
            }
            a->seed_given = 1;
        }
    }
    if (a->run && (a->design || a->csv)) {
        return aim_sensitivity_cli_usage_error("give either RUN.h5 or --design and --csv, not both", "");
    }
    if (a->by_time && !a->run) {
        return aim_sensitivity_cli_usage_error("--by-time needs a run file (RUN.h5)", "");
    }
    if (a->no_write && !a->run) {
        return aim_sensitivity_cli_usage_error(
            "--no-write goes with a run file (RUN.h5): the CSV route writes "
            "no file",
            "");
    }
    if (a->run && !a->output) {
        return aim_sensitivity_cli_usage_error(
            "missing --output NAME (crash_probability, bubble_share, circularity, vf or hhi)", "");
    }
    if (!a->run && (!a->design || !a->csv || !a->output)) {
        return aim_sensitivity_cli_usage_error(!a->design ? "missing --design SWEEP.yaml"
                                               : !a->csv
                                                   ? "missing --csv RESULTS.csv"
                                                   : "missing --output NAME (an output column of the CSV)",
                                               "");
    }
    return -1;
}

/* The directory of path ("." when it has none), where a relative sweep.file is looked up. */
static void aim_sensitivity_cli_dir(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(buf, size, ".");
    } else if (slash == path) {
        snprintf(buf, size, "/");
    } else {
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
    }
}

/* Reads the output column of the results: vals[p * R + k] is the k-th row (in file order) of
 * design point p; every point must have the same number R >= 1 of rows. */
static enum aim_status aim_sensitivity_cli_results(const struct aim_csv *csv, const char *name, long n_points,
                                                   double **vals_out, long *reps_out)
{
    const char *src = aim_csv_source(csv);
    size_t pcol = 0, ycol = 0;
    if (aim_csv_column(csv, "point", &pcol) != AIM_OK) {
        return aim_error_prefix(AIM_ERR_FORMAT,
                                "a point column is needed (each row's design point, numbered as aimsim "
                                "design numbers them): ");
    }
    enum aim_status s = aim_csv_column(csv, name, &ycol);
    if (s) {
        return aim_error_prefix(AIM_ERR_FORMAT, "--output %s: ", name);
    }
    size_t rows = aim_csv_rows(csv);
    long *point = malloc((rows ? rows : 1) * sizeof *point);
    long *count = calloc((size_t)n_points, sizeof *count);
    double *y = malloc((rows ? rows : 1) * sizeof *y);
    double *vals = NULL;
    if (!point || !count || !y) {
        s = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu rows", src, rows);
    }
    for (size_t r = 0; r < rows && !s; r++) {
        double p;
        s = aim_csv_number(csv, r, pcol, &p);
        if (!s && (p != floor(p) || p < 0 || p >= (double)n_points)) {
            s = aim_error_set(AIM_ERR_FORMAT,
                              "%s:%ld: point %s is not a point of the design; expected a whole number in "
                              "[0, %ld]",
                              src, aim_csv_line(csv, r), aim_csv_cell(csv, r, pcol), n_points - 1);
        }
        s = s ? s : aim_csv_number(csv, r, ycol, &y[r]);
        if (!s) {
            point[r] = (long)p;
            count[point[r]]++;
        }
    }
    long reps = LONG_MAX;
    for (long p = 0; p < n_points && !s; p++) {
        if (count[p] == 0) {
            s = aim_error_set(AIM_ERR_FORMAT,
                              "%s: no row for point %ld; every point 0..%ld of the design needs a row (or "
                              "the same number of rows, replicas)",
                              src, p, n_points - 1);
        } else if (count[p] < reps) {
            reps = count[p];
        }
    }
    if (!s) {
        vals = malloc((size_t)n_points * (size_t)reps * sizeof *vals);
        if (!vals) {
            s = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu values", src, rows);
        }
        memset(count, 0, (size_t)n_points * sizeof *count);
    }
    for (size_t r = 0; r < rows && !s; r++) {
        long p = point[r];
        if (count[p] == reps) {
            s = aim_error_set(AIM_ERR_FORMAT,
                              "%s:%ld: point %ld has more rows than others (duplicate: other points have "
                              "%ld); every point needs the same number of rows",
                              src, aim_csv_line(csv, r), p, reps);
        } else {
            vals[p * reps + count[p]++] = y[r];
        }
    }
    free(point);
    free(count);
    free(y);
    if (s) {
        free(vals);
        return s;
    }
    *vals_out = vals;
    *reps_out = reps;
    return AIM_OK;
}

/* Analyses one scenario: y[n_base] point means, vals[n_base * reps] the replicas. */
static enum aim_status aim_sensitivity_cli_scenario(const struct aim_config *cfg,
                                                    const struct aim_design *des, const double *y,
                                                    const double *vals, long reps,
                                                    const struct aim_sensitivity_options *opt,
                                                    struct aim_sensitivity_cli_result *res)
{
    int d = des->n_factors;
    long n = cfg->sweep.points;
    enum aim_status s = AIM_OK;
    res->noise_share = NAN;
    if (reps > 1) {
        s = aim_sensitivity_noise_share(vals, (size_t)des->n_base, (size_t)reps, &res->noise_share);
        if (s) {
            return s;
        }
    }
    if (cfg->sweep.design == AIM_DESIGN_MORRIS) {
        double *work = malloc(aim_sensitivity_morris_work_size((size_t)n, d, opt->n_boot) * sizeof *work);
        if (!work) {
            return aim_error_set(AIM_ERR_NOMEM, "out of memory for the Morris bootstrap");
        }
        s = aim_sensitivity_morris(des->u, y, (size_t)n, d, opt, work, res->morris);
        free(work);
        return s;
    }
    /* Saltelli: rows 1..N-1 of every block (row 0 is the origin in every block). */
    enum aim_sensitivity_layout layout =
        cfg->sweep.second_order ? AIM_SENSITIVITY_SECOND_ORDER : AIM_SENSITIVITY_FIRST_TOTAL;
    long blocks = cfg->sweep.second_order ? 2L * d + 2 : (long)d + 2;
    double *yy = malloc((size_t)(blocks * (n - 1)) * sizeof *yy);
    double *work = malloc(aim_sensitivity_sobol_work_size(d, layout, opt->n_boot) * sizeof *work);
    if (!yy || !work) {
        free(yy);
        free(work);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for the Sobol bootstrap");
    }
    for (long b = 0; b < blocks; b++) {
        for (long j = 1; j < n; j++) {
            yy[b * (n - 1) + j - 1] = y[b * n + j];
        }
    }
    s = aim_sensitivity_sobol(yy, (size_t)(n - 1), d, layout, opt, work, res->s1, res->st,
                              cfg->sweep.second_order ? res->s2 : NULL, NULL);
    free(yy);
    free(work);
    return s;
}

/* The body of one scenario's JSON object: "factors": [...] [, "S2": [...]] [, "noise_share": x]. */
static void aim_sensitivity_cli_json_body(const struct aim_config *cfg, const struct aim_design *des,
                                          const struct aim_sensitivity_cli_result *r)
{
    int d = des->n_factors, morris = cfg->sweep.design == AIM_DESIGN_MORRIS;
    if (r->constant) {
        fputs("\"constant\": true", stdout);
        return;
    }
    fputs("\"factors\": [", stdout);
    for (int i = 0; i < d; i++) {
        fputs(i ? ", {\"key\": " : "{\"key\": ", stdout);
        aim_cli_json_string(stdout, des->keys[i]);
        const char *names[3];
        double v[3];
        if (morris) {
            names[0] = "mu_star", names[1] = "mu_star_conf", names[2] = "sigma";
            v[0] = r->morris[i].mu_star.estimate, v[1] = r->morris[i].mu_star.conf, v[2] = r->morris[i].sigma;
        }
        for (int k = 0; k < (morris ? 3 : 4); k++) {
            const struct aim_sensitivity_index *ix = k < 2 ? &r->s1[i] : &r->st[i];
            fprintf(stdout, ", \"%s\": ", morris ? names[k] : aim_sensitivity_cli_sobol_names[k]);
            aim_cli_json_number(stdout, morris ? v[k] : (k % 2 ? ix->conf : ix->estimate));
        }
        fputc('}', stdout);
    }
    fputc(']', stdout);
    if (!morris && cfg->sweep.second_order) {
        fputs(", \"S2\": [", stdout);
        int first = 1;
        for (int i = 0; i < d; i++) {
            for (int k = i + 1; k < d; k++) {
                fputs(first ? "{\"keys\": [" : ", {\"keys\": [", stdout);
                first = 0;
                aim_cli_json_string(stdout, des->keys[i]);
                fputs(", ", stdout);
                aim_cli_json_string(stdout, des->keys[k]);
                fputs("], \"S2\": ", stdout);
                aim_cli_json_number(stdout, r->s2[i * d + k].estimate);
                fputs(", \"S2_conf\": ", stdout);
                aim_cli_json_number(stdout, r->s2[i * d + k].conf);
                fputc('}', stdout);
            }
        }
        fputc(']', stdout);
    }
    if (!isnan(r->noise_share)) {
        fputs(", \"noise_share\": ", stdout);
        aim_cli_json_number(stdout, r->noise_share);
    }
}

static void aim_sensitivity_cli_table(const struct aim_config *cfg, const struct aim_design *des,
                                      const struct aim_sensitivity_cli_result *r)
{
    int d = des->n_factors;
    if (r->constant) {
        printf("the same value in every replica, no indices\n");
        return;
    }
    if (cfg->sweep.design == AIM_DESIGN_MORRIS) {
        printf("%-24s %12s %12s %12s\n", "factor", "mu_star", "mu_star_conf", "sigma");
        for (int i = 0; i < d; i++) {
            printf("%-24s %12.6g %12.6g %12.6g\n", des->keys[i], r->morris[i].mu_star.estimate,
                   r->morris[i].mu_star.conf, r->morris[i].sigma);
        }
    } else {
        printf("%-24s %9s %9s %9s %9s\n", "factor", "S1", "S1_conf", "ST", "ST_conf");
        for (int i = 0; i < d; i++) {
            printf("%-24s %9.4f %9.4f %9.4f %9.4f\n", des->keys[i], r->s1[i].estimate, r->s1[i].conf,
                   r->st[i].estimate, r->st[i].conf);
        }
        if (cfg->sweep.second_order) {
            printf("%-49s %9s %9s\n", "pair", "S2", "S2_conf");
            for (int i = 0; i < d; i++) {
                for (int k = i + 1; k < d; k++) {
                    char pair[256];
                    snprintf(pair, sizeof pair, "%s x %s", des->keys[i], des->keys[k]);
                    printf("%-49s %9.4f %9.4f\n", pair, r->s2[i * d + k].estimate, r->s2[i * d + k].conf);
                }
            }
        }
    }
    if (!isnan(r->noise_share)) {
        printf("replica noise share of the variance: %.4f\n", r->noise_share);
    }
}

/* "key=value, key=value" of scenario c's cross factors. */
static void aim_sensitivity_cli_scenario_label(const struct aim_design *des, long c, FILE *out, int json)
{
    const double *row = des->x + c * des->n_base * des->n_cols;
    for (int k = des->n_factors; k < des->n_cols; k++) {
        if (json) {
            fputs(k > des->n_factors ? ", " : "", out);
            aim_cli_json_string(out, des->keys[k]);
            fputs(": ", out);
            aim_cli_json_number(out, row[k]);
        } else {
            fprintf(out, "%s%s=%.15g", k > des->n_factors ? ", " : "", des->keys[k], row[k]);
        }
    }
}

/* Refuses a design that gives no indices (where: the file named in the message). */
static enum aim_status aim_sensitivity_cli_check_design(const struct aim_config *cfg, const char *where)
{
    if (cfg->sweep.design != AIM_DESIGN_SALTELLI && cfg->sweep.design != AIM_DESIGN_MORRIS) {
        return aim_error_set(AIM_ERR_CONFIG,
                             "%s: sweep.design is %s; Sobol indices (S1, ST, S2) need design: saltelli and "
                             "Morris measures (mu*, sigma) need design: morris",
                             where, aim_sensitivity_cli_designs[cfg->sweep.design]);
    }
    if (cfg->sweep.design == AIM_DESIGN_SALTELLI && cfg->sweep.points < 3) {
        return aim_error_set(AIM_ERR_CONFIG,
                             "%s: sweep.points is %ld; row 0 of every Saltelli block (the origin) is left "
                             "out, so the indices need N >= 3 base rows (choose a power of two, e.g. 1024)",
                             where, (long)cfg->sweep.points);
    }
    return AIM_OK;
}

/* The route of --design and --csv: the design from the sweep file, the values from the table. */
static enum aim_status aim_sensitivity_cli_csv_inputs(const struct aim_sensitivity_cli_args *a,
                                                      struct aim_config *cfg, struct aim_design **des,
                                                      double **vals, long *reps)
{
    struct aim_csv *csv = NULL;
    int sweep_only = 0;
    char dir[4096];
    aim_sensitivity_cli_dir(a->design, dir, sizeof dir);
    enum aim_status s = aim_config_load_file_kind(cfg, a->design, &sweep_only);
    s = s ? s : aim_sensitivity_cli_check_design(cfg, a->design);
    s = s ? s : aim_design_from_config(cfg, dir, !sweep_only, des);
    s = s ? s : aim_csv_read(&csv, a->csv);
    s = s ? s : aim_sensitivity_cli_results(csv, a->output, (*des)->n_points, vals, reps);
    aim_csv_free(csv);
    return s;
}

/* The outputs of a run file (--output NAME with RUN.h5). */
enum {
    AIM_SENSITIVITY_CLI_CRASH,
    AIM_SENSITIVITY_CLI_BUBBLE,
    AIM_SENSITIVITY_CLI_CIRCULARITY,
    AIM_SENSITIVITY_CLI_VF,
    AIM_SENSITIVITY_CLI_HHI,
    AIM_SENSITIVITY_CLI_N_OUTPUTS
};
static const char *const aim_sensitivity_cli_outputs[AIM_SENSITIVITY_CLI_N_OUTPUTS] = {
    "crash_probability", "bubble_share", "circularity", "vf", "hhi"};

/* Per (point, replica) circularity (mean of circularity_ai over months 1..T with a value; month 0 is
 * the initial state, before any flow, and holds 0) and
 * value/fundamental at the last month, read from the replicas' trajectories into vals[p * nr + r];
 * by_time: the value at each month t into vals[(t * np + p) * nr + r]. */
static enum aim_status aim_sensitivity_cli_series(struct aim_store *st, const char *path, int which,
                                                  int by_time, int np, int nr, int nt, int nf, double *vals)
{
    struct aim_traj *tr = NULL;
    enum aim_status s = aim_traj_create(&tr, nf, nt, aim_store_bs_every(st));
    for (int p = 0; p < np && !s; p++) {
        for (int r = 0; r < nr && !s; r++) {
            s = aim_store_read_replica(st, p, r, tr);
            if (s) {
                aim_error_prefix(s, "%s: point %d, replica %d: ", path, p, r);
                break;
            }
            double v = NAN;
            if (by_time) {
                const double *m = tr->market[which == AIM_SENSITIVITY_CLI_VF ? AIM_MV_value_fundamental
                                                                             : AIM_MV_circularity_ai];
                for (int t = 0; t < nt && !s; t++) {
                    vals[((size_t)t * (size_t)np + (size_t)p) * (size_t)nr + (size_t)r] = m[t];
                    if (!isfinite(m[t])) {
                        s = aim_error_set(AIM_ERR_FORMAT,
                                          "%s: point %d, replica %d: no finite value at month %d", path, p, r,
                                          t);
                    }
                }
                continue;
            }
            if (which == AIM_SENSITIVITY_CLI_VF) {
                v = tr->market[AIM_MV_value_fundamental][nt - 1];
            } else {
                double sum = 0.0;
                int n = 0;
                for (int t = nt > 1 ? 1 : 0; t < nt; t++) {
                    double c = tr->market[AIM_MV_circularity_ai][t];
                    if (isfinite(c)) {
                        sum += c;
                        n++;
                    }
                }
                v = n ? sum / n : NAN;
            }
            if (!isfinite(v)) {
                s = aim_error_set(AIM_ERR_FORMAT, "%s: point %d, replica %d: %s has no finite value", path, p,
                                  r,
                                  which == AIM_SENSITIVITY_CLI_VF ? "value_fundamental at the last month"
                                                                  : "circularity_ai");
            }
            vals[(size_t)p * (size_t)nr + (size_t)r] = v;
        }
    }
    aim_traj_free(tr);
    return s;
}

/* Per (point, replica) crash flag, bubble flag or HHI of all AI firms at the last month, computed
 * from the trajectories by the analysis module with the run's own settings (as aimsim analyze
 * does; the bubble flag needs GSADF and its Monte Carlo critical value, cached on disk). */
static enum aim_status aim_sensitivity_cli_analysed(const char *path, int which, double *vals)
{
    struct aim_analyze_options opt;
    aim_analyze_options_init(&opt);
    opt.bubble = which == AIM_SENSITIVITY_CLI_BUBBLE;
    struct aim_analysis *an = NULL;
    enum aim_status s = aim_analyze_run(&an, path, &opt);
    if (s) {
        return s;
    }
    if (which == AIM_SENSITIVITY_CLI_BUBBLE && !an->bubble) {
        s = aim_error_set(AIM_ERR_CONFIG, "%s: --output bubble_share: GSADF was not computed: %s", path,
                          an->bubble_note);
    }
    size_t npr = (size_t)an->n_points * (size_t)an->n_replicas, nt = (size_t)an->n_times;
    for (size_t i = 0; i < npr && !s; i++) {
        if (which == AIM_SENSITIVITY_CLI_CRASH) {
            vals[i] = an->crash[i];
        } else if (which == AIM_SENSITIVITY_CLI_BUBBLE) {
            vals[i] = an->bubble_flag[i];
        } else {
            vals[i] = an->hhi[((i * nt) + nt - 1) * AIM_ANALYZE_N_LAYERS + AIM_ANALYZE_ALL];
            if (!isfinite(vals[i])) {
                s = aim_error_set(AIM_ERR_FORMAT, "%s: point %zu, replica %zu: no HHI at the last month",
                                  path, i / (size_t)an->n_replicas, i % (size_t)an->n_replicas);
            }
        }
    }
    aim_analyze_free(an);
    return s;
}

/* The route of RUN.h5: the design regenerated from the file's resolved config (and checked against
 * its /sweep/points), the output computed per (point, replica) from its complete replicas. */
static enum aim_status aim_sensitivity_cli_run_inputs(const struct aim_sensitivity_cli_args *a,
                                                      struct aim_config *cfg, struct aim_design **des,
                                                      double **vals, long *reps, long *n_times)
{
    int which = -1;
    for (int k = 0; k < AIM_SENSITIVITY_CLI_N_OUTPUTS; k++) {
        if (!strcmp(a->output, aim_sensitivity_cli_outputs[k])) {
            which = k;
        }
    }
    if (which < 0) {
        return aim_error_set(AIM_ERR_CONFIG,
                             "--output %s: not an output of a run file; choose crash_probability, "
                             "bubble_share, circularity, vf or hhi (or give a CSV of your own with "
                             "--design and --csv)",
                             a->output);
    }
    if (a->by_time && which != AIM_SENSITIVITY_CLI_CIRCULARITY && which != AIM_SENSITIVITY_CLI_VF) {
        return aim_error_set(AIM_ERR_CONFIG,
                             "--by-time: %s is one value per replica, not a monthly series; --by-time "
                             "works for circularity and vf",
                             a->output);
    }
    struct aim_store *st = NULL;
    char *yaml = NULL;
    int np = 0, nr = 0, nt = 0, nf = 0, nk = 0;
    const char *const *keys = NULL;
    const double *x = NULL;
    enum aim_status s = aim_store_open_read(&st, a->run);
    if (s) {
        return s;
    }
    aim_store_shape(st, &np, &nr, &nt, &nf);
    if (!aim_store_sweep_points(st, &nk, &keys, &x)) {
        s = aim_error_set(AIM_ERR_CONFIG,
                          "%s: not a sweep (no /sweep group): a single run has no design to compute "
                          "indices over; run a sweep.design: saltelli or morris config",
                          a->run);
    }
    if (!s && aim_store_read_root_string(st, "config", &yaml) != AIM_OK) {
        s = aim_error_set(AIM_ERR_FORMAT,
                          "%s: no readable root attribute \"config\" (the run's configuration)", a->run);
    }
    if (!s && aim_config_load_string(cfg, yaml, strlen(yaml), "config attribute") != AIM_OK) {
        s = aim_error_prefix(AIM_ERR_FORMAT, "%s: the run's configuration does not load: ", a->run);
    }
    s = s ? s : aim_sensitivity_cli_check_design(cfg, a->run);
    s = s ? s : aim_design_from_config(cfg, ".", 1, des);
    if (!s && ((*des)->n_points != np || (*des)->n_cols != nk)) {
        s = aim_error_set(AIM_ERR_FORMAT,
                          "%s: /sweep/points has %d points of %d factors, its config's design %ld of %d",
                          a->run, np, nk, (*des)->n_points, (*des)->n_cols);
    }
    for (int j = 0; !s && j < nk; j++) {
        if (strcmp(keys[j], (*des)->keys[j])) {
            s = aim_error_set(AIM_ERR_FORMAT, "%s: /sweep/points column %d is %s, its config's design has %s",
                              a->run, j, keys[j], (*des)->keys[j]);
        }
    }
    for (long i = 0; !s && i < (long)np * nk; i++) {
        if (x[i] != (*des)->x[i]) {
            s = aim_error_set(AIM_ERR_FORMAT,
                              "%s: /sweep/points row %ld differs from its config's design (damaged file?)",
                              a->run, i / nk);
        }
    }
    long done = 0;
    for (int p = 0; p < np && !s; p++) {
        done += aim_store_done_count(st, p);
    }
    if (!s && done < (long)np * nr) {
        s = aim_error_set(AIM_ERR_CONFIG,
                          "%s: %ld of %ld (point, replica) units are done; finish the sweep with aimsim run "
                          "--resume first",
                          a->run, done, (long)np * nr);
    }
    if (!s) {
        *n_times = a->by_time ? nt : 1;
        *vals = malloc((size_t)*n_times * (size_t)np * (size_t)nr * sizeof **vals);
        if (!*vals) {
            s = aim_error_set(AIM_ERR_NOMEM, "out of memory for %d x %d values", np, nr);
        }
    }
    if (!s && (which == AIM_SENSITIVITY_CLI_CIRCULARITY || which == AIM_SENSITIVITY_CLI_VF)) {
        s = aim_sensitivity_cli_series(st, a->run, which, a->by_time, np, nr, nt, nf, *vals);
    }
    free(yaml);
    enum aim_status c = aim_store_close(st);
    s = s ? s : c;
    if (!s && which != AIM_SENSITIVITY_CLI_CIRCULARITY && which != AIM_SENSITIVITY_CLI_VF) {
        s = aim_sensitivity_cli_analysed(a->run, which, *vals);
    }
    *reps = nr;
    return s;
}

/* The results of one set of outputs: "factors": [...] (one scenario) or "scenarios": [...]. */
static void aim_sensitivity_cli_json_result(const struct aim_config *cfg, const struct aim_design *des,
                                            const struct aim_sensitivity_cli_result *res, long n_scen)
{
    if (des->n_cols == des->n_factors) {
        aim_sensitivity_cli_json_body(cfg, des, &res[0]);
        return;
    }
    fputs("\"scenarios\": [", stdout);
    for (long c = 0; c < n_scen; c++) {
        printf("%s{\"scenario\": %ld, \"cross\": {", c ? ", " : "", c);
        aim_sensitivity_cli_scenario_label(des, c, stdout, 1);
        fputs("}, ", stdout);
        aim_sensitivity_cli_json_body(cfg, des, &res[c]);
        fputc('}', stdout);
    }
    fputc(']', stdout);
}

static void aim_sensitivity_cli_table_result(const struct aim_config *cfg, const struct aim_design *des,
                                             const struct aim_sensitivity_cli_result *res, long n_scen)
{
    for (long c = 0; c < n_scen; c++) {
        if (des->n_cols > des->n_factors) {
            printf("\nscenario %ld: ", c);
            aim_sensitivity_cli_scenario_label(des, c, stdout, 0);
            fputc('\n', stdout);
        }
        aim_sensitivity_cli_table(cfg, des, &res[c]);
    }
}

/* 1 if the n values are all equal (a month with no spread, such as month 0). */
static int aim_sensitivity_cli_constant(const double *v, long n)
{
    for (long i = 1; i < n; i++) {
        if (v[i] != v[0]) {
            return 0;
        }
    }
    return 1;
}

/* Averages the replicas per point into y and runs the estimators per scenario into res; with
 * allow_constant, a scenario whose values are all equal is marked constant instead of refused. */
static enum aim_status aim_sensitivity_cli_compute(const struct aim_config *cfg, const struct aim_design *des,
                                                   const double *vals, long reps,
                                                   const struct aim_sensitivity_options *opt,
                                                   int allow_constant, double *y,
                                                   struct aim_sensitivity_cli_result *res,
                                                   struct aim_sensitivity_store *keep, int t)
{
    long n_scen = des->n_points / des->n_base;
    enum aim_status s = AIM_OK;
    for (long p = 0; p < des->n_points; p++) {
        double sum = 0.0;
        for (long k = 0; k < reps; k++) {
            sum += vals[p * reps + k];
        }
        y[p] = sum / (double)reps;
    }
    for (long c = 0; c < n_scen && !s; c++) {
        const double *v = vals + c * des->n_base * reps;
        res[c].constant = allow_constant && aim_sensitivity_cli_constant(v, des->n_base * reps);
        if (res[c].constant) {
            continue;
        }
        s = aim_sensitivity_cli_scenario(cfg, des, y + c * des->n_base, vals + c * des->n_base * reps, reps,
                                         opt, &res[c]);
        if (s && n_scen > 1) {
            s = aim_error_prefix(s, "scenario %ld: ", c);
        }
    }
    for (long c = 0; c < n_scen && !s && keep; c++) {
        aim_sensitivity_store_record(keep, t, c, res[c].s1, res[c].st, res[c].s2, res[c].morris,
                                     res[c].constant ? NAN : res[c].noise_share, res[c].constant);
    }
    return s;
}

/* Runs the estimators and prints the result: the part both routes share. vals[(t * P + p) * reps
 * + k]: replica k of design point p at time t (n_times = 1 without --by-time). */
static enum aim_status aim_sensitivity_cli_report(const struct aim_sensitivity_cli_args *a,
                                                  const struct aim_config *cfg, const struct aim_design *des,
                                                  const double *vals, long reps, long n_times,
                                                  struct aim_sensitivity_store *keep)
{
    long n_scen = des->n_points / des->n_base;
    long per_time = des->n_points * reps;
    int d = des->n_factors;
    enum aim_status s = AIM_OK;
    double *y = malloc((size_t)des->n_points * sizeof *y);
    struct aim_sensitivity_cli_result *res = calloc((size_t)n_scen, sizeof *res);
    if (!y || !res) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory for %ld scenarios", n_scen);
    }
    for (long c = 0; c < n_scen && !s; c++) {
        res[c].s1 = malloc((size_t)d * sizeof *res[c].s1);
        res[c].st = malloc((size_t)d * sizeof *res[c].st);
        res[c].s2 = malloc((size_t)d * (size_t)d * sizeof *res[c].s2);
        res[c].morris = malloc((size_t)d * sizeof *res[c].morris);
        if (!res[c].s1 || !res[c].st || !res[c].s2 || !res[c].morris) {
            s = aim_error_set(AIM_ERR_NOMEM, "out of memory for the indices");
        }
    }
    struct aim_sensitivity_options opt;
    aim_sensitivity_options_init(&opt);
    opt.n_boot = (int)a->n_boot;
    opt.seed = a->seed_given ? a->seed : cfg->sweep.seed < 0 ? cfg->run.seed : (uint64_t)cfg->sweep.seed;
    int morris = cfg->sweep.design == AIM_DESIGN_MORRIS;
    long n_used = morris ? cfg->sweep.points : cfg->sweep.points - 1;
    if (!s && !a->by_time) {
        s = aim_sensitivity_cli_compute(cfg, des, vals, reps, &opt, 0, y, res, keep, 0);
    }
    if (!s) {
        if (a->json) {
            fputs("{\"output\": ", stdout);
            aim_cli_json_string(stdout, a->output);
            printf(", \"n\": %ld, ", n_used);
        } else {
            printf("%s of %s%s: design %s, n = %ld %s, %d bootstrap resamples, seed %llu",
                   morris ? "Morris measures" : "Sobol indices", a->output, a->by_time ? " by month" : "",
                   morris ? "morris" : "saltelli", n_used,
                   morris ? "trajectories" : "base rows (row 0 of each block left out)", opt.n_boot,
                   (unsigned long long)opt.seed);
            if (reps > 1) {
                printf(", %ld replicas per point (averaged)", reps);
            }
            fputc('\n', stdout);
        }
    }
    if (!s && !a->by_time) {
        if (a->json) {
            aim_sensitivity_cli_json_result(cfg, des, res, n_scen);
        } else {
            aim_sensitivity_cli_table_result(cfg, des, res, n_scen);
        }
    }
    if (!s && a->by_time) {
        /* Month by month: the same estimators on the values of month t, printed as they come. */
        if (a->json) {
            fputs("\"by_time\": [", stdout);
        }
        for (long t = 0; t < n_times && !s; t++) {
            s = aim_sensitivity_cli_compute(cfg, des, vals + t * per_time, reps, &opt, 1, y, res, keep,
                                            (int)t);
            if (s) {
                s = aim_error_prefix(s, "month %ld: ", t);
                break;
            }
            if (a->json) {
                printf("%s{\"month\": %ld, ", t ? ", " : "", t);
                aim_sensitivity_cli_json_result(cfg, des, res, n_scen);
                fputc('}', stdout);
            } else {
                printf("\nmonth %ld\n", t);
                aim_sensitivity_cli_table_result(cfg, des, res, n_scen);
            }
        }
        if (a->json && !s) {
            fputc(']', stdout);
        }
    }
    if (!s && a->json) {
        if (reps > 1) {
            printf(", \"replicas\": %ld", reps);
        }
        fputs("}\n", stdout);
    }
    if (s) {
        aim_error_prefix(s, "%s, %s %s: ", a->run ? a->run : a->csv, a->run ? "output" : "column", a->output);
    }
    for (long c = 0; res && c < n_scen; c++) {
        free(res[c].s1);
        free(res[c].st);
        free(res[c].s2);
        free(res[c].morris);
    }
    free(res);
    free(y);
    return s;
}

/* The collector of the indices that go into /sensitivity/NAME; cross: the scenarios' cross factor
 * values it points to (malloc'd, freed by the caller after the collector). */
static enum aim_status aim_sensitivity_cli_keep(const struct aim_sensitivity_cli_args *a,
                                                const struct aim_config *cfg, const struct aim_design *des,
                                                long reps, long n_times, struct aim_sensitivity_store **keep,
                                                double **cross)
{
    int morris = cfg->sweep.design == AIM_DESIGN_MORRIS;
    long n_scen = des->n_points / des->n_base;
    int n_cross = des->n_cols - des->n_factors;
    *cross = malloc((size_t)(n_scen * (n_cross > 0 ? n_cross : 1)) * sizeof **cross);
    if (!*cross) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for %ld scenarios", n_scen);
    }
    for (long c = 0; c < n_scen; c++) {
        for (int k = 0; k < n_cross; k++) {
            (*cross)[c * n_cross + k] = des->x[c * des->n_base * des->n_cols + des->n_factors + k];
        }
    }
    struct aim_sensitivity_store_info info = {.output = a->output,
                                              .morris = morris,
                                              .second_order = !morris && cfg->sweep.second_order,
                                              .n = morris ? cfg->sweep.points : cfg->sweep.points - 1,
                                              .n_boot = (int)a->n_boot,
                                              .seed = a->seed_given         ? a->seed
                                                      : cfg->sweep.seed < 0 ? cfg->run.seed
                                                                            : (uint64_t)cfg->sweep.seed,
                                              .replicas = reps,
                                              .n_factors = des->n_factors,
                                              .keys = (const char *const *)des->keys,
                                              .n_scenarios = n_scen,
                                              .n_cross = n_cross,
                                              .cross_keys = (const char *const *)des->keys + des->n_factors,
                                              .cross_values = *cross,
                                              .n_times = a->by_time ? (int)n_times : 0,
                                              .start_date = cfg->run.start_date};
    return aim_sensitivity_store_create(keep, &info);
}

int aim_sensitivity_cli_main(int argc, char **argv)
{
    struct aim_sensitivity_cli_args a = {0};
    int rc = aim_sensitivity_cli_parse(argc, argv, &a);
    if (rc >= 0) {
        return rc;
    }
    struct aim_config *cfg = NULL;
    struct aim_design *des = NULL;
    double *vals = NULL;
    long reps = 0, n_times = 1;
    enum aim_status s = aim_config_create(&cfg);
    if (!s) {
        s = a.run ? aim_sensitivity_cli_run_inputs(&a, cfg, &des, &vals, &reps, &n_times)
                  : aim_sensitivity_cli_csv_inputs(&a, cfg, &des, &vals, &reps);
    }
    struct aim_sensitivity_store *keep = NULL;
    double *cross = NULL;
    if (!s && a.run && !a.no_write) {
        s = aim_sensitivity_cli_keep(&a, cfg, des, reps, n_times, &keep, &cross);
    }
    s = s ? s : aim_sensitivity_cli_report(&a, cfg, des, vals, reps, n_times, keep);
    rc = s ? aim_sensitivity_cli_fail(s) : 0;
    if (!s && keep) {
        /* The indices are printed; now into the run file (a read-only one is the user's to fix: 2). */
        s = aim_sensitivity_store_write(keep, a.run);
        if (s) {
            fprintf(stderr, "aimsim sensitivity: %s; --no-write prints the indices without writing\n",
                    aim_error_message());
            rc = aim_error_exit_code(s);
        } else {
            fprintf(stderr, "aimsim sensitivity: wrote /sensitivity/%s into %s\n", a.output, a.run);
        }
    }
    aim_sensitivity_store_free(keep);
    free(cross);
    free(vals);
    aim_design_free(des);
    aim_config_free(cfg);
    return rc;
}
