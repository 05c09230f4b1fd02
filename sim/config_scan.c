/* The pre-parse check of configuration text (what it refuses and why: sim/config_scan.h). */
#include "sim/config_scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Decodes the UTF-8 sequence at s[0..n-1]: its length, or 0 if it is not valid UTF-8 (truncated,
 * a stray continuation byte, an overlong form, a surrogate or a code point past U+10FFFF). */
static size_t aim_config_scan_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t k;
    unsigned long c, min;
    if (b >= 0xc2 && b <= 0xdf) {
        k = 2, c = b & 0x1fu, min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
        k = 3, c = b & 0x0fu, min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
        k = 4, c = b & 0x07u, min = 0x10000;
    } else {
        return 0; /* continuation byte, 0xc0/0xc1 (overlong) or 0xf5..0xff */
    }
    if (n < k) {
        return 0;
    }
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0u) != 0x80u) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }
    *cp = c;
    return k;
}

int aim_config_scan_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned long cp;
        size_t k = aim_config_scan_decode(p + i, n - i, &cp);
        if (k == 0 || cp == 0) {
            return 0;
        }
        i += k;
    }
    return 1;
}

/* Position of byte off: 1-based line (LF, CR LF and lone CR end lines, as in YAML) and column in
 * characters (bytes that do not continue a UTF-8 sequence). */
