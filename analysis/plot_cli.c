#include "analysis/plot_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/plot_balance.h"
#include "analysis/plot_data.h"
#include "analysis/plot_risk.h"
#include "analysis/plot_sensitivity.h"
#include "analysis/plot_series.h"
#include "analysis/plot_sweep.h"
#include "sim/cli.h"

/* The figures, in the order they are made. applies says whether a file can have the figure. */
struct aim_plot_cli_figure {
    const char *name;
    enum aim_status (*write)(struct aim_plot_spec *sp);
    int (*applies)(const struct aim_plot_run *run, char *why, size_t size);
    const char *summary;
};

static const struct aim_plot_cli_figure aim_plot_cli_figures[] = {
    {"value", aim_plot_series_value, NULL, "AI market value, fan chart across replicas, and the fundamental"},
    {"circularity", aim_plot_series_circularity, NULL,
     "circularity indices and value/fundamental, fan charts"},
    {"concentration", aim_plot_series_concentration, NULL,
     "HHI of valuations per layer, medians and p25-p75"},
    {"firms", aim_plot_series_firms, NULL, "median valuation per firm, log scale"},
    {"crash", aim_plot_risk_crash, NULL, "crash probability by month (Wilson 95%) and crash start months"},
    {"bsadf", aim_plot_risk_bsadf, aim_plot_risk_bsadf_applies,
     "one replica's log value and BSADF, episodes shaded"},
    {"balance", aim_plot_balance_matrix, NULL, "balance-sheet matrix of a replica at a month, heatmap"},
    {"heatmap", aim_plot_sweep_heatmap, aim_plot_sweep_heatmap_applies,
     "sweep: an indicator over two factors"},
    {"response", aim_plot_sweep_response, aim_plot_sweep_response_applies,
     "sweep: an indicator over one factor"},
    {"sensitivity", aim_plot_sensitivity_figure, aim_plot_sensitivity_applies,
     "sweep: Sobol S1/ST or Morris mu*/sigma"},
};
#define AIM_PLOT_CLI_N_FIGURES ((int)(sizeof aim_plot_cli_figures / sizeof *aim_plot_cli_figures))

static void aim_plot_cli_usage(FILE *out)
{
    fputs("Usage: aimsim plot RUN.h5 [--figure NAME]... [--format png|svg|pdf] [-o DIR] [options]\n"
          "Writes figures of a run file: for each, NAME.dat (the plotted numbers), NAME.gp (a gnuplot\n"
          "script: `gnuplot NAME.gp` in DIR renders it again) and NAME.png/.svg/.pdf rendered by gnuplot,\n"
          "then prints the paths. Without --figure, every figure the file can have.\n\n"
          "Figures:\n",
          out);
    for (int i = 0; i < AIM_PLOT_CLI_N_FIGURES; i++) {
        fprintf(out, "  %-13s %s\n", aim_plot_cli_figures[i].name, aim_plot_cli_figures[i].summary);
    }
    fputs("\nOptions:\n"
          "  -f, --figure NAME       a figure to make (repeat for several; default: all that apply)\n"
          "      --format FMT        png (default), svg or pdf\n"
          "  -o, --output DIR        directory of the files (default: .; created if missing)\n"
          "      --force             replace existing files of the same names\n"
          "      --point P           sweep point of the time-series figures (default 0)\n"
          "      --replica R         bsadf: replica (default: the median by GSADF); balance: (default 0)\n"
          "      --month M           balance: snapshot month (default: the last)\n"
          "      --indicator NAME    heatmap, response: crash_probability (default), bubble_share,\n"
          "                          circularity, vf or hhi; sensitivity: the same\n"
          "      --crash-drawdown X  a crash is a fall of at least X (default: the run's config)\n"
          "      --crash-window N    ... within N months (default: the run's config)\n"
          "      --size WxH          image size in pixels (default 960x600)\n"
          "      --timeout S         stop gnuplot after S seconds (default 60)\n"
          "      --no-render         write the .dat and .gp files only\n"
          "      --partial           use the complete replicas of an unfinished run\n"
          "  -h, --help              this help\n\n"
          "gnuplot is the program AIMSIM_GNUPLOT names, else gnuplot from PATH.\n"
          "Exit status: 0 ok, 1 gnuplot failed or missing (the .dat and .gp files are written) or a\n"
          "write failed, 2 usage error or bad input file.\n",
          out);
}

static int aim_plot_cli_usage_error(const char *msg)
{
    fprintf(stderr, "aimsim plot: %s (aimsim plot --help)\n", msg);
    return 2;
}

