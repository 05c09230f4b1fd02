/* Writing the /analysis group of `aimsim analyze` (docs/analysis.md), or another group such as
 * /sensitivity/NAME of `aimsim sensitivity` (docs/sensitivity.md): the target file is a
 * byte-for-byte copy of the run file, or a new file, made under a unique temporary name beside
 * its final one and renamed only once the group is complete. */
#include "sim/store_analysis.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sim/h5util.h"

struct aim_store_analysis {
    hid_t file, group;
    hid_t scale[AIM_STORE_ANALYSIS_MAX_DIMS]; /* dimension scales of the group */
    hsize_t length[AIM_STORE_ANALYSIS_MAX_DIMS];
    char dim_name[AIM_STORE_ANALYSIS_MAX_DIMS][64];
    char *partial;  /* the temporary file being written */
    char *target;   /* into the run file: the file it names (through a symbolic link, its target) */
    char *out_path; /* into a new file: its final name */
    char group_name[AIM_STORE_ANALYSIS_MAX_GROUP]; /* the group's path from the root: "analysis" */
};

/* A failed HDF5 call on the object /<group>/<object>, with HDF5's reason. */
static enum aim_status aim_store_analysis_h5fail(const struct aim_store_analysis *w, const char *path,
                                                 const char *what, const char *object)
{
    char where[AIM_STORE_ANALYSIS_MAX_GROUP + 160];
    snprintf(where, sizeof where, "/%s/%s", w->group_name, object);
    return aim_h5util_fail(path, what, where);
}

/* Creates a new temporary file beside `beside`, named BESIDE.XXXXXX.partial with a unique
 * XXXXXX, exclusively (never an existing file, never through a symbolic link), with the given
 * permissions. Returns its descriptor and the malloc'd name in *tmp, or -1 with the error set. */
static int aim_store_analysis_temp(const char *beside, mode_t mode, char **tmp)
{
    size_t size = strlen(beside) + sizeof ".XXXXXX.partial";
    *tmp = malloc(size);
    if (!*tmp) {
        aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", beside);
        return -1;
    }
    snprintf(*tmp, size, "%s.XXXXXX.partial", beside);
    int fd = mkstemps(*tmp, (int)strlen(".partial"));
    if (fd < 0) {
        aim_error_set(AIM_ERR_IO, "%s: cannot create a temporary file beside it: %s", beside,
                      strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return -1;
    }
    if (fchmod(fd, mode) != 0) {
        aim_error_set(AIM_ERR_IO, "%s: cannot set permissions: %s", *tmp, strerror(errno));
        close(fd);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return -1;
    }
    return fd;
}

/* Adds " (the disk is full)" when the file system holding path has no space left. */
static const char *aim_store_analysis_full_note(const char *path)
{
    char *dir = strdup(path);
    struct statvfs vfs;
    int full = dir && statvfs(dirname(dir), &vfs) == 0 && vfs.f_bavail == 0;
    free(dir);
    return full ? " (the disk is full)" : "";
}

/* Copies the run file byte for byte into the new file `out` (synced to disk), so /analysis can be
 * added to the copy and the copy renamed over the run file: a failure or a kill while writing
 * never damages the trajectories the user has. */
static enum aim_status aim_store_analysis_copy(const char *from, int in, int out, const char *to)
{
    enum aim_status s = AIM_OK;
    char *buf = malloc(1 << 20);
    if (!buf) {
        s = aim_error_set(AIM_ERR_NOMEM, "out of memory copying %s", from);
    }
    while (s == AIM_OK) {
        ssize_t n = read(in, buf, 1 << 20);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            s = aim_error_set(AIM_ERR_IO, "%s: read error: %s", from, strerror(errno));
            break;
        }
        for (ssize_t done = 0; done < n && s == AIM_OK;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno != EINTR) {
                s = aim_error_set(AIM_ERR_IO,
                                  "%s: write error copying the run file: %s; the run file is unchanged", to,
                                  strerror(errno));
            }
            done += w > 0 ? w : 0;
        }
    }
    free(buf);
    if (s == AIM_OK && fsync(out) != 0) {
        s = aim_error_set(AIM_ERR_IO, "%s: cannot sync to disk: %s; the run file is unchanged", to,
                          strerror(errno));
    }
    return s;
}

