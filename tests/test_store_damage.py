#!/usr/bin/env python3
"""Damaged run files: `aimsim info` and `aimsim analyze` must fail cleanly, never crash or hang.

Makes a small real run file (a sweep of 2 points), then writes damaged copies of it, deterministically from a fixed
seed: truncations at many offsets, byte flips (anywhere, in the superblock, in object headers,
in data chunks, in the balance-sheet datasets and /sweep/points) and zeroed 512-byte and 4 KiB blocks. On each copy
it runs `aimsim info`, `aimsim info --balance-sheet 1 12` and `aimsim analyze -o OTHER --json`
under a timeout. A check passes when the program
  - exits 2 with a message on stderr that names the file, or
  - exits 0 with exactly the output of the undamaged file (stdout with the path replaced, and
    for analyze every dataset of the written /analysis group): the damage hit bytes that the
    program does not depend on (dead space left by rewritten chunks, padding).
A signal, a timeout, another exit status or a silently different output fails.

Usage: test_store_damage.py AIMSIM WORKDIR [N_RANDOM]
"""
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

SEED = 2385
TIMEOUT = 10

aimsim, work = sys.argv[1], sys.argv[2]
n_random = int(sys.argv[3]) if len(sys.argv) > 3 else 40
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
ref = os.path.join(work, "ref.h5")
# A sweep of 2 points, so that the file has /sweep/points and its keys too.
src = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sweep_cfg = os.path.join(work, "sweep.yaml")
with open(os.path.join(src, "configs", "seed-2025.yaml")) as f, open(sweep_cfg, "w") as g:
    g.write(f.read() + "\nsweep:\n  design: grid\n  factors:\n    - {key: deals.kappa, values: [2, 3]}\n")
r = subprocess.run([aimsim, "run", sweep_cfg, "-o", ref, "--replicas", "3", "--steps", "12", "--set",
                    "investors.count=500", "--threads", "1", "-q"], capture_output=True, text=True, timeout=120)
if r.returncode != 0:
    print("FAIL: making the run file: %s" % r.stderr.strip())
    sys.exit(1)
data = open(ref, "rb").read()
size = len(data)