/* mkdir -p: every missing directory of path. */
static enum aim_status aim_plot_cli_mkdirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        return aim_error_set(AIM_ERR_USAGE, "-o: the directory name is longer than %zu bytes",
                             sizeof buf - 1);
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char keep = *p;
            *p = '\0';
            struct stat sb;
            if (stat(buf, &sb) != 0) {
                if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                    return aim_error_set(AIM_ERR_USAGE, "-o %s: cannot create the directory %s: %s", path,
                                         buf, strerror(errno));
                }
            } else if (!S_ISDIR(sb.st_mode)) {
                return aim_error_set(AIM_ERR_USAGE, "-o %s: %s is not a directory", path, buf);
            }
            *p = keep;
            if (!keep) {
                break;
            }
        }
    }
    if (access(path, W_OK | X_OK) != 0) {
        return aim_error_set(AIM_ERR_USAGE, "-o %s: the directory is not writable (%s)", path,
                             strerror(errno));
    }
    return AIM_OK;
}

struct aim_plot_cli_args {
    const char *run, *dir, *indicator;
    int chosen[16], n_chosen;
    enum aim_plot_gp_format format;
    int force, render, partial;
    long point, replica, month, crash_window, width, height;
    double crash_drawdown, timeout;
};

static int aim_plot_cli_figure_index(const char *name)
{
    for (int i = 0; i < AIM_PLOT_CLI_N_FIGURES; i++) {
        if (strcmp(name, aim_plot_cli_figures[i].name) == 0) {
            return i;
        }
    }
    return -1;
}

/* Parses the options; returns -1 to go on, else the exit status. */
static int aim_plot_cli_parse(int argc, char **argv, struct aim_plot_cli_args *a)
{
    enum {
        O_FORMAT = 256,
        O_FORCE,
        O_POINT,
        O_REPLICA,
        O_MONTH,
        O_IND,
        O_CD,
        O_CW,
        O_SIZE,
        O_TIMEOUT,
        O_NORENDER,
        O_PARTIAL
    };
    static const struct option opts[] = {{"figure", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"format", required_argument, NULL, O_FORMAT},
                                         {"force", no_argument, NULL, O_FORCE},
                                         {"point", required_argument, NULL, O_POINT},
                                         {"replica", required_argument, NULL, O_REPLICA},
                                         {"month", required_argument, NULL, O_MONTH},
                                         {"indicator", required_argument, NULL, O_IND},
                                         {"crash-drawdown", required_argument, NULL, O_CD},
                                         {"crash-window", required_argument, NULL, O_CW},
                                         {"size", required_argument, NULL, O_SIZE},
                                         {"timeout", required_argument, NULL, O_TIMEOUT},
                                         {"no-render", no_argument, NULL, O_NORENDER},
                                         {"partial", no_argument, NULL, O_PARTIAL},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    *a = (struct aim_plot_cli_args){
        .dir = ".", .render = 1, .replica = -1, .month = -1, .width = 960, .height = 600, .timeout = 60.0};
    char msg[512];
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:h", opts, NULL)) != -1) {
        enum aim_status s = AIM_OK;
        char *end = NULL;
        switch (c) {
        case 'h':
            aim_plot_cli_usage(stdout);
            return 0;
        case 'f': {
            int k = aim_plot_cli_figure_index(optarg);
            if (k < 0) {
                snprintf(msg, sizeof msg,
                         "--figure \"%.100s\": no such figure; the figures are value, circularity, "
                         "concentration, firms, crash, bsadf, balance, heatmap, response, sensitivity",
                         optarg);
                return aim_plot_cli_usage_error(msg);
            }
            int dup = 0;
            for (int i = 0; i < a->n_chosen; i++) {
                dup |= a->chosen[i] == k;
            }
            if (!dup && a->n_chosen < 16) {
                a->chosen[a->n_chosen++] = k;
            }
            break;
        }
        case 'o':
            a->dir = optarg;
            break;
        case O_FORMAT:
            s = aim_plot_gp_parse_format(optarg, &a->format);
            break;
        case O_FORCE:
            a->force = 1;
            break;
        case O_POINT:
            s = aim_cli_parse_long(optarg, 0, 1L << 30, "--point", &a->point);
            break;
        case O_REPLICA:
            s = aim_cli_parse_long(optarg, 0, 1L << 30, "--replica", &a->replica);
            break;
        case O_MONTH:
            s = aim_cli_parse_long(optarg, 0, 1L << 30, "--month", &a->month);
            break;
        case O_IND:
            a->indicator = optarg;
            break;
        case O_CD:
            a->crash_drawdown = strtod(optarg, &end);
            if (end == optarg || *end || !(a->crash_drawdown > 0 && a->crash_drawdown < 1)) {
                s = aim_error_set(AIM_ERR_USAGE, "--crash-drawdown \"%s\": give a number between 0 and 1",
                                  optarg);
            }
            break;
        case O_CW:
            s = aim_cli_parse_long(optarg, 1, 1L << 20, "--crash-window", &a->crash_window);
            break;
        case O_SIZE:
            if (sscanf(optarg, "%ldx%ld", &a->width, &a->height) != 2 || a->width < 200 || a->height < 150 ||
                a->width > 10000 || a->height > 10000) {
                s = aim_error_set(AIM_ERR_USAGE,
                                  "--size \"%s\": give WIDTHxHEIGHT in pixels, 200x150 to 10000x10000",
                                  optarg);
            }
            break;
        case O_TIMEOUT:
            a->timeout = strtod(optarg, &end);
            if (end == optarg || *end || !(a->timeout > 0 && a->timeout <= 86400)) {
                s = aim_error_set(AIM_ERR_USAGE,
                                  "--timeout \"%s\": give seconds, more than 0 and at most 86400", optarg);
            }
            break;
        case O_NORENDER:
            a->render = 0;
            break;
        case O_PARTIAL:
            a->partial = 1;
            break;
        case ':':
            snprintf(msg, sizeof msg, "%s needs a value", argv[optind - 1]);
            return aim_plot_cli_usage_error(msg);
        default:
            snprintf(msg, sizeof msg, "unknown option %s", argv[optind - 1]);
            return aim_plot_cli_usage_error(msg);
        }
        if (s) {
            return aim_plot_cli_usage_error(aim_error_message());
        }
    }
    if (optind != argc - 1) {
        return aim_plot_cli_usage_error(optind >= argc ? "give one run file (RUN.h5)"
                                                       : "give exactly one run file");
    }
    a->run = argv[optind];
    return -1;
}

