/* The run configuration: every parameter of MODEL.md, built from sim/params.def. */
#ifndef AIM_CONFIG_H
#define AIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

#define AIM_CONFIG_STR_MAX 64

/* struct aim_config mirrors the YAML: cfg->demand.theta, cfg->clouds.firms[i].capacity,
 * cfg->clouds.n_firms. Each section is a named struct (struct aim_config_clouds, its list entries
 * struct aim_config_clouds_firms), so an agent's step can take its own section. Lists have a fixed maximum
 * length so the struct is flat and copyable. */
struct aim_config {
#define AIM_SECTION_BEGIN(sec, doc) struct aim_config_##sec {
#define AIM_SECTION_END(sec)                                                                                 \
    }                                                                                                        \
    sec;
#define AIM_P_REAL(sec, key, def, lo, hi, unit, doc) double key;
#define AIM_P_INT(sec, key, def, lo, hi, unit, doc) long key;
#define AIM_P_U64(sec, key, def, unit, doc) uint64_t key;
#define AIM_P_BOOL(sec, key, def, doc) int key;
#define AIM_P_ENUM(sec, key, def, choices, doc) int key;
#define AIM_P_STR(sec, key, def, doc) char key[AIM_CONFIG_STR_MAX];
#define AIM_LIST_BEGIN(sec, list, max, doc)                                                                  \
    int n_##list;                                                                                            \
    struct aim_config_##sec##_##list {
#define AIM_LIST_END(sec, list, max)                                                                         \
    }                                                                                                        \
    list[max];
#define AIM_L_REAL(sec, list, key, def, lo, hi, unit, doc) double key;
#define AIM_L_INT(sec, list, key, def, lo, hi, unit, doc) long key;
#define AIM_L_BOOL(sec, list, key, def, doc) int key;
#define AIM_L_ENUM(sec, list, key, def, choices, doc) int key;
#define AIM_L_STR(sec, list, key, def, doc) char key[AIM_CONFIG_STR_MAX];
#define AIM_L_REALS(sec, list, key, max, unit, doc)                                                          \
    int n_##key;                                                                                             \
    double key[max];
#include "sim/params.def"
};

/* Index values of enum-typed parameters (the order of their choices in params.def). */
enum aim_rate_model { AIM_RATE_CONSTANT = 0, AIM_RATE_VASICEK = 1 };

/** @brief Allocates a config holding every default of params.def (lists empty). */
enum aim_status aim_config_create(struct aim_config **cfg);
/** @brief Frees a config from aim_config_create. */
void aim_config_free(struct aim_config *cfg);

/** @brief Loads YAML text over the defaults; name is used in messages (file name). */
enum aim_status aim_config_load_string(struct aim_config *cfg, const char *text, size_t len,
                                       const char *name);
/** @brief Loads a YAML file over the defaults. */
enum aim_status aim_config_load_file(struct aim_config *cfg, const char *path);
/** @brief Loads the embedded seed scenario (configs/seed-2025.yaml compiled into the binary). */
enum aim_status aim_config_load_seed(struct aim_config *cfg);
/** @brief Applies one override "path=value" (e.g. "deals.kappa=3", "labs.firms[0].cash=12"). */
enum aim_status aim_config_set(struct aim_config *cfg, const char *assignment);
/** @brief Checks cross-field constraints (names unique and resolvable, f_v + f_c <= 1, ...). */
enum aim_status aim_config_validate(const struct aim_config *cfg);
/** @brief Writes the fully resolved config as YAML that loads back to the identical config (malloc'd). */
enum aim_status aim_config_emit(const struct aim_config *cfg, char **yaml);
/** @brief Loads a YAML file over the defaults; *sweep_only = 1 when it holds only a `sweep:` section
 * (a design for any model: its factor keys are not checked against the config keys). */
enum aim_status aim_config_load_file_kind(struct aim_config *cfg, const char *path, int *sweep_only);
/** @brief Checks that path ("section.key", "section.list[i].key") is a real or integer config key
 * (*is_integer set); AIM_ERR_CONFIG naming the key and the keys that exist otherwise. */
enum aim_status aim_config_factor_key(const struct aim_config *cfg, const char *path, int *is_integer);
/** @brief Checks that every factor of the sweep section names a numeric config key (aimsim run). */
enum aim_status aim_config_sweep_check_keys(const struct aim_config *cfg);
/** @brief Writes the Markdown reference of every key (docs/config.md) from the schema table (malloc'd). */
enum aim_status aim_config_doc_markdown(char **md);

#endif
