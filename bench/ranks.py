#!/usr/bin/python3
"""bench_ranks: the efficiency of `mpirun -n 2` against one rank on a sweep whose points differ in
cost, and the share of the run time the merge (the merged file of virtual datasets) takes.

The sweep: the seed scenario at 8 points of investors.count from 8,000 to 46,000 (a unit of the
largest costs about 4 times one of the smallest) x 8 replicas x 120 months, one thread per rank.
Both runs are made here, one after the other, and reported as a ratio:
efficiency = T(1 rank) / (2 x T(2 ranks)); one process on 2 OpenMP threads is timed too. The merge share is the "merged ... in S s" time of the
2-rank run over its wall time; `aimsim merge` of the two rank files is timed on its own too.

Usage: bench/ranks.py AIMSIM [--replicas R]"""
import os
import re
import subprocess
import sys
import tempfile
import time

AIMSIM = os.path.abspath(sys.argv[1])
R = int(sys.argv[sys.argv.index("--replicas") + 1]) if "--replicas" in sys.argv else 8
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
tmp = tempfile.mkdtemp(prefix="aimsim-bench-ranks-")
cfg = os.path.join(tmp, "sweep.yaml")
with open(cfg, "w") as f:
    f.write(open(os.path.join(SRC, "configs", "seed-2025.yaml")).read())
    f.write("\nsweep:\n  design: grid\n  factors:\n"
            "    - {key: investors.count, values: [8000, 13429, 18857, 24286, 29714, 35143, 40571, 46000]}\n")


def timed(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=tmp, env=ENV, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"bench_ranks: {' '.join(cmd)} failed:\n{r.stderr}")
    return dt, r.stderr


common = ["run", cfg, "--replicas", str(R), "--steps", "120", "--threads", "1", "--progress-every", "1000"]
mpirun = ["mpirun", "--bind-to", "none", "-n"]
t1, _ = timed(mpirun + ["1", AIMSIM] + common + ["-o", "one.h5"])
t2, err2 = timed(mpirun + ["2", AIMSIM] + common + ["-o", "two.h5"])
tt, _ = timed([AIMSIM] + common[:-4] + ["--threads", "2", "--progress-every", "1000", "-o", "threads.h5"])
m = re.search(r"merged \d+ files of .* in ([0-9.]+) s", err2)
merge_in_run = float(m.group(1)) if m else float("nan")
shards = sorted(os.path.join("two.shards", f) for f in os.listdir(os.path.join(tmp, "two.shards")))
tm, _ = timed([AIMSIM, "merge", "again.h5"] + shards)
cmp = subprocess.run([sys.executable, os.path.join(SRC, "tests", "test_cli_compare.py"), "two.h5", "one.h5"],
                     cwd=tmp, capture_output=True, text=True)
print(f"sweep: 8 points (investors.count 8,000..46,000) x {R} replicas x 120 months, 1 thread per rank")
print(f"1 rank:  {t1:7.2f} s")
print(f"2 ranks: {t2:7.2f} s   speed-up {t1 / t2:.2f}, efficiency {t1 / (2 * t2):.2f}")
print(f"1 process x 2 OpenMP threads (no MPI): {tt:7.2f} s   speed-up {t1 / tt:.2f}")
print(f"merge inside the 2-rank run: {merge_in_run:.3f} s = {100 * merge_in_run / t2:.2f}% of its wall time")
print(f"aimsim merge of the 2 rank files alone: {tm:.3f} s = {100 * tm / t2:.2f}% of the 2-rank run")
print("2-rank file equals 1-rank file bit for bit:", "yes" if cmp.returncode == 0 else "NO\n" + cmp.stdout + cmp.stderr)
