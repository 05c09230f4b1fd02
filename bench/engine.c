/* Throughput of the investor market (MODEL.md 3.4) at the seed scenario's scale, against the
 * machine's memory bandwidth measured in the same run (docs/performance.md).
 *
 * usage: bench_engine [investors=100000] [steps=0 (auto: about 1 s per thread count)] [config]
 *
 * The market is the seed scenario's (configs/seed-2025.yaml, or the config given): its listed
 * clouds and vendors at their share prices and share counts, fundamentals at 0.7 of market value,
 * and its labs' equity held privately (one unit each, valued at the last round's post-money).
 *
 * Figures printed on the last line:
 *   updates_per_s_per_core  investor-asset updates per second with one thread;
 *   stream_fraction         that rate times the bytes one update moves, over the STREAM triad
 *                           bandwidth of one thread measured here (a = b + s c over 3 x 128 MiB);
 *   efficiency_2t           (rate with 2 threads / rate with 1 thread) / 2;
 *   hdf5_share              share of run time spent writing HDF5 in a run of the whole seed
 *                           scenario (world, market and store; 2 replicas x run.steps months at
 *                           the same investor count, one thread) written to a temporary file;
 *                           nan in the variant built without the store (bench_engine_asset_major). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agents/investors.h"
#include "bench/bench_clock.h"
#include "sim/config.h"
#include "sim/error.h"
#ifdef AIM_BENCH_STORE
#include "sim/runner.h"
#include "sim/store.h"
#endif

#define MAX_ASSETS 256
#define MAX_LABS 128

static double cpu_now(void)
{
    return bench_clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static double now(void)
{
    return bench_clock_seconds(CLOCK_MONOTONIC);
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
 *     1/m, 1/gamma and the private value, writes wealth (40); sweep 2 reads the strategy (1),
 *     reads and writes cash, wealth and own return (48), reads the private value (8).
 *   In a month where a lab's unit value changed, sweep 1 also reads the L lab units of each
 *     investor and writes the private value (8L more); the benchmark's unit values are constant,
 *     as they are in the world between funding rounds. The quantile passes are not counted. */
static double bytes_per_update(int n_assets)
{
    double per_ik = 32.0 + 24.0;
    double per_i = 2.0 + 40.0 + 1.0 + 48.0 + 8.0;
    return per_ik + per_i / n_assets;
}

/* The listed assets (clouds and vendors with listed: true) and the labs of a config. */
struct market {
    double price[MAX_ASSETS], shares[MAX_ASSETS], fundamental[MAX_ASSETS];
    int active[MAX_ASSETS];
    int n_labs;
    double lab_units[MAX_LABS], lab_value[MAX_LABS];
    struct aim_market_assets m;
};

static void market_init(struct market *mk, const struct aim_config *cfg)
{
    int n = 0;
    for (int v = 0; v < cfg->vendors.n_firms; v++)
        if (cfg->vendors.firms[v].listed && n < MAX_ASSETS) {
            mk->shares[n] = cfg->vendors.firms[v].shares;
            mk->price[n++] = cfg->vendors.firms[v].share_price;
        }
    for (int c = 0; c < cfg->clouds.n_firms; c++)
        if (cfg->clouds.firms[c].listed && n < MAX_ASSETS) {
            mk->shares[n] = cfg->clouds.firms[c].shares;
            mk->price[n++] = cfg->clouds.firms[c].share_price;
        }
    for (int k = 0; k < n; k++) {
        mk->fundamental[k] = 0.7 * mk->shares[k] * mk->price[k];
        mk->active[k] = 1;
    }
    mk->n_labs = cfg->labs.n_firms < MAX_LABS ? cfg->labs.n_firms : MAX_LABS;
    for (int l = 0; l < mk->n_labs; l++) {
        mk->lab_units[l] = 1.0;
        mk->lab_value[l] = cfg->labs.firms[l].valuation;
    }
    mk->m.n = n;
    mk->m.price = mk->price;
    mk->m.shares = mk->shares;
    mk->m.fundamental = mk->fundamental;
    mk->m.active = mk->active;
}

/* Seconds per step of the market with nthreads threads over steps months (after a warm-up). */
static int time_market(struct aim_investors *inv, const struct aim_config *cfg, int nthreads, int steps,
                       double *sec_per_step, double *cpu_per_step)
{
    struct market mk;
    market_init(&mk, cfg);
    struct aim_investors_report rep;
    if (aim_investors_reset(inv, 2025u, 0u, 0u, &mk.m, mk.lab_units) != AIM_OK)
        return 1;
    for (int t = 0; t < 3; t++)
        if (aim_investors_step(inv, &mk.m, mk.lab_value, t, nthreads, &rep) != AIM_OK)
            return 1;
    double t0 = now(), c0 = cpu_now();
    for (int t = 3; t < 3 + steps; t++)
        if (aim_investors_step(inv, &mk.m, mk.lab_value, t, nthreads, &rep) != AIM_OK)
            return 1;
    *sec_per_step = (now() - t0) / steps;
    *cpu_per_step = (cpu_now() - c0) / steps;
    return 0;
}

