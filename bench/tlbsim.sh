#!/usr/bin/env bash
# tlbsim speed: host instructions (callgrind Ir) per trace reference for a
# 64-entry fully associative LRU TLB with 4K pages over a plain din trace of
# about 1.7M references (1M instruction fetches, their loads and stores),
# parsing included.  Target: <= 150 (Dinero IV takes about 730 on the same work).
# Usage: bench/tlbsim.sh [OUT]   (OUT is the build directory, default build)
set -eu
OUT=${1:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 - "$T/t.din" <<'PY'
import random, sys
random.seed(1); out = open(sys.argv[1], 'w'); pc = 0x400000; heap = [0x10000000 + 4096*i for i in range(200)]
for i in range(1000000):
    out.write("2 %x\n" % pc); pc = pc + 4 if random.random() < 0.9 else 0x400000 + 4*random.randrange(30000)
    if random.random() < 0.5: out.write("%d %x\n" % (random.randrange(2), random.choice(heap) + 8*random.randrange(512)))
    if random.random() < 0.2: out.write("0 %x\n" % (0x7ff000000 - 8*random.randrange(4000)))
PY
refs=$(wc -l <"$T/t.din")
valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$OUT/mmulab" tlbsim --trace "$T/t.din" \
    --tlb 64 --tlb-ways full --tlb-policy lru --page-size 4K >"$T/out" 2>"$T/vg"
ir=$(grep -oE "Collected : [0-9]+" "$T/vg" | grep -oE "[0-9]+$")
python3 -c "print('tlbsim: %d Ir / %d references = %.1f host instructions per reference (target <= 150, Dinero IV ~730)' % ($ir, $refs, $ir / $refs))"
grep -E "^(tlb_misses|page_faults)" "$T/out"
