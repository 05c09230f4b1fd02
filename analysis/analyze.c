#include "analysis/analyze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/concentration.h"
#include "analysis/critval.h"
#include "analysis/drawdown.h"
#include "analysis/psy.h"
#include "sim/config.h"
#include "sim/store.h"
#include "sim/store_analysis.h"
#include "sim/traj.h"

/* Identifies the /analysis group and the version of its layout. */
#define AIM_ANALYZE_FORMAT "aimsim-analysis-1"

static const char *const aim_analyze_layers[AIM_ANALYZE_N_LAYERS] = {"all", "vendors", "clouds", "labs"};
static const char *const aim_analyze_banded[AIM_ANALYZE_N_BANDED] = {
    "ai_market_value", "value_fundamental", "circularity", "commitment_coverage", "hhi"};

const char *aim_analyze_layer_name(int layer)
{
    return layer >= 0 && layer < AIM_ANALYZE_N_LAYERS ? aim_analyze_layers[layer] : "?";
}

const char *aim_analyze_band_name(int v)
{
    return v >= 0 && v < AIM_ANALYZE_N_BANDED ? aim_analyze_banded[v] : "?";
}

void aim_analyze_options_init(struct aim_analyze_options *opt)
{
    *opt = (struct aim_analyze_options){.crash_drawdown = 0.0,
                                        .crash_window = 0,
                                        .cascade_link = 1,
                                        .bubble = 1,
                                        .cv_replications = 2000,
                                        .cv_seed = 123,
                                        .threads = 0,
                                        .use_cache = 1,
                                        .cache_dir = NULL,
                                        .partial = 0};
}

void aim_analyze_free(struct aim_analysis *a)
{
    if (!a) {
        return;
    }
    free(a->done);
    free(a->max_drawdown);
    free(a->max_window_drawdown);
    free(a->crash);
    free(a->crash_step);
    free(a->n_defaults);
    free(a->first_default);
    free(a->n_cascades);
    free(a->max_cascade);
    free(a->gsadf);
    free(a->bubble_flag);
    free(a->bubble_start);
    free(a->hhi);
    free(a->top1);
    free(a->top3);
    free(a->gini);
    free(a->hhi_capacity);
    free(a->hhi_deliveries);
    free(a->hhi_demand);
    free(a->coverage);
    free(a->bands);
    free(a->crash_probability);
    free(a->bubble_share);
    free(a->n_analysed);
    free(a->n_untestable);
    free(a);
}

/* HHI of capacity (clouds), of GPU deliveries (vendors) and of end-demand share (labs). */
static const int aim_analyze_share_var[3] = {AIM_FV_capacity, AIM_FV_deliveries, AIM_FV_demand_share};
static const int aim_analyze_share_kind[3] = {AIM_KIND_CLOUD, AIM_KIND_VENDOR, AIM_KIND_LAB};

/* Crash settings from the run's own configuration (root attribute "config"), unless overridden. */
static enum aim_status aim_analyze_read_meta(struct aim_analysis *a, struct aim_store *st, const char *path,
                                             const struct aim_analyze_options *opt, int *kind)
{
    enum aim_status status = AIM_OK;
    struct aim_config *cfg = NULL;
    char *yaml = NULL, *start = NULL;
    double first_day = 0.0;
    status = aim_store_read_root_string(st, "start_date", &start);
    if (status) {
        return status;
    }
    /* A start date the time coordinate can be computed from, or the file is not usable. */
    if (aim_store_month_days(start, 1, &first_day) != AIM_OK) {
        status = aim_error_set(AIM_ERR_FORMAT, "%s: root attribute start_date is not YYYY-MM (damaged file?)",
                               path);
        goto done;
    }
    snprintf(a->start_date, sizeof a->start_date, "%s", start);
    for (int f = 0; f < a->n_firms; f++) {
        kind[f] = aim_store_firm_kind(st, f);
    }
    a->crash_drawdown = opt->crash_drawdown;
    a->crash_window = opt->crash_window;
    if (a->crash_drawdown <= 0.0 || a->crash_window <= 0) {
        if (aim_store_read_root_string(st, "config", &yaml) != AIM_OK) {
            status =
                aim_error_set(AIM_ERR_FORMAT,
                              "%s: no readable root attribute \"config\" (the run's configuration); give "
                              "--crash-drawdown and --crash-window",
                              path);
            goto done;
        }
        status = aim_config_create(&cfg);
        if (!status) {
            status = aim_config_load_string(cfg, yaml, strlen(yaml), "config attribute");
        }
        if (status) {
            aim_error_prefix(AIM_ERR_FORMAT, "%s: the run's configuration does not load: ", path);
            status = AIM_ERR_FORMAT;
            goto done;
        }
        if (a->crash_drawdown <= 0.0) {
            a->crash_drawdown = cfg->analysis.crash_drawdown;
        }
        if (a->crash_window <= 0) {
            a->crash_window = (int)cfg->analysis.crash_window;
        }
    }
done:
    aim_config_free(cfg);
    free(yaml);
    free(start);
    return status;
}

