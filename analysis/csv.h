/* A small strict CSV reader (RFC 4180) for reference data and user series (`aimsim psy`).
 *
 * The first row is the header. Fields may be quoted ("a, b" and "say ""hi"""), quoted fields may
 * span lines, lines may end in LF or CRLF, the last line need not end in a newline, a UTF-8 BOM
 * is skipped, and blank lines are allowed only at the end of the file. Every data row must have
 * as many fields as the header. Cells are kept as text; numeric access is strict (whole cell, finite,
 * decimal) and every error names file:line, the column number and the column name. */
#ifndef AIM_CSV_H
#define AIM_CSV_H

#include <stddef.h>

#include "sim/error.h"

struct aim_csv; /* opaque */

/** @brief Reads and parses a whole CSV file; errors name path:line:col. */
enum aim_status aim_csv_read(struct aim_csv **csv, const char *path);
/** @brief Parses CSV text held in memory; name stands for the file in error messages. */
enum aim_status aim_csv_parse(struct aim_csv **csv, const char *text, size_t len, const char *name);
/** @brief Frees a parsed CSV (NULL is fine). */
void aim_csv_free(struct aim_csv *csv);

/** @brief Number of data rows (the header is not counted). */
size_t aim_csv_rows(const struct aim_csv *csv);
/** @brief Number of columns (fields in the header). */
size_t aim_csv_cols(const struct aim_csv *csv);
/** @brief Header name of column col (0-based). */
const char *aim_csv_name(const struct aim_csv *csv, size_t col);
/** @brief The file name given to aim_csv_read or aim_csv_parse. */
const char *aim_csv_source(const struct aim_csv *csv);
/** @brief 1-based line of the file on which data row row (0-based) starts, for messages. */
long aim_csv_line(const struct aim_csv *csv, size_t row);
/** @brief Text of a cell, unquoted (row and col 0-based, data rows only). */
const char *aim_csv_cell(const struct aim_csv *csv, size_t row, size_t col);

/** @brief Finds the column called name; the error lists the columns there are. */
enum aim_status aim_csv_column(const struct aim_csv *csv, const char *name, size_t *col);
/** @brief Parses one cell as a finite decimal number (surrounding blanks allowed, nothing else). */
enum aim_status aim_csv_number(const struct aim_csv *csv, size_t row, size_t col, double *out);
/** @brief Parses a whole column into out[0..rows-1]; stops at the first bad cell. */
enum aim_status aim_csv_column_numbers(const struct aim_csv *csv, size_t col, double *out);

/** @brief Parses a string as a finite decimal number; what names it in the error message. */
enum aim_status aim_csv_parse_number(const char *text, const char *what, double *out);

#endif
