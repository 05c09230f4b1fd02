# Build-time generated sources: the embedded seed scenario and build provenance.
set(AIM_GEN_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${AIM_GEN_DIR})
set(AIM_SEED_YAML ${CMAKE_SOURCE_DIR}/configs/seed-2025.yaml)
if(EXISTS ${AIM_SEED_YAML})
  # configs/seed-2025.yaml is compiled into the binary as the default scenario.
  add_custom_command(OUTPUT ${AIM_GEN_DIR}/seed_config.c
    COMMAND ${CMAKE_COMMAND} -DIN=${AIM_SEED_YAML} -DOUT=${AIM_GEN_DIR}/seed_config.c
            -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
    DEPENDS ${AIM_SEED_YAML} ${CMAKE_SOURCE_DIR}/cmake/embed.cmake)
  add_library(aim_generated_seed OBJECT ${AIM_GEN_DIR}/seed_config.c)
  list(APPEND AIM_ALL_MODULES aim_generated_seed)
endif()
# The full C flag set of this build type, and the git revision and tree state at build time
# (cmake/build_info.cmake runs at every build, not only when CMake configures, so a binary built
# after a commit or an edit names that commit and whether the tree was dirty).
string(TOUPPER "${CMAKE_BUILD_TYPE}" AIM_BUILD_TYPE_UPPER)
set(AIM_C_FLAGS_RECORDED ${AIM_C_FLAGS} ${AIM_SANITIZE_FLAGS})
list(JOIN AIM_C_FLAGS_RECORDED " " AIM_C_FLAGS_JOINED)
string(STRIP "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${AIM_BUILD_TYPE_UPPER}} ${AIM_C_FLAGS_JOINED} ${OpenMP_C_FLAGS} -std=c17 -D_GNU_SOURCE"
       AIM_C_FLAGS_ALL)
set(AIM_BUILD_INFO_ARGS -DSRC=${CMAKE_SOURCE_DIR} -DIN=${CMAKE_SOURCE_DIR}/cmake/build_info.h.in
    -DOUT=${AIM_GEN_DIR}/build_info.h -DPROJECT_VERSION=${PROJECT_VERSION}
    -DCMAKE_C_COMPILER_ID=${CMAKE_C_COMPILER_ID} -DCMAKE_C_COMPILER_VERSION=${CMAKE_C_COMPILER_VERSION}
    -DAIM_C_FLAGS_ALL=${AIM_C_FLAGS_ALL} -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE})
execute_process(COMMAND ${CMAKE_COMMAND} ${AIM_BUILD_INFO_ARGS} -P ${CMAKE_SOURCE_DIR}/cmake/build_info.cmake)
add_custom_target(aim_build_info
  COMMAND ${CMAKE_COMMAND} ${AIM_BUILD_INFO_ARGS} -P ${CMAKE_SOURCE_DIR}/cmake/build_info.cmake
  BYPRODUCTS ${AIM_GEN_DIR}/build_info.h VERBATIM)
if(TARGET aim_sim_version)
  add_dependencies(aim_sim_version aim_build_info)
endif()
