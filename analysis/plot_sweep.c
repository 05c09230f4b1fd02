#include "analysis/plot_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bands.h"
#include "analysis/plot_data.h"
#include "sim/store.h"

static const struct aim_plot_sweep_indicator aim_plot_sweep_indicators[5] = {
    {"crash_probability", "crash probability (Wilson 95% interval)", 1},
    {"bubble_share", "share of replicas with a GSADF bubble (Wilson 95% interval)", 1},
    {"circularity", "circularity: mean of circularity_ai over the months, median (p25-p75)", 0},
    {"vf", "value/fundamental at the last month, median (p25-p75)", 0},
    {"hhi", "HHI of all AI firms x 10^4 at the last month, median (p25-p75)", 0},
};

/* circularity and vf of every (point, replica), read from the trajectories as aimsim sensitivity
 * reads them. */
static enum aim_status aim_plot_sweep_series(const struct aim_plot_run *run, int vf, double *vals)
{
    struct aim_store *st = NULL;
    struct aim_traj *tr = NULL;
    enum aim_status s = aim_store_open_read(&st, run->path);
    s = s ? s : aim_traj_create(&tr, run->n_firms, run->n_times, run->bs_every);
    const int nt = run->n_times;
    for (int p = 0; !s && p < run->n_points; p++) {
        for (int r = 0; !s && r < run->n_replicas; r++) {
            double v = NAN;
            if (aim_store_replica_done(st, p, r) && !(s = aim_store_read_replica(st, p, r, tr))) {
                if (vf) {
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
            }
            vals[(size_t)p * (size_t)run->n_replicas + (size_t)r] = v;
        }
    }
    aim_traj_free(tr);
    if (st) {
        aim_store_close(st);
    }
    return s;
}

enum aim_status aim_plot_sweep_values(const struct aim_plot_run *run, const char *name,
                                      struct aim_plot_sweep_indicator *ind, double **vals)
{
    const char *want = name ? name : "crash_probability";
    int which = -1;
    for (int k = 0; k < 5; k++) {
        which = strcmp(want, aim_plot_sweep_indicators[k].name) == 0 ? k : which;
    }
    if (which < 0) {
        return aim_error_set(
            AIM_ERR_USAGE, "--indicator \"%s\": give crash_probability, bubble_share, circularity, vf or hhi",
            want);
    }
    const struct aim_analysis *an = run->an;
    if (which == 1 && !an->bubble) {
        return aim_error_set(AIM_ERR_USAGE, "--indicator bubble_share: GSADF was not computed: %s",
                             an->bubble_note);
    }
    *ind = aim_plot_sweep_indicators[which];
    const size_t npr = (size_t)run->n_points * (size_t)run->n_replicas, nt = (size_t)run->n_times;
    *vals = malloc((npr + 1) * sizeof **vals);
    if (!*vals) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    if (which == 2 || which == 3) {
        return aim_plot_sweep_series(run, which == 3, *vals);
    }
    for (size_t i = 0; i < npr; i++) {
        double v = which == 0   ? an->crash[i]
                   : which == 1 ? an->bubble_flag[i]
                                : 1e4 * an->hhi[(i * nt + nt - 1) * AIM_ANALYZE_N_LAYERS + AIM_ANALYZE_ALL];
        (*vals)[i] = an->done[i] ? v : NAN;
    }
    return AIM_OK;
}

/* The indicator of point p: the share with its Wilson interval, or the median with p25 and p75. */
static enum aim_status aim_plot_sweep_summary(const struct aim_plot_run *run,
                                              const struct aim_plot_sweep_indicator *ind, const double *vals,
                                              int p, double out[3])
{
    const int nr = run->n_replicas;
    double x[3] = {NAN, NAN, NAN}, *v = malloc(((size_t)nr + 1) * sizeof *v),
           *work = malloc(((size_t)nr + 1) * sizeof *work);
    int n = 0, hits = 0;
    enum aim_status s = v && work ? AIM_OK : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    for (int r = 0; !s && r < nr; r++) {
        double y = vals[(size_t)p * (size_t)nr + (size_t)r];
        if (isfinite(y)) {
            v[n++] = y;
            hits += y != 0.0;
        }
    }
    if (!s && n > 0 && ind->proportion) {
        x[0] = (double)hits / n;
        s = aim_bands_wilson(hits, n, AIM_BANDS_Z95, &x[1], &x[2]);
    } else if (!s && n > 0) {
        const double probs[3] = {0.5, 0.25, 0.75};
        s = aim_bands_quantiles(v, (size_t)n, probs, 3, work, x);
    }
    memcpy(out, x, sizeof x);
    free(v);
    free(work);
    return s;
}

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

/* Level index of value x among v[0..n-1]. */
static int aim_plot_sweep_level_of(const double *v, int n, double x)
{
    for (int i = 0; i < n; i++) {
        if (v[i] == x) {
            return i;
        }
    }
    return -1;
}

int aim_plot_sweep_heatmap_applies(const struct aim_plot_run *run, char *why, size_t size)
{
    if (!aim_plot_sweep_response_applies(run, why, size)) {
        return 0;
    }
    if (run->n_factors < 2) {
        snprintf(why, size, "the sweep has one factor; a heatmap needs two (the response figure shows one)");
        return 0;
    }
    double *v = malloc(((size_t)run->n_points + 1) * sizeof *v);
    int n0 = v ? aim_plot_sweep_levels(run, 0, v) : 0, n1 = v ? aim_plot_sweep_levels(run, 1, v) : 0;
    free(v);
    /* A grid: every pair of levels appears, and there are not more pairs than points. */
    if (n0 < 2 || n1 < 2 || (long)n0 * n1 > run->n_points || n0 * n1 > 4096) {
        snprintf(
            why, size,
            "the points are not a grid of the first two factors (%d and %d distinct values over %d points); "
            "use a grid design, or the response figure",
            n0, n1, run->n_points);
        return 0;
    }
    return 1;
}

/* The first lines of a sweep figure's .dat: what it holds and the factor keys. */
static void aim_plot_sweep_head(FILE *out, const struct aim_plot_run *run,
                                const struct aim_plot_sweep_indicator *ind, const char *what)
{
    char line[512];
    snprintf(line, sizeof line, "%s: %s, %d points of %d replicas, from %s", what, ind->label, run->n_points,
             run->n_replicas, ind->name);
    aim_plot_gp_comment(out, line);
    for (int f = 0; f < run->n_factors; f++) {
        fprintf(out, "# factor%d: ", f);
        aim_plot_gp_quote(out, run->factor_keys[f]);
        fputc('\n', out);
    }
}

enum aim_status aim_plot_sweep_heatmap(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const int np = run->n_points, nf = run->n_factors;
    struct aim_plot_sweep_indicator ind;
    double *vals = NULL, *lv0 = malloc(((size_t)np + 1) * sizeof *lv0),
           *lv1 = malloc(((size_t)np + 1) * sizeof *lv1);
    double *sum = NULL;
    int *count = NULL;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    enum aim_status s = lv0 && lv1 ? aim_plot_sweep_values(run, sp->indicator, &ind, &vals)
                                   : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    const int n0 = s ? 0 : aim_plot_sweep_levels(run, 0, lv0),
              n1 = s ? 0 : aim_plot_sweep_levels(run, 1, lv1);
    if (!s) {
        sum = calloc((size_t)n0 * (size_t)n1 + 1, sizeof *sum);
        count = calloc((size_t)n0 * (size_t)n1 + 1, sizeof *count);
        s = sum && count ? AIM_OK : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    /* A cell's value: the indicator of its point, averaged over the points of the other factors. */
    for (int p = 0; !s && p < np; p++) {
        double x[3];
        s = aim_plot_sweep_summary(run, &ind, vals, p, x);
        const double *row = run->factor_values + (size_t)p * (size_t)nf;
        int i = aim_plot_sweep_level_of(lv0, n0, row[0]), j = aim_plot_sweep_level_of(lv1, n1, row[1]);
        if (!s && isfinite(x[0])) {
            sum[(size_t)j * (size_t)n0 + (size_t)i] += x[0];
            count[(size_t)j * (size_t)n0 + (size_t)i]++;
        }
    }
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        goto done;
    }
    FILE *out = aim_plot_data_stream(df);
    aim_plot_sweep_head(out, run, &ind,
                        "heatmap over factor0 and factor1, each cell the mean over the points of its "
                        "pair of levels");
    fputs("# i[index] j[index] factor0[config value] factor1[config value] value[1] points[count]\n", out);
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n0; i++) {
        for (int j = 0; j < n1; j++) {
            int k = count[(size_t)j * (size_t)n0 + (size_t)i];
            double v = k ? sum[(size_t)j * (size_t)n0 + (size_t)i] / k : NAN;
            fprintf(out, "%d %d", i, j);
            aim_plot_data_number(out, lv0[i]);
            aim_plot_data_number(out, lv1[j]);
            aim_plot_data_number(out, v);
            fprintf(out, " %d\n", k);
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
        fputc('\n', out);
    }
    if (!(lo <= hi)) {
        lo = 0, hi = 1;
    }
    if (ind.proportion) {
        lo = 0, hi = 1;
    } else if (hi == lo) {
        hi = lo + 1;
    }
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "an indicator over the first two factors of a sweep", sp->format,
                         sp->width, sp->height);
    fputs("set title ", gp);
    aim_plot_gp_quote(gp, ind.label);
    fputs("\nset xlabel ", gp);
    aim_plot_gp_quote(gp, run->factor_keys[0]);
    fputs("\nset ylabel ", gp);
    aim_plot_gp_quote(gp, run->factor_keys[1]);
    fprintf(gp,
            "\nunset grid\nunset key\nset border 0\nset tics scale 0\n"
            "set xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\n"
            "set palette defined (0 '#f7fbff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b')\n"
            "set cbrange [%.10g:%.10g]\nset cblabel '%s'\n",
            n0 - 1, n1 - 1, lo, hi, ind.name);
    fputs("set xtics (", gp);
    for (int i = 0; i < n0; i++) {
        fprintf(gp, "%s'%.6g' %d", i ? ", " : "", lv0[i], i);
    }
    fputs(")\nset ytics (", gp);
    for (int j = 0; j < n1; j++) {
        fprintf(gp, "%s'%.6g' %d", j ? ", " : "", lv1[j], j);
    }
    /* Text dark on light cells and light on dark ones. */
    fprintf(gp,
            ")\nlight(v) = (v - %.10g) / %.10g < 0.55 ? 0 : 0xffffff\n"
            "plot '%s.dat' using 1:2:5 with image pixels, \\\n"
            "     '' using 1:2:(sprintf('%%.3g', $5)):(light($5)) with labels tc rgb variable font ',11'\n",
            lo, hi - lo, sp->name);
    snprintf(sp->note, sizeof sp->note, "%s over %d x %d levels", ind.name, n0, n1);
done:
    s = df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    free(vals);
    free(lv0);
    free(lv1);
    free(sum);
    free(count);
    return s;
}

