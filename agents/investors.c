/* The investors and the equity market (MODEL.md 3.4).
 *
 * Storage: a structure of arrays, one array per field, allocated once by aim_investors_create.
 * Per-(investor, asset) fields (holdings h, trend, desired holdings d) are stored investor-major,
 * [i * n_assets + k], so that one investor's row is contiguous and the per-asset inner loop of
 * the step walks memory with unit stride; compiling with -DAIM_INVESTORS_ASSET_MAJOR selects the
 * asset-major alternative [k * N + i] (bench/engine compares both, docs/performance.md).
 *
 * Reproducibility: investors are processed in fixed blocks of investors.block_size; block b of
 * replica (s, p, r) draws only from its own stream aim_rng_stream(s, p, r, b, AIM_RNG_INVESTORS),
 * in investor order within the block. Every sum over investors is first taken per block into a
 * per-block partial and the partials are then added in block order, so every result is bitwise
 * independent of the number of threads and of the schedule.
 *
 * One month (aim_investors_step) is two sweeps over the investors with the price update between
 * them, because the price needs the excess demand of every investor and the trades are paid at
 * the new price:
 *   sweep 1: strategy review, private value, wealth W_i, trend update, expected returns E_ik,
 *            desired weights and holdings d_ik, partial excess demand Z_k and sentiment;
 *   prices:  log P_k += lambda (Z_k - mu inv_k) / N_k + sigma_p sqrt(dt) eps_k, sigma_k^2 EWMA;
 *   sweep 2: holdings move part way to d_ik, paid at the new price, realised returns, fund flows.
 *
 * The modelling choices MODEL.md leaves open (opening state, benchmark-relative demand, liquid
 * wealth, the price rule with the market maker's inventory, the risk floor, review and herding,
 * flows, the circuit breaker, private holdings, the noise traders' normal table) are stated and
 * justified in docs/model.md, "Investor market". */
#include "agents/investors.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifdef AIM_INVESTORS_ASSET_MAJOR
/* Element (i, k) of an N x K field, and the distance between assets k and k + 1 of one investor. */
#define IK(inv, i, k) ((size_t)(k) * (size_t)(inv)->n + (size_t)(i))
#define KSTRIDE(inv) ((size_t)(inv)->n)
#else
#define IK(inv, i, k) ((size_t)(i) * (size_t)(inv)->n_assets + (size_t)(k))
#define KSTRIDE(inv) ((size_t)1)
#endif

#define ALIGN 64u
#define NSTRAT 3
#define AIM_ZTAB_BITS 12
#define AIM_ZTAB (1u << AIM_ZTAB_BITS)
#define QUANTILE_SAMPLE 4096
#define SPEC_KMAX 12 /* asset counts up to this get a sweep compiled for them */

/* Sums of one block, written by the block only and added in block order afterwards. Padded to
 * its own cache lines so that threads writing neighbouring blocks do not share a line. */
struct block_sums {
    double sent_num;      /* sum of W_i * mean_k E_ik (sentiment numerator) */
    double sent_den;      /* sum of W_i */
    double gain[NSTRAT];  /* sum over the strategy's investors of the month's wealth change from trading */
    double base[NSTRAT];  /* sum over the strategy's investors of wealth at the start of the month */
    double inflow;        /* positive fund flows */
    double redemption;    /* negative fund flows, as a positive amount */
    double cash;          /* investors' cash at the end of the month */
    double pay;           /* cash paid by investors for the month's trades (negative: received) */
    double count[NSTRAT]; /* investors per strategy (exact integers in a double) */
    double pad[2];
};

/* Per-month terms common to all investors, computed once before each sweep. */
struct step_terms {
    const double *price; /* P_k before the trade (0 if inactive) */
    const double *price_new;
    const double *lab_unit_value;
    int revalue; /* lab unit values changed (or units were bought): private values are recomputed */

    double cum[NSTRAT]; /* cumulative logit probabilities of the strategies */
    double inv_nactive; /* 1 / number of active assets (0 if none) */
};

struct aim_investors {
    long n;        /* N investors */
    int n_assets;  /* K listed assets */
    int n_labs;    /* L labs whose units investors may hold */
    long block;    /* investors per block */
    long n_blocks; /* ceil(N / block) */
    size_t kpad;   /* per-block stride of the per-asset partials (K rounded up to a cache line) */

    /* Parameters (MODEL.md 3.4 names). */
    double a_f, a_c, sigma_n, w_max, leverage_max, nu, p_review, beta, herding, return_memory;
    double inflow_rate, inflow_chase, lambda, sigma_p, max_move, risk_memory, sigma_init, dt;
    double frac_f, frac_c, gamma_median, gamma_sigma, memory_min, memory_max, reserve_min, reserve_max;
    double pareto_alpha, cash_ratio;
    int demand_rule;         /* AIM_DEMAND_BENCHMARK or AIM_DEMAND_ABSOLUTE (market.demand_rule) */
    double inventory_weight; /* mu: weight of the market maker's inventory in the price rule */
    double var_min;          /* market.sigma_min^2: floor of sigma_k^2 in desired weights */
    double equity_share;     /* e = 1 / (1 + cash_ratio): the benchmark's share of liquid wealth in stocks */
    long limit_moves;        /* months x assets in which max_move clipped the impact, since the reset */

    /* Per investor. */
    double *cash;      /* cash_i, $B */
    double *priv;      /* private_i: value of lab units at the last known unit values, $B */
    double *inv_gamma; /* 1 / gamma_i */
    double *inv_m;     /* 1 / m_i, the chartist EMA weight */
    double *reserve;   /* a_i */
    double *ret12;     /* own 12-month return (decayed sum of monthly returns, mean lag 12) */
    double *wealth;    /* W_i: at the start of the month inside a step, at its end between steps */
    double *scratch;   /* copy of the wealth for a quantile selection on the whole array */
    double *cand;      /* candidates of the bracketed quantile selection: 4 x N, by quantile and block */
    ptrdiff_t *qcount; /* per block and quantile: values below the bracket, values inside it */
    uint8_t *strat[2]; /* s_i of the last month (snapshot, met by herders) and of this month */
    int cur;           /* strat[cur] is the current strategy */

    /* Per investor and asset (layout IK) and per investor and lab. */
    double *h;      /* h_ik, bn shares */
    double *trend;  /* chartist EMA of log-returns with memory m_i */
    double *desire; /* d_ik of the month (between the two sweeps) */
    double *units;  /* u_il, [i * L + l] */

    /* Per asset. */
    double *sigma2;   /* EWMA of squared log-returns */
    double *last_ret; /* log-return of the last month (0 at reset and for inactive assets) */
    double *mm_inv;   /* market maker's inventory, bn shares */
    double *ef;       /* a_f log(F_k / P_k) of the month */
    double *ivar;     /* slope of the weight in E: b_k / sigma_k^2 (benchmark) or 1 / sigma_k^2 (absolute) */
    double *wbase;    /* weight at E = 0: b_k (benchmark) or 0 (absolute); 0 for inactive assets */
    double *invp;     /* 1 / P_k (0 for inactive assets) */
    double *mask;     /* 1 for active assets, 0 for inactive */
    double *pold;     /* P_k at the start of the month (0 for inactive) */
    double *pnew;     /* P_k after the month's price update (0 for inactive) */

    /* Per block. */
    struct aim_pcg64 *rng;
    struct block_sums *sums;
    double *zpart; /* [b * kpad + k] excess demand */
    double *tpart; /* [b * kpad + k] shares bought by investors */
    double *hpart; /* [b * kpad + k] shares the block's investors hold after the month's trades */

