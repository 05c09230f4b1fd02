/* Clocks shared by the benchmark programs (not part of the library). */
#ifndef AIM_BENCH_CLOCK_H
#define AIM_BENCH_CLOCK_H

#include <time.h>

/** @brief Seconds on the given clock (CLOCK_MONOTONIC for wall time, a CPU-time clock for CPU time). */
static inline double bench_clock_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
