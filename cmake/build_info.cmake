# Writes build_info.h with the git revision and tree state of the moment of the build (run with
# cmake -P at every build by the aim_build_info target). configure_file rewrites the header only
# when its text changes, so an unchanged tree recompiles nothing.
# Inputs (-D): SRC (source tree), IN (template), OUT (header), PROJECT_VERSION, CMAKE_C_COMPILER_ID,
# CMAKE_C_COMPILER_VERSION, AIM_C_FLAGS_ALL, CMAKE_BUILD_TYPE.
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE AIM_GIT_REV OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT AIM_GIT_REV)
  set(AIM_GIT_REV "unknown")
endif()
# Dirty: tracked files differ from AIM_GIT_REV (untracked files do not count).
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE AIM_GIT_STATUS RESULT_VARIABLE AIM_GIT_STATUS_RC ERROR_QUIET)
if(AIM_GIT_STATUS_RC EQUAL 0 AND AIM_GIT_STATUS STREQUAL "")
  set(AIM_GIT_DIRTY 0)
elseif(AIM_GIT_STATUS_RC EQUAL 0)
  set(AIM_GIT_DIRTY 1)
else()
  set(AIM_GIT_DIRTY -1)
endif()
configure_file(${IN} ${OUT} @ONLY)
