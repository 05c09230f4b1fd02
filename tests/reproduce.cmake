# `aimsim reproduce`: units of a single run and of a sweep rerun bit for bit at 1 and 2 threads; a
# file with one value changed (h5py), a changed provenance attribute and bad arguments.
add_test(NAME test_reproduce COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_reproduce.py
         $<TARGET_FILE:aimsim>)
set_tests_properties(test_reproduce PROPERTIES TIMEOUT 300 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
