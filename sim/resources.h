/* What a long job may use of the machine: sizes given on the command line (--max-memory,
 * --max-disk) and the memory the system can give without swapping. Shared by `aimsim run` and
 * `aimsim psy`, which refuse a job whose estimate exceeds these before allocating anything. */
#ifndef AIM_RESOURCES_H
#define AIM_RESOURCES_H

#include <stddef.h>

#include "sim/error.h"

/** @brief Parses a size such as 512M, 4G or 1.5GiB (units of 1024) into bytes. */
enum aim_status aim_resources_parse_size(const char *text, size_t *bytes);
/** @brief Bytes this process may allocate: max_memory if nonzero, else the system's MemAvailable. */
size_t aim_resources_memory_limit(size_t max_memory);

#endif
