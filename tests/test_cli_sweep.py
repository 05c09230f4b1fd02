"""`aimsim run` of a sweep: every (point, replica) unit run, /sweep/points, streams, resume.

A grid of 2 factors x 2 values x 2 replicas on a small run (2000 investors, 12 months): the file
has 4 points; /sweep/points equals `aimsim design`; 1 and 2 threads give identical files; each
point runs with its own parameters (deals.kappa: every generated deal's commitment is kappa times
its investments); with sweep.common_random_numbers every point is a single run of its config
(stream (seed, 0, r)), without it only point 0 is; two points with identical factor values have
identical trajectories with common random numbers and different ones without; points of different
sizes (investors.count) each equal their single run, and the memory estimate is the largest
point's; a sweep killed
with SIGKILL and resumed runs only the missing units and equals an uninterrupted one (a resume
with another sweep is refused); `aimsim
analyze` keeps the point dimension; `aimsim info` lists the points; bad sweeps exit 2.

Usage: test_cli_sweep.py AIMSIM"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

AIMSIM = sys.argv[1]
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMPARE = os.path.join(SRC, "tests", "test_cli_compare.py")
tmp = tempfile.mkdtemp(prefix="aimsim-sweep-")
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


with open(os.path.join(SRC, "configs", "seed-2025.yaml")) as f:
    SEED = f.read()


def sweep_file(name, factors, extra=""):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(SEED + "\nsweep:\n  design: grid\n" + extra + "  factors:\n" +
                "".join(f"    - {x}\n" for x in factors))
    return path


SMALL = ["--set", "run.replicas=2", "--set", "run.steps=12", "--set", "investors.count=2000", "-q"]


def run(cfg, out, *extra, threads=2):
    args = [AIMSIM, "run"] + ([cfg] if cfg else []) + ["-o", os.path.join(tmp, out), "--threads", str(threads)]
    return subprocess.run(args + SMALL + list(extra), capture_output=True, text=True, timeout=600)


def series(path):
    """Every dataset with a leading point dimension, by name (firm, market, balance sheet)."""
    out = {}
    with h5py.File(path, "r") as h:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.ndim >= 3 and not name.startswith("analysis"):
                out[name] = obj[()]
        h.visititems(visit)
    return out


def same(a, b):
    return a.shape == b.shape and a.tobytes() == b.tobytes()


grid = ["{key: deals.kappa, values: [2, 4]}", "{key: investors.herding, values: [0.1, 0.5]}"]
cfg = sweep_file("grid.yaml", grid)

# --- the file: 4 points, /sweep/points = aimsim design, thread count does not matter --------------
p2 = run(cfg, "t2.h5", threads=2)
p1 = run(cfg, "t1.h5", threads=1)
check(p1.returncode == 0 and p2.returncode == 0, "a 2 x 2 grid sweep runs (exit 0)\n" + p1.stderr + p2.stderr)
d = subprocess.run([AIMSIM, "design", cfg], capture_output=True, text=True)
rows = [line.split(",") for line in d.stdout.strip().splitlines()]
want = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
with h5py.File(os.path.join(tmp, "t2.h5"), "r") as h:
    pts = h["sweep/points"]
    keys = [bytes(k).rstrip(b"\0").decode() for k in h["sweep/factor_key"][()]]
    check(h["firm/cash"].shape[:2] == (4, 2) and h["replica_done"][()].all(),
          f"the file has 4 points x 2 replicas, all done: {h['firm/cash'].shape}")
    check(pts.shape == (4, 2) and np.array_equal(pts[()], want) and keys == rows[0][1:],
          f"/sweep/points and its keys equal `aimsim design`: {pts[()].tolist()} {keys}")
    check(pts.attrs["design"] == b"grid" and int(pts.attrs["design_seed"]) == 2025 and
          int(pts.attrs["common_random_numbers"]) == 0 and int(pts.attrs["design_points"]) == 0,
          "/sweep/points attributes: design, design seed, N, common_random_numbers")
    config = h.attrs["config"].decode()
    check("sweep:\n  design: \"grid\"" in config and "common_random_numbers: false" in config,
          "the file's config holds the sweep")
try:
    import xarray as xr
    with xr.open_dataset(os.path.join(tmp, "t2.h5"), engine="h5netcdf", group="sweep") as x:
        check(x.points.dims == ("point", "factor") and np.array_equal(x.points.values, want) and
              [str(k) for k in x.factor_key.values] == rows[0][1:], "xarray reads /sweep: points and factor keys")
except ImportError:
    print("SKIP: xarray is not installed")
c = subprocess.run([sys.executable, COMPARE, os.path.join(tmp, "t1.h5"), os.path.join(tmp, "t2.h5")],
                   capture_output=True, text=True)
check(c.returncode == 0, "1 thread and 2 threads give identical sweep files\n" + c.stdout)

# --- each point runs with its own parameters: kappa in the deals' commitments ----------------------
with h5py.File(os.path.join(tmp, "t2.h5"), "r") as h:
    ev = h["events"][()]
    kappa = h["sweep/points"][:, 0]
deals = ev[(ev["kind"] == 1) & (ev["step"] >= 1) & (ev["amount2"] > 0)]
ratios = {}
for e in deals:
    ratios.setdefault(int(e["point"]), []).append(e["amount2"] / (e["amount0"] + e["amount1"]))
ok = len(ratios) >= 2 and len({kappa[p] for p in ratios}) == 2 and all(
    np.allclose(v, kappa[p], rtol=1e-12) for p, v in ratios.items())
check(ok, "generated deals commit kappa x their investments with each point's kappa: "
      + str({p: sorted(set(np.round(v, 9))) for p, v in ratios.items()}))

# --- streams: (seed, p, r); common random numbers: (seed, 0, r) ----------------------------------
plain = [run(None, f"plain{p}.h5", "--set", f"deals.kappa={want[p][0]:.17g}", "--set",
             f"investors.herding={want[p][1]:.17g}") for p in range(4)]
check(all(p.returncode == 0 for p in plain), "single runs of each point's config")
sw = series(os.path.join(tmp, "t2.h5"))
singles = [series(os.path.join(tmp, f"plain{p}.h5")) for p in range(4)]
check(len(sw) > 20 and all(same(sw[n][0], singles[0][n][0]) for n in sw),
      f"point 0 equals a single run of its config ({len(sw)} series)")
check(all(not same(sw["firm/cash"][p], singles[p]["firm/cash"][0]) for p in (1, 2, 3)),
      "points 1-3 draw from their own streams (seed, p, r): not equal to single runs")
crn = sweep_file("crn.yaml", grid, "  common_random_numbers: true\n")
pc = run(crn, "crn.h5")
check(pc.returncode == 0, "the sweep with common random numbers runs\n" + pc.stderr)
sc = series(os.path.join(tmp, "crn.h5"))
check(all(same(sc[n][p], singles[p][n][0]) for n in sc for p in range(4)),
      "with common random numbers every point equals a single run of its config (stream (seed, 0, r))")
twin = ["{key: deals.kappa, values: [3, 3]}"]
tw_crn, tw_ind = sweep_file("twin_crn.yaml", twin, "  common_random_numbers: true\n"), sweep_file("twin.yaml", twin)
a, b = run(tw_crn, "twin_crn.h5"), run(tw_ind, "twin.h5")
check(a.returncode == 0 and b.returncode == 0, "sweeps of two identical points run")
ta, tb = series(os.path.join(tmp, "twin_crn.h5")), series(os.path.join(tmp, "twin.h5"))
check(all(same(ta[n][0], ta[n][1]) for n in ta), "identical points, common random numbers: identical trajectories")
check(not same(tb["firm/cash"][0], tb["firm/cash"][1]) and not same(tb["market/ai_market_value"][0],
                                                                     tb["market/ai_market_value"][1]),
      "identical points, independent streams: different trajectories")

# --- points of different sizes: investors.count as a factor (a world per point) -------------------
inv = sweep_file("inv.yaml", ["{key: investors.count, values: [3000, 1000]}"], "  common_random_numbers: true\n")
a, b = run(inv, "inv2.h5", threads=2), run(inv, "inv1.h5", threads=1)
c = subprocess.run([sys.executable, COMPARE, os.path.join(tmp, "inv1.h5"), os.path.join(tmp, "inv2.h5")],
                   capture_output=True, text=True)
check(a.returncode == 0 and b.returncode == 0 and c.returncode == 0,
      "investors.count as a factor: 1 and 2 threads give identical files\n" + a.stderr + b.stderr + c.stdout)
si = series(os.path.join(tmp, "inv2.h5"))
ok = True
for p, n in enumerate((3000, 1000)):
    q = run(None, f"inv_single{p}.h5", "--set", f"investors.count={n}")
    one = series(os.path.join(tmp, f"inv_single{p}.h5"))
    ok = ok and q.returncode == 0 and all(same(si[k][p], one[k][0]) for k in si)
check(ok, "each point of an investors.count sweep equals a single run with that count")
big_inv = sweep_file("biginv.yaml", ["{key: investors.count, values: [1000, 3000000]}"])
q = run(big_inv, "biginv.h5", "--max-memory", "200M")
check(q.returncode != 0 and "estimated peak memory" in q.stderr and
      not os.path.exists(os.path.join(tmp, "biginv.h5.partial")),
      "the memory estimate is the largest point's (3,000,000 investors refused at 200M, 1000 would fit)\n" + q.stderr)

# --- aimsim info lists the points; aimsim analyze keeps the point dimension -----------------------
info = subprocess.run([AIMSIM, "info", os.path.join(tmp, "t2.h5")], capture_output=True, text=True)
check(info.returncode == 0 and "sweep: design grid, 4 points" in info.stdout and
      re.search(r"point\s+deals\.kappa\s+investors\.herding\s+complete", info.stdout) and
      re.search(r"\n\s+3\s+4\s+0\.5\s+2 of 2\n", info.stdout) and "replicas complete: 8 of 8" in info.stdout,
      "aimsim info lists the points\n" + info.stdout[:1500])
an = subprocess.run([AIMSIM, "analyze", os.path.join(tmp, "t2.h5"), "-o", os.path.join(tmp, "an.h5")],
                    capture_output=True, text=True)
with h5py.File(os.path.join(tmp, "an.h5"), "r") as h:
    check(an.returncode == 0 and h["analysis/bubble_share"].shape == (4,) and
          h["analysis/band_hhi"].shape[0] == 4 and h["analysis/analysed"][()].all(),
          "aimsim analyze writes /analysis per point (4 points)\n" + an.stderr)

# --- bad sweeps: exit 2 with a message ---------------------------------------------------------
bad = {
    "a point that makes the config invalid": (["{key: deals.f_v, values: [0.2, 0.95]}"],
                                              "sweep point 1 (deals.f_v=0.95)"),
    "a factor that would add a firm": (["{key: \"labs.firms[9].cash\", values: [1, 2]}"],
                                       "index 9 does not exist"),
    "a run.* factor": (["{key: run.steps, values: [12, 24]}"], "run.* keys"),
    "a value out of the key's range": (["{key: investors.herding, values: [0.5, 2]}"], "outside the valid range"),
}
for what, (factors, msg) in bad.items():
    path = sweep_file("bad.yaml", factors)
    p = run(path, "bad.h5")
    check(p.returncode == 2 and msg in p.stderr and not os.path.exists(os.path.join(tmp, "bad.h5.partial")),
          f"{what}: exit 2 before any work, \"{msg}\"\n" + p.stderr)

# --- killed and resumed -----------------------------------------------------------------------
big = ["--set", "run.replicas=3", "--set", "run.steps=120", "--set", "investors.count=20000", "-q"]
ref = subprocess.run([AIMSIM, "run", cfg, "-o", os.path.join(tmp, "ref.h5"), "--threads", "2"] + big,
                     capture_output=True, text=True, timeout=600)
check(ref.returncode == 0, "uninterrupted 4-point sweep (3 replicas, 120 months)\n" + ref.stderr)
out = os.path.join(tmp, "killed.h5")
proc = subprocess.Popen([AIMSIM, "run", cfg, "-o", out, "--threads", "2"] + big, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
done, env = 0, dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")
for _ in range(1200):
    i = subprocess.run([AIMSIM, "info", out + ".partial"], capture_output=True, text=True, env=env)
    m = re.search(r"replicas complete: (\d+) of", i.stdout)
    done = int(m.group(1)) if m else 0
    if done >= 3 or proc.poll() is not None:
        break
    time.sleep(0.05)
proc.send_signal(signal.SIGKILL)
proc.wait()
check(3 <= done < 12 and os.path.exists(out + ".partial") and not os.path.exists(out),
      f"killed with SIGKILL after {done} of 12 units")
i = subprocess.run([AIMSIM, "info", out + ".partial"], capture_output=True, text=True)
m = re.search(r"replicas complete: (\d+) of", i.stdout)
kept = int(m.group(1)) if m else -1
other = sweep_file("other.yaml", ["{key: deals.kappa, values: [2, 5]}", grid[1]])
r = subprocess.run([AIMSIM, "run", other, "-o", out, "--threads", "2", "--resume"] + big, capture_output=True,
                   text=True, timeout=600)
check(r.returncode != 0 and os.path.exists(out + ".partial") and not os.path.exists(out),
      "--resume with another sweep is refused\n" + r.stderr)
r = subprocess.run([AIMSIM, "run", cfg, "-o", out, "--threads", "2", "--resume"] + big[:-1], capture_output=True,
                   text=True, timeout=600)
m = re.search(r"(\d+) units run, (\d+) already done", r.stderr)
check(r.returncode == 0 and m and int(m.group(2)) == kept and int(m.group(1)) == 12 - kept,
      f"--resume runs only the {12 - kept} missing units\n" + r.stderr)
c = subprocess.run([sys.executable, COMPARE, out, os.path.join(tmp, "ref.h5")], capture_output=True, text=True)
check(c.returncode == 0, "the resumed sweep equals the uninterrupted one\n" + c.stdout)
with h5py.File(out, "r") as h1, h5py.File(os.path.join(tmp, "ref.h5"), "r") as h2:
    check(same(h1["sweep/points"][()], h2["sweep/points"][()]), "the resumed file keeps /sweep/points")

print(f"{checks} checks, {failures} failed")
sys.exit(1 if failures else 0)
