/* Tests of sim/config.c: defaults, the seed scenario (embedded and on disk), malformed configs and
 * their messages, --set overrides, the resolved-config round trip, and docs/config.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "sim/config_scan.h"
#include "tests/aim_test.h"

/* Malformed configurations under tests/configs/bad, each loaded over the seed scenario, with where
 * the message must point (line:col of the offending token, 1-based, counted in the file by hand),
 * the key path it must name and a phrase saying what was expected. */
struct bad_case {
    const char *file;
    int line, col;
    const char *key;
    const char *phrase;
};

static const struct bad_case bad_cases[] = {
    {"empty.yaml", 1, 1, "sections", "the configuration is empty"},
    {"comments-only.yaml", 1, 1, "sections", "the configuration is empty"},
    {"syntax-error.yaml", 6, 1, "", "YAML syntax error: flow sequence without a closing bracket"},
    {"duplicate-key.yaml", 4, 3, "'kappa'", "duplicate key"},
    {"duplicate-section.yaml", 5, 1, "'run'", "duplicate key"},
    {"unknown-section.yaml", 3, 1, "'demnd'", "did you mean 'demand'?"},
    {"unknown-key.yaml", 3, 3, "deals.kapa", "did you mean 'kappa' (deals.kappa)?"},
    {"misplaced-key.yaml", 3, 3, "labs.kappa", "which belongs to section 'deals'"},
    {"unknown-item-key.yaml", 6, 7, "labs.firms[1].csh", "did you mean 'cash'"},
    {"string-for-real.yaml", 2, 10, "demand.theta", "expected a finite real number in [0, 50]"},
    {"quoted-number.yaml", 2, 10, "deals.kappa", "got the quoted string \"3\""},
    {"real-for-int.yaml", 2, 10, "investors.count", "expected an integer"},
    {"list-for-scalar.yaml", 2, 8, "demand.D0", "got a sequence"},
    {"mapping-for-scalar.yaml", 2, 11, "run.steps", "got a mapping"},
    {"out-of-range.yaml", 2, 10, "deals.kappa", "in [0, 100]"},
    {"negative-int.yaml", 3, 10, "run.steps", "out of range"},
    {"nan.yaml", 2, 12, "demand.sigma_D", "NaN and infinities are not allowed"},
    {"inf.yaml", 3, 12, "market.sigma_p", "NaN and infinities are not allowed"},
    {"overflow.yaml", 2, 7, "demand.D0", "overflows"},
    {"bad-bool.yaml", 2, 12, "market.lab_ipo", "expected true or false"},
    {"bad-enum.yaml", 2, 15, "macro.rate_model", "did you mean 'vasicek'?"},
    {"null-value.yaml", 2, 3, "deals.kappa", "got an empty value (null)"},
    {"section-not-mapping.yaml", 3, 8, "deals:", "expected a mapping"},
    {"top-level-sequence.yaml", 1, 3, "sections", "at the top level, got a sequence"},
    {"list-not-sequence.yaml", 3, 5, "labs.firms", "expected a sequence"},
    {"item-not-mapping.yaml", 2, 11, "labs.firms[0]", "expected a mapping"},
    {"name-too-long.yaml", 3, 13, "labs.firms[0].name", "at most 63 bytes"},
    {"duplicate-firm-name.yaml", 4, 7, "clouds.firms[1].name", "already used by vendors.firms[0].name"},
    {"unresolved-lab.yaml", 4, 7, "deals.presigned[0].lab", "did you mean 'Anthropic'?"},
    {"wrong-kind-party.yaml", 4, 7, "deals.presigned[0].vendor", "is a firm of clouds, not a vendor"},
    {"missing-cloud.yaml", 3, 7, "deals.presigned[0].cloud", "a cloud is required"},
    {"presigned-start-before-step.yaml", 4, 7,
     "deals.presigned[0].start_step = 2 is before the deal's signing step",
     "expected a start at or after signing"},
    {"deal-shares-sum.yaml", 2, 3, "deals.f_v + deals.f_c", "expected a sum of at most 1"},
    {"strategy-sum.yaml", 2, 3, "investors.frac_fundamentalist + investors.frac_chartist",
     "expected a sum of at most 1"},
    {"price-clamp.yaml", 2, 3, "clouds.p_min = 0.005 exceeds clouds.p_max = 0.004",
     "expected clouds.p_min <="},
    {"memory-range.yaml", 2, 3, "investors.memory_min", "exceeds investors.memory_max"},
    {"reserve-range.yaml", 2, 3, "investors.reserve_min", "exceeds investors.reserve_max"},
    {"runway-range.yaml", 2, 3, "labs.runway_min", "exceeds labs.runway_target"},
    {"start-date.yaml", 2, 3, "run.start_date", "expected a month as YYYY-MM"},
    {"no-labs.yaml", 2, 3, "labs.firms", "at least one firm is required"},
    {"empty-firm-name.yaml", 4, 7, "vendors.firms[1].name", "expected a non-empty firm name"},
    {"alias.yaml", 3, 7, "demand.g0", "aliases are not supported"},
    {"negative-seed.yaml", 2, 9, "run.seed", "expected an unsigned integer"},
    {"price-outside-clamp.yaml", 4, 7, "vendors.firms[0].price = 0.0725", "lies outside [vendors.p_min"},
    {"list-too-long.yaml", 2, 3, "deals.presigned", "at most 64 items, got 65 items"},
    {"null-section.yaml", 3, 1, "analysis",
     "expected a mapping of the section's keys, got an empty value (null)"},
    /* An empty item has no token of its own: the message points at its list. */
    {"null-item.yaml", 2, 3, "labs.firms[1]", "expected a mapping of the item's keys"},
    {"multi-document.yaml", 3, 1, "'---'", "a configuration is one document"},
    {"tag.yaml", 2, 10, "deals.kappa", "YAML tags are not supported"},
    {"unknown-deal-key.yaml", 4, 7, "deals.presigned[0].vender", "did you mean 'vendor'"},
    /* libfyaml points just past the tab that indents line 3. */
    {"tab-indent.yaml", 3, 2, "", "YAML syntax error: invalid tab used as indentation"},
    /* The sweep section (docs/sweeps.md). */
    {"sweep-unknown-design.yaml", 2, 11, "sweep.design", "did you mean 'sobol'?"},
    {"sweep-values-and-range.yaml", 5, 26, "sweep.factors[0]", "both values and range; expected one of them"},
    {"sweep-neither.yaml", 5, 8, "sweep.factors[0]", "neither values nor range"},
    {"sweep-range-order.yaml", 5, 26, "sweep.factors[0].range", "expected lo < hi, got [6, 0.5]"},
    {"sweep-range-three.yaml", 5, 34, "sweep.factors[0].range",
     "a sequence of 2 finite real numbers [lo, hi]"},
    {"sweep-log-nonpositive.yaml", 5, 23, "sweep.factors[0].range", "a log scale needs lo > 0"},
    {"sweep-log-values.yaml", 5, 42, "sweep.factors[0].scale", "a log scale maps a range"},
    {"sweep-duplicate-factor.yaml", 6, 8, "sweep.factors[1].key", "is already a factor of the sweep"},
    {"sweep-no-points.yaml", 2, 3, "sweep.design", "sobol needs sweep.points"},
    {"sweep-grid-points.yaml", 3, 3, "sweep.points", "grid does not take points"},
    {"sweep-grid-range.yaml", 5, 32, "sweep.factors[1].range", "a grid needs values"},
    {"sweep-no-design.yaml", 2, 3, "sweep.factors", "factors without a design"},
    {"sweep-odd-levels.yaml", 4, 3, "sweep.levels", "expected an even number of Morris levels"},
    {"sweep-csv-no-file.yaml", 2, 3, "sweep.design", "csv needs sweep.file"},
    {"sweep-too-many-values.yaml", 5, 16, "sweep.factors[0].values",
     "at most 64 finite real numbers, as in [0, 0.3, 0.6], got 65 numbers"},
    {"sweep-not-config-key.yaml", 7, 8, "'deals.kapa' is not a numeric config key",
     "the numeric keys of section 'deals' are deals.p_strategic, deals.f_v"},
    {"sweep-value-out-of-range.yaml", 6, 26, "sweep.factors[0].values",
     "200 is outside the valid range [0, 100] of deals.kappa"},
};

