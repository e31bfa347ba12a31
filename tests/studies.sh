#!/usr/bin/env bash
# Studies: lists and ranges, one pass against separate runs, the rows in CSV
# and JSON, the figures, the din export of a run, and local sweeps (resume,
# a failed point).  The Slurm side is tests/slurm.sh.
# Usage: OUT=build tests/studies.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
MM_TIMEOUT=120

# ispicture FILE: a PNG or an SVG with something drawn in it.
ispicture() {
    local head
    head=$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    [ "$head" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$1")" -gt 8000 ] && return 0
    grep -q "<svg" "$1" 2>/dev/null && grep -q "<path" "$1" && return 0
    return 1
}
# col CSV NAME: the values of a column, space-separated (no quoting needed here)
col() { awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next } { printf "%s ", $c }' "$1"; }

# A random trace with flushes and a hot set, reproducible from a seed.
trace() { # SEED REFS PAGES FILE
    awk -v seed="$1" -v n="$2" -v pages="$3" 'BEGIN { srand(seed)
        for (i = 0; i < n; i++) {
            if (rand() < 0.0005) { print "4 0"; continue }
            p = rand() < 0.7 ? int(rand() * 24) : int(rand() * pages)
            printf "%d %x\n", int(rand() * 3), p * 4096 + int(rand() * 1024) * 4
        } }' >"$4"
}

BELADY="1 2 3 4 1 2 5 1 2 3 4 5"

echo "studies: lists and ranges"
begin "refs --frames 1..6 --policy fifo: a row per point, Belady named, the JSON carries each point"
mm refs --frames 1..6 --policy fifo --json "$T/b.json" --csv "$T/b.csv" "$BELADY"
want_rc 0
want_eq "faults 1..6" "$(col "$T/b.csv" faults)" "12 12 9 10 5 5 "
want_out "Belady's anomaly: fifo: faults rise from 9 with 3 frames to 10 with 4 frames"
want_eq "json point 4" "$(jv "$T/b.json" 3.faults)/$(jv "$T/b.json" 3.frames)/$(jv "$T/b.json" 3.policy)" "10/4/fifo"
end

begin "refs: a list of frames equals one run per frame count, every policy"
mm refs --frames 2,3..5 --policy all --csv "$T/r.csv" "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1"
want_rc 0
for f in 2 3 4 5; do
    for p in fifo lru opt clock; do
        one=$("$M" refs --frames $f --policy $p "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1" | sed -n "s/^$p: \([0-9]*\) faults/\1/p")
        got=$(awk -F, -v f=$f -v p=$p 'NR > 1 && $3 == f && $4 == p { print $5 }' "$T/r.csv")
        want_eq "$p with $f frames" "$got" "$one"
    done
done
end

begin "lists: malformed items are named with the option (exit 2)"
mm refs --frames 5..2 "$BELADY"
want_rc 2
want_err "--frames '5..2'"
mm refs --frames 1,,3 "$BELADY"
want_rc 2
want_err "empty item"
mm tlbsim --trace /dev/null --tlb 8,x
want_rc 2
want_err "--tlb 'x'"
mm run --mode paged --replace fifo,worst programs/belady.s
want_rc 2
want_err "allowed values are"
end

echo "studies: one pass"
trace 7 60000 900 "$T/a.din"
trace 11 40000 5000 "$T/b.din"
awk 'NR % 3 != 0' "$T/a.din" >"$T/c.din" # another mix, its own flushes
for t in a b c; do
    begin "tlbsim $t.din: stack distances equal simulating every configuration, with and without frames"
    for grid in "--tlb 1..9:2,16,64,200 --page-size 4K,64K" "--tlb 4,32,128 --frames 8,40,300 --replace lru"; do
        mm tlbsim --trace "$T/$t.din" $grid --csv "$T/one.csv"
        want_rc 0
        want_eq "stack-distance rows" "$(grep -c stack-distance "$T/one.csv")" "$(($(wc -l <"$T/one.csv") - 1))"
        mm tlbsim --trace "$T/$t.din" $grid --simulate-all --csv "$T/sim.csv"
        want_eq "$grid" "$(cut -d, -f1-16 "$T/one.csv" | md5sum)" "$(cut -d, -f1-16 "$T/sim.csv" | md5sum)"
    done
    end
done

begin "tlbsim: three sizes in one run equal three separate runs (--stats-json)"
mm tlbsim --trace "$T/b.din" --tlb 8,16,64 --tlb-ways full --tlb-policy lru --json "$T/t.json"
for n in 8 16 64; do
    "$M" tlbsim --trace "$T/b.din" --tlb $n --tlb-ways full --tlb-policy lru --stats-json "$T/s.json" >/dev/null
    i=$(( n == 8 ? 0 : n == 16 ? 1 : 2 ))
    want_eq "$n entries" "$(jv "$T/t.json" $i.tlb_misses)" "$(jv "$T/s.json" tlb_misses)"
done
end

