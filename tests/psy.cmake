# Phillips–Shi–Yu bubble tests, date-stamping, Monte Carlo critical values and `aimsim psy`.
aim_test(NAME test_psy SOURCES tests/test_psy.c tests/aim_test_csv.c MODULES sim/error analysis/csv analysis/psy TIMEOUT 60)
aim_test(NAME test_datestamp SOURCES tests/test_datestamp.c tests/aim_test_csv.c
         MODULES sim/error analysis/csv analysis/psy analysis/datestamp TIMEOUT 60)
# Monte Carlo at 2000 replications for n = 100, 120 and 547 (a few seconds on two cores).
aim_test(NAME test_critval SOURCES tests/test_critval.c tests/aim_test_csv.c
         MODULES sim/error sim/rng analysis/csv analysis/psy analysis/critval TIMEOUT 300 LIBS OpenMP::OpenMP_C)

# `aimsim psy` through a driver that calls aim_psy_cli_main, and through the aimsim binary.
add_executable(psy_cli_driver tests/psy_cli_driver.c
               $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_sim_rng> $<TARGET_OBJECTS:aim_analysis_csv>
               $<TARGET_OBJECTS:aim_analysis_psy> $<TARGET_OBJECTS:aim_analysis_datestamp>
               $<TARGET_OBJECTS:aim_analysis_critval> $<TARGET_OBJECTS:aim_analysis_psy_cli>
               $<TARGET_OBJECTS:aim_sim_resources>)
target_compile_options(psy_cli_driver PRIVATE ${AIM_C_FLAGS})
target_include_directories(psy_cli_driver PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(psy_cli_driver PRIVATE OpenMP::OpenMP_C m)
add_test(NAME test_psy_cli COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_psy_cli.py
         $<TARGET_FILE:psy_cli_driver> WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(test_psy_cli PROPERTIES TIMEOUT 120 ENVIRONMENT "AIM_TEST_DATA_DIR=${AIM_TEST_DATA_DIR}")
# Registered unconditionally: if the program lost its psy command, this test must fail, not vanish.
add_test(NAME test_psy_cli_aimsim COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_psy_cli.py
         $<TARGET_FILE:aimsim> WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(test_psy_cli_aimsim PROPERTIES TIMEOUT 120 ENVIRONMENT "AIM_TEST_DATA_DIR=${AIM_TEST_DATA_DIR}")