/* Refuses (exit 2) when a file the figure would write exists and --force is not given. */
static int aim_plot_cli_exists(const struct aim_plot_cli_args *a, const char *name)
{
    const char *ext[3] = {"dat", "gp", aim_plot_gp_extension(a->format)};
    for (int k = 0; k < (a->render ? 3 : 2); k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.%s", a->dir, name, ext[k]);
        if (access(path, F_OK) == 0) {
            fprintf(stderr, "aimsim plot: %s exists; use --force to replace it or -o another directory\n",
                    path);
            return 1;
        }
    }
    return 0;
}

/* Renders one figure: gnuplot writes .NAME.EXT.partial, renamed to NAME.EXT when it succeeds. */
static enum aim_status aim_plot_cli_render(const struct aim_plot_cli_args *a, const char *name,
                                           int *not_found)
{
    const char *ext = aim_plot_gp_extension(a->format);
    char script[300], tmp[300], tmp_path[4400], path[4400];
    snprintf(script, sizeof script, "%s.gp", name);
    snprintf(tmp, sizeof tmp, ".%s.%s.partial", name, ext);
    snprintf(tmp_path, sizeof tmp_path, "%s/%s", a->dir, tmp);
    snprintf(path, sizeof path, "%s/%s.%s", a->dir, name, ext);
    unlink(tmp_path);
    enum aim_status s = aim_plot_gp_run(a->dir, script, tmp, a->timeout, not_found);
    if (!s) {
        if (a->force ? rename(tmp_path, path) != 0 : link(tmp_path, path) != 0) {
            s = errno == EEXIST ? aim_error_set(AIM_ERR_USAGE, "%s exists; use --force to replace it", path)
                                : aim_error_set(AIM_ERR_IO, "cannot create %s: %s", path, strerror(errno));
        }
    }
    unlink(tmp_path);
    return s;
}

/* Every text of the file that a script may show (firm names, factor keys, balance-sheet names)
 * passes aim_plot_gp_check_text before anything is written. */
static enum aim_status aim_plot_cli_check_names(const struct aim_plot_run *run)
{
    enum aim_status s = AIM_OK;
    for (int f = 0; !s && f < run->n_firms; f++) {
        s = aim_plot_gp_check_text(run->firm_names[f], "firm name");
    }
    for (int k = 0; !s && k < run->n_factors; k++) {
        s = aim_plot_gp_check_text(run->factor_keys[k], "sweep factor key");
    }
    for (int i = 0; !s && i < AIM_BS_ROWS; i++) {
        s = aim_plot_gp_check_text(run->bs_rows[i], "balance-sheet row name");
    }
    for (int i = 0; !s && i < AIM_BS_COLS; i++) {
        s = aim_plot_gp_check_text(run->bs_cols[i], "balance-sheet column name");
    }
    return s ? aim_error_prefix(s, "%s: ", run->path) : s;
}

/* --replica and --month name a complete replica and a snapshot month, checked before anything is
 * written (the figures check them again). */
