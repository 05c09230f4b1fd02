/* `aimsim reproduce FILE`: reruns units of a run file and checks them bit for bit (sim/reproduce.h). */
#ifndef AIM_REPRODUCE_CLI_H
#define AIM_REPRODUCE_CLI_H

/** @brief `aimsim reproduce FILE [--point P] [--replica R] [--threads N] [--ignore-provenance]`. */
int aim_reproduce_cli_main(int argc, char **argv);

#endif
