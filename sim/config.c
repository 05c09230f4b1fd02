/* The configuration: one schema table built from sim/params.def, a YAML loader that checks every
 * value against it (libfyaml document tree), --set overrides, cross-field validation, the
 * resolved-config emitter and the generated reference (docs/config.md). */
#include "sim/config.h"

#include "sim/config_scan.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The embedded seed scenario (cmake/generated.cmake compiles configs/seed-2025.yaml). */
extern const char aim_seed_config_yaml[];
extern const size_t aim_seed_config_yaml_len;

#define AIM_CONFIG_SEED_NAME "configs/seed-2025.yaml (embedded)"
#define AIM_CONFIG_PATH_MAX 192

/* ------------------------------------------------------------------------------------------ */
/* The schema table                                                                           */

enum aim_config_row_kind { ROW_SECTION, ROW_PARAM, ROW_LIST, ROW_ITEM };
enum aim_config_type { TYPE_NONE, TYPE_REAL, TYPE_INT, TYPE_U64, TYPE_BOOL, TYPE_ENUM, TYPE_STR, TYPE_REALS };

/* One row of params.def: a section, a scalar key, a list or a key of a list's items. */
struct aim_config_row {
    enum aim_config_row_kind kind;
    enum aim_config_type type;
    const char *section;
    const char *list; /* lists and their items */
    const char *key;  /* scalars and items */
    const char *unit;
    const char *doc;
    const char *choices; /* enums: "a|b|c" */
    const char *def_str; /* strings */
    size_t offset;       /* scalars, lists: in struct aim_config; items: in the list item */
    size_t n_offset;     /* lists: offset of the item count; reals: offset of their count */
    size_t item_size;    /* lists */
    long max;            /* lists, reals */
    double def_real, lo, hi;
    long def_int, ilo, ihi; /* integers; bools and enums keep their default in def_int */
    uint64_t def_u64;
};

#define AIM_CFG_ITEM_OFFSET(sec, list, key)                                                                  \
    (offsetof(struct aim_config, sec.list[0].key) - offsetof(struct aim_config, sec.list[0]))

static const struct aim_config_row aim_config_rows[] = {
#define AIM_SECTION_BEGIN(sec, doc_) {.kind = ROW_SECTION, .section = #sec, .doc = doc_},
#define AIM_P_REAL(sec, key_, def, lo_, hi_, unit_, doc_)                                                    \
    {.kind = ROW_PARAM,                                                                                      \
     .type = TYPE_REAL,                                                                                      \
     .section = #sec,                                                                                        \
     .key = #key_,                                                                                           \
     .unit = unit_,                                                                                          \
     .doc = doc_,                                                                                            \
     .offset = offsetof(struct aim_config, sec.key_),                                                        \
     .def_real = def,                                                                                        \
     .lo = lo_,                                                                                              \
     .hi = hi_},
#define AIM_P_INT(sec, key_, def, lo_, hi_, unit_, doc_)                                                     \
    {.kind = ROW_PARAM,                                                                                      \
     .type = TYPE_INT,                                                                                       \
     .section = #sec,                                                                                        \
     .key = #key_,                                                                                           \
     .unit = unit_,                                                                                          \
     .doc = doc_,                                                                                            \
     .offset = offsetof(struct aim_config, sec.key_),                                                        \
     .def_int = def,                                                                                         \
     .ilo = lo_,                                                                                             \
     .ihi = hi_},
#define AIM_P_U64(sec, key_, def, unit_, doc_)                                                               \
    {.kind = ROW_PARAM,                                                                                      \
     .type = TYPE_U64,                                                                                       \
     .section = #sec,                                                                                        \
     .key = #key_,                                                                                           \
     .unit = unit_,                                                                                          \
     .doc = doc_,                                                                                            \
     .offset = offsetof(struct aim_config, sec.key_),                                                        \
     .def_u64 = def},
#define AIM_P_BOOL(sec, key_, def, doc_)                                                                     \
    {.kind = ROW_PARAM,                                                                                      \
     .type = TYPE_BOOL,                                                                                      \
     .section = #sec,                                                                                        \
     .key = #key_,                                                                                           \
     .unit = "",                                                                                             \
     .doc = doc_,                                                                                            \
     .offset = offsetof(struct aim_config, sec.key_),                                                        \
     .def_int = def},
#define AIM_P_ENUM(sec, key_, def, choices_, doc_)                                                           \
    {.kind = ROW_PARAM,                                                                                      \
     .type = TYPE_ENUM,                                                                                      \
     .section = #sec,                                                                                        \
     .key = #key_,                                                                                           \
     .unit = "",                                                                                             \
     .doc = doc_,                                                                                            \
     .choices = choices_,                                                                                    \
     .offset = offsetof(struct aim_config, sec.key_),                                                        \
     .def_int = def},
#define AIM_P_STR(sec, key_, def, doc_)                                                                      \
    {.kind = ROW_PARAM,                                                                                      \
     .type = TYPE_STR,                                                                                       \
     .section = #sec,                                                                                        \
     .key = #key_,                                                                                           \
     .unit = "",                                                                                             \
     .doc = doc_,                                                                                            \
     .def_str = def,                                                                                         \
     .offset = offsetof(struct aim_config, sec.key_)},
#define AIM_LIST_BEGIN(sec, list_, max_, doc_)                                                               \
    {.kind = ROW_LIST,                                                                                       \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .doc = doc_,                                                                                            \
     .offset = offsetof(struct aim_config, sec.list_),                                                       \
     .n_offset = offsetof(struct aim_config, sec.n_##list_),                                                 \
     .item_size = sizeof(((struct aim_config *)0)->sec.list_[0]),                                            \
     .max = max_},
#define AIM_L_REAL(sec, list_, key_, def, lo_, hi_, unit_, doc_)                                             \
    {.kind = ROW_ITEM,                                                                                       \
     .type = TYPE_REAL,                                                                                      \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .key = #key_,                                                                                           \
     .unit = unit_,                                                                                          \
     .doc = doc_,                                                                                            \
     .offset = AIM_CFG_ITEM_OFFSET(sec, list_, key_),                                                        \
     .def_real = def,                                                                                        \
     .lo = lo_,                                                                                              \
     .hi = hi_},
#define AIM_L_INT(sec, list_, key_, def, lo_, hi_, unit_, doc_)                                              \
    {.kind = ROW_ITEM,                                                                                       \
     .type = TYPE_INT,                                                                                       \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .key = #key_,                                                                                           \
     .unit = unit_,                                                                                          \
     .doc = doc_,                                                                                            \
     .offset = AIM_CFG_ITEM_OFFSET(sec, list_, key_),                                                        \
     .def_int = def,                                                                                         \
     .ilo = lo_,                                                                                             \
     .ihi = hi_},
#define AIM_L_BOOL(sec, list_, key_, def, doc_)                                                              \
    {.kind = ROW_ITEM,                                                                                       \
     .type = TYPE_BOOL,                                                                                      \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .key = #key_,                                                                                           \
     .unit = "",                                                                                             \
     .doc = doc_,                                                                                            \
     .offset = AIM_CFG_ITEM_OFFSET(sec, list_, key_),                                                        \
     .def_int = def},
#define AIM_L_STR(sec, list_, key_, def, doc_)                                                               \
    {.kind = ROW_ITEM,                                                                                       \
     .type = TYPE_STR,                                                                                       \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .key = #key_,                                                                                           \
     .unit = "",                                                                                             \
     .doc = doc_,                                                                                            \
     .def_str = def,                                                                                         \
     .offset = AIM_CFG_ITEM_OFFSET(sec, list_, key_)},
#define AIM_L_ENUM(sec, list_, key_, def, choices_, doc_)                                                    \
    {.kind = ROW_ITEM,                                                                                       \
     .type = TYPE_ENUM,                                                                                      \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .key = #key_,                                                                                           \
     .unit = "",                                                                                             \
     .doc = doc_,                                                                                            \
     .choices = choices_,                                                                                    \
     .offset = AIM_CFG_ITEM_OFFSET(sec, list_, key_),                                                        \
     .def_int = def},
#define AIM_L_REALS(sec, list_, key_, max_, unit_, doc_)                                                     \
    {.kind = ROW_ITEM,                                                                                       \
     .type = TYPE_REALS,                                                                                     \
     .section = #sec,                                                                                        \
     .list = #list_,                                                                                         \
     .key = #key_,                                                                                           \
     .unit = unit_,                                                                                          \
     .doc = doc_,                                                                                            \
     .offset = AIM_CFG_ITEM_OFFSET(sec, list_, key_),                                                        \
     .n_offset = AIM_CFG_ITEM_OFFSET(sec, list_, n_##key_),                                                  \
     .max = max_},
#include "sim/params.def"
};

#define AIM_CONFIG_NROWS (sizeof aim_config_rows / sizeof aim_config_rows[0])

static const struct aim_config_row *aim_config_find_section(const char *name)
{
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        if (r->kind == ROW_SECTION && strcmp(r->section, name) == 0) {
            return r;
        }
    }
    return NULL;
}

/* A scalar key or a list of a section (list == NULL), or a key of a list's items. */
static const struct aim_config_row *aim_config_find_key(const char *section, const char *list,
                                                        const char *key)
{
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        if (strcmp(r->section, section) != 0) {
            continue;
        }
        if (list == NULL) {
            if ((r->kind == ROW_PARAM && strcmp(r->key, key) == 0) ||
                (r->kind == ROW_LIST && strcmp(r->list, key) == 0)) {
                return r;
            }
        } else if (r->kind == ROW_ITEM && strcmp(r->list, list) == 0 && strcmp(r->key, key) == 0) {
            return r;
        }
    }
    return NULL;
}

/* The name a row has inside its scope (key of a section or of a list item, or list name). */
static const char *aim_config_row_name(const struct aim_config_row *r)
{
    return r->kind == ROW_LIST ? r->list : r->kind == ROW_SECTION ? r->section : r->key;
}

/* ------------------------------------------------------------------------------------------ */
/* Small helpers: edit distance, number formatting                                            */

/* Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), capped inputs. */
static int aim_config_distance(const char *a, const char *b)
{
    enum { N = AIM_CONFIG_PATH_MAX };
    int rows[3][N + 1];
    size_t na = strlen(a), nb = strlen(b);
    if (na > N) {
        na = N;
    }
    if (nb > N) {
        nb = N;
    }
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= nb; j++) {
        p[j] = (int)j;
    }
    for (size_t i = 1; i <= na; i++) {
        c[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = p[j] + 1;
            if (c[j - 1] + 1 < v) {
                v = c[j - 1] + 1;
            }
            if (p[j - 1] + cost < v) {
                v = p[j - 1] + cost;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v) {
                v = pp[j - 2] + 1;
            }
            c[j] = v;
        }
        int *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[nb];
}

/* Whether a candidate at distance d from word is close enough to suggest. */
static int aim_config_close(const char *word, int d)
{
    int lim = (int)strlen(word) / 3;
    if (lim < 2) {
        lim = 2;
    }
    return d <= lim;
}

/* Shortest %.*g text that reads back as exactly x (at most 17 significant digits); whole
 * numbers below 1e17 are written without an exponent (50, not 5e+01). */
static void aim_config_format_real(char *buf, size_t size, double x)
{
    int digits = 0;
    for (double a = fabs(x); a >= 1.0 && digits < 18; a /= 10.0) {
        digits++;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", (digits <= 17 && digits > prec) ? digits : prec, x);
        if (strtod(buf, NULL) == x) {
            return;
        }
    }
    snprintf(buf, size, "%.17g", x);
}

/* ------------------------------------------------------------------------------------------ */
/* Load context: where messages point and which keys a document set                           */

struct aim_config_pos {
    int line, col; /* 1-based; 0 when unknown */
};

struct aim_config_mark {
    char path[AIM_CONFIG_PATH_MAX];
    struct aim_config_pos pos;
};

struct aim_config_ctx {
    const char *name;    /* file name (documents) */
    const char *set_arg; /* the --set argument (overrides); NULL for documents */
    struct aim_config_mark *marks;
    size_t n_marks, cap_marks;
    int sweep_only; /* the document holds only a sweep: section (factor keys are any names) */
};

