/* A merged file over shard files (aim_store_merge): the units a sweep's ranks or job-array tasks
 * wrote to their own files, seen as one file. Every series dataset and /balance_sheet is an HDF5
 * virtual dataset with one mapping per shard file: the union of that shard's units' blocks
 * [p, r, ...], read from the same place of the shard's dataset of the same name (each shard file
 * has the whole sweep's shape, its missing units unwritten). The small datasets (completion map,
 * event counts, the event log) are copied. Readers, h5py and xarray see one file. */
#include "sim/store_internal.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The root attributes that say which build made the data: a merged file keeps its shards'. */
static const char *const aim_store_build_attrs[] = {"aimsim_version", "git_revision",    "git_dirty",
                                                    "compiler",       "compile_flags",   "build_type",
                                                    "hdf5_version",   "libfyaml_version"};
enum { AIM_STORE_BUILD_ATTRS = sizeof aim_store_build_attrs / sizeof *aim_store_build_attrs };

/* The path of file relative to the directory dir (both absolute, normalised by realpath). */
static char *aim_store_relative(const char *dir, const char *file)
{
    size_t dl = strlen(dir);
    char *d = malloc(dl + 2);
    if (!d) {
        return NULL;
    }
    strcpy(d, dir);
    if (dl == 0 || d[dl - 1] != '/') {
        strcat(d, "/");
    }
    /* The longest common prefix that ends with a '/' of d. */
    size_t k = 0;
    for (size_t i = 0; d[i] && file[i] && d[i] == file[i]; i++) {
        if (d[i] == '/') {
            k = i + 1;
        }
    }
    int ups = 0;
    for (const char *c = d + k; *c; c++) {
        ups += *c == '/';
    }
    const char *rest = file + k;
    char *out = malloc((size_t)ups * 3 + strlen(rest) + 1);
    if (out) {
        out[0] = '\0';
        for (int u = 0; u < ups; u++) {
            strcat(out, "../");
        }
        strcat(out, rest);
    }
    free(d);
    return out;
}

/* The event rows of a shard whose unit it gives (owner == index), appended to *rows. */
static enum aim_status aim_store_take_events(struct aim_store *sh, int index, const int32_t *owner,
                                             struct aim_store_event_row **rows, size_t *n, size_t *cap)
{
    if (sh->n_events == 0) {
        return AIM_OK;
    }
    enum aim_status status = aim_store_reserve_rows(sh, (size_t)sh->n_events);
    if (status) {
        return status;
    }
    if (H5Dread(sh->events_ds, sh->event_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, sh->rows) < 0) {
        return aim_h5util_damaged(sh->path, "reading", "/events");
    }
    for (hsize_t k = 0; k < sh->n_events; k++) {
        const struct aim_store_event_row *e = &sh->rows[k];
        if (e->point < 0 || e->point >= sh->n_points || e->replica < 0 || e->replica >= sh->n_replicas) {
            return aim_error_set(AIM_ERR_FORMAT, "%s: /events row %llu names unit (%d, %d) outside the file",
                                 sh->path, (unsigned long long)k, e->point, e->replica);
        }
        if (owner[(size_t)e->point * (size_t)sh->n_replicas + (size_t)e->replica] != index) {
            continue;
        }
        if (*n == *cap) {
            size_t c = *cap ? 2 * *cap : 4096;
            struct aim_store_event_row *g = realloc(*rows, c * sizeof *g);
            if (!g) {
                return aim_error_set(AIM_ERR_NOMEM, "out of memory for %zu event rows", c);
            }
            *rows = g;
            *cap = c;
        }
        (*rows)[(*n)++] = *e;
    }
    return AIM_OK;
}

