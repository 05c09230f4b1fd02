/* aimsim reproduce's engine (sim/reproduce.h). Units run as the runner runs them (sim/runner.c:
 * aim_world_reset on the unit's stream, then aim_world_step month by month), each thread owning a
 * world and two trajectory buffers: the rerun and the file's copy, read under a lock (serial HDF5
 * has one caller at a time). Comparisons are of bit patterns, so that a NaN's payload or the sign
 * of a zero counts; the first differing unit reported is the first in the order asked for,
 * whichever thread finished first. */
#include "sim/reproduce.h"

#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/design.h"
#include "sim/store_units.h"
#include "sim/sweep.h"
#include "sim/traj.h"
#include "sim/version.h"
#include "sim/world.h"

/* Appends "fmt" to a malloc'd text (NULL on running out of memory: the text is dropped). */
static void aim_reproduce_append(char **text, size_t *len, const char *fmt, const char *a, const char *b,
                                 const char *c)
{
    if (!*text) {
        return;
    }
    int n = snprintf(NULL, 0, fmt, a, b, c);
    char *grown = n >= 0 ? realloc(*text, *len + (size_t)n + 1) : NULL;
    if (!grown) {
        free(*text);
        *text = NULL;
        return;
    }
    snprintf(grown + *len, (size_t)n + 1, fmt, a, b, c);
    *text = grown;
    *len += (size_t)n;
}

