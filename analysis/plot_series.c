#include "analysis/plot_series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bands.h"
#include "analysis/plot_data.h"

/* The x column of every time-series script: the date column as seconds for gnuplot (a printf
 * format: %% is one %). */
#define AIM_PLOT_SERIES_X "(timecolumn(2,'%%Y-%%m-%%d'))"

/* Quantiles of the fans: p5, p25, median, p75, p95. */
static const double aim_plot_series_probs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
static const char *const aim_plot_series_qname[5] = {"p5", "p25", "p50", "p75", "p95"};

void aim_plot_series_row_start(FILE *out, const struct aim_plot_run *run, int t)
{
    char date[16];
    aim_plot_data_date(date, sizeof date, run->start_date, t);
    fprintf(out, "%d %s", t, date);
}

void aim_plot_series_date_axis(FILE *gp, const struct aim_plot_run *run)
{
    int y0 = 0, m0 = 0;
    sscanf(run->start_date, "%4d-%2d", &y0, &m0);
    const int first = y0 * 12 + m0 - 1, last = first + run->n_times - 1;
    char a[16], b[16];
    aim_plot_data_date(a, sizeof a, run->start_date, 0);
    aim_plot_data_date(b, sizeof b, run->start_date, run->n_times - 1);
    fputs("# x: the first day of each month, from the date column (seconds since 1970 for gnuplot);\n"
          "# tics on calendar dates: the first of January (quarters for runs of two years or less)\n",
          gp);
    fprintf(gp, "set xrange [strptime('%%Y-%%m-%%d','%s'):strptime('%%Y-%%m-%%d','%s')]\n", a, b);
    /* Major tics every `every` months, at most about 12; minor ones a quarter of that apart. Months
     * are numbered m = 12 year + month - 1 in the loops. */
    const int span = last - first, quarters = span <= 24;
    const int every = quarters ? 3 : 12 * ((span + 143) / 144), minor = every >= 12 ? every / 4 : 1;
    const int major0 = first + (every - first % every) % every,
              minor0 = first + (minor - first % minor) % minor;
    fputs("set xtics nomirror out ()\n", gp);
    fprintf(gp,
            "do for [m=%d:%d:%d] { set xtics add (%s "
            "strptime('%%Y-%%m-%%d', sprintf('%%d-%%02d-01', m/12, m%%12+1)) 0) }\n",
            major0, last, every, quarters ? "sprintf('%d-%02d', m/12, m%12+1)" : "sprintf('%d', m/12)");
    fprintf(gp,
            "do for [m=%d:%d:%d] { if (m%%%d != 0) { set xtics add ('' "
            "strptime('%%Y-%%m-%%d', sprintf('%%d-%%02d-01', m/12, m%%12+1)) 1) } }\n",
            minor0, last, minor, every);
    fputs("set xlabel 'month'\n", gp);
}

/* Quantile columns of several [k][t] series: q[s][j][t] for the 5 fan probabilities. */
static enum aim_status aim_plot_series_fans(const struct aim_plot_run *run, int n, const double *const *kt,
                                            double **q)
{
    *q = malloc((size_t)n * 5 * (size_t)run->n_times * sizeof **q + 1);
    if (!*q) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    for (int s = 0; s < n; s++) {
        enum aim_status st = aim_plot_run_quantiles(run, kt[s], aim_plot_series_probs, 5,
                                                    *q + (size_t)s * 5 * (size_t)run->n_times);
        if (st) {
            return st;
        }
    }
    return AIM_OK;
}

/* Writes the .dat of fans: month, date, then for each series its 5 quantiles (in q, scaled). */
static void aim_plot_series_write_fans(FILE *out, const struct aim_plot_run *run, const char *what, int n,
                                       const char *const *names, const char *const *units, const double *q)
{
    struct aim_plot_data_column cols[2 + 5 * 8] = {{"month", "index"}, {"date", "YYYY-MM-DD"}};
    char colname[8 * 5][64];
    for (int s = 0; s < n && s < 8; s++) {
        for (int j = 0; j < 5; j++) {
            snprintf(colname[s * 5 + j], sizeof colname[0], "%s_%s", names[s], aim_plot_series_qname[j]);
            cols[2 + s * 5 + j] = (struct aim_plot_data_column){colname[s * 5 + j], units[s]};
        }
    }
    aim_plot_data_header(out, what, 2 + 5 * n, cols);
    for (int t = 0; t < run->n_times; t++) {
        aim_plot_series_row_start(out, run, t);
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < 5; j++) {
                aim_plot_data_number(out, q[((size_t)s * 5 + (size_t)j) * (size_t)run->n_times + (size_t)t]);
            }
        }
        fputc('\n', out);
    }
}

