"""Model 2's accounting and finance (MODEL.md 12.1-12.3, 12.7) on small runs of the seed scenario
(aimsim run, 2,000 investors):

- every financial row of the balance-sheet matrix sums to zero and each sector's change in net
  worth equals its saving plus revaluations (market/bs_residual, market/flow_residual <= 1e-9),
  with the cash residual, in every month of every replica: in the seed scenario, at deals.kappa
  16, with lab defaults forced (no strategic deals, no private reserves) and with all-chartist
  investors; in the run with defaults, lab defaults happen and loans are written off;
- for deals.kappa in {2, 4, 8, 16}, every month of every active cloud has debt / trailing 12-month
  EBITDA <= clouds.leverage_max + 0.5, loans stay within the lenders' limit until a loan is lost, and at kappa 16 NVIDIA's median month-120 revenue is at
  most $2T a year (it was ~$472T a year when deliveries were paid with unlimited debt);
- in the collapse probe (demand.g0=-1 demand.g_inf=-0.5 deals.p_strategic=0
  clouds.leverage_max=1) labs default in at least half the replicas by month 60 (issue 7's
  criterion; the first lab default of a replica comes at months 58-66, once a lab without revenue
  can no longer raise and its cash is spent, so month 60 is about the median: 8 of 16);
- contagion: with the same collapse at the seed's leverage (clouds borrow to build for the labs'
  contracts), a cloud or vendor defaults in at least 10% of the replicas in which a lab holding at
  least $100B of commitments defaults, after it, and the event log carries the channels: the lab's
  default voids its contracts (amount1) and the lenders write off loans (amount2).

Usage: test_model_finance.py AIMSIM WORKDIR
"""
import os
import subprocess
import sys

import h5py
import numpy as np

exe, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
    print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)


def run(name, *sets, replicas=4, steps=120):
    out = os.path.join(work, name + ".h5")
    args = [exe, "run", "-o", out, "--force", "--quiet", "--set", "investors.count=2000",
            "--set", "run.replicas=%d" % replicas, "--set", "run.steps=%d" % steps]
    for s in sets:
        args += ["--set", s]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, "%s: aimsim run exits 0 (stderr: %s)" % (name, r.stderr.strip()[-400:]))
    return out if r.returncode == 0 else None


def residuals(name, out):
    with h5py.File(out, "r") as f:
        for v in ("residual", "bs_residual", "flow_residual"):
            x = f["market/" + v][...]
            worst = float(np.max(np.abs(x))) if np.all(np.isfinite(x)) else float("inf")
            check(worst <= 1e-9, "%s: market/%s <= 1e-9 in every month of every replica (max %.3g)"
                  % (name, v, worst))


scenarios = {
    "seed": [],
    "kappa16": ["deals.kappa=16"],
    "defaults": ["deals.p_strategic=0", "investors.reserve_min=0", "investors.reserve_max=0"],
    "chartists": ["investors.frac_fundamentalist=0", "investors.frac_chartist=1"],
}
for name, sets in scenarios.items():
    out = run(name, *sets, steps=60)
    if out:
        residuals(name, out)
        if name == "defaults":
            with h5py.File(out, "r") as f:
                kind = f["firm/firm_kind"][...]
                labs = [j for j, k in enumerate(kind) if bytes(k).decode().rstrip("\x00").strip() == "lab"]
                d = f["firm/defaulted"][0][:, -1, :][:, labs]
                check(int(d.sum()) >= 4, "defaults: labs default (%d lab defaults in 4 replicas)" % int(d.sum()))
                ev = f["events"][...]
                dv = ev[ev["kind"] == 3]
                check(len(dv) == int(f["firm/defaulted"][0][:, -1, :].sum()),
                      "defaults: one default event per defaulted firm")
                w = f["market/written_off"][...]
                check(bool(np.all(w >= 0)), "defaults: write-offs are never negative")
                wo = ev[ev["kind"] == 7]
                ok = len(wo) > 0
                for e in wo:
                    r, t, lab = int(e["replica"]), int(e["step"]), int(e["b"])
                    down = [x for x in dv if int(x["a"]) == lab and int(x["step"]) == t and int(x["replica"]) == r]
                    same = wo[(wo["replica"] == r) & (wo["step"] == t) & (wo["b"] == lab)]
                    ok &= len(down) == 1 and e["amount0"] > 0 and e["amount1"] > 0
                    ok &= bool(down) and float(same["amount0"].sum()) <= float(down[0]["amount0"]) * (1 + 1e-12)
                check(ok, "defaults: %d strategic stakes written off, each in its lab's default month, together at "
                      "most the value the default destroyed" % len(wo))

