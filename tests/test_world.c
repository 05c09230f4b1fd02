/* The world of one replica on a reduced seed scenario: stock-flow residual in every step,
 * provenance with and without strategic deals, circularity rising with kappa, fundamentalist
 * markets near fundamentals, determinism across runs and thread counts, error paths. */
#include "agents/labs.h"
#include "sim/config.h"
#include "sim/world.h"
#include "tests/aim_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int verbose;

/* The seed scenario with fewer investors and months, so a replica runs in a fraction of a second. */
static struct aim_config *seed_config(int investors, int steps)
{
    struct aim_config *cfg = NULL;
    char path[4096], set[128];
    if (aim_config_create(&cfg) != AIM_OK ||
        aim_config_load_file(cfg, aim_test_source_path(path, sizeof path, "configs/seed-2025.yaml")) !=
            AIM_OK) {
        printf("cannot load the seed scenario: %s\n", aim_error_message());
        exit(1);
    }
    snprintf(set, sizeof set, "investors.count=%d", investors);
    aim_config_set(cfg, set);
    snprintf(set, sizeof set, "run.steps=%d", steps);
    aim_config_set(cfg, set);
    return cfg;
}

/* Runs replica r and returns its trajectories (caller frees); NULL on failure. */
static struct aim_traj *run(const struct aim_config *cfg, uint64_t seed, uint64_t r, int nthreads)
{
    struct aim_world *w = NULL;
    struct aim_traj *tr = NULL;
    int n = aim_world_firm_count(cfg);
    if (aim_world_create(&w, cfg) != AIM_OK ||
        aim_traj_create(&tr, n, (int)cfg->run.steps + 1, (int)cfg->run.balance_sheet_every) != AIM_OK) {
        printf("create failed: %s\n", aim_error_message());
        aim_world_free(w);
        return NULL;
    }
    enum aim_status st = aim_world_reset(w, seed, 0, r, tr);
    for (int t = 0; st == AIM_OK && t < cfg->run.steps; t++) {
        st = aim_world_step(w, nthreads, tr);
    }
    aim_world_free(w);
    if (st != AIM_OK) {
        printf("run failed: %s\n", aim_error_message());
        aim_traj_free(tr);
        return NULL;
    }
    return tr;
}

static double series_max_abs(const struct aim_traj *tr, int v)
{
    double m = 0.0;
    for (int t = 0; t < tr->n_times; t++) {
        double x = fabs(tr->market[v][t]);
        m = x > m || isnan(x) ? x : m;
    }
    return m;
}

static double mean_circularity(const struct aim_traj *tr)
{
    double s = 0.0;
    for (int t = 1; t < tr->n_times; t++) {
        s += tr->market[AIM_MV_circularity][t];
    }
    return s / (tr->n_times - 1);
}

/* Field by field: struct aim_event has padding after c, and an event built on the stack and
 * copied whole carries whatever those bytes held, so memcmp of whole events can tell equal events
 * apart (it did under AddressSanitizer's fake stacks). Amounts compare bitwise. */
static int event_equal(const struct aim_event *x, const struct aim_event *y)
{
    return x->step == y->step && x->kind == y->kind && x->a == y->a && x->b == y->b && x->c == y->c &&
           memcmp(x->amount, y->amount, sizeof x->amount) == 0;
}

static int traj_equal(const struct aim_traj *a, const struct aim_traj *b)
{
    size_t nf = (size_t)a->n_firms * (size_t)a->n_times, nt = (size_t)a->n_times;
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        if (memcmp(a->firm[v], b->firm[v], nf * sizeof(double)) != 0) {
            return 0;
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        if (memcmp(a->market[v], b->market[v], nt * sizeof(double)) != 0) {
            return 0;
        }
    }
    if (a->n_events != b->n_events) {
        return 0;
    }
    for (size_t i = 0; i < a->n_events; i++) {
        if (!event_equal(&a->events[i], &b->events[i])) {
            return 0;
        }
    }
    return 1;
}

static void print_summary(const struct aim_config *cfg, const struct aim_traj *tr)
{
    int n = tr->n_firms;
    for (int t = 0; t < tr->n_times; t += 12) {
        printf("t=%3d D=%7.1f circ=%.4f V/F=%.3f value=%8.0f resid=%.2e\n", t, tr->market[AIM_MV_demand][t],
               tr->market[AIM_MV_circularity][t], tr->market[AIM_MV_value_fundamental][t],
               tr->market[AIM_MV_ai_market_value][t], tr->market[AIM_MV_residual][t]);
        for (int f = 0; f < n; f++) {
            size_t i = (size_t)t * n + f;
            printf("   %-11s cash=%8.2f debt=%7.2f rev=%7.3f org=%.3f rt=%.3f val=%8.1f F=%8.1f cap=%8.1f "
                   "p=%.5f def=%g\n",
                   aim_world_firm_name(cfg, f), tr->firm[AIM_FV_cash][i], tr->firm[AIM_FV_debt][i],
                   tr->firm[AIM_FV_revenue][i], tr->firm[AIM_FV_organic_share][i],
                   tr->firm[AIM_FV_roundtrip_share][i], tr->firm[AIM_FV_valuation][i],
                   tr->firm[AIM_FV_fundamental][i], tr->firm[AIM_FV_capacity][i], tr->firm[AIM_FV_price][i],
                   tr->firm[AIM_FV_defaulted][i]);
        }
    }
    printf("events: %zu\n", tr->n_events);
}

