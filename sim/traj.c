/* Trajectory buffers of one replica and the name tables of sim/traj.def. */
#include "sim/traj.h"

#include <stdlib.h>
#include <string.h>

/* Name, unit and description of each recorded variable, in traj.def order. */
struct aim_traj_var_info {
    const char *name, *unit, *doc;
};

static const struct aim_traj_var_info aim_traj_firm_info[AIM_FIRM_VAR_COUNT] = {
#define AIM_FIRM_VAR(name, unit, doc) {#name, unit, doc},
#include "sim/traj.def"
};

static const struct aim_traj_var_info aim_traj_market_info[AIM_MARKET_VAR_COUNT] = {
#define AIM_MARKET_VAR(name, unit, doc) {#name, unit, doc},
#include "sim/traj.def"
};

/* The event log starts with room for this many rows; a replica that records more grows it. */
enum { AIM_TRAJ_EVENTS_INITIAL = 256 };

int aim_traj_snapshot_count(int n_times, int every)
{
    if (n_times < 1 || every < 1) {
        return 0;
    }
    int last = n_times - 1;
    return last / every + 1 + (last % every != 0);
}

int aim_traj_snapshot_month(int s, int n_times, int every)
{
    int last = n_times - 1;
    long m = (long)s * every;
    return m < last ? (int)m : last;
}

int aim_traj_snapshot_index(int t, int n_times, int every)
{
    if (t < 0 || t >= n_times || every < 1) {
        return -1;
    }
    if (t % every == 0) {
        return t / every;
    }
    return t == n_times - 1 ? t / every + 1 : -1;
}

enum aim_status aim_traj_create(struct aim_traj **out, int n_firms, int n_times, int bs_every)
{
    *out = NULL;
    if (n_firms < 0 || n_times < 1 || bs_every < 1) {
        return aim_error_set(
            AIM_ERR_USAGE,
            "aim_traj_create: need n_firms >= 0, n_times >= 1 and bs_every >= 1 (got %d, %d, %d)", n_firms,
            n_times, bs_every);
    }
    struct aim_traj *tr = calloc(1, sizeof *tr);
    if (!tr) {
        return aim_error_set(AIM_ERR_NOMEM, "aim_traj_create: out of memory");
    }
    tr->n_firms = n_firms;
    tr->n_times = n_times;
    tr->bs_every = bs_every;
    tr->n_snapshots = aim_traj_snapshot_count(n_times, bs_every);
    size_t nf = (size_t)n_firms * (size_t)n_times;
    /* One block for every series: firm variables first, then market variables, then the
     * balance-sheet snapshots. */
    size_t total = nf * AIM_FIRM_VAR_COUNT + (size_t)n_times * AIM_MARKET_VAR_COUNT +
                   (size_t)tr->n_snapshots * AIM_TRAJ_BS_CELLS;
    double *block = calloc(total ? total : 1, sizeof *block);
    tr->events = malloc(AIM_TRAJ_EVENTS_INITIAL * sizeof *tr->events);
    if (!block || !tr->events) {
        free(block);
        free(tr->events);
        free(tr);
        return aim_error_set(AIM_ERR_NOMEM, "aim_traj_create: out of memory for %d firms x %d times", n_firms,
                             n_times);
    }
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        tr->firm[v] = block + (size_t)v * nf;
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        tr->market[v] = block + nf * AIM_FIRM_VAR_COUNT + (size_t)v * (size_t)n_times;
    }
    tr->bs = block + nf * AIM_FIRM_VAR_COUNT + (size_t)n_times * AIM_MARKET_VAR_COUNT;
    tr->cap_events = AIM_TRAJ_EVENTS_INITIAL;
    *out = tr;
    return AIM_OK;
}

void aim_traj_free(struct aim_traj *tr)
{
    if (!tr) {
        return;
    }
    free(tr->firm[0]); /* the one block holding every series */
    free(tr->events);
    free(tr);
}

void aim_traj_clear(struct aim_traj *tr)
{
    size_t nf = (size_t)tr->n_firms * (size_t)tr->n_times;
    memset(tr->firm[0], 0,
           (nf * AIM_FIRM_VAR_COUNT + (size_t)tr->n_times * AIM_MARKET_VAR_COUNT +
            (size_t)tr->n_snapshots * AIM_TRAJ_BS_CELLS) *
               sizeof(double));
    tr->n_events = 0;
}

enum aim_status aim_traj_add_event(struct aim_traj *tr, const struct aim_event *ev)
{
    if (tr->n_events == tr->cap_events) {
        size_t cap = tr->cap_events * 2;
        struct aim_event *grown = realloc(tr->events, cap * sizeof *grown);
        if (!grown) {
            return aim_error_set(AIM_ERR_NOMEM, "aim_traj_add_event: out of memory for %zu events", cap);
        }
        tr->events = grown;
        tr->cap_events = cap;
    }
    tr->events[tr->n_events++] = *ev;
    return AIM_OK;
}

void aim_traj_record_balance(struct aim_traj *tr, int t, const struct aim_balance_sheet *bs)
{
    int s = aim_traj_snapshot_index(t, tr->n_times, tr->bs_every);
    if (s >= 0) {
        memcpy(tr->bs + (size_t)s * AIM_TRAJ_BS_CELLS, &bs->m[0][0], AIM_TRAJ_BS_CELLS * sizeof(double));
    }
}

size_t aim_traj_bytes(int n_firms, int n_times, int bs_every)
{
    size_t nf = (size_t)(n_firms > 0 ? n_firms : 0) * (size_t)(n_times > 0 ? n_times : 0);
    return sizeof(struct aim_traj) +
           (nf * AIM_FIRM_VAR_COUNT + (size_t)(n_times > 0 ? n_times : 0) * AIM_MARKET_VAR_COUNT +
            (size_t)aim_traj_snapshot_count(n_times, bs_every) * AIM_TRAJ_BS_CELLS) *
               sizeof(double) +
           AIM_TRAJ_EVENTS_INITIAL * sizeof(struct aim_event);
}

static const char *aim_traj_pick(const struct aim_traj_var_info *t, int n, int v, int field)
{
    if (v < 0 || v >= n) {
        return NULL;
    }
    return field == 0 ? t[v].name : field == 1 ? t[v].unit : t[v].doc;
}

const char *aim_traj_firm_var_name(int v)
{
    return aim_traj_pick(aim_traj_firm_info, AIM_FIRM_VAR_COUNT, v, 0);
}

const char *aim_traj_firm_var_unit(int v)
{
    return aim_traj_pick(aim_traj_firm_info, AIM_FIRM_VAR_COUNT, v, 1);
}

const char *aim_traj_firm_var_doc(int v)
{
    return aim_traj_pick(aim_traj_firm_info, AIM_FIRM_VAR_COUNT, v, 2);
}

const char *aim_traj_market_var_name(int v)
{
    return aim_traj_pick(aim_traj_market_info, AIM_MARKET_VAR_COUNT, v, 0);
}

const char *aim_traj_market_var_unit(int v)
{
    return aim_traj_pick(aim_traj_market_info, AIM_MARKET_VAR_COUNT, v, 1);
}

const char *aim_traj_market_var_doc(int v)
{
    return aim_traj_pick(aim_traj_market_info, AIM_MARKET_VAR_COUNT, v, 2);
}
