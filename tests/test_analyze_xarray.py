#!/usr/bin/python3
"""The /analysis group written by `aimsim analyze`, read by h5py and xarray (h5netcdf engine), and
every indicator recomputed here with numpy from the run file's own /firm and /market datasets
(concentration, coverage, drawdown and crash, defaults and cascades, type-7 bands, Wilson
intervals), not from aimsim's code. Usage: test_analyze_xarray.py TEST_ANALYZE_EXE (run in the
build directory after test_analyze has left analyze_run.h5 and analyze_out.h5)."""
import json
import subprocess
import sys

import h5py
import numpy as np
import xarray as xr

exe = sys.argv[1]
RUN, OUT = "analyze_run.h5", "analyze_out.h5"
Z = 1.959963984540054
failed = checks = 0


def check(ok, what):
    global failed, checks
    checks += 1
    print(("PASS: " if ok else "FAIL: ") + what)
    failed += 0 if ok else 1


def close(got, want, what, rtol=1e-13, atol=1e-15):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    same_nan = np.array_equal(np.isnan(got), np.isnan(want))
    ok = got.shape == want.shape and same_nan and np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    err = np.nanmax(np.abs(got - want)) if ok and got.size and not np.all(np.isnan(got)) else 0.0
    check(ok, f"{what} (max abs diff {err:.2g})")


with h5py.File(RUN, "r") as h:
    val = h["firm/valuation"][...]
    # A netCDF character array [firm, strlen], NUL-padded.
    kind = np.array([b"".join(row).decode() for row in h["firm/firm_kind"][...]])
    flags = h["firm/defaulted"][...]
    cap, dlv, dsh = h["firm/capacity"][...], h["firm/deliveries"][...], h["firm/demand_share"][...]
    com, rev, cash = h["firm/commitments"][...], h["firm/revenue"][...], h["firm/cash"][...]
    mv = h["market/ai_market_value"][...]
    vf, circ = h["market/value_fundamental"][...], h["market/circularity"][...]
    an = {k: h["analysis"][k][...] for k in h["analysis"].keys()}
    attrs = dict(h["analysis"].attrs)
NP, NR, NT, NF = val.shape
c_dd, c_w, link = float(attrs["crash_drawdown"]), int(attrs["crash_window"]), int(attrs["cascade_link"])
check(attrs["aimsim_format"] in ("aimsim-analysis-1", b"aimsim-analysis-1"), "format attribute")
check(c_dd == 0.35 and c_w == 12 and link == 1, f"settings from the run's config: {c_dd}, {c_w}, {link}")

# xarray sees one dataset with named dimensions and coordinates.
ds = xr.open_dataset(RUN, group="analysis", engine="h5netcdf")
check(ds["hhi"].dims == ("point", "replica", "time", "layer"), f"hhi dims {ds['hhi'].dims}")
check(ds["band_value_fundamental"].dims == ("point", "quantile", "time"), "band dims")
check(ds["crash"].dims == ("point", "replica") and ds["crash_probability"].dims == ("point",), "replica dims")
check(list(ds["quantile"].values) == [0.05, 0.25, 0.5, 0.75, 0.95], "quantile coordinate")
check(list(ds["layer_name"].values) == ["all", "vendors", "clouds", "labs"], "layer names")
check(ds.sizes["time"] == NT and ds.sizes["replica"] == NR and ds.sizes["point"] == NP, "sizes match the run")
t0 = ds["time"].values[0]
check(ds["time"].dtype == np.dtype("datetime64[ns]") and t0 == np.datetime64("2025-11-01"),
      f"time decodes to datetime64 2025-11-01 ({t0})")
check(np.isnan(ds["hhi"].sel(layer=1, point=0, replica=3).values[20]), "xarray: vendor HHI NaN after default")
ds.close()


# Concentration by numpy.
def conc(x):
    tot = x.sum()
    if x.size == 0 or tot == 0:
        return [np.nan] * 4
    s = np.sort(x)[::-1] / tot
    n = x.size
    gini = np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean())
    return [np.sum(s * s), s[0], s[:3].sum(), gini]


want = np.full((4, NP, NR, NT, 4), np.nan)
want_other = np.full((3, NP, NR, NT), np.nan)
layers = [np.ones(NF, bool), kind == "vendor", kind == "cloud", kind == "lab"]
for p in range(NP):
    for r in range(NR):
        for t in range(NT):
            for l, m in enumerate(layers):
                want[:, p, r, t, l] = conc(val[p, r, t, m])
            for j, (arr, m) in enumerate([(cap, layers[2]), (dlv, layers[1]), (dsh, layers[3])]):
                want_other[j, p, r, t] = conc(arr[p, r, t, m])[0]
for i, name in enumerate(["hhi", "top1", "top3", "gini"]):
    close(an[name], want[i], f"{name} per layer = numpy")
for j, name in enumerate(["hhi_capacity", "hhi_deliveries", "hhi_demand"]):
    close(an[name], want_other[j], f"{name} = numpy")

labs_alive = (kind == "lab") & (flags == 0)
owed = np.where(labs_alive, com, 0).sum(-1)
means = np.where(labs_alive, 12 * rev + cash, 0).sum(-1)
close(an["commitment_coverage"], np.where(means > 0, owed / np.where(means > 0, means, 1), np.nan), "coverage = numpy")

