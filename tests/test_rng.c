/* sim/rng.c against the PCG authors' reference header, plus jump-ahead identities, the samplers'
 * moments and the stream derivation of docs/reproducibility.md.
 *
 * Usage: test_rng PCG_REFERENCE_PROGRAM (tests/pcg_reference.cpp built against pcg_random.hpp). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fpcheck.h"
#include "sim/rng.h"
#include "tests/aim_test.h"

typedef unsigned __int128 u128;

/* Statistical checks use fixed streams, so they are deterministic; each tolerance is 5 standard
 * errors of the statistic under the sampler's true distribution (a correct sampler fails one check
 * with probability about 6e-7, a wrong one by more than 5 standard errors passes it rarely). */
#define NSIGMA 5.0
#define NDRAW (1 << 22)

static int parse_hex128(const char *s, u128 *out)
{
    u128 v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else
            return 0;
        v = (v << 4) | (u128)d;
    }
    *out = v;
    return 1;
}

static const char *hex128(u128 v, char *buf)
{
    uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
    if (hi)
        sprintf(buf, "%" PRIx64 "%016" PRIx64, hi, lo);
    else
        sprintf(buf, "%" PRIx64, lo);
    return buf;
}

/* Replays one reference line ("pcg64 STATE SEQ n=.. a=.. b=..:.."); returns the number of
 * mismatching values and prints the first one. */
static int replay_line(char *line, int *nvalues)
{
    char *save = NULL;
    char *kind = strtok_r(line, " \n", &save);
    char *st = strtok_r(NULL, " \n", &save);
    char *sq = strtok_r(NULL, " \n", &save);
    u128 initstate, initseq;
    if (!kind || !st || !sq || !parse_hex128(st, &initstate) || !parse_hex128(sq, &initseq)) {
        printf("  unparsable reference line\n");
        return 1;
    }
    int wide = strcmp(kind, "pcg64") == 0;
    if (!wide && strcmp(kind, "pcg32") != 0) {
        printf("  unknown generator '%s'\n", kind);
        return 1;
    }
    struct aim_pcg32 r32;
    struct aim_pcg64 r64;
    if (wide)
        aim_rng_pcg64_init(&r64, initstate, initseq);
    else
        aim_rng_pcg32_init(&r32, (uint64_t)initstate, (uint64_t)initseq);
    int bad = 0, pos = 0;
    for (char *op = strtok_r(NULL, " \n", &save); op; op = strtok_r(NULL, " \n", &save), pos++) {
        char b1[40], b2[40];
        if (op[0] == 'a' && op[1] == '=') {
            int64_t d = strtoll(op + 2, NULL, 10);
            if (wide)
                aim_rng_pcg64_advance(&r64, d);
            else
                aim_rng_pcg32_advance(&r32, d);
        } else if (op[0] == 'n' && op[1] == '=') {
            u128 want, got = wide ? (u128)aim_rng_pcg64_next(&r64) : (u128)aim_rng_pcg32_next(&r32);
            (*nvalues)++;
            if (!parse_hex128(op + 2, &want) || got != want) {
                if (!bad)
                    printf("  %s %s %s op %d: got %s, reference %s\n", kind, st, sq, pos, hex128(got, b1),
                           op + 2);
                bad++;
            }
        } else if (op[0] == 'b' && op[1] == '=' && wide && strchr(op, ':')) {
            char *colon = strchr(op, ':');
            *colon = '\0';
            u128 bound, want;
            (*nvalues)++;
            if (!parse_hex128(op + 2, &bound) || !parse_hex128(colon + 1, &want)) {
                bad++;
                continue;
            }
            uint64_t got = aim_rng_bounded(&r64, (uint64_t)bound);
            if ((u128)got != want) {
                if (!bad)
                    printf("  %s %s %s op %d bounded(%s): got %s, reference %s\n", kind, st, sq, pos,
                           hex128(bound, b2), hex128(got, b1), colon + 1);
                bad++;
            }
        } else {
            printf("  unknown op '%s'\n", op);
            bad++;
        }
    }
    return bad;
}

