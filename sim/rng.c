/* PCG generators (M. E. O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
 * Algorithms for Random Number Generation", HMC-CS-2014-0905), written from the paper and made to
 * agree bit for bit with the reference header pcg_random.hpp (tests/test_rng.c checks it), plus the
 * samplers the model draws from and the derivation of a replica's streams (docs/reproducibility.md).
 *
 * Every draw of the simulation goes through these functions, so that a dataset is a pure function
 * of (config, seed): nothing here reads threads, ranks, clocks or addresses. */
#include "sim/rng.h"

#include <math.h>

typedef unsigned __int128 u128;

/* LCG multipliers and the default increment of pcg_random.hpp (default_multiplier<uint64_t>,
 * default_multiplier<pcg128_t>): the 128-bit one is 2549297995355413924 * 2^64 + 4865540595714422341. */
#define PCG32_MULT 6364136223846793005ULL
#define PCG64_MULT ((((u128)2549297995355413924ULL) << 64) + (u128)4865540595714422341ULL)

static inline uint32_t rotr32(uint32_t v, unsigned rot)
{
    return (v >> rot) | (v << ((32u - rot) & 31u));
}

static inline uint64_t rotr64(uint64_t v, unsigned rot)
{
    return (v >> rot) | (v << ((64u - rot) & 63u));
}

void aim_rng_pcg32_init(struct aim_pcg32 *rng, uint64_t initstate, uint64_t initseq)
{
    /* pcg32_srandom_r: state 0, select the stream, step, add the seed, step. */
    rng->state = 0u;
    rng->inc = (initseq << 1u) | 1u;
    rng->state = rng->state * PCG32_MULT + rng->inc;
    rng->state += initstate;
    rng->state = rng->state * PCG32_MULT + rng->inc;
}

uint32_t aim_rng_pcg32_next(struct aim_pcg32 *rng)
{
    /* XSH-RR on the state before the step (the reference's output_previous for 64-bit state):
     * xorshift the high bits down by 18, keep bits 27..58, rotate right by the top 5 bits. */
    uint64_t old = rng->state;
    rng->state = old * PCG32_MULT + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    unsigned rot = (unsigned)(old >> 59u);
    return rotr32(xorshifted, rot);
}

void aim_rng_pcg32_advance(struct aim_pcg32 *rng, int64_t delta)
{
    /* Brown (1994), "Random number generation with arbitrary strides": compose the affine step
     * x -> a x + c with itself by squaring, in O(log delta). A negative delta is the stride
     * 2^64 - |delta|, i.e. the two's complement of delta, which goes back |delta| steps. */
    uint64_t d = (uint64_t)delta;
    uint64_t cur_mult = PCG32_MULT, cur_plus = rng->inc;
    uint64_t acc_mult = 1u, acc_plus = 0u;
    while (d > 0u) {
        if (d & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1u) * cur_plus;
        cur_mult *= cur_mult;
        d >>= 1u;
    }
    rng->state = acc_mult * rng->state + acc_plus;
}

void aim_rng_pcg64_init(struct aim_pcg64 *rng, unsigned __int128 initstate, unsigned __int128 initseq)
{
    /* pcg64(initstate, initseq): inc = 2 initseq + 1, state = bump(initstate + inc). */
    rng->inc = (initseq << 1u) | 1u;
    rng->state = (initstate + rng->inc) * PCG64_MULT + rng->inc;
}

uint64_t aim_rng_pcg64_next(struct aim_pcg64 *rng)
{
    /* The reference outputs the state after the step for 128-bit state (output_previous is false
     * there). XSL-RR: xor the two halves, rotate right by the top 6 bits. */
    rng->state = rng->state * PCG64_MULT + rng->inc;
    uint64_t hi = (uint64_t)(rng->state >> 64u);
    uint64_t lo = (uint64_t)rng->state;
    return rotr64(hi ^ lo, (unsigned)(rng->state >> 122u));
}

void aim_rng_pcg64_advance(struct aim_pcg64 *rng, int64_t delta)
{
    /* Brown's algorithm as in aim_rng_pcg32_advance; the sign-extended delta is 2^128 - |delta|. */
    u128 d = (u128)(__int128)delta;
    u128 cur_mult = PCG64_MULT, cur_plus = rng->inc;
    u128 acc_mult = 1u, acc_plus = 0u;
    while (d > 0u) {
        if (d & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1u) * cur_plus;
        cur_mult *= cur_mult;
        d >>= 1u;
    }
    rng->state = acc_mult * rng->state + acc_plus;
}

