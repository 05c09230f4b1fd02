/* gnuplot scripts of `aimsim plot` (docs/figures.md): the terminal and style every script shares,
 * quoting of text for gnuplot, and running gnuplot as a child process with a timeout.
 *
 * Text that comes from a run file or the user (firm names, row names) reaches a script only inside
 * single quotes, where gnuplot expands neither backquotes (shell commands) nor macros nor escapes;
 * an embedded quote is doubled (see aim_plot_gp_quote for a leading one). Text holding CR, LF or another
 * control character is refused, as a line break would end the string and start a new command. Every script
 * sets `termoption noenhanced`, so `_`, `^`, `@` and braces print as they are. */
#ifndef AIM_PLOT_GP_H
#define AIM_PLOT_GP_H

#include <stdio.h>

#include "sim/error.h"

/** @brief Output formats: the gnuplot terminals pngcairo, svg and pdfcairo. */
enum aim_plot_gp_format { AIM_PLOT_GP_PNG = 0, AIM_PLOT_GP_SVG = 1, AIM_PLOT_GP_PDF = 2 };

/** @brief File extension of a format ("png", "svg", "pdf"). */
const char *aim_plot_gp_extension(enum aim_plot_gp_format format);
/** @brief Parses "png", "svg" or "pdf" into *format (AIM_ERR_USAGE otherwise). */
enum aim_status aim_plot_gp_parse_format(const char *text, enum aim_plot_gp_format *format);
/** @brief AIM_ERR_USAGE naming what (e.g. "firm name") unless text is free of control characters
 * (CR and LF included): the check every user text passes before it reaches a script. */
enum aim_status aim_plot_gp_check_text(const char *text, const char *what);
/** @brief Writes text as a single-quoted gnuplot string, embedded quotes doubled (call
 * aim_plot_gp_check_text first); a text starting with a quote gets a leading blank that the
 * substring [2:] drops, as gnuplot's scanner reads three leading quotes as an empty string. */
void aim_plot_gp_quote(FILE *out, const char *text);
/** @brief Writes "# text" as one comment line, control characters shown as '?'. */
void aim_plot_gp_comment(FILE *out, const char *text);
/** @brief The lines every script starts with: what it draws, how to rerun it, the terminal of
 * the format at width x height (pixels; points for pdf), the output file (the variable outfile
 * when given with gnuplot -e, else name.ext) and the common style. */
void aim_plot_gp_preamble(FILE *out, const char *name, const char *what, enum aim_plot_gp_format format,
                          int width, int height);
/** @brief Runs `GNUPLOT -e "outfile='output'" script` in directory dir (GNUPLOT: the
 * environment variable AIMSIM_GNUPLOT, else gnuplot from PATH), killing it after timeout_s
 * seconds. AIM_ERR_IO with gnuplot's stderr in the message if it fails, cannot start or times out;
 * *not_found = 1 when the program could not be started at all. */
enum aim_status aim_plot_gp_run(const char *dir, const char *script, const char *output, double timeout_s,
                                int *not_found);

#endif
