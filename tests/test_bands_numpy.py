"""Quantile bands across replicas against numpy.quantile's default (method 'linear', which is
Hyndman-Fan / R type 7). Usage: test_bands_numpy.py PATH/TO/test_bands."""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

PROBS = [0.05, 0.25, 0.5, 0.75, 0.95]
# numpy interpolates as a + g (b - a) (or b - (1 - g)(b - a)); R and aimsim as (1 - g) a + g b. The
# two differ by rounding only: a few ulps of the larger |value| involved.
REL = 1e-14


def main():
    tool = sys.argv[1]
    rng = np.random.default_rng(2385)
    checks = failures = 0
    shapes = [(1, 4), (2, 3), (3, 5), (4, 6), (7, 10), (64, 121), (101, 7), (1000, 3)]
    with tempfile.TemporaryDirectory() as tmp:
        for n_rep, n_t in shapes:
            for kind in ("lognormal", "ties", "signed"):
                if kind == "lognormal":
                    x = rng.lognormal(0.3, 1.2, size=(n_t, n_rep)) * 2.385
                elif kind == "ties":
                    x = np.round(rng.normal(0, 2, size=(n_t, n_rep)))
                else:
                    x = rng.normal(0, 1, size=(n_t, n_rep)) * 10.0 ** rng.integers(-3, 4, size=(n_t, 1))
                src = os.path.join(tmp, "in.csv")
                dst = os.path.join(tmp, "out.csv")
                with open(src, "w", newline="") as f:
                    w = csv.writer(f)
                    w.writerow([f"r{r}" for r in range(n_rep)])
                    for row in x:
                        w.writerow([repr(float(v)) for v in row])
                res = subprocess.run([tool, "--quantiles", src, dst], capture_output=True, text=True)
                checks += 1
                if res.returncode != 0:
                    failures += 1
                    print(f"FAIL: {n_rep}x{n_t} {kind}: tool exit {res.returncode}: {res.stderr}")
                    continue
                with open(dst) as f:
                    rows = list(csv.reader(f))
                got = np.array([[float(v) for v in r] for r in rows[1:]])
                want = np.quantile(x, PROBS, axis=1).T  # numpy default method='linear'
                scale = np.maximum(np.abs(want), np.abs(x).max(axis=1, keepdims=True))
                err = np.where(got == want, 0.0, np.abs(got - want) / np.where(scale > 0, scale, 1.0))
                ok = got.shape == want.shape and bool(np.all(err <= REL))
                checks += 1
                failures += not ok
                print(f"{'PASS' if ok else 'FAIL'}: {n_rep} replicas x {n_t} steps ({kind}): "
                      f"max rel diff {err.max():.3g} <= {REL}")
    print(f"{checks} checks, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