enum aim_status aim_reproduce_check_provenance(const struct aim_store *st, char **warnings)
{
    char hdf5v[32];
    int dirty = aim_version_git_dirty();
    const char *dirty_text = dirty == 1 ? "yes" : dirty == 0 ? "no" : "unknown";
    /* Fields that can change the numbers, then those that cannot (the libraries' I/O). */
    const char *const names[] = {"aimsim_version", "git_revision", "compiler",     "compile_flags",
                                 "build_type",     "git_dirty",    "hdf5_version", "libfyaml_version"};
    const char *const mine[] = {aim_version_string(),
                                aim_version_git_revision(),
                                aim_version_compiler(),
                                aim_version_flags(),
                                aim_version_build_type(),
                                dirty_text,
                                aim_version_hdf5(hdf5v, sizeof hdf5v),
                                aim_version_libfyaml()};
    enum { N_FIELDS = 8, N_RESULT = 5, DIRTY = 5 };
    size_t elen = 0, wlen = 0;
    char *errors = calloc(1, 1);
    *warnings = calloc(1, 1);
    if (!errors || !*warnings) {
        free(errors);
        free(*warnings);
        *warnings = NULL;
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < N_FIELDS; i++) {
        char *theirs = NULL;
        enum aim_status s = aim_store_read_root_string(st, names[i], &theirs);
        if (s) {
            free(errors);
            free(*warnings);
            *warnings = NULL;
            return s;
        }
        if (i == DIRTY) {
            /* Equal revisions prove equal sources only for clean trees. */
            if (strcmp(theirs, "no") != 0 || dirty != 0) {
                aim_reproduce_append(
                    &errors, &elen,
                    "\n  git_dirty: file %s, this binary %s: a tree with uncommitted changes "
                    "(or of unknown state) cannot be proven to hold the same code%s",
                    theirs, dirty_text, "");
            }
        } else if (strcmp(theirs, mine[i]) != 0) {
            if (i < N_RESULT) {
                aim_reproduce_append(&errors, &elen, "\n  %s: file \"%s\", this binary \"%s\"", names[i],
                                     theirs, mine[i]);
            } else {
                aim_reproduce_append(warnings, &wlen,
                                     "%s differs: file \"%s\", this binary \"%s\" (I/O library only: it "
                                     "does not change the numbers)\n",
                                     names[i], theirs, mine[i]);
            }
        }
        free(theirs);
    }
    if (!errors || !*warnings) {
        free(errors);
        free(*warnings);
        *warnings = NULL;
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    enum aim_status s = AIM_OK;
    if (elen > 0) {
        s = aim_error_set(AIM_ERR_USAGE,
                          "this binary's build differs from the one that wrote the file in a way that "
                          "can change results:%s",
                          errors);
    }
    free(errors);
    return s;
}

enum aim_status aim_reproduce_config(const struct aim_store *st, struct aim_config **out, char **yaml)
{
    *out = NULL;
    *yaml = NULL;
    uint64_t seed = 0;
    char *text = NULL;
    struct aim_config *cfg = NULL;
    enum aim_status s = aim_store_units_seed(st, &seed);
    if (!s) {
        s = aim_store_read_root_string(st, "config", &text);
    }
    if (!s) {
        s = aim_config_create(&cfg);
    }
    if (!s) {
        s = aim_config_load_string(cfg, text, strlen(text), "the file's config attribute");
    }
    if (!s) {
        s = aim_config_validate(cfg);
    }
    if (s) {
        aim_config_free(cfg);
        free(text);
        return s == AIM_ERR_FORMAT ? s : aim_error_prefix(AIM_ERR_FORMAT, "the file's config: ");
    }
    int np, nr, nt, nf;
    aim_store_shape(st, &np, &nr, &nt, &nf);
    if (cfg->run.seed != seed) {
        s = aim_error_set(AIM_ERR_FORMAT, "the file's root seed %llu differs from its config's run.seed %llu",
                          (unsigned long long)seed, (unsigned long long)cfg->run.seed);
    } else if (nt != cfg->run.steps + 1 || nf != aim_world_firm_count(cfg) || nr != cfg->run.replicas ||
               aim_store_bs_every(st) != cfg->run.balance_sheet_every) {
        s = aim_error_set(AIM_ERR_FORMAT,
                          "the file holds %d replicas x %d times x %d firms (balance sheet every %d months), "
                          "its config makes %ld x %ld x %d (every %ld)",
                          nr, nt, nf, aim_store_bs_every(st), cfg->run.replicas, cfg->run.steps + 1,
                          aim_world_firm_count(cfg), cfg->run.balance_sheet_every);
    }
    if (s) {
        aim_config_free(cfg);
        free(text);
        return s;
    }
    *out = cfg;
    *yaml = text;
    return AIM_OK;
}

/* ---- comparing one unit ---- */

static int aim_reproduce_same(double a, double b)
{
    uint64_t x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    return x == y;
}

static void aim_reproduce_value(char *buf, size_t size, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    snprintf(buf, size, "%.17g (bits 0x%016llx)", v, (unsigned long long)bits);
}

/* "YYYY-MM" of month t from the start date. */
static void aim_reproduce_month(char *buf, size_t size, const char *start, int t)
{
    int y = 0, m = 0;
    if (sscanf(start, "%d-%d", &y, &m) != 2) {
        snprintf(buf, size, "month %d", t);
        return;
    }
    long months = (long)y * 12 + (m - 1) + t;
    snprintf(buf, size, "%04ld-%02ld", months / 12, months % 12 + 1);
}

static int aim_reproduce_doubles(struct aim_reproduce_diff *d, const char *dataset, const double *file,
                                 const double *run, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        if (!aim_reproduce_same(file[i], run[i])) {
            snprintf(d->dataset, sizeof d->dataset, "%s", dataset);
            aim_reproduce_value(d->file_value, sizeof d->file_value, file[i]);
            aim_reproduce_value(d->run_value, sizeof d->run_value, run[i]);
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* The first difference of a unit's series and balance sheet; 1 if there is one. */
static int aim_reproduce_series(const struct aim_config *cfg, const struct aim_traj *file,
                                const struct aim_traj *run, struct aim_reproduce_diff *d)
{
    char name[96], month[32];
    size_t at = 0;
    int nf = run->n_firms;
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        snprintf(name, sizeof name, "/firm/%s", aim_traj_firm_var_name(v));
        if (aim_reproduce_doubles(d, name, file->firm[v], run->firm[v], (size_t)run->n_times * (size_t)nf,
                                  &at)) {
            int t = (int)(at / (size_t)nf), f = (int)(at % (size_t)nf);
            aim_reproduce_month(month, sizeof month, cfg->run.start_date, t);
            snprintf(d->where, sizeof d->where, "time %d (%s), firm %d (%s)", t, month, f,
                     aim_world_firm_name(cfg, f));
            return 1;
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        snprintf(name, sizeof name, "/market/%s", aim_traj_market_var_name(v));
        if (aim_reproduce_doubles(d, name, file->market[v], run->market[v], (size_t)run->n_times, &at)) {
            aim_reproduce_month(month, sizeof month, cfg->run.start_date, (int)at);
            snprintf(d->where, sizeof d->where, "time %d (%s)", (int)at, month);
            return 1;
        }
    }
    if (aim_reproduce_doubles(d, "/balance_sheet", file->bs, run->bs,
                              (size_t)run->n_snapshots * AIM_TRAJ_BS_CELLS, &at)) {
        int s = (int)(at / AIM_TRAJ_BS_CELLS), cell = (int)(at % AIM_TRAJ_BS_CELLS);
        int t = aim_traj_snapshot_month(s, run->n_times, run->bs_every);
        aim_reproduce_month(month, sizeof month, cfg->run.start_date, t);
        snprintf(d->where, sizeof d->where, "snapshot %d (time %d, %s), bs_row %d (%s), bs_col %d (%s)", s, t,
                 month, cell / AIM_BS_COLS, aim_balance_row_name(cell / AIM_BS_COLS), cell % AIM_BS_COLS,
                 aim_balance_col_name(cell % AIM_BS_COLS));
        return 1;
    }
    return 0;
}

/* The first differing field of a stored event row and the rerun's event; 1 if there is one. */
static int aim_reproduce_event(const struct aim_store_units_event *row, const struct aim_event *e,
                               struct aim_reproduce_diff *d)
{
    const char *const inames[] = {"step", "kind", "a", "b", "c"};
    const int32_t fi[] = {row->ev.step, row->ev.kind, row->ev.a, row->ev.b, row->ev.c};
    const int32_t ri[] = {e->step, e->kind, e->a, e->b, e->c};
    for (int k = 0; k < 5; k++) {
        if (fi[k] != ri[k]) {
            snprintf(d->where, sizeof d->where, "row %ld (seq %d), field %s", row->row, row->seq, inames[k]);
            snprintf(d->file_value, sizeof d->file_value, "%d", fi[k]);
            snprintf(d->run_value, sizeof d->run_value, "%d", ri[k]);
            return 1;
        }
    }
    for (int k = 0; k < 3; k++) {
        if (!aim_reproduce_same(row->ev.amount[k], e->amount[k])) {
            snprintf(d->where, sizeof d->where, "row %ld (seq %d), field amount%d", row->row, row->seq, k);
            aim_reproduce_value(d->file_value, sizeof d->file_value, row->ev.amount[k]);
            aim_reproduce_value(d->run_value, sizeof d->run_value, e->amount[k]);
            return 1;
        }
    }
    return 0;
}

/* The unit's event count and rows (rows[0 .. n), its rows of /events in seq order; a row repeated
 * by an interrupted run must equal the first) against the rerun's log; 1 if they differ. */
static int aim_reproduce_events(int32_t count, const struct aim_store_units_event *rows, size_t n,
                                const struct aim_traj *run, struct aim_reproduce_diff *d)
{
    snprintf(d->dataset, sizeof d->dataset, "/event_count");
    if ((size_t)count != run->n_events || count < 0) {
        snprintf(d->where, sizeof d->where, "the unit's count");
        snprintf(d->file_value, sizeof d->file_value, "%d", count);
        snprintf(d->run_value, sizeof d->run_value, "%zu", run->n_events);
        return 1;
    }
    snprintf(d->dataset, sizeof d->dataset, "/events");
    size_t next = 0; /* the seq the next new row must have */
    for (size_t i = 0; i < n; i++) {
        int32_t seq = rows[i].seq;
        int repeat = next > 0 && (size_t)seq == next - 1;
        if (!repeat && (seq < 0 || (size_t)seq != next || next >= run->n_events)) {
            snprintf(d->where, sizeof d->where,
                     "row %ld: seq %d where the unit's row of seq %zu was expected", rows[i].row, seq, next);
            snprintf(d->file_value, sizeof d->file_value, "seq %d", seq);
            snprintf(d->run_value, sizeof d->run_value,
                     next < run->n_events ? "seq %zu" : "no row (%zu events)",
                     next < run->n_events ? next : run->n_events);
            return 1;
        }
        if (aim_reproduce_event(&rows[i], &run->events[repeat ? next - 1 : next], d)) {
            return 1;
        }
        next += !repeat;
    }
    if (next != run->n_events) {
        snprintf(d->where, sizeof d->where, "the unit's rows end at seq %zu", next);
        snprintf(d->file_value, sizeof d->file_value, "%zu rows", next);
        snprintf(d->run_value, sizeof d->run_value, "%zu events", run->n_events);
        return 1;
    }
    return 0;
}

/* First row of unit (p, r) in rows sorted by (point, replica, seq). */
static size_t aim_reproduce_first_row(const struct aim_store_units_event *rows, size_t n, int p, int r)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid].point < p || (rows[mid].point == p && rows[mid].replica < r)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* ---- running the units ---- */

/* What the threads share. */
struct aim_reproduce_job {
    struct aim_store *st;
    const struct aim_config *cfg;
    const struct aim_sweep *sweep; /* NULL: a single run */
    const struct aim_reproduce_options *opt;
    const int32_t *counts;
    const struct aim_store_units_event *rows;
    size_t n_rows;
    int n_replicas, inner;
};

/* Unit i: the world (made for its point when needed), the rerun, the file's copy, the comparison.
 * Returns 1 in *differ with d filled if the unit differs. */
static enum aim_status aim_reproduce_unit(const struct aim_reproduce_job *job, int i, struct aim_world **w,
                                          int *w_point, struct aim_config **point_cfg, struct aim_traj *run,
                                          struct aim_traj *file, omp_lock_t *store_lock, int *differ,
                                          struct aim_reproduce_diff *d)
{
    int p = job->opt->units[2 * i], r = job->opt->units[2 * i + 1];
    enum aim_status s = AIM_OK;
    if (!*w || (job->sweep && *w_point != p)) {
        aim_world_free(*w);
        *w = NULL;
        aim_config_free(*point_cfg);
        *point_cfg = NULL;
        if (job->sweep) {
            s = aim_sweep_point_config(job->sweep, p, point_cfg);
        }
        if (!s) {
            s = aim_world_create(w, job->sweep ? *point_cfg : job->cfg);
        }
        if (s) {
            return aim_error_prefix(s, "point %d: ", p);
        }
        *w_point = p;
    }
    const struct aim_config *pc = job->sweep ? *point_cfg : job->cfg;
    aim_traj_clear(run);
    uint64_t stream_point = pc->sweep.common_random_numbers ? 0 : (uint64_t)p;
    s = aim_world_reset(*w, pc->run.seed, stream_point, (uint64_t)r, run);
    for (long t = 0; !s && t < pc->run.steps; t++) {
        s = aim_world_step(*w, job->inner, run);
    }
    if (s) {
        return aim_error_prefix(s, "replica %d of point %d: ", r, p);
    }
    omp_set_lock(store_lock);
    s = aim_store_units_read_series(job->st, p, r, file);
    omp_unset_lock(store_lock);
    if (s) {
        return s;
    }
    size_t first = aim_reproduce_first_row(job->rows, job->n_rows, p, r), last = first;
    while (last < job->n_rows && job->rows[last].point == p && job->rows[last].replica == r) {
        last++;
    }
    *differ = aim_reproduce_series(pc, file, run, d) ||
              aim_reproduce_events(job->counts[(size_t)p * (size_t)job->n_replicas + (size_t)r],
                                   job->rows + first, last - first, run, d);
    if (*differ) {
        d->point = p;
        d->replica = r;
    }
    return AIM_OK;
}

/* The threads' loop over the units. */
static enum aim_status aim_reproduce_units(const struct aim_reproduce_job *job,
                                           struct aim_reproduce_report *report)
{
    const struct aim_reproduce_options *opt = job->opt;
    int n_units = opt->n_units, next = 0, best = n_units, compared = 0;
    int nt = job->cfg->run.steps + 1, nf = aim_world_firm_count(job->cfg);
    int every = (int)job->cfg->run.balance_sheet_every;
    enum aim_status first_status = AIM_OK;
    char first_message[1024] = "";
    omp_lock_t store_lock, result_lock;
    omp_init_lock(&store_lock);
    omp_init_lock(&result_lock);
    int saved_levels = omp_get_max_active_levels();
    if (saved_levels < 2) {
        omp_set_max_active_levels(2);
    }
    int threads = opt->threads < n_units ? opt->threads : n_units;
#pragma omp parallel num_threads(threads) default(none)                                                      \
    shared(job, report, n_units, next, best, compared, nt, nf, every, first_status, first_message,           \
           store_lock, result_lock)
    {
        struct aim_world *w = NULL;
        struct aim_config *point_cfg = NULL;
        struct aim_traj *run = NULL, *file = NULL;
        struct aim_reproduce_diff d;
        int w_point = -1;
        enum aim_status s = aim_traj_create(&run, nf, nt, every);
        if (!s) {
            s = aim_traj_create(&file, nf, nt, every);
        }
        while (!s) {
            int i, stop;
#pragma omp atomic capture
            i = next++;
            if (i >= n_units) {
                break;
            }
#pragma omp atomic read
            stop = best;
            if (i > stop) {
                continue; /* an earlier unit differs already: it is the one reported */
            }
            int differ = 0;
            s = aim_reproduce_unit(job, i, &w, &w_point, &point_cfg, run, file, &store_lock, &differ, &d);
            if (s) {
                break;
            }
            omp_set_lock(&result_lock);
            compared++;
            if (differ && i < best) {
#pragma omp atomic write
                best = i;
                report->diff = d;
            }
            omp_unset_lock(&result_lock);
        }
        if (s) {
            omp_set_lock(&result_lock);
            if (!first_status) {
                first_status = s;
                snprintf(first_message, sizeof first_message, "%s", aim_error_message());
            }
            omp_unset_lock(&result_lock);
#pragma omp atomic write
            next = n_units; /* the others stop after their current unit */
        }
        aim_traj_free(run);
        aim_traj_free(file);
        aim_world_free(w);
        aim_config_free(point_cfg);
    }
    omp_set_max_active_levels(saved_levels);
    omp_destroy_lock(&store_lock);
    omp_destroy_lock(&result_lock);
    report->compared = compared;
    report->differ = best < n_units;
    if (first_status) {
        return aim_error_set(first_status, "%s", first_message);
    }
    return AIM_OK;
}

enum aim_status aim_reproduce_run(struct aim_store *st, const struct aim_config *cfg, const char *yaml,
                                  const struct aim_reproduce_options *opt,
                                  struct aim_reproduce_report *report)
{
    memset(report, 0, sizeof *report);
    double t0 = omp_get_wtime();
    if (opt->threads < 1) {
        return aim_error_set(AIM_ERR_USAGE, "threads must be >= 1 (got %d)", opt->threads);
    }
    int np, nr, nt, nf;
    aim_store_shape(st, &np, &nr, &nt, &nf);
    for (int i = 0; i < opt->n_units; i++) {
        int p = opt->units[2 * i], r = opt->units[2 * i + 1];
        if (!aim_store_replica_done(st, p, r)) {
            return aim_error_set(AIM_ERR_USAGE, "replica %d of point %d is not a completed unit of the file",
                                 r, p);
        }
    }
    if (opt->n_units == 0) {
        report->seconds = omp_get_wtime() - t0;
        return AIM_OK;
    }
    /* A sweep's point configs: the file's resolved config with /sweep/points row p set, made by the
     * sweep module's own function from a design holding the file's values (read, never freed). */
    int n_factors = 0;
    const char *const *keys = NULL;
    const double *values = NULL;
    int is_sweep = aim_store_sweep_points(st, &n_factors, &keys, &values);
    struct aim_design design = {
        .n_points = np, .n_cols = n_factors, .x = (double *)values, .keys = (char **)keys};
    struct aim_sweep sweep = {.n_points = np, .yaml = (char *)yaml, .design = &design};
    size_t cells = (size_t)np * (size_t)nr;
    uint8_t *want = calloc(cells, 1);
    int32_t *counts = malloc(cells * sizeof *counts);
    if (!want || !counts) {
        free(want);
        free(counts);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for %zu units", cells);
    }
    for (int i = 0; i < opt->n_units; i++) {
        want[(size_t)opt->units[2 * i] * (size_t)nr + (size_t)opt->units[2 * i + 1]] = 1;
    }
    struct aim_store_units_event *rows = NULL;
    size_t n_rows = 0;
    enum aim_status s = aim_store_units_event_counts(st, counts);
    if (!s) {
        s = aim_store_units_events(st, want, &rows, &n_rows);
    }
    if (!s) {
        /* Threads beyond the units join the investor loops; the numbers do not depend on it. */
        int inner = opt->threads > opt->n_units ? opt->threads / opt->n_units : 1;
        struct aim_reproduce_job job = {.st = st,
                                        .cfg = cfg,
                                        .sweep = is_sweep ? &sweep : NULL,
                                        .opt = opt,
                                        .counts = counts,
                                        .rows = rows,
                                        .n_rows = n_rows,
                                        .n_replicas = nr,
                                        .inner = inner};
        s = aim_reproduce_units(&job, report);
    }
    free(rows);
    free(want);
    free(counts);
    report->seconds = omp_get_wtime() - t0;
    return s;
}
