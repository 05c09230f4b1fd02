#!/bin/sh
# Every tracked C source and header must be formatted by the repository's .clang-format.
# Usage: check_format.sh SOURCE_DIR [CLANG_FORMAT]. Prints clang-format's own diagnostics (file,
# line, column and the offending code) for each file that differs; fails when clang-format is
# missing (scripts/setup installs it), exits 77 (skipped) only when the tree is not a git checkout.
src=${1:?usage: check_format.sh SOURCE_DIR [CLANG_FORMAT]}
cf=${2:-clang-format}
if ! command -v "$cf" >/dev/null 2>&1; then
    echo "FAIL: $cf not found, so the formatting cannot be checked (scripts/setup installs clang-format)"
    exit 1
fi
if ! git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "SKIP: $src is not a git checkout, so there is no list of tracked files"
    exit 77
fi
cd "$src" || exit 1
tmp=${TMPDIR:-/tmp}/aim_format.$$
git ls-files -- '*.c' '*.h' >"$tmp.list"
if [ ! -s "$tmp.list" ]; then
    echo "FAIL: no tracked *.c or *.h files under $src"
    rm -f "$tmp.list"
    exit 1
fi
status=0
n=0
nbad=0
while IFS= read -r f; do
    [ -f "$f" ] || continue # tracked but deleted in the working tree
    n=$((n + 1))
    if ! "$cf" --style=file --dry-run --Werror "$f" >/dev/null 2>"$tmp.err"; then
        echo "FAIL: $f is not clang-formatted (run: clang-format -i '$f')"
        head -n 40 "$tmp.err"
        nbad=$((nbad + 1))
        status=1
    fi
done <"$tmp.list"
rm -f "$tmp.list" "$tmp.err"
echo "check_format: $n files checked, $nbad not formatted ($($cf --version))"
exit $status
