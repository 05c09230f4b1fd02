#!/usr/bin/python3
"""Independent readers of the store: h5py and xarray (h5netcdf engine) load the synthetic file
written by test_store and find the dimension names, shapes, coordinates, attributes and the
known values (recomputed here from the same formula, not read from aimsim)."""
import os
import re
import sys

import h5py
import numpy as np
import xarray as xr

path = sys.argv[1] if len(sys.argv) > 1 else "store_synthetic.h5"
NP, NR, NT, NF = 2, 5, 7, 3
BS_MONTHS = [0, 4, 6]  # every 4 months and the last month
BS_ROWS = ["money", "loans", "funding", "listed_shares", "lab_equity", "real_assets", "net_worth"]
BS_COLS = ["investors", "market_maker", "lenders", "vendors", "clouds", "labs", "rest_of_world"]
failed = 0


def check(ok, what):
    global failed
    print(("PASS: " if ok else "FAIL: ") + what)
    failed += 0 if ok else 1


p, r, t, f = np.meshgrid(np.arange(NP), np.arange(NR), np.arange(NT), np.arange(NF), indexing="ij")


def firm_value(v):
    return 2.385 * (v + 1) + 0.125 * p - 1.75 * r + t / 3.0 + f * 1e-3 + (1e300 if v == 3 else 0.0)


def bs_value():
    bp, br, bs, brow, bcol = np.meshgrid(np.arange(NP), np.arange(NR), np.arange(len(BS_MONTHS)), np.arange(7),
                                         np.arange(7), indexing="ij")
    return 1.375 * (brow + 1) - 0.5 * bcol + 10.0 * bs + 100.0 * bp - br / 8.0


def text(x):
    """A fixed-length string attribute as h5py gives it (numpy.bytes_), as str."""
    return x.decode("utf-8") if isinstance(x, bytes) else x


def market_value(v):
    pm, rm, tm = p[..., 0], r[..., 0], t[..., 0]
    return -0.618 * (v + 1) + 7.0 * pm + rm / 7.0 - tm * 0.01