def run(kind, path, out):
    """(returncode or 'timeout', stdout with paths normalised, stderr) of one program on path."""
    if kind == "info":
        cmd = [aimsim, "info", path]
    elif kind == "balance":
        cmd = [aimsim, "info", path, "--balance-sheet", "1", "12"]
    else:
        cmd = [aimsim, "analyze", path, "-o", out, "--force", "--json"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    stdout = p.stdout.replace(path, "RUNFILE").replace(out, "OUTFILE")
    return p.returncode, stdout, p.stderr


def analysis_arrays(out):
    """Every dataset of /analysis in out (None if unreadable)."""
    arrays = {}
    try:
        with h5py.File(out, "r") as h:
            h["analysis"].visititems(lambda name, obj: arrays.__setitem__(name, obj[()])
                                     if isinstance(obj, h5py.Dataset) else None)
    except Exception:  # noqa: BLE001 - an unreadable output is a different output
        return None
    return arrays


def same_arrays(a, b):
    if a is None or b is None or sorted(a) != sorted(b):
        return False
    for k in a:
        x, y = a[k], b[k]
        if x.dtype != y.dtype or x.shape != y.shape:
            return False
        if x.dtype.kind == "f":
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


ref_out = {}
KINDS = ("info", "balance", "analyze")
for kind in KINDS:
    out = os.path.join(work, "ref-analysis.h5")
    rc, stdout, stderr = run(kind, ref, out)
    if rc != 0:
        print("FAIL: %s on the undamaged file exits %s: %s" % (kind, rc, stderr.strip()))
        sys.exit(1)
    ref_out[kind] = (stdout, analysis_arrays(out) if kind == "analyze" else None)

# Where the file's metadata and data lie, from an independent reader (h5py).
headers, chunks, bs_headers, bs_chunks = [], [], [], []
BALANCE = ("balance_sheet", "balance_sheet_month", "bs_row_name", "bs_col_name", "snapshot", "sweep/points",
           "sweep/factor_key")
with h5py.File(ref, "r") as h:
    def visit(name, obj):
        headers.append(h5py.h5o.get_info(obj.id).addr)
        if name in BALANCE:
            bs_headers.append(headers[-1])
        if isinstance(obj, h5py.Dataset) and obj.chunks is not None:
            for i in range(obj.id.get_num_chunks()):
                info = obj.id.get_chunk_info(i)
                chunks.append((info.byte_offset, info.size))
                if name in BALANCE:
                    bs_chunks.append(chunks[-1])
    headers.append(h5py.h5o.get_info(h.id).addr if hasattr(h, "id") else 0)
    h.visititems(visit)

rng = random.Random(SEED)
damages = []  # (label, damaged bytes)
for cut in sorted(set([0, 1, 7, 8, 47, 48, 96, 512, 1024, 2048, 4096, size // 2, size - 4096, size - 512, size - 1]
                      + [rng.randrange(size) for _ in range(n_random // 2)])):
    damages.append(("truncate at %d" % cut, data[:cut]))


def flip(at):
    b = bytearray(data)
    b[at] ^= rng.randrange(1, 256)
    return ("flip byte %d" % at, bytes(b))


for _ in range(n_random):
    damages.append(flip(rng.randrange(size)))
for at in rng.sample(range(48), 6):
    damages.append(flip(at))  # the superblock
for _ in range(n_random // 2):
    damages.append(flip(rng.choice(headers) + rng.randrange(64)))  # object headers
for _ in range(n_random // 4):
    off, n = rng.choice(chunks)
    damages.append(flip(off + rng.randrange(n)))  # compressed data chunks
if len(bs_headers) != len(BALANCE) or len(bs_chunks) < len(BALANCE):
    print("FAIL: the run file lacks the balance-sheet or sweep datasets %s" % (BALANCE,))
    sys.exit(1)
for off, n in bs_chunks:
    for _ in range(2):
        damages.append(flip(off + rng.randrange(n)))  # the balance sheets, their months and names, the sweep
for addr in bs_headers:
    damages.append(flip(addr + rng.randrange(64)))


def zero(at, n):
    b = bytearray(data)
    b[at:at + n] = bytes(len(b[at:at + n]))
    return ("zero %d bytes at %d" % (n, at), bytes(b))


damages.append(zero(0, 512))
damages.append(zero(0, 4096))
for _ in range(n_random // 2):
    damages.append(zero(rng.randrange(size // 512) * 512, 512))
for _ in range(n_random // 4):
    damages.append(zero(rng.randrange(size // 4096 + 1) * 4096, 4096))


def check(job):
    i, (label, content) = job
    path = os.path.join(work, "damaged-%03d.h5" % i)
    out = os.path.join(work, "analysis-%03d.h5" % i)
    with open(path, "wb") as f:
        f.write(content)
    lines = []
    for kind in KINDS:
        if os.path.exists(out):
            os.unlink(out)
        rc, stdout, stderr = run(kind, path, out)
        if rc == "timeout":
            verdict, why = "hang", "no exit within %d s" % TIMEOUT
        elif rc < 0:
            verdict, why = "crash", "killed by signal %d" % -rc
        elif rc == 2:
            ok = path in stderr
            verdict, why = ("ok", "exit 2") if ok else ("bad", "exit 2 without naming the file: %r" % stderr[:200])
        elif rc == 0:
            same = stdout == ref_out[kind][0] and (kind != "analyze" or same_arrays(analysis_arrays(out),
                                                                                      ref_out[kind][1]))
            verdict, why = ("ok", "exit 0, output identical") if same else ("bad", "exit 0 with different output")
        else:
            verdict, why = "bad", "exit %d: %s" % (rc, stderr.strip()[:200])
        lines.append((verdict, "%s %s on %s (%s): %s" % ("PASS" if verdict == "ok" else "FAIL", kind,
                                                          os.path.basename(path), label, why)))
    os.unlink(path)
    if os.path.exists(out):
        os.unlink(out)
    return lines


counts = {"ok": 0, "crash": 0, "hang": 0, "bad": 0}
with ThreadPoolExecutor(max_workers=2) as pool:
    for lines in pool.map(check, enumerate(damages)):
        for verdict, line in lines:
            counts[verdict] += 1
            print(line)
total = sum(counts.values())
print("%d damaged files, %d checks: %d passed, %d crashed, %d hung, %d other failures"
      % (len(damages), total, counts["ok"], counts["crash"], counts["hang"], counts["bad"]))
shutil.rmtree(work, ignore_errors=True)
sys.exit(0 if counts["ok"] == total and total >= 200 else 1)
