/* sim/fpcheck.c built with contraction forced on (-ffp-contract=fast -mfma): the check must then
 * report 0, which shows it can fail. test_rng checks the normal build reports 1. */
#include <stdio.h>

#include "sim/fpcheck.h"
#include "tests/aim_test.h"

int main(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("fma")) {
        printf("SKIP: this CPU has no FMA instruction\n");
        return 77;
    }
    aim_test(aim_fpcheck_contract_off() == 0,
             "fpcheck reports contraction when built with -ffp-contract=fast -mfma");
    return aim_test_summary();
}
