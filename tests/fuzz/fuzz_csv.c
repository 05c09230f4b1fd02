/* libFuzzer harness for the CSV reader (analysis/csv.c): parse, then every accessor on every
 * cell, header name and column. Properties: no crash, leak or hang; a parsed table is
 * rectangular (every cell of every row exists). Also built without libFuzzer for replaying files
 * (fuzz_replay.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct aim_csv *csv = NULL;
    enum aim_status st = aim_csv_parse(&csv, (const char *)data, size, "fuzz.csv");
    if (st != AIM_OK) {
        if (csv) {
            fprintf(stderr, "fuzz_csv: a failed parse returned a table\n");
            abort();
        }
        return 0;
    }
    size_t rows = aim_csv_rows(csv), cols = aim_csv_cols(csv);
    double *column = malloc((rows ? rows : 1) * sizeof *column);
    if (!column) {
        abort();
    }
    for (size_t c = 0; c < cols; c++) {
        const char *name = aim_csv_name(csv, c);
        size_t found;
        if (!name || aim_csv_column(csv, name, &found) != AIM_OK || found > c) {
            fprintf(stderr, "fuzz_csv: column %zu cannot be found by its name\n", c);
            abort();
        }
        (void)aim_csv_column_numbers(csv, c, column);
    }
    for (size_t r = 0; r < rows; r++) {
        if (aim_csv_line(csv, r) < 1) {
            fprintf(stderr, "fuzz_csv: row %zu has no line number\n", r);
            abort();
        }
        for (size_t c = 0; c < cols; c++) {
            double v;
            if (!aim_csv_cell(csv, r, c)) {
                fprintf(stderr, "fuzz_csv: cell (%zu, %zu) is missing\n", r, c);
                abort();
            }
            (void)aim_csv_number(csv, r, c, &v);
        }
    }
    size_t col;
    (void)aim_csv_column(csv, "no such column", &col);
    (void)aim_csv_source(csv);
    free(column);
    aim_csv_free(csv);
    return 0;
}
