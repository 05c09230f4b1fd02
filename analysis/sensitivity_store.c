/* Writing /sensitivity/NAME (analysis/sensitivity_store.h). Every variable is float64 with the
 * dimensions [time,] [scenario,] factor [, factor_j]; NaN marks what has no value: S2 on and below
 * the diagonal (each pair is written once, i < k, as --json lists it) and every index of a month
 * whose values were all equal. */
#include "analysis/sensitivity_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/store.h"
#include "sim/store_analysis.h"

/* Format of the group, written as its aimsim_format attribute. */
#define AIM_SENSITIVITY_STORE_FORMAT "aimsim-sensitivity-1"

/* Dimensions of the group. */
enum { AIM_SS_TIME = 0, AIM_SS_SCENARIO, AIM_SS_FACTOR, AIM_SS_FACTOR_J, AIM_SS_CROSS };

/* Sobol: S1, S1_conf, ST, ST_conf; Morris: mu, mu_star, mu_star_conf, sigma. */
enum { AIM_SS_N_MAIN = 4 };

struct aim_sensitivity_store {
    struct aim_sensitivity_store_info info;
    long cells;                  /* (time, scenario) cells: max(n_times, 1) * n_scenarios */
    double *main[AIM_SS_N_MAIN]; /* cells x factors */
    double *s2, *s2_conf;        /* cells x factors x factors */
    double *noise;               /* cells */
    int *constant;               /* cells */
};

static const char *const aim_sensitivity_store_sobol[AIM_SS_N_MAIN] = {"S1", "S1_conf", "ST", "ST_conf"};
static const char *const aim_sensitivity_store_morris[AIM_SS_N_MAIN] = {"mu", "mu_star", "mu_star_conf",
                                                                        "sigma"};
static const char *const aim_sensitivity_store_sobol_doc[AIM_SS_N_MAIN] = {
    "first-order Sobol index", "S1 confidence half-width: z_0.975 times the bootstrap standard deviation",
    "total-order Sobol index", "ST confidence half-width: z_0.975 times the bootstrap standard deviation"};
static const char *const aim_sensitivity_store_morris_doc[AIM_SS_N_MAIN] = {
    "mean elementary effect", "mean absolute elementary effect (Campolongo et al. 2007)",
    "mu_star confidence half-width: z_0.975 times the bootstrap standard deviation",
    "standard deviation of the elementary effects (n - 1)"};

void aim_sensitivity_store_free(struct aim_sensitivity_store *c)
{
    if (!c) {
        return;
    }
    for (int k = 0; k < AIM_SS_N_MAIN; k++) {
        free(c->main[k]);
    }
    free(c->s2);
    free(c->s2_conf);
    free(c->noise);
    free(c->constant);
    free(c);
}

static double *aim_sensitivity_store_nans(size_t n)
{
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        v[i] = NAN;
    }
    return v;
}

enum aim_status aim_sensitivity_store_create(struct aim_sensitivity_store **out,
                                             const struct aim_sensitivity_store_info *info)
{
    *out = NULL;
    struct aim_sensitivity_store *c = calloc(1, sizeof *c);
    if (!c) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for the indices");
    }
    c->info = *info;
    c->cells = (info->n_times > 0 ? info->n_times : 1) * info->n_scenarios;
    size_t d = (size_t)info->n_factors, cells = (size_t)c->cells;
    int ok = 1;
    for (int k = 0; k < AIM_SS_N_MAIN; k++) {
        ok = ok && (c->main[k] = aim_sensitivity_store_nans(cells * d)) != NULL;
    }
    if (info->second_order && !info->morris) {
        ok = ok && (c->s2 = aim_sensitivity_store_nans(cells * d * d)) != NULL;
        ok = ok && (c->s2_conf = aim_sensitivity_store_nans(cells * d * d)) != NULL;
    }
    ok = ok && (c->noise = aim_sensitivity_store_nans(cells)) != NULL;
    ok = ok && (c->constant = calloc(cells, sizeof *c->constant)) != NULL;
    if (!ok) {
        aim_sensitivity_store_free(c);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for %ld x %d indices", c->cells, info->n_factors);
    }
    *out = c;
    return AIM_OK;
}

