/* The strict CSV reader: the reference files as published (CRLF, no final newline, quoted fields
 * with commas and doubled quotes) and every error path with the position it reports. */
#include <math.h>
#include <string.h>

#include "analysis/csv.h"
#include "tests/aim_test.h"

static enum aim_status parse(struct aim_csv **c, const char *text)
{
    aim_error_clear();
    return aim_csv_parse(c, text, strlen(text), "mem.csv");
}

static void expect_error(const char *text, enum aim_status want, const char *needle, const char *what)
{
    struct aim_csv *c = (struct aim_csv *)1;
    enum aim_status s = parse(&c, text);
    aim_test(s == want && c == NULL, "%s: status %d (want %d)", what, (int)s, (int)want);
    aim_test_contains(aim_error_message(), needle, "%s: message names the place", what);
}

static void expect_number_error(const char *cell, const char *needle, const char *what)
{
    double v = 2.385;
    aim_error_clear();
    enum aim_status s = aim_csv_parse_number(cell, "x.csv:7: column 2 'pd'", &v);
    aim_test(s != AIM_OK && v == 2.385, "%s is rejected and leaves the output alone", what);
    aim_test_contains(aim_error_message(), needle, "%s: message", what);
    aim_test_contains(aim_error_message(), "x.csv:7: column 2 'pd'", "%s: message names file:line and column",
                      what);
}

/* Reads a reference file as one check; NULL (and the caller stops) if it cannot. */
static struct aim_csv *open_ref(const char *name, const char *what)
{
    char path[4096];
    struct aim_csv *c = NULL;
    enum aim_status s = aim_csv_read(&c, aim_test_reference_path(path, sizeof path, name));
    aim_test(s == AIM_OK, "%s (%s)", what, s == AIM_OK ? path : aim_error_message());
    return c;
}

static void test_reference_files(void)
{
    struct aim_csv *c;
    size_t col;
    double v;

    if (!(c = open_ref("pysal_mexico.csv", "pysal_mexico.csv parses"))) {
        return;
    }
    aim_test(aim_csv_rows(c) == 32 && aim_csv_cols(c) == 13, "mexico: 32 rows x 13 columns");
    aim_test(strcmp(aim_csv_cell(c, 2, 0), "Baja California Sur") == 0, "mexico: text cell with spaces");
    aim_test(aim_csv_column(c, "pcgdp1940", &col) == AIM_OK && col == 1, "mexico: column by name");
    aim_test(aim_csv_number(c, 0, col, &v) == AIM_OK && v == 10384.0, "mexico: first value 10384.000");
    aim_test(aim_csv_line(c, 0) == 2 && aim_csv_line(c, 31) == 33, "mexico: row lines 2 and 33");
    aim_test(aim_csv_column(c, "gdp1940", &col) == AIM_ERR_USAGE, "mexico: missing column is an error");
    aim_test_contains(aim_error_message(), "no column named 'gdp1940'", "missing column message");
    aim_test_contains(aim_error_message(), "'pcgdp1940'", "missing column message lists the columns");
    aim_csv_free(c);

    /* 1563 data rows and no newline after the last one. */
    if (!(c = open_ref("lppls_nasdaq_dotcom.csv", "lppls_nasdaq_dotcom.csv parses"))) {
        return;
    }
    aim_test(aim_csv_rows(c) == 1563, "nasdaq: 1563 rows without a final newline");
    aim_test(strcmp(aim_csv_cell(c, 1562, 0), "2000-03-10") == 0, "nasdaq: last date");
    aim_test(aim_csv_column(c, "Adj Close", &col) == AIM_OK, "nasdaq: column name with a space");
    aim_test(aim_csv_number(c, 0, col, &v) == AIM_OK && v == 770.760010, "nasdaq: first Adj Close");
    aim_test(strcmp(aim_csv_cell(c, 1562, 6), "1992170000") == 0, "nasdaq: last cell intact");
    aim_csv_free(c);

    /* CRLF line ends. */
    if (!(c = open_ref("expected_lppls.csv", "expected_lppls.csv (CRLF) parses"))) {
        return;
    }
    aim_test(aim_csv_rows(c) == 5, "expected_lppls: 5 rows");
    int no_cr = 1;
    for (size_t r = 0; r < aim_csv_rows(c); r++) {
        for (size_t j = 0; j < aim_csv_cols(c); j++) {
            no_cr &= strchr(aim_csv_cell(c, r, j), '\r') == NULL;
        }
    }
    aim_test(no_cr && strchr(aim_csv_name(c, aim_csv_cols(c) - 1), '\r') == NULL,
             "CRLF: no CR left in cells");
    aim_csv_free(c);

    /* Quoted fields with commas, semicolons and doubled quotes. */
    if (!(c = open_ref("concentration_examples.csv", "concentration_examples.csv parses"))) {
        return;
    }
    aim_test(aim_csv_rows(c) == 10 && aim_csv_cols(c) == 7, "concentration: 10 rows x 7 columns");
    aim_test(strcmp(aim_csv_cell(c, 0, 1), "30;30;20;20") == 0, "quoted cell unquoted");
    aim_test_contains(aim_csv_cell(c, 4, 6), "conc(x, type=\"Rosenbluth\")",
                      "doubled quotes become one quote");
    aim_csv_free(c);

    aim_test(aim_csv_read(&c, "/nonexistent/dir/file.csv") == AIM_ERR_IO && c == NULL,
             "missing file: I/O error");
    aim_test_contains(aim_error_message(), "/nonexistent/dir/file.csv: cannot open", "missing file message");
}

