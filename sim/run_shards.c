/* A run spread over ranks, each writing its own file, merged at the end (sim/run_shards.h). Rank 0
 * prepares the shard directory (and on --resume salvages and reads what is there), tells every
 * rank which units are still to run, and writes the merged file once every rank has closed its own;
 * the units' values do not depend on which rank ran them, so the merged file's data are those of a
 * one-process run of the same config and seed. */
#include "sim/run_shards.h"

#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/interrupt.h"
#include "sim/progress.h"
#include "sim/ranks.h"
#include "sim/shards.h"

/* The units still to run, handed out in guided chunks by the job's counter. */
struct aim_run_queue {
    const long *todo; /* unit indices, costliest points first */
    const long *bounds;
    long n_chunks;
    struct aim_ranks_counter *chunks;
    long cur, end; /* this rank's current chunk */
    int n_replicas;
};

static int aim_run_shards_next(void *ctx, int *point, int *replica)
{
    struct aim_run_queue *q = ctx;
    if (aim_interrupt_signal()) {
        return 0;
    }
    if (q->cur >= q->end) {
        long k = aim_ranks_counter_add(q->chunks, 1);
        if (k >= q->n_chunks) {
            return 0;
        }
        q->cur = q->bounds[k];
        q->end = q->bounds[k + 1];
    }
    long u = q->todo[q->cur++];
    *point = (int)(u / q->n_replicas);
    *replica = (int)(u % q->n_replicas);
    return 1;
}

/* qsort_r's order of the units to run: costliest point first, then by unit index. */
struct aim_run_shards_cost {
    const double *weight;
    int n_replicas;
};

static int aim_run_shards_by_cost(const void *pa, const void *pb, void *ctx)
{
    const struct aim_run_shards_cost *c = ctx;
    long a = *(const long *)pa, b = *(const long *)pb;
    double wa = c->weight[a / c->n_replicas], wb = c->weight[b / c->n_replicas];
    if (wa != wb) {
        return wa > wb ? -1 : 1;
    }
    return (a > b) - (a < b);
}

/* Units done across the job, shown by rank 0. */
struct aim_run_progress {
    struct aim_ranks_counter *done;
    struct aim_progress show;
    long total;
    int rank;
};

static void aim_run_shards_progress(void *ctx, int done, int total, double elapsed)
{
    (void)done;
    (void)total;
    struct aim_run_progress *pr = ctx;
    long all = aim_ranks_counter_add(pr->done, 1) + 1;
    if (pr->rank == 0) {
        aim_progress_cb(&pr->show, (int)all, (int)pr->total, elapsed);
    }
}

/* Rank 0: makes the shard directory ready and reads what earlier attempts did. done[u] is set
 * for the units some file has; *attempt is this run's attempt number. Returns an exit status. */
static int aim_run_shards_prepare(const struct aim_run_shards_args *a, const char *dir, uint8_t *done,
                                  int *attempt)
{
    char **paths = NULL;
    int *partial = NULL, n = 0, max_attempt = 0, rc = 0;
    enum aim_status s = aim_shards_list(dir, &paths, &partial, &n, &max_attempt);
    struct stat sb;
    if (s) {
        fprintf(stderr, "aimsim run: %s\n", aim_error_message());
        return 1;
    }
    if (!a->resume) {
        if (!a->force && n == 0 && lstat(a->out, &sb) == 0) {
            fprintf(stderr, "aimsim run: %s exists; use --force to overwrite it or -o another path\n",
                    a->out);
            rc = 2;
        } else if (!a->force && n > 0) {
            fprintf(stderr,
                    "aimsim run: %s holds the files of an earlier run of %s; use --resume to finish it or "
                    "--force to start again\n",
                    dir, a->out);
            rc = 2;
        }
        for (int i = 0; !rc && a->force && i < n; i++) {
            if (unlink(paths[i]) != 0) {
                fprintf(stderr, "aimsim run: cannot remove %s: %s\n", paths[i], strerror(errno));
                rc = 1;
            }
        }
        if (!rc && a->force && lstat(a->out, &sb) == 0 && unlink(a->out) != 0) {
            fprintf(stderr, "aimsim run: cannot remove %s: %s\n", a->out, strerror(errno));
            rc = 1;
        }
        max_attempt = 0;
    } else if (n == 0 && !a->quiet) {
        fprintf(stderr, "aimsim run: nothing to resume in %s; running every unit\n", dir);
    }
    if (!rc && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "aimsim run: cannot create %s: %s\n", dir, strerror(errno));
        rc = 1;
    }
    /* A killed rank's file: its complete units are kept (copied into a clean file, as a
     * one-process --resume does), then it is closed as a finished file of its attempt. */
    for (int i = 0; !rc && a->resume && i < n; i++) {
        struct aim_store *st = NULL;
        if (!partial[i]) {
            continue;
        }
        s = aim_store_open_resume(&st, paths[i], a->layout, a->prov);
        if (!s) {
            size_t len = strlen(paths[i]) - strlen(".partial");
            paths[i][len] = '\0';
            s = aim_store_finish(st, paths[i]);
            partial[i] = 0;
        }
        if (s) {
            fprintf(stderr, "aimsim run: %s\n", aim_error_message());
            rc = aim_error_exit_code(s);
        }
    }
    for (int i = 0; !rc && a->resume && i < n; i++) {
        struct aim_store *st = NULL;
        s = aim_store_open_read(&st, paths[i]);
        if (!s) {
            s = aim_store_check_run(st, a->layout, a->prov);
        }
        if (!s && aim_store_is_merged(st)) {
            s = aim_error_set(AIM_ERR_FORMAT, "%s: a merged file in the shard directory", paths[i]);
        }
        for (int p = 0; !s && p < a->layout->n_points; p++) {
            for (int r = 0; r < a->layout->n_replicas; r++) {
                done[(size_t)p * (size_t)a->layout->n_replicas + (size_t)r] |=
                    (uint8_t)aim_store_replica_done(st, p, r);
            }
        }
        if (st) {
            aim_store_close(st);
        }
        if (s) {
            fprintf(stderr, "aimsim run: cannot resume: %s\n", aim_error_message());
            rc = aim_error_exit_code(s);
        }
    }
    if (!rc && max_attempt >= 999) {
        fprintf(stderr,
                "aimsim run: %s already holds 999 attempts; merge them (aimsim merge) and start a new "
                "directory\n",
                dir);
        rc = 1;
    }
    *attempt = max_attempt + 1;
    aim_shards_list_free(paths, partial, n);
    return rc;
}

