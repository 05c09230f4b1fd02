#!/bin/sh
# Every external symbol a module X/name.c defines must start with aim_<name>_ (STYLE.md: a file's
# name is its module's prefix). Arguments: the module object files (CMake's $<TARGET_OBJECTS:...>
# of every module, possibly ';'-separated). The module name is the object's file name without
# .c.o, so psy_cli.c.o must export aim_psy_cli_*. The one exception: main.c may define main
# (the program's entry point, not a module). Symbols a sanitizer build adds (__odr_asan.*,
# __asan_*, __ubsan_*, __tsan_*, __sancov_*) belong to the compiler, not to the module.
# Prints every offending symbol with its object and exits 1 if there is any, or if an object is
# missing; AIM_CHECK_BUILT_ONLY=1 in the environment skips missing objects instead (for checking
# a partial build: AIM_CHECK_BUILT_ONLY=1 ctest -R repo_prefixes).
NM=${NM:-nm}
if [ "$#" -eq 0 ]; then
    echo "check_prefixes: no object files given" >&2
    exit 1
fi
status=0
nobj=0
nsym=0
# Split arguments on ';' as well (a generator expression may hand over a list as one argument).
for arg in "$@"; do
    oldifs=$IFS
    IFS=';'
    set -f
    for obj in $arg; do
        IFS=$oldifs
        [ -n "$obj" ] || continue
        if [ ! -f "$obj" ] && [ "${AIM_CHECK_BUILT_ONLY:-0}" = 1 ]; then
            echo "not built, skipped: $obj"
            continue
        fi
        if [ ! -f "$obj" ]; then
            echo "MISSING: $obj has not been built (build the modules before running this test)"
            status=1
            continue
        fi
        base=$(basename "$obj")
        name=${base%.o}
        name=${name%.obj}
        name=${name%.c}
        prefixes="aim_${name}_"
        syms=$("$NM" -P -g --defined-only "$obj") || {
            echo "ERROR: $NM failed on $obj"
            status=1
            continue
        }
        nobj=$((nobj + 1))
        bad=$(printf '%s\n' "$syms" | awk -v prefixes="$prefixes" -v name="$name" '
            NF >= 2 {
                sym = $1
                if (name == "main" && sym == "main") next
                if (sym ~ /^__(odr_asan|asan|ubsan|tsan|sancov)[._]/) next
                n = split(prefixes, p, " ")
                ok = 0
                for (i = 1; i <= n; i++)
                    if (index(sym, p[i]) == 1) ok = 1
                if (!ok) printf "%s (%s)\n", sym, $2
            }')
        count=$(printf '%s\n' "$syms" | awk 'NF >= 2' | wc -l)
        nsym=$((nsym + count))
        if [ -n "$bad" ]; then
            printf '%s\n' "$bad" | while read -r line; do
                echo "FAIL: $obj defines $line, which does not start with: $prefixes"
            done
            status=1
        fi
    done
    set +f
    IFS=$oldifs
done
echo "check_prefixes: $nobj objects, $nsym external symbols checked"
exit $status
