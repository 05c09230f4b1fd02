# Core: error reporting.
aim_test(NAME test_error SOURCES tests/test_error.c MODULES sim/error)
