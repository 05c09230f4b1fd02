#include "analysis/plot_risk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bands.h"
#include "analysis/critval.h"
#include "analysis/datestamp.h"
#include "analysis/plot_data.h"
#include "analysis/plot_series.h"
#include "analysis/psy.h"

#define AIM_PLOT_RISK_X "(timecolumn(2,'%%Y-%%m-%%d'))"

enum aim_status aim_plot_risk_crash(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const struct aim_analysis *an = run->an;
    const int nt = run->n_times, nk = run->n_done;
    int *starts = calloc((size_t)nt + 1, sizeof *starts);
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    enum aim_status s = starts ? AIM_OK : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    int n_crash = 0;
    for (int k = 0; !s && k < nk; k++) {
        size_t pr = (size_t)run->point * (size_t)an->n_replicas + (size_t)run->replicas[k];
        if (an->crash[pr] && an->crash_step[pr] >= 0 && an->crash_step[pr] < nt) {
            starts[an->crash_step[pr]]++;
            n_crash++;
        }
    }
    s = s ? s : aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        free(starts);
        return s;
    }
    FILE *out = aim_plot_data_stream(df);
    char what[320];
    snprintf(
        what, sizeof what,
        "crashes (AI market value falls >= %g%% within %d months, as aimsim analyze) among %d replicas of "
        "point %d: share crashed by each month with its Wilson 95%% interval, and crash start months",
        100 * an->crash_drawdown, an->crash_window, nk, run->point);
    const struct aim_plot_data_column cols[8] = {
        {"month", "index"}, {"date", "YYYY-MM-DD"}, {"crashed", "replicas"}, {"replicas", "count"},
        {"p_crash", "1"},   {"wilson_lower", "1"},  {"wilson_upper", "1"},   {"starts", "replicas"}};
    aim_plot_data_header(out, what, 8, cols);
    int cum = 0;
    for (int t = 0; t < nt && !s; t++) {
        cum += starts[t];
        double lo = NAN, hi = NAN;
        s = aim_bands_wilson(cum, nk, AIM_BANDS_Z95, &lo, &hi);
        aim_plot_series_row_start(out, run, t);
        fprintf(out, " %d %d", cum, nk);
        aim_plot_data_number(out, (double)cum / nk);
        aim_plot_data_number(out, lo);
        aim_plot_data_number(out, hi);
        fprintf(out, " %d\n", starts[t]);
    }
    const struct aim_bands_proportion *cp = &an->crash_probability[run->point];
    int max_starts = 1;
    for (int t = 0; t < nt; t++) {
        max_starts = starts[t] > max_starts ? starts[t] : max_starts;
    }
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "crash probability by month and crash start months", sp->format,
                         sp->width, sp->height + sp->height / 3);
    aim_plot_series_date_axis(gp, run);
    fprintf(
        gp,
        "set multiplot layout 2,1 title 'Crashes: AI market value falls >= %g%% within %d months; %d of %d "
        "replicas (point %d), %.3g [%.3g, %.3g] Wilson 95%%'\n"
        "set lmargin 12\n"
        "set rmargin 3\n"
        "unset xlabel\n"
        "set ylabel 'P(crash by month)'\n"
        "set yrange [0:1]\n"
        "set ytics 0.2\n"
        "set key below horizontal\n"
        "plot '%s.dat' using " AIM_PLOT_RISK_X ":6 with steps lw 1.5 dt 2 lc rgb '#737373' "
        "title 'Wilson 95%% interval', \\\n"
        "     '' using " AIM_PLOT_RISK_X ":7 with steps lw 1.5 dt 2 lc rgb '#737373' notitle, \\\n"
        "     '' using " AIM_PLOT_RISK_X
        ":5 with steps lw 2.5 lc rgb '#000000' title 'share of replicas crashed'\n"
        "unset xlabel\n"
        "set ylabel 'replicas whose crash starts in the month'\n"
        "set yrange [0:%d]\n"
        "set ytics %d\n"
        "set format y '%%.0f'\n"
        "set style fill solid 1.0 noborder\n"
        "set boxwidth 0.8*30*86400 absolute\n"
        "%s"
        "plot '%s.dat' using " AIM_PLOT_RISK_X ":8 with boxes fc rgb '#6a51a3' "
        "title 'crashes starting in the month (%d in all)'\n"
        "unset multiplot\n",
        100 * an->crash_drawdown, an->crash_window, cp->successes, cp->n, run->point, cp->estimate, cp->lower,
        cp->upper, sp->name, max_starts + 1, (max_starts + 4) / 5,
        n_crash ? "" : "set label 1 'no replica crashed' at graph 0.5, graph 0.75 center\n", sp->name,
        n_crash);
    free(starts);
    return aim_plot_data_commit_pair(df, gf, s, sp->force);
}

int aim_plot_risk_bsadf_applies(const struct aim_plot_run *run, char *why, size_t size)
{
    if (!run->an->bubble) {
        snprintf(why, size, "%s", run->an->bubble_note);
        return 0;
    }
    for (int k = 0; k < run->n_done; k++) {
        size_t pr = (size_t)run->point * (size_t)run->an->n_replicas + (size_t)run->replicas[k];
        if (isfinite(run->an->gsadf[pr])) {
            return 1;
        }
    }
    snprintf(why, size, "no replica's AI market value could be tested (GSADF undefined)");
    return 0;
}

