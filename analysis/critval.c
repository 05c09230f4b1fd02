/* Monte Carlo and wild-bootstrap critical values for the PSY statistics (see critval.h). */
#include "analysis/critval.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/rng.h"

#define CV_MAGIC "AIMPSYCV"
#define CV_VERSION 1u

static const double cv_levels[3] = {0.90, 0.95, 0.99};

void aim_critval_options_init(struct aim_critval_options *opt)
{
    opt->lag = 0;
    opt->window_min = 0;
    opt->convention = AIM_PSY_EXUBER;
    opt->replications = 2000;
    opt->seed = 123;
    opt->threads = 0;
    opt->use_cache = 1;
    opt->cache_dir = NULL;
    opt->progress = NULL;
    opt->progress_ctx = NULL;
}

static int cv_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double aim_critval_quantile(double *x, size_t n, double p)
{
    /* R type 7: h = (n-1)p, linear between the order statistics around it, as (1-f)x_lo + f x_hi. */
    qsort(x, n, sizeof *x, cv_cmp);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    double f = h - (double)lo;
    if (f == 0.0 || x[hi] == x[lo]) {
        return x[lo];
    }
    return (1.0 - f) * x[lo] + f * x[hi];
}

/* The PSY options of the critical values and the smallest window they give for length n. */
static enum aim_status cv_psy_options(const struct aim_critval_options *opt, size_t n,
                                      struct aim_psy_options *p, size_t *levels)
{
    aim_psy_options_init(p);
    p->lag = opt->lag;
    p->window_min = opt->window_min;
    p->convention = opt->convention;
    if (opt->replications < 10) {
        return aim_error_set(AIM_ERR_USAGE, "critval: %d replications are too few (at least 10)",
                             opt->replications);
    }
    return aim_psy_min_levels(p, n, levels);
}

static enum aim_status cv_cache_dir(char *buf, size_t size, const struct aim_critval_options *opt)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int len;
    if (opt->cache_dir && opt->cache_dir[0]) {
        len = snprintf(buf, size, "%s", opt->cache_dir);
    } else if (xdg && xdg[0]) {
        len = snprintf(buf, size, "%s/aimsim", xdg);
    } else if (home && home[0]) {
        len = snprintf(buf, size, "%s/.cache/aimsim", home);
    } else {
        return aim_error_set(AIM_ERR_IO, "critval: no cache directory (set XDG_CACHE_HOME or HOME)");
    }
    if (len < 0 || (size_t)len >= size) {
        return aim_error_set(AIM_ERR_IO, "critval: cache directory name is too long");
    }
    return AIM_OK;
}

enum aim_status aim_critval_cache_path(char *buf, size_t size, size_t n,
                                       const struct aim_critval_options *opt)
{
    struct aim_psy_options p;
    size_t levels;
    enum aim_status st = cv_psy_options(opt, n, &p, &levels);
    char dir[4096];
    if (st == AIM_OK) {
        st = cv_cache_dir(dir, sizeof dir, opt);
    }
    if (st != AIM_OK) {
        return st;
    }
    int len = snprintf(buf, size, "%s/psy-cv-T%zu-L%zu-lag%d-r%d-s%llu.bin", dir, n, levels, opt->lag,
                       opt->replications, (unsigned long long)opt->seed);
    if (len < 0 || (size_t)len >= size) {
        return aim_error_set(AIM_ERR_IO, "critval: cache path under %s is too long", dir);
    }
    return AIM_OK;
}

/* ---- cache file: magic, version, key, count, values, FNV-1a 64 of everything before it ---- */

struct cv_header {
    char magic[8];
    uint32_t version;
    int32_t lag;
    uint64_t n, levels, seed, count;
    int32_t replications;
    int32_t pad;
};

static uint64_t cv_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void cv_header_fill(struct cv_header *h, const struct aim_critval *cv)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, CV_MAGIC, 8);
    h->version = CV_VERSION;
    h->lag = cv->lag;
    h->n = cv->n;
    h->levels = cv->min_levels;
    h->seed = cv->seed;
    h->count = cv->count;
    h->replications = cv->replications;
}

static uint64_t cv_checksum(const struct cv_header *h, const struct aim_critval *cv)
{
    uint64_t s = cv_fnv(1469598103934665603ull, h, sizeof *h);
    s = cv_fnv(s, cv->adf, sizeof cv->adf);
    s = cv_fnv(s, cv->sadf, sizeof cv->sadf);
    s = cv_fnv(s, cv->gsadf, sizeof cv->gsadf);
    return cv_fnv(s, cv->bsadf, cv->count * 3 * sizeof(double));
}

