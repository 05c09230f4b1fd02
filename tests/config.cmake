# Configuration: schema, YAML loading and its error messages, --set overrides, the resolved-config
# round trip, the embedded seed scenario, and docs/config.md generated from sim/params.def.
aim_test(NAME test_config SOURCES tests/test_config.c MODULES sim/error sim/config sim/config_scan generated/seed)

# Writes docs/config.md to stdout: build/aim_config_docgen > docs/config.md
add_executable(aim_config_docgen tests/config_docgen.c $<TARGET_OBJECTS:aim_sim_config>
               $<TARGET_OBJECTS:aim_sim_config_scan>
               $<TARGET_OBJECTS:aim_sim_error> $<TARGET_OBJECTS:aim_generated_seed>)
target_compile_options(aim_config_docgen PRIVATE ${AIM_C_FLAGS})
target_include_directories(aim_config_docgen PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(aim_config_docgen PRIVATE PkgConfig::FYAML m)

# Hostile configurations through the program: refused at once, exit 2, bounded memory.
if(TARGET aimsim)
  add_test(NAME test_config_hostile COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_config_hostile.py
           $<TARGET_FILE:aimsim>)
  set_tests_properties(test_config_hostile PROPERTIES TIMEOUT 120)
endif()