/* "file:line:col" or "--set 'arg'" for the start of a message. */
static void aim_config_where(const struct aim_config_ctx *ctx, struct aim_config_pos pos, char *buf,
                             size_t size)
{
    if (ctx->set_arg) {
        /* Control bytes and bytes that are not UTF-8 are shown as \xNN, not sent to the terminal. */
        char arg[400];
        size_t n = 0, alen = strlen(ctx->set_arg);
        int utf8 = aim_config_scan_utf8_valid(ctx->set_arg, alen);
        for (const unsigned char *p = (const unsigned char *)ctx->set_arg; *p && n + 5 < sizeof arg; p++) {
            if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8)) {
                n += (size_t)snprintf(arg + n, sizeof arg - n, "\\x%02x", *p);
            } else {
                arg[n++] = (char)*p;
            }
        }
        arg[n] = '\0';
        snprintf(buf, size, "--set '%s'", arg);
    } else if (pos.line > 0) {
        snprintf(buf, size, "%s:%d:%d", ctx->name, pos.line, pos.col);
    } else {
        snprintf(buf, size, "%s", ctx->name);
    }
}

static enum aim_status aim_config_fail(const struct aim_config_ctx *ctx, struct aim_config_pos pos,
                                       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records a configuration error at pos: "<where>: <message>". */
static enum aim_status aim_config_fail(const struct aim_config_ctx *ctx, struct aim_config_pos pos,
                                       const char *fmt, ...)
{
    char where[512], msg[3072];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    aim_config_where(ctx, pos, where, sizeof where);
    return aim_error_set(AIM_ERR_CONFIG, "%s: %s", where, msg);
}

static enum aim_status aim_config_mark_add(struct aim_config_ctx *ctx, const char *path,
                                           struct aim_config_pos pos)
{
    if (ctx->set_arg) {
        return AIM_OK;
    }
    if (ctx->n_marks == ctx->cap_marks) {
        size_t cap = ctx->cap_marks ? 2 * ctx->cap_marks : 256;
        struct aim_config_mark *m = realloc(ctx->marks, cap * sizeof *m);
        if (!m) {
            return aim_error_set(AIM_ERR_NOMEM, "out of memory while reading %s", ctx->name);
        }
        ctx->marks = m;
        ctx->cap_marks = cap;
    }
    struct aim_config_mark *m = &ctx->marks[ctx->n_marks++];
    snprintf(m->path, sizeof m->path, "%s", path);
    m->pos = pos;
    return AIM_OK;
}

static const struct aim_config_mark *aim_config_mark_find(const struct aim_config_ctx *ctx, const char *path)
{
    if (!ctx) {
        return NULL;
    }
    for (size_t i = 0; i < ctx->n_marks; i++) {
        if (strcmp(ctx->marks[i].path, path) == 0) {
            return &ctx->marks[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* YAML nodes                                                                                 */

static struct aim_config_pos aim_config_node_pos(struct fy_node *n, struct aim_config_pos fallback)
{
    /* libfyaml 0.7 exposes marks of tokens only: a collection is located by its first scalar. */
    for (int depth = 0; n && depth < 64; depth++) {
        if (fy_node_get_type(n) == FYNT_SCALAR) {
            /* A tagged scalar starts at its tag. */
            struct fy_token *tag = fy_node_get_tag_token(n);
            struct fy_token *t = tag ? tag : fy_node_get_scalar_token(n);
            const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
            if (m) {
                struct aim_config_pos p = {m->line + 1, m->column + 1};
                /* A quoted scalar's (an alias's) token starts after its opening quote ('*'): point at it. */
                enum fy_node_style style = fy_node_get_style(n);
                if (!tag &&
                    (style == FYNS_SINGLE_QUOTED || style == FYNS_DOUBLE_QUOTED || fy_node_is_alias(n)) &&
                    p.col > 1) {
                    p.col--;
                }
                return p;
            }
            return fallback;
        }
        void *it = NULL;
        if (fy_node_get_type(n) == FYNT_MAPPING) {
            struct fy_node_pair *pair = fy_node_mapping_iterate(n, &it);
            n = pair ? fy_node_pair_key(pair) : NULL;
        } else {
            n = fy_node_sequence_iterate(n, &it);
        }
    }
    return fallback;
}

static int aim_config_node_is_null(struct fy_node *n)
{
    if (!n) {
        return 1;
    }
    if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN) {
        return 0;
    }
    const char *s = fy_node_get_scalar0(n);
    return !s || !s[0] || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* What a node is, for "got ..." in messages. */
static void aim_config_describe(struct fy_node *n, char *buf, size_t size)
{
    if (aim_config_node_is_null(n)) {
        snprintf(buf, size, "an empty value (null)");
    } else if (fy_node_is_alias(n)) {
        snprintf(buf, size, "an alias");
    } else if (fy_node_get_type(n) == FYNT_MAPPING) {
        snprintf(buf, size, "a mapping");
    } else if (fy_node_get_type(n) == FYNT_SEQUENCE) {
        snprintf(buf, size, "a sequence");
    } else if (fy_node_get_style(n) != FYNS_PLAIN) {
        snprintf(buf, size, "the quoted string \"%.100s\"", fy_node_get_scalar0(n));
    } else {
        snprintf(buf, size, "'%.100s'", fy_node_get_scalar0(n));
    }
}

/* The end of an optionally signed run of decimal digits at p; NULL if there is no digit. */
static const char *aim_config_skip_int(const char *p)
{
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (!isdigit((unsigned char)*p)) {
        return NULL;
    }
    while (isdigit((unsigned char)*p)) {
        p++;
    }
    return p;
}

static int aim_config_match_real(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (!digits) {
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        p = aim_config_skip_int(p + 1);
    }
    return p && *p == '\0';
}

static int aim_config_match_int(const char *s)
{
    const char *p = aim_config_skip_int(s);
    return p && *p == '\0';
}

/* YAML's .nan and .inf spellings, and the bare C ones, all rejected as non-finite. */
static int aim_config_match_nonfinite(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (*p == '.') {
        p++;
    }
    return !strcasecmp(p, "nan") || !strcasecmp(p, "inf") || !strcasecmp(p, "infinity");
}

static const char *aim_config_type_name(enum aim_config_type t)
{
    switch (t) {
    case TYPE_REAL:
        return "real number";
    case TYPE_INT:
        return "integer";
    case TYPE_U64:
        return "unsigned integer";
    case TYPE_BOOL:
        return "boolean";
    case TYPE_ENUM:
        return "choice";
    case TYPE_STR:
        return "string";
    case TYPE_REALS:
        return "real numbers";
    default:
        return "value";
    }
}

/* "expected ..." for a row: type, range and unit, or the choices. */
/* An enum's choices "a|b|c" as the list "a, b, c" for messages and docs (size >= 1). */
static void aim_config_choice_list(const char *choices, char *buf, size_t size)
{
    size_t k = 0;
    for (const char *c = choices; *c && k + 3 < size; c++) {
        if (*c == '|') {
            buf[k++] = ',';
            buf[k++] = ' ';
        } else {
            buf[k++] = *c;
        }
    }
    buf[k] = '\0';
}

static void aim_config_expected(const struct aim_config_row *r, char *buf, size_t size)
{
    char lo[40], hi[40];
    const char *unit = r->unit && r->unit[0] ? r->unit : NULL;
    switch (r->type) {
    case TYPE_REAL:
        aim_config_format_real(lo, sizeof lo, r->lo);
        aim_config_format_real(hi, sizeof hi, r->hi);
        snprintf(buf, size, "a finite real number in [%s, %s]%s%s", lo, hi, unit ? " " : "",
                 unit ? unit : "");
        break;
    case TYPE_INT:
        snprintf(buf, size, "an integer in [%ld, %ld]%s%s", r->ilo, r->ihi, unit ? " " : "",
                 unit ? unit : "");
        break;
    case TYPE_U64:
        snprintf(buf, size, "an unsigned integer in [0, %" PRIu64 "]", UINT64_MAX);
        break;
    case TYPE_BOOL:
        snprintf(buf, size, "true or false");
        break;
    case TYPE_ENUM: {
        char list[256];
        aim_config_choice_list(r->choices, list, sizeof list);
        snprintf(buf, size, "one of: %s", list);
        break;
    }
    case TYPE_STR:
        snprintf(buf, size, "a string of at most %d bytes", AIM_CONFIG_STR_MAX - 1);
        break;
    case TYPE_REALS:
        if (r->max == 2) {
            snprintf(buf, size, "a sequence of 2 finite real numbers [lo, hi], as in [0.5, 6]");
        } else {
            snprintf(buf, size, "a sequence of at most %ld finite real numbers, as in [0, 0.3, 0.6]", r->max);
        }
        break;
    default:
        snprintf(buf, size, "a value");
    }
}

/* Sets one typed field from a YAML node, checking type and range. */
static enum aim_status aim_config_apply_scalar(const struct aim_config_ctx *ctx,
                                               const struct aim_config_row *r, void *field, struct fy_node *n,
                                               const char *path, struct aim_config_pos keypos)
{
    char expected[320], got[160];
    /* An empty value has no text to point at: point at its key. */
    struct aim_config_pos pos = aim_config_node_is_null(n) ? keypos : aim_config_node_pos(n, keypos);
    aim_config_expected(r, expected, sizeof expected);
    aim_config_describe(n, got, sizeof got);
    if (n && fy_node_is_alias(n)) {
        return aim_config_fail(ctx, pos, "%s: YAML aliases are not supported; expected %s", path, expected);
    }
    if (n && fy_node_get_tag(n, NULL)) {
        return aim_config_fail(ctx, pos, "%s: YAML tags are not supported; expected %s", path, expected);
    }
    if (aim_config_node_is_null(n) || fy_node_get_type(n) != FYNT_SCALAR) {
        if (r->type == TYPE_STR && aim_config_node_is_null(n)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s (write \"\" for an empty string)", path,
                                   expected, got);
        }
        return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
    }
    size_t len = 0;
    const char *raw = fy_node_get_scalar(n, &len);
    char text[AIM_CONFIG_PATH_MAX];
    if (!raw || len >= sizeof text || memchr(raw, '\0', len)) {
        if (r->type == TYPE_STR) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got a string of %zu bytes", path, expected,
                                   len);
        }
        return aim_config_fail(ctx, pos, "%s: expected %s, got a scalar of %zu bytes", path, expected, len);
    }
    memcpy(text, raw, len);
    text[len] = '\0';
    int plain = fy_node_get_style(n) == FYNS_PLAIN;
    switch (r->type) {
    case TYPE_REAL: {
        if (plain && aim_config_match_nonfinite(text)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s (NaN and infinities are not allowed)",
                                   path, expected, text);
        }
        if (!plain || !aim_config_match_real(text)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
        }
        double x = strtod(text, NULL);
        if (!isfinite(x)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s, which overflows a double", path,
                                   expected, text);
        }
        if (!(x >= r->lo && x <= r->hi)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s (out of range)", path, expected, text);
        }
        memcpy(field, &x, sizeof x);
        return AIM_OK;
    }
    case TYPE_INT: {
        if (plain && aim_config_match_real(text) && !aim_config_match_int(text)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got the real number %s (write a whole number)",
                                   path, expected, text);
        }
        if (!plain || !aim_config_match_int(text)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
        }
        errno = 0;
        long v = strtol(text, NULL, 10);
        if (errno == ERANGE || v < r->ilo || v > r->ihi) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s (out of range)", path, expected, text);
        }
        memcpy(field, &v, sizeof v);
        return AIM_OK;
    }
    case TYPE_U64: {
        if (!plain || !aim_config_match_int(text) || text[0] == '-') {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
        }
        errno = 0;
        unsigned long long v = strtoull(text, NULL, 10);
        if (errno == ERANGE) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s (out of range)", path, expected, text);
        }
        uint64_t u = (uint64_t)v;
        memcpy(field, &u, sizeof u);
        return AIM_OK;
    }
    case TYPE_BOOL: {
        int v;
        if (plain && (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "TRUE"))) {
            v = 1;
        } else if (plain && (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "FALSE"))) {
            v = 0;
        } else {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
        }
        memcpy(field, &v, sizeof v);
        return AIM_OK;
    }
    case TYPE_ENUM: {
        int index = 0, best = -1, best_d = 1 << 20;
        char best_name[64] = "";
        const char *c = r->choices;
        while (*c) {
            size_t k = strcspn(c, "|");
            char choice[64];
            snprintf(choice, sizeof choice, "%.*s", (int)k, c);
            if (!strcmp(choice, text)) {
                memcpy(field, &index, sizeof index);
                return AIM_OK;
            }
            int d = aim_config_distance(text, choice);
            if (d < best_d) {
                best_d = d;
                best = index;
                snprintf(best_name, sizeof best_name, "%s", choice);
            }
            c += k;
            if (*c == '|') {
                c++;
            }
            index++;
        }
        if (best >= 0 && aim_config_close(text, best_d)) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got %s; did you mean '%s'?", path, expected,
                                   got, best_name);
        }
        return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
    }
    case TYPE_STR:
        if (len >= AIM_CONFIG_STR_MAX) {
            return aim_config_fail(ctx, pos, "%s: expected %s, got a string of %zu bytes", path, expected,
                                   len);
        }
        memset(field, 0, AIM_CONFIG_STR_MAX);
        memcpy(field, text, len);
        return AIM_OK;
    default:
        return aim_error_set(AIM_ERR_INTERNAL, "%s: unknown parameter type", path);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Defaults                                                                                   */