/* 1: read and valid; 0: absent; -1: present but damaged (reason in why). */
static int cv_cache_read(const char *path, struct aim_critval *cv, char *why, size_t why_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return 0;
    }
    struct cv_header want, got;
    uint64_t sum = 0;
    cv_header_fill(&want, cv);
    int ok = fread(&got, sizeof got, 1, f) == 1;
    if (!ok || memcmp(&got, &want, sizeof got) != 0) {
        snprintf(why, why_size, "%.400s: header %s", path, ok ? "does not match the key" : "is truncated");
        fclose(f);
        return -1;
    }
    ok = fread(cv->adf, sizeof cv->adf, 1, f) == 1 && fread(cv->sadf, sizeof cv->sadf, 1, f) == 1 &&
         fread(cv->gsadf, sizeof cv->gsadf, 1, f) == 1 &&
         fread(cv->bsadf, sizeof(double), cv->count * 3, f) == cv->count * 3 &&
         fread(&sum, sizeof sum, 1, f) == 1;
    int extra = fgetc(f) != EOF;
    fclose(f);
    if (!ok || extra) {
        snprintf(why, why_size, "%.400s is %s", path, ok ? "longer than its header says" : "truncated");
        return -1;
    }
    if (sum != cv_checksum(&got, cv)) {
        snprintf(why, why_size, "%.400s: checksum does not match its contents", path);
        return -1;
    }
    return 1;
}

static int cv_mkdirs(const char *dir)
{
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
                return -1;
            }
            *p = '/';
        }
    }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Writes the cache atomically: a temporary file in the same directory, fsync, rename. */
