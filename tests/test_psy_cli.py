"""`aimsim psy`: JSON against the psymonitor and exuber reference numbers, the cache, the wild
bootstrap, and every bad input (exit status 2 with a message saying what is wrong).

Usage: test_psy_cli.py PROGRAM [ARGS...]   (PROGRAM ARGS psy FILE ... runs the command; PROGRAM is
the aimsim binary or tests/psy_cli_driver). AIM_TEST_DATA_DIR names the reference data (tests/data)."""
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile

PROG = sys.argv[1:]
REF = os.environ.get("AIM_TEST_DATA_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
checks = 0
failures = 0


tmp = tempfile.mkdtemp(prefix="aimsim-psy-cli-")
cache = os.path.join(tmp, "cache")


def check(ok, what):
    global checks, failures
    checks += 1
    if not ok:
        failures += 1
    print(("PASS" if ok else "FAIL") + ": " + what, flush=True)


def run(*args):
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "xdg"))  # never the user's cache
    p = subprocess.run(PROG + ["psy"] + list(args), capture_output=True, text=True, timeout=120, env=env)
    return p.returncode, p.stdout, p.stderr


def rel(a, b):
    return 0.0 if a == b else abs(a - b) / abs(b)


def read_csv(name):
    with open(os.path.join(REF, name), newline="") as f:
        return list(csv.DictReader(f))




