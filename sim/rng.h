/* PCG random number generators (O'Neill 2014), implemented here and checked against the
 * reference C++ header pcg_random.hpp. */
#ifndef AIM_RNG_H
#define AIM_RNG_H

#include <stdint.h>

/** @brief pcg32: 64-bit LCG state, XSH-RR output permutation, 32-bit outputs (pcg32 in pcg_random.hpp). */
struct aim_pcg32 {
    uint64_t state;
    uint64_t inc; /* stream selector: always odd */
};

/** @brief pcg64: 128-bit LCG state, XSL-RR output permutation, 64-bit outputs (pcg64 in pcg_random.hpp). */
struct aim_pcg64 {
    unsigned __int128 state;
    unsigned __int128 inc; /* stream selector: always odd */
};

/** @brief Seeds like pcg32(initstate, initseq) of the reference header. */
void aim_rng_pcg32_init(struct aim_pcg32 *rng, uint64_t initstate, uint64_t initseq);
/** @brief Next 32-bit output. */
uint32_t aim_rng_pcg32_next(struct aim_pcg32 *rng);
/** @brief Jumps ahead (or back, for negative delta) by delta steps in O(log delta). */
void aim_rng_pcg32_advance(struct aim_pcg32 *rng, int64_t delta);

/** @brief Seeds like pcg64(initstate, initseq) of the reference header (128-bit arguments). */
void aim_rng_pcg64_init(struct aim_pcg64 *rng, unsigned __int128 initstate, unsigned __int128 initseq);
/** @brief Next 64-bit output. */
uint64_t aim_rng_pcg64_next(struct aim_pcg64 *rng);
/** @brief Jumps ahead (or back, for negative delta) by delta steps in O(log delta). */
void aim_rng_pcg64_advance(struct aim_pcg64 *rng, int64_t delta);

/* The simulation's generator is pcg64; the samplers below draw from it. */

/** @brief Stream for replica r of sweep point p of a run with root seed s, and (for
 * investor blocks) block b; purpose separates independent uses (see docs/reproducibility.md). */
void aim_rng_stream(struct aim_pcg64 *rng, uint64_t seed, uint64_t point, uint64_t replica, uint64_t block,
                    uint64_t purpose);
/** @brief Uniform double in [0, 1) with 53 random bits. */
double aim_rng_uniform(struct aim_pcg64 *rng);
/** @brief Unbiased integer in [0, bound) (bound > 0). */
uint64_t aim_rng_bounded(struct aim_pcg64 *rng, uint64_t bound);
/** @brief Standard normal variate. */
double aim_rng_normal(struct aim_pcg64 *rng);
/** @brief Lognormal variate exp(mu + sigma * N(0,1)). */
double aim_rng_lognormal(struct aim_pcg64 *rng, double mu, double sigma);
/** @brief Exponential variate with the given rate (mean 1/rate). */
double aim_rng_exponential(struct aim_pcg64 *rng, double rate);

/* Purposes of streams (the last argument of aim_rng_stream). */
enum aim_rng_purpose {
    AIM_RNG_ECONOMY = 1,   /* firm-level draws of a replica: demand, deals, rounds */
    AIM_RNG_INVESTORS = 2, /* per investor block: initial draws, noise, reviews, herding */
    AIM_RNG_MARKET = 3,    /* price shocks of listed firms */
    AIM_RNG_ANALYSIS = 4,  /* Monte Carlo critical values and bootstraps */
    AIM_RNG_DESIGN = 5     /* a sweep's random, lhs and morris designs (sim/design.c) */
};

#endif
