#!/usr/bin/env bash
# Run every suite against the build in $OUT (default build): each cmocka unit
# test binary in $OUT/tests/, then the program tests (tests/programs.sh), the
# input tests (tests/inputs.sh) and any other tests/*.sh suite (each takes the
# build directory as $1 or $OUT and ends with its own `N passed, N failed`
# line).  Prints each suite's result and ends with
# one line, `N passed, N failed`, counting test cases across all suites; exits
# non-zero if any failed.  `make check` runs it; V=1 lists every case.
cd "$(dirname "$0")/.." || exit 2
export OUT=${OUT:-build}
# Sanitizer builds (make test's second pass): report everything, leaks too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# cmocka's plain output, so the summary lines can be counted.
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_TEST_ABORT

passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/mmulab-run.XXXXXX")
trap 'rm -f "$log"' EXIT

# A suite's result: its own count if it printed one, else one failure.
tally() { # name status
    local name=$1 status=$2 p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    if [ -z "$p$f" ]; then # a shell suite: its last line is `N passed, N failed`
        read -r p f < <(tail -n 1 "$log" | sed -n 's/^\([^ ]*: \)\{0,1\}\([0-9]*\) passed, \([0-9]*\) failed.*$/\2 \3/p')
    fi
    p=${p:-0}
    f=${f:-0}
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # it died, or failed before it could count
        echo "  $name exited with status $status:"
        tail -n 20 "$log" | sed 's/^/    /'
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    printf '%-24s %4d passed, %d failed\n' "$name" "$p" "$f"
}

shopt -s nullglob
for t in "$OUT"/tests/test_*; do
    case $t in *.d | *.o) continue ;; esac
    [ -x "$t" ] && [ -f "$t" ] || continue
    "$t" >"$log" 2>&1
    status=$?
    if [ "$status" -ne 0 ] || [ -n "${V:-}" ]; then
        grep -v -e '^\[ RUN      \]' -e '^\[       OK \]' "$log" | sed 's/^/    /'
    fi
    tally "$(basename "$t")" "$status"
done

suites="programs inputs"
for f in tests/*.sh; do
    s=$(basename "$f" .sh)
    case " run lib $suites " in *" $s "*) continue ;; esac
    suites="$suites $s"
done
for s in $suites; do
    tests/$s.sh "$OUT" >"$log" 2>&1
    status=$?
    sed '$d' "$log" | grep -v '^[a-z]*: ' | sed 's/^/  /' # the failures (every case with V=1)
    tally "$s" "$status"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
