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
endif()
