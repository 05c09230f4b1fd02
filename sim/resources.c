/* Sizes from the command line and the memory the system can give (sim/resources.h). */
#include "sim/resources.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum aim_status aim_resources_parse_size(const char *text, size_t *bytes)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || !isfinite(v) || v <= 0) {
        return aim_error_set(
            AIM_ERR_USAGE, "a size is a positive number with an optional unit K, M, G, T (got \"%s\")", text);
    }
    double scale = 1.0;
    switch (*end) {
    case 'K':
    case 'k':
        scale = 1024.0;
        end++;
        break;
    case 'M':
    case 'm':
        scale = 1024.0 * 1024.0;
        end++;
        break;
    case 'G':
    case 'g':
        scale = 1024.0 * 1024.0 * 1024.0;
        end++;
        break;
    case 'T':
    case 't':
        scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
        end++;
        break;
    default:
        break;
    }
    if (scale > 1.0 && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)) {
        end += strlen(end);
    } else if (scale == 1.0 && strcmp(end, "B") == 0) {
        end++;
    }
    if (*end != '\0' || v * scale < 1.0 || v * scale > 9.0e18) {
        return aim_error_set(
            AIM_ERR_USAGE, "a size is a positive number with an optional unit K, M, G, T (got \"%s\")", text);
    }
    *bytes = (size_t)(v * scale);
    return AIM_OK;
}

size_t aim_resources_memory_limit(size_t max_memory)
{
    if (max_memory > 0) {
        return max_memory;
    }
    /* MemAvailable: what can be allocated without swapping (page cache counted as free). */
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb = 0;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                fclose(f);
                return (size_t)kb * 1024;
            }
        }
        fclose(f);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (size_t)pages * (size_t)page : (size_t)-1;
}
