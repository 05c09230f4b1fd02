"""`aimsim sensitivity RUN.h5 --output NAME` on small real sweeps of the seed scenario (Morris with 3
factors, Saltelli with 2, a Morris design crossed with two scenarios; 2 replicas each): the JSON
names the factors in the design's order, with finite indices and a replica-noise share in [0, 1];
and it equals what the CSV route (`--design SWEEP.yaml --csv RESULTS.csv`) gives when fed the
per-replica outputs read here with h5py from the run file (vf, circularity) and from `aimsim
analyze`'s /analysis (hhi, bubble_share, crash_probability with a crash threshold at which the
flag varies). That checks the wiring (which values, which replica, which month), not the
estimators (tests/test_sensitivity_cli.py does). --by-time: month 0 constant (per scenario), months
12 and 24 equal to the CSV route on that month's values, the last month of vf equal to plain vf.
Error paths exit 2 with a message: a single run, a grid design, an unknown output, no --output,
both routes at once, a missing file, --by-time with a per-replica output or with a CSV.

Usage: test_sensitivity_run.py AIMSIM"""
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

AIMSIM = sys.argv[1]
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tmp = tempfile.mkdtemp(prefix="aimsim-sensrun-")
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


with open(os.path.join(SRC, "configs", "seed-2025.yaml")) as f:
    SEED = f.read()

SMALL = ["--set", "run.replicas=2", "--set", "run.steps=24", "--set", "investors.count=2000", "-q",
         "--threads", "2"]


def sweep_file(name, sweep):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(SEED + "\n" + sweep)
    return path


