#include "analysis/plot_sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot_data.h"
#include "analysis/plot_sweep.h"
#include "analysis/sensitivity.h"
#include "sim/config.h"
#include "sim/design.h"

/* The run's config, and its design checked against /sweep/points. */
static enum aim_status aim_plot_sensitivity_design(const struct aim_plot_run *run, struct aim_config **cfg,
                                                   struct aim_design **des)
{
    enum aim_status s = aim_config_create(cfg);
    s = s ? s : aim_config_load_string(*cfg, run->config_yaml, strlen(run->config_yaml), "config attribute");
    if (s) {
        return aim_error_prefix(AIM_ERR_FORMAT, "%s: the run's configuration does not load: ", run->path);
    }
    if ((*cfg)->sweep.design != AIM_DESIGN_SALTELLI && (*cfg)->sweep.design != AIM_DESIGN_MORRIS) {
        return aim_error_set(AIM_ERR_USAGE,
                             "the sweep's design gives no sensitivity indices; run a sweep.design: "
                             "saltelli or morris config (docs/sweeps.md)");
    }
    s = aim_design_from_config(*cfg, ".", 1, des);
    if (s) {
        return s;
    }
    int same = (*des)->n_points == run->n_points && (*des)->n_cols == run->n_factors;
    for (long i = 0; same && i < (long)run->n_points * run->n_factors; i++) {
        same = (*des)->x[i] == run->factor_values[i];
    }
    return same ? AIM_OK
                : aim_error_set(AIM_ERR_FORMAT,
                                "%s: /sweep/points differs from its config's design (damaged file?)",
                                run->path);
}

int aim_plot_sensitivity_applies(const struct aim_plot_run *run, char *why, size_t size)
{
    struct aim_config *cfg = NULL;
    struct aim_design *des = NULL;
    int ok = run->n_factors > 0 && aim_plot_sensitivity_design(run, &cfg, &des) == AIM_OK;
    if (!ok) {
        snprintf(why, size, "%s",
                 run->n_factors > 0 ? aim_error_message()
                                    : "not a sweep's file (no /sweep/points): a single run has no indices");
    }
    for (int p = 0; ok && p < run->n_points; p++) {
        for (int r = 0; ok && r < run->n_replicas; r++) {
            ok = run->an->done[(size_t)p * (size_t)run->n_replicas + (size_t)r];
        }
        if (!ok) {
            snprintf(why, size, "the sweep is not finished (point %d); finish it with aimsim run --resume",
                     p);
        }
    }
    aim_error_clear();
    aim_design_free(des);
    aim_config_free(cfg);
    return ok;
}