static void test_memory(void)
{
    struct aim_csv *c;
    double v;
    aim_test(parse(&c, "\xEF\xBB\xBF"
                       "date,x\r\n2020-01-31,2.385\r\n\"2020-02-29\",\" -1.5e-3 \"\r\n\n\n") == AIM_OK,
             "BOM, CRLF, quoted numbers, trailing blank lines");
    aim_test(aim_csv_rows(c) == 2 && strcmp(aim_csv_name(c, 0), "date") == 0, "BOM is not part of the name");
    aim_test(aim_csv_number(c, 0, 1, &v) == AIM_OK && v == 2.385, "2.385");
    aim_test(aim_csv_number(c, 1, 1, &v) == AIM_OK && v == -1.5e-3, "blanks around -1.5e-3");
    aim_test(aim_csv_cell(c, 2, 0) == NULL && aim_csv_cell(c, 0, 2) == NULL, "out-of-range cell is NULL");
    aim_test(aim_csv_number(c, 5, 0, &v) == AIM_ERR_USAGE, "out-of-range number is a usage error");
    aim_test(aim_csv_number(c, 0, 0, &v) == AIM_ERR_FORMAT, "a date is not a number");
    aim_test_contains(aim_error_message(), "mem.csv:2: column 1 'date': '2020-01-31' is not a number",
                      "date-as-number message");
    aim_csv_free(c);

    /* A quoted field spanning lines moves later rows' line numbers; empty fields are fine as text. */
    aim_test(parse(&c, "a,b\n\"two\nlines\",1\n,2\n") == AIM_OK, "quoted newline");
    aim_test(strcmp(aim_csv_cell(c, 0, 0), "two\nlines") == 0, "newline kept inside quotes");
    aim_test(aim_csv_line(c, 1) == 4, "row after a two-line record starts on line 4");
    aim_test(strcmp(aim_csv_cell(c, 1, 0), "") == 0, "empty field");
    double col[2];
    aim_test(aim_csv_column_numbers(c, 1, col) == AIM_OK && col[0] == 1.0 && col[1] == 2.0, "column_numbers");
    aim_test(aim_csv_column_numbers(c, 0, col) == AIM_ERR_FORMAT, "column_numbers stops at bad cell");
    aim_test_contains(aim_error_message(), "mem.csv:2: column 1 'a'", "column_numbers error position");
    aim_csv_free(c);

    aim_test(parse(&c, "t,y\n1,4") == AIM_OK && aim_csv_rows(c) == 1, "no final newline");
    aim_csv_free(c);
    aim_test(parse(&c, "only,header\n") == AIM_OK && aim_csv_rows(c) == 0, "header only: zero rows");
    aim_csv_free(c);
    aim_test(parse(&c, ",x\n1,2\n") == AIM_OK && strcmp(aim_csv_name(c, 0), "") == 0,
             "empty first header name (R row names) allowed");
    aim_csv_free(c);

    expect_error("", AIM_ERR_FORMAT, "mem.csv: empty file", "empty text");
    expect_error("\n\n", AIM_ERR_FORMAT, "mem.csv: no header row", "only blank lines");
    expect_error("a,b\n1,2\n3\n", AIM_ERR_FORMAT, "mem.csv:3: 1 field, but the header has 2", "short row");
    expect_error("a,b\n1,2,3\n", AIM_ERR_FORMAT, "mem.csv:2: 3 fields, but the header has 2", "long row");
    expect_error("a,b\n1,2\n\n3,4\n", AIM_ERR_FORMAT, "mem.csv:3: blank line", "blank line in the middle");
    expect_error("a,b\n1,\"2\n", AIM_ERR_FORMAT, "mem.csv:2:3: quoted field never closed", "open quote");
    expect_error("a,b\n1,\"2\"x\n", AIM_ERR_FORMAT, "mem.csv:2:6: unexpected 'x' after a closing quote",
                 "text after quote");
    expect_error("a,b\n1,2\"3\n", AIM_ERR_FORMAT, "mem.csv:2:4: quote inside an unquoted field",
                 "stray quote");
    expect_error("a,b,a\n1,2,3\n", AIM_ERR_FORMAT, "header names column 'a' twice (columns 1 and 3)",
                 "duplicate column");
    expect_error("a,b\r1,2\n", AIM_ERR_FORMAT, "mem.csv:1:4: carriage return", "bare CR");
    {
        const char bin[] = "a,b\n1,\0002\n";
        struct aim_csv *cb;
        aim_error_clear();
        aim_test(aim_csv_parse(&cb, bin, sizeof bin - 1, "bin.csv") == AIM_ERR_FORMAT, "NUL byte rejected");
        aim_test_contains(aim_error_message(), "bin.csv:2:3: NUL byte", "NUL byte message");
    }
}