static void aim_store_analysis_free(struct aim_store_analysis *w)
{
    free(w->partial);
    free(w->target);
    free(w->out_path);
    free(w);
}

/* A new file out_path (as w->partial) with its root attributes. */
static enum aim_status aim_store_analysis_create_file(struct aim_store_analysis *w, const char *run_path,
                                                      const char *out_path, const char *format)
{
    struct stat sa, sb;
    if (stat(run_path, &sa) == 0 && stat(out_path, &sb) == 0 && sa.st_dev == sb.st_dev &&
        sa.st_ino == sb.st_ino) {
        return aim_error_set(AIM_ERR_USAGE, "%s is the run file itself; -o must name another file", out_path);
    }
    /* Written as a new OUT.XXXXXX.partial and renamed when complete: a failure leaves no
     * half-written OUT, whatever OUT held before stays until the new file is whole, and a file
     * or link someone placed under a fixed temporary name is never written through. New files
     * get the usual permissions (0666 less the umask). */
    mode_t mask = umask(022);
    umask(mask);
    int fd = aim_store_analysis_temp(out_path, 0666 & ~mask, &w->partial);
    if (fd < 0) {
        return aim_error_prefix(AIM_ERR_IO, "cannot create the analysis file: ");
    }
    close(fd);
    w->file = H5Fcreate(w->partial, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (w->file < 0) {
        H5Eclear2(H5E_DEFAULT);
        int err = errno;
        unlink(w->partial);
        return aim_error_set(AIM_ERR_IO, "%s: cannot create the analysis file%s%s", out_path, err ? ": " : "",
                             err ? strerror(err) : "");
    }
    if (aim_h5util_write_string_attr(w->file, "aimsim_format", format) < 0 ||
        aim_h5util_write_string_attr(w->file, "source_file", run_path) < 0) {
        enum aim_status f = aim_store_analysis_h5fail(w, w->partial, "writing root attributes of", "");
        H5Fclose(w->file);
        unlink(w->partial);
        return f;
    }
    return AIM_OK;
}

/* A copy of the run file (as w->partial) without the group being written. */
static enum aim_status aim_store_analysis_copy_run(struct aim_store_analysis *w, const char *run_path)
{
    /* Into the run file: /analysis is added to a new copy beside it
     * (RUN.h5.XXXXXX.partial), which replaces the run file only when complete (through a
     * symbolic link, its target). */
    if (access(run_path, W_OK) != 0) {
        if (strcmp(w->group_name, "analysis") != 0) {
            return aim_error_set(AIM_ERR_USAGE,
                                 "%s: the run file is not writable (%s), so /%s cannot be added", run_path,
                                 strerror(errno), w->group_name);
        }
        return aim_error_set(AIM_ERR_USAGE,
                             "%s: the run file is not writable (%s); use -o OTHER.h5 to write /analysis "
                             "to another file",
                             run_path, strerror(errno));
    }
    w->target = realpath(run_path, NULL);
    if (!w->target) {
        return aim_error_set(AIM_ERR_IO, "%s: %s", run_path, strerror(errno));
    }
    struct stat sb;
    int in = open(w->target, O_RDONLY);
    if (in < 0 || fstat(in, &sb) != 0) {
        enum aim_status c =
            aim_error_set(AIM_ERR_IO, "%s: cannot read the run file: %s", run_path, strerror(errno));
        if (in >= 0) {
            close(in);
        }
        return c;
    }
    int out = aim_store_analysis_temp(w->target, sb.st_mode & 07777, &w->partial);
    enum aim_status c = out < 0 ? aim_error_prefix(AIM_ERR_IO, "cannot add /%s: ", w->group_name)
                                : aim_store_analysis_copy(w->target, in, out, w->partial);
    if (out >= 0 && close(out) != 0 && c == AIM_OK) {
        c = aim_error_set(AIM_ERR_IO, "%s: write error: %s; the run file is unchanged", w->partial,
                          strerror(errno));
    }
    close(in);
    if (c != AIM_OK) {
        if (w->partial) {
            unlink(w->partial);
        }
        return c;
    }
    w->file = H5Fopen(w->partial, H5F_ACC_RDWR, H5P_DEFAULT);
    if (w->file < 0) {
        H5Eclear2(H5E_DEFAULT);
        unlink(w->partial);
        return aim_error_set(AIM_ERR_IO, "%s: cannot open the run file for writing /%s", run_path,
                             w->group_name);
    }
    /* Each link of the path must exist before the next is looked up. */
    htri_t have = 1;
    for (const char *slash = w->group_name; have > 0 && slash;) {
        slash = strchr(slash + 1, '/');
        char link[AIM_STORE_ANALYSIS_MAX_GROUP];
        snprintf(link, sizeof link, "%.*s", slash ? (int)(slash - w->group_name) : (int)sizeof link,
                 w->group_name);
        have = H5Lexists(w->file, link, H5P_DEFAULT);
    }
    if (have < 0 || (have > 0 && H5Ldelete(w->file, w->group_name, H5P_DEFAULT) < 0)) {
        enum aim_status f = aim_store_analysis_h5fail(w, run_path, "replacing", "");
        H5Fclose(w->file);
        unlink(w->partial);
        return f;
    }
    return AIM_OK;
}

static enum aim_status aim_store_analysis_finish_loud(struct aim_store_analysis *w, enum aim_status s)
{
    const char *path = w->partial;
    for (int i = 0; i < AIM_STORE_ANALYSIS_MAX_DIMS; i++) {
        if (w->scale[i] >= 0) {
            H5Dclose(w->scale[i]);
        }
    }
    if (w->group >= 0) {
        H5Gclose(w->group);
    }
    if (H5Fclose(w->file) < 0 && s == AIM_OK) {
        s = aim_store_analysis_h5fail(w, path, "closing the file after", "");
    }
    const char *dest = w->out_path ? w->out_path : w->target;
    if (s == AIM_OK && rename(w->partial, dest) != 0) {
        s = aim_error_set(AIM_ERR_IO, "cannot rename %s to %s: %s", w->partial, dest, strerror(errno));
    }
    if (s != AIM_OK) {
        /* Nothing half-written stays behind, and what the user had is untouched. */
        const char *full = aim_store_analysis_full_note(w->partial);
        char *why = strdup(aim_error_message());
        unlink(w->partial);
        s = aim_error_set(s, "%s%s; %s%s", why ? why : "", full, w->out_path ? w->out_path : "the run file",
                          w->out_path ? " was not written" : " is unchanged");
        free(why);
    }
    aim_store_analysis_free(w);
    return s;
}

static enum aim_status aim_store_analysis_open_loud(struct aim_store_analysis **out, const char *run_path,
                                                    const char *out_path, const char *format,
                                                    const char *group)
{
    *out = NULL;
    size_t len = strlen(group);
    if (len == 0 || len >= AIM_STORE_ANALYSIS_MAX_GROUP || group[0] == '/' || group[len - 1] == '/' ||
        strstr(group, "//") || strstr(group, "/./") || strstr(group, "/../") || !strcmp(group, ".") ||
        !strncmp(group, "./", 2) || !strncmp(group, "../", 3)) {
        return aim_error_set(AIM_ERR_USAGE,
                             "group name \"%s\": give names separated by single slashes, such as "
                             "sensitivity/vf, of fewer than %d characters",
                             group, AIM_STORE_ANALYSIS_MAX_GROUP);
    }
    struct aim_store_analysis *w = calloc(1, sizeof *w);
    if (!w || (out_path && !(w->out_path = strdup(out_path)))) {
        free(w);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", out_path ? out_path : run_path);
    }
    snprintf(w->group_name, sizeof w->group_name, "%s", group);
    w->file = w->group = H5I_INVALID_HID;
    for (int i = 0; i < AIM_STORE_ANALYSIS_MAX_DIMS; i++) {
        w->scale[i] = H5I_INVALID_HID;
    }
    enum aim_status s = out_path ? aim_store_analysis_create_file(w, run_path, out_path, format)
                                 : aim_store_analysis_copy_run(w, run_path);
    if (s != AIM_OK) {
        aim_store_analysis_free(w);
        return s;
    }
    /* Groups above it (sensitivity of sensitivity/vf) are made as needed. */
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) >= 0) {
        w->group = H5Gcreate2(w->file, group, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    }
    if (lcpl >= 0) {
        H5Pclose(lcpl);
    }
    if (w->group < 0) {
        return aim_store_analysis_finish_loud(w, aim_store_analysis_h5fail(w, w->partial, "creating", ""));
    }
    *out = w;
    return AIM_OK;
}

