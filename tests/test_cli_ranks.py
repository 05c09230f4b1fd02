#!/usr/bin/python3
"""A sweep run over MPI ranks and over job-array shards gives the same file as one process.

With the real Open MPI mpirun: the merged file of `mpirun -n 2` equals a one-process run of the same
sweep dataset by dataset, bit for bit, and so does the merge of 3 `--shard I/3` files (in any
order) and an `mpirun -n 2` with 2 threads per rank; h5py and xarray read the merged file and
`aimsim analyze` computes the same indicators on it. A real `mpirun -n 2` killed with SIGKILL
(mpirun and its ranks, as a node failure or a job kill does) and resumed with `--resume` equals an
uninterrupted run, running only the missing units; SIGUSR1 to mpirun stops the ranks cleanly with
exit status 3 and one process finishes the run with --resume. A resume with another config is
refused; merging shards of different seeds, a merged file, or over an existing output is refused;
a merged file whose shard files were moved is refused by readers; commands other than run refuse
to run as several ranks.

Usage: test_cli_ranks.py AIMSIM"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import h5py
import numpy as np

AIMSIM = sys.argv[1]
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMPARE = os.path.join(SRC, "tests", "test_cli_compare.py")
tmp = tempfile.mkdtemp(prefix="aimsim-ranks-")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
MPIRUN = ["mpirun", "-n", "2", "--bind-to", "none"]
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


def run(args, timeout=300):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=ENV, cwd=tmp)


def same(a, b):
    r = subprocess.run([sys.executable, COMPARE, a, b], capture_output=True, text=True, cwd=tmp)
    return r.returncode == 0, r.stdout


def sweep_file(name, counts):
    seed = open(os.path.join(SRC, "configs", "seed-2025.yaml")).read()
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(seed + "\nsweep:\n  design: grid\n  factors:\n    - {key: deals.kappa, values: [2, 4]}\n"
                f"    - {{key: investors.count, values: [{counts[0]}, {counts[1]}]}}\n")
    return path


small = sweep_file("sw.yaml", (500, 2000))
opts = ["--replicas", "3", "--steps", "24"]

# One process: the reference.
r = run([AIMSIM, "run", small, "-o", "one.h5", "--threads", "1"] + opts)
check(r.returncode == 0, "one process runs the sweep\n" + r.stderr)

# mpirun -n 2, one thread per rank.
r = run(MPIRUN + [AIMSIM, "run", small, "-o", "two.h5", "--threads", "1"] + opts)
check(r.returncode == 0 and "2 ranks" in r.stderr, "mpirun -n 2 runs the sweep on 2 ranks\n" + r.stderr)
ok, out = same("two.h5", "one.h5")
check(ok, "mpirun -n 2 equals one process bit for bit\n" + out)
files = sorted(os.listdir(os.path.join(tmp, "two.shards")))
check(files == ["a001-r00000.h5", "a001-r00001.h5"], f"each rank wrote its own file: {files}")
with h5py.File(os.path.join(tmp, "two.h5"), "r") as h:
    vs = h["firm/cash"].virtual_sources()
    names = sorted({v.file_name for v in vs})
    check(h["firm/cash"].is_virtual and names == ["two.shards/a001-r00000.h5", "two.shards/a001-r00001.h5"],
          f"the merged file's series are virtual datasets over the rank files, by relative paths: {names}")
    check(h["replica_done"][...].all() and h.attrs["status"] == b"complete", "the merged file is complete")
    check(h["events"].shape[0] == int(h["event_count"][...].sum()), "the merged event log has every unit's rows")
import xarray as xr  # noqa: E402

ds = xr.open_dataset(os.path.join(tmp, "two.h5"), engine="h5netcdf", group="market")
with h5py.File(os.path.join(tmp, "one.h5"), "r") as h:
    ref = h["market/ai_market_value"][...]
check(np.array_equal(ds["ai_market_value"].values, ref), "xarray reads the merged file's values")
ds.close()

# mpirun -n 2 with 2 threads per rank.
r = run(MPIRUN + [AIMSIM, "run", small, "-o", "two-t2.h5", "--threads", "2"] + opts)
ok, out = same("two-t2.h5", "one.h5")
check(r.returncode == 0 and ok, "mpirun -n 2 with 2 threads per rank equals one process\n" + r.stderr + out)

# Three shards (a job array), merged in two orders.
for i in range(3):
    r = run([AIMSIM, "run", small, "-o", f"part-{i}.h5", "--threads", "1", "--shard", f"{i}/3", "-q"] + opts)
    check(r.returncode == 0, f"shard {i}/3 runs\n" + r.stderr)
with h5py.File(os.path.join(tmp, "part-0.h5"), "r") as h:
    d0 = h["replica_done"][...]
    check(0 < d0.sum() < d0.size and h.attrs["shard"] == b"0/3", f"shard 0/3 holds a part of the units ({d0.sum()})")
done = sum(h5py.File(os.path.join(tmp, f"part-{i}.h5"), "r")["replica_done"][...].astype(int) for i in range(3))
check((done == 1).all(), "the 3 shards hold every unit once")
r = run([AIMSIM, "merge", "three.h5", "part-0.h5", "part-1.h5", "part-2.h5"])
ok, out = same("three.h5", "one.h5")
check(r.returncode == 0 and ok, "3 shards merged equal one process\n" + r.stderr + out)
r = run([AIMSIM, "merge", "three-b.h5", "part-2.h5", "part-0.h5", "part-1.h5"])
ok, out = same("three-b.h5", "one.h5")
check(r.returncode == 0 and ok, "merged in another order, the same\n" + r.stderr + out)
r = run([AIMSIM, "merge", "partial.h5", "part-0.h5", "part-2.h5"])
with h5py.File(os.path.join(tmp, "partial.h5"), "r") as h:
    part_ok = not h["replica_done"][...].all() and np.isnan(h["firm/cash"][...]).any()
check(r.returncode == 1 and "read as NaN" in r.stderr and part_ok,
      "merging 2 of 3 shards says which units are missing (exit 1); they read as NaN\n" + r.stderr)

# aimsim analyze on the merged file: the same indicators as on the one-process file.
r1, r2 = run([AIMSIM, "analyze", "one.h5"]), run([AIMSIM, "analyze", "three.h5"])
with h5py.File(os.path.join(tmp, "one.h5"), "r") as a, h5py.File(os.path.join(tmp, "three.h5"), "r") as b:
    keys = sorted(a["analysis"])
    eq = all(a["analysis"][k][...].tobytes() == b["analysis"][k][...].tobytes() for k in keys)
check(r1.returncode == 0 and r2.returncode == 0 and eq and len(keys) > 10,
      f"aimsim analyze gives the same {len(keys)} indicators on the merged file\n" + r2.stderr)

# Refusals.
r = run([AIMSIM, "merge", "three.h5", "part-0.h5"])
check(r.returncode == 2 and "exists" in r.stderr, "merge over an existing output is refused\n" + r.stderr)
r = run([AIMSIM, "run", small, "-o", "other-seed.h5", "--threads", "1", "--shard", "1/3", "--seed", "7", "-q"] + opts)
r = run([AIMSIM, "merge", "mixed.h5", "part-0.h5", "other-seed.h5"])
check(r.returncode == 2 and "seed" in r.stderr and not os.path.exists(os.path.join(tmp, "mixed.h5")),
      "shards of another seed are refused, no file left\n" + r.stderr)
r = run([AIMSIM, "merge", "nested.h5", "three.h5"])
check(r.returncode == 2 and "merged file" in r.stderr, "a merged file is not a shard\n" + r.stderr)
r = run(MPIRUN + [AIMSIM, "info", "one.h5"])
check(r.returncode != 0 and "only `aimsim run` runs across ranks" in r.stderr,
      "other commands refuse to run as several ranks\n" + r.stderr[-500:])
r = run(MPIRUN + [AIMSIM, "run", small, "-o", "x.h5", "--shard", "0/2"] + opts)
check(r.returncode != 0 and "--shard is for separate processes" in r.stderr, "--shard under mpirun is refused")
r = run(MPIRUN + [AIMSIM, "run", small, "-o", "two.h5", "--threads", "1"] + opts)
check(r.returncode != 0 and "--resume" in r.stderr and "--force" in r.stderr,
      "a second mpirun over the same output is refused\n" + r.stderr[-400:])
os.makedirs(os.path.join(tmp, "moved"))
os.rename(os.path.join(tmp, "part-1.h5"), os.path.join(tmp, "moved", "part-1.h5"))
r = run([AIMSIM, "info", "three.h5"])
check(r.returncode == 2 and "part-1.h5" in r.stderr and "cannot be read" in r.stderr,
      "a merged file whose shard was moved is refused by readers, naming it\n" + r.stderr)
os.rename(os.path.join(tmp, "moved", "part-1.h5"), os.path.join(tmp, "part-1.h5"))

# SIGKILL of mpirun and its ranks mid-sweep, then --resume: the same as an uninterrupted run.
big = sweep_file("big.yaml", (20000, 80000))
bopts = ["--replicas", "4", "--steps", "120", "--threads", "1"]
r = run([AIMSIM, "run", big, "-o", "ref.h5", "--threads", "2", "--replicas", "4", "--steps", "120", "-q"])
check(r.returncode == 0, "the reference of the killed sweep runs\n" + r.stderr)


class Watch:
    """Starts cmd and follows the units done that rank 0's progress lines report."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, cwd=tmp, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.done, self.lines = 0, []
        self.t = threading.Thread(target=self.read, daemon=True)
        self.t.start()

    def read(self):
        for line in self.p.stderr:
            self.lines.append(line)
            m = re.search(r"(\d+)/\d+ units done", line)
            if m:
                self.done = int(m.group(1))

    def wait_units(self, n):
        t0 = time.time()
        while self.done < n and time.time() - t0 < 120 and self.p.poll() is None:
            time.sleep(0.05)


