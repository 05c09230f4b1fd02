/* GSADF timing on random walks of T = 500, 1000, 2000, 4000 with lag 0 and lag 2 (default
 * window, exuber convention), and the 2000-replication Monte Carlo critical values at T = 547.
 * Each GSADF figure is the best of 9 runs (5 at T = 4000), wall clock and thread CPU time, to see
 * past other load on the machine. The last line is gsadf_t2000_lag0_s=<seconds>
 * growth_per_doubling=<ratio> (wall clock), the ratio being the geometric mean of the lag-0 time
 * ratios between successive doublings. Usage: bench_psy [--no-cv] [--reps N]. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/critval.h"
#include "analysis/psy.h"
#include "bench/bench_clock.h"
#include "sim/rng.h"

static double now(void)
{
    return bench_clock_seconds(CLOCK_MONOTONIC);
}

static double cpu_now(void)
{
    return bench_clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

static double time_gsadf(const double *y, size_t n, int lag, int repeats, double *gsadf, double *cpu)
{
    struct aim_psy_options o;
    aim_psy_options_init(&o);
    o.lag = lag;
    size_t levels;
    aim_psy_min_levels(&o, n, &levels);
    double *bsadf = malloc((n - levels + 1) * sizeof *bsadf);
    double best = HUGE_VAL;
    *cpu = HUGE_VAL;
    for (int r = 0; r < repeats; r++) {
        double c0 = cpu_now();
        double t0 = now();
        if (aim_psy_sequences(y, n, &o, NULL, bsadf) != AIM_OK) {
            fprintf(stderr, "bench_psy: %s\n", aim_error_message());
            exit(1);
        }
        double g = -HUGE_VAL;
        for (size_t i = 0; i + levels <= n; i++) {
            g = fmax(g, bsadf[i]);
        }
        double dt = now() - t0;
        best = fmin(best, dt);
        *cpu = fmin(*cpu, cpu_now() - c0);
        *gsadf = g;
    }
    free(bsadf);
    return best;
}

int main(int argc, char **argv)
{
    int do_cv = 1, reps = 2000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-cv") == 0) {
            do_cv = 0;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_psy [--no-cv] [--reps N]\n");
            return 2;
        }
    }
    static const size_t sizes[] = {500, 1000, 2000, 4000};
    double t_lag0[4] = {0}, c_lag0[4] = {0};
    struct aim_pcg64 rng;
    double *y = malloc(4000 * sizeof *y);
    printf("%6s %4s %12s %12s %12s\n", "T", "lag", "gsadf", "wall_s", "cpu_s");
    for (int lag = 0; lag <= 2; lag += 2) {
        for (int s = 0; s < 4; s++) {
            size_t n = sizes[s];
            aim_rng_stream(&rng, 20261126, 0, (uint64_t)n, 0, AIM_RNG_ANALYSIS);
            double v = 0.0;
            for (size_t i = 0; i < n; i++) {
                v += aim_rng_normal(&rng);
                y[i] = v;
            }
            double g = 0.0, cpu = 0.0;
            double dt = time_gsadf(y, n, lag, n <= 2000 ? 9 : 5, &g, &cpu);
            if (lag == 0) {
                t_lag0[s] = dt;
                c_lag0[s] = cpu;
            }
            printf("%6zu %4d %12.6f %12.6f %12.6f\n", n, lag, g, dt, cpu);
        }
    }
    if (do_cv) {
        struct aim_critval_options co;
        aim_critval_options_init(&co);
        co.replications = reps;
        co.seed = 123;
        co.use_cache = 0;
        struct aim_critval *cv = NULL;
        double t0 = now();
        if (aim_critval_create(&cv, 547, &co) != AIM_OK) {
            fprintf(stderr, "bench_psy: %s\n", aim_error_message());
            return 1;
        }
        double dt = now() - t0;
        printf("critval T=547 reps=%d threads=%d seconds=%.3f gsadf95=%.4f\n", reps, omp_get_max_threads(),
               dt, cv->gsadf[1]);
        aim_critval_free(cv);
    }
    printf("cpu: gsadf_t2000_lag0_cpu_s=%.6f growth_per_doubling_cpu=%.3f\n", c_lag0[2],
           pow(c_lag0[3] / c_lag0[0], 1.0 / 3.0));
    double growth = pow(t_lag0[3] / t_lag0[0], 1.0 / 3.0);
    printf("gsadf_t2000_lag0_s=%.6f growth_per_doubling=%.3f\n", t_lag0[2], growth);
    free(y);
    return 0;
}
