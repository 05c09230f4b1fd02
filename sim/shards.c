/* Splitting a run's units among processes, and the ranks' files (sim/shards.h). */
#include "sim/shards.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum aim_status aim_shards_parse(const char *text, int *index, int *count)
{
    char *end = NULL;
    errno = 0;
    long i = strtol(text, &end, 10);
    if (errno || end == text || *end != '/' || text[0] < '0' || text[0] > '9') {
        return aim_error_set(AIM_ERR_USAGE, "--shard must be I/N, e.g. 0/8 (got \"%s\")", text);
    }
    const char *rest = end + 1;
    long n = strtol(rest, &end, 10);
    if (errno || end == rest || *end != '\0' || rest[0] < '0' || rest[0] > '9' || n < 1 || n > 100000 ||
        i >= n) {
        return aim_error_set(AIM_ERR_USAGE, "--shard I/N needs 0 <= I < N <= 100000 (got \"%s\")", text);
    }
    *index = (int)i;
    *count = (int)n;
    return AIM_OK;
}

void aim_shards_range(const double *weight, int n_points, int n_replicas, int index, int count, long *begin,
                      long *end)
{
    long units = (long)n_points * n_replicas;
    double total = 0.0;
    for (int p = 0; p < n_points; p++) {
        total += (weight ? weight[p] : 1.0) * n_replicas;
    }
    /* Unit u goes to the shard whose share of the total holds the middle of u's cost. */
    long b = -1, e = units;
    double before = 0.0;
    for (long u = 0; u < units; u++) {
        double w = weight ? weight[u / n_replicas] : 1.0;
        double mid = before + 0.5 * w;
        int s = total > 0 ? (int)(mid / total * count) : 0;
        if (s > count - 1) {
            s = count - 1;
        }
        if (s == index && b < 0) {
            b = u;
        }
        if (s > index) {
            e = u;
            break;
        }
        before += w;
    }
    if (b < 0) {
        b = e; /* an empty shard: more shards than units */
    }
    *begin = b;
    *end = e;
}

long aim_shards_guided(long m, int k, long *bounds)
{
    long n = 0, at = 0;
    bounds[0] = 0;
    while (at < m) {
        long rem = m - at, size = (rem + 2L * k - 1) / (2L * k);
        at += size < 1 ? 1 : size;
        bounds[++n] = at;
    }
    return n;
}

char *aim_shards_dir(const char *out)
{
    size_t len = strlen(out);
    if (len > 3 && strcmp(out + len - 3, ".h5") == 0) {
        len -= 3;
    }
    char *dir = malloc(len + sizeof ".shards");
    if (dir) {
        memcpy(dir, out, len);
        strcpy(dir + len, ".shards");
    }
    return dir;
}

char *aim_shards_path(const char *dir, int attempt, int rank, int partial)
{
    size_t size = strlen(dir) + 64;
    char *p = malloc(size);
    if (p) {
        snprintf(p, size, "%s/a%03d-r%05d.h5%s", dir, attempt, rank, partial ? ".partial" : "");
    }
    return p;
}

void aim_shards_list_free(char **paths, int *partial, int n)
{
    for (int i = 0; paths && i < n; i++) {
        free(paths[i]);
    }
    free(paths);
    free(partial);
}

static int aim_shards_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum aim_status aim_shards_list(const char *dir, char ***paths, int **partial, int *n, int *max_attempt)
{
    *paths = NULL;
    *partial = NULL;
    *n = 0;
    *max_attempt = 0;
    DIR *d = opendir(dir);
    if (!d) {
        return errno == ENOENT ? AIM_OK
                               : aim_error_set(AIM_ERR_IO, "%s: cannot read: %s", dir, strerror(errno));
    }
    int cap = 0;
    enum aim_status s = AIM_OK;
    struct dirent *e;
    while (!s && (e = readdir(d)) != NULL) {
        int attempt = 0, rank = 0, used = 0;
        char canon[32];
        if (sscanf(e->d_name, "a%3d-r%5d.h5%n", &attempt, &rank, &used) != 2 || attempt < 1 || rank < 0) {
            continue;
        }
        snprintf(canon, sizeof canon, "a%03d-r%05d.h5", attempt, rank);
        if ((size_t)used != strlen(canon) || strncmp(canon, e->d_name, (size_t)used) != 0) {
            continue; /* only the names aimsim gives */
        }
        int is_partial = strcmp(e->d_name + used, ".partial") == 0;
        if (e->d_name[used] != '\0' && !is_partial) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            char **np = realloc(*paths, (size_t)cap * sizeof *np);
            if (np) {
                *paths = np;
            }
            if (!np) {
                s = aim_error_set(AIM_ERR_NOMEM, "out of memory listing %s", dir);
                break;
            }
        }
        size_t size = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(size);
        if (!p) {
            s = aim_error_set(AIM_ERR_NOMEM, "out of memory listing %s", dir);
            break;
        }
        snprintf(p, size, "%s/%s", dir, e->d_name);
        (*paths)[(*n)++] = p;
        if (attempt > *max_attempt) {
            *max_attempt = attempt;
        }
    }
    closedir(d);
    if (!s && *n > 1) {
        qsort(*paths, (size_t)*n, sizeof **paths, aim_shards_cmp);
    }
    if (!s) {
        *partial = calloc((size_t)*n + 1, sizeof **partial);
        if (!*partial) {
            s = aim_error_set(AIM_ERR_NOMEM, "out of memory listing %s", dir);
        }
        for (int i = 0; !s && i < *n; i++) {
            size_t len = strlen((*paths)[i]);
            (*partial)[i] = len > 8 && strcmp((*paths)[i] + len - 8, ".partial") == 0;
        }
    }
    if (s) {
        aim_shards_list_free(*paths, *partial, *n);
        *paths = NULL;
        *partial = NULL;
        *n = 0;
    }
    return s;
}