/* The replica to show: the one asked for, or the one whose GSADF is the median of the testable
 * replicas (the lower one of the middle two). *k receives its position among the loaded ones. */
static enum aim_status aim_plot_risk_pick(const struct aim_plot_spec *sp, int *k)
{
    const struct aim_plot_run *run = sp->run;
    const struct aim_analysis *an = run->an;
    if (sp->replica >= 0) {
        for (int i = 0; i < run->n_done; i++) {
            if (run->replicas[i] == sp->replica) {
                *k = i;
                return AIM_OK;
            }
        }
        return aim_error_set(AIM_ERR_USAGE, "--replica %d is not a complete replica of point %d (0 to %d)",
                             sp->replica, run->point, run->n_replicas - 1);
    }
    int n = 0;
    int *idx = malloc(((size_t)run->n_done + 1) * sizeof *idx);
    if (!idx) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < run->n_done; i++) {
        size_t pr = (size_t)run->point * (size_t)an->n_replicas + (size_t)run->replicas[i];
        if (isfinite(an->gsadf[pr])) {
            idx[n++] = i;
        }
    }
    /* Insertion sort by GSADF, ties by replica index. */
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0; j--) {
            size_t a = (size_t)run->point * (size_t)an->n_replicas + (size_t)run->replicas[idx[j - 1]];
            size_t b = (size_t)run->point * (size_t)an->n_replicas + (size_t)run->replicas[idx[j]];
            if (an->gsadf[a] <= an->gsadf[b]) {
                break;
            }
            int tmp = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = tmp;
        }
    }
    *k = n > 0 ? idx[(n - 1) / 2] : -1;
    free(idx);
    return *k >= 0 ? AIM_OK : aim_error_set(AIM_ERR_FORMAT, "no replica could be tested");
}

/* The episodes as boxes from their start to their end month, over the panel's y range. */
static void aim_plot_risk_shade(FILE *gp, const char *name, size_t n_ep, double lo, double hi)
{
    if (n_ep == 0) {
        return;
    }
    fprintf(gp,
            "'%s.dat' index 1 using (timecolumn(3,'%%Y-%%m-%%d')/2+timecolumn(4,'%%Y-%%m-%%d')/2):(%g):"
            "(timecolumn(3,'%%Y-%%m-%%d')):(timecolumn(4,'%%Y-%%m-%%d')):(%g):(%g) with boxxyerror "
            "fc rgb '#fdd0a2' fs solid 1.0 noborder title 'bubble episode (BSADF > 95%% cv)', \\\n     ",
            name, (lo + hi) / 2, lo, hi);
}