/* Rank 0: the merged file over every finished file of the directory. */
static int aim_run_shards_merge(const struct aim_run_shards_args *a, const char *dir, int run_rc)
{
    char **paths = NULL;
    int *partial = NULL, n = 0, max_attempt = 0, nf = 0;
    enum aim_status s = aim_shards_list(dir, &paths, &partial, &n, &max_attempt);
    const char **done_files = calloc((size_t)n + 1, sizeof *done_files);
    if (!s && !done_files) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; !s && i < n; i++) {
        if (!partial[i]) {
            done_files[nf++] = paths[i];
        }
    }
    struct aim_store_merge_report rep = {0};
    double t0 = omp_get_wtime();
    if (!s && nf == 0) {
        s = aim_error_set(AIM_ERR_IO, "no rank completed a unit; nothing to merge into %s", a->out);
    }
    if (!s) {
        s = aim_store_merge(a->out, a->layout, a->prov, nf, done_files, 1, &rep);
    }
    int rc = run_rc;
    if (s) {
        fprintf(stderr, "aimsim run: %s\n", aim_error_message());
        rc = rc ? rc : aim_error_exit_code(s);
    } else {
        if (!a->quiet) {
            fprintf(stderr, "aimsim run: merged %d files of %s into %s in %.2f s\n", nf, dir, a->out,
                    omp_get_wtime() - t0);
        }
        struct stat sb;
        double mb = stat(a->out, &sb) == 0 ? (double)sb.st_size / 1e6 : 0.0;
        if (rep.done == rep.units) {
            printf("wrote %s (%.2f MB merged over %s, %d points x %d replicas x %d months)\n", a->out, mb,
                   dir, a->layout->n_points, a->layout->n_replicas, a->layout->n_times - 1);
            rc = run_rc == 3 ? 0 : run_rc;
        } else {
            fprintf(stderr,
                    "aimsim run: %ld of %ld units done; %s reads them, the rest read as NaN; rerun with "
                    "--resume to finish\n",
                    rep.done, rep.units, a->out);
            rc = rc ? rc : 1;
        }
    }
    free(done_files);
    aim_shards_list_free(paths, partial, n);
    return rc;
}

