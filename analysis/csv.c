#include "analysis/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct aim_csv {
    char *source;    /* file name for messages */
    char *text;      /* unquoted cells, each NUL-terminated */
    size_t *cell;    /* offset of each cell in text, row-major, header first */
    long *line;      /* 1-based start line of each record, header first */
    size_t n_cells;  /* cells stored */
    size_t cap_cell; /* capacity of cell */
    size_t n_recs;   /* records stored (header + data rows) */
    size_t cap_rec;  /* capacity of line */
    size_t n_cols;   /* fields in the header */
};

static enum aim_status aim_csv_push_cell(struct aim_csv *c, size_t off)
{
    if (c->n_cells == c->cap_cell) {
        size_t cap = c->cap_cell ? 2 * c->cap_cell : 64;
        size_t *p = realloc(c->cell, cap * sizeof *p);
        if (!p) {
            return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu CSV cells", c->source, cap);
        }
        c->cell = p;
        c->cap_cell = cap;
    }
    c->cell[c->n_cells++] = off;
    return AIM_OK;
}

static enum aim_status aim_csv_push_record(struct aim_csv *c, long line)
{
    if (c->n_recs == c->cap_rec) {
        size_t cap = c->cap_rec ? 2 * c->cap_rec : 64;
        long *p = realloc(c->line, cap * sizeof *p);
        if (!p) {
            return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu CSV rows", c->source, cap);
        }
        c->line = p;
        c->cap_rec = cap;
    }
    c->line[c->n_recs++] = line;
    return AIM_OK;
}

