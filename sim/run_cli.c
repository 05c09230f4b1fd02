/* `aimsim run`: the Monte Carlo of a config (a sweep's every unit) into an HDF5 file, in one process
 * (all units, or a job-array task's --shard), or over the ranks of an MPI job (sim/run_shards.c). */
#include "sim/run_cli.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cli.h"
#include "sim/config.h"
#include "sim/fpcheck.h"
#include "sim/interrupt.h"
#include "sim/progress.h"
#include "sim/ranks.h"
#include "sim/resources.h"
#include "sim/run_shards.h"
#include "sim/runner.h"
#include "sim/shards.h"
#include "sim/store.h"
#include "sim/sweep.h"

static const char aim_run_cli_help[] =
    "Usage: aimsim run [CONFIG] -o OUT.h5 [options]\n"
    "Runs the Monte Carlo replicas of CONFIG (default: the embedded seed scenario,\n"
    "configs/seed-2025.yaml) and writes their trajectories to OUT.h5 (docs/output.md).\n"
    "A CONFIG with a sweep: section runs every (point, replica) of its design\n"
    "(docs/sweeps.md) and writes the points to /sweep/points.\n"
    "The file is written as OUT.h5.partial and renamed when every replica is done.\n"
    "Under mpirun (or srun), the (point, replica) units are spread over the ranks: each\n"
    "writes OUT.shards/aAAA-rRRRRR.h5 and rank 0 writes OUT.h5, a merged file that reads\n"
    "them (keep OUT.shards beside it). --shard I/N runs only the I-th of N fixed parts of\n"
    "the units into OUT.h5 (a Slurm job array task); `aimsim merge` joins the parts.\n"
    "SIGUSR1, SIGTERM or SIGINT stop a run cleanly: running units finish and are kept,\n"
    "and --resume continues (exit status 3).\n"
    "\n"
    "Options:\n"
    "  -o, --output OUT.h5   output file (required)\n"
    "      --replicas N      replicas (run.replicas)\n"
    "      --steps N         months simulated (run.steps)\n"
    "      --seed S          root seed (run.seed)\n"
    "      --threads N       worker threads (default: OMP_NUM_THREADS or the CPU count)\n"
    "      --set KEY=VALUE   override any config key, e.g. --set deals.kappa=3 (repeatable)\n"
    "      --resume          finish OUT.h5.partial (or OUT.shards) left by an interrupted run\n"
    "      --shard I/N       run only part I of N of the units (0 <= I < N)\n"
    "      --force           overwrite OUT.h5 / discard OUT.h5.partial\n"
    "      --max-memory SIZE refuse to start if the estimated peak exceeds SIZE (e.g. 4G)\n"
    "      --max-disk SIZE   refuse to start if the estimated file size exceeds SIZE\n"
    "                        (default: the free space where OUT.h5 goes)\n"
    "      --progress-every S  a progress line every S seconds when stderr is not a\n"
    "                        terminal (default 10; 0: after every unit)\n"
    "  -q, --quiet           no progress display\n"
    "  -h, --help            this help\n"
    "Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error,\n"
    "3 stopped by a signal (the units done are kept; --resume continues).\n";

/* A fixed range of units [at, end) taken in order, until a signal asks to stop. */
struct aim_run_cli_range {
    long at, end;
    int n_replicas;
};

static int aim_run_cli_range_next(void *ctx, int *point, int *replica)
{
    struct aim_run_cli_range *r = ctx;
    if (aim_interrupt_signal() || r->at >= r->end) {
        return 0;
    }
    long u = r->at++;
    *point = (int)(u / r->n_replicas);
    *replica = (int)(u % r->n_replicas);
    return 1;
}

/* Whether path names anything, a symbolic link included (even one pointing nowhere). */
static int aim_run_cli_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