static void aim_config_set_default(const struct aim_config_row *r, char *base)
{
    char *field = base + r->offset;
    switch (r->type) {
    case TYPE_REAL:
        memcpy(field, &r->def_real, sizeof r->def_real);
        break;
    case TYPE_INT:
        memcpy(field, &r->def_int, sizeof r->def_int);
        break;
    case TYPE_U64:
        memcpy(field, &r->def_u64, sizeof r->def_u64);
        break;
    case TYPE_BOOL:
    case TYPE_ENUM: {
        int v = (int)r->def_int;
        memcpy(field, &v, sizeof v);
        break;
    }
    case TYPE_STR:
        memset(field, 0, AIM_CONFIG_STR_MAX);
        snprintf(field, AIM_CONFIG_STR_MAX, "%s", r->def_str);
        break;
    case TYPE_REALS: {
        int zero = 0;
        memcpy(base + r->n_offset, &zero, sizeof zero);
        memset(field, 0, (size_t)r->max * sizeof(double));
        break;
    }
    default:
        break;
    }
}

/* Sets a sequence of reals (a list item's field at base) from a YAML sequence node: each item is
 * read as a real number, any finite value. */
static enum aim_status aim_config_apply_reals(const struct aim_config_ctx *ctx,
                                              const struct aim_config_row *r, char *base, struct fy_node *n,
                                              const char *path, struct aim_config_pos keypos)
{
    struct aim_config_pos pos = aim_config_node_is_null(n) ? keypos : aim_config_node_pos(n, keypos);
    char expected[320], got[160];
    aim_config_expected(r, expected, sizeof expected);
    if (!n || fy_node_get_type(n) != FYNT_SEQUENCE || fy_node_is_alias(n) || fy_node_get_tag(n, NULL)) {
        aim_config_describe(n, got, sizeof got);
        return aim_config_fail(ctx, pos, "%s: expected %s, got %s", path, expected, got);
    }
    int count = fy_node_sequence_item_count(n);
    if (count > r->max) {
        return aim_config_fail(ctx, pos, "%s: expected %s, got %d numbers", path, expected, count);
    }
    struct aim_config_row item = {
        .kind = ROW_ITEM, .type = TYPE_REAL, .unit = r->unit, .lo = -DBL_MAX, .hi = DBL_MAX};
    double values[256];
    void *it = NULL;
    struct fy_node *v;
    int i = 0;
    while ((v = fy_node_sequence_iterate(n, &it))) {
        char item_path[AIM_CONFIG_PATH_MAX + 16];
        snprintf(item_path, sizeof item_path, "%s[%d]", path, i);
        enum aim_status st = aim_config_apply_scalar(ctx, &item, &values[i], v, item_path, pos);
        if (st) {
            return st;
        }
        i++;
    }
    memset(base + r->offset, 0, (size_t)r->max * sizeof(double));
    memcpy(base + r->offset, values, (size_t)i * sizeof(double));
    memcpy(base + r->n_offset, &i, sizeof i);
    return AIM_OK;
}

/* Fills a list item with its defaults (the item memory is zeroed first, padding included). */
static void aim_config_item_defaults(const struct aim_config_row *list, char *item)
{
    memset(item, 0, list->item_size);
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        if (r->kind == ROW_ITEM && !strcmp(r->section, list->section) && !strcmp(r->list, list->list)) {
            aim_config_set_default(r, item);
        }
    }
}

enum aim_status aim_config_create(struct aim_config **cfg)
{
    if (!cfg) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_create: cfg is NULL");
    }
    /* calloc zeroes padding too, so configs with equal fields compare equal with memcmp. */
    struct aim_config *c = calloc(1, sizeof *c);
    if (!c) {
        return aim_error_set(AIM_ERR_NOMEM, "cannot allocate the configuration (%zu bytes)", sizeof *c);
    }
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        if (aim_config_rows[i].kind == ROW_PARAM) {
            aim_config_set_default(&aim_config_rows[i], (char *)c);
        }
    }
    *cfg = c;
    return AIM_OK;
}

void aim_config_free(struct aim_config *cfg)
{
    free(cfg);
}

/* ------------------------------------------------------------------------------------------ */
/* Walking a document                                                                         */

/* "did you mean" for an unknown key in (section, list): the closest key of that scope, or a key
 * of the same name elsewhere (a key put under the wrong section). */
static void aim_config_suggest_key(const char *section, const char *list, const char *word, char *buf,
                                   size_t size)
{
    const struct aim_config_row *best = NULL;
    int best_d = 1 << 20;
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        int in_scope;
        if (section == NULL) {
            in_scope = r->kind == ROW_SECTION;
        } else if (list == NULL) {
            in_scope = (r->kind == ROW_PARAM || r->kind == ROW_LIST) && !strcmp(r->section, section);
        } else {
            in_scope = r->kind == ROW_ITEM && !strcmp(r->section, section) && !strcmp(r->list, list);
        }
        if (!in_scope) {
            continue;
        }
        int d = aim_config_distance(word, aim_config_row_name(r));
        if (d < best_d) {
            best_d = d;
            best = r;
        }
    }
    buf[0] = '\0';
    if (best && aim_config_close(word, best_d)) {
        if (section == NULL) {
            snprintf(buf, size, "; did you mean '%s'?", best->section);
        } else if (list == NULL) {
            snprintf(buf, size, "; did you mean '%s' (%s.%s)?", aim_config_row_name(best), section,
                     aim_config_row_name(best));
        } else {
            snprintf(buf, size, "; did you mean '%s' (%s.%s[i].%s)?", best->key, section, list, best->key);
        }
        return;
    }
    /* The same name in another scope. */
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        if (r->kind == ROW_SECTION || strcmp(aim_config_row_name(r), word) != 0) {
            continue;
        }
        if (r->kind == ROW_ITEM) {
            snprintf(buf, size, "; did you mean '%s' (%s.%s[i].%s), which belongs to the items of %s.%s?",
                     r->key, r->section, r->list, r->key, r->section, r->list);
        } else {
            snprintf(buf, size, "; did you mean '%s' (%s.%s), which belongs to section '%s'?",
                     aim_config_row_name(r), r->section, aim_config_row_name(r), r->section);
        }
        return;
    }
    if (section == NULL) {
        snprintf(buf, size, "; the sections are listed in docs/config.md");
    } else {
        snprintf(buf, size, "; the keys of section '%s' are listed in docs/config.md", section);
    }
}

/* The text of a mapping key, which must be a plain or quoted scalar. */
static enum aim_status aim_config_key_text(struct aim_config_ctx *ctx, struct fy_node *key, const char *scope,
                                           struct aim_config_pos fallback, char *buf, size_t size,
                                           struct aim_config_pos *pos)
{
    *pos = aim_config_node_pos(key, fallback);
    if (!key || fy_node_get_type(key) != FYNT_SCALAR || fy_node_is_alias(key)) {
        return aim_config_fail(ctx, *pos, "%s: expected a key name (a string), got a complex key", scope);
    }
    size_t len = 0;
    const char *s = fy_node_get_scalar(key, &len);
    if (!s || len == 0 || len >= size || memchr(s, '\0', len)) {
        return aim_config_fail(ctx, *pos, "%s: expected a key name of 1 to %zu bytes", scope, size - 1);
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return AIM_OK;
}

static enum aim_status aim_config_apply_list(struct aim_config_ctx *ctx, struct aim_config *cfg,
                                             const struct aim_config_row *list, struct fy_node *n,
                                             struct aim_config_pos keypos);

/* Applies a mapping node key by key: a section's keys onto cfg (list NULL, scope the section name)
 * or one list item's keys onto item (list the list's row, scope the item's path "clouds.firms[2]"). */
static enum aim_status aim_config_apply_mapping(struct aim_config_ctx *ctx, struct aim_config *cfg,
                                                const struct aim_config_row *list, char *base,
                                                const char *scope, struct fy_node *n,
                                                struct aim_config_pos keypos)
{
    const char *section = list ? list->section : scope;
    struct aim_config_pos pos = aim_config_node_is_null(n) ? keypos : aim_config_node_pos(n, keypos);
    if (!n || fy_node_get_type(n) != FYNT_MAPPING || fy_node_is_alias(n)) {
        char got[160];
        aim_config_describe(n, got, sizeof got);
        return aim_config_fail(ctx, pos, "%s: expected a mapping of the %s, got %s", scope,
                               list ? "item's keys (name: ..., ...)" : "section's keys", got);
    }
    enum aim_status st = aim_config_mark_add(ctx, scope, list ? pos : keypos);
    if (st) {
        return st;
    }
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        char key[AIM_CONFIG_PATH_MAX], path[AIM_CONFIG_PATH_MAX + 64];
        struct aim_config_pos kp;
        st = aim_config_key_text(ctx, fy_node_pair_key(pair), scope, pos, key, sizeof key, &kp);
        if (st) {
            return st;
        }
        snprintf(path, sizeof path, "%s.%s", scope, key);
        const struct aim_config_row *r = aim_config_find_key(section, list ? list->list : NULL, key);
        if (!r) {
            char hint[512];
            aim_config_suggest_key(section, list ? list->list : NULL, key, hint, sizeof hint);
            if (list) {
                return aim_config_fail(ctx, kp, "unknown key '%s' in an item of %s.%s (%s)%s", key, section,
                                       list->list, path, hint);
            }
            return aim_config_fail(ctx, kp, "unknown key '%s' in section '%s' (%s)%s", key, section, path,
                                   hint);
        }
        if (r->kind == ROW_LIST) {
            st = aim_config_apply_list(ctx, cfg, r, fy_node_pair_value(pair), kp);
        } else if (r->type == TYPE_REALS) {
            st = aim_config_apply_reals(ctx, r, base, fy_node_pair_value(pair), path, kp);
            if (!st) {
                st = aim_config_mark_add(ctx, path, kp);
            }
        } else {
            st = aim_config_apply_scalar(ctx, r, base + r->offset, fy_node_pair_value(pair), path, kp);
            if (!st) {
                st = aim_config_mark_add(ctx, path, kp);
            }
        }
        if (st) {
            return st;
        }
    }
    return AIM_OK;
}

