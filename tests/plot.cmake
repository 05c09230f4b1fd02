# `aimsim plot`: every figure of a small run rendered by the real gnuplot to SVG and checked from the
# outside (the .dat files and the SVG's plotted values against h5py and numpy), hostile firm names,
# a missing, failing or hanging gnuplot, overwriting, byte-identical output (docs/figures.md).
add_test(NAME test_plot COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_plot.py $<TARGET_FILE:aimsim>)
set_tests_properties(test_plot PROPERTIES TIMEOUT 300 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
# Quoting and checking text for gnuplot, running it with a timeout, writing without replacing.
aim_test(NAME test_plot_gp SOURCES tests/test_plot_gp.c MODULES sim/error analysis/plot_gp analysis/plot_data
         TIMEOUT 60)
