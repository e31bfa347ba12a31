#!/usr/bin/env bash
# `mmulab refs` and `mmulab tlbsim` end to end: textbook answers, Belady,
# the LRU stack, bad input, hand-worked TLB miss counts (Dinero IV's
# semantics: block = page, write-allocate), gzip/xz traces, malformed lines,
# and tlbsim --frames agreeing with refs on the same page string.
# Usage: tests/paging_cli.sh [BUILD_DIR]; prints "N passed, N failed".
set -u
M=${1:-build}/mmulab
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
faults() { grep -E "^$1: [0-9]+ faults$" "$T/out" | grep -oE "[0-9]+"; }
json() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

S="7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1"
"$M" refs --frames 3 --policy all "$S" >"$T/out"; check "refs exit" test $? -eq 0
check "fifo 15" test "$(faults fifo)" = 15
check "opt 9" test "$(faults opt)" = 9
check "lru 12" test "$(faults lru)" = 12
check "clock 14" test "$(faults clock)" = 14
check "summary lines last" test "$(tail -n 4 "$T/out" | cut -d: -f1 | tr '\n' ' ')" = "fifo lru opt clock "
"$M" refs --frames 3 --policy fifo "1,2,3,4,1,2,5,1,2,3,4,5" >"$T/out"; check "belady 3" test "$(faults fifo)" = 9
"$M" refs --frames 4 --policy fifo 1 2 3 4 1 2 5 1 2 3 4 5 >"$T/out"; check "belady 4" test "$(faults fifo)" = 10
"$M" refs --frames 3 --policy lru --stack "4 7 0 7 1 0 1 2 1 2 7 1 2" >"$T/out"
check "stack before/after 7" grep -qE "^7 +4 +2 1 0 7 4 +7 2 1 0 4" "$T/out"
for args in "--frames 0 1" "--policy mru 1 2" "1 x 2" "" "--frames" "1 -2"; do
    # shellcheck disable=SC2086
    "$M" refs $args >"$T/out" 2>&1; check "refs $args: exit 2" test $? -eq 2
done
"$M" refs --policy mru 1 >"$T/out" 2>&1; check "allowed policies named" grep -q "fifo, lru, opt, clock, all" "$T/out"

# TLB miss counts worked by hand: 2-entry fully associative, pages A B A C B.
printf '2 1000\n0 2008\n1 1ffc\n2 3000\n0 0x2000\n' >"$T/abacb.din"
"$M" tlbsim --trace "$T/abacb.din" --tlb 2 --tlb-policy lru --stats-json "$T/j" >/dev/null
check "lru A B A C B: 4 misses" test "$(json "$T/j" tlb_misses)" = 4
"$M" tlbsim --trace "$T/abacb.din" --tlb 2 --tlb-policy fifo --stats-json "$T/j" >/dev/null
check "fifo A B A C B: 3 misses" test "$(json "$T/j" tlb_misses)" = 3
check "distinct pages" test "$(json "$T/j" page_faults)" = 3
check "references" test "$(json "$T/j" references)" = 5
# direct mapped, 2 sets: pages 0 2 0 1 collide in set 0
printf '0 0\n0 2000\n0 10\n0 1000\n4 0\n0 1000\n' >"$T/dm.din"
"$M" tlbsim --trace "$T/dm.din" --tlb 2 --tlb-ways 1 --stats-json "$T/j" >/dev/null
check "direct mapped + flush: 5 misses" test "$(json "$T/j" tlb_misses)" = 5
check "flush not a reference" test "$(json "$T/j" references)" = 5
# 64-bit addresses, 1K pages
printf '2 7ff000000\n2 7ff0003ff\n2 7ff000400\n3 ffffffffffff0000\n' >"$T/wide.din"
"$M" tlbsim --trace "$T/wide.din" --page-size 1K --stats-json "$T/j" >/dev/null
check "64-bit addresses" test "$(json "$T/j" tlb_misses)" = 3

# compression by content, not name
python3 -c "
import random; random.seed(7)
for i in range(20000): print(random.choice('0122'), '%x' % (random.randrange(64) * 4096 + random.randrange(4096)))
" >"$T/r.din"
gzip -c "$T/r.din" >"$T/r.gz.trace"; xz -c "$T/r.din" >"$T/r.xz.trace"
for f in r.din r.gz.trace r.xz.trace; do
    "$M" tlbsim --trace "$T/$f" --tlb 16 --tlb-ways 4 --stats-json "$T/$f.json" >"$T/out"; check "$f exit" test $? -eq 0
done
check "gzip = plain" test "$(json "$T/r.gz.trace.json" tlb_misses)" = "$(json "$T/r.din.json" tlb_misses)"
check "xz = plain" test "$(json "$T/r.xz.trace.json" tlb_misses)" = "$(json "$T/r.din.json" tlb_misses)"
check "xz detected" test "$(json "$T/r.xz.trace.json" compression)" = xz

# malformed lines: FILE:LINE: error, exit 2
printf '2 1000\n0 1000\n1 10q0\n' >"$T/bad.din"
"$M" tlbsim --trace "$T/bad.din" >"$T/out" 2>&1; check "malformed exit 2" test $? -eq 2
check "malformed FILE:LINE" grep -q "bad.din:3: error:" "$T/out"
printf '2 1000\n7 1000\n' | gzip >"$T/bad.gz"
"$M" tlbsim --trace "$T/bad.gz" >"$T/out" 2>&1; check "gz malformed exit 2" test $? -eq 2
check "gz malformed line 2" grep -q "bad.gz:2: error:" "$T/out"
"$M" tlbsim --trace "$T/none.din" >"$T/out" 2>&1; check "missing file exit 2" test $? -eq 2
"$M" tlbsim --trace "$T/r.din" --tlb 6 --tlb-ways 4 >"$T/out" 2>&1; check "bad ways exit 2" test $? -eq 2

# --frames agrees with refs on the same pages (one reference per page)
python3 -c "
import random; random.seed(3)
pages = [random.choice([random.randrange(12), random.randrange(40)]) for i in range(400)]
open('$T/pages', 'w').write(' '.join(map(str, pages)))
open('$T/pages.din', 'w').write(''.join('0 %x\n' % (p * 4096 + 8) for p in pages))
"
for policy in fifo lru opt clock; do
    "$M" refs --frames 7 --policy $policy "$(cat "$T/pages")" >"$T/out"
    want=$(faults $policy)
    "$M" tlbsim --trace "$T/pages.din" --tlb 4 --frames 7 --replace $policy --stats-json "$T/j" >/dev/null
    check "tlbsim --frames 7 $policy = refs ($want)" test "$(json "$T/j" page_faults)" = "$want"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
