#!/usr/bin/env bash
# `make synth`: yosys synth_ice40 of the MMU (16-entry TLB, the default
# configuration fixed: rtl/synth/mmulab_mmu_synth.sv) and of the core, with
# their LUTs and flip-flops; then nextpnr-ice40 (HX8K, ct256) for the Fmax of
# each design that fits the part, through a pin-frugal wrapper
# (rtl/synth/mmulab_fmax_*.sv).  Usage: scripts/synth.sh OUTDIR
set -u
OUT=${1:-build/synth}
mkdir -p "$OUT"
cd "$(dirname "$0")/.." || exit 2
command -v yosys >/dev/null || { echo "synth: yosys not installed (scripts/deps.sh synth)"; exit 2; }
python3 scripts/synth_prep.py "$OUT/all.sv" rtl/mmulab_0_pkg.sv rtl/mmulab_tlb.sv rtl/mmulab_ptw.sv \
    rtl/mmulab_seg.sv rtl/mmulab_mmu.sv rtl/mmulab_core.sv rtl/synth/*.sv || exit 1

HX8K_LUTS=7680
# synth NAME TOP: LUTs and FFs of TOP
synth() {
    local name=$1 top=$2
    if ! yosys -q -l "$OUT/$name.log" -p "read_verilog -sv $OUT/all.sv; synth_ice40 -top $top -json $OUT/$name.json; \
            tee -q -o $OUT/$name.stat stat" >/dev/null 2>&1; then
        echo "synth: yosys failed on $top (see $OUT/$name.log)"
        return 1
    fi
    local luts ffs
    luts=$(awk '/SB_LUT4/ {print $2}' "$OUT/$name.stat" | tail -n 1)
    ffs=$(awk '/SB_DFF/ {n += $2} END {print n + 0}' "$OUT/$name.stat")
    echo "$name: $top: ${luts:-0} LUTs (SB_LUT4), $ffs flip-flops (SB_DFF*)"
    eval "${name}_luts=${luts:-0}"
}

# fmax NAME TOP [CHPARAM]: nextpnr-ice40's Fmax for TOP, when it fits
fmax() {
    local name=$1 top=$2 chparam=${3:-} luts
    command -v nextpnr-ice40 >/dev/null || { echo "$name: nextpnr-ice40 not installed, no Fmax"; return 0; }
    if ! yosys -q -l "$OUT/$name-fmax.log" -p "read_verilog -sv $OUT/all.sv; $chparam synth_ice40 -top $top \
            -json $OUT/$name-fmax.json; tee -q -o $OUT/$name-fmax.stat stat" >/dev/null 2>&1; then
        echo "$name: yosys failed on $top (see $OUT/$name-fmax.log)"
        return 1
    fi
    luts=$(awk '/SB_LUT4/ {print $2}' "$OUT/$name-fmax.stat" | tail -n 1)
    if [ "${luts:-0}" -gt "$HX8K_LUTS" ]; then
        echo "$name: $luts LUTs do not fit an iCE40 HX8K ($HX8K_LUTS): no Fmax"
        return 0
    fi
    if ! nextpnr-ice40 --hx8k --package ct256 --json "$OUT/$name-fmax.json" --freq 12 --timing-allow-fail \
            >"$OUT/$name-pnr.log" 2>&1; then
        echo "$name: nextpnr-ice40 could not place it on an HX8K: $(grep -m1 ERROR "$OUT/$name-pnr.log")"
        return 1
    fi
    grep -E "Max frequency for clock" "$OUT/$name-pnr.log" | tail -n 1 | sed -e "s/^Info: /$name: HX8K: /" \
        -e "s/ (PASS at .*)//; s/ (FAIL at .*)//"
}

synth mmu mmulab_mmu_synth
synth seg mmulab_seg_synth
synth core mmulab_core
fmax mmu-16 mmulab_fmax_mmu ||
    fmax mmu-8 mmulab_fmax_mmu "chparam -set TLB_ENTRIES 8 mmulab_fmax_mmu;"
fmax core mmulab_fmax_core
