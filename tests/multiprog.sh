#!/usr/bin/env bash
# Multiprogramming through the command line (issue 6): `mmulab workload`
# (every fit on one workload, the CSV columns, a hand-made file with known
# answers, the fifty-percent rule), `mmulab thrash` (the knee, and the
# working-set allocator past it), compaction and swapping in `mmulab run`
# (events and their cycles in a --trace CSV, where each swapped process comes
# back under each binding), --partitions, and overlays.
#
# Usage: OUT=build tests/multiprog.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

# csv FILE PYTHON: run PYTHON with rows = the CSV's rows as dicts; it must not raise
csv() { python3 -c "import csv,sys; rows=list(csv.DictReader(open('$1'))); $2" 2>&1; }
# trace_sum FILE EVENT COLUMN: sum of a named column over the events of a kind
trace_sum() { tests/trace_table.py "$1" event "$3" | awk -F'\t' -v e="$2" '$1 == e { s += $2 } END { print s + 0 }'; }
trace_count() { awk -F, -v e="$2" 'NR > 1 && $3 == e { n++ } END { print n + 0 }' "$1"; }

echo "multiprog: workload"
begin "workload --fit all --seed 1: one row per fit, the CSV's exact columns"
mm workload --fit all --seed 1 --csv "$T/w.csv"
want_rc 0
want_eq "CSV header" "$(head -n1 "$T/w.csv")" \
    "fit,requests,refused,mean_wait,mean_holes,mean_allocated,lost_fraction,compactions,compaction_cycles"
want_eq "fits" "$(cut -d, -f1 "$T/w.csv" | tail -n +2 | tr '\n' ' ')" "first best worst next "
want_out "fifty-percent rule (first fit, seeds 1..10)"
end

begin "workload: first fit keeps about half as many holes as blocks (0.4..0.6)"
want_eq "ratio check" "$(csv "$T/w.csv" "r=[x for x in rows if x['fit']=='first'][0]; q=float(r['mean_holes'])/float(r['mean_allocated']); print(0.4<q<0.6)")" True
want_out_re "holes/blocks = 0\.[45][0-9]+ \+- 0\.0[0-9]+ \(95% CI\)"
end

begin "workload: the same arrivals for every fit (same request count), worst fit waits longest"
want_eq "requests" "$(cut -d, -f2 "$T/w.csv" | tail -n +2 | sort -u | wc -l)" 1
want_eq "worst waits most" "$(csv "$T/w.csv" "w={x['fit']:float(x['mean_wait']) for x in rows}; print(w['worst']==max(w.values()))")" True
end

# The hand-made file of tests/unit/test_workload.c: compaction moves one
# 32-byte partition, 8 words x 4 cycles.
printf '# arrival size lifetime\n0 32 100\n1 32 2\n2 32 100\n4 16 100\n5 20 100\n' >"$T/hand.wl"
begin "workload --file: compaction of 8 words at copy_word_cycles 4 costs 32 cycles"
mm workload --file "$T/hand.wl" --mem 100 --granule 4 --fit first --compact --warmup 0 --csv "$T/h.csv"
want_rc 0
want_eq "compactions,cycles" "$(tail -n1 "$T/h.csv" | cut -d, -f8,9)" "1,32"
want_eq "refused" "$(tail -n1 "$T/h.csv" | cut -d, -f3)" 0
end

begin "workload --file --on-full refuse: the fifth request is refused without compaction"
mm workload --file "$T/hand.wl" --mem 100 --granule 4 --fit first --on-full refuse --warmup 0 --csv "$T/h.csv"
want_rc 0
want_eq "refused" "$(tail -n1 "$T/h.csv" | cut -d, -f3)" 1
end

begin "workload: bad options say what is allowed (exit 2)"
mm workload --fit fastest
want_rc 2
want_err "first|best|worst|next"
mm workload --file "$T/none.wl"
want_rc 2
want_err "cannot open"
printf '0 10 5\n1 ten 5\n' >"$T/bad.wl"
mm workload --file "$T/bad.wl"
want_rc 2
want_err "bad.wl:2:"
end

echo "multiprog: thrash"
begin "thrash: utilisation rises, peaks inside the sweep, collapses below 0.7 of the peak"
mm thrash --csv "$T/t.csv"
want_rc 0
want_eq "CSV header" "$(head -n1 "$T/t.csv" | cut -d, -f1-4)" "degree,cpu_utilisation,fault_rate,allocator"
want_eq "knee" "$(csv "$T/t.csv" "u=[float(r['cpu_utilisation']) for r in rows]; k=u.index(max(u)); print(0<k<len(u)-1 and u[-1]<0.7*max(u) and u[0]<u[k])")" True
end

begin "thrash --alloc all: the working-set allocator keeps utilisation up past the knee"
mm thrash --alloc all --csv "$T/ta.csv"
want_rc 0
want_eq "ws at the last degree >= 0.8 of its peak, equal collapses" "$(csv "$T/ta.csv" "
ws=[float(r['cpu_utilisation']) for r in rows if r['allocator']=='ws']
eq=[float(r['cpu_utilisation']) for r in rows if r['allocator']=='equal']
print(ws[-1] >= 0.8*max(ws) and eq[-1] < 0.2*max(eq))")" True
end

