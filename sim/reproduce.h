/* Rerunning units (point, replica) of a run file from the file's own resolved config, seed and
 * sweep points, and checking them bit for bit against what the file holds (aimsim reproduce). */
#ifndef AIM_REPRODUCE_H
#define AIM_REPRODUCE_H

#include <stddef.h>

#include "sim/config.h"
#include "sim/error.h"
#include "sim/store.h"

/** @brief Where a rerun first differed from the file: its unit, the dataset, the index and both
 * values as text (17 significant digits and the bit pattern). */
struct aim_reproduce_diff {
    int point, replica;
    char dataset[96];    /* "/firm/cash", "/balance_sheet", "/event_count", "/events" */
    char where[320];     /* "time 12 (2026-01), firm 3 (nvidia)", "row 41 (seq 7), field amount1" */
    char file_value[96]; /* the value the file holds */
    char run_value[96];  /* the value the rerun computed */
};

/** @brief What to rerun: units[2 i] = point, units[2 i + 1] = replica (each done in the file). */
struct aim_reproduce_options {
    int threads;
    int n_units;
    const int *units;
};

/** @brief What a rerun found: units compared, and the first one in units' order that differs. */
struct aim_reproduce_report {
    int compared;
    int differ; /* 1: diff says where */
    struct aim_reproduce_diff diff;
    double seconds;
};

/** @brief Compares the provenance of the binary with the root attributes of the file: fields that
 * can change the numbers (aimsim_version, git_revision, compiler, compile_flags, build_type) and
 * a dirty tree on either side make AIM_ERR_USAGE naming each field and both values; hdf5_version
 * and libfyaml_version differing are written to warnings (malloc'd text, "" if none). */
enum aim_status aim_reproduce_check_provenance(const struct aim_store *st, char **warnings);
/** @brief The config of the file: its root attribute config loaded and validated, checked against
 * the root seed and the file's shape (malloc'd, aim_config_free; the YAML text in *yaml, free()). */
enum aim_status aim_reproduce_config(const struct aim_store *st, struct aim_config **cfg, char **yaml);
/** @brief Reruns the units of opt on opt->threads OpenMP threads (replica r of point p on the stream
 * (seed, p, r), or (seed, 0, r) with sweep.common_random_numbers; a sweep's point p with the file's
 * /sweep/points row p set in cfg's YAML as aim_sweep_point_config does) and compares every series,
 * the balance sheet, the event count and the event rows of each bit for bit with the file. The
 * report does not depend on the thread count. */
enum aim_status aim_reproduce_run(struct aim_store *st, const struct aim_config *cfg, const char *yaml,
                                  const struct aim_reproduce_options *opt,
                                  struct aim_reproduce_report *report);

#endif
