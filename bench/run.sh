#!/usr/bin/env bash
# The benchmarks (`make bench`): host instructions per guest instruction from
# callgrind (repeatable on a noisy shared machine) and guest instructions per
# host second (median of 3 runs, indicative only).  Targets and anchors are in
# bench/README.md.
set -eu
OUT=${1:-build}
M=$OUT/mmulab
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ir_per_guest NAME ARGS...: callgrind's total Ir over the guest instructions
ir_per_guest() {
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$M" run --quiet --stats-json "$T/s.json" "$@" \
        >/dev/null 2>"$T/vg"
    local ir gi
    ir=$(grep -oE "Collected : [0-9]+" "$T/vg" | grep -oE "[0-9]+$")
    gi=$(python3 -c "import json;print(json.load(open('$T/s.json'))['instructions'])")
    local best=""
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N)
        "$M" run --quiet "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        best="$best $(python3 -c "print($t1-$t0)")"
    done
    python3 - "$name" "$ir" "$gi" $best <<'PY'
import sys, statistics
name, ir, gi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
secs = statistics.median(float(x) for x in sys.argv[4:])
print(f"{name:34s} {gi:>11,d} guest instr  {ir/gi:7.2f} host instr/guest instr  {gi/secs/1e6:7.1f} M guest instr/s")
PY
}

echo "benchmark                           guest instructions   callgrind ratio        wall clock"
ir_per_guest "copy, hwreloc" --mode hwreloc bench/copy.s
ir_per_guest "copy, bare" --mode bare bench/copy.s
if "$M" run --help | grep -q -- "--prefault"; then
    ir_per_guest "copy, paged (TLB-resident)" --mode paged --prefault bench/copy.s
    ir_per_guest "stride, paged (64-entry TLB)" --mode paged --prefault --tlb 64 --tlb-ways full --page-size 4K \
        --mem 64M bench/stride.s
    ir_per_guest "twopage, paged (64-entry TLB)" --mode paged --prefault --tlb 64 bench/twopage.s
    ir_per_guest "callelem, paged (64-entry TLB)" --mode paged --prefault --tlb 64 bench/callelem.s
fi
ir_per_guest "callelem, hwreloc" --mode hwreloc bench/callelem.s
if [ -x bench/opt_memory.sh ] && [ -x /usr/bin/time ]; then
    bench/opt_memory.sh "$OUT"
fi
if [ -x bench/tlbsim.sh ]; then
    bench/tlbsim.sh "$OUT"
fi
if [ -x bench/sweep.sh ]; then
    bench/sweep.sh "$OUT"
fi