# Drawdown and crashes straight from the definition.
mdd = np.zeros((NP, NR))
crash_step = np.full((NP, NR), -1)
for p in range(NP):
    for r in range(NR):
        v = mv[p, r]
        peak = np.maximum.accumulate(v)
        mdd[p, r] = np.max(np.where(peak > 0, 1 - v / np.where(peak > 0, peak, 1), 0))
        for t in range(NT):
            top = v[max(0, t - c_w) : t + 1].max()
            if top > 0 and v[t] <= (1 - c_dd) * top:
                crash_step[p, r] = t
                break
close(an["max_drawdown"], mdd, "max drawdown = numpy running peak")
check(np.array_equal(an["crash_step"], crash_step), f"crash steps {an['crash_step'].tolist()}")
check(np.array_equal(an["crash"], (crash_step >= 0).astype(int)), "crash flags")

# Defaults and cascades (months with defaults at most `link` apart).
for p in range(NP):
    for r in range(NR):
        first = [int(np.argmax(flags[p, r, :, f])) for f in range(NF) if flags[p, r, :, f].any()]
        months = sorted(set(first))
        sizes, last = [], None
        for m in months:
            n = first.count(m)
            if last is not None and m - last <= link:
                sizes[-1] += n
            else:
                sizes.append(n)
            last = m
        ok = (an["n_defaults"][p, r] == len(first) and an["n_cascades"][p, r] == len(sizes)
              and an["max_cascade"][p, r] == (max(sizes) if sizes else 0)
              and an["first_default"][p, r] == (months[0] if months else -1))
        if sizes or (p, r) == (0, 0):
            check(ok, f"point {p} replica {r}: defaults {len(first)}, cascades {sizes}")

# Bands: numpy.quantile (linear = R type 7) across replicas.
q = [0.05, 0.25, 0.5, 0.75, 0.95]
for name, arr in [("ai_market_value", mv), ("value_fundamental", vf), ("circularity", circ),
                  ("commitment_coverage", an["commitment_coverage"]), ("hhi", an["hhi"][..., 0])]:
    close(an["band_" + name], np.moveaxis(np.nanquantile(arr, q, axis=1), 0, 1), f"band_{name} = numpy.quantile",
          rtol=1e-14)

# Wilson intervals from the formula, and the bubble flags against GSADF and its critical value.
cv = float(attrs["gsadf_cv95"])
for p in range(NP):
    x, n = int(an["crash"][p].sum()), NR
    ph = x / n
    c = Z * Z / (2 * n)
    root = Z * np.sqrt(ph * (1 - ph) / n + c / (2 * n))
    lo = 0.0 if x == 0 else (ph + c - root) / (1 + 2 * c)
    hi = 1.0 if x == n else (ph + c + root) / (1 + 2 * c)
    close([an["crash_probability"][p], an["crash_probability_lower"][p], an["crash_probability_upper"][p]],
          [ph, lo, hi], f"point {p}: crash probability {x}/{n} and Wilson interval", rtol=1e-14)
    g = an["gsadf"][p]
    flag = np.where(np.isfinite(g), g > cv, False).astype(int)
    check(np.array_equal(an["bubble"][p], flag) and an["n_bubble"][p] == flag.sum()
          and np.isclose(an["bubble_share"][p], flag.sum() / n, rtol=0, atol=0),
          f"point {p}: bubble flags = GSADF > {cv:.4g} ({flag.sum()}/{n})")

# -o wrote the same analysis into its own file, which is not a run file itself.
with h5py.File(OUT, "r") as h:
    same = all(np.array_equal(h["analysis"][k][...], an[k], equal_nan=np.issubdtype(an[k].dtype, np.floating))
               for k in an if k not in ("layer_name",))
    check(same and set(h["analysis"].keys()) == set(an.keys()), "-o file holds the same /analysis")
    check("firm" not in h, "-o file holds only the analysis")
res = subprocess.run([exe, "--cli", "analyze", OUT, "--no-write"], capture_output=True, text=True)
check(res.returncode == 2 and "not an aimsim trajectory file" in res.stderr,
      f"analysing the -o file itself: exit 2 ({res.stderr.strip()})")

# --json is valid JSON and agrees with the file.
res = subprocess.run([exe, "--cli", "analyze", RUN, "--json", "--no-write", "--cv-reps", "200", "--no-cache"],
                     capture_output=True, text=True)
check(res.returncode == 0, f"--json exit {res.returncode} {res.stderr.strip()}")
try:
    j = json.loads(res.stdout)
except ValueError as e:
    j = None
    check(False, f"--json parses: {e}")
if j:
    r0 = j["results"][0]
    check(j["points"] == NP and j["replicas"] == NR and j["times"] == NT, "JSON shape")
    check(r0["crash_probability"]["successes"] == int(an["crash"][0].sum())
          and r0["crash_probability"]["lower"] == float(an["crash_probability_lower"][0]), "JSON crash probability")
    close(r0["hhi"]["all"]["end"], np.median(an["hhi"][0, :, -1, 0]), "JSON median HHI at the end")
    close(r0["value_fundamental"]["p95"], np.quantile(vf[0, :, -1], 0.95), "JSON p95 value/fundamental")
    close(r0["max_drawdown"]["median"], np.median(mdd[0]), "JSON median max drawdown")
    check(r0["bubble_share"]["successes"] == int(an["n_bubble"][0]), "JSON bubble share")

print(f"{checks} checks, {failed} failed")
sys.exit(1 if failed else 0)
