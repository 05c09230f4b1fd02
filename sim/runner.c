/* Monte Carlo runner. Threads take replicas one at a time from a shared counter (dynamic
 * self-scheduling); each thread owns a world and a trajectory buffer, allocated once. A finished
 * replica is written inside a critical section, so HDF5 sees one writer; its place in the file
 * is fixed by (point, replica), so the datasets are the same whatever the completion order.
 * When fewer replicas are running than threads were asked for, each running replica's investor
 * loop is given its share of the idle threads (nested parallelism), re-divided every month as
 * replicas finish; aim_world_step's results do not depend on its thread count. */
#include "sim/runner.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sim/resources.h"
#include "sim/world.h"

/* Units computed faster than this are written with aim_store_write_replica_lazy. */
#define AIM_RUNNER_LAZY_SECONDS 0.5

enum aim_status aim_runner_layout_init(struct aim_runner_layout *rl, const struct aim_config *cfg,
                                       int n_points)
{
    int n = aim_world_firm_count(cfg);
    if (n < 0 || n > AIM_RUNNER_MAX_FIRMS) {
        return aim_error_set(AIM_ERR_CONFIG, "the config names %d firms, at most %d are supported", n,
                             AIM_RUNNER_MAX_FIRMS);
    }
    for (int f = 0; f < n; f++) {
        rl->names[f] = aim_world_firm_name(cfg, f);
        rl->kinds[f] = (int)aim_world_firm_kind(cfg, f);
    }
    for (int r = 0; r < AIM_BS_ROWS; r++) {
        rl->bs_rows[r] = aim_balance_row_name(r);
    }
    for (int c = 0; c < AIM_BS_COLS; c++) {
        rl->bs_cols[c] = aim_balance_col_name(c);
    }
    rl->store = (struct aim_store_layout){.n_points = n_points,
                                          .n_replicas = (int)cfg->run.replicas,
                                          .n_times = (int)cfg->run.steps + 1,
                                          .n_firms = n,
                                          .firm_names = rl->names,
                                          .firm_kinds = rl->kinds,
                                          .start_date = cfg->run.start_date,
                                          .bs_every = (int)cfg->run.balance_sheet_every,
                                          .bs_rows = rl->bs_rows,
                                          .bs_cols = rl->bs_cols};
    return AIM_OK;
}

size_t aim_runner_estimate_bytes(const struct aim_config *cfg, int threads)
{
    int firms = aim_world_firm_count(cfg);
    int times = (int)cfg->run.steps + 1;
    int every = (int)cfg->run.balance_sheet_every;
    struct aim_store_layout lay = {.n_points = 1,
                                   .n_replicas = (int)cfg->run.replicas,
                                   .n_times = times,
                                   .n_firms = firms,
                                   .start_date = cfg->run.start_date,
                                   .bs_every = every};
    size_t per_thread = aim_world_bytes(cfg) + aim_traj_bytes(firms, times, every);
    /* The store keeps one done flag per replica in memory and an event row buffer. */
    size_t store = aim_store_cache_bytes(&lay) + (size_t)cfg->run.replicas * (1 + sizeof(int));
    /* One world per outer thread; threads beyond the replica count only join investor loops. */
    long worlds = threads > 0 ? threads : 1;
    if (worlds > cfg->run.replicas && cfg->run.replicas > 0) {
        worlds = cfg->run.replicas;
    }
    return (size_t)worlds * per_thread + store;
}

enum aim_status aim_runner_check_memory(const struct aim_config *cfg, int threads, size_t max_memory)
{
    size_t need = aim_runner_estimate_bytes(cfg, threads);
    int worlds = threads > cfg->run.replicas ? (int)cfg->run.replicas : threads;
    size_t limit = aim_resources_memory_limit(max_memory);
    if (need > limit) {
        double gib = 1024.0 * 1024.0 * 1024.0;
        return aim_error_set(
            AIM_ERR_NOMEM,
            "estimated peak memory %.3f GiB (%d replica worlds, one per thread, x %.3f GiB + HDF5 "
            "caches) exceeds %s of %.3f GiB; use fewer --threads or fewer investors "
            "(investors.count)%s",
            (double)need / gib, worlds,
            (double)(aim_world_bytes(cfg) + aim_traj_bytes(aim_world_firm_count(cfg), (int)cfg->run.steps + 1,
                                                           (int)cfg->run.balance_sheet_every)) /
                gib,
            max_memory ? "--max-memory" : "the memory available (MemAvailable)", (double)limit / gib,
            max_memory ? ", or raise --max-memory" : "");
    }
    return AIM_OK;
}

