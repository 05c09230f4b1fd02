/* `aimsim analyze RUN.h5`: computes the indicators of a run file (analysis/analyze.h), writes the
 * /analysis group and prints a summary table or JSON (docs/analysis.md). */
#ifndef AIM_ANALYZE_CLI_H
#define AIM_ANALYZE_CLI_H

/** @brief Entry point of `aimsim analyze` (argv[0] = "analyze"); returns 0 ok, 1 failure while
 * writing, 2 usage error or bad input file (not aimsim's, truncated, partial). */
int aim_analyze_cli_main(int argc, char **argv);

#endif