/* Checks that shard sh is a store of this run and of the same build as the first shard. */
static enum aim_status aim_store_check_shard(struct aim_store *sh, const struct aim_store_layout *lay,
                                             const struct aim_store_provenance *prov, struct aim_store *first)
{
    enum aim_status status = AIM_OK;
    uint64_t seed = 0;
    char *config = aim_h5util_read_string_attr(sh->file, "config");
    if (sh->merged) {
        status = aim_error_set(AIM_ERR_USAGE,
                               "%s is itself a merged file; merge the shard files it reads from "
                               "(`aimsim info %s` lists them)",
                               sh->path, sh->path);
    } else if (aim_h5util_read_u64_attr(sh->file, "seed", &seed) != 0 || seed != prov->seed) {
        status = aim_error_set(AIM_ERR_USAGE, "%s: written with seed %llu, not %llu as the other shards",
                               sh->path, (unsigned long long)seed, (unsigned long long)prov->seed);
    } else if (!config || strcmp(config, prov->config_yaml) != 0) {
        status = aim_error_set(AIM_ERR_USAGE,
                               "%s: written with another configuration than the other shards (compare "
                               "`aimsim info` of each)",
                               sh->path);
    } else if (sh->n_points != lay->n_points || sh->n_replicas != lay->n_replicas ||
               sh->n_times != lay->n_times || sh->n_firms != lay->n_firms ||
               sh->n_snapshots != aim_traj_snapshot_count(lay->n_times, lay->bs_every)) {
        status = aim_error_set(AIM_ERR_USAGE,
                               "%s: holds %d points x %d replicas x %d times x %d firms, the "
                               "run %d x %d x %d x %d",
                               sh->path, sh->n_points, sh->n_replicas, sh->n_times, sh->n_firms,
                               lay->n_points, lay->n_replicas, lay->n_times, lay->n_firms);
    }
    for (int a = 0; !status && first && a < AIM_STORE_BUILD_ATTRS; a++) {
        const char *name = aim_store_build_attrs[a];
        if (strcmp(name, "hdf5_version") == 0 || strcmp(name, "libfyaml_version") == 0) {
            continue; /* libraries that store and parse, not compute */
        }
        char *mine = aim_h5util_read_string_attr(sh->file, name);
        char *theirs = aim_h5util_read_string_attr(first->file, name);
        if (!mine || !theirs || strcmp(mine, theirs) != 0) {
            status = aim_error_set(AIM_ERR_USAGE,
                                   "%s: made by another build than %s (%s \"%s\", not \"%s\"): its units may "
                                   "not be comparable",
                                   sh->path, first->path, name, mine ? mine : "(none)",
                                   theirs ? theirs : "(none)");
        }
        free(mine);
        free(theirs);
    }
    free(config);
    H5Eclear2(H5E_DEFAULT);
    return status;
}