begin "thrash --model: the self-contained model shows the knee too"
mm thrash --model --csv "$T/tm.csv"
want_rc 0
want_eq "knee" "$(csv "$T/tm.csv" "u=[float(r['cpu_utilisation']) for r in rows]; k=u.index(max(u)); print(k+1, u[-1]<0.7*max(u))")" "8 True"
end

begin "thrash: model options need --model, a missing worker is named (exit 2)"
mm thrash --pages 4
want_rc 2
want_err "add --model"
mm thrash --program "$T/none.s" --max-degree 1
want_rc 2
want_err "none.s: cannot open the file"
end

echo "multiprog: working sets, load control, device waits"
W=programs/thrash_worker.s
begin "run --ws-window: thrash_worker's working set is its 8 data pages and its code page"
mm run --mode paged --ws-window 2500 --max-cycles 5000000 $W
want_err_re "working set over 2500 references: mean 8\.[5-9] pages, largest 9;"
want_err_re "CPU idle [0-9]+ cycles"
end

begin "run --alloc ws: ten workers in 64 frames, load control admits seven (7 x 9 <= 64)"
mm run --mode paged --frames 64 --alloc ws --max-cycles 5000000 --stats-json "$T/ws.json" $W $W $W $W $W $W $W $W $W $W
want_err "load control (--alloc ws)"
want_eq "workers that ran" "$(grep -c 'working set over' "$T/err")" 7
end

echo "multiprog: compaction, swapping, overlays in run"
LONG="programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s"
begin "run --swap hwreloc: five processes in room for three, each transfer 2 cycles a byte, all right"
mm run --mode hwreloc --mem 16K --stack 2K --swap --check --trace "$T/s.csv" $LONG
want_rc 0
want_eq "checks ok" "$(grep -c '^check programs/longsum.s: ok' "$T/err")" 5
want_eq "swap-out cycles = 2 x bytes" "$(trace_sum "$T/s.csv" "swap out" duration)" "$((2 * $(trace_sum "$T/s.csv" "swap out" bytes)))"
want_eq "swap-in cycles = 2 x bytes" "$(trace_sum "$T/s.csv" "swap in" duration)" "$((2 * $(trace_sum "$T/s.csv" "swap in" bytes)))"
want_eq "as many in as out" "$(trace_count "$T/s.csv" "swap in")" "$(trace_count "$T/s.csv" "swap out")"
want_err "at a new place: the OS changed its base register"
end

begin "run --swap swreloc: a swapped process comes back to the same place, all right"
mm run --mode swreloc --mem 16K --stack 2K --swap --check --trace "$T/s.csv" $LONG
want_rc 0
want_eq "checks ok" "$(grep -c '^check programs/longsum.s: ok' "$T/err")" 5
want_eq "every swap-in at its last swap-out's base" "$(tests/trace_table.py "$T/s.csv" event pid base |
    awk -F'\t' '$1 == "swap out" { out[$2] = $3 } $1 == "swap in" && out[$2] != $3 { bad++ } END { print bad + 0 }')" 0
end

begin "run --swap --swap-back relocate swreloc: relocated again, stale registers break some results"
mm run --mode swreloc --swap-back relocate --mem 16K --stack 2K --swap --check $LONG
want_rc 1
want_err "register(s) still hold addresses in the old place"
want_err "expected \"longsum=27200"
end

begin "run --priority: the low-priority program is rolled out first"
mm run --mode hwreloc --mem 16K --stack 2K --swap --priority 5,0,5 --trace "$T/p.csv" \
    programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s
want_rc 0
want_eq "first roll-out" "$(awk -F, 'NR > 1 && $3 == "swap out" { print $5; exit }' "$T/p.csv")" 2
end

begin "run --compact hwreloc: compaction moves a partition, words x copy_word_cycles"
mm run --mode hwreloc --mem 20K --stack 2K --swap --compact --partitions --check --trace "$T/c.csv" \
    programs/longsum.s programs/vcopy.s programs/longsum.s programs/checksum.s programs/longsum.s
want_rc 0
want_eq "moves" "$(trace_count "$T/c.csv" "process moved")" 1
want_eq "move cycles = bytes / 4 x 4" "$(trace_sum "$T/c.csv" "process moved" duration)" "$(trace_sum "$T/c.csv" "process moved" bytes)"
want_err_re "compaction 1: moved [0-9]+ bytes \([0-9]+ words x 4 cycles"
want_err "partitions when memory was fullest"
want_err "internal fragmentation"
end

begin "run --granule 256 --partitions: requested vs allocated bytes show internal fragmentation"
mm run --mode hwreloc --granule 256 --partitions programs/vcopy.s programs/checksum.s
want_rc 0
want_err_re "requested [0-9]+ bytes, allocated [0-9]+ \(granule 256\): internal fragmentation [1-9][0-9]* bytes"
end

begin "run overlay.s: three phases loaded by SYSCALL #20, each a disk read of its length"
mm run --mode hwreloc --check --trace "$T/o.csv" programs/overlay.s
want_rc 0
want_err "check programs/overlay.s: ok"
want_eq "disk reads" "$(trace_count "$T/o.csv" "disk read")" 3
want_eq "read cycles = 2 x bytes" "$(trace_sum "$T/o.csv" "disk read" duration)" "$((2 * $(trace_sum "$T/o.csv" "disk read" bytes)))"
end

begin "run overlay_paged.s under paging: the same answer, phases paged in on demand"
mm run --mode paged --check programs/overlay_paged.s
want_rc 0
want_err "check programs/overlay_paged.s: ok"
end

finish