static enum aim_status aim_plot_cli_check_choices(const struct aim_plot_run *run,
                                                  const struct aim_plot_cli_args *a)
{
    int found = a->replica < 0;
    for (int k = 0; k < run->n_done; k++) {
        found |= run->replicas[k] == a->replica;
    }
    if (!found) {
        return aim_error_set(AIM_ERR_USAGE,
                             "%s: --replica %ld is not a complete replica of point %d (0 to %d)", run->path,
                             a->replica, run->point, run->n_replicas - 1);
    }
    if (a->month >= 0 && (a->month >= run->n_times ||
                          aim_traj_snapshot_index((int)a->month, run->n_times, run->bs_every) < 0)) {
        return aim_error_set(
            AIM_ERR_USAGE,
            "%s: --month %ld has no stored balance sheet (run.balance_sheet_every = %d: months 0, "
            "%d, ... and the last month, %d)",
            run->path, a->month, run->bs_every, run->bs_every, run->n_times - 1);
    }
    return AIM_OK;
}

int aim_plot_cli_main(int argc, char **argv)
{
    struct aim_plot_cli_args a;
    int rc = aim_plot_cli_parse(argc, argv, &a);
    if (rc >= 0) {
        return rc;
    }
    struct aim_analyze_options opt;
    aim_analyze_options_init(&opt);
    opt.crash_drawdown = a.crash_drawdown;
    opt.crash_window = (int)a.crash_window;
    opt.partial = a.partial;
    struct aim_plot_run *run = NULL;
    enum aim_status s = aim_plot_run_load(&run, a.run, (int)a.point, &opt);
    s = s ? s : aim_plot_cli_check_names(run);
    s = s ? s : aim_plot_cli_check_choices(run, &a);
    if (s) {
        fprintf(stderr, "aimsim plot: %s\n", aim_error_message());
        aim_plot_run_free(run);
        return aim_error_exit_code(s) == 1 ? 1 : 2;
    }
    /* Which figures: those asked for (each must apply), or every one that applies. */
    int todo[AIM_PLOT_CLI_N_FIGURES], n = 0;
    char why[512];
    for (int i = 0; i < (a.n_chosen ? a.n_chosen : AIM_PLOT_CLI_N_FIGURES); i++) {
        int k = a.n_chosen ? a.chosen[i] : i;
        const struct aim_plot_cli_figure *fig = &aim_plot_cli_figures[k];
        why[0] = '\0';
        if (fig->applies && !fig->applies(run, why, sizeof why)) {
            if (a.n_chosen) {
                fprintf(stderr, "aimsim plot: %s: no %s figure: %s\n", a.run, fig->name, why);
                aim_plot_run_free(run);
                return 2;
            }
            continue;
        }
        todo[n++] = k;
    }
    s = aim_plot_cli_mkdirs(a.dir);
    if (s) {
        fprintf(stderr, "aimsim plot: %s\n", aim_error_message());
        aim_plot_run_free(run);
        return 2;
    }
    for (int i = 0; !a.force && i < n; i++) {
        if (aim_plot_cli_exists(&a, aim_plot_cli_figures[todo[i]].name)) {
            aim_plot_run_free(run);
            return 2;
        }
    }
    int not_found = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        const struct aim_plot_cli_figure *fig = &aim_plot_cli_figures[todo[i]];
        struct aim_plot_spec sp = {.run = run,
                                   .dir = a.dir,
                                   .name = fig->name,
                                   .force = a.force,
                                   .format = a.format,
                                   .replica = (int)a.replica,
                                   .month = (int)a.month,
                                   .indicator = a.indicator,
                                   .width = (int)a.width,
                                   .height = (int)a.height};
        s = fig->write(&sp);
        if (s) {
            fprintf(stderr, "aimsim plot: %s: %s\n", fig->name, aim_error_message());
            aim_plot_run_free(run);
            return aim_error_exit_code(s);
        }
        printf("%s/%s.dat\n%s/%s.gp\n", a.dir, fig->name, a.dir, fig->name);
        fflush(stdout);
        s = a.render && !not_found ? aim_plot_cli_render(&a, fig->name, &not_found) : AIM_OK;
        if (!s && a.render && !not_found) {
            printf("%s/%s.%s\n", a.dir, fig->name, aim_plot_gp_extension(a.format));
            fflush(stdout);
        }
        if (sp.note[0]) {
            fprintf(stderr, "aimsim plot: %s: %s\n", fig->name, sp.note);
        }
        if (s) {
            fprintf(stderr, "aimsim plot: %s: %s\n", fig->name, aim_error_message());
            failed = 1;
            if (not_found) {
                fprintf(stderr,
                        "aimsim plot: the .dat and .gp files are written; render them later with "
                        "`gnuplot NAME.gp` in %s\n",
                        a.dir);
            }
        }
    }
    aim_plot_run_free(run);
    return failed ? 1 : 0;
}