/* Parses the record starting at in[*pos]; appends its cells; advances *pos past the line end. */
static enum aim_status aim_csv_parse_record(struct aim_csv *c, const char *in, size_t len, size_t *pos,
                                            size_t *out, long *line, size_t *n_fields)
{
    size_t i = *pos;
    size_t o = *out;
    size_t line_start = i; /* for column numbers in messages */
    size_t fields = 0;
    enum aim_status s;
    for (;;) {
        if ((s = aim_csv_push_cell(c, o)) != AIM_OK) {
            return s;
        }
        fields++;
        if (i < len && in[i] == '"') {
            size_t open_col = i - line_start + 1;
            long open_line = *line;
            i++;
            for (;;) {
                if (i >= len) {
                    return aim_error_set(AIM_ERR_FORMAT,
                                         "%s:%ld:%zu: quoted field never closed (a field that starts "
                                         "with \" must end with \")",
                                         c->source, open_line, open_col);
                }
                if (in[i] == '"') {
                    if (i + 1 < len && in[i + 1] == '"') {
                        c->text[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (in[i] == '\n') {
                    (*line)++;
                    line_start = i + 1;
                }
                c->text[o++] = in[i++];
            }
            if (i < len && in[i] != ',' && in[i] != '\n' && !(in[i] == '\r')) {
                return aim_error_set(AIM_ERR_FORMAT,
                                     "%s:%ld:%zu: unexpected '%c' after a closing quote (expected ',' "
                                     "or the end of the line; write \"\" for a quote inside a quoted field)",
                                     c->source, *line, i - line_start + 1, in[i]);
            }
        } else {
            while (i < len && in[i] != ',' && in[i] != '\n' && in[i] != '\r') {
                if (in[i] == '"') {
                    return aim_error_set(AIM_ERR_FORMAT,
                                         "%s:%ld:%zu: quote inside an unquoted field (quote the whole "
                                         "field and double the quote: \"a\"\"b\")",
                                         c->source, *line, i - line_start + 1);
                }
                if (in[i] == '\0') {
                    return aim_error_set(AIM_ERR_FORMAT, "%s:%ld:%zu: NUL byte: not a text CSV file",
                                         c->source, *line, i - line_start + 1);
                }
                c->text[o++] = in[i++];
            }
        }
        c->text[o++] = '\0';
        if (i < len && in[i] == ',') {
            i++;
            continue;
        }
        if (i < len && in[i] == '\r') {
            if (i + 1 < len && in[i + 1] == '\n') {
                i++;
            } else {
                return aim_error_set(AIM_ERR_FORMAT,
                                     "%s:%ld:%zu: carriage return not followed by a newline (lines must "
                                     "end in LF or CRLF)",
                                     c->source, *line, i - line_start + 1);
            }
        }
        if (i < len && in[i] == '\n') {
            i++;
            (*line)++;
        }
        break;
    }
    *pos = i;
    *out = o;
    *n_fields = fields;
    return AIM_OK;
}

enum aim_status aim_csv_parse(struct aim_csv **csv, const char *text, size_t len, const char *name)
{
    *csv = NULL;
    struct aim_csv *c = calloc(1, sizeof *c);
    if (!c) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", name);
    }
    c->source = strdup(name ? name : "(csv)");
    c->text = malloc(len + 1);
    if (!c->source || !c->text) {
        aim_csv_free(c);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu bytes", name, len);
    }
    size_t i = 0, o = 0;
    long line = 1;
    enum aim_status s = AIM_OK;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        i = 3;
    }
    if (i >= len) {
        aim_csv_free(c);
        return aim_error_set(AIM_ERR_FORMAT, "%s: empty file (a CSV needs a header row naming its columns)",
                             name);
    }
    while (i < len) {
        /* A blank line is allowed only if nothing but blank lines follows it. */
        if (text[i] == '\n' || (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
            size_t j = i;
            while (j < len && (text[j] == '\n' || text[j] == '\r')) {
                j++;
            }
            if (j == len) {
                break;
            }
            s = aim_error_set(AIM_ERR_FORMAT, "%s:%ld: blank line before the end of the data", name, line);
            goto fail;
        }
        long rec_line = line;
        size_t before = c->n_cells, fields = 0;
        if ((s = aim_csv_parse_record(c, text, len, &i, &o, &line, &fields)) != AIM_OK) {
            goto fail;
        }
        if ((s = aim_csv_push_record(c, rec_line)) != AIM_OK) {
            goto fail;
        }
        if (c->n_recs == 1) {
            c->n_cols = fields;
            for (size_t a = 0; a < fields; a++) {
                const char *na = c->text + c->cell[before + a];
                for (size_t b = 0; b < a && na[0]; b++) {
                    if (strcmp(na, c->text + c->cell[before + b]) == 0) {
                        s = aim_error_set(AIM_ERR_FORMAT,
                                          "%s:%ld: header names column '%s' twice (columns %zu and %zu); "
                                          "column names must be unique",
                                          name, rec_line, na, b + 1, a + 1);
                        goto fail;
                    }
                }
            }
        } else if (fields != c->n_cols) {
            s = aim_error_set(AIM_ERR_FORMAT, "%s:%ld: %zu field%s, but the header has %zu", name, rec_line,
                              fields, fields == 1 ? "" : "s", c->n_cols);
            goto fail;
        }
    }
    if (c->n_recs == 0) {
        s = aim_error_set(AIM_ERR_FORMAT, "%s: no header row (the file holds only blank lines)", name);
        goto fail;
    }
    *csv = c;
    return AIM_OK;
fail:
    aim_csv_free(c);
    return s;
}

enum aim_status aim_csv_read(struct aim_csv **csv, const char *path)
{
    *csv = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return aim_error_set(AIM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (len == cap) {
            char *p = realloc(buf, 2 * cap);
            if (!p) {
                free(buf);
                fclose(f);
                return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu bytes", path, 2 * cap);
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    int err = ferror(f);
    int saved = errno;
    fclose(f);
    if (err) {
        free(buf);
        return aim_error_set(AIM_ERR_IO, "%s: read error: %s", path, strerror(saved));
    }
    enum aim_status s = aim_csv_parse(csv, buf, len, path);
    free(buf);
    return s;
}

void aim_csv_free(struct aim_csv *csv)
{
    if (!csv) {
        return;
    }
    free(csv->source);
    free(csv->text);
    free(csv->cell);
    free(csv->line);
    free(csv);
}

size_t aim_csv_rows(const struct aim_csv *csv)
{
    return csv->n_recs - 1;
}

size_t aim_csv_cols(const struct aim_csv *csv)
{
    return csv->n_cols;
}

const char *aim_csv_name(const struct aim_csv *csv, size_t col)
{
    return col < csv->n_cols ? csv->text + csv->cell[col] : NULL;
}

const char *aim_csv_source(const struct aim_csv *csv)
{
    return csv->source;
}

long aim_csv_line(const struct aim_csv *csv, size_t row)
{
    return row + 1 < csv->n_recs ? csv->line[row + 1] : -1;
}

const char *aim_csv_cell(const struct aim_csv *csv, size_t row, size_t col)
{
    if (row + 1 >= csv->n_recs || col >= csv->n_cols) {
        return NULL;
    }
    return csv->text + csv->cell[(row + 1) * csv->n_cols + col];
}

enum aim_status aim_csv_column(const struct aim_csv *csv, const char *name, size_t *col)
{
    for (size_t j = 0; j < csv->n_cols; j++) {
        if (strcmp(aim_csv_name(csv, j), name) == 0) {
            *col = j;
            return AIM_OK;
        }
    }
    char list[1024];
    size_t n = 0;
    list[0] = '\0';
    for (size_t j = 0; j < csv->n_cols && n < sizeof list; j++) {
        int w = snprintf(list + n, sizeof list - n, "%s'%s'", j ? ", " : "", aim_csv_name(csv, j));
        if (w < 0) {
            break;
        }
        n += (size_t)w;
    }
    return aim_error_set(AIM_ERR_USAGE, "%s: no column named '%s'; the header has %s", csv->source, name,
                         list);
}

enum aim_status aim_csv_parse_number(const char *text, const char *what, double *out)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    size_t n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
        n--;
    }
    if (n == 0) {
        return aim_error_set(AIM_ERR_FORMAT, "%s: empty cell, expected a number", what);
    }
    char tmp[128];
    if (n >= sizeof tmp) {
        return aim_error_set(AIM_ERR_FORMAT, "%s: '%.40s...' is too long to be a number", what, p);
    }
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    if (strpbrk(tmp, "xX")) {
        return aim_error_set(AIM_ERR_FORMAT, "%s: '%s' is not a decimal number", what, tmp);
    }
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end == tmp || *end != '\0') {
        return aim_error_set(AIM_ERR_FORMAT, "%s: '%s' is not a number (expected e.g. 2.385 or -1.5e-3)",
                             what, tmp);
    }
    if (isnan(v) || (isinf(v) && errno != ERANGE)) {
        return aim_error_set(AIM_ERR_NUMERIC,
                             "%s: '%s' is not finite (NaN or infinity); expected a finite number", what, tmp);
    }
    if (isinf(v)) {
        return aim_error_set(AIM_ERR_NUMERIC, "%s: '%s' is out of the range of a double", what, tmp);
    }
    *out = v;
    return AIM_OK;
}

enum aim_status aim_csv_number(const struct aim_csv *csv, size_t row, size_t col, double *out)
{
    const char *cell = aim_csv_cell(csv, row, col);
    if (!cell) {
        return aim_error_set(AIM_ERR_USAGE,
                             "%s: no cell at data row %zu, column %zu (the file has %zu rows, %zu columns)",
                             csv->source, row + 1, col + 1, aim_csv_rows(csv), csv->n_cols);
    }
    char what[600];
    snprintf(what, sizeof what, "%s:%ld: column %zu '%.200s'", csv->source, aim_csv_line(csv, row), col + 1,
             aim_csv_name(csv, col));
    return aim_csv_parse_number(cell, what, out);
}

enum aim_status aim_csv_column_numbers(const struct aim_csv *csv, size_t col, double *out)
{
    size_t rows = aim_csv_rows(csv);
    for (size_t r = 0; r < rows; r++) {
        enum aim_status s = aim_csv_number(csv, r, col, &out[r]);
        if (s != AIM_OK) {
            return s;
        }
    }
    return AIM_OK;
}
