#!/usr/bin/env bash
# tests/paging.sh -- the OS side of paging through the command line (issue 3,
# items 3 and 4): every program under --mode paged --check, the textbook
# reference string against `mmulab refs`, the events and cycles of one page
# fault in a --trace CSV, dirty write-backs, --prefault, the seed's 14-bit
# exercise, stats keys, option errors and the compare table's paged column.
# Usage: OUT=build tests/paging.sh   (exit 0 when every check holds)
set -u
OUT=${OUT:-build}
M="$OUT/mmulab"
. "$(dirname "$0")/helpers/program_args.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# 1. every program keeps its promises under paging
for p in programs/*.s; do
  # shellcheck disable=SC2046 # the arguments are words
  if "$M" run --mode paged --check --quiet "$p" $(program_args "$p") >"$T/out" 2>"$T/err"; then ok
  elif grep -q "^check .*: ok" "$T/err" && ! grep -q "expected\|no expectation" "$T/err"; then ok
  else bad "$p under --mode paged --check: $(grep '^check' "$T/err")"; fi
done

# 2. programs/refstring.s makes the string 0 d 0 d ... 0 0 (d = seed page + 1);
#    the OS's faults with 4 frames equal `mmulab refs` with 4 frames
S=$(python3 -c "
r='7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1'.split()
print(' '.join('0 %d' % (int(x) + 1) for x in r) + ' 0 0')")
"$M" refs --frames 4 --policy all "$S" >"$T/refs"
for pol in fifo lru opt clock; do
  want=$(grep -E "^$pol: [0-9]+ faults" "$T/refs" | grep -oE "[0-9]+" | head -n1)
  "$M" run --mode paged --frames 4 --replace "$pol" --quiet --stats-json "$T/r.json" programs/refstring.s
  got=$(json "$T/r.json" "d['page_faults']")
  check "refstring $pol: OS $got faults, refs $want" [ "$got" = "$want" ]
done

# 3. one major fault of vcopy: trap 20 + handler 500 + 4K at 50 MB/s, 100 MHz (8192) = 8712,
#    with the handler, the disk read and the summary in the trace
"$M" run --mode paged --quiet --trace "$T/t.csv" --stats-json "$T/v.json" programs/vcopy.s
tests/trace_table.py "$T/t.csv" event duration pid vaddr page_or_pid bytes page frame major >"$T/t.tab"
check "fault handler event of 500 cycles" grep -qP "^fault handler\t500\t1\t100\t" "$T/t.tab"
check "disk read event of 8192 cycles" grep -qP "^disk read\t8192\t1\t\t0\t4096\t" "$T/t.tab"
check "page fault event spanning 8712 cycles" grep -qP "^page fault\t8712\t1\t100\t\t\t0\t[0-9]+\t1$" "$T/t.tab"
check "fault_cycles 8712" [ "$(json "$T/v.json" "d['fault_cycles']")" = 8712 ]
for k in tlb_hits tlb_misses walks walk_cycles page_faults major_faults minor_faults evictions writebacks fault_cycles; do
  check "stats key $k (total and per process)" json "$T/v.json" "d['$k'], d['processes'][0]['$k']" >/dev/null
done

# 4. dirty victims go to the backing store: stores to pages 1..3 with 2 frames
cat >"$T/dirty.s" <<'PROG'
        .text
        LOAD R2, #77
        STORE R2, /4096
        STORE R2, /8192
        STORE R2, /12288
        LOAD R1, /4096
        SYSCALL #0
        .data
        .org 4096
        .space 3 * 4096
PROG
"$M" run --mode paged --frames 2 --quiet --trace "$T/d.csv" --stats-json "$T/d.json" "$T/dirty.s"
check "dirty: exit code is the value read back from the backing store" [ "$(json "$T/d.json" "d['exit_code']")" = 77 ]
check "dirty: 3 write-backs" [ "$(json "$T/d.json" "d['writebacks']")" = 3 ]
check "dirty: 3 disk writes in the trace" [ "$(grep -c ',disk write,' "$T/d.csv")" = 3 ]
check "dirty: 3 evictions in the trace" [ "$(grep -c ',eviction,' "$T/d.csv")" = 3 ]

# 5. --prefault: no page faults, same result
"$M" run --mode paged --prefault --quiet --check --stats-json "$T/p.json" programs/vcopy.s 2>/dev/null
check "--prefault: zero page faults" [ "$(json "$T/p.json" "d['page_faults']")" = 0 ]

# 6. the seed's exercise: 14-bit addresses, 2 KiB pages, one level, a program using 0..10468:
#    pages 0-5 mapped, 11000 readable (internal fragmentation), 12288 traps
cat >"$T/seed14.s" <<'PROG'
        .text
        LI      R1, 11000
        LOAD    R2, [R1]
        LI      R1, 12288
        LOAD    R2, [R1]
        SYSCALL #0
        .data
        .org    10464
        .word   1
PROG
"$M" run --mode paged --va-bits 14 --page-size 2K --levels 1 --stack 0 --quiet "$T/seed14.s" 2>"$T/s.err"
check "seed exercise: 11000 read, 12288 is not mapped" grep -q "page not mapped; load at pc 0x00000014, logical address 0x00003000" "$T/s.err"

# 7. options: a bad value names the option, exit 2
"$M" run --mode paged --replace mru programs/vcopy.s 2>"$T/e"; rc=$?
check "--replace mru: exit 2 naming the option" [ "$rc" = 2 ] && grep -q -- "--replace 'mru'.*fifo|lru|opt|clock" "$T/e"
"$M" run --mode paged --page-size 3000 programs/vcopy.s 2>"$T/e"; rc=$?
check "--page-size 3000: exit 2" [ "$rc" = 2 ] && grep -q -- "--page-size" "$T/e"

# 8. compare: a paged row with the right result
"$M" compare programs/vcopy.s >"$T/c" 2>&1
check "compare has a right paged row" grep -qE "^paged +[0-9]+ +[0-9]+ +[0-9]+ +0  right" "$T/c"

echo "paging.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