enum aim_status aim_plot_sensitivity_figure(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const int nr = run->n_replicas;
    struct aim_config *cfg = NULL;
    struct aim_design *des = NULL;
    struct aim_plot_sweep_indicator ind;
    double *vals = NULL, *y = NULL, *work = NULL;
    struct aim_sensitivity_index *s1 = NULL, *st = NULL;
    struct aim_sensitivity_morris *mo = NULL;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    enum aim_status s = aim_plot_sensitivity_design(run, &cfg, &des);
    s = s ? s : aim_plot_sweep_values(run, sp->indicator, &ind, &vals);
    if (s) {
        goto done;
    }
    const int d = des->n_factors, morris = cfg->sweep.design == AIM_DESIGN_MORRIS;
    const long n = cfg->sweep.points;
    struct aim_sensitivity_options opt;
    aim_sensitivity_options_init(&opt);
    opt.seed = cfg->sweep.seed < 0 ? cfg->run.seed : (uint64_t)cfg->sweep.seed;
    /* The replicas averaged per point of the first scenario (des->n_base points). */
    y = malloc(((size_t)des->n_base + 1) * sizeof *y);
    s1 = calloc((size_t)d + 1, sizeof *s1);
    st = calloc((size_t)d + 1, sizeof *st);
    mo = calloc((size_t)d + 1, sizeof *mo);
    if (!y || !s1 || !st || !mo) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (long p = 0; p < des->n_base; p++) {
        double sum = 0.0;
        for (int r = 0; r < nr; r++) {
            sum += vals[(size_t)p * (size_t)nr + (size_t)r];
        }
        y[p] = sum / nr;
    }
    if (morris) {
        work = malloc(aim_sensitivity_morris_work_size((size_t)n, d, opt.n_boot) * sizeof *work);
        s = work ? aim_sensitivity_morris(des->u, y, (size_t)n, d, &opt, work, mo)
                 : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    } else {
        /* Rows 1..N-1 of every block: row 0 is the Sobol origin, the same point in every block. */
        enum aim_sensitivity_layout layout =
            cfg->sweep.second_order ? AIM_SENSITIVITY_SECOND_ORDER : AIM_SENSITIVITY_FIRST_TOTAL;
        long blocks = cfg->sweep.second_order ? 2L * d + 2 : (long)d + 2;
        double *yy = malloc((size_t)(blocks * (n - 1) + 1) * sizeof *yy);
        work = malloc(aim_sensitivity_sobol_work_size(d, layout, opt.n_boot) * sizeof *work);
        for (long b = 0; yy && b < blocks; b++) {
            for (long j = 1; j < n; j++) {
                yy[b * (n - 1) + j - 1] = y[b * n + j];
            }
        }
        s = yy && work ? aim_sensitivity_sobol(yy, (size_t)(n - 1), d, layout, &opt, work, s1, st, NULL, NULL)
                       : aim_error_set(AIM_ERR_NOMEM, "out of memory");
        free(yy);
    }
    if (s) {
        aim_error_prefix(s, "%s of %s: ", morris ? "Morris measures" : "Sobol indices", ind.name);
        goto done;
    }
    s = aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        goto done;
    }
    FILE *out = aim_plot_data_stream(df);
    char what[512];
    snprintf(what, sizeof what,
             "%s of %s (%s per point, averaged over %d replicas), design %s, n = %ld, %d bootstrap "
             "resamples, seed "
             "%llu%s",
             morris ? "Morris measures" : "Sobol indices", ind.name, ind.name, nr,
             morris ? "morris" : "saltelli", morris ? n : n - 1, opt.n_boot, (unsigned long long)opt.seed,
             des->n_cols > d ? "; first scenario of the crossed factors" : "");
    aim_plot_gp_comment(out, what);
    fputs(morris ? "# factor[index] mu_star[1] mu_star_conf[1] sigma[1] mu[1]\n"
                 : "# factor[index] S1[1] S1_conf[1] ST[1] ST_conf[1]\n",
          out);
    for (int i = 0; i < d; i++) {
        fprintf(out, "# factor %d: ", i);
        aim_plot_gp_quote(out, run->factor_keys[i]);
        fputc('\n', out);
    }
    for (int i = 0; i < d; i++) {
        fprintf(out, "%d", i);
        if (morris) {
            aim_plot_data_number(out, mo[i].mu_star.estimate);
            aim_plot_data_number(out, mo[i].mu_star.conf);
            aim_plot_data_number(out, mo[i].sigma);
            aim_plot_data_number(out, mo[i].mu);
        } else {
            aim_plot_data_number(out, s1[i].estimate);
            aim_plot_data_number(out, s1[i].conf);
            aim_plot_data_number(out, st[i].estimate);
            aim_plot_data_number(out, st[i].conf);
        }
        fputc('\n', out);
    }
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name,
                         morris ? "Morris mu* against sigma" : "Sobol S1 and ST with confidence", sp->format,
                         sp->width, sp->height);
    fprintf(gp, "set title '%s of %s: %s, n = %ld, %d replicas a point, bootstrap 95%% half-widths'\n",
            morris ? "Morris screening" : "Sobol indices", ind.name, morris ? "morris" : "saltelli",
            morris ? n : n - 1, nr);
    if (morris) {
        fputs(
            "set xlabel 'mu* (mean |elementary effect|)'\nset ylabel 'sigma (sd of the elementary effects)'\n"
            "set grid xtics ytics\nset key top left\nset offsets graph 0.05, graph 0.25, graph 0.1, graph "
            "0.05\n",
            gp);
        for (int i = 0; i < d; i++) {
            fprintf(gp, "set label %d ", i + 1);
            aim_plot_gp_quote(gp, run->factor_keys[i]);
            fprintf(gp, " at %.10g, %.10g left offset character 0.8,0.6\n", mo[i].mu_star.estimate,
                    mo[i].sigma);
        }
        fprintf(gp,
                "plot '%s.dat' using 2:4:($2-$3):($2+$3) with xerrorbars pt 7 ps 1.5 lc rgb '#08306b' "
                "title 'mu* with its 95%% half-width'\n",
                sp->name);
    } else {
        fprintf(
            gp,
            "set ylabel 'share of the output variance'\nset xzeroaxis lt -1\nset offsets 0, 0, 0.05, 0.05\n"
            "set style data histogram\nset style histogram errorbars gap 1.5 lw 1.5\n"
            "set style fill solid 1.0 border rgb '#000000'\nset boxwidth 0.9\nset xtics nomirror rotate by "
            "-20 left\n"
            "set key top right opaque\nset xrange [-0.6:%d.6]\n",
            d - 1);
        fputs("set xtics (", gp);
        for (int i = 0; i < d; i++) {
            fputs(i ? ", " : "", gp);
            aim_plot_gp_quote(gp, run->factor_keys[i]);
            fprintf(gp, " %d", i);
        }
        fprintf(gp,
                ")\nplot '%s.dat' using 2:3 lc rgb '#9ecae1' title 'S1 (first order)', \\\n"
                "     '' using 4:5 lc rgb '#08306b' title 'ST (total)'\n",
                sp->name);
    }
    snprintf(sp->note, sizeof sp->note, "%s of %s", morris ? "Morris mu* and sigma" : "Sobol S1 and ST",
             ind.name);
done:
    s = df ? aim_plot_data_commit_pair(df, gf, s, sp->force) : s;
    aim_config_free(cfg);
    aim_design_free(des);
    free(vals);
    free(y);
    free(work);
    free(s1);
    free(st);
    free(mo);
    return s;
}
