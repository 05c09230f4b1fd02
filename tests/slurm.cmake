# The Slurm templates of scripts/slurm/ (tests/test_slurm.py): the batch scripts run as a node
# would run them, with the SLURM_* variables of an allocation and stand-ins for sbatch and
# scontrol that record their arguments (Slurm itself is not needed).
if(TARGET aimsim)
  set(AIM_SLURM_TESTS array submit)
  # sweep.sbatch needs an aimsim built with MPI and Open MPI's mpirun (Debian's openmpi-bin).
  find_program(AIM_MPIRUN NAMES mpirun)
  if(MPI_C_FOUND AND AIM_MPIRUN)
    list(APPEND AIM_SLURM_TESTS sweep)
  endif()
  foreach(mode ${AIM_SLURM_TESTS})
    add_test(NAME test_slurm_${mode} COMMAND ${AIM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_slurm.py ${mode}
             $<TARGET_FILE:aimsim>)
    set_tests_properties(test_slurm_${mode} PROPERTIES TIMEOUT 300
                         ENVIRONMENT "AIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endforeach()
  if(sweep IN_LIST AIM_SLURM_TESTS)
    # Under the sanitizers: full stacks, so that LeakSanitizer sees the Open MPI frames that
    # tests/sanitizers/lsan.supp names (Open MPI's own leaks at MPI_Init_thread and MPI_Finalize).
    set_tests_properties(test_slurm_sweep PROPERTIES AIM_ASAN_OPTIONS fast_unwind_on_malloc=0)
  endif()
endif()
# The scripts themselves, checked by ShellCheck (Debian's shellcheck) when it is installed.
find_program(AIM_SHELLCHECK NAMES shellcheck)
if(AIM_SHELLCHECK)
  add_test(NAME slurm_shellcheck COMMAND ${AIM_SHELLCHECK} -s bash ${CMAKE_SOURCE_DIR}/scripts/slurm/sweep.sbatch
           ${CMAKE_SOURCE_DIR}/scripts/slurm/array.sbatch ${CMAKE_SOURCE_DIR}/scripts/slurm/merge.sbatch
           ${CMAKE_SOURCE_DIR}/scripts/slurm/submit-array)
endif()
