/* The points of a sweep as configs to run: the design of a config's sweep section, each point's
 * factor values applied to the config with the config's own setter and checked, before any work. */
#ifndef AIM_SWEEP_H
#define AIM_SWEEP_H

#include "sim/config.h"
#include "sim/error.h"
#include "sim/store.h"

struct aim_design;

/** @brief A prepared sweep: what /sweep/points records, and what each point's config is made from. */
struct aim_sweep {
    int n_points;
    struct aim_store_sweep info; /* design, keys and the values used (row-major) */
    struct aim_config *largest;  /* the point config whose world takes the most memory */
    char *yaml;                  /* the resolved config every point starts from */
    struct aim_design *design;   /* owns the keys and values */
    double *weight;              /* n_points: each point's world size in bytes, its cost estimate */
};

/** @brief Checks every point of cfg's sweep (cfg->sweep.design must not be none) and prepares them:
 * the design (CSV paths relative to base_dir), then each point's config made by
 * aim_sweep_point_config. A point that makes the config invalid, a run.* factor, or a point whose
 * firms differ from cfg's is AIM_ERR_CONFIG naming the point and its values. Only the largest
 * point's config is kept; the others are made again when they run. */
enum aim_status aim_sweep_prepare(const struct aim_config *cfg, const char *yaml, const char *base_dir,
                                  struct aim_sweep **out);
/** @brief The config of point p (malloc'd; aim_config_free): the resolved config loaded again with
 * "key=value" of every factor applied by aim_config_set, then validated. Thread-safe. */
enum aim_status aim_sweep_point_config(const struct aim_sweep *sw, int p, struct aim_config **out);
/** @brief aim_sweep_point_config for struct aim_runner_sweep (ctx: the sweep). */
enum aim_status aim_sweep_point_config_cb(void *ctx, int p, struct aim_config **out);
/** @brief The name of a design (cfg->sweep.design) as /sweep/points' design attribute gives it. */
const char *aim_sweep_design_name(int design);
/** @brief Frees a prepared sweep (NULL is fine). */
void aim_sweep_free(struct aim_sweep *sw);

#endif
