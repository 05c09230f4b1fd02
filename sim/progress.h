/* The progress display of a long run: a bar redrawn in place on a terminal, a line every 10 s
 * (every so many seconds) otherwise; done/total units, rate, elapsed time and ETA. */
#ifndef AIM_PROGRESS_H
#define AIM_PROGRESS_H

/** @brief State of one display. */
struct aim_progress {
    int tty;
    int quiet;
    double last_print;
    int last_done;
    const char *unit; /* "replicas", or "units" (point, replica) of a sweep */
    double every;     /* seconds between lines when not on a terminal (--progress-every, default 10) */
};

/** @brief Shows done of total after elapsed seconds (ctx: struct aim_progress); the signature of
 * aim_runner_progress_fn. */
void aim_progress_cb(void *ctx, int done, int total, double elapsed);

#endif
