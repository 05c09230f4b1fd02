"""The embedded seed scenario, run in full as `aimsim run` runs it by default (64 replicas of 120
months, 50,000 investors): the stock-flow residual (MODEL.md 7) is at most 1e-9 in every replica
and every month, every replica completes, and `aimsim analyze` reads the result.

Usage: test_seed_scenario.py AIMSIM WORKDIR
"""
import os
import subprocess
import sys

import h5py
import numpy as np

exe, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
out = os.path.join(work, "seed-full.h5")
failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
    print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)


run = subprocess.run([exe, "run", "-o", out, "--force", "--quiet"], capture_output=True, text=True)
check(run.returncode == 0, "aimsim run of the embedded seed scenario exits 0 (stderr: %s)" % run.stderr.strip()[-500:])
if run.returncode == 0:
    with h5py.File(out, "r") as f:
        res = f["market/residual"][...]
        done = f["replica_done"][...]
        check(res.shape == (1, 64, 121), "residual has shape [point=1, replica=64, time=121] (got %s)" % (res.shape,))
        check(bool(np.all(done == 1)), "all 64 replicas are marked done")
        check(bool(np.all(np.isfinite(res))), "the residual is finite in every replica and month")
        worst = float(np.max(np.abs(res)))
        check(worst <= 1e-9, "stock-flow residual <= 1e-9 in every replica and month (max %.3g)" % worst)
        # Taxes and payouts (MODEL.md 12.6) keep NVIDIA's cash from piling up (about $865B at month 60
        # without them; $60B in late 2025).
        names = [b"".join(row).decode() for row in f["firm/firm_name"][...]]
        nv = names.index("NVIDIA")
        cash60 = float(np.median(f["firm/cash"][0, :, 60, nv]))
        check(cash60 <= 250.0, "median NVIDIA cash at month 60 is at most $250B (%.1f)" % cash60)
        vf = f["market/value_fundamental"][...]
        check(bool(np.all(np.isfinite(vf)) and np.all(vf > 0)),
              "aggregate value/fundamental is finite and positive everywhere")
    ana = subprocess.run([exe, "analyze", out, "--no-write", "--json", "--no-cache", "--cv-reps", "200"],
                         capture_output=True, text=True)
    check(ana.returncode == 0, "aimsim analyze reads the seed run (stderr: %s)" % ana.stderr.strip()[-300:])
    os.remove(out)

print("%d passed, %d failed" % (checks - failures, failures))
sys.exit(1 if failures or checks == 0 else 0)