static struct aim_config *seed_config(void)
{
    struct aim_config *cfg = NULL;
    if (aim_config_create(&cfg) != AIM_OK || aim_config_load_seed(cfg) != AIM_OK) {
        fprintf(stderr, "cannot load the embedded seed: %s\n", aim_error_message());
        exit(1);
    }
    return cfg;
}

static void test_bad_configs(void)
{
    char path[4096], where[256];
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        char rel[256];
        snprintf(rel, sizeof rel, "tests/configs/bad/%s", c->file);
        aim_test_source_path(path, sizeof path, rel);
        struct aim_config *cfg = seed_config();
        struct aim_config *before = seed_config();
        enum aim_status st = aim_config_load_file(cfg, path);
        const char *msg = aim_error_message();
        aim_test(st == AIM_ERR_CONFIG, "bad/%s: load fails with AIM_ERR_CONFIG (got %d: %s)", c->file,
                 (int)st, msg);
        snprintf(where, sizeof where, "bad/%s:%d:%d: ", c->file, c->line, c->col);
        aim_test_contains(msg, where, "bad/%s: message names file:line:col", c->file);
        aim_test_contains(msg, c->key, "bad/%s: message names the key", c->file);
        aim_test_contains(msg, c->phrase, "bad/%s: message says what was expected", c->file);
        aim_test(memcmp(cfg, before, sizeof *cfg) == 0, "bad/%s: a failed load leaves the config unchanged",
                 c->file);
        aim_config_free(cfg);
        aim_config_free(before);
    }
    aim_test(sizeof bad_cases / sizeof bad_cases[0] >= 25, "at least 25 malformed configs (%zu)",
             sizeof bad_cases / sizeof bad_cases[0]);

    /* A file that does not exist. */
    struct aim_config *cfg = seed_config();
    enum aim_status st = aim_config_load_file(cfg, "/nonexistent/dir/x.yaml");
    aim_test(st == AIM_ERR_CONFIG, "missing file gives AIM_ERR_CONFIG (exit 2)");
    aim_test_contains(aim_error_message(), "/nonexistent/dir/x.yaml: cannot open", "missing file is named");
    /* A directory opens but cannot be read. */
    st = aim_config_load_file(cfg, "/");
    aim_test(st == AIM_ERR_CONFIG, "a directory as config gives AIM_ERR_CONFIG");
    aim_test_contains(aim_error_message(), "/: cannot read the configuration", "the directory is named");
    /* Messages of in-memory documents name the given name. */
    const char text[] = "deals:\n  kappa: 2.385\n  term_months: 0\n";
    st = aim_config_load_string(cfg, text, strlen(text), "inline.yaml");
    aim_test(st == AIM_ERR_CONFIG, "load_string: out of range integer rejected");
    aim_test_contains(aim_error_message(),
                      "inline.yaml:3:16: deals.term_months: expected an integer in [1, 600] months",
                      "load_string: message names the given name, line, column, key and range");
    aim_config_free(cfg);
}