int aim_run_cli_main(int argc, char **argv)
{
    enum {
        OPT_REPLICAS = 256,
        OPT_STEPS,
        OPT_SEED,
        OPT_THREADS,
        OPT_SET,
        OPT_RESUME,
        OPT_FORCE,
        OPT_MAXMEM,
        OPT_MAXDISK,
        OPT_SHARD,
        OPT_PROGRESS
    };
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"replicas", required_argument, NULL, OPT_REPLICAS},
                                             {"steps", required_argument, NULL, OPT_STEPS},
                                             {"seed", required_argument, NULL, OPT_SEED},
                                             {"threads", required_argument, NULL, OPT_THREADS},
                                             {"set", required_argument, NULL, OPT_SET},
                                             {"resume", no_argument, NULL, OPT_RESUME},
                                             {"force", no_argument, NULL, OPT_FORCE},
                                             {"max-memory", required_argument, NULL, OPT_MAXMEM},
                                             {"max-disk", required_argument, NULL, OPT_MAXDISK},
                                             {"shard", required_argument, NULL, OPT_SHARD},
                                             {"progress-every", required_argument, NULL, OPT_PROGRESS},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL;
    char **sets = calloc((size_t)argc + 4, sizeof *sets);
    char *run_sets[3] = {NULL, NULL, NULL}; /* "run.KEY=VALUE", as long as VALUE is */
    int n_sets = 0, resume = 0, force = 0, quiet = 0, rc = 0, shard_i = -1, shard_n = 0;
    long threads = omp_get_max_threads();
    double progress_every = 10.0;
    FILE *rank_err = stderr; /* a rank's own failures (other ranks' stderr is quiet) */
    size_t max_memory = 0, max_disk = 0;
    struct aim_config *cfg = NULL;
    struct aim_sweep *sweep = NULL;
    struct aim_store *st = NULL;
    char *yaml = NULL, *partial = NULL;
    enum aim_status s;
    if (!sets) {
        fprintf(stderr, "aimsim run: out of memory\n");
        return 1;
    }
    /* First of all, so that a stop request (Slurm's USR1) arriving while MPI or the config
     * starts up is not fatal: it is seen when the first unit would be taken. */
    aim_interrupt_install();
    /* --replicas/--steps/--seed are config overrides, applied after every --set. */
    const char *rep = NULL, *steps = NULL, *seed = NULL;
    /* Options and CONFIG in any order (GNU permutation), as the usage line shows them. */
    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case OPT_REPLICAS:
            rep = optarg;
            break;
        case OPT_STEPS:
            steps = optarg;
            break;
        case OPT_SEED:
            seed = optarg;
            break;
        case OPT_THREADS:
            if ((s = aim_cli_parse_long(optarg, 1, 4096, "--threads", &threads))) {
                rc = aim_cli_usage_error("run", "%s", aim_error_message());
                goto done;
            }
            break;
        case OPT_SET:
            sets[n_sets++] = optarg;
            break;
        case OPT_RESUME:
            resume = 1;
            break;
        case OPT_FORCE:
            force = 1;
            break;
        case OPT_MAXMEM:
            if ((s = aim_resources_parse_size(optarg, &max_memory))) {
                rc = aim_cli_usage_error("run", "--max-memory: %s", aim_error_message());
                goto done;
            }
            break;
        case OPT_MAXDISK:
            if ((s = aim_resources_parse_size(optarg, &max_disk))) {
                rc = aim_cli_usage_error("run", "--max-disk: %s", aim_error_message());
                goto done;
            }
            break;
        case OPT_PROGRESS: {
            char *end = NULL;
            progress_every = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(progress_every >= 0 && progress_every <= 86400)) {
                rc = aim_cli_usage_error("run", "--progress-every must be seconds in [0, 86400] (got \"%s\")",
                                         optarg);
                goto done;
            }
            break;
        }
        case OPT_SHARD:
            if ((s = aim_shards_parse(optarg, &shard_i, &shard_n))) {
                rc = aim_cli_usage_error("run", "%s", aim_error_message());
                goto done;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(aim_run_cli_help, stdout);
            goto done;
        default:
            rc = aim_cli_usage_error("run", "%s", "unknown option");
            goto done;
        }
    }
    if (argc - optind > 1) {
        rc = aim_cli_usage_error("run", "one CONFIG at most (got \"%s\" and more)", argv[optind]);
        goto done;
    }
    if (!out) {
        rc = aim_cli_usage_error("run", "%s", "no output file: give -o OUT.h5");
        goto done;
    }
    if (resume && force) {
        rc = aim_cli_usage_error("run", "%s", "--resume and --force contradict each other");
        goto done;
    }
    /* MPI starts only under an MPI launcher; ranks other than 0 keep quiet but for their own
     * failures, which go to a copy of their stderr. */
    if ((s = aim_ranks_init(&argc, &argv)) != AIM_OK) {
        rc = aim_cli_fail("run", s);
        goto done;
    }
    int launched_size = 0, launched = aim_ranks_launched(&launched_size);
    if (launched && shard_n > 0) {
        rc = aim_cli_usage_error("run", "%s",
                                 "--shard is for separate processes (a job array); under mpirun the ranks "
                                 "share the units by themselves");
        goto done;
    }
    if (aim_ranks_rank() != 0) {
        int fd = dup(STDERR_FILENO);
        FILE *copy = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (copy && freopen("/dev/null", "w", stderr)) {
            rank_err = copy;
        } else if (copy) {
            fclose(copy);
        }
        quiet = 1;
    }
    {
        const char *const keys[3] = {"run.replicas", "run.steps", "run.seed"};
        const char *const values[3] = {rep, steps, seed};
        for (int k = 0; k < 3; k++) {
            if (!values[k]) {
                continue;
            }
            size_t size = strlen(keys[k]) + strlen(values[k]) + 2;
            run_sets[k] = malloc(size);
            if (!run_sets[k]) {
                fprintf(stderr, "aimsim run: out of memory\n");
                rc = 1;
                goto done;
            }
            snprintf(run_sets[k], size, "%s=%s", keys[k], values[k]);
            sets[n_sets++] = run_sets[k];
        }
    }
    /* A build that fuses a*b+c into FMAs computes different trajectories from the same seed. */
    if (!aim_fpcheck_contract_off()) {
        fprintf(stderr, "aimsim run: this binary was compiled with floating-point contraction (FMA fusion); "
                        "rebuild with -ffp-contract=off (scripts/build does) for reproducible results\n");
        rc = 1;
        goto done;
    }
    /* Only `aimsim design` takes a sweep of any names; a run sets config keys. */
    s = aim_cli_load_config(&cfg, optind < argc ? argv[optind] : NULL, sets, n_sets, 1);
    if (s) {
        rc = aim_cli_fail("run", s);
        goto done;
    }
    s = aim_config_emit(cfg, &yaml);
    if (s) {
        rc = aim_cli_fail("run", s);
        goto done;
    }
    /* A sweep: every point's config made and checked before anything is created. */
    if (cfg->sweep.design != 0) {
        const char *path = optind < argc ? argv[optind] : NULL;
        char dir[4096] = ".";
        const char *slash = path ? strrchr(path, '/') : NULL;
        if (slash) {
            snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        }
        s = aim_sweep_prepare(cfg, yaml, dir, &sweep);
        if (s) {
            rc = aim_cli_fail("run", s);
            goto done;
        }
    }
    int n_points = sweep ? sweep->n_points : 1;
    /* The memory estimate of a sweep is its largest point's. */
    const struct aim_config *largest = sweep ? sweep->largest : cfg;
    struct aim_runner_sweep runner_sweep = {aim_sweep_point_config_cb, sweep, largest};
    /* Threads beyond the replica count are not dropped: the runner gives them to the investor
     * loops of the running replicas. */
    partial = malloc(strlen(out) + sizeof ".partial");
    if (!partial) {
        fprintf(stderr, "aimsim run: out of memory\n");
        rc = 1;
        goto done;
    }
    sprintf(partial, "%s.partial", out);
    if ((s = aim_cli_output_usable(out)) != AIM_OK) {
        rc = aim_cli_fail("run", s);
        goto done;
    }
    /* Ranks of an MPI job, or one process finishing what such a job left in OUT.shards. */
    {
        char *sdir = aim_shards_dir(out);
        struct stat dsb;
        int sharded = launched || (resume && !aim_run_cli_exists(partial) && sdir && stat(sdir, &dsb) == 0 &&
                                   S_ISDIR(dsb.st_mode));
        free(sdir);
        if (sharded && shard_n > 0) {
            rc = aim_cli_usage_error("run", "%s",
                                     "--shard writes one file: OUT.shards belongs to a run spread over MPI "
                                     "ranks (finish it with --resume, without --shard)");
            goto done;
        }
        if (sharded) {
            s = aim_runner_check_memory(largest, (int)threads, max_memory);
            if (!s && aim_ranks_rank() == 0) {
                s = aim_runner_check_disk(cfg, n_points, out, max_disk);
            }
            int bad = aim_ranks_max(s ? aim_error_exit_code(s) : 0);
            if (bad) {
                rc = s ? aim_cli_fail("run", s) : bad;
                goto done;
            }
            struct aim_runner_layout srl;
            s = aim_runner_layout_init(&srl, cfg, n_points);
            if (s) {
                rc = aim_cli_fail("run", s);
                goto done;
            }
            struct aim_store_provenance sprov = {yaml, cfg->run.seed, sweep ? &sweep->info : NULL, NULL};
            struct aim_run_shards_args args = {.out = out,
                                               .cfg = cfg,
                                               .sweep = sweep ? &runner_sweep : NULL,
                                               .layout = &srl.store,
                                               .prov = &sprov,
                                               .threads = (int)threads,
                                               .max_memory = max_memory,
                                               .resume = resume,
                                               .force = force,
                                               .quiet = quiet,
                                               .weight = sweep ? sweep->weight : NULL,
                                               .progress_every = progress_every,
                                               .err = rank_err};
            rc = aim_run_shards_run(&args);
            goto done;
        }
    }
    if (!force && !resume && aim_run_cli_exists(out)) {
        fprintf(stderr, "aimsim run: %s exists; use --force to overwrite it or -o another path\n", out);
        rc = 2;
        goto done;
    }
    if (!force && !resume && aim_run_cli_exists(partial)) {
        fprintf(stderr,
                "aimsim run: %s exists (an interrupted run); use --resume to finish it or --force to start "
                "again\n",
                partial);
        rc = 2;
        goto done;
    }
    if (resume && !aim_run_cli_exists(partial) && aim_run_cli_exists(out)) {
        fprintf(stderr, "aimsim run: nothing to resume: %s does not exist (the output is already complete)\n",
                partial);
        rc = 2;
        goto done;
    }
    if (resume && !aim_run_cli_exists(partial)) {
        /* Killed before its file was made (or never started): every replica is missing. */
        if (!quiet) {
            fprintf(stderr, "aimsim run: nothing to resume (%s does not exist); running every replica\n",
                    partial);
        }
        resume = 0;
    }
    /* Finishing the partial file renames it over OUT.h5: never a file the user already has. */
    if (resume && aim_run_cli_exists(out)) {
        fprintf(stderr,
                "aimsim run: %s exists; --resume would replace it with the finished %s: move %s away (or "
                "remove it) first\n",
                out, partial, out);
        rc = 2;
        goto done;
    }
    /* Refuse before creating anything: what does not fit in memory, or on the disk. */
    s = aim_runner_check_memory(largest, (int)threads, max_memory);
    if (!s) {
        s = aim_runner_check_disk(cfg, n_points, out, max_disk);
    }
    if (s) {
        rc = aim_cli_fail("run", s);
        goto done;
    }
    struct aim_runner_layout rl;
    s = aim_runner_layout_init(&rl, cfg, n_points);
    if (s) {
        rc = aim_cli_fail("run", s);
        goto done;
    }
    char shard_text[32];
    snprintf(shard_text, sizeof shard_text, "%d/%d", shard_i, shard_n);
    struct aim_store_provenance prov = {yaml, cfg->run.seed, sweep ? &sweep->info : NULL,
                                        shard_n > 0 ? shard_text : NULL};
    if (resume) {
        s = aim_store_open_resume(&st, partial, &rl.store, &prov);
    } else {
        if (force && aim_run_cli_exists(partial) && unlink(partial) != 0) {
            fprintf(stderr, "aimsim run: cannot remove %s: %s\n", partial, strerror(errno));
            rc = 1;
            goto done;
        }
        s = aim_store_create(&st, partial, &rl.store, &prov);
    }
    if (s) {
        rc = aim_cli_fail("run", s);
        aim_cli_note_full_disk("run", partial);
        goto done;
    }
    struct aim_progress progress = {isatty(STDERR_FILENO),        quiet,         -1e9, 0,
                                    sweep ? "units" : "replicas", progress_every};
    /* The units of this process: all, or the fixed range of --shard; a signal stops the taking. */
    struct aim_run_cli_range range = {0, (long)n_points * cfg->run.replicas, (int)cfg->run.replicas};
    if (shard_n > 0) {
        aim_shards_range(sweep ? sweep->weight : NULL, n_points, (int)cfg->run.replicas, shard_i, shard_n,
                         &range.at, &range.end);
    }
    long range_begin = range.at, left = 0;
    for (long u = range.at; u < range.end; u++) {
        left += !aim_store_replica_done(st, (int)(u / range.n_replicas), (int)(u % range.n_replicas));
    }
    struct aim_runner_units source = {aim_run_cli_range_next, &range, left};
    struct aim_runner_options opt = {(int)threads,
                                     0,
                                     0,
                                     (int)cfg->run.replicas,
                                     max_memory,
                                     aim_progress_cb,
                                     &progress,
                                     sweep ? &runner_sweep : NULL,
                                     &source};
    struct aim_runner_report report;
    if (!quiet && sweep) {
        fprintf(
            stderr,
            "aimsim run: sweep of %d points (%s, %d factors%s) x %ld replicas x %ld months, %d firms, seed "
            "%llu, %ld threads -> %s\n",
            n_points, sweep->info.design, sweep->info.n_factors,
            sweep->info.common_random_numbers ? ", common random numbers" : "", cfg->run.replicas,
            cfg->run.steps, rl.store.n_firms, (unsigned long long)cfg->run.seed, threads, out);
    } else if (!quiet) {
        fprintf(stderr, "aimsim run: %ld replicas x %ld months, %d firms, seed %llu, %ld threads -> %s\n",
                cfg->run.replicas, cfg->run.steps, rl.store.n_firms, (unsigned long long)cfg->run.seed,
                threads, out);
    }
    s = aim_runner_run(cfg, st, &opt, &report);
    report.replicas_skipped = (int)(range.end - range_begin - left);
    if (s) {
        rc = aim_cli_fail("run", s);
        aim_cli_note_full_disk("run", partial);
        int kept = 0;
        for (int p = 0; p < n_points; p++) {
            kept += aim_store_done_count(st, p);
        }
        if (kept > 0) {
            aim_store_close(st);
            fprintf(stderr, "aimsim run: completed replicas are kept in %s; rerun with --resume to finish\n",
                    partial);
        } else if (aim_store_discard(st) == AIM_OK) {
            /* Nothing worth keeping: no file is left to block the next run. */
            fprintf(stderr, "aimsim run: no replica was completed; %s removed\n", partial);
        } else {
            fprintf(stderr, "aimsim run: %s\n", aim_error_message());
        }
        st = NULL;
        goto done;
    }
    if (aim_interrupt_signal()) {
        long missing = 0;
        for (long u = range_begin; u < range.end; u++) {
            missing += !aim_store_replica_done(st, (int)(u / range.n_replicas), (int)(u % range.n_replicas));
        }
        if (missing > 0) {
            aim_store_close(st);
            st = NULL;
            fprintf(
                stderr,
                "aimsim run: stopped by signal %d with %ld %s left; the %d done are kept in %s; rerun with "
                "--resume to finish\n",
                aim_interrupt_signal(), missing, progress.unit, report.replicas_run, partial);
            rc = 3;
            goto done;
        }
    }
    s = aim_store_finish(st, out);
    st = NULL;
    if (s) {
        rc = aim_cli_fail("run", s);
        aim_cli_note_full_disk("run", partial);
        goto done;
    }
    struct stat sb;
    double mb = stat(out, &sb) == 0 ? (double)sb.st_size / 1e6 : 0.0;
    if (!quiet) {
        fprintf(stderr, "aimsim run: %d %s run, %d already done; %.2f s (%.1f%% writing HDF5)\n",
                report.replicas_run, progress.unit, report.replicas_skipped, report.seconds,
                report.seconds > 0 ? 100.0 * report.write_seconds / report.seconds : 0.0);
    }
    if (shard_n > 0) {
        printf("wrote %s (%.2f MB, shard %d/%d: %ld of the %ld units of %d points x %ld replicas x %ld "
               "months)\n",
               out, mb, shard_i, shard_n, range.end - range_begin, (long)n_points * cfg->run.replicas,
               n_points, cfg->run.replicas, cfg->run.steps);
    } else if (sweep) {
        printf("wrote %s (%.2f MB, %d points x %ld replicas x %ld months)\n", out, mb, n_points,
               cfg->run.replicas, cfg->run.steps);
    } else {
        printf("wrote %s (%.2f MB, %ld replicas x %ld months)\n", out, mb, cfg->run.replicas, cfg->run.steps);
    }
done:
    if (st) {
        aim_store_close(st);
    }
    aim_ranks_finalize();
    if (rank_err != stderr) {
        fclose(rank_err);
    }
    free(partial);
    free(yaml);
    aim_sweep_free(sweep);
    aim_config_free(cfg);
    for (int k = 0; k < 3; k++) {
        free(run_sets[k]);
    }
    free(sets);
    return rc;
}
