# aim_test(NAME <name> SOURCES <files> MODULES <dir/name>... [ARGS <args>] [LABELS <l>])
# builds tests/<files> into an executable linked with the named modules' objects and
# registers it with CTest. MODULES take the form sim/rng, agents/labs, analysis/psy.
set(AIM_TEST_HELPERS ${CMAKE_SOURCE_DIR}/tests/aim_test.c)
function(aim_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;MODULES;ARGS;LABELS;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES} ${AIM_TEST_HELPERS})
  target_compile_options(${T_NAME} PRIVATE ${AIM_C_FLAGS})
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
  foreach(m ${T_MODULES})
    string(REPLACE "/" "_" tgt ${m})
    target_link_libraries(${T_NAME} PRIVATE aim_${tgt})
    target_sources(${T_NAME} PRIVATE $<TARGET_OBJECTS:aim_${tgt}>)
  endforeach()
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} m)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS} WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT
    "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR};AIM_TEST_DATA_DIR=${AIM_TEST_DATA_DIR}")
  if(T_TIMEOUT)
    set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# Python tests use Debian's interpreter (h5py, numpy, xarray come from Debian packages).
set(AIM_PYTHON /usr/bin/python3)
# External reference data of the tests, with their provenance (tests/data/README.md).
set(AIM_TEST_DATA_DIR ${CMAKE_SOURCE_DIR}/tests/data)