static void test_reference(const char *program)
{
    if (!program) {
        aim_test(0, "reference program given on the command line");
        return;
    }
    FILE *p = popen(program, "r");
    aim_test(p != NULL, "runs the reference program %s", program);
    if (!p)
        return;
    char line[8192];
    int n32 = 0, n64 = 0, values32 = 0, values64 = 0, bad32 = 0, bad64 = 0;
    while (fgets(line, sizeof line, p)) {
        int wide = strncmp(line, "pcg64", 5) == 0;
        int *values = wide ? &values64 : &values32;
        int bad = replay_line(line, values);
        if (wide) {
            n64++;
            bad64 += bad;
        } else {
            n32++;
            bad32 += bad;
        }
    }
    int status = pclose(p);
    aim_test(status == 0, "reference program exits 0 (status %d)", status);
    aim_test(n32 >= 6 && values32 >= 6 * 16, "reference gives pcg32 cases (%d cases, %d values)", n32,
             values32);
    aim_test(n64 >= 7 && values64 >= 7 * 45, "reference gives pcg64 cases (%d cases, %d values)", n64,
             values64);
    aim_test(bad32 == 0, "pcg32 outputs and jumps equal pcg_random.hpp (%d of %d differ)", bad32, values32);
    aim_test(bad64 == 0, "pcg64 outputs, jumps and bounded draws equal pcg_random.hpp (%d of %d differ)",
             bad64, values64);
}

static void test_advance(void)
{
    const int64_t steps[] = {1, 1000, 123457};
    for (int k = 0; k < 3; k++) {
        int64_t n = steps[k];
        struct aim_pcg32 a, b;
        aim_rng_pcg32_init(&a, 0xdeadbeefcafeULL, 7u);
        b = a;
        for (int64_t i = 0; i < n; i++)
            aim_rng_pcg32_next(&a);
        aim_rng_pcg32_advance(&b, n);
        aim_test(a.state == b.state && aim_rng_pcg32_next(&a) == aim_rng_pcg32_next(&b),
                 "pcg32 advance(%" PRId64 ") equals %" PRId64 " steps", n, n);
        aim_rng_pcg32_advance(&b, -n - 1);
        struct aim_pcg32 c;
        aim_rng_pcg32_init(&c, 0xdeadbeefcafeULL, 7u);
        aim_test(b.state == c.state, "pcg32 advance(-%" PRId64 ") returns to the start", n + 1);

        struct aim_pcg64 x, y, z;
        u128 st = ((u128)0x0123456789abcdefULL << 64) | 0x2385u;
        aim_rng_pcg64_init(&x, st, 54u);
        y = x;
        for (int64_t i = 0; i < n; i++)
            aim_rng_pcg64_next(&x);
        aim_rng_pcg64_advance(&y, n);
        aim_test(x.state == y.state && aim_rng_pcg64_next(&x) == aim_rng_pcg64_next(&y),
                 "pcg64 advance(%" PRId64 ") equals %" PRId64 " steps", n, n);
        aim_rng_pcg64_advance(&y, -n - 1);
        aim_rng_pcg64_init(&z, st, 54u);
        aim_test(y.state == z.state, "pcg64 advance(-%" PRId64 ") returns to the start", n + 1);
    }
    /* Backward then forward by the same large amount, and advance(0), are identities. */
    struct aim_pcg64 x, y;
    aim_rng_pcg64_init(&x, 42u, 54u);
    y = x;
    aim_rng_pcg64_advance(&y, -INT64_C(987654321987654));
    aim_test(y.state != x.state, "pcg64 advance(-987654321987654) moves the state");
    aim_rng_pcg64_advance(&y, INT64_C(987654321987654));
    aim_test(y.state == x.state && y.inc == x.inc, "pcg64 advance(-n) then advance(n) is the identity");
    aim_rng_pcg64_advance(&y, 0);
    aim_test(y.state == x.state, "pcg64 advance(0) is the identity");
    /* One step back from the first output repeats it. */
    uint64_t first = aim_rng_pcg64_next(&y);
    aim_rng_pcg64_advance(&y, -1);
    aim_test(aim_rng_pcg64_next(&y) == first, "pcg64 advance(-1) repeats the last output");
}

struct moments {
    double mean, var, skew, exkurt;
};