/* Replaces a list by the items of a sequence node. */
static enum aim_status aim_config_apply_list(struct aim_config_ctx *ctx, struct aim_config *cfg,
                                             const struct aim_config_row *list, struct fy_node *n,
                                             struct aim_config_pos keypos)
{
    char path[AIM_CONFIG_PATH_MAX];
    snprintf(path, sizeof path, "%s.%s", list->section, list->list);
    struct aim_config_pos pos = aim_config_node_is_null(n) ? keypos : aim_config_node_pos(n, keypos);
    if (!n || fy_node_get_type(n) != FYNT_SEQUENCE || fy_node_is_alias(n)) {
        char got[160];
        aim_config_describe(n, got, sizeof got);
        return aim_config_fail(ctx, pos,
                               "%s: expected a sequence of at most %ld items (write [] for none), got %s",
                               path, list->max, got);
    }
    int count = fy_node_sequence_item_count(n);
    if (count > list->max) {
        return aim_config_fail(ctx, keypos, "%s: expected a sequence of at most %ld items, got %d items",
                               path, list->max, count);
    }
    enum aim_status st = aim_config_mark_add(ctx, path, keypos);
    if (st) {
        return st;
    }
    char *items = (char *)cfg + list->offset;
    memset(items, 0, (size_t)list->max * list->item_size);
    int zero = 0;
    memcpy((char *)cfg + list->n_offset, &zero, sizeof zero);
    void *it = NULL;
    struct fy_node *item;
    int i = 0;
    while ((item = fy_node_sequence_iterate(n, &it))) {
        char item_path[AIM_CONFIG_PATH_MAX + 16];
        snprintf(item_path, sizeof item_path, "%s[%d]", path, i);
        char *dst = items + (size_t)i * list->item_size;
        aim_config_item_defaults(list, dst);
        st = aim_config_apply_mapping(ctx, cfg, list, dst, item_path, item, keypos);
        if (st) {
            return st;
        }
        i++;
        memcpy((char *)cfg + list->n_offset, &i, sizeof i);
    }
    return AIM_OK;
}

static enum aim_status aim_config_apply_root(struct aim_config_ctx *ctx, struct aim_config *cfg,
                                             struct fy_node *root)
{
    struct aim_config_pos first = {1, 1};
    if (!root) {
        return aim_config_fail(
            ctx, first, "the configuration is empty; expected a mapping of sections (run, demand, ...)");
    }
    struct aim_config_pos pos = aim_config_node_pos(root, first);
    if (fy_node_get_type(root) != FYNT_MAPPING || fy_node_is_alias(root)) {
        char got[160];
        aim_config_describe(root, got, sizeof got);
        return aim_config_fail(
            ctx, pos, "expected a mapping of sections (run, demand, ...) at the top level, got %s", got);
    }
    if (fy_node_mapping_item_count(root) == 0) {
        return aim_config_fail(
            ctx, pos, "the configuration is empty; expected a mapping of sections (run, demand, ...)");
    }
    void *it = NULL;
    struct fy_node_pair *pair;
    if (fy_node_mapping_item_count(root) == 1) {
        /* A sweep-only file: its one key is the plain scalar "sweep". */
        struct fy_node_pair *only = fy_node_mapping_iterate(root, &it);
        struct fy_node *k = only ? fy_node_pair_key(only) : NULL;
        const char *name = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
        ctx->sweep_only = name && strcmp(name, "sweep") == 0;
        it = NULL;
    }
    while ((pair = fy_node_mapping_iterate(root, &it))) {
        char key[AIM_CONFIG_PATH_MAX];
        struct aim_config_pos kp;
        enum aim_status st =
            aim_config_key_text(ctx, fy_node_pair_key(pair), "top level", pos, key, sizeof key, &kp);
        if (st) {
            return st;
        }
        if (!aim_config_find_section(key)) {
            char hint[512];
            aim_config_suggest_key(NULL, NULL, key, hint, sizeof hint);
            return aim_config_fail(ctx, kp, "unknown section '%s'%s", key, hint);
        }
        st = aim_config_apply_mapping(ctx, cfg, NULL, (char *)cfg, key, fy_node_pair_value(pair), kp);
        if (st) {
            return st;
        }
    }
    return AIM_OK;
}

/* A parsed YAML stream: its first (and only) document, owned by the parser. */
struct aim_config_yaml {
    struct fy_diag *diag;
    struct fy_parser *parser;
    struct fy_document *doc; /* NULL for an empty stream */
};

static void aim_config_yaml_release(struct aim_config_yaml *y)
{
    if (y->doc) {
        fy_parse_document_destroy(y->parser, y->doc);
    }
    if (y->parser) {
        fy_parser_destroy(y->parser);
    }
    if (y->diag) {
        fy_diag_destroy(y->diag);
    }
    memset(y, 0, sizeof *y);
}

/* libfyaml's first collected diagnostic (syntax error, duplicate key) as one message at
 * file:line:col; returns AIM_OK when there is none. */
static enum aim_status aim_config_yaml_error(const struct aim_config_ctx *ctx, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
    if (!e) {
        return fy_diag_got_error(diag) ? aim_config_fail(ctx, (struct aim_config_pos){0, 0}, "invalid YAML")
                                       : AIM_OK;
    }
    struct aim_config_pos pos = {e->line, e->column}; /* libfyaml's diagnostics are 1-based */
    const char *msg = e->msg ? e->msg : "invalid YAML";
    if (strstr(msg, "duplicate key")) {
        size_t klen = 0;
        const char *key = e->fyt ? fy_token_get_text(e->fyt, &klen) : NULL;
        if (!key || klen > 100) {
            key = "?";
            klen = 1;
        }
        return aim_config_fail(ctx, pos, "duplicate key '%.*s': a key may appear only once in a mapping",
                               (int)klen, key);
    }
    return aim_config_fail(ctx, pos, "YAML syntax error: %s", msg);
}

/* Parses YAML text that must hold at most one document (y->doc is NULL for an empty stream). */
static enum aim_status aim_config_parse(const struct aim_config_ctx *ctx, const char *text, size_t len,
                                        struct aim_config_yaml *y)
{
    memset(y, 0, sizeof *y);
    /* Refuse what libfyaml 0.7.12 cannot take safely before it sees the text (sim/config_scan.h). */
    struct aim_config_scan_error se;
    if (aim_config_scan_text(text, len, &se) != AIM_OK) {
        struct aim_config_pos pos = {se.line, se.col};
        if (ctx->set_arg) {
            return aim_config_fail(ctx, pos, "value, line %d, column %d: %s", se.line, se.col, se.msg);
        }
        return aim_config_fail(ctx, pos, "%s", se.msg);
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.colorize = false;
    y->diag = fy_diag_create(&dcfg);
    if (!y->diag) {
        return aim_error_set(AIM_ERR_NOMEM, "cannot create the YAML diagnostics object");
    }
    fy_diag_set_collect_errors(y->diag, true);
    struct fy_parse_cfg pcfg = {0};
    pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
    pcfg.diag = y->diag;
    y->parser = fy_parser_create(&pcfg);
    if (!y->parser || fy_parser_set_string(y->parser, text, len) != 0) {
        aim_config_yaml_release(y);
        return aim_error_set(AIM_ERR_NOMEM, "cannot create the YAML parser");
    }
    y->doc = fy_parse_load_document(y->parser);
    enum aim_status st = aim_config_yaml_error(ctx, y->diag);
    if (!st && y->doc) {
        struct fy_document *next = fy_parse_load_document(y->parser);
        st = aim_config_yaml_error(ctx, y->diag);
        if (!st && next) {
            struct fy_document_state *ds = fy_document_get_document_state(next);
            const struct fy_mark *m = ds ? fy_document_state_start_mark(ds) : NULL;
            struct aim_config_pos pos = {m ? m->line + 1 : 0, m ? m->column + 1 : 0};
            st = aim_config_fail(ctx, pos, "a second YAML document ('---'); a configuration is one document");
        }
        if (next) {
            fy_parse_document_destroy(y->parser, next);
        }
    }
    if (st) {
        aim_config_yaml_release(y);
    }
    return st;
}

/* The cross-field checks; with a load context, only those involving a key the document set are
 * made (the rest wait for aim_config_validate), and the message points at that key. */
static enum aim_status aim_config_check(const struct aim_config *cfg, const struct aim_config_ctx *ctx);

static enum aim_status aim_config_load_ctx(struct aim_config *cfg, const char *text, size_t len,
                                           struct aim_config_ctx *ctx)
{
    struct aim_config_yaml y;
    enum aim_status st = aim_config_parse(ctx, text, len, &y);
    if (st) {
        return st;
    }
    /* Work on a copy so that a failed load leaves cfg untouched. */
    struct aim_config *work = malloc(sizeof *work);
    if (!work) {
        aim_config_yaml_release(&y);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory while reading %s", ctx->name);
    }
    memcpy(work, cfg, sizeof *work);
    st = aim_config_apply_root(ctx, work, y.doc ? fy_document_root(y.doc) : NULL);
    if (!st) {
        st = aim_config_check(work, ctx);
    }
    if (!st) {
        memcpy(cfg, work, sizeof *work);
    }
    free(work);
    aim_config_yaml_release(&y);
    return st;
}

static enum aim_status aim_config_load_string_kind(struct aim_config *cfg, const char *text, size_t len,
                                                   const char *name, int *sweep_only)
{
    if (!cfg || !text) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_load_string: cfg and text must not be NULL");
    }
    struct aim_config_ctx ctx = {.name = name ? name : "(string)"};
    enum aim_status st = aim_config_load_ctx(cfg, text, len, &ctx);
    free(ctx.marks);
    if (sweep_only) {
        *sweep_only = ctx.sweep_only;
    }
    return st;
}

enum aim_status aim_config_load_string(struct aim_config *cfg, const char *text, size_t len, const char *name)
{
    return aim_config_load_string_kind(cfg, text, len, name, NULL);
}

enum aim_status aim_config_load_file(struct aim_config *cfg, const char *path)
{
    return aim_config_load_file_kind(cfg, path, NULL);
}

enum aim_status aim_config_load_file_kind(struct aim_config *cfg, const char *path, int *sweep_only)
{
    if (!cfg || !path) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_load_file: cfg and path must not be NULL");
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        /* A config that cannot be opened is the user's error (exit 2), like a malformed one. */
        return aim_error_set(AIM_ERR_CONFIG,
                             "%s: cannot open the configuration: %s; give a readable YAML file", path,
                             strerror(errno));
    }
    /* Read at most one byte past the size limit: the check refuses the rest unread, so a huge
     * file or an endless device (/dev/urandom) costs no more than the limit. */
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap || len > AIM_CONFIG_SCAN_MAX_BYTES) {
            break;
        }
        char *b = realloc(buf, 2 * cap);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    int err = ferror(f);
    int err_no = errno;
    fclose(f);
    if (!buf) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory while reading the configuration", path);
    }
    if (err) {
        free(buf);
        return aim_error_set(AIM_ERR_CONFIG,
                             "%s: cannot read the configuration: %s; give a readable YAML file", path,
                             strerror(err_no));
    }
    enum aim_status st = aim_config_load_string_kind(cfg, buf, len, path, sweep_only);
    free(buf);
    return st;
}

enum aim_status aim_config_load_seed(struct aim_config *cfg)
{
    return aim_config_load_string(cfg, aim_seed_config_yaml, aim_seed_config_yaml_len, AIM_CONFIG_SEED_NAME);
}

/* ------------------------------------------------------------------------------------------ */
/* --set path=value                                                                           */

/* "did you mean" over every full key path, for a path that does not resolve. */
static void aim_config_suggest_path(const char *path, long index, char *buf, size_t size)
{
    int best_d = 1 << 20;
    char best[AIM_CONFIG_PATH_MAX] = "";
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        char cand[AIM_CONFIG_PATH_MAX];
        switch (r->kind) {
        case ROW_SECTION:
            snprintf(cand, sizeof cand, "%s", r->section);
            break;
        case ROW_PARAM:
            snprintf(cand, sizeof cand, "%s.%s", r->section, r->key);
            break;
        case ROW_LIST:
            snprintf(cand, sizeof cand, "%s.%s", r->section, r->list);
            break;
        case ROW_ITEM:
            snprintf(cand, sizeof cand, "%s.%s[%ld].%s", r->section, r->list, index, r->key);
            break;
        }
        int d = aim_config_distance(path, cand);
        if (d < best_d) {
            best_d = d;
            snprintf(best, sizeof best, "%s", cand);
        }
    }
    if (best[0] && aim_config_close(path, best_d)) {
        snprintf(buf, size, "; did you mean '%s'?", best);
    } else {
        snprintf(buf, size, "; the keys are listed in docs/config.md");
    }
}

