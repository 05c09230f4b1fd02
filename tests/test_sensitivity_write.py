"""`aimsim sensitivity RUN.h5 --output NAME` writes /sensitivity/NAME into the run file: read back
with h5py and with xarray (h5netcdf), the written indices equal the --json output for a Morris
sweep (plain and --by-time), a second-order Saltelli sweep (S2) and a sweep with a cross factor
(scenario dimension); Morris mu and mu_star are recomputed here with numpy from /sweep/points and
the file's own series. A second run replaces the group and keeps its siblings, --no-write leaves the
file's bytes as they were, a read-only file is refused with a clear message. `aimsim analyze` on the
sweep's file writes /analysis with the point dimension on every indicator.

Usage: test_sensitivity_write.py AIMSIM (AIM_SOURCE_DIR: the source tree)."""
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

AIMSIM = os.path.abspath(sys.argv[1])
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
tmp = tempfile.mkdtemp(prefix="aimsim-senswrite-")
os.chmod(tmp, 0o755)
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


def aimsim(*args, user=None):
    p = subprocess.run([*(user or []), AIMSIM, *args], capture_output=True, text=True, timeout=240)
    return p.returncode, p.stdout, p.stderr


with open(os.path.join(SRC, "configs", "seed-2025.yaml")) as f:
    SEED = f.read()
SMALL = ["--set", "run.replicas=2", "--set", "run.steps=24", "--set", "investors.count=500", "-q", "--threads", "2"]


def run_sweep(name, sweep):
    cfg = os.path.join(tmp, name + ".yaml")
    with open(cfg, "w") as f:
        f.write(SEED + "\n" + sweep)
    path = os.path.join(tmp, name + ".h5")
    rc, _, err = aimsim("run", cfg, "-o", path, *SMALL)
    assert rc == 0, err
    return path


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def same(a, b):
    """Bitwise equal floats, NaN equal to NaN (JSON numbers have 17 significant digits)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


# ---- Morris: 3 factors, 4 trajectories ----
MORRIS_KEYS = ["deals.kappa", "investors.herding", "credit.capital_ratio"]
RANGES = [(0.5, 6.0), (0.0, 0.6), (0.05, 0.2)]
m_h5 = run_sweep("morris", """sweep:
  design: morris
  points: 4
  levels: 4
  factors:
    - {key: deals.kappa, range: [0.5, 6]}
    - {key: investors.herding, range: [0, 0.6]}
    - {key: credit.capital_ratio, range: [0.05, 0.2]}
