#!/usr/bin/env bash
# OPT's memory: peak RSS of `tlbsim --frames 64 --replace opt` over N random
# references (default 5M, as ../shared/acceptance/isolation), which must not
# grow with N: the future goes through a temporary file (studies/nextuse.c,
# 16 bytes of disk a reference).  Figures for 5M, 10^7 and 10^8 references,
# before and after, are in docs/tlbsim.md.
# Usage: bench/opt_memory.sh [OUT] [N]
set -eu
OUT=${1:-build}
N=${2:-5000000}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 - "$T/t.din" "$N" <<'PY'
import random, sys
r = random.Random(1); f = open(sys.argv[1], "w")
for i in range(int(sys.argv[2])): f.write("%d %x\n" % (r.choice((0, 1, 2)), r.randrange(0, 1 << 26)))
PY
TMPDIR=$T /usr/bin/time -f "%M %e" -o "$T/time" "$OUT/mmulab" tlbsim --trace "$T/t.din" --frames 64 --replace opt \
    >"$T/out"
read -r kb secs <"$T/time"
echo "tlbsim OPT, $N references: peak RSS $kb kB, $secs s (target: independent of N, < 100 MB at 10^8)"
grep -E "^page_faults" "$T/out"
