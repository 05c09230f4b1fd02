# Analysis indicators: CSV reader, concentration, drawdown and crashes, bands across replicas.
aim_test(NAME test_csv SOURCES tests/test_csv.c MODULES sim/error analysis/csv)
aim_test(NAME test_concentration SOURCES tests/test_concentration.c
         MODULES sim/error analysis/csv analysis/concentration)
aim_test(NAME test_drawdown SOURCES tests/test_drawdown.c MODULES sim/error analysis/drawdown)
aim_test(NAME test_bands SOURCES tests/test_bands.c MODULES sim/error analysis/csv analysis/bands)
add_test(NAME test_bands_numpy COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_bands_numpy.py
         $<TARGET_FILE:test_bands>)

# `aimsim analyze`: the run file is read through sim/store.
aim_test(NAME test_analyze SOURCES tests/test_analyze.c TIMEOUT 60
         MODULES sim/error sim/rng sim/traj sim/h5util sim/store sim/store_file sim/store_create sim/store_open sim/store_describe
                 sim/store_resume sim/store_merge sim/store_analysis sim/version sim/config sim/config_scan generated/seed
                 analysis/concentration analysis/drawdown analysis/bands analysis/psy analysis/critval
                 analysis/analyze analysis/analyze_cli)
set_tests_properties(test_analyze PROPERTIES FIXTURES_SETUP analyze_files)
# Independent readers (h5py, xarray + h5netcdf) of the files test_analyze leaves, with every
# indicator recomputed by numpy.
add_test(NAME test_analyze_xarray COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_analyze_xarray.py
         $<TARGET_FILE:test_analyze> WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(test_analyze_xarray PROPERTIES FIXTURES_REQUIRED analyze_files)

# Sensitivity estimators (Sobol, Morris, replica noise share) against closed forms, and the same
# formulas recomputed by numpy on the samples the test program dumps.
aim_test(NAME test_sensitivity SOURCES tests/test_sensitivity.c TIMEOUT 120
         MODULES sim/error sim/rng analysis/bands analysis/sensitivity)
add_test(NAME test_sensitivity_numpy COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_sensitivity_numpy.py
         $<TARGET_FILE:test_sensitivity>)
# `aimsim sensitivity` through the binary: Ishigami and G-function Saltelli designs, Morris, crossed
# scenarios, replicas and every error path. Registered unconditionally, like test_psy_cli_aimsim.
add_test(NAME test_sensitivity_cli COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_sensitivity_cli.py
         $<TARGET_FILE:aimsim>)
set_tests_properties(test_sensitivity_cli PROPERTIES TIMEOUT 300 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
# The same estimators on a real sweep's run file, checked against the CSV route on its h5py values.
add_test(NAME test_sensitivity_run COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_sensitivity_run.py
         $<TARGET_FILE:aimsim>)
set_tests_properties(test_sensitivity_run PROPERTIES TIMEOUT 300 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
# The indices written into the run file (/sensitivity/NAME), read with h5py and xarray.
add_test(NAME test_sensitivity_write COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_sensitivity_write.py
         $<TARGET_FILE:aimsim>)
set_tests_properties(test_sensitivity_write PROPERTIES TIMEOUT 300 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
