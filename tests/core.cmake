# Core: error reporting.
aim_test(NAME test_error SOURCES tests/test_error.c MODULES sim/error)
aim_test(NAME test_resources SOURCES tests/test_resources.c MODULES sim/error sim/resources)
