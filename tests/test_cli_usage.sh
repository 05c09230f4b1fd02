#!/bin/sh
# The command-line contract: help and version, exit codes (0 ok, 1 runtime failure, 2 usage or
# config error), messages that say what was wrong, the progress lines, info on good and bad
# files, config show. Usage: test_cli_usage.sh AIMSIM
set -u
aimsim=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
check() { if [ "$1" -eq 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
# expect RC GREP-PATTERN DESCRIPTION -- COMMAND...: exit status and a phrase of stdout+stderr.
expect() {
    want=$1 pat=$2 what=$3
    shift 4
    "$@" >"$dir/out" 2>&1
    rc=$?
    [ $rc -eq "$want" ] && grep -q -- "$pat" "$dir/out"
    check $? "$what (exit $rc, want $want)"
    [ $rc -eq "$want" ] || sed 's/^/    /' "$dir/out" | head -5
}
small="--replicas 3 --steps 6 --set market.lambda=0.1 --set investors.count=500"

expect 0 "Commands:" "aimsim --help lists the commands" -- "$aimsim" --help
expect 2 "Usage: aimsim COMMAND" "no command: usage on stderr" -- "$aimsim"
expect 2 "unknown command 'frobnicate'" "unknown command" -- "$aimsim" frobnicate
expect 0 "^aimsim [0-9]" "--version prints the version" -- "$aimsim" --version
expect 0 "HDF5 1\.10" "--version names the HDF5 library" -- "$aimsim" --version
expect 0 "Usage: aimsim run" "run --help" -- "$aimsim" run --help
expect 0 "Usage: aimsim info" "info --help" -- "$aimsim" info --help
expect 0 "Usage: aimsim config show" "config --help" -- "$aimsim" config --help
expect 2 "no output file: give -o" "run without -o" -- "$aimsim" run $small
expect 2 "--threads must be a whole number" "run --threads 0" -- "$aimsim" run -o "$dir/x.h5" --threads 0
expect 2 "--threads must be a whole number" "run --threads abc" -- "$aimsim" run -o "$dir/x.h5" --threads abc
expect 2 "unknown option" "run --bogus" -- "$aimsim" run -o "$dir/x.h5" --bogus
expect 2 "one CONFIG at most" "run with two configs" -- "$aimsim" run a.yaml b.yaml -o "$dir/x.h5"
expect 2 "--resume and --force" "--resume with --force" -- "$aimsim" run -o "$dir/x.h5" --resume --force
expect 2 "max-memory" "--max-memory nonsense" -- "$aimsim" run -o "$dir/x.h5" --max-memory 12Q
expect 2 "deals.kappaa" "--set of an unknown key names it" -- "$aimsim" run -o "$dir/x.h5" --set deals.kappaa=3
expect 2 "run.replicas" "--replicas -4 is a config error naming run.replicas" -- "$aimsim" run -o "$dir/x.h5" --replicas -4
expect 2 "missing.yaml" "a missing config file is named" -- "$aimsim" run "$dir/missing.yaml" -o "$dir/x.h5"
# CONFIG may come before or after the options (the usage line puts it first).
"$aimsim" config show --set deals.kappa=2.385 >"$dir/conf.yaml"
expect 0 "wrote $dir/pos.h5" "run CONFIG -o OUT: the config before the options" -- "$aimsim" run "$dir/conf.yaml" -o "$dir/pos.h5" $small -q
expect 0 "kappa: 2.5" "config show CONFIG --set: options after the config" -- "$aimsim" config show "$dir/conf.yaml" --set deals.kappa=2.5
expect 2 "missing.yaml: cannot open the configuration" "a missing config before the options is exit 2 and named" -- "$aimsim" run "$dir/missing.yaml" -o "$dir/x.h5"
expect 2 "$dir: cannot read the configuration" "a directory as config is exit 2 and named" -- "$aimsim" run "$dir" -o "$dir/x.h5"
# Output paths that cannot become a file are refused before any work, with exit 2.
mkdir "$dir/odir"
expect 2 "odir: is a directory" "a directory as output is refused" -- "$aimsim" run -o "$dir/odir" $small
expect 2 "odir: is a directory" "a directory as output is refused with --force too" -- "$aimsim" run -o "$dir/odir" $small --force
[ -d "$dir/odir" ] && [ ! -e "$dir/odir.partial" ]
check $? "the directory is untouched and no partial file is left"
expect 2 "the directory $dir/nodir does not exist" "output in a missing directory names it" -- "$aimsim" run -o "$dir/nodir/x.h5" $small
expect 2 "output path is empty" "an empty output path" -- "$aimsim" run -o "" $small
printf 'my notes\n' >"$dir/notes.txt"
expect 2 "notes.txt exists; use --force" "an existing non-HDF5 file is not overwritten" -- "$aimsim" run -o "$dir/notes.txt" $small
[ "$(cat "$dir/notes.txt")" = "my notes" ] && [ ! -e "$dir/notes.txt.partial" ]
check $? "the existing file keeps its bytes"
# A read-only directory (as root, whom permissions do not stop, the run drops to user nobody).
mkdir "$dir/ro" && chmod 555 "$dir/ro" && chmod 755 "$dir"
as_user=
if [ "$(id -u)" -eq 0 ]; then
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if $as_user "$aimsim" --version >/dev/null 2>&1; then
    expect 2 "ro is not writable" "a read-only output directory is refused" -- $as_user "$aimsim" run -o "$dir/ro/x.h5" $small
    [ -z "$(ls -A "$dir/ro")" ]
    check $? "nothing is created in the read-only directory"
else
    echo "NOTE: user nobody cannot run $aimsim (a private build directory): read-only directory not checked"
fi
chmod 755 "$dir/ro"
expect 1 "exceeds --max-memory" "--max-memory 1K refuses with the estimate" -- "$aimsim" run -o "$dir/x.h5" $small --max-memory 1K
[ ! -e "$dir/x.h5" ] && [ ! -e "$dir/x.h5.partial" ]
check $? "nothing is created by refused runs"

# Long option values are never cut: 53 zeros then 12345 is the seed 12345, 60 zeros then 2 is 2
# replicas (a fixed 64-byte buffer once made them 1 and 0).
zeros=$(printf '%060d' 0)
expect 0 "wrote" "--seed, --replicas and --steps of more than 60 characters" -- "$aimsim" run -o "$dir/long.h5" $small --seed "$(printf '%053d' 0)12345" --replicas "${zeros}2" --steps "${zeros}4" -q
expect 0 "^seed: 12345$" "a 58-character --seed keeps its value" -- "$aimsim" info "$dir/long.h5"
expect 0 "shape: 1 points x 2 replicas x 5 times" "61-character --replicas and --steps keep their values" -- "$aimsim" info "$dir/long.h5"
expect 0 "wrote $dir/ok.h5" "a small run succeeds and says where it wrote" -- "$aimsim" run -o "$dir/ok.h5" $small
grep -q "aimsim run: 3/3 replicas done" "$dir/out"
check $? "without a terminal, progress is plain lines ending at 3/3"
# On a terminal (a pty from script(1)) the progress is a bar redrawn in place with rate and ETA.
if command -v script >/dev/null 2>&1; then
    script -qec "\"$aimsim\" run -o \"$dir/tty.h5\" $small" /dev/null >"$dir/tty" 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q "$(printf '\r')\[#*\.*\] 3/3 replicas .*/s  elapsed .*ETA" "$dir/tty" &&
        ! grep -q "replicas done," "$dir/tty"
    check $? "on a terminal the progress is a bar redrawn after a carriage return, with rate and ETA (exit $rc)"
else
    echo "FAIL: script(1) (util-linux) is needed to test the progress bar on a terminal"
    fails=$((fails + 1))
fi
expect 0 "wrote" "--quiet run" -- "$aimsim" run -o "$dir/q.h5" $small --quiet
! grep -q "replicas done" "$dir/out"
check $? "--quiet prints no progress"
# Temporary files are created new, never through a link placed under the name they once had
# (OUT.partial, RUN.h5.analyze.partial, OUT.h5.partial): the link's target keeps its bytes.
printf 'precious\n' >"$dir/victim"
ln -s "$dir/victim" "$dir/an.h5.partial"
expect 0 "written: $dir/an.h5:/analysis" "analyze -o with a link at OUT.partial writes OUT" -- "$aimsim" analyze "$dir/ok.h5" -o "$dir/an.h5" --no-bubble --no-cache
[ "$(cat "$dir/victim")" = "precious" ] && [ -L "$dir/an.h5.partial" ]
check $? "analyze -o leaves the link's target and the link untouched"
cp "$dir/ok.h5" "$dir/inplace.h5"
ln -s "$dir/victim" "$dir/inplace.h5.analyze.partial"
expect 0 "written: $dir/inplace.h5:/analysis" "analyze in place with a link at RUN.h5.analyze.partial" -- "$aimsim" analyze "$dir/inplace.h5" --no-bubble --no-cache
[ "$(cat "$dir/victim")" = "precious" ] && [ -z "$(ls "$dir" | grep 'inplace.h5.*partial$' | grep -v 'inplace.h5.analyze.partial')" ]
check $? "analyze in place leaves the link's target untouched and no temporary behind"
ln -s "$dir/victim" "$dir/sym.h5.partial"
expect 2 "sym.h5.partial exists" "run with a link at OUT.h5.partial refuses" -- "$aimsim" run -o "$dir/sym.h5" $small
expect 0 "wrote $dir/sym.h5" "run --force replaces the link, not its target" -- "$aimsim" run -o "$dir/sym.h5" $small --force
[ "$(cat "$dir/victim")" = "precious" ]
check $? "the link's target keeps its bytes after run and run --force"
ln -s "$dir/newvictim" "$dir/dangling.h5.partial"
expect 2 "dangling.h5.partial exists" "run with a dangling link at OUT.h5.partial refuses" -- "$aimsim" run -o "$dir/dangling.h5" $small
[ ! -e "$dir/newvictim" ] && [ -z "$(ls "$dir" | grep creating)" ]
check $? "no file is created through the dangling link, no temporary is left"
expect 0 "replicas complete (point 0): 3 of 3" "info shows the completed replicas" -- "$aimsim" info "$dir/ok.h5"
expect 0 "/firm/cash *float64 *\[point=1, replica=3, time=7, firm=" "info shows named shapes" -- "$aimsim" info "$dir/ok.h5"
expect 0 "git_revision: " "info shows the git revision" -- "$aimsim" info "$dir/ok.h5"
expect 0 "    replicas: 3" "info shows the resolved config" -- "$aimsim" info "$dir/ok.h5"
expect 2 "none.h5: No such file" "info on a missing file: exit 2, named" -- "$aimsim" info "$dir/none.h5"
expect 2 "odir: is a directory" "info on a directory: exit 2" -- "$aimsim" info "$dir/odir"
echo "not hdf5" >"$dir/text.h5"
expect 2 "not a readable HDF5 file" "info on a text file" -- "$aimsim" info "$dir/text.h5"
head -c 3000 "$dir/ok.h5" >"$dir/trunc.h5"
expect 2 "trunc.h5" "info on a truncated file names it" -- "$aimsim" info "$dir/trunc.h5"
expect 2 "expects exactly one FILE" "info with no file" -- "$aimsim" info

# Output that cannot be written (a full disk) is an error, never a truncated file with exit 0.
if [ -w /dev/full ]; then
    "$aimsim" config show >/dev/full 2>"$dir/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "error writing to standard output" "$dir/err"
    check $? "config show to a full disk: exit 1 and a message (exit $rc)"
    "$aimsim" info "$dir/ok.h5" >/dev/full 2>"$dir/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "error writing to standard output" "$dir/err"
    check $? "info to a full disk: exit 1 and a message (exit $rc)"
else
    echo "FAIL: /dev/full is missing, so a failing standard output cannot be checked"
    fails=$((fails + 1))
fi
expect 0 "kappa: 3.25" "config show applies --set" -- "$aimsim" config show --set deals.kappa=3.25
"$aimsim" config show --set deals.kappa=3.25 >"$dir/shown.yaml"
expect 0 "kappa: 3.25" "config show of its own output loads back" -- "$aimsim" config show "$dir/shown.yaml"
expect 2 "the only action is" "config without show" -- "$aimsim" config
expect 2 "deals.kappaa" "config show names an unknown key" -- "$aimsim" config show --set deals.kappaa=1
echo "$fails failed"
[ $fails -eq 0 ]
