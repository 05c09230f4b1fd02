/* Sobol analysis (first and total order, and with second order) of a 10-factor G-function on a
 * Saltelli sample of N = 4096 base rows with 1,000 bootstrap resamples: the cost of
 * `aimsim sensitivity` once a sweep's outputs are in memory. The sample is built from uniform
 * random A and B (the estimator's cost does not depend on how the points were drawn). Each figure
 * is the best of 5 runs, wall clock and thread CPU time, on the threads OMP_NUM_THREADS allows
 * (OMP_NUM_THREADS=1 for one core). The last line is sobol_d10_n4096_boot1000_s=<seconds>.
 * Usage: bench_sensitivity [--n N] [--boot B]. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/sensitivity.h"
#include "bench/bench_clock.h"
#include "sim/rng.h"

#define D 10

static double g_function(const double *u)
{
    static const double a[D] = {0, 1, 4.5, 9, 99, 99, 99, 99, 99, 99};
    double g = 1.0;
    for (int i = 0; i < D; i++) {
        g *= (fabs(4.0 * u[i] - 2.0) + a[i]) / (1.0 + a[i]);
    }
    return g;
}

static double time_sobol(const double *y, size_t n, enum aim_sensitivity_layout layout, int n_boot,
                         double *cpu, double *s1_first)
{
    struct aim_sensitivity_options o;
    aim_sensitivity_options_init(&o);
    o.n_boot = n_boot;
    o.seed = 20261129;
    double *work = malloc(aim_sensitivity_sobol_work_size(D, layout, n_boot) * sizeof *work);
    struct aim_sensitivity_index s1[D], st[D], s2[D * D];
    double best = HUGE_VAL;
    *cpu = HUGE_VAL;
    for (int rep = 0; rep < 5; rep++) {
        double c0 = bench_clock_seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = bench_clock_seconds(CLOCK_MONOTONIC);
        if (aim_sensitivity_sobol(y, n, D, layout, &o, work, s1, st,
                                  layout == AIM_SENSITIVITY_SECOND_ORDER ? s2 : NULL, NULL) != AIM_OK) {
            fprintf(stderr, "bench_sensitivity: %s\n", aim_error_message());
            exit(1);
        }
        best = fmin(best, bench_clock_seconds(CLOCK_MONOTONIC) - t0);
        *cpu = fmin(*cpu, bench_clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0);
    }
    *s1_first = s1[0].estimate;
    free(work);
    return best;
}

int main(int argc, char **argv)
{
    size_t n = 4096;
    int n_boot = 1000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) {
            n = (size_t)atol(argv[++i]);
        } else if (strcmp(argv[i], "--boot") == 0 && i + 1 < argc) {
            n_boot = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_sensitivity [--n N] [--boot B]\n");
            return 2;
        }
    }
    double *a = malloc(n * D * sizeof *a), *b = malloc(n * D * sizeof *b);
    double *y = malloc(aim_sensitivity_saltelli_size(n, D, AIM_SENSITIVITY_SECOND_ORDER) * sizeof *y);
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 20261129, 0, 0, 0, 99);
    for (size_t q = 0; q < n * D; q++) {
        a[q] = aim_rng_uniform(&rng);
        b[q] = aim_rng_uniform(&rng);
    }
    double row[D];
    for (int k = 0; k < 2 * D + 2; k++) {
        for (size_t j = 0; j < n; j++) {
            int from_b = k == 1 || k >= D + 2;
            memcpy(row, (from_b ? b : a) + j * D, sizeof row);
            int col = k >= 2 && k < D + 2 ? k - 2 : k >= D + 2 ? k - 2 - D : -1;
            if (col >= 0) {
                row[col] = (from_b ? a : b)[j * D + (size_t)col];
            }
            y[(size_t)k * n + j] = g_function(row);
        }
    }
    double cpu1 = 0.0, cpu2 = 0.0, s1a = 0.0, s1b = 0.0;
    double t1 = time_sobol(y, n, AIM_SENSITIVITY_FIRST_TOTAL, n_boot, &cpu1, &s1a);
    double t2 = time_sobol(y, n, AIM_SENSITIVITY_SECOND_ORDER, n_boot, &cpu2, &s1b);
    printf("threads=%d D=%d N=%zu n_boot=%d\n", omp_get_max_threads(), D, n, n_boot);
    printf("first+total:  wall_s=%.4f cpu_s=%.4f S1_1=%.4f\n", t1, cpu1, s1a);
    printf("second order: wall_s=%.4f cpu_s=%.4f S1_1=%.4f\n", t2, cpu2, s1b);
    printf("sobol_d10_n%zu_boot%d_s=%.4f\n", n, n_boot, t1);
    free(a);
    free(b);
    free(y);
    return 0;
}