enum aim_status aim_plot_risk_bsadf(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const int nt = run->n_times;
    int k = -1;
    enum aim_status s = aim_plot_risk_pick(sp, &k);
    if (s) {
        return s;
    }
    const int replica = run->replicas[k];
    const double *value = run->market[AIM_MV_ai_market_value] + (size_t)k * (size_t)nt;
    double *y = malloc((size_t)nt * sizeof *y + 1), *stat = NULL, *cvv = NULL;
    struct aim_psy_result *res = NULL;
    struct aim_critval *cv = NULL;
    struct aim_datestamp_episode *ep = NULL;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    size_t n_ep = 0;
    if (!y) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    for (int t = 0; t < nt; t++) {
        y[t] = value[t] > 0 ? log(value[t]) : NAN;
    }
    /* exuber's design, as aimsim analyze: lag 0, default window, 2000 replications, seed 123. */
    struct aim_psy_options po;
    aim_psy_options_init(&po);
    struct aim_critval_options co;
    aim_critval_options_init(&co);
    s = aim_psy_result_create(&res, y, (size_t)nt, &po);
    s = s ? s : aim_critval_create(&cv, (size_t)nt, &co);
    if (s) {
        aim_error_prefix(s, "replica %d: ", replica);
        goto done;
    }
    stat = malloc((res->count + 1) * sizeof *stat);
    cvv = malloc((res->count + 1) * sizeof *cvv);
    ep = malloc((res->count / 2 + 2) * sizeof *ep);
    if (!stat || !cvv || !ep) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < res->count; i++) {
        size_t obs = res->first_t + i;
        stat[i] = res->bsadf[i];
        cvv[i] = obs >= cv->first_t && obs - cv->first_t < cv->count ? cv->bsadf[3 * (obs - cv->first_t) + 1]
                                                                     : NAN;
    }
    /* exuber's gate: episodes are dated only when GSADF exceeds its 95% critical value. */
    const int bubble = res->gsadf > cv->gsadf[1];
    if (bubble) {
        s = aim_datestamp_find(stat, res->count, res->first_t, cvv, res->count, ep, &n_ep);
        if (s) {
            goto done;
        }
    }
    s = aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        goto done;
    }
    FILE *out = aim_plot_data_stream(df);
    char what[320];
    snprintf(what, sizeof what,
             "replica %d of point %d: log AI market value, its BSADF sequence (lag 0, minimum window %zu "
             "months) and the 95%% Monte Carlo critical values (%d replications, seed %llu); GSADF %.4f, "
             "its 95%% critical value %.4f",
             replica, run->point, res->min_levels, cv->replications, (unsigned long long)cv->seed, res->gsadf,
             cv->gsadf[1]);
    const struct aim_plot_data_column cols[5] = {
        {"month", "index"}, {"date", "YYYY-MM-DD"}, {"log_value", "ln($B)"}, {"bsadf", "1"}, {"cv95", "1"}};
    aim_plot_data_header(out, what, 5, cols);
    double ylo = INFINITY, yhi = -INFINITY, blo = INFINITY, bhi = -INFINITY;
    for (int t = 0; t < nt; t++) {
        aim_plot_series_row_start(out, run, t);
        size_t obs = (size_t)t + 1;
        double b = obs >= res->first_t ? stat[obs - res->first_t] : NAN;
        double c = obs >= res->first_t ? cvv[obs - res->first_t] : NAN;
        aim_plot_data_number(out, y[t]);
        aim_plot_data_number(out, b);
        aim_plot_data_number(out, c);
        fputc('\n', out);
        if (isfinite(y[t])) {
            ylo = fmin(ylo, y[t]);
            yhi = fmax(yhi, y[t]);
        }
        for (int j = 0; j < 2; j++) {
            double v = j ? c : b;
            if (isfinite(v)) {
                blo = fmin(blo, v);
                bhi = fmax(bhi, v);
            }
        }
    }
    double ypad = 0.08 * (yhi - ylo > 0 ? yhi - ylo : 1), bpad = 0.08 * (bhi - blo > 0 ? bhi - blo : 1);
    ylo -= ypad, yhi += ypad, blo -= bpad, bhi += bpad;
    fputs("\n\n# episodes (index 1): BSADF above its 95% critical value, from the start month to the first "
          "month "
          "after (exuber's date-stamping)\n# start[index] end[index] start_date[YYYY-MM-DD] "
          "end_date[YYYY-MM-DD] "
          "ongoing[0/1]\n",
          out);
    for (size_t e = 0; e < n_ep; e++) {
        char d0[16], d1[16];
        int m0 = (int)ep[e].start - 1, m1 = (int)ep[e].end - 1 < nt - 1 ? (int)ep[e].end - 1 : nt - 1;
        aim_plot_data_date(d0, sizeof d0, run->start_date, m0);
        aim_plot_data_date(d1, sizeof d1, run->start_date, m1);
        fprintf(out, "%d %d %s %s %d\n", m0, m1, d0, d1, ep[e].ongoing);
    }
    snprintf(sp->note, sizeof sp->note, "replica %d%s, GSADF %.3f (95%% critical value %.3f), %zu episode%s",
             replica, sp->replica >= 0 ? "" : " (median GSADF)", res->gsadf, cv->gsadf[1], n_ep,
             n_ep == 1 ? "" : "s");
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "log AI market value and BSADF of one replica", sp->format, sp->width,
                         sp->height + sp->height / 3);
    aim_plot_series_date_axis(gp, run);
    fprintf(
        gp,
        "set multiplot layout 2,1 title 'Replica %d (point %d)%s: GSADF %.3f, 95%% critical value %.3f%s'\n"
        "set lmargin 12\n"
        "set rmargin 3\n"
        "unset xlabel\n"
        "set ylabel 'log AI market value (ln $B)'\n"
        "set yrange [%g:%g]\n"
        "set key top left\n",
        replica, run->point, sp->replica >= 0 ? "" : ", median GSADF", res->gsadf, cv->gsadf[1],
        bubble ? "" : ": no bubble, no episode dated", ylo, yhi);
    fputs("plot ", gp);
    aim_plot_risk_shade(gp, sp->name, n_ep, ylo, yhi);
    fprintf(gp,
            "'%s.dat' index 0 using " AIM_PLOT_RISK_X ":3 with lines lw 2.5 lc rgb '#08306b' "
            "title 'log AI market value'\n"
            "set xlabel 'month'\n"
            "set ylabel 'ADF statistic'\n"
            "set yrange [%g:%g]\n"
            "plot ",
            sp->name, blo, bhi);
    aim_plot_risk_shade(gp, sp->name, n_ep, blo, bhi);
    fprintf(gp,
            "'%s.dat' index 0 using " AIM_PLOT_RISK_X
            ":4 with lines lw 2.5 lc rgb '#000000' title 'BSADF', \\\n"
            "     '' index 0 using " AIM_PLOT_RISK_X ":5 with lines lw 2 dt 2 lc rgb '#cb181d' "
            "title '95%% critical value (Monte Carlo)'\n"
            "unset multiplot\n",
            sp->name);
done:
    s = df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    free(y);
    free(stat);
    free(cvv);
    free(ep);
    aim_psy_result_free(res);
    aim_critval_free(cv);
    return s;
}