/* Defaults: a fresh config holds params.def's defaults; keys missing from a file keep them. */
static void test_defaults(void)
{
    struct aim_config *cfg = NULL;
    aim_test(aim_config_create(&cfg) == AIM_OK, "create");
    int all = 1;
#define AIM_P_REAL(sec, key, def, lo, hi, unit, doc) all &= cfg->sec.key == (double)(def);
#define AIM_P_INT(sec, key, def, lo, hi, unit, doc) all &= cfg->sec.key == (long)(def);
#define AIM_P_U64(sec, key, def, unit, doc) all &= cfg->sec.key == (uint64_t)(def);
#define AIM_P_BOOL(sec, key, def, doc) all &= cfg->sec.key == (def);
#define AIM_P_ENUM(sec, key, def, choices, doc) all &= cfg->sec.key == (def);
#define AIM_P_STR(sec, key, def, doc) all &= strcmp(cfg->sec.key, def) == 0;
#define AIM_LIST_BEGIN(sec, list, max, doc) all &= cfg->sec.n_##list == 0;
#include "sim/params.def"
    aim_test(all, "every scalar of a new config equals its params.def default, every list is empty");
    aim_test(cfg->macro.rate_model == AIM_RATE_CONSTANT, "rate_model defaults to constant");

    char path[4096];
    aim_test_source_path(path, sizeof path, "tests/configs/good/partial.yaml");
    enum aim_status st = aim_config_load_file(cfg, path);
    aim_test(st == AIM_OK, "partial config loads (%s)", aim_error_message());
    aim_test_rel(cfg->deals.kappa, 2.385, 0, "deals.kappa from the file");
    aim_test(cfg->investors.count == 12345, "investors.count from the file");
    aim_test(cfg->macro.rate_model == AIM_RATE_VASICEK, "macro.rate_model = vasicek from the file");
    aim_test(cfg->market.lab_ipo == 1, "market.lab_ipo = true from the file");
    aim_test(cfg->run.seed == 18446744073709551557ull, "run.seed keeps all 64 bits");
    aim_test(cfg->labs.n_firms == 1 && !strcmp(cfg->labs.firms[0].name, "Lab \"Q\" \\ one"),
             "escaped string read");
    aim_test_rel(cfg->labs.firms[0].cash, 7.125, 0, "labs.firms[0].cash from the file");
    /* Defaults of keys the file leaves out. */
    aim_test_rel(cfg->labs.firms[0].omega, 0.3, 0, "labs.firms[0].omega keeps the item default");
    aim_test_rel(cfg->deals.f_v, 0.3, 0, "deals.f_v keeps the default");
    aim_test_rel(cfg->demand.theta, 1.5, 0, "demand.theta keeps the default");
    aim_test(cfg->run.steps == 120, "run.steps keeps the default");
    aim_test(!strcmp(cfg->run.start_date, "2025-11"), "run.start_date keeps the default");
    /* The partial config has no cloud or vendor: complete it only through validation. */
    st = aim_config_validate(cfg);
    aim_test(st == AIM_ERR_CONFIG, "validate: a config without vendors is invalid");
    aim_test_contains(aim_error_message(), "vendors.firms: at least one firm is required",
                      "validate names vendors.firms");
    aim_config_free(cfg);
}

static void test_seed(void)
{
    struct aim_config *seed = seed_config();
    aim_test(aim_config_validate(seed) == AIM_OK, "seed validates (%s)", aim_error_message());
    aim_test(seed->vendors.n_firms >= 3 && seed->clouds.n_firms >= 4 && seed->labs.n_firms >= 5,
             "seed: >= 3 vendors, >= 4 clouds, >= 5 labs (MODEL.md 11)");
    aim_test(seed->investors.count == 50000 && seed->run.steps == 120 && seed->run.replicas == 64,
             "seed: 50,000 investors, 120 months, 64 replicas");
    aim_test(!strcmp(seed->run.start_date, "2025-11"), "seed starts 2025-11");
    /* The seed deal of MODEL.md 1 and 11. */
    int found = 0;
    for (int i = 0; i < seed->deals.n_presigned; i++) {
        const __typeof__(seed->deals.presigned[0]) *d = &seed->deals.presigned[i];
        if (d->step == 0 && !strcmp(d->lab, "Anthropic") && !strcmp(d->vendor, "NVIDIA") &&
            !strcmp(d->cloud, "Microsoft") && d->vendor_amount == 10 && d->cloud_amount == 5 &&
            d->commitment == 30 && d->term_months == 60 && d->capacity_mw == 1000 && d->post_money == 350) {
            found = 1;
        }
    }
    aim_test(found, "seed deal pre-signed at step 0: NVIDIA 10, Microsoft 5, Anthropic 30 over 60 months, "
                    "1000 MW, post-money 350");
    /* Generic strategic deals have the seed deal's circularity: kappa * (f_v + f_c) * A = 30 with A = 50. */
    aim_test_rel(seed->deals.kappa * (seed->deals.f_v + seed->deals.f_c) * 50.0, 30.0, 1e-12,
                 "seed: kappa (f_v + f_c) A = 30 at A = 50");

    /* The embedded seed equals configs/seed-2025.yaml read from disk. */
    char path[4096];
    aim_test_source_path(path, sizeof path, "configs/seed-2025.yaml");
    struct aim_config *disk = NULL;
    aim_config_create(&disk);
    enum aim_status st = aim_config_load_file(disk, path);
    aim_test(st == AIM_OK, "configs/seed-2025.yaml loads from disk (%s)", aim_error_message());
    aim_test(memcmp(seed, disk, sizeof *seed) == 0, "embedded seed == configs/seed-2025.yaml from disk");
    aim_config_free(disk);
    aim_config_free(seed);
}