/* One fan: p5-p95 and p25-p75 bands and the median line, for the quantile columns from c (1-based
 * column of p5), values times scale. */
/* A using column: "c", or "($c*scale)". */
static const char *aim_plot_series_col(char *buf, size_t size, int c, double scale)
{
    if (scale == 1.0) {
        snprintf(buf, size, "%d", c);
    } else {
        snprintf(buf, size, "($%d*%g)", c, scale);
    }
    return buf;
}

static void aim_plot_series_fan(FILE *gp, const char *dat, int c, double scale, const char *light,
                                const char *mid, const char *dark, const char *label, int first)
{
    char q[5][32];
    for (int j = 0; j < 5; j++) {
        aim_plot_series_col(q[j], sizeof q[j], c + j, scale);
    }
    fprintf(gp,
            "%s '%s' using " AIM_PLOT_SERIES_X ":%s:%s with filledcurves fc rgb '%s' "
            "fs solid 1.0 noborder title '%s p5-p95', \\\n"
            "     '' using " AIM_PLOT_SERIES_X ":%s:%s with filledcurves fc rgb '%s' fs solid 1.0 "
            "noborder title '%s p25-p75', \\\n"
            "     '' using " AIM_PLOT_SERIES_X ":%s with lines lw 2.5 lc rgb '%s' title '%s median'",
            first ? "plot" : ",", dat, q[0], q[4], light, label, q[1], q[3], mid, label, q[2], dark, label);
}

enum aim_status aim_plot_series_value(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    double *q = NULL;
    const double *kt[2] = {run->market[AIM_MV_ai_market_value], run->fundamental};
    enum aim_status s = aim_plot_series_fans(run, 2, kt, &q);
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        free(q);
        return s;
    }
    char what[256];
    snprintf(what, sizeof what,
             "AI market value (/market/ai_market_value) and organic fundamental (sum of /firm/fundamental "
             "over firms not in default): quantiles across %d replicas of point %d",
             run->n_done, run->point);
    const char *names[2] = {"value", "fundamental"}, *units[2] = {"$B", "$B"};
    aim_plot_series_write_fans(aim_plot_data_stream(df), run, what, 2, names, units, q);
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "AI market value, fan chart across replicas", sp->format, sp->width,
                         sp->height);
    aim_plot_series_date_axis(gp, run);
    fprintf(gp,
            "set title 'AI market value: quantiles across %d replicas (point %d)'\n"
            "set ylabel 'sum of AI firms'' valuations ($B)'\n"
            "set yrange [0:*]\n"
            "set format y '%%.0f'\n",
            run->n_done, run->point);
    aim_plot_series_fan(gp, "value.dat", 3, 1.0, "#c6dbef", "#6baed6", "#08306b", "value", 1);
    fprintf(gp, ", \\\n     '' using " AIM_PLOT_SERIES_X ":10 with lines lw 2 dt 2 lc rgb '#a63603' "
                "title 'organic fundamental, median'\n");
    free(q);
    return aim_plot_data_commit_pair(df, gf, AIM_OK, sp->force);
}

enum aim_status aim_plot_series_circularity(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    double *q = NULL;
    const double *kt[3] = {run->market[AIM_MV_circularity_ai], run->market[AIM_MV_circularity],
                           run->market[AIM_MV_value_fundamental]};
    enum aim_status s = aim_plot_series_fans(run, 3, kt, &q);
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        free(q);
        return s;
    }
    char what[256];
    snprintf(what, sizeof what,
             "circularity (/market/circularity_ai, /market/circularity) and value/fundamental "
             "(/market/value_fundamental): quantiles across %d replicas of point %d",
             run->n_done, run->point);
    const char *names[3] = {"circularity_ai", "circularity", "value_fundamental"},
               *units[3] = {"1", "1", "1"};
    aim_plot_series_write_fans(aim_plot_data_stream(df), run, what, 3, names, units, q);
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "circularity and value/fundamental, fan charts", sp->format, sp->width,
                         sp->height + sp->height / 3);
    aim_plot_series_date_axis(gp, run);
    fprintf(gp,
            "set multiplot layout 2,1 title 'Circularity and valuation: quantiles across %d replicas "
            "(point %d)'\n"
            "set lmargin 12\n"
            "set rmargin 3\n"
            "unset xlabel\n"
            "set ylabel 'round-trip share of revenue (%%)'\n"
            "set yrange [0:*]\n",
            run->n_done, run->point);
    aim_plot_series_fan(gp, "circularity.dat", 3, 100.0, "#fdd0a2", "#fd8d3c", "#7f2704", "of AI revenue", 1);
    fprintf(gp, ", \\\n     '' using " AIM_PLOT_SERIES_X ":($10*100) with lines lw 2 dt 2 lc rgb '#000000' "
                "title 'of all revenue, median'\n"
                "set xlabel 'month'\n"
                "set ylabel 'value / organic fundamental'\n"
                "set yrange [*:*]\n"
                "set key top left\n");
    aim_plot_series_fan(gp, "circularity.dat", 13, 1.0, "#c6dbef", "#6baed6", "#08306b", "value/fundamental",
                        1);
    fprintf(gp, ", \\\n     1 with lines lw 1 dt 3 lc rgb '#000000' title 'value = fundamental'\n"
                "unset multiplot\n");
    free(q);
    return aim_plot_data_commit_pair(df, gf, AIM_OK, sp->force);
}

