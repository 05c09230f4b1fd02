# Random numbers: sim/rng.c against the PCG reference header, samplers, streams, and the
# floating-point contraction self-test.

# The PCG authors' C++ header (Debian libpcg-cpp-dev) gives the reference outputs at test time.
find_path(AIM_PCG_INCLUDE_DIR pcg_random.hpp)
if(AIM_PCG_INCLUDE_DIR)
  add_executable(pcg_reference tests/pcg_reference.cpp)
  target_include_directories(pcg_reference PRIVATE ${AIM_PCG_INCLUDE_DIR})
  target_compile_options(pcg_reference PRIVATE -Wall -Wextra)
  set(AIM_PCG_REFERENCE $<TARGET_FILE:pcg_reference>)
else()
  message(WARNING "pcg_random.hpp not found (apt-get install libpcg-cpp-dev): test_rng will fail its reference checks")
  set(AIM_PCG_REFERENCE "")
endif()

aim_test(NAME test_rng SOURCES tests/test_rng.c MODULES sim/rng sim/fpcheck ARGS ${AIM_PCG_REFERENCE})
if(TARGET pcg_reference)
  add_dependencies(test_rng pcg_reference)
endif()

# The same check compiled with contraction forced on must report it (skipped without FMA). Only
# the check's object gets -mfma, so the test program itself runs on any x86-64 to decide to skip.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  add_library(fpcheck_fused OBJECT sim/fpcheck.c)
  target_include_directories(fpcheck_fused PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_options(fpcheck_fused PRIVATE ${AIM_C_FLAGS} -ffp-contract=fast -mfma)
  add_executable(test_fpcheck tests/test_fpcheck.c $<TARGET_OBJECTS:fpcheck_fused> ${AIM_TEST_HELPERS})
  target_include_directories(test_fpcheck PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_options(test_fpcheck PRIVATE ${AIM_C_FLAGS})
  add_test(NAME test_fpcheck COMMAND test_fpcheck)
  set_tests_properties(test_fpcheck PROPERTIES SKIP_RETURN_CODE 77)
endif()

# The ziggurat's tables against Marsaglia and Tsang's published constants (includes sim/rng.c).
aim_test(NAME test_rng_tables SOURCES tests/test_rng_tables.c)
# It includes sim/rng.c, so it needs the generated tables header first (cmake/ziggurat.cmake).
add_dependencies(test_rng_tables aim_ziggurat_tables)
