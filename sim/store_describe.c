/* The description `aimsim info` prints: provenance attributes, completion and every dataset's
 * shape, from a file checked on opening. */
#include "sim/store_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** @brief A growing text buffer. */
struct aim_store_text {
    char *s;
    size_t len, cap;
    int failed;
};

static void aim_store_printf(struct aim_store_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void aim_store_printf(struct aim_store_text *t, const char *fmt, ...)
{
    if (t->failed) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + (size_t)n + 1) {
            cap *= 2;
        }
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/** @brief One line of the dataset list of aimsim info. */
struct aim_store_listed {
    char name[96];
    const char *type;
    char dims[192];
};

static int aim_store_listed_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct aim_store_listed *)pa)->name, ((const struct aim_store_listed *)pb)->name);
}

/* Every dataset of the layout, in name order, with its dimensions as checked on opening (the
 * file's dimension-scale attributes are not read: their references live in HDF5's global heap,
 * which has no checksum). */
static void aim_store_describe_datasets(const struct aim_store *st, struct aim_store_text *t)
{
    enum { N_LISTED = AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT + 34 };
    struct aim_store_listed list[N_LISTED];
    size_t n = 0;
    char p[32], r[32], tm[32], f[32], e[32], sn[32], br[32], bc[32];
    int wr = st->bs_width[0], wc = st->bs_width[1];
    snprintf(sn, sizeof sn, "snapshot=%d", st->n_snapshots);
    snprintf(br, sizeof br, "bs_row=%d", AIM_BS_ROWS);
    snprintf(bc, sizeof bc, "bs_col=%d", AIM_BS_COLS);
    snprintf(p, sizeof p, "point=%d", st->n_points);
    snprintf(r, sizeof r, "replica=%d", st->n_replicas);
    snprintf(tm, sizeof tm, "time=%d", st->n_times);
    snprintf(f, sizeof f, "firm=%d", st->n_firms);
    snprintf(e, sizeof e, "event=%llu", (unsigned long long)st->n_events);
#define AIM_LIST(nm, ty, ...)                                                                                \
    do {                                                                                                     \
        snprintf(list[n].name, sizeof list[n].name, "%s", nm);                                               \
        list[n].type = ty;                                                                                   \
        snprintf(list[n].dims, sizeof list[n].dims, __VA_ARGS__);                                            \
        n++;                                                                                                 \
    } while (0)
    AIM_LIST("balance_sheet", "float64", "%s, %s, %s, %s, %s", p, r, sn, br, bc);
    AIM_LIST("balance_sheet_month", "int32", "%s", sn);
    AIM_LIST("snapshot", "int32", "%s", sn);
    AIM_LIST("bs_row", "int32", "%s", br);
    AIM_LIST("bs_col", "int32", "%s", bc);
    AIM_LIST("bs_row_name", "char", "%s, bs_row_name_strlen=%d", br, wr);
    AIM_LIST("bs_row_name_strlen", "int32", "bs_row_name_strlen=%d", wr);
    AIM_LIST("bs_col_name", "char", "%s, bs_col_name_strlen=%d", bc, wc);
    AIM_LIST("bs_col_name_strlen", "int32", "bs_col_name_strlen=%d", wc);
    AIM_LIST("event", "int32", "%s", e);
    AIM_LIST("event_count", "int32", "%s, %s", p, r);
    AIM_LIST("events", "compound", "%s", e);
    AIM_LIST("point", "int32", "%s", p);
    AIM_LIST("replica", "int32", "%s", r);
    AIM_LIST("replica_done", "uint8", "%s, %s", p, r);
    AIM_LIST("time", "float64", "%s", tm);
    for (int g = 0; g < 2; g++) {
        const char *grp = g == 0 ? "firm" : "market";
        char nm[96];
        snprintf(nm, sizeof nm, "%s/point", grp);
        AIM_LIST(nm, "int32", "%s", p);
        snprintf(nm, sizeof nm, "%s/replica", grp);
        AIM_LIST(nm, "int32", "%s", r);
        snprintf(nm, sizeof nm, "%s/time", grp);
        AIM_LIST(nm, "float64", "%s", tm);
        snprintf(nm, sizeof nm, "%s/month", grp);
        AIM_LIST(nm, "int32", "%s", tm);
    }
    AIM_LIST("firm/firm", "int32", "%s", f);
    AIM_LIST("firm/firm_name", "char", "%s, firm_name_strlen=%d", f, st->label_width[0]);
    AIM_LIST("firm/firm_name_strlen", "int32", "firm_name_strlen=%d", st->label_width[0]);
    AIM_LIST("firm/firm_kind", "char", "%s, firm_kind_strlen=%d", f, st->label_width[1]);
    AIM_LIST("firm/firm_kind_strlen", "int32", "firm_kind_strlen=%d", st->label_width[1]);
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        char nm[96];
        snprintf(nm, sizeof nm, "firm/%s", aim_traj_firm_var_name(v));
        AIM_LIST(nm, "float64", "%s, %s, %s, %s", p, r, tm, f);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        char nm[96];
        snprintf(nm, sizeof nm, "market/%s", aim_traj_market_var_name(v));
        AIM_LIST(nm, "float64", "%s, %s, %s", p, r, tm);
    }
