/* Reading the external reference tables (tests/data, CSV) in tests through the
 * project's strict reader analysis/csv: a test links tests/aim_test_csv.c and the modules
 * sim/error and analysis/csv. */
#ifndef AIM_TEST_CSV_H
#define AIM_TEST_CSV_H

#include <stddef.h>

#include "analysis/csv.h"

/** @brief Reads reference file name ($AIM_TEST_DATA_DIR/name), recording a check that it is
 * readable; NULL (and a FAIL line naming the error) if it is not. */
struct aim_csv *aim_test_csv_open(const char *name);
/** @brief The number in column col of data row row; NaN (and the reason on stderr) if the column is
 * missing or the cell is not a number, so that every comparison with it fails. */
double aim_test_csv_number(const struct aim_csv *c, size_t row, const char *col);
/** @brief The text in column col of data row row; "" if the column is missing. */
const char *aim_test_csv_text(const struct aim_csv *c, size_t row, const char *col);

#endif