static void aim_config_scan_pos(const char *text, size_t off, int *line, int *col)
{
    long l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = (unsigned char)text[i];
        if (b == '\n' || (b == '\r' && (i + 1 >= off || text[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if (b != '\r' && (b & 0xc0u) != 0x80u) {
            c++;
        }
    }
    *line = l > 2000000000L ? 2000000000 : (int)l;
    *col = c > 2000000000L ? 2000000000 : (int)c;
}

static enum aim_status aim_config_scan_fail(struct aim_config_scan_error *err, const char *text, size_t off,
                                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum aim_status aim_config_scan_fail(struct aim_config_scan_error *err, const char *text, size_t off,
                                            const char *fmt, ...)
{
    aim_config_scan_pos(text, off, &err->line, &err->col);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return AIM_ERR_CONFIG;
}

/* The characters: UTF-8, no NUL, no control characters but tab, LF, CR, no NEL/LS/PS. */
static enum aim_status aim_config_scan_chars(const char *text, size_t len, struct aim_config_scan_error *err)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        unsigned long cp;
        size_t k = aim_config_scan_decode(p + i, len - i, &cp);
        if (k == 0) {
            return aim_config_scan_fail(err, text, i,
                                        "byte 0x%02x is not valid UTF-8 (overlong forms, surrogates and "
                                        "truncated sequences included); save the configuration as UTF-8 text",
                                        p[i]);
        }
        if (cp == 0) {
            return aim_config_scan_fail(err, text, i,
                                        "NUL byte (0x00): a configuration is text; remove it (YAML would "
                                        "otherwise ignore everything after it)");
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp <= 0x9f) ||
            cp == 0xfffe || cp == 0xffff) {
            return aim_config_scan_fail(err, text, i,
                                        "control character U+%04lX is not allowed; YAML text may hold tab, "
                                        "line feed and carriage return only (write \"\\x%02lx\" in a "
                                        "double-quoted string if you need it)",
                                        cp, cp & 0xffu);
        }
        if (cp == 0x2028 || cp == 0x2029) {
            return aim_config_scan_fail(
                err, text, i, "line separator U+%04lX is not allowed; end lines with a line feed", cp);
        }
        i += k;
    }
    return AIM_OK;
}

/* A "%YAML 1.1" or "%YAML 1.2" directive line (trailing blanks and a comment allowed). */
static int aim_config_scan_directive_ok(const char *s, size_t n)
{
    if (n < 10 || memcmp(s, "%YAML", 5) != 0 || (s[5] != ' ' && s[5] != '\t')) {
        return 0;
    }
    size_t i = 5;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    if (n - i < 3 || s[i] != '1' || s[i + 1] != '.' || (s[i + 2] != '1' && s[i + 2] != '2')) {
        return 0;
    }
    i += 3;
    if (i == n) {
        return 1;
    }
    if (s[i] != ' ' && s[i] != '\t') {
        return 0;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    return i == n || s[i] == '#';
}

/* What the structure pass carries from line to line. */
struct aim_config_scan_state {
    int block[AIM_CONFIG_SCAN_MAX_DEPTH + 1];       /* columns of the open block levels */
    int block_items[AIM_CONFIG_SCAN_MAX_DEPTH + 1]; /* lines (keys or items) seen at each */
    int flow_items[AIM_CONFIG_SCAN_MAX_DEPTH + 1];  /* items of each open flow collection */
    int n_block;
    int flow;             /* open flow collections */
    char quote;           /* '\'' or '"' inside a quoted scalar, else 0 */
    int quote_escapes;    /* '' escapes seen in the current single-quoted scalar */
    int scalar;           /* 1 inside a block scalar ('|' or '>') */
    int scalar_parent;    /* column of the node that owns the block scalar */
    int scalar_indent;    /* its content indentation; -1 until its first non-blank line */
    int header_col_first; /* column of the line's first content token (after indicators) */
    long entries;         /* lines with content, block levels opened, '[', '{' and ',' in flow */
};

/* Counts one more entry; fails past the limit. */
static enum aim_status aim_config_scan_entry(struct aim_config_scan_state *s, const char *text, size_t off,
                                             struct aim_config_scan_error *err)
{
    if (++s->entries > AIM_CONFIG_SCAN_MAX_ENTRIES) {
        return aim_config_scan_fail(
            err, text, off,
            "more than %d entries (lines with content, block levels, '[', '{' and ','); "
            "a configuration needs a few thousand",
            AIM_CONFIG_SCAN_MAX_ENTRIES);
    }
    return AIM_OK;
}

static int aim_config_scan_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Counts one more item of a collection; fails past the limit (libfyaml's duplicate-key check
 * costs the square of a mapping's size: 16000 keys take 6 s). */
static enum aim_status aim_config_scan_item(int *count, const char *text, size_t off,
                                            struct aim_config_scan_error *err)
{
    if (++*count > AIM_CONFIG_SCAN_MAX_ITEMS) {
        return aim_config_scan_fail(err, text, off,
                                    "more than %d keys or items in one mapping or sequence; a section has at "
                                    "most a few dozen keys and a list at most 128 items",
                                    AIM_CONFIG_SCAN_MAX_ITEMS);
    }
    return AIM_OK;
}

/* Opens a block level at column col (closing those to its right); fails past the depth limit. */
static enum aim_status aim_config_scan_level(struct aim_config_scan_state *s, int col, const char *text,
                                             size_t off, struct aim_config_scan_error *err)
{
    while (s->n_block > 0 && s->block[s->n_block - 1] > col) {
        s->n_block--;
    }
    if (s->n_block > 0 && s->block[s->n_block - 1] == col) {
        return aim_config_scan_item(&s->block_items[s->n_block - 1], text, off, err);
    }
    if (s->n_block + s->flow >= AIM_CONFIG_SCAN_MAX_DEPTH) {
        return aim_config_scan_fail(err, text, off,
                                    "nesting deeper than %d levels (indented block levels plus open '[' and "
                                    "'{'); a configuration needs 4 (section, list, item, key)",
                                    AIM_CONFIG_SCAN_MAX_DEPTH);
    }
    s->block_items[s->n_block] = 1;
    s->block[s->n_block++] = col;
    return aim_config_scan_entry(s, text, off, err);
}

/* Scans the characters of one line from byte i (column col): quoted scalars, comments, flow
 * collections and block scalar headers. opener: a quote or bracket here would start a token. */
static enum aim_status aim_config_scan_tokens(struct aim_config_scan_state *s, const char *text, size_t i,
                                              size_t end, int opener, struct aim_config_scan_error *err)
{
    int after_close = 0; /* the last token was a quoted scalar or a flow collection (JSON-like key) */
    for (; i < end; i++) {
        char c = text[i];
        if (s->quote == '"') {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                s->quote = 0;
                opener = 0;
                after_close = 1;
            }
            continue;
        }
        if (s->quote == '\'') {
            if (c == '\'' && i + 1 < end && text[i + 1] == '\'') {
                if (++s->quote_escapes > AIM_CONFIG_SCAN_MAX_QUOTE_ESCAPES) {
                    return aim_config_scan_fail(
                        err, text, i,
                        "more than %d escaped quotes ('') in one single-quoted string "
                        "(libfyaml 0.7.12 leaks memory reading such strings); write it "
                        "double-quoted, as in \"it's\"",
                        AIM_CONFIG_SCAN_MAX_QUOTE_ESCAPES);
                }
                i++;
            } else if (c == '\'') {
                s->quote = 0;
                opener = 0;
                after_close = 1;
            }
            continue;
        }
        int next_blank = i + 1 >= end || aim_config_scan_blank(text[i + 1]);
        if (aim_config_scan_blank(c)) {
            continue;
        }
        if (c == '#' &&
            (i == 0 || aim_config_scan_blank(text[i - 1]) || text[i - 1] == '\n' || text[i - 1] == '\r')) {
            return AIM_OK; /* a comment runs to the end of the line */
        }
        if ((c == '\'' || c == '"') && opener) {
            s->quote = c;
            s->quote_escapes = 0;
            continue;
        }
        if ((c == '[' || c == '{') && (opener || s->flow > 0)) {
            if (s->n_block + s->flow >= AIM_CONFIG_SCAN_MAX_DEPTH) {
                return aim_config_scan_fail(
                    err, text, i,
                    "nesting deeper than %d levels (indented block levels plus open "
                    "'[' and '{'); a configuration needs 4 (section, list, item, key)",
                    AIM_CONFIG_SCAN_MAX_DEPTH);
            }
            s->flow_items[s->flow++] = 1;
            enum aim_status st = aim_config_scan_entry(s, text, i, err);
            if (st) {
                return st;
            }
            opener = 1;
            after_close = 0;
            continue;
        }
        if ((c == ']' || c == '}') && s->flow > 0) {
            s->flow--;
            opener = 0;
            after_close = 1;
            continue;
        }
        if (c == ',' && s->flow > 0) {
            enum aim_status st = aim_config_scan_entry(s, text, i, err);
            if (!st) {
                st = aim_config_scan_item(&s->flow_items[s->flow - 1], text, i, err);
            }
            if (st) {
                return st;
            }
            opener = 1;
            after_close = 0;
            continue;
        }
        if (c == ':' && (next_blank || after_close)) {
            opener = 1;
            after_close = 0;
            continue;
        }
        if ((c == '-' || c == '?') && opener && next_blank) {
            continue;
        }
        if ((c == '&' || c == '!' || c == '*') && opener) {
            while (i + 1 < end && !aim_config_scan_blank(text[i + 1])) {
                i++;
            }
            continue;
        }
        if ((c == '|' || c == '>') && opener && s->flow == 0) {
            s->scalar = 1;
            s->scalar_parent = s->header_col_first;
            s->scalar_indent = -1;
            return AIM_OK; /* the rest of the header line: indicators and a comment */
        }
        opener = 0;
        after_close = 0;
    }
    return AIM_OK;
}

/* The structure pass over one line text[start..end) (without its line break). */
static enum aim_status aim_config_scan_line(struct aim_config_scan_state *s, const char *text, size_t start,
                                            size_t end, struct aim_config_scan_error *err)
{
    if (s->quote) {
        return aim_config_scan_tokens(s, text, start, end, 0, err);
    }
    size_t i = start;
    while (i < end && text[i] == ' ') {
        i++;
    }
    int indent = (int)(i - start);
    size_t first = i;
    while (first < end && aim_config_scan_blank(text[first])) {
        first++;
    }
    int blank = first == end;
    if (s->scalar) {
        if (blank) {
            return AIM_OK;
        }
        if (s->scalar_indent < 0 && indent > s->scalar_parent) {
            s->scalar_indent = indent;
        }
        if (s->scalar_indent >= 0 && indent >= s->scalar_indent) {
            return AIM_OK;
        }
        s->scalar = 0;
    }
    if (blank || text[first] == '#') {
        return AIM_OK;
    }
    enum aim_status st = aim_config_scan_entry(s, text, first, err);
    if (st) {
        return st;
    }
    if (s->flow > 0) {
        return aim_config_scan_tokens(s, text, start, end, 1, err);
    }
    if (text[start] == '%') {
        if (!aim_config_scan_directive_ok(text + start, end - start)) {
            return aim_config_scan_fail(err, text, start,
                                        "unsupported directive line '%.*s'; a configuration may start with "
                                        "'%%YAML 1.2' (or 1.1) and needs no other directive (%%TAG included)",
                                        (int)(end - start > 40 ? 40 : end - start), text + start);
        }
        return AIM_OK;
    }
    if (end - start >= 3 && (memcmp(text + start, "---", 3) == 0 || memcmp(text + start, "...", 3) == 0) &&
        (end - start == 3 || aim_config_scan_blank(text[start + 3]))) {
        s->n_block = 0; /* a document marker closes every block level */
        i = start + 3;
        while (i < end && aim_config_scan_blank(text[i])) {
            i++;
        }
        s->header_col_first = (int)(i - start);
        return aim_config_scan_tokens(s, text, i, end, 1, err);
    }
    /* Leading indicators ("- ", "? ", ": ") each open a level at their column, then the content. */
    size_t col = (size_t)indent;
    while (i < end && (text[i] == '-' || text[i] == '?' || text[i] == ':') &&
           (i + 1 == end || aim_config_scan_blank(text[i + 1]))) {
        st = aim_config_scan_level(s, (int)col, text, i, err);
        if (st) {
            return st;
        }
        i++;
        col++;
        while (i < end && aim_config_scan_blank(text[i])) {
            i++;
            col++;
        }
    }
    s->header_col_first = (int)col;
    if (i < end && text[i] != '#') {
        st = aim_config_scan_level(s, (int)col, text, i, err);
        if (st) {
            return st;
        }
    }
    return aim_config_scan_tokens(s, text, i, end, 1, err);
}

enum aim_status aim_config_scan_text(const char *text, size_t len, struct aim_config_scan_error *err)
{
    memset(err, 0, sizeof *err);
    if (len > AIM_CONFIG_SCAN_MAX_BYTES) {
        return aim_config_scan_fail(
            err, text, AIM_CONFIG_SCAN_MAX_BYTES,
            "the configuration is larger than %zu bytes (1 MiB), the limit; an aimsim "
            "configuration is a few kB",
            AIM_CONFIG_SCAN_MAX_BYTES);
    }
    enum aim_status st = aim_config_scan_chars(text, len, err);
    if (st) {
        return st;
    }
    size_t start = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        start = 3; /* a byte order mark */
    }
    struct aim_config_scan_state s;
    memset(&s, 0, sizeof s);
    while (start < len) {
        size_t end = start;
        while (end < len && text[end] != '\n' && text[end] != '\r') {
            end++;
        }
        if ((st = aim_config_scan_line(&s, text, start, end, err))) {
            return st;
        }
        start = end;
        if (start < len && text[start] == '\r') {
            start++;
        }
        if (start < len && text[start] == '\n' && (start == end || start == end + 1)) {
            start++;
        }
    }
    return AIM_OK;
}