/* ---- per replica ---- */

/* Concentration of x[0..n-1]: NaN figures when the layer has no firm or nothing of value. */
static enum aim_status aim_analyze_conc(const double *x, size_t n, double *work, struct aim_concentration *k)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        total += x[i] > 0.0 ? x[i] : 0.0;
    }
    if (n == 0 || total == 0.0) {
        int bad = 0;
        for (size_t i = 0; i < n; i++) {
            bad |= !(x[i] == 0.0);
        }
        if (!bad) {
            k->hhi = k->top1 = k->top3 = k->gini = NAN;
            return AIM_OK;
        }
    }
    return aim_concentration_compute(x, n, work, k);
}

/* Buffers one replica needs, allocated once. */
struct aim_analyze_work {
    double *x, *sorted, *y;
    int *kind, *counts, *step;
};

static enum aim_status aim_analyze_replica(struct aim_analysis *a, const struct aim_traj *tr, int p, int r,
                                           struct aim_analyze_work *w, const struct aim_critval *cv,
                                           const char *path)
{
    const int nt = a->n_times, nf = a->n_firms;
    const size_t pr = (size_t)p * (size_t)a->n_replicas + (size_t)r;
    enum aim_status s = AIM_OK;
    /* Concentration per month: valuations per layer, capacity (clouds), deliveries (vendors),
     * demand share (labs); MODEL.md 10. */
    for (int t = 0; t < nt; t++) {
        const size_t prt = pr * (size_t)nt + (size_t)t;
        const double *val = tr->firm[AIM_FV_valuation] + (size_t)t * (size_t)nf;
        for (int l = 0; l < AIM_ANALYZE_N_LAYERS; l++) {
            size_t n = 0;
            for (int f = 0; f < nf; f++) {
                if (l == AIM_ANALYZE_ALL || w->kind[f] == l - 1) {
                    w->x[n++] = val[f];
                }
            }
            struct aim_concentration k;
            if ((s = aim_analyze_conc(w->x, n, w->sorted, &k)) != AIM_OK) {
                return aim_error_prefix(AIM_ERR_FORMAT, "%s: /firm/valuation[%d, %d, %d, %s firms]: ", path,
                                        p, r, t, aim_analyze_layers[l]);
            }
            const size_t i = prt * AIM_ANALYZE_N_LAYERS + (size_t)l;
            a->hhi[i] = k.hhi;
            a->top1[i] = k.top1;
            a->top3[i] = k.top3;
            a->gini[i] = k.gini;
        }
        const int *var = aim_analyze_share_var, *layer = aim_analyze_share_kind;
        double *dst[3] = {a->hhi_capacity, a->hhi_deliveries, a->hhi_demand};
        for (int j = 0; j < 3; j++) {
            const double *src = tr->firm[var[j]] + (size_t)t * (size_t)nf;
            size_t n = 0;
            for (int f = 0; f < nf; f++) {
                if (w->kind[f] == layer[j]) {
                    w->x[n++] = src[f];
                }
            }
            struct aim_concentration k;
            if ((s = aim_analyze_conc(w->x, n, w->sorted, &k)) != AIM_OK) {
                return aim_error_prefix(AIM_ERR_FORMAT, "%s: /firm/%s[%d, %d, %d]: ", path,
                                        aim_traj_firm_var_name(var[j]), p, r, t);
            }
            dst[j][prt] = k.hhi;
        }
        /* Commitment coverage: labs' outstanding commitments over annualised revenue plus cash. */
        double owed = 0.0, means = 0.0;
        for (int f = 0; f < nf; f++) {
            size_t at = (size_t)t * (size_t)nf + (size_t)f;
            if (w->kind[f] == 2 && tr->firm[AIM_FV_defaulted][at] == 0.0) {
                owed += tr->firm[AIM_FV_commitments][at];
                means += 12.0 * tr->firm[AIM_FV_revenue][at] + tr->firm[AIM_FV_cash][at];
            }
        }
        a->coverage[prt] = means > 0.0 ? owed / means : NAN;
    }
    /* Drawdown and crash of the AI market value. */
    const double *value = tr->market[AIM_MV_ai_market_value];
    struct aim_drawdown d;
    if ((s = aim_drawdown_compute(value, nt, a->crash_window, a->crash_drawdown, &d)) != AIM_OK) {
        return aim_error_prefix(AIM_ERR_FORMAT, "%s: /market/ai_market_value[%d, %d, :]: ", path, p, r);
    }
    a->max_drawdown[pr] = d.max_drawdown;
    a->max_window_drawdown[pr] = d.max_window_drawdown;
    a->crash[pr] = d.crash;
    a->crash_step[pr] = d.crash_step;
    /* Defaults and cascades from the defaulted flags. */
    if ((s = aim_drawdown_default_steps(tr->firm[AIM_FV_defaulted], nt, nf, w->step)) != AIM_OK) {
        return aim_error_prefix(AIM_ERR_FORMAT, "%s: /firm/defaulted[%d, %d]: ", path, p, r);
    }
    memset(w->counts, 0, (size_t)nt * sizeof *w->counts);
    for (int f = 0; f < nf; f++) {
        if (w->step[f] >= 0) {
            w->counts[w->step[f]]++;
        }
    }
    struct aim_defaults def;
    if ((s = aim_drawdown_cascades(w->counts, nt, a->cascade_link, NULL, &def)) != AIM_OK) {
        return s;
    }
    a->n_defaults[pr] = def.n_defaults;
    a->first_default[pr] = def.first_default;
    a->n_cascades[pr] = def.n_cascades;
    a->max_cascade[pr] = def.max_cascade;
    /* GSADF of the log AI market value (exuber's design: lag 0, default window). */
    a->gsadf[pr] = NAN;
    a->bubble_flag[pr] = 0;
    a->bubble_start[pr] = -1;
    if (cv) {
        int positive = 1;
        for (int t = 0; t < nt; t++) {
            positive &= value[t] > 0.0;
            w->y[t] = positive ? log(value[t]) : 0.0;
        }
        struct aim_psy_options po;
        aim_psy_options_init(&po);
        struct aim_psy_result *res = NULL;
        if (positive && aim_psy_result_create(&res, w->y, (size_t)nt, &po) == AIM_OK) {
            a->gsadf[pr] = res->gsadf;
            a->bubble_flag[pr] = res->gsadf > cv->gsadf[1];
            /* Date-stamp: the first observation whose BSADF exceeds its own 95% critical value. */
            for (size_t i = 0; a->bubble_flag[pr] && i < res->count; i++) {
                size_t obs = res->first_t + i; /* 1-based observation */
                if (obs < cv->first_t || obs - cv->first_t >= cv->count) {
                    continue;
                }
                if (res->bsadf[i] > cv->bsadf[3 * (obs - cv->first_t) + 1]) {
                    a->bubble_start[pr] = (int)obs - 1; /* month index */
                    break;
                }
            }
        } else {
            a->n_untestable[p]++;
        }
        aim_error_clear();
        aim_psy_result_free(res);
    }
    return AIM_OK;
}