/* 1 if firm f's fundamental in month t of tr is its income value, 0 if it sits at its asset floor
 * (the world's rule, docs/model.md "Fundamentals": vendors cash - debt, clouds cash - debt +
 * installed MW at half the replacement cost of GPUs (mean active vendor price) and facility),
 * which is what a firm without positive organic earnings is worth. */
static int income_anchored(const struct aim_config *cfg, const struct aim_traj *tr, int t, int f)
{
    const int n = tr->n_firms, nv = cfg->vendors.n_firms;
    const size_t i = (size_t)t * n + f;
    double F = tr->firm[AIM_FV_fundamental][i];
    double floor = tr->firm[AIM_FV_cash][i] - tr->firm[AIM_FV_debt][i];
    if (f >= nv) {
        double pv = 0.0;
        int act = 0;
        for (int v = 0; v < nv; v++) {
            if (tr->firm[AIM_FV_defaulted][(size_t)t * n + v] == 0.0) {
                pv += tr->firm[AIM_FV_price][(size_t)t * n + v];
                act++;
            }
        }
        pv = act > 0 ? pv / act : 0.0;
        floor += 0.5 * tr->firm[AIM_FV_capacity][i] * (pv + cfg->clouds.facility_cost);
    }
    return F > 1.0 && F > floor + 1e-9 * fabs(floor) + 1e-9;
}

/* Fundamentalists only (frac_fundamentalist = 1, herding 0, no reviews, sigma_p 0.002), share
 * prices starting at the fundamentals: after a burn-in of 12 months, every listed firm whose
 * fundamental is its income value has |log(value / fundamental)| <= 0.25, the band derived in
 * docs/model.md ("The fundamentalist band"), in every month of 8 replicas of 120 months. */
static void fundamentalist_band(int investors, int n)
{
    const int steps = 120, burn = 36, reps = 8;
    const double band = 0.25, delta = 0.1;
    struct aim_config *cf = seed_config(investors, steps);
    const char *sets[] = {"investors.frac_fundamentalist=1", "investors.frac_chartist=0",
                          "investors.herding=0", "investors.p_review=0", "market.sigma_p=0.002"};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        aim_config_set(cf, sets[i]);
    }
    const int nv = cf->vendors.n_firms, nl = nv + cf->clouds.n_firms;
    struct aim_traj *t0 = run(cf, 5, 0, 1);
    for (int f = 0; t0 && f < nl; f++) {
        double F = t0->firm[AIM_FV_fundamental][f];
        if (F < 1.0) {
            continue; /* no income anchor at the start: keep the market price */
        }
        if (f < nv) {
            cf->vendors.firms[f].share_price = F / cf->vendors.firms[f].shares;
        } else {
            cf->clouds.firms[f - nv].share_price = F / cf->clouds.firms[f - nv].shares;
        }
    }
    aim_traj_free(t0);
    double worst = 0.0, lo = HUGE_VAL, hi = 0.0;
    int ran = 1, counted = 0, left_out = 0, worst_f = -1, worst_t = -1, per_firm[64] = {0};
    long limit_moves = 0;
    for (uint64_t r = 0; r < (uint64_t)reps; r++) {
        struct aim_world *w = NULL;
        struct aim_traj *tr = NULL;
        if (aim_world_create(&w, cf) != AIM_OK || aim_traj_create(&tr, n, steps + 1, 12) != AIM_OK ||
            aim_world_reset(w, 5, 0, r, tr) != AIM_OK) {
            ran = 0;
        }
        for (int t = 0; ran && t < steps; t++) {
            ran = aim_world_step(w, 1, tr) == AIM_OK;
        }
        if (ran) {
            limit_moves += aim_world_limit_moves(w);
        }
        int since[64] = {0}; /* months in a row the firm's fundamental has been its income value */
        for (int t = 0; ran && t <= steps; t++) {
            for (int f = 0; f < nl && f < 64; f++) {
                size_t i = (size_t)t * n + f;
                /* Anchored and moving slowly: income value, changed by at most delta in log a month. */
                int calm = t > 0 && fabs(log(tr->firm[AIM_FV_fundamental][i] /
                                             tr->firm[AIM_FV_fundamental][i - (size_t)n])) <= delta;
                since[f] = tr->firm[AIM_FV_defaulted][i] == 0.0 && income_anchored(cf, tr, t, f) && calm
                               ? since[f] + 1
                               : 0;
                if (t < burn || tr->firm[AIM_FV_defaulted][i] != 0.0) {
                    continue;
                }
                if (since[f] <= burn) {
                    left_out++;
                    continue;
                }
                double q = tr->firm[AIM_FV_valuation][i] / tr->firm[AIM_FV_fundamental][i];
                if (verbose && fabs(log(q)) > band) {
                    printf("  outside: replica %d month %d %s V=%.2f F=%.2f since=%d\n", (int)r, t,
                           aim_world_firm_name(cf, f), tr->firm[AIM_FV_valuation][i],
                           tr->firm[AIM_FV_fundamental][i], since[f]);
                }
                lo = fmin(lo, q);
                hi = fmax(hi, q);
                if (fabs(log(q)) > worst) {
                    worst = fabs(log(q));
                    worst_f = f;
                    worst_t = t;
                }
                counted++;
                per_firm[f]++;
            }
        }
        aim_traj_free(tr);
        aim_world_free(w);
    }
    printf(
        "fundamentalists only: listed value/fundamental in [%.4f, %.4f] over %d firm-months after month %d "
        "(%d left out: fundamental at the asset floor or moving by more than %.2f in log in a month within "
        "the burn-in); largest |log| %.4f (%s, month %d); limit moves %ld\n",
        lo, hi, counted, burn, left_out, delta, worst, worst_f >= 0 ? aim_world_firm_name(cf, worst_f) : "-",
        worst_t, limit_moves);
    int firms_seen = 0;
    for (int f = 0; f < nl && f < 64; f++) {
        firms_seen += per_firm[f] > 0;
        if (verbose) {
            printf("  %-10s %d firm-months\n", aim_world_firm_name(cf, f), per_firm[f]);
        }
    }
    aim_test(
        ran && firms_seen >= 5 && counted >= reps * 4 * (steps - burn),
        "fundamentalists only: %d firms and %d firm-months checked in %d replicas (>= 5 firms, >= 4 a month)",
        firms_seen, counted, reps);
    aim_test(ran && worst <= band,
             "fundamentalists only: |log(value/fundamental)| %.4f <= %.2f after month %d", worst, band, burn);
    aim_config_free(cf);
}