/* Per replica, beyond its series: each chunk is preallocated filled with NaN (deflated to a few
 * dozen bytes) and indexed (a B-tree entry), and deflate can grow incompressible data by a
 * little. Events: the seed scenario records about one row per 8 firm-months; count one per 4. */
enum { AIM_RUNNER_CHUNK_OVERHEAD = 256, AIM_RUNNER_EVENT_ROW_BYTES = 56, AIM_RUNNER_FILE_METADATA = 1 << 20 };

size_t aim_runner_estimate_file_bytes(const struct aim_config *cfg, int n_points)
{
    int firms = aim_world_firm_count(cfg);
    struct aim_store_layout lay = {.n_points = n_points,
                                   .n_replicas = (int)cfg->run.replicas,
                                   .n_times = (int)cfg->run.steps + 1,
                                   .n_firms = firms,
                                   .start_date = cfg->run.start_date,
                                   .bs_every = (int)cfg->run.balance_sheet_every};
    double raw = (double)aim_store_replica_raw_bytes(&lay);
    double chunks = AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT + 1; /* + /balance_sheet */
    double events = (double)cfg->run.steps * (firms > 0 ? firms : 1) / 4.0 * AIM_RUNNER_EVENT_ROW_BYTES;
    double per_replica = raw * 1.001 + chunks * AIM_RUNNER_CHUNK_OVERHEAD + events;
    double total = (double)n_points * (double)cfg->run.replicas * per_replica + AIM_RUNNER_FILE_METADATA;
    return total >= 1.8e19 ? SIZE_MAX : (size_t)total;
}

/* bytes as "512 B", "23.4 KiB", "2.17 MiB", "2.06 TiB" (for messages). */
static void aim_runner_size_text(char *buf, size_t size, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 6) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(buf, size, u ? "%.3g %s" : "%.0f %s", bytes, units[u]);
}

enum aim_status aim_runner_check_disk(const struct aim_config *cfg, int n_points, const char *path,
                                      size_t max_disk)
{
    size_t need = aim_runner_estimate_file_bytes(cfg, n_points), limit = max_disk;
    char *dir = strdup(path);
    if (!dir) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    const char *where = dirname(dir);
    if (!max_disk) {
        struct statvfs vfs;
        if (statvfs(where, &vfs) != 0) {
            enum aim_status s =
                aim_error_set(AIM_ERR_IO, "%s: cannot read the free space: %s", where, strerror(errno));
            free(dir);
            return s;
        }
        limit = (size_t)vfs.f_bavail * (size_t)vfs.f_frsize;
    }
    enum aim_status s = AIM_OK;
    if (need > limit) {
        char total[32], each[32], room[32];
        long n = cfg->run.replicas * n_points;
        aim_runner_size_text(total, sizeof total, (double)need);
        aim_runner_size_text(each, sizeof each, (double)(need - AIM_RUNNER_FILE_METADATA) / (double)n);
        aim_runner_size_text(room, sizeof room, (double)limit);
        s = aim_error_set(
            AIM_ERR_IO,
            "estimated file size %s (%ld replicas x %s, uncompressed: the worst case) exceeds %s "
            "of %s%s%s; run fewer replicas (run.replicas) or months (run.steps), write to a "
            "file system with more space, or %s",
            total, n, each, max_disk ? "--max-disk" : "the free space", room, max_disk ? "" : " in ",
            max_disk ? "" : where,
            max_disk ? "raise --max-disk" : "give --max-disk SIZE if compression will make it fit");
    }
    free(dir);
    return s;
}

/* One replica from reset to the horizon. Each month its investor loop gets budget / (replicas
 * running now) threads, so the threads of replicas that have finished go to those still running;
 * the most it used is kept in *max_inner. */
static enum aim_status aim_runner_replica(struct aim_world *w, struct aim_traj *tr,
                                          const struct aim_config *cfg, int point, int replica, int budget,
                                          const int *active, int *max_inner)
{
    aim_traj_clear(tr);
    /* Common random numbers: every point's replica r on the stream of point 0's. */
    uint64_t stream_point = cfg->sweep.common_random_numbers ? 0 : (uint64_t)point;
    enum aim_status s = aim_world_reset(w, cfg->run.seed, stream_point, (uint64_t)replica, tr);
    for (long t = 0; !s && t < cfg->run.steps; t++) {
        int running;
#pragma omp atomic read
        running = *active;
        int inner = running > 0 && running < budget ? budget / running : 1;
        if (inner > *max_inner) {
            *max_inner = inner;
        }
        s = aim_world_step(w, inner, tr);
    }
    if (s) {
        aim_error_prefix(s, "replica %d of point %d: ", replica, point);
    }
    return s;
}

