#!/bin/sh
# A full disk, for real: a small tmpfs is mounted and filled. `aimsim analyze` (to -o and into the
# run file) and `aimsim run` must exit 1 with a message, leave no temporary or partial file that
# holds nothing, and never touch the run file the user has; a run whose estimated file size does
# not fit is refused before anything is created. Needs root to mount (skipped, exit 77, otherwise).
# Usage: test_cli_disk.sh AIMSIM
set -u
aimsim=$1
dir=$(mktemp -d)
mnt="$dir/mnt"
mkdir "$mnt"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$dir"' EXIT
if ! mount -t tmpfs -o size=8m tmpfs "$mnt" 2>"$dir/err"; then
    echo "SKIP: cannot mount a tmpfs to fill ($(cat "$dir/err")); run as root to test a full disk"
    exit 77
fi
fails=0
check() { if [ "$1" -eq 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
avail_kb() { df -k "$mnt" | awk 'NR == 2 { print $4 }'; }
# Fills the tmpfs until only $1 KiB are free.
leave_free() {
    rm -f "$mnt/filler"
    n=$(($(avail_kb) - $1))
    [ $n -gt 0 ] && dd if=/dev/zero of="$mnt/filler" bs=1024 count=$n 2>/dev/null
}
small="--replicas 12 --steps 60 --set investors.count=500 -q --threads 2"
no_bubble="--no-bubble --no-cache"

"$aimsim" run -o "$dir/run.h5" $small
check $? "a run file to analyse"
run_kb=$(($(stat -c %s "$dir/run.h5") / 1024 + 1))

# analyze -o on a disk with 64 KiB free: the analysis does not fit.
leave_free 64
"$aimsim" analyze "$dir/run.h5" -o "$mnt/an.h5" $no_bubble >/dev/null 2>"$dir/err"
rc=$?
[ $rc -eq 1 ] && grep -q "an.h5 was not written" "$dir/err" && grep -q "disk is full" "$dir/err"
check $? "analyze -o on a full disk: exit 1 and a message saying so (exit $rc: $(head -c 300 "$dir/err"))"
[ "$(ls -A "$mnt")" = "filler" ]
check $? "analyze -o on a full disk leaves no file behind ($(ls -A "$mnt" | tr '\n' ' '))"

# analyze RUN.h5 in place: the copy does not fit, then the copy fits but /analysis does not.
rm -f "$mnt/filler"
cp "$dir/run.h5" "$mnt/run.h5"
for room in 64 $((run_kb + 64)); do
    leave_free $room
    "$aimsim" analyze "$mnt/run.h5" $no_bubble >/dev/null 2>"$dir/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "the run file is unchanged" "$dir/err"
    check $? "analyze in place with $room KiB free: exit 1, the run file is unchanged (exit $rc: $(head -c 300 "$dir/err"))"
    cmp -s "$dir/run.h5" "$mnt/run.h5" && [ "$(ls -A "$mnt" | sort | tr '\n' ' ')" = "filler run.h5 " ]
    check $? "analyze in place with $room KiB free: run file byte for byte as before, no temporary left"
done
rm -f "$mnt/filler" "$mnt/run.h5"

# run on a full disk (--max-disk lifts the free-space check so that the disk really fills) at
# several moments: while the file is made, before or after the first replica is done. Exit 1 and
# a message; a file with no replica done is removed (it cannot block the next run), one with
# replicas done is kept and --resume finishes it once there is room.
removed=0 kept=0
for room in 16 120 200 240 280 320 400; do
    rm -f "$mnt"/*
    leave_free $room
    "$aimsim" run -o "$mnt/r.h5" $small --max-disk 1G 2>"$dir/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "is full" "$dir/err"
    check $? "run with $room KiB free: exit 1, says the disk is full (exit $rc: $(head -c 200 "$dir/err"))"
    left=$(ls -A "$mnt" | sort | tr '\n' ' ')
    if [ "$left" = "filler " ]; then
        removed=$((removed + 1))
        grep -q "no replica was completed" "$dir/err" || ! grep -q "completed replicas are kept" "$dir/err"
        check $? "run with $room KiB free: nothing left behind"
        rm -f "$mnt/filler"
        "$aimsim" run -o "$mnt/r.h5" $small >/dev/null 2>"$dir/err2"
        check $? "run with $room KiB free: the next run succeeds without --force or --resume"
    else
        kept=$((kept + 1))
        done_n=$("$aimsim" info "$mnt/r.h5.partial" 2>/dev/null | sed -n 's/^replicas complete (point 0): \([0-9]*\) of.*/\1/p')
        [ "$left" = "filler r.h5.partial " ] && [ "${done_n:-0}" -ge 1 ] && grep -q "completed replicas are kept" "$dir/err"
        check $? "run with $room KiB free: only a partial file with ${done_n:-0} >= 1 replicas done is kept ($left)"
        rm -f "$mnt/filler"
        "$aimsim" run -o "$mnt/r.h5" $small --resume >/dev/null 2>"$dir/err2"
        check $? "run with $room KiB free: --resume finishes it once there is room"
    fi
done
[ $removed -ge 2 ]
check $? "the disk filled before any replica was done in $removed of 7 runs (and after one in $kept)"
rm -f "$mnt"/*

# The estimated file size is checked against the free space before anything is created.
"$aimsim" run -o "$mnt/big.h5" --replicas 4000 --steps 120 --set investors.count=500 -q 2>"$dir/err"
rc=$?
[ $rc -eq 1 ] && grep -q "estimated file size .* exceeds the free space of .* in $mnt" "$dir/err"
check $? "a run larger than the free space is refused with exit 1 (exit $rc: $(head -c 300 "$dir/err"))"
[ -z "$(ls -A "$mnt")" ]
check $? "the refused run created nothing"
"$aimsim" run -o "$dir/x.h5" $small --max-disk 100K 2>"$dir/err"
rc=$?
[ $rc -eq 1 ] && grep -q "exceeds --max-disk of 100 KiB" "$dir/err" && [ ! -e "$dir/x.h5" ]
check $? "--max-disk 100K refuses a 12-replica run (exit $rc: $(head -c 300 "$dir/err"))"
"$aimsim" run -o "$dir/x.h5" $small --max-disk 12Q 2>"$dir/err"
[ $? -eq 2 ] && grep -q "max-disk" "$dir/err"
check $? "--max-disk with a bad size is a usage error"
echo "$fails failed"
[ $fails -eq 0 ]