with h5py.File(path, "r") as h:
    src = os.environ.get("AIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
    tdef = open(os.path.join(src, "sim", "traj.def")).read()
    want_firm = set(re.findall(r"^AIM_FIRM_VAR\((\w+),", tdef, re.M))
    want_market = set(re.findall(r"^AIM_MARKET_VAR\((\w+),", tdef, re.M))
    firm_vars = {k for k in h["firm"] if h["firm"][k].ndim == 4}
    market_vars = {k for k in h["market"] if h["market"][k].ndim == 3}
    check(firm_vars == want_firm and len(want_firm) > 10, f"h5py: /firm holds every firm series of traj.def ({len(firm_vars)})")
    check(market_vars == want_market and len(want_market) > 10,
          f"h5py: /market holds every market series of traj.def ({len(market_vars)})")
    cash = h["firm/cash"]
    check(cash.shape == (NP, NR, NT, NF), f"h5py: /firm/cash shape {cash.shape}")
    check(cash.chunks == (1, 1, NT, NF), f"h5py: one chunk per replica {cash.chunks}")
    check(cash.compression == "gzip" and cash.shuffle and cash.fletcher32, "h5py: shuffle + deflate + Fletcher32")
    fixed = [k for k in h.attrs if h.attrs.get_id(k).dtype.kind == "S"]
    check(len(fixed) == len(h.attrs) - 1, f"h5py: every root attribute but seed is a fixed-length string ({len(fixed)})")
    check(h["firm/firm_name"].dtype == np.dtype("S1") and h["firm/firm_name"].fletcher32,
          "h5py: firm_name is a character array [firm, strlen] with a checksum")
    unchecked = []
    h.visititems(lambda n, o: unchecked.append(n) if isinstance(o, h5py.Dataset) and not o.fletcher32 else None)
    check(not unchecked, f"h5py: every dataset has a Fletcher32 checksum (not: {unchecked})")
    check([d.label or list(d.keys())[0] for d in cash.dims] == ["point", "replica", "time", "firm"],
          "h5py: cash dimensions named point, replica, time, firm")
    check(text(cash.attrs["units"]) == "$B", "h5py: cash units $B")
    order = ["cash", "debt", "revenue", "organic_share"]
    for v, name in enumerate(order):
        check(np.array_equal(h["firm"][name][...], firm_value(v)), f"h5py: /firm/{name} values bitwise")
    check(np.array_equal(h["market/demand"][...], market_value(0)), "h5py: /market/demand values bitwise")
    check(h["market/demand"].shape == (NP, NR, NT), "h5py: market shape [point, replica, time]")
    check(h["replica_done"][...].tolist() == [[1] * NR] * NP, "h5py: every replica marked done")
    ev = h["events"][...]
    want_rows = sum(rr % 3 + pp for pp in range(NP) for rr in range(NR))
    check(len(ev) == want_rows, f"h5py: {len(ev)} event rows, expected {want_rows}")
    keys = list(zip(ev["point"], ev["replica"], ev["seq"]))
    check(keys == sorted(keys) and len(set(keys)) == len(keys), "h5py: events sorted by (point, replica, seq), unique")
    ok = all(e["step"] == e["seq"] + 1 and e["a"] == e["replica"] % NF and e["c"] == e["point"]
             and e["amount0"] == 1.5 * e["seq"] and e["amount1"] == -2.25 * e["replica"] for e in ev)
    check(ok, "h5py: event fields as written")
    for key in ["config", "seed", "aimsim_version", "git_revision", "git_dirty", "compiler", "compile_flags",
                "hdf5_version", "libfyaml_version", "start_time", "end_time"]:
        check(key in h.attrs, f"h5py: root attribute {key}")
    check(int(h.attrs["seed"]) == 2385, "h5py: seed 2385")
    check(text(h.attrs["hdf5_version"]) == h5py.version.hdf5_version, "h5py: hdf5_version matches the library")
    check(text(h.attrs["start_time"]).endswith("Z") and "T" in text(h.attrs["start_time"]),
          "h5py: start_time ISO 8601 UTC")
    b = h["balance_sheet"]
    check(b.shape == (NP, NR, len(BS_MONTHS), 7, 7) and b.chunks == (1, 1, len(BS_MONTHS), 7, 7) and b.fletcher32,
          f"h5py: /balance_sheet [point, replica, snapshot, bs_row, bs_col] {b.shape}, one chunk per replica")
    check([d.label or list(d.keys())[0] for d in b.dims] == ["point", "replica", "snapshot", "bs_row", "bs_col"],
          "h5py: balance_sheet dimensions named point, replica, snapshot, bs_row, bs_col")
    check(np.array_equal(b[...], bs_value()), "h5py: /balance_sheet values bitwise")
    check(h["balance_sheet_month"][...].tolist() == BS_MONTHS, f"h5py: snapshot months {BS_MONTHS}")
    check(text(b.attrs["units"]) == "$B", "h5py: balance_sheet units $B")
    # Days since the first day of the start month, at each month's first day (2025-11 .. 2026-05).
    check(h["firm/time"][...].tolist() == [0, 30, 61, 92, 120, 151, 181] and
          text(h["firm/time"].attrs["units"]) == "days since 2025-11-01", "h5py: time in days since 2025-11-01")

ds = xr.open_dataset(path, engine="h5netcdf", group="firm")
check(ds["cash"].dims == ("point", "replica", "time", "firm"), "xarray: firm group cash dims")
check(list(ds["firm_name"].values) == ["NVIDIA", "Microsoft", "Anthropic"], "xarray: firm_name coordinate")
check(list(ds["firm_kind"].values) == ["vendor", "cloud", "lab"], "xarray: firm_kind coordinate")
check("firm_name" in ds.coords and "firm_kind" in ds.coords, "xarray: names and kinds are coordinates")
tv = ds["time"].values
want_tv = np.array(["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"],
                   dtype="datetime64[ns]")
check(tv.dtype == np.dtype("datetime64[ns]") and np.array_equal(tv, want_tv),
      "xarray: time decodes to datetime64 month starts from 2025-11")
check("month" in ds.coords and ds["month"].values.tolist() == list(range(NT)), "xarray: month index coordinate")
check(ds["cash"].sel(time="2026-01").sizes["time"] == 1 and int(ds["month"].sel(time="2026-01")[0]) == 2,
      "xarray: select a month by date")
check(np.array_equal(ds["debt"].values, firm_value(1)), "xarray: debt values bitwise")
sel = ds["cash"].where(ds.firm_name == "Anthropic", drop=True).isel(point=1, replica=2)
check(np.array_equal(sel.values[:, 0], firm_value(0)[1, 2, :, 2]), "xarray: select a firm by name")
check(ds["cash"].attrs["units"] == "$B" and ds["cash"].attrs["long_name"].startswith("Cash"),
      "xarray: units and long_name attributes")
dm = xr.open_dataset(path, engine="h5netcdf", group="market")
check(dm["demand"].dims == ("point", "replica", "time"), "xarray: market group demand dims")
check(np.array_equal(dm["rate"].values, market_value(1)), "xarray: market rate values bitwise")
root = xr.open_dataset(path, engine="h5netcdf")
check(root["replica_done"].dims == ("point", "replica"), "xarray: root replica_done dims")
check(root["events"].dims == ("event",), "xarray: root events on dimension event")
check(int(root.attrs["seed"]) == 2385 and "config" in root.attrs, "xarray: provenance in root attributes")
bsx = root["balance_sheet"]
check(bsx.dims == ("point", "replica", "snapshot", "bs_row", "bs_col"), "xarray: balance_sheet dims")
check(list(root["bs_row_name"].values) == BS_ROWS and list(root["bs_col_name"].values) == BS_COLS,
      "xarray: balance-sheet row and column names")
check(root["balance_sheet_month"].values.tolist() == BS_MONTHS and "balance_sheet_month" in root.coords,
      "xarray: balance_sheet_month is a coordinate of snapshot")
cell = bsx.where(root.bs_row_name == "loans", drop=True).where(root.bs_col_name == "clouds", drop=True)
cell = cell.swap_dims(snapshot="balance_sheet_month").sel(balance_sheet_month=6).isel(point=1, replica=3)
check(float(cell.squeeze()) == bs_value()[1, 3, 2, 1, 4], "xarray: select a cell by names and month")
# netCDF-C itself (Debian python3-netcdf4, installed by scripts/setup) must open the file too.
try:
    import netCDF4
except ImportError as e:
    netCDF4 = None
    check(False, f"netCDF4 (netCDF-C) importable ({e}; scripts/setup installs python3-netcdf4)")
if netCDF4 is not None:
    with netCDF4.Dataset(path) as nc:
        check(nc.groups["firm"].variables["cash"].dimensions == ("point", "replica", "time", "firm"),
              "netCDF4 (netCDF-C): firm/cash dimensions")
        check(list(nc.groups["firm"].variables["firm_name"][:]) == ["NVIDIA", "Microsoft", "Anthropic"],
              "netCDF4 (netCDF-C): firm names as str")
        check(nc.getncattr("status") == "complete", "netCDF4 (netCDF-C): string attributes as str")
        check(nc.variables["balance_sheet"].dimensions == ("point", "replica", "snapshot", "bs_row", "bs_col")
              and np.array_equal(nc.variables["balance_sheet"][:], bs_value()),
              "netCDF4 (netCDF-C): balance_sheet dimensions and values")
print(f"{failed} failed")
sys.exit(1 if failed else 0)
