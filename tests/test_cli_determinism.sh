#!/bin/sh
# Datasets are bitwise identical for --threads 1, 2 and 7 (9 replicas: with 7 threads the last
# replicas' investor loops run on the idle threads), and the command-line contract around them.
# Usage: test_cli_determinism.sh AIMSIM
set -u
aimsim=$1
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
check() { if [ "$1" -eq 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
args="--replicas 9 --steps 36 --seed 2385 --set market.lambda=0.1 --set investors.count=20000 --set investors.block_size=4096 -q"
for t in 1 2 7; do
    "$aimsim" run -o "$dir/t$t.h5" --threads $t $args >/dev/null
    check $? "run with --threads $t exits 0"
done
"$py" "$here/test_cli_compare.py" "$dir/t1.h5" "$dir/t2.h5"
check $? "threads 1 and 2 give identical datasets"
"$py" "$here/test_cli_compare.py" "$dir/t1.h5" "$dir/t7.h5"
check $? "threads 1 and 7 give identical datasets"
# More threads than replicas: the spare threads run the replicas' investor loops (nested).
two="--replicas 2 --steps 24 --seed 2385 --set market.lambda=0.1 --set investors.count=20000 --set investors.block_size=2048 -q"
"$aimsim" run -o "$dir/two1.h5" --threads 1 $two >/dev/null &&
    "$aimsim" run -o "$dir/two5.h5" --threads 5 $two >/dev/null &&
    "$py" "$here/test_cli_compare.py" "$dir/two1.h5" "$dir/two5.h5"
check $? "2 replicas on 5 threads (investor loops nested) equal 2 replicas on 1 thread"
"$py" -c "
import h5py, sys, numpy as np
h = h5py.File('$dir/t1.h5', 'r')
c = h['firm/cash'][...]
sys.exit(0 if h['replica_done'][...].all() and np.isfinite(c).all() and c[0, 0].tobytes() != c[0, 1].tobytes() else 1)"
check $? "every replica done, finite, and replicas differ from each other"
"$aimsim" run -o "$dir/seed.h5" --threads 2 --replicas 9 --steps 36 --seed 2386 --set market.lambda=0.1 \
    --set investors.count=20000 -q >/dev/null
"$py" "$here/test_cli_compare.py" "$dir/t1.h5" "$dir/seed.h5" >/dev/null
[ $? -ne 0 ]
check $? "another seed gives different datasets"

# The output is never overwritten without --force.
before=$(cksum <"$dir/t1.h5")
"$aimsim" run -o "$dir/t1.h5" $args 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "exists; use --force" "$dir/err" && [ "$(cksum <"$dir/t1.h5")" = "$before" ]
check $? "existing output refused with exit 2 and left untouched (rc=$rc)"
"$aimsim" run -o "$dir/t1.h5" --threads 2 --force $args >/dev/null
check $? "--force overwrites"
"$py" "$here/test_cli_compare.py" "$dir/t1.h5" "$dir/t2.h5" >/dev/null
check $? "the overwritten file has the same datasets"
[ ! -e "$dir/t1.h5.partial" ]
check $? "no partial file left after success"
echo "$fails failed"
[ $fails -eq 0 ]
