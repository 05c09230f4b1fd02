/* A check of configuration text made before the YAML parser sees it.
 *
 * libfyaml 0.7.12 has no limits of its own and some inputs break it: its directive scanner never
 * advances over a byte that is not UTF-8 ("%\x8f" loops forever), an invalid byte elsewhere is
 * dropped silently, a NUL ends the text early, and every open '[' costs hundreds of bytes (10 MB
 * of '[' takes 3.5 GB before it is refused). aim_config_scan_text refuses, before parsing:
 *   - text longer than AIM_CONFIG_SCAN_MAX_BYTES;
 *   - a NUL byte, bytes that are not UTF-8 (overlong forms, surrogates and code points past
 *     U+10FFFF included), control characters other than tab, line feed and carriage return,
 *     and the characters YAML 1.1 treats as line breaks (U+0085, U+2028, U+2029);
 *   - a line starting with '%' that is not a "%YAML 1.1" or "%YAML 1.2" directive (%TAG and
 *     reserved directives are never needed in a configuration);
 *   - more than AIM_CONFIG_SCAN_MAX_ENTRIES entries: lines with content (outside quoted and block
 *     scalars), block levels opened (below), flow collections opened and the ',' separating their
 *     items; each becomes at most a few parser nodes;
 *   - more than AIM_CONFIG_SCAN_MAX_ITEMS keys or items in one collection: lines starting at the
 *     same block level, or ',' within one flow collection;
 *   - more than AIM_CONFIG_SCAN_MAX_QUOTE_ESCAPES escaped quotes ('') in one single-quoted scalar;
 *   - nesting deeper than AIM_CONFIG_SCAN_MAX_DEPTH, counted as the open flow collections ('[',
 *     '{' that start a token, outside quoted scalars, comments and block scalars) plus the open
 *     block levels (the distinct increasing indentation columns of the lines above, where each
 *     leading "- ", "? " or ": " indicator opens a level at its own column). */
#ifndef AIM_CONFIG_SCAN_H
#define AIM_CONFIG_SCAN_H

#include <stddef.h>

#include "sim/error.h"

/** Largest configuration text accepted, in bytes (1 MiB; the seed scenario is about 10 kB). */
#define AIM_CONFIG_SCAN_MAX_BYTES ((size_t)1 << 20)
/** Most entries accepted (libfyaml keeps about 550 bytes per node, so this bounds its memory to
 * tens of MB; a full configuration has about 6000). */
#define AIM_CONFIG_SCAN_MAX_ENTRIES 65536
/** Most keys or items in one mapping or sequence (libfyaml checks duplicate keys in time that
 * grows as the square of a mapping's size; a section has at most 24 keys, a list 128 items). */
#define AIM_CONFIG_SCAN_MAX_ITEMS 256
/** Most '' escapes in one single-quoted scalar: libfyaml 0.7.12 leaks 2 kB formatting some
 * strings with more (four in a row, or three runs of two: found by tests/fuzz). */
#define AIM_CONFIG_SCAN_MAX_QUOTE_ESCAPES 2
/** Deepest nesting accepted (a configuration needs 4: section, list, item, key). */
#define AIM_CONFIG_SCAN_MAX_DEPTH 32

/** @brief Where the text is refused and why (line and col 1-based, col counted in characters). */
struct aim_config_scan_error {
    int line, col;
    char msg[256];
};

/** @brief Checks text against the limits above; AIM_ERR_CONFIG with *err filled if it breaks one. */
enum aim_status aim_config_scan_text(const char *text, size_t len, struct aim_config_scan_error *err);

/** @brief 1 if the n bytes at s are valid UTF-8 without NUL (no overlongs, surrogates), else 0. */
int aim_config_scan_utf8_valid(const char *s, size_t n);

#endif
