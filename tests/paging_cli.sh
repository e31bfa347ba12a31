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

# every form of line the format allows, around runs of fetches (din.h's fetch
# memo): the counts and misses equal a model in Python, and a configuration
# alone (replayed as parsed) equals the same configuration in a study
python3 - "$T/forms.din" "$T/forms.want" <<'PY'
import random, sys
r = random.Random(14); out = []; refs = []
def line(label, addr):
    form = r.random(); a = '%x' % addr
    if form < 0.6: out.append('%d %s\n' % (label, a))
    elif form < 0.65: out.append('%d %s\n' % (label, a.upper()))
    elif form < 0.7: out.append('%d 0x%s\n' % (label, a))
    elif form < 0.75: out.append(' \t%d\t%s  pid 3\n' % (label, a))
    elif form < 0.8: out.append('%d %s\r\n' % (label, a))
    elif form < 0.85: out.append('%d %s %d\n' % (label, a, r.randrange(9)))
    elif form < 0.9: out.append('%d %s\n' % (label, '0' * r.randrange(1, 4) + a if len(a) < 13 else a))
    else: out.append('%d %s\n' % (label, a))
    refs.append((label, addr))
for run in range(600):
    pc = r.choice([r.randrange(1 << 12), r.randrange(1 << 24), 0x10000 - 4 * r.randrange(8),
                   0xfffffffc - 4 * r.randrange(8), r.randrange(1 << 40), (1 << 64) - 4 * r.randrange(1, 40),
                   0x400000 + 4 * r.randrange(3000)])
    for i in range(r.randrange(1, 60)):
        line(2, pc); pc = (pc + 4) % (1 << 64)
        k = r.random()
        if k < 0.3: line(r.choice([0, 1, 3]), r.choice([0x7ff000000, 0x10000000, 0x1ffefff000]) + r.randrange(1 << 16))
        elif k < 0.32: out.append('\n' if r.random() < 0.5 else '# a comment 2 1000\n')
        elif k < 0.33: out.append('4 0\n'); refs.append((4, 0))
open(sys.argv[1], 'w').write(''.join(out))
def misses(entries, ways, fifo):
    sets = entries // ways; tlb = [[] for s in range(sets)]; n = 0
    for label, addr in refs:
        if label == 4: tlb = [[] for s in range(sets)]; continue
        vpn = addr >> 12; s = tlb[vpn % sets]
        if vpn in s:
            if not fifo: s.remove(vpn); s.append(vpn)
            continue
        n += 1
        if len(s) == ways: s.pop(0)
        s.append(vpn)
    return n
count = lambda l: sum(1 for x in refs if x[0] == l)
pages = len({a >> 12 for l, a in refs if l != 4})
open(sys.argv[2], 'w').write('%d %d %d %d %d %d %d %d %d\n' % (count(0), count(1), count(2), count(3), count(4), pages,
                             misses(16, 16, False), misses(16, 4, True), misses(1, 1, False)))
PY
read -r reads writes fetches misc flushes pages lru16 fifo4 one <"$T/forms.want"
"$M" tlbsim --trace "$T/forms.din" --tlb 16 --stats-json "$T/j" >/dev/null; check "forms: exit 0" test $? -eq 0
check "forms: label counts" test "$(python3 -c "import json; j = json.load(open('$T/j'))
print(*(j[k] for k in ('reads', 'writes', 'fetches', 'misc', 'flushes')))")" = "$reads $writes $fetches $misc $flushes"
check "forms: distinct pages ($pages)" test "$(json "$T/j" page_faults)" = "$pages"
check "forms: 16 fully associative lru misses ($lru16)" test "$(json "$T/j" tlb_misses)" = "$lru16"
"$M" tlbsim --trace "$T/forms.din" --tlb 16 --tlb-ways 4 --tlb-policy fifo --stats-json "$T/j" >/dev/null
check "forms: 16 4-way fifo misses ($fifo4)" test "$(json "$T/j" tlb_misses)" = "$fifo4"
"$M" tlbsim --trace "$T/forms.din" --tlb 1 --stats-json "$T/j" >/dev/null
check "forms: 1 entry misses ($one)" test "$(json "$T/j" tlb_misses)" = "$one"
for cfg in "--tlb 8 --tlb-policy plru" "--tlb 32 --tlb-ways 2 --tlb-policy random --seed 5" \
    "--tlb 8 --page-size 64 --frames 20 --replace clock" "--tlb 64 --page-size 1M --frames 3 --replace fifo"; do
    # shellcheck disable=SC2086
    "$M" tlbsim --trace "$T/forms.din" $cfg --stats-json "$T/j" >/dev/null
    # shellcheck disable=SC2086
    "$M" tlbsim --trace "$T/forms.din" $cfg --tlb-ways 1,full --simulate-all --csv "$T/c" >/dev/null 2>&1
    [ "${cfg#*ways}" = "$cfg" ] || continue
    want=$(awk -F, 'NR > 1 && $5 == "full" { print $13 "/" $15 }' "$T/c")
    check "forms: alone = in a study ($cfg)" test "$(json "$T/j" tlb_misses)/$(json "$T/j" page_faults)" = "$want"
done
# a fetch line like the one before but for a bad last digit, a longer or a
# shorter address, something after it: an error on its line, or its pages
# (4K: 400, 0, the line's own)
for case in 40000g:error 4000041q:error 4000z:error 400:2 '40000 0x:3' 4000041:3 40008:3 4000:3 4:2; do
    printf '2 400000\n2 400004\n0 10\n2 %s\n1 20\n' "${case%:*}" >"$T/memo.din"
    "$M" tlbsim --trace "$T/memo.din" --stats-json "$T/j" >"$T/out" 2>&1
    if [ "${case#*:}" = error ]; then
        check "memo: '${case%:*}' is line 4's error" grep -q "memo.din:4: error: bad address" "$T/out"
    else
        check "memo: '${case%:*}' read whole" test "$(json "$T/j" fetches)/$(json "$T/j" page_faults)" = "3/${case#*:}"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
