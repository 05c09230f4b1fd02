/* Whether the compiler contracted a*b + c into a fused multiply-add. A fused result is rounded once,
 * the separate product and sum twice; with the operands below the two differ in the last bit, so
 * the comparison shows which one the compiler emitted. The operands are read through volatile so the
 * expression is evaluated at run time with the build's own flags rather than folded by the compiler. */
#include "sim/fpcheck.h"

int aim_fpcheck_contract_off(void)
{
    /* a*b = 1 + 2^-29 + 2^-60 exactly; rounded to double it loses the 2^-60 term, which a fused
     * a*b - c keeps: separate rounding gives 2^-29, an FMA 2^-29 + 2^-60. */
    volatile double va = 1.0 + 0x1.0p-30;
    volatile double vb = 1.0 + 0x1.0p-30;
    volatile double vc = 1.0;
    double a = va, b = vb, c = vc;
    double expr = a * b - c; /* the compiler may contract this */
    /* Fresh volatile reads keep the compiler from reusing the product above, and the store through
     * volatile forces this product to be rounded before the subtraction. */
    double a2 = va, b2 = vb, c2 = vc;
    volatile double product = a2 * b2;
    double separate = product - c2;
    return expr == separate;
}