for kappa in (2, 4, 8, 16):
    out = run("kappa%d" % kappa, "deals.kappa=%d" % kappa)
    if not out:
        continue
    with h5py.File(out, "r") as f:
        kind = [bytes(k).decode().rstrip("\x00").strip() for k in f["firm/firm_kind"][...]]
        names = [bytes(k).decode().rstrip("\x00").strip() for k in f["firm/firm_name"][...]]
        clouds = [j for j, k in enumerate(kind) if k == "cloud"]
        debt = f["firm/debt"][0][:, :, clouds]
        eb = f["firm/ebitda12"][0][:, :, clouds]
        active = f["firm/defaulted"][0][:, :, clouds] == 0
        lev = np.where(debt > 0, debt / np.where(eb > 0, eb, 1e-300), 0.0)
        lmax = 4.5  # clouds.leverage_max of the seed
        worst = float(np.max(np.where(active, lev, 0.0)))
        check(worst <= lmax + 0.5, "kappa %d: every active cloud's debt/EBITDA <= leverage_max + 0.5 = %.1f in "
              "every month (max %.3g)" % (kappa, lmax + 0.5, worst))
        cu = f["market/credit_used"][0]
        clean = np.cumsum(f["market/written_off"][0], axis=1) == 0
        worst = float(np.max(np.where(clean, cu, 0.0)))
        check(worst <= 1.0 + 1e-12, "kappa %d: loans stay within the lenders' limit capital / capital_ratio until a "
              "loss (largest share used %.6f)" % (kappa, worst))
        ev = f["events"][...]
        cuts = ev[ev["kind"] == 6]
        orders = cuts[cuts["amount1"] > 0]
        held = cuts[cuts["amount1"] == 0]
        check(len(orders) > 0 and bool(np.all((orders["amount0"] > 0) & (orders["amount0"] <= orders["amount1"] * (1 + 1e-12))))
              and bool(np.all((held["amount0"] > 0) & (held["b"] >= 0) & (held["amount2"] > 0))),
              "kappa %d: %d order cuts each cut 0 < MW <= the MW wanted; %d cancelled deliveries name their vendor "
              "and the months unpaid" % (kappa, len(orders), len(held)))
        if kappa == 16:
            nv = names.index("NVIDIA")
            r = 12.0 * float(np.median(f["firm/revenue"][0][:, -1, nv]))
            check(r <= 2000.0, "kappa 16: NVIDIA's median month-120 revenue <= $2T a year (%.0f $B)" % r)

out = run("collapse", "demand.g0=-1", "demand.g_inf=-0.5", "deals.p_strategic=0", "clouds.leverage_max=1",
          replicas=16, steps=60)
if out:
    with h5py.File(out, "r") as f:
        kind = [bytes(k).decode().rstrip("\x00").strip() for k in f["firm/firm_kind"][...]]
        labs = [j for j, k in enumerate(kind) if k == "lab"]
        d = f["firm/defaulted"][0][:, 60, :][:, labs]
        n = int(np.sum(np.any(d > 0, axis=1)))
        check(n >= 8, "collapse: labs default by month 60 in at least half the replicas (%d of 16)" % n)
    residuals("collapse", out)

out = run("contagion", "demand.g0=-1", "demand.g_inf=-0.5", "deals.p_strategic=0", replicas=16)
if out:
    with h5py.File(out, "r") as f:
        kind = [bytes(k).decode().rstrip("\x00").strip() for k in f["firm/firm_kind"][...]]
        com = f["firm/commitments"][0]
        ev = f["events"][...]
        big = hit = 0
        voided = written = 0.0
        for r in range(com.shape[0]):
            d = ev[(ev["replica"] == r) & (ev["kind"] == 3)]
            firsts = [e for e in d if kind[e["a"]] == "lab" and com[r, e["step"] - 1, e["a"]] >= 100.0]
            if not firsts:
                continue
            big += 1
            t0 = min(int(e["step"]) for e in firsts)
            voided += sum(float(e["amount1"]) for e in firsts)
            later = [e for e in d if kind[e["a"]] in ("cloud", "vendor") and e["step"] >= t0]
            hit += bool(later)
            written += sum(float(e["amount2"]) for e in later)
        check(big >= 2, "contagion: a lab holding >= $100B of commitments defaults in %d of 16 replicas" % big)
        check(big > 0 and hit >= 0.1 * big, "contagion: a cloud or vendor defaults after it in %d of those %d "
              "replicas (at least 10%%)" % (hit, big))
        check(voided > 0.0 and written > 0.0, "contagion: the event log carries the voided commitments ($%.0fB) "
              "and the loans written off in the later defaults ($%.0fB)" % (voided, written))
    residuals("contagion", out)

print("%d of %d checks passed" % (checks - failures, checks))
sys.exit(1 if failures else 0)