enum aim_status aim_plot_series_concentration(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const struct aim_analysis *an = run->an;
    const int nt = run->n_times, nk = run->n_done;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    double *kt = malloc((size_t)AIM_ANALYZE_N_LAYERS * (size_t)nk * (size_t)nt * sizeof *kt + 1), *q = NULL;
    if (!kt) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    /* HHI on the DOJ scale (x 10^4) per layer, replica and month. */
    const double *ptr[AIM_ANALYZE_N_LAYERS];
    for (int l = 0; l < AIM_ANALYZE_N_LAYERS; l++) {
        for (int k = 0; k < nk; k++) {
            size_t pr = (size_t)run->point * (size_t)an->n_replicas + (size_t)run->replicas[k];
            for (int t = 0; t < nt; t++) {
                kt[((size_t)l * (size_t)nk + (size_t)k) * (size_t)nt + (size_t)t] =
                    1e4 * an->hhi[(pr * (size_t)nt + (size_t)t) * AIM_ANALYZE_N_LAYERS + (size_t)l];
            }
        }
        ptr[l] = kt + (size_t)l * (size_t)nk * (size_t)nt;
    }
    enum aim_status s = aim_plot_series_fans(run, AIM_ANALYZE_N_LAYERS, ptr, &q);
    free(kt);
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        free(q);
        return s;
    }
    char what[256];
    snprintf(what, sizeof what,
             "HHI of valuations x 10^4 (DOJ scale) per layer (analysis/concentration.c, as aimsim analyze): "
             "quantiles across %d replicas of point %d",
             run->n_done, run->point);
    const char *names[4], *units[4] = {"1", "1", "1", "1"};
    char nm[4][32];
    for (int l = 0; l < AIM_ANALYZE_N_LAYERS; l++) {
        snprintf(nm[l], sizeof nm[l], "hhi_%s", aim_analyze_layer_name(l));
        names[l] = nm[l];
    }
    aim_plot_series_write_fans(aim_plot_data_stream(df), run, what, AIM_ANALYZE_N_LAYERS, names, units, q);
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "HHI of valuations per layer, medians with p25-p75", sp->format,
                         sp->width, sp->height);
    aim_plot_series_date_axis(gp, run);
    fprintf(gp,
            "set title 'Concentration of valuations: HHI, median and p25-p75 across %d replicas (point %d)'\n"
            "set ylabel 'HHI x 10^4 (10000: one firm)'\n"
            "set yrange [0:10000]\n"
            "set ytics 2000\n"
            "set key top left horizontal\n"
            "set style fill transparent solid 0.22 noborder\n",
            run->n_done, run->point);
    /* Layers in the order vendors, clouds, labs, all: colours of distinct lightness and dash types,
     * so that they stay apart in greyscale. */
    static const int order[4] = {AIM_ANALYZE_VENDORS, AIM_ANALYZE_CLOUDS, AIM_ANALYZE_LABS, AIM_ANALYZE_ALL};
    static const char *const colour[4] = {"#2166ac", "#1b7837", "#b2182b", "#000000"};
    static const int dash[4] = {1, 2, 4, 1};
    static const double width[4] = {2.0, 2.0, 2.0, 3.0};
    for (int i = 0; i < 4; i++) {
        int c = 3 + 5 * order[i];
        fprintf(gp, "%s '%s.dat' using " AIM_PLOT_SERIES_X ":%d:%d with filledcurves fc rgb '%s' notitle",
                i ? ", \\\n    " : "plot", sp->name, c + 1, c + 3, colour[i]);
    }
    for (int i = 0; i < 4; i++) {
        int c = 3 + 5 * order[i];
        fprintf(gp,
                ", \\\n     '' using " AIM_PLOT_SERIES_X ":%d with lines lw %g dt %d lc rgb '%s' title '%s'",
                c + 2, width[i], dash[i], colour[i],
                order[i] == AIM_ANALYZE_ALL ? "all AI firms" : aim_analyze_layer_name(order[i]));
    }
    fputc('\n', gp);
    free(q);
    return aim_plot_data_commit_pair(df, gf, AIM_OK, sp->force);
}

