/* Runs `aimsim psy` without the rest of the program: psy_cli_driver psy FILE.csv [options]. */
#include <stdio.h>
#include <string.h>

#include "analysis/psy_cli.h"

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "psy") != 0) {
        fputs("usage: psy_cli_driver psy FILE.csv [options]\n", stderr);
        return 2;
    }
    return aim_psy_cli_main(argc - 1, argv + 1);
}