/* Share of a whole run's time spent writing HDF5 (the runner times its writes). */
static double time_store(const struct aim_config *seed)
{
#ifdef AIM_BENCH_STORE
    struct aim_config *copy = malloc(sizeof *copy);
    if (!copy)
        return NAN;
    *copy = *seed;
    struct aim_config *cf = copy;
    cf->run.replicas = 2;
    char path[64];
    snprintf(path, sizeof path, "/tmp/bench_engine_%ld.h5", (long)getpid());
    char *yaml = NULL;
    struct aim_runner_layout rl;
    struct aim_store *st = NULL;
    struct aim_runner_report report;
    double share = NAN;
    if (aim_config_emit(cf, &yaml) == AIM_OK && aim_runner_layout_init(&rl, cf, 1) == AIM_OK) {
        struct aim_store_provenance prov = {yaml, cf->run.seed, NULL, NULL};
        if (aim_store_create(&st, path, &rl.store, &prov) == AIM_OK) {
            struct aim_runner_options opt = {1, 0, 0, (int)cf->run.replicas, 0, NULL, NULL, NULL, NULL};
            if (aim_runner_run(cf, st, &opt, &report) == AIM_OK && report.seconds > 0.0) {
                share = report.write_seconds / report.seconds;
                printf("whole run: %d replicas x %ld months in %.2f s, %.3f s writing HDF5\n",
                       report.replicas_run, cf->run.steps, report.seconds, report.write_seconds);
            }
            aim_store_close(st);
        }
    }
    if (isnan(share))
        fprintf(stderr, "bench_engine: the HDF5 part failed: %s\n", aim_error_message());
    unlink(path);
    free(yaml);
    free(copy);
    return share;
#else
    (void)seed;
    return NAN;
#endif
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int steps = argc > 2 ? atoi(argv[2]) : 0;
    const char *path = argc > 3 ? argv[3] : AIM_BENCH_SEED_CONFIG;
    if (n < 1 || steps < 0) {
        fprintf(stderr, "usage: bench_engine [investors >= 1] [steps >= 0] [config]\n");
        return 2;
    }
    struct aim_config *cfg;
    if (aim_config_create(&cfg) != AIM_OK || aim_config_load_file(cfg, path) != AIM_OK) {
        fprintf(stderr, "bench_engine: %s\n", aim_error_message());
        return 1;
    }
    cfg->investors.count = n;
    struct market probe_market;
    market_init(&probe_market, cfg);
    const int n_assets = probe_market.m.n, n_labs = probe_market.n_labs;
    struct aim_investors *inv;
    if (aim_investors_create(&inv, cfg, n_assets, n_labs) != AIM_OK) {
        fprintf(stderr, "bench_engine: %s\n", aim_error_message());
        return 1;
    }
#ifdef AIM_INVESTORS_ASSET_MAJOR
    const char *layout = "asset-major [k*N+i]";
#else
    const char *layout = "investor-major [i*K+k]";
#endif
    printf("investor market of %s: %ld investors, %d listed assets, %d labs, block %ld, layout %s\n", path, n,
           n_assets, n_labs, cfg->investors.block_size, layout);

    /* Steps for about a second at one thread, from a short probe. */
    double probe, cpu;
    if (time_market(inv, cfg, 1, 2, &probe, &cpu)) {
        fprintf(stderr, "bench_engine: %s\n", aim_error_message());
        return 1;
    }
    if (steps == 0)
        steps = (int)fmax(5.0, fmin(2000.0, 1.0 / probe));

    /* Alternate 1 and 2 threads five times and keep the best of each: the machine is shared. */
    double s1 = 1e300, s2 = 1e300, c1 = 1e300;
    for (int rep = 0; rep < 5; rep++) {
        double a, b, ca, cb;
        if (time_market(inv, cfg, 1, steps, &a, &ca) || time_market(inv, cfg, 2, steps, &b, &cb)) {
            fprintf(stderr, "bench_engine: %s\n", aim_error_message());
            return 1;
        }
        s1 = a < s1 ? a : s1;
        s2 = b < s2 ? b : s2;
        c1 = ca < c1 ? ca : c1;
    }
    aim_investors_free(inv);
    const double updates = (double)n * n_assets;
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

    const double bpu = bytes_per_update(n_assets);
    const double frac = rate1 * bpu / bw1;
    const double eff = rate2 / rate1 / 2.0;
    printf(
        "steps per timing: %d; ms per step: %.3f (1 thread), %.3f (2 threads); CPU ms per step at 1 thread: "
        "%.3f\n",
        steps, 1e3 * s1, 1e3 * s2, 1e3 * c1);
    printf("updates/s: %.4g (1 thread), %.4g (2 threads); by CPU time at 1 thread: %.4g\n", rate1, rate2,
           updates / c1);
    printf("bytes per update: %.1f; market traffic at 1 thread: %.3g GB/s\n", bpu, rate1 * bpu * 1e-9);
    printf("STREAM triad: %.3g GB/s (1 thread), %.3g GB/s (2 threads)\n", bw1 * 1e-9, bw2 * 1e-9);
    const double hdf5 = time_store(cfg);
    aim_config_free(cfg);
    printf("updates_per_s_per_core=%.4g stream_fraction=%.3f efficiency_2t=%.3f hdf5_share=%.3f\n", rate1,
           frac, eff, hdf5);
    return 0;
}