/* Colours of the firms by kind (vendors blues, clouds greens, labs reds and purples), dash type
 * by kind. */
static const char *aim_plot_series_firm_colour(int kind, int i)
{
    static const char *const vendors[3] = {"#08306b", "#2171b5", "#6baed6"};
    static const char *const clouds[4] = {"#00441b", "#238b45", "#41ab5d", "#74c476"};
    static const char *const labs[6] = {"#67000d", "#cb181d", "#ef3b2c", "#7a0177", "#ae017e", "#f768a1"};
    return kind == 0 ? vendors[i % 3] : kind == 1 ? clouds[i % 4] : labs[i % 6];
}

/* Label heights at the line ends, log10 scale, pushed apart to at least gap (in order). */
static void aim_plot_series_spread(double *y, const int *order, int n, double gap)
{
    for (int pass = 0; pass < 50; pass++) {
        int moved = 0;
        for (int i = 1; i < n; i++) {
            double d = y[order[i]] - y[order[i - 1]];
            if (d < gap - 1e-12) {
                double push = (gap - d) / 2;
                y[order[i]] += push;
                y[order[i - 1]] -= push;
                moved = 1;
            }
        }
        if (!moved) {
            break;
        }
    }
}

/* A firm's label height at the line end, for sorting. */
struct aim_plot_series_end {
    double y;
    int firm;
};

static int aim_plot_series_cmp(const void *a, const void *b)
{
    const struct aim_plot_series_end *x = a, *y = b;
    return x->y < y->y ? -1 : x->y > y->y ? 1 : x->firm - y->firm;
}

