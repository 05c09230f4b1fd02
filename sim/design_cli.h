/* `aimsim design SWEEP.yaml`: prints a sweep's design points as CSV without running them. */
#ifndef AIM_DESIGN_CLI_H
#define AIM_DESIGN_CLI_H

/** @brief `aimsim design SWEEP.yaml`: the design as CSV (point,KEY1,...); exit 0, or 2 on errors. */
int aim_design_cli_main(int argc, char **argv);

#endif