/* SplitMix64's output function (Steele, Lea and Flood 2014; constants of Stafford's "Mix13"):
 * a bijection of 64-bit words in which each input bit changes each output bit with probability
 * close to 1/2. */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30u)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27u)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31u);
}

/* One 64-bit lane of the stream derivation: a chain of finalisers absorbing the tuple word by word,
 * started from a lane-specific constant. For fixed other words each word maps bijectively onto the
 * lane's value, so tuples that differ in one word always differ in every lane. */
static uint64_t stream_lane(uint64_t lane, uint64_t seed, uint64_t point, uint64_t replica, uint64_t block,
                            uint64_t purpose)
{
    uint64_t h = mix64(0x9e3779b97f4a7c15ULL * lane);
    h = mix64(h ^ seed);
    h = mix64(h ^ point);
    h = mix64(h ^ replica);
    h = mix64(h ^ block);
    h = mix64(h ^ purpose);
    return h;
}

void aim_rng_stream(struct aim_pcg64 *rng, uint64_t seed, uint64_t point, uint64_t replica, uint64_t block,
                    uint64_t purpose)
{
    /* Lanes 1, 2 give the 128-bit starting state, lanes 3, 4 the stream selector (so the increment,
     * not only the position on one cycle, differs between tuples). docs/reproducibility.md. */
    u128 initstate = ((u128)stream_lane(1, seed, point, replica, block, purpose) << 64u) |
                     stream_lane(2, seed, point, replica, block, purpose);
    u128 initseq = ((u128)stream_lane(3, seed, point, replica, block, purpose) << 64u) |
                   stream_lane(4, seed, point, replica, block, purpose);
    aim_rng_pcg64_init(rng, initstate, initseq);
}

double aim_rng_uniform(struct aim_pcg64 *rng)
{
    /* The top 53 bits scaled by 2^-53: every multiple of 2^-53 in [0, 1) equally likely. */
    return (double)(int64_t)(aim_rng_pcg64_next(rng) >> 11u) *
           0x1.0p-53; /* < 2^53: signed conversion is exact */
}

uint64_t aim_rng_bounded(struct aim_pcg64 *rng, uint64_t bound)
{
    /* Threshold rejection, as pcg_extras::bounded_rand of the reference: reject the lowest
     * 2^64 mod bound outputs so that the rest is a whole number of copies of [0, bound). The
     * results equal pcg64's operator()(bound) exactly (tested). bound == 0 is the caller's bug;
     * 0 is returned rather than dividing by zero. */
    if (bound == 0u)
        return 0u;
    uint64_t threshold = (0u - bound) % bound;
    for (;;) {
        uint64_t r = aim_rng_pcg64_next(rng);
        if (r >= threshold)
            return r % bound;
    }
}

/* ---- Standard normal: the ziggurat of Marsaglia and Tsang (2000, J. Stat. Softw. 5(8)) ----
 *
 * The region under f(x) = exp(-x^2/2), x >= 0, is covered by ZIG_N = 256 layers of equal area v:
 * layer 0 is the rectangle [0, r] x [0, f(r)] plus the tail x > r; layer i >= 1 is the rectangle
 * [0, x_i] x [f(x_i), f(x_{i+1})] with x_1 = r, f(x_{i+1}) = f(x_i) + v / x_i, and the top layer
 * ending at x_256 = 0, f = 1. For layer 0, x_0 = v / f(r) is the width of a rectangle of area v.
 * r is the root of "the recursion ends exactly at f = 1", found by bisection (zig_tables_build);
 * Marsaglia and Tsang publish r = 3.6541528853610088 and v = 4.92867323399e-3 (the test compares).
 *
 * A draw picks layer i from 8 bits, a sign from 1 bit and a 52-bit magnitude m from the other
 * bits of one 64-bit output (disjoint bits, so the layer and the value are independent: Doornik
 * 2005's remedy for the original's correlation), x = m 2^-52 x_i. If x < x_{i+1} the point is
 * under the curve (99% of draws: one output and one multiply). Otherwise layer 0 draws from the
 * tail by Marsaglia's (1964) exact method, and other layers accept x with probability
 * (f(x) - f(x_i)) / (f(x_{i+1}) - f(x_i)) (the wedge), else start over. Exact up to the 52-bit
 * resolution of x. */