/* Sample moments by two passes (mean first), accurate for 4M values. */
static struct moments moments_of(const double *x, long n)
{
    double s = 0.0;
    for (long i = 0; i < n; i++)
        s += x[i];
    double mean = s / (double)n, m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (long i = 0; i < n; i++) {
        double d = x[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    m2 /= (double)n;
    m3 /= (double)n;
    m4 /= (double)n;
    struct moments m = {mean, m2 * (double)n / (double)(n - 1), m3 / pow(m2, 1.5), m4 / (m2 * m2) - 3.0};
    return m;
}

/* Standard normal distribution function, for expected bin probabilities. */
static double phi(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

static void test_uniform(double *buf)
{
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 2025u, 0u, 3u, 0u, AIM_RNG_ECONOMY);
    int inrange = 1, grid = 1;
    for (long i = 0; i < NDRAW; i++) {
        double u = aim_rng_uniform(&rng);
        inrange &= u >= 0.0 && u < 1.0;
        grid &= ldexp(u, 53) == floor(ldexp(u, 53));
        buf[i] = u;
    }
    aim_test(inrange, "uniform draws lie in [0, 1)");
    aim_test(grid, "uniform draws are multiples of 2^-53");
    struct moments m = moments_of(buf, NDRAW);
    /* mean 1/2, SE sqrt(1/12 / N); variance 1/12, SE sqrt((mu4 - sigma^4) / N) with mu4 = 1/80. */
    aim_test_abs(m.mean, 0.5, NSIGMA * sqrt(1.0 / 12.0 / NDRAW), "uniform mean (5 SE)");
    aim_test_abs(m.var, 1.0 / 12.0, NSIGMA * sqrt((1.0 / 80.0 - 1.0 / 144.0) / NDRAW),
                 "uniform variance (5 SE)");
    /* The 53-bit conversion must use the top bits: the top bit of the output decides u >= 1/2. */
    struct aim_pcg64 a, b;
    aim_rng_pcg64_init(&a, 0xdeadbeefcafeULL, 7u);
    b = a;
    int top = 1;
    for (int i = 0; i < 1000; i++)
        top &= (aim_rng_uniform(&a) >= 0.5) == ((aim_rng_pcg64_next(&b) >> 63) == 1u);
    aim_test(top, "uniform is (output >> 11) * 2^-53");
}

static void test_normal(double *buf)
{
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 2025u, 0u, 3u, 17u, AIM_RNG_INVESTORS);
    /* 34 bins: (-inf, -4), 32 bins of width 0.25 over [-4, 4), [4, inf). */
    enum { NB = 34 };
    long count[NB] = {0};
    long beyond_r = 0, beyond_5 = 0;
    const double r = 3.6541528853610088; /* Marsaglia and Tsang's published tail start for 256 layers */
    for (long i = 0; i < NDRAW; i++) {
        double z = aim_rng_normal(&rng);
        buf[i] = z;
        int k = z < -4.0 ? 0 : z >= 4.0 ? NB - 1 : 1 + (int)floor((z + 4.0) * 4.0);
        count[k]++;
        beyond_r += fabs(z) > r;
        beyond_5 += fabs(z) > 5.0;
    }
    struct moments m = moments_of(buf, NDRAW);
    /* N(0,1): SE of the mean 1/sqrt(N), of the variance sqrt(2/N), of the skewness sqrt(6/N), of
     * the excess kurtosis sqrt(24/N) (large-sample standard errors). */
    aim_test_abs(m.mean, 0.0, NSIGMA / sqrt(NDRAW), "normal mean (5 SE)");
    aim_test_abs(m.var, 1.0, NSIGMA * sqrt(2.0 / NDRAW), "normal variance (5 SE)");
    aim_test_abs(m.skew, 0.0, NSIGMA * sqrt(6.0 / NDRAW), "normal skewness (5 SE)");
    aim_test_abs(m.exkurt, 0.0, NSIGMA * sqrt(24.0 / NDRAW), "normal excess kurtosis (5 SE)");
    double chi2 = 0.0;
    for (int k = 0; k < NB; k++) {
        double lo = k == 0 ? -INFINITY : -4.0 + 0.25 * (k - 1);
        double hi = k == NB - 1 ? INFINITY : -4.0 + 0.25 * k;
        double p = (k == 0 ? phi(-4.0) : k == NB - 1 ? phi(-4.0) : phi(hi) - phi(lo)) * NDRAW;
        chi2 += (count[k] - p) * (count[k] - p) / p;
    }
    /* 33 degrees of freedom; 90.59 is the chi-square quantile with upper tail 2.87e-7, the one-sided
     * 5-sigma normal tail (scipy.stats.chi2.isf(norm.sf(5), 33)). Bins of 0.25 catch a wrong layer
     * or wedge of the ziggurat. */
    aim_test(chi2 < 90.59, "normal histogram chi-square %.2f < 90.59 (33 dof, p = 2.9e-7)", chi2);
    /* The tail beyond the ziggurat's base layer is drawn by a separate method: its mass must be
     * 2 Phi(-r) = 2.58e-4 (binomial SE). */
    double pr = 2.0 * phi(-r), p5 = 2.0 * phi(-5.0);
    aim_test_abs((double)beyond_r, pr * NDRAW, NSIGMA * sqrt(pr * (1.0 - pr) * NDRAW),
                 "normal P(|Z| > r = 3.654) (5 SE)");
    aim_test_abs((double)beyond_5, p5 * NDRAW, NSIGMA * sqrt(p5 * NDRAW) + 1.0,
                 "normal P(|Z| > 5) (5 SE + 1)");

    /* The shape of that tail: over 2^25 draws (about 8700 beyond r), the mean of |Z| given |Z| > r
     * is the inverse Mills ratio lambda = phi(r) / Q(r), with conditional variance
     * 1 + r lambda - lambda^2 (truncated normal). A tail drawn as r + Exp(r) without Marsaglia's
     * rejection step is off by 10 SE. */
    long nt = 0;
    double st = 0.0;
    for (long i = 0; i < 8L * NDRAW; i++) {
        double z = fabs(aim_rng_normal(&rng));
        if (z > r) {
            nt++;
            st += z;
        }
    }
    double lambda = exp(-0.5 * r * r) / sqrt(2.0 * M_PI) / phi(-r);
    double tvar = 1.0 + r * lambda - lambda * lambda;
    aim_test(nt > 5000, "normal tail sample has %ld draws beyond r", nt);
    aim_test_abs(st / (double)nt, lambda, NSIGMA * sqrt(tvar / (double)nt), "normal E[|Z| | |Z| > r] (5 SE)");
}

static void test_lognormal_exponential(double *buf)
{
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 7u, 2u, 5u, 0u, AIM_RNG_MARKET);
    const double mu = 0.3, sigma = 0.45;
    for (long i = 0; i < NDRAW; i++)
        buf[i] = aim_rng_lognormal(&rng, mu, sigma);
    struct moments m = moments_of(buf, NDRAW);
    /* Raw moments E X^k = exp(k mu + k^2 sigma^2 / 2); the central fourth moment gives the variance's SE. */
    double m1 = exp(mu + 0.5 * sigma * sigma), m2 = exp(2 * mu + 2 * sigma * sigma);
    double m3 = exp(3 * mu + 4.5 * sigma * sigma), m4 = exp(4 * mu + 8 * sigma * sigma);
    double var = m2 - m1 * m1;
    double mu4 = m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 * m1 * m1 * m1;
    aim_test_abs(m.mean, m1, NSIGMA * sqrt(var / NDRAW), "lognormal(0.3, 0.45) mean (5 SE)");
    aim_test_abs(m.var, var, NSIGMA * sqrt((mu4 - var * var) / NDRAW),
                 "lognormal(0.3, 0.45) variance (5 SE)");
    int positive = 1;
    for (long i = 0; i < NDRAW; i++)
        positive &= buf[i] > 0.0;
    aim_test(positive, "lognormal draws are positive");