#undef AIM_LIST
    qsort(list, n, sizeof *list, aim_store_listed_cmp);
    for (size_t i = 0; i < n; i++) {
        aim_store_printf(t, "  /%-28s %-8s [%s]\n", list[i].name, list[i].type, list[i].dims);
    }
}

/* Root string attribute name: *value NULL if the file has none (end_time of a partial file);
 * AIM_ERR_FORMAT if it is there but does not read. */
static enum aim_status aim_store_describe_attr(const struct aim_store *st, const char *name, char **value)
{
    *value = NULL;
    htri_t exists = H5Aexists(st->file, name);
    if (exists < 0) {
        return aim_h5util_damaged(st->path, "looking up root attribute", name);
    }
    return exists > 0 ? aim_store_read_root_string(st, name, value) : AIM_OK;
}

/* Points of a sweep listed in aimsim info: the design, then the first points as a table. */
enum { AIM_STORE_DESCRIBE_POINTS = 20 };

/* Width of a factor's column: its key, at least 12 characters. */
static int aim_store_describe_width(const char *key)
{
    size_t n = strlen(key);
    return n < 12 ? 12 : n > 64 ? 64 : (int)n;
}

static void aim_store_describe_sweep(struct aim_store *st, struct aim_store_text *t)
{
    char *design = NULL;
    uint64_t n = 0, seed = 0;
    int crn = 0, done = 0;
    hid_t ds = H5Dopen2(st->file, "/sweep/points", H5P_DEFAULT);
    if (ds >= 0) {
        design = aim_h5util_read_string_attr(ds, "design");
        if (aim_h5util_read_u64_attr(ds, "design_points", &n) != 0) {
            n = 0;
        }
        if (aim_h5util_read_u64_attr(ds, "design_seed", &seed) != 0) {
            seed = 0;
        }
        hid_t a = H5Aexists(ds, "common_random_numbers") > 0
                      ? H5Aopen(ds, "common_random_numbers", H5P_DEFAULT)
                      : H5I_INVALID_HID;
        int32_t v = 0;
        if (a >= 0 && H5Aread(a, H5T_NATIVE_INT32, &v) >= 0) {
            crn = v != 0;
        }
        if (a >= 0) {
            H5Aclose(a);
        }
        H5Dclose(ds);
    }
    H5Eclear2(H5E_DEFAULT);
    for (int p = 0; p < st->n_points; p++) {
        done += aim_store_done_count(st, p);
    }
    aim_store_printf(
        t, "sweep: design %s, %d points (N %llu, design seed %llu), %d factors, common random numbers %s\n",
        design ? design : "(not set)", st->n_points, (unsigned long long)n, (unsigned long long)seed,
        st->sweep_factors, crn ? "yes" : "no");
    aim_store_printf(t, "replicas complete: %d of %ld (%d points x %d replicas)\n", done,
                     (long)st->n_points * st->n_replicas, st->n_points, st->n_replicas);
    int shown = st->n_points < AIM_STORE_DESCRIBE_POINTS ? st->n_points : AIM_STORE_DESCRIBE_POINTS;
    aim_store_printf(t, "points%s:\n  %5s", shown < st->n_points ? " (the first 20)" : "", "point");
    for (int j = 0; j < st->sweep_factors; j++) {
        aim_store_printf(t, " %*s", aim_store_describe_width(st->sweep_keys[j]), st->sweep_keys[j]);
    }
    aim_store_printf(t, " %9s\n", "complete");
    for (int p = 0; p < shown; p++) {
        aim_store_printf(t, "  %5d", p);
        for (int j = 0; j < st->sweep_factors; j++) {
            aim_store_printf(t, " %*.6g", aim_store_describe_width(st->sweep_keys[j]),
                             st->sweep_values[(size_t)p * (size_t)st->sweep_factors + (size_t)j]);
        }
        aim_store_printf(t, " %5d of %d\n", aim_store_done_count(st, p), st->n_replicas);
    }
    if (shown < st->n_points) {
        aim_store_printf(t, "  ... %d more points (/sweep/points holds them all)\n", st->n_points - shown);
    }
    free(design);
}

