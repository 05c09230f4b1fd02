/* `aimsim merge` (sim/merge_cli.h). The layout and provenance of the merged file come from the
 * first shard: its resolved config (which holds the sweep section and the seed) and its
 * /sweep/points; aim_store_merge checks every other shard against them. */
#include "sim/merge_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/cli.h"
#include "sim/config.h"
#include "sim/runner.h"
#include "sim/store.h"
#include "sim/sweep.h"

static const char aim_merge_cli_help[] =
    "Usage: aimsim merge OUT.h5 SHARD.h5... [--force]\n"
    "Writes OUT.h5, one file over the shard files of a run: the parts of a Slurm job array\n"
    "(`aimsim run ... --shard I/N`) or the rank files of an MPI run (OUT.shards/*.h5). Its\n"
    "series are HDF5 virtual datasets that read each (point, replica) unit from the shard\n"
    "that holds it, by paths relative to OUT.h5: keep the shards where they are. Every shard\n"
    "must come from the same config, seed and build. A unit no shard has done reads as NaN\n"
    "and /replica_done says which are done.\n"
    "\n"
    "Options:\n"
    "      --force   replace OUT.h5 if it exists\n"
    "  -q, --quiet   no summary on stderr\n"
    "  -h, --help    this help\n"
    "Exit status: 0 every unit done, 1 failure or units missing, 2 usage error.\n";

int aim_merge_cli_main(int argc, char **argv)
{
    static const struct option longopts[] = {{"force", no_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int force = 0, quiet = 0, c, rc = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            force = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(aim_merge_cli_help, stdout);
            return 0;
        default:
            fprintf(stderr, "aimsim merge: unknown option\nTry 'aimsim merge --help'.\n");
            return 2;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr,
                "aimsim merge: give OUT.h5 and at least one shard file\nTry 'aimsim merge --help'.\n");
        return 2;
    }
    const char *out = argv[optind];
    const char *const *shards = (const char *const *)argv + optind + 1;
    int n = argc - optind - 1;
    struct stat sb;
    for (int i = 0; i < n; i++) {
        if (strcmp(shards[i], out) == 0) {
            fprintf(stderr, "aimsim merge: %s is both the output and a shard\n", out);
            return 2;
        }
    }
    enum aim_status s = aim_cli_output_usable(out);
    if (s) {
        fprintf(stderr, "aimsim merge: %s\n", aim_error_message());
        return 2;
    }
    if (!force && lstat(out, &sb) == 0) {
        fprintf(stderr, "aimsim merge: %s exists; use --force to replace it\n", out);
        return 2;
    }
    struct aim_store *first = NULL;
    struct aim_config *cfg = NULL;
    char *yaml = NULL;
    s = aim_store_open_read(&first, shards[0]);
    if (!s) {
        s = aim_store_read_root_string(first, "config", &yaml);
    }
    if (!s) {
        s = aim_config_create(&cfg);
    }
    if (!s) {
        s = aim_config_load_string(cfg, yaml, strlen(yaml), shards[0]);
    }
    if (!s) {
        s = aim_config_validate(cfg);
    }
    if (s) {
        fprintf(stderr, "aimsim merge: %s: %s\n", shards[0], aim_error_message());
        rc = aim_error_exit_code(s);
        goto done;
    }
    int np, nr, nt, nf;
    aim_store_shape(first, &np, &nr, &nt, &nf);
    struct aim_runner_layout rl;
    s = aim_runner_layout_init(&rl, cfg, np);
    struct aim_store_sweep sweep = {0};
    const char *const *keys = NULL;
    const double *values = NULL;
    int has_sweep = aim_store_sweep_points(first, &sweep.n_factors, &keys, &values);
    if (has_sweep) {
        sweep = (struct aim_store_sweep){aim_sweep_design_name((int)cfg->sweep.design),
                                         cfg->sweep.points,
                                         cfg->sweep.seed < 0 ? cfg->run.seed : (uint64_t)cfg->sweep.seed,
                                         cfg->sweep.common_random_numbers != 0,
                                         sweep.n_factors,
                                         keys,
                                         values};
    }
    struct aim_store_provenance prov = {yaml, cfg->run.seed, has_sweep ? &sweep : NULL, NULL};
    struct aim_store_merge_report rep;
    if (!s) {
        s = aim_store_merge(out, &rl.store, &prov, n, shards, force, &rep);
    }
    if (s) {
        fprintf(stderr, "aimsim merge: %s\n", aim_error_message());
        rc = aim_error_exit_code(s);
        goto done;
    }
    if (!quiet) {
        fprintf(stderr, "aimsim merge: %ld of %ld units from %d of %d files\n", rep.done, rep.units,
                rep.sources, rep.files);
        if (rep.duplicates) {
            fprintf(stderr,
                    "aimsim merge: %ld units were done in more than one file; the first listed gives them\n",
                    rep.duplicates);
        }
    }
    if (rep.done < rep.units) {
        fprintf(stderr,
                "aimsim merge: %ld units are in no shard and read as NaN (/replica_done marks them 0)\n",
                rep.units - rep.done);
        rc = 1;
    }
    printf("wrote %s (%ld of %ld units over %d shard files)\n", out, rep.done, rep.units, rep.sources);
done:
    if (first) {
        aim_store_close(first);
    }
    aim_config_free(cfg);
    free(yaml);
    return rc;
}
