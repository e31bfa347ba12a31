#!/usr/bin/env bash
# `make formal` (and its smoke in make test): the TLB and the walker proven
# with yosys's formal flow.  The properties are immediate assertions inside
# rtl/mmulab_tlb.sv and rtl/mmulab_ptw.sv; rtl/formal/*_formal.sv set every
# input free under the stated contract.  yosys reads each design and
# bit-blasts it (scripts/formal_aig.ys, SymbiYosys's preparation), then:
#
#   walker  yosys-smtbmc -s z3: bounded model check to PTW_DEPTH clocks from
#           reset; then ABC's PDR on the same netlist: an inductive invariant,
#           so the properties hold on every path however long (PROVED)
#   TLB     one design per geometry (4 entries: 1, 2, 4 ways; every policy):
#           ABC bmc3 to TLB_DEPTH clocks, then PDR with a time limit (the
#           32-bit replacement stamps rarely let it close: the bounded
#           result then stands and says so)
#
# A failure names the property (its label and source line) and leaves the
# counterexample as a VCD for GTKWave.
#
# Usage: scripts/formal.sh OUTDIR    (FORMAL_SMOKE=1: shallow, no unbounded proof;
#        FORMAL_DEFINES=-DMUT_X: prove a mutant, which must fail;
#        FORMAL_UNITS="ptw" or "tlb": one of the two, default both)
set -u
OUT=${1:-build/formal}
cd "$(dirname "$0")/.." || exit 2
for tool in yosys yosys-smtbmc yosys-abc z3; do
    command -v $tool >/dev/null || { echo "formal: $tool not installed (scripts/deps.sh formal)"; exit 2; }
done
mkdir -p "$OUT"
if [ -n "${FORMAL_SMOKE:-}" ]; then
    PTW_DEPTH=6 TLB_DEPTH=6
else
    PTW_DEPTH=${PTW_DEPTH:-12} TLB_DEPTH=${TLB_DEPTH:-6}
fi
PDR_SECONDS=${PDR_SECONDS:-30}

# netlist NAME TOP CHPARAM FILES...: $OUT/NAME.smt2 and $OUT/NAME.aig
netlist() {
    local name=$1 top=$2 chparam=$3
    shift 3
    python3 scripts/synth_prep.py "$OUT/$name.sv" rtl/mmulab_0_pkg.sv "$@" || return 1
    sed "s/TOP/$top/" scripts/formal_aig.ys >"$OUT/$name.ys"
    yosys -q -l "$OUT/$name.yosys.log" -p "read_verilog -sv -formal ${FORMAL_DEFINES:-} $OUT/$name.sv; $chparam script $OUT/$name.ys; \
        write_smt2 -wires $OUT/$name.smt2; write_aiger -I -B -zinit -map $OUT/$name.aim $OUT/$name.aig" \
        >/dev/null 2>&1 || { echo "formal: $name: FAIL: yosys could not read the design (see $OUT/$name.yosys.log)"; return 1; }
}

# the failing property in words, from a yosys-smtbmc log
failed_property() {
    grep -m1 -E "Assert failed|assertion failed" "$1" | sed 's/^.*Assert failed in //' || true
}

# the step (clocks after reset) at which the property broke, from a yosys-smtbmc log
failed_step() {
    grep -oE "Checking assertions in step [0-9]+" "$1" | tail -n 1 | grep -oE "[0-9]+$" || echo "?"
}

# smtbmc NAME DEPTH: bounded model check with yosys-smtbmc and z3
smtbmc() {
    local name=$1 depth=$2 t0=$SECONDS
    if ! yosys-smtbmc -s z3 -t "$depth" --dump-vcd "$OUT/$name.cex.vcd" "$OUT/$name.smt2" >"$OUT/$name.bmc.log" 2>&1; then
        echo "formal: $name: FAIL: yosys-smtbmc finds a property broken at step $(failed_step "$OUT/$name.bmc.log") (clocks after reset): $(failed_property "$OUT/$name.bmc.log")"
        echo "        counterexample: $OUT/$name.cex.vcd (GTKWave); log: $OUT/$name.bmc.log"
        return 1
    fi
    echo "formal: $name: PASS: yosys-smtbmc (z3), every property holds for $depth clocks from reset ($((SECONDS - t0)) s)"
}

# abc_bmc NAME DEPTH: bounded model check with ABC's bmc3; on a failure, the
# trace is replayed by yosys-smtbmc to name the property and write the VCD
abc_bmc() {
    local name=$1 depth=$2 t0=$SECONDS log
    log=$(yosys-abc -c "read_aiger $OUT/$name.aig; fold; strash; bmc3 -F $depth" 2>&1)
    if echo "$log" | grep -q "was asserted in frame"; then
        local frame
        frame=$(echo "$log" | sed -n 's/.*was asserted in frame \([0-9]*\).*/\1/p' | head -n 1)
        echo "formal: $name: FAIL: a property breaks $frame clocks after reset (ABC bmc3)"
        smtbmc "$name" $((frame + 1)) >/dev/null || true
        echo "        $(failed_property "$OUT/$name.bmc.log")"
        echo "        counterexample: $OUT/$name.cex.vcd (GTKWave)"
        return 1
    fi
    echo "formal: $name: PASS: ABC bmc3, every property holds for $depth clocks from reset ($((SECONDS - t0)) s)"
}

# pdr NAME [SECONDS]: the unbounded proof, or a statement that it did not close
pdr() {
    local name=$1 limit=${2:-$PDR_SECONDS} t0=$SECONDS log
    log=$(timeout "$limit" yosys-abc -c "read_aiger $OUT/$name.aig; fold; strash; pdr" 2>&1)
    if echo "$log" | grep -q "Property proved"; then
        echo "formal: $name: PROVED: ABC PDR finds an inductive invariant: every property holds on every path ($((SECONDS - t0)) s)"
    elif echo "$log" | grep -q "was asserted in frame"; then
        echo "formal: $name: FAIL: PDR finds a property broken: $(echo "$log" | grep -m1 'was asserted')"
        return 1
    else
        echo "formal: $name: unbounded proof does not close within $limit s: the bounded result stands"
    fi
}

rc=0
UNITS=" ${FORMAL_UNITS:-ptw tlb} "
if [[ $UNITS != *" ptw "* ]]; then
    :
elif netlist ptw mmulab_ptw_formal "" rtl/mmulab_ptw.sv rtl/formal/mmulab_ptw_formal.sv; then
    smtbmc ptw "$PTW_DEPTH" || rc=1
    [ -n "${FORMAL_SMOKE:-}" ] || [ $rc -ne 0 ] || pdr ptw 180 || rc=1
else
    rc=1
fi
for ways in 1 2 4; do
    [[ $UNITS == *" tlb "* ]] || break
    name=tlb_4x$ways
    [ -n "${FORMAL_SMOKE:-}" ] && [ "$ways" != 2 ] && continue
    if netlist "$name" mmulab_tlb_formal "chparam -set ENTRIES 4 -set WAYS $ways mmulab_tlb_formal;" \
            rtl/mmulab_tlb.sv rtl/formal/mmulab_tlb_formal.sv; then
        abc_bmc "$name" "$TLB_DEPTH" || { rc=1; continue; }
        [ -n "${FORMAL_SMOKE:-}" ] || pdr "$name" || rc=1
    else
        rc=1
    fi
done
[ $rc -eq 0 ] && echo "formal: pass: every property of the TLB and the walker holds" || echo "formal: FAILED"
exit $rc