    /* What the investors hold in all (the holders' side of the balance sheet), summed in block
     * order where the arrays last changed: the trade sweep (cash, shares), a private round (units). */
    double *held_total;  /* [k] shares of asset k held by investors */
    double *units_total; /* [l] units of lab l held by investors */
    double cash_total;

    double *ztab;    /* noise traders' normal variates: AIM_ZTAB equiprobable levels (see ztab_fill) */
    double log_keep; /* log(1 - p_review): review gaps are geometric */

    double *luv_last; /* lab unit values of the last revaluation of private holdings */
    int priv_valid;   /* priv[i] = sum_l units[i][l] * luv_last[l] for every investor */

    double util[NSTRAT];     /* EWMA of each strategy's realised monthly return (switching logit) */
    double mm_cash;          /* market maker's cash, $B */
    struct aim_pcg64 market; /* price shocks eps_k */
    uint64_t seed, point, replica;
};

static size_t round_up(size_t x, size_t a)
{
    return (x + a - 1u) / a * a;
}

/* Bytes of every array, in the order create allocates them; fields n_* follow the config. */
static size_t bytes_of(long n, int K, int L, long n_blocks, size_t kpad)
{
    size_t un = (size_t)n;
    size_t s = 0;
    s += 8u * round_up(un * 8u, ALIGN) + round_up(4u * un * 8u, ALIGN); /* cash .. scratch, cand */
    s += round_up((size_t)n_blocks * 8u * sizeof(ptrdiff_t), ALIGN);    /* qcount */
    s += round_up(AIM_ZTAB * 8u + 8u, ALIGN);                           /* ztab */
    s += 2u * round_up(un, ALIGN);                                      /* strat[2] */
    s += 3u * round_up(un * (size_t)K * 8u + 8u, ALIGN);                /* h, trend, desire */
    s += round_up(un * (size_t)L * 8u + 8u, ALIGN);                     /* units */
    s += round_up((size_t)L * 8u + 8u, ALIGN);                          /* luv_last */
    s += 11u * round_up((size_t)K * 8u + 8u, ALIGN);                    /* per asset */
    s += round_up((size_t)L * 8u + 8u, ALIGN);                          /* units_total */
    s += round_up((size_t)n_blocks * sizeof(struct aim_pcg64), ALIGN);
    s += round_up((size_t)n_blocks * sizeof(struct block_sums), ALIGN);
    s += 3u * round_up((size_t)n_blocks * kpad * 8u, ALIGN);
    s += sizeof(struct aim_investors);
    return s;
}

size_t aim_investors_bytes(const struct aim_config *cfg, int n_assets, int n_labs)
{
    long n = cfg->investors.count, b = cfg->investors.block_size;
    if (n < 1 || b < 1 || n_assets < 0 || n_labs < 0)
        return 0;
    long nb = (n + b - 1) / b;
    return bytes_of(n, n_assets, n_labs, nb, round_up((size_t)n_assets + 1u, 8u));
}

/* max_sd(x, y) = x > y ? x : y and min_sd(x, y) = x < y ? x : y without branches: MAXSD and MINSD
 * compute exactly these ternaries. The hot loops use them where the outcome is unpredictable (the
 * sign of a chartist's or noise trader's expectation, of a fund flow), since a mispredicted branch
 * per asset costs more than the rest of the update. clip_weight clips a desired weight to [0, hi]. */
static inline double max_sd(double x, double y)
{
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(x), _mm_set_sd(y)));
#else
    return x > y ? x : y;
#endif
}

static inline double min_sd(double x, double y)
{
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd(x), _mm_set_sd(y)));
#else
    return x < y ? x : y;
#endif
}

static inline double clip_weight(double x, double hi)
{
    return min_sd(max_sd(x, 0.0), hi);
}

/* Noise traders' eps_ik (MODEL.md 3.4) are the most numerous draws of the market, so they are
 * made cheap: eps takes one of AIM_ZTAB = 4096 equiprobable values, the normal quantiles at the
 * midpoints (j + 1/2) / 4096, rescaled to unit variance; AIM_ZTAB_BITS = 12 bits of a pcg64 output
 * pick one, so one output gives five variates. This is a discretised standard normal: mean 0
 * (symmetric), variance 1, tails cut at +-3.669 standard deviations (tests/test_investors.c checks
 * the moments). The quantiles are solved by Newton's method on Phi(x) = erfc(-x / sqrt 2) / 2. */
static void ztab_fill(double *z)
{
    const unsigned half = AIM_ZTAB / 2u;
    double ss = 0.0;
    for (unsigned j = half; j < AIM_ZTAB; j++) {
        const double p = ((double)j + 0.5) / (double)AIM_ZTAB;
        double x = 0.0; /* Phi is concave on x > 0: Newton from 0 rises monotonically to the root */
        for (int it = 0; it < 200; it++) {
            double fx = 0.5 * erfc(-x * M_SQRT1_2) - p;
            double step = fx / (exp(-0.5 * x * x) / sqrt(2.0 * M_PI));
            x -= step;
            if (fabs(step) <= 1e-15 * (1.0 + fabs(x)))
                break;
        }
        z[j] = x;
        z[AIM_ZTAB - 1u - j] = -x;
        ss += 2.0 * x * x;
    }
    const double scale = 1.0 / sqrt(ss / (double)AIM_ZTAB);
    for (unsigned j = 0; j < AIM_ZTAB; j++)
        z[j] *= scale;
}

/* Investors skipped before the next strategy review: reviews are independent with probability
 * p_review per investor and month, so the gaps are geometric; drawing the gap costs one uniform
 * per review instead of one per investor. */
static long review_gap(struct aim_pcg64 *rng, double p_review, double log_keep)
{
    if (!(p_review > 0.0))
        return LONG_MAX / 4;
    if (p_review >= 1.0)
        return 0;
    double g = floor(log1p(-aim_rng_uniform(rng)) / log_keep);
    return g < 1e15 ? (long)g : LONG_MAX / 4;
}

static void *alloc_array(size_t bytes, int *failed)
{
    void *p = aligned_alloc(ALIGN, round_up(bytes + 8u, ALIGN));
    if (!p)
        *failed = 1;
    else
        memset(p, 0, round_up(bytes + 8u, ALIGN));
    return p;
}

