/* The point configs of a sweep (sim/sweep.h). Each point is the resolved config loaded again and
 * its factors set by aim_config_set, so the values go through the same parsing, range checks and
 * cross-field validation as a --set; all points are checked before a run starts, and made again
 * by the runner's threads when they run, so that a sweep of many points holds one config per
 * thread, not one per point. */
#include "sim/sweep.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/design.h"
#include "sim/world.h"

/* "key=value, key=value" of point p, for messages. */
static void aim_sweep_point_text(const struct aim_design *d, long p, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int j = 0; j < d->n_cols && len + 1 < size; j++) {
        int n =
            snprintf(buf + len, size - len, "%s%s=%.10g", j ? ", " : "", d->keys[j], d->x[p * d->n_cols + j]);
        if (n < 0) {
            break;
        }
        len += (size_t)n;
    }
}

enum aim_status aim_sweep_point_config(const struct aim_sweep *sw, int p, struct aim_config **out)
{
    const struct aim_design *d = sw->design;
    struct aim_config *c = NULL;
    *out = NULL;
    enum aim_status s = aim_config_create(&c);
    if (!s) {
        s = aim_config_load_string(c, sw->yaml, strlen(sw->yaml), "the resolved config");
    }
    for (int j = 0; !s && j < d->n_cols; j++) {
        char assignment[512];
        snprintf(assignment, sizeof assignment, "%s=%.17g", d->keys[j], d->x[(long)p * d->n_cols + j]);
        s = aim_config_set(c, assignment);
    }
    if (!s) {
        s = aim_config_validate(c);
    }
    if (s) {
        aim_config_free(c);
        return s;
    }
    *out = c;
    return AIM_OK;
}

enum aim_status aim_sweep_point_config_cb(void *ctx, int p, struct aim_config **out)
{
    return aim_sweep_point_config(ctx, p, out);
}

const char *aim_sweep_design_name(int design)
{
    static const char *const names[] = {"none",  "grid",     "random", "lhs",
                                        "sobol", "saltelli", "morris", "csv"};
    return design >= 0 && design < (int)(sizeof names / sizeof *names) ? names[design] : "?";
}

enum aim_status aim_sweep_prepare(const struct aim_config *cfg, const char *yaml, const char *base_dir,
                                  struct aim_sweep **out)
{
    *out = NULL;
    struct aim_design *d = NULL;
    enum aim_status s = aim_design_from_config(cfg, base_dir, 1, &d);
    if (s) {
        return s;
    }
    if (d->n_points > INT_MAX / 2) {
        s = aim_error_set(AIM_ERR_CONFIG, "the sweep has %ld points, more than a run can hold (%d)",
                          d->n_points, INT_MAX / 2);
        aim_design_free(d);
        return s;
    }
    for (int j = 0; j < d->n_cols; j++) {
        if (strncmp(d->keys[j], "run.", 4) == 0) {
            s = aim_error_set(
                AIM_ERR_CONFIG,
                "sweep factor %s: run.* keys (replicas, steps, seed, ...) describe the run, not "
                "the model, and are the same at every point",
                d->keys[j]);
            aim_design_free(d);
            return s;
        }
    }
    struct aim_sweep *sw = calloc(1, sizeof *sw);
    char *text = strdup(yaml);
    if (!sw || !text) {
        free(sw);
        free(text);
        aim_design_free(d);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for the sweep");
    }
    sw->weight = malloc((size_t)d->n_points * sizeof *sw->weight + 1);
    if (!sw->weight) {
        free(sw);
        free(text);
        aim_design_free(d);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for the sweep");
    }
    sw->design = d;
    sw->yaml = text;
    sw->n_points = (int)d->n_points;
    sw->info = (struct aim_store_sweep){.design = aim_sweep_design_name((int)cfg->sweep.design),
                                        .design_n = cfg->sweep.points,
                                        .design_seed =
                                            cfg->sweep.seed < 0 ? cfg->run.seed : (uint64_t)cfg->sweep.seed,
                                        .common_random_numbers = cfg->sweep.common_random_numbers != 0,
                                        .n_factors = d->n_cols,
                                        .keys = (const char *const *)d->keys,
                                        .points = d->x};
    int firms = aim_world_firm_count(cfg);
    size_t largest = 0;
    char values[1024];
    for (int p = 0; !s && p < sw->n_points; p++) {
        struct aim_config *c = NULL;
        s = aim_sweep_point_config(sw, p, &c);
        if (!s && aim_world_firm_count(c) != firms) {
            s = aim_error_set(AIM_ERR_CONFIG,
                              "it has %d firms, the config %d: a factor may not change the firms (the file's "
                              "firm dimension is the same at every point)",
                              aim_world_firm_count(c), firms);
        }
        if (s) {
            aim_config_free(c);
            s = s == AIM_ERR_USAGE ? AIM_ERR_CONFIG : s;
            aim_sweep_point_text(d, p, values, sizeof values);
            aim_error_prefix(s, "sweep point %d (%s): ", p, values);
            break;
        }
        size_t bytes = aim_world_bytes(c);
        sw->weight[p] = (double)bytes;
        if (!sw->largest || bytes > largest) {
            aim_config_free(sw->largest);
            sw->largest = c;
            largest = bytes;
        } else {
            aim_config_free(c);
        }
    }
    if (s) {
        aim_sweep_free(sw);
        return s;
    }
    *out = sw;
    return AIM_OK;
}

void aim_sweep_free(struct aim_sweep *sw)
{
    if (!sw) {
        return;
    }
    aim_config_free(sw->largest);
    aim_design_free(sw->design);
    free(sw->weight);
    free(sw->yaml);
    free(sw);
}
