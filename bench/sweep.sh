#!/usr/bin/env bash
# One pass for many configurations: host instructions (callgrind Ir) of
# `tlbsim` with ten fully associative LRU TLB sizes (Mattson stack distances,
# one pass) against one size (the TLB model), on two din traces: the stride-
# and-heap trace of bench/tlbsim.sh (1.7M references, mostly hits) and a
# uniform one (1M references over 300 pages, mostly misses).
# Target: ten sizes cost at most 1.5 times one.
# Usage: bench/sweep.sh [OUT]   (OUT is the build directory, default build)
set -eu
OUT=${1:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 - "$T/local.din" "$T/uniform.din" <<'PY'
import random, sys
random.seed(1); out = open(sys.argv[1], 'w'); pc = 0x400000; heap = [0x10000000 + 4096*i for i in range(200)]
for i in range(1000000):
    out.write("2 %x\n" % pc); pc = pc + 4 if random.random() < 0.9 else 0x400000 + 4*random.randrange(30000)
    if random.random() < 0.5: out.write("%d %x\n" % (random.randrange(2), random.choice(heap) + 8*random.randrange(512)))
    if random.random() < 0.2: out.write("0 %x\n" % (0x7ff000000 - 8*random.randrange(4000)))
r = random.Random(2); out = open(sys.argv[2], 'w')
for i in range(1000000):
    out.write('%d %x\n' % (r.choice((0, 1, 2, 2)), (r.randrange(0, 300) << 12) | r.randrange(0, 4096, 4)))
PY
ir() { valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$OUT/mmulab" tlbsim --trace "$@" >/dev/null 2>"$T/vg"
       grep -oE "Collected : [0-9]+" "$T/vg" | grep -oE "[0-9]+$"; }
for t in local uniform; do
    one=$(ir "$T/$t.din" --tlb 64 --tlb-ways full --tlb-policy lru)
    ten=$(ir "$T/$t.din" --tlb 4,8,12,16,24,32,48,64,128,256 --tlb-ways full --tlb-policy lru)
    python3 -c "print('sweep (%s trace): one size %d Ir, ten sizes in one pass %d Ir = %.2f x (target <= 1.5)' % ('$t', $one, $ten, $ten / $one))"
done
