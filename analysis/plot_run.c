#include "analysis/plot_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bands.h"
#include "sim/config.h"
#include "sim/store.h"

void aim_plot_run_free(struct aim_plot_run *run)
{
    if (!run) {
        return;
    }
    for (int f = 0; run->firm_names && f < run->n_firms; f++) {
        free(run->firm_names[f]);
    }
    for (int k = 0; run->factor_keys && k < run->n_factors; k++) {
        free(run->factor_keys[k]);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        free(run->market[v]);
    }
    free(run->firm_names);
    free(run->firm_kinds);
    free(run->replicas);
    free(run->fundamental);
    free(run->valuation);
    free(run->bs);
    free(run->factor_keys);
    free(run->factor_values);
    free(run->path);
    free(run->config_yaml);
    aim_analyze_free(run->an);
    free(run);
}

/* Firm names from the run's own configuration, in the file's order: vendors, clouds, labs. */
static enum aim_status aim_plot_run_names(struct aim_plot_run *run, struct aim_store *st)
{
    char *yaml = NULL;
    struct aim_config *cfg = NULL;
    enum aim_status s = aim_store_read_root_string(st, "config", &yaml);
    s = s ? s : aim_config_create(&cfg);
    s = s ? s : aim_config_load_string(cfg, yaml, strlen(yaml), "config attribute");
    if (s) {
        aim_error_prefix(AIM_ERR_FORMAT, "%s: the run's configuration (root attribute config): ", run->path);
        s = AIM_ERR_FORMAT;
        goto done;
    }
    const int nv = cfg->vendors.n_firms, nc = cfg->clouds.n_firms, nl = cfg->labs.n_firms;
    if (nv + nc + nl != run->n_firms) {
        s = aim_error_set(AIM_ERR_FORMAT,
                          "%s: the configuration names %d firms, the file holds %d (damaged file?)",
                          run->path, nv + nc + nl, run->n_firms);
        goto done;
    }
    for (int f = 0; f < run->n_firms; f++) {
        const char *name = f < nv        ? cfg->vendors.firms[f].name
                           : f < nv + nc ? cfg->clouds.firms[f - nv].name
                                         : cfg->labs.firms[f - nv - nc].name;
        run->firm_kinds[f] = aim_store_firm_kind(st, f);
        if (!(run->firm_names[f] = strdup(name))) {
            s = aim_error_set(AIM_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
done:
    aim_config_free(cfg);
    run->config_yaml = yaml;
    return s;
}

/* The sweep's design as the file holds it. */
static enum aim_status aim_plot_run_sweep(struct aim_plot_run *run, struct aim_store *st)
{
    int nf = 0;
    const char *const *keys = NULL;
    const double *values = NULL;
    if (!aim_store_sweep_points(st, &nf, &keys, &values) || nf <= 0) {
        return AIM_OK;
    }
    run->factor_keys = calloc((size_t)nf, sizeof *run->factor_keys);
    run->factor_values = malloc((size_t)nf * (size_t)run->n_points * sizeof *run->factor_values);
    if (!run->factor_keys || !run->factor_values) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    run->n_factors = nf;
    memcpy(run->factor_values, values, (size_t)nf * (size_t)run->n_points * sizeof *values);
    for (int k = 0; k < nf; k++) {
        if (!(run->factor_keys[k] = strdup(keys[k]))) {
            return aim_error_set(AIM_ERR_NOMEM, "out of memory");
        }
    }
    return AIM_OK;
}

/* Copies replica k's series out of the trajectory buffer. */
static void aim_plot_run_keep(struct aim_plot_run *run, const struct aim_traj *tr, int k)
{
    const int nt = run->n_times, nf = run->n_firms;
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        memcpy(run->market[v] + (size_t)k * (size_t)nt, tr->market[v], (size_t)nt * sizeof(double));
    }
    memcpy(run->valuation + (size_t)k * (size_t)nt * (size_t)nf, tr->firm[AIM_FV_valuation],
           (size_t)nt * (size_t)nf * sizeof(double));
    for (int t = 0; t < nt; t++) {
        double sum = 0.0;
        for (int f = 0; f < nf; f++) {
            size_t at = (size_t)t * (size_t)nf + (size_t)f;
            sum += tr->firm[AIM_FV_defaulted][at] == 0.0 ? tr->firm[AIM_FV_fundamental][at] : 0.0;
        }
        run->fundamental[(size_t)k * (size_t)nt + (size_t)t] = sum;
    }
    size_t cells = (size_t)run->n_snapshots * AIM_TRAJ_BS_CELLS;
    memcpy(run->bs + (size_t)k * cells, tr->bs, cells * sizeof(double));
}

enum aim_status aim_plot_run_load(struct aim_plot_run **out, const char *path, int point,
                                  const struct aim_analyze_options *opt)
{
    *out = NULL;
    struct aim_plot_run *run = calloc(1, sizeof *run);
    struct aim_store *st = NULL;
    struct aim_traj *tr = NULL;
    char *start = NULL;
    enum aim_status s = run ? AIM_OK : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    if (!s && !(run->path = strdup(path))) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    s = s ? s : aim_analyze_run(&run->an, path, opt);
    s = s ? s : aim_store_open_read(&st, path);
    if (s) {
        goto done;
    }
    aim_store_shape(st, &run->n_points, &run->n_replicas, &run->n_times, &run->n_firms);
    if (point < 0 || point >= run->n_points) {
        s = aim_error_set(AIM_ERR_USAGE, "%s: --point %d is out of range (the file has points 0 to %d)", path,
                          point, run->n_points - 1);
        goto done;
    }
    run->point = point;
    const int nr = run->n_replicas, nt = run->n_times, nf = run->n_firms;
    run->bs_every = aim_store_bs_every(st);
    run->n_snapshots = aim_traj_snapshot_count(nt, run->bs_every);
    for (int i = 0; i < AIM_BS_ROWS; i++) {
        snprintf(run->bs_rows[i], sizeof run->bs_rows[i], "%s", aim_store_bs_row_name(st, i));
    }
    for (int i = 0; i < AIM_BS_COLS; i++) {
        snprintf(run->bs_cols[i], sizeof run->bs_cols[i], "%s", aim_store_bs_col_name(st, i));
    }
    s = aim_store_read_root_string(st, "start_date", &start);
    if (s) {
        goto done;
    }
    snprintf(run->start_date, sizeof run->start_date, "%s", start);
    run->firm_names = calloc((size_t)nf + 1, sizeof *run->firm_names);
    run->firm_kinds = calloc((size_t)nf + 1, sizeof *run->firm_kinds);
    run->replicas = calloc((size_t)nr + 1, sizeof *run->replicas);
    run->fundamental = calloc((size_t)nr * (size_t)nt + 1, sizeof(double));
    run->valuation = calloc((size_t)nr * (size_t)nt * (size_t)nf + 1, sizeof(double));
    run->bs = calloc((size_t)nr * (size_t)run->n_snapshots * AIM_TRAJ_BS_CELLS + 1, sizeof(double));
    int ok =
        run->firm_names && run->firm_kinds && run->replicas && run->fundamental && run->valuation && run->bs;
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        ok = ok && (run->market[v] = calloc((size_t)nr * (size_t)nt + 1, sizeof(double)));
    }
    if (!ok) {
        s = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for the series to plot", path);
        goto done;
    }
    s = aim_plot_run_names(run, st);
    s = s ? s : aim_plot_run_sweep(run, st);
    s = s ? s : aim_traj_create(&tr, nf, nt, run->bs_every);
    for (int r = 0; !s && r < nr; r++) {
        if (!aim_store_replica_done(st, point, r)) {
            continue;
        }
        s = aim_store_read_replica(st, point, r, tr);
        if (!s) {
            aim_plot_run_keep(run, tr, run->n_done);
            run->replicas[run->n_done++] = r;
        }
    }
done:
    free(start);
    aim_traj_free(tr);
    if (st) {
        aim_store_close(st);
    }
    if (s) {
        aim_plot_run_free(run);
        return s;
    }
    *out = run;
    return AIM_OK;
}

enum aim_status aim_plot_run_quantiles(const struct aim_plot_run *run, const double *kt, const double *probs,
                                       int n_probs, double *out)
{
    const int nt = run->n_times;
    double *x = malloc(((size_t)run->n_done + 1) * sizeof *x),
           *work = malloc(((size_t)run->n_done + 1) * sizeof *work);
    if (!x || !work) {
        free(x);
        free(work);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    for (int t = 0; t < nt; t++) {
        size_t n = 0;
        for (int k = 0; k < run->n_done; k++) {
            double v = kt[(size_t)k * (size_t)nt + (size_t)t];
            if (isfinite(v)) {
                x[n++] = v;
            }
        }
        double q[16];
        int ok = n > 0 && n_probs <= 16 && aim_bands_quantiles(x, n, probs, n_probs, work, q) == AIM_OK;
        for (int j = 0; j < n_probs; j++) {
            out[(size_t)j * (size_t)nt + (size_t)t] = ok ? q[j] : NAN;
        }
    }
    free(x);
    free(work);
    return AIM_OK;
}
