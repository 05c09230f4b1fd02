#include "tests/aim_test.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int aim_test_checks;
static int aim_test_failures;

static void aim_test_report(int ok, const char *detail, const char *fmt, va_list ap)
{
    aim_test_checks++;
    if (!ok) {
        aim_test_failures++;
    }
    printf("%s: ", ok ? "PASS" : "FAIL");
    vprintf(fmt, ap);
    if (detail && detail[0]) {
        printf(" (%s)", detail);
    }
    printf("\n");
    fflush(stdout);
}

void aim_test(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    aim_test_report(ok, "", fmt, ap);
    va_end(ap);
}

void aim_test_rel(double got, double want, double rel, const char *fmt, ...)
{
    char detail[256];
    int ok = (got == want) || (fabs(got - want) <= rel * fabs(want));
    if (isnan(got) || isnan(want)) {
        ok = 0;
    }
    snprintf(detail, sizeof detail, "got %.17g, want %.17g, rel tol %.3g", got, want, rel);
    va_list ap;
    va_start(ap, fmt);
    aim_test_report(ok, ok ? "" : detail, fmt, ap);
    va_end(ap);
}

void aim_test_abs(double got, double want, double abs, const char *fmt, ...)
{
    char detail[256];
    int ok = fabs(got - want) <= abs && !isnan(got) && !isnan(want);
    snprintf(detail, sizeof detail, "got %.17g, want %.17g, abs tol %.3g", got, want, abs);
    va_list ap;
    va_start(ap, fmt);
    aim_test_report(ok, ok ? "" : detail, fmt, ap);
    va_end(ap);
}

void aim_test_contains(const char *haystack, const char *needle, const char *fmt, ...)
{
    char detail[1200];
    int ok = haystack && needle && strstr(haystack, needle) != NULL;
    snprintf(detail, sizeof detail, "message \"%.1000s\" lacks \"%s\"", haystack ? haystack : "(null)",
             needle ? needle : "(null)");
    va_list ap;
    va_start(ap, fmt);
    aim_test_report(ok, ok ? "" : detail, fmt, ap);
    va_end(ap);
}

int aim_test_summary(void)
{
    printf("%d checks, %d failed\n", aim_test_checks, aim_test_failures);
    return (aim_test_failures == 0 && aim_test_checks > 0) ? 0 : 1;
}

static const char *aim_test_env_path(char *buf, unsigned long size, const char *var, const char *fallback,
                                     const char *rel)
{
    const char *dir = getenv(var);
    snprintf(buf, size, "%s/%s", dir && dir[0] ? dir : fallback, rel);
    return buf;
}

const char *aim_test_source_path(char *buf, unsigned long size, const char *rel)
{
    return aim_test_env_path(buf, size, "AIM_SOURCE_DIR", ".", rel);
}

const char *aim_test_reference_path(char *buf, unsigned long size, const char *name)
{
    return aim_test_env_path(buf, size, "AIM_TEST_DATA_DIR", "../tests/data", name);
}
