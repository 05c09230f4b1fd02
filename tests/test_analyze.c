/* `aimsim analyze` on synthetic run files written with the store, whose indicators are derived by
 * hand in the comments; every bad-input path of the command (exit code 2 and its message).
 * Leaves analyze_run.h5 (with /analysis) and analyze_out.h5 for tests/test_analyze_xarray.py.
 * With `--cli analyze ARGS...` it runs the command itself (for the Python test). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "analysis/analyze.h"
#include "analysis/analyze_cli.h"
#include "sim/config.h"
#include "sim/store.h"
#include "sim/traj.h"
#include "tests/aim_test.h"

enum { NP = 2, NR = 5, NT = 25, NF = 5 };
static const char *const names[NF] = {"Vendor A", "Cloud B", "Cloud C", "Lab D", "Lab E"};
static const int kinds[NF] = {0, 1, 1, 2, 2};

/* The AI market value of replica r of point p (see the crash table in test_indicators). */
static double market_path(int p, int r, int t)
{
    if (p == 1) {
        return 100.0 * exp(0.004 * t * t) * (1.0 + 0.01 * r); /* rising faster and faster */
    }
    switch (r) {
    case 0:
        return 100.0 * pow(1.02, t);
    case 1:
        return t <= 10 ? 100.0 * pow(1.05, t) : 100.0 * pow(1.05, 10) * pow(0.9, t - 10);
    case 2:
        return 100.0 * pow(0.97, t);
    case 3:
        return t < 15 ? 100.0 + 2.385 * t : 50.0;
    default:
        return t < 20 ? 100.0 * pow(1.01, t) : 0.0;
    }
}

/* Point 0's paths are exactly exponential or flat pieces, whose ADF regressions would be exact
 * fits; a wobble of at most 0.1% makes them testable and moves no fall across a threshold used
 * below (the nearest is 0.3439 against 0.35: a 0.1% wobble moves a fall by at most 0.0014). */
static double market_value(int p, int r, int t)
{
    return market_path(p, r, t) * (p == 0 ? 1.0 + 0.001 * sin(1.7 * t + r) : 1.0);
}

/* Month at which firm f of replica r of point p defaults (-1: never): in point 0 replica 3, Lab E
 * at 15, Cloud C at 16, Vendor A at 20. */
static int default_month(int p, int r, int f)
{
    if (p != 0 || r != 3) {
        return -1;
    }
    return f == 4 ? 15 : f == 2 ? 16 : f == 0 ? 20 : -1;
}

static void fill(struct aim_traj *tr, int p, int r)
{
    aim_traj_clear(tr);
    for (int t = 0; t < NT; t++) {
        for (int f = 0; f < NF; f++) {
            size_t at = (size_t)t * NF + (size_t)f;
            int dm = default_month(p, r, f);
            int gone = dm >= 0 && t >= dm;
            double grow = 1.0 + 0.003 * t * (f + 1 + r) + (p == 1 ? 0.002 * t : 0.0);
            tr->firm[AIM_FV_valuation][at] = gone ? 0.0 : 2.385 * (f + 1) * grow;
            tr->firm[AIM_FV_fundamental][at] = 2.0 * (f + 1);
            tr->firm[AIM_FV_defaulted][at] = gone ? 1.0 : 0.0;
            tr->firm[AIM_FV_capacity][at] = kinds[f] == 1 ? 10.0 + f + 0.5 * f * t : 0.0;
            tr->firm[AIM_FV_deliveries][at] = kinds[f] == 0 && !gone ? 3.0 + 0.1 * t : 0.0;
            tr->firm[AIM_FV_demand_share][at] = f == 3 ? 0.6 - 0.005 * t : f == 4 ? 0.4 + 0.005 * t : 0.0;
            tr->firm[AIM_FV_commitments][at] = kinds[f] == 2 ? 50.0 + t : 0.0;
            tr->firm[AIM_FV_revenue][at] = 1.0 + 0.1 * t * (f - 2);
            tr->firm[AIM_FV_cash][at] = 20.0 - 0.5 * t;
        }
        tr->market[AIM_MV_ai_market_value][t] = market_value(p, r, t);
        tr->market[AIM_MV_value_fundamental][t] = 1.0 + 0.1 * r + 0.02 * t + p;
        tr->market[AIM_MV_circularity][t] = 0.05 + 0.01 * r + 0.001 * t;
    }
}