/* emit -> load gives a byte-identical struct, and emitting again gives the same text. */
static void check_round_trip(const struct aim_config *cfg, const char *what)
{
    char *yaml = NULL, *yaml2 = NULL;
    enum aim_status st = aim_config_emit(cfg, &yaml);
    aim_test(st == AIM_OK && yaml, "%s: emit", what);
    if (!yaml) {
        return;
    }
    struct aim_config *back = NULL;
    aim_config_create(&back);
    st = aim_config_load_string(back, yaml, strlen(yaml), "emitted.yaml");
    aim_test(st == AIM_OK, "%s: emitted YAML loads back (%s)", what, aim_error_message());
    aim_test(memcmp(cfg, back, sizeof *cfg) == 0, "%s: loaded-back config is identical (memcmp)", what);
    aim_test(aim_config_emit(back, &yaml2) == AIM_OK && yaml2 && strcmp(yaml, yaml2) == 0,
             "%s: emitting the loaded-back config gives the same text", what);
    free(yaml);
    free(yaml2);
    aim_config_free(back);
}

static void expect_set_error(struct aim_config *cfg, const char *arg, const char *f1, const char *f2)
{
    struct aim_config *before = malloc(sizeof *before);
    memcpy(before, cfg, sizeof *before);
    enum aim_status st = aim_config_set(cfg, arg);
    aim_test(st == AIM_ERR_CONFIG, "--set '%s' is rejected", arg);
    char where[300];
    snprintf(where, sizeof where, "--set '%s': ", arg);
    aim_test_contains(aim_error_message(), where, "--set '%s': message names the argument", arg);
    aim_test_contains(aim_error_message(), f1, "--set '%s': message names '%s'", arg, f1);
    if (f2) {
        aim_test_contains(aim_error_message(), f2, "--set '%s': message says '%s'", arg, f2);
    }
    aim_test(memcmp(before, cfg, sizeof *cfg) == 0, "--set '%s': config unchanged", arg);
    free(before);
}

