/* The Monte Carlo runner on the real world: the same replicas split into several calls in any
 * order and with any thread count give bitwise the same datasets; the point index changes the
 * streams; the memory estimate refuses what does not fit; every argument error is caught. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config.h"
#include "sim/runner.h"
#include "sim/store.h"
#include "sim/world.h"
#include "tests/aim_test.h"

enum { NREP = 7 };

struct progress_log {
    int calls, last_done, last_total, monotonic;
};

static void on_progress(void *ctx, int done, int total, double elapsed)
{
    struct progress_log *p = ctx;
    p->monotonic = p->monotonic && done == p->last_done + 1 && elapsed >= 0.0;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

static struct aim_config *small_config(void)
{
    struct aim_config *cfg = NULL;
    const char *sets[] = {"run.replicas=7",    "run.steps=18",         "run.seed=2385",
                          "market.lambda=0.1", "investors.count=9000", "investors.block_size=1024"};
    enum aim_status s = aim_config_create(&cfg);
    s = s ? s : aim_config_load_seed(cfg);
    for (size_t i = 0; !s && i < sizeof sets / sizeof *sets; i++) {
        s = aim_config_set(cfg, sets[i]);
    }
    s = s ? s : aim_config_validate(cfg);
    aim_test(s == AIM_OK, "runner: small seed-scenario config loads (%s)", s ? aim_error_message() : "ok");
    return s ? NULL : cfg;
}

static struct aim_store *new_store(const char *path, const struct aim_config *cfg, int points)
{
    struct aim_runner_layout rl; /* the store copies names and kinds into the file */
    struct aim_store *st = NULL;
    struct aim_store_provenance prov = {"synthetic provenance\n", cfg->run.seed, NULL, NULL};
    unlink(path);
    if (aim_runner_layout_init(&rl, cfg, points) || aim_store_create(&st, path, &rl.store, &prov)) {
        aim_test(0, "runner: create %s: %s", path, aim_error_message());
        return NULL;
    }
    return st;
}

static enum aim_status run(const struct aim_config *cfg, struct aim_store *st, int threads, int point, int r0,
                           int r1, struct aim_runner_report *rep)
{
    struct aim_runner_options opt = {threads, point, r0, r1, 0, NULL, NULL, NULL, NULL};
    return aim_runner_run(cfg, st, &opt, rep);
}

/* Bitwise equality of replica ra of point pa in a and replica rb of point pb in b. */
static int same(struct aim_store *a, int pa, int ra, struct aim_store *b, int pb, int rb, struct aim_traj *x,
                struct aim_traj *y)
{
    if (aim_store_read_replica(a, pa, ra, x) || aim_store_read_replica(b, pb, rb, y)) {
        return 0;
    }
    size_t nf = (size_t)x->n_firms * (size_t)x->n_times;
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        if (memcmp(x->firm[v], y->firm[v], nf * sizeof(double))) {
            return 0;
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        if (memcmp(x->market[v], y->market[v], (size_t)x->n_times * sizeof(double))) {
            return 0;
        }
    }
    if (x->n_events != y->n_events) {
        return 0;
    }
    for (size_t i = 0; i < x->n_events; i++) {
        const struct aim_event *e = &x->events[i], *f = &y->events[i];
        if (e->step != f->step || e->kind != f->kind || e->a != f->a || e->b != f->b || e->c != f->c ||
            memcmp(e->amount, f->amount, sizeof e->amount)) {
            return 0;
        }
    }
    return 1;
}

