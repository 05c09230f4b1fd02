"""Sensitivity estimators recomputed with numpy on the samples, bootstrap rows and results that
`test_sensitivity --dump DIR` writes: Sobol S1, ST, S2 (Saltelli 2010, Jansen 1999, Saltelli 2002)
with their bootstrap conf and percentile intervals, Morris mu, mu*, sigma, mu*_conf, and the
replica noise share, to 1e-12.

This check is not independent of the formulas (it implements the same ones, from
docs/sensitivity.md); it guards the C arithmetic, the block order and the bootstrap bookkeeping.
The independent checks are the closed forms in tests/test_sensitivity.c.
Usage: test_sensitivity_numpy.py PATH/TO/test_sensitivity."""
import os
import subprocess
import sys
import tempfile

import numpy as np

TOL = 1e-12
Z975 = 1.959963984540054
checks = failures = 0


def check(got, want, what):
    global checks, failures
    checks += 1
    got, want = np.asarray(got, float), np.asarray(want, float)
    err = np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))
    ok = bool(err <= TOL)
    failures += not ok
    print(f"{'PASS' if ok else 'FAIL'}: {what}: max diff {err:.3g} <= {TOL}")


def header(path):
    with open(path) as f:
        first = f.readline()
    return dict(kv.split("=") for kv in first[1:].split())


def summarise(boot):
    """conf = z * sd (n-1), type-7 (numpy 'linear') 2.5% and 97.5% percentiles."""
    return Z975 * boot.std(ddof=1), np.quantile(boot, 0.025), np.quantile(boot, 0.975)


def sobol(y, n, d, rows, c):
    """S1, ST and S2 (dict (i, k)) on the resample `rows` of the base rows, outputs centred on c."""
    blk = (y - c).reshape(2 * d + 2, n)[:, rows]
    A, B, AB, BA = blk[0], blk[1], blk[2:2 + d], blk[2 + d:]
    V = np.var(np.r_[A, B])
    s1 = np.mean(B * (AB - A), axis=1) / V
    st = 0.5 * np.mean((A - AB) ** 2, axis=1) / V
    s2 = {(i, k): np.mean(BA[i] * AB[k] - A * B) / V - s1[i] - s1[k] for i in range(d) for k in range(i + 1, d)}
    return s1, st, s2, V


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        res = subprocess.run([tool, "--dump", tmp], capture_output=True, text=True)
        if res.returncode != 0:
            print(f"FAIL: {tool} --dump: exit {res.returncode}: {res.stderr}")
            return 1
        # Sobol, second-order layout: blocks A, B, AB_1..AB_d, BA_1..BA_d of n rows each.
        h = header(os.path.join(tmp, "sobol.csv"))
        n, d = int(h["n"]), int(h["d"])
        y = np.loadtxt(os.path.join(tmp, "sobol.csv"), comments="#")
        rows = np.loadtxt(os.path.join(tmp, "sobol_rows.csv"), delimiter=",", dtype=np.int64)
        out = [line.strip().split(",") for line in open(os.path.join(tmp, "sobol_result.csv"))]
        c = np.mean(y[:2 * n])
        s1, st, s2, V = sobol(y, n, d, np.arange(n), c)
        check(float(h["variance"]), V, "V = population variance of pooled A and B")
        boots = [sobol(y, n, d, r, c) for r in rows]
        for kind, i, k, est, conf, lo, hi in out:
            i, k = int(i), int(k)
            if kind == "S1":
                want, boot = s1[i], np.array([b[0][i] for b in boots])
            elif kind == "ST":
                want, boot = st[i], np.array([b[1][i] for b in boots])
            else:
                want, boot = s2[(i, k)], np.array([b[2][(i, k)] for b in boots])
            name = f"{kind}_{i + 1}" + (f"{k + 1}" if k >= 0 else "")
            check(float(est), want, f"Sobol {name} estimate")
            check([float(conf), float(lo), float(hi)], summarise(boot), f"Sobol {name} conf, 2.5%, 97.5%")
        # Morris: EE from the step that changes each factor, divided by the signed change.
        data = np.loadtxt(os.path.join(tmp, "morris.csv"), delimiter=",")
        dm = data.shape[1] - 1
        r = data.shape[0] // (dm + 1)
        x, ym = data[:, :dm].reshape(r, dm + 1, dm), data[:, dm].reshape(r, dm + 1)
        ee = np.zeros((r, dm))
        for t in range(r):
            dx = np.diff(x[t], axis=0)
            for k in range(dm):
                (i,) = np.nonzero(np.abs(dx[k]) > 1e-9)[0]
                ee[t, i] = (ym[t, k + 1] - ym[t, k]) / dx[k, i]
        mrows = np.loadtxt(os.path.join(tmp, "morris_rows.csv"), delimiter=",", dtype=np.int64)
        mres = np.loadtxt(os.path.join(tmp, "morris_result.csv"), delimiter=",")
        boot = np.abs(ee)[mrows].mean(axis=1)  # (n_boot, dm)
        for i in range(dm):
            conf, lo, hi = summarise(boot[:, i])
            want = [ee[:, i].mean(), np.abs(ee[:, i]).mean(), conf, lo, hi, ee[:, i].std(ddof=1)]
            check(mres[i], want, f"Morris factor {i + 1}: mu, mu*, mu*_conf, 2.5%, 97.5%, sigma")
        # Noise share: mean within-point population variance over the population variance of all.
        share = float(header(os.path.join(tmp, "noise.csv"))["share"])
        v = np.loadtxt(os.path.join(tmp, "noise.csv"), comments="#").reshape(7, 5)
        check(share, v.var(axis=1).mean() / v.var(), "replica noise share")
    print(f"{checks} checks, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
