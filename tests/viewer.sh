#!/usr/bin/env bash
# tests/viewer.sh -- the SDL2 viewer (issue 5): the model against the machine
# (cmocka), headless renders checked pixel by pixel against the layout the
# viewer reports (--describe) and the placement `mmulab run --trace` reports,
# determinism, a replay, the errors for a missing font and a missing display,
# and a real window under Xvfb driven by xdotool.
# Usage: OUT=build tests/viewer.sh   (ends with "N passed, N failed"; exit 0 when all pass)
set -u
OUT=${OUT:-build}
M="$OUT/mmulab"
V="$OUT/mmulab-view"
pix() { python3 tests/viewer/pngpix.py "$@" 2>/dev/null; }
PIX=pix
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
if [ ! -x "$V" ]; then
  echo "skip: $V is not built (make viewer; it needs scripts/deps.sh viewer)"
  echo "0 passed, 0 failed"
  exit 0
fi
# Colours documented in docs/viewer.md: process 2's code, process 1's code.
P2_CODE="#E69F00"
P1_CODE="#4C9BE8"

# 1. the model equals the machine (TLB rows read back, owners, the driver)
if "$OUT/tests/viewer_model" >"$T/unit" 2>&1; then ok; else bad "viewer_model: $(grep -m3 'FAILED\|ERROR' "$T/unit" | tr '\n' ' ')"; fi

# The span of a --describe file holding physical address $2: "probe_x probe_y drawn colour owner".
span_at() {
  [ -s "$1" ] || return 0
  python3 - "$1" "${2:-0}" <<'PY'
import sys
pa = int(sys.argv[2])
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] != "span":
        continue
    at = lambda key, k=1: f[f.index(key) + k]
    start, size = int(at("start"), 16), int(at("size"), 16)
    if start <= pa < start + size:
        print(at("probe"), at("probe", 2), at("drawn"), at("owner"))
        break
PY
}
differ() { ! cmp -s "$1" "$2"; }

# 2. contiguous: process 2's partition is drawn in process 2's colour, at
#    the base `mmulab run --trace` says the OS gave it
"$M" run --mode hwreloc --trace "$T/h.csv" programs/vcopy.s programs/vcopy.s >/dev/null 2>&1
base2=$(tests/trace_table.py "$T/h.csv" event pid base | awk -F'\t' '$1 == "process start" && $2 == 2 { print $3; exit }')
"$V" programs/vcopy.s programs/vcopy.s --mode hwreloc --png "$T/h.png" --at-cycle 1300 --describe "$T/h.txt" 2>"$T/err"
check "hwreloc render exits 0 ($(cat "$T/err"))" test -s "$T/h.png"
read -r px py drawn owner <<<"$(span_at "$T/h.txt" "$base2")"
check "hwreloc: the span at P2's base 0x$(printf %x "${base2:-0}") belongs to P2 (owner ${owner:-none})" test "${owner:-}" = 2
got=$($PIX "$T/h.png" at "${px:-0}" "${py:-0}")
check "hwreloc: P2's partition pixel ($px,$py) is $P2_CODE, got $got" test "$got" = "$P2_CODE"
check "hwreloc: the describe file reports the drawn pixel ($drawn vs $got)" test "$drawn" = "$got"

# 3. paged: the frame the trace says P2's first fault filled is P2's colour
"$M" run --mode paged --trace "$T/p.csv" programs/vcopy.s programs/vcopy.s >/dev/null 2>&1
frame2=$(tests/trace_table.py "$T/p.csv" event pid frame | awk -F'\t' '$1 == "page fault" && $2 == 2 { print $3; exit }')
"$V" programs/vcopy.s programs/vcopy.s --mode paged --png "$T/p.png" --at-cycle 18100 --describe "$T/p.txt" 2>"$T/err"
check "paged render exits 0 ($(cat "$T/err"))" test -s "$T/p.png"
read -r px py drawn owner <<<"$(span_at "$T/p.txt" $(( ${frame2:-0} * 4096 )))"
check "paged: frame ${frame2:-?} belongs to P2 (owner ${owner:-none})" test "${owner:-}" = 2
got=$($PIX "$T/p.png" at "${px:-0}" "${py:-0}")
check "paged: P2's frame pixel ($px,$py) is $P2_CODE, got $got" test "$got" = "$P2_CODE"
frame1=$(tests/trace_table.py "$T/p.csv" event pid frame | awk -F'\t' '$1 == "page fault" && $2 == 1 { print $3; exit }')
read -r px py drawn owner <<<"$(span_at "$T/p.txt" $(( ${frame1:-0} * 4096 )))"
got=$($PIX "$T/p.png" at "${px:-0}" "${py:-0}")
check "paged: P1's frame pixel is $P1_CODE, got $got" test "$got" = "$P1_CODE"
check "paged: the TLB panel has valid rows at cycle 18100" grep -q "^tlb 0 valid 1" "$T/p.txt"