enum aim_status aim_investors_create(struct aim_investors **out, const struct aim_config *cfg, int n_assets,
                                     int n_labs)
{
    *out = NULL;
    const long n = cfg->investors.count, blk = cfg->investors.block_size;
    if (n < 1 || blk < 1)
        return aim_error_set(
            AIM_ERR_USAGE,
            "aim_investors_create: investors.count = %ld and investors.block_size = %ld must "
            "both be at least 1",
            n, blk);
    if (n_assets < 0 || n_labs < 0)
        return aim_error_set(AIM_ERR_USAGE,
                             "aim_investors_create: n_assets = %d and n_labs = %d must not be negative",
                             n_assets, n_labs);
    struct aim_investors *inv = calloc(1, sizeof *inv);
    if (!inv)
        return aim_error_set(AIM_ERR_NOMEM, "aim_investors_create: out of memory for the investors object");
    inv->n = n;
    inv->n_assets = n_assets;
    inv->n_labs = n_labs;
    inv->block = blk;
    inv->n_blocks = (n + blk - 1) / blk;
    inv->kpad = round_up((size_t)n_assets + 1u, 8u);

    const struct aim_config *c = cfg;
    inv->a_f = c->investors.a_f;
    inv->a_c = c->investors.a_c;
    inv->sigma_n = c->investors.sigma_n;
    inv->w_max = c->investors.w_max;
    inv->leverage_max = c->investors.leverage_max_investor;
    inv->nu = c->investors.nu;
    inv->p_review = c->investors.p_review;
    inv->beta = c->investors.beta;
    inv->herding = c->investors.herding;
    inv->return_memory = c->investors.return_memory;
    inv->inflow_rate = c->investors.inflow_rate;
    inv->inflow_chase = c->investors.inflow_chase;
    inv->frac_f = c->investors.frac_fundamentalist;
    inv->frac_c = c->investors.frac_chartist;
    inv->gamma_median = c->investors.gamma_median;
    inv->gamma_sigma = c->investors.gamma_sigma;
    inv->memory_min = c->investors.memory_min;
    inv->memory_max = c->investors.memory_max;
    inv->reserve_min = c->investors.reserve_min;
    inv->reserve_max = c->investors.reserve_max;
    inv->pareto_alpha = c->investors.wealth_pareto_alpha;
    inv->cash_ratio = c->investors.cash_ratio;
    inv->demand_rule = c->market.demand_rule;
    inv->inventory_weight = c->market.inventory_weight;
    inv->var_min = c->market.sigma_min * c->market.sigma_min;
    inv->equity_share = 1.0 / (1.0 + c->investors.cash_ratio);
    inv->lambda = c->market.lambda;
    inv->sigma_p = c->market.sigma_p;
    inv->max_move = c->market.max_move;
    inv->risk_memory = c->market.risk_memory;
    inv->sigma_init = c->market.sigma_init;
    inv->dt = (double)c->run.dt_months;

    const size_t un = (size_t)n, nk = un * (size_t)n_assets, K = (size_t)n_assets;
    int failed = 0;
    inv->cash = alloc_array(un * 8u, &failed);
    inv->priv = alloc_array(un * 8u, &failed);
    inv->inv_gamma = alloc_array(un * 8u, &failed);
    inv->inv_m = alloc_array(un * 8u, &failed);
    inv->reserve = alloc_array(un * 8u, &failed);
    inv->ret12 = alloc_array(un * 8u, &failed);
    inv->wealth = alloc_array(un * 8u, &failed);
    inv->scratch = alloc_array(un * 8u, &failed);
    inv->cand = alloc_array(4u * un * 8u, &failed);
    inv->qcount = alloc_array((size_t)inv->n_blocks * 8u * sizeof(ptrdiff_t), &failed);
    inv->ztab = alloc_array(AIM_ZTAB * 8u, &failed);
    inv->strat[0] = alloc_array(un, &failed);
    inv->strat[1] = alloc_array(un, &failed);
    inv->h = alloc_array(nk * 8u, &failed);
    inv->trend = alloc_array(nk * 8u, &failed);
    inv->desire = alloc_array(nk * 8u, &failed);
    inv->units = alloc_array(un * (size_t)n_labs * 8u, &failed);
    inv->luv_last = alloc_array((size_t)n_labs * 8u, &failed);
    inv->sigma2 = alloc_array(K * 8u, &failed);
    inv->last_ret = alloc_array(K * 8u, &failed);
    inv->mm_inv = alloc_array(K * 8u, &failed);
    inv->ef = alloc_array(K * 8u, &failed);
    inv->ivar = alloc_array(K * 8u, &failed);
    inv->wbase = alloc_array(K * 8u, &failed);
    inv->invp = alloc_array(K * 8u, &failed);
    inv->mask = alloc_array(K * 8u, &failed);
    inv->pold = alloc_array(K * 8u, &failed);
    inv->pnew = alloc_array(K * 8u, &failed);
    inv->rng = alloc_array((size_t)inv->n_blocks * sizeof(struct aim_pcg64), &failed);
    inv->sums = alloc_array((size_t)inv->n_blocks * sizeof(struct block_sums), &failed);
    inv->zpart = alloc_array((size_t)inv->n_blocks * inv->kpad * 8u, &failed);
    inv->tpart = alloc_array((size_t)inv->n_blocks * inv->kpad * 8u, &failed);
    inv->hpart = alloc_array((size_t)inv->n_blocks * inv->kpad * 8u, &failed);
    inv->held_total = alloc_array(K * 8u, &failed);
    inv->units_total = alloc_array((size_t)n_labs * 8u, &failed);
    if (failed) {
        aim_investors_free(inv);
        return aim_error_set(AIM_ERR_NOMEM,
                             "aim_investors_create: out of memory for %ld investors x %d assets (%zu bytes); "
                             "lower investors.count",
                             n, n_assets,
                             bytes_of(n, n_assets, n_labs, (n + blk - 1) / blk, round_up(K + 1u, 8u)));
    }
    ztab_fill(inv->ztab);
    inv->log_keep = inv->p_review < 1.0 ? log1p(-inv->p_review) : -INFINITY;
    *out = inv;
    return AIM_OK;
}

void aim_investors_free(struct aim_investors *inv)
{
    if (!inv)
        return;
    double *arrays[] = {inv->cash,   inv->priv,     inv->inv_gamma, inv->inv_m,      inv->reserve,
                        inv->ret12,  inv->wealth,   inv->scratch,   inv->cand,       inv->ztab,
                        inv->h,      inv->trend,    inv->desire,    inv->units,      inv->luv_last,
                        inv->sigma2, inv->last_ret, inv->mm_inv,    inv->ef,         inv->ivar,
                        inv->wbase,  inv->invp,     inv->mask,      inv->pold,       inv->pnew,
                        inv->zpart,  inv->tpart,    inv->hpart,     inv->held_total, inv->units_total};
    for (size_t j = 0; j < sizeof arrays / sizeof arrays[0]; j++)
        free(arrays[j]);
    free(inv->strat[0]);
    free(inv->strat[1]);
    free(inv->rng);
    free(inv->sums);
    free(inv->qcount);
    free(inv);
}

static long block_end(const struct aim_investors *inv, long b)
{
    long hi = (b + 1) * inv->block;
    return hi < inv->n ? hi : inv->n;
}

