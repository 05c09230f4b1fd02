/* Status codes and the one place where library errors are recorded. */
#ifndef AIM_ERROR_H
#define AIM_ERROR_H

/** @brief Result of every fallible library call; 0 is success. */
enum aim_status {
    AIM_OK = 0,
    AIM_ERR_USAGE,   /* bad command-line or API argument */
    AIM_ERR_CONFIG,  /* invalid configuration (file, key, value) */
    AIM_ERR_IO,      /* file system, HDF5 or stdio failure */
    AIM_ERR_NOMEM,   /* allocation failed or would exceed the memory limit */
    AIM_ERR_FORMAT,  /* an input file is not what it claims to be */
    AIM_ERR_NUMERIC, /* NaN, inf or a violated invariant (e.g. stock-flow residual) */
    AIM_ERR_INTERNAL /* a bug */
};

/** @brief Records the message of the error being returned (printf-style); break here in a debugger. */
enum aim_status aim_error_set(enum aim_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** @brief Prepends context ("while reading X: ") to the message already recorded. */
enum aim_status aim_error_prefix(enum aim_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** @brief The message recorded by the last aim_error_set in this thread ("" if none). */
const char *aim_error_message(void);

/** @brief Forgets the recorded message of this thread. */
void aim_error_clear(void);

/** @brief Exit status a program should return for a status: 0 ok, 2 usage/config/format, 1 other. */
int aim_error_exit_code(enum aim_status status);

#endif
