#include "analysis/plot_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot_data.h"

int aim_plot_sweep_response_applies(const struct aim_plot_run *run, char *why, size_t size)
{
    if (run->n_factors < 1) {
        snprintf(why, size,
                 "not a sweep's file (no /sweep/points): a single run has no factors to plot over");
        return 0;
    }
    return 1;
}

/* Distinct values of factor f over the points, ascending, into v; returns how many. */
static int aim_plot_sweep_levels(const struct aim_plot_run *run, int f, double *v)
{
    int n = 0;
    for (int p = 0; p < run->n_points; p++) {
        double x = run->factor_values[(size_t)p * (size_t)run->n_factors + (size_t)f];
        int i = 0;
        while (i < n && v[i] < x) {
            i++;
        }
        if (i < n && v[i] == x) {
            continue;
        }
        memmove(v + i + 1, v + i, (size_t)(n - i) * sizeof *v);
        v[i] = x;
        n++;
    }
    return n;
}

int aim_plot_sweep_heatmap_applies(const struct aim_plot_run *run, char *why, size_t size)
{
    if (!aim_plot_sweep_response_applies(run, why, size)) {
        return 0;
    }
    if (run->n_factors < 2) {
        snprintf(why, size, "the sweep has %d factor; a heatmap needs two", run->n_factors);
        return 0;
    }
    double *v = malloc(((size_t)run->n_points + 1) * sizeof *v);
    int n0 = v ? aim_plot_sweep_levels(run, 0, v) : 0, n1 = v ? aim_plot_sweep_levels(run, 1, v) : 0;
    free(v);
    if ((long)n0 * n1 > run->n_points || n0 < 2 || n1 < 2) {
        snprintf(why, size,
                 "the points do not form a grid of the first two factors (%d and %d distinct values over %d "
                 "points); use a grid design, or the response figure",
                 n0, n1, run->n_points);
        return 0;
    }
    return 1;
}

/* The indicator of point p with its interval. */
static enum aim_status aim_plot_sweep_indicator(const struct aim_plot_run *run, const char *name, int p,
                                                double out[3], const char **label)
{
    const struct aim_analysis *an = run->an;
    const int nt = an->n_times;
    const char *ind = name ? name : "crash_probability";
    if (!strcmp(ind, "crash_probability") || !strcmp(ind, "bubble_share")) {
        int crash = ind[0] == 'c';
        if (!crash && !an->bubble) {
            return aim_error_set(AIM_ERR_USAGE, "--indicator bubble_share: %s", an->bubble_note);
        }
        const struct aim_bands_proportion *b = crash ? &an->crash_probability[p] : &an->bubble_share[p];
        out[0] = b->estimate, out[1] = b->lower, out[2] = b->upper;
        *label =
            crash ? "crash probability (Wilson 95%)" : "share of replicas with a GSADF bubble (Wilson 95%)";
        return AIM_OK;
    }
    static const char *const names[3] = {"vf", "circularity", "hhi"};
    static const int band[3] = {1, 2, 4};
    static const char *const labels[3] = {"value/fundamental at the end, median (p25-p75)",
                                          "circularity at the end, median (p25-p75)",
                                          "HHI x 10^4 at the end, median (p25-p75)"};
    for (int i = 0; i < 3; i++) {
        if (!strcmp(ind, names[i])) {
            const double *q = an->bands + ((size_t)p * AIM_ANALYZE_N_BANDED + (size_t)band[i]) *
                                              AIM_BANDS_N_STANDARD * (size_t)nt;
            double scale = i == 2 ? 1e4 : 1.0;
            out[0] = scale * q[2 * (size_t)nt + (size_t)nt - 1];
            out[1] = scale * q[1 * (size_t)nt + (size_t)nt - 1];
            out[2] = scale * q[3 * (size_t)nt + (size_t)nt - 1];
            *label = labels[i];
            return AIM_OK;
        }
    }
    return aim_error_set(AIM_ERR_USAGE,
                         "--indicator \"%s\": give crash_probability, bubble_share, circularity, vf or hhi",
                         ind);
}

