#!/usr/bin/env bash
# The RTL suite (make test-rtl): needs build/mmulab-rtl and the mutant builds.
#
#  1. verilator --lint-only -Wall over rtl/*.v rtl/*.sv is clean;
#  2. under two reset seeds (Verilator's --x-initial unique values), every
#     programs/*.s and tests/rtl/progs/*.s under bare, swreloc, hwreloc,
#     paged and seg runs in lockstep with 0 divergences, and `run --engine rtl` gives
#     the same output, stats and exit status as the C model;
#  3. random MMU co-simulation: 1,000,000 accesses (>= 20 configurations) and
#     200,000 more under the second seed, 0 divergences; 200,000 in segmented
#     mode;
#  4. each mutant (one planted bug: no limit check, D never set, ASID left out
#     of the tag compare, the walker off by one level, a grow-down segment
#     checked from the bottom) is caught.
#  5. readable failures: a mutant's divergence (program and random mode)
#     prints both engines' logs and writes a waveform of the window; a
#     mutant's failed RTL assertion names its property; a formal smoke run
#     over a walker mutant names the property and the step and writes the VCD.
#
# Usage: OUT=build tests/rtl/run.sh     (V=1 lists every case)
cd "$(dirname "$0")/../.." || exit 2
export MM_TIMEOUT=${MM_TIMEOUT:-120}
M=${OUT:-build}/mmulab-rtl
. tests/lib.sh

MODES="bare swreloc hwreloc paged seg"
PROGS="$(ls programs/*.s tests/rtl/progs/*.s)"