enum aim_status aim_runner_run(const struct aim_config *cfg, struct aim_store *st,
                               const struct aim_runner_options *opt, struct aim_runner_report *report)
{
    memset(report, 0, sizeof *report);
    int np, nr, nt, nf;
    aim_store_shape(st, &np, &nr, &nt, &nf);
    int threads = opt->threads;
    if (threads < 1) {
        return aim_error_set(AIM_ERR_USAGE, "threads must be >= 1 (got %d)", threads);
    }
    const struct aim_runner_sweep *sweep = opt->sweep;
    int p_begin = sweep ? 0 : opt->point, p_end = sweep ? np : opt->point + 1;
    if (p_begin < 0 || p_end > np || opt->replica_begin < 0 || opt->replica_end > nr ||
        opt->replica_begin > opt->replica_end) {
        return aim_error_set(AIM_ERR_USAGE, "replicas [%d, %d) of point %d do not fit the store's %d x %d",
                             opt->replica_begin, opt->replica_end, opt->point, np, nr);
    }
    if (nt != cfg->run.steps + 1 || nf != aim_world_firm_count(cfg)) {
        return aim_error_set(AIM_ERR_USAGE, "the store holds %d times x %d firms, the config needs %ld x %d",
                             nt, nf, cfg->run.steps + 1, aim_world_firm_count(cfg));
    }
    /* Each thread holds one world at a time: the largest point's decides the memory. */
    const struct aim_config *largest = sweep && sweep->largest ? sweep->largest : cfg;
    enum aim_status status = aim_runner_check_memory(largest, threads, opt->max_memory);
    if (status) {
        return status;
    }
    report->peak_bytes = aim_runner_estimate_bytes(largest, threads);

    /* The units still to run, point-major (a thread then keeps its world for the next unit). */
    long per_point = opt->replica_end - opt->replica_begin;
    long total = per_point * (p_end - p_begin);
    if (total > INT_MAX) {
        return aim_error_set(AIM_ERR_USAGE, "%ld (point, replica) units are more than one run can hold",
                             total);
    }
    int *todo = malloc(((size_t)total + 1) * 2 * sizeof *todo);
    if (!todo) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a list of %ld units", total);
    }
    int ntodo = 0;
    const struct aim_runner_units *units = opt->units;
    if (units) {
        ntodo = units->total > INT_MAX ? INT_MAX : (int)units->total; /* a bound: next() decides */
    }
    for (int p = p_begin; !units && p < p_end; p++) {
        for (int r = opt->replica_begin; r < opt->replica_end; r++) {
            if (!aim_store_replica_done(st, p, r)) {
                todo[2 * ntodo] = p;
                todo[2 * ntodo + 1] = r;
                ntodo++;
            }
        }
    }
    report->replicas_skipped = units ? 0 : (int)total - ntodo;
    /* One outer thread per unit at most; the rest of the budget goes to investor loops. */
    int budget = threads;
    if (threads > ntodo) {
        threads = ntodo > 0 ? ntodo : 1;
    }
    int active = 0, max_inner = 1;

    double t0 = omp_get_wtime();
    int next = 0, done = 0, failed = 0;
    double write_s = 0.0;
    enum aim_status first_status = AIM_OK;
    char first_message[1024] = "";
    if (ntodo == 0) {
        free(todo);
        report->seconds = omp_get_wtime() - t0;
        return AIM_OK;
    }
    /* One writer at a time (HDF5 is not thread-safe here), and the first error's message. Locks
     * rather than named critical sections, which would export a global symbol. */
    omp_lock_t store_lock, error_lock, units_lock;
    omp_init_lock(&store_lock);
    omp_init_lock(&error_lock);
    omp_init_lock(&units_lock);
    /* Nested regions let the last replicas' investor loops use the idle threads; the caller's
     * setting is put back below (the only way out after this point). */
    int saved_levels = omp_get_max_active_levels();
    if (saved_levels < 2) {
        omp_set_max_active_levels(2);
    }