/* Applies a YAML value to the config element a --set path names. */
static enum aim_status aim_config_set_node(struct aim_config_ctx *ctx, struct aim_config *cfg,
                                           const char *path, struct fy_node *value)
{
    struct aim_config_pos none = {0, 0};
    char sec[AIM_CONFIG_PATH_MAX] = "", name[AIM_CONFIG_PATH_MAX] = "", key[AIM_CONFIG_PATH_MAX] = "";
    long index = -1;
    /* path := section [ '.' name [ '[' index ']' [ '.' key ] ] ] */
    const char *p = path;
    size_t k = strcspn(p, ".[");
    int bad = k == 0 || k >= sizeof sec;
    if (!bad) {
        memcpy(sec, p, k);
        sec[k] = '\0';
        p += k;
        if (*p == '.') {
            p++;
            k = strcspn(p, ".[");
            bad = k == 0 || k >= sizeof name;
            if (!bad) {
                memcpy(name, p, k);
                name[k] = '\0';
                p += k;
            }
        }
        if (!bad && *p == '[' && name[0]) {
            char *end;
            errno = 0;
            index = strtol(p + 1, &end, 10);
            bad = end == p + 1 || *end != ']' || errno || index < 0 || !isdigit((unsigned char)p[1]);
            p = end + 1;
            if (!bad && *p == '.') {
                p++;
                k = strlen(p);
                bad = k == 0 || k >= sizeof key || strpbrk(p, ".[]") != NULL;
                if (!bad) {
                    memcpy(key, p, k + 1);
                    p += k;
                }
            }
        }
        bad = bad || *p != '\0';
    }
    char hint[512];
    if (bad) {
        aim_config_suggest_path(path, index < 0 ? 0 : index, hint, sizeof hint);
        return aim_config_fail(
            ctx, none, "'%s' is not a key path (expected section.key or section.list[i].key)%s", path, hint);
    }
    if (!aim_config_find_section(sec)) {
        aim_config_suggest_path(path, index < 0 ? 0 : index, hint, sizeof hint);
        return aim_config_fail(ctx, none, "unknown key path '%s': no section '%s'%s", path, sec, hint);
    }
    struct aim_config_pos at = {0, 0};
    if (!name[0]) {
        return aim_config_apply_mapping(ctx, cfg, NULL, (char *)cfg, sec, value, at);
    }
    const struct aim_config_row *r = aim_config_find_key(sec, NULL, name);
    if (!r || (index >= 0 && r->kind != ROW_LIST)) {
        aim_config_suggest_path(path, index < 0 ? 0 : index, hint, sizeof hint);
        return aim_config_fail(ctx, none, "unknown key path '%s'%s", path, hint);
    }
    char full[3 * AIM_CONFIG_PATH_MAX + 64];
    snprintf(full, sizeof full, "%s.%s", sec, name);
    if (r->kind == ROW_PARAM) {
        return aim_config_apply_scalar(ctx, r, (char *)cfg + r->offset, value, full, at);
    }
    if (index < 0) {
        return aim_config_apply_list(ctx, cfg, r, value, at);
    }
    const struct aim_config_row *item_row = NULL;
    if (key[0]) {
        item_row = aim_config_find_key(sec, name, key);
        if (!item_row) {
            aim_config_suggest_path(path, index, hint, sizeof hint);
            return aim_config_fail(ctx, none, "unknown key path '%s'%s", path, hint);
        }
    }
    int n;
    memcpy(&n, (char *)cfg + r->n_offset, sizeof n);
    if (index > n || index >= r->max) {
        return aim_config_fail(
            ctx, none,
            "%s: index %ld is beyond the end of the list (%d items; [%d] appends one, at most "
            "%ld items)",
            path, index, n, n, r->max);
    }
    char *item = (char *)cfg + r->offset + (size_t)index * r->item_size;
    if (index == n) {
        aim_config_item_defaults(r, item);
        n++;
        memcpy((char *)cfg + r->n_offset, &n, sizeof n);
    }
    char item_path[2 * AIM_CONFIG_PATH_MAX + 32];
    snprintf(item_path, sizeof item_path, "%s.%s[%ld]", sec, name, index);
    if (!item_row) {
        return aim_config_apply_mapping(ctx, cfg, r, item, item_path, value, at);
    }
    snprintf(full, sizeof full, "%s.%s", item_path, key);
    if (item_row->type == TYPE_REALS) {
        return aim_config_apply_reals(ctx, item_row, item, value, full, at);
    }
    return aim_config_apply_scalar(ctx, item_row, item + item_row->offset, value, full, at);
}

enum aim_status aim_config_set(struct aim_config *cfg, const char *assignment)
{
    if (!cfg || !assignment) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_set: cfg and assignment must not be NULL");
    }
    struct aim_config_ctx ctx = {.name = "--set", .set_arg = assignment};
    struct aim_config_pos none = {0, 0};
    const char *eq = strchr(assignment, '=');
    if (!eq) {
        return aim_config_fail(&ctx, none, "expected path=value (e.g. deals.kappa=3), found no '='");
    }
    size_t plen = (size_t)(eq - assignment);
    char path[AIM_CONFIG_PATH_MAX];
    while (plen > 0 && isspace((unsigned char)assignment[plen - 1])) {
        plen--;
    }
    if (plen == 0 || plen >= sizeof path) {
        return aim_config_fail(&ctx, none, "expected path=value with a key path of 1 to %zu bytes",
                               sizeof path - 1);
    }
    memcpy(path, assignment, plen);
    path[plen] = '\0';
    const char *value = eq + 1;
    struct aim_config_yaml y;
    enum aim_status st = aim_config_parse(&ctx, value, strlen(value), &y);
    if (st) {
        return st;
    }
    struct aim_config *work = malloc(sizeof *work);
    if (!work) {
        aim_config_yaml_release(&y);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory applying --set '%s'", assignment);
    }
    memcpy(work, cfg, sizeof *work);
    st = aim_config_set_node(&ctx, work, path, y.doc ? fy_document_root(y.doc) : NULL);
    if (!st) {
        memcpy(cfg, work, sizeof *work);
    }
    free(work);
    aim_config_yaml_release(&y);
    return st;
}

/* ------------------------------------------------------------------------------------------ */
/* Cross-field validation                                                                     */

/* Reports a failed check unless, during a load, none of the keys involved (NULL-terminated
 * list) was set by the document. Returns AIM_OK when the check is deferred. */
static enum aim_status aim_config_check_fail(const struct aim_config_ctx *ctx, const char *const *keys,
                                             const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum aim_status aim_config_check_fail(const struct aim_config_ctx *ctx, const char *const *keys,
                                             const char *fmt, ...)
{
    char msg[3072];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!ctx) {
        return aim_error_set(AIM_ERR_CONFIG, "%s", msg);
    }
    for (const char *const *k = keys; *k; k++) {
        const struct aim_config_mark *m = aim_config_mark_find(ctx, *k);
        if (m) {
            return aim_config_fail(ctx, m->pos, "%s", msg);
        }
    }
    return AIM_OK;
}

/* Firms in the order the world indexes them: vendors, then clouds, then labs. */
struct aim_config_firm_ref {
    const char *list;
    const char *name;
    int index;
};

static int aim_config_firms(const struct aim_config *cfg, struct aim_config_firm_ref *out, int cap)
{
    int n = 0;
    for (int i = 0; i < cfg->vendors.n_firms && n < cap; i++) {
        out[n++] = (struct aim_config_firm_ref){"vendors", cfg->vendors.firms[i].name, i};
    }
    for (int i = 0; i < cfg->clouds.n_firms && n < cap; i++) {
        out[n++] = (struct aim_config_firm_ref){"clouds", cfg->clouds.firms[i].name, i};
    }
    for (int i = 0; i < cfg->labs.n_firms && n < cap; i++) {
        out[n++] = (struct aim_config_firm_ref){"labs", cfg->labs.firms[i].name, i};
    }
    return n;
}

/* Resolves a party of a pre-signed deal among the firms of one kind. */
static enum aim_status aim_config_check_party(const struct aim_config *cfg, const struct aim_config_ctx *ctx,
                                              int deal, const char *field, const char *value,
                                              const char *kind, int optional)
{
    char path[AIM_CONFIG_PATH_MAX + 32], item[AIM_CONFIG_PATH_MAX - 32];
    snprintf(path, sizeof path, "deals.presigned[%d].%s", deal, field);
    snprintf(item, sizeof item, "deals.presigned[%d]", deal);
    const char *keys[] = {path, item, "deals.presigned", NULL};
    if (optional && value[0] == '\0') {
        return AIM_OK;
    }
    struct aim_config_firm_ref firms[3 * 128];
    int nf = aim_config_firms(cfg, firms, 3 * 128);
    char names[1024] = "";
    size_t used = 0;
    const char *best = NULL;
    int best_d = 1 << 20;
    for (int i = 0; i < nf; i++) {
        if (strcmp(firms[i].list, kind) != 0) {
            continue;
        }
        if (!strcmp(firms[i].name, value)) {
            return AIM_OK;
        }
        int d = aim_config_distance(value, firms[i].name);
        if (d < best_d) {
            best_d = d;
            best = firms[i].name;
        }
        int w = snprintf(names + used, sizeof names - used, "%s'%s'", used ? ", " : "", firms[i].name);
        if (w > 0 && (size_t)w < sizeof names - used) {
            used += (size_t)w;
        }
    }
    char hint[128] = "";
    if (best && aim_config_close(value, best_d)) {
        snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    }
    const char *what = !strcmp(kind, "labs") ? "lab" : !strcmp(kind, "clouds") ? "cloud" : "vendor";
    if (value[0] == '\0') {
        return aim_config_check_fail(ctx, keys, "%s: a %s is required; expected one of %s.firms[].name: %s",
                                     path, what, kind, names[0] ? names : "(none defined)");
    }
    for (int i = 0; i < nf; i++) {
        if (!strcmp(firms[i].name, value)) {
            return aim_config_check_fail(ctx, keys,
                                         "%s: '%s' is a firm of %s, not a %s; expected one of %s: %s", path,
                                         value, firms[i].list, what, kind, names[0] ? names : "(none)");
        }
    }
    return aim_config_check_fail(ctx, keys, "%s: no %s named '%s'; expected one of %s.firms[].name: %s%s",
                                 path, what, value, kind, names[0] ? names : "(none defined)", hint);
}

/* A firm's starting price must lie in its sector's clamp [p_min, p_max] (the price equations of
 * MODEL.md clamp every later price there too). */
static enum aim_status aim_config_check_price(const struct aim_config_ctx *ctx, const char *sector, int firm,
                                              double price, double p_min, double p_max, const char *unit)
{
    char path[AIM_CONFIG_PATH_MAX], lo_key[64], hi_key[64], a[48], b[48], p[48];
    snprintf(path, sizeof path, "%s.firms[%d].price", sector, firm);
    snprintf(lo_key, sizeof lo_key, "%s.p_min", sector);
    snprintf(hi_key, sizeof hi_key, "%s.p_max", sector);
    const char *keys[] = {path, lo_key, hi_key, NULL};
    if (!(price < p_min || price > p_max)) {
        return AIM_OK;
    }
    aim_config_format_real(a, sizeof a, p_min);
    aim_config_format_real(b, sizeof b, p_max);
    aim_config_format_real(p, sizeof p, price);
    return aim_config_check_fail(ctx, keys, "%s = %s lies outside [%s, %s] = [%s, %s] %s", path, p, lo_key,
                                 hi_key, a, b, unit);
}

static void aim_config_choice(const char *choices, int index, char *buf, size_t size);

