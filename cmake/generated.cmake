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
configure_file(${CMAKE_SOURCE_DIR}/cmake/build_info.h.in ${AIM_GEN_DIR}/build_info.h @ONLY)
