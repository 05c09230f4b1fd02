#!/bin/sh
# Runs killed in their first milliseconds, and two runs racing for one -o.
# - `aimsim run` is killed with SIGKILL at several early moments (while its file is being made,
#   before and after the first replica); `--resume` must then finish every time, into datasets
#   identical to an uninterrupted run, whatever the kill left (nothing, OUT.h5.partial, or a
#   temporary file that the resumed run removes).
# - A second run on the same -o with --force replaces the first one's partial file: the first must
#   then fail (exit 1, saying so) instead of reporting success for the second run's file.
# Usage: test_cli_kill.sh AIMSIM
set -u
aimsim=$1
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$dir"' EXIT
fails=0
check() { if [ "$1" -eq 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
args="--replicas 4 --steps 24 --seed 4242 --set investors.count=4000 -q --threads 2"

"$aimsim" run -o "$dir/ref.h5" $args >/dev/null
check $? "uninterrupted reference run"

out="$dir/run.h5"
from_nothing=0 from_partial=0 tries=0
# One kill after $1 seconds, then --resume and the checks.
kill_and_resume() {
    delay=$1
    tries=$((tries + 1))
    rm -f "$out" "$out".partial*
    "$aimsim" run -o "$out" $args >/dev/null 2>&1 &
    pid=$!
    [ "$delay" = 0 ] || sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    pid=
    if [ -e "$out" ]; then
        return # finished before the kill: nothing to check
    fi
    if [ -e "$out.partial" ]; then
        from_partial=$((from_partial + 1))
        what="a partial file"
    else
        from_nothing=$((from_nothing + 1))
        what="no partial file"
    fi
    "$aimsim" run -o "$out" $args --resume >/dev/null 2>"$dir/err"
    rc=$?
    [ $rc -eq 0 ] && [ -e "$out" ] && [ ! -e "$out.partial" ]
    check $? "killed after ${delay}s ($what): --resume finishes (exit $rc $(head -c 200 "$dir/err"))"
    # A kill while the file was being made leaves OUT.h5.partial.HOST.PID.creating at most; the
    # next run removes it (its process is gone).
    [ -z "$(ls "$dir" | grep creating)" ]
    check $? "killed after ${delay}s ($what): no temporary file is left after --resume"
    "$py" "$here/test_cli_compare.py" "$out" "$dir/ref.h5" >"$dir/cmp" 2>&1
    check $? "killed after ${delay}s ($what): the resumed run equals the uninterrupted run"
}
for delay in 0 0 0 0.001 0.002 0.003 0.005 0.008 0.01 0.015 0.02 0.03 0.05 0.08 0.12; do
    kill_and_resume $delay
done
# A slower build (a sanitizer build, a loaded host) makes the partial file appear later: longer
# delays, doubling, until a kill has hit it (the run takes seconds, so one lands in the window).
for delay in 0.2 0.4 0.8 1.6 3.2; do
    [ $from_partial -ge 1 ] && break
    kill_and_resume $delay
done
echo "NOTE: $tries kills: $from_nothing before OUT.h5.partial existed, $from_partial with it"
[ $from_nothing -ge 1 ] && [ $from_partial -ge 1 ]
check $? "the kills hit both moments: before the partial file existed and after"
rm -f "$out" "$out".partial*

# Two runs on one -o: the second (--force) replaces the first's partial file and finishes first.
"$aimsim" run -o "$out" --replicas 8 --steps 120 --seed 1 --set investors.count=20000 -q --threads 1 \
    >"$dir/a.out" 2>"$dir/a.err" &
pid=$!
i=0
while [ ! -e "$out.partial" ] && [ $i -lt 200 ]; do
    sleep 0.01
    i=$((i + 1))
done
"$aimsim" run -o "$out" --replicas 2 --steps 12 --seed 2 --set investors.count=500 -q --threads 1 --force \
    >"$dir/b.out" 2>"$dir/b.err"
rc_b=$?
running=0
kill -0 $pid 2>/dev/null && running=1
wait $pid
rc_a=$?
pid=
[ $rc_b -eq 0 ] && [ $running -eq 1 ]
check $? "the second run (--force) finished while the first was still running (exit $rc_b)"
[ $rc_a -eq 1 ] && grep -q "another run replaced or removed this file" "$dir/a.err" && [ ! -s "$dir/a.out" ]
check $? "the first run fails with exit 1 and says another run replaced its file (exit $rc_a: $(head -c 300 "$dir/a.err"))"
"$aimsim" info "$out" >"$dir/info" 2>&1 && grep -q "^seed: 2$" "$dir/info" && grep -q "^status: complete" "$dir/info"
check $? "OUT.h5 is the second run's complete file"
[ ! -e "$out.partial" ] && [ -z "$(ls "$dir" | grep creating)" ]
check $? "no partial or temporary file is left"
rm -f "$out"

# The other order: the first run finishes while the second (--force) is still writing. Renaming
# by name would turn the second run's unfinished file into OUT.h5 and report success.
"$aimsim" run -o "$out" --replicas 4 --steps 60 --seed 3 --set investors.count=20000 -q --threads 1 \
    >"$dir/a.out" 2>"$dir/a.err" &
pid_a=$!
i=0
while [ ! -e "$out.partial" ] && [ $i -lt 200 ]; do
    sleep 0.01
    i=$((i + 1))
done
"$aimsim" run -o "$out" --replicas 8 --steps 120 --seed 4 --set investors.count=20000 -q --threads 1 --force \
    >"$dir/b.out" 2>"$dir/b.err" &
pid=$!
wait $pid_a
rc_a=$?
running=0
kill -0 $pid 2>/dev/null && running=1
wait $pid
rc_b=$?
pid=
[ $running -eq 1 ]
check $? "the first run finished while the second (--force) was still running"
[ $rc_a -eq 1 ] && grep -q "another run replaced or removed this file" "$dir/a.err" && [ ! -s "$dir/a.out" ]
check $? "the first run fails with exit 1 and says another run replaced its file (exit $rc_a: $(head -c 300 "$dir/a.err"))"
[ $rc_b -eq 0 ] && "$aimsim" info "$out" >"$dir/info" 2>&1 && grep -q "^seed: 4$" "$dir/info" &&
    grep -q "^status: complete" "$dir/info" && grep -q "replicas complete (point 0): 8 of 8" "$dir/info"
check $? "the second run finishes (exit $rc_b) and OUT.h5 is its complete file"
echo "$fails failed"
[ $fails -eq 0 ]
