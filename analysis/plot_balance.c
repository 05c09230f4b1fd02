#include "analysis/plot_balance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot_data.h"

/* Colour of a cell: sign(v) log10(1 + |v|), so that cells of $1B and $10,000B both show. */
static double aim_plot_balance_colour(double v)
{
    return v == 0.0 || !isfinite(v) ? 0.0 : copysign(log10(1.0 + fabs(v)), v);
}

enum aim_status aim_plot_balance_matrix(struct aim_plot_spec *sp)
{
    const struct aim_plot_run *run = sp->run;
    const int nt = run->n_times;
    const int replica = sp->replica >= 0 ? sp->replica : 0;
    int k = -1;
    for (int i = 0; i < run->n_done; i++) {
        k = run->replicas[i] == replica ? i : k;
    }
    if (k < 0) {
        return aim_error_set(AIM_ERR_USAGE, "--replica %d is not a complete replica of point %d (0 to %d)",
                             replica, run->point, run->n_replicas - 1);
    }
    const int month = sp->month >= 0 ? sp->month : nt - 1;
    const int snap = month < nt ? aim_traj_snapshot_index(month, nt, run->bs_every) : -1;
    if (snap < 0) {
        return aim_error_set(
            AIM_ERR_USAGE,
            "--month %d has no stored balance sheet (run.balance_sheet_every = %d: months 0, %d, "
            "... and the last month, %d)",
            month, run->bs_every, run->bs_every, nt - 1);
    }
    for (int i = 0; i < AIM_BS_ROWS; i++) {
        enum aim_status s = aim_plot_gp_check_text(run->bs_rows[i], "balance-sheet row name");
        if (s) {
            return s;
        }
    }
    for (int i = 0; i < AIM_BS_COLS; i++) {
        enum aim_status s = aim_plot_gp_check_text(run->bs_cols[i], "balance-sheet column name");
        if (s) {
            return s;
        }
    }
    const double *m = run->bs + ((size_t)k * (size_t)run->n_snapshots + (size_t)snap) * AIM_TRAJ_BS_CELLS;
    struct aim_plot_data_file *df = NULL, *gf = NULL;
    enum aim_status s = aim_plot_data_open_pair(sp->dir, sp->name, &df, &gf);
    if (s) {
        return s;
    }
    char when[16], what[320];
    aim_plot_data_date(when, sizeof when, run->start_date, month);
    when[7] = '\0';
    snprintf(
        what, sizeof what,
        "balance-sheet matrix (/balance_sheet) of replica %d, point %d, at the end of month %d (%s): row "
        "r = instrument, column c = sector, $B, assets + and liabilities -",
        replica, run->point, month, when);
    FILE *out = aim_plot_data_stream(df);
    aim_plot_gp_comment(out, what);
    for (int r = 0; r < AIM_BS_ROWS; r++) {
        fprintf(out, "# row %d: %s\n", r, run->bs_rows[r]);
    }
    for (int c = 0; c < AIM_BS_COLS; c++) {
        fprintf(out, "# column %d: %s\n", c, run->bs_cols[c]);
    }
    fputs("# column[index] row[index] value[$B] colour[sign(v)*log10(1+|v|/$B)]\n", out);
    double vmax = 1.0;
    for (int c = 0; c < AIM_BS_COLS; c++) {
        for (int r = 0; r < AIM_BS_ROWS; r++) {
            double v = m[r * AIM_BS_COLS + c];
            fprintf(out, "%d %d", c, r);
            aim_plot_data_number(out, v);
            aim_plot_data_number(out, aim_plot_balance_colour(v));
            fputc('\n', out);
            vmax = fmax(vmax, fabs(aim_plot_balance_colour(v)));
        }
        fputc('\n', out);
    }
    snprintf(sp->note, sizeof sp->note, "replica %d at month %d (%s)", replica, month, when);
    FILE *gp = aim_plot_data_stream(gf);
    aim_plot_gp_preamble(gp, sp->name, "balance-sheet matrix as a heatmap, values in $B", sp->format,
                         sp->width, sp->height);
    const double top = ceil(vmax);
    fprintf(
        gp,
        "set title 'Balance sheet of replica %d (point %d) at the end of %s, $B: assets +, liabilities -'\n"
        "unset grid\n"
        "unset key\n"
        "set border 0\n"
        "set tics scale 0\n"
        "set xrange [-0.5:%d.5]\n"
        "set yrange [%d.5:-0.5]\n"
        "set xlabel 'sector'\n"
        "set xtics font ',10'\n"
        "set ylabel 'instrument'\n"
        "set lmargin 13\n"
        "set rmargin 12\n"
        "set palette defined (-1 '#ef8a62', 0 '#f7f7f7', 1 '#67a9cf')\n"
        "set cbrange [%g:%g]\n"
        "set cblabel 'sign x log10(1 + |value| / $B)'\n",
        replica, run->point, when, AIM_BS_COLS - 1, AIM_BS_ROWS - 1, -top, top);
    /* Colour-bar tics at +-1, 10, 100, ... $B, where the colour scale puts them. */
    fputs("set cbtics ('0' 0", gp);
    for (int j = 1; j < (int)top; j++) {
        double at = log10(1.0 + pow(10.0, j));
        fprintf(gp, ", '%.0f' %.6f, '-%.0f' %.6f", pow(10.0, j), at, pow(10.0, j), -at);
    }
    fputs(")\n", gp);
    fputs("set xtics (", gp);
    for (int c = 0; c < AIM_BS_COLS; c++) {
        fputs(c ? ", " : "", gp);
        aim_plot_gp_quote(gp, run->bs_cols[c]);
        fprintf(gp, " %d", c);
    }
    fputs(")\nset ytics (", gp);
    for (int r = 0; r < AIM_BS_ROWS; r++) {
        fputs(r ? ", " : "", gp);
        aim_plot_gp_quote(gp, run->bs_rows[r]);
        fprintf(gp, " %d", r);
    }
    fprintf(gp,
            ")\n"
            "cell(v) = v == 0 ? '0' : abs(v) < 10 ? sprintf('%%.2f', v) : sprintf('%%.0f', v)\n"
            "plot '%s.dat' using 1:2:4 with image pixels, \\\n"
            "     '' using 1:2:(cell($3)) with labels font ',10' tc rgb '#000000'\n",
            sp->name);
    return aim_plot_data_commit_pair(df, gf, AIM_OK, sp->force);
}
