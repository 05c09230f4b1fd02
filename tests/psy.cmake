# Phillips–Shi–Yu bubble tests, date-stamping, Monte Carlo critical values and `aimsim psy`.
aim_test(NAME test_psy SOURCES tests/test_psy.c MODULES sim/error analysis/csv analysis/psy TIMEOUT 60)
aim_test(NAME test_datestamp SOURCES tests/test_datestamp.c
         MODULES sim/error analysis/csv analysis/psy analysis/datestamp TIMEOUT 60)
