/* `aimsim psy FILE.csv`: the Phillips–Shi–Yu bubble test on any series in a CSV file
 * (analysis/psy.h), with critical values (analysis/critval.h) and episodes
 * (analysis/datestamp.h); docs/analysis.md, section Phillips–Shi–Yu. */
#ifndef AIM_PSY_CLI_H
#define AIM_PSY_CLI_H

/** @brief Entry point of `aimsim psy` (argv[0] = "psy"); prints ADF, SADF, GSADF, critical values
 * and episodes (or JSON); returns 0 ok, 2 for a usage error or unusable input, 1 otherwise. */
int aim_psy_cli_main(int argc, char **argv);

#endif
