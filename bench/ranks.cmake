# bench_ranks: `mpirun -n 2` against one rank on a sweep whose points differ in cost by 4x, and the
# merge's share of the run (bench/ranks.py; `cmake --build build --target bench_ranks`).
if(TARGET aimsim AND MPI_C_FOUND)
  add_custom_target(bench_ranks COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/bench/ranks.py $<TARGET_FILE:aimsim>
                    DEPENDS aimsim USES_TERMINAL)
endif()
