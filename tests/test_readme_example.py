#!/usr/bin/python3
"""The README's Python example, exactly as printed, on a real run file, with cftime unimportable:
the time coordinate must decode to dates (and ds.sel(time="2027-03") work) with xarray alone.

Usage: test_readme_example.py AIMSIM WORKDIR"""
import os
import re
import shutil
import subprocess
import sys

aimsim, work = sys.argv[1], sys.argv[2]
src = os.environ.get("AIM_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
failed = 0


def check(ok, what):
    global failed
    print(("PASS: " if ok else "FAIL: ") + what)
    failed += 0 if ok else 1


m = re.search(r"<!-- python-example:[^>]*-->\n```python\n(.*?)```\n", readme, re.S)
check(m is not None, "README.md has the marked ```python block")
if not m:
    sys.exit(1)
example = m.group(1)
check('sel(time="2027-03")' in example, "the example selects a month by date")
paths = re.findall(r'open_dataset\("([^"]+)"', example)
check(len(paths) == 1, f"the example opens one run file ({paths})")

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
# The file the example opens, made by a real run (fewer replicas and investors than the seed
# scenario's defaults; the same 120 months from 2025-11, so that months 0..120 and 2027-03 exist).
run_file = os.path.join(work, paths[0])
os.makedirs(os.path.dirname(run_file), exist_ok=True)
r = subprocess.run([aimsim, "run", "-o", run_file, "--replicas", "2", "--set", "investors.count=2000", "--threads",
                    "2", "-q"], capture_output=True, text=True, timeout=300)
check(r.returncode == 0, f"aimsim run makes {paths[0]} ({r.stderr.strip()})")

# cftime blocked: `import cftime` raises ImportError, as on a machine without it.
wrapper = ("import sys\nsys.modules['cftime'] = None\n"
           "source = open(sys.argv[1], encoding='utf-8').read()\n"
           "exec(compile(source, 'README.md example', 'exec'), {'__name__': '__main__'})\n")
example_file = os.path.join(work, "example.py")
with open(example_file, "w", encoding="utf-8") as f:
    f.write(example)
r = subprocess.run([sys.executable, "-c", wrapper, example_file], cwd=work, capture_output=True, text=True,
                   timeout=120)
print(r.stdout, end="")
print(r.stderr, end="", file=sys.stderr)
check(r.returncode == 0, "the README example runs with cftime unimportable")
lines = r.stdout.strip().splitlines()
check(len(lines) >= 2 and "nan" not in r.stdout.lower(), "it prints finite valuations at months 0..120 and in 2027-03")
probe = subprocess.run([sys.executable, "-c", wrapper, os.devnull], capture_output=True, text=True)
blocked = subprocess.run([sys.executable, "-c", "import sys\nsys.modules['cftime'] = None\nimport cftime"],
                         capture_output=True, text=True)
check(probe.returncode == 0 and blocked.returncode != 0 and "cftime" in blocked.stderr,
      "the wrapper really makes `import cftime` fail")
shutil.rmtree(work, ignore_errors=True)
print(f"{failed} failed")
sys.exit(1 if failed else 0)
