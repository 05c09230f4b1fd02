/* `aimsim design SWEEP.yaml` (docs/cli.md, docs/sweeps.md). */
#include "sim/design_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "sim/design.h"

static const char aim_design_cli_help[] =
    "Usage: aimsim design SWEEP.yaml\n"
    "Prints the points of the sweep's design (its sweep: section) as CSV: the header\n"
    "point,KEY1,KEY2,... in the factors' order (then the cross factors), one row per point,\n"
    "values with 17 significant digits. A file holding only a sweep: section is a design for\n"
    "any model: its factor keys may be any names; in a full config they must be numeric keys,\n"
    "and integer keys are rounded. docs/sweeps.md defines each design and its point order.\n"
    "Exit status: 0 ok, 2 usage or configuration error.\n";

/* The directory of path ("." when it has none), where a relative sweep.file is looked up. */
static void aim_design_cli_dir(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(buf, size, ".");
    } else if (slash == path) {
        snprintf(buf, size, "/");
    } else {
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
    }
}

int aim_design_cli_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(aim_design_cli_help, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "aimsim design: expected one argument, the sweep file (aimsim design SWEEP.yaml)\n"
                        "Try 'aimsim design --help'.\n");
        return 2;
    }
    const char *path = argv[1];
    struct aim_config *cfg = NULL;
    struct aim_design *d = NULL;
    int sweep_only = 0;
    char dir[4096];
    aim_design_cli_dir(path, dir, sizeof dir);
    enum aim_status s = aim_config_create(&cfg);
    if (!s) {
        s = aim_config_load_file_kind(cfg, path, &sweep_only);
    }
    if (!s && cfg->sweep.design == AIM_DESIGN_NONE) {
        s = aim_error_set(AIM_ERR_CONFIG,
                          "%s: no sweep.design; a design file has a sweep: section with a design "
                          "and its factors (docs/sweeps.md)",
                          path);
    }
    if (!s) {
        s = aim_design_from_config(cfg, dir, !sweep_only, &d);
    }
    if (s) {
        fprintf(stderr, "aimsim design: %s\n", aim_error_message());
        aim_config_free(cfg);
        return aim_error_exit_code(s);
    }
    fputs("point", stdout);
    for (int j = 0; j < d->n_cols; j++) {
        printf(",%s", d->keys[j]);
    }
    fputc('\n', stdout);
    for (long p = 0; p < d->n_points; p++) {
        printf("%ld", p);
        for (int j = 0; j < d->n_cols; j++) {
            printf(",%.17g", d->x[p * d->n_cols + j]);
        }
        fputc('\n', stdout);
    }
    aim_design_free(d);
    aim_config_free(cfg);
    return 0;
}