/* Writes the per-point table: point, factor values, indicator, lower, upper. */
static enum aim_status aim_plot_sweep_table(const struct aim_plot_spec *sp, FILE *out, const char **label)
{
    const struct aim_plot_run *run = sp->run;
    for (int f = 0; f < run->n_factors; f++) {
        enum aim_status s = aim_plot_gp_check_text(run->factor_keys[f], "factor key");
        if (s) {
            return s;
        }
    }
    double v[3];
    enum aim_status s = aim_plot_sweep_indicator(run, sp->indicator, 0, v, label);
    if (s) {
        return s;
    }
    char what[256];
    snprintf(what, sizeof what, "%s per sweep point (%d points)", *label, run->n_points);
    aim_plot_gp_comment(out, what);
    fputs("# point[index]", out);
    for (int f = 0; f < run->n_factors; f++) {
        fprintf(out, " factor%d[config value]", f);
    }
    fputs(" value[1] lower[1] upper[1]\n", out);
    for (int f = 0; f < run->n_factors; f++) {
        fprintf(out, "# factor%d = %s\n", f, run->factor_keys[f]);
    }
    for (int p = 0; p < run->n_points && !s; p++) {
        s = aim_plot_sweep_indicator(run, sp->indicator, p, v, label);
        fprintf(out, "%d", p);
        for (int f = 0; f < run->n_factors; f++) {
            aim_plot_data_number(out, run->factor_values[(size_t)p * (size_t)run->n_factors + (size_t)f]);
        }
        aim_plot_data_number(out, v[0]);
        aim_plot_data_number(out, v[1]);
        aim_plot_data_number(out, v[2]);
        fputc('\n', out);
    }
    return s;
}

enum aim_status aim_plot_sweep_heatmap(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    const char *label = "";
    enum aim_status s = aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    s = s ? s : aim_plot_sweep_table(sp, aim_plot_data_stream(df), &label);
    if (s) {
        return df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    }
    const int nf = run->n_factors, cv = 2 + nf;
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "an indicator over the first two factors of a sweep", sp->format,
                         sp->width, sp->height);
    fputs("set title ", gp);
    aim_plot_gp_quote(gp, label);
    fputs("\nset xlabel ", gp);
    aim_plot_gp_quote(gp, run->factor_keys[0]);
    fputs("\nset ylabel ", gp);
    aim_plot_gp_quote(gp, run->factor_keys[1]);
    fprintf(gp,
            "\nunset grid\n"
            "unset key\n"
            "set palette cubehelix start 0.5 cycles -1.0 saturation 1.0 negative\n"
            "set cblabel 'value'\n"
            "set view map\n"
            "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n"
            "# each point a square at its two factor values (averaged where other factors vary)\n"
            "set pointsize 1\n"
            "plot '%s.dat' using 2:3:%d with points pt 5 ps 5 lc palette, \\\n"
            "     '' using 2:3:(sprintf('%%.3g', $%d)) with labels offset 0,2.2 font ',9'\n",
            sp->name, cv + 1, cv + 1);
    return aim_plot_data_commit_pair(df, gf, AIM_OK, sp->force);
}

enum aim_status aim_plot_sweep_response(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    const char *label = "";
    enum aim_status s = aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    s = s ? s : aim_plot_sweep_table(sp, aim_plot_data_stream(df), &label);
    if (s) {
        return df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    }
    const int nf = run->n_factors, cv = 2 + nf;
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "an indicator over the first factor of a sweep", sp->format, sp->width,
                         sp->height);
    fputs("set title ", gp);
    aim_plot_gp_quote(gp, label);
    fputs("\nset xlabel ", gp);
    aim_plot_gp_quote(gp, run->factor_keys[0]);
    fputs("\nset ylabel ", gp);
    aim_plot_gp_quote(gp, label);
    fprintf(gp,
            "\nset offsets graph 0.03, graph 0.03, 0, 0\n"
            "set key top left\n"
            "plot '%s.dat' using 2:%d:%d:%d with yerrorbars pt 7 ps 1 lc rgb '#08306b' title 'each point, "
            "with its interval'\n",
            sp->name, cv + 1, cv + 2, cv + 3);
    return aim_plot_data_commit_pair(df, gf, AIM_OK, sp->force);
}

int aim_plot_sweep_sensitivity_applies(const struct aim_plot_run *run, char *why, size_t size)
{
    (void)run;
    snprintf(why, size,
             "Sobol and Morris bars are not drawn yet; `aimsim sensitivity RUN.h5 --output NAME` prints the "
             "indices");
    return 0;
}

enum aim_status aim_plot_sweep_sensitivity(struct aim_plot_spec *sp)
{
    (void)sp;
    return aim_error_set(AIM_ERR_USAGE, "the sensitivity figure is not drawn yet");
}
