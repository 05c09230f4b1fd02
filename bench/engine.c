/* Throughput of the investor market (MODEL.md 3.4) at the seed scenario's scale, against the
 * machine's memory bandwidth measured in the same run (docs/performance.md).
 *
 * usage: bench_engine [investors=100000] [steps=0 (auto: about 1 s per thread count)]
 *
 * Figures printed on the last line:
 *   updates_per_s_per_core  investor-asset updates per second with one thread;
 *   stream_fraction         that rate times the bytes one update moves, over the STREAM triad
 *                           bandwidth of one thread measured here (a = b + s c over 3 x 128 MiB);
 *   efficiency_2t           (rate with 2 threads / rate with 1 thread) / 2;
 *   hdf5_share              share of run time spent writing HDF5: nan until the store
 *                           (sim/store.c) exists; time_store() below is where it plugs in. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agents/investors.h"
#include "sim/config.h"
#include "sim/error.h"

/* The listed assets of the seed scenario: 3 vendors and 4 clouds (MODEL.md 11), rounded late-2025
 * market figures: shares (bn), price ($), fundamental ($B, below market value). */
#define N_ASSETS 7
#define N_LABS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Every default of sim/params.def (lists empty): the investors read only scalar sections. */
static void config_defaults(struct aim_config *c)
{
    memset(c, 0, sizeof *c);
#define AIM_P_REAL(sec, key, def, lo, hi, unit, doc) c->sec.key = (def);
#define AIM_P_INT(sec, key, def, lo, hi, unit, doc) c->sec.key = (def);
#define AIM_P_U64(sec, key, def, unit, doc) c->sec.key = (def);
#define AIM_P_BOOL(sec, key, def, doc) c->sec.key = (def);
#define AIM_P_ENUM(sec, key, def, choices, doc) c->sec.key = (def);
#include "sim/params.def"
}

/* STREAM triad a[i] = b[i] + s * c[i] with nthreads threads; best of reps, bytes counted as
 * STREAM does (24 per element: two reads, one write, no write-allocate). */
static double triad_bandwidth(double *a, const double *b, const double *c, long n, int nthreads, int reps)
{
    double best = 1e300;
    const double s = 1.0000001;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
#pragma omp parallel for num_threads(nthreads) schedule(static)
        for (long i = 0; i < n; i++)
            a[i] = b[i] + s * c[i];
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    return 24.0 * (double)n / best;
}

/* Bytes one investor-asset update moves (reads plus writes, as STREAM counts them), from the
 * arrays aim_investors_step touches (agents/investors.c):
 *   per investor and asset: sweep 1 reads h, reads and writes trend, writes d (32); sweep 2 reads
 *     and writes h, reads d (24);
 *   per investor: sweep 1 reads the strategy snapshot, writes the strategy (2), reads cash,
 *     1/m, 1/gamma and L lab units, writes private value and wealth (40 + 8L); sweep 2 reads the
 *     strategy (1), reads and writes cash, wealth and own return (48), reads private value (8),
 *     writes the quantile scratch (8). The quantile selection's passes are not counted. */
static double bytes_per_update(int n_assets, int n_labs)
{
    double per_ik = 32.0 + 24.0;
    double per_i = 2.0 + 40.0 + 8.0 * n_labs + 1.0 + 48.0 + 8.0 + 8.0;
    return per_ik + per_i / n_assets;
}

struct market {
    double price[N_ASSETS], shares[N_ASSETS], fundamental[N_ASSETS];
    int active[N_ASSETS];
    struct aim_market_assets m;
};

static void market_init(struct market *mk)
{
    /* vendors: NVIDIA, AMD, Broadcom; clouds: Microsoft, Amazon, Alphabet, Oracle */
    const double shares[N_ASSETS] = {24.3, 1.62, 4.7, 7.43, 10.7, 12.1, 2.85};
    const double price[N_ASSETS] = {180.0, 240.0, 350.0, 480.0, 230.0, 300.0, 220.0};
    for (int k = 0; k < N_ASSETS; k++) {
        mk->shares[k] = shares[k];
        mk->price[k] = price[k];
        mk->fundamental[k] = 0.7 * shares[k] * price[k];
        mk->active[k] = 1;
    }
    mk->m.n = N_ASSETS;
    mk->m.price = mk->price;
    mk->m.shares = mk->shares;
    mk->m.fundamental = mk->fundamental;
    mk->m.active = mk->active;
}

