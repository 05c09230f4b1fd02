#include "sim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One message per thread: the runner reports errors from OpenMP worker threads. This is the
 * only file-scope mutable state in the library and it is thread-local by construction. */
static _Thread_local char aim_error_buffer[4096];

enum aim_status aim_error_set(enum aim_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(aim_error_buffer, sizeof aim_error_buffer, fmt, ap);
    va_end(ap);
    return status;
}

enum aim_status aim_error_prefix(enum aim_status status, const char *fmt, ...)
{
    char prefix[1024];
    char old[sizeof aim_error_buffer];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t np = strlen(prefix);
    memcpy(old, aim_error_buffer, sizeof old);
    if (np >= sizeof aim_error_buffer) {
        np = sizeof aim_error_buffer - 1;
    }
    memcpy(aim_error_buffer, prefix, np);
    /* Truncates the old message if the two do not fit. */
    size_t room = sizeof aim_error_buffer - 1 - np;
    size_t nold = strnlen(old, sizeof old);
    if (nold > room) {
        nold = room;
    }
    memcpy(aim_error_buffer + np, old, nold);
    aim_error_buffer[np + nold] = '\0';
    return status;
}

const char *aim_error_message(void)
{
    return aim_error_buffer;
}

void aim_error_clear(void)
{
    aim_error_buffer[0] = '\0';
}

int aim_error_exit_code(enum aim_status status)
{
    switch (status) {
    case AIM_OK:
        return 0;
    case AIM_ERR_USAGE:
    case AIM_ERR_CONFIG:
    case AIM_ERR_FORMAT:
        return 2;
    default:
        return 1;
    }
}
