#include "analysis/plot_data.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/plot_gp.h"

struct aim_plot_data_file {
    char *tmp, *path;
    FILE *out;
};

enum aim_status aim_plot_data_open(struct aim_plot_data_file **f, const char *dir, const char *name)
{
    *f = NULL;
    struct aim_plot_data_file *d = calloc(1, sizeof *d);
    size_t len = strlen(dir) + strlen(name) + 16;
    if (!d || !(d->tmp = malloc(len)) || !(d->path = malloc(len))) {
        aim_plot_data_abort(d);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for %s/%s", dir, name);
    }
    snprintf(d->path, len, "%s/%s", dir, name);
    snprintf(d->tmp, len, "%s/.%s.XXXXXX", dir, name);
    int fd = mkstemp(d->tmp);
    if (fd < 0) {
        enum aim_status s =
            aim_error_set(AIM_ERR_IO, "cannot create a file in %s for %s: %s", dir, name, strerror(errno));
        d->tmp[0] = '\0';
        aim_plot_data_abort(d);
        return s;
    }
    fchmod(fd, 0644);
    d->out = fdopen(fd, "w");
    if (!d->out) {
        close(fd);
        aim_plot_data_abort(d);
        return aim_error_set(AIM_ERR_IO, "cannot write %s: %s", name, strerror(errno));
    }
    *f = d;
    return AIM_OK;
}

FILE *aim_plot_data_stream(struct aim_plot_data_file *f)
{
    return f->out;
}

void aim_plot_data_abort(struct aim_plot_data_file *f)
{
    if (!f) {
        return;
    }
    if (f->out) {
        fclose(f->out);
    }
    if (f->tmp && f->tmp[0]) {
        unlink(f->tmp);
    }
    free(f->tmp);
    free(f->path);
    free(f);
}

enum aim_status aim_plot_data_commit(struct aim_plot_data_file *f, int force)
{
    enum aim_status s = AIM_OK;
    errno = 0;
    int bad = fflush(f->out) != 0 || ferror(f->out) || fsync(fileno(f->out)) != 0;
    int err = errno;
    int closed = fclose(f->out);
    f->out = NULL;
    if (bad || closed != 0) {
        s = aim_error_set(AIM_ERR_IO, "writing %s failed: %s", f->path,
                          err ? strerror(err) : "write error (disk full?)");
    } else if (force) {
        if (rename(f->tmp, f->path) != 0) {
            s = aim_error_set(AIM_ERR_IO, "cannot rename %s to %s: %s", f->tmp, f->path, strerror(errno));
        }
    } else if (link(f->tmp, f->path) != 0) {
        /* link() never replaces: an existing file stays as it was. */
        s = errno == EEXIST ? aim_error_set(AIM_ERR_USAGE, "%s exists; use --force to replace it", f->path)
                            : aim_error_set(AIM_ERR_IO, "cannot create %s: %s", f->path, strerror(errno));
    }
    aim_plot_data_abort(f);
    return s;
}

enum aim_status aim_plot_data_open_pair(const char *dir, const char *name, struct aim_plot_data_file **dat,
                                        struct aim_plot_data_file **gp)
{
    char file[512];
    *gp = NULL;
    snprintf(file, sizeof file, "%s.dat", name);
    enum aim_status s = aim_plot_data_open(dat, dir, file);
    if (s) {
        return s;
    }
    snprintf(file, sizeof file, "%s.gp", name);
    s = aim_plot_data_open(gp, dir, file);
    if (s) {
        aim_plot_data_abort(*dat);
        *dat = NULL;
    }
    return s;
}

enum aim_status aim_plot_data_commit_pair(struct aim_plot_data_file *dat, struct aim_plot_data_file *gp,
                                          enum aim_status status, int force)
{
    if (status) {
        aim_plot_data_abort(dat);
        aim_plot_data_abort(gp);
        return status;
    }
    status = aim_plot_data_commit(dat, force);
    if (status) {
        aim_plot_data_abort(gp);
        return status;
    }
    return aim_plot_data_commit(gp, force);
}

void aim_plot_data_header(FILE *out, const char *what, int n, const struct aim_plot_data_column *cols)
{
    aim_plot_gp_comment(out, what);
    fputs("#", out);
    for (int k = 0; k < n; k++) {
        fprintf(out, " %s[%s]", cols[k].name, cols[k].unit);
    }
    fputc('\n', out);
}

void aim_plot_data_number(FILE *out, double v)
{
    if (isfinite(v)) {
        fprintf(out, " %.10g", v);
    } else {
        fputs(" NaN", out);
    }
}

void aim_plot_data_date(char *buf, size_t size, const char *start, int month)
{
    int y = 0, m = 0;
    if (!start || sscanf(start, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12) {
        snprintf(buf, size, "?");
        return;
    }
    long k = (long)y * 12 + (m - 1) + month;
    snprintf(buf, size, "%04ld-%02ld-01", k / 12, k % 12 + 1);
}
