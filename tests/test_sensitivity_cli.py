"""`aimsim sensitivity --design SWEEP.yaml --csv RESULTS.csv --output NAME`, driven through the real
binary on functions whose indices are known in closed form: the points come from `aimsim design`,
the function is evaluated here, and the indices must match the exact values within the bootstrap
half-widths the command reports (widened by a Bonferroni factor for the number of indices checked,
as tests/test_sensitivity.c does). Also Morris on a linear function, crossed scenarios, replicas
(averaging and the noise share), determinism of --json, and every error path (exit 2).

Usage: test_sensitivity_cli.py AIMSIM"""
import json
import math
import os
import subprocess
import sys
import tempfile
from statistics import NormalDist

import numpy as np

AIMSIM = sys.argv[1]
SRC = os.environ.get("AIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tmp = tempfile.mkdtemp(prefix="aimsim-senscli-")
checks = failures = 0
ALPHA = 0.01  # family-wise level of the checks against exact values


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


def run(*args):
    p = subprocess.run([AIMSIM, *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def points(design_path):
    rc, out, err = run("design", design_path)
    assert rc == 0, err
    lines = out.splitlines()
    header = lines[0].split(",")
    rows = np.array([[float(x) for x in line.split(",")] for line in lines[1:]])
    return header, rows


def write_results(name, point, cols, order=None):
    """CSV with a point column and the named output columns; rows in the given order."""
    keys = list(cols)
    idx = range(len(point)) if order is None else order
    text = "point," + ",".join(keys) + "\n"
    text += "".join(f"{int(point[i])}," + ",".join(f"{cols[k][i]:.17g}" for k in keys) + "\n" for i in idx)
    return write(name, text)


def sensitivity(design_path, csv_path, output, *extra):
    return run("sensitivity", "--design", design_path, "--csv", csv_path, "--output", output, *extra)


def widening(m):
    """Bonferroni widening of a 95% half-width for m indices checked at family-wise level ALPHA."""
    z = NormalDist()
    return z.inv_cdf(1 - ALPHA / (2 * m)) / z.inv_cdf(0.975)


def saltelli_yaml(n, factors, second_order=False, seed=7):
    text = f"sweep:\n  design: saltelli\n  points: {n}\n  seed: {seed}\n"
    text += "  second_order: true\n" if second_order else ""
    text += "  factors:\n" + "".join(f"    - {{key: {k}, range: [{lo!r}, {hi!r}]}}\n" for k, lo, hi in factors)
    return text


# --- Ishigami (a = 7, b = 0.1) on [-pi, pi]^3 -------------------------------------------------------
a_, b_ = 7.0, 0.1
v1 = 0.5 * (1 + b_ * math.pi**4 / 5) ** 2
v2 = a_**2 / 8
v13 = 8 * b_**2 * math.pi**8 / 225
v = v1 + v2 + v13
ish_s1 = [v1 / v, v2 / v, 0.0]
ish_st = [(v1 + v13) / v, v2 / v, v13 / v]
check(
    max(abs(x - y) for x, y in zip(ish_s1 + ish_st, [0.3139, 0.4424, 0, 0.5576, 0.4424, 0.2437])) < 5e-5,
    "Ishigami closed form reproduces S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437",
)


def ishigami(x):
    return np.sin(x[:, 0]) + a_ * np.sin(x[:, 1]) ** 2 + b_ * x[:, 2] ** 4 * np.sin(x[:, 0])


N_ISH = 4096
ish_yaml = write(
    "ishigami.yaml", saltelli_yaml(N_ISH, [(f"x{i + 1}", -math.pi, math.pi) for i in range(3)])
)
header, rows = points(ish_yaml)
check(header == ["point", "x1", "x2", "x3"] and len(rows) == N_ISH * 5, "Ishigami design: N (D + 2) points")
y_ish = ishigami(rows[:, 1:])
# Rows in reverse order: the command keys rows on the point column, not on their position.
ish_csv = write_results("ishigami.csv", rows[:, 0], {"y": y_ish, "z": -y_ish}, order=range(len(rows) - 1, -1, -1))
rc, out, err = sensitivity(ish_yaml, ish_csv, "y", "--json")
check(rc == 0, f"Ishigami: exit 0 ({err.strip()})")
res = json.loads(out)
check(list(res) == ["output", "n", "factors"] and res["output"] == "y", "Ishigami: JSON keys output, n, factors")
check(res["n"] == N_ISH - 1, f"Ishigami: n = N - 1 = {N_ISH - 1} base rows (row 0 of every block left out)")
check(
    [f["key"] for f in res["factors"]] == ["x1", "x2", "x3"]
    and all(list(f) == ["key", "S1", "S1_conf", "ST", "ST_conf"] for f in res["factors"]),
    "Ishigami: factors in order with key, S1, S1_conf, ST, ST_conf",
)
w = widening(6)
for i, f in enumerate(res["factors"]):
    for name, exact in (("S1", ish_s1[i]), ("ST", ish_st[i])):
        est, conf = f[name], f[name + "_conf"]
        check(
            0 < conf < 0.1 and abs(est - exact) <= w * conf,
            f"Ishigami {name}_{i + 1} = {est:.4f} +- {conf:.4f} holds exact {exact:.4f} within {w:.2f} x conf",
        )
rc2, out2, _ = sensitivity(ish_yaml, ish_csv, "y", "--json")
check(rc2 == 0 and out2 == out, "Ishigami: --json is byte-identical across two runs")
rc3, out3, _ = sensitivity(ish_yaml, ish_csv, "y", "--json", "--seed", "7")
check(out3 == out, "Ishigami: the default --seed is the design's seed (7)")
rc4, out4, _ = sensitivity(ish_yaml, ish_csv, "y", "--json", "--seed", "8")
r4 = json.loads(out4)
check(
    rc4 == 0
    and all(f["S1"] == g["S1"] and f["ST"] == g["ST"] for f, g in zip(res["factors"], r4["factors"]))
    and any(f["S1_conf"] != g["S1_conf"] for f, g in zip(res["factors"], r4["factors"])),
    "Ishigami: another --seed changes the bootstrap half-widths, not the estimates",
)
rc, outz, _ = sensitivity(ish_yaml, ish_csv, "z", "--json")
rz = json.loads(outz)
check(
    rc == 0 and all(abs(f["S1"] - g["S1"]) < 1e-12 and abs(f["ST"] - g["ST"]) < 1e-12
                    for f, g in zip(res["factors"], rz["factors"])),
    "Ishigami: --output picks the column (z = -y has the same indices)",
)
rc, table, err = sensitivity(ish_yaml, ish_csv, "y")
check(
    rc == 0 and "S1_conf" in table and "ST_conf" in table and "n = 4095" in table and table.count("\nx") == 3,
    "Ishigami: terminal table with factor, S1, S1_conf, ST, ST_conf and n",
)

# --- Sobol's G-function, second order, on [0, 1]^8 --------------------------------------------------
a_g = [0, 1, 4.5, 9, 99, 99, 99, 99]
vi = [1 / (3 * (1 + a) ** 2) for a in a_g]
vg = math.prod(1 + x for x in vi) - 1
g_s1 = [x / vg for x in vi]
g_st = [vi[i] * math.prod(1 + vi[k] for k in range(8) if k != i) / vg for i in range(8)]
check(
    max(abs(x - y) for x, y in zip(g_s1[:4], [0.7162, 0.1790, 0.0237, 0.0072])) < 5e-5,
    "G-function closed form reproduces S1 = 0.7162, 0.1790, 0.0237, 0.0072",
)
N_G = 4096
g_yaml = write("gfun.yaml", saltelli_yaml(N_G, [(f"u{i}", 0.0, 1.0) for i in range(8)], second_order=True))
header, rows = points(g_yaml)
u = rows[:, 1:]
y_g = np.prod((np.abs(4 * u - 2) + np.array(a_g)) / (1 + np.array(a_g)), axis=1)
g_csv = write_results("gfun.csv", rows[:, 0], {"g": y_g})
rc, out, err = sensitivity(g_yaml, g_csv, "g", "--json")
check(rc == 0, f"G-function: exit 0 ({err.strip()})")
res = json.loads(out)
s2 = {tuple(e["keys"]): e for e in res.get("S2", [])}
check(len(s2) == 28 and all(list(e) == ["keys", "S2", "S2_conf"] for e in res["S2"]),
      "G-function: S2 lists the 28 pairs i < k with keys, S2, S2_conf")
pairs = [(i, k) for i in range(4) for k in range(i + 1, 4)]
w = widening(8 + 8 + len(pairs))
for i, f in enumerate(res["factors"]):
    for name, exact in (("S1", g_s1[i]), ("ST", g_st[i])):
        est, conf = f[name], f[name + "_conf"]
        check(conf > 0 and abs(est - exact) <= w * conf,
              f"G {name}_{i + 1} = {est:.4f} +- {conf:.4f} holds exact {exact:.4f} within {w:.2f} x conf")
for i, k in pairs:
    e = s2[(f"u{i}", f"u{k}")]
    exact = vi[i] * vi[k] / vg
    check(e["S2_conf"] > 0 and abs(e["S2"] - exact) <= w * e["S2_conf"],
          f"G S2_{i + 1}{k + 1} = {e['S2']:.4f} +- {e['S2_conf']:.4f} holds exact {exact:.4f}")
check(res["factors"][0]["S1_conf"] < 0.1 and res["factors"][0]["ST"] > 0.7,
      "G-function: the dominant factor is resolved (S1_conf < 0.1, ST > 0.7)")

# --- Morris on a linear function: mu* = |c| (hi - lo), sigma = 0 -------------------------------------
coef = {"a": 2.385, "b": -1.5, "c": 0.0}
rng_ = {"a": (0.0, 2.0), "b": (-1.0, 3.0), "c": (5.0, 6.0)}
morris_yaml = write(
    "morris.yaml",
    "sweep:\n  design: morris\n  points: 12\n  levels: 6\n  seed: 3\n  factors:\n"
    + "".join(f"    - {{key: {k}, range: [{lo}, {hi}]}}\n" for k, (lo, hi) in rng_.items()),
)
header, rows = points(morris_yaml)
y_m = sum(coef[k] * rows[:, j + 1] for j, k in enumerate(header[1:])) + 10.0
m_csv = write_results("morris.csv", rows[:, 0], {"y": y_m})
rc, out, err = sensitivity(morris_yaml, m_csv, "y", "--json")
check(rc == 0, f"Morris: exit 0 ({err.strip()})")
res = json.loads(out)
check(res["n"] == 12 and all(list(f) == ["key", "mu_star", "mu_star_conf", "sigma"] for f in res["factors"]),
      "Morris: n = 12 trajectories; factors with key, mu_star, mu_star_conf, sigma")
for f in res["factors"]:
    lo, hi = rng_[f["key"]]
    exact = abs(coef[f["key"]]) * (hi - lo)
    check(abs(f["mu_star"] - exact) <= 1e-9 * max(1, exact) and abs(f["sigma"]) < 1e-9 and f["mu_star_conf"] < 1e-9,
          f"Morris {f['key']}: mu* = {f['mu_star']:.6g} = |c| (hi - lo) = {exact:.6g}, sigma = 0")
rc, table, _ = sensitivity(morris_yaml, m_csv, "y")
check(rc == 0 and "mu_star" in table and "sigma" in table and "n = 12 trajectories" in table, "Morris: table")

# --- Crossed scenarios: the indices per scenario, labelled ------------------------------------------
cross_yaml = write(
    "cross.yaml",
    "sweep:\n  design: morris\n  points: 5\n  levels: 4\n  seed: 5\n  factors:\n"
    "    - {key: a, range: [0, 2]}\n    - {key: b, range: [0, 1]}\n"
    "  cross:\n    - {key: s, values: [1, 3]}\n",
)
header, rows = points(cross_yaml)
y_c = rows[:, 3] * rows[:, 1] + rows[:, 2]  # y = s a + b
c_csv = write_results("cross.csv", rows[:, 0], {"y": y_c})
rc, out, err = sensitivity(cross_yaml, c_csv, "y", "--json")
res = json.loads(out) if rc == 0 else {}
sc = res.get("scenarios", [])
check(rc == 0 and len(sc) == 2 and [s["cross"] for s in sc] == [{"s": 1}, {"s": 3}]
      and [s["scenario"] for s in sc] == [0, 1], f"cross: two scenarios labelled s = 1, s = 3 ({err.strip()})")
check(all(abs(s["factors"][0]["mu_star"] - 2 * s["cross"]["s"]) < 1e-9 and abs(s["factors"][1]["mu_star"] - 1) < 1e-9
          for s in sc), "cross: mu*_a = 2 s per scenario, mu*_b = 1")
rc, table, _ = sensitivity(cross_yaml, c_csv, "y")
check(rc == 0 and "scenario 0: s=1" in table and "scenario 1: s=3" in table, "cross: the table labels scenarios")

# Saltelli crossed with scenarios: y = x1 + s x2 on [0, 1]^2, S1 = ST = 1 / (1 + s^2), s^2 / (1 + s^2).
scross_yaml = write(
    "scross.yaml",
    saltelli_yaml(1024, [("x1", 0.0, 1.0), ("x2", 0.0, 1.0)]) + "  cross:\n    - {key: s, values: [0.5, 2]}\n",
)
header, rows = points(scross_yaml)
y_sc = rows[:, 1] + rows[:, 3] * rows[:, 2]
sc_csv = write_results("scross.csv", rows[:, 0], {"y": y_sc})
rc, out, err = sensitivity(scross_yaml, sc_csv, "y", "--json")
sc = json.loads(out).get("scenarios", []) if rc == 0 else []
w = widening(2 * 4)
ok = rc == 0 and [s["cross"] for s in sc] == [{"s": 0.5}, {"s": 2}]
for s in sc:
    exact = [1 / (1 + s["cross"]["s"] ** 2), s["cross"]["s"] ** 2 / (1 + s["cross"]["s"] ** 2)]
    for f, e in zip(s["factors"], exact):
        ok = ok and all(f[k + "_conf"] > 0 and abs(f[k] - e) <= w * f[k + "_conf"] for k in ("S1", "ST"))
check(ok, f"saltelli x cross: S1 and ST per scenario hold 1/(1+s^2), s^2/(1+s^2) within {w:.2f} x conf")
check(len(sc) == 2 and abs(sc[0]["factors"][0]["S1"] - sc[1]["factors"][0]["S1"]) > 0.5,
      "saltelli x cross: the scenarios differ (S1_x1 0.8 at s = 0.5, 0.2 at s = 2)")

# --- Replicas: averaged per point, noise share --------------------------------------------------------
N_R = 256
rep_yaml = write("rep.yaml", saltelli_yaml(N_R, [(f"x{i + 1}", -math.pi, math.pi) for i in range(3)]))
header, rows = points(rep_yaml)
y0 = ishigami(rows[:, 1:])
gen = np.random.default_rng(2385)
r1, r2 = y0 + gen.normal(0, 1.5, len(y0)), y0 + gen.normal(0, 1.5, len(y0))
pts = np.concatenate([rows[:, 0], rows[:, 0]])
rep_csv = write_results("rep.csv", pts, {"y": np.concatenate([r1, r2])})
rc, out, err = sensitivity(rep_yaml, rep_csv, "y", "--json")
res = json.loads(out) if rc == 0 else {}
share = res.get("noise_share", -1)
vals = np.stack([r1, r2], axis=1)
want = np.mean(np.var(vals, axis=1)) / np.var(vals)
check(rc == 0 and res.get("replicas") == 2 and 0 < share < 1 and abs(share - want) < 1e-12,
      f"replicas: noise share {share:.4f} in (0, 1), = numpy's mean within-point variance / total ({want:.4f})")
mean_csv = write_results("mean.csv", rows[:, 0], {"y": (r1 + r2) / 2})
rc, outm, _ = sensitivity(rep_yaml, mean_csv, "y", "--json")
rm = json.loads(outm)
check(rc == 0 and rm["factors"] == res["factors"], "replicas: indices are those of the per-point means")
rc, table, _ = sensitivity(rep_yaml, rep_csv, "y")
check(rc == 0 and "noise share" in table and "2 replicas" in table, "replicas: the table reports the noise share")

# --- The Ishigami example of docs/sensitivity.md: its script, its table and its JSON --------------------
doc = open(os.path.join(SRC, "docs/sensitivity.md")).read()
block = doc.split("The Ishigami function on `configs/sweeps/ishigami.yaml`")[1].split("```")[1]
script = block.split("<<'EOF'")[1].split("\nEOF\n")[0].split("\n", 1)[1]
ex_yaml = os.path.join(SRC, "configs/sweeps/ishigami.yaml")
rc, out, _ = run("design", ex_yaml)
write("points.csv", out)
subprocess.run([sys.executable, "-c", script], cwd=tmp, check=True, timeout=120)
cmd = "$ aimsim sensitivity --design configs/sweeps/ishigami.yaml --csv results.csv --output y"
doc_table = block.split(cmd + "\n")[1].split("$ ")[0]
doc_json = json.loads(block.split(cmd + " --json\n")[1].splitlines()[0])
rc, out, err = sensitivity(ex_yaml, os.path.join(tmp, "results.csv"), "y")
check(rc == 0 and out == doc_table, f"docs/sensitivity.md: the Ishigami table is what the command prints" + ("" if out == doc_table else "\n" + out))
rc, out, err = sensitivity(ex_yaml, os.path.join(tmp, "results.csv"), "y", "--json")
got = json.loads(out) if rc == 0 else {}
check(got.get("n") == doc_json["n"] and all(
    abs(f[k] - g[k]) <= 1e-12 * abs(g[k]) for f, g in zip(got["factors"], doc_json["factors"]) for k in g if k != "key"),
    "docs/sensitivity.md: the Ishigami JSON is what the command prints (to 1e-12)")

# --- Errors: exit 2 with a message naming the file, the line and what was wrong ----------------------
small_yaml = write("small.yaml", saltelli_yaml(4, [("p", 0.0, 1.0), ("q", 0.0, 1.0)]))
_, srows = points(small_yaml)  # 16 points
good = [f"{int(p)},{0.1 * p + p * p:.6f}" for p in srows[:, 0]]


def err_case(what, lines, expect, yaml_path=None, output="y", extra=()):
    path = write("err.csv", "\n".join(lines) + "\n")
    rc, out, err = sensitivity(yaml_path or small_yaml, path, output, *extra)
    ok = rc == 2 and all(e in err for e in expect) and out == ""
    check(ok, f"error {what}: exit 2, message has {expect} (rc {rc}: {err.strip()})")


err_case("no point column", ["pt,y"] + good, ["err.csv", "point"])
err_case("missing column NAME", ["point,y"] + good, ["--output", "nope"], output="nope")
err_case("missing point", ["point,y"] + good[:5] + good[6:], ["err.csv", "no row for point 5"])
err_case("duplicate point", ["point,y"] + good + [good[3]], ["err.csv:18", "point 3", "duplicate"])
err_case("extra point", ["point,y"] + good + ["16,1.0"], ["err.csv:18", "point 16", "[0, 15]"])
err_case("negative point", ["point,y"] + ["-1,2"] + good, ["err.csv:2", "point -1"])
err_case("fractional point", ["point,y"] + ["2.5,2"] + good, ["err.csv:2", "point 2.5"])
err_case("non-numeric value", ["point,y"] + good[:7] + ["7,abc"] + good[8:], ["err.csv:9", "abc"])
err_case("NaN value", ["point,y"] + good[:7] + ["7,nan"] + good[8:], ["err.csv:9"])
err_case("constant output", ["point,y"] + [f"{p},2.5" for p in range(16)], ["err.csv", "constant"])
grid_yaml = write("grid.yaml", "sweep:\n  design: grid\n  factors:\n    - {key: p, values: [1, 2]}\n")
err_case("grid design", ["point,y", "0,1", "1,2"], ["grid.yaml", "saltelli", "morris", "grid"], yaml_path=grid_yaml)
lhs_yaml = write("lhs.yaml", "sweep:\n  design: lhs\n  points: 4\n  factors:\n    - {key: p, range: [0, 1]}\n")
err_case("lhs design", ["point,y", "0,1"], ["lhs.yaml", "saltelli", "morris"], yaml_path=lhs_yaml)
n2_yaml = write("n2.yaml", saltelli_yaml(2, [("p", 0.0, 1.0)]))
err_case("Saltelli N = 2", ["point,y"] + [f"{p},{p}" for p in range(6)], ["n2.yaml", "N >= 3"], yaml_path=n2_yaml)
bad_yaml = write("bad.yaml", "sweep:\n  design: saltelli\n  points: 8\n  bogus: 1\n")
err_case("bad design file", ["point,y", "0,1"], ["bad.yaml"], yaml_path=bad_yaml)
for what, args, expect in (
    ("no --output", ["--design", small_yaml, "--csv", small_yaml], "--output"),
    ("no --design", ["--csv", small_yaml, "--output", "y"], "--design"),
    ("unknown option", ["--design", small_yaml, "--csv", small_yaml, "--output", "y", "--frob"], "--frob"),
    ("--boot 1", ["--design", small_yaml, "--csv", small_yaml, "--output", "y", "--boot", "1"], "--boot"),
    ("--seed -1", ["--design", small_yaml, "--csv", small_yaml, "--output", "y", "--seed", "-1"], "--seed"),
):
    rc, out, err = run("sensitivity", *args)
    check(rc == 2 and expect in err and "aimsim sensitivity --help" in err, f"usage error {what}: exit 2 ({err.strip()})")
rc, out, err = sensitivity(small_yaml, os.path.join(tmp, "absent.csv"), "y")
check(rc == 2 and "absent.csv" in err, f"unreadable CSV: exit 2 naming the file ({err.strip()})")
rc, out, err = sensitivity(os.path.join(tmp, "absent.yaml"), rep_csv, "y")
check(rc == 2 and "absent.yaml" in err, f"unreadable design: exit 2 naming the file ({err.strip()})")
rc, out, _ = run("sensitivity", "--help")
check(rc == 0 and out.startswith("Usage: aimsim sensitivity"), "--help: usage on stdout, exit 0")
rc, out, _ = run("--help")
check(rc == 0 and "sensitivity" in out, "aimsim --help lists sensitivity")

print(f"{checks - failures}/{checks} checks passed")
sys.exit(1 if failures else 0)