/* A scalar attribute of the group. */
static enum aim_status aim_store_analysis_scalar_attr(struct aim_store_analysis *w, const char *name,
                                                      hid_t ftype, hid_t mtype, const void *value)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status s = aim_h5util_write_scalar_attr(w->group, name, ftype, mtype, value) < 0
                            ? aim_store_analysis_h5fail(w, w->partial, "writing attributes of", "")
                            : AIM_OK;
    aim_h5util_restore(&saved);
    return s;
}

/* The dimension dim, which must have been created. */
static enum aim_status aim_store_analysis_check_dim(const struct aim_store_analysis *w, int dim,
                                                    const char *name)
{
    if (dim < 0 || dim >= AIM_STORE_ANALYSIS_MAX_DIMS || w->scale[dim] < 0) {
        return aim_error_set(AIM_ERR_USAGE, "%s: /%s/%s: dimension %d has not been created", w->partial,
                             w->group_name, name, dim);
    }
    return AIM_OK;
}

/* ---- the public entry points: HDF5's error printing off for the call, restored after ---- */

enum aim_status aim_store_analysis_open(struct aim_store_analysis **w, const char *run_path,
                                        const char *out_path, const char *format)
{
    return aim_store_analysis_open_group(w, run_path, out_path, format, "analysis");
}

