#!/usr/bin/python3
"""docs/output.md lists every series of sim/traj.def with its unit (the page must not drift from
the table the store writes)."""
import os
import re
import sys

src = os.environ.get("AIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
tdef = open(os.path.join(src, "sim", "traj.def")).read()
doc = open(os.path.join(src, "docs", "output.md")).read()
failed = 0
rows = re.findall(r'^AIM_(FIRM|MARKET)_VAR\((\w+), "([^"]*)", "([^"]*)"\)', tdef, re.M)
for kind, name, unit, _ in rows:
    ok = re.search(r"^\| `%s` \| %s \|" % (re.escape(name), re.escape(unit or "1")), doc, re.M) is not None
    print(("PASS" if ok else "FAIL") + f": docs/output.md lists {kind.lower()} series {name} [{unit or '1'}]")
    failed += not ok
print(f"{len(rows)} series checked, {failed} failed")
sys.exit(1 if failed or len(rows) < 20 else 0)