static void test_set(void)
{
    struct aim_config *cfg = seed_config();
    aim_test(aim_config_set(cfg, "deals.kappa=3") == AIM_OK && cfg->deals.kappa == 3.0,
             "--set deals.kappa=3");
    aim_test(aim_config_set(cfg, "investors.count=20000") == AIM_OK && cfg->investors.count == 20000,
             "--set investors.count=20000");
    aim_test(aim_config_set(cfg, "labs.firms[2].cash=12.385") == AIM_OK && cfg->labs.firms[2].cash == 12.385,
             "--set labs.firms[2].cash=12.385 (list item)");
    aim_test(aim_config_set(cfg, "macro.rate_model=vasicek") == AIM_OK &&
                 cfg->macro.rate_model == AIM_RATE_VASICEK,
             "--set macro.rate_model=vasicek (enum)");
    aim_test(aim_config_set(cfg, "market.lab_ipo=true") == AIM_OK && cfg->market.lab_ipo == 1,
             "--set market.lab_ipo=true (bool)");
    aim_test(aim_config_set(cfg, "labs.firms[4].name=\"Cohere \\\"for AI\\\"\"") == AIM_OK &&
                 !strcmp(cfg->labs.firms[4].name, "Cohere \"for AI\""),
             "--set of a quoted string with escapes (got %s)", cfg->labs.firms[4].name);
    aim_test(aim_config_set(cfg, "deals.presigned[0].lab=Cohere \"for AI\"") == AIM_OK &&
                 !strcmp(cfg->deals.presigned[0].lab, "Cohere \"for AI\""),
             "--set of a plain string containing quotes");
    aim_test(aim_config_set(cfg, "run.seed=18446744073709551615") == AIM_OK && cfg->run.seed == UINT64_MAX,
             "--set run.seed=2^64-1");
    aim_test(aim_config_set(cfg, "run.start_date=2026-01") == AIM_OK &&
                 !strcmp(cfg->run.start_date, "2026-01"),
             "--set run.start_date=2026-01 (plain scalar string)");
    int n = cfg->labs.n_firms;
    aim_test(aim_config_set(cfg, "labs.firms[5]={name: Thinking Machines, cash: 2.385}") == AIM_OK &&
                 cfg->labs.n_firms == n + 1 && !strcmp(cfg->labs.firms[5].name, "Thinking Machines") &&
                 cfg->labs.firms[5].cash == 2.385 && cfg->labs.firms[5].omega == 0.3,
             "--set labs.firms[5]={...} appends an item with defaults for keys left out");
    aim_test(aim_config_set(cfg, "labs.firms[3].name=\"Mistral\\tAI \\u00e9 'x' #1\"") == AIM_OK &&
                 !strcmp(cfg->labs.firms[3].name, "Mistral\tAI \xc3\xa9 'x' #1"),
             "--set of a string with a tab, UTF-8, quotes and '#' (got %s)", cfg->labs.firms[3].name);
    aim_test(aim_config_validate(cfg) == AIM_OK, "config with overrides validates (%s)", aim_error_message());
    check_round_trip(cfg, "seed with overrides");

    expect_set_error(cfg, "deals.kapa=3", "deals.kapa", "did you mean 'deals.kappa'?");
    expect_set_error(cfg, "labs.firms[1].csh=3", "labs.firms[1].csh", "did you mean 'labs.firms[1].cash'?");
    expect_set_error(cfg, "dels.kappa=3", "dels.kappa", "did you mean 'deals.kappa'?");
    expect_set_error(cfg, "deals.kappa=abc", "deals.kappa",
                     "expected a finite real number in [0, 100], got 'abc'");
    expect_set_error(cfg, "deals.kappa=101", "deals.kappa", "out of range");
    expect_set_error(cfg, "deals.kappa=.nan", "deals.kappa", "NaN and infinities are not allowed");
    expect_set_error(cfg, "deals.kappa=", "deals.kappa", "got an empty value (null)");
    expect_set_error(cfg, "deals.kappa=[1, 2]", "deals.kappa", "got a sequence");
    expect_set_error(cfg, "investors.count=2e4", "investors.count", "expected an integer");
    expect_set_error(cfg, "macro.rate_model=vasicke", "macro.rate_model", "did you mean 'vasicek'?");
    expect_set_error(cfg, "market.lab_ipo=yes", "market.lab_ipo", "expected true or false");
    expect_set_error(cfg, "labs.firms[9].cash=1", "labs.firms[9]", "beyond the end of the list (6 items");
    expect_set_error(cfg, "labs.firms[x].cash=1", "labs.firms[x].cash", "not a key path");
    expect_set_error(cfg, "deals.kappa", "deals.kappa", "expected path=value");
    expect_set_error(cfg, "deals.kappa=[1, 2", "deals.kappa", "YAML syntax error");
    expect_set_error(cfg, "labs.firms=3", "labs.firms", "expected a sequence");
    expect_set_error(cfg, "deals={kappa: 3, kapa: 4}", "deals.kapa", "did you mean 'kappa'");

    /* Whole lists and sections. */
    aim_test(aim_config_set(cfg, "deals.presigned=[]") == AIM_OK && cfg->deals.n_presigned == 0,
             "--set deals.presigned=[] removes every pre-signed deal");
    aim_test(aim_config_set(cfg, "deals={kappa: 4.5, f_c: 0.125}") == AIM_OK && cfg->deals.kappa == 4.5 &&
                 cfg->deals.f_c == 0.125 && cfg->deals.f_v == 0.2,
             "--set deals={...} merges keys into the section");
    check_round_trip(cfg, "seed without deals");

    /* --set does not check cross-field constraints; validate does, naming the keys. */
    aim_test(aim_config_set(cfg, "deals.f_v=0.9375") == AIM_OK, "--set deals.f_v=0.9375 alone is accepted");
    aim_test(aim_config_validate(cfg) == AIM_ERR_CONFIG, "validate rejects f_v + f_c > 1");
    aim_test_contains(aim_error_message(), "deals.f_v + deals.f_c = 0.9375 + 0.125 = 1.0625",
                      "validate names both keys and their values");
    aim_test(aim_config_set(cfg, "deals.f_c=0.0625") == AIM_OK && aim_config_validate(cfg) == AIM_OK,
             "a later --set makes the config valid");
    aim_test(aim_config_set(cfg, "deals.presigned[0]={lab: Anthropik}") == AIM_OK &&
                 aim_config_validate(cfg) == AIM_ERR_CONFIG,
             "--set appends a deal with an unknown lab; validate rejects it");
    aim_test_contains(aim_error_message(), "deals.presigned[0].lab: no lab named 'Anthropik'",
                      "validate names the deal's lab key");
    aim_test_contains(aim_error_message(), "did you mean 'Anthropic'?", "validate suggests the nearest lab");
    aim_config_free(cfg);
}

