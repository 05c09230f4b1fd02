#!/bin/sh
# Kill and resume: a real `aimsim run` is killed with SIGKILL after some replicas are done; the
# partial file must open with `aimsim info` as it is (its superblock still says "open for
# writing"), and with h5py once `h5clear -s` has cleared that flag on a copy, and hold those
# replicas bit for bit as an uninterrupted run does; `aimsim run --resume` must then finish it into datasets identical to the uninterrupted
# run. Also the refusals around --resume. Usage: test_cli_resume.sh AIMSIM
set -u
aimsim=$1
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$dir"' EXIT
fails=0
check() { if [ "$1" -eq 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
n=16
args="--replicas $n --steps 120 --seed 777 --set market.lambda=0.1 --set investors.count=20000 -q"

"$aimsim" run -o "$dir/ref.h5" --threads 1 $args >/dev/null
check $? "uninterrupted reference run (1 thread)"

out="$dir/run.h5"
"$aimsim" run -o "$out" --threads 2 $args >/dev/null &
pid=$!
# Wait until at least 3 replicas are marked done (reading beside the writer needs HDF5's file
# locking off; a read that catches the file mid-flush just retries).
done_count=0
i=0
while [ $i -lt 600 ]; do
    done_count=$(HDF5_USE_FILE_LOCKING=FALSE "$aimsim" info "$out.partial" 2>/dev/null |
        sed -n 's/^replicas complete (point 0): \([0-9]*\) of.*/\1/p')
    [ "${done_count:-0}" -ge 3 ] && break
    sleep 0.05
    i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
pid=
[ "${done_count:-0}" -ge 3 ]
check $? "killed with SIGKILL after $done_count replicas were done"
[ -e "$out.partial" ] && [ ! -e "$out" ]
check $? "the partial file is there and the output is not"

"$aimsim" info "$out.partial" >"$dir/info" 2>&1
check $? "aimsim info reads the killed run's file as it is (no h5clear)"
cleared="$dir/cleared.h5"
cp "$out.partial" "$cleared" && h5clear -s "$cleared"
check $? "h5clear -s clears the open-for-writing flag on a copy"

"$py" - "$cleared" "$n" <<'PYEOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as h:
    d = h["replica_done"][...]
    status = h.attrs["status"].decode()
    print(f"partial file opens: {int(d.sum())} of {sys.argv[2]} replicas done, status {status}")
    sys.exit(0 if 0 < d.sum() < int(sys.argv[2]) and status == "partial" else 1)
PYEOF
check $? "h5py opens the killed run's file; some but not all replicas are done"
"$py" - "$cleared" <<'PYEOF'
import sys, xarray as xr
ds = xr.open_dataset(sys.argv[1], engine="h5netcdf", group="firm")
root = xr.open_dataset(sys.argv[1], engine="h5netcdf")
done = root["replica_done"].values[0].astype(bool)
print(f"xarray opens the killed run's file: cash {dict(ds['cash'].sizes)}, {int(done.sum())} done")
sys.exit(0 if ds["cash"].isel(point=0, replica=int(done.nonzero()[0][0])).notnull().all() else 1)
PYEOF
check $? "xarray opens the killed run's file and reads a done replica"
"$py" "$here/test_cli_compare.py" "$cleared" "$dir/ref.h5" --done-only
check $? "every done replica of the killed run equals the uninterrupted run"
rm -f "$cleared"

# Refusals: starting again without --resume, or resuming with another seed or config.
"$aimsim" run -o "$out" $args 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "use --resume" "$dir/err"
check $? "a new run over a partial file is refused with exit 2 (rc=$rc)"
"$aimsim" run -o "$out" --resume $args --seed 778 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "seed 777, this run has seed 778" "$dir/err"
check $? "--resume with another seed is refused with exit 2 (rc=$rc)"
"$aimsim" run -o "$out" --resume $args --set deals.kappa=3.5 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "different configuration" "$dir/err"
check $? "--resume with another config is refused with exit 2 (rc=$rc)"

# Finishing the partial file would rename it over OUT.h5: an existing OUT.h5 is refused.
printf 'keep me\n' >"$out"
"$aimsim" run -o "$out" --resume $args 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "run.h5 exists; --resume would replace it" "$dir/err" &&
    [ "$(cat "$out")" = "keep me" ] && [ -e "$out.partial" ]
check $? "--resume with OUT.h5 present is refused with exit 2, OUT.h5 and the partial file untouched (rc=$rc)"
rm -f "$out"

"$aimsim" run -o "$out" --resume --threads 2 $args >/dev/null
check $? "--resume finishes the run"
[ -e "$out" ] && [ ! -e "$out.partial" ]
check $? "the partial file was renamed to the output"
"$py" "$here/test_cli_compare.py" "$out" "$dir/ref.h5"
check $? "the resumed run equals the uninterrupted run in every dataset"
"$aimsim" run -o "$out" --resume $args 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "already complete" "$dir/err"
check $? "--resume with nothing to resume is refused with exit 2 (rc=$rc)"
echo "$fails failed"
[ $fails -eq 0 ]
