/* libFuzzer harness for the configuration loader (sim/config.c, sim/config_scan.c): text -> load
 * over the defaults -> cross-field check -> emit -> reload. Properties: no crash, leak or hang;
 * a config that loads and validates emits YAML that loads back and emits the same text; the
 * input as a --set argument is handled too. Also built without libFuzzer for replaying files
 * (fuzz_replay.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that does not hold: report it and abort so that the fuzzer keeps the input. */
static void fuzz_config_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: %s: %s\n", what, detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct aim_config *cfg = NULL, *again = NULL;
    if (aim_config_create(&cfg) != AIM_OK || aim_config_create(&again) != AIM_OK) {
        fuzz_config_fail("aim_config_create", aim_error_message());
    }
    enum aim_status st = aim_config_load_string(cfg, (const char *)data, size, "fuzz.yaml");
    if (st != AIM_OK && st != AIM_ERR_CONFIG) {
        fuzz_config_fail("load returned neither ok nor a config error", aim_error_message());
    }
    if (st == AIM_OK && aim_config_validate(cfg) == AIM_OK) {
        char *yaml = NULL, *yaml2 = NULL;
        if (aim_config_emit(cfg, &yaml) != AIM_OK) {
            fuzz_config_fail("emit", aim_error_message());
        }
        if (aim_config_load_string(again, yaml, strlen(yaml), "emitted.yaml") != AIM_OK) {
            fuzz_config_fail("the emitted config does not load", aim_error_message());
        }
        if (aim_config_emit(again, &yaml2) != AIM_OK) {
            fuzz_config_fail("emit of the reloaded config", aim_error_message());
        }
        if (strcmp(yaml, yaml2) != 0) {
            fuzz_config_fail("emit -> load -> emit changed the text", yaml2);
        }
        free(yaml);
        free(yaml2);
    }
    /* The same bytes as one --set argument (up to the first NUL, as a command line would be). */
    char *arg = malloc(size + 1);
    if (!arg) {
        fuzz_config_fail("malloc", "out of memory");
    }
    memcpy(arg, data, size);
    arg[size] = '\0';
    st = aim_config_set(cfg, arg);
    if (st != AIM_OK && st != AIM_ERR_CONFIG) {
        fuzz_config_fail("--set returned neither ok nor a config error", aim_error_message());
    }
    free(arg);
    aim_config_free(cfg);
    aim_config_free(again);
    return 0;
}
