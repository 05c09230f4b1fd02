/* The store's file on disk: made under a temporary name beside its final one (stale temporaries
 * of killed runs removed), published without replacing what appeared meanwhile, synced, and
 * recognised by its identity before it is renamed or removed. */
#include "sim/store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary names are PATH.HOST.PID.creating: a kill while the file is being made leaves one,
 * which a later run on this host removes once process PID is gone. */
static char *aim_store_file_temp_name(const char *path, long pid)
{
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) != 0) {
        snprintf(host, sizeof host, "localhost");
    }
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++) {
        *c = *c == '/' ? '_' : *c;
    }
    size_t size = strlen(path) + strlen(host) + 48;
    char *tmp = malloc(size);
    if (tmp) {
        snprintf(tmp, size, "%s.%s.%ld.creating", path, host, pid);
    }
    return tmp;
}

/* Removes PATH.HOST.PID.creating files of this host whose process no longer exists. */
static void aim_store_file_remove_stale(const char *path)
{
    char *dir = strdup(path), *base = strdup(path);
    char *pattern = aim_store_file_temp_name(path, 0); /* PATH.HOST.0.creating */
    const char *dir_name = dir && base && pattern ? dirname(dir) : NULL;
    DIR *d = dir_name ? opendir(dir_name) : NULL;
    if (d) {
        const char *b = basename(base);
        size_t nb = strlen(b), np = strlen(pattern) - strlen("0.creating");
        const char *host_part = pattern + strlen(path); /* ".HOST." */
        size_t nh = np - strlen(path);
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            const char *rest = e->d_name + nb;
            if (n <= nb + nh + strlen(".creating") || strncmp(e->d_name, b, nb) != 0 ||
                strncmp(rest, host_part, nh) != 0 ||
                strcmp(e->d_name + n - strlen(".creating"), ".creating") != 0) {
                continue;
            }
            char *end = NULL;
            long pid = strtol(rest + nh, &end, 10);
            if (pid <= 0 || end != e->d_name + n - strlen(".creating") ||
                (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) {
                continue;
            }
            size_t size = strlen(dir_name) + n + 2;
            char *full = malloc(size);
            if (full) {
                snprintf(full, size, "%s/%s", dir_name, e->d_name);
                unlink(full);
                free(full);
            }
        }
        closedir(d);
    }
    free(pattern);
    free(base);
    free(dir);
}

/* Reserves a new empty file PATH.HOST.PID.creating for path to be made in, created exclusively
 * and never through a symbolic link, with the usual permissions (0666 less the umask). Returns
 * the malloc'd name or NULL with the error set. */
char *aim_store_file_reserve(const char *path)
{
    aim_store_file_remove_stale(path);
    char *tmp = aim_store_file_temp_name(path, (long)getpid());
    if (!tmp) {
        aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) {
        /* Our own name: left by an earlier process with this pid, or by this one's failure. */
        unlink(tmp);
        fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    }
    if (fd < 0) {
        aim_error_set(AIM_ERR_IO, "%s: cannot create the file: %s", tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    close(fd);
    return tmp;
}

/* Gives the made file its name path, unless path exists (then -1 with errno EEXIST): an atomic
 * no-replace rename where the file system has one, else a hard link. */
int aim_store_file_publish(const char *tmp, const char *path)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        return -1;
    }
    /* A file system without RENAME_NOREPLACE: a hard link fails if path exists, as wanted. */
    if (link(tmp, path) != 0) {
        return -1;
    }
    unlink(tmp);
    return 0;
}

/* fsync of a file or directory by path. */
enum aim_status aim_store_file_fsync(const char *path, int directory)
{
    int fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) {
        return aim_error_set(AIM_ERR_IO, "%s: cannot open to sync: %s", path, strerror(errno));
    }
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    if (rc != 0) {
        return aim_error_set(AIM_ERR_IO, "%s: fsync failed: %s", path, strerror(err));
    }
    return AIM_OK;
}

/* The file's own size in bytes (0 if it cannot be read). */
hsize_t aim_store_file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_size > 0 ? (hsize_t)sb.st_size : 0;
}

int aim_store_file_is(const char *path, dev_t dev, ino_t ino)
{
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_dev == dev && sb.st_ino == ino;
}
