# bench_sensitivity: Sobol analysis of 10 factors at N = 4096 with 1,000 bootstrap resamples.
add_executable(bench_sensitivity bench/sensitivity.c $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_sim_rng>
               $<TARGET_OBJECTS:aim_analysis_bands> $<TARGET_OBJECTS:aim_analysis_sensitivity>)
target_compile_options(bench_sensitivity PRIVATE ${AIM_C_FLAGS})
target_include_directories(bench_sensitivity PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(bench_sensitivity PRIVATE OpenMP::OpenMP_C m)