# 4. not blank, the size asked for, deterministic, modes differ
check "paged render is 1280x800" test "$($PIX "$T/p.png" size)" = "1280 800"
colours=$($PIX "$T/p.png" colours)
check "paged render is not blank (${colours:-no} colours)" test "${colours:-0}" -gt 20
"$V" programs/vcopy.s programs/vcopy.s --mode paged --png "$T/p2.png" --at-cycle 18100 2>/dev/null
check "two renders of the same input are the same bytes" cmp -s "$T/p.png" "$T/p2.png"
check "paged and hwreloc renders differ" differ "$T/p.png" "$T/h.png"
"$V" programs/vcopy.s --mode paged --png "$T/small.png" --size 800x500 --at-cycle 9000 2>/dev/null
check "an 800x500 render" test "$($PIX "$T/small.png" size 2>/dev/null)" = "800 500"
for mode in bare swreloc; do
  "$V" programs/vcopy.s --mode $mode --png "$T/$mode.png" --at-cycle 300 2>/dev/null
  check "$mode render" test -s "$T/$mode.png"
done

# 4b. the viewer runs a program exactly as `mmulab run` does: the same end
#     cycle, under replacement pressure and with OPT's recorded future too
for extra in "--frames 3" "--frames 3 --replace opt" "--frames 3 --replace clock --scope local"; do
  args="programs/vcopy.s programs/strcopy.s --mode paged --page-size 512 --mem 64K --va-bits 16 $extra"
  # shellcheck disable=SC2086
  want=$("$M" run $args 2>&1 >/dev/null | sed -n 's/.* instructions, \([0-9]*\) cycles.*/\1/p')
  # shellcheck disable=SC2086
  "$V" $args --png "$T/end.png" --describe "$T/end.txt" 2>/dev/null
  got=$(awk '$1 == "now" { print $2 }' "$T/end.txt" 2>/dev/null)
  check "run to the end with $extra: $got cycles, mmulab run says ${want:-?}" test -n "$want" -a "$got" = "$want"
done

# 4c. the region table (key g, --panel regions): at the end of the run its
#     rows are those `mmulab run --regions` prints, for a heap grown by brk
#     and for mmap_count.s over a data.txt made here; mid-run, while the
#     file is mapped (between its mmap and munmap), the mapping is a row
mkdir -p "$T/root" && printf 'one two three\n' >"$T/root/data.txt"
regions_of() { awk '$1 == "region" { $1 = ""; $2 = ""; print }' "$1" | sed 's/^ *//; s/  */ /g'; }
for prog in tests/viewer/heap_brk.s programs/mmap_count.s; do
  want=$("$M" run --mode paged --root "$T/root" --regions "$prog" 2>/dev/null | awk '/^  [a-z]/ && !/^  region /' | sed 's/^ *//; s/  */ /g')
  "$V" "$prog" --mode paged --root "$T/root" --panel regions --png "$T/g.png" --describe "$T/g.txt" 2>/dev/null
  got=$(regions_of "$T/g.txt")
  check "$prog: the region panel's rows are mmulab run --regions's ($(grep -c ^region "$T/g.txt") rows)" \
    test -n "$want" -a "$got" = "$want"
  check "$prog: the region panel is shown" grep -q "^panel regions" "$T/g.txt"
  [ "$prog" = tests/viewer/heap_brk.s ] && check "heap_brk.s: the heap row shows brk's two pages" \
    grep -q "^region 1 heap *0x00001000 0x00003000" "$T/g.txt"
done
"$V" programs/mmap_count.s --mode paged --root "$T/root" --at-cycle 12000 --png "$T/g.png" --describe "$T/g.txt" 2>/dev/null
check "mmap_count.s mid-run: the mapped file is a row, shared, backed by data.txt" \
  grep -q "^region 1 mapped file .* file data.txt .* r-- *shared *variable" "$T/g.txt"
check "the TLB panel by default" grep -q "^panel tlb" "$T/g.txt"

