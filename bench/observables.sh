#!/usr/bin/env bash
# What a run shows, recorded for every program and configuration, so that a
# change to the model's insides (the MMU unit, the fast path) can be shown to
# change nothing observable.
#
#   bench/observables.sh record BIN DIR    run BIN (an mmulab binary) over every case, one file per case in DIR
#   bench/observables.sh compare A B       compare two recordings; lists the cases that differ, exit 1 if any
#
# A case is a program (programs/, tests/rtl/progs/, tests/viewer/ and bench/) under one configuration: every mode, paged with
# demand paging and few frames, every TLB policy on a small set-associative
# TLB, a single-stepping run (--audit: the reference path on every
# instruction) and two changed timing tables.  Each case file holds the exit
# status, stdout and stderr, the --stats-json and the CSV --trace.  tlbsim
# over a made-up din trace, and (when BIN is build/mmulab-rtl)
# lockstep runs and the random MMU co-simulation are cases as well.
set -u
cd "$(dirname "$0")/.." || exit 2

usage() { echo "usage: bench/observables.sh record BIN DIR | compare DIR_A DIR_B" >&2; exit 2; }

# One configuration per line: a name, then the run options.
CONFIGS='
bare        --mode bare
swreloc     --mode swreloc
hwreloc     --mode hwreloc
paged       --mode paged
paged-pre   --mode paged --prefault --tlb 8
paged-few   --mode paged --frames 3 --tlb 4 --replace clock
paged-fifo  --mode paged --tlb 8 --tlb-ways 2 --tlb-policy fifo
paged-rand  --mode paged --tlb 8 --tlb-ways 4 --tlb-policy random --seed 7
paged-plru  --mode paged --tlb 8 --tlb-ways 4 --tlb-policy plru
paged-1way  --mode paged --tlb 16 --tlb-ways 1 --page-size 1K --levels 3
paged-audit --mode paged --tlb 4 --audit
hw-audit    --mode hwreloc --audit
time-a      --mode paged --tlb 4 --timing mem_cycles=5 --timing tlb_hit_cycles=0 --timing exec_cycles=3
time-b      --mode hwreloc --timing reloc_cycles=2 --timing mem_cycles=1 --timing trap_cycles=7
time-c      --mode bare --timing mem_cycles=0 --timing mul_cycles=0 --timing div_cycles=0
'

programs() {
    ls programs/*.s tests/rtl/progs/*.s tests/viewer/*.s bench/twopage.s bench/callelem.s
    echo bench/copy.s
}

# Cases too long for the single-stepping and tiny-TLB configurations.
is_long() { case "$1" in bench/copy.s | bench/stride.s) return 0 ;; esac; return 1; }

run_case() { # BIN OUTFILE ARGS...
    local bin=$1 out=$2; shift 2
    local t; t=$(mktemp -d)
    (cd "$t" && "$bin" run --stats-json s.json --trace t.csv "$@" >o.txt 2>e.txt; echo "exit $?" >rc.txt)
    { cat "$t/rc.txt"; echo "--- stdout"; cat "$t/o.txt"; echo "--- stderr"; cat "$t/e.txt"
      echo "--- stats"; cat "$t/s.json" 2>/dev/null; echo "--- trace"; cat "$t/t.csv" 2>/dev/null; } >"$out"
    rm -rf "$t"
}

record() {
    local bin dir; bin=$(readlink -f "$1"); dir=$2
    mkdir -p "$dir"
    local root; root=$(pwd)
    echo "$CONFIGS" | while read -r name opts; do
        [ -n "$name" ] || continue
        for p in $(programs); do
            if is_long "$p"; then case "$name" in *audit | paged-few | time-a) continue ;; esac; fi
            # shellcheck disable=SC2086
            run_case "$bin" "$dir/$name--$(echo "$p" | tr / _)" $opts --max-cycles 200000000 "$root/$p"
        done
    done
    # side by side: two processes, a context switch every quantum
    run_case "$bin" "$dir/multi-paged" --mode paged --tlb 8 --asid-bits 2 --quantum 3000 "$root/programs/vcopy.s" \
        "$root/programs/checksum.s" "$root/programs/strcopy.s"
    run_case "$bin" "$dir/multi-hw" --mode hwreloc --quantum 2000 "$root/programs/vcopy.s" "$root/programs/recurse.s"
    # tlbsim over a made-up din trace: a loop's fetches, a heap, a stack
    local t; t=$(mktemp -d)
    python3 - "$t/g.din" <<'PY'
import random, sys
r = random.Random(3); out = open(sys.argv[1], "w"); pc = 0x400000
for i in range(30000):
    out.write("2 %x\n" % pc); pc = pc + 4 if r.random() < 0.9 else 0x400000 + 4 * r.randrange(3000)
    if r.random() < 0.5: out.write("%d %x\n" % (r.randrange(2), 0x10000000 + 4096 * r.randrange(40) + 8 * r.randrange(512)))
    if r.random() < 0.01: out.write("4 0\n")
PY
    for pol in lru fifo random plru; do
        (cd "$t" && "$bin" tlbsim --trace g.din --tlb 8 --tlb-ways 4 --tlb-policy "$pol" --seed 5) >"$dir/tlbsim-$pol" 2>&1
        echo "exit $?" >>"$dir/tlbsim-$pol"
    done
    (cd "$t" && "$bin" tlbsim --trace g.din --tlb 16 --frames 24 --replace clock) >"$dir/tlbsim-frames" 2>&1
    echo "exit $?" >>"$dir/tlbsim-frames"
    rm -rf "$t"
    if "$bin" cosim --random 1 >/dev/null 2>&1; then
        for p in programs/vcopy.s programs/recurse.s programs/selfmod.s tests/rtl/progs/*.s bench/twopage.s; do
            for mode in hwreloc paged; do
                "$bin" cosim --quiet --mode "$mode" --tlb 4 "$root/$p" >"$dir/cosim-$mode--$(echo "$p" | tr / _)" 2>&1
                echo "exit $?" >>"$dir/cosim-$mode--$(echo "$p" | tr / _)"
            done
        done
        for seed in 1 2 3; do
            "$bin" cosim --random 20000 --seed "$seed" >"$dir/cosim-random-$seed" 2>&1
            echo "exit $?" >>"$dir/cosim-random-$seed"
        done
    fi
    ls "$dir" | wc -l
}

# A case file less the build's version string (`mmulab_version`, in the
# configuration records), which names the commit each binary was built from.
without_version() { [ -e "$1" ] && sed -E 's/"?mmulab_version"?([,:] *)"?[^",]*"?/mmulab_version\1VERSION/' "$1"; }

compare() {
    local a=$1 b=$2 bad=0 n=0
    for f in "$a"/*; do
        n=$((n + 1))
        local g; g="$b/$(basename "$f")"
        if ! cmp -s <(without_version "$f") <(without_version "$g"); then
            echo "differs: $(basename "$f")"
            bad=$((bad + 1))
        fi
    done
    for g in "$b"/*; do [ -e "$a/$(basename "$g")" ] || { echo "only in $b: $(basename "$g")"; bad=$((bad + 1)); }; done
    echo "$n cases, $bad differ"
    [ "$bad" -eq 0 ]
}

case "${1:-}" in
record) [ $# -eq 3 ] || usage; record "$2" "$3" ;;
compare) [ $# -eq 3 ] || usage; compare "$2" "$3" ;;
*) usage ;;
esac
