/* `aimsim sensitivity --design SWEEP.yaml --csv RESULTS.csv --output NAME`: Sobol indices or
 * Morris measures (analysis/sensitivity.h) of any model's results at the points of a sweep's
 * design (sim/design.h); docs/sensitivity.md, section "aimsim sensitivity". */
#ifndef AIM_SENSITIVITY_CLI_H
#define AIM_SENSITIVITY_CLI_H

/** @brief Entry point of `aimsim sensitivity` (argv[0] = "sensitivity"); prints a table or JSON;
 * returns 0 ok, 2 for a usage error or unusable input, 1 otherwise. */
int aim_sensitivity_cli_main(int argc, char **argv);

#endif
