# bench_engine: throughput of the investor market at 100,000 investors and the HDF5 share of a
# whole seed-scenario run (docs/performance.md). Not a test: run build/bench_engine by hand.
# bench_engine_asset_major is the market alone with the asset-major holdings layout [k * N + i],
# kept to justify the investor-major default by measurement.
add_executable(bench_engine bench/engine.c)
target_compile_options(bench_engine PRIVATE ${AIM_C_FLAGS})
target_include_directories(bench_engine PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_compile_definitions(bench_engine PRIVATE AIM_BENCH_STORE=1
                           AIM_BENCH_SEED_CONFIG="${CMAKE_SOURCE_DIR}/configs/seed-2025.yaml")
target_link_libraries(bench_engine PRIVATE aimcore m)

add_executable(bench_engine_asset_major bench/engine.c ${CMAKE_SOURCE_DIR}/agents/investors.c
               $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_sim_rng> $<TARGET_OBJECTS:aim_sim_config>
               $<TARGET_OBJECTS:aim_sim_config_scan> $<TARGET_OBJECTS:aim_generated_seed>)
target_compile_options(bench_engine_asset_major PRIVATE ${AIM_C_FLAGS})
target_include_directories(bench_engine_asset_major PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_compile_definitions(bench_engine_asset_major PRIVATE AIM_INVESTORS_ASSET_MAJOR=1
                           AIM_BENCH_SEED_CONFIG="${CMAKE_SOURCE_DIR}/configs/seed-2025.yaml")
target_link_libraries(bench_engine_asset_major PRIVATE OpenMP::OpenMP_C PkgConfig::FYAML m)