#define ZIG_N 256

struct zig_tables {
    double r, v;
    double w[ZIG_N];     /* x_i 2^-52: scales the 52-bit magnitude */
    uint64_t k[ZIG_N];   /* floor(2^52 x_{i+1} / x_i): magnitudes below it are accepted at once */
    double f[ZIG_N + 1]; /* f(x_i), f[ZIG_N] = 1 */
};

/* Filled once, before main, by zig_tables_init below and never written again: a table of constants
 * that C cannot compute in an initialiser (it needs exp, log and erfc). */
static struct zig_tables zig;

/* Builds the ladder for tail start r; returns f at the top of layer ZIG_N - 1 minus 1 (zero at the
 * right r; positive when r is too small, i.e. the layers are too fat). x[] gets x_1 .. x_{N-1}. */
static double zig_ladder(double r, double *x)
{
    double fr = exp(-0.5 * r * r);
    double v = r * fr + sqrt(M_PI / 2.0) * erfc(r / sqrt(2.0));
    double xi = r, fi = fr;
    x[1] = r;
    for (int i = 1; i < ZIG_N - 1; i++) {
        fi = fi + v / xi;
        if (fi >= 1.0)
            return 1.0; /* overshoot: r too small */
        xi = sqrt(-2.0 * log(fi));
        x[i + 1] = xi;
    }
    return fi + v / xi - 1.0;
}

static void zig_tables_build(struct zig_tables *t)
{
    double x[ZIG_N + 1];
    /* The residual falls as r grows (thinner layers end below 1); bisect it to double precision. */
    double lo = 3.0, hi = 4.0;
    for (int it = 0; it < 200 && hi - lo > 0.0; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        if (zig_ladder(mid, x) > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    double r = hi;
    zig_ladder(r, x);
    double fr = exp(-0.5 * r * r);
    double v = r * fr + sqrt(M_PI / 2.0) * erfc(r / sqrt(2.0));
    x[0] = v / fr;
    x[ZIG_N] = 0.0;
    t->r = r;
    t->v = v;
    for (int i = 0; i < ZIG_N; i++) {
        t->w[i] = x[i] * 0x1.0p-52;
        t->k[i] = (uint64_t)(x[i + 1] / x[i] * 0x1.0p52);
        t->f[i] = exp(-0.5 * x[i] * x[i]);
    }
    t->f[0] = fr; /* layer 0's wedge is never used; keep f(r) for the record */
    t->f[ZIG_N] = 1.0;
}

__attribute__((constructor)) static void zig_tables_init(void)
{
    zig_tables_build(&zig);
}

double aim_rng_normal(struct aim_pcg64 *rng)
{
    for (;;) {
        uint64_t u = aim_rng_pcg64_next(rng);
        unsigned i = (unsigned)(u & 0xffu);
        uint64_t m = u >> 12u;                    /* bits 12..63 */
        double x = (double)(int64_t)m * zig.w[i]; /* m < 2^52: a signed conversion is exact and cheaper */
        double sign = (u & 0x100u) ? -1.0 : 1.0;
        if (m < zig.k[i])
            return sign * x;
        if (i == 0u) {
            /* Tail x > r: x = r + a with a ~ Exp(r) accepted with probability exp(-a^2/2). */
            double a, b;
            do {
                a = -log1p(-aim_rng_uniform(rng)) / zig.r;
                b = -log1p(-aim_rng_uniform(rng));
            } while (b + b < a * a);
            return sign * (zig.r + a);
        }
        double y = zig.f[i] + aim_rng_uniform(rng) * (zig.f[i + 1] - zig.f[i]);
        if (y < exp(-0.5 * x * x))
            return sign * x;
    }
}

double aim_rng_lognormal(struct aim_pcg64 *rng, double mu, double sigma)
{
    return exp(mu + sigma * aim_rng_normal(rng));
}

double aim_rng_exponential(struct aim_pcg64 *rng, double rate)
{
    /* Inversion: -log(1 - U) with U in [0, 1) has 1 - U in (0, 1], so the log is finite. */
    return -log1p(-aim_rng_uniform(rng)) / rate;
}