enum aim_status aim_investors_reset(struct aim_investors *inv, uint64_t seed, uint64_t point,
                                    uint64_t replica, const struct aim_market_assets *m,
                                    const double *lab_units)
{
    const int K = inv->n_assets, L = inv->n_labs;
    if (m->n != K)
        return aim_error_set(
            AIM_ERR_USAGE,
            "aim_investors_reset: the market has %d assets but the investors were created for %d", m->n, K);
    if (L > 0 && !lab_units)
        return aim_error_set(AIM_ERR_USAGE, "aim_investors_reset: lab_units is NULL with %d labs", L);
    inv->seed = seed;
    inv->point = point;
    inv->replica = replica;
    inv->cur = 0;
    inv->mm_cash = 0.0;
    inv->limit_moves = 0;
    inv->priv_valid = 0;
    for (int s = 0; s < NSTRAT; s++)
        inv->util[s] = 0.0;
    aim_rng_stream(&inv->market, seed, point, replica, 0, AIM_RNG_MARKET);

    /* Market value of all listed equity: investors hold all of it at the start. */
    double equity = 0.0;
    for (int k = 0; k < K; k++) {
        double p = m->active[k] ? m->price[k] : 0.0;
        equity += p * m->shares[k];
        inv->sigma2[k] = inv->sigma_init * inv->sigma_init;
        inv->last_ret[k] = 0.0;
        inv->mm_inv[k] = 0.0;
    }

    /* Draws of each block from its own stream: Pareto wealth weight x = U^(-1/alpha) (kept in
     * scratch), strategy, gamma (lognormal around gamma_median), memory and reserve (uniform). */
    const double gmu = log(inv->gamma_median);
    double xsum = 0.0;
    for (long b = 0; b < inv->n_blocks; b++) {
        struct aim_pcg64 *rng = &inv->rng[b];
        aim_rng_stream(rng, seed, point, replica, (uint64_t)b, AIM_RNG_INVESTORS);
        double bsum = 0.0;
        for (long i = b * inv->block; i < block_end(inv, b); i++) {
            double u = aim_rng_uniform(rng);
            double x = pow(1.0 - u, -1.0 / inv->pareto_alpha); /* 1 - u in (0, 1]: finite */
            inv->scratch[i] = x;
            bsum += x;
            double us = aim_rng_uniform(rng);
            uint8_t s = us < inv->frac_f ? AIM_FUNDAMENTALIST
                                         : (us < inv->frac_f + inv->frac_c ? AIM_CHARTIST : AIM_NOISE);
            inv->strat[0][i] = s;
            inv->strat[1][i] = s;
            inv->inv_gamma[i] = 1.0 / aim_rng_lognormal(rng, gmu, inv->gamma_sigma);
            double mem = inv->memory_min + (inv->memory_max - inv->memory_min) * aim_rng_uniform(rng);
            inv->inv_m[i] = 1.0 / mem;
            inv->reserve[i] = inv->reserve_min + (inv->reserve_max - inv->reserve_min) * aim_rng_uniform(rng);
        }
        xsum += bsum;
    }

    /* Investor i holds the share phi_i = x_i / sum x of every stock, of the lab units and of the
     * cash (cash_ratio times the equity economy-wide). */
    const double cash_total = inv->cash_ratio * equity;
    for (long i = 0; i < inv->n; i++) {
        double phi = inv->scratch[i] / xsum;
        for (int k = 0; k < K; k++) {
            inv->h[IK(inv, i, k)] = phi * m->shares[k];
            inv->trend[IK(inv, i, k)] = 0.0;
            inv->desire[IK(inv, i, k)] = 0.0;
        }
        for (int l = 0; l < L; l++)
            inv->units[(size_t)i * (size_t)L + (size_t)l] = phi * lab_units[l];
        inv->cash[i] = phi * cash_total;
        inv->priv[i] = 0.0; /* valued at the first step's lab_unit_value */
        inv->ret12[i] = 0.0;
        inv->wealth[i] = inv->cash[i] + phi * equity;
    }
    /* The opening totals, in block order as the step and the rounds will sum them. */
    inv->cash_total = 0.0;
    for (int k = 0; k < K; k++)
        inv->held_total[k] = 0.0;
    for (int l = 0; l < L; l++)
        inv->units_total[l] = 0.0;
    for (long b = 0; b < inv->n_blocks; b++) {
        double csum = 0.0;
        for (long i = b * inv->block; i < block_end(inv, b); i++)
            csum += inv->cash[i];
        inv->cash_total += csum;
        for (int k = 0; k < K; k++) {
            double hsum = 0.0;
            for (long i = b * inv->block; i < block_end(inv, b); i++)
                hsum += inv->h[IK(inv, i, k)];
            inv->held_total[k] += hsum;
        }
        for (int l = 0; l < L; l++) {
            double usum = 0.0;
            for (long i = b * inv->block; i < block_end(inv, b); i++)
                usum += inv->units[(size_t)i * (size_t)L + (size_t)l];
            inv->units_total[l] += usum;
        }
    }
    return AIM_OK;
}

/* Sweep 1 over block b: strategy review (MODEL.md 3.4 switching), wealth, expectations, desired
 * holdings and the block's excess demand. */
static inline __attribute__((always_inline)) void sweep_demand_k(struct aim_investors *inv, long b,
                                                                 const struct step_terms *c, const int K)
{
    const int L = inv->n_labs;
    const size_t ks = KSTRIDE(inv);
    /* The block's generator is copied to this thread's stack and back: the states of neighbouring
     * blocks share a cache line, and writing it in place on every draw made threads contend. */
    struct aim_pcg64 rng_local = inv->rng[b];
    struct aim_pcg64 *rng = &rng_local;
    struct block_sums *bs = &inv->sums[b];
    double *z = inv->zpart + (size_t)b * inv->kpad;
    const uint8_t *prev = inv->strat[inv->cur ^ 1];
    uint8_t *strat = inv->strat[inv->cur];
    const double *p = c->price, *lr = inv->last_ret, *ef = inv->ef, *ivar = inv->ivar, *invp = inv->invp;
    const double *wb = inv->wbase;
    const double *mask = inv->mask;
    const double a_c = inv->a_c, sigma_n = inv->sigma_n, w_max = inv->w_max, lev = inv->leverage_max;
    const double lev_floor = lev > 0.0 ? lev : 1.0;
    const double p_review = inv->p_review, herding = inv->herding;
    const uint64_t n_other = inv->n > 1 ? (uint64_t)(inv->n - 1) : 1u;
    double count[NSTRAT] = {0.0, 0.0, 0.0}, sent_num = 0.0, sent_den = 0.0;
    /* Excess demand accumulates in registers when K is a small compile-time constant. */
    double zl[SPEC_KMAX];
    double *za = K <= SPEC_KMAX ? zl : z;
#pragma GCC unroll 12
    for (int k = 0; k < K; k++)
        za[k] = 0.0;

    const double *ztab = inv->ztab;
    const long lo = b * inv->block, hi = block_end(inv, b);
    long next_review = lo + review_gap(rng, p_review, inv->log_keep);
    for (long i = lo; i < hi; i++) {
        /* Review: with probability herding copy the last-month strategy of a uniformly drawn other
         * investor of the whole population (from the snapshot, so the order of blocks does not
         * matter); otherwise choose by the logit on the strategies' realised returns. */
        uint8_t s = prev[i];
        if (i == next_review) {
            next_review = i + 1 + review_gap(rng, p_review, inv->log_keep);
            if (aim_rng_uniform(rng) < herding) {
                uint64_t j = aim_rng_bounded(rng, n_other);
                if (inv->n > 1 && j >= (uint64_t)i)
                    j++;
                s = prev[j];
            } else {
                double u = aim_rng_uniform(rng);
                s = u < c->cum[0] ? AIM_FUNDAMENTALIST : (u < c->cum[1] ? AIM_CHARTIST : AIM_NOISE);
            }
        }
        strat[i] = s;
        count[s] += 1.0;

        /* W_i = cash_i + sum_k h_ik P_k + private_i, private units valued at this month's values. */
        double w = inv->cash[i];
        if (c->revalue) {
            const double *u = inv->units + (size_t)i * (size_t)L;
            double pv = 0.0;
            for (int l = 0; l < L; l++)
                pv += u[l] * c->lab_unit_value[l];
            inv->priv[i] = pv;
        }
        w += inv->priv[i];
        double *hr = inv->h + IK(inv, i, 0), *tr = inv->trend + IK(inv, i, 0),
               *dr = inv->desire + IK(inv, i, 0);
#pragma GCC unroll 12
        for (int k = 0; k < K; k++)
            w += hr[k * ks] * p[k];
        inv->wealth[i] = w;

        /* Chartist trend: EMA of last month's log-return with weight 1/m_i, kept by everyone so that a
         * switch to the chartist strategy starts from a meaningful trend. The expected log-return
         * E_ik by strategy, then the weight wbase_k + E ivar_k / gamma_i clipped to [0, w_max]:
         * b_k (1 + E / (gamma sigma_k^2)) under the benchmark rule, E / (gamma sigma_k^2) under the
         * absolute one. */
        const double im = inv->inv_m[i], ig = inv->inv_gamma[i];
        double wsum = 0.0, esum = 0.0;
        switch (s) {
        case AIM_FUNDAMENTALIST:
#pragma GCC unroll 12
            for (int k = 0; k < K; k++) {
                double t = tr[k * ks];
                tr[k * ks] = t + im * (lr[k] - t);
                double e = ef[k];
                esum += e * mask[k];
                double x = wb[k] + e * ig * ivar[k];
                x = clip_weight(x, w_max);
                dr[k * ks] = x;
                wsum += x;
            }
            break;
        case AIM_CHARTIST:
#pragma GCC unroll 12
            for (int k = 0; k < K; k++) {
                double t = tr[k * ks];
                t = t + im * (lr[k] - t);
                tr[k * ks] = t;
                double e = a_c * t;
                esum += e * mask[k];
                double x = wb[k] + e * ig * ivar[k];
                x = clip_weight(x, w_max);
                dr[k * ks] = x;
                wsum += x;
            }
            break;
        default:
            /* One pcg64 output gives five 12-bit table indices; each noise trader uses
             * ceil(K / 5) outputs, so the draw pattern is fixed and branch-free for a given K. */
            for (int k0 = 0; k0 < K; k0 += 5) {
                uint64_t bits = aim_rng_pcg64_next(rng);
                const int kend = k0 + 5 < K ? k0 + 5 : K;
#pragma GCC unroll 5
                for (int k = k0; k < kend; k++) {
                    double t = tr[k * ks];
                    tr[k * ks] = t + im * (lr[k] - t);
                    double e = sigma_n * ztab[bits & (AIM_ZTAB - 1u)];
                    bits >>= AIM_ZTAB_BITS;
                    esum += e * mask[k];
                    double x = wb[k] + e * ig * ivar[k];
                    x = clip_weight(x, w_max);
                    dr[k * ks] = x;
                    wsum += x;
                }
            }
            break;
        }
        /* Scale the weights so that they sum to at most leverage_max_investor; desired holdings
         * d_ik = w_ik (W_i - private_i) / P_k: the weights apply to liquid wealth, since private
         * lab units cannot be sold in this market (floored at 0: an insolvent investor wants
         * nothing). docs/model.md, "Liquid wealth". */
        const double wpos = max_sd(w, 0.0);
        const double wliq = max_sd(w - inv->priv[i], 0.0);
        const double f = lev / max_sd(wsum, lev_floor) * wliq; /* lev / wsum, or 1 if wsum <= lev */
#pragma GCC unroll 12
        for (int k = 0; k < K; k++) {
            double d = dr[k * ks] * f * invp[k];
            dr[k * ks] = d;
            za[k] += d - hr[k * ks];
        }
        sent_num += wpos * esum * c->inv_nactive;
        sent_den += wpos;
    }
    if (za != z)
#pragma GCC unroll 12
        for (int k = 0; k < K; k++)
            z[k] = za[k];
    inv->rng[b] = rng_local;
    for (int s = 0; s < NSTRAT; s++)
        bs->count[s] = count[s];
    bs->sent_num = sent_num;
    bs->sent_den = sent_den;
}

