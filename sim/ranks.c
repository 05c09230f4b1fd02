/* The processes of a run (sim/ranks.h). MPI is started with MPI_THREAD_SERIALIZED: the worker
 * threads of a rank take work from the shared counter one at a time under a lock. The counter is
 * an MPI window of two longs on rank 0 updated with MPI_Fetch_and_op under a shared passive-target
 * lock: on one node Open MPI serves it from shared memory, across nodes from the network's atomics
 * (or, on plain TCP, when rank 0 next enters MPI). */
#include "sim/ranks.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef AIM_HAVE_MPI
#include <mpi.h>
#endif

static int aim_ranks_started; /* MPI_Init was called */
/* MPI_THREAD_SERIALIZED: one thread of a rank in MPI at a time, whichever counter it uses. */
static omp_lock_t aim_ranks_lock;
static int aim_ranks_lock_made;
static int aim_ranks_me, aim_ranks_n = 1;

int aim_ranks_launched(int *size)
{
    /* Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMIx launchers (srun --mpi=pmix, prte) PMIX_RANK;
     * PMI-1/2 launchers (srun --mpi=pmi2, MPICH's hydra) PMI_RANK and PMI_SIZE. */
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    if (!n) {
        n = getenv("PMI_SIZE");
    }
    *size = n ? atoi(n) : 0;
    return n || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

#ifdef AIM_HAVE_MPI

enum aim_status aim_ranks_init(int *argc, char ***argv)
{
    int size = 0;
    if (!aim_ranks_launched(&size)) {
        return AIM_OK;
    }
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        return aim_error_set(AIM_ERR_IO, "MPI_Init_thread failed");
    }
    aim_ranks_started = 1;
    omp_init_lock(&aim_ranks_lock);
    aim_ranks_lock_made = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &aim_ranks_me);
    MPI_Comm_size(MPI_COMM_WORLD, &aim_ranks_n);
    if (provided < MPI_THREAD_SERIALIZED) {
        return aim_error_set(
            AIM_ERR_IO, "this MPI library gives thread level %d, aimsim needs MPI_THREAD_SERIALIZED (%d)",
            provided, MPI_THREAD_SERIALIZED);
    }
    return AIM_OK;
}

void aim_ranks_finalize(void)
{
    if (aim_ranks_started) {
        MPI_Finalize();
        aim_ranks_started = 0;
    }
}

void aim_ranks_abort(int code)
{
    fflush(stdout);
    fflush(stderr);
    if (aim_ranks_started && aim_ranks_n > 1) {
        MPI_Abort(MPI_COMM_WORLD, code);
    }
    exit(code);
}

void aim_ranks_barrier(void)
{
    if (aim_ranks_started) {
        MPI_Barrier(MPI_COMM_WORLD);
    }
}

int aim_ranks_max(int value)
{
    int out = value;
    if (aim_ranks_started) {
        MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    }
    return out;
}

long aim_ranks_sum(long value)
{
    long out = value;
    if (aim_ranks_started) {
        MPI_Allreduce(&value, &out, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    }
    return out;
}

void aim_ranks_bcast(void *buf, size_t bytes, int root)
{
    if (!aim_ranks_started) {
        return;
    }
    /* In pieces below INT_MAX bytes. */
    for (size_t at = 0; at < bytes;) {
        size_t n = bytes - at < (size_t)1 << 30 ? bytes - at : (size_t)1 << 30;
        MPI_Bcast((char *)buf + at, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
        at += n;
    }
}

struct aim_ranks_counter {
    MPI_Win win;
    long *base; /* rank 0's value */
    long local; /* single rank: the value itself */
    omp_lock_t lock;
};

enum aim_status aim_ranks_counter_create(struct aim_ranks_counter **out)
{
    struct aim_ranks_counter *c = calloc(1, sizeof *c);
    if (!c) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a counter");
    }
    omp_init_lock(&c->lock);
    if (aim_ranks_started) {
        MPI_Aint size = aim_ranks_me == 0 ? (MPI_Aint)sizeof(long) : 0;
        if (MPI_Win_allocate(size, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &c->base, &c->win) !=
            MPI_SUCCESS) {
            omp_destroy_lock(&c->lock);
            free(c);
            return aim_error_set(AIM_ERR_IO, "MPI_Win_allocate failed for the job's work counter");
        }
        if (aim_ranks_me == 0) {
            MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, c->win);
            *c->base = 0;
            MPI_Win_unlock(0, c->win);
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }
    *out = c;
    return AIM_OK;
}

long aim_ranks_counter_add(struct aim_ranks_counter *c, long add)
{
    long before;
    if (aim_ranks_started) {
        omp_set_lock(&aim_ranks_lock);
        MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, c->win);
        MPI_Fetch_and_op(&add, &before, MPI_LONG, 0, 0, MPI_SUM, c->win);
        MPI_Win_unlock(0, c->win);
        omp_unset_lock(&aim_ranks_lock);
    } else {
        omp_set_lock(&c->lock);
        before = c->local;
        c->local += add;
        omp_unset_lock(&c->lock);
    }
    return before;
}

void aim_ranks_counter_free(struct aim_ranks_counter *c)
{
    if (!c) {
        return;
    }
    if (aim_ranks_started) {
        MPI_Win_free(&c->win);
    }
    omp_destroy_lock(&c->lock);
    free(c);
}

#else /* no MPI: one rank */

enum aim_status aim_ranks_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int size = 0;
    if (aim_ranks_launched(&size) && size > 1) {
        return aim_error_set(AIM_ERR_USAGE,
                             "started by an MPI launcher with %d ranks, but this aimsim was "
                             "built without MPI (install libopenmpi-dev and rebuild)",
                             size);
    }
    return AIM_OK;
}

void aim_ranks_finalize(void)
{
}

void aim_ranks_abort(int code)
{
    fflush(stdout);
    fflush(stderr);
    exit(code);
}

void aim_ranks_barrier(void)
{
}

int aim_ranks_max(int value)
{
    return value;
}

long aim_ranks_sum(long value)
{
    return value;
}

void aim_ranks_bcast(void *buf, size_t bytes, int root)
{
    (void)buf;
    (void)bytes;
    (void)root;
}

struct aim_ranks_counter {
    long local;
    omp_lock_t lock;
};

enum aim_status aim_ranks_counter_create(struct aim_ranks_counter **out)
{
    struct aim_ranks_counter *c = calloc(1, sizeof *c);
    if (!c) {
        return aim_error_set(AIM_ERR_NOMEM, "out of memory for a counter");
    }
    omp_init_lock(&c->lock);
    *out = c;
    return AIM_OK;
}

long aim_ranks_counter_add(struct aim_ranks_counter *c, long add)
{
    omp_set_lock(&c->lock);
    long before = c->local;
    c->local += add;
    omp_unset_lock(&c->lock);
    return before;
}

void aim_ranks_counter_free(struct aim_ranks_counter *c)
{
    if (c) {
        omp_destroy_lock(&c->lock);
        free(c);
    }
}

#endif

int aim_ranks_rank(void)
{
    return aim_ranks_me;
}

int aim_ranks_size(void)
{
    return aim_ranks_n;
}