void aim_sensitivity_store_record(struct aim_sensitivity_store *c, int t, long scenario,
                                  const struct aim_sensitivity_index *s1,
                                  const struct aim_sensitivity_index *st,
                                  const struct aim_sensitivity_index *s2,
                                  const struct aim_sensitivity_morris *morris, double noise_share,
                                  int constant)
{
    long cell = (long)t * c->info.n_scenarios + scenario;
    int d = c->info.n_factors;
    c->noise[cell] = noise_share;
    c->constant[cell] = constant;
    if (constant) {
        return;
    }
    for (int i = 0; i < d; i++) {
        double v[AIM_SS_N_MAIN];
        if (c->info.morris) {
            v[0] = morris[i].mu, v[1] = morris[i].mu_star.estimate, v[2] = morris[i].mu_star.conf,
            v[3] = morris[i].sigma;
        } else {
            v[0] = s1[i].estimate, v[1] = s1[i].conf, v[2] = st[i].estimate, v[3] = st[i].conf;
        }
        for (int k = 0; k < AIM_SS_N_MAIN; k++) {
            c->main[k][cell * d + i] = v[k];
        }
        for (int k = i + 1; c->s2 && k < d; k++) {
            c->s2[(cell * d + i) * d + k] = s2[i * d + k].estimate;
            c->s2_conf[(cell * d + i) * d + k] = s2[i * d + k].conf;
        }
    }
}

/* The group's attributes. */
static enum aim_status aim_sensitivity_store_attrs(const struct aim_sensitivity_store *c,
                                                   struct aim_store_analysis *w, const char *run_path)
{
    const struct aim_sensitivity_store_info *in = &c->info;
    enum aim_status s;
    if ((s = aim_store_analysis_write_string_attr(w, "aimsim_format", AIM_SENSITIVITY_STORE_FORMAT)) ||
        (s = aim_store_analysis_write_string_attr(w, "source_file", run_path)) ||
        (s = aim_store_analysis_write_string_attr(w, "output", in->output)) ||
        (s = aim_store_analysis_write_string_attr(w, "method", in->morris ? "morris" : "sobol")) ||
        (s = aim_store_analysis_write_string_attr(
             w, "n_definition",
             in->morris ? "Morris trajectories"
                        : "Saltelli base rows used (row 0 of each block left out)")) ||
        (s = aim_store_analysis_write_int_attr(w, "n", (int)in->n)) ||
        (s = aim_store_analysis_write_int_attr(w, "bootstrap_resamples", in->n_boot)) ||
        (s = aim_store_analysis_write_u64_attr(w, "bootstrap_seed", in->seed)) ||
        (s = aim_store_analysis_write_double_attr(w, "confidence_level", 0.95)) ||
        (s = aim_store_analysis_write_string_attr(
             w, "conf_definition",
             "z_0.975 * standard deviation of the bootstrap estimates (SALib's *_conf)")) ||
        (s = aim_store_analysis_write_int_attr(w, "replicas", (int)in->replicas)) ||
        (s = aim_store_analysis_write_int_attr(w, "by_time", in->n_times > 0))) {
        return s;
    }
    /* One noise share (no time, no scenario dimension) is an attribute; otherwise a variable. */
    if (in->n_times == 0 && in->n_cross == 0 && !isnan(c->noise[0])) {
        s = aim_store_analysis_write_double_attr(w, "noise_share", c->noise[0]);
    }
    return s;
}

/* The dimensions and their coordinates. */
static enum aim_status aim_sensitivity_store_dims(const struct aim_sensitivity_store *c,
                                                  struct aim_store_analysis *w)
{
    const struct aim_sensitivity_store_info *in = &c->info;
    enum aim_status s = AIM_OK;
    size_t d = (size_t)in->n_factors;
    if (in->n_times > 0) {
        double *days = malloc((size_t)in->n_times * sizeof *days);
        char units[64];
        if (!days) {
            return aim_error_set(AIM_ERR_NOMEM, "out of memory");
        }
        snprintf(units, sizeof units, "days since %s-01", in->start_date);
        s = aim_store_month_days(in->start_date, in->n_times, days);
        s = s ? s
              : aim_store_analysis_write_dim(w, AIM_SS_TIME, "time", (size_t)in->n_times, days,
                                             "first day of the month (index 0: state at the start)");
        free(days);
        if (s || (s = aim_store_analysis_write_dim_attr(w, AIM_SS_TIME, "units", units)) ||
            (s = aim_store_analysis_write_dim_attr(w, AIM_SS_TIME, "calendar", "proleptic_gregorian"))) {
            return s;
        }
    }
    if (in->n_cross > 0) {
        if ((s = aim_store_analysis_write_dim(w, AIM_SS_SCENARIO, "scenario", (size_t)in->n_scenarios, NULL,
                                              "scenario of the cross factors (cross_value)")) ||
            (s = aim_store_analysis_write_dim(w, AIM_SS_CROSS, "cross_factor", (size_t)in->n_cross, NULL,
                                              "cross factor index (cross_key)")) ||
            (s = aim_store_analysis_write_labels(w, "cross_key", in->n_cross, in->cross_keys, AIM_SS_CROSS,
                                                 "config key of the cross factor"))) {
            return s;
        }
        const int dims[2] = {AIM_SS_SCENARIO, AIM_SS_CROSS};
        s = aim_store_analysis_write_var(w, "cross_value", 2, dims, AIM_STORE_ANALYSIS_DOUBLE,
                                         in->cross_values, "value of each cross factor in the scenario",
                                         NULL);
        if (s) {
            return s;
        }
    }
    if ((s = aim_store_analysis_write_dim(w, AIM_SS_FACTOR, "factor", d, NULL,
                                          "factor index (factor_key)")) ||
        (s = aim_store_analysis_write_labels(w, "factor_key", in->n_factors, in->keys, AIM_SS_FACTOR,
                                             "config key of the factor"))) {
        return s;
    }
    if (c->s2 &&
        ((s = aim_store_analysis_write_dim(w, AIM_SS_FACTOR_J, "factor_j", d, NULL,
                                           "second factor of a pair (factor_j_key)")) ||
         (s = aim_store_analysis_write_labels(w, "factor_j_key", in->n_factors, in->keys, AIM_SS_FACTOR_J,
                                              "config key of the second factor")))) {
        return s;
    }
    return AIM_OK;
}