/* The seed scenario exercises the Investment - Consumption - Reinvestment loop (MODEL.md 1):
 * over 16 replicas of 36 months, most replicas have a lab raising a venture round (money
 * raised) and a strategic deal the model generated (not one of the pre-signed deals), and
 * NVIDIA's revenue contains its own strategic money coming back (mean round-trip share over
 * months 1-24 positive). */
static void seed_loop(int investors)
{
    const int reps = 16, steps = 36;
    struct aim_config *cfg = seed_config(investors, steps);
    int n = aim_world_firm_count(cfg);
    int with_round = 0, with_deal = 0, with_both = 0, ran = 0, anthropic = 0, shares_ok = 1;
    long rounds = 0, deals = 0;
    double rt_nvidia = 0.0;
    /* Late-2025 annualised revenues ($B; docs/model.md, "Calibration of the seed scenario", "Firms"): OpenAI,
     * Anthropic, xAI, Mistral AI, Cohere; their shares of the $28B are the opening revenue shares the labs'
     * compute and demand.theta are calibrated to. */
    const double revenue[5] = {20.0, 7.0, 0.5, 0.35, 0.15};
    for (uint64_t r = 0; r < (uint64_t)reps; r++) {
        struct aim_traj *tr = run(cfg, 2025, r, 1);
        if (!tr) {
            continue;
        }
        ran++;
        int nr = 0, nd = 0, na = 0;
        for (int l = 0; l < 5; l++) {
            double share = tr->firm[AIM_FV_demand_share][(size_t)8 + (size_t)l];
            shares_ok &= fabs(share - revenue[l] / 28.0) <= 0.1 * revenue[l] / 28.0;
            if (verbose && r == 0) {
                printf("opening revenue share of %s: %.4f (revenue share %.4f)\n",
                       aim_world_firm_name(cfg, 8 + l), share, revenue[l] / 28.0);
            }
        }
        for (size_t i = 0; i < tr->n_events; i++) {
            const struct aim_event *ev = &tr->events[i];
            if (ev->kind == AIM_EVENT_ROUND && ev->amount[1] > 0.0) {
                nr++;
                na += ev->a == 9;
            }
            if (ev->kind != AIM_EVENT_DEAL) {
                continue;
            }
            int presigned = 0;
            for (int k = 0; k < cfg->deals.n_presigned; k++) {
                presigned |= cfg->deals.presigned[k].step == ev->step &&
                             strcmp(cfg->deals.presigned[k].lab, aim_world_firm_name(cfg, ev->a)) == 0;
            }
            nd += !presigned;
            na += !presigned && ev->a == 9;
        }
        anthropic += na > 0;
        with_round += nr > 0;
        with_deal += nd > 0;
        with_both += nr > 0 && nd > 0;
        rounds += nr;
        deals += nd;
        for (int t = 1; t <= 24; t++) {
            rt_nvidia += tr->firm[AIM_FV_roundtrip_share][(size_t)t * n + 0] / (24.0 * reps);
        }
        aim_traj_free(tr);
    }
    printf("seed loop, %d replicas of %d months: %ld venture rounds, %ld generated deals; replicas with a "
           "round %d, with a generated deal %d, with both %d; NVIDIA's mean round-trip share in months "
           "1-24 %.4f\n",
           reps, steps, rounds, deals, with_round, with_deal, with_both, rt_nvidia);
    aim_test(ran == reps, "seed loop: %d of %d replicas run", ran, reps);
    aim_test(with_both >= 12,
             "seed loop: a venture round and a generated strategic deal in %d of %d replicas (>= 12)",
             with_both, reps);
    aim_test(rt_nvidia > 0.0, "seed loop: NVIDIA's mean round-trip share over months 1-24 is positive (%.4f)",
             rt_nvidia);
    aim_test(shares_ok, "seed: every lab's opening revenue share is within 10%% of its share of the labs' "
                        "late-2025 revenues (20, 7, 0.5, 0.35, 0.15 of 28)");
    aim_test(anthropic >= 12,
             "seed loop: Anthropic raises (a round or a generated deal) within %d months in %d "
             "of %d replicas (>= 12)",
             steps, anthropic, reps);
    aim_config_free(cfg);
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    const int steps = 60, investors = 2000;
    if (argc > 1 && strcmp(argv[1], "--band") == 0) {
        verbose = argc > 2 && strcmp(argv[2], "-v") == 0;
        fundamentalist_band(investors, 13);
        return aim_test_summary();
    }
    struct aim_config *cfg = seed_config(investors, steps);
    int n = aim_world_firm_count(cfg);
    aim_test(n == 13, "seed scenario has 13 firms (got %d)", n);
    aim_test(aim_world_firm_kind(cfg, 0) == AIM_KIND_VENDOR &&
                 aim_world_firm_kind(cfg, 3) == AIM_KIND_CLOUD && aim_world_firm_kind(cfg, 8) == AIM_KIND_LAB,
             "firms are numbered vendors, clouds, labs");
    aim_test(strcmp(aim_world_firm_name(cfg, 9), "Anthropic") == 0, "firm 9 is Anthropic");
    aim_test(strcmp(aim_world_firm_name(cfg, 99), "") == 0, "out-of-range firm has an empty name");
    aim_test(aim_world_bytes(cfg) > (size_t)investors * 8, "memory estimate covers the investors");

    /* 0. The seed scenario runs the loop: rounds, generated deals, round-trip revenue. */
    seed_loop(investors);

    /* 0b. Capacity planning: extrapolating the spot-demand trend 18 months ahead (the seed) builds
     * more capacity by month 36 than the trend's level alone, in every one of 4 replicas. */
    {
        struct aim_config *lv = seed_config(investors, 36), *ph = seed_config(investors, 36);
        aim_config_set(lv, "clouds.plan_horizon=0");
        int more = 0, ran = 0;
        for (uint64_t r = 0; r < 4; r++) {
            struct aim_traj *a = run(lv, 2025, r, 1), *b = run(ph, 2025, r, 1);
            if (a && b) {
                double ca = 0.0, cb = 0.0;
                for (int c = 3; c < 8; c++) {
                    ca += a->firm[AIM_FV_capacity][(size_t)36 * 13 + (size_t)c];
                    cb += b->firm[AIM_FV_capacity][(size_t)36 * 13 + (size_t)c];
                }
                ran++;
                more += cb > ca;
                if (verbose) {
                    printf("clouds' capacity at month 36, replica %d: level only %.0f MW, 18 months ahead "
                           "%.0f MW\n",
                           (int)r, ca, cb);
                }
            }
            aim_traj_free(a);
            aim_traj_free(b);
        }
        aim_test(ran == 4 && more == 4,
                 "plan_horizon 18 builds more cloud capacity by month 36 than 0 (%d of %d)", more, ran);
        aim_config_free(lv);
        aim_config_free(ph);
    }

    /* 0c. Revenue needs compute (MODEL.md 12.4). On the seed (4 replicas of 24 months) every lab's
     * revenue is at most rho_t x the inference MW delivered to it, the labs' inference MW are at
     * most the MW the clouds delivered, and served plus unserved demand is D_t / 12. With every
     * cloud cut to 20 MW (80 MW of 3,640) labs cannot serve most of their demand in the first
     * months, before new capacity is installed: revenue is at most rho_t x the clouds' deliveries
     * and the rest is unserved_demand. */
    {
        struct aim_config *sc = seed_config(investors, 24);
        int ok_lab = 1, ok_mw = 1, ok_sum = 1, ran = 0;
        double worst = 0.0;
        for (uint64_t r = 0; r < 4; r++) {
            struct aim_traj *tr = run(sc, 2025, r, 1);
            if (!tr) {
                continue;
            }
            ran++;
            for (int t = 1; t < tr->n_times; t++) {
                double rho = aim_labs_rho(&sc->demand, &sc->hardware, t), rev = 0.0, inf = 0.0, used = 0.0;
                for (int f = 0; f < n; f++) {
                    size_t at = (size_t)t * (size_t)n + (size_t)f;
                    if (aim_world_firm_kind(sc, f) == AIM_KIND_CLOUD) {
                        used += tr->firm[AIM_FV_deliveries][at];
                    } else if (aim_world_firm_kind(sc, f) == AIM_KIND_LAB) {
                        double R = tr->firm[AIM_FV_revenue][at], cap = tr->firm[AIM_FV_capacity][at];
                        ok_lab &= R <= rho * cap * (1.0 + 1e-9);
                        worst = fmax(worst, R / (rho * cap));
                        rev += R;
                        inf += cap;
                    }
                }
                ok_mw &= inf <= used * (1.0 + 1e-9);
                double want = tr->market[AIM_MV_demand][t] / 12.0;
                ok_sum &= fabs(rev + tr->market[AIM_MV_unserved_demand][t] / 12.0 - want) <= 1e-9 * want;
            }
            aim_traj_free(tr);
        }
        aim_test(ran == 4 && ok_lab,
                 "seed, 4 x 24 months: every lab's revenue <= rho_t x its inference MW delivered (largest "
                 "ratio %.12f)",
                 worst);
        aim_test(ran == 4 && ok_mw, "seed: the labs' inference MW are at most the MW the clouds delivered");
        aim_test(ran == 4 && ok_sum, "seed: labs' revenue + unserved_demand / 12 = D_t / 12 every month");
        for (int c = 0; c < sc->clouds.n_firms; c++) {
            char set[64];
            snprintf(set, sizeof set, "clouds.firms[%d].capacity=20", c);
            aim_config_set(sc, set);
        }
        struct aim_traj *tr = run(sc, 2025, 0, 1);
        int ok_scarce = tr != NULL, lost = 0;
        for (int t = 1; tr && t <= 6; t++) {
            double rho = aim_labs_rho(&sc->demand, &sc->hardware, t), rev = 0.0, used = 0.0;
            for (int f = 0; f < n; f++) {
                size_t at = (size_t)t * (size_t)n + (size_t)f;
                used += aim_world_firm_kind(sc, f) == AIM_KIND_CLOUD ? tr->firm[AIM_FV_deliveries][at] : 0.0;
                rev += aim_world_firm_kind(sc, f) == AIM_KIND_LAB ? tr->firm[AIM_FV_revenue][at] : 0.0;
            }
            ok_scarce &= rev <= rho * used * (1.0 + 1e-9);
            lost += tr->market[AIM_MV_unserved_demand][t] > 0.5 * tr->market[AIM_MV_demand][t];
            if (verbose) {
                printf("clouds at 20 MW, month %d: labs' revenue %.4f, rho x clouds' deliveries %.4f, D/12 "
                       "%.4f, "
                       "unserved %.4f $B/month\n",
                       t, rev, rho * used, tr->market[AIM_MV_demand][t] / 12.0,
                       tr->market[AIM_MV_unserved_demand][t] / 12.0);
            }
        }
        aim_test(ok_scarce, "clouds at 20 MW: labs' revenue <= rho_t x the clouds' deliveries in months 1-6");
        aim_test(lost == 6, "clouds at 20 MW: more than half of demand unserved in %d of months 1-6", lost);
        aim_traj_free(tr);
        aim_config_free(sc);
    }

    /* 0d. Contracts have a start date (MODEL.md 12.5): OpenAI's announced contracts are outstanding
     * from month 0 (at least $500B), though most start paying later; the commitments of month 0 are
     * the pre-signed commitments signed at step 0. */
    {
        struct aim_config *c3 = seed_config(investors, 3);
        double signed0 = 0.0;
        for (int i = 0; i < c3->deals.n_presigned; i++) {
            const __typeof__(c3->deals.presigned[0]) *p = &c3->deals.presigned[i];
            if (p->step == 0 && strcmp(p->lab, "OpenAI") == 0 && p->cloud[0]) {
                signed0 += p->commitment;
            }
        }
        for (uint64_t r = 0; r < 2; r++) {
            struct aim_traj *tr = run(c3, 2025, r, 1);
            double owed = tr ? tr->firm[AIM_FV_commitments][8] : 0.0;
            aim_test(tr && owed >= 500.0,
                     "replica %d: OpenAI's outstanding commitments at month 0 are $%.1fB >= $500B", (int)r,
                     owed);
            aim_test(tr && fabs(owed - signed0) <= 1e-9 * signed0,
                     "replica %d: they are the pre-signed commitments signed at step 0 ($%.1fB)", (int)r,
                     signed0);
            aim_traj_free(tr);
        }
        aim_config_free(c3);
    }

    /* 0e. A lab's default voids its contracts and cancels their undelivered GPU orders; the cloud pays
     * deals.cancel_fee of their value to the vendor (MODEL.md 12.5). Demand collapses so that labs
     * default; every cancellation follows the default of its lab in the same month, and money is
     * conserved through it. */
    {
        static const char *sets[] = {
            "clouds.leverage_max=0.3", "demand.g0=-1",         "demand.g_inf=-1",
            "demand.sigma_D=1",        "labs.runway_target=1", "labs.runway_min=0.5",
            "deals.p_strategic=0.8",   "deals.kappa=6",        "deals.cancel_fee=0.385"};
        struct aim_config *cx = seed_config(investors, 120);
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
            aim_config_set(cx, sets[i]);
        }
        int cancels = 0, matched = 0, fee_ok = 0, lab_defaults = 0;
        double worst_res = 0.0, fees = 0.0;
        for (uint64_t r = 0; r < 2; r++) {
            struct aim_traj *tr = run(cx, 2025, r, 1);
            if (!tr) {
                continue;
            }
            worst_res = fmax(worst_res, series_max_abs(tr, AIM_MV_residual));
            for (size_t e = 0; e < tr->n_events; e++) {
                const struct aim_event *ev = &tr->events[e];
                lab_defaults += ev->kind == AIM_EVENT_DEFAULT && ev->a >= 8;
                if (ev->kind != AIM_EVENT_CANCEL) {
                    continue;
                }
                cancels++;
                fees += ev->amount[2];
                fee_ok += ev->amount[0] > 0.0 && ev->amount[1] > 0.0 &&
                          fabs(ev->amount[2] - 0.385 * ev->amount[1]) <= 1e-12 * ev->amount[1];
                for (size_t g = e + 1; g < tr->n_events; g++) {
                    const struct aim_event *df = &tr->events[g];
                    if (df->kind == AIM_EVENT_DEFAULT && df->a == ev->c && df->step == ev->step) {
                        matched += aim_world_firm_kind(cx, ev->a) == AIM_KIND_CLOUD &&
                                   aim_world_firm_kind(cx, ev->b) == AIM_KIND_VENDOR;
                        break;
                    }
                }
            }
            aim_traj_free(tr);
        }
        aim_test(lab_defaults > 0 && cancels > 0,
                 "collapsed demand: %d lab defaults cancel undelivered GPU orders (%d cancellations)",
                 lab_defaults, cancels);
        aim_test(matched == cancels,
                 "each cancellation (cloud, vendor) follows its lab's default that month (%d of %d)", matched,
                 cancels);
        aim_test(fee_ok == cancels,
                 "each fee is deals.cancel_fee x the orders' value (%d of %d, $%.1fB in all)", fee_ok,
                 cancels, fees);
        aim_test(worst_res <= 1e-9, "money is conserved through the cancellations (residual %.3g)",
                 worst_res);
        aim_config_free(cx);
    }

    /* 1. Stock-flow residual <= 1e-9 in every step of several replicas. */
    double worst = 0.0;
    int ok_runs = 1, nvidia_pays = 0;
    for (uint64_t r = 0; r < 4; r++) {
        struct aim_traj *tr = run(cfg, 2025, r, 1);
        if (!tr) {
            ok_runs = 0;
            continue;
        }
        double m = series_max_abs(tr, AIM_MV_residual);
        worst = m > worst || isnan(m) ? m : worst;
        /* Taxes and payouts (MODEL.md 12.6): NVIDIA (firm 0) pays both over the run. */
        double tax = 0.0, payout = 0.0;
        for (int t = 1; t < tr->n_times; t++) {
            tax += tr->firm[AIM_FV_tax][(size_t)t * n];
            payout += tr->firm[AIM_FV_payout][(size_t)t * n];
        }
        nvidia_pays += tax > 0.0 && payout > 0.0;
        if (verbose) {
            printf("replica %d: NVIDIA paid %.1f $B of tax and %.1f $B of payouts over %d months\n", (int)r,
                   tax, payout, steps);
        }
        if (r == 0) {
            aim_test_rel(tr->market[AIM_MV_demand][0], cfg->demand.D0, 0, "D at time 0 is D0");
            aim_test(tr->market[AIM_MV_circularity][0] == 0.0, "no revenue, no circularity at time 0");
            double anth_units_val = tr->firm[AIM_FV_valuation][9];
            aim_test_rel(anth_units_val, 350.0, 1e-12, "Anthropic's post-money after the seed deal is 350");
            aim_test(tr->firm[AIM_FV_commitments][9] > 29.999,
                     "Anthropic owes the 30 of the seed deal at time 0");
            aim_test(tr->n_events >= 2, "presigned deals at step 0 are in the event log");
            aim_test(tr->events[0].kind == AIM_EVENT_DEAL && tr->events[0].step == 0 &&
                         tr->events[0].a == 9 && tr->events[0].b == 0 && tr->events[0].c == 3,
                     "first event: seed deal Anthropic / NVIDIA / Microsoft");
            double rt_max = 0.0;
            for (int t = 1; t < tr->n_times; t++) {
                rt_max = fmax(rt_max, tr->firm[AIM_FV_roundtrip_share][(size_t)t * n + 3]);
            }
            aim_test(rt_max > 0.0, "Microsoft's revenue contains its own strategic money coming back");
            if (verbose) {
                print_summary(cfg, tr);
            }
        }
        aim_traj_free(tr);
    }
    aim_test(ok_runs, "4 replicas of the reduced seed scenario run");
    aim_test(worst <= 1e-9, "stock-flow residual <= 1e-9 in every step of 4 replicas (max %.3g)", worst);
    aim_test(nvidia_pays == 4, "NVIDIA pays taxes and payouts in %d of 4 replicas", nvidia_pays);

    /* 2. No strategic deals, none presigned: round-trip shares and circularity exactly 0. */
    {
        struct aim_config *c0 = seed_config(investors, steps);
        aim_config_set(c0, "deals.p_strategic=0");
        c0->deals.n_presigned = 0;
        int zero = 1, ran = 1;
        for (uint64_t r = 0; r < 3; r++) {
            struct aim_traj *tr = run(c0, 77, r, 1);
            if (!tr) {
                ran = 0;
                continue;
            }
            for (int t = 0; t < tr->n_times; t++) {
                zero &= tr->market[AIM_MV_circularity][t] == 0.0;
                for (int f = 0; f < n; f++) {
                    zero &= tr->firm[AIM_FV_roundtrip_share][(size_t)t * n + f] == 0.0;
                }
            }
            aim_traj_free(tr);
        }
        aim_test(ran && zero,
                 "p_strategic = 0, no presigned deals: every round-trip share and circularity is 0");
        aim_config_free(c0);
    }

    /* 3. Raising kappa raises mean circularity, over 16 paired replicas (same seeds): the mean
     * rises, and the paired differences have a t statistic above 2 (one-sided p < 0.05). */
    {
        struct aim_config *lo = seed_config(investors, steps), *hi = seed_config(investors, steps);
        aim_config_set(lo, "deals.kappa=0.5");
        aim_config_set(hi, "deals.kappa=6");
        aim_config_set(lo, "deals.p_strategic=0.8");
        aim_config_set(hi, "deals.p_strategic=0.8");
        double s_lo = 0.0, s_d = 0.0, s_dd = 0.0;
        int ran = 1;
        for (uint64_t r = 0; r < 16; r++) {
            struct aim_traj *a = run(lo, 31, r, 1), *b = run(hi, 31, r, 1);
            if (!a || !b) {
                ran = 0;
            } else {
                double ca = mean_circularity(a), cb = mean_circularity(b);
                s_lo += ca;
                s_d += cb - ca;
                s_dd += (cb - ca) * (cb - ca);
            }
            aim_traj_free(a);
            aim_traj_free(b);
        }
        double md = s_d / 16, sd = sqrt((s_dd - 16 * md * md) / 15), tstat = md / (sd / 4.0);
        printf("mean circularity: kappa=0.5 %.6f, kappa=6 %.6f; paired t = %.2f\n", s_lo / 16, s_lo / 16 + md,
               tstat);
        aim_test(ran && md > 0.0, "kappa 6 vs 0.5: mean circularity over 16 replicas rises");
        aim_test(ran && tstat > 2.0, "kappa 6 vs 0.5: paired t statistic above 2");
        aim_config_free(lo);
        aim_config_free(hi);
    }

    /* 4. Strategic deals funded by share issues: with a cash floor no firm reaches, every
     * strategic investment comes from new shares the market maker absorbs; issues stay within
     * issue_max of the shares per trailing year, and every generated deal commits kappa times
     * what was invested. */
    {
        struct aim_config *cs = seed_config(investors, steps);
        aim_config_set(cs, "deals.cash_floor=100000");
        aim_config_set(cs, "deals.p_strategic=1");
        aim_config_set(cs, "deals.kappa=2.385");
        aim_config_set(cs, "deals.issue_max=0.0005");
        int issues = 0, deals = 0, ok_issue = 1, ok_cap = 1, ok_kappa = 1, ran = 1, renewed = 0;
        for (uint64_t r = 0; r < 3; r++) {
            struct aim_traj *tr = run(cs, 17, r, 1);
            if (!tr) {
                ran = 0;
                continue;
            }
            double issued[13][61] = {{0}};
            for (size_t e = 0; e < tr->n_events; e++) {
                const struct aim_event *ev = &tr->events[e];
                if (ev->kind == AIM_EVENT_ISSUE) {
                    issues++;
                    ok_issue &= ev->amount[0] > 0.0 && ev->amount[2] > 0.0 && ev->amount[1] > 0.0 &&
                                fabs(ev->amount[1] - ev->amount[0] * ev->amount[2]) <= 1e-12 * ev->amount[1];
                    issued[ev->a][ev->step] += ev->amount[0];
                }
                int presigned = 0;
                for (int i = 0; i < cs->deals.n_presigned; i++) {
                    presigned |= cs->deals.presigned[i].step == ev->step &&
                                 strcmp(cs->deals.presigned[i].lab, aim_world_firm_name(cs, ev->a)) == 0;
                }
                if (ev->kind == AIM_EVENT_DEAL && !presigned) {
                    deals++;
                    ok_kappa &= fabs(ev->amount[2] - 2.385 * (ev->amount[0] + ev->amount[1])) <=
                                1e-12 * ev->amount[2];
                }
            }
            /* A year's allowance is issue_max x the shares outstanding, which include those issued
             * earlier in the same year: a year's issues x satisfy x <= c (S + x), x <= c S / (1 - c),
             * and over the 60 months shares grow at most by 1 / (1 - c) per year, 5 years. */
            const double grow5 = pow(1.0 / (1.0 - 0.0005), 5.0);
            for (int f = 0; f < 8; f++) {
                double shares0 = f < 3 ? cs->vendors.firms[f].shares : cs->clouds.firms[f - 3].shares;
                for (int t = 0; t <= steps; t++) {
                    double year = 0.0;
                    for (int k = t - 11; k <= t; k++) {
                        year += k >= 0 ? issued[f][k] : 0.0;
                    }
                    /* The allowance is issue_max times the shares outstanding now, which include
                     * the window's own issues: a window issues at most issue_max / (1 - issue_max)
                     * of the shares at its start, and at most four windows precede one ending by
                     * month 60. */
                    ok_cap &= year <= 0.0005 * shares0 * pow(1.0 - 0.0005, -5.0) * (1.0 + 1e-12);
                }
                double total = 0.0;
                for (int t = 0; t <= steps; t++) {
                    total += issued[f][t];
                }
                renewed |= total > 0.0005 * shares0 * grow5 * (1.0 + 1e-9);
            }
            aim_traj_free(tr);
        }
        printf("cash floor out of reach: %d share issues, %d generated deals in 3 replicas\n", issues, deals);
        aim_test(ran && issues > 0 && deals > 0, "strategic deals are funded by share issues");
        aim_test(ok_issue, "every issue's proceeds are its shares at its price");
        aim_test(ok_cap, "shares issued in any 12 months stay within issue_max of the shares");
        aim_test(ok_kappa, "every generated deal commits kappa x the amount invested");
        aim_test(renewed,
                 "the issue allowance renews: some firm issues more than one year's allowance in 5 years");
        aim_config_free(cs);
    }

    /* 4b. A listed lab (market.lab_ipo, OpenAI listed): it trades, raises money by share issues
     * the market maker absorbs, and the books still balance. */
    {
        struct aim_config *cl = seed_config(investors, steps);
        aim_config_set(cl, "market.lab_ipo=true");
        cl->labs.firms[0].listed = 1;
        int ran = 1, issues = 0, rounds = 0, finite = 1;
        double worst_l = 0.0, first_move = 0.0;
        for (uint64_t r = 0; r < 3; r++) {
            struct aim_traj *tr = run(cl, 23, r, 1);
            if (!tr) {
                ran = 0;
                continue;
            }
            worst_l = fmax(worst_l, series_max_abs(tr, AIM_MV_residual));
            for (size_t e = 0; e < tr->n_events; e++) {
                issues += tr->events[e].kind == AIM_EVENT_ISSUE && tr->events[e].a == 8;
                rounds += tr->events[e].kind == AIM_EVENT_ROUND && tr->events[e].a == 8;
            }
            for (int t = 0; t < tr->n_times; t++) {
                double v = tr->firm[AIM_FV_valuation][(size_t)t * n + 8];
                finite &= isfinite(v) && (v > 0.0 || tr->firm[AIM_FV_defaulted][(size_t)t * n + 8] == 1.0);
            }
            first_move = fmax(first_move, fabs(tr->firm[AIM_FV_valuation][(size_t)1 * n + 8] - 500.0));
            aim_traj_free(tr);
        }
        printf("listed OpenAI: %d share issues, %d rounds in 3 replicas\n", issues, rounds);
        aim_test(ran && worst_l <= 1e-9, "listed lab: residual <= 1e-9 in every month (max %.3g)", worst_l);
        aim_test(ran && finite, "listed lab: its market value is finite and positive while it lives");
        aim_test(ran && first_move > 0.0, "listed lab: its value moves with the market after month 1");
        aim_test(ran && issues == rounds && rounds > 0, "listed lab: every round is a share issue");
        aim_config_free(cl);
    }

    /* 5. Determinism: same seed twice identical; 1 and 2 threads identical. */
    {
        struct aim_traj *a = run(cfg, 99, 3, 1), *b = run(cfg, 99, 3, 1), *c = run(cfg, 99, 3, 2);
        aim_test(a && b && traj_equal(a, b), "same seed twice: identical trajectories and events");
        aim_test(a && c && traj_equal(a, c), "1 and 2 threads: identical trajectories and events");
        struct aim_traj *d = run(cfg, 100, 3, 1);
        aim_test(a && d && !traj_equal(a, d), "another seed gives another trajectory");
        /* A world reused for other replicas (as the runner does) reproduces a fresh one. */
        struct aim_world *w = NULL;
        struct aim_traj *e = NULL;
        int ok = aim_world_create(&w, cfg) == AIM_OK && aim_traj_create(&e, n, steps + 1, 12) == AIM_OK;
        uint64_t order[3] = {5, 0, 3};
        for (int k = 0; ok && k < 3; k++) {
            aim_traj_clear(e);
            ok = aim_world_reset(w, 99, 0, order[k], e) == AIM_OK;
            for (int t = 0; ok && t < steps; t++) {
                ok = aim_world_step(w, 1, e) == AIM_OK;
            }
        }
        aim_test(ok && a && traj_equal(a, e), "a world reused after replicas 5 and 0 reproduces replica 3");
        aim_traj_free(e);
        aim_world_free(w);
        aim_traj_free(a);
        aim_traj_free(b);
        aim_traj_free(c);
        aim_traj_free(d);
    }

    /* 5b. Small economies built from YAML text, with kinds missing: labs only (no listed asset),
     * clouds and vendors only, one of each, a vendor and a lab. Every one runs and balances. */
    {
        static const char *texts[] = {
            "run: {steps: 24}\ninvestors: {count: 300}\nlabs:\n  firms:\n    - {name: A, cash: 3.5}\n"
            "    - {name: B, cash: 2.1}\n",
            "run: {steps: 24}\ninvestors: {count: 300}\nclouds:\n  firms:\n    - {name: C}\n"
            "vendors:\n  firms:\n    - {name: V}\n",
            "run: {steps: 24}\ninvestors: {count: 300}\nclouds:\n  firms:\n    - {name: C}\n"
            "vendors:\n  firms:\n    - {name: V}\nlabs:\n  firms:\n    - {name: L, cash: 0.5}\n",
            "run: {steps: 24}\ninvestors: {count: 300}\nvendors:\n  firms:\n    - {name: V}\n"
            "labs:\n  firms:\n    - {name: L}\n"};
        for (int i = 0; i < 4; i++) {
            struct aim_config *cy = NULL;
            int ok = aim_config_create(&cy) == AIM_OK &&
                     aim_config_load_string(cy, texts[i], strlen(texts[i]), "small.yaml") == AIM_OK;
            struct aim_traj *tr = ok ? run(cy, 3, 0, 1) : NULL;
            double m = tr ? series_max_abs(tr, AIM_MV_residual) : NAN;
            aim_test(tr && m <= 1e-9, "small economy %d (%d firms) runs 24 months, residual %.3g", i,
                     ok ? aim_world_firm_count(cy) : 0, m);
            aim_traj_free(tr);
            aim_config_free(cy);
        }
    }

    /* 5c. Demand collapsing to 0 while kappa = 6 deals snowball the commitments: the labs' pre-money
     * falls to the $1M floor while they seek tens of $B a month, and every round multiplies their
     * units by ~1e4, until no price per unit can be counted (month 120 of replica 0 overflowed the
     * units to inf). Such a round is not sold; the lab runs out of cash and defaults instead. */
    {
        static const char *sets[] = {"clouds.leverage_max=0.3", "demand.g0=-1",         "demand.g_inf=-1",
                                     "demand.sigma_D=1",        "labs.runway_target=1", "labs.runway_min=0.5",
                                     "deals.p_strategic=0.8",   "deals.kappa=6"};
        struct aim_config *cd = seed_config(50000, 120);
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
            aim_config_set(cd, sets[i]);
        }
        struct aim_traj *tr = run(cd, 2025, 0, 2);
        double m = tr ? series_max_abs(tr, AIM_MV_residual) : NAN;
        aim_test(tr && m <= 1e-9,
                 "collapsed demand, kappa 6: 120 months run, cap tables add up, residual %.3g", m);
        aim_traj_free(tr);
        aim_config_free(cd);
    }

    /* 6. Error paths. */
    {
        struct aim_config *ce = seed_config(investors, steps);
        struct aim_world *w = NULL;
        aim_test(aim_world_create(&w, ce) == AIM_OK, "create");
        struct aim_traj *tr = NULL;
        aim_traj_create(&tr, n, 3, 12);
        aim_test(aim_world_reset(w, 1, 0, 0, tr) == AIM_OK && aim_world_time(w) == 0, "reset to month 0");
        aim_test(aim_world_step(w, 1, tr) == AIM_OK && aim_world_step(w, 1, tr) == AIM_OK &&
                     aim_world_time(w) == 2,
                 "two months");
        aim_test(aim_world_step(w, 1, tr) == AIM_ERR_USAGE, "a month past the trajectory is a usage error");
        aim_test_contains(aim_error_message(), "does not fit", "message says the month does not fit");
        aim_traj_free(tr);
        aim_world_free(w);
        aim_config_free(ce);
    }
    aim_config_free(cfg);
    return aim_test_summary();
}
