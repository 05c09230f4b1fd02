/* The processes of a run: one, or the ranks of an MPI job (Open MPI's mpirun, Slurm's srun).
 * MPI is started only when the process was launched by one of those, so a plain `aimsim run` and
 * every other command never touch it; the header names no MPI type. Built without MPI
 * (AIM_HAVE_MPI undefined), every process is a single rank. */
#ifndef AIM_RANKS_H
#define AIM_RANKS_H

#include <stddef.h>

#include "sim/error.h"

/** @brief 1 if the environment says an MPI launcher started this process (Open MPI, PMIx or PMI
 * variables), 0 if not; the size it announces in *size when it says one (else 0). */
int aim_ranks_launched(int *size);
/** @brief Starts MPI if aim_ranks_launched (threads may call aim_ranks_counter_next, one at a
 * time); a single rank otherwise. AIM_ERR_USAGE for an MPI launch of a build without MPI. */
enum aim_status aim_ranks_init(int *argc, char ***argv);
/** @brief Ends MPI if it was started (after every other call). */
void aim_ranks_finalize(void);
/** @brief This process's rank (0 when single). */
int aim_ranks_rank(void);
/** @brief Number of ranks (1 when single). */
int aim_ranks_size(void);
/** @brief Ends every rank of the job at once with exit status code (exit(code) when single). */
void aim_ranks_abort(int code) __attribute__((noreturn));
/** @brief Waits for every rank. */
void aim_ranks_barrier(void);
/** @brief The largest of value over every rank (value when single): each rank's status agreed. */
int aim_ranks_max(int value);
/** @brief The sum of value over every rank. */
long aim_ranks_sum(long value);
/** @brief Copies bytes from root's buf to every rank's buf. */
void aim_ranks_bcast(void *buf, size_t bytes, int root);

/** @brief A shared counter of the job, held by rank 0: ranks take numbers from it in any order
 * without waiting for each other (MPI one-sided atomics). */
struct aim_ranks_counter;
/** @brief Makes a counter starting at 0 (collective: every rank calls it). */
enum aim_status aim_ranks_counter_create(struct aim_ranks_counter **out);
/** @brief Adds add to the counter and returns its value before (thread-safe within a rank). */
long aim_ranks_counter_add(struct aim_ranks_counter *c, long add);
/** @brief Frees the counter (collective). */
void aim_ranks_counter_free(struct aim_ranks_counter *c);

#endif
