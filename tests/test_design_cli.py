"""`aimsim design`: the Sobol sequence bit for bit against scipy.stats.qmc.Sobol(d, scramble=False)
(Debian python3-scipy, an implementation this project did not write), Saltelli's blocks built from
SciPy's 2D-dimensional points, grids of config keys and of any names, CSV tables, the design seed's
default, identical output across runs, and the errors (exit 2). Also `aimsim run` with a sweep
section: it refuses factor keys that are not numeric config keys, and its point 0 is a single run.

Usage: test_design_cli.py AIMSIM"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from scipy.stats import qmc

AIMSIM = sys.argv[1]
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tmp = tempfile.mkdtemp(prefix="aimsim-design-")
checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def design(path):
    p = subprocess.run([AIMSIM, "design", path], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def table(out):
    lines = out.splitlines()
    header = lines[0].split(",")
    rows = np.array([[float(x) for x in line.split(",")] for line in lines[1:]])
    return header, rows


def unit_sweep(design_name, d, points, extra=""):
    factors = "".join(f"    - {{key: x{j}, range: [0, 1]}}\n" for j in range(d))
    return f"sweep:\n  design: {design_name}\n  points: {points}\n{extra}  factors:\n{factors}"


# Sobol: bit for bit against SciPy in 21 and 32 dimensions (Saltelli below reaches 64).
for d, n in ((21, 1024), (32, 512)):
    rc, out, err = design(write(f"sobol{d}.yaml", unit_sweep("sobol", d, n)))
    check(rc == 0, f"sobol d={d}: exit 0 ({err.strip()})")
    header, rows = table(out)
    want = qmc.Sobol(d, scramble=False).random(n) if n & (n - 1) == 0 else None
    check(header == ["point"] + [f"x{j}" for j in range(d)], f"sobol d={d}: header point,x0,...")
    check(rows.shape == (n, d + 1) and np.array_equal(rows[:, 0], np.arange(n)), f"sobol d={d}: {n} points numbered 0..n-1")
    check(np.array_equal(rows[:, 1:], want), f"sobol d={d}, n={n}: identical to scipy.stats.qmc.Sobol(scramble=False)")

# Saltelli: A, B from SciPy's 2D-dimensional Sobol points, AB_i (and BA_i) blocks.
for D, N, second in ((5, 64, False), (5, 64, True), (32, 32, False)):
    rc, out, err = design(write("saltelli.yaml", unit_sweep("saltelli", D, N, f"  second_order: {'true' if second else 'false'}\n")))
    _, rows = table(out)
    x = rows[:, 1:]
    s = qmc.Sobol(2 * D, scramble=False).random(N)
    A, B = s[:, :D], s[:, D:]
    blocks = [A, B]
    for i in range(D):
        ab = A.copy()
        ab[:, i] = B[:, i]
        blocks.append(ab)
    if second:
        for i in range(D):
            ba = B.copy()
            ba[:, i] = A[:, i]
            blocks.append(ba)
    check(rc == 0 and x.shape == (N * (2 * D + 2 if second else D + 2), D),
          f"saltelli D={D} second_order={second}: N(D+2) or N(2D+2) points")
    check(np.array_equal(x, np.vstack(blocks)),
          f"saltelli D={D} second_order={second}: rows A, B, AB_1..AB_D{', BA_1..BA_D' if second else ''} from SciPy's Sobol(2D)")

# A grid of config keys, crossed with a scenario key: integer keys rounded.
cfg = write("grid.yaml", """run:
  steps: 12
sweep:
  design: grid
  factors:
    - {key: deals.kappa, values: [0.5, 2.385]}
    - {key: investors.count, values: [1000.5, 2000]}
  cross:
    - {key: investors.herding, values: [0, 0.3]}
""")
rc, out, err = design(cfg)
want = """point,deals.kappa,investors.count,investors.herding
0,0.5,1001,0
1,0.5,2000,0
2,2.3849999999999998,1001,0
3,2.3849999999999998,2000,0
4,0.5,1001,0.29999999999999999
5,0.5,2000,0.29999999999999999
6,2.3849999999999998,1001,0.29999999999999999
7,2.3849999999999998,2000,0.29999999999999999
"""
check(rc == 0 and out == want, "grid of config keys: last factor fastest, cross outer, integer key rounded, 17 digits\n" + out + err)

# A sweep-only file: any names (another model's parameters), no rounding.
only = write("only.yaml", """sweep:
  design: grid
  factors:
    - {key: alpha, values: [1.5, 2.5]}
    - {key: my model.beta, values: [-1, 0, 1]}