/* ------------------------------------------------------------------------------------------ */
/* The sweep section                                                                          */

/* The row of a numeric key path "section.key" or "section.list[i].key" (i < the list's length),
 * or NULL with a message in buf naming the key and the keys that exist. */
static const struct aim_config_row *aim_config_numeric_row(const struct aim_config *cfg, const char *path,
                                                           char *buf, size_t size)
{
    char sec[AIM_CONFIG_PATH_MAX] = "", name[AIM_CONFIG_PATH_MAX] = "", key[AIM_CONFIG_PATH_MAX] = "";
    long index = -1;
    size_t k = strcspn(path, ".");
    if (k < sizeof sec) {
        memcpy(sec, path, k);
        sec[k] = '\0';
    }
    const char *rest = path[k] == '.' ? path + k + 1 : "";
    const char *br = strchr(rest, '[');
    if (br) {
        char *end;
        k = (size_t)(br - rest);
        if (k < sizeof name) {
            memcpy(name, rest, k);
            name[k] = '\0';
        }
        errno = 0;
        index = isdigit((unsigned char)br[1]) ? strtol(br + 1, &end, 10) : -1;
        if (index < 0 || errno || *end != ']' || end[1] != '.' || strlen(end + 2) >= sizeof key) {
            index = -2;
        } else {
            snprintf(key, sizeof key, "%s", end + 2);
        }
    } else if (strlen(rest) < sizeof name) {
        snprintf(name, sizeof name, "%s", rest);
    }
    /* The sweep section describes the sweep; it is not a parameter of the model. */
    const struct aim_config_row *section = strcmp(sec, "sweep") ? aim_config_find_section(sec) : NULL;
    int first = 1;
    if (!section) {
        size_t n = (size_t)snprintf(
            buf, size, "'%s' is not a config key: there is no section '%s'; the sections are", path, sec);
        for (size_t i = 0; i < AIM_CONFIG_NROWS && n < size; i++) {
            if (aim_config_rows[i].kind == ROW_SECTION && strcmp(aim_config_rows[i].section, "sweep") != 0) {
                n += (size_t)snprintf(buf + n, size - n, "%s %s", first ? "" : ",",
                                      aim_config_rows[i].section);
                first = 0;
            }
        }
        return NULL;
    }
    const struct aim_config_row *r = aim_config_find_key(sec, NULL, name);
    if (r && r->kind == ROW_LIST && index >= 0) {
        const struct aim_config_row *item = aim_config_find_key(sec, name, key);
        int n;
        memcpy(&n, (const char *)cfg + r->n_offset, sizeof n);
        if (item && (item->type == TYPE_REAL || item->type == TYPE_INT) && index < n) {
            return item;
        }
        if (item && (item->type == TYPE_REAL || item->type == TYPE_INT)) {
            snprintf(buf, size, "'%s': %s.%s has %d items, so index %ld does not exist", path, sec, name, n,
                     index);
            return NULL;
        }
    } else if (r && r->kind == ROW_PARAM && index == -1 && (r->type == TYPE_REAL || r->type == TYPE_INT)) {
        return r;
    }
    size_t n = (size_t)snprintf(buf, size,
                                "'%s' is not a numeric config key (a factor sets a real or integer key); the "
                                "numeric keys of section '%s' are",
                                path, sec);
    for (size_t i = 0; i < AIM_CONFIG_NROWS && n < size; i++) {
        const struct aim_config_row *q = &aim_config_rows[i];
        if (strcmp(q->section, sec) != 0 || (q->type != TYPE_REAL && q->type != TYPE_INT) ||
            (q->kind != ROW_PARAM && q->kind != ROW_ITEM)) {
            continue;
        }
        if (q->kind == ROW_PARAM) {
            n += (size_t)snprintf(buf + n, size - n, "%s %s.%s", first ? "" : ",", sec, q->key);
        } else {
            n +=
                (size_t)snprintf(buf + n, size - n, "%s %s.%s[i].%s", first ? "" : ",", sec, q->list, q->key);
        }
        first = 0;
    }
    return NULL;
}

enum aim_status aim_config_factor_key(const struct aim_config *cfg, const char *path, int *is_integer)
{
    char msg[2048];
    if (!cfg || !path) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_factor_key: cfg and path must not be NULL");
    }
    const struct aim_config_row *r = aim_config_numeric_row(cfg, path, msg, sizeof msg);
    if (!r) {
        return aim_error_set(AIM_ERR_CONFIG, "%s", msg);
    }
    if (is_integer) {
        *is_integer = r->type == TYPE_INT;
    }
    return AIM_OK;
}

/* Checks one factor's key against the config keys: numeric, and its values and range within the
 * key's valid range (integer keys after rounding). */
static enum aim_status aim_config_check_factor_key(const struct aim_config *cfg,
                                                   const struct aim_config_ctx *ctx, const char *item,
                                                   const char *key, const double *values, int n_values,
                                                   const double *range, int n_range)
{
    char msg[2048], path[AIM_CONFIG_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s.key", item);
    const char *keys[] = {path, item, "sweep.factors", "sweep.cross", NULL};
    const struct aim_config_row *r = aim_config_numeric_row(cfg, key, msg, sizeof msg);
    if (!r) {
        return aim_config_check_fail(
            ctx, keys, "%s: %s (any name is allowed only in a file holding only a sweep: section)", path,
            msg);
    }
    double lo = r->type == TYPE_INT ? (double)r->ilo : r->lo,
           hi = r->type == TYPE_INT ? (double)r->ihi : r->hi;
    for (int i = 0; i < n_values + n_range; i++) {
        double v = i < n_values ? values[i] : range[i - n_values];
        if (r->type == TYPE_INT) {
            v = round(v);
        }
        if (!(v >= lo && v <= hi)) {
            char a[48], b[48], c[48];
            aim_config_format_real(a, sizeof a, v);
            aim_config_format_real(b, sizeof b, lo);
            aim_config_format_real(c, sizeof c, hi);
            snprintf(path, sizeof path, "%s.%s", item, i < n_values ? "values" : "range");
            const char *vkeys[] = {path, item, "sweep.factors", "sweep.cross", NULL};
            return aim_config_check_fail(ctx, vkeys, "%s: %s is outside the valid range [%s, %s] of %s", path,
                                         a, b, c, key);
        }
    }
    return AIM_OK;
}

enum aim_status aim_config_sweep_check_keys(const struct aim_config *cfg)
{
    if (!cfg) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_sweep_check_keys: cfg is NULL");
    }
    for (int i = 0; i < cfg->sweep.n_factors; i++) {
        const struct aim_config_sweep_factors *f = &cfg->sweep.factors[i];
        char item[64];
        snprintf(item, sizeof item, "sweep.factors[%d]", i);
        enum aim_status st = aim_config_check_factor_key(cfg, NULL, item, f->key, f->values, f->n_values,
                                                         f->range, f->n_range);
        if (st) {
            return st;
        }
    }
    for (int i = 0; i < cfg->sweep.n_cross; i++) {
        const struct aim_config_sweep_cross *f = &cfg->sweep.cross[i];
        char item[64];
        snprintf(item, sizeof item, "sweep.cross[%d]", i);
        enum aim_status st =
            aim_config_check_factor_key(cfg, NULL, item, f->key, f->values, f->n_values, NULL, 0);
        if (st) {
            return st;
        }
    }
    return AIM_OK;
}

/* The sweep section's own rules (docs/sweeps.md); factor keys are checked against the config
 * keys during the load of a file that is not sweep-only. */
static enum aim_status aim_config_check_sweep(const struct aim_config *cfg, const struct aim_config_ctx *ctx)
{
    const struct aim_config_sweep *s = &cfg->sweep;
    enum aim_status st;
    char design[32];
    aim_config_choice(aim_config_find_key("sweep", NULL, "design")->choices, s->design, design,
                      sizeof design);
    if (s->design == 0) {
        if (s->n_factors > 0 || s->n_cross > 0) {
            const char *keys[] = {"sweep.factors", "sweep.cross", "sweep.design", NULL};
            return aim_config_check_fail(
                ctx, keys,
                "sweep.factors: factors without a design; expected sweep.design: one of "
                "grid, random, lhs, sobol, saltelli, morris, csv");
        }
        return AIM_OK;
    }
    const char *dkeys[] = {"sweep.design", "sweep.points", "sweep", NULL};
    int needs_points = s->design >= 2 && s->design <= 6; /* random .. morris */
    if (needs_points && s->points < 1) {
        return aim_config_check_fail(
            ctx, dkeys, "sweep.design: %s needs sweep.points (%s), got none; expected e.g. points: 64",
            design,
            s->design == 5   ? "the base sample size N"
            : s->design == 6 ? "the number of trajectories"
                             : "the number of points");
    }
    if (!needs_points && s->points > 0) {
        const char *keys[] = {"sweep.points", NULL};
        return aim_config_check_fail(ctx, keys, "sweep.points: %s does not take points (%s); remove the key",
                                     design,
                                     s->design == 1 ? "a grid has one point per combination of the values"
                                                    : "the table's rows are the points");
    }
    if (s->design == 6 && s->levels % 2 != 0) {
        const char *keys[] = {"sweep.levels", "sweep.design", NULL};
        return aim_config_check_fail(
            ctx, keys,
            "sweep.levels: expected an even number of Morris levels (the step "
            "Delta = levels / (2 (levels - 1)) must be a whole number of grid steps), got %ld",
            s->levels);
    }
    if (s->design == 7 && !s->file[0]) {
        return aim_config_check_fail(ctx, dkeys,
                                     "sweep.design: csv needs sweep.file, the table of points, got none");
    }
    if (s->design != 7 && s->file[0]) {
        const char *keys[] = {"sweep.file", NULL};
        return aim_config_check_fail(ctx, keys, "sweep.file: only the csv design reads a file (design is %s)",
                                     design);
    }
    if (s->n_factors == 0) {
        const char *keys[] = {"sweep.design", "sweep.factors", NULL};
        return aim_config_check_fail(
            ctx, keys, "sweep.factors: the %s design needs at least one factor, got none", design);
    }
    for (int i = 0; i < s->n_factors + s->n_cross; i++) {
        int cross = i >= s->n_factors;
        int j = cross ? i - s->n_factors : i;
        const char *key = cross ? s->cross[j].key : s->factors[j].key;
        int n_values = cross ? s->cross[j].n_values : s->factors[j].n_values;
        int n_range = cross ? 0 : s->factors[j].n_range;
        const double *range = cross ? NULL : s->factors[j].range;
        char item[64], path[AIM_CONFIG_PATH_MAX];
        snprintf(item, sizeof item, "sweep.%s[%d]", cross ? "cross" : "factors", j);
        snprintf(path, sizeof path, "%s.key", item);
        const char *ikeys[] = {path, item, NULL};
        if (!key[0]) {
            return aim_config_check_fail(ctx, ikeys, "%s: expected the key the factor sets, got none", item);
        }
        for (int k = 0; k < i; k++) {
            const char *other = k >= s->n_factors ? s->cross[k - s->n_factors].key : s->factors[k].key;
            if (!strcmp(key, other)) {
                return aim_config_check_fail(
                    ctx, ikeys, "%s: '%s' is already a factor of the sweep (%s[%d]); a key may be swept once",
                    path, key, k >= s->n_factors ? "sweep.cross" : "sweep.factors",
                    k >= s->n_factors ? k - s->n_factors : k);
            }
        }
        char vpath[AIM_CONFIG_PATH_MAX], rpath[AIM_CONFIG_PATH_MAX], spath[AIM_CONFIG_PATH_MAX];
        snprintf(vpath, sizeof vpath, "%s.values", item);
        snprintf(rpath, sizeof rpath, "%s.range", item);
        snprintf(spath, sizeof spath, "%s.scale", item);
        const char *vkeys[] = {vpath, rpath, item, NULL};
        const char *rkeys[] = {rpath, spath, item, NULL};
        if (s->design == 7 && !cross) {
            if (n_values > 0 || n_range > 0) {
                return aim_config_check_fail(
                    ctx, vkeys,
                    "%s: the csv design takes the values from sweep.file; give the factor's "
                    "key only",
                    item);
            }
        } else if (n_values > 0 && n_range > 0) {
            return aim_config_check_fail(ctx, vkeys, "%s: both values and range; expected one of them", item);
        } else if (n_values == 0 && n_range == 0) {
            return aim_config_check_fail(ctx, vkeys,
                                         "%s: neither values nor range; expected one of them (values: [...] "
                                         "or range: [lo, hi])",
                                         item);
        }
        if (n_range > 0 && n_range != 2) {
            return aim_config_check_fail(ctx, rkeys, "%s: expected a range of 2 numbers [lo, hi], got %d",
                                         rpath, n_range);
        }
        if (n_range == 2 && !(range[0] < range[1])) {
            char a[48], b[48];
            aim_config_format_real(a, sizeof a, range[0]);
            aim_config_format_real(b, sizeof b, range[1]);
            return aim_config_check_fail(ctx, rkeys, "%s: expected lo < hi, got [%s, %s]", rpath, a, b);
        }
        if (!cross && s->factors[j].scale == 1) {
            if (n_range != 2) {
                const char *skeys[] = {spath, item, NULL};
                return aim_config_check_fail(ctx, skeys,
                                             "%s: a log scale maps a range; give range: [lo, hi] (values "
                                             "are taken as listed)",
                                             spath);
            }
            if (!(range[0] > 0)) {
                return aim_config_check_fail(
                    ctx, rkeys, "%s: a log scale needs lo > 0, got a range starting at %g", rpath, range[0]);
            }
        }
        if (s->design == 1 && n_range > 0) {
            const char *gkeys[] = {rpath, "sweep.design", NULL};
            return aim_config_check_fail(
                ctx, gkeys,
                "%s: a grid needs values (it crosses listed values); give values: [...] or "
                "choose a sampling design (random, lhs, sobol, saltelli, morris)",
                rpath);
        }
        if (ctx && !ctx->sweep_only) {
            st = aim_config_check_factor_key(cfg, ctx, item, key,
                                             cross ? s->cross[j].values : s->factors[j].values, n_values,
                                             range, n_range);
            if (st) {
                return st;
            }
        }
    }
    return AIM_OK;
}

