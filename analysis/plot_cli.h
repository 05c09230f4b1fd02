/* `aimsim plot RUN.h5`: figures of a run file as gnuplot scripts, their data and the rendered
 * images (docs/figures.md). */
#ifndef AIM_PLOT_CLI_H
#define AIM_PLOT_CLI_H

/** @brief Entry point of `aimsim plot` (argv[0] = "plot"); returns 0 ok, 1 gnuplot or writing
 * failed (the .dat and .gp files are still written), 2 usage error or bad input file. */
int aim_plot_cli_main(int argc, char **argv);

#endif