""")
rc, out, err = design(only)
check(rc == 0 and out == "point,alpha,my model.beta\n0,1.5,-1\n1,1.5,0\n2,1.5,1\n3,2.5,-1\n4,2.5,0\n5,2.5,1\n",
      "sweep-only file: factor keys may be any names\n" + out + err)
rc2, out2, _ = design(only)
check(out2 == out, "the same file prints the same bytes twice")

# The design seed defaults to run.seed (2025 by default).
a = design(write("lhs_a.yaml", unit_sweep("lhs", 3, 16)))[1]
b = design(write("lhs_b.yaml", unit_sweep("lhs", 3, 16, "  seed: 2025\n")))[1]
c = design(write("lhs_c.yaml", unit_sweep("lhs", 3, 16, "  seed: 7\n")))[1]
check(a == b and a != c, "lhs: the design seed defaults to run.seed; another seed gives another design")
_, r = table(a)
check(all(sorted(np.floor(r[:, j] * 16).astype(int)) == list(range(16)) for j in range(1, 4)), "lhs: one point per stratum")

# A CSV table next to the sweep file (relative path).
write("points.csv", "point,a,b\n0,1.25,3\n1,-2,4e-3\n")
rc, out, err = design(write("csv.yaml", "sweep:\n  design: csv\n  file: points.csv\n  factors:\n    - {key: a}\n    - {key: b}\n"))
check(rc == 0 and out == "point,a,b\n0,1.25,3\n1,-2,0.0040000000000000001\n", "csv design: the table's values, relative to the sweep file\n" + out + err)
write("bad.csv", "a,b\n1,x\n")
rc, out, err = design(write("csvbad.yaml", "sweep:\n  design: csv\n  file: bad.csv\n  factors:\n    - {key: a}\n    - {key: b}\n"))
check(rc == 2 and "bad.csv:2: field 2 is 'x'" in err, "csv design: a bad field is exit 2 with file:line\n" + err)

# The examples of docs/sweeps.md are this program's output.
with open(os.path.join(SRC, "docs", "sweeps.md")) as f:
    doc = f.read()
for name in ("kappa-herding-grid.yaml", "morris-any-model.yaml"):
    rel_path = "configs/sweeps/" + name
    rc, out, err = design(os.path.join(SRC, rel_path))
    check(rc == 0 and f"$ aimsim design {rel_path}\n{out}```" in doc, f"docs/sweeps.md shows the output of {rel_path}")
rc, out, err = design(os.path.join(SRC, "configs/sweeps/saltelli-any-model.yaml"))
check(rc == 0 and len(out.splitlines()) == 17, "configs/sweeps/saltelli-any-model.yaml: N (D + 2) = 16 points")

# Errors: exit 2 with a message.
rc, out, err = design(os.path.join(tmp, "missing.yaml"))
check(rc == 2 and "cannot open" in err and out == "", "a missing file: exit 2")
rc, out, err = design(write("nodesign.yaml", "sweep:\n  points: 4\n"))
check(rc == 2 and "no sweep.design" in err, "a sweep without a design: exit 2\n" + err)
rc, out, err = design(write("baddesign.yaml", "sweep:\n  design: sobl\n"))
check(rc == 2 and "baddesign.yaml:2:11" in err and "did you mean 'sobol'" in err, "an unknown design: exit 2 at file:line:col\n" + err)
p = subprocess.run([AIMSIM, "design"], capture_output=True, text=True)
check(p.returncode == 2 and "expected one argument" in p.stderr, "no argument: exit 2")

# aimsim run: factor keys must be numeric config keys.
with open(os.path.join(SRC, "configs", "seed-2025.yaml")) as f:
    seed_text = f.read()
sweep = "\nsweep:\n  design: grid\n  factors:\n    - {key: deals.kappa, values: [1, 3]}\n"
full = write("seed_sweep.yaml", seed_text + sweep)
bad_full = write("seed_bad.yaml", seed_text + sweep.replace("deals.kappa", "foo.bar"))
small = ["--set", "run.steps=3", "--set", "run.replicas=2", "--set", "investors.count=200", "-q"]


def run(cfg, out, *extra):
    return subprocess.run([AIMSIM, "run", cfg, "-o", out] + small + list(extra), capture_output=True, text=True,
                          timeout=240)


p = run(bad_full, os.path.join(tmp, "bad.h5"))
check(p.returncode == 2 and "'foo.bar' is not a config key" in p.stderr and "the sections are run, demand" in p.stderr,
      "run: a factor key that is not a config key is exit 2, naming it and the sections\n" + p.stderr)
p = run(full, os.path.join(tmp, "bad2.h5"), "--set", "sweep.factors[0].key=deals.nokey")
check(p.returncode == 2 and "'deals.nokey' is not a numeric config key" in p.stderr and "deals.kappa" in p.stderr,
      "run: a factor key set by --set is checked too, listing the section's numeric keys\n" + p.stderr)
p = run(write("only_run.yaml", "sweep:\n  design: grid\n  factors:\n    - {key: alpha, values: [1, 2]}\n"),
        os.path.join(tmp, "only.h5"))
check(p.returncode == 2 and "'alpha' is not a config key" in p.stderr,
      "run: a sweep-only file with a non-config key is exit 2, naming it\n" + p.stderr)
plain = write("seed_plain.yaml", seed_text)
p1 = run(plain, os.path.join(tmp, "plain.h5"), "--set", "deals.kappa=1")
p2 = run(full, os.path.join(tmp, "sweep.h5"))
check(p1.returncode == 0 and p2.returncode == 0, "run: a config with a valid sweep runs (exit 0)\n" + p1.stderr + p2.stderr)
if p1.returncode == 0 and p2.returncode == 0:
    # Point 0 draws from the stream (seed, 0, r), as a single run does: with deals.kappa=1 set,
    # the single run is the sweep's point 0 (tests/test_cli_sweep.py checks the rest of a sweep).
    with h5py.File(os.path.join(tmp, "plain.h5"), "r") as f1, h5py.File(os.path.join(tmp, "sweep.h5"), "r") as f2:
        names = []
        f1.visit(lambda n: names.append(n) if isinstance(f1[n], h5py.Dataset) and f1[n].ndim >= 3 else None)
        differ = [n for n in names if f2[n].shape[0] != 2 or f2[n][0].tobytes() != f1[n][0].tobytes()]
        check(f2["sweep/points"][()].tolist() == [[1.0], [3.0]], "run: the sweep's file has its 2 points")
    check(len(names) > 20 and not differ,
          f"run: point 0 of the sweep equals a single run with its factor set: {len(names)} series "
          f"(differ: {differ})")

print(f"{checks} checks, {failures} failed")
sys.exit(1 if failures else 0)