/* ---- across replicas ---- */

static double aim_analyze_quantile_strided(const struct aim_analysis *a, const double *base, size_t stride,
                                           size_t offset, int point, double p)
{
    double *x = malloc((size_t)a->n_replicas * sizeof *x), q = NAN;
    if (!x) {
        return NAN;
    }
    size_t n = 0;
    for (int r = 0; r < a->n_replicas; r++) {
        size_t pr = (size_t)point * (size_t)a->n_replicas + (size_t)r;
        double v = base[pr * stride + offset];
        if (a->done[pr] && isfinite(v)) {
            x[n++] = v;
        }
    }
    double work_p[1] = {p};
    if (n > 0) {
        double *work = malloc(n * sizeof *work);
        if (work && aim_bands_quantiles(x, n, work_p, 1, work, &q) != AIM_OK) {
            q = NAN;
        }
        free(work);
    }
    free(x);
    return q;
}

double aim_analyze_quantile_prt(const struct aim_analysis *a, const double *prt, int point, int t, double p)
{
    return aim_analyze_quantile_strided(a, prt, (size_t)a->n_times, (size_t)t, point, p);
}

double aim_analyze_quantile_prtl(const struct aim_analysis *a, const double *prtl, int point, int t,
                                 int layer, double p)
{
    return aim_analyze_quantile_strided(a, prtl, (size_t)a->n_times * AIM_ANALYZE_N_LAYERS,
                                        (size_t)t * AIM_ANALYZE_N_LAYERS + (size_t)layer, point, p);
}

double aim_analyze_quantile_pr(const struct aim_analysis *a, const double *pr, int point, double p)
{
    return aim_analyze_quantile_strided(a, pr, 1, 0, point, p);
}

/* Bands of one series held as [replica][time] for one point (NaN where no replica is finite). */
static void aim_analyze_band(const struct aim_analysis *a, int point, const double *rt, double *x,
                             double *work, double *out)
{
    const int nt = a->n_times;
    for (int t = 0; t < nt; t++) {
        size_t n = 0;
        for (int r = 0; r < a->n_replicas; r++) {
            double v = rt[(size_t)r * (size_t)nt + (size_t)t];
            if (a->done[(size_t)point * (size_t)a->n_replicas + (size_t)r] && isfinite(v)) {
                x[n++] = v;
            }
        }
        double q[AIM_BANDS_N_STANDARD];
        if (n == 0 ||
            aim_bands_quantiles(x, n, aim_bands_standard_probs(), AIM_BANDS_N_STANDARD, work, q) != AIM_OK) {
            for (int k = 0; k < AIM_BANDS_N_STANDARD; k++) {
                q[k] = NAN;
            }
        }
        for (int k = 0; k < AIM_BANDS_N_STANDARD; k++) {
            out[(size_t)k * (size_t)nt + (size_t)t] = q[k];
        }
    }
}

