#!/bin/sh
# Runs a libFuzzer program for a bounded time on its seeds without touching them:
#   run_fuzz.sh FUZZER WORKDIR [LIBFUZZER OPTIONS...] -- SEED_DIR...
# WORKDIR is emptied and receives the new inputs and any crash, timeout or leak input (to be
# copied to tests/fuzz/regress/ once fixed). Exit status: the fuzzer's (0: nothing found).
set -u
fuzzer=$1
work=$2
shift 2
opts=""
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    opts="$opts $1"
    shift
done
[ "$#" -gt 0 ] && shift
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
# shellcheck disable=SC2086
"$fuzzer" $opts -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@"
status=$?
if [ "$status" -ne 0 ]; then
    echo "run_fuzz: $fuzzer failed (status $status); inputs that show it:" >&2
    ls -l "$work/artifacts" >&2
fi
exit "$status"
