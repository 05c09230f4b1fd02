/* bench_world: time per month of one replica of the seed scenario (firms and investors), with
 * --set style overrides: build/bench_world [key=value]...  Prints the time per step, the time
 * of the firm-level part alone (same run with one investor), the largest stock-flow residual and
 * the asset-months in which the market's circuit breaker (market.max_move) bound. */
#include "sim/world.h"
#include "sim/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Runs replica 0; returns milliseconds per step, or a negative number on failure. */
static double bench_run(const struct aim_config *cfg, int nthreads, double *residual, long *limit_moves)
{
    struct aim_world *w = NULL;
    struct aim_traj *tr = NULL;
    int n = aim_world_firm_count(cfg), steps = (int)cfg->run.steps;
    if (aim_world_create(&w, cfg) != AIM_OK || aim_traj_create(&tr, n, steps + 1, 12) != AIM_OK ||
        aim_world_reset(w, cfg->run.seed, 0, 0, tr) != AIM_OK) {
        fprintf(stderr, "bench_world: %s\n", aim_error_message());
        return -1.0;
    }
    double t0 = bench_now();
    for (int t = 0; t < steps; t++) {
        if (aim_world_step(w, nthreads, tr) != AIM_OK) {
            fprintf(stderr, "bench_world: %s\n", aim_error_message());
            return -1.0;
        }
    }
    double ms = 1e3 * (bench_now() - t0) / steps;
    *limit_moves = aim_world_limit_moves(w);
    *residual = 0.0;
    for (int t = 0; t <= steps; t++) {
        *residual = fmax(*residual, fabs(tr->market[AIM_MV_residual][t]));
    }
    aim_traj_free(tr);
    aim_world_free(w);
    return ms;
}

int main(int argc, char **argv)
{
    struct aim_config *cfg = NULL;
    if (aim_config_create(&cfg) != AIM_OK || aim_config_load_seed(cfg) != AIM_OK) {
        fprintf(stderr, "bench_world: %s\n", aim_error_message());
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (aim_config_set(cfg, argv[i]) != AIM_OK) {
            fprintf(stderr, "bench_world: %s\n", aim_error_message());
            return 2;
        }
    }
    double res = 0.0, res1 = 0.0;
    long lm = 0, lm1 = 0;
    double ms = bench_run(cfg, 1, &res, &lm);
    long count = cfg->investors.count;
    aim_config_set(cfg, "investors.count=1");
    double ms1 = bench_run(cfg, 1, &res1, &lm1);
    if (ms < 0.0 || ms1 < 0.0) {
        return 1;
    }
    printf("investors=%ld steps=%ld threads=1 ms_per_step=%.3f firms_ms_per_step=%.3f max_residual=%.2e "
           "limit_moves=%ld\n",
           count, cfg->run.steps, ms, ms1, fmax(res, res1), lm);
    aim_config_free(cfg);
    return 0;
}
