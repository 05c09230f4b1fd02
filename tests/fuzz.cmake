# Fuzzing (tests/fuzz/README.md). Every build replays the committed corpus and the regression
# inputs through the two harnesses with a plain main (tests/fuzz/fuzz_replay.c), so a crash found
# once stays fixed under any compiler. With -DAIM_FUZZ=ON and clang, fuzz_config and fuzz_csv are
# also built as libFuzzer programs (ASan + UBSan) and the tests labelled `fuzz` run each on its
# corpus for a short fixed time (scripts/test does this in build-fuzz/).
option(AIM_FUZZ "Build the libFuzzer harnesses of tests/fuzz (needs CMAKE_C_COMPILER=clang)" OFF)
set(AIM_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
# Seeds: the committed corpus, the regression inputs, the repository's configs and CSVs.
set(AIM_FUZZ_CONFIG_SEEDS ${AIM_FUZZ_DIR}/corpus/config ${AIM_FUZZ_DIR}/regress/config
    ${CMAKE_SOURCE_DIR}/configs ${CMAKE_SOURCE_DIR}/tests/configs)
set(AIM_FUZZ_CSV_SEEDS ${AIM_FUZZ_DIR}/corpus/csv ${AIM_FUZZ_DIR}/regress/csv)
# YAML indicators and the configuration's section and key names, for the mutator.
set(AIM_FUZZ_CONFIG_OPTIONS -dict=${AIM_FUZZ_DIR}/config.dict)
set(AIM_FUZZ_CSV_OPTIONS)

add_executable(fuzz_config_replay ${AIM_FUZZ_DIR}/fuzz_config.c ${AIM_FUZZ_DIR}/fuzz_replay.c
               $<TARGET_OBJECTS:aim_sim_config> $<TARGET_OBJECTS:aim_sim_config_scan>
               $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_generated_seed>)
add_executable(fuzz_csv_replay ${AIM_FUZZ_DIR}/fuzz_csv.c ${AIM_FUZZ_DIR}/fuzz_replay.c
               $<TARGET_OBJECTS:aim_analysis_csv> $<TARGET_OBJECTS:aim_sim_error>)
foreach(h config csv)
  target_compile_options(fuzz_${h}_replay PRIVATE ${AIM_C_FLAGS})
  target_include_directories(fuzz_${h}_replay PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(fuzz_${h}_replay PRIVATE PkgConfig::FYAML m)
endforeach()
add_test(NAME fuzz_replay_config COMMAND fuzz_config_replay ${AIM_FUZZ_CONFIG_SEEDS})
add_test(NAME fuzz_replay_csv COMMAND fuzz_csv_replay ${AIM_FUZZ_CSV_SEEDS})
set_tests_properties(fuzz_replay_config fuzz_replay_csv PROPERTIES TIMEOUT 120)

if(AIM_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AIM_FUZZ needs clang (libFuzzer): cmake -DCMAKE_C_COMPILER=clang "
                        "-DCMAKE_CXX_COMPILER=clang++ -DAIM_FUZZ=ON")
  endif()
  set(AIM_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  # The code under test is compiled into each fuzzer with the sanitizers (libfyaml is the
  # system's, uninstrumented).
  add_executable(fuzz_config ${AIM_FUZZ_DIR}/fuzz_config.c ${CMAKE_SOURCE_DIR}/sim/config.c
                 ${CMAKE_SOURCE_DIR}/sim/config_scan.c ${CMAKE_SOURCE_DIR}/sim/error.c
                 $<TARGET_OBJECTS:aim_generated_seed>)
  add_executable(fuzz_csv ${AIM_FUZZ_DIR}/fuzz_csv.c ${CMAKE_SOURCE_DIR}/analysis/csv.c
                 ${CMAKE_SOURCE_DIR}/sim/error.c)
  add_custom_target(aim_fuzz DEPENDS fuzz_config fuzz_csv)
  # A short fixed run per harness: 20 s or 2 million inputs, whichever ends first; an input
  # taking over 5 s or 1 GB counts as a failure. New inputs go to build-fuzz/fuzz-work/, never
  # into the committed corpus.
  foreach(h config csv)
    target_compile_options(fuzz_${h} PRIVATE ${AIM_C_FLAGS} ${AIM_FUZZ_FLAGS})
    target_link_options(fuzz_${h} PRIVATE ${AIM_FUZZ_FLAGS})
    target_include_directories(fuzz_${h} PRIVATE ${CMAKE_SOURCE_DIR})
    target_link_libraries(fuzz_${h} PRIVATE PkgConfig::FYAML m)
    string(TOUPPER ${h} H)
    add_test(NAME fuzz_${h} COMMAND sh ${AIM_FUZZ_DIR}/run_fuzz.sh $<TARGET_FILE:fuzz_${h}>
             ${CMAKE_BINARY_DIR}/fuzz-work/${h} -max_total_time=20 -runs=2000000 -timeout=5
             -rss_limit_mb=1024 ${AIM_FUZZ_${H}_OPTIONS} -- ${AIM_FUZZ_${H}_SEEDS})
    set_tests_properties(fuzz_${h} PROPERTIES LABELS fuzz TIMEOUT 60)
  endforeach()
endif()
