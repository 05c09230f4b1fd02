# Experiment designs: sim/design.c's generators, their order and counts, the CSV reader, and
# `aimsim design` against SciPy's Sobol sequence (Debian python3-scipy).
aim_test(NAME test_design SOURCES tests/test_design.c
         MODULES sim/design sim/rng sim/config sim/config_scan sim/error generated/seed)
if(TARGET aimsim)
  add_test(NAME test_design_cli COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_design_cli.py
           $<TARGET_FILE:aimsim>)
  set_tests_properties(test_design_cli PROPERTIES TIMEOUT 300 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endif()