/* The configuration text stored in the file: the seed scenario with crash_drawdown 0.35. */
static char *config_yaml(void)
{
    struct aim_config *cfg = NULL;
    char *yaml = NULL;
    if (aim_config_create(&cfg) != AIM_OK || aim_config_load_seed(cfg) != AIM_OK ||
        aim_config_set(cfg, "analysis.crash_drawdown=0.35") != AIM_OK ||
        aim_config_emit(cfg, &yaml) != AIM_OK) {
        printf("config: %s\n", aim_error_message());
    }
    aim_config_free(cfg);
    return yaml;
}

/* Writes a run file with `complete` replicas of point 0 (all of point 1), finished if all are;
 * corrupt 1 puts a NaN into point 0 replica 0's market value at month 7, corrupt 2 a negative
 * valuation of firm 2 at month 9. */
static int make_run_corrupt(const char *path, int complete, const char *yaml, int corrupt)
{
    static const char *bs_rows[AIM_BS_ROWS] = {"money",      "loans",       "funding",  "listed_shares",
                                               "lab_equity", "real_assets", "net_worth"};
    static const char *bs_cols[AIM_BS_COLS] = {"investors", "market_maker", "lenders",      "vendors",
                                               "clouds",    "labs",         "rest_of_world"};
    struct aim_store_layout lay = {NP, NR, NT, NF, names, kinds, "2025-11", 12, bs_rows, bs_cols};
    struct aim_store_provenance prov = {yaml, 2385, NULL, NULL};
    struct aim_store *st = NULL;
    struct aim_traj *tr = NULL;
    unlink(path);
    if (aim_store_create(&st, path, &lay, &prov) != AIM_OK || aim_traj_create(&tr, NF, NT, 12) != AIM_OK) {
        printf("make_run %s: %s\n", path, aim_error_message());
        aim_traj_free(tr);
        return 0;
    }
    int ok = 1;
    for (int p = 0; p < NP; p++) {
        for (int r = 0; r < NR; r++) {
            if (p == 0 && r >= complete) {
                continue;
            }
            fill(tr, p, r);
            if (p == 0 && r == 0 && corrupt == 1) {
                tr->market[AIM_MV_ai_market_value][7] = NAN;
            }
            if (p == 0 && r == 0 && corrupt == 2) {
                tr->firm[AIM_FV_valuation][9 * NF + 2] = -2.385;
            }
            ok &= aim_store_write_replica(st, p, r, tr) == AIM_OK;
        }
    }
    aim_traj_free(tr);
    if (complete == NR) {
        ok &= aim_store_finish(st, NULL) == AIM_OK;
    } else {
        ok &= aim_store_close(st) == AIM_OK;
    }
    return ok;
}

static int make_run(const char *path, int complete, const char *yaml)
{
    return make_run_corrupt(path, complete, yaml, 0);
}

