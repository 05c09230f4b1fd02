# HDF5 store, trajectory buffers, runner and command line.


aim_test(NAME test_store SOURCES tests/test_store.c
         MODULES sim/error sim/traj sim/h5util sim/store sim/store_file sim/store_create sim/store_open
                 sim/store_describe sim/store_resume sim/store_merge sim/version)
set_tests_properties(test_store PROPERTIES FIXTURES_SETUP store_synthetic)

# Independent readers (h5py, xarray + h5netcdf, netCDF-C) of the file test_store leaves behind.
add_test(NAME test_store_xarray COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_store_xarray.py
         store_synthetic.h5 WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(test_store_xarray PROPERTIES FIXTURES_REQUIRED store_synthetic
                     ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

# The runner on the real world (links the whole library, as the program does).
aim_test(NAME test_runner SOURCES tests/test_runner.c LIBS aimcore TIMEOUT 120)

# The program: determinism across thread counts, overwrite refusal, kill and resume.
if(TARGET aimsim)
  add_test(NAME test_cli_determinism COMMAND sh ${CMAKE_SOURCE_DIR}/tests/test_cli_determinism.sh $<TARGET_FILE:aimsim>)
  add_test(NAME test_cli_resume COMMAND sh ${CMAKE_SOURCE_DIR}/tests/test_cli_resume.sh $<TARGET_FILE:aimsim>)
  add_test(NAME test_cli_kill COMMAND sh ${CMAKE_SOURCE_DIR}/tests/test_cli_kill.sh $<TARGET_FILE:aimsim>)
  set_tests_properties(test_cli_determinism test_cli_resume test_cli_kill PROPERTIES TIMEOUT 300)
  # Sweeps: every (point, replica), /sweep/points, streams, common random numbers, kill and resume.
  add_test(NAME test_cli_sweep COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_cli_sweep.py
           $<TARGET_FILE:aimsim>)
  set_tests_properties(test_cli_sweep PROPERTIES TIMEOUT 600 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  # Sweeps over real Open MPI ranks and job-array shards: the same file as one process, kill and
  # resume, clean stop on SIGUSR1, merging. Open MPI's own start-up allocations are never freed
  # before exit; test_slurm_sweep checks aimsim's leaks under mpirun with those suppressed (full
  # stacks, slow), so here leak detection is off and addresses are still checked.
  if(MPI_C_FOUND)
    add_test(NAME test_cli_ranks COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_cli_ranks.py
             $<TARGET_FILE:aimsim>)
    set_tests_properties(test_cli_ranks PROPERTIES TIMEOUT 600 ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
                                                   AIM_ASAN_OPTIONS "detect_leaks=0")
  endif()
endif()
if(TARGET aimsim)
  add_test(NAME test_cli_usage COMMAND sh ${CMAKE_SOURCE_DIR}/tests/test_cli_usage.sh $<TARGET_FILE:aimsim>)
  set_tests_properties(test_cli_usage PROPERTIES TIMEOUT 120)
  # A full disk for real (a small tmpfs, mounted as root; skipped otherwise).
  add_test(NAME test_cli_disk COMMAND sh ${CMAKE_SOURCE_DIR}/tests/test_cli_disk.sh $<TARGET_FILE:aimsim>)
  set_tests_properties(test_cli_disk PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
endif()
if(TARGET aimsim)
  # h5py and xarray on a file from a real run: dimensions, shapes and every provenance value.
  add_test(NAME test_run_file COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_run_file.py $<TARGET_FILE:aimsim>)
  set_tests_properties(test_run_file PROPERTIES TIMEOUT 120)
  # The stored balance-sheet matrices of a real run (h5py) and aimsim info --balance-sheet.
  add_test(NAME test_balance_sheet COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_balance_sheet.py
           $<TARGET_FILE:aimsim>)
  set_tests_properties(test_balance_sheet PROPERTIES TIMEOUT 300)
endif()
add_test(NAME test_store_docs COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_store_docs.py)
set_tests_properties(test_store_docs PROPERTIES ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

# The full seed scenario as `aimsim run` runs it by default (64 replicas, 50,000 investors):
# stock-flow residual <= 1e-9 in every replica and month.
if(TARGET aimsim)
  add_test(NAME test_seed_scenario COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_seed_scenario.py
           $<TARGET_FILE:aimsim> ${CMAKE_BINARY_DIR}/seed_scenario)
  set_tests_properties(test_seed_scenario PROPERTIES TIMEOUT 600)
endif()

if(TARGET aimsim)
  # Damaged copies of a real run file (truncated, flipped bytes, zeroed blocks, from a fixed seed):
  # aimsim info and analyze exit 2 with a message naming the file, or read it exactly as before.
  add_test(NAME test_store_damage COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_store_damage.py
           $<TARGET_FILE:aimsim> ${CMAKE_BINARY_DIR}/store_damage)
  # Under the sanitizers: full stacks for allocations, so that LeakSanitizer sees through
  # libhdf5 (built without frame pointers) the H5C_protect frame that tests/sanitizers/lsan.supp
  # names for HDF5's own leak on damaged metadata.
  set_tests_properties(test_store_damage PROPERTIES TIMEOUT 300 AIM_ASAN_OPTIONS fast_unwind_on_malloc=0)
  # The README's Python example as printed, on a real run file, with cftime unimportable.
  add_test(NAME test_readme_example COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_readme_example.py
           $<TARGET_FILE:aimsim> ${CMAKE_BINARY_DIR}/readme_example)
  set_tests_properties(test_readme_example PROPERTIES TIMEOUT 300
                       ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endif()