enum aim_status aim_plot_series_firms(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const int nt = run->n_times, nk = run->n_done, nf = run->n_firms;
    for (int f = 0; f < nf; f++) {
        enum aim_status s = aim_plot_gp_check_text(run->firm_names[f], "firm name");
        if (s) {
            return s;
        }
    }
    double *kt = malloc((size_t)nk * (size_t)nt * sizeof *kt + 1);
    double *med = malloc((size_t)nf * (size_t)nt * sizeof *med + 1);
    double *end = malloc(((size_t)nf + 1) * sizeof *end), *ylab = malloc(((size_t)nf + 1) * sizeof *ylab);
    int *order = malloc(((size_t)nf + 1) * sizeof *order);
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    enum aim_status s =
        kt && med && end && ylab && order ? AIM_OK : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    const double half = 0.5;
    for (int f = 0; !s && f < nf; f++) {
        for (int k = 0; k < nk; k++) {
            for (int t = 0; t < nt; t++) {
                kt[(size_t)k * (size_t)nt + (size_t)t] =
                    run->valuation[((size_t)k * (size_t)nt + (size_t)t) * (size_t)nf + (size_t)f];
            }
        }
        s = aim_plot_run_quantiles(run, kt, &half, 1, med + (size_t)f * (size_t)nt);
    }
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        goto done;
    }
    FILE *out = aim_plot_data_stream(df);
    char what[256];
    snprintf(what, sizeof what, "median valuation per firm (/firm/valuation) across %d replicas of point %d",
             run->n_done, run->point);
    aim_plot_gp_comment(out, what);
    for (int f = 0; f < nf; f++) {
        fprintf(out, "# firm%d: %s, ", f,
                run->firm_kinds[f] == 0   ? "vendor"
                : run->firm_kinds[f] == 1 ? "cloud"
                                          : "lab");
        aim_plot_gp_quote(out, run->firm_names[f]);
        fputc('\n', out);
    }
    fputs("# month[index] date[YYYY-MM-DD]", out);
    for (int f = 0; f < nf; f++) {
        fprintf(out, " firm%d_p50[$B]", f);
    }
    fputc('\n', out);
    for (int t = 0; t < nt; t++) {
        aim_plot_series_row_start(out, run, t);
        for (int f = 0; f < nf; f++) {
            aim_plot_data_number(out, med[(size_t)f * (size_t)nt + (size_t)t]);
        }
        fputc('\n', out);
    }
    /* Log-scale range from the positive medians, and label heights at the last month. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < (size_t)nf * (size_t)nt; i++) {
        if (med[i] > 0) {
            lo = fmin(lo, med[i]);
            hi = fmax(hi, med[i]);
        }
    }
    if (!(lo < INFINITY)) {
        lo = 1, hi = 10;
    }
    double llo = floor(log10(lo)), lhi = ceil(log10(hi));
    if (lhi <= llo) {
        lhi = llo + 1;
    }
    int n_lab = 0;
    for (int f = 0; f < nf; f++) {
        double v = med[(size_t)f * (size_t)nt + (size_t)nt - 1];
        end[f] = v > 0 ? log10(v) : NAN;
        ylab[f] = end[f];
        if (isfinite(end[f])) {
            order[n_lab++] = f;
        }
    }
    struct aim_plot_series_end *ends = malloc(((size_t)n_lab + 1) * sizeof *ends);
    if (!ends) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n_lab; i++) {
        ends[i] = (struct aim_plot_series_end){end[order[i]], order[i]};
    }
    qsort(ends, (size_t)n_lab, sizeof *ends, aim_plot_series_cmp);
    for (int i = 0; i < n_lab; i++) {
        order[i] = ends[i].firm;
    }
    free(ends);
    /* One text line of the font is about 1/26 of the plot height. */
    aim_plot_series_spread(ylab, order, n_lab, (lhi - llo) / 26.0);
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "median valuation per firm, log scale, labelled at the line ends",
                         sp->format, sp->width, sp->height + sp->height / 4);
    aim_plot_series_date_axis(gp, run);
    char last[16];
    aim_plot_data_date(last, sizeof last, run->start_date, nt - 1);
    fprintf(gp,
            "set title 'Valuation per firm: median across %d replicas (point %d)'\n"
            "set ylabel 'valuation ($B, log scale)'\n"
            "set logscale y\n"
            "set yrange [%g:%g]\n"
            "set format y '%%.0f'\n"
            "set rmargin 16\n"
            "set key bottom right\n",
            run->n_done, run->point, pow(10, llo), pow(10, lhi));
    int rank[3] = {0, 0, 0};
    for (int f = 0; f < nf; f++) {
        int kind = run->firm_kinds[f] >= 0 && run->firm_kinds[f] <= 2 ? run->firm_kinds[f] : 2;
        const char *c = aim_plot_series_firm_colour(kind, rank[kind]++);
        if (isfinite(ylab[f])) {
            fprintf(gp, "set label %d ", f + 1);
            aim_plot_gp_quote(gp, run->firm_names[f]);
            fprintf(gp, " at strptime('%%Y-%%m-%%d','%s'), %.6g left offset character 0.6,0 tc rgb '%s'\n",
                    last, pow(10, ylab[f]), c);
        }
    }
    rank[0] = rank[1] = rank[2] = 0;
    static const int dash[3] = {1, 2, 4};
    for (int f = 0; f < nf; f++) {
        int kind = run->firm_kinds[f] >= 0 && run->firm_kinds[f] <= 2 ? run->firm_kinds[f] : 2;
        fprintf(gp,
                "%s '%s.dat' using " AIM_PLOT_SERIES_X
                ":($%d > 0 ? $%d : NaN) with lines lw 2 dt %d lc rgb '%s' "
                "notitle",
                f ? ", \\\n    " : "plot", sp->name, 3 + f, 3 + f, dash[kind],
                aim_plot_series_firm_colour(kind, rank[kind]++));
    }
    fprintf(gp,
            ", \\\n     keyentry with lines lw 2 dt 1 lc rgb '%s' title 'vendors'"
            ", \\\n     keyentry with lines lw 2 dt 2 lc rgb '%s' title 'clouds'"
            ", \\\n     keyentry with lines lw 2 dt 4 lc rgb '%s' title 'labs'\n",
            aim_plot_series_firm_colour(0, 0), aim_plot_series_firm_colour(1, 0),
            aim_plot_series_firm_colour(2, 0));
done:
    s = df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    free(kt);
    free(med);
    free(end);
    free(ylab);
    free(order);
    return s;
}
