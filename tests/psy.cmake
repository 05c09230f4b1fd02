# Phillips–Shi–Yu bubble tests, date-stamping, Monte Carlo critical values and `aimsim psy`.
aim_test(NAME test_psy SOURCES tests/test_psy.c MODULES sim/error analysis/csv analysis/psy TIMEOUT 60)
aim_test(NAME test_datestamp SOURCES tests/test_datestamp.c
         MODULES sim/error analysis/csv analysis/psy analysis/datestamp TIMEOUT 60)
# Monte Carlo at 2000 replications for n = 100, 120 and 547 (a few seconds on two cores).
aim_test(NAME test_critval SOURCES tests/test_critval.c
         MODULES sim/error sim/rng analysis/csv analysis/psy analysis/critval TIMEOUT 300 LIBS OpenMP::OpenMP_C)