static enum aim_status aim_sensitivity_store_vars(const struct aim_sensitivity_store *c,
                                                  struct aim_store_analysis *w)
{
    const struct aim_sensitivity_store_info *in = &c->info;
    int dims[4], rank = 0;
    if (in->n_times > 0) {
        dims[rank++] = AIM_SS_TIME;
    }
    if (in->n_cross > 0) {
        dims[rank++] = AIM_SS_SCENARIO;
    }
    int cell_rank = rank;
    dims[rank++] = AIM_SS_FACTOR;
    enum aim_status s = AIM_OK;
    for (int k = 0; k < AIM_SS_N_MAIN && !s; k++) {
        s = aim_store_analysis_write_var(
            w, in->morris ? aim_sensitivity_store_morris[k] : aim_sensitivity_store_sobol[k], rank, dims,
            AIM_STORE_ANALYSIS_DOUBLE, c->main[k],
            in->morris ? aim_sensitivity_store_morris_doc[k] : aim_sensitivity_store_sobol_doc[k], NULL);
        /* The factor keys label the factor dimension (a coordinate in xarray). */
        s = s ? s
              : aim_store_analysis_write_var_attr(
                    w, in->morris ? aim_sensitivity_store_morris[k] : aim_sensitivity_store_sobol[k],
                    "coordinates", "factor_key");
    }
    if (!s && c->s2) {
        dims[rank] = AIM_SS_FACTOR_J;
        s = aim_store_analysis_write_var(w, "S2", rank + 1, dims, AIM_STORE_ANALYSIS_DOUBLE, c->s2,
                                         "second-order Sobol index of (factor, factor_j), factor < factor_j "
                                         "(NaN otherwise)",
                                         NULL);
        s = s ? s
              : aim_store_analysis_write_var(w, "S2_conf", rank + 1, dims, AIM_STORE_ANALYSIS_DOUBLE,
                                             c->s2_conf,
                                             "S2 confidence half-width: z_0.975 times the bootstrap standard "
                                             "deviation",
                                             NULL);
        s = s ? s : aim_store_analysis_write_var_attr(w, "S2", "coordinates", "factor_key factor_j_key");
        s = s ? s : aim_store_analysis_write_var_attr(w, "S2_conf", "coordinates", "factor_key factor_j_key");
    }
    if (!s && cell_rank > 0) {
        int any = 0;
        for (long i = 0; i < c->cells; i++) {
            any = any || !isnan(c->noise[i]);
        }
        if (any) {
            s = aim_store_analysis_write_var(w, "noise_share", cell_rank, dims, AIM_STORE_ANALYSIS_DOUBLE,
                                             c->noise,
                                             "share of the output's variance between replicas within "
                                             "points",
                                             NULL);
        }
    }
    if (!s && in->n_times > 0) {
        s = aim_store_analysis_write_var(
            w, "constant", cell_rank, dims, AIM_STORE_ANALYSIS_INT, c->constant,
            "1: the output had the same value in every replica (no indices, NaN)", NULL);
    }
    return s;
}

enum aim_status aim_sensitivity_store_write(const struct aim_sensitivity_store *c, const char *run_path)
{
    char group[AIM_STORE_ANALYSIS_MAX_GROUP];
    snprintf(group, sizeof group, "sensitivity/%s", c->info.output);
    struct aim_store_analysis *w = NULL;
    enum aim_status s =
        aim_store_analysis_open_group(&w, run_path, NULL, AIM_SENSITIVITY_STORE_FORMAT, group);
    if (s) {
        return s;
    }
    s = aim_sensitivity_store_attrs(c, w, run_path);
    s = s ? s : aim_sensitivity_store_dims(c, w);
    s = s ? s : aim_sensitivity_store_vars(c, w);
    return aim_store_analysis_finish(w, s);
}
