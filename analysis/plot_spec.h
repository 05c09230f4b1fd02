/* What every figure writer of `aimsim plot` receives: the loaded run, where and how to write, and
 * the figure's own choices (docs/figures.md). A plain struct shared by analysis/plot_*.c. */
#ifndef AIM_PLOT_SPEC_H
#define AIM_PLOT_SPEC_H

#include "analysis/plot_gp.h"
#include "analysis/plot_run.h"

/** @brief One figure to write: NAME.dat and NAME.gp into dir. */
struct aim_plot_spec {
    const struct aim_plot_run *run;
    const char *dir;  /* output directory */
    const char *name; /* figure name: file names NAME.dat, NAME.gp */
    int force;        /* 1: replace existing files */
    enum aim_plot_gp_format format;
    int replica;           /* bsadf, balance: replica (-1: the figure's default) */
    int month;             /* balance: snapshot month (-1: the last) */
    const char *indicator; /* sweep figures: what to plot (NULL: the default) */
    int width, height;     /* size in pixels (points for pdf) */
    char note[256];        /* out: what the figure chose (e.g. "replica 3, median GSADF") */
};

#endif