begin "tlbsim: mixed grid (set-associative, fifo, opt) in one pass equals separate runs"
mm tlbsim --trace "$T/c.din" --tlb 16,64 --tlb-ways full,4 --tlb-policy lru,fifo --frames 30 --replace opt,fifo --csv "$T/m.csv"
want_rc 0
want_eq "points" "$(($(wc -l <"$T/m.csv") - 1))" 16
while IFS=, read -r _ _ _ n w p _ f r _ _ _ miss _ faults _; do
    "$M" tlbsim --trace "$T/c.din" --tlb "$n" --tlb-ways "$w" --tlb-policy "$p" --frames "$f" --replace "$r" \
        --stats-json "$T/s.json" >/dev/null
    want_eq "$n/$w/$p/$r" "$miss/$faults" "$(jv "$T/s.json" tlb_misses)/$(jv "$T/s.json" page_faults)"
done < <(tail -n +2 "$T/m.csv")
end

begin "tlbsim --tlb 8,16,32,64 --tlb-ways full,4 --replace all --page-size 4K,8K: a row per point"
mm tlbsim --trace "$T/a.din" --tlb 8,16,32,64 --tlb-ways full,4 --replace all --page-size 4K,8K --json "$T/g.json"
want_rc 0
want_err "warning: --replace does nothing without --frames"
want_eq "rows" "$(grep -c '"tlb_entries"' "$T/g.json")" 64
want_eq "4-way 8 entries 8K" "$(jflat "$T/g.json" | grep -c 'tlb_ways=4')" 32
end

begin "tlbsim: --stats-json with several points is refused"
mm tlbsim --trace "$T/a.din" --tlb 8,16 --stats-json "$T/s.json"
want_rc 2
want_err "use --json or --csv"
end

echo "studies: programs"
begin "run --frames 2..6 --replace all programs/belady.s: each point a full run, FIFO rises"
mm run --mode paged --frames 2..6 --replace all --csv "$T/run.csv" --json "$T/run.json" programs/belady.s
want_rc 0
want_eq "fifo faults" "$(awk -F, 'NR > 1 && $5 == "fifo" { printf "%s ", $22 }' "$T/run.csv")" "12 9 10 5 5 "
want_eq "lru faults" "$(awk -F, 'NR > 1 && $5 == "lru" { printf "%s ", $22 }' "$T/run.csv")" "12 10 8 5 5 "
want_out "Belady's anomaly: fifo: page_faults rise from 9 with 3 frames to 10 with 4 frames"
want_eq "a point's configuration" "$(jv "$T/run.json" 2.mode)/$(jv "$T/run.json" 2.frames)/$(jv "$T/run.json" 2.replace)" "paged/2/opt"
"$M" run --mode paged --frames 4 --replace fifo --stats-json "$T/s.json" programs/belady.s 2>/dev/null
want_eq "point = separate run (cycles)" "$(awk -F, 'NR > 1 && $5 == "fifo" && $4 == 4 { print $17 }' "$T/run.csv")" \
    "$(jv "$T/s.json" cycles)"
end

begin "belady.s: the OS faults as refs does on the program's page string, for every policy"
mm run --mode paged --frames 2..5 --replace all --csv "$T/run.csv" programs/belady.s
mm refs --frames 2..5 --policy all --csv "$T/refs.csv" "0 1 2 3 0 1 4 0 1 2 3 4"
want_eq "faults" "$(awk -F, 'NR > 1 { print $4, $5, $22 }' "$T/run.csv" | sort)" \
    "$(awk -F, 'NR > 1 { print $3, $4, $5 }' "$T/refs.csv" | sort)"
end

begin "run --mem-trace: din lines per completed instruction, readable by tlbsim"
mm run --mode paged --mem-trace "$T/v.din" --stats-json "$T/v.json" programs/vcopy.s
want_rc 0
want_eq "fetches = instructions" "$(grep -c '^2 ' "$T/v.din")" "$(jv "$T/v.json" instructions)"
want_eq "reads + writes = loads + stores" "$(grep -c '^[01] ' "$T/v.din")" \
    "$(($(jv "$T/v.json" loads) + $(jv "$T/v.json" stores)))"
want_eq "virtual: the copy's source at 1000 (0x3e8) is read" "$(grep -c '^0 3e8 1$' "$T/v.din")" 1
want_eq "the first fetch is the entry point, pid 1" "$(head -n1 "$T/v.din")" "2 64 1"
mm tlbsim --trace "$T/v.din" --tlb 16
want_rc 0
want_out "references   $(wc -l <"$T/v.din")"
end

begin "run --mem-trace: two processes, each line names its pid"
mm run --mode paged --mem-trace "$T/two.din" programs/vcopy.s programs/checksum.s
want_rc 0
want_eq "pids" "$(awk '{ print $3 }' "$T/two.din" | sort -u | tr '\n' ' ')" "1 2 "
end

