#!/usr/bin/env bash
# The mutant campaign (make mutants; make test runs the smoke set of
# tests/rtl/run.sh): every MUT_* define planted in rtl/*.sv is built as its
# own RTL engine (build/rtl-mut/<name>/mmulab-rtl, with the properties as
# immediate assertions: verilator --assert), and each must be killed by the
# suite's own checks, tried cheapest first:
#
#   random 20k      cosim --random 20000 --seed 7
#   seg random 20k  cosim --mode seg --random 20000 --seed 7
#   steered 50k     cosim --random 50000 --seed 11 --coverage FILE: the
#                   suite's coverage run, every other configuration aimed at
#                   a bin still missed (base/limit and bare mode among them)
#   random 200k     cosim --random 200000 --seed 11
#   <mode> <prog>   cosim --mode <mode> <prog>, over hwreloc, paged, bare,
#                   swreloc, seg and every programs/*.s and tests/rtl/progs/*.s
#
# A kill is any non-zero exit: a divergence (a differing field, or a failed
# RTL assertion, which cosim reports as one), or a hang past the timeout.  A
# divergence must be readable: both engines' logs printed and a non-empty
# waveform written where cosim says (docs/verification.md, "Readable
# failures").  Each case prints the test that killed the mutant, the first
# failing check, how far the test ran until the kill and the seconds it took;
# the same goes, one line a mutant, to $OUT/mutants.tsv:
#
#   mutant <TAB> killed by <TAB> first failing check <TAB> until the kill <TAB> seconds
#
# and the case fails when docs/verification.md's table does not give the
# mutant that killing test and that count (so the table stays true; the
# seconds are the machine's and are not compared).
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
SUMMARY=${OUT:-build}/mutants.tsv

# The suite's checks, cheapest first: "NAME|TIMEOUT|cosim arguments" a line.
checks() {
    echo "random 20k|60|--random 20000 --seed 7"
    echo "seg random 20k|60|--mode seg --random 20000 --seed 7"
    echo "steered 50k|120|--random 50000 --seed 11 --coverage $T/cov.txt"
    echo "random 200k|300|--random 200000 --seed 11"
    local mode p
    for mode in hwreloc paged bare swreloc seg; do
        for p in $PROGS; do
            echo "$mode $(basename "$p")|60|--mode $mode $p $(program_args "$p")"
        done
    done
}

# kill BIN: the first check that kills the mutant, as
# "killer<TAB>first failing check<TAB>until the kill", or nothing; its output
# stays in $T/kill.out and its waveform at $T/kill.fst.
kill_mutant() {
    local bin=$1 name limit args rc
    while IFS='|' read -r name limit args; do
        rm -f "$T/kill.fst"
        # shellcheck disable=SC2086 # the arguments are words
        timeout "$limit" "$bin" cosim $args --divergence-fst "$T/kill.fst" >"$T/kill.out" 2>&1 </dev/null
        rc=$?
        [ $rc -eq 0 ] && continue
        printf '%s\t%s\t%s\n' "$name" "$(first_failing_check "$T/kill.out" $rc)" "$(until_kill "$T/kill.out" $rc)"
        return
    done < <(checks)
}

# The first failing check: the RTL assertion (its label), or the field that differed.
first_failing_check() {
    local label
    label=$(grep -m1 -oE 'Assertion failed in [^:]*' "$1" | sed 's/.*\.//')
    if [ -n "$label" ]; then
        echo "assertion $label"
    elif [ "$2" -eq 124 ]; then
        echo "hang"
    else
        divergence_line "$1" | sed -n 's/.*1 divergence (\(.*\))$/\1/p' | grep . || echo "exit status $2"
    fi
}

# How far the killing test ran: "N accesses" or "N instructions".
until_kill() {
    divergence_line "$1" | sed -n 's/^cosim: \([0-9]* [a-z]*\), 1 divergence.*/\1/p' | grep . || echo "-"
}

# cosim's last word on a divergence (a coverage report's line may follow it)
divergence_line() { grep -E "^cosim: [0-9]+ [a-z]+, 1 divergence" "$1" | tail -n 1; }

# A divergence must print both engines' logs and leave its waveform.
readable() {
    grep -q "1 divergence" "$T/kill.out" || return 0 # a hang has nothing to print
    grep -qE "^(commit )?log, C model" "$T/kill.out" || echo "no log of the C model"
    grep -qE "^(commit )?log, RTL" "$T/kill.out" || echo "no log of the RTL"
    grep -q "^cosim: waveform of .*: $T/kill.fst " "$T/kill.out" || echo "no waveform named"
    [ -s "$T/kill.fst" ] || echo "no waveform written"
}

: >"$SUMMARY"
for mut in $MUTANTS; do
    begin "mutant $mut is killed"
    bin=${OUT:-build}/rtl-mut/$mut/mmulab-rtl
    if [ ! -x "$bin" ]; then
        fail_because "no $bin (make mutants)"
    else
        start=$EPOCHREALTIME
        result=$(kill_mutant "$bin")
        secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        if [ -z "$result" ]; then
            fail_because "it survived every test"
        else
            IFS=$'\t' read -r killer check until <<<"$result"
            printf '%s\t%s\t%s\t%s\t%s\n' "$mut" "$killer" "$check" "$until" "$secs" >>"$SUMMARY"
            printf '        %-26s killed by %-22s %-40s after %-18s %5s s\n' "$mut" "$killer" "$check" "$until" "$secs"
            why=$(readable)
            [ -z "$why" ] || fail_because "the divergence is not readable: $why ($(divergence_line "$T/kill.out"))"
            # a mutant planted without a row (someone's new one, or a reviewer's)
            # is killed all the same: say which row to add; a row that no
            # longer matches the run fails
            row=$(grep -m1 -E "^\| *\`$mut\` *\|" "$DOC")
            if [ -z "$row" ]; then
                echo "        (no row for $mut in $DOC yet: '| \`$mut\` | ... | $killer | $check | $until | ...')"
            elif [[ "$row" != *"| $killer | $check | $until |"* ]]; then
                fail_because "$DOC's row for $mut says otherwise than this run: '| \`$mut\` | ... | $killer | $check | $until | ...'"
            fi
        fi
    fi
    end
done
echo "one line a mutant: $SUMMARY"

finish
