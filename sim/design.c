/* Experiment designs: unit-cube points of each design, their mapping to factor values, the CSV
 * reader of user tables and the crossing with a grid of scenarios (docs/sweeps.md). */
#include "sim/design.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "sim/rng.h"

#include "sim/design_sobol.inc"

#define AIM_DESIGN_SOBOL_BITS 30

/* ------------------------------------------------------------------------------------------ */
/* Sobol (Joe and Kuo 2008; the construction of scipy.stats.qmc.Sobol, unscrambled)            */

/* Direction numbers v[0..29] of dimension d, scaled to 30-bit integers. */
static void aim_design_sobol_directions(int d, uint32_t v[AIM_DESIGN_SOBOL_BITS])
{
    if (d == 0) {
        for (int j = 0; j < AIM_DESIGN_SOBOL_BITS; j++) {
            v[j] = 1;
        }
    } else {
        unsigned p = aim_design_sobol_poly[d];
        int m = 0;
        while ((p >> (m + 1)) != 0) {
            m++; /* degree: bit length - 1 */
        }
        for (int j = 0; j < m && j < AIM_DESIGN_SOBOL_BITS; j++) {
            v[j] = aim_design_sobol_vinit[d][j];
        }
        for (int j = m; j < AIM_DESIGN_SOBOL_BITS; j++) {
            uint32_t nv = v[j - m], pow2 = 1;
            for (int k = 0; k < m; k++) {
                pow2 <<= 1;
                if ((p >> (m - 1 - k)) & 1u) {
                    nv ^= pow2 * v[j - k - 1];
                }
            }
            v[j] = nv;
        }
    }
    for (int j = 0; j < AIM_DESIGN_SOBOL_BITS; j++) {
        v[j] <<= (AIM_DESIGN_SOBOL_BITS - 1 - j);
    }
}

