#!/usr/bin/env bash
# The mutant campaign (make mutants; make test runs the smoke set of
# tests/rtl/run.sh): every MUT_* define planted in rtl/*.sv is built as its
# own RTL engine (build/rtl-mut/<name>/mmulab-rtl), and each must be killed
# by the suite's own checks, tried cheapest first:
#
#   random 20k     cosim --random 20000 --seed 7
#   random 200k    cosim --random 200000 --seed 11
#   <mode> <prog>  cosim --mode <mode> <prog>, over bare, swreloc, hwreloc,
#                  paged and every programs/*.s and tests/rtl/progs/*.s
#
# A kill is any non-zero exit (a divergence, a failed assertion, a hang past
# the timeout).  Each case prints the test that killed the mutant and the
# seconds it took, and fails when docs/verification.md does not list the
# mutant with that killing test (so the table there stays true).
#
# Usage: OUT=build tests/rtl/mutants.sh [MUT_NAME...]   (V=1 lists every case)
cd "$(dirname "$0")/../.." || exit 2
export MM_TIMEOUT=${MM_TIMEOUT:-120}
M=${OUT:-build}/mmulab-rtl
. tests/lib.sh
export MMULAB_RTL_SEED=1

MUTANTS=${*:-$(grep -ohE '\bMUT_[A-Z0-9_]+' rtl/*.sv | sort -u)}
PROGS="$(ls programs/*.s tests/rtl/progs/*.s)"
DOC=docs/verification.md

# killed_by BIN: print the first test that kills the mutant, or nothing.
killed_by() {
    local bin=$1 mode p
    timeout 60 "$bin" cosim --random 20000 --seed 7 >/dev/null 2>&1 || { echo "random 20k"; return; }
    timeout 300 "$bin" cosim --random 200000 --seed 11 >/dev/null 2>&1 || { echo "random 200k"; return; }
    for mode in hwreloc paged bare swreloc; do
        for p in $PROGS; do
            # shellcheck disable=SC2046 # the arguments are words
            timeout 60 "$bin" cosim --mode "$mode" "$p" $(program_args "$p") >/dev/null 2>&1 </dev/null ||
                { echo "$mode $(basename "$p")"; return; }
        done
    done
}

for mut in $MUTANTS; do
    begin "mutant $mut is killed"
    bin=${OUT:-build}/rtl-mut/$mut/mmulab-rtl
    if [ ! -x "$bin" ]; then
        fail_because "no $bin (make mutants)"
    else
        start=$EPOCHREALTIME
        killer=$(killed_by "$bin")
        secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
        if [ -z "$killer" ]; then
            fail_because "it survived every test"
        else
            printf '        %-28s killed by %-24s in %.1f s\n' "$mut" "$killer" "$secs"
            grep -qE "^\| *\`$mut\` *\|.*\| *$killer *\|" "$DOC" ||
                fail_because "$DOC has no row '| \`$mut\` | ... | $killer | ...'"
        fi
    fi
    end
done

finish
