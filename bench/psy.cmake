# bench_psy: GSADF timing for T = 500..4000 (lag 0 and 2) and the T = 547 Monte Carlo critical values.
add_executable(bench_psy bench/psy.c $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_sim_rng>
               $<TARGET_OBJECTS:aim_analysis_psy> $<TARGET_OBJECTS:aim_analysis_critval>)
target_compile_options(bench_psy PRIVATE ${AIM_C_FLAGS})
target_include_directories(bench_psy PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(bench_psy PRIVATE OpenMP::OpenMP_C m)