enum aim_status aim_design_sobol(int d, long n, double *u)
{
    if (d < 1 || d > AIM_DESIGN_SOBOL_MAX_DIM || n < 0 || n > AIM_DESIGN_MAX_POINTS || (n > 0 && !u)) {
        return aim_error_set(
            AIM_ERR_USAGE, "aim_design_sobol: expected 1 <= d <= %d and 0 <= n <= 2^30 (got d = %d, n = %ld)",
            AIM_DESIGN_SOBOL_MAX_DIM, d, n);
    }
    uint32_t(*v)[AIM_DESIGN_SOBOL_BITS] = malloc((size_t)d * sizeof *v);
    uint32_t *q = calloc((size_t)d, sizeof *q);
    if (!v || !q) {
        free(v);
        free(q);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a %d-dimensional Sobol sequence", d);
    }
    for (int j = 0; j < d; j++) {
        aim_design_sobol_directions(j, v[j]);
    }
    const double scale = ldexp(1.0, -AIM_DESIGN_SOBOL_BITS);
    for (long i = 0; i < n; i++) {
        if (i > 0) {
            /* Gray-code order: point i differs from point i-1 by the direction of the lowest zero
             * bit of i - 1. */
            unsigned long k = (unsigned long)(i - 1);
            int c = 0;
            while (k & 1ul) {
                k >>= 1;
                c++;
            }
            for (int j = 0; j < d; j++) {
                q[j] ^= v[j][c];
            }
        }
        for (int j = 0; j < d; j++) {
            u[i * d + j] = (double)q[j] * scale;
        }
    }
    free(v);
    free(q);
    return AIM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Mapping unit values to factor values                                                       */

double aim_design_map(const struct aim_design_factor *f, double u)
{
    double x;
    if (f->n_values > 0) {
        long i = (long)floor(u * f->n_values);
        i = i < 0 ? 0 : (i >= f->n_values ? f->n_values - 1 : i); /* u = 1 takes the last value */
        x = f->values[i];
    } else if (f->log) {
        x = f->lo * pow(f->hi / f->lo, u);
    } else {
        x = f->lo + u * (f->hi - f->lo);
    }
    return f->integer ? round(x) : x;
}

/* ------------------------------------------------------------------------------------------ */
/* Unit-cube designs                                                                          */

/* The design's own stream: purpose AIM_RNG_DESIGN, so it never meets a replica's draws. */
static void aim_design_stream(struct aim_pcg64 *rng, uint64_t seed)
{
    aim_rng_stream(rng, seed, 0, 0, 0, AIM_RNG_DESIGN);
}

static void aim_design_random(long n, int d, uint64_t seed, double *u)
{
    struct aim_pcg64 rng;
    aim_design_stream(&rng, seed);
    for (long i = 0; i < n * d; i++) {
        u[i] = aim_rng_uniform(&rng);
    }
}

/* Latin hypercube: factor by factor, a random permutation of the n strata, then a uniform
 * position within each stratum. */
static enum aim_status aim_design_lhs(long n, int d, uint64_t seed, double *u)
{
    long *perm = malloc((size_t)n * sizeof *perm);
    if (!perm) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a Latin hypercube of %ld points", n);
    }
    struct aim_pcg64 rng;
    aim_design_stream(&rng, seed);
    for (int j = 0; j < d; j++) {
        for (long i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (long i = n - 1; i > 0; i--) {
            long k = (long)aim_rng_bounded(&rng, (uint64_t)i + 1);
            long t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        for (long i = 0; i < n; i++) {
            u[i * d + j] = ((double)perm[i] + aim_rng_uniform(&rng)) / (double)n;
        }
    }
    free(perm);
    return AIM_OK;
}

/* Saltelli (2002, 2010): A and B from the 2d-dimensional Sobol points, then the blocks AB_i (A
 * with column i from B) and, for second order, BA_i (B with column i from A); block-major. */
static enum aim_status aim_design_saltelli(long n, int d, int second_order, double *u)
{
    double *s = malloc((size_t)n * 2 * (size_t)d * sizeof *s);
    if (!s) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a Saltelli design of N = %ld", n);
    }
    enum aim_status st = aim_design_sobol(2 * d, n, s);
    if (st) {
        free(s);
        return st;
    }
    int blocks = second_order ? 2 * d + 2 : d + 2;
    for (int b = 0; b < blocks; b++) {
        for (long i = 0; i < n; i++) {
            const double *a = s + i * 2 * d, *bb = a + d;
            double *row = u + ((long)b * n + i) * d;
            for (int j = 0; j < d; j++) {
                double x;
                if (b == 0) {
                    x = a[j];
                } else if (b == 1) {
                    x = bb[j];
                } else if (b < d + 2) {
                    x = j == b - 2 ? bb[j] : a[j]; /* AB_i, i = b - 2 */
                } else {
                    x = j == b - d - 2 ? a[j] : bb[j]; /* BA_i, i = b - d - 2 */
                }
                row[j] = x;
            }
        }
    }
    free(s);
    return AIM_OK;
}

/* Morris (1991) trajectories on the grid {0, 1/(L-1), ..., 1} with step Delta = L / (2 (L-1)):
 * each starts at a random grid level per factor and moves the factors one at a time, in a random
 * order, by +Delta where that stays in [0, 1] and by -Delta otherwise. */
static enum aim_status aim_design_morris(long r, int d, int levels, uint64_t seed, double *u)
{
    int *k = malloc((size_t)d * sizeof *k), *order = malloc((size_t)d * sizeof *order);
    if (!k || !order) {
        free(k);
        free(order);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a Morris design");
    }
    struct aim_pcg64 rng;
    aim_design_stream(&rng, seed);
    const int step = levels / 2; /* Delta in grid steps of 1/(L-1) */
    for (long t = 0; t < r; t++) {
        for (int j = 0; j < d; j++) {
            k[j] = (int)aim_rng_bounded(&rng, (uint64_t)levels);
            order[j] = j;
        }
        for (int j = d - 1; j > 0; j--) {
            int m = (int)aim_rng_bounded(&rng, (uint64_t)j + 1);
            int x = order[j];
            order[j] = order[m];
            order[m] = x;
        }
        for (int s = 0; s <= d; s++) {
            if (s > 0) {
                int j = order[s - 1];
                k[j] += k[j] + step <= levels - 1 ? step : -step;
            }
            double *row = u + (t * (d + 1) + s) * d;
            for (int j = 0; j < d; j++) {
                row[j] = (double)k[j] / (double)(levels - 1);
            }
        }
    }
    free(k);
    free(order);
    return AIM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* A user's table (CSV)                                                                       */

/* The next comma-separated field of a line: [*p, end of field); *p moves past the comma. */
static void aim_design_field(const char **p, const char *end, const char **f, size_t *len)
{
    const char *c = memchr(*p, ',', (size_t)(end - *p));
    const char *e = c ? c : end;
    *f = *p;
    *len = (size_t)(e - *p);
    *p = c ? c + 1 : end + 1;
}

/* Reads the CSV table: header "point,KEY1,..." or "KEY1,..." with the factors' keys in order,
 * then one row of numbers per point (point, if present, counting 0, 1, 2, ...). A small strict
 * reader of its own: analysis/csv.c belongs to the analysis layer, which sim/ does not link. */
static enum aim_status aim_design_csv(const struct aim_design_spec *spec, double **out, long *n_out)
{
    const char *path = spec->csv_path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return aim_error_set(AIM_ERR_CONFIG, "%s: cannot open the design table (sweep.file): %s", path,
                             strerror(errno));
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap + 1);
    while (text) {
        len += fread(text + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        char *t = realloc(text, 2 * cap + 1);
        if (!t) {
            free(text);
            text = NULL;
            break;
        }
        text = t;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!text || err) {
        free(text);
        return aim_error_set(text ? AIM_ERR_CONFIG : AIM_ERR_NOMEM, "%s: cannot read the design table", path);
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(text);
        return aim_error_set(AIM_ERR_CONFIG, "%s: the design table holds a NUL byte; expected CSV text",
                             path);
    }
    int d = spec->n_factors;
    double *x = NULL;
    long n = 0, cap_rows = 0;
    int has_point = 0;
    long line = 0;
    enum aim_status st = AIM_OK;
    const char *p = text, *end_text = text + len;
    while (p < end_text && !st) {
        const char *nl = memchr(p, '\n', (size_t)(end_text - p));
        const char *e = nl ? nl : end_text;
        const char *next = nl ? nl + 1 : end_text;
        line++;
        if (e > p && e[-1] == '\r') {
            e--;
        }
        if (line == 1) {
            const char *q = p, *fld;
            size_t fl;
            int col = 0;
            aim_design_field(&q, e, &fld, &fl);
            if (fl == 5 && memcmp(fld, "point", 5) == 0) {
                has_point = 1;
            } else {
                q = p;
            }
            while (q <= e && !st) {
                aim_design_field(&q, e, &fld, &fl);
                if (col >= d) {
                    st = aim_error_set(AIM_ERR_CONFIG,
                                       "%s:1: the header has more columns than the %d factors of the sweep "
                                       "('%.*s' is extra); expected point,KEY1,... or KEY1,... in the "
                                       "factors' order",
                                       path, d, (int)(fl > 80 ? 80 : fl), fld);
                } else if (strlen(spec->factors[col].key) != fl ||
                           memcmp(fld, spec->factors[col].key, fl) != 0) {
                    st = aim_error_set(
                        AIM_ERR_CONFIG,
                        "%s:1: column %d of the header is '%.*s'; expected the factor key "
                        "'%s' (the header is point,KEY1,... or KEY1,... in the factors' order)",
                        path, col + 1 + has_point, (int)(fl > 80 ? 80 : fl), fld, spec->factors[col].key);
                }
                col++;
            }
            if (!st && col < d) {
                st = aim_error_set(AIM_ERR_CONFIG,
                                   "%s:1: the header names %d of the %d factors; '%s' is missing", path, col,
                                   d, spec->factors[col].key);
            }
            p = next;
            continue;
        }
        if (e == p && !nl) {
            break; /* the end of the last line */
        }
        if (e == p) {
            st = aim_error_set(AIM_ERR_CONFIG, "%s:%ld: empty line; expected a row of %d numbers", path, line,
                               d + has_point);
            break;
        }
        if (n >= AIM_DESIGN_MAX_POINTS) {
            st = aim_error_set(AIM_ERR_CONFIG, "%s:%ld: more than 2^30 points", path, line);
            break;
        }
        if (n == cap_rows) {
            long c = cap_rows ? 2 * cap_rows : 64;
            double *t = realloc(x, (size_t)c * (size_t)(d > 0 ? d : 1) * sizeof *t);
            if (!t) {
                st = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory reading the design table", path);
                break;
            }
            x = t;
            cap_rows = c;
        }
        const char *q = p;
        int cols = d + has_point;
        for (int c = 0; c < cols && !st; c++) {
            const char *fld;
            size_t fl;
            if (q > e) {
                st = aim_error_set(AIM_ERR_CONFIG, "%s:%ld: %d fields; expected %d (as the header)", path,
                                   line, c, cols);
                break;
            }
            aim_design_field(&q, e, &fld, &fl);
            char buf[64];
            char *endp = NULL;
            double v = NAN;
            if (fl > 0 && fl < sizeof buf) {
                memcpy(buf, fld, fl);
                buf[fl] = '\0';
                errno = 0;
                v = strtod(buf, &endp);
            }
            if (fl == 0 || fl >= sizeof buf || *endp != '\0' || !isfinite(v) || errno == ERANGE) {
                st = aim_error_set(AIM_ERR_CONFIG, "%s:%ld: field %d is '%.*s'; expected a finite number",
                                   path, line, c + 1, (int)(fl > 60 ? 60 : fl), fld);
            } else if (has_point && c == 0) {
                if (v != (double)n) {
                    st = aim_error_set(AIM_ERR_CONFIG,
                                       "%s:%ld: point is %s; expected %ld (points count 0, 1, 2, ... in "
                                       "order)",
                                       path, line, buf, n);
                }
            } else {
                x[n * d + c - has_point] = v;
            }
        }
        if (!st && q <= e) {
            st = aim_error_set(AIM_ERR_CONFIG, "%s:%ld: more than %d fields; expected %d (as the header)",
                               path, line, cols, cols);
        }
        n++;
        p = next;
    }
    free(text);
    if (!st && line == 0) {
        st = aim_error_set(AIM_ERR_CONFIG, "%s: the design table is empty; expected a header line", path);
    }
    if (!st && n == 0) {
        st = aim_error_set(AIM_ERR_CONFIG, "%s: the design table has a header but no points", path);
    }
    if (st) {
        free(x);
        return st;
    }
    *out = x;
    *n_out = n;
    return AIM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* The design                                                                                 */

void aim_design_free(struct aim_design *d)
{
    if (!d) {
        return;
    }
    if (d->keys) {
        for (int j = 0; j < d->n_cols; j++) {
            free(d->keys[j]);
        }
    }
    free(d->keys);
    free(d->x);
    free(d->u);
    free(d);
}

/* n * m, or -1 past the point limit. */
static long aim_design_mul(long n, long m)
{
    if (n < 0 || m < 0 || (m > 0 && n > AIM_DESIGN_MAX_POINTS / m)) {
        return -1;
    }
    return n * m;
}

enum aim_status aim_design_create(const struct aim_design_spec *spec, struct aim_design **out)
{
    if (!spec || !out || spec->n_factors < 0 || spec->n_cross < 0) {
        return aim_error_set(AIM_ERR_USAGE, "aim_design_create: spec and out must not be NULL");
    }
    int d = spec->n_factors;
    if (spec->kind == AIM_DESIGN_MORRIS && (spec->levels < 2 || spec->levels % 2 != 0)) {
        return aim_error_set(AIM_ERR_CONFIG, "sweep.levels: expected an even number of Morris levels, got %d",
                             spec->levels);
    }
    if (d == 0 && spec->kind != AIM_DESIGN_NONE) {
        return aim_error_set(AIM_ERR_CONFIG, "sweep: the design has no factors; list them in sweep.factors");
    }
    long n = 0; /* points of the design before crossing */
    switch (spec->kind) {
    case AIM_DESIGN_NONE:
        n = 1;
        break;
    case AIM_DESIGN_GRID:
        n = 1;
        for (int j = 0; j < d; j++) {
            n = aim_design_mul(n, spec->factors[j].n_values);
        }
        break;
    case AIM_DESIGN_RANDOM:
    case AIM_DESIGN_LHS:
    case AIM_DESIGN_SOBOL:
        n = spec->points;
        break;
    case AIM_DESIGN_SALTELLI:
        n = aim_design_mul(spec->points, spec->second_order ? 2L * d + 2 : (long)d + 2);
        break;
    case AIM_DESIGN_MORRIS:
        n = aim_design_mul(spec->points, (long)d + 1);
        break;
    case AIM_DESIGN_CSV:
        break;
    }
    double *x = NULL;
    enum aim_status st = AIM_OK;
    if (spec->kind == AIM_DESIGN_CSV) {
        st = aim_design_csv(spec, &x, &n);
        if (st) {
            return st;
        }
    }
    long n_cross = 1;
    for (int c = 0; c < spec->n_cross; c++) {
        n_cross = aim_design_mul(n_cross, spec->cross[c].n_values);
    }
    long total = aim_design_mul(n, n_cross);
    if (n < 0 || total < 0) {
        free(x);
        return aim_error_set(AIM_ERR_CONFIG,
                             "sweep: the design would have more than 2^30 points (crossings included); "
                             "expected at most %ld",
                             AIM_DESIGN_MAX_POINTS);
    }
    if (n == 0 || total == 0) {
        free(x);
        return aim_error_set(AIM_ERR_CONFIG, "sweep: the design has no points; expected at least one");
    }
    if ((spec->kind == AIM_DESIGN_SOBOL && d > AIM_DESIGN_SOBOL_MAX_DIM) ||
        (spec->kind == AIM_DESIGN_SALTELLI && 2 * d > AIM_DESIGN_SOBOL_MAX_DIM)) {
        free(x);
        return aim_error_set(AIM_ERR_CONFIG,
                             "sweep: %d factors; the Sobol table has %d dimensions (%d factors for saltelli)",
                             d, AIM_DESIGN_SOBOL_MAX_DIM, AIM_DESIGN_SOBOL_MAX_DIM / 2);
    }
    int cols = d + spec->n_cross;
    struct aim_design *des = calloc(1, sizeof *des);
    double *u = NULL;
    if (des) {
        des->n_points = total;
        des->n_cols = cols;
        des->n_base = n;
        des->n_factors = d;
        des->x = malloc((size_t)total * (size_t)(cols > 0 ? cols : 1) * sizeof *des->x);
        des->keys = calloc((size_t)(cols > 0 ? cols : 1), sizeof *des->keys);
    }
    int unit = spec->kind != AIM_DESIGN_GRID && spec->kind != AIM_DESIGN_CSV && spec->kind != AIM_DESIGN_NONE;
    if (unit) {
        u = malloc((size_t)n * (size_t)d * sizeof *u);
    }
    if (!des || !des->x || !des->keys || (unit && !u)) {
        free(x);
        free(u);
        aim_design_free(des);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a design of %ld points", total);
    }
    for (int j = 0; j < cols && !st; j++) {
        const struct aim_design_factor *f = j < d ? &spec->factors[j] : &spec->cross[j - d];
        des->keys[j] = malloc(strlen(f->key) + 1);
        if (!des->keys[j]) {
            st = aim_error_set(AIM_ERR_NOMEM, "out of memory for a design's keys");
        } else {
            memcpy(des->keys[j], f->key, strlen(f->key) + 1);
        }
    }
    switch (spec->kind) {
    case AIM_DESIGN_RANDOM:
        aim_design_random(n, d, spec->seed, u);
        break;
    case AIM_DESIGN_LHS:
        st = st ? st : aim_design_lhs(n, d, spec->seed, u);
        break;
    case AIM_DESIGN_SOBOL:
        st = st ? st : aim_design_sobol(d, n, u);
        break;
    case AIM_DESIGN_SALTELLI:
        st = st ? st : aim_design_saltelli(spec->points, d, spec->second_order, u);
        break;
    case AIM_DESIGN_MORRIS:
        st = st ? st : aim_design_morris(spec->points, d, spec->levels, spec->seed, u);
        break;
    default:
        break;
    }
    /* Design points inner, the cross grid outer (last cross factor fastest): point p is design
     * point p % n of scenario p / n. */
    for (long p = 0; p < total && !st; p++) {
        long i = p % n, c = p / n;
        double *row = des->x + p * cols;
        if (spec->kind == AIM_DESIGN_GRID) {
            long rest = i;
            for (int j = d - 1; j >= 0; j--) {
                const struct aim_design_factor *f = &spec->factors[j];
                double v = f->values[rest % f->n_values];
                row[j] = f->integer ? round(v) : v;
                rest /= f->n_values;
            }
        } else if (spec->kind == AIM_DESIGN_CSV) {
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j];
                row[j] = spec->factors[j].integer ? round(v) : v;
            }
        } else {
            for (int j = 0; j < d; j++) {
                row[j] = aim_design_map(&spec->factors[j], u[i * d + j]);
            }
        }
        for (int k = spec->n_cross - 1; k >= 0; k--) {
            const struct aim_design_factor *f = &spec->cross[k];
            double v = f->values[c % f->n_values];
            row[d + k] = f->integer ? round(v) : v;
            c /= f->n_values;
        }
    }
    free(x);
    des->u = u; /* NULL unless the design has unit-cube points */
    if (st) {
        aim_design_free(des);
        return st;
    }
    *out = des;
    return AIM_OK;
}

/* A config factor as a design factor (integer: rounds, for the integer keys of a full config). */
static void aim_design_factor_from(struct aim_design_factor *f, const char *key, const double *values,
                                   int n_values, const double *range, int n_range, int log, int integer)
{
    f->key = key;
    f->values = values;
    f->n_values = n_values;
    f->lo = n_range == 2 ? range[0] : 0.0;
    f->hi = n_range == 2 ? range[1] : 0.0;
    f->log = log;
    f->integer = integer;
}

enum aim_status aim_design_from_config(const struct aim_config *cfg, const char *base_dir, int config_keys,
                                       struct aim_design **out)
{
    if (!cfg || !out) {
        return aim_error_set(AIM_ERR_USAGE, "aim_design_from_config: cfg and out must not be NULL");
    }
    const struct aim_config_sweep *s = &cfg->sweep;
    struct aim_design_factor factors[sizeof s->factors / sizeof s->factors[0]];
    struct aim_design_factor cross[sizeof s->cross / sizeof s->cross[0]];
    for (int j = 0; j < s->n_factors; j++) {
        const struct aim_config_sweep_factors *f = &s->factors[j];
        int integer = 0;
        if (config_keys) {
            enum aim_status st = aim_config_factor_key(cfg, f->key, &integer);
            if (st) {
                return st;
            }
        }
        aim_design_factor_from(&factors[j], f->key, f->values, f->n_values, f->range, f->n_range,
                               f->scale == 1, integer);
    }
    for (int c = 0; c < s->n_cross; c++) {
        const struct aim_config_sweep_cross *f = &s->cross[c];
        int integer = 0;
        if (config_keys) {
            enum aim_status st = aim_config_factor_key(cfg, f->key, &integer);
            if (st) {
                return st;
            }
        }
        aim_design_factor_from(&cross[c], f->key, f->values, f->n_values, NULL, 0, 0, integer);
    }
    char csv[4096 + AIM_CONFIG_STR_MAX + 2] = "";
    if (s->file[0]) {
        if (s->file[0] == '/' || !base_dir || !base_dir[0]) {
            snprintf(csv, sizeof csv, "%s", s->file);
        } else {
            snprintf(csv, sizeof csv, "%.4096s/%s", base_dir, s->file);
        }
    }
    struct aim_design_spec spec = {
        .kind = (enum aim_design_kind)s->design,
        .points = s->points,
        .seed = s->seed < 0 ? cfg->run.seed : (uint64_t)s->seed,
        .levels = (int)s->levels,
        .second_order = s->second_order,
        .csv_path = csv,
        .n_factors = s->n_factors,
        .factors = factors,
        .n_cross = s->n_cross,
        .cross = cross,
    };
    return aim_design_create(&spec, out);
}