/* Seconds per step of the market with nthreads threads over steps months (after a warm-up). */
static int time_market(struct aim_investors *inv, int nthreads, int steps, double *sec_per_step)
{
    struct market mk;
    market_init(&mk);
    const double lab_units[N_LABS] = {1.0, 1.0, 1.0, 1.0, 1.0};
    const double lab_value[N_LABS] = {35.0, 18.0, 9.5, 4.2, 2.3};
    struct aim_investors_report rep;
    if (aim_investors_reset(inv, 2025u, 0u, 0u, &mk.m, lab_units) != AIM_OK)
        return 1;
    for (int t = 0; t < 3; t++)
        if (aim_investors_step(inv, &mk.m, lab_value, t, nthreads, &rep) != AIM_OK)
            return 1;
    double t0 = now();
    for (int t = 3; t < 3 + steps; t++)
        if (aim_investors_step(inv, &mk.m, lab_value, t, nthreads, &rep) != AIM_OK)
            return 1;
    *sec_per_step = (now() - t0) / steps;
    return 0;
}

/* Share of run time spent writing HDF5: needs the store (sim/store.c), not yet available. */
static double time_store(void)
{
    return NAN;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int steps = argc > 2 ? atoi(argv[2]) : 0;
    if (n < 1 || steps < 0) {
        fprintf(stderr, "usage: bench_engine [investors >= 1] [steps >= 0]\n");
        return 2;
    }
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = n;
    struct aim_investors *inv;
    if (aim_investors_create(&inv, &cfg, N_ASSETS, N_LABS) != AIM_OK) {
        fprintf(stderr, "bench_engine: %s\n", aim_error_message());
        return 1;
    }
#ifdef AIM_INVESTORS_ASSET_MAJOR
    const char *layout = "asset-major [k*N+i]";
#else
    const char *layout = "investor-major [i*K+k]";
#endif
    printf("investor market: %ld investors, %d listed assets, %d labs, block %ld, layout %s\n", n, N_ASSETS,
           N_LABS, cfg.investors.block_size, layout);

    /* Steps for about a second at one thread, from a short probe. */
    double probe;
    if (time_market(inv, 1, 2, &probe)) {
        fprintf(stderr, "bench_engine: %s\n", aim_error_message());
        return 1;
    }
    if (steps == 0)
        steps = (int)fmax(5.0, fmin(2000.0, 1.0 / probe));

    /* Alternate 1 and 2 threads three times and keep the best of each: the machine is shared. */
    double s1 = 1e300, s2 = 1e300;
    for (int rep = 0; rep < 3; rep++) {
        double a, b;
        if (time_market(inv, 1, steps, &a) || time_market(inv, 2, steps, &b)) {
            fprintf(stderr, "bench_engine: %s\n", aim_error_message());
            return 1;
        }
        s1 = a < s1 ? a : s1;
        s2 = b < s2 ? b : s2;
    }
    aim_investors_free(inv);
    const double updates = (double)n * N_ASSETS;
    const double rate1 = updates / s1, rate2 = updates / s2;

    const long tn = 16L * 1024 * 1024; /* 3 arrays x 128 MiB, 12 x the L3 of the test machine */
    double *a = malloc((size_t)tn * 8u), *b = malloc((size_t)tn * 8u), *c = malloc((size_t)tn * 8u);
    if (!a || !b || !c) {
        fprintf(stderr, "bench_engine: out of memory for the triad arrays (3 x %ld doubles)\n", tn);
        return 1;
    }
    for (long i = 0; i < tn; i++) {
        a[i] = 0.0;
        b[i] = 1.0 + (double)(i & 7);
        c[i] = 2.0;
    }
    const double bw1 = triad_bandwidth(a, b, c, tn, 1, 5);
    const double bw2 = triad_bandwidth(a, b, c, tn, 2, 5);
    free(a);
    free(b);
    free(c);

    const double bpu = bytes_per_update(N_ASSETS, N_LABS);
    const double frac = rate1 * bpu / bw1;
    const double eff = rate2 / rate1 / 2.0;
    printf("steps per timing: %d; ms per step: %.3f (1 thread), %.3f (2 threads)\n", steps, 1e3 * s1,
           1e3 * s2);
    printf("updates/s: %.4g (1 thread), %.4g (2 threads)\n", rate1, rate2);
    printf("bytes per update: %.1f; market traffic at 1 thread: %.3g GB/s\n", bpu, rate1 * bpu * 1e-9);
    printf("STREAM triad: %.3g GB/s (1 thread), %.3g GB/s (2 threads)\n", bw1 * 1e-9, bw2 * 1e-9);
    printf("updates_per_s_per_core=%.4g stream_fraction=%.3f efficiency_2t=%.3f hdf5_share=%.3f\n", rate1,
           frac, eff, time_store());
    return 0;
}
