/* The points of a sweep as configs to run: the design of a config's sweep section, each point's
 * factor values applied to the config with the config's own setter and checked, before any work. */
#ifndef AIM_SWEEP_H
#define AIM_SWEEP_H

#include "sim/config.h"
#include "sim/error.h"
#include "sim/store.h"

/** @brief A prepared sweep: one config per point and what /sweep/points records. */
struct aim_sweep {
    int n_points;
    struct aim_config **cfgs;    /* n_points configs, point p with its factor values */
    struct aim_store_sweep info; /* design, keys and the values used (row-major) */
    struct aim_design *design;   /* owns the keys and values */
};

/** @brief Builds the point configs of cfg's sweep (cfg->sweep.design must not be none): the
 * design (CSV paths relative to base_dir), then for each point the resolved config yaml loaded
 * again with "key=value" of every factor applied (aim_config_set) and validated. A point that makes
 * the config invalid, a run.* factor, or a point whose firms differ from cfg's is AIM_ERR_CONFIG
 * naming the point and its values. */
enum aim_status aim_sweep_prepare(const struct aim_config *cfg, const char *yaml, const char *base_dir,
                                  struct aim_sweep **out);
/** @brief Frees a prepared sweep (NULL is fine). */
void aim_sweep_free(struct aim_sweep *sw);

#endif
