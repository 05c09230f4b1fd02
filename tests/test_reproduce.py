"""`aimsim reproduce FILE` on a small single run and a small Morris sweep of the seed scenario:
every completed unit reruns bit for bit at 1 and 2 threads, --point/--replica narrow the check, a
copy with one value changed by h5py (a series, the balance sheet, an event count, an event field)
exits 1 naming that dataset, unit and index with both values, a copy whose compile_flags attribute
was changed is refused (exit 2) and passes with --ignore-provenance only when nothing else
differs, and bad arguments exit 2 with a clear message. The expected values are read here with h5py.

Usage: test_reproduce.py AIMSIM (AIM_SOURCE_DIR: the source tree)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np

AIMSIM = os.path.abspath(sys.argv[1])
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
tmp = tempfile.mkdtemp(prefix="aimsim-reproduce-")
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


def aimsim(*args):
    p = subprocess.run([AIMSIM, *args], capture_output=True, text=True, timeout=240)
    return p.returncode, p.stdout, p.stderr


def copy(src, name):
    path = os.path.join(tmp, name)
    shutil.copyfile(src, path)
    return path


SMALL = ["--set", "run.replicas=3", "--set", "run.steps=24", "--set", "investors.count=500", "-q"]

# The binary built from a tree with uncommitted changes cannot prove that the file's code is its
# own: reproduce refuses, and --ignore-provenance is then needed for the bit-for-bit checks.
rc, version, _ = aimsim("--version")
dirty = "(modified tree)" in version or "(tree state unknown)" in version
IGNORE = ["--ignore-provenance"] if dirty else []
print(f"binary built from a {'dirty' if dirty else 'clean'} tree", flush=True)


def reproduce(path, *args):
    return aimsim("reproduce", path, *args, *IGNORE)


# ---- a single run ----
single = os.path.join(tmp, "single.h5")
rc, _, err = aimsim("run", "-o", single, *SMALL, "--threads", "2")
assert rc == 0, err
rc, out, err = aimsim("reproduce", single)
if dirty:
    check(rc == 2 and "git_dirty" in err and "--ignore-provenance" in err,
          f"a dirty tree's file or binary is refused (rc {rc}): {err.strip()[:300]}")
else:
    check(rc == 0, f"a clean build reproduces its own file without options (rc {rc}): {err.strip()[:300]}")
for threads in ("1", "2"):
    rc, out, err = reproduce(single, "--threads", threads)
    check(rc == 0 and out.strip() == f"reproduced 3 units of {single} bit for bit",
          f"single run, {threads} thread(s): rc {rc}, {out.strip()!r} {err.strip()[-200:]}")
# More threads than units: the spare threads join the unit's investor loop (nested), same numbers.
rc, out, err = reproduce(single, "--replica", "1", "--threads", "4")
check(rc == 0 and "reproduced 1 unit " in out, f"one unit on 4 threads (nested investor loop): {out.strip()!r}")
rc, out, err = reproduce(single, "--replica", "2")
check(rc == 0 and out.strip() == f"reproduced 1 unit of {single} bit for bit", f"--replica 2 alone: {out.strip()!r}")

# ---- a sweep: the Morris design of configs/sweeps/morris-seed.yaml over the seed scenario ----
with open(os.path.join(SRC, "configs", "seed-2025.yaml")) as f:
    seed_yaml = f.read()
with open(os.path.join(SRC, "configs", "sweeps", "morris-seed.yaml")) as f:
    morris_yaml = f.read()
cfg = os.path.join(tmp, "morris.yaml")
with open(cfg, "w") as f:
    f.write(seed_yaml + "\n" + morris_yaml)
sweep = os.path.join(tmp, "sweep.h5")
rc, _, err = aimsim("run", cfg, "-o", sweep, *SMALL, "--set", "run.replicas=2", "--threads", "2")
assert rc == 0, err
with h5py.File(sweep, "r") as f:
    n_points = f["sweep/points"].shape[0]
    n_reps = f["replica_done"].shape[1]
check(n_points == 40 and n_reps == 2, f"the sweep has 40 points x 2 replicas ({n_points} x {n_reps})")
for threads in ("1", "2"):
    rc, out, err = reproduce(sweep, "--threads", threads)
    check(rc == 0 and out.strip() == f"reproduced 80 units of {sweep} bit for bit",
          f"sweep, {threads} thread(s): rc {rc}, {out.strip()!r} {err.strip()[-300:]}")
rc, out, err = reproduce(sweep, "--point", "17")
check(rc == 0 and "reproduced 2 units" in out, f"--point 17 alone: {out.strip()!r}")
rc, out, err = reproduce(sweep, "--point", "39", "--replica", "1")
check(rc == 0 and "reproduced 1 unit " in out, f"--point 39 --replica 1: {out.strip()!r}")

# Common random numbers: every point's replica r on point 0's stream.
crn = os.path.join(tmp, "crn.h5")
rc, _, err = aimsim("run", cfg, "-o", crn, *SMALL, "--set", "run.replicas=2", "--set",
                    "sweep.common_random_numbers=true", "--threads", "2")
assert rc == 0, err
rc, out, err = reproduce(crn, "--point", "5", "--threads", "2")
check(rc == 0 and "reproduced 2 units" in out, f"common random numbers, point 5: {out.strip()!r} {err[-200:]}")


# ---- one value changed ----
def g17(v):
    return "%.17g" % v


def bits(v):
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def changed(name, dataset, index, value_fn):
    """A copy of the sweep with dataset[index] replaced; returns (path, old, new)."""
    path = copy(sweep, name)
    with h5py.File(path, "r+") as f:
        d = f[dataset]
        old = d[index]
        new = value_fn(old)
        d[index] = new
    return path, old, new


firm_index = (23, 1, 13, 4)
path, old, new = changed("cash.h5", "firm/cash", firm_index, lambda v: np.nextafter(v, np.inf))
with h5py.File(sweep, "r") as f:
    firm_name = b"".join(f["firm/firm_name"][4]).decode()  # netCDF char array [firm, strlen]
rc, out, err = reproduce(path, "--threads", "2")
check(rc == 1 and "replica 1 of point 23 differs: /firm/cash at time 13" in err and f"firm 4 ({firm_name})" in err,
      f"one ulp of /firm/cash[23, 1, 13, 4] exits 1 naming dataset, unit and index: {err.strip()[-400:]}")
check(f"file:  {g17(new)} (bits {bits(new)})" in err and f"rerun: {g17(old)} (bits {bits(old)})" in err,
      f"both values to 17 significant digits with their bits ({g17(new)} vs {g17(old)})")
check(out == "", "nothing on stdout when a unit differs")

with h5py.File(sweep, "r") as f:
    market = sorted(f["market"].keys())
    market_var = next(k for k in market if f["market"][k].ndim == 3)
path, old, new = changed("market.h5", f"market/{market_var}", (0, 0, 24), lambda v: v * 2.385 + 1)
rc, out, err = reproduce(path, "--threads", "1")
check(rc == 1 and f"replica 0 of point 0 differs: /market/{market_var} at time 24" in err,
      f"/market/{market_var}[0, 0, 24] changed: {err.strip()[-300:]}")

path, old, new = changed("bs.h5", "balance_sheet", (7, 0, 1, 2, 3), lambda v: v + 2.385)
rc, out, err = reproduce(path, "--point", "7")
check(rc == 1 and "/balance_sheet at snapshot 1" in err and "bs_row 2" in err and "bs_col 3" in err,
      f"/balance_sheet[7, 0, 1, 2, 3] changed: {err.strip()[-300:]}")

path, old, new = changed("count.h5", "event_count", (11, 1), lambda v: v + 1)
rc, out, err = reproduce(path, "--point", "11")
check(rc == 1 and "/event_count" in err and f"file:  {new}" in err and f"rerun: {old}" in err,
      f"/event_count[11, 1] + 1: {err.strip()[-300:]}")

# An event row's amount made a NaN with a payload: compared as bits, printed with them.
with h5py.File(sweep, "r") as f:
    ev = f["events"][...]
row = int(np.flatnonzero((ev["point"] == 31) & (ev["replica"] == 0))[2])
nan = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000123))[0]
path = copy(sweep, "event.h5")
with h5py.File(path, "r+") as f:
    r = f["events"][row]
    old = float(r["amount1"])
    r["amount1"] = nan
    f["events"][row] = r
rc, out, err = reproduce(path)
check(rc == 1 and f"replica 0 of point 31 differs: /events at row {row} (seq {ev['seq'][row]}), field amount1" in err
      and "bits 0x7ff8000000000123" in err and f"rerun: {g17(old)}" in err,
      f"/events row {row} amount1 a NaN: {err.strip()[-300:]}")

# The first differing unit is the first in (point, replica) order, whatever the thread count.
path = copy(sweep, "two.h5")
with h5py.File(path, "r+") as f:
    f["firm/revenue"][30, 0, 5, 1] += 1.0
    f["firm/revenue"][9, 1, 20, 0] += 1.0
for threads in ("1", "2"):
    rc, out, err = reproduce(path, "--threads", threads)
    check(rc == 1 and "replica 1 of point 9 differs: /firm/revenue at time 20" in err,
          f"two changed units, {threads} thread(s): the first in order is reported: {err.strip()[-200:]}")

# An unfinished unit is skipped and said so.
path = copy(sweep, "partial.h5")
with h5py.File(path, "r+") as f:
    f["replica_done"][3, 1] = 0
rc, out, err = reproduce(path, "--point", "3")
check(rc == 0 and "skipped 1 unit" in err and "replica 1 of point 3" in err and "reproduced 1 unit " in out,
      f"replica_done 0 is skipped and reported: {err.strip()[-300:]}")

# ---- provenance ----
def set_attr(path, name, value):
    with h5py.File(path, "r+") as f:
        f.attrs.create(name, np.bytes_(value.encode()), dtype=h5py.string_dtype("ascii", len(value)))


with h5py.File(single, "r") as f:
    flags = f.attrs["compile_flags"].decode()
path = copy(single, "flags.h5")
set_attr(path, "compile_flags", flags + " -ffast-math")
rc, out, err = aimsim("reproduce", path)
check(rc == 2 and "compile_flags" in err and f'file "{flags} -ffast-math"' in err and f'this binary "{flags}"' in err
      and out == "", f"a changed compile_flags is refused with both values: {err.strip()[:400]}")
rc, out, err = aimsim("reproduce", path, "--ignore-provenance")
check(rc == 0 and "--ignore-provenance: running anyway" in err and "reproduced 3 units" in out,
      f"--ignore-provenance runs it and says so: {err.strip()[:200]}")
with h5py.File(path, "r+") as f:
    f["firm/debt"][0, 2, 24, 0] += 1e-9
rc, out, err = aimsim("reproduce", path, "--ignore-provenance")
check(rc == 1 and "/firm/debt" in err, f"--ignore-provenance still fails on a changed value: {err.strip()[-200:]}")

path = copy(single, "hdf5v.h5")
set_attr(path, "hdf5_version", "1.8.0")
rc, out, err = reproduce(path)
check(rc == 0 and "warning: hdf5_version differs" in err and '"1.8.0"' in err and "reproduced 3 units" in out,
      f"another HDF5 version only warns: {err.strip()[-300:]}")
path = copy(single, "rev.h5")
set_attr(path, "git_revision", "0" * 40)
rc, out, err = aimsim("reproduce", path)
check(rc == 2 and "git_revision" in err and "0" * 40 in err, f"another git revision is refused: {err.strip()[:200]}")

# ---- bad arguments ----
notaim = os.path.join(tmp, "plain.h5")
with h5py.File(notaim, "w") as f:
    f["x"] = np.arange(3.0)
text = os.path.join(tmp, "text.h5")
with open(text, "w") as f:
    f.write("not hdf5\n")
badcfg = copy(single, "badcfg.h5")
set_attr(badcfg, "config", "run: {steps: [}")
cases = [
    ([os.path.join(tmp, "missing.h5")], 2, "No such file"),
    ([notaim], 2, "plain.h5"),
    ([text], 2, "text.h5"),
    ([tmp], 2, "is a directory"),
    ([sweep, "--point", "40"], 2, "--point 40 is out of range: the file has 40 points (0 to 39)"),
    ([single, "--replica", "3"], 2, "--replica 3 is out of range: the file has 3 replicas (0 to 2)"),
    ([single, "--point", "-1"], 2, "--point must be a whole number"),
    ([single, "--threads", "0"], 2, "--threads must be a whole number"),
    ([single, "--point"], 2, "lacks its value"),
    ([single, "--bogus"], 2, "unknown option"),
    ([], 2, "expects exactly one FILE"),
    ([single, sweep], 2, "expects exactly one FILE"),
    ([badcfg, "--ignore-provenance"], 2, "config"),
]
for args, want_rc, want in cases:
    rc, out, err = aimsim("reproduce", *args)
    check(rc == want_rc and want in err and "Traceback" not in err and out == "",
          f"reproduce {' '.join(os.path.basename(a) for a in args)}: rc {rc} (want {want_rc}), {err.strip()[:200]!r}")

shutil.rmtree(tmp)
print(f"{checks - failures}/{checks} checks passed")
sys.exit(1 if failures else 0)
