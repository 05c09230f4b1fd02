# Investors and the equity market (MODEL.md 3.4). The test includes agents/investors.c itself
# (white-box checks of holdings, the market maker and the quantile selection).
aim_test(NAME test_investors SOURCES tests/test_investors.c MODULES sim/error sim/rng TIMEOUT 60)
# The same tests with the asset-major layout [k * N + i] that bench_engine_asset_major measures.
aim_test(NAME test_investors_asset_major SOURCES tests/test_investors.c MODULES sim/error sim/rng TIMEOUT 60)
target_compile_definitions(test_investors_asset_major PRIVATE AIM_INVESTORS_ASSET_MAJOR=1)