enum aim_status aim_store_analysis_open_group(struct aim_store_analysis **w, const char *run_path,
                                              const char *out_path, const char *format, const char *group)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status s = aim_store_analysis_open_loud(w, run_path, out_path, format, group);
    aim_h5util_restore(&saved);
    return s;
}

const char *aim_store_analysis_path(const struct aim_store_analysis *w)
{
    return w->partial;
}

enum aim_status aim_store_analysis_write_string_attr(struct aim_store_analysis *w, const char *name,
                                                     const char *value)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status s = aim_h5util_write_string_attr(w->group, name, value) < 0
                            ? aim_store_analysis_h5fail(w, w->partial, "writing attributes of", "")
                            : AIM_OK;
    aim_h5util_restore(&saved);
    return s;
}

enum aim_status aim_store_analysis_write_double_attr(struct aim_store_analysis *w, const char *name,
                                                     double value)
{
    return aim_store_analysis_scalar_attr(w, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

enum aim_status aim_store_analysis_write_int_attr(struct aim_store_analysis *w, const char *name, int value)
{
    return aim_store_analysis_scalar_attr(w, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

enum aim_status aim_store_analysis_write_u64_attr(struct aim_store_analysis *w, const char *name,
                                                  uint64_t value)
{
    return aim_store_analysis_scalar_attr(w, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

enum aim_status aim_store_analysis_write_dim(struct aim_store_analysis *w, int dim, const char *name,
                                             size_t n, const double *values, const char *long_name)
{
    if (dim < 0 || dim >= AIM_STORE_ANALYSIS_MAX_DIMS || w->scale[dim] >= 0) {
        return aim_error_set(AIM_ERR_USAGE, "%s: /%s/%s: dimension %d is out of range or already made",
                             w->partial, w->group_name, name, dim);
    }
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status s = AIM_OK;
    snprintf(w->dim_name[dim], sizeof w->dim_name[dim], "%s", name);
    w->length[dim] = (hsize_t)n;
    w->scale[dim] = aim_h5util_create_scale(w->group, name, (hsize_t)n, values, 0);
    if (w->scale[dim] < 0 || aim_h5util_write_string_attr(w->scale[dim], "long_name", long_name) < 0) {
        s = aim_store_analysis_h5fail(w, w->partial, "writing dimension", name);
    }
    aim_h5util_restore(&saved);
    return s;
}

enum aim_status aim_store_analysis_write_dim_attr(struct aim_store_analysis *w, int dim, const char *name,
                                                  const char *value)
{
    enum aim_status s = aim_store_analysis_check_dim(w, dim, name);
    if (s) {
        return s;
    }
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    if (aim_h5util_write_string_attr(w->scale[dim], name, value) < 0) {
        s = aim_store_analysis_h5fail(w, w->partial, "writing attributes of", w->dim_name[dim]);
    }
    aim_h5util_restore(&saved);
    return s;
}

enum aim_status aim_store_analysis_write_labels(struct aim_store_analysis *w, const char *name, int n,
                                                const char *const *values, int dim, const char *long_name)
{
    enum aim_status s = aim_store_analysis_check_dim(w, dim, name);
    if (s) {
        return s;
    }
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    if (aim_h5util_write_string_var(w->group, name, n, values, w->scale[dim], long_name) < 0) {
        s = aim_store_analysis_h5fail(w, w->partial, "writing", name);
    }
    aim_h5util_restore(&saved);
    return s;
}

enum aim_status aim_store_analysis_write_var(struct aim_store_analysis *w, const char *name, int rank,
                                             const int *dims, enum aim_store_analysis_type type,
                                             const void *data, const char *long_name, const char *units)
{
    hsize_t size[AIM_STORE_ANALYSIS_MAX_DIMS];
    if (rank < 1 || rank > AIM_STORE_ANALYSIS_MAX_DIMS) {
        return aim_error_set(AIM_ERR_USAGE, "%s: /%s/%s: rank %d is not 1 to %d", w->partial, w->group_name,
                             name, rank, AIM_STORE_ANALYSIS_MAX_DIMS);
    }
    for (int i = 0; i < rank; i++) {
        enum aim_status s = aim_store_analysis_check_dim(w, dims[i], name);
        if (s) {
            return s;
        }
        size[i] = w->length[dims[i]];
    }
    int is_int = type == AIM_STORE_ANALYSIS_INT;
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    hid_t space = H5Screate_simple(rank, size, NULL);
    hid_t ds = space >= 0 ? H5Dcreate2(w->group, name, is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE, space,
                                       H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                          : H5I_INVALID_HID;
    int ok = ds >= 0 && H5Dwrite(ds, is_int ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                 H5P_DEFAULT, data) >= 0;
    for (int i = 0; ok && i < rank; i++) {
        ok = H5DSattach_scale(ds, w->scale[dims[i]], (unsigned)i) >= 0;
    }
    ok = ok && aim_h5util_write_string_attr(ds, "long_name", long_name) >= 0;
    if (ok && units) {
        ok = aim_h5util_write_string_attr(ds, "units", units) >= 0;
    }
    if (ds >= 0 && H5Dclose(ds) < 0) {
        ok = 0;
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    enum aim_status s = ok ? AIM_OK : aim_store_analysis_h5fail(w, w->partial, "writing", name);
    aim_h5util_restore(&saved);
    return s;
}

enum aim_status aim_store_analysis_write_var_attr(struct aim_store_analysis *w, const char *var,
                                                  const char *name, const char *value)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    hid_t ds = H5Dopen2(w->group, var, H5P_DEFAULT);
    int ok = ds >= 0 && aim_h5util_write_string_attr(ds, name, value) >= 0;
    if (ds >= 0 && H5Dclose(ds) < 0) {
        ok = 0;
    }
    enum aim_status s = ok ? AIM_OK : aim_store_analysis_h5fail(w, w->partial, "writing attributes of", var);
    aim_h5util_restore(&saved);
    return s;
}

enum aim_status aim_store_analysis_finish(struct aim_store_analysis *w, enum aim_status status)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status s = aim_store_analysis_finish_loud(w, status);
    aim_h5util_restore(&saved);
    return s;
}
