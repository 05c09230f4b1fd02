# Investors and the equity market (MODEL.md 3.4). The test includes agents/investors.c itself
# (white-box checks of holdings, the market maker and the quantile selection).
aim_test(NAME test_investors SOURCES tests/test_investors.c MODULES sim/error sim/rng TIMEOUT 60)