/* Sweep 2 over block b: holdings move part way to the desired ones, paid at the new price (the
 * market maker takes the other side), realised returns, own-return tracking and fund flows. */
static inline __attribute__((always_inline)) void sweep_trade_k(struct aim_investors *inv, long b,
                                                                const struct step_terms *c, const int K)
{
    const size_t ks = KSTRIDE(inv);
    struct block_sums *bs = &inv->sums[b];
    double *tp = inv->tpart + (size_t)b * inv->kpad;
    double *hp = inv->hpart + (size_t)b * inv->kpad;
    const uint8_t *strat = inv->strat[inv->cur];
    const double *pn = c->price_new, *mask = inv->mask;
    const double nu = inv->nu, rate = inv->inflow_rate, chase = inv->inflow_chase;
    const double keep12 = 1.0 - 1.0 / 12.0;
    double gain[NSTRAT] = {0.0, 0.0, 0.0}, base[NSTRAT] = {0.0, 0.0, 0.0};
    double inflow = 0.0, redemption = 0.0, cash_sum = 0.0, pay_sum = 0.0;
    double tl[SPEC_KMAX], hl[SPEC_KMAX];
    double *ta = K <= SPEC_KMAX ? tl : tp;
    double *ha = K <= SPEC_KMAX ? hl : hp;
#pragma GCC unroll 12
    for (int k = 0; k < K; k++) {
        ta[k] = 0.0;
        ha[k] = 0.0;
    }

    for (long i = b * inv->block; i < block_end(inv, b); i++) {
        double *hr = inv->h + IK(inv, i, 0);
        const double *dr = inv->desire + IK(inv, i, 0);
        double pay = 0.0, value = 0.0;
#pragma GCC unroll 12
        for (int k = 0; k < K; k++) {
            double h = hr[k * ks];
            double dh = nu * (dr[k * ks] - h) * mask[k];
            h += dh;
            hr[k * ks] = h;
            ta[k] += dh;
            ha[k] += h;
            pay += dh * pn[k];
            value += h * pn[k];
        }
        double cash = inv->cash[i] - pay;
        const double w0 = inv->wealth[i];
        const double w1 = cash + value + inv->priv[i];
        const int s = strat[i];
        gain[s] += w1 - w0;
        base[s] += w0;
        /* Own 12-month return: decayed sum of monthly returns with mean lag 12 months (equal to
         * the 12-month return when monthly returns are small and steady). */
        const double r = w0 > 0.0 ? (w1 - w0) / w0 : 0.0;
        const double r12 = inv->ret12[i] * keep12 + r;
        inv->ret12[i] = r12;
        /* Fund flow (inflow_rate + inflow_chase * own 12-month return) * W_i; a redemption is
         * limited to the investor's cash. */
        double flow = (rate + chase * r12) * max_sd(w1, 0.0);
        flow = max_sd(flow, -max_sd(cash, 0.0));
        inflow += max_sd(flow, 0.0);
        redemption -= min_sd(flow, 0.0);
        cash += flow;
        inv->cash[i] = cash;
        cash_sum += cash;
        pay_sum += pay;
        const double wend = w1 + flow;
        inv->wealth[i] = wend;
    }
    if (ta != tp)
#pragma GCC unroll 12
        for (int k = 0; k < K; k++) {
            tp[k] = ta[k];
            hp[k] = ha[k];
        }
    for (int s = 0; s < NSTRAT; s++) {
        bs->gain[s] = gain[s];
        bs->base[s] = base[s];
    }
    bs->inflow = inflow;
    bs->redemption = redemption;
    bs->cash = cash_sum;
    bs->pay = pay_sum;
}

/* The sweeps compiled for each small asset count (loops fully unrolled, per-asset sums kept in
 * registers) and once for any count; every version performs the same operations in the same
 * order, so results do not depend on which one runs. */
#define SPEC_CASE(n)                                                                                         \
    case n:                                                                                                  \
        SWEEP(inv, b, c, n);                                                                                 \
        break;
#define SPEC_CASES                                                                                           \
    SPEC_CASE(1)                                                                                             \
    SPEC_CASE(2)                                                                                             \
    SPEC_CASE(3)                                                                                             \
    SPEC_CASE(4)                                                                                             \
    SPEC_CASE(5)                                                                                             \
    SPEC_CASE(6)                                                                                             \
    SPEC_CASE(7)                                                                                             \
    SPEC_CASE(8)                                                                                             \
    SPEC_CASE(9)                                                                                             \
    SPEC_CASE(10)                                                                                            \
    SPEC_CASE(11)                                                                                            \
    SPEC_CASE(12)

static void sweep_demand(struct aim_investors *inv, long b, const struct step_terms *c)
{
#define SWEEP sweep_demand_k
    switch (inv->n_assets) {
        SPEC_CASES
    default:
        sweep_demand_k(inv, b, c, inv->n_assets);
    }
#undef SWEEP
}