static int cli(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5, const char *a6)
{
    char *argv[8] = {"analyze", (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, (char *)a6, NULL};
    int argc = 1;
    while (argc < 7 && argv[argc]) {
        argc++;
    }
    aim_error_clear();
    fflush(stdout);
    return aim_analyze_cli_main(argc, argv);
}

static void test_indicators(const char *run)
{
    struct aim_analyze_options opt;
    aim_analyze_options_init(&opt);
    opt.cv_replications = 200;
    opt.use_cache = 0;
    struct aim_analysis *a = NULL;
    enum aim_status s = aim_analyze_run(&a, run, &opt);
    aim_test(s == AIM_OK && a, "analyze the synthetic run (%s)", s ? aim_error_message() : "ok");
    if (!a) {
        return;
    }
    aim_test(a->n_points == NP && a->n_replicas == NR && a->n_times == NT && a->n_firms == NF,
             "shape 2 x 5 x 25 x 5");
    aim_test(strcmp(a->start_date, "2025-11") == 0, "start date from the file");
    aim_test(a->crash_drawdown == 0.35 && a->crash_window == 12,
             "crash settings from the run's config (0.35, 12)");
    /* t = 0, every replica: valuations 2.385 x (1, 2, 3, 4, 5): HHI 55/225, top-1 5/15, top-3 12/15,
     * Gini 4/15; vendors one firm: HHI 1; clouds (2, 3): 13/25; labs (4, 5): 41/81. */
    for (int p = 0; p < NP; p++) {
        for (int r = 0; r < NR; r++) {
            size_t i = ((size_t)(p * NR + r) * NT + 0) * AIM_ANALYZE_N_LAYERS;
            int ok = fabs(a->hhi[i + AIM_ANALYZE_ALL] - 55.0 / 225.0) < 1e-15 &&
                     fabs(a->top1[i] - 1.0 / 3.0) < 1e-15 && fabs(a->top3[i] - 0.8) < 1e-15 &&
                     fabs(a->gini[i] - 4.0 / 15.0) < 1e-15 &&
                     fabs(a->hhi[i + AIM_ANALYZE_VENDORS] - 1.0) < 1e-15 &&
                     fabs(a->hhi[i + AIM_ANALYZE_CLOUDS] - 0.52) < 1e-15 &&
                     fabs(a->hhi[i + AIM_ANALYZE_LABS] - 41.0 / 81.0) < 1e-15;
            aim_test(ok, "t=0 concentration of point %d replica %d by hand", p, r);
        }
    }
    /* Point 0 replica 3 at t = 20: Vendor A, Cloud C and Lab E are in default (value 0), so the vendor
     * layer has no value (NaN) and the cloud and lab layers have one firm each (HHI 1). */
    size_t i = ((size_t)(0 * NR + 3) * NT + 20) * AIM_ANALYZE_N_LAYERS;
    aim_test(isnan(a->hhi[i + AIM_ANALYZE_VENDORS]) && a->hhi[i + AIM_ANALYZE_CLOUDS] == 1.0 &&
                 a->hhi[i + AIM_ANALYZE_LABS] == 1.0,
             "defaulted firms: empty vendor layer is NaN, single survivors have HHI 1");
    aim_test(isnan(a->hhi_deliveries[(size_t)(0 * NR + 3) * NT + 20]), "no deliveries: HHI NaN");
    /* Coverage at t = 0: (50 + 50) / (12 (1 + 1) + 20 + 20) = 100 / 64. */
    aim_test_rel(a->coverage[0], 100.0 / 64.0, 1e-15, "commitment coverage at t=0 = 1.5625");
    /* At t = 15 in point 0 replica 3 only Lab D counts: 65 / (12 (1 + 1.5) + 12.5) = 65 / 42.5. */
    aim_test_rel(a->coverage[(size_t)(0 * NR + 3) * NT + 15], 65.0 / 42.5, 1e-14,
                 "coverage leaves out the defaulted lab");
    /* Crashes (c = 0.35, W = 12) in point 0: r0 grows; r1 falls 1 - 0.9^k after month 10, 0.344 at
     * k = 4 and 0.410 at k = 5: crash at 15; r2 falls 1 - 0.97^12 = 0.306 in any 12 months: none;
     * r3 drops from 133.39 to 50 at 15: crash at 15; r4 drops to 0 at 20: crash at 20. Point 1 rises. */
    const int want_step[NR] = {-1, 15, -1, 15, 20};
    for (int r = 0; r < NR; r++) {
        aim_test(a->crash_step[r] == want_step[r] && a->crash[r] == (want_step[r] >= 0),
                 "point 0 replica %d crash step %d (want %d)", r, a->crash_step[r], want_step[r]);
        aim_test(a->crash[NR + r] == 0 && a->max_drawdown[NR + r] == 0.0, "point 1 replica %d: no drawdown",
                 r);
    }
    /* r1 peaks at month 10 and falls 10% a month to 24 (the wobble cannot move either end): MDD
     * 1 - V(24)/V(10), about 1 - 0.9^14; r2 falls 3% a month from month 0: 1 - V(24)/V(0). */
    aim_test_rel(a->max_drawdown[1], 1.0 - market_value(0, 1, 24) / market_value(0, 1, 10), 1e-14,
                 "p0 r1: MDD from month 10 to 24");
    aim_test_rel(a->max_drawdown[1], 1.0 - pow(0.9, 14), 3e-3, "p0 r1: MDD about 1 - 0.9^14");
    aim_test_rel(a->max_drawdown[2], 1.0 - market_value(0, 2, 24) / market_value(0, 2, 0), 1e-14,
                 "p0 r2: MDD from month 0 to 24");
    aim_test_abs(a->max_window_drawdown[2], 1.0 - pow(0.97, 12), 2e-3,
                 "p0 r2: 12-month fall about 1 - 0.97^12");
    aim_test(a->max_drawdown[4] == 1.0, "p0 r4: total collapse, MDD 1");
    double lo, up;
    aim_bands_wilson(3, 5, AIM_BANDS_Z95, &lo, &up);
    aim_test(a->crash_probability[0].successes == 3 && a->crash_probability[0].n == 5 &&
                 a->crash_probability[0].lower == lo && a->crash_probability[0].upper == up,
             "point 0: crash probability 3/5 with its Wilson interval");
    aim_test(a->crash_probability[1].successes == 0 && a->crash_probability[1].lower == 0.0,
             "point 1: crash probability 0/5, lower end 0");
    /* Defaults of point 0 replica 3: months 15 and 16 (one cascade of 2), month 20 (a cascade of 1). */
    aim_test(a->n_defaults[3] == 3 && a->first_default[3] == 15 && a->n_cascades[3] == 2 &&
                 a->max_cascade[3] == 2,
             "p0 r3: 3 defaults, first at 15, cascades of 2 and 1");
    aim_test(a->n_defaults[0] == 0 && a->n_cascades[0] == 0 && a->first_default[0] == -1,
             "p0 r0: no defaults");
    /* Bands of value/fundamental at t = 0, point 0: 1 + 0.1 r = (1, 1.1, 1.2, 1.3, 1.4): median 1.2,
     * p95 at h = 1 + 4 x 0.95 = 4.8: 1.3 + 0.8 x 0.1 = 1.38. */
    const size_t per = AIM_BANDS_N_STANDARD * NT;
    aim_test_rel(a->bands[1 * per + 2 * NT + 0], 1.2, 1e-15, "band: median value/fundamental 1.2");
    aim_test_rel(a->bands[1 * per + 4 * NT + 0], 1.38, 1e-15, "band: p95 value/fundamental 1.38");
    aim_test_rel(a->bands[(1 * AIM_ANALYZE_N_BANDED + 1) * per + 2 * NT + 0], 2.2, 1e-15,
                 "band of point 1 is its own (median 2.2)");
    /* GSADF: point 0 replica 4 has a zero value (no logarithm): untestable, counted as no bubble. */
    aim_test(a->bubble == 1 && isfinite(a->gsadf_cv95), "bubble test ran (cv95 %.4g)", a->gsadf_cv95);
    aim_test(a->n_untestable[0] == 1 && isnan(a->gsadf[4]) && a->bubble_flag[4] == 0,
             "p0 r4 untestable (untestable %d, gsadf %g, flag %d)", a->n_untestable[0], a->gsadf[4],
             a->bubble_flag[4]);
    int flagged = 0;
    for (int r = 0; r < NR; r++) {
        int want = isfinite(a->gsadf[r]) && a->gsadf[r] > a->gsadf_cv95;
        flagged += want;
        aim_test(a->bubble_flag[r] == want && (a->bubble_start[r] >= 0) == want, "p0 r%d bubble flag", r);
    }
    aim_test(a->bubble_share[0].successes == flagged && a->bubble_share[0].n == NR,
             "bubble share counts flags");
    printf("gsadf point 1: %.4g %.4g %.4g %.4g %.4g (cv95 %.4g)\n", a->gsadf[5], a->gsadf[6], a->gsadf[7],
           a->gsadf[8], a->gsadf[9], a->gsadf_cv95);
    aim_analyze_free(a);

    /* Overrides: c = 0.45 removes r1's crash (its fall reaches 0.41 at k = 5 and 0.469 at k = 6, so it
     * now crashes at 16); W = 1 keeps only the one-month drops of r3 (t = 15) and r4 (t = 20). */
    opt.crash_drawdown = 0.45;
    opt.bubble = 0;
    aim_test(aim_analyze_run(&a, run, &opt) == AIM_OK && a->crash_step[1] == 16 && a->crash_drawdown == 0.45,
             "--crash-drawdown 0.45: r1 crashes at 16");
    aim_test(a && a->bubble == 0 && strstr(a->bubble_note, "not requested"), "no bubble test when not asked");
    aim_analyze_free(a);
    opt.crash_drawdown = 0.0;
    opt.crash_window = 1;
    aim_test(aim_analyze_run(&a, run, &opt) == AIM_OK && a->crash_step[1] == -1 && a->crash_step[3] == 15 &&
                 a->crash_step[4] == 20 && a->crash_probability[0].successes == 2,
             "--crash-window 1: only the one-month drops");
    aim_analyze_free(a);
}

static unsigned long file_hash(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned long h = 1469598103934665603UL;
    int c;
    if (!f) {
        return 0;
    }
    while ((c = fgetc(f)) != EOF) {
        h = (h ^ (unsigned long)c) * 1099511628211UL;
    }
    fclose(f);
    return h;
}

static void test_command(const char *run)
{
    /* -o writes a separate file and leaves the run file byte for byte as it was. */
    unsigned long before = file_hash(run);
    unlink("analyze_out.h5");
    aim_test(cli(run, "-o", "analyze_out.h5", "--cv-reps", "200", "--no-cache") == 0,
             "analyze -o analyze_out.h5");
    aim_test(file_hash(run) == before && before != 0, "-o leaves the run file untouched");
    struct stat sb;
    aim_test(stat("analyze_out.h5", &sb) == 0 && sb.st_size > 0, "-o file written");
    aim_test(stat("analyze_out.h5.partial", &sb) != 0, "-o leaves no .partial file behind");
    /* An existing -o file is replaced only with --force; paths that cannot be a file are refused. */
    unsigned long out_before = file_hash("analyze_out.h5");
    aim_test(cli(run, "-o", "analyze_out.h5", "--no-bubble", NULL, NULL) == 2,
             "-o an existing file without --force: exit 2");
    aim_test(file_hash("analyze_out.h5") == out_before, "the existing -o file is untouched");
    FILE *notes = fopen("analyze_notes.txt", "w");
    if (notes) {
        fputs("my notes 2.385\n", notes);
        fclose(notes);
    }
    unsigned long notes_before = file_hash("analyze_notes.txt");
    aim_test(cli(run, "-o", "analyze_notes.txt", "--no-bubble", NULL, NULL) == 2 &&
                 file_hash("analyze_notes.txt") == notes_before,
             "-o a user's text file without --force: exit 2, the file keeps its bytes");
    aim_test(cli(run, "-o", "analyze_notes.txt", "--no-bubble", "--force", NULL) == 0 &&
                 file_hash("analyze_notes.txt") != notes_before,
             "-o an existing file with --force replaces it");
    unlink("analyze_notes.txt");
    aim_test(cli(run, "-o", ".", "--no-bubble", NULL, NULL) == 2, "-o a directory: exit 2");
    aim_test_contains(aim_error_message(), "-o .: is a directory", "the message says -o is a directory");
    aim_test(cli(run, "-o", "analyze_no_dir/out.h5", "--no-bubble", NULL, NULL) == 2 &&
                 stat("analyze_no_dir", &sb) != 0,
             "-o in a missing directory: exit 2, nothing created");
    /* Into the run file, twice: the second replaces the first /analysis. */
    aim_test(cli(run, "--cv-reps", "200", "--no-cache", NULL, NULL) == 0, "analyze into the run file");
    aim_test(file_hash(run) != before, "the run file now holds /analysis");
    char copy[4200];
    snprintf(copy, sizeof copy, "%s.analyze.partial", run);
    aim_test(stat(copy, &sb) != 0,
             "the copy /analysis was added to replaced the run file (none left behind)");
    aim_test(cli(run, "--cv-reps", "200", "--no-cache", "--json", NULL) == 0,
             "analyze again (replaces /analysis)");
    aim_test(cli(run, "--no-write", "--no-bubble", NULL, NULL, NULL) == 0, "--no-write");
    aim_test(cli(run, "-o", run, NULL, NULL, NULL) == 2, "-o the run file itself: exit 2 before any work");
    aim_test(file_hash(run) != 0, "run file still readable");
    struct aim_analyze_options opt;
    aim_analyze_options_init(&opt);
    opt.bubble = 0;
    struct aim_analysis *a = NULL;
    aim_test(aim_analyze_run(&a, run, &opt) == AIM_OK && aim_analyze_write(a, run, run) == AIM_ERR_USAGE,
             "aim_analyze_write refuses -o onto the run file");
    aim_test_contains(aim_error_message(), "is the run file itself", "-o same file message");
    aim_analyze_free(a);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_bad_input(const char *run, const char *yaml)
{
    aim_test(cli("no_such_run.h5", NULL, NULL, NULL, NULL, NULL) == 2, "missing file: exit 2");
    aim_test_contains(aim_error_message(), "no_such_run.h5", "missing file message names it");

    write_text("analyze_text.h5", "date,value\n2025-11,2.385\n");
    aim_test(cli("analyze_text.h5", NULL, NULL, NULL, NULL, NULL) == 2, "a CSV named .h5: exit 2");
    aim_test_contains(aim_error_message(), "not a readable HDF5 file", "text file message");

    hid_t f = H5Fcreate("analyze_foreign.h5", H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "market", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g);
    H5Fclose(f);
    aim_test(cli("analyze_foreign.h5", NULL, NULL, NULL, NULL, NULL) == 2,
             "HDF5 file not written by aimsim: exit 2");
    aim_test_contains(aim_error_message(), "not an aimsim trajectory file", "foreign HDF5 message");

    /* The first half of a good run file. */
    FILE *in = fopen(run, "rb"), *out = fopen("analyze_truncated.h5", "wb");
    struct stat sb;
    if (in && out && stat(run, &sb) == 0) {
        for (long k = 0; k < sb.st_size / 2; k++) {
            fputc(fgetc(in), out);
        }
    }
    if (in) {
        fclose(in);
    }
    if (out) {
        fclose(out);
    }
    aim_test(cli("analyze_truncated.h5", NULL, NULL, NULL, NULL, NULL) == 2, "truncated run file: exit 2");
    printf("truncated: %s\n", aim_error_message());
    aim_test(aim_error_message()[0] != '\0', "truncated file has a message");

    /* An interrupted run: 3 of 5 replicas of point 0 complete. */
    aim_test(make_run("analyze_partial.h5", 3, yaml), "write a partial run file");
    aim_test(cli("analyze_partial.h5", "--no-bubble", NULL, NULL, NULL, NULL) == 2,
             "partial run file: exit 2");
    aim_test_contains(aim_error_message(), "partial run file: only 3 of 5 replicas of point 0 are complete",
                      "partial message");
    aim_test_contains(aim_error_message(), "--partial", "partial message suggests --partial");
    struct aim_analyze_options opt;
    aim_analyze_options_init(&opt);
    opt.bubble = 0;
    opt.partial = 1;
    struct aim_analysis *a = NULL;
    aim_test(aim_analyze_run(&a, "analyze_partial.h5", &opt) == AIM_OK && a && a->n_analysed[0] == 3 &&
                 a->n_analysed[1] == 5 && a->crash_probability[0].n == 3 &&
                 a->crash_probability[0].successes == 1 && isnan(a->max_drawdown[3]),
             "--partial analyses the 3 complete replicas (one crash: r1)");
    aim_analyze_free(a);
    aim_test(cli("analyze_partial.h5", "--partial", "--no-bubble", "--no-write", NULL, NULL) == 0,
             "--partial through the command");

    /* Damaged values in a complete file. */
    aim_test(make_run_corrupt("analyze_nan.h5", NR, yaml, 1), "write a run file with a NaN market value");
    aim_test(cli("analyze_nan.h5", "--no-bubble", "--no-write", NULL, NULL, NULL) == 2,
             "NaN market value: exit 2");
    aim_test_contains(aim_error_message(),
                      "analyze_nan.h5: /market/ai_market_value[0, 0, :]: drawdown: value at time 7 is nan",
                      "NaN message names dataset, point, replica and month");
    aim_test(make_run_corrupt("analyze_negative.h5", NR, yaml, 2),
             "write a run file with a negative valuation");
    aim_test(cli("analyze_negative.h5", "--no-bubble", "--no-write", NULL, NULL, NULL) == 2,
             "negative valuation: exit 2");
    aim_test_contains(aim_error_message(), "analyze_negative.h5: /firm/valuation[0, 0, 9, all firms]",
                      "negative valuation message names the dataset element");
    aim_test_contains(aim_error_message(), "is negative (-2.385)", "negative valuation message says why");

    /* Usage errors. */
    aim_test(cli(NULL, NULL, NULL, NULL, NULL, NULL) == 2, "no file: exit 2");
    aim_test(cli(run, "--crash-drawdown", "1.5", NULL, NULL, NULL) == 2, "--crash-drawdown 1.5: exit 2");
    aim_test(cli(run, "--frobnicate", NULL, NULL, NULL, NULL) == 2, "unknown option: exit 2");
    aim_test(cli(run, "--crash-window", "0", NULL, NULL, NULL) == 2, "--crash-window 0: exit 2");
    aim_test(cli(run, "--cv-reps", "ten", NULL, NULL, NULL) == 2, "--cv-reps ten: exit 2");
    aim_test(cli(run, "--frobnicate", NULL, NULL, NULL, NULL) == 2, "unknown option: exit 2");
    aim_test(cli(run, run, NULL, NULL, NULL, NULL) == 2, "two run files: exit 2");
    aim_test(cli(run, "-o", "x.h5", "--no-write", NULL, NULL) == 2, "-o with --no-write: exit 2");
    aim_test(cli("--help", NULL, NULL, NULL, NULL, NULL) == 0, "--help: exit 0");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--cli") == 0) {
        return aim_analyze_cli_main(argc - 2, argv + 2);
    }
    char *yaml = config_yaml();
    const char *run = "analyze_run.h5";
    aim_test(yaml != NULL, "config text");
    aim_test(make_run(run, NR, yaml), "write the synthetic run file");
    test_indicators(run);
    test_bad_input(run, yaml);
    test_command(run);
    free(yaml);
    return aim_test_summary();
}