int aim_run_shards_run(const struct aim_run_shards_args *a)
{
    int rank = aim_ranks_rank(), size = aim_ranks_size();
    int np = a->layout->n_points, nr = a->layout->n_replicas;
    size_t units = (size_t)np * (size_t)nr;
    char *dir = aim_shards_dir(a->out), *part = NULL, *fin = NULL;
    uint8_t *done = calloc(units, 1);
    long *todo = malloc((units + 1) * sizeof *todo), *bounds = malloc((units + 2) * sizeof *bounds);
    struct aim_ranks_counter *chunks = NULL, *done_ctr = NULL;
    struct aim_store *st = NULL;
    int head[2] = {0, 0}; /* exit status, attempt */
    int rc = 0;
    if (!dir || !done || !todo || !bounds) {
        fprintf(a->err, "aimsim run: rank %d: out of memory for %zu units\n", rank, units);
        aim_ranks_abort(1);
    }
    if (rank == 0) {
        head[0] = aim_run_shards_prepare(a, dir, done, &head[1]);
    }
    aim_ranks_bcast(head, sizeof head, 0);
    if (head[0]) {
        rc = head[0];
        goto done;
    }
    aim_ranks_bcast(done, units, 0);
    long m = 0;
    for (size_t u = 0; u < units; u++) {
        if (!done[u]) {
            todo[m++] = (long)u;
        }
    }
    /* The costliest points first (ties in unit order), so that the last, small chunks are cheap
     * units; a point's units stay together, and so a chunk covers few runs of units. */
    if (a->weight && m > 1) {
        struct aim_run_shards_cost cost = {a->weight, nr};
        qsort_r(todo, (size_t)m, sizeof *todo, aim_run_shards_by_cost, &cost);
    }
    long n_chunks = aim_shards_guided(m, size, bounds);
    enum aim_status s = aim_ranks_counter_create(&chunks);
    if (!s) {
        s = aim_ranks_counter_create(&done_ctr);
    }
    if (s) {
        fprintf(a->err, "aimsim run: rank %d: %s\n", rank, aim_error_message());
        aim_ranks_abort(1);
    }
    char shard[64];
    snprintf(shard, sizeof shard, "rank %d of %d, attempt %d", rank, size, head[1]);
    struct aim_store_provenance prov = *a->prov;
    prov.shard = shard;
    part = aim_shards_path(dir, head[1], rank, 1);
    fin = aim_shards_path(dir, head[1], rank, 0);
    s = part && fin ? aim_store_create(&st, part, a->layout, &prov)
                    : aim_error_set(AIM_ERR_NOMEM, "out of memory");
    if (s) {
        fprintf(a->err, "aimsim run: rank %d: %s\n", rank, aim_error_message());
    }
    rc = aim_ranks_max(s ? aim_error_exit_code(s) : 0);
    if (rc) {
        if (st) {
            aim_store_discard(st);
            st = NULL;
        }
        goto done;
    }
    if (rank == 0 && !a->quiet) {
        fprintf(
            stderr,
            "aimsim run: %ld of %zu units to run on %d rank%s x %d threads (attempt %d, %ld chunks) -> %s "
            "over %s\n",
            m, units, size, size == 1 ? "" : "s", a->threads, head[1], n_chunks, a->out, dir);
    }
    struct aim_run_queue queue = {todo, bounds, n_chunks, chunks, 0, 0, nr};
    struct aim_runner_units source = {aim_run_shards_next, &queue, m};
    struct aim_run_progress progress = {
        done_ctr, {isatty(STDERR_FILENO), a->quiet, -1e9, 0, "units", a->progress_every}, m, rank};
    struct aim_runner_options opt = {a->threads, 0,        0,      nr, a->max_memory, aim_run_shards_progress,
                                     &progress,  a->sweep, &source};
    struct aim_runner_report report;
    s = aim_runner_run(a->cfg, st, &opt, &report);
    int local = 0;
    if (s) {
        fprintf(a->err, "aimsim run: rank %d: %s\n", rank, aim_error_message());
        local = aim_error_exit_code(s);
        aim_ranks_counter_add(chunks, n_chunks + 1); /* the other ranks take no more */
    }
    /* Every rank's units on disk, its file closed: kept (finished) if it holds any, else removed. */
    enum aim_status fs = report.replicas_run > 0 ? aim_store_finish(st, fin) : aim_store_discard(st);
    st = NULL;
    if (fs) {
        fprintf(a->err, "aimsim run: rank %d: %s\n", rank, aim_error_message());
        local = local ? local : aim_error_exit_code(fs);
    }
    int stopped = aim_ranks_max(aim_interrupt_signal() != 0);
    rc = aim_ranks_max(local);
    long ran = aim_ranks_sum(report.replicas_run);
    if (rank == 0) {
        if (ran > 0 && progress.show.last_done != (int)ran) {
            progress.show.last_print = -1e9;
            aim_progress_cb(&progress.show, (int)ran, (int)m, report.seconds);
        }
        if (!a->quiet) {
            fprintf(stderr, "aimsim run: %ld units run on %d rank%s in %.2f s\n", ran, size,
                    size == 1 ? "" : "s", report.seconds);
        }
        if (stopped && !rc) {
            fprintf(stderr, "aimsim run: stopped by a signal; the units done are kept in %s\n", dir);
        }
        rc = aim_run_shards_merge(a, dir, rc ? rc : stopped ? 3 : 0);
    }
    aim_ranks_bcast(&rc, sizeof rc, 0);
done:
    if (st) {
        aim_store_close(st);
    }
    aim_ranks_counter_free(chunks);
    aim_ranks_counter_free(done_ctr);
    free(dir);
    free(part);
    free(fin);
    free(done);
    free(todo);
    free(bounds);
    return rc;
}