def write(name, header, rows):
    path = os.path.join(tmp, name)
    with open(path, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")
    return path


# --- S&P 500, psymonitor's vignette: BIC up to lag 6, swindow0 = 47, cv 0.8283287701851848 ---
snp = read_csv("psymonitor_snp.csv")
ref = read_csv("expected_snp_bsadf.csv")
pd_path = write("snp_pd.csv", ["date", "pd"], [(r["date"], repr(1.0 / float(r["dividend_yield"]))) for r in snp])
rc, out, err = run(pd_path, "--ic", "bic", "--max-lag", "6", "--window-min", "47", "--window-convention",
                   "psymonitor", "--cv", "0.8283287701851848", "--json")
check(rc == 0, "S&P BIC run exits 0 (%s)" % err.strip())
d = json.loads(out) if rc == 0 else {}
check(d.get("t", [None])[0] == 47 and d.get("t", [None])[-1] == 547 and len(d.get("bsadf", [])) == 501,
      "S&P BIC: t = 47..547 (1-based observation of each BSADF)")
worst = max((rel(b, float(r["bsadf_bic_maxlag6"])) for b, r in zip(d.get("bsadf", []), ref)), default=math.inf)
check(worst <= 1e-9, "S&P BIC BSADF through the CLI equals psymonitor (max rel err %.2e)" % worst)
check(rel(d.get("gsadf", 0), 2.8604341677) <= 1e-10, "S&P BIC GSADF 2.8604341677")
check(d.get("cv95", {}).get("method") == "given" and d["cv95"]["gsadf"] == 0.8283287701851848,
      "cv95 reports the given critical value")
want = [("1986-06", "1986-06"), ("1987-08", "1987-08"), ("1996-01", "1996-01"), ("1996-05", "1996-05"),
        ("1996-11", "1996-11"), ("1997-01", "1997-02"), ("1997-04", "1998-07"), ("1998-09", "2000-10"),
        ("2000-12", "2001-01"), ("2008-10", "2009-02")]
eps = d.get("episodes", [])
got = [(e["date"]["start"][:7], snp[e["end"] - 2]["date"][:7]) for e in eps]
check(got == want, "S&P: the ten episodes of psymonitor's vignette: %s" % got)
check(all(e["duration"] == e["end"] - e["start"] and e["start"] <= e["peak"] < e["end"] and
          e["date"]["peak"] == snp[e["peak"] - 1]["date"] for e in eps),
      "episodes: duration = end - start, start <= peak < end, dates are those of the observations")

# --- exuber sim_data: numeric first column (no dates), Monte Carlo cvs, cache ---
stats = {(r["series"], r["lag"]): r for r in read_csv("expected_sim_data_stats.csv")}
sim = os.path.join(REF, "exuber_sim_data.csv")
for series in ("psy1", "blan"):
    for lag in ("0", "2"):
        rc, out, err = run(sim, "--column", series, "--lag", lag, "--window-min", "19", "--cv-reps", "200",
                           "--seed", "2385", "--cache-dir", cache, "--json")
        d = json.loads(out) if rc == 0 else {}
        s = stats[(series, lag)]
        e = max(rel(d.get(k, math.nan), float(s[k])) for k in ("adf", "sadf", "gsadf")) if d else math.inf
        check(rc == 0 and e <= 1e-9, "sim_data %s lag %s: adf/sadf/gsadf equal exuber (max rel err %.2e) %s"
              % (series, lag, e, err.strip()))
check(all("date" not in e for e in d.get("episodes", [{}])), "sim_data: no dates when the first column is numeric")
check(d.get("cv95", {}).get("method") == "montecarlo" and len(d["cv95"]["bsadf"]) == len(d["t"]),
      "Monte Carlo cv95 has one BSADF critical value per t")
files = os.listdir(cache) if os.path.isdir(cache) else []
check(any(f.startswith("psy-cv-T100-L") and f.endswith("-r200-s2385.bin") for f in files),
      "Monte Carlo critical values cached in --cache-dir (%s)" % files)
rc2, out2, _ = run(sim, "--column", "blan", "--lag", "2", "--window-min", "19", "--cv-reps", "200", "--seed",
                   "2385", "--cache-dir", cache, "--json")
check(rc2 == 0 and out2 == out, "second run (cache hit) prints identical JSON")
rc, text_out, _ = run(sim, "--column", "psy1", "--window-min", "19", "--cv-reps", "200", "--seed", "2385",
                      "--cache-dir", cache)
check(rc == 0 and "GSADF" in text_out and "Episodes" in text_out and "from cache" not in text_out.split("\n")[0],
      "text output has the statistics table and the episodes")

# --- wild bootstrap option ---
rc, out, err = run(pd_path, "--ic", "bic", "--max-lag", "6", "--window-min", "47", "--window-convention",
                   "psymonitor", "--cv-method", "wild", "--cv-reps", "49", "--tb", "70", "--seed", "101", "--json")
d = json.loads(out) if rc == 0 else {}
cv = d.get("cv95", {})
check(rc == 0 and cv.get("method") == "wild-bootstrap" and cv.get("tb") == 70 and 0.0 < cv.get("gsadf", -1) < 3.0,
      "wild bootstrap (49 samples, Tb 70) runs: 95%% cv %s %s" % (cv.get("gsadf"), err.strip()))

rc, out, _ = run("--help")
check(rc == 0 and out.startswith("Usage: aimsim psy"), "--help prints the usage and exits 0")

# --- header only, extreme scales, memory estimate and refusal, progress ---
header_only = write("header-only.csv", ["date", "value"], [])
rc, out, err = run(header_only)
check(rc == 2 and "header-only.csv" in err and "no data rows" in err and "series columns" not in err,
      "header-only CSV: exit 2, names the file and says it has no data rows (rc %d: %s)" % (rc, err.strip()))

walk = random.Random(2385)  # a fixed random walk that turns explosive after t = 80
base, v = [], 2.385
for i in range(120):
    v += walk.gauss(0.0, 1.0) + (0.05 * v if i > 80 else 0.0)
    base.append(v)
stats = {}
for c in [1.0, 1e300, 1e-300]:
    path = write("scaled-%g.csv" % c, ["v"], [(repr(c * x),) for x in base])
    for lag in ["0", "2"]:
        rc, out, err = run(path, "--lag", lag, "--cv", "1.5", "--json")
        check(rc == 0, "scale %g, lag %s: computed, not a singular regression (rc %d: %s)"
              % (c, lag, rc, err.strip()))
        stats[(c, lag)] = json.loads(out)["gsadf"] if rc == 0 else float("nan")
for c in [1e300, 1e-300]:
    for lag in ["0", "2"]:
        check(rel(stats[(c, lag)], stats[(1.0, lag)]) < 1e-10, "GSADF of %g y = GSADF of y, lag %s (%r vs %r)"
              % (c, lag, stats[(c, lag)], stats[(1.0, lag)]))
rc, out, err = run(os.path.join(tmp, "scaled-1e+300.csv"), "--ic", "bic", "--max-lag", "2", "--cv", "1.5")
check(rc == 2 and "not scale-invariant" in err and "scaled-1e+300.csv" in err,
      "--ic on 1e300-scale data: exit 2 with the reason (rc %d: %s)" % (rc, err.strip()))

rc, out, err = run(pd_path, "--cv-reps", "2000", "--max-memory", "1M", "--cache-dir", os.path.join(tmp, "c1"))
check(rc == 1 and "estimated peak memory" in err and "exceeds --max-memory of" in err and "--cv-reps" in err
      and out == "", "--max-memory 1M: refused before computing, with the estimate (rc %d: %s)" % (rc, err.strip()))
long_path = write("long.csv", ["v"], [(repr(math.sin(0.1 * i) + 0.001 * i),) for i in range(2000)])
rc, out, err = run(long_path, "--cv-reps", "100000000", "--cache-dir", os.path.join(tmp, "c2"))
check(rc == 1 and "estimated peak memory" in err and "100000000 replications" in err,
      "--cv-reps 1e8 on T = 2000 (1.4 TB of draws): refused at once (rc %d: %s)" % (rc, err.strip()))
rc, out, err = run(pd_path, "--max-memory", "12Q")
check(rc == 2 and "--max-memory" in err, "--max-memory 12Q: exit 2 (rc %d)" % rc)
rc, out, err = run(pd_path, "--progress-interval", "-1")
check(rc == 2 and "--progress-interval" in err, "--progress-interval -1: exit 2 (rc %d)" % rc)

# Not a terminal: plain lines every --progress-interval seconds (0: at every update), the last at 100%.
rc, out, err = run(pd_path, "--cv-reps", "200", "--seed", "7", "--progress-interval", "0",
                   "--cache-dir", os.path.join(tmp, "c3"))
lines = err.strip().split("\n")
check(rc == 0 and "aimsim psy: BSADF: 100% of the regression windows done" in err
      and "aimsim psy: Monte Carlo critical values: 200/200 replications done" in err
      and all(l.startswith("aimsim psy: ") for l in lines), "progress lines on stderr (rc %d: %s)"
      % (rc, " | ".join(lines[-3:])))
rc, out2, err = run(pd_path, "--cv-reps", "200", "--seed", "7", "--progress-interval", "0", "--quiet",
                    "--cache-dir", os.path.join(tmp, "c4"))
check(rc == 0 and err == "" and out2 == out, "--quiet: no progress, same result (rc %d: %s)" % (rc, err.strip()))
rc, out, err = run(pd_path, "--cv-method", "wild", "--cv-reps", "20", "--progress-interval", "0")
check(rc == 0 and "wild bootstrap: 20/20 samples done" in err, "wild bootstrap progress (rc %d)" % rc)
rc, out, err = run(pd_path, "--cv", "1.2")
check(rc == 0 and err == "", "a short job with the default interval prints no progress (%r)" % err)

# --- bad input: exit status 2 and a message naming the problem ---
good = [("2020-%02d-01" % (i % 12 + 1), 2.385 + 0.1 * math.sin(i) + 0.01 * i) for i in range(60)]
bad_cases = [
    ("NaN value", write("nan.csv", ["date", "v"], good[:30] + [("x", "nan")] + good[31:]), [], "nan"),
    ("inf value", write("inf.csv", ["date", "v"], good[:30] + [("x", "inf")] + good[31:]), [], "inf"),
    ("empty cell", write("empty.csv", ["date", "v"], good[:30] + [("x", "")] + good[31:]), [], "v"),
    ("text cell", write("text.csv", ["date", "v"], good[:30] + [("x", "1.2abc")] + good[31:]), [], "1.2abc"),
    ("too short", write("short.csv", ["date", "v"], good[:5]), [], "too short"),
    ("window longer than series", write("short2.csv", ["date", "v"], good[:12]), ["--window-min", "20"],
     "shorter than the minimum"),
    ("constant", write("const.csv", ["date", "v"], [(g[0], 2.385) for g in good]), [], "constant"),
    ("flat stretch", write("flat.csv", ["date", "v"], good[:10] + [(g[0], 3.1) for g in good[10:40]] + good[40:]),
     [], "singular"),
    ("missing column", pd_path, ["--column", "price"], "price"),
    ("several columns", sim, [], "--column"),
    ("missing file", os.path.join(tmp, "nope.csv"), [], "nope.csv"),
    ("ragged row", write("ragged.csv", ["date", "v"], good[:20] + [("x", "1", "2")] + good[21:]), [], "ragged.csv"),
    ("negative lag", pd_path, ["--lag", "-1"], "--lag"),
    ("lag and ic", pd_path, ["--lag", "1", "--ic", "bic", "--max-lag", "2"], "one or the other"),
    ("ic without max lag", pd_path, ["--ic", "bic"], "--max-lag"),
    ("unknown ic", pd_path, ["--ic", "hq", "--max-lag", "2"], "aic or bic"),
    ("bad cv", pd_path, ["--cv", "abc"], "--cv"),
    ("cv and reps", pd_path, ["--cv", "1.2", "--cv-reps", "100"], "one or the other"),
    ("too few reps", pd_path, ["--cv-reps", "3"], "--cv-reps"),
    ("bad convention", pd_path, ["--window-convention", "pwy"], "exuber or psymonitor"),
    ("zero window", pd_path, ["--window-min", "0"], "--window-min"),
    ("unknown option", pd_path, ["--bubbles"], "--bubbles"),
]
for what, path, extra, needle in bad_cases:
    rc, out, err = run(path, *extra)
    check(rc == 2 and needle in err and out == "", "%s: exit 2, message mentions '%s' (rc %d: %s)"
          % (what, needle, rc, err.strip().replace("\n", " | ")))
rc, out, err = run()
check(rc == 2 and "no input file" in err, "no file: exit 2")

print("%d checks, %d failed" % (checks, failures))
subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if failures or not checks else 0)