#pragma omp parallel num_threads(threads) default(none)                                                      \
    shared(cfg, sweep, st, opt, todo, ntodo, budget, next, done, failed, write_s, first_status,              \
           first_message, t0, store_lock, error_lock, units_lock, units, active, max_inner, nf, nt, np, nr)
    {
        int my_max_inner = 1;
        struct aim_world *w = NULL;
        struct aim_traj *tr = NULL;
        int w_point = -1;                    /* the point whose config w was made with */
        struct aim_config *point_cfg = NULL; /* that config (a sweep), held as long as w */
        enum aim_status s = aim_traj_create(&tr, nf, nt, (int)cfg->run.balance_sheet_every);
        while (!s) {
            int i, stop;
#pragma omp atomic read
            stop = failed;
            if (stop) {
                break;
            }
            int p, r;
            if (units) {
                omp_set_lock(&units_lock);
                int got = 1;
                do {
                    got = units->next(units->ctx, &p, &r);
                } while (got && (p < 0 || p >= np || r < 0 || r >= nr || aim_store_replica_done(st, p, r)));
                omp_unset_lock(&units_lock);
                if (!got) {
                    break;
                }
            } else {
#pragma omp atomic capture
                i = next++;
                if (i >= ntodo) {
                    break;
                }
                p = todo[2 * i];
                r = todo[2 * i + 1];
            }
            /* A world holds its config: another point's needs its own (made outside the steps). */
            if (!w || (sweep && w_point != p)) {
                aim_world_free(w);
                w = NULL;
                aim_config_free(point_cfg);
                point_cfg = NULL;
                if (sweep) {
                    s = sweep->point_config(sweep->ctx, p, &point_cfg);
                    if (!s && (point_cfg->run.steps + 1 != nt || aim_world_firm_count(point_cfg) != nf)) {
                        s = aim_error_set(AIM_ERR_USAGE,
                                          "its config needs %ld times x %d firms, the store holds %d x %d",
                                          point_cfg->run.steps + 1, aim_world_firm_count(point_cfg), nt, nf);
                    }
                }
                if (!s) {
                    s = aim_world_create(&w, sweep ? point_cfg : cfg);
                }
                if (s) {
                    if (sweep) {
                        aim_error_prefix(s, "point %d: ", p);
                    }
                    break;
                }
                w_point = p;
            }
            const struct aim_config *pc = sweep ? point_cfg : cfg;
#pragma omp atomic update
            active++;
            double t_unit = omp_get_wtime();
            s = aim_runner_replica(w, tr, pc, p, r, budget, &active, &my_max_inner);
            t_unit = omp_get_wtime() - t_unit;
#pragma omp atomic update
            active--;
            if (s) {
                break;
            }
            omp_set_lock(&store_lock);
            double tw = omp_get_wtime();
            /* A short unit is marked done with the next commit (within a second): two flushes per
             * unit would bound a sweep of many short ones. A kill loses at most those waiting. */
            s = t_unit < AIM_RUNNER_LAZY_SECONDS ? aim_store_write_replica_lazy(st, p, r, tr)
                                                 : aim_store_write_replica(st, p, r, tr);
            write_s += omp_get_wtime() - tw;
            if (!s) {
                done++;
                if (opt->progress) {
                    opt->progress(opt->progress_ctx, done, ntodo, omp_get_wtime() - t0);
                }
            }
            omp_unset_lock(&store_lock);
        }
        if (s) {
            /* Messages are per thread: keep the first failure's for the caller. */
            omp_set_lock(&error_lock);
            if (!first_status) {
                first_status = s;
                snprintf(first_message, sizeof first_message, "%s", aim_error_message());
            }
            omp_unset_lock(&error_lock);
#pragma omp atomic write
            failed = 1;
        }
        omp_set_lock(&error_lock);
        if (my_max_inner > max_inner) {
            max_inner = my_max_inner;
        }
        omp_unset_lock(&error_lock);
        aim_traj_free(tr);
        aim_world_free(w);
        aim_config_free(point_cfg);
    }
    omp_set_max_active_levels(saved_levels);
    /* Every unit written is marked done before the caller sees the store again, also after a
     * failure (the units written are complete). */
    enum aim_status committed = aim_store_commit(st);
    if (committed && !first_status) {
        first_status = committed;
        snprintf(first_message, sizeof first_message, "%s", aim_error_message());
    }
    omp_destroy_lock(&store_lock);
    omp_destroy_lock(&error_lock);
    omp_destroy_lock(&units_lock);
    free(todo);
    report->replicas_run = done;
    report->seconds = omp_get_wtime() - t0;
    report->write_seconds = write_s;
    report->max_inner_threads = max_inner;
    if (first_status) {
        return aim_error_set(first_status, "%s", first_message);
    }
    return AIM_OK;
}
