/* The HDF5 store and trajectory buffers, on synthetic trajectories with known values: written,
 * read back bitwise, resumed, finished; every error path. Leaves store_synthetic.h5 in the working
 * directory for the independent h5py/xarray readers (tests/test_store_xarray.py). */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/store.h"
#include "sim/traj.h"
#include "tests/aim_test.h"

/* Balance sheets every BS months: snapshots at months 0, 4 and 6 (the last month). */
enum { NP = 2, NR = 5, NT = 7, NF = 3, BS = 4, NS = 3 };

/* The synthetic value of a series: awkward, distinct per (var, point, replica, time, firm), and
 * the same formula is recomputed by tests/test_store_xarray.py. */
static double firm_value(int v, int p, int r, int t, int f)
{
    return 2.385 * (v + 1) + 0.125 * p - 1.75 * r + t / 3.0 + f * 1e-3 + (v == 3 ? 1e300 : 0.0);
}

static double market_value(int v, int p, int r, int t)
{
    return -0.618 * (v + 1) + 7.0 * p + r / 7.0 - t * 0.01;
}

/* Cell (row, col) of snapshot s: the same formula is recomputed by tests/test_store_xarray.py. */
static double bs_value(int p, int r, int s, int row, int col)
{
    return 1.375 * (row + 1) - 0.5 * col + 10.0 * s + 100.0 * p - r / 8.0;
}

/* Replica r of point p records r % 3 + p events. */
static void fill(struct aim_traj *tr, int p, int r)
{
    aim_traj_clear(tr);
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        for (int t = 0; t < NT; t++) {
            for (int f = 0; f < NF; f++) {
                tr->firm[v][t * NF + f] = firm_value(v, p, r, t, f);
            }
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        for (int t = 0; t < NT; t++) {
            tr->market[v][t] = market_value(v, p, r, t);
        }
    }
    for (int s = 0; s < NS; s++) {
        for (int i = 0; i < AIM_TRAJ_BS_CELLS; i++) {
            tr->bs[s * AIM_TRAJ_BS_CELLS + i] = bs_value(p, r, s, i / AIM_BS_COLS, i % AIM_BS_COLS);
        }
    }
    for (int k = 0; k < r % 3 + p; k++) {
        struct aim_event e = {k + 1, 1 + k % 4, r % NF, k - 1, p, {1.5 * k, -2.25 * r, 1e9 + p}};
        aim_traj_add_event(tr, &e);
    }
}

static int same_replica(const struct aim_traj *a, const struct aim_traj *b)
{
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        if (memcmp(a->firm[v], b->firm[v], sizeof(double) * NT * NF) != 0) {
            return 0;
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        if (memcmp(a->market[v], b->market[v], sizeof(double) * NT) != 0) {
            return 0;
        }
    }
    if (memcmp(a->bs, b->bs, sizeof(double) * NS * AIM_TRAJ_BS_CELLS) != 0 || a->n_events != b->n_events) {
        return 0;
    }
    for (size_t i = 0; i < a->n_events; i++) {
        const struct aim_event *x = &a->events[i], *y = &b->events[i];
        if (x->step != y->step || x->kind != y->kind || x->a != y->a || x->b != y->b || x->c != y->c ||
            memcmp(x->amount, y->amount, sizeof x->amount) != 0) {
            return 0;
        }
    }
    return 1;
}