""")
rc, out, err = aimsim("sensitivity", m_h5, "--output", "vf", "--json")
check(rc == 0 and f"wrote /sensitivity/vf into {m_h5}" in err, f"morris vf: exit 0 and says so ({err.strip()})")
j = json.loads(out)
with h5py.File(m_h5, "r") as f:
    g = f["sensitivity/vf"]
    keys = [b"".join(k).decode() for k in g["factor_key"][...]]
    check(keys == MORRIS_KEYS, f"h5py: factor_key {keys}")
    for name in ("mu_star", "mu_star_conf", "sigma"):
        check(same(g[name][...], [x[name] for x in j["factors"]]), f"h5py: {name} equals --json bit for bit")
    a = g.attrs
    check(a["method"] == b"morris" and a["output"] == b"vf" and a["n"] == 4 and a["bootstrap_resamples"] == 1000
          and a["confidence_level"] == 0.95 and a["replicas"] == 2 and a["by_time"] == 0
          and a["noise_share"] == j["noise_share"], f"h5py: attributes {dict(a)}")
    check(g["mu"].dims[0][0].name == "/sensitivity/vf/factor", "h5py: mu's dimension is the factor scale")
    # Morris from the definitions: trajectories of D + 1 points, each step changes one factor.
    x = f["sweep/points"][...]
    y = f["market/value_fundamental"][:, :, -1].mean(axis=1)
    mu_ref = np.zeros(3)
    mu_star_ref = np.zeros(3)
    for t in range(4):
        for k in range(3):
            p = t * 4 + k
            i = int(np.flatnonzero(x[p + 1] != x[p])[0])
            du = (x[p + 1, i] - x[p, i]) / (RANGES[i][1] - RANGES[i][0])
            ee = (y[p + 1] - y[p]) / du
            mu_ref[i] += ee / 4
            mu_star_ref[i] += abs(ee) / 4
    check(np.allclose(g["mu"][...], mu_ref, rtol=1e-9, atol=0) and np.allclose(g["mu_star"][...], mu_star_ref,
                                                                              rtol=1e-9, atol=0),
          f"mu and mu_star equal numpy's elementary effects on /sweep/points ({g['mu'][...]} vs {mu_ref})")
ds = xr.open_dataset(m_h5, group="sensitivity/vf", engine="h5netcdf")
check(ds["mu_star"].dims == ("factor",) and list(ds["factor_key"].values) == MORRIS_KEYS
      and "factor_key" in ds.coords, f"xarray: mu_star over factor, factor_key a coordinate ({ds})")
check(same(ds["sigma"].values, [x["sigma"] for x in j["factors"]]) and ds.attrs["method"] == "morris",
      "xarray: sigma equals --json")
ds.close()

# --by-time: a leading time dimension (decoded as dates), month 0 constant.
rc, out, err = aimsim("sensitivity", m_h5, "--output", "circularity", "--json", "--by-time")
bt = json.loads(out)["by_time"]
ds = xr.open_dataset(m_h5, group="sensitivity/circularity", engine="h5netcdf")
check(rc == 0 and ds["mu_star"].dims == ("time", "factor") and ds.sizes["time"] == 25,
      f"--by-time: mu_star [time, factor] of 25 months ({err.strip()})")
check(str(ds["time"].values[0])[:10] == "2025-11-01" and str(ds["time"].values[24])[:10] == "2027-11-01",
      f"--by-time: time decoded as dates {ds['time'].values[[0, -1]]}")
const = [1 if m.get("constant") else 0 for m in bt]
check(list(ds["constant"].values) == const and const[0] == 1 and sum(const) < 25,
      f"--by-time: constant months {const}")
ok = all(np.all(np.isnan(ds["mu_star"].values[t])) if const[t] else
         same(ds["mu_star"].values[t], [x["mu_star"] for x in bt[t]["factors"]])
         and same(ds["noise_share"].values[t], bt[t]["noise_share"]) for t in range(25))
check(ok, "--by-time: every month's mu_star and noise share equal --json (NaN where constant)")
ds.close()

# A second analysis of vf replaces /sensitivity/vf and keeps /sensitivity/circularity.
rc, out, err = aimsim("sensitivity", m_h5, "--output", "vf", "--json", "--boot", "200")
with h5py.File(m_h5, "r") as f:
    check(rc == 0 and f["sensitivity/vf"].attrs["bootstrap_resamples"] == 200
          and "circularity" in f["sensitivity"], "a second run replaces the group, keeps its sibling")
    check(same(f["sensitivity/vf/mu_star_conf"][...], [x["mu_star_conf"] for x in json.loads(out)["factors"]]),
          "the replaced group holds the new run's mu_star_conf")

# --no-write leaves the file as it was.
before = sha(m_h5)
rc, out, err = aimsim("sensitivity", m_h5, "--output", "hhi", "--json", "--no-write")
check(rc == 0 and sha(m_h5) == before and "wrote" not in err, "--no-write: the file's bytes are unchanged")
with h5py.File(m_h5, "r") as f:
    check("hhi" not in f["sensitivity"], "--no-write: no /sensitivity/hhi")
rc, out, err = aimsim("sensitivity", "--design", os.path.join(tmp, "morris.yaml"), "--csv", "x.csv", "--output",
                      "y", "--no-write")
check(rc == 2 and "--no-write goes with a run file" in err, f"--no-write with the CSV route: {err.strip()}")

# The run file is still a run file: reproduce and analyze read it.
rc, out, err = aimsim("reproduce", m_h5, "--point", "3", "--ignore-provenance")
check(rc == 0 and "reproduced 2 units" in out, f"reproduce reads a file with /sensitivity ({err.strip()[-200:]})")

# A read-only run file (as root, whom permissions do not stop, the command runs as user nobody).
ro = os.path.join(tmp, "ro.h5")
shutil.copyfile(m_h5, ro)
os.chmod(ro, 0o444)
user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else None
if aimsim("--version", user=user)[0] == 0:
    before = sha(ro)
    rc, out, err = aimsim("sensitivity", ro, "--output", "hhi", user=user)
    check(rc == 2 and "ro.h5: the run file is not writable" in err and "/sensitivity/hhi cannot be added" in err
          and "--no-write" in err and sha(ro) == before, f"a read-only run file: a clear error ({err.strip()})")
    rc, out, err = aimsim("sensitivity", ro, "--output", "hhi", "--no-write", user=user)
    check(rc == 0 and "Morris measures of hhi" in out, "a read-only run file with --no-write: printed")
else:
    print("NOTE: user nobody cannot run the binary (a private build directory): read-only file not checked")

# aimsim analyze on the sweep's file: every indicator has the point dimension first.
rc, _, err = aimsim("analyze", m_h5, "-o", os.path.join(tmp, "an.h5"))
ds = xr.open_dataset(os.path.join(tmp, "an.h5"), group="analysis", engine="h5netcdf")
labels = {"layer_name", "point", "replica", "time", "layer", "quantile"}
bad = [v for v in ds.data_vars if v not in labels and ds[v].dims[0] != "point"]
check(rc == 0 and ds.sizes["point"] == 16 and not bad and len(ds.data_vars) > 30,
      f"analyze: {len(ds.data_vars)} indicators over 16 points, all with the point dimension first {bad}")
ds.close()

# ---- Saltelli with second order: 2 factors, N = 4 ----
s_h5 = run_sweep("saltelli", """sweep:
  design: saltelli
  points: 4
  second_order: true
  factors:
    - {key: deals.kappa, range: [0.5, 6]}
    - {key: investors.herding, range: [0, 0.6]}
