/* Output files of `aimsim plot`: each figure's NAME.dat (whitespace-separated columns under a `#`
 * header naming every column and its unit) and NAME.gp. A file is written under a temporary name
 * in the output directory and renamed when complete, never replacing an existing file unless asked
 * (--force), so a failure or a kill leaves either the old file or the whole new one. */
#ifndef AIM_PLOT_DATA_H
#define AIM_PLOT_DATA_H

#include <stdio.h>

#include "sim/error.h"

struct aim_plot_data_file; /* opaque: a file being written under a temporary name */

/** @brief One column of a .dat file: its name and unit ("$B", "1", "YYYY-MM-DD"). */
struct aim_plot_data_column {
    const char *name;
    const char *unit;
};

/** @brief Starts writing dir/name (made as dir/.name.XXXXXX, renamed by aim_plot_data_commit). */
enum aim_status aim_plot_data_open(struct aim_plot_data_file **f, const char *dir, const char *name);
/** @brief The stream to write the file's text to. */
FILE *aim_plot_data_stream(struct aim_plot_data_file *f);
/** @brief Flushes and syncs the file and gives it its name; an existing file of that name is
 * replaced only when force is 1 (else AIM_ERR_USAGE). The temporary file is removed on failure;
 * frees f. */
enum aim_status aim_plot_data_commit(struct aim_plot_data_file *f, int force);
/** @brief Abandons the file (removes the temporary file); frees f (NULL is fine). */
void aim_plot_data_abort(struct aim_plot_data_file *f);
/** @brief Starts a figure's two files, dir/name.dat and dir/name.gp. */
enum aim_status aim_plot_data_open_pair(const char *dir, const char *name, struct aim_plot_data_file **dat,
                                        struct aim_plot_data_file **gp);
/** @brief Commits both files when status is AIM_OK (aim_plot_data_commit), else abandons them;
 * returns the first failure. */
enum aim_status aim_plot_data_commit_pair(struct aim_plot_data_file *dat, struct aim_plot_data_file *gp,
                                          enum aim_status status, int force);
/** @brief The header of a .dat file: a comment line saying what it holds, then one naming each
 * column as name[unit]. */
void aim_plot_data_header(FILE *out, const char *what, int n, const struct aim_plot_data_column *cols);
/** @brief Writes " value" with 10 significant digits, or " NaN". */
void aim_plot_data_number(FILE *out, double v);
/** @brief "YYYY-MM-01", the first day of month index month counted from start "YYYY-MM". */
void aim_plot_data_date(char *buf, size_t size, const char *start, int month);

#endif