static enum aim_status aim_config_check(const struct aim_config *cfg, const struct aim_config_ctx *ctx)
{
    enum aim_status st;
    if ((st = aim_config_check_sweep(cfg, ctx))) {
        return st;
    }
    char a[48], b[48], s[48];
    /* At least one firm of each kind. */
    const char *kinds[3] = {"vendors", "clouds", "labs"};
    const int counts[3] = {cfg->vendors.n_firms, cfg->clouds.n_firms, cfg->labs.n_firms};
    for (int k = 0; k < 3; k++) {
        char path[64];
        snprintf(path, sizeof path, "%s.firms", kinds[k]);
        const char *keys[] = {path, NULL};
        if (counts[k] < 1) {
            st = aim_config_check_fail(
                ctx, keys,
                "%s: at least one firm is required (the economy needs a vendor, a cloud and "
                "a lab), got none",
                path);
            if (st) {
                return st;
            }
        }
    }
    /* Firm names: non-empty and unique across vendors, clouds and labs (the world resolves names). */
    struct aim_config_firm_ref firms[3 * 128];
    int nf = aim_config_firms(cfg, firms, 3 * 128);
    for (int i = 0; i < nf; i++) {
        char path[AIM_CONFIG_PATH_MAX + 32], item[AIM_CONFIG_PATH_MAX - 32];
        snprintf(item, sizeof item, "%s.firms[%d]", firms[i].list, firms[i].index);
        snprintf(path, sizeof path, "%s.name", item);
        const char *keys[] = {path, item, NULL};
        if (firms[i].name[0] == '\0') {
            st = aim_config_check_fail(ctx, keys, "%s: expected a non-empty firm name, got an empty one",
                                       path);
            if (st) {
                return st;
            }
            continue;
        }
        for (int j = 0; j < i; j++) {
            if (!strcmp(firms[i].name, firms[j].name)) {
                st = aim_config_check_fail(
                    ctx, keys,
                    "%s: firm name '%s' is already used by %s.firms[%d].name; names must be "
                    "unique across vendors, clouds and labs",
                    path, firms[i].name, firms[j].list, firms[j].index);
                if (st) {
                    return st;
                }
                break;
            }
        }
    }
    /* Ordered pairs: lo <= hi. */
    struct {
        const char *lo_path, *hi_path;
        double lo, hi;
        const char *why;
    } pairs[] = {
        {"clouds.p_min", "clouds.p_max", cfg->clouds.p_min, cfg->clouds.p_max, "the compute price clamp"},
        {"vendors.p_min", "vendors.p_max", cfg->vendors.p_min, cfg->vendors.p_max, "the GPU price clamp"},
        {"investors.memory_min", "investors.memory_max", cfg->investors.memory_min, cfg->investors.memory_max,
         "the uniform range of trend memories"},
        {"investors.reserve_min", "investors.reserve_max", cfg->investors.reserve_min,
         cfg->investors.reserve_max, "the uniform range of private-round reserves"},
        {"labs.runway_min", "labs.runway_target", cfg->labs.runway_min, cfg->labs.runway_target,
         "a funding round must restore at least the minimum runway"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *keys[] = {pairs[i].lo_path, pairs[i].hi_path, NULL};
        if (pairs[i].lo > pairs[i].hi) {
            aim_config_format_real(a, sizeof a, pairs[i].lo);
            aim_config_format_real(b, sizeof b, pairs[i].hi);
            st = aim_config_check_fail(ctx, keys, "%s = %s exceeds %s = %s; expected %s <= %s (%s)",
                                       pairs[i].lo_path, a, pairs[i].hi_path, b, pairs[i].lo_path,
                                       pairs[i].hi_path, pairs[i].why);
            if (st) {
                return st;
            }
        }
    }
    /* Shares that must not sum above one. */
    struct {
        const char *p1, *p2;
        double x1, x2;
        const char *why;
    } sums[] = {
        {"deals.f_v", "deals.f_c", cfg->deals.f_v, cfg->deals.f_c,
         "the vendor's and the cloud's shares of the amount a lab seeks (MODEL.md 5)"},
        {"investors.frac_fundamentalist", "investors.frac_chartist", cfg->investors.frac_fundamentalist,
         cfg->investors.frac_chartist, "the rest of the investors are noise traders"},
    };
    for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++) {
        const char *keys[] = {sums[i].p1, sums[i].p2, NULL};
        if (sums[i].x1 + sums[i].x2 > 1.0) {
            aim_config_format_real(a, sizeof a, sums[i].x1);
            aim_config_format_real(b, sizeof b, sums[i].x2);
            aim_config_format_real(s, sizeof s, sums[i].x1 + sums[i].x2);
            st = aim_config_check_fail(ctx, keys, "%s + %s = %s + %s = %s; expected a sum of at most 1 (%s)",
                                       sums[i].p1, sums[i].p2, a, b, s, sums[i].why);
            if (st) {
                return st;
            }
        }
    }
    /* Starting prices inside their clamps. */
    for (int i = 0; i < cfg->clouds.n_firms; i++) {
        st = aim_config_check_price(ctx, "clouds", i, cfg->clouds.firms[i].price, cfg->clouds.p_min,
                                    cfg->clouds.p_max, "$B/MW-month");
        if (st) {
            return st;
        }
    }
    for (int i = 0; i < cfg->vendors.n_firms; i++) {
        st = aim_config_check_price(ctx, "vendors", i, cfg->vendors.firms[i].price, cfg->vendors.p_min,
                                    cfg->vendors.p_max, "$B/MW");
        if (st) {
            return st;
        }
    }
    /* Calendar month of step 0. */
    {
        const char *keys[] = {"run.start_date", NULL};
        const char *d = cfg->run.start_date;
        int ok = strlen(d) == 7 && d[4] == '-';
        for (int i = 0; ok && i < 7; i++) {
            ok = i == 4 || isdigit((unsigned char)d[i]);
        }
        int month = ok ? (d[5] - '0') * 10 + (d[6] - '0') : 0;
        if (!ok || month < 1 || month > 12) {
            st = aim_config_check_fail(ctx, keys,
                                       "run.start_date: expected a month as YYYY-MM (e.g. \"2025-11\"), got "
                                       "\"%s\"",
                                       d);
            if (st) {
                return st;
            }
        }
    }
    /* Pre-signed deals: parties resolve to firms of the right kind, amounts have a payer. */
    for (int i = 0; i < cfg->deals.n_presigned; i++) {
        const char *lab = cfg->deals.presigned[i].lab;
        const char *vendor = cfg->deals.presigned[i].vendor;
        const char *cloud = cfg->deals.presigned[i].cloud;
        if ((st = aim_config_check_party(cfg, ctx, i, "lab", lab, "labs", 0)) ||
            (st = aim_config_check_party(cfg, ctx, i, "vendor", vendor, "vendors", 1)) ||
            (st = aim_config_check_party(cfg, ctx, i, "cloud", cloud, "clouds", 1))) {
            return st;
        }
        char path[AIM_CONFIG_PATH_MAX + 32], item[AIM_CONFIG_PATH_MAX - 32];
        snprintf(item, sizeof item, "deals.presigned[%d]", i);
        long step = cfg->deals.presigned[i].step, start = cfg->deals.presigned[i].start_step;
        if (start >= 0 && start < step) {
            /* A contract starts when or after it is signed (MODEL.md 12.5). */
            snprintf(path, sizeof path, "%s.start_step", item);
            const char *keys[] = {path, item, NULL};
            st = aim_config_check_fail(ctx, keys,
                                       "%s = %ld is before the deal's signing step %s.step = %ld; expected a "
                                       "start at or after signing (or -1: at signing)",
                                       path, start, item, step);
            if (st) {
                return st;
            }
        }
        if (vendor[0] == '\0' && cfg->deals.presigned[i].vendor_amount > 0) {
            snprintf(path, sizeof path, "%s.vendor_amount", item);
            const char *keys[] = {path, item, NULL};
            st = aim_config_check_fail(ctx, keys, "%s > 0 needs an investing vendor; %s.vendor is empty",
                                       path, item);
            if (st) {
                return st;
            }
        }
        if (cloud[0] == '\0' &&
            (cfg->deals.presigned[i].cloud_amount > 0 || cfg->deals.presigned[i].commitment > 0 ||
             cfg->deals.presigned[i].capacity_mw > 0)) {
            snprintf(path, sizeof path, "%s.cloud", item);
            const char *keys[] = {path, item, NULL};
            st = aim_config_check_fail(
                ctx, keys,
                "%s: a cloud is required when cloud_amount, commitment or capacity_mw is "
                "positive, got an empty name",
                path);
            if (st) {
                return st;
            }
        }
    }
    return AIM_OK;
}