""")
rc, out, err = aimsim("sensitivity", s_h5, "--output", "vf", "--json", "--boot", "200")
j = json.loads(out)
ds = xr.open_dataset(s_h5, group="sensitivity/vf", engine="h5netcdf")
check(rc == 0 and ds["S2"].dims == ("factor", "factor_j") and ds["S1"].dims == ("factor",),
      f"saltelli: S1 [factor], S2 [factor, factor_j] ({err.strip()})")
for name in ("S1", "S1_conf", "ST", "ST_conf"):
    check(same(ds[name].values, [x[name] for x in j["factors"]]), f"saltelli: {name} equals --json")
s2 = ds["S2"].values
check(same(s2[0, 1], j["S2"][0]["S2"]) and same(ds["S2_conf"].values[0, 1], j["S2"][0]["S2_conf"])
      and np.isnan(s2[1, 0]) and np.isnan(s2[0, 0]) and np.isnan(s2[1, 1]),
      f"saltelli: S2[0, 1] equals --json, NaN elsewhere ({s2})")
check(ds.attrs["method"] == "sobol" and ds.attrs["n"] == 3 and ds.attrs["bootstrap_resamples"] == 200
      and list(ds["factor_j_key"].values) == MORRIS_KEYS[:2], f"saltelli: attributes {ds.attrs}")
ds.close()

# ---- a cross factor: a scenario dimension with the cross values ----
x_h5 = run_sweep("crossed", """sweep:
  design: morris
  points: 3
  levels: 4
  factors:
    - {key: deals.kappa, range: [0.5, 6]}
    - {key: investors.herding, range: [0, 0.6]}
  cross:
    - {key: macro.r0, values: [0.02, 0.05]}
""")
rc, out, err = aimsim("sensitivity", x_h5, "--output", "vf", "--json")
j = json.loads(out)
ds = xr.open_dataset(x_h5, group="sensitivity/vf", engine="h5netcdf")
check(rc == 0 and ds["mu_star"].dims == ("scenario", "factor") and ds.sizes["scenario"] == 2
      and list(ds["cross_key"].values) == ["macro.r0"] and same(ds["cross_value"].values, [[0.02], [0.05]]),
      f"crossed: [scenario, factor] with cross_key and cross_value ({err.strip()})")
ok = all(same(ds["mu_star"].values[c], [x["mu_star"] for x in j["scenarios"][c]["factors"]])
         and same(ds["noise_share"].values[c], j["scenarios"][c]["noise_share"]) for c in range(2))
check(ok, "crossed: each scenario's mu_star and noise share equal --json")
ds.close()

shutil.rmtree(tmp)
print(f"{checks - failures}/{checks} checks passed")
sys.exit(1 if failures else 0)