    const double rate = 2.385;
    long tail = 0;
    int finite = 1;
    for (long i = 0; i < NDRAW; i++) {
        buf[i] = aim_rng_exponential(&rng, rate);
        finite &= isfinite(buf[i]) && buf[i] >= 0.0;
        tail += buf[i] > 5.0 / rate;
    }
    m = moments_of(buf, NDRAW);
    /* Exp(rate): mean 1/rate, variance 1/rate^2, fourth central moment 9/rate^4. */
    aim_test(finite, "exponential draws are finite and non-negative");
    aim_test_abs(m.mean, 1.0 / rate, NSIGMA / (rate * sqrt(NDRAW)), "exponential(2.385) mean (5 SE)");
    aim_test_abs(m.var, 1.0 / (rate * rate), NSIGMA * sqrt(8.0 / NDRAW) / (rate * rate),
                 "exponential(2.385) variance (5 SE)");
    double pt = exp(-5.0);
    aim_test_abs((double)tail, pt * NDRAW, NSIGMA * sqrt(pt * (1 - pt) * NDRAW),
                 "exponential P(X > 5/rate) (5 SE)");
}

static void test_bounded(void)
{
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 11u, 0u, 0u, 0u, AIM_RNG_ECONOMY);
    long count[7] = {0};
    int inrange = 1;
    for (long i = 0; i < NDRAW; i++) {
        uint64_t v = aim_rng_bounded(&rng, 7u);
        inrange &= v < 7u;
        count[v < 7u ? v : 0]++;
    }
    double e = NDRAW / 7.0, chi2 = 0.0;
    for (int k = 0; k < 7; k++)
        chi2 += (count[k] - e) * (count[k] - e) / e;
    aim_test(inrange, "bounded(7) draws lie in [0, 7)");
    /* 6 dof; 41.02 = scipy.stats.chi2.isf(norm.sf(5), 6). */
    aim_test(chi2 < 41.02, "bounded(7) chi-square %.2f < 41.02 (6 dof, p = 2.9e-7)", chi2);

    /* Bias: for bound b = 0xaaaaaaaaaaaaaaab (about 2/3 of 2^64) a plain "output mod b" puts
     * two thirds of the draws below b/2; an unbiased draw puts half (binomial SE 0.5/sqrt(N)). */
    const uint64_t b = 0xaaaaaaaaaaaaaaabULL;
    long below = 0;
    const long n = NDRAW / 4;
    for (long i = 0; i < n; i++)
        below += aim_rng_bounded(&rng, b) < b / 2u;
    aim_test_abs((double)below / n, 0.5, NSIGMA * 0.5 / sqrt((double)n),
                 "bounded(2/3 * 2^64) is unbiased (5 SE)");
    int ones = 1;
    for (int i = 0; i < 100; i++)
        ones &= aim_rng_bounded(&rng, 1u) == 0u;
    aim_test(ones, "bounded(1) is always 0");
    aim_test(aim_rng_bounded(&rng, 0u) == 0u, "bounded(0) returns 0 instead of dividing by zero");
}

