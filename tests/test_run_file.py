#!/usr/bin/python3
"""A file written by a real `aimsim run`, read by h5py and xarray (h5netcdf engine) only: dimension
names and shapes follow the command line (replicas, steps + 1, the config's firms), and every
provenance attribute holds a value checked against a source outside the file (the config that
`aimsim config show` resolves, git, h5py's HDF5 library, `aimsim --version`, the wall clock).

Usage: test_run_file.py AIMSIM"""
import datetime
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

aimsim = sys.argv[1]
failed = 0
checks = 0


def check(ok, what):
    global failed, checks
    checks += 1
    print(("PASS: " if ok else "FAIL: ") + what, flush=True)
    failed += 0 if ok else 1


tmp = tempfile.mkdtemp(prefix="aimsim-run-file-")
out = os.path.join(tmp, "run.h5")
sets = ["--set", "market.lambda=0.1", "--set", "investors.count=700", "--set", "deals.kappa=2.385"]
R, S, SEED = 3, 5, 4711
t0 = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
p = subprocess.run([aimsim, "run", "-o", out, "--replicas", str(R), "--steps", str(S), "--seed", str(SEED),
                    "--threads", "2", "-q"] + sets, capture_output=True, text=True, timeout=120)
t1 = datetime.datetime.now(datetime.timezone.utc)
check(p.returncode == 0, "aimsim run exits 0 (%s)" % p.stderr.strip())
shown = subprocess.run([aimsim, "config", "show", "--set", "run.replicas=%d" % R, "--set", "run.steps=%d" % S,
                        "--set", "run.seed=%d" % SEED] + sets, capture_output=True, text=True).stdout
version = subprocess.run([aimsim, "--version"], capture_output=True, text=True).stdout
n_firms = len(re.findall(r"^\s+- name:", shown, re.M))


def iso(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


with h5py.File(out, "r") as h:
    # Fixed-length string attributes come back from h5py as numpy.bytes_.
    a = {k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in h.attrs.items()}
    cash = h["firm/cash"]
    check(cash.shape == (1, R, S + 1, n_firms),
          "h5py: /firm/cash shape %s = (1 point, %d replicas, %d times, %d firms)" % (cash.shape, R, S + 1, n_firms))
    dims = []
    for d in cash.dims:
        scales = list(d.values())
        dims.append(os.path.basename(scales[0].name) if scales else "")
    check(dims == ["point", "replica", "time", "firm"], "h5py: cash dimension scales %s" % dims)
    check(h["market/demand"].shape == (1, R, S + 1), "h5py: /market/demand shape (1, %d, %d)" % (R, S + 1))
    check(h["replica_done"].shape == (1, R) and h["replica_done"][...].all(), "h5py: replica_done all set")
    check(a["status"] == "complete" and a["aimsim_format"] == "aimsim-trajectories-3", "h5py: complete aimsim file")
    check(a["config"] == shown and len(shown) > 1000,
          "h5py: config attribute is the resolved config that `aimsim config show` prints")
    check(int(a["seed"]) == SEED, "h5py: seed %s" % a["seed"])
    check(version.startswith("aimsim %s\n" % a["aimsim_version"]), "h5py: aimsim_version %s as --version" % a["aimsim_version"])
    rev = a["git_revision"]
    check(re.fullmatch(r"[0-9a-f]{40}|unknown", rev) is not None and ("git revision: " + rev) in version,
          "h5py: git_revision %s (40 hex digits, as --version)" % rev)
    check(a["git_dirty"] in ("yes", "no", "unknown"), "h5py: git_dirty %s" % a["git_dirty"])
    check(a["compiler"] != "" and a["compiler"] in version, "h5py: compiler '%s' as --version" % a["compiler"])
    check("-ffp-contract=off" in a["compile_flags"] and ("flags: " + a["compile_flags"]) in version,
          "h5py: compile_flags name -ffp-contract=off, as --version")
    check(a["hdf5_version"] == h5py.version.hdf5_version, "h5py: hdf5_version %s is the library's" % a["hdf5_version"])
    check(re.fullmatch(r"\d+\.\d+(\.\d+)?", a["libfyaml_version"]) is not None and
          ("libfyaml " + a["libfyaml_version"]) in version, "h5py: libfyaml_version %s as --version" % a["libfyaml_version"])
    try:
        st, en = iso(a["start_time"]), iso(a["end_time"])
        ok = t0 <= st <= en <= t1 + datetime.timedelta(seconds=1)
    except (ValueError, KeyError):
        ok = False
    check(ok, "h5py: start_time %s <= end_time %s, within the run's wall-clock interval"
          % (a.get("start_time"), a.get("end_time")))

ds = xr.open_dataset(out, engine="h5netcdf", group="firm")
check(ds["cash"].dims == ("point", "replica", "time", "firm"), "xarray: cash dims %s" % (ds["cash"].dims,))
check(dict(ds["cash"].sizes) == {"point": 1, "replica": R, "time": S + 1, "firm": n_firms},
      "xarray: sizes %s" % dict(ds["cash"].sizes))
want_names = re.findall(r"^\s+- name: \"?([^\"\n]+)\"?$", shown, re.M)
check(sorted(ds["firm_name"].values.tolist()) == sorted(want_names),
      "xarray: firm_name coordinate holds the config's firms")
check(set(ds["firm_kind"].values.tolist()) == {"vendor", "cloud", "lab"}, "xarray: firm_kind coordinate")
tv = ds["time"].values
start = re.search(r'^  start_date: "?(\d{4})-(\d{2})"?', shown, re.M)
y0, m0 = int(start.group(1)), int(start.group(2))
months = [(y0 * 12 + m0 - 1 + k) for k in range(S + 1)]
want_tv = np.array(["%04d-%02d-01" % (m // 12, m % 12 + 1) for m in months], dtype="datetime64[ns]")
check(tv.dtype == np.dtype("datetime64[ns]") and np.array_equal(tv, want_tv),
      "xarray: time decodes to datetime64 month starts from start_date %d-%02d" % (y0, m0))
check(ds["month"].values.tolist() == list(range(S + 1)) and "month" in ds.coords, "xarray: month index coordinate")
check(bool(np.isfinite(ds["cash"].values).all()), "xarray: cash finite in every replica")
dm = xr.open_dataset(out, engine="h5netcdf", group="market")
check(dm["demand"].dims == ("point", "replica", "time"), "xarray: market demand dims")
root = xr.open_dataset(out, engine="h5netcdf")
check(root.attrs["config"] == shown and int(root.attrs["seed"]) == SEED, "xarray: provenance in root attributes")
ds.close()
dm.close()
root.close()
subprocess.run(["rm", "-rf", tmp])
print("%d checks, %d failed" % (checks, failed))
sys.exit(1 if failed or not checks else 0)