w = Watch(MPIRUN + [AIMSIM, "run", big, "-o", "killed.h5", "--progress-every", "0"] + bopts)
w.wait_units(3)
kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(w.p.pid)], capture_output=True, text=True).stdout.split()
for pid in [w.p.pid] + [int(k) for k in kids]:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
w.p.wait()
time.sleep(0.3)
shards = os.path.join(tmp, "killed.shards")
left = sorted(os.listdir(shards))
check(any(f.endswith(".partial") for f in left) and not os.path.exists(os.path.join(tmp, "killed.h5")),
      f"the killed run left its ranks' partial files and no merged file: {left}")
r = run([AIMSIM, "run", small, "-o", "killed.h5", "--threads", "1", "--resume"] + opts)
check(r.returncode == 2 and "cannot resume" in r.stderr, "a resume with another config is refused\n" + r.stderr[-600:])
r = run(MPIRUN + [AIMSIM, "run", big, "-o", "killed.h5", "--resume"] + bopts)
m = re.search(r"(\d+) of 16 units to run", r.stderr)
check(r.returncode == 0 and m and 0 < int(m.group(1)) < 16, "mpirun --resume runs only the missing units\n" + r.stderr)
ok, out = same("killed.h5", "ref.h5")
check(ok, "the resumed sweep equals an uninterrupted one bit for bit\n" + out)