# 4d. swapping (--swap, five processes in room for three): at a cycle the
#     processes whose last swap event in `mmulab run --trace` is a swap-out
#     are listed as `swapped out`, with the base they had; the rest are not
LONG="programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s"
# shellcheck disable=SC2086
"$M" run --mode hwreloc --mem 16K --stack 2K --swap --trace "$T/s.csv" $LONG >/dev/null 2>&1
# shellcheck disable=SC2086
"$V" $LONG --mode hwreloc --mem 16K --stack 2K --swap --png "$T/s.png" --describe "$T/s.txt" --at-cycle 31000 2>/dev/null
now=$(awk '$1 == "now" { print $2 }' "$T/s.txt")
want=$(tests/trace_table.py "$T/s.csv" cycle event pid base | awk -F'\t' -v now="${now:-0}" \
  '($2 == "swap out" || $2 == "swap in") && $1 < now { out[$3] = ($2 == "swap out") ? $4 : "" }
  END { for (p in out) if (out[p] != "") printf "%d 0x%x\n", p, out[p] }' | sort)
got=$(awk '$1 == "process" && $4 == "swapped" { print $2, $7 }' "$T/s.txt" | sort)
check "--swap at cycle ${now:-?}: swapped out [$(echo $got)], the trace says [$(echo $want)]" test -n "$want" -a "$got" = "$want"
check "--swap: the others are not listed as swapped out" test "$(grep -c '^process' "$T/s.txt")" -eq 5
# shellcheck disable=SC2086
"$V" --replay "$T/s.csv" $LONG --mode hwreloc --mem 16K --png "$T/sr.png" --describe "$T/sr.txt" --at-cycle "${now:-0}" 2>/dev/null
got=$(awk '$1 == "process" && $4 == "swapped" { print $2, $7 }' "$T/sr.txt" | sort)
check "--swap replayed: the same processes swapped out, the same places" test "$got" = "$want"

# 4e. working sets (--ws-window): the timeline gets a working-set lane with
#     one sample per EV_WS_SAMPLE the trace of the same run holds, per
#     process, and the largest is the one `mmulab run` reports
W="programs/thrash_worker.s programs/thrash_worker.s"
WS_ARGS="--mode paged --frames 20 --ws-window 1000 --max-cycles 600000"
# shellcheck disable=SC2086
"$M" run $WS_ARGS --trace "$T/w.csv" $W >/dev/null 2>"$T/w.err"
# shellcheck disable=SC2086
"$V" $WS_ARGS $W --png "$T/w.png" --describe "$T/w.txt" 2>/dev/null
for pid in 1 2; do
  want=$(awk -F, -v p=$pid '$3 == "working set" && $5 == p' "$T/w.csv" | wc -l)
  got=$(awk -v p=$pid '$1 == "ws" && $2 == p { print $4 }' "$T/w.txt")
  check "working sets: P$pid has ${got:-no} samples in the lane, the trace ${want}" test "$want" -gt 3 -a "${got:-0}" = "$want"
  want=$(sed -n "s/^process $pid .*largest \([0-9]*\);.*/\1/p" "$T/w.err")
  got=$(awk -v p=$pid '$1 == "ws" && $2 == p { print $6 }' "$T/w.txt")
  check "working sets: P$pid's largest ${got:-?} pages, mmulab run says ${want:-?}" test -n "$want" -a "${got:-}" = "$want"
done
check "working sets: a sixth lane" grep -q "^lanes 6" "$T/w.txt"
check "no --ws-window: five lanes" grep -q "^lanes 5" "$T/p.txt"

# 5. replay of a recorded trace
"$V" --replay "$T/p.csv" --png "$T/r.png" --at-cycle 18100 --describe "$T/r.txt" 2>"$T/err"
check "replay render exits 0 ($(cat "$T/err"))" test -s "$T/r.png"
read -r px py drawn owner <<<"$(span_at "$T/r.txt" $(( ${frame2:-0} * 4096 )))"
check "replay: P2's frame from the trace belongs to P2" test "${owner:-}" = 2
# a segment swapped out under seg is not its process swapped out; the table is the segment table
SEGS="programs/vcopy.s programs/vcopy.s programs/vcopy.s programs/vcopy.s"
# shellcheck disable=SC2086
"$M" run --mode seg --mem 16K --compact --swap --trace "$T/g.csv" $SEGS >/dev/null 2>&1
out=$(tests/trace_table.py "$T/g.csv" cycle event | awk -F'\t' '$2 == "swap out" { print $1; exit }')
# shellcheck disable=SC2086
"$V" --replay "$T/g.csv" $SEGS --mode seg --mem 16K --png "$T/g.png" --describe "$T/g.txt" --at-cycle $(( ${out:-0} + 1 )) 2>/dev/null
check "seg replay after a segment's swap-out at ${out:-?}: four processes, none swapped out" \
  test -n "$out" -a "$(grep -c '^process' "$T/g.txt")" = 4 -a "$(grep -c '^process.*swapped' "$T/g.txt")" = 0
# shellcheck disable=SC2086
"$V" $SEGS --mode seg --mem 16K --png "$T/g.png" --describe "$T/g.txt" --at-cycle 3000 2>/dev/null
check "seg: the tables are labelled segment table" grep -q "region segment table" "$T/g.txt"
check "seg: nothing is labelled page table" test "$(grep -c 'region page table' "$T/g.txt")" = 0
echo "not a trace" >"$T/bad.csv"
"$V" --replay "$T/bad.csv" --png "$T/x.png" >/dev/null 2>"$T/err"
check "a malformed trace is an error naming the line" grep -q "bad.csv:1" "$T/err"

# 6. errors: a missing font, no display, no program; never a crash
"$V" programs/vcopy.s --png "$T/x.png" --font /nonexistent/font.ttf >/dev/null 2>"$T/err"; rc=$?
check "missing font: exit 1 with a message (rc $rc)" test $rc -eq 1 -a -n "$(grep -i 'font' "$T/err")"
env -u DISPLAY -u WAYLAND_DISPLAY "$V" programs/vcopy.s >/dev/null 2>"$T/err"; rc=$?
check "no display: exit 1 saying so (rc $rc)" test $rc -eq 1 -a -n "$(grep 'no display' "$T/err")"
"$V" --png "$T/x.png" >/dev/null 2>&1; rc=$?
check "no program: exit 2 (rc $rc)" test $rc -eq 2
"$V" programs/vcopy.s --panel tlbx --png "$T/x.png" >/dev/null 2>"$T/err"; rc=$?
check "--panel tlbx: exit 2 naming the choices (rc $rc)" test $rc -eq 2 -a -n "$(grep -- "--panel 'tlbx': allowed values are tlb|regions" "$T/err")"
"$V" --help >"$T/help" 2>&1
check "--help lists the runner's options" grep -q -- "--mode" "$T/help"

# 6b. the same story as the CLI: the sentence, the cycle breakdown, the policy's state
A="programs/vcopy.s programs/strcopy.s --mode paged --page-size 512 --mem 64K --va-bits 16 --frames 3 --replace fifo"
# shellcheck disable=SC2086
"$V" $A --png "$T/x.png" --describe "$T/x.txt" 2>/dev/null
# shellcheck disable=SC2086
"$M" run $A --explain --stats-json "$T/x.json" >"$T/x.out" 2>/dev/null
check "viewer's sentence is run --explain's last" test "$(sed -n 's/^explain //p' "$T/x.txt")" = "$(tail -n 1 "$T/x.out")"
check "viewer's breakdown is the stats'" test "$(awk '/^breakdown / { printf "%s=%s ", $2, $3 }' "$T/x.txt")" = \
  "$(python3 -c 'import json,sys; print("".join("%s=%d " % kv for kv in json.load(open(sys.argv[1]))["cycle_breakdown"].items()), end="")' "$T/x.json")"
# shellcheck disable=SC2086
"$V" $A --png "$T/x.png" --describe "$T/x.txt" --at-cycle 9000 2>/dev/null
check "the FIFO queue beside the frames, one row per resident page" test "$(grep -c '^policy fifo ' "$T/x.txt")" -eq 3

# 7. a real window under Xvfb: keystrokes, an in-process screenshot, quit 0
if command -v xvfb-run >/dev/null && command -v xdotool >/dev/null; then
  # Leak checking off for this one run: under AddressSanitizer, SDL's X11 and
  # D-Bus libraries leave a few allocations behind that are not the viewer's.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout 60 xvfb-run -a -s "-screen 0 1280x1024x24" sh -c "
    \"$V\" programs/vcopy.s programs/vcopy.s --mode paged --screenshot \"$T/live.png\" & pid=\$!
    w=\$(xdotool search --sync --name '^mmulab' | head -n1)
    xdotool windowfocus --sync \$w key n n n e g h h space
    sleep 1
    xdotool key --window \$w p q
    wait \$pid" >"$T/live" 2>&1
  rc=$?
  check "live window under Xvfb exits 0 (rc $rc: $(tail -n 2 "$T/live" | tr '\n' ' '))" test $rc -eq 0
  check "live window's screenshot is a 1280x800 PNG" test "$($PIX "$T/live.png" size 2>/dev/null)" = "1280 800"
  colours=$($PIX "$T/live.png" colours 2>/dev/null || echo 0)
  check "live screenshot is not blank ($colours colours)" test "$colours" -gt 20
else
  echo "skip: xvfb-run or xdotool missing (scripts/deps.sh viewer)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
