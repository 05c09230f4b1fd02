#include "tests/aim_test_csv.h"

#include <math.h>
#include <stdio.h>

#include "tests/aim_test.h"

struct aim_csv *aim_test_csv_open(const char *name)
{
    char path[4096];
    struct aim_csv *c = NULL;
    enum aim_status s = aim_csv_read(&c, aim_test_reference_path(path, sizeof path, name));
    aim_test(s == AIM_OK, "reference %s is readable (%s)", name, s == AIM_OK ? path : aim_error_message());
    return c;
}

double aim_test_csv_number(const struct aim_csv *c, size_t row, const char *col)
{
    size_t j;
    double v = NAN;
    if (aim_csv_column(c, col, &j) != AIM_OK || aim_csv_number(c, row, j, &v) != AIM_OK) {
        fprintf(stderr, "reference: %s\n", aim_error_message());
        return NAN;
    }
    return v;
}

const char *aim_test_csv_text(const struct aim_csv *c, size_t row, const char *col)
{
    size_t j;
    if (aim_csv_column(c, col, &j) != AIM_OK) {
        return "";
    }
    return aim_csv_cell(c, row, j);
}