enum aim_status aim_store_merge_loud(const char *out, const struct aim_store_layout *lay,
                                     const struct aim_store_provenance *prov, int n,
                                     const char *const *shards, int replace,
                                     struct aim_store_merge_report *rep)
{
    enum aim_status status = aim_store_create_check_layout(lay, out);
    struct aim_store **sh = NULL, *st = NULL;
    struct aim_store_vmap vmap = {0};
    struct aim_store_event_row *rows = NULL;
    int32_t *owner = NULL, *counts = NULL, *all_counts = NULL;
    uint8_t *done = NULL;
    char *tmp = NULL, *outdir = NULL, *dirbuf = NULL;
    size_t nrows = 0, cap = 0;
    memset(rep, 0, sizeof *rep);
    if (status) {
        return status;
    }
    if (n < 1) {
        return aim_error_set(AIM_ERR_USAGE, "%s: no shard files to merge", out);
    }
    if (!replace && access(out, F_OK) == 0) {
        return aim_error_set(AIM_ERR_IO, "%s: already exists (not overwritten)", out);
    }
    size_t units = (size_t)lay->n_points * (size_t)lay->n_replicas;
    sh = calloc((size_t)n, sizeof *sh);
    owner = malloc(units * sizeof *owner);
    all_counts = calloc(units, sizeof *all_counts);
    counts = malloc(units * sizeof *counts);
    done = calloc(units, 1);
    vmap.sources = calloc((size_t)n, sizeof *vmap.sources);
    tmp = malloc(strlen(out) + sizeof ".merging");
    dirbuf = strdup(out);
    if (!sh || !owner || !all_counts || !counts || !done || !vmap.sources || !tmp || !dirbuf) {
        status = aim_error_set(AIM_ERR_NOMEM, "out of memory merging %d shard files", n);
        goto done;
    }
    sprintf(tmp, "%s.merging", out);
    outdir = realpath(dirname(dirbuf), NULL);
    if (!outdir) {
        status = aim_error_set(AIM_ERR_IO, "%s: cannot resolve its directory: %s", out, strerror(errno));
        goto done;
    }
    for (size_t u = 0; u < units; u++) {
        owner[u] = -1;
    }
    rep->files = n;
    rep->units = (long)units;
    for (int i = 0; i < n; i++) {
        status = aim_store_open_loud(&sh[i], shards[i], 0);
        if (!status) {
            status = aim_store_check_shard(sh[i], lay, prov, i ? sh[0] : NULL);
        }
        if (status) {
            goto done;
        }
        if (H5Dread(sh[i]->count_ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) < 0) {
            status = aim_h5util_damaged(shards[i], "reading", "/event_count");
            goto done;
        }
        int gives = 0;
        for (size_t u = 0; u < units; u++) {
            if (!sh[i]->done[u]) {
                continue;
            }
            if (owner[u] >= 0) {
                rep->duplicates++;
                continue;
            }
            owner[u] = i;
            done[u] = 1;
            all_counts[u] = counts[u];
            rep->done++;
            gives = 1;
        }
        char *real = realpath(shards[i], NULL);
        vmap.sources[i] = real ? aim_store_relative(outdir, real) : NULL;
        free(real);
        if (!vmap.sources[i]) {
            status = aim_error_set(AIM_ERR_IO, "%s: cannot resolve its path: %s", shards[i], strerror(errno));
            goto done;
        }
        if (strcmp(vmap.sources[i], ".") == 0 || strchr(vmap.sources[i], '\n')) {
            status = aim_error_set(AIM_ERR_USAGE, "%s: not a usable shard path", shards[i]);
            goto done;
        }
        rep->sources += gives;
        status = aim_store_take_events(sh[i], i, owner, &rows, &nrows, &cap);
        if (status) {
            goto done;
        }
    }
    vmap.n_sources = n;
    vmap.owner = owner;
    vmap.n_points = lay->n_points;
    vmap.n_replicas = lay->n_replicas;
    /* A copy left by a merge that was killed is this merge's own name: made again. */
    if (unlink(tmp) != 0 && errno != ENOENT) {
        status = aim_error_set(AIM_ERR_IO, "%s: cannot remove: %s", tmp, strerror(errno));
        goto done;
    }
    status = aim_store_create_with(&st, tmp, lay, prov, &vmap);
    if (status) {
        goto done;
    }
    for (int a = 0; a < AIM_STORE_BUILD_ATTRS; a++) {
        char *v = aim_h5util_read_string_attr(sh[0]->file, aim_store_build_attrs[a]);
        if (v && aim_h5util_write_string_attr(st->file, aim_store_build_attrs[a], v) < 0) {
            free(v);
            status = aim_h5util_fail(tmp, "writing attribute", aim_store_build_attrs[a]);
            goto done;
        }
        free(v);
    }
    H5Eclear2(H5E_DEFAULT);
    AIM_H5_CHECK(H5Dwrite(st->count_ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, all_counts), st,
                 "writing", "/event_count");
    AIM_H5_CHECK(H5Dwrite(st->done_ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done), st, "writing",
                 "/replica_done");
    memcpy(st->done, done, units);
    if (nrows > 0) {
        hsize_t count = nrows;
        AIM_H5_CHECK(H5Dset_extent(st->events_ds, &count), st, "extending", "/events");
        if (nrows > 1) {
            qsort(rows, nrows, sizeof *rows, aim_store_row_cmp);
        }
        AIM_H5_CHECK(H5Dwrite(st->events_ds, st->event_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows), st,
                     "writing", "/events");
        st->n_events = count;
    }
    /* The event scale follows /events' length, as in a store written replica by replica. */
    status = aim_store_sync_event_scale(st, 0);
    if (status) {
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        aim_store_release(sh[i]);
        sh[i] = NULL;
    }
    status = aim_store_finish(st, out);
    st = NULL;
    goto done;
fail:
done:
    if (st) {
        aim_store_release(st);
        unlink(tmp);
    }
    for (int i = 0; sh && i < n; i++) {
        if (sh[i]) {
            aim_store_release(sh[i]);
        }
    }
    for (int i = 0; vmap.sources && i < n; i++) {
        free(vmap.sources[i]);
    }
    free(vmap.sources);
    free(sh);
    free(owner);
    free(counts);
    free(all_counts);
    free(done);
    free(rows);
    free(tmp);
    free(outdir);
    free(dirbuf);
    return status;
}
