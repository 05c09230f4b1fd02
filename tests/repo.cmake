# Repository-wide checks of STYLE.md: exported symbols carry their module's prefix, and every
# tracked C file is clang-formatted. They cover everyone's modules, so they pass only when the
# whole tree is built, prefixed and formatted.

# The modules are discovered at configure time from AIM_ALL_MODULES (CMakeLists.txt and
# cmake/generated.cmake), so a new module is checked as soon as it exists.
set(AIM_MODULE_OBJECTS "")
foreach(tgt ${AIM_ALL_MODULES})
  list(APPEND AIM_MODULE_OBJECTS "$<TARGET_OBJECTS:${tgt}>")
endforeach()
find_program(AIM_NM NAMES nm)
add_test(NAME repo_prefixes
  COMMAND ${CMAKE_COMMAND} -E env NM=${AIM_NM} sh ${CMAKE_SOURCE_DIR}/tests/check_prefixes.sh ${AIM_MODULE_OBJECTS})

find_program(AIM_CLANG_FORMAT NAMES clang-format clang-format-14 clang-format-15 clang-format-16)
if(NOT AIM_CLANG_FORMAT)
  set(AIM_CLANG_FORMAT clang-format)
endif()
add_test(NAME repo_format COMMAND sh ${CMAKE_SOURCE_DIR}/tests/check_format.sh ${CMAKE_SOURCE_DIR} ${AIM_CLANG_FORMAT})
set_tests_properties(repo_format PROPERTIES SKIP_RETURN_CODE 77)
