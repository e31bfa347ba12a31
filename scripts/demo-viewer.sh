#!/bin/sh
# Pictures of the seed's vector copy under each memory-management mode, for
# `make demo`: OUT/viewer-MODE.png (one process) and OUT/viewer-MODE-2procs.png
# (two copies side by side), each rendered headless by build/mmulab-view at a
# cycle inside the copy loop: a little before the first process exits, read
# from the run's own trace.
# Usage: scripts/demo-viewer.sh OUT [BUILD]    (BUILD defaults to build)
# Without build/mmulab-view (no SDL), it says so and exits 0.
set -eu
out=${1:?usage: scripts/demo-viewer.sh OUT [BUILD]}
build=${2:-build}
if [ ! -x "$build/mmulab-view" ]; then
    echo "demo-viewer: no $build/mmulab-view (make viewer); no pictures" >&2
    exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in bare swreloc hwreloc paged; do
    for n in 1 2; do
        progs="programs/vcopy.s"
        suffix=""
        if [ "$n" = 2 ]; then progs="programs/vcopy.s programs/vcopy.s"; suffix="-2procs"; fi
        [ "$mode" = bare ] && [ "$n" = 2 ] && continue # monoprogramming: one at a time
        # shellcheck disable=SC2086
        "$build/mmulab" run --quiet --mode "$mode" --trace "$tmp/t.csv" $progs >/dev/null
        at=$(awk -F, '$3 == "process exit" { print ($1 > 150 ? $1 - 120 : $1); exit }' "$tmp/t.csv")
        # shellcheck disable=SC2086
        "$build/mmulab-view" $progs --mode "$mode" --png "$out/viewer-$mode$suffix.png" --at-cycle "${at:-1000}"
        echo "$out/viewer-$mode$suffix.png (cycle ${at:-1000})"
    done
done
