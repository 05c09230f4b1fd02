/* The ziggurat tables of sim/rng.c against Marsaglia and Tsang (2000, J. Stat. Softw. 5(8)), who
 * publish, for 256 layers, the tail start r = 3.6541528853610088 and layer area
 * v = 4.92867323399e-3. White-box: this file includes sim/rng.c to reach the tables it samples with
 * (computed at build time by cmake/gen_ziggurat.c into generated/ziggurat_tables.h). */
#include "sim/rng.c"

#include <math.h>
#include <stdio.h>

#include "tests/aim_test.h"

int main(void)
{
    /* The bisection's root may sit a few ulps from theirs (libm's erfc and exp differ): within
     * 4e-16 relative, about 3 ulps at r = 3.65. */
    aim_test_rel(zig_r, 3.6541528853610088, 4e-16, "ziggurat tail start r equals Marsaglia-Tsang's");
    /* v is published to 12 significant digits. */
    aim_test_rel(zig_v, 4.92867323399e-3, 1e-11, "ziggurat layer area v equals Marsaglia-Tsang's");
    /* Layer 1 starts at the tail start, and the recursion f(x_{i+1}) = f(x_i) + v / x_i carried
     * from the top layer's f(x_255) reaches f = 1 exactly. */
    aim_test(zig_w[1] * 0x1.0p52 == zig_r, "x_1 = r");
    aim_test_rel(zig_f[0], exp(-0.5 * zig_r * zig_r), 1e-15, "f[0] = f(r)");
    aim_test_abs(zig_f[ZIG_N - 1] + zig_v / (zig_w[ZIG_N - 1] * 0x1.0p52) - 1.0, 0.0, 1e-12,
                 "the layer recursion closes at f = 1 for the chosen r");
    /* Every layer has area v: x_i (f(x_{i+1}) - f(x_i)) for i >= 1, and x_0 f(r) for layer 0. */
    double worst = 0.0;
    for (int i = 1; i < ZIG_N; i++) {
        double xi = zig_w[i] * 0x1.0p52;
        double area = xi * (zig_f[i + 1] - zig_f[i]);
        worst = fmax(worst, fabs(area / zig_v - 1.0));
    }
    aim_test(worst < 1e-9, "all 255 upper layers have area v (worst relative error %.2g)", worst);
    aim_test_rel(zig_w[0] * 0x1.0p52 * zig_f[0], zig_v, 1e-15, "the base layer has area v");
    /* Layer widths fall strictly and the immediate-accept thresholds stay below 2^52. */
    int monotone = 1, thresholds = 1;
    for (int i = 1; i < ZIG_N; i++) {
        monotone &= zig_w[i] < zig_w[i - 1];
        thresholds &= zig_k[i] < (UINT64_C(1) << 52);
    }
    aim_test(monotone && thresholds, "layer widths decrease and thresholds lie below 2^52");
    aim_test(zig_k[ZIG_N - 1] == 0u && zig_f[ZIG_N] == 1.0, "the top layer always takes the wedge test");
    return aim_test_summary();
}
