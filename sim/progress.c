/* The progress display (sim/progress.h). */
#include "sim/progress.h"

#include <math.h>
#include <stdio.h>

#include "sim/cli.h"

/* A bar redrawn in place on a terminal; a line every p->every seconds (and at the end) otherwise. */
void aim_progress_cb(void *ctx, int done, int total, double elapsed)
{
    struct aim_progress *p = ctx;
    if (p->quiet) {
        return;
    }
    double rate = elapsed > 0 ? done / elapsed : 0.0;
    char eta[32], el[32];
    aim_cli_hms(eta, sizeof eta, rate > 0 ? (total - done) / rate : NAN);
    aim_cli_hms(el, sizeof el, elapsed);
    if (p->tty) {
        if (done < total && elapsed - p->last_print < 0.2) {
            return;
        }
        int width = 30, fill = total > 0 ? (int)((long)width * done / total) : width;
        char bar[64];
        for (int i = 0; i < width; i++) {
            bar[i] = i < fill ? '#' : '.';
        }
        bar[width] = '\0';
        fprintf(stderr, "\r[%s] %d/%d %s  %.2f/s  elapsed %s  ETA %s ", bar, done, total, p->unit, rate, el,
                eta);
        if (done == total) {
            fputc('\n', stderr);
        }
    } else {
        if (done < total && elapsed - p->last_print < p->every) {
            return;
        }
        fprintf(stderr, "aimsim run: %d/%d %s done, %.2f %s/s, elapsed %s, ETA %s\n", done, total, p->unit,
                rate, p->unit, el, eta);
    }
    fflush(stderr);
    p->last_print = elapsed;
    p->last_done = done;
}
