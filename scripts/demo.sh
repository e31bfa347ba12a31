#!/bin/sh
# `make demo`: the seed's vector copy (slide 5) under each memory-management
# scheme, then the two comparisons that show what each scheme costs and
# protects.  Usage: scripts/demo.sh [OUT]   (OUT: the build directory)
set -e
OUT=${1:-build}
M=$OUT/mmulab
[ -x "$M" ] || { echo "demo: no $M; run make first" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/mmulab-demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
P=programs/vcopy.s

section() { printf '\n==== %s ====\n\n' "$*"; }

section "1. The seed's vector copy, assembled: address, encoding, source (mmulab asm $P -l)"
"$M" asm "$P" -o "$T/vcopy.x" -l "$T/vcopy.lst"
# the listing from the code on (the file's header comment is left out)
awk '/^ +\.text/ { on = 1 } on' "$T/vcopy.lst"

count=$(printf '%d' "$("$M" run --quiet --dump 1500:1 "$T/vcopy.x" | awk '{ print $2 }')")
section "2. Running it: the $count words at 2000 (the destination) after the copy, as ADDRESS: VALUE"
for run in "bare" "swreloc --base 10000" "hwreloc --base 10000" "paged --tlb 16"; do
    set -- $run
    case $1 in
    bare) what="monoprogramming: the program at 0, the OS at the top" ;;
    swreloc) what="software relocation: the loader patched every address to base 10000" ;;
    hwreloc) what="hardware relocation: unmodified, the MMU adds base 10000 and checks the limit" ;;
    paged) what="demand paging: 4 KiB pages, two-level tables, a 16-entry TLB; none resident at start" ;;
    esac
    printf -- '-- %s (%s)\n' "$1" "$what"
    "$M" run --mode $run --dump 2000:"$count" "$T/vcopy.x" 2>"$T/err" |
        while read -r addr value; do printf '   %d: %d\n' "$addr" "$value"; done | paste -d ' ' - - - - -
    sed 's/^mmulab: /   /' "$T/err"
    echo
done

section "3. mmulab compare $P: what each scheme costs, and moving the process mid-run"
"$M" compare "$P"

section "4. mmulab compare programs/escape.s $P: a store outside its partition"
"$M" compare programs/escape.s "$P"

section "5. Paging: the textbook reference string under each replacement policy (mmulab refs)"
"$M" refs --frames 3 --policy all "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1" | tail -n 4

section "6. Paging: the vector copy with its TLB and page-fault counts (mmulab run --mode paged --stats -)"
"$M" run --quiet --mode paged --stats - "$P" | grep -E "system\.(tlb_|walks|page_faults|major|minor|fault_cycles|cycles)"

section "7. Pictures: the viewer's view of the vector copy under each mode (build/demo/)"
scripts/demo-viewer.sh "$OUT/demo" "$OUT"