/* Orders points by (curve, factor 0): the curve is the combination of the other factors. */
struct aim_plot_sweep_row {
    int point, curve;
    double x;
};

static int aim_plot_sweep_row_cmp(const void *a, const void *b)
{
    const struct aim_plot_sweep_row *x = a, *y = b;
    if (x->curve != y->curve) {
        return x->curve - y->curve;
    }
    return x->x < y->x ? -1 : x->x > y->x ? 1 : x->point - y->point;
}

/* Colours and dash types of the curves, apart in lightness for greyscale print. */
static const char *const aim_plot_sweep_colour[8] = {"#000000", "#2166ac", "#b2182b", "#1b7837",
                                                     "#762a83", "#e08214", "#6baed6", "#a6a6a6"};

enum aim_status aim_plot_sweep_response(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const int np = run->n_points, nf = run->n_factors;
    struct aim_plot_sweep_indicator ind;
    double *vals = NULL;
    struct aim_plot_sweep_row *rows = malloc(((size_t)np + 1) * sizeof *rows);
    int *first = malloc(((size_t)np + 1) * sizeof *first); /* first point of each curve */
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    enum aim_status s = rows && first ? aim_plot_sweep_values(run, sp->indicator, &ind, &vals)
                                      : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    int n_curves = 0;
    for (int p = 0; !s && p < np; p++) {
        const double *row = run->factor_values + (size_t)p * (size_t)nf;
        int c = 0;
        for (; c < n_curves; c++) {
            const double *other = run->factor_values + (size_t)first[c] * (size_t)nf;
            if (nf < 2 || memcmp(row + 1, other + 1, (size_t)(nf - 1) * sizeof *row) == 0) {
                break;
            }
        }
        if (c == n_curves) {
            first[n_curves++] = p;
        }
        rows[p] = (struct aim_plot_sweep_row){p, c, row[0]};
    }
    /* More than 8 combinations (a random design): every point on its own, no lines. */
    const int lines = n_curves <= 8 && n_curves < np;
    if (!lines) {
        for (int p = 0; p < np; p++) {
            rows[p].curve = 0;
        }
    }
    qsort(rows, (size_t)np, sizeof *rows, aim_plot_sweep_row_cmp);
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        goto done;
    }
    FILE *out = aim_plot_data_stream(df);
    aim_plot_sweep_head(out, run, &ind,
                        "response over factor0; one block (index) per combination of the others");
    int block = -1;
    for (int k = 0; k < np && !s; k++) {
        if (rows[k].curve != block) {
            block = rows[k].curve;
            fprintf(out, "%s# block %d\n# point[index] factor0[config value] value[1] lower[1] upper[1]\n",
                    k ? "\n\n" : "", block);
        }
        double x[3];
        s = aim_plot_sweep_summary(run, &ind, vals, rows[k].point, x);
        fprintf(out, "%d", rows[k].point);
        aim_plot_data_number(out, rows[k].x);
        aim_plot_data_number(out, x[0]);
        aim_plot_data_number(out, x[1]);
        aim_plot_data_number(out, x[2]);
        fputc('\n', out);
    }
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "an indicator over the first factor of a sweep, with intervals",
                         sp->format, sp->width, sp->height);
    fputs("set title ", gp);
    aim_plot_gp_quote(gp, ind.label);
    fputs("\nset xlabel ", gp);
    aim_plot_gp_quote(gp, run->factor_keys[0]);
    fprintf(
        gp,
        "\nset ylabel '%s'\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\nset key top left\n%s",
        ind.name, ind.proportion ? "set yrange [0:1]\n" : "");
    /* Curves side by side at each level (dodged by 1% of the range each) so their intervals do not
     * hide one another; the .dat keeps the true values. */
    double xlo = rows[0].x, xhi = rows[0].x;
    for (int k = 0; k < np; k++) {
        xlo = fmin(xlo, rows[k].x);
        xhi = fmax(xhi, rows[k].x);
    }
    const int n_drawn = lines ? n_curves : 1;
    for (int c = 0; c < n_drawn; c++) {
        double dx = (c - (n_drawn - 1) / 2.0) * 0.01 * (xhi > xlo ? xhi - xlo : 1.0);
        fprintf(
            gp,
            "%s '%s.dat' index %d using ($2%+.6g):3:4:5 with %s lw 2 dt %d pt %d ps 1.2 lc rgb '%s' title ",
            c ? ", \\\n    " : "plot", sp->name, c, dx, lines ? "yerrorlines" : "yerrorbars", c % 5 + 1,
            5 + 2 * (c % 4), aim_plot_sweep_colour[c % 8]);
        if (!lines || nf < 2) {
            fputs(lines ? "'median and interval'" : "'each point, with its interval'", gp);
            continue;
        }
        /* The curve's title: its values of the other factors, "key = value, ...". */
        char title[512];
        size_t len = 0;
        const double *row = run->factor_values + (size_t)first[c] * (size_t)nf;
        for (int f = 1; f < nf && len < sizeof title - 1; f++) {
            len += (size_t)snprintf(title + len, sizeof title - len, "%s%s = %.6g", f > 1 ? ", " : "",
                                    run->factor_keys[f], row[f]);
        }
        aim_plot_gp_quote(gp, title);
    }
    fputc('\n', gp);
    snprintf(sp->note, sizeof sp->note, "%s, %d curve%s", ind.name, lines ? n_curves : 1,
             lines && n_curves > 1 ? "s" : "");
done:
    s = df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    free(vals);
    free(rows);
    free(first);
    return s;
}
