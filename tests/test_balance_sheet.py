#!/usr/bin/python3
"""The stored balance-sheet matrices of a real run (MODEL.md 12.1), read by h5py only: the snapshot
months follow run.balance_sheet_every (0, k, 2k, ... and the last month), every financial row and
every column sums to zero, the cash, debt, loans and funding entries agree with the firms' and
the lenders' own series, the stride
changes nothing but what is stored, and `aimsim info --balance-sheet` prints the file's numbers and
refuses a replica or month it does not hold (exit 2).

Usage: test_balance_sheet.py AIMSIM"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

aimsim = sys.argv[1]
failed = 0
checks = 0


def check(ok, what):
    global failed, checks
    checks += 1
    print(("PASS: " if ok else "FAIL: ") + what, flush=True)
    failed += 0 if ok else 1


def names(ds):
    """A netCDF character array [n, strlen] as a list of str."""
    return [b"".join(row).decode() for row in ds[...]]


tmp = tempfile.mkdtemp(prefix="aimsim-balance-")
R, S = 2, 25


def run(path, every):
    p = subprocess.run([aimsim, "run", "-o", path, "--replicas", str(R), "--steps", str(S), "--threads", "2", "-q",
                        "--set", "investors.count=2000", "--set", "run.balance_sheet_every=%d" % every],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "aimsim run with balance_sheet_every %d exits 0 (%s)" % (every, p.stderr.strip()))


out12, out5 = os.path.join(tmp, "every12.h5"), os.path.join(tmp, "every5.h5")
run(out12, 12)
run(out5, 5)

with h5py.File(out12, "r") as h:
    months = h["balance_sheet_month"][...].tolist()
    check(months == [0, 12, 24, 25], "snapshot months 0, 12, 24 and the last month 25 (got %s)" % months)
    bs = h["balance_sheet"][...]
    check(bs.shape == (1, R, 4, 7, 7), "/balance_sheet [point, replica, snapshot, row, col] = %s" % (bs.shape,))
    check(h["balance_sheet"].fletcher32 and h["balance_sheet"].chunks == (1, 1, 4, 7, 7),
          "/balance_sheet has a checksum and one chunk per replica")
    rows, cols = names(h["bs_row_name"]), names(h["bs_col_name"])
    check(rows == ["money", "loans", "funding", "listed_shares", "lab_equity", "real_assets", "net_worth"],
          "row names %s" % rows)
    check(cols == ["investors", "market_maker", "lenders", "vendors", "clouds", "labs", "rest_of_world"],
          "column names %s" % cols)
    check(np.all(np.isfinite(bs)), "every stored cell is finite (no unwritten snapshot)")
    kinds = np.array(names(h["firm/firm_kind"]))
    cash, debt = h["firm/cash"][...], h["firm/debt"][...]
    bs_res = h["market/bs_residual"][...]
    loans, funding = h["market/lenders_loans"][...], h["market/lenders_funding"][...]
    col = {c: i for i, c in enumerate(cols)}
    for r in range(R):
        for s, t in enumerate(months):
            m = bs[0, r, s]
            assets = m[:6][m[:6] > 0].sum()
            fin = np.abs(m[:5].sum(axis=1)).max() / assets
            check(assets > 1000 and fin <= 1e-9,
                  "replica %d month %d: financial rows sum to 0 (worst %.2e of total assets %.0f $B)"
                  % (r, t, fin, assets))
            check(np.abs(m.sum(axis=0)).max() <= 1e-9 * assets, "replica %d month %d: every column sums to 0" % (r, t))
            check(abs(fin - bs_res[0, r, t]) <= 1e-9, "replica %d month %d: the row sums give market/bs_residual %.2e"
                  % (r, t, bs_res[0, r, t]))
            ok = True
            for kind, c in (("vendor", "vendors"), ("cloud", "clouds"), ("lab", "labs")):
                held = cash[0, r, t][kinds == kind].sum()
                ok = ok and abs(m[0, col[c]] - held) <= 1e-12 * max(1.0, abs(held))
            check(ok, "replica %d month %d: money of vendors, clouds and labs = their firm/cash summed" % (r, t))
            # The lenders' loans and funding as the lenders record them (/market).
            check(abs(m[1, col["lenders"]] - loans[0, r, t]) <= 1e-12 * max(1.0, loans[0, r, t]) and
                  abs(m[2, col["lenders"]] + funding[0, r, t]) <= 1e-12 * max(1.0, funding[0, r, t]),
                  "replica %d month %d: lenders' loans %.1f and funding %.1f as in /market"
                  % (r, t, loans[0, r, t], funding[0, r, t]))
            owed = debt[0, r, t][np.isin(kinds, ["vendor", "cloud"])].sum()
            check(abs(m[1, col["vendors"]] + m[1, col["clouds"]] + owed) <= 1e-9 * max(1.0, owed),
                  "replica %d month %d: loans owed by vendors and clouds = their firm/debt summed (%.1f $B)"
                  % (r, t, owed))

with h5py.File(out5, "r") as h5, h5py.File(out12, "r") as h12:
    m5 = h5["balance_sheet_month"][...].tolist()
    check(m5 == [0, 5, 10, 15, 20, 25], "stride 5: months 0, 5, ..., 25 (got %s)" % m5)
    check(all(np.array_equal(h5["firm"][v][...], h12["firm"][v][...]) for v in h12["firm"]
              if h12["firm"][v].ndim == 4) and
          all(np.array_equal(h5["market"][v][...], h12["market"][v][...], equal_nan=True) for v in h12["market"]
              if h12["market"][v].ndim == 3),
          "the stride changes no series (bitwise)")
    b5, b12 = h5["balance_sheet"][...], h12["balance_sheet"][...]
    check(np.array_equal(b5[:, :, 0], b12[:, :, 0]) and np.array_equal(b5[:, :, -1], b12[:, :, -1]),
          "months 0 and 25 are the same matrices at stride 5 and 12 (bitwise)")
    check(not np.array_equal(b5[:, :, 1], b5[:, :, 2]), "snapshots of different months differ")


def info(path, *args):
    return subprocess.run([aimsim, "info", path] + list(args), capture_output=True, text=True, timeout=60)


# The table: every number is the file's, rounded to the printed 3 decimals.
with h5py.File(out12, "r") as h:
    m = h["balance_sheet"][0, 1, 2]
    res = h["market/bs_residual"][0, 1, 24], h["market/flow_residual"][0, 1, 24]
p = info(out12, "--balance-sheet", "1", "24")
check(p.returncode == 0, "info --balance-sheet 1 24 exits 0 (%s)" % p.stderr.strip())
lines = p.stdout.splitlines()
check(len(lines) >= 12 and "replica 1" in lines[0] and "month 24" in lines[0] and "2027-11" in lines[0]
      and "$B" in lines[0], "the title names replica, month, calendar month and unit: %r" % (lines[:1],))
check(lines[1].split() == cols + ["row", "sum"], "the header lists the columns and the row sum")
table = {}
for line in lines[2:10]:
    parts = line.rsplit(None, 8) if line.startswith("column sum") else line.split()
    label = "column sum" if line.startswith("column sum") else parts[0]
    table[label] = [float(x) for x in (parts[-7:] if label == "column sum" else parts[1:])]
check(list(table) == rows + ["column sum"], "one line per row, then the column sums")
ok = all(abs(table[rname][c] - m[i, c]) <= 0.0005 + 1e-12 * abs(m[i, c]) for i, rname in enumerate(rows)
         for c in range(7))
check(ok, "every cell of the table equals the file's /balance_sheet")
ok = all(abs(table[rname][7] - m[i].sum()) <= 0.0005 + 1e-12 * abs(m[i]).sum() for i, rname in enumerate(rows))
check(ok and all(abs(x) <= 0.0005 for x in table["column sum"]), "row sums are the file's; column sums are 0")
got = [float(re.search(r":\s*(\S+)$", line).group(1)) for line in lines if "_residual" in line]
check(len(got) == 2 and all(abs(g - w) <= 1e-3 * abs(w) + 1e-300 for g, w in zip(got, res)),
      "the month's bs_residual and flow_residual as in /market (%s vs %s)" % (got, res))
p0 = info(out12, "--balance-sheet", "0", "0", "--point", "0")
check(p0.returncode == 0 and "month 0 (2025-11)" in p0.stdout, "--point 0 and month 0 work")

# Refusals: exit 2 with a message that helps.
for args, want in [(("--balance-sheet", "0", "13"), "nearest snapshot months: 12 and 24"),
                   (("--balance-sheet", "0", "26"), "nearest snapshot month: 25"),
                   (("--balance-sheet", "0", "x"), "is not a whole number"),
                   (("--balance-sheet", "2", "12"), "replicas 0 to 1"),
                   (("--balance-sheet", "-1", "12"), "replicas 0 to 1"),
                   (("--balance-sheet", "0", "12", "--point", "1"), "points 0 to 0"),
                   (("--balance-sheet", "0"), "REPLICA and MONTH"),
                   (("--point", "0"), "goes with --balance-sheet")]:
    p = info(out12, *args)
    check(p.returncode == 2 and want in p.stderr and p.stdout == "",
          "info %s exits 2 saying %r (got %d: %s)" % (" ".join(args), want, p.returncode, p.stderr.strip()))
p = info(out12, "--balance-sheet", "0", "13")
check("months 0, 12, 24, 25" in p.stderr, "the refusal lists the snapshot months: %s" % p.stderr.strip())

# A replica not marked done (as an interrupted run leaves it) is refused.
partial = os.path.join(tmp, "partial.h5")
shutil.copy(out12, partial)
with h5py.File(partial, "r+") as h:
    h["replica_done"][0, 1] = 0
p = info(partial, "--balance-sheet", "1", "12")
check(p.returncode == 2 and "not complete" in p.stderr, "a replica not done is refused (%s)" % p.stderr.strip())
p = info(partial, "--balance-sheet", "0", "12")
check(p.returncode == 0, "a done replica of the same file prints")

# A file of the previous format (no balance sheets) is refused with a clear message.
old = os.path.join(tmp, "old.h5")
shutil.copy(out12, old)
with h5py.File(old, "r+") as h:
    h.attrs["aimsim_format"] = np.bytes_("aimsim-trajectories-2")
p = info(old)
check(p.returncode == 2 and "aimsim-trajectories-2" in p.stderr and "rerun" in p.stderr,
      "a file of format 2 is refused, saying to rerun (%s)" % p.stderr.strip())

shutil.rmtree(tmp, ignore_errors=True)
print("%d checks, %d failed" % (checks, failed))
sys.exit(1 if failed or checks < 40 else 0)