int main(void)
{
    struct aim_config *cfg = small_config();
    if (!cfg) {
        return aim_test_summary();
    }
    struct aim_runner_report rep;
    struct aim_store *whole = new_store("runner_whole.h5", cfg, 1);
    struct aim_store *split = new_store("runner_split.h5", cfg, 2);
    if (!whole || !split) {
        return aim_test_summary();
    }
    struct progress_log log = {0, 0, 0, 1};
    struct aim_runner_options opt = {1, 0, 0, NREP, 0, on_progress, &log, NULL, NULL};
    /* The runner nests parallel regions for its own call only: the caller's setting comes back. */
    omp_set_max_active_levels(1);
    aim_test(aim_runner_run(cfg, whole, &opt, &rep) == AIM_OK, "runner: 7 replicas, 1 thread (%s)",
             aim_error_message());
    aim_test(omp_get_max_active_levels() == 1,
             "runner: OpenMP's max active levels is the caller's 1 after a run (got %d)",
             omp_get_max_active_levels());
    aim_test(rep.replicas_run == NREP && rep.replicas_skipped == 0, "runner: report says 7 run, 0 skipped");
    aim_test(log.calls == NREP && log.monotonic && log.last_total == NREP,
             "runner: progress once per replica, in order");
    aim_test(rep.write_seconds >= 0.0 && rep.write_seconds <= rep.seconds,
             "runner: write time within run time");

    /* The same replicas in three calls, out of order, with 3, 2 and 7 threads. */
    aim_test(run(cfg, split, 3, 0, 4, 7, &rep) == AIM_OK && rep.replicas_run == 3,
             "runner: replicas [4,7), 3 threads");
    aim_test(run(cfg, split, 2, 0, 0, 2, &rep) == AIM_OK && rep.replicas_run == 2,
             "runner: replicas [0,2), 2 threads");
    aim_test(run(cfg, split, 7, 0, 0, 7, &rep) == AIM_OK && rep.replicas_run == 2 &&
                 rep.replicas_skipped == 5,
             "runner: replicas [0,7) with 7 threads runs only the 2 missing");
    aim_test(run(cfg, split, 2, 0, 0, 7, &rep) == AIM_OK && rep.replicas_run == 0 &&
                 rep.replicas_skipped == 7,
             "runner: a complete range runs nothing");
    /* Point 1 of the split store: its replicas draw from other streams. */
    aim_test(run(cfg, split, 2, 1, 0, 2, &rep) == AIM_OK, "runner: point 1 replicas [0,2), other streams");

    struct aim_traj *x = NULL, *y = NULL;
    aim_traj_create(&x, aim_world_firm_count(cfg), (int)cfg->run.steps + 1,
                    (int)cfg->run.balance_sheet_every);
    aim_traj_create(&y, aim_world_firm_count(cfg), (int)cfg->run.steps + 1,
                    (int)cfg->run.balance_sheet_every);
    int all = 1;
    for (int r = 0; r < NREP; r++) {
        all = all && same(whole, 0, r, split, 0, r, x, y);
    }
    aim_test(all, "runner: split, reordered, 2/3/7-thread run equals the 1-thread run bitwise (7 replicas)");
    /* Fewer replicas than threads: the spare threads go to the running replicas' investor loops
     * (a lone replica gets all 4; two replicas under 7 threads get at least 3 each). */
    struct aim_store *nested = new_store("runner_nested.h5", cfg, 1);
    if (nested) {
        /* run() before aim_test: the message reads rep, an argument evaluated in no fixed order. */
        enum aim_status s = run(cfg, nested, 4, 0, 6, 7, &rep);
        aim_test(s == AIM_OK && rep.max_inner_threads == 4,
                 "runner: 1 replica under 4 threads runs its investor loop on 4 threads (got %d)",
                 rep.max_inner_threads);
        s = run(cfg, nested, 7, 0, 1, 3, &rep);
        aim_test(s == AIM_OK && rep.max_inner_threads >= 3,
                 "runner: 2 replicas under 7 threads give each investor loop >= 3 threads (got %d)",
                 rep.max_inner_threads);
        s = run(cfg, nested, 1, 0, 3, 4, &rep);
        aim_test(s == AIM_OK && rep.max_inner_threads == 1, "runner: 1 thread never nests (got %d)",
                 rep.max_inner_threads);
        aim_test(omp_get_max_active_levels() == 1,
                 "runner: max active levels still the caller's 1 after nested runs (got %d)",
                 omp_get_max_active_levels());
        int eq = 1;
        for (int r = 0; r < NREP; r++) {
            if (r == 6 || r == 1 || r == 2 || r == 3) {
                eq = eq && same(whole, 0, r, nested, 0, r, x, y);
            }
        }
        aim_test(eq, "runner: replicas whose investor loops ran on 3, 4 or 7 threads equal the 1-thread run "
                     "bitwise");
        aim_store_close(nested);
    }
    aim_test(!same(split, 0, 0, split, 1, 0, x, y),
             "runner: point 1 differs from point 0 (streams include the point)");
    aim_test(!same(whole, 0, 0, whole, 0, 1, x, y), "runner: replicas 0 and 1 differ");
    aim_test(aim_store_read_replica(whole, 0, 3, x) == AIM_OK && isfinite(x->firm[AIM_FV_cash][0]) &&
                 isfinite(x->market[AIM_MV_demand][cfg->run.steps]),
             "runner: written series are finite at both ends");

    /* Errors. */
    aim_test(run(cfg, whole, 0, 0, 0, 1, &rep) == AIM_ERR_USAGE, "runner: 0 threads refused");
    aim_test(run(cfg, whole, 1, 1, 0, 1, &rep) == AIM_ERR_USAGE, "runner: point outside the store refused");
    aim_test(run(cfg, whole, 1, 0, 3, 8, &rep) == AIM_ERR_USAGE,
             "runner: replica range outside the store refused");
    aim_test(run(cfg, whole, 1, 0, 5, 3, &rep) == AIM_ERR_USAGE, "runner: reversed range refused");
    struct aim_config *longer = small_config();
    aim_config_set(longer, "run.steps=19");
    aim_test(run(longer, whole, 1, 0, 0, 1, &rep) == AIM_ERR_USAGE,
             "runner: config with other steps refused");
    aim_test_contains(aim_error_message(), "20 x", "runner: message says what the config needs");
    aim_config_free(longer);

    size_t e1 = aim_runner_estimate_bytes(cfg, 1), e2 = aim_runner_estimate_bytes(cfg, 2),
           e4 = aim_runner_estimate_bytes(cfg, 4), e9 = aim_runner_estimate_bytes(cfg, 9);
    aim_test(e1 >= aim_world_bytes(cfg) && e2 > e1 && e4 - e1 == 3 * (e2 - e1),
             "runner: estimate grows by one world per thread (%zu -> %zu -> %zu bytes)", e1, e2, e4);
    aim_test(e9 == aim_runner_estimate_bytes(cfg, NREP) && e9 - e1 == (NREP - 1) * (e2 - e1),
             "runner: threads beyond the 7 replicas add no world (9 threads: %zu bytes)", e9);
    aim_test(aim_runner_check_memory(cfg, 2, e1 + 1) == AIM_ERR_NOMEM,
             "runner: 2 threads over a 1-thread limit refused");
    aim_test_contains(aim_error_message(), "--max-memory", "runner: message names --max-memory");
    aim_test_contains(aim_error_message(), "fewer --threads", "runner: message says what would fit");
    opt = (struct aim_runner_options){2, 0, 0, NREP, 1000, NULL, NULL, NULL, NULL};
    omp_set_max_active_levels(3);
    aim_test(aim_runner_run(cfg, whole, &opt, &rep) == AIM_ERR_NOMEM,
             "runner: run refused under a 1000-byte limit");
    aim_test(omp_get_max_active_levels() == 3, "runner: a refused run leaves max active levels at 3 (got %d)",
             omp_get_max_active_levels());
    aim_test(aim_runner_check_memory(cfg, 2, 0) == AIM_OK, "runner: the small config fits this machine");

    aim_traj_free(x);
    aim_traj_free(y);
    aim_store_close(whole);
    aim_store_close(split);
    if (!getenv("AIM_KEEP")) {
        unlink("runner_whole.h5");
        unlink("runner_split.h5");
        unlink("runner_nested.h5");
    }
    aim_config_free(cfg);
    return aim_test_summary();
}
