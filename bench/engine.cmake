# bench_engine: throughput of the investor market at 100,000 investors (docs/performance.md).
# Not a test: run it by hand, build/bench_engine [investors] [steps].
# bench_engine_asset_major is the same program with the asset-major holdings layout [k * N + i],
# kept to justify the investor-major default by measurement.
foreach(variant bench_engine bench_engine_asset_major)
  add_executable(${variant} bench/engine.c ${CMAKE_SOURCE_DIR}/agents/investors.c
                 $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_sim_rng>)
  target_compile_options(${variant} PRIVATE ${AIM_C_FLAGS})
  target_include_directories(${variant} PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(${variant} PRIVATE OpenMP::OpenMP_C m)
endforeach()
target_compile_definitions(bench_engine_asset_major PRIVATE AIM_INVESTORS_ASSET_MAJOR=1)
