# The economy of one replica: ledger, macro, firms' rules, deals and the world step.
aim_test(NAME test_ledger SOURCES tests/test_ledger.c MODULES sim/error sim/ledger)
aim_test(NAME test_rules SOURCES tests/test_rules.c
         MODULES sim/error sim/rng sim/ledger sim/macro sim/traj agents/labs agents/clouds agents/vendors agents/deals agents/lenders
                 agents/investors)
aim_test(NAME test_world SOURCES tests/test_world.c TIMEOUT 120
         MODULES sim/error sim/rng sim/config sim/config_scan generated/seed sim/traj sim/ledger sim/macro agents/labs
                 agents/clouds agents/vendors agents/deals agents/lenders agents/investors agents/payouts sim/balance sim/world)
# Fundamentalists only: listed value/fundamental within the band derived in docs/model.md
# ("The fundamentalist band"), 8 replicas of 120 months.
aim_test(NAME test_world_band SOURCES tests/test_world.c ARGS --band TIMEOUT 120
         MODULES sim/error sim/rng sim/config sim/config_scan generated/seed sim/traj sim/ledger sim/macro agents/labs
                 agents/clouds agents/vendors agents/deals agents/lenders agents/investors agents/payouts sim/balance sim/world)
# No allocation in the monthly step (allocator wrapped at link time).
aim_test(NAME test_world_alloc SOURCES tests/test_world_alloc.c TIMEOUT 60
         LIBS -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=posix_memalign
              -Wl,--wrap=aligned_alloc
         MODULES sim/error sim/rng sim/config sim/config_scan generated/seed sim/traj sim/ledger sim/macro agents/labs
                 agents/clouds agents/vendors agents/deals agents/lenders agents/investors agents/payouts sim/balance sim/world)
# Model 2's balance sheet, lenders and binding finance on small runs of the seed scenario
# (MODEL.md 12.1-12.3, 12.7): residuals, leverage at kappa 2..16, defaults in the collapse probe.
if(TARGET aimsim)
  add_test(NAME test_model_finance COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_model_finance.py
           $<TARGET_FILE:aimsim> ${CMAKE_BINARY_DIR}/model_finance)
  set_tests_properties(test_model_finance PROPERTIES TIMEOUT 300)
endif()
# Corporate taxes and payouts (MODEL.md 12.6): the rule and one month on a small economy.
aim_test(NAME test_payouts SOURCES tests/test_payouts.c MODULES sim/error sim/rng sim/ledger agents/investors agents/payouts)