enum aim_status aim_config_validate(const struct aim_config *cfg)
{
    if (!cfg) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_validate: cfg is NULL");
    }
    return aim_config_check(cfg, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Output: the resolved YAML and the Markdown reference                                       */

/* A growing malloc'd text buffer. */
struct aim_config_text {
    char *buf;
    size_t len, cap;
    int failed;
};

static void aim_config_printf(struct aim_config_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void aim_config_printf(struct aim_config_text *t, const char *fmt, ...)
{
    if (t->failed) {
        return;
    }
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if (t->buf && (size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + (size_t)n + 1) {
            cap *= 2;
        }
        char *b = realloc(t->buf, cap);
        if (!b) {
            t->failed = 1;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
}

/* A string as a YAML double-quoted scalar (escapes quotes, backslashes and control bytes). */
static void aim_config_quote(struct aim_config_text *t, const char *s)
{
    aim_config_printf(t, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            aim_config_printf(t, "\\%c", *p);
        } else if (*p < 0x20 || *p == 0x7f) {
            aim_config_printf(t, "\\x%02x", *p);
        } else {
            aim_config_printf(t, "%c", *p);
        }
    }
    aim_config_printf(t, "\"");
}

/* The choice name of an enum index ("" if out of range). */
static void aim_config_choice(const char *choices, int index, char *buf, size_t size)
{
    const char *c = choices;
    for (int i = 0; *c; i++) {
        size_t k = strcspn(c, "|");
        if (i == index) {
            snprintf(buf, size, "%.*s", (int)k, c);
            return;
        }
        c += k;
        if (*c == '|') {
            c++;
        }
    }
    snprintf(buf, size, "%s", "");
}

static void aim_config_emit_value(struct aim_config_text *t, const struct aim_config_row *r, const char *base)
{
    char num[48];
    const char *field = base + r->offset;
    switch (r->type) {
    case TYPE_REAL: {
        double x;
        memcpy(&x, field, sizeof x);
        aim_config_format_real(num, sizeof num, x);
        aim_config_printf(t, "%s", num);
        break;
    }
    case TYPE_INT: {
        long v;
        memcpy(&v, field, sizeof v);
        aim_config_printf(t, "%ld", v);
        break;
    }
    case TYPE_U64: {
        uint64_t v;
        memcpy(&v, field, sizeof v);
        aim_config_printf(t, "%" PRIu64, v);
        break;
    }
    case TYPE_BOOL: {
        int v;
        memcpy(&v, field, sizeof v);
        aim_config_printf(t, "%s", v ? "true" : "false");
        break;
    }
    case TYPE_ENUM: {
        int v;
        memcpy(&v, field, sizeof v);
        aim_config_choice(r->choices, v, num, sizeof num);
        aim_config_quote(t, num);
        break;
    }
    case TYPE_STR: {
        char s[AIM_CONFIG_STR_MAX];
        memcpy(s, field, sizeof s);
        s[sizeof s - 1] = '\0';
        aim_config_quote(t, s);
        break;
    }
    case TYPE_REALS: {
        int n;
        memcpy(&n, base + r->n_offset, sizeof n);
        aim_config_printf(t, "[");
        for (int i = 0; i < n; i++) {
            double x;
            memcpy(&x, field + (size_t)i * sizeof x, sizeof x);
            aim_config_format_real(num, sizeof num, x);
            aim_config_printf(t, "%s%s", i ? ", " : "", num);
        }
        aim_config_printf(t, "]");
        break;
    }
    default:
        break;
    }
}

enum aim_status aim_config_emit(const struct aim_config *cfg, char **yaml)
{
    if (!cfg || !yaml) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_emit: cfg and yaml must not be NULL");
    }
    struct aim_config_text t = {0};
    const char *base = (const char *)cfg;
    aim_config_printf(&t, "# aimsim configuration, fully resolved: every key of sim/params.def\n");
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        if (r->kind == ROW_SECTION) {
            aim_config_printf(&t, "%s:\n", r->section);
        } else if (r->kind == ROW_PARAM) {
            aim_config_printf(&t, "  %s: ", r->key);
            aim_config_emit_value(&t, r, base);
            aim_config_printf(&t, "\n");
        } else if (r->kind == ROW_LIST) {
            int n;
            memcpy(&n, base + r->n_offset, sizeof n);
            if (n == 0) {
                aim_config_printf(&t, "  %s: []\n", r->list);
                continue;
            }
            aim_config_printf(&t, "  %s:\n", r->list);
            for (int j = 0; j < n; j++) {
                const char *item = base + r->offset + (size_t)j * r->item_size;
                int first = 1;
                for (size_t q = i + 1; q < AIM_CONFIG_NROWS && aim_config_rows[q].kind == ROW_ITEM; q++) {
                    const struct aim_config_row *f = &aim_config_rows[q];
                    aim_config_printf(&t, "%s%s: ", first ? "    - " : "      ", f->key);
                    aim_config_emit_value(&t, f, item);
                    aim_config_printf(&t, "\n");
                    first = 0;
                }
            }
        }
    }
    if (t.failed) {
        free(t.buf);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory while writing the resolved configuration");
    }
    *yaml = t.buf;
    return AIM_OK;
}

/* Markdown table cell text: '|' escaped. */
static void aim_config_cell(struct aim_config_text *t, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '|') {
            aim_config_printf(t, "\\|");
        } else {
            aim_config_printf(t, "%c", *p);
        }
    }
}

static void aim_config_doc_row(struct aim_config_text *t, const struct aim_config_row *r, const char *path)
{
    char def[96], range[160];
    char lo[40], hi[40];
    const char *type = aim_config_type_name(r->type);
    range[0] = '\0';
    switch (r->type) {
    case TYPE_REAL:
        aim_config_format_real(def, sizeof def, r->def_real);
        aim_config_format_real(lo, sizeof lo, r->lo);
        aim_config_format_real(hi, sizeof hi, r->hi);
        snprintf(range, sizeof range, "%s .. %s", lo, hi);
        break;
    case TYPE_INT:
        snprintf(def, sizeof def, "%ld", r->def_int);
        snprintf(range, sizeof range, "%ld .. %ld", r->ilo, r->ihi);
        break;
    case TYPE_U64:
        snprintf(def, sizeof def, "%" PRIu64, r->def_u64);
        snprintf(range, sizeof range, "0 .. 2^64-1");
        break;
    case TYPE_BOOL:
        snprintf(def, sizeof def, "%s", r->def_int ? "true" : "false");
        snprintf(range, sizeof range, "true, false");
        break;
    case TYPE_ENUM: {
        char c[64];
        aim_config_choice(r->choices, (int)r->def_int, c, sizeof c);
        snprintf(def, sizeof def, "%s", c);
        aim_config_choice_list(r->choices, range, sizeof range);
        break;
    }
    case TYPE_STR:
        snprintf(def, sizeof def, "\"%s\"", r->def_str);
        snprintf(range, sizeof range, "at most %d bytes", AIM_CONFIG_STR_MAX - 1);
        break;
    case TYPE_REALS:
        snprintf(def, sizeof def, "[]");
        snprintf(range, sizeof range, "at most %ld finite numbers", r->max);
        break;
    default:
        def[0] = '\0';
    }
    aim_config_printf(t, "| `%s` | %s | `%s` | %s | ", path, type, def, range);
    aim_config_cell(t, r->unit ? r->unit : "");
    aim_config_printf(t, " | ");
    aim_config_cell(t, r->doc ? r->doc : "");
    aim_config_printf(t, " |\n");
}

enum aim_status aim_config_doc_markdown(char **md)
{
    if (!md) {
        return aim_error_set(AIM_ERR_USAGE, "aim_config_doc_markdown: md must not be NULL");
    }
    struct aim_config_text t = {0};
    aim_config_printf(
        &t, "# Configuration reference\n\n"
            "Every key of an aimsim configuration, generated from `sim/params.def` (the one table\n"
            "the loader, `aimsim config show` and this page share). Do not edit by hand: after\n"
            "changing `sim/params.def`, regenerate with\n\n"
            "```\n"
            "cmake --build build --target aim_config_docgen && build/aim_config_docgen > docs/config.md\n"
            "```\n\n"
            "A configuration is a YAML mapping of sections; a key left out keeps the default below.\n"
            "Money is in $B, capacity in MW, time in months (MODEL.md 2). Lists replace their\n"
            "default (empty) list as a whole; keys left out of a list item take the item defaults.\n"
            "Overrides use the same paths: `--set deals.kappa=3`, `--set labs.firms[2].cash=12`.\n");
    aim_config_printf(
        &t,
        "\n## Reading rules\n\n"
        "- Numbers are plain YAML scalars: a quoted `\"3\"` is a string, `1.5` is not an integer, and\n"
        "  `.nan`, `.inf` and values outside a key's range are errors. Booleans are `true`/`false`.\n"
        "- Unknown sections and keys, duplicate keys, empty files, aliases, tags and a second\n"
        "  YAML document are errors; unknown names get the nearest valid one (\"did you mean\").\n"
        "- A list (`labs.firms`, `deals.presigned`) replaces the current list; at most its maximum.\n"
        "- `sweep.factors[i].values`, `range` and `sweep.cross[i].values` are sequences of numbers\n"
        "  (`[0, 0.3, 0.6]` or a block sequence); the sweep section's own rules, the designs and the\n"
        "  files that hold only a `sweep:` section are described in docs/sweeps.md.\n"
        "- Before parsing, the text must be UTF-8 without NUL or control characters, at most 1 MiB,\n"
        "  with no directive but `%%YAML 1.2`, nesting of at most 32 levels, at most 256 keys or items\n"
        "  in one mapping or sequence, 65536 entries in all and 2 escaped quotes (`''`) in one\n"
        "  single-quoted string (docs/cli.md, \"Limits on configuration text\").\n"
        "- `--set PATH=VALUE` parses VALUE as a YAML scalar (or flow sequence or mapping) with the\n"
        "  same checks: `--set macro.rate_model=vasicek`, `--set 'labs.firms[0].name=\"Open AI\"'`,\n"
        "  `--set 'deals.presigned=[]'`, `--set 'labs.firms[5]={name: New Lab, cash: 2}'` (index\n"
        "  n appends an item), `--set 'deals={kappa: 3, f_v: 0.25}'` (merges into the section).\n"
        "- Cross-field rules: at least one vendor, cloud and lab; firm names non-empty and unique\n"
        "  across vendors, clouds and labs; every `deals.presigned[i].lab` names a lab, `vendor` a\n"
        "  vendor or \"\", `cloud` a cloud or \"\" (a cloud is required when `cloud_amount`,\n"
        "  `commitment` or `capacity_mw` is positive, a vendor when `vendor_amount` is);\n"
        "  `deals.f_v + deals.f_c <= 1`; `investors.frac_fundamentalist + investors.frac_chartist\n"
        "  <= 1`; `p_min <= p_max` for clouds and vendors, and every starting price within them;\n"
        "  `investors.memory_min <= memory_max`, `reserve_min <= reserve_max`;\n"
        "  `labs.runway_min <= labs.runway_target`; `run.start_date` is YYYY-MM. A file is checked\n"
        "  against the rules that involve keys it sets (the message points at that key); the\n"
        "  rules are checked again, all of them, after the overrides.\n\n"
        "Messages name the file, line and column (or the `--set` argument), the key path and what\n"
        "was expected:\n\n"
        "```\n"
        "$ aimsim config show tests/configs/bad/unknown-key.yaml\n"
        "aimsim config show: tests/configs/bad/unknown-key.yaml:3:3: unknown key 'kapa' in section 'deals' "
        "(deals.kapa); did you mean 'kappa' (deals.kappa)?\n"
        "$ aimsim config show tests/configs/bad/quoted-number.yaml\n"
        "aimsim config show: tests/configs/bad/quoted-number.yaml:2:10: deals.kappa: expected a finite real "
        "number in [0, 100], got the quoted string \"3\"\n"
        "```\n");
    int table_open = 0;
    for (size_t i = 0; i < AIM_CONFIG_NROWS; i++) {
        const struct aim_config_row *r = &aim_config_rows[i];
        const char *header = "| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
        char path[AIM_CONFIG_PATH_MAX];
        if (r->kind == ROW_SECTION) {
            aim_config_printf(&t, "\n## %s\n\n%s.\n", r->section, r->doc);
            table_open = 0;
        } else if (r->kind == ROW_PARAM) {
            if (!table_open) {
                aim_config_printf(&t, "\n%s", header);
                table_open = 1;
            }
            snprintf(path, sizeof path, "%s.%s", r->section, r->key);
            aim_config_doc_row(&t, r, path);
        } else if (r->kind == ROW_LIST) {
            aim_config_printf(
                &t, "\n### %s.%s\n\n%s: a list of at most %ld items, each a mapping of the keys below.\n",
                r->section, r->list, r->doc, r->max);
            aim_config_printf(&t, "\n%s", header);
            table_open = 0;
        } else {
            snprintf(path, sizeof path, "%s.%s[i].%s", r->section, r->list, r->key);
            aim_config_doc_row(&t, r, path);
        }
    }
    if (t.failed) {
        free(t.buf);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory while writing the configuration reference");
    }
    *md = t.buf;
    return AIM_OK;
}