def aimsim(*args):
    p = subprocess.run([AIMSIM, *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def run_sweep(cfg, out):
    path = os.path.join(tmp, out)
    rc, _, err = aimsim("run", cfg, "-o", path, *SMALL)
    assert rc == 0, err
    return path


def csv_route(cfg, name, per_replica):
    """The CSV route's JSON for per_replica[p, r] (one row per replica, replicas in order)."""
    path = os.path.join(tmp, name + ".csv")
    with open(path, "w") as f:
        f.write("point," + name + "\n")
        for p in range(per_replica.shape[0]):
            for r in range(per_replica.shape[1]):
                f.write(f"{p},{per_replica[p, r]:.17g}\n")
    rc, out, err = aimsim("sensitivity", "--design", cfg, "--csv", path, "--output", name, "--json")
    assert rc == 0, err
    return json.loads(out)


def same_numbers(a, b, rel):
    """Equal JSON trees, numbers within rel (0: bitwise)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_numbers(a[k], b[k], rel) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_numbers(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, (int, float)):
        return a == b or abs(a - b) <= rel * max(abs(a), abs(b))
    return a == b


def indices_ok(j, keys, names, n, what):
    check([f["key"] for f in j["factors"]] == keys, f"{what}: factors in the design's order {keys}")
    check(all(math.isfinite(f[k]) for f in j["factors"] for k in names), f"{what}: finite {names}")
    check(0.0 <= j.get("noise_share", -1) <= 1.0, f"{what}: noise share {j.get('noise_share')} in [0, 1]")
    check(j.get("replicas") == 2 and j["n"] == n, f"{what}: 2 replicas, n = {n}")


# --- Morris: 3 factors, 4 trajectories (16 points), 2 replicas, 24 months.
MORRIS_KEYS = ["deals.kappa", "investors.herding", "credit.capital_ratio"]
morris = sweep_file("morris.yaml", """sweep:
  design: morris
  points: 4
  levels: 4
  factors:
    - {key: deals.kappa, range: [0.5, 6]}
    - {key: investors.herding, range: [0, 0.6]}
    - {key: credit.capital_ratio, range: [0.05, 0.2]}
""")
m_h5 = run_sweep(morris, "morris.h5")
an = os.path.join(tmp, "morris-an.h5")
rc, _, err = aimsim("analyze", m_h5, "-o", an)
assert rc == 0, err
with h5py.File(m_h5, "r") as f, h5py.File(an, "r") as g:
    vf = f["market/value_fundamental"][:, :, -1]
    circ = f["market/circularity_ai"][:, :, 1:].mean(axis=2)
    hhi = g["analysis/hhi"][:, :, -1, 0]
    bubble = g["analysis/bubble"][:, :].astype(float)
    check(np.all(circ > 0) and np.ptp(circ) > 0, "circularity_ai varies across the sweep (a non-trivial test)")

MORRIS_NAMES = ["mu_star", "mu_star_conf", "sigma"]
for name, vals, rel in [("vf", vf, 0.0), ("circularity", circ, 1e-9), ("hhi", hhi, 0.0)]:
    rc, out, err = aimsim("sensitivity", m_h5, "--output", name, "--json")
    check(rc == 0, f"morris {name}: exit 0 ({err.strip()})")
    if rc != 0:
        continue
    j = json.loads(out)
    check(j["output"] == name, f"morris {name}: output named")
    indices_ok(j, MORRIS_KEYS, MORRIS_NAMES, 4, f"morris {name}")
    ref = csv_route(morris, name, vals)
    check(same_numbers(j, ref, rel), f"morris {name}: the CSV route on the h5py values gives the same numbers"
          f" (rel {rel})\n  run: {out.strip()}\n  csv: {json.dumps(ref)}")

# --by-time: the indices of each month's value; month 0 (the initial state) is the same everywhere;
# the last month of vf equals the plain vf result, and months 12 and 24 equal the CSV route on
# that month's values read with h5py.
with h5py.File(m_h5, "r") as f:
    monthly = {"vf": f["market/value_fundamental"][:, :, :], "circularity": f["market/circularity_ai"][:, :, :]}
for name, series in monthly.items():
    rc, out, err = aimsim("sensitivity", m_h5, "--output", name, "--json", "--by-time")
    check(rc == 0, f"morris {name} --by-time: exit 0 ({err.strip()})")
    if rc != 0:
        continue
    j = json.loads(out)
    bt = j["by_time"]
    check(len(bt) == series.shape[2] and [m["month"] for m in bt] == list(range(series.shape[2])),
          f"morris {name} --by-time: one entry per month 0..{series.shape[2] - 1}")
    check(bt[0] == {"month": 0, "constant": True}, f"morris {name} --by-time: month 0 is constant")
    for t in (12, 24):
        ref = csv_route(morris, name, series[:, :, t])
        mine = {"output": j["output"], "n": j["n"], "factors": bt[t]["factors"],
                "noise_share": bt[t]["noise_share"], "replicas": j["replicas"]}
        check(same_numbers(mine, ref, 0.0), f"morris {name} --by-time month {t}: the CSV route on month {t}")
    if name == "vf":
        rc, out, _ = aimsim("sensitivity", m_h5, "--output", "vf", "--json")
        plain = json.loads(out)
        check(plain["factors"] == bt[-1]["factors"] and plain["noise_share"] == bt[-1]["noise_share"],
              "morris vf --by-time: the last month is the plain vf result")
rc, out, err = aimsim("sensitivity", m_h5, "--output", "vf", "--by-time")
check(rc == 0 and "month 0\nthe same value in every replica" in out and "\nmonth 24\n" in out,
      "morris vf --by-time: the table, month by month")

# A Morris design crossed with two interest-rate scenarios: one set of measures per scenario, the
# design from the file matched point for point (the cross factor included); with --by-time, month 0
# is constant within each scenario though the scenarios differ from each other.
crossed = sweep_file("crossed.yaml", """sweep:
  design: morris
  points: 3
  levels: 4
  factors:
    - {key: deals.kappa, range: [0.5, 6]}
    - {key: investors.herding, range: [0, 0.6]}
  cross:
    - {key: macro.r0, values: [0.02, 0.05]}
""")
x_h5 = run_sweep(crossed, "crossed.h5")
with h5py.File(x_h5, "r") as f:
    xvf = f["market/value_fundamental"][:, :, :]
rc, out, err = aimsim("sensitivity", x_h5, "--output", "vf", "--json")
check(rc == 0 and same_numbers(json.loads(out), csv_route(crossed, "vf", xvf[:, :, -1]), 0.0),
      f"crossed vf: the same numbers as the CSV route, per scenario ({err.strip()})")
rc, out, err = aimsim("sensitivity", x_h5, "--output", "vf", "--json", "--by-time")
bt = json.loads(out)["by_time"] if rc == 0 else []
check(rc == 0 and [c.get("constant") for c in bt[0]["scenarios"]] == [True, True]
      and xvf[:9, :, 0].min() != xvf[9:, :, 0].min() and "factors" in bt[1]["scenarios"][1],
      f"crossed vf --by-time: month 0 constant per scenario, the scenarios differing ({err.strip()})")

# crash_probability: a crash threshold at the median of the deepest falls, so that the flag varies
# (the sweep again with that analysis.crash_drawdown in its config, which the command reads).
with h5py.File(an, "r") as g:
    threshold = float(np.median(g["analysis/max_window_drawdown"][:, :]))
c_h5 = os.path.join(tmp, "crash.h5")
rc, _, err = aimsim("run", morris, "-o", c_h5, *SMALL, "--set", f"analysis.crash_drawdown={threshold:.6f}")
assert rc == 0, err
c_an = os.path.join(tmp, "crash-an.h5")
rc, _, err = aimsim("analyze", c_h5, "-o", c_an)
assert rc == 0, err
with h5py.File(c_an, "r") as g:
    crash = g["analysis/crash"][:, :].astype(float)
check(0 < crash.mean() < 1, f"crash flag varies at drawdown {threshold:.3f} (share {crash.mean():.3f})")
rc, out, err = aimsim("sensitivity", c_h5, "--output", "crash_probability", "--json")
check(rc == 0, f"morris crash_probability: exit 0 ({err.strip()})")
if rc == 0:
    j = json.loads(out)
    indices_ok(j, MORRIS_KEYS, MORRIS_NAMES, 4, "morris crash_probability")
    check(same_numbers(j, csv_route(morris, "crash_probability", crash), 0.0),
          "morris crash_probability: the same numbers as the CSV route on /analysis/crash")

# bubble_share: the GSADF flag of /analysis/bubble (it varies at 24 months of this sweep; were it
# constant, the command must refuse it as a constant output).
rc, out, err = aimsim("sensitivity", m_h5, "--output", "bubble_share", "--json")
if np.ptp(bubble) > 0:
    check(rc == 0 and same_numbers(json.loads(out), csv_route(morris, "bubble_share", bubble), 0.0),
          f"morris bubble_share: the same numbers as the CSV route on /analysis/bubble ({err.strip()})")
else:
    check(rc == 2 and "zero variance" in err, f"morris bubble_share: a constant flag is refused ({err.strip()})")

# The table names the factors, the design and the noise share.
rc, out, err = aimsim("sensitivity", m_h5, "--output", "circularity")
check(rc == 0 and "Morris measures of circularity" in out and all(k in out for k in MORRIS_KEYS)
      and "replica noise share" in out, "morris circularity: the table")

# --- Saltelli: 2 factors, N = 4 (16 points), 2 replicas.
saltelli = sweep_file("saltelli.yaml", """sweep:
  design: saltelli
  points: 4
  factors:
    - {key: deals.kappa, range: [0.5, 6]}
    - {key: investors.herding, range: [0, 0.6]}
""")
s_h5 = run_sweep(saltelli, "saltelli.h5")
with h5py.File(s_h5, "r") as f:
    vf = f["market/value_fundamental"][:, :, -1]
rc, out, err = aimsim("sensitivity", s_h5, "--output", "vf", "--json", "--boot", "200")
check(rc == 0, f"saltelli vf: exit 0 ({err.strip()})")
if rc == 0:
    j = json.loads(out)
    indices_ok(j, MORRIS_KEYS[:2], ["S1", "S1_conf", "ST", "ST_conf"], 3, "saltelli vf")
    path = os.path.join(tmp, "s-vf.csv")
    with open(path, "w") as f:
        f.write("point,vf\n" + "".join(f"{p},{vf[p, r]:.17g}\n" for p in range(vf.shape[0]) for r in range(2)))
    rc2, out2, _ = aimsim("sensitivity", "--design", saltelli, "--csv", path, "--output", "vf", "--json", "--boot",
                          "200")
    check(rc2 == 0 and json.loads(out2) == j, "saltelli vf: the same numbers as the CSV route")

# --- Error paths: exit 2 with a message that says what is wrong.
single = os.path.join(tmp, "single.h5")
rc, _, err = aimsim("run", os.path.join(SRC, "configs", "seed-2025.yaml"), "-o", single, *SMALL)
assert rc == 0, err
grid = sweep_file("grid.yaml", """sweep:
  design: grid
  factors:
    - {key: deals.kappa, values: [1, 3]}
""")
g_h5 = run_sweep(grid, "grid.h5")
for args, needle, what in [
    ([single, "--output", "vf"], "not a sweep", "a single run"),
    ([g_h5, "--output", "vf"], "sweep.design is grid", "a grid design"),
    ([m_h5, "--output", "gdp"], "not an output of a run file", "an unknown output"),
    ([m_h5], "missing --output", "no --output"),
    ([m_h5, "--output", "vf", "--design", morris, "--csv", "x.csv"], "not both", "both routes"),
    ([os.path.join(tmp, "missing.h5"), "--output", "vf"], "missing.h5", "a missing file"),
    ([m_h5, "--output", "hhi", "--by-time"], "not a monthly series", "--by-time with a per-replica output"),
    (["--design", morris, "--csv", "x.csv", "--output", "vf", "--by-time"], "needs a run file", "--by-time on a CSV"),
]:
    rc, out, err = aimsim("sensitivity", *args)
    check(rc == 2 and needle in err and out == "", f"{what}: exit 2 with '{needle}' ({err.strip()})")

print(f"{checks - failures}/{checks} checks passed")
sys.exit(1 if failures else 0)
