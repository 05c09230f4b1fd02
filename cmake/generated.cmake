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
# Whether the tree differed from AIM_GIT_REV when CMake last configured (tracked files only), and
# the full C flag set of this build type, so every output file names exactly what made it.
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                OUTPUT_VARIABLE AIM_GIT_STATUS RESULT_VARIABLE AIM_GIT_STATUS_RC ERROR_QUIET)
if(AIM_GIT_STATUS_RC EQUAL 0 AND AIM_GIT_STATUS STREQUAL "")
  set(AIM_GIT_DIRTY 0)
elseif(AIM_GIT_STATUS_RC EQUAL 0)
  set(AIM_GIT_DIRTY 1)
else()
  set(AIM_GIT_DIRTY -1)
endif()
string(TOUPPER "${CMAKE_BUILD_TYPE}" AIM_BUILD_TYPE_UPPER)
list(JOIN AIM_C_FLAGS " " AIM_C_FLAGS_JOINED)
string(STRIP "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${AIM_BUILD_TYPE_UPPER}} ${AIM_C_FLAGS_JOINED} ${OpenMP_C_FLAGS} -std=c17 -D_GNU_SOURCE"
       AIM_C_FLAGS_ALL)
configure_file(${CMAKE_SOURCE_DIR}/cmake/build_info.h.in ${AIM_GEN_DIR}/build_info.h @ONLY)
