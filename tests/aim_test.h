/* Test helpers in the manner of GSL's test/gsl_test.h: one line per check, a summary at exit. */
#ifndef AIM_TEST_H
#define AIM_TEST_H

/** @brief Records a check; prints "PASS|FAIL: <description>". */
void aim_test(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief Checks |got - want| <= rel * |want| (exact equality when rel == 0, NaN never passes). */
void aim_test_rel(double got, double want, double rel, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** @brief Checks |got - want| <= abs. */
void aim_test_abs(double got, double want, double abs, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** @brief Checks that haystack contains needle (for error messages). */
void aim_test_contains(const char *haystack, const char *needle, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** @brief Prints the totals; returns the process exit status (0 if every check passed). */
int aim_test_summary(void);

/** @brief Path of a file under the source tree ($AIM_SOURCE_DIR/rel) in a static buffer per call site. */
const char *aim_test_source_path(char *buf, unsigned long size, const char *rel);

/** @brief Path of a file in the external reference data ($AIM_TEST_DATA_DIR/name, tests/data). */
const char *aim_test_reference_path(char *buf, unsigned long size, const char *name);

#endif
