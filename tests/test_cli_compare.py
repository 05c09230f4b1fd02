#!/usr/bin/python3
"""Compares two aimsim output files dataset by dataset, bit for bit (NaN patterns included), and
their config and seed attributes; the files themselves differ (start/end times, chunk placement).

usage: test_cli_compare.py A.h5 B.h5 [--done-only]
--done-only: A is a partial file; compare only the replicas A marks done (and their events)."""
import sys

import h5py
import numpy as np


def datasets(h):
    out = {}
    h.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    done_only = "--done-only" in sys.argv[3:]
    bad = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for key in ("config", "seed"):
            if a.attrs[key] != b.attrs[key]:
                bad.append(f"root attribute {key} differs")
        da, db = datasets(a), datasets(b)
        if set(da) != set(db):
            bad.append(f"dataset lists differ: {sorted(set(da) ^ set(db))}")
        done = a["replica_done"][...].astype(bool)
        ndone = int(done.sum())
        for name in sorted(set(da) & set(db)):
            if done_only and name in ("replica_done", "events", "event"):
                continue
            if done_only and name == "event_count":
                x, y = da[name][...][done], db[name][...][done]
            elif done_only and da[name].ndim >= 3:
                # Replica by replica: the chunk of a replica killed mid-write may not decode.
                idx = list(zip(*done.nonzero()))
                x = np.array([da[name][p, r] for p, r in idx])
                y = np.array([db[name][p, r] for p, r in idx])
            else:
                x, y = da[name][...], db[name][...]
            if x.dtype == object:  # variable-length strings: compare the values, not pointers
                same = x.shape == y.shape and x.tolist() == y.tolist()
            else:
                same = x.shape == y.shape and x.dtype == y.dtype and x.tobytes() == y.tobytes()
            if not same:
                bad.append(f"/{name} differs")
        ea, eb = a["events"][...], b["events"][...]
        if done_only:
            keep = lambda e: e[done[e["point"], e["replica"]]]
            ea, eb = np.unique(keep(ea)), np.unique(keep(eb))
        elif not np.array_equal(done, b["replica_done"][...].astype(bool)):
            bad.append("/replica_done differs")
        if ea.tobytes() != eb.tobytes():
            bad.append("/events differ" + (" (done replicas)" if done_only else ""))
    for m in bad:
        print("FAIL: " + m)
    what = f"{ndone} done replicas of" if done_only else "every dataset of"
    print(f"{'FAIL' if bad else 'PASS'}: {what} {a_path} {'differs from' if bad else 'equals'} {b_path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