static void test_round_trip(void)
{
    struct aim_config *seed = seed_config();
    check_round_trip(seed, "seed");
    aim_config_free(seed);
    /* Awkward reals survive exactly. */
    struct aim_config *def = seed_config();
    aim_config_set(def, "demand.D0=0.1");
    def->demand.theta = 1.0 / 3.0;
    def->demand.g0 = -0.0;
    def->clouds.facility_cost = 5e-324;
    def->investors.beta = 9999.999999999998;
    check_round_trip(def, "awkward reals");
    aim_config_free(def);
    /* The sweep section: sequences of reals, the scale choice, the cross list. */
    struct aim_config *sw = seed_config();
    const char text[] = "sweep:\n  design: saltelli\n  points: 64\n  second_order: true\n  seed: 7\n"
                        "  factors:\n    - {key: deals.kappa, range: [0.5, 6]}\n"
                        "    - {key: investors.herding, values: [0, 0.3, 0.6]}\n"
                        "    - {key: macro.r0, range: [0.01, 0.08], scale: log}\n"
                        "  cross:\n    - {key: demand.theta, values: [1.5, 2.385]}\n";
    enum aim_status st = aim_config_load_string(sw, text, strlen(text), "sweep.yaml");
    aim_test(st == AIM_OK, "sweep section loads (%s)", aim_error_message());
    aim_test(sw->sweep.design == 5 && sw->sweep.points == 64 && sw->sweep.second_order == 1 &&
                 sw->sweep.seed == 7 && sw->sweep.n_factors == 3 && sw->sweep.factors[0].n_range == 2 &&
                 sw->sweep.factors[0].range[1] == 6 && sw->sweep.factors[1].n_values == 3 &&
                 sw->sweep.factors[1].values[1] == 0.3 && sw->sweep.factors[2].scale == 1 &&
                 sw->sweep.n_cross == 1 && sw->sweep.cross[0].values[1] == 2.385,
             "sweep section: design, points, seed, factors' values, ranges and scale, cross read");
    check_round_trip(sw, "seed with a sweep");
    aim_test(aim_config_set(sw, "sweep.factors[1].values=[0.1, 0.2]") == AIM_OK &&
                 sw->sweep.factors[1].n_values == 2 && sw->sweep.factors[1].values[1] == 0.2,
             "--set replaces a factor's values");
    aim_test(aim_config_set(sw, "sweep.factors[1].values=[0.1, x]") == AIM_ERR_CONFIG,
             "--set refuses a non-number");
    aim_test_contains(aim_error_message(), "sweep.factors[1].values[1]", "--set names the offending item");
    aim_test(aim_config_sweep_check_keys(sw) == AIM_OK, "every factor names a numeric config key");
    aim_config_set(sw, "sweep.cross[0].key=demand.theta_typo");
    aim_test(aim_config_sweep_check_keys(sw) == AIM_ERR_CONFIG,
             "a cross key that is no config key is refused");
    aim_test_contains(aim_error_message(), "sweep.cross[0].key: 'demand.theta_typo'", "the message names it");
    aim_config_set(sw, "sweep.cross[0].key=run.seed");
    aim_test(aim_config_sweep_check_keys(sw) == AIM_ERR_CONFIG, "a seed (unsigned) key is not a factor");
    aim_config_set(sw, "sweep.cross[0].key=labs.firms[1].cash");
    aim_test(aim_config_sweep_check_keys(sw) == AIM_OK, "a list item's numeric key is a factor key");
    aim_config_set(sw, "sweep.cross[0].key=labs.firms[99].cash");
    aim_test(aim_config_sweep_check_keys(sw) == AIM_ERR_CONFIG, "a list index beyond the list is refused");
    aim_test_contains(aim_error_message(), "index 99 does not exist",
                      "the message says the index does not exist");
    aim_config_set(sw, "sweep.cross[0].key=sweep.points");
    aim_test(aim_config_sweep_check_keys(sw) == AIM_ERR_CONFIG, "the sweep's own keys are not factors");
    aim_config_free(sw);
    /* A sweep-only file may name any keys; the same factor in a full config may not. */
    struct aim_config *only = NULL;
    aim_config_create(&only);
    const char only_text[] = "sweep:\n  design: grid\n  factors:\n    - {key: my.alpha, values: [1, 2]}\n";
    st = aim_config_load_string(only, only_text, strlen(only_text), "only.yaml");
    aim_test(st == AIM_OK, "a sweep-only file with any keys loads (%s)", aim_error_message());
    const char full_text[] =
        "run:\n  steps: 3\nsweep:\n  design: grid\n  factors:\n    - {key: my.alpha, values: [1, 2]}\n";
    st = aim_config_load_string(only, full_text, strlen(full_text), "full.yaml");
    aim_test(st == AIM_ERR_CONFIG, "the same factor in a config with other sections is refused");
    aim_test_contains(aim_error_message(),
                      "full.yaml:6:8: sweep.factors[0].key: 'my.alpha' is not a config key",
                      "the message points at the key");
    aim_config_free(only);
}

static void test_docs(void)
{
    char *md = NULL;
    aim_test(aim_config_doc_markdown(&md) == AIM_OK && md, "markdown reference generated");
    if (!md) {
        return;
    }
    aim_test_contains(md, "| `deals.kappa` | real number | `2` | 0 .. 100 |",
                      "reference has deals.kappa's row");
    aim_test_contains(md, "| `labs.firms[i].cash` |", "reference has list item rows");
    aim_test_contains(md, "constant, vasicek", "reference lists enum choices");
    char path[4096];
    aim_test_source_path(path, sizeof path, "docs/config.md");
    FILE *f = fopen(path, "rb");
    char *disk = NULL;
    size_t n = 0;
    if (f) {
        size_t cap = strlen(md) + 65536;
        disk = malloc(cap + 1);
        n = fread(disk, 1, cap, f);
        disk[n] = '\0';
        fclose(f);
    }
    aim_test(
        disk && n == strlen(md) && memcmp(disk, md, n) == 0,
        "docs/config.md is up to date with sim/params.def; regenerate with: cmake --build <build> --target "
        "aim_config_docgen && <build>/aim_config_docgen > docs/config.md");
    free(disk);
    free(md);
}

/* Text that must be refused before libfyaml sees it (sim/config_scan.h), with where the message
 * points and a phrase of it. Several of these hang or exhaust memory in libfyaml 0.7.12 itself. */
struct hostile_case {
    const char *what;
    const char *text;
    size_t len;
    int line, col;
    const char *phrase;
};

#define HOSTILE(what, text, line, col, phrase)                                                               \
    {                                                                                                        \
        what, text, sizeof text - 1, line, col, phrase                                                       \
    }

