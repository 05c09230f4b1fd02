# The economy of one replica: ledger, macro, firms' rules, deals and the world step.
aim_test(NAME test_ledger SOURCES tests/test_ledger.c MODULES sim/error sim/ledger)
