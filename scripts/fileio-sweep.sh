#!/usr/bin/env bash
# Slide 63 measured: the cycles of counting the blanks of a file with read()
# (programs/read_count.s) and through mmap (programs/mmap_count.s), the same
# user loop on both sides, and of copying it with read/write
# (programs/read_copy.s) and through two mappings (programs/mmap_copy.s), for
# a range of file sizes.  Prints a Markdown table (docs/services.md shows it).
# Usage: scripts/fileio-sweep.sh [SIZE...]   (run from the project root, after make)
set -eu
M="${M:-build/mmulab}"
P=$(pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(16 256 512 1024 2048 4096 16384 65536 409600)
cycles() { # program -> cycles of a paged run in $T
    "$M" run --mode paged --root "$T" --stats-json "$T/s.json" "$P/programs/$1" >/dev/null 2>&1
    python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['cycles'])" "$T/s.json"
}
echo "| file bytes | count: read() | count: mmap | mmap/read | copy: read/write | copy: mmap |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    python3 -c "import random,sys; r=random.Random(3); n=int(sys.argv[1])
open(sys.argv[2],'w').write(''.join(r.choice('abcdefgh  ') for _ in range(n)))" "$n" "$T/data.txt"
    cp "$T/data.txt" "$T/f1"
    rc=$(cycles read_count.s); mc=$(cycles mmap_count.s)
    ry=$(cycles read_copy.s); my=$(cycles mmap_copy.s)
    cmp -s "$T/f1" "$T/f2" || { echo "copy of $n bytes differs" >&2; exit 1; }
    printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$rc" "$mc" "$(python3 -c "print(f'{$mc/$rc:.2f}')")" "$ry" "$my"
done