# SIGUSR1 to mpirun: the ranks finish their running units and stop (exit 3); one process finishes.
w = Watch(MPIRUN + [AIMSIM, "run", big, "-o", "stopped.h5", "--progress-every", "0"] + bopts)
w.wait_units(2)
w.p.send_signal(signal.SIGUSR1)
w.p.wait(timeout=120)
w.t.join(timeout=10)
p, err = w.p, "".join(w.lines)
check(p.returncode == 3 and "stopped by a signal" in err and "--resume" in err,
      f"SIGUSR1 stops the ranks cleanly with exit 3 (got {p.returncode})\n" + err[-800:])
with h5py.File(os.path.join(tmp, "stopped.h5"), "r") as h:
    nd = int(h["replica_done"][...].sum())
check(0 < nd < 16, f"the stopped run's merged file holds the {nd} units done")
r = run([AIMSIM, "run", big, "-o", "stopped.h5", "--resume", "--replicas", "4", "--steps", "120", "--threads", "2"])
ok, out = same("stopped.h5", "ref.h5")
check(r.returncode == 0 and ok, "one process finishes it with --resume, equal to an uninterrupted run\n" + r.stderr + out)

# A job-array part stopped by SIGUSR1 is resumed only as the same part.
w = Watch([AIMSIM, "run", big, "-o", "part-stop.h5", "--shard", "1/2", "--progress-every", "0"] + bopts)
w.wait_units(1)
w.p.send_signal(signal.SIGUSR1)
w.p.wait(timeout=120)
check(w.p.returncode == 3 and os.path.exists(os.path.join(tmp, "part-stop.h5.partial")),
      f"SIGUSR1 stops a --shard run with exit 3, its partial file kept (got {w.p.returncode})")
r = run([AIMSIM, "run", big, "-o", "part-stop.h5", "--shard", "0/2", "--resume"] + bopts)
check(r.returncode == 2 and "holds part 1/2" in r.stderr, "resuming part 1/2 as part 0/2 is refused\n" + r.stderr)
r = run([AIMSIM, "run", big, "-o", "part-stop.h5", "--resume"] + bopts)
check(r.returncode == 2 and "no --shard" in r.stderr, "resuming a part without --shard is refused\n" + r.stderr)
r = run([AIMSIM, "run", big, "-o", "part-stop.h5", "--shard", "1/2", "--resume", "-q"] + bopts)
with h5py.File(os.path.join(tmp, "part-stop.h5"), "r") as h, h5py.File(os.path.join(tmp, "ref.h5"), "r") as ref:
    d = h["replica_done"][...].astype(bool)
    eq = d.any() and np.array_equal(h["firm/cash"][...][d], ref["firm/cash"][...][d])
check(r.returncode == 0 and eq, "resumed as the same part, its units equal the reference\n" + r.stderr)

print(f"\n{checks} checks, {failures} failed")
sys.exit(1 if failures else 0)