static void test_traj(void)
{
    struct aim_traj *tr = NULL;
    aim_test(aim_traj_create(&tr, 4, 13, 5) == AIM_OK && tr, "traj: create 4 firms x 13 times");
    aim_test(tr->n_snapshots == 4, "traj: 13 months at stride 5 have snapshots 0, 5, 10 and 12");
    {
        static const int want[4] = {0, 5, 10, 12};
        int ok = 1;
        for (int s = 0; s < 4; s++) {
            ok = ok && aim_traj_snapshot_month(s, 13, 5) == want[s] &&
                 aim_traj_snapshot_index(want[s], 13, 5) == s;
        }
        aim_test(ok, "traj: snapshot months and their indices");
        aim_test(aim_traj_snapshot_index(4, 13, 5) == -1 && aim_traj_snapshot_index(11, 13, 5) == -1 &&
                     aim_traj_snapshot_index(13, 13, 5) == -1 && aim_traj_snapshot_index(-1, 13, 5) == -1,
                 "traj: other months are not snapshots");
        aim_test(aim_traj_snapshot_count(13, 12) == 2 && aim_traj_snapshot_count(13, 100) == 2 &&
                     aim_traj_snapshot_count(1, 12) == 1 && aim_traj_snapshot_count(25, 12) == 3 &&
                     aim_traj_snapshot_count(26, 12) == 4,
                 "traj: snapshot counts (the last month is always one)");
        struct aim_balance_sheet b;
        for (int i = 0; i < AIM_TRAJ_BS_CELLS; i++) {
            b.m[i / AIM_BS_COLS][i % AIM_BS_COLS] = 2.385 * i;
        }
        aim_traj_record_balance(tr, 7, &b);
        aim_test(tr->bs[AIM_TRAJ_BS_CELLS + 1] == 0.0, "traj: a month between snapshots is not recorded");
        aim_traj_record_balance(tr, 12, &b);
        aim_test(tr->bs[3 * AIM_TRAJ_BS_CELLS + 8] == 2.385 * 8 && tr->bs[3 * AIM_TRAJ_BS_CELLS - 1] == 0.0,
                 "traj: the last month is recorded in the last snapshot");
    }
    aim_test(tr->n_firms == 4 && tr->n_times == 13, "traj: sizes recorded");
    aim_test(tr->firm[AIM_FV_cash][0] == 0.0 && tr->market[AIM_MV_residual][12] == 0.0,
             "traj: series start zeroed");
    tr->firm[AIM_FIRM_VAR_COUNT - 1][4 * 13 - 1] = 2.5;
    tr->market[0][0] = 3.5;
    aim_test(tr->market[0][0] == 3.5 && tr->firm[AIM_FIRM_VAR_COUNT - 1][51] == 2.5,
             "traj: last firm cell and first market cell are distinct");
    for (int i = 0; i < 1000; i++) {
        struct aim_event e = {i, 2, i, -1, -1, {i * 0.5, 0, 0}};
        if (aim_traj_add_event(tr, &e) != AIM_OK) {
            break;
        }
    }
    aim_test(tr->n_events == 1000 && tr->events[999].step == 999 && tr->events[999].amount[0] == 499.5,
             "traj: event log grows past its initial capacity and keeps rows");
    aim_traj_clear(tr);
    aim_test(tr->n_events == 0 && tr->market[0][0] == 0.0 && tr->firm[AIM_FIRM_VAR_COUNT - 1][51] == 0.0,
             "traj: clear empties the log and zeroes the series");
    aim_test(tr->bs[3 * AIM_TRAJ_BS_CELLS + 8] == 0.0, "traj: clear zeroes the balance sheets");
    aim_test(aim_traj_bytes(4, 13, 5) >=
                 (4 * 13 * AIM_FIRM_VAR_COUNT + 13 * AIM_MARKET_VAR_COUNT + 4 * AIM_TRAJ_BS_CELLS) *
                     sizeof(double),
             "traj: bytes covers the series and the balance sheets");
    aim_traj_free(tr);
    aim_traj_free(NULL);
    aim_test(aim_traj_create(&tr, 2, 0, 12) == AIM_ERR_USAGE && !tr, "traj: zero times is a usage error");
    aim_test(aim_traj_create(&tr, 2, 13, 0) == AIM_ERR_USAGE && !tr, "traj: a zero stride is a usage error");
    aim_test(strcmp(aim_traj_firm_var_name(AIM_FV_cash), "cash") == 0, "traj: firm var 0 is cash");
    aim_test(strcmp(aim_traj_firm_var_unit(AIM_FV_cash), "$B") == 0, "traj: cash unit $B");
    aim_test(strcmp(aim_traj_market_var_name(AIM_MV_residual), "residual") == 0,
             "traj: market residual name");
    aim_test(aim_traj_market_var_doc(AIM_MV_demand)[0] != '\0', "traj: market demand has a description");
    aim_test(aim_traj_firm_var_name(-1) == NULL && aim_traj_firm_var_name(AIM_FIRM_VAR_COUNT) == NULL &&
                 aim_traj_market_var_unit(AIM_MARKET_VAR_COUNT) == NULL,
             "traj: out-of-range variable names are NULL");
}