/* The derivation of docs/reproducibility.md, written out independently of sim/rng.c. */
static uint64_t doc_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t doc_lane(uint64_t lane, const uint64_t w[5])
{
    uint64_t h = doc_mix(0x9e3779b97f4a7c15ULL * lane);
    for (int i = 0; i < 5; i++)
        h = doc_mix(h ^ w[i]);
    return h;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static void test_streams(double *buf)
{
    const uint64_t w[5] = {2025u, 3u, 41u, 6u, AIM_RNG_INVESTORS};
    struct aim_pcg64 a, b;
    aim_rng_stream(&a, w[0], w[1], w[2], w[3], w[4]);
    u128 initstate = ((u128)doc_lane(1, w) << 64) | doc_lane(2, w);
    u128 initseq = ((u128)doc_lane(3, w) << 64) | doc_lane(4, w);
    aim_rng_pcg64_init(&b, initstate, initseq);
    aim_test(a.state == b.state && a.inc == b.inc, "aim_rng_stream follows the documented derivation");

    aim_rng_stream(&b, w[0], w[1], w[2], w[3], w[4]);
    int same = 1;
    for (int i = 0; i < 10000; i++)
        same &= aim_rng_pcg64_next(&a) == aim_rng_pcg64_next(&b);
    aim_test(same, "the same tuple gives the same 10000 outputs");

    /* Changing any one word changes both the starting state and the increment. */
    static const char *names[5] = {"seed", "point", "replica", "block", "purpose"};
    for (int k = 0; k < 5; k++) {
        uint64_t v[5];
        memcpy(v, w, sizeof v);
        v[k] += 1u;
        struct aim_pcg64 c;
        aim_rng_stream(&a, w[0], w[1], w[2], w[3], w[4]);
        aim_rng_stream(&c, v[0], v[1], v[2], v[3], v[4]);
        aim_test(a.state != c.state && a.inc != c.inc && aim_rng_pcg64_next(&a) != aim_rng_pcg64_next(&c),
                 "a different %s gives a different state, increment and first output", names[k]);
    }
    /* Swapping words must not give the same stream (the derivation is not symmetric). */
    struct aim_pcg64 c;
    aim_rng_stream(&a, 1u, 2u, 3u, 4u, 1u);
    aim_rng_stream(&c, 2u, 1u, 3u, 4u, 1u);
    aim_test(a.inc != c.inc && a.state != c.state, "swapping seed and point changes the stream");

    /* All first outputs over a grid of 4 seeds x 4 points x 64 replicas x 8 blocks x 4 purposes
     * differ (a 64-bit collision among 32768 has probability 3e-11). */
    enum { NG = 4 * 4 * 64 * 8 * 4 };
    uint64_t *first = (uint64_t *)buf; /* NDRAW doubles of scratch */
    long n = 0;
    for (uint64_t s = 0; s < 4; s++)
        for (uint64_t p = 0; p < 4; p++)
            for (uint64_t r = 0; r < 64; r++)
                for (uint64_t bl = 0; bl < 8; bl++)
                    for (uint64_t q = 1; q <= 4; q++) {
                        aim_rng_stream(&a, s, p, r, bl, q);
                        first[n++] = aim_rng_pcg64_next(&a);
                    }
    qsort(first, (size_t)n, sizeof *first, cmp_u64);
    long dup = 0;
    for (long i = 1; i < n; i++)
        dup += first[i] == first[i - 1];
    aim_test(n == NG && dup == 0, "%ld tuples give %ld repeated first outputs", n, dup);

    /* Neighbouring replicas' uniforms are uncorrelated: |corr| < 5/sqrt(N). */
    aim_rng_stream(&a, 2025u, 0u, 0u, 0u, AIM_RNG_ECONOMY);
    aim_rng_stream(&c, 2025u, 0u, 1u, 0u, AIM_RNG_ECONOMY);
    const long m = 1 << 20;
    double sxy = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0;
    for (long i = 0; i < m; i++) {
        double x = aim_rng_uniform(&a), y = aim_rng_uniform(&c);
        sx += x;
        sy += y;
        sxy += x * y;
        sxx += x * x;
        syy += y * y;
    }
    double cov = sxy / m - (sx / m) * (sy / m);
    double corr = cov / sqrt((sxx / m - (sx / m) * (sx / m)) * (syy / m - (sy / m) * (sy / m)));
    aim_test_abs(corr, 0.0, NSIGMA / sqrt((double)m), "replicas 0 and 1 are uncorrelated (5 SE)");
}

static void test_fpcheck(void)
{
    /* The check's operands must separate fused from unfused evaluation; fma() is exact. */
    volatile double a = 1.0 + 0x1.0p-30, c = 1.0;
    volatile double ab = a * a;
    aim_test(fma(a, a, -c) != ab - c, "fpcheck operands distinguish a fused multiply-add");
    aim_test(aim_fpcheck_contract_off() == 1, "sim/fpcheck.c was compiled without FMA contraction");
}

int main(int argc, char **argv)
{
    double *buf = malloc(sizeof(double) * NDRAW);
    if (!buf) {
        aim_test(0, "allocate %d doubles", NDRAW);
        return aim_test_summary();
    }
    test_reference(argc > 1 ? argv[1] : NULL);
    test_advance();
    test_uniform(buf);
    test_normal(buf);
    test_lognormal_exponential(buf);
    test_bounded();
    test_streams(buf);
    test_fpcheck();
    free(buf);
    return aim_test_summary();
}