static const struct hostile_case hostile_cases[] = {
    /* libfyaml's directive scanner does not advance over a non-UTF-8 byte: it loops forever. */
    HOSTILE("directive with a bad byte", "%\x8f", 1, 2, "byte 0x8f is not valid UTF-8"),
    HOSTILE("directive name with a bad byte", "%Y\x8f\n", 1, 3, "byte 0x8f is not valid UTF-8"),
    /* libfyaml drops a bad byte silently: the value would vanish. */
    HOSTILE("bad byte in a value", "deals:\n  kappa: \xff\n", 2, 10, "byte 0xff is not valid UTF-8"),
    HOSTILE("overlong slash", "run:\n  name: \"\xc0\xaf\"\n", 2, 10, "byte 0xc0 is not valid UTF-8"),
    HOSTILE("overlong 3-byte", "run:\n  steps: 1 # \xe0\x80\xaf\n", 2, 14, "byte 0xe0 is not valid UTF-8"),
    HOSTILE("UTF-16 surrogate", "# \xed\xa0\x80\n", 1, 3, "byte 0xed is not valid UTF-8"),
    HOSTILE("past U+10FFFF", "# \xf4\x90\x80\x80\n", 1, 3, "byte 0xf4 is not valid UTF-8"),
    HOSTILE("truncated sequence", "# \xc3", 1, 3, "byte 0xc3 is not valid UTF-8"),
    /* A NUL used to end the text: the keys after it were ignored. */
    HOSTILE("NUL byte", "deals:\n  kappa: 3\0\n  kappa: 4\n", 2, 11, "NUL byte"),
    HOSTILE("control character", "deals:\n  kappa: \x01\n", 2, 10, "control character U+0001"),
    HOSTILE("C1 control", "# \xc2\x85\n", 1, 3, "control character U+0085"),
    HOSTILE("line separator", "run:\n  steps: 12\xe2\x80\xa8\n", 2, 12, "line separator U+2028"),
    HOSTILE("TAG directive", "%TAG ! tag:example.com,2000:\n---\nrun: {}\n", 1, 1, "unsupported directive"),
    HOSTILE("reserved directive", "%FOO bar\n---\nrun: {}\n", 1, 1, "'%FOO bar'"),
    HOSTILE("YAML 1.3", "%YAML 1.3\n---\nrun: {}\n", 1, 1, "%YAML 1.2"),
    HOSTILE("garbage after version", "%YAML 1.2x\n---\n", 1, 1, "unsupported directive"),
    /* libfyaml 0.7.12 leaks 2 kB formatting such a string (found by tests/fuzz/fuzz_config.c). */
    HOSTILE("escaped quotes", "labs:\n  firms:\n    - name: 'a''''''''b'\n", 3, 19,
            "more than 2 escaped quotes"),
    HOSTILE("deep flow sequence", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 1, 32,
            "nesting deeper than 32"),
    HOSTILE("deep flow mapping",
            "run: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: "
            "{a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a:",
            1, 130, "nesting deeper than 32"),
    HOSTILE("deep compact sequence",
            "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - x", 1, 65,
            "a configuration needs 4"),
};

/* Deterministic bytes (xorshift64*): a fixed stand-in for /dev/urandom. */
static void hostile_random(unsigned char *buf, size_t n, unsigned long long seed)
{
    for (size_t i = 0; i < n; i++) {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        buf[i] = (unsigned char)((seed * 2685821657736338717ULL) >> 56);
    }
}

