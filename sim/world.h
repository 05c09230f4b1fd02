/* One replica of the AI economy: the state of every agent and one month's step. */
#ifndef AIM_WORLD_H
#define AIM_WORLD_H

#include <stdint.h>

#include "sim/config.h"
#include "sim/error.h"
#include "sim/traj.h"

struct aim_world; /* opaque */

/** @brief Allocates every array a replica needs for this config (nothing is allocated later). */
enum aim_status aim_world_create(struct aim_world **w, const struct aim_config *cfg);
/** @brief Frees a world. */
void aim_world_free(struct aim_world *w);
/** @brief Bytes aim_world_create will allocate for this config (for the memory estimate). */
size_t aim_world_bytes(const struct aim_config *cfg);
/** @brief Number of firms (vendors, clouds, labs) and the kind and name of firm f. */
int aim_world_firm_count(const struct aim_config *cfg);
enum aim_firm_kind aim_world_firm_kind(const struct aim_config *cfg, int f);
const char *aim_world_firm_name(const struct aim_config *cfg, int f);

/** @brief Sets the initial state of replica r of sweep point p with root seed s, signs the
 * deals pre-signed at step 0 and records time 0 into tr. */
enum aim_status aim_world_reset(struct aim_world *w, uint64_t seed, uint64_t point, uint64_t replica,
                                struct aim_traj *tr);
/** @brief Advances one month and records it into tr; the investor loop uses up to nthreads
 * threads over fixed blocks, with results independent of nthreads. */
enum aim_status aim_world_step(struct aim_world *w, int nthreads, struct aim_traj *tr);
/** @brief Month reached (0 after reset). */
int aim_world_time(const struct aim_world *w);
/** @brief Months x listed firms since the reset in which market.max_move clipped the price
 * impact (the circuit breaker; docs/model.md). */
long aim_world_limit_moves(const struct aim_world *w);

#endif
