# The ziggurat tables of sim/rng.c's normal sampler are computed at build time by
# cmake/gen_ziggurat.c (they need exp, log and erfc, which a C initialiser cannot call) and written,
# bit-exact in hexadecimal floats, to generated/ziggurat_tables.h as constants.
add_executable(aim_gen_ziggurat ${CMAKE_SOURCE_DIR}/cmake/gen_ziggurat.c)
target_compile_options(aim_gen_ziggurat PRIVATE ${AIM_C_FLAGS})
target_link_libraries(aim_gen_ziggurat PRIVATE m)
add_custom_command(OUTPUT ${AIM_GEN_DIR}/ziggurat_tables.h
  COMMAND aim_gen_ziggurat ${AIM_GEN_DIR}/ziggurat_tables.h
  DEPENDS aim_gen_ziggurat
  COMMENT "Computing the ziggurat tables (generated/ziggurat_tables.h)")
add_custom_target(aim_ziggurat_tables DEPENDS ${AIM_GEN_DIR}/ziggurat_tables.h)
if(TARGET aim_sim_rng)
  target_sources(aim_sim_rng PRIVATE ${AIM_GEN_DIR}/ziggurat_tables.h)
  add_dependencies(aim_sim_rng aim_ziggurat_tables)
endif()