/* A merged file: the shard files its series read from (those of /firm/cash; every series has the same). */
static void aim_store_describe_sources(const struct aim_store *st, struct aim_store_text *t)
{
    hid_t dcpl = H5Dget_create_plist(st->firm[0]);
    size_t count = 0;
    if (dcpl < 0 || H5Pget_virtual_count(dcpl, &count) < 0) {
        H5Eclear2(H5E_DEFAULT);
        count = 0;
    }
    aim_store_printf(t, "merged: its series read from %zu shard file%s (relative to it):\n", count,
                     count == 1 ? "" : "s");
    for (size_t i = 0; i < count && i < 20; i++) {
        char name[4096];
        if (H5Pget_virtual_filename(dcpl, i, name, sizeof name) >= 0) {
            aim_store_printf(t, "  %s\n", name);
        }
    }
    if (count > 20) {
        aim_store_printf(t, "  ... and %zu more\n", count - 20);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
}

enum aim_status aim_store_describe_loud(const char *path, char **text)
{
    *text = NULL;
    struct aim_store *st = NULL;
    enum aim_status status = aim_store_open_loud(&st, path, 0);
    if (status) {
        return status;
    }
    struct aim_store_text t = {0};
    static const char *const keys[] = {"status",           "aimsim_version", "git_revision", "git_dirty",
                                       "compiler",         "compile_flags",  "build_type",   "hdf5_version",
                                       "libfyaml_version", "start_date",     "start_time",   "end_time"};
    aim_store_printf(&t, "file: %s\n", path);
    aim_store_printf(&t, "format: %s\n", AIM_STORE_FORMAT);
    for (size_t i = 0; i < sizeof keys / sizeof *keys && !status; i++) {
        char *v = NULL;
        status = aim_store_describe_attr(st, keys[i], &v);
        aim_store_printf(&t, "%s: %s\n", keys[i], v ? v : "(not set)");
        free(v);
    }
    if (!status && H5Aexists(st->file, "shard") > 0) {
        char *v = NULL;
        status = aim_store_describe_attr(st, "shard", &v);
        aim_store_printf(&t, "shard: %s (a part of the run's units; `aimsim merge` joins the parts)\n",
                         v ? v : "(unreadable)");
        free(v);
    }
    H5Eclear2(H5E_DEFAULT);
    uint64_t seed = 0;
    if (!status && aim_h5util_read_u64_attr(st->file, "seed", &seed) != 0) {
        status = aim_error_set(AIM_ERR_FORMAT,
                               "%s: root attribute seed is missing or unreadable (damaged file?)", path);
    }
    aim_store_printf(&t, "seed: %llu\n", (unsigned long long)seed);
    aim_store_printf(&t, "shape: %d points x %d replicas x %d times x %d firms\n", st->n_points,
                     st->n_replicas, st->n_times, st->n_firms);
    aim_store_printf(&t, "balance sheets: every %d months, %d snapshots (months", st->bs_every,
                     st->n_snapshots);
    for (int s = 0; s < st->n_snapshots; s++) {
        aim_store_printf(&t, "%s%d", s ? ", " : " ", aim_traj_snapshot_month(s, st->n_times, st->bs_every));
    }
    aim_store_printf(&t, ")\n");
    if (st->sweep_factors > 0) {
        aim_store_describe_sweep(st, &t);
    } else {
        for (int p = 0; p < st->n_points; p++) {
            aim_store_printf(&t, "replicas complete (point %d): %d of %d\n", p, aim_store_done_count(st, p),
                             st->n_replicas);
        }
    }
    if (st->merged) {
        aim_store_describe_sources(st, &t);
    }
    aim_store_printf(&t, "events: %llu rows\n", (unsigned long long)st->n_events);
    aim_store_printf(&t, "datasets:\n");
    aim_store_describe_datasets(st, &t);
    char *config = NULL;
    if (!status) {
        status = aim_store_read_root_string(st, "config", &config);
    }
    aim_store_printf(&t, "config:\n");
    if (config) {
        /* Indented so the block reads as YAML nested under "config:". */
        for (char *line = config, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) {
                *next++ = '\0';
            }
            aim_store_printf(&t, "  %s\n", line);
        }
    }
    free(config);
    enum aim_status cs = aim_store_release(st);
    if (!status) {
        status = cs;
    }
    if (!status && t.failed) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory describing the file", path);
    }
    if (status) {
        free(t.s);
        return status;
    }
    *text = t.s;
    return AIM_OK;
}