static void test_numbers(void)
{
    double v = 0;
    aim_test(aim_csv_parse_number("\t7.25e2 ", "n", &v) == AIM_OK && v == 725.0, "tab and space trimmed");
    aim_test(aim_csv_parse_number("-0", "n", &v) == AIM_OK && v == 0.0 && signbit(v), "-0");
    aim_test(aim_csv_parse_number("1e-310", "n", &v) == AIM_OK && v > 0 && v < 1e-300, "subnormal accepted");
    expect_number_error("", "empty cell", "empty");
    expect_number_error("   ", "empty cell", "blanks only");
    expect_number_error("NA", "'NA' is not a number", "NA");
    expect_number_error("abc", "'abc' is not a number", "text");
    expect_number_error("1.5 2", "'1.5 2' is not a number", "two numbers");
    expect_number_error("2.385%", "'2.385%' is not a number", "trailing junk");
    expect_number_error("NaN", "'NaN' is not finite", "NaN");
    expect_number_error("-inf", "'-inf' is not finite", "-inf");
    expect_number_error("Infinity", "'Infinity' is not finite", "Infinity");
    expect_number_error("1e999", "'1e999' is out of the range", "overflow");
    expect_number_error("0x1p3", "'0x1p3' is not a decimal number", "hexadecimal");
}

int main(void)
{
    test_reference_files();
    test_memory();
    test_numbers();
    return aim_test_summary();
}
