# -DAIM_SANITIZE=address,undefined (any comma list that gcc's -fsanitize= accepts) compiles and
# links every target with those sanitizers, keeps frame pointers for readable stacks, and makes
# every UBSan finding fatal (-fno-sanitize-recover=all), so a test with undefined behaviour fails
# instead of printing a warning nobody reads. scripts/test runs the whole suite so (build-asan/).
set(AIM_SANITIZE "" CACHE STRING "Sanitizers for every target, as for -fsanitize= (e.g. address,undefined)")
set(AIM_SANITIZE_FLAGS "")
if(AIM_SANITIZE)
  set(AIM_SANITIZE_FLAGS -fsanitize=${AIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=${AIM_SANITIZE} -fno-sanitize-recover=all")
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=${AIM_SANITIZE})
  unset(AIM_SANITIZE_WORKS CACHE)
  check_c_source_compiles("int main(void) { return 0; }" AIM_SANITIZE_WORKS)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT AIM_SANITIZE_WORKS)
    message(FATAL_ERROR "AIM_SANITIZE=${AIM_SANITIZE}: ${CMAKE_C_COMPILER} cannot compile and link with "
                        "-fsanitize=${AIM_SANITIZE}; give a comma list of sanitizers it supports "
                        "(e.g. address,undefined) and install their runtimes (libasan, libubsan)")
  endif()
  add_compile_options(${AIM_SANITIZE_FLAGS})
  add_link_options(-fsanitize=${AIM_SANITIZE})
  message(STATUS "Sanitizers: ${AIM_SANITIZE}")
endif()

# Sanitizer settings for every registered test (call after all tests are added). Findings abort
# the program (a nonzero status CTest reports, also when a Python test runs the aimsim binary),
# leaks are reported, and tests/sanitizers/lsan.supp suppresses only the leaks of libraries
# outside this project that are known and explained there.
function(aim_sanitize_tests)
  if(NOT AIM_SANITIZE)
    return()
  endif()
  get_property(tests DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY TESTS)
  set(supp ${CMAKE_SOURCE_DIR}/tests/sanitizers/lsan.supp)
  foreach(t ${tests})
    # A test may add options in its AIM_ASAN_OPTIONS property (tests/store.cmake does).
    get_property(extra TEST ${t} PROPERTY AIM_ASAN_OPTIONS)
    if(extra)
      set(extra ":${extra}")
    endif()
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1${extra}"
      "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
      "LSAN_OPTIONS=suppressions=${supp}")
    set_property(TEST ${t} APPEND PROPERTY LABELS sanitize)
    # Instrumented code runs slower (1.2 to 2.5 times for the tests here, measured); a test's
    # own time limit is a bound on a hang, so it is tripled rather than the test left out.
    get_property(timeout TEST ${t} PROPERTY TIMEOUT)
    if(timeout)
      math(EXPR timeout "${timeout} * 3")
      set_property(TEST ${t} PROPERTY TIMEOUT ${timeout})
    endif()
  endforeach()
endfunction()