echo "studies: figures"
if command -v gnuplot >/dev/null; then
    begin "--plot draws each study's figure (PNG and SVG)"
    mm refs --frames 1..6 --policy all --plot "$T/refs.png" "$BELADY"
    want "refs png" ispicture "$T/refs.png"
    mm tlbsim --trace "$T/a.din" --tlb 4,8,16,32 --tlb-ways full,4 --page-size 4K,8K --plot "$T/tlb.svg"
    want "tlbsim svg" ispicture "$T/tlb.svg"
    want "the legend names the page size" grep -q "page_size" "$T/tlb.svg"
    mm thrash --alloc all --max-degree 4 --plot "$T/th.svg"
    want "thrash svg" ispicture "$T/th.svg"
    want "thrash title" grep -q "degree of multiprogramming" "$T/th.svg"
    mm workload --count 600 --warmup 100 --plot "$T/w.png"
    want "workload png" ispicture "$T/w.png"
    mm compare --plot "$T/c.png" programs/vcopy.s
    want "compare png" ispicture "$T/c.png"
    mm run --mode paged --frames 2..6 --replace fifo,lru --plot "$T/run.svg" programs/belady.s
    want "run svg" ispicture "$T/run.svg"
    want "run title names the program" grep -q "belady.s" "$T/run.svg"
    end
else
    echo "  (gnuplot is not installed: the figure cases are skipped; scripts/deps.sh plot installs it)"
fi

begin "--plot: a name gnuplot cannot write is refused before running (exit 2)"
mm refs --frames 1..3 --plot "$T/x.gif" "$BELADY"
want_rc 2
want_err ".png or .svg"
mm run --mode paged --plot "$T/x.pdf" programs/belady.s
want_rc 2
want_err "--plot"
end

echo "studies: sweeps"
cat >"$T/s.spec" <<EOF
# faults against frames, every policy, on the textbook string
command refs
fixed   --policy all "$BELADY"
axis    --frames 1..6
output  $T/s.out
EOF
begin "sweep SPEC -j 2: one row per point, merged in order, with the figure"
mm sweep "$T/s.spec" -j 2
want_rc 0
want_out "6 of 6 points merged (24 rows)"
want_eq "fifo rows" "$(awk -F, 'NR > 1 && $4 == "fifo" { printf "%s ", $5 }' "$T/s.out/results.csv")" "12 12 9 10 5 5 "
want "results.json" test -s "$T/s.out/results.json"
command -v gnuplot >/dev/null && want "figure" ispicture "$T/s.out/plot.png"
end

begin "sweep: the rows equal the command's own list run"
mm refs --frames 1..6 --policy all --csv "$T/direct.csv" "$BELADY"
want_eq "rows" "$(cut -d, -f1-5 "$T/s.out/results.csv" | md5sum)" "$(md5sum <"$T/direct.csv")"
end

begin "sweep: resumes, running only the points without rows"
rm "$T/s.out/points/000002.csv" "$T/s.out/points/000004.csv"
touch -d '2000-01-01' "$T/s.out/points/000000.csv"
mm sweep "$T/s.spec" -j 1
want_rc 0
want "point 0 untouched" test "$(stat -c %Y "$T/s.out/points/000000.csv")" -lt 1000000000
want "point 2 made again" test -s "$T/s.out/points/000002.csv"
want_out "6 of 6 points merged"
mm sweep "$T/s.spec" --dry-run
want_eq "every point done" "$(grep -c ' done ' "$T/out")" 6
end

cat >"$T/f.spec" <<EOF
command refs
fixed   --policy fifo "$BELADY"
axis    --frames 3,0,4
output  $T/f.out
EOF
begin "sweep: a failed point is reported with its command; the others are kept (exit 1)"
mm sweep "$T/f.spec"
want_rc 1
want_err "point 1 failed (exit 2): mmulab refs --policy fifo '$BELADY' --frames 0"
want_err "--frames '0'"
want_out "2 of 3 points merged"
want_eq "kept" "$(col "$T/f.out/results.csv" faults)" "9 10 "
end

cat >"$T/c.spec" <<EOF
command timing
axis    --timing tlb_hit_cycles=1,tlb_hit_cycles=2
output  $T/c.out
EOF
begin "sweep: a command without rows gets its axis values, exit code and time"
mm sweep "$T/c.spec"
want_rc 0
want_eq "header" "$(head -n1 "$T/c.out/results.csv")" "command,timing,exit_code,seconds,arguments,point"
want_eq "exit codes" "$(col "$T/c.out/results.csv" exit_code)" "0 0 "
end

begin "sweep: an output directory holding another sweep's points is refused (exit 2)"
sed 's/axis    --frames 1..6/axis    --frames 2..7/' "$T/s.spec" >"$T/s2.spec"
mm sweep "$T/s2.spec"
want_rc 2
want_err "holds the results of another sweep"
end

begin "sweep: --merge DIR merges a results directory; bad specs name the line (exit 2)"
rm "$T/s.out/results.csv"
mm sweep --merge "$T/s.out"
want_rc 0
want "merged again" test -s "$T/s.out/results.csv"
printf 'command refs\naxis --frames\n' >"$T/bad.spec"
mm sweep "$T/bad.spec"
want_rc 2
want_err "bad.spec:2: error"
printf 'fixed --frames 3\n' >"$T/bad.spec"
mm sweep "$T/bad.spec"
want_rc 2
want_err "no \`command NAME\` line"
mm sweep --merge "$T"
want_rc 2
want_err "not a sweep's results"
end

finish