static void test_hostile(void)
{
    struct aim_config *cfg = seed_config();
    struct aim_config *before = seed_config();
    for (size_t i = 0; i < sizeof hostile_cases / sizeof hostile_cases[0]; i++) {
        const struct hostile_case *c = &hostile_cases[i];
        enum aim_status st = aim_config_load_string(cfg, c->text, c->len, "h.yaml");
        char where[64];
        snprintf(where, sizeof where, "h.yaml:%d:%d: ", c->line, c->col);
        aim_test(st == AIM_ERR_CONFIG, "hostile %s: refused with AIM_ERR_CONFIG (%d: %s)", c->what, (int)st,
                 aim_error_message());
        aim_test_contains(aim_error_message(), where, "hostile %s: message names file:line:col", c->what);
        aim_test_contains(aim_error_message(), c->phrase, "hostile %s: message says what is wrong", c->what);
        aim_test(memcmp(cfg, before, sizeof *cfg) == 0, "hostile %s: the config is unchanged", c->what);
    }

    /* The same checks on --set values; the argument is shown with bad bytes escaped. */
    enum aim_status st = aim_config_set(cfg, "deals.kappa=%\x8f");
    aim_test(st == AIM_ERR_CONFIG, "--set with '%%\\x8f' is refused, not a hang");
    aim_test_contains(aim_error_message(), "--set 'deals.kappa=%\\x8f': value, line 1, column 2: byte 0x8f",
                      "--set message points into the value and escapes the bad byte");
    st = aim_config_set(cfg, "deals.kappa=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    aim_test(st == AIM_ERR_CONFIG, "--set with deep flow nesting is refused");
    aim_test_contains(aim_error_message(), "nesting deeper than 32", "--set nesting message");
    st = aim_config_set(cfg, "labs.firms[0].name=\"Soci\xc3\xa9t\xc3\xa9 \xe2\x82\xac\"");
    aim_test(st == AIM_OK && strcmp(cfg->labs.firms[0].name, "Soci\xc3\xa9t\xc3\xa9 \xe2\x82\xac") == 0,
             "--set with valid UTF-8 (e-acute, euro sign) is accepted (%s)", aim_error_message());
    aim_config_free(cfg);
    cfg = seed_config();

    /* What is allowed: a %YAML 1.2 directive, a byte order mark, CRLF, nesting of 31 levels. */
    const char ok_text[] = "\xef\xbb\xbf%YAML 1.2 # version\r\n---\r\ndeals:\r\n  kappa: 2.385\r\n";
    st = aim_config_load_string(cfg, ok_text, sizeof ok_text - 1, "ok.yaml");
    aim_test(st == AIM_OK && cfg->deals.kappa == 2.385, "%%YAML 1.2, BOM and CRLF are accepted (%s)",
             aim_error_message());
    char deep[4096];
    size_t n = 0, n_ok = 0;
    for (int d = 0; d <= AIM_CONFIG_SCAN_MAX_DEPTH; d++) {
        n_ok = n;
        n += (size_t)snprintf(deep + n, sizeof deep - n, "%*sk%d:\n", 2 * d, "", d);
    }
    struct aim_config_scan_error se = {0};
    aim_test(aim_config_scan_text(deep, n, &se) == AIM_ERR_CONFIG && se.line == AIM_CONFIG_SCAN_MAX_DEPTH + 1,
             "block nesting of %d levels is refused at line %d (got %d: %s)", AIM_CONFIG_SCAN_MAX_DEPTH + 1,
             AIM_CONFIG_SCAN_MAX_DEPTH + 1, se.line, se.msg);
    aim_test(aim_config_scan_text(deep, n_ok, &se) == AIM_OK, "block nesting of %d levels is accepted (%s)",
             AIM_CONFIG_SCAN_MAX_DEPTH, se.msg);
    const char block_scalar[] =
        "a: |\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n  ok\nb: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n";
    aim_test(aim_config_scan_text(block_scalar, sizeof block_scalar - 1, &se) == AIM_OK,
             "brackets inside block and quoted scalars are not nesting (%s)", se.msg);

    /* Big inputs are refused at once: 10 MB of '[' and of '{', 1 MiB of fixed pseudo-random bytes,
     * collections of 257 items and 80000 lines of small ones. */
    size_t big = 10u << 20;
    char *buf = malloc(big);
    if (!buf) {
        aim_test(0, "allocate 10 MB");
        return;
    }
    const char opens[2] = {'[', '{'};
    for (int k = 0; k < 2; k++) {
        memset(buf, opens[k], big);
        st = aim_config_load_string(cfg, buf, big, "big.yaml");
        aim_test(st == AIM_ERR_CONFIG, "10 MB of '%c' is refused", opens[k]);
        aim_test_contains(aim_error_message(), "big.yaml:1:1048577: the configuration is larger than 1048576",
                          "10 MB of '%c': the size limit is named", opens[k]);
        st = aim_config_load_string(cfg, buf, AIM_CONFIG_SCAN_MAX_BYTES, "big.yaml");
        aim_test(st == AIM_ERR_CONFIG, "1 MiB of '%c' is refused", opens[k]);
        aim_test_contains(aim_error_message(), "big.yaml:1:32: nesting deeper than 32",
                          "1 MiB of '%c': the nesting limit is named", opens[k]);
    }
    hostile_random((unsigned char *)buf, AIM_CONFIG_SCAN_MAX_BYTES, 20261129ULL);
    st = aim_config_load_string(cfg, buf, AIM_CONFIG_SCAN_MAX_BYTES, "random.yaml");
    aim_test(st == AIM_ERR_CONFIG, "1 MiB of pseudo-random bytes is refused (%s)", aim_error_message());
    aim_test_contains(aim_error_message(), "is not valid UTF-8", "random bytes: not UTF-8");
    /* 257 keys in one section (libfyaml's duplicate-key check grows as the square of that). */
    n = (size_t)snprintf(buf, big, "run:\n");
    for (int i = 0; i <= AIM_CONFIG_SCAN_MAX_ITEMS; i++) {
        n += (size_t)snprintf(buf + n, big - n, "  k%d: 1\n", i);
    }
    st = aim_config_load_string(cfg, buf, n, "keys.yaml");
    aim_test_contains(aim_error_message(), "keys.yaml:258:3: more than 256 keys or items",
                      "257 keys in one mapping are refused at the 257th");
    n = (size_t)snprintf(buf, big, "[1");
    for (int i = 0; i < AIM_CONFIG_SCAN_MAX_ITEMS; i++) {
        n += (size_t)snprintf(buf + n, big - n, ",1");
    }
    n += (size_t)snprintf(buf + n, big - n, "]");
    st = aim_config_load_string(cfg, buf, n, "items.yaml");
    aim_test_contains(aim_error_message(), "items.yaml:1:513: more than 256 keys or items",
                      "257 items in one flow sequence are refused");
    /* 2 x 200 x 200 keys: every collection within its limit, 80000 lines in all. */
    n = 0;
    for (int a = 0; a < 2; a++) {
        n += (size_t)snprintf(buf + n, big - n, "a%d:\n", a);
        for (int b = 0; b < 200; b++) {
            n += (size_t)snprintf(buf + n, big - n, "  b%d:\n", b);
            for (int c = 0; c < 200; c++) {
                n += (size_t)snprintf(buf + n, big - n, "    c%d: 1\n", c);
            }
        }
    }
    st = aim_config_load_string(cfg, buf, n, "entries.yaml");
    aim_test_contains(aim_error_message(), "more than 65536 entries", "over 65536 entries are refused");
    free(buf);
    aim_config_free(cfg);
    aim_config_free(before);
}

int main(void)
{
    test_defaults();
    test_seed();
    test_bad_configs();
    test_hostile();
    test_set();
    test_round_trip();
    test_docs();
    return aim_test_summary();
}
