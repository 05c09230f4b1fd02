# bench_world: time per month of one replica of the seed scenario (docs/model.md).
# Not a test: build/bench_world [key=value]...
add_executable(bench_world bench/world.c)
foreach(m sim_error sim_rng sim_config sim_config_scan generated_seed sim_traj sim_ledger sim_macro agents_labs agents_clouds
          agents_vendors agents_deals agents_lenders agents_investors agents_payouts sim_balance sim_world)
  target_sources(bench_world PRIVATE $<TARGET_OBJECTS:aim_${m}>)
  target_link_libraries(bench_world PRIVATE aim_${m})
endforeach()
target_compile_options(bench_world PRIVATE ${AIM_C_FLAGS})
target_include_directories(bench_world PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