static const char *names[NF] = {"NVIDIA", "Microsoft", "Anthropic"};
static const int kinds[NF] = {0, 1, 2};

/* The balance-sheet names as the model has them (sim/balance.c), spelled out here. */
static const char *bs_rows[AIM_BS_ROWS] = {"money",      "loans",       "funding",  "listed_shares",
                                           "lab_equity", "real_assets", "net_worth"};
static const char *bs_cols[AIM_BS_COLS] = {"investors", "market_maker", "lenders",      "vendors",
                                           "clouds",    "labs",         "rest_of_world"};

static struct aim_store_layout layout(void)
{
    return (struct aim_store_layout){NP, NR, NT, NF, names, kinds, "2025-11", BS, bs_rows, bs_cols};
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_store(void)
{
    const char *partial = "store_synthetic.h5.partial", *final = "store_synthetic.h5";
    unlink(partial);
    unlink(final);
    struct aim_store_layout lay = layout();
    struct aim_store_provenance prov = {"run:\n  seed: 2385\n", 2385, NULL, NULL};
    struct aim_store *st = NULL;
    struct aim_traj *tr = NULL, *back = NULL;
    struct stat sb;
    aim_traj_create(&tr, NF, NT, BS);
    aim_traj_create(&back, NF, NT, BS);

    aim_test(aim_store_create(&st, partial, &lay, &prov) == AIM_OK && st, "store: create %s", partial);
    if (!st) {
        aim_test(0, "store: create failed: %s", aim_error_message());
        return;
    }
    /* Point 1 in scrambled order first, then point 0 partially: position, not order, decides. */
    const int order1[NR] = {3, 0, 4, 1, 2};
    for (int i = 0; i < NR; i++) {
        fill(tr, 1, order1[i]);
        aim_test(aim_store_write_replica(st, 1, order1[i], tr) == AIM_OK, "store: write point 1 replica %d",
                 order1[i]);
    }
    fill(tr, 0, 4);
    aim_test(aim_store_write_replica(st, 0, 4, tr) == AIM_OK, "store: write point 0 replica 4");
    fill(tr, 0, 1);
    aim_test(aim_store_write_replica(st, 0, 1, tr) == AIM_OK, "store: write point 0 replica 1");
    aim_test(aim_store_replica_done(st, 0, 4) && aim_store_replica_done(st, 0, 1) &&
                 !aim_store_replica_done(st, 0, 0),
             "store: done flags of point 0 are 4 and 1 only");
    aim_test(aim_store_done_count(st, 1) == NR && aim_store_done_count(st, 0) == 2,
             "store: done counts 5 and 2");
    aim_test(!aim_store_replica_done(st, 2, 0) && !aim_store_replica_done(st, 0, NR),
             "store: out of range is not done");

    /* Error paths of writing. */
    aim_test(aim_store_write_replica(st, 0, NR, tr) == AIM_ERR_USAGE, "store: replica out of range refused");
    aim_test_contains(aim_error_message(), partial, "store: range message names the file");
    aim_test(aim_store_write_replica(st, NP, 0, tr) == AIM_ERR_USAGE, "store: point out of range refused");
    struct aim_traj *wrong = NULL;
    aim_traj_create(&wrong, NF + 1, NT, BS);
    aim_test(aim_store_write_replica(st, 0, 0, wrong) == AIM_ERR_USAGE, "store: wrong firm count refused");
    aim_test_contains(aim_error_message(), "4 firms", "store: shape message says what the trajectory has");
    aim_traj_free(wrong);
    aim_traj_create(&wrong, NF, NT, BS + 1);
    aim_test(aim_store_write_replica(st, 0, 0, wrong) == AIM_ERR_USAGE,
             "store: other balance-sheet stride refused");
    aim_test_contains(aim_error_message(), "every 5 months",
                      "store: stride message says what the trajectory has");
    aim_traj_free(wrong);
    aim_test(aim_store_close(st) == AIM_OK, "store: close unfinished");
    st = NULL;

    /* Read back what a killed run would leave: every done replica bitwise. */
    aim_test(aim_store_open_read(&st, partial) == AIM_OK, "store: reopen read-only");
    if (st) {
        int np, nr, nt, nf;
        aim_store_shape(st, &np, &nr, &nt, &nf);
        aim_test(np == NP && nr == NR && nt == NT && nf == NF, "store: shape read back 2 x 5 x 7 x 3");
        aim_test(aim_store_bs_every(st) == BS, "store: balance-sheet stride read back from the months");
        for (int r = 0; r < NR; r++) {
            fill(tr, 1, r);
            aim_test(aim_store_read_replica(st, 1, r, back) == AIM_OK && same_replica(tr, back),
                     "store: point 1 replica %d bitwise equal with %zu events", r, tr->n_events);
        }
        aim_test(aim_store_read_replica(st, 0, 0, back) == AIM_OK && isnan(back->firm[0][0]) &&
                     isnan(back->market[AIM_MV_residual][NT - 1]) &&
                     isnan(back->bs[NS * AIM_TRAJ_BS_CELLS - 1]) && back->n_events == 0,
                 "store: an unwritten replica reads as NaN with no events");
        aim_test(aim_store_write_replica(st, 0, 0, tr) == AIM_ERR_USAGE,
                 "store: writing a read-only store refused");
        aim_store_close(st);
        st = NULL;
    }

    /* Resume refuses a different config, seed or shape. */
    struct aim_store_provenance other_cfg = {"run:\n  seed: 2386\n", 2385, NULL, NULL},
                                other_seed = {prov.config_yaml, 2386, NULL, NULL};
    aim_test(aim_store_open_resume(&st, partial, &lay, &other_cfg) == AIM_ERR_USAGE && !st,
             "store: resume with another config refused");
    aim_test_contains(aim_error_message(), "different configuration",
                      "store: message says the config differs");
    aim_test(aim_store_open_resume(&st, partial, &lay, &other_seed) == AIM_ERR_USAGE && !st,
             "store: resume with another seed refused");
    aim_test_contains(aim_error_message(), "seed 2385, this run has seed 2386",
                      "store: message names both seeds");
    struct aim_store_layout bigger = lay;
    bigger.n_replicas = NR + 1;
    aim_test(aim_store_open_resume(&st, partial, &bigger, &prov) == AIM_ERR_USAGE && !st,
             "store: resume with another replica count refused");

    /* Damage two done replicas as a killed run could: the compressed chunk of point 1 replica 2
     * in /firm/debt no longer decodes, and point 1 replica 4 lacks one of its event rows (its
     * event_count says one more). Resume must keep every other done replica and drop these two. */
    {
        hid_t f = H5Fopen(partial, H5F_ACC_RDWR, H5P_DEFAULT);
        hid_t d = H5Dopen2(f, "/firm/debt", H5P_DEFAULT);
        hsize_t off[4] = {1, 2, 0, 0}, size = 0;
        haddr_t addr = 0;
        unsigned mask = 0;
        herr_t rc = H5Dget_chunk_info_by_coord(d, off, &mask, &addr, &size);
        H5Dclose(d);
        hid_t c = H5Dopen2(f, "/event_count", H5P_DEFAULT);
        int32_t counts[NP][NR];
        rc = rc >= 0 ? H5Dread(c, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) : rc;
        aim_test(rc >= 0 && counts[1][4] == 4 % 3 + 1 && counts[0][1] == 1 % 3 + 0,
                 "store: event_count holds each replica's number of events");
        counts[1][4] += 1;
        rc = rc >= 0 ? H5Dwrite(c, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) : rc;
        H5Dclose(c);
        H5Fclose(f);
        FILE *raw = fopen(partial, "r+b");
        int ok = rc >= 0 && raw && size > 8 && fseek(raw, (long)addr + 4, SEEK_SET) == 0;
        for (hsize_t i = 4; ok && i < size; i++) {
            fputc(0x5a, raw);
        }
        if (raw) {
            fclose(raw);
        }
        aim_test(ok, "store: damaged one chunk (%llu bytes at %llu) and one event count",
                 (unsigned long long)size, (unsigned long long)addr);
    }

    /* Resume: copies what reads back intact into a fresh file, which replaces the partial one. */
    aim_test(aim_store_open_resume(&st, partial, &lay, &prov) == AIM_OK && st, "store: resume (%s)",
             aim_error_message());
    if (!st) {
        return;
    }
    aim_test(aim_store_done_count(st, 0) == 2 && aim_store_replica_done(st, 0, 4) &&
                 aim_store_replica_done(st, 0, 1),
             "store: resume keeps the done replicas of point 0");
    aim_test(aim_store_done_count(st, 1) == 3 && !aim_store_replica_done(st, 1, 2) &&
                 !aim_store_replica_done(st, 1, 4),
             "store: resume drops the replica with a broken chunk and the one missing an event");
    aim_test(stat("store_synthetic.h5.partial.salvage", &sb) != 0, "store: no salvage copy left behind");
    for (int p = 0; p < NP; p++) {
        for (int r = NR - 1; r >= 0; r--) {
            if (!aim_store_replica_done(st, p, r)) {
                fill(tr, p, r);
                aim_test(aim_store_write_replica(st, p, r, tr) == AIM_OK,
                         "store: resume writes point %d replica %d", p, r);
            }
        }
    }
    aim_test(aim_store_finish(st, final) == AIM_OK, "store: finish renames to %s", final);
    aim_test(stat(final, &sb) == 0 && stat(partial, &sb) != 0, "store: final exists, partial is gone");

    st = NULL;
    aim_test(aim_store_open_read(&st, final) == AIM_OK, "store: open finished file");
    if (st) {
        int all = 1;
        for (int p = 0; p < NP; p++) {
            for (int r = 0; r < NR; r++) {
                fill(tr, p, r);
                all = all && aim_store_read_replica(st, p, r, back) == AIM_OK && same_replica(tr, back);
            }
        }
        aim_test(all, "store: all 10 replicas bitwise equal after resume and finish");
        aim_store_close(st);
    }
    char *text = NULL;
    aim_test(aim_store_describe(final, &text) == AIM_OK && text, "store: describe");
    if (text) {
        aim_test_contains(text, "shape: 2 points x 5 replicas x 7 times x 3 firms",
                          "store: describe shows the shape");
        aim_test_contains(text, "/firm/cash", "store: describe lists /firm/cash");
        aim_test_contains(text, "point=2, replica=5, time=7, firm=3",
                          "store: describe shows named dimensions");
        aim_test_contains(text, "status: complete", "store: describe shows status complete");
        aim_test_contains(text, "seed: 2385", "store: describe shows the seed");
        aim_test_contains(text, "  run:\n    seed: 2385", "store: describe shows the config indented");
        free(text);
    }

    /* Creating over an existing file is refused and leaves it alone. */
    st = NULL;
    aim_test(aim_store_create(&st, final, &lay, &prov) == AIM_ERR_IO && !st,
             "store: create over an existing file refused");
    aim_test_contains(aim_error_message(), "already exists", "store: message says it exists");
    aim_test(stat(final, &sb) == 0 && sb.st_size > 0, "store: existing file untouched");

    /* Bad layouts. */
    struct aim_store_layout bad = lay;
    bad.start_date = "2025/11";
    aim_test(aim_store_create(&st, "store_bad.h5", &bad, &prov) == AIM_ERR_USAGE,
             "store: bad start date refused");
    aim_test_contains(aim_error_message(), "YYYY-MM", "store: message says YYYY-MM");
    bad = lay;
    bad.n_replicas = 0;
    aim_test(aim_store_create(&st, "store_bad.h5", &bad, &prov) == AIM_ERR_USAGE,
             "store: zero replicas refused");
    bad = lay;
    bad.bs_every = 0;
    aim_test(aim_store_create(&st, "store_bad.h5", &bad, &prov) == AIM_ERR_USAGE,
             "store: zero balance-sheet stride refused");
    bad = lay;
    bad.bs_cols = NULL;
    aim_test(aim_store_create(&st, "store_bad.h5", &bad, &prov) == AIM_ERR_USAGE,
             "store: missing balance-sheet names refused");
    aim_test_contains(aim_error_message(), "column names", "store: message says what is missing");
    aim_test(stat("store_bad.h5", &sb) != 0, "store: no file left by refused layouts");
    aim_test(aim_store_create(&st, "no/such/dir/x.h5", &lay, &prov) == AIM_ERR_IO,
             "store: create in a missing directory fails");
    aim_test_contains(aim_error_message(), "no/such/dir/x.h5", "store: message names the path");

    /* Files that are not aimsim stores. */
    aim_test(aim_store_open_read(&st, "store_missing.h5") == AIM_ERR_IO,
             "store: missing file is an I/O error");
    aim_test_contains(aim_error_message(), "No such file", "store: message says no such file");
    write_file("store_text.h5", "this is not HDF5\n");
    aim_test(aim_store_open_read(&st, "store_text.h5") == AIM_ERR_FORMAT,
             "store: text file is a format error");
    aim_test_contains(aim_error_message(), "not a readable HDF5 file", "store: message says not HDF5");
    hid_t f = H5Fcreate("store_foreign.h5", H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    aim_test(aim_store_describe("store_foreign.h5", &text) == AIM_ERR_FORMAT,
             "store: foreign HDF5 is a format error");
    aim_test_contains(aim_error_message(), "not an aimsim trajectory file", "store: message says not aimsim");
    /* A truncated copy of a real store. */
    FILE *in = fopen(final, "rb");
    FILE *out = fopen("store_truncated.h5", "wb");
    if (in && out) {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, in);
        fwrite(buf, 1, n, out);
    }
    if (in) {
        fclose(in);
    }
    if (out) {
        fclose(out);
    }
    aim_test(aim_store_describe("store_truncated.h5", &text) != AIM_OK, "store: truncated file refused");
    aim_test_contains(aim_error_message(), "store_truncated.h5", "store: truncated message names the file");
    unlink("store_text.h5");
    unlink("store_foreign.h5");
    unlink("store_truncated.h5");
    aim_test(
        aim_store_cache_bytes(&lay) > 0 &&
            aim_store_replica_raw_bytes(&lay) ==
                (size_t)(NT * NF * AIM_FIRM_VAR_COUNT + NT * AIM_MARKET_VAR_COUNT + NS * AIM_TRAJ_BS_CELLS) *
                    8,
        "store: size estimates");
    aim_traj_free(tr);
    aim_traj_free(back);
}

/* Custom HDF5 error handler: the store must put it back after each call. */
static herr_t count_errors(hid_t stack, void *data)
{
    (void)stack;
    ++*(int *)data;
    return 0;
}

static void test_time_and_errors(void)
{
    /* Month starts from the calendar (not from this code): 2024 is a leap year, 1900 is not,
     * 2000 is; 2025-11 runs over a year end. */
    double d[13];
    aim_test(aim_store_month_days("2024-01", 4, d) == AIM_OK && d[0] == 0 && d[1] == 31 && d[2] == 60 &&
                 d[3] == 91,
             "store: 2024-01 month starts 0, 31, 60 (29 February), 91");
    aim_test(aim_store_month_days("1900-02", 2, d) == AIM_OK && d[1] == 28,
             "store: February 1900 has 28 days");
    aim_test(aim_store_month_days("2000-02", 2, d) == AIM_OK && d[1] == 29,
             "store: February 2000 has 29 days");
    aim_test(aim_store_month_days("2025-11", 13, d) == AIM_OK && d[2] == 61 && d[12] == 365,
             "store: 2025-11 + 2 months is day 61, + 12 months day 365");
    aim_test(aim_store_month_days("2025-13", 1, d) == AIM_ERR_USAGE && aim_store_month_days("25-11", 1, d),
             "store: month 13 and a two-digit year are refused");

    /* HDF5's error printing is off inside a call and restored after it, failed or not. */
    int n = 0;
    H5E_auto2_t func = NULL;
    void *data = NULL;
    H5Eset_auto2(H5E_DEFAULT, count_errors, &n);
    struct aim_store *st = NULL;
    write_file("store_not_hdf5.h5", "not an HDF5 file\n");
    aim_test(aim_store_open_read(&st, "store_not_hdf5.h5") == AIM_ERR_FORMAT && !st,
             "store: a file that is not HDF5 is AIM_ERR_FORMAT");
    aim_test(H5Eget_auto2(H5E_DEFAULT, &func, &data) >= 0 && func == count_errors && data == &n && n == 0,
             "store: the caller's HDF5 error handler is restored and was not called");
    H5Fopen("store_not_hdf5.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    aim_test(n > 0, "store: the restored handler sees the caller's own HDF5 errors");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    remove("store_not_hdf5.h5");
}

/* A unit written lazily is marked done only by a commit (or by closing the file), its data first. */
static void test_lazy(void)
{
    const char *path = "store_lazy.h5.partial";
    unlink(path);
    struct aim_store_layout lay = layout();
    struct aim_store_provenance prov = {"run:\n  seed: 2385\n", 2385, NULL, NULL};
    struct aim_store *st = NULL;
    struct aim_traj *tr = NULL, *back = NULL;
    aim_traj_create(&tr, NF, NT, BS);
    aim_traj_create(&back, NF, NT, BS);
    if (aim_store_create(&st, path, &lay, &prov) != AIM_OK) {
        aim_test(0, "lazy: create failed: %s", aim_error_message());
        return;
    }
    fill(tr, 0, 1);
    aim_test(aim_store_write_replica_lazy(st, 0, 1, tr) == AIM_OK && aim_store_replica_done(st, 0, 1),
             "lazy: the first unit (no commit yet) is marked done at once");
    fill(tr, 0, 2);
    aim_test(aim_store_write_replica_lazy(st, 0, 2, tr) == AIM_OK, "lazy: write point 0 replica 2");
    aim_test(aim_store_done_count(st, 0) == 1 && !aim_store_replica_done(st, 0, 2),
             "lazy: a unit written within a second of the last commit waits for the next (done %d)",
             aim_store_done_count(st, 0));
    aim_test(aim_store_commit(st) == AIM_OK && aim_store_done_count(st, 0) == 2 &&
                 aim_store_replica_done(st, 0, 2),
             "lazy: a commit marks it done");
    fill(tr, 0, 3);
    aim_test(aim_store_write_replica_lazy(st, 0, 3, tr) == AIM_OK && aim_store_done_count(st, 0) == 2,
             "lazy: the next waits again");
    fill(tr, 0, 0);
    aim_test(aim_store_write_replica(st, 0, 0, tr) == AIM_OK && aim_store_done_count(st, 0) == 4,
             "lazy: a unit written at once commits the waiting one with it");
    fill(tr, 1, 4);
    aim_test(aim_store_write_replica_lazy(st, 1, 4, tr) == AIM_OK, "lazy: write point 1 replica 4");
    aim_test(aim_store_close(st) == AIM_OK, "lazy: close");
    st = NULL;
    aim_test(aim_store_open_read(&st, path) == AIM_OK && st, "lazy: reopen");
    if (st) {
        aim_test(aim_store_done_count(st, 0) == 4 && aim_store_replica_done(st, 1, 4) &&
                     aim_store_done_count(st, 1) == 1,
                 "lazy: closing marked the waiting unit done");
        int same = aim_store_read_replica(st, 1, 4, back) == AIM_OK;
        fill(tr, 1, 4);
        for (int v = 0; same && v < AIM_FIRM_VAR_COUNT; v++) {
            same = memcmp(tr->firm[v], back->firm[v], sizeof(double) * NT * NF) == 0;
        }
        aim_test(same, "lazy: the unit marked at closing reads back as written");
        aim_store_close(st);
    }
    aim_traj_free(tr);
    aim_traj_free(back);
    unlink(path);
}

int main(void)
{
    test_traj();
    test_lazy();
    test_time_and_errors();
    test_store();
    return aim_test_summary();
}