static int cv_cache_write(const char *path, const struct aim_critval *cv, char *why, size_t why_size)
{
    char dir[4400], tmp[4420];
    size_t len = strlen(path);
    if (len >= sizeof dir) {
        snprintf(why, why_size, "cache path is too long (%zu characters)", len);
        return -1;
    }
    memcpy(dir, path, len + 1);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (cv_mkdirs(dir) != 0) {
            snprintf(why, why_size, "cannot create cache directory %.400s: %s", dir, strerror(errno));
            return -1;
        }
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, why_size, "cannot create %.400s: %s", tmp, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        snprintf(why, why_size, "cannot open %.400s: %s", tmp, strerror(errno));
        return -1;
    }
    struct cv_header h;
    cv_header_fill(&h, cv);
    uint64_t sum = cv_checksum(&h, cv);
    int ok = fwrite(&h, sizeof h, 1, f) == 1 && fwrite(cv->adf, sizeof cv->adf, 1, f) == 1 &&
             fwrite(cv->sadf, sizeof cv->sadf, 1, f) == 1 && fwrite(cv->gsadf, sizeof cv->gsadf, 1, f) == 1 &&
             fwrite(cv->bsadf, sizeof(double), cv->count * 3, f) == cv->count * 3 &&
             fwrite(&sum, sizeof sum, 1, f) == 1 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0) {
        ok = 0;
    }
    if (!ok || rename(tmp, path) != 0) {
        snprintf(why, why_size, "cannot write %.400s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- Monte Carlo ---- */

enum aim_status aim_critval_replications(size_t n, const struct aim_critval_options *opt, double *adf,
                                         double *sadf, double *gsadf, double *cummax)
{
    struct aim_psy_options p;
    size_t levels;
    enum aim_status st = cv_psy_options(opt, n, &p, &levels);
    if (st != AIM_OK) {
        return aim_error_prefix(st, "critval for T = %zu: ", n);
    }
    size_t count = n - levels + 1, reps = (size_t)opt->replications;
    int failed = 0;
    int nt = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    size_t done = 0; /* replications finished, for the progress report */
#pragma omp parallel num_threads(nt) reduction(| : failed)
    {
        double *y = malloc(n * sizeof *y);
        double *badf = malloc(count * sizeof *badf);
        double *bsadf = malloc(count * sizeof *bsadf);
#pragma omp for schedule(dynamic, 4)
        for (size_t j = 0; j < reps; j++) {
            if (!y || !badf || !bsadf) {
                failed = 1;
                continue;
            }
            /* Replication j: its own stream, so the draws do not depend on the thread running it. */
            struct aim_pcg64 rng;
            aim_rng_stream(&rng, opt->seed, 0, j, 0, AIM_RNG_ANALYSIS);
            double v = 0.0;
            for (size_t i = 0; i < n; i++) {
                v += aim_rng_normal(&rng);
                y[i] = v;
            }
            if (aim_psy_sequences(y, n, &p, badf, bsadf) != AIM_OK) {
                failed = 1;
                continue;
            }
            double m = -HUGE_VAL, g = -HUGE_VAL;
            for (size_t i = 0; i < count; i++) {
                m = fmax(m, badf[i]);
                g = fmax(g, bsadf[i]);
                if (cummax) {
                    cummax[i * reps + j] = m;
                }
            }
            adf[j] = badf[count - 1];
            sadf[j] = m;
            gsadf[j] = g;
            size_t now;
#pragma omp atomic capture
            now = ++done;
            if (opt->progress && omp_get_thread_num() == 0) {
                opt->progress(opt->progress_ctx, (double)now, (double)reps);
            }
        }
        free(y);
        free(badf);
        free(bsadf);
    }
    if (failed) {
        return aim_error_set(AIM_ERR_NUMERIC, "critval: a replication failed (singular window or no memory)");
    }
    if (opt->progress) {
        opt->progress(opt->progress_ctx, (double)reps, (double)reps);
    }
    return AIM_OK;
}

static enum aim_status cv_simulate(struct aim_critval *cv, const struct aim_critval_options *opt)
{
    size_t count = cv->count, reps = (size_t)cv->replications;
    double *adf = malloc(reps * sizeof *adf);
    double *sadf = malloc(reps * sizeof *sadf);
    double *gsadf = malloc(reps * sizeof *gsadf);
    double *cummax = malloc(count * reps * sizeof *cummax); /* [t][replication] */
    enum aim_status st = AIM_OK;
    if (!adf || !sadf || !gsadf || !cummax) {
        st = aim_error_set(AIM_ERR_NOMEM, "critval: cannot allocate %zu x %zu replications", count, reps);
    } else {
        st = aim_critval_replications(cv->n, opt, adf, sadf, gsadf, cummax);
    }
    if (st == AIM_OK) {
        for (int l = 0; l < 3; l++) {
            cv->adf[l] = aim_critval_quantile(adf, reps, cv_levels[l]);
            cv->sadf[l] = aim_critval_quantile(sadf, reps, cv_levels[l]);
            cv->gsadf[l] = aim_critval_quantile(gsadf, reps, cv_levels[l]);
        }
        for (size_t i = 0; i < count; i++) {
            for (int l = 0; l < 3; l++) {
                cv->bsadf[i * 3 + (size_t)l] = aim_critval_quantile(cummax + i * reps, reps, cv_levels[l]);
            }
        }
    }
    free(adf), free(sadf), free(gsadf), free(cummax);
    return st;
}

enum aim_status aim_critval_create(struct aim_critval **out, size_t n, const struct aim_critval_options *opt)
{
    *out = NULL;
    struct aim_psy_options p;
    size_t levels;
    enum aim_status st = cv_psy_options(opt, n, &p, &levels);
    if (st != AIM_OK) {
        return aim_error_prefix(st, "critval for T = %zu: ", n);
    }
    struct aim_critval *cv = calloc(1, sizeof *cv);
    if (cv) {
        cv->count = n - levels + 1;
        cv->bsadf = malloc(cv->count * 3 * sizeof(double));
    }
    if (!cv || !cv->bsadf) {
        aim_critval_free(cv);
        return aim_error_set(AIM_ERR_NOMEM, "critval: cannot allocate critical values for T = %zu", n);
    }
    cv->n = n;
    cv->min_levels = levels;
    cv->first_t = levels;
    cv->lag = opt->lag;
    cv->replications = opt->replications;
    cv->seed = opt->seed;

    char path[4400] = "";
    int cached = 0;
    if (opt->use_cache) {
        if (aim_critval_cache_path(path, sizeof path, n, opt) != AIM_OK) {
            snprintf(cv->cache_note, sizeof cv->cache_note, "%.500s", aim_error_message());
            path[0] = '\0';
        } else {
            cached = cv_cache_read(path, cv, cv->cache_note, sizeof cv->cache_note);
            cv->cache_recomputed = cached < 0;
        }
    }
    if (cached == 1) {
        cv->from_cache = 1;
        *out = cv;
        return AIM_OK;
    }
    st = cv_simulate(cv, opt);
    if (st != AIM_OK) {
        aim_critval_free(cv);
        return st;
    }
    if (path[0]) {
        char why[512] = "";
        if (cv_cache_write(path, cv, why, sizeof why) != 0) {
            snprintf(cv->cache_note, sizeof cv->cache_note, "%.500s", why);
        }
    }
    *out = cv;
    return AIM_OK;
}

void aim_critval_free(struct aim_critval *cv)
{
    if (cv) {
        free(cv->bsadf);
        free(cv);
    }
}

/* ---- psymonitor's wild bootstrap (cvPSYwmboot with ADFres) ---- */

/* OLS of dy[k+1..T1] (1-based rows) on (1, dy_{t-1..t-k}): beta (k+1 values) and RSS; eps optional. */
static int cv_null_fit(const double *dy, size_t t1, int k, double *beta, double *eps, double *rss)
{
    int p = k + 1;
    double a[(AIM_PSY_MAX_LAG + 1) * (AIM_PSY_MAX_LAG + 2)];
    int w = p + 1;
    memset(a, 0, sizeof(double) * (size_t)(p * w));
    double x[AIM_PSY_MAX_LAG + 1];
    for (size_t t = (size_t)k + 1; t <= t1; t++) {
        x[0] = 1.0;
        for (int j = 1; j <= k; j++) {
            x[j] = dy[t - 1 - (size_t)j];
        }
        for (int i = 0; i < p; i++) {
            for (int l = 0; l < p; l++) {
                a[i * w + l] += x[i] * x[l];
            }
            a[i * w + p] += x[i] * dy[t - 1];
        }
    }
    /* Gauss-Jordan with partial pivoting on the (small) normal equations. */
    for (int c = 0; c < p; c++) {
        int piv = c;
        for (int r = c + 1; r < p; r++) {
            if (fabs(a[r * w + c]) > fabs(a[piv * w + c])) {
                piv = r;
            }
        }
        if (!(fabs(a[piv * w + c]) > 0.0)) {
            return -1;
        }
        for (int l = 0; l < w; l++) {
            double s = a[c * w + l];
            a[c * w + l] = a[piv * w + l];
            a[piv * w + l] = s;
        }
        for (int r = 0; r < p; r++) {
            if (r != c) {
                double f = a[r * w + c] / a[c * w + c];
                for (int l = c; l < w; l++) {
                    a[r * w + l] -= f * a[c * w + l];
                }
            }
        }
    }
    for (int i = 0; i < p; i++) {
        beta[i] = a[i * w + p] / a[i * w + i];
    }
    double s = 0.0;
    for (size_t t = (size_t)k + 1; t <= t1; t++) {
        double e = dy[t - 1] - beta[0];
        for (int j = 1; j <= k; j++) {
            e -= beta[j] * dy[t - 1 - (size_t)j];
        }
        if (eps) {
            eps[t - (size_t)k - 1] = e;
        }
        s += e * e;
    }
    *rss = s;
    return 0;
}

enum aim_status aim_critval_wild_bootstrap(const double *y, size_t n, const struct aim_psy_options *psy,
                                           size_t tb, int nboot, uint64_t seed, int threads, double q[3])
{
    struct aim_psy_options p = *psy;
    p.progress = NULL; /* the samples' own BSADF runs report nothing; the samples done are reported */
    if (p.window_min <= 0) {
        p.window_min = aim_psy_default_window(n); /* psymonitor passes swindow0 of the full sample */
    }
    enum aim_status st = aim_psy_check_series(y, n, &p);
    if (st != AIM_OK) {
        return st;
    }
    size_t levels;
    st = aim_psy_min_levels(&p, tb, &levels);
    if (st != AIM_OK) {
        return aim_error_prefix(st, "wild bootstrap with Tb = %zu: ", tb);
    }
    if (nboot < 10) {
        return aim_error_set(AIM_ERR_USAGE, "wild bootstrap: %d bootstrap samples are too few (at least 10)",
                             nboot);
    }
    /* With a fixed lag the statistics are invariant to scaling y, and a power of two scales exactly:
     * bring 1e+-300-scale data to order one so that the null fit neither overflows nor underflows. */
    double *scaled = NULL;
    enum aim_status sc = aim_psy_scaled_copy(y, n, p.ic, &scaled);
    if (sc != AIM_OK) {
        return aim_error_prefix(sc, "wild bootstrap: ");
    }
    if (scaled) {
        y = scaled;
    }
    if (n < 6) { /* aim_psy_check_series refused it already; this tells the compiler */
        free(scaled);
        return aim_error_set(AIM_ERR_USAGE, "wild bootstrap: series of %zu values is too short", n);
    }
    size_t t1 = n - 1;
    int big_k = p.lag;
    if ((size_t)(2 * big_k + 3) > t1) {
        free(scaled);
        return aim_error_set(AIM_ERR_USAGE, "wild bootstrap: series of %zu is too short for lag %d", n,
                             big_k);
    }
    double *dy = malloc(t1 * sizeof *dy);
    double *eps = malloc(t1 * sizeof *eps);
    double *stats = malloc((size_t)nboot * sizeof *stats);
    double beta[AIM_PSY_MAX_LAG + 1];
    if (!dy || !eps || !stats) {
        free(dy), free(eps), free(stats), free(scaled);
        return aim_error_set(AIM_ERR_NOMEM, "wild bootstrap: cannot allocate");
    }
    for (size_t i = 0; i < t1; i++) {
        dy[i] = y[i + 1] - y[i];
    }
    /* Null model lag: fixed, or psymonitor's IC rule (t = T1 - K, unit-variance likelihood). */
    int lag = big_k;
    double rss;
    if (p.ic != AIM_PSY_IC_NONE) {
        double tfix = (double)t1 - big_k, best = HUGE_VAL;
        double pen = p.ic == AIM_PSY_IC_AIC ? 2.0 : log(tfix);
        for (int k = 0; k <= big_k; k++) {
            if (cv_null_fit(dy, t1, k, beta, NULL, &rss) != 0) {
                free(dy), free(eps), free(stats), free(scaled);
                return aim_error_set(AIM_ERR_NUMERIC, "wild bootstrap: null model with lag %d is singular",
                                     k);
            }
            double npdf = -0.5 * log(2.0 * M_PI) * ((double)t1 - k) - 0.5 * rss;
            double crit = -2.0 * npdf / tfix + pen * (double)(k + 1) / tfix;
            if (crit < best) {
                best = crit;
                lag = k;
            }
        }
    }
    if (cv_null_fit(dy, t1, lag, beta, eps, &rss) != 0) {
        free(dy), free(eps), free(stats), free(scaled);
        return aim_error_set(AIM_ERR_NUMERIC, "wild bootstrap: null model with lag %d is singular", lag);
    }
    size_t t0 = t1 - (size_t)lag, count = tb - levels + 1;
    int failed = 0, done = 0;
    int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt) reduction(| : failed)
    {
        double *yb = malloc(tb * sizeof *yb);
        double *dyb = malloc(tb * sizeof *dyb);
        double *bsadf = malloc(count * sizeof *bsadf);
#pragma omp for schedule(dynamic, 1)
        for (int b = 0; b < nboot; b++) {
            if (!yb || !dyb || !bsadf) {
                failed = 1;
                continue;
            }
            struct aim_pcg64 rng;
            aim_rng_stream(&rng, seed, 0, (uint64_t)b, 1, AIM_RNG_ANALYSIS);
            for (size_t i = 0; i < tb - 1; i++) {
                if (i < (size_t)lag) {
                    dyb[i] = dy[i];
                    continue;
                }
                double e = eps[aim_rng_bounded(&rng, t0)];
                double v = aim_rng_normal(&rng) * e;
                double ar = 0.0;
                for (int k = 1; k <= lag; k++) {
                    ar += dyb[i - (size_t)k] * beta[k];
                }
                dyb[i] = ar + v;
            }
            yb[0] = y[0];
            for (size_t i = 1; i < tb; i++) {
                yb[i] = yb[i - 1] + dyb[i - 1];
            }
            if (aim_psy_sequences(yb, tb, &p, NULL, bsadf) != AIM_OK) {
                failed = 1;
                continue;
            }
            double m = -HUGE_VAL;
            for (size_t i = 0; i < count; i++) {
                m = fmax(m, bsadf[i]);
            }
            stats[b] = m;
            int now;
#pragma omp atomic capture
            now = ++done;
            if (psy->progress && omp_get_thread_num() == 0) {
                psy->progress(psy->progress_ctx, (double)now, (double)nboot);
            }
        }
        free(yb), free(dyb), free(bsadf);
    }
    if (!failed && psy->progress) {
        psy->progress(psy->progress_ctx, (double)nboot, (double)nboot);
    }
    if (!failed) {
        for (int l = 0; l < 3; l++) {
            q[l] = aim_critval_quantile(stats, (size_t)nboot, cv_levels[l]);
        }
    }
    free(dy), free(eps), free(stats), free(scaled);
    if (failed) {
        return aim_error_set(AIM_ERR_NUMERIC, "wild bootstrap: a bootstrap sample failed (singular window)");
    }
    return AIM_OK;
}