#define AIM_ANALYZE_ALLOC(ptr, count)                                                                        \
    do {                                                                                                     \
        (ptr) = calloc((size_t)(count) + 1, sizeof *(ptr));                                                  \
        if (!(ptr)) {                                                                                        \
            status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for the analysis", path);               \
            goto fail;                                                                                       \
        }                                                                                                    \
    } while (0)

enum aim_status aim_analyze_run(struct aim_analysis **out, const char *path,
                                const struct aim_analyze_options *opt)
{
    *out = NULL;
    if (opt->cascade_link < 1) {
        return aim_error_set(AIM_ERR_USAGE, "cascade link of %d months: must be at least 1",
                             opt->cascade_link);
    }
    if (opt->crash_drawdown > 0.0 && !(opt->crash_drawdown < 1.0)) {
        return aim_error_set(AIM_ERR_USAGE, "crash drawdown %g: must lie strictly between 0 and 1",
                             opt->crash_drawdown);
    }
    struct aim_store *st = NULL;
    enum aim_status status = aim_store_open_read(&st, path);
    if (status) {
        return status;
    }
    struct aim_analysis *a = calloc(1, sizeof *a);
    struct aim_traj *tr = NULL;
    struct aim_critval *cv = NULL;
    struct aim_analyze_work w = {0};
    double *series = NULL, *x = NULL, *work = NULL;
    int *flags = NULL;
    if (!a) {
        aim_store_close(st);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    aim_store_shape(st, &a->n_points, &a->n_replicas, &a->n_times, &a->n_firms);
    const int np = a->n_points, nr = a->n_replicas, nt = a->n_times, nf = a->n_firms;
    const size_t npr = (size_t)np * (size_t)nr, nprt = npr * (size_t)nt;
    a->cascade_link = opt->cascade_link;
    a->gsadf_cv95 = NAN;
    AIM_ANALYZE_ALLOC(a->done, npr);
    AIM_ANALYZE_ALLOC(a->n_analysed, (size_t)np);
    AIM_ANALYZE_ALLOC(a->n_untestable, (size_t)np);
    /* A partial run file (interrupted run) is refused unless asked for. */
    for (int p = 0; p < np; p++) {
        int done = 0;
        for (int r = 0; r < nr; r++) {
            a->done[(size_t)p * (size_t)nr + (size_t)r] = (unsigned char)aim_store_replica_done(st, p, r);
            done += aim_store_replica_done(st, p, r);
        }
        a->n_analysed[p] = done;
        if (done < nr && !opt->partial) {
            status = aim_error_set(AIM_ERR_FORMAT,
                                   "%s: partial run file: only %d of %d replicas of point %d are complete "
                                   "(/replica_done); finish the run (aimsim run --resume) or analyse the "
                                   "complete ones with --partial",
                                   path, done, nr, p);
            goto fail;
        }
        if (done == 0) {
            status = aim_error_set(AIM_ERR_FORMAT,
                                   "%s: no complete replica of point %d to analyse (/replica_done)", path, p);
            goto fail;
        }
    }
    AIM_ANALYZE_ALLOC(w.kind, (size_t)nf);
    status = aim_analyze_read_meta(a, st, path, opt, w.kind);
    if (status) {
        goto fail;
    }
    if (!(a->crash_drawdown > 0.0 && a->crash_drawdown < 1.0) || a->crash_window < 1) {
        status = aim_error_set(AIM_ERR_FORMAT, "%s: crash settings drawdown %g, window %d are invalid", path,
                               a->crash_drawdown, a->crash_window);
        goto fail;
    }
    AIM_ANALYZE_ALLOC(a->max_drawdown, npr);
    AIM_ANALYZE_ALLOC(a->max_window_drawdown, npr);
    AIM_ANALYZE_ALLOC(a->crash, npr);
    AIM_ANALYZE_ALLOC(a->crash_step, npr);
    AIM_ANALYZE_ALLOC(a->n_defaults, npr);
    AIM_ANALYZE_ALLOC(a->first_default, npr);
    AIM_ANALYZE_ALLOC(a->n_cascades, npr);
    AIM_ANALYZE_ALLOC(a->max_cascade, npr);
    AIM_ANALYZE_ALLOC(a->gsadf, npr);
    AIM_ANALYZE_ALLOC(a->bubble_flag, npr);
    AIM_ANALYZE_ALLOC(a->bubble_start, npr);
    AIM_ANALYZE_ALLOC(a->hhi, nprt * AIM_ANALYZE_N_LAYERS);
    AIM_ANALYZE_ALLOC(a->top1, nprt * AIM_ANALYZE_N_LAYERS);
    AIM_ANALYZE_ALLOC(a->top3, nprt * AIM_ANALYZE_N_LAYERS);
    AIM_ANALYZE_ALLOC(a->gini, nprt * AIM_ANALYZE_N_LAYERS);
    AIM_ANALYZE_ALLOC(a->hhi_capacity, nprt);
    AIM_ANALYZE_ALLOC(a->hhi_deliveries, nprt);
    AIM_ANALYZE_ALLOC(a->hhi_demand, nprt);
    AIM_ANALYZE_ALLOC(a->coverage, nprt);
    AIM_ANALYZE_ALLOC(a->bands, (size_t)np * AIM_ANALYZE_N_BANDED * AIM_BANDS_N_STANDARD * (size_t)nt);
    AIM_ANALYZE_ALLOC(a->crash_probability, (size_t)np);
    AIM_ANALYZE_ALLOC(a->bubble_share, (size_t)np);
    AIM_ANALYZE_ALLOC(w.x, (size_t)nf);
    AIM_ANALYZE_ALLOC(w.sorted, (size_t)nf);
    AIM_ANALYZE_ALLOC(w.y, (size_t)nt);
    AIM_ANALYZE_ALLOC(w.counts, (size_t)nt);
    AIM_ANALYZE_ALLOC(w.step, (size_t)nf);
    AIM_ANALYZE_ALLOC(series, (size_t)3 * (size_t)nr * (size_t)nt);
    AIM_ANALYZE_ALLOC(x, (size_t)nr);
    AIM_ANALYZE_ALLOC(work, (size_t)nr);
    AIM_ANALYZE_ALLOC(flags, (size_t)nr);
    for (size_t i = 0; i < npr; i++) {
        a->max_drawdown[i] = a->max_window_drawdown[i] = a->gsadf[i] = NAN;
        a->crash_step[i] = a->first_default[i] = a->bubble_start[i] = -1;
    }
    for (size_t i = 0; i < nprt * AIM_ANALYZE_N_LAYERS; i++) {
        a->hhi[i] = a->top1[i] = a->top3[i] = a->gini[i] = NAN;
    }
    for (size_t i = 0; i < nprt; i++) {
        a->hhi_capacity[i] = a->hhi_deliveries[i] = a->hhi_demand[i] = a->coverage[i] = NAN;
    }
    /* Monte Carlo critical values of GSADF for this length (exuber's design). */
    a->bubble = 0;
    if (opt->bubble) {
        struct aim_critval_options co;
        aim_critval_options_init(&co);
        co.replications = opt->cv_replications;
        co.seed = opt->cv_seed;
        co.threads = opt->threads;
        co.use_cache = opt->use_cache;
        co.cache_dir = opt->cache_dir;
        if (aim_critval_create(&cv, (size_t)nt, &co) == AIM_OK) {
            a->bubble = 1;
            a->gsadf_cv95 = cv->gsadf[1];
            a->cv_replications = co.replications;
            a->cv_seed = co.seed;
        } else {
            snprintf(a->bubble_note, sizeof a->bubble_note, "no GSADF critical values for %d months: %s", nt,
                     aim_error_message());
            aim_error_clear();
        }
    } else {
        snprintf(a->bubble_note, sizeof a->bubble_note, "bubble test not requested");
    }
    status = aim_traj_create(&tr, nf, nt, aim_store_bs_every(st));
    if (status) {
        goto fail;
    }
    for (int p = 0; p < np; p++) {
        for (int r = 0; r < nr; r++) {
            if (!a->done[(size_t)p * (size_t)nr + (size_t)r]) {
                continue;
            }
            status = aim_store_read_replica(st, p, r, tr);
            if (status) {
                aim_error_prefix(AIM_ERR_FORMAT, "reading replica %d of point %d: ", r, p);
                status = AIM_ERR_FORMAT;
                goto fail;
            }
            status = aim_analyze_replica(a, tr, p, r, &w, cv, path);
            if (status) {
                goto fail;
            }
            memcpy(series + (size_t)r * (size_t)nt, tr->market[AIM_MV_ai_market_value],
                   (size_t)nt * sizeof *series);
            memcpy(series + ((size_t)nr + (size_t)r) * (size_t)nt, tr->market[AIM_MV_value_fundamental],
                   (size_t)nt * sizeof *series);
            memcpy(series + (2 * (size_t)nr + (size_t)r) * (size_t)nt, tr->market[AIM_MV_circularity],
                   (size_t)nt * sizeof *series);
        }
        /* Bands: the three market series, coverage and the all-firm HHI. */
        const size_t band_size = AIM_BANDS_N_STANDARD * (size_t)nt;
        double *bands = a->bands + (size_t)p * AIM_ANALYZE_N_BANDED * band_size;
        for (int v = 0; v < 3; v++) {
            aim_analyze_band(a, p, series + (size_t)v * (size_t)nr * (size_t)nt, x, work,
                             bands + (size_t)v * band_size);
        }
        aim_analyze_band(a, p, a->coverage + (size_t)p * (size_t)nr * (size_t)nt, x, work,
                         bands + 3 * band_size);
        for (int r = 0; r < nr; r++) {
            for (int t = 0; t < nt; t++) {
                size_t prt = ((size_t)p * (size_t)nr + (size_t)r) * (size_t)nt + (size_t)t;
                series[(size_t)r * (size_t)nt + (size_t)t] =
                    a->hhi[prt * AIM_ANALYZE_N_LAYERS + AIM_ANALYZE_ALL];
            }
        }
        aim_analyze_band(a, p, series, x, work, bands + 4 * band_size);
        /* Crash probability and bubble share over the analysed replicas. */
        int n = 0;
        for (int r = 0; r < nr; r++) {
            if (a->done[(size_t)p * (size_t)nr + (size_t)r]) {
                flags[n++] = a->crash[(size_t)p * (size_t)nr + (size_t)r];
            }
        }
        if ((status = aim_bands_crash_probability(flags, n, &a->crash_probability[p])) != AIM_OK) {
            goto fail;
        }
        if (a->bubble) {
            n = 0;
            for (int r = 0; r < nr; r++) {
                if (a->done[(size_t)p * (size_t)nr + (size_t)r]) {
                    flags[n++] = a->bubble_flag[(size_t)p * (size_t)nr + (size_t)r];
                }
            }
            if ((status = aim_bands_bubble_share(flags, n, &a->bubble_share[p])) != AIM_OK) {
                goto fail;
            }
        }
    }
    status = AIM_OK;
fail:
    if (st) {
        aim_store_close(st);
    }
    aim_traj_free(tr);
    aim_critval_free(cv);
    free(w.x);
    free(w.sorted);
    free(w.y);
    free(w.kind);
    free(w.counts);
    free(w.step);
    free(series);
    free(x);
    free(work);
    free(flags);
    if (status) {
        aim_analyze_free(a);
        return status;
    }
    *out = a;
    return AIM_OK;
}

/* ---- writing the /analysis group ---- */

/* Dimensions of the group, in the order they are made. */
enum { AIM_DIM_POINT = 0, AIM_DIM_REPLICA, AIM_DIM_TIME, AIM_DIM_LAYER, AIM_DIM_QUANTILE };

static enum aim_status aim_analyze_write_group(const struct aim_analysis *a, struct aim_store_analysis *wr,
                                               const char *source)
{
    enum aim_status s;
    const size_t np = (size_t)a->n_points, nr = (size_t)a->n_replicas, nt = (size_t)a->n_times;
    char units[64];
    snprintf(units, sizeof units, "days since %s-01", a->start_date);
    /* What this is and how it was computed. */
    if ((s = aim_store_analysis_write_string_attr(wr, "aimsim_format", AIM_ANALYZE_FORMAT)) ||
        (s = aim_store_analysis_write_string_attr(wr, "source_file", source)) ||
        (s = aim_store_analysis_write_double_attr(wr, "crash_drawdown", a->crash_drawdown)) ||
        (s = aim_store_analysis_write_int_attr(wr, "crash_window", a->crash_window)) ||
        (s = aim_store_analysis_write_int_attr(wr, "cascade_link", a->cascade_link)) ||
        (s = aim_store_analysis_write_string_attr(wr, "crash_definition",
                                                  "crash = some month t with V(t) <= (1 - crash_drawdown) * "
                                                  "max V over [t - crash_window, t], V = AI market value")) ||
        (s = aim_store_analysis_write_string_attr(wr, "quantile_type", "R type 7 (numpy linear)")) ||
        (s = aim_store_analysis_write_string_attr(
             wr, "interval", "Wilson score 95%, z = 1.959963984540054, no continuity correction")) ||
        (s = aim_store_analysis_write_double_attr(wr, "gsadf_cv95", a->gsadf_cv95)) ||
        (s = aim_store_analysis_write_int_attr(wr, "cv_replications", a->cv_replications)) ||
        (s = aim_store_analysis_write_u64_attr(wr, "cv_seed", a->cv_seed)) ||
        (s = aim_store_analysis_write_string_attr(wr, "bubble_note", a->bubble_note))) {
        return s;
    }
    double q[AIM_BANDS_N_STANDARD];
    memcpy(q, aim_bands_standard_probs(), sizeof q);
    /* The time coordinate of the run file: first days of the months in the standard calendar. */
    double *days = malloc((size_t)nt * sizeof *days);
    if (!days) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", aim_store_analysis_path(wr));
    }
    s = aim_store_month_days(a->start_date, (int)nt, days);
    if (s) {
        free(days);
        return s;
    }
    if ((s = aim_store_analysis_write_dim(wr, AIM_DIM_POINT, "point", np, NULL, "sweep point index")) ||
        (s = aim_store_analysis_write_dim(wr, AIM_DIM_REPLICA, "replica", nr, NULL,
                                          "Monte Carlo replica index")) ||
        (s = aim_store_analysis_write_dim(wr, AIM_DIM_TIME, "time", nt, days,
                                          "first day of the month (index 0: state at the start)")) ||
        (s = aim_store_analysis_write_dim(wr, AIM_DIM_LAYER, "layer", AIM_ANALYZE_N_LAYERS, NULL,
                                          "concentration layer index (layer_name)")) ||
        (s = aim_store_analysis_write_dim(wr, AIM_DIM_QUANTILE, "quantile", AIM_BANDS_N_STANDARD, q,
                                          "probability of the band (R type 7 quantile across replicas)"))) {
        free(days);
        return s;
    }
    free(days);
    if ((s = aim_store_analysis_write_dim_attr(wr, AIM_DIM_TIME, "units", units)) ||
        (s = aim_store_analysis_write_dim_attr(wr, AIM_DIM_TIME, "calendar", "proleptic_gregorian")) ||
        (s = aim_store_analysis_write_labels(wr, "layer_name", AIM_ANALYZE_N_LAYERS, aim_analyze_layers,
                                             AIM_DIM_LAYER,
                                             "concentration layer: all AI firms, vendors, clouds, labs"))) {
        return s;
    }
    const int d_pr[2] = {AIM_DIM_POINT, AIM_DIM_REPLICA};
    const int d_prt[3] = {AIM_DIM_POINT, AIM_DIM_REPLICA, AIM_DIM_TIME};
    const int d_prtl[4] = {AIM_DIM_POINT, AIM_DIM_REPLICA, AIM_DIM_TIME, AIM_DIM_LAYER};
    const int d_pqt[3] = {AIM_DIM_POINT, AIM_DIM_QUANTILE, AIM_DIM_TIME};
    const int d_p[1] = {AIM_DIM_POINT};
    int *done = malloc((size_t)(np * nr) * sizeof *done);
    double *pt = malloc((size_t)np * 8 * sizeof *pt);
    int *pi = malloc((size_t)np * 6 * sizeof *pi);
    double *band = malloc((size_t)(np * AIM_BANDS_N_STANDARD * nt) * sizeof *band);
    if (!done || !pt || !pi || !band) {
        free(done);
        free(pt);
        free(pi);
        free(band);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory writing /analysis",
                             aim_store_analysis_path(wr));
    }
    for (size_t i = 0; i < (size_t)(np * nr); i++) {
        done[i] = a->done[i];
    }
    for (int p = 0; p < (int)np; p++) {
        const struct aim_bands_proportion *c = &a->crash_probability[p], *b = &a->bubble_share[p];
        pt[0 * np + p] = c->estimate;
        pt[1 * np + p] = c->lower;
        pt[2 * np + p] = c->upper;
        pt[3 * np + p] = a->bubble ? b->estimate : NAN;
        pt[4 * np + p] = a->bubble ? b->lower : NAN;
        pt[5 * np + p] = a->bubble ? b->upper : NAN;
        pi[0 * np + p] = a->n_analysed[p];
        pi[1 * np + p] = c->successes;
        pi[2 * np + p] = a->bubble ? b->successes : -1;
        pi[3 * np + p] = a->bubble ? a->n_untestable[p] : -1;
    }
    struct {
        const char *name;
        int is_int;
        const void *data;
        const char *long_name, *units;
    } pr_vars[] = {
        {"analysed", 1, done, "1 if the replica was complete and analysed", NULL},
        {"max_drawdown", 0, a->max_drawdown, "maximum drawdown of the AI market value", "1"},
        {"max_window_drawdown", 0, a->max_window_drawdown, "deepest fall within crash_window months", "1"},
        {"crash", 1, a->crash, "1 if the AI market value fell by crash_drawdown within crash_window months",
         NULL},
        {"crash_step", 1, a->crash_step, "month of the first crash (-1: none)", NULL},
        {"n_defaults", 1, a->n_defaults, "firms that defaulted", NULL},
        {"first_default", 1, a->first_default, "month of the first default (-1: none)", NULL},
        {"n_cascades", 1, a->n_cascades, "default cascades (defaults at most cascade_link months apart)",
         NULL},
        {"max_cascade", 1, a->max_cascade, "defaults in the largest cascade", NULL},
        {"gsadf", 0, a->gsadf, "GSADF of the log AI market value (lag 0, default window; NaN: untestable)",
         NULL},
        {"bubble", 1, a->bubble_flag, "1 if GSADF exceeds its 95% Monte Carlo critical value", NULL},
        {"bubble_start", 1, a->bubble_start, "first month with BSADF above its 95% critical value (-1: none)",
         NULL},
    };
    for (size_t i = 0; i < sizeof pr_vars / sizeof pr_vars[0]; i++) {
        if ((s = aim_store_analysis_write_var(wr, pr_vars[i].name, 2, d_pr,
                                              pr_vars[i].is_int ? AIM_STORE_ANALYSIS_INT
                                                                : AIM_STORE_ANALYSIS_DOUBLE,
                                              pr_vars[i].data, pr_vars[i].long_name, pr_vars[i].units))) {
            goto done;
        }
    }
    const struct {
        const char *name;
        const double *data;
        const char *long_name;
    } prtl_vars[] = {
        {"hhi", a->hhi, "Herfindahl-Hirschman index of valuations, 0..1 (x 10^4 for the DOJ scale)"},
        {"top1", a->top1, "largest valuation share"},
        {"top3", a->top3, "sum of the three largest valuation shares"},
        {"gini", a->gini, "Gini coefficient of valuations (uncorrected)"},
    };
    for (size_t i = 0; i < sizeof prtl_vars / sizeof prtl_vars[0]; i++) {
        if ((s = aim_store_analysis_write_var(wr, prtl_vars[i].name, 4, d_prtl, AIM_STORE_ANALYSIS_DOUBLE,
                                              prtl_vars[i].data, prtl_vars[i].long_name, "1"))) {
            goto done;
        }
    }
    const struct {
        const char *name;
        const double *data;
        const char *long_name;
    } prt_vars[] = {
        {"hhi_capacity", a->hhi_capacity, "HHI of cloud capacity"},
        {"hhi_deliveries", a->hhi_deliveries, "HHI of GPU deliveries (vendors)"},
        {"hhi_demand", a->hhi_demand, "HHI of labs' end-demand shares"},
        {"commitment_coverage", a->coverage,
         "labs' outstanding commitments over (12 x monthly revenue + cash), labs not in default"},
    };
    for (size_t i = 0; i < sizeof prt_vars / sizeof prt_vars[0]; i++) {
        if ((s = aim_store_analysis_write_var(wr, prt_vars[i].name, 3, d_prt, AIM_STORE_ANALYSIS_DOUBLE,
                                              prt_vars[i].data, prt_vars[i].long_name, "1"))) {
            goto done;
        }
    }
    for (int v = 0; v < AIM_ANALYZE_N_BANDED; v++) {
        size_t per = AIM_BANDS_N_STANDARD * (size_t)nt;
        for (size_t p = 0; p < (size_t)np; p++) {
            memcpy(band + p * per, a->bands + (p * AIM_ANALYZE_N_BANDED + (size_t)v) * per,
                   per * sizeof *band);
        }
        char name[64], long_name[160];
        snprintf(name, sizeof name, "band_%s", aim_analyze_banded[v]);
        snprintf(long_name, sizeof long_name, "quantiles of %s across replicas per month",
                 aim_analyze_banded[v]);
        if ((s = aim_store_analysis_write_var(wr, name, 3, d_pqt, AIM_STORE_ANALYSIS_DOUBLE, band, long_name,
                                              NULL))) {
            goto done;
        }
    }
    const char *pt_names[6] = {"crash_probability", "crash_probability_lower", "crash_probability_upper",
                               "bubble_share",      "bubble_share_lower",      "bubble_share_upper"};
    const char *pt_docs[6] = {"share of replicas with a crash", "Wilson 95% lower end",
                              "Wilson 95% upper end",           "share of replicas with a GSADF bubble",
                              "Wilson 95% lower end",           "Wilson 95% upper end"};
    for (int i = 0; i < 6; i++) {
        if ((s = aim_store_analysis_write_var(wr, pt_names[i], 1, d_p, AIM_STORE_ANALYSIS_DOUBLE,
                                              pt + (size_t)i * np, pt_docs[i], "1"))) {
            goto done;
        }
    }
    const char *pi_names[4] = {"n_analysed", "n_crash", "n_bubble", "n_untestable"};
    const char *pi_docs[4] = {"replicas analysed", "replicas with a crash",
                              "replicas with a GSADF bubble (-1: not tested)",
                              "replicas whose GSADF could not be computed (-1: not tested)"};
    for (int i = 0; i < 4; i++) {
        if ((s = aim_store_analysis_write_var(wr, pi_names[i], 1, d_p, AIM_STORE_ANALYSIS_INT,
                                              pi + (size_t)i * np, pi_docs[i], NULL))) {
            goto done;
        }
    }
    s = AIM_OK;
done:
    free(done);
    free(pt);
    free(pi);
    free(band);
    return s;
}

enum aim_status aim_analyze_write(const struct aim_analysis *a, const char *run_path, const char *out_path)
{
    struct aim_store_analysis *wr = NULL;
    enum aim_status s = aim_store_analysis_open(&wr, run_path, out_path, AIM_ANALYZE_FORMAT);
    if (s) {
        return s;
    }
    return aim_store_analysis_finish(wr, aim_analyze_write_group(a, wr, run_path));
}