static void sweep_trade(struct aim_investors *inv, long b, const struct step_terms *c)
{
#define SWEEP sweep_trade_k
    switch (inv->n_assets) {
        SPEC_CASES
    default:
        sweep_trade_k(inv, b, c, inv->n_assets);
    }
#undef SWEEP
}

/* Leaves in a[k] the element of rank k of a[lo..hi] (0-based, inclusive bounds), with nothing
 * larger before it and nothing smaller after it (Hoare's FIND with a median-of-three pivot). */
static void select_rank(double *a, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t k)
{
    while (hi > lo) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        double x;
        if (a[mid] < a[lo]) {
            x = a[mid], a[mid] = a[lo], a[lo] = x;
        }
        if (a[hi] < a[lo]) {
            x = a[hi], a[hi] = a[lo], a[lo] = x;
        }
        if (a[hi] < a[mid]) {
            x = a[hi], a[hi] = a[mid], a[mid] = x;
        }
        const double pivot = a[mid];
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                x = a[i], a[i] = a[j], a[j] = x;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

/* The value x_(r) + g (x_(r + 1) - x_(r)) from the order statistics of a[0..n-1] (reorders a). */
static double order_stat_interp(double *a, ptrdiff_t n, ptrdiff_t r, double g)
{
    select_rank(a, 0, n - 1, r);
    double x = a[r], y = x;
    if (g > 0.0 && r + 1 < n) {
        y = a[r + 1];
        for (ptrdiff_t i = r + 2; i < n; i++)
            y = a[i] < y ? a[i] : y;
    }
    return x + g * (y - x);
}

/* Quantiles of the end-of-month wealth (inv->wealth, left in place) for the probabilities p[0..3],
 * by the R type 7 (Hyndman and Fan 1996) definition: with h = (n - 1) p, r = floor h and g = h - r,
 * Q(p) = x_(r) + g (x_(r + 1) - x_(r)) over the 0-based order statistics x_(j). Exact, in O(N):
 * a systematic sample of about QUANTILE_SAMPLE values brackets each wanted rank; one pass over the
 * blocks (in parallel) counts the values below each bracket and copies those inside it; the order
 * statistics are then selected among the candidates. A bracket that misses its rank falls back to
 * selection on the whole array, so the result is always the exact order statistic. */
static void wealth_quantiles(struct aim_investors *inv, const double *p, double *q, int nthreads)
{
    enum { NQ = 4 };
    const ptrdiff_t n = (ptrdiff_t)inv->n;
    const double *a = inv->wealth;
    ptrdiff_t r[NQ];
    double g[NQ];
    for (int j = 0; j < NQ; j++) {
        double hh = (double)(n - 1) * p[j];
        r[j] = (ptrdiff_t)floor(hh);
        g[j] = hh - (double)r[j];
    }
    if (n < 4 * QUANTILE_SAMPLE) {
        memcpy(inv->scratch, a, (size_t)n * sizeof(double));
        for (int j = 0; j < NQ; j++)
            q[j] = order_stat_interp(inv->scratch, n, r[j], g[j]);
        return;
    }
    /* Sample every stride-th value into cand. */
    const ptrdiff_t stride = n / QUANTILE_SAMPLE, ns = n / stride;
    double *smp = inv->cand;
    for (ptrdiff_t i = 0; i < ns; i++)
        smp[i] = a[i * stride];
    /* Bracket ranks in the sample: +-4 binomial standard deviations plus a margin; -1 and ns
     * stand for an open end. They are selected in increasing order, each within the part of the
     * sample that the previous selection left above it. */
    ptrdiff_t rk[2 * NQ];
    for (int j = 0; j < NQ; j++) {
        double rs = p[j] * (double)(ns - 1), d = 4.0 * sqrt((double)ns * p[j] * (1.0 - p[j])) + 4.0;
        ptrdiff_t rl = (ptrdiff_t)floor(rs - d), rh = (ptrdiff_t)ceil(rs + d) + 1;
        rk[2 * j] = rl < 0 ? -1 : rl;
        rk[2 * j + 1] = rh >= ns ? ns : rh;
    }
    ptrdiff_t order[2 * NQ];
    for (int j = 0; j < 2 * NQ; j++) {
        int m = j;
        while (m > 0 && rk[order[m - 1]] > rk[j]) {
            order[m] = order[m - 1];
            m--;
        }
        order[m] = j;
    }
    double val[2 * NQ];
    ptrdiff_t from = 0;
    for (int m = 0; m < 2 * NQ; m++) {
        ptrdiff_t rank = rk[order[m]];
        if (rank < 0) {
            val[order[m]] = -INFINITY;
        } else if (rank >= ns) {
            val[order[m]] = INFINITY;
        } else {
            select_rank(smp, from, ns - 1, rank);
            val[order[m]] = smp[rank];
            from = rank;
        }
    }
    double lo[NQ], hi[NQ];
    for (int j = 0; j < NQ; j++) {
        lo[j] = val[2 * j];
        hi[j] = val[2 * j + 1];
    }
    /* One pass per block: count below each bracket, copy the values inside it to the block's part
     * of quantile j's region (branch-free: every value is stored, kept if inside). */
    const long nb = inv->n_blocks;
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (long b = 0; b < nb; b++) {
        const long i0 = b * inv->block, i1 = block_end(inv, b);
        double *c0 = inv->cand + (size_t)i0, *c1 = c0 + n, *c2 = c1 + n, *c3 = c2 + n;
        const double l0 = lo[0], l1 = lo[1], l2 = lo[2], l3 = lo[3];
        const double h0 = hi[0], h1 = hi[1], h2 = hi[2], h3 = hi[3];
        ptrdiff_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, n0 = 0, n1 = 0, n2 = 0, n3 = 0;
        for (long i = i0; i < i1; i++) {
            const double x = a[i];
            b0 += x < l0;
            b1 += x < l1;
            b2 += x < l2;
            b3 += x < l3;
            c0[n0] = x;
            c1[n1] = x;
            c2[n2] = x;
            c3[n3] = x;
            n0 += (x >= l0) & (x <= h0);
            n1 += (x >= l1) & (x <= h1);
            n2 += (x >= l2) & (x <= h2);
            n3 += (x >= l3) & (x <= h3);
        }
        ptrdiff_t *qc = inv->qcount + (size_t)b * 8u;
        qc[0] = b0, qc[1] = b1, qc[2] = b2, qc[3] = b3;
        qc[4] = n0, qc[5] = n1, qc[6] = n2, qc[7] = n3;
    }
    int fallback[NQ] = {0, 0, 0, 0};
    /* The four selections are independent (each in its own region of cand). */
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
    for (int j = 0; j < NQ; j++) {
        /* Gather quantile j's candidates to the front of its region, in block order. */
        double *cj = inv->cand + (size_t)j * (size_t)n;
        ptrdiff_t below = 0, nc = 0;
        for (long b = 0; b < nb; b++) {
            ptrdiff_t m = inv->qcount[(size_t)b * 8u + 4u + (size_t)j];
            below += inv->qcount[(size_t)b * 8u + (size_t)j];
            memmove(cj + nc, cj + b * inv->block, (size_t)m * sizeof(double));
            nc += m;
        }
        ptrdiff_t need = g[j] > 0.0 && r[j] + 1 < n ? r[j] + 1 : r[j];
        if (below <= r[j] && need < below + nc)
            q[j] = order_stat_interp(cj, nc, r[j] - below, g[j]);
        else
            fallback[j] = 1;
    }
    if (fallback[0] | fallback[1] | fallback[2] | fallback[3]) {
        memcpy(inv->scratch, a, (size_t)n * sizeof(double));
        for (int j = 0; j < NQ; j++)
            if (fallback[j])
                q[j] = order_stat_interp(inv->scratch, n, r[j], g[j]);
    }
}

enum aim_status aim_investors_step(struct aim_investors *inv, struct aim_market_assets *m,
                                   const double *lab_unit_value, int t, int nthreads,
                                   struct aim_investors_report *out)
{
    const int K = inv->n_assets;
    if (m->n != K)
        return aim_error_set(AIM_ERR_USAGE,
                             "aim_investors_step (month %d): the market has %d assets but the investors were "
                             "created for %d",
                             t, m->n, K);
    if (inv->n_labs > 0 && !lab_unit_value)
        return aim_error_set(AIM_ERR_USAGE,
                             "aim_investors_step (month %d): lab_unit_value is NULL with %d labs", t,
                             inv->n_labs);
    if (nthreads < 1)
        nthreads = 1;
    inv->cur ^= 1; /* strat[cur ^ 1] is now last month's snapshot */

    /* Logit over the strategies' realised returns, intensity beta (max subtracted for range). */
    struct step_terms c;
    double umax = inv->util[0];
    for (int s = 1; s < NSTRAT; s++)
        umax = inv->util[s] > umax ? inv->util[s] : umax;
    double ew[NSTRAT], etot = 0.0;
    for (int s = 0; s < NSTRAT; s++) {
        ew[s] = exp(inv->beta * (inv->util[s] - umax));
        etot += ew[s];
    }
    c.cum[0] = ew[0] / etot;
    c.cum[1] = (ew[0] + ew[1]) / etot;
    c.cum[2] = 1.0;

    /* Per-asset terms: fundamentalists' a_f log(F_k / P_k) with F_k per share = F / N_k, the
     * risk term 1 / sigma_k^2, and 1 / P_k. Inactive assets have price 0 and zero weight. */
    /* Benchmark weights b_k = e * P_k N_k / (sum of active market values) at the pre-trade
     * prices (docs/model.md, "Benchmark-relative demand"); the literal rule has b_k = 0 and a
     * slope of 1 / sigma_k^2. */
    double mv_total = 0.0;
    for (int k = 0; k < K; k++)
        if (m->active[k] && m->price[k] > 0.0 && m->shares[k] > 0.0)
            mv_total += m->price[k] * m->shares[k];
    const int bench = inv->demand_rule == AIM_DEMAND_BENCHMARK;
    int nactive = 0;
    for (int k = 0; k < K; k++) {
        int act = m->active[k] && m->price[k] > 0.0 && m->shares[k] > 0.0;
        if (!m->active[k])
            m->price[k] = 0.0;
        const double bk = act && bench ? inv->equity_share * m->price[k] * m->shares[k] / mv_total : 0.0;
        inv->mask[k] = act ? 1.0 : 0.0;
        inv->pold[k] = act ? m->price[k] : 0.0;
        inv->invp[k] = act ? 1.0 / m->price[k] : 0.0;
        inv->wbase[k] = bk;
        const double var = inv->sigma2[k] > inv->var_min ? inv->sigma2[k] : inv->var_min;
        inv->ivar[k] = act ? (bench ? bk : 1.0) / var : 0.0;
        double fps = act ? m->fundamental[k] / m->shares[k] : 0.0;
        inv->ef[k] = act && fps > 0.0 ? inv->a_f * log(fps / m->price[k]) : (act ? -1.0 : 0.0);
        if (!act)
            inv->last_ret[k] = 0.0;
        nactive += act;
    }
    c.price = inv->pold;
    c.price_new = inv->pnew;
    c.lab_unit_value = lab_unit_value;
    /* Private holdings are revalued when a lab's unit value changed (rounds, defaults) or units
     * were bought since the last revaluation; otherwise every priv[i] already equals
     * sum_l units[i][l] * lab_unit_value[l], so skipping the N x L pass changes no result. */
    const size_t lbytes = (size_t)inv->n_labs * sizeof(double);
    c.revalue = inv->n_labs > 0 && (!inv->priv_valid || memcmp(inv->luv_last, lab_unit_value, lbytes) != 0);
    if (c.revalue)
        memcpy(inv->luv_last, lab_unit_value, lbytes);
    inv->priv_valid = 1;
    c.inv_nactive = nactive > 0 ? 1.0 / (double)nactive : 0.0;

    const long nb = inv->n_blocks;
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
    for (long b = 0; b < nb; b++)
        sweep_demand(inv, b, &c);

    /* Price: log P_k += lambda Z_k / N_k + sigma_p sqrt(dt) eps_k; one shock per asset, drawn
     * for every asset so that the stream does not depend on which firms have defaulted. The
     * impact term is clipped to +-market.max_move, a circuit breaker: under the literal demand rule
     * (market.demand_rule = absolute) desired holdings are not bounded by the shares outstanding
     * (a 40% weight in a stock worth 1% of investors' wealth is 40 times its float); under the
     * benchmark rule it should rarely bind (docs/model.md). Binding months are counted. */
    const double sq = sqrt(inv->dt), mem = 1.0 / inv->risk_memory;
    int limit_moves = 0;
    for (int k = 0; k < K; k++) {
        double zk = 0.0;
        for (long b = 0; b < nb; b++)
            zk += inv->zpart[(size_t)b * inv->kpad + (size_t)k];
        double eps = aim_rng_normal(&inv->market);
        if (inv->mask[k] == 0.0) {
            inv->pnew[k] = 0.0;
            continue;
        }
        /* With mu = 1 the market maker prices against its own inventory: Z_k - inv_k is the sum
         * of desired holdings less the shares outstanding (docs/model.md, "Price rule"). */
        const double raw = inv->lambda * (zk - inv->inventory_weight * inv->mm_inv[k]) / m->shares[k];
        const double impact = min_sd(max_sd(raw, -inv->max_move), inv->max_move);
        limit_moves += impact != raw;
        double r = impact + inv->sigma_p * sq * eps;
        double pnew = exp(log(m->price[k]) + r);
        if (!isfinite(pnew) || !isfinite(r))
            return aim_error_set(
                AIM_ERR_NUMERIC,
                "aim_investors_step (month %d): price of asset %d is not finite (log-return %g "
                "from excess demand %g bn shares); lower market.lambda",
                t, k, r, zk);
        inv->pnew[k] = pnew;
        m->price[k] = pnew;
        inv->last_ret[k] = r;
        inv->sigma2[k] = inv->sigma2[k] + mem * (r * r - inv->sigma2[k]);
    }

#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
    for (long b = 0; b < nb; b++)
        sweep_trade(inv, b, &c);

    /* Reductions in block order. */
    double sent_num = 0.0, sent_den = 0.0, inflow = 0.0, redemption = 0.0, cash = 0.0, pay = 0.0;
    double count[NSTRAT] = {0.0, 0.0, 0.0}, gain[NSTRAT] = {0.0, 0.0, 0.0}, base[NSTRAT] = {0.0, 0.0, 0.0};
    for (long b = 0; b < nb; b++) {
        const struct block_sums *bs = &inv->sums[b];
        sent_num += bs->sent_num;
        sent_den += bs->sent_den;
        inflow += bs->inflow;
        redemption += bs->redemption;
        cash += bs->cash;
        pay += bs->pay;
        for (int s = 0; s < NSTRAT; s++) {
            count[s] += bs->count[s];
            gain[s] += bs->gain[s];
            base[s] += bs->base[s];
        }
    }
    double mm_value = 0.0;
    inv->cash_total = cash;
    for (int k = 0; k < K; k++) {
        double bought = 0.0, held = 0.0;
        for (long b = 0; b < nb; b++) {
            bought += inv->tpart[(size_t)b * inv->kpad + (size_t)k];
            held += inv->hpart[(size_t)b * inv->kpad + (size_t)k];
        }
        inv->held_total[k] = held;
        inv->mm_inv[k] -= bought;
        mm_value += inv->mm_inv[k] * inv->pnew[k];
    }
    inv->mm_cash += pay;

    /* Each strategy's realised monthly return (wealth-weighted over its investors), smoothed
     * with memory return_memory: the utility of the switching logit. */
    const double rmem = 1.0 / inv->return_memory;
    for (int s = 0; s < NSTRAT; s++) {
        double r = base[s] > 0.0 ? gain[s] / base[s] : 0.0;
        inv->util[s] += rmem * (r - inv->util[s]);
    }

    if (out) {
        const double probs[4] = {0.10, 0.50, 0.90, 0.99};
        wealth_quantiles(inv, probs, out->wealth_q, nthreads);
        out->sentiment = sent_den > 0.0 ? sent_num / sent_den : 0.0;
        for (int s = 0; s < NSTRAT; s++)
            out->frac[s] = count[s] / (double)inv->n;
        out->mm_inventory = mm_value;
        out->inflow = inflow;
        out->redemption = redemption;
        out->cash = cash + inv->mm_cash;
        out->limit_moves = limit_moves;
    }
    inv->limit_moves += limit_moves;
    return AIM_OK;
}

double aim_investors_private_round(struct aim_investors *inv, int lab, double sought, double units_per_dollar)
{
    if (lab < 0 || lab >= inv->n_labs || !(sought > 0.0))
        return 0.0;
    /* Offer of investor i: its reserve a_i W_i less what it already holds privately, within its cash. */
    const size_t L = (size_t)inv->n_labs;
    double offers = 0.0;
    for (long b = 0; b < inv->n_blocks; b++) {
        double bsum = 0.0;
        for (long i = b * inv->block; i < block_end(inv, b); i++) {
            double o = inv->reserve[i] * inv->wealth[i] - inv->priv[i];
            double cash = inv->cash[i] > 0.0 ? inv->cash[i] : 0.0;
            o = o < 0.0 ? 0.0 : (o > cash ? cash : o);
            bsum += o;
        }
        offers += bsum;
    }
    if (!(offers > 0.0))
        return 0.0;
    inv->priv_valid = 0; /* priv now holds cost, not units x value: revalue next month */
    /* Pro rata: every offer is filled in the proportion min(sought, offers) / offers. */
    const double fill = sought < offers ? sought / offers : 1.0;
    double raised = 0.0, units = 0.0;
    for (long b = 0; b < inv->n_blocks; b++) {
        double bsum = 0.0, usum = 0.0;
        for (long i = b * inv->block; i < block_end(inv, b); i++) {
            double o = inv->reserve[i] * inv->wealth[i] - inv->priv[i];
            double cash = inv->cash[i] > 0.0 ? inv->cash[i] : 0.0;
            o = o < 0.0 ? 0.0 : (o > cash ? cash : o);
            double paid = o * fill;
            inv->cash[i] -= paid;
            inv->priv[i] += paid;
            double *u = &inv->units[(size_t)i * L + (size_t)lab];
            *u += paid * units_per_dollar;
            bsum += paid;
            usum += *u;
        }
        raised += bsum;
        units += usum;
    }
    inv->units_total[lab] = units;
    return raised;
}

double aim_investors_absorb_issue(struct aim_investors *inv, const struct aim_market_assets *m, int k,
                                  double shares)
{
    if (k < 0 || k >= inv->n_assets || !m->active[k] || !(shares > 0.0) || !(m->price[k] > 0.0))
        return 0.0;
    /* The market maker buys the new shares at the market price; investors buy them from it
     * through their ordinary orders in later months (MODEL.md 5, step 1). */
    const double proceeds = shares * m->price[k];
    inv->mm_inv[k] += shares;
    inv->mm_cash -= proceeds;
    return proceeds;
}

void aim_investors_pay_dividends(struct aim_investors *inv, const double *per_share, const double *per_unit,
                                 double *paid_asset, double *paid_lab)
{
    const int K = inv->n_assets, L = inv->n_labs;
    int listed = 0, labs = 0;
    for (int k = 0; k < K; k++) {
        paid_asset[k] = 0.0;
        listed |= per_share[k] > 0.0;
    }
    for (int l = 0; l < L; l++) {
        paid_lab[l] = 0.0;
        labs |= per_unit[l] > 0.0;
    }
    /* Dividends and buybacks alike are paid pro rata to holdings: a buyback tendered by every
     * holder in proportion leaves the shares of each unchanged. One pass over the investors for
     * the listed assets and one for the labs, each only when something is paid (each investor's
     * row of holdings is contiguous); totals are summed in investor order. */
    const size_t ks = KSTRIDE(inv);
    double *restrict cash = inv->cash, *restrict pa = paid_asset, *restrict pl = paid_lab;
    if (listed) {
        for (long i = 0; i < inv->n; i++) {
            const double *restrict hr = inv->h + IK(inv, i, 0);
            double d = 0.0;
            for (int k = 0; k < K; k++) {
                const double x = hr[k * ks] * per_share[k];
                pa[k] += x;
                d += x;
            }
            cash[i] += d;
        }
        for (int k = 0; k < K; k++) {
            const double mm = inv->mm_inv[k] * per_share[k];
            inv->mm_cash += mm;
            pa[k] += mm;
        }
    }
    if (labs) {
        for (long i = 0; i < inv->n; i++) {
            const double *restrict u = inv->units + (size_t)i * (size_t)L;
            double d = 0.0;
            for (int l = 0; l < L; l++) {
                const double x = u[l] * per_unit[l];
                pl[l] += x;
                d += x;
            }
            cash[i] += d;
        }
    }
}

double aim_investors_lab_units(const struct aim_investors *inv, int lab)
{
    if (lab < 0 || lab >= inv->n_labs)
        return 0.0;
    double total = 0.0;
    for (long b = 0; b < inv->n_blocks; b++) {
        double bsum = 0.0;
        for (long i = b * inv->block; i < block_end(inv, b); i++)
            bsum += inv->units[(size_t)i * (size_t)inv->n_labs + (size_t)lab];
        total += bsum;
    }
    return total;
}

void aim_investors_totals(const struct aim_investors *inv, double *cash, double *mm_cash, double *held,
                          double *mm_held, double *lab_units)
{
    for (int k = 0; k < inv->n_assets; k++) {
        held[k] = inv->held_total[k];
        mm_held[k] = inv->mm_inv[k];
    }
    for (int l = 0; l < inv->n_labs; l++)
        lab_units[l] = inv->units_total[l];
    *cash = inv->cash_total;
    *mm_cash = inv->mm_cash;
}

void aim_investors_credit(struct aim_investors *inv, double amount)
{
    if (!(amount > 0.0))
        return;
    double wsum = 0.0;
    for (long b = 0; b < inv->n_blocks; b++) {
        double bsum = 0.0;
        for (long i = b * inv->block; i < block_end(inv, b); i++)
            bsum += inv->wealth[i] > 0.0 ? inv->wealth[i] : 0.0;
        wsum += bsum;
    }
    if (!(wsum > 0.0)) {
        /* Nobody has positive wealth: equal shares. */
        for (long i = 0; i < inv->n; i++)
            inv->cash[i] += amount / (double)inv->n;
        return;
    }
    const double scale = amount / wsum;
    for (long i = 0; i < inv->n; i++) {
        double part = (inv->wealth[i] > 0.0 ? inv->wealth[i] : 0.0) * scale;
        inv->cash[i] += part;
        inv->wealth[i] += part;
    }
}
