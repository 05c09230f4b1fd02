/* Self-test of the build's floating-point contraction setting (REBOUND's reb_check_fp_contract). */
#ifndef AIM_FPCHECK_H
#define AIM_FPCHECK_H

/** @brief 1 if this object was compiled without fusing a*b+c into one FMA (-ffp-contract=off), 0 if fused;
 * bitwise reproducibility between builds needs 1, so the program and tests check it. */
int aim_fpcheck_contract_off(void);

#endif
