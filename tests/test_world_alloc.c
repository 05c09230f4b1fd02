/* aim_world_step allocates nothing: malloc, calloc, realloc, posix_memalign and aligned_alloc
 * are wrapped at link time (-Wl,--wrap) and counted over 48 months of a replica (after one warm-up
 * month, in which the OpenMP runtime may set itself up). The trajectory is not passed, so the
 * event log, the one allowed allocation, is not grown. A zero count is trusted only after each
 * wrapper has been shown to count an allocation the test makes itself. */
#include "sim/config.h"
#include "sim/world.h"
#include "tests/aim_test.h"

#include <stdio.h>
#include <stdlib.h>

static long alloc_count;
static int counting;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);

void *__wrap_malloc(size_t n)
{
    alloc_count += counting;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m)
{
    alloc_count += counting;
    return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n)
{
    alloc_count += counting;
    return __real_realloc(p, n);
}
int __wrap_posix_memalign(void **p, size_t a, size_t n)
{
    alloc_count += counting;
    return __real_posix_memalign(p, a, n);
}
void *__wrap_aligned_alloc(size_t a, size_t n)
{
    alloc_count += counting;
    return __real_aligned_alloc(a, n);
}

/* One allocation through each wrapped function, called through volatile pointers so that the
 * compiler can neither elide nor merge them: the count must move by exactly five, or a zero count
 * below would prove nothing (a wrapper not linked in, an allocator call inlined away). */
static void check_wrappers_count(void)
{
    void *(*volatile f_malloc)(size_t) = malloc;
    void *(*volatile f_calloc)(size_t, size_t) = calloc;
    void *(*volatile f_realloc)(void *, size_t) = realloc;
    int (*volatile f_posix_memalign)(void **, size_t, size_t) = posix_memalign;
    void *(*volatile f_aligned_alloc)(size_t, size_t) = aligned_alloc;
    void (*volatile f_free)(void *) = free;

    alloc_count = 0;
    counting = 1;
    void *a = f_malloc(24);
    long after_malloc = alloc_count;
    void *b = f_calloc(3, 40);
    long after_calloc = alloc_count;
    a = f_realloc(a, 4000);
    long after_realloc = alloc_count;
    void *c = NULL;
    int pm = f_posix_memalign(&c, 64, 320);
    long after_posix_memalign = alloc_count;
    void *d = f_aligned_alloc(64, 640);
    long after_aligned_alloc = alloc_count;
    counting = 0;
    aim_test(a && b && c && d && pm == 0, "the deliberate allocations succeed");
    aim_test(after_malloc == 1, "the malloc wrapper counts (%ld)", after_malloc);
    aim_test(after_calloc == 2, "the calloc wrapper counts (%ld)", after_calloc);
    aim_test(after_realloc == 3, "the realloc wrapper counts (%ld)", after_realloc);
    aim_test(after_posix_memalign == 4, "the posix_memalign wrapper counts (%ld)", after_posix_memalign);
    aim_test(after_aligned_alloc == 5, "the aligned_alloc wrapper counts (%ld)", after_aligned_alloc);
    f_free(a);
    f_free(b);
    f_free(c);
    f_free(d);
    alloc_count = 0;
}

int main(void)
{
    check_wrappers_count();
    struct aim_config *cfg = NULL;
    char path[4096];
    if (aim_config_create(&cfg) != AIM_OK ||
        aim_config_load_file(cfg, aim_test_source_path(path, sizeof path, "configs/seed-2025.yaml")) !=
            AIM_OK) {
        printf("cannot load the seed scenario: %s\n", aim_error_message());
        return 1;
    }
    aim_config_set(cfg, "investors.count=2000");
    aim_config_set(cfg, "deals.p_strategic=0.8");
    struct aim_world *w = NULL;
    aim_test(aim_world_create(&w, cfg) == AIM_OK, "create");
    aim_test(aim_world_reset(w, 2025, 0, 1, NULL) == AIM_OK, "reset without a trajectory");
    int ok = aim_world_step(w, 1, NULL) == AIM_OK;
    counting = 1;
    for (int t = 1; ok && t < 49; t++) {
        ok = aim_world_step(w, 1, NULL) == AIM_OK;
    }
    counting = 0;
    aim_test(ok, "48 months without a trajectory");
    aim_test(alloc_count == 0, "no allocation in 48 months of aim_world_step (%ld)", alloc_count);
    counting = 1;
    alloc_count = 0;
    aim_test(aim_world_reset(w, 2025, 0, 2, NULL) == AIM_OK && alloc_count == 0,
             "a reset of an existing world allocates nothing (%ld)", alloc_count);
    counting = 0;
    aim_world_free(w);
    aim_config_free(cfg);
    return aim_test_summary();
}