begin "lint: verilator --lint-only -Wall rtl/*.v rtl/*.sv"
lint=$(verilator --lint-only -Wall $(ls rtl/*.vlt 2>/dev/null) $(ls rtl/*.v rtl/*.sv) 2>&1)
[ -z "$lint" ] || fail_because "$(echo "$lint" | head -n 5)"
end

for seed in 1 2; do
    export MMULAB_RTL_SEED=$seed
    for p in $PROGS; do
        for mode in $MODES; do
            begin "cosim $p --mode $mode (reset seed $seed)"
            # shellcheck disable=SC2046 # the arguments are words
            mm cosim --mode "$mode" "$p" $(program_args "$p")
            want_rc_in=$(tail -n 1 "$T/out")
            case "$want_rc_in" in
            *" 0 divergences") ;;
            *) fail_because "last line: $want_rc_in" ;;
            esac
            end
            [ "$seed" = 1 ] || continue
            begin "run --engine rtl $p --mode $mode = the C model (output, stats, commit log)"
            "$M" run --mode "$mode" --stats - --log "$T/c.log" "$p" $(program_args "$p") >"$T/c.out" 2>"$T/c.err" </dev/null
            c_rc=$?
            "$M" run --engine rtl --mode "$mode" --stats - --log "$T/r.log" "$p" $(program_args "$p") >"$T/r.out" 2>"$T/r.err" </dev/null
            r_rc=$?
            want_eq "exit status" "$r_rc" "$c_rc"
            grep -q "^config.engine  *rtl$" "$T/r.out" || fail_because "the RTL run's stats do not record engine rtl"
            # the configuration differs in the engine, which it records, and so in the default
            # cycle limit (50M on the RTL, docs/cli.md)
            sed -i -e '/^config\.engine /d' -e '/^config\.command /d' -e '/^config\.mmulab_version /d' \
                -e '/^config\.os\.max_cycles /d' "$T/c.out" "$T/r.out"
            cmp -s "$T/c.out" "$T/r.out" || fail_because "stdout differs: $(diff "$T/c.out" "$T/r.out" | head -n 4 | tr '\n' '|')"
            [ -s "$T/c.log" ] || fail_because "empty commit log"
            cmp -s "$T/c.log" "$T/r.log" || fail_because "commit logs differ: $(diff "$T/c.log" "$T/r.log" | head -n 4 | tr '\n' '|')"
            cmp -s "$T/c.err" "$T/r.err" || fail_because "stderr differs: $(diff "$T/c.err" "$T/r.err" | head -n 4 | tr '\n' '|')"
            end
        done
    done
done

export MMULAB_RTL_SEED=1
begin "cosim --fst writes an FST waveform and its GTKWave save file"
mm cosim --mode paged --fst "$T/wave.fst" programs/vcopy.s
want_rc 0
want_out "0 divergences"
[ -s "$T/wave.fst" ] || fail_because "no $T/wave.fst"
tests/rtl/gtkw_check.sh "$T/wave.gtkw" >"$T/gtkw.out" 2>&1 || fail_because "$(tail -n 5 "$T/gtkw.out" | tr '\n' '|')"
end

begin "cosim --log and --mem-trace: one file each, the C side's, as run writes them"
mm cosim --mode paged --frames 3 --log "$T/co.log" --mem-trace "$T/co.din" programs/vcopy.s programs/checksum.s
want_rc 0
"$M" run --mode paged --frames 3 --log "$T/run.log" --mem-trace "$T/run.din" programs/vcopy.s programs/checksum.s \
    >/dev/null 2>&1 </dev/null
[ -s "$T/co.log" ] || fail_because "no commit log"
cmp -s "$T/co.log" "$T/run.log" || fail_because "cosim's commit log is not run's"
cmp -s "$T/co.din" "$T/run.din" || fail_because "cosim's din trace is not run's"
end

begin "cosim --fst into a directory that does not exist: exit 2, named"
mm cosim --fst "$T/no/such/dir/wave.fst" programs/vcopy.s
want_rc 2
want_err "--fst"
end

begin "cosim --random 1000000 --seed 1"
mm cosim --random 1000000 --seed 1
want_rc 0
want_out_re "^cosim: 1000000 random accesses over ([2-9][0-9]|[1-9][0-9][0-9]+) configurations, [0-9]+ cycles, 0 divergences$"
end

begin "cosim --mode seg --random 200000 --seed 3"
mm cosim --mode seg --random 200000 --seed 3
want_rc 0
want_out_re "^cosim: 200000 random accesses over [0-9]+ configurations, [0-9]+ cycles, 0 divergences$"
end

export MMULAB_RTL_SEED=2
begin "cosim --random 200000 --seed 7 (reset seed 2)"
mm cosim --random 200000 --seed 7
want_rc 0
want_out "0 divergences"
end

# functional coverage (docs/verification.md): a random run reports every bin, merges add up,
# a foreign report is refused
begin "cosim --random 50000 --coverage: every reachable bin but the core's is hit"
mm cosim --random 50000 --seed 11 --coverage "$T/cov1.txt"
want_rc 0
want_out_re "^coverage: [0-9]+ bins, [0-9]+ hit, 1 missed, [0-9]+ unreachable"
grep -qE "^core.misaligned_trap +missed" "$T/cov1.txt" || fail_because "core.misaligned_trap is not the bin missed"
grep -qE "^walk.2levels.3reads.leaf +unreachable: " "$T/cov1.txt" || fail_because "no reason for an unreachable bin"
end
begin "cosim --coverage --merge adds the counts of two reports"
mm cosim --random 2000 --seed 3 --coverage "$T/cov2.txt"
a=$(awk '$1 == "tlb_shape.direct_mapped.miss" {s += $3} END {print s}' "$T/cov1.txt" "$T/cov2.txt")
mm cosim --coverage "$T/merged.txt" --merge "$T/cov1.txt" "$T/cov2.txt"
want_rc 0
want_eq "merged count" "$(awk '$1 == "tlb_shape.direct_mapped.miss" {print $3}' "$T/merged.txt")" "$a"
grep -q "^# runs 2$" "$T/merged.txt" || fail_because "the merged report does not count 2 runs"
echo "walk.9levels.leaf hit 1" >"$T/foreign.txt"
mm cosim --coverage "$T/m2.txt" --merge "$T/foreign.txt"
want_rc 2
want_err "foreign.txt:1: unknown bin 'walk.9levels.leaf'"
end

for mut in MUT_NO_LIMIT MUT_NO_DIRTY MUT_NO_ASID MUT_WALK_LEVEL MUT_SEG_NO_DOWN; do
    begin "mutant $mut is caught"
    bin=${OUT:-build}/rtl-mut/$mut/mmulab-rtl
    caught=""
    if [ -x "$bin" ]; then
        for p in $PROGS; do
            "$bin" cosim --mode hwreloc --divergence-fst "$T/m.fst" "$p" 2>/dev/null | tail -n 1 |
                grep -q "divergence (" && caught="$p under hwreloc" && break
        done
        if [ -z "$caught" ]; then
            "$bin" cosim --random 200000 --seed 7 --divergence-fst "$T/m.fst" 2>/dev/null | tail -n 1 |
                grep -q "divergence (" && caught="random"
        fi
        if [ -z "$caught" ]; then
            "$bin" cosim --mode seg --random 200000 --seed 7 --divergence-fst "$T/m.fst" 2>/dev/null | tail -n 1 |
                grep -q "divergence (" &&
                caught="random, segmented"
        fi
        [ -n "$caught" ] || fail_because "no divergence reported"
        [ -n "${V:-}" ] && [ -n "$caught" ] && echo "        caught by $caught"
    else
        fail_because "no $bin (make rtl-mutants)"
    fi
    end
done

# Readable failures (docs/verification.md): a divergence prints the differing
# retirement in words, both engines' logs around it, and writes a waveform of
# the window before it; a failed property is named, in simulation and in a proof.
MUTDIR=${OUT:-build}/rtl-mut

# readable_divergence LOGHEAD LINE_RE: both logs, their last line marked `>`
# in the given shape, and the waveform written where it says
readable_divergence() {
    local head=$1 line_re=$2
    want_rc 1
    want_out_re "^cosim: divergence "
    want_out_re "^$head, C model"
    want_out_re "^$head, RTL"
    [ "$(grep -cE "^> $line_re" "$T/out")" -eq 2 ] || fail_because "the differing step of both engines is not shown"
    want_out_re "^cosim: waveform of [a-z]+ [0-9]+\.\.[0-9]+ .*: $T/w.fst "
    [ -s "$T/w.fst" ] || fail_because "no waveform at $T/w.fst"
    [ -s "$T/w.gtkw" ] || fail_because "no GTKWave save file beside the waveform"
    want_out_re "^cosim: [0-9]+ [a-z]+, 1 divergence \("
}

begin "a program's divergence (MUT_NO_LIMIT): the retirement in words, both commit logs, a waveform of the window"
rm -f "$T/w.fst" "$T/w.gtkw"
M=$MUTDIR/MUT_NO_LIMIT/mmulab-rtl mm cosim --mode hwreloc --divergence-fst "$T/w.fst" tests/rtl/progs/faraway.s
readable_divergence "commit log" "[0-9]+ p1 0x[0-9a-f]{8} \\(0x[0-9a-f]{8}\\) "
want_out_re "^cosim: divergence after [0-9]+ instructions at cycle [0-9]+, pc 0x[0-9a-f]{8} \\([A-Z]+.*\\): [a-z_.]+: C model"
end

begin "a random run's divergence (MUT_NO_ASID): the access in words, both engines' logs, a waveform of the window"
rm -f "$T/w.fst" "$T/w.gtkw"
M=$MUTDIR/MUT_NO_ASID/mmulab-rtl mm cosim --random 20000 --seed 7 --divergence-fst "$T/w.fst"
readable_divergence "log" "(fetch|load|store) 0x[0-9a-f]{8} "
end

begin "a failed RTL assertion (MUT_PTW_AD_ON_FAULT) stops the run and names the property"
rm -f "$T/w.fst" "$T/w.gtkw"
M=$MUTDIR/MUT_PTW_AD_ON_FAULT/mmulab-rtl mm cosim --random 20000 --seed 7 --divergence-fst "$T/w.fst"
want_out_re "Assertion failed in [a-z_.]*\\.ptw_(write_only_allowed|no_ad_on_fault)"
readable_divergence "log" "(fetch|load|store) 0x[0-9a-f]{8} "
want_out_re "1 divergence \\(RTL assertion"
end

if command -v yosys-smtbmc >/dev/null 2>&1 && command -v z3 >/dev/null 2>&1; then
    begin "a failed proof (walker, MUT_PTW_AD_ON_FAULT) names the property and the step, and writes the trace"
    FORMAL_UNITS=ptw FORMAL_SMOKE=1 FORMAL_DEFINES=-DMUT_PTW_AD_ON_FAULT timeout 600 \
        scripts/formal.sh "$T/formal" >"$T/out" 2>&1
    want_eq "exit status" "$?" 1
    want_out_re "^formal: ptw: FAIL: .* at step [0-9]+ .*dut\\.ptw_(write_only_allowed|no_ad_on_fault)"
    want_out "counterexample: $T/formal/ptw.cex.vcd"
    grep -q '^#[0-9]' "$T/formal/ptw.cex.vcd" 2>/dev/null || fail_because "no VCD with time steps at $T/formal/ptw.cex.vcd"
    end
else
    echo "note: yosys-smtbmc/z3 not installed: the failed-proof case is left out (make formal installs them)"
fi

finish
