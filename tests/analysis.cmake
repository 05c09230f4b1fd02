# Analysis indicators: CSV reader, concentration, drawdown and crashes, bands across replicas.
aim_test(NAME test_csv SOURCES tests/test_csv.c MODULES sim/error analysis/csv)
aim_test(NAME test_concentration SOURCES tests/test_concentration.c
         MODULES sim/error analysis/csv analysis/concentration)
aim_test(NAME test_drawdown SOURCES tests/test_drawdown.c MODULES sim/error analysis/drawdown)
aim_test(NAME test_bands SOURCES tests/test_bands.c MODULES sim/error analysis/csv analysis/bands)
add_test(NAME test_bands_numpy COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_bands_numpy.py
         $<TARGET_FILE:test_bands>)
