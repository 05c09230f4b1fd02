# The economy of one replica: ledger, macro, firms' rules, deals and the world step.
aim_test(NAME test_ledger SOURCES tests/test_ledger.c MODULES sim/error sim/ledger)
aim_test(NAME test_rules SOURCES tests/test_rules.c
         MODULES sim/error sim/rng sim/ledger sim/macro sim/traj agents/labs agents/clouds agents/vendors agents/deals
                 agents/investors)
aim_test(NAME test_world SOURCES tests/test_world.c TIMEOUT 120
         MODULES sim/error sim/rng sim/config sim/config_scan generated/seed sim/traj sim/ledger sim/macro agents/labs
                 agents/clouds agents/vendors agents/deals agents/investors sim/world)
# Fundamentalists only: listed value/fundamental within the band derived in docs/model.md
# ("The fundamentalist band"), 8 replicas of 120 months.
aim_test(NAME test_world_band SOURCES tests/test_world.c ARGS --band TIMEOUT 120
         MODULES sim/error sim/rng sim/config sim/config_scan generated/seed sim/traj sim/ledger sim/macro agents/labs
                 agents/clouds agents/vendors agents/deals agents/investors sim/world)
# No allocation in the monthly step (allocator wrapped at link time).
aim_test(NAME test_world_alloc SOURCES tests/test_world_alloc.c TIMEOUT 60
         LIBS -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=posix_memalign
              -Wl,--wrap=aligned_alloc
         MODULES sim/error sim/rng sim/config sim/config_scan generated/seed sim/traj sim/ledger sim/macro agents/labs
                 agents/clouds agents/vendors agents/deals agents/investors sim/world)
