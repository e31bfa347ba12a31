#!/usr/bin/env bash
# Segmentation through the command line (issue 19): one segment per region
# and its protection (programs/segments.s), demand segmentation and
# --prefault, the grow-down stack grown in place and by moving, swapping
# whole segments and compaction when memory is short, the descriptor cache's
# cycles, sections that do not fit a segment, bad options, the compare
# column, the viewer; and each of these runs in lockstep on the RTL when
# $OUT/mmulab-rtl exists.
#
# Usage: OUT=build tests/seg.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

RTL=$(dirname "$M")/mmulab-rtl
MULTI="programs/strcopy.s programs/checksum.s programs/vcopy.s programs/recurse.s programs/checksum.s"
# lockstep ARGS...: the same run on both engines, when the RTL is built
lockstep() {
    [ -x "$RTL" ] || return 0
    local saved=$M
    M=$RTL mm cosim "$@"
    M=$saved
    want_rc 0
    want_out_re "^cosim: [0-9]+ instructions, [0-9]+ cycles, 0 divergences$"
}

echo "seg: regions and protection"
begin "segments.s: code, data and bss in segments 0, 1, 2; a store into the code is stopped"
mm run --mode seg --check --stats-json "$T/j" programs/segments.s
want_rc 1
want_err "check programs/segments.s: ok (2 expectations)"
want_err "store at pc 0x00000014, logical address 0x00000000, physical address"
want_err "(segment 0 code: base"
want_eq "segment_protection faults" "$(jv "$T/j" faults.segment_protection)" 1
end
begin "segments.s in lockstep"
lockstep --mode seg programs/segments.s
end

begin "three copies of segments.s share one code segment; none can write it"
mm run --mode seg --stats-json "$T/j" programs/segments.s programs/segments.s programs/segments.s
want_rc 1
want_eq "code segments shared" "$(jv "$T/j" shared_maps)" 2
want_eq "one physical code block" "$(grep -o 'segment 0 code: base 0x[0-9a-f]*' "$T/err" | sort -u | wc -l)" 1
want_eq "every store into it stopped" "$(grep -c 'stopped: segment fault: access not allowed' "$T/err")" 3
end
begin "shared code in lockstep, swapped and compacted around it"
lockstep --mode seg --mem 20K --swap --compact --quantum 150 programs/segments.s programs/vcopy.s programs/segments.s \
    programs/checksum.s
end

echo "seg: demand segmentation"
begin "vcopy: nothing loaded before the first reference; one segment fault brings code and data in"
mm run --mode seg --check --stats-json "$T/j" programs/vcopy.s
want_rc 0
want_eq "load_cycles" "$(jv "$T/j" load_cycles)" 0
want_eq "segment faults served" "$(jv "$T/j" page_faults)" 1
want_eq "segment_not_present stops" "$(jv "$T/j" faults.segment_not_present)" ""
end
begin "--prefault: every segment at load, no segment fault"
mm run --mode seg --prefault --check --stats-json "$T/j" programs/segments.s
want_rc 1
want_eq "segment faults served" "$(jv "$T/j" page_faults)" 0
[ "$(jv "$T/j" load_cycles)" -gt 0 ] || fail_because "load_cycles $(jv "$T/j" load_cycles), want > 0"
end

echo "seg: the stack grows down"
begin "recurse.s with a 64-byte stack: the stack segment grows at each fault below it and the result holds"
mm run --mode seg --stack 64 --check --stats-json "$T/j" programs/recurse.s
want_rc 0
want_err "check programs/recurse.s: ok"
pf=$(jv "$T/j" page_faults)
[ "$pf" -ge 3 ] || fail_because "$pf segment faults, want the code's and at least two growths"
end
begin "the stack's growth in lockstep"
lockstep --mode seg --stack 64 programs/recurse.s
end

echo "seg: memory short: swapping whole segments, compaction"
begin "five programs in 20K without --swap: a process is stopped for want of room"
mm run --mode seg --mem 20K --quantum 200 $MULTI
want_rc 1
want_err "segment fault: segment not in memory"
end
begin "five programs in 20K with --swap --compact: every one ends right; segments swapped and memory compacted"
mm run --mode seg --mem 20K --swap --compact --quantum 200 --stats-json "$T/j" $MULTI
want_rc 0
want_out "Hello, memory!"
want_err_re "swapped out segment [0-9]+ \([a-z]+, [0-9]+ bytes\) of process [0-9]+"
want_err_re "compaction [0-9]+: moved [0-9]+ bytes"
for i in 0 1 2 3 4; do want_eq "process $((i + 1)) exit" "$(jv "$T/j" "processes.$i.exit_code")" 0; done
end
begin "swapping and compaction in lockstep"
lockstep --mode seg --mem 20K --swap --compact --quantum 200 $MULTI
end

echo "seg: the descriptor cache's cycles (docs/timing.md)"
begin "without a cache every access reads two descriptor words: + 2 x mem_cycles per access"
mm run --mode seg --prefault --stats-json "$T/c4" programs/vcopy.s
mm run --mode seg --prefault --seg-cache 0 --stats-json "$T/c0" programs/vcopy.s
want_rc 0
acc=$(( $(jv "$T/c4" instructions) + $(jv "$T/c4" loads) + $(jv "$T/c4" stores) ))
want_eq "misses without a cache" "$(jv "$T/c0" tlb_misses)" "$acc"
want_eq "cycles without a cache" "$(jv "$T/c0" run_cycles)" \
    $(( $(jv "$T/c4" run_cycles) + ($acc - $(jv "$T/c4" tlb_misses)) * 2 * 2 ))
end
begin "seg_hit_cycles=3: two more cycles per access than the default"
mm run --mode seg --prefault --timing seg_hit_cycles=3 --stats-json "$T/c3" programs/vcopy.s
want_eq "cycles" "$(jv "$T/c3" run_cycles)" $(( $(jv "$T/c4" run_cycles) + 2 * acc ))
end

echo "seg: bad input"
cat >"$T/cross.s" <<'PROG'
        .text
        LOAD    R1, #0
        SYSCALL #0
        .data
        .org    0xfff0
        .space  32
PROG
begin "a section across a segment boundary is refused with the section named"
mm run --mode seg "$T/cross.s"
want_rc 2
want_err "section .data at 0xfff0..0x10010 does not fit one segment"
end
for bad in "--seg-bits 0" "--seg-bits 9" "--seg-offset-bits 7" "--seg-offset-bits 24" "--seg-cache 17"; do
    begin "run $bad: refused, the option named"
    # shellcheck disable=SC2086 # the option and its value are words
    mm run --mode seg $bad programs/vcopy.s
    want_rc 2
    want_err "${bad%% *}"
    end
done

echo "seg: seen"
begin "compare has the seg column, right"
mm compare programs/vcopy.s
want_rc 0
want_out_re "^seg +[0-9]+ +[0-9]+ +[0-9]+ +0 +right$"
end
begin "--explain tells each segment fault: brought in from disk, shared, the stack grown"
mm run --mode seg --explain --stack 64 programs/segments.s programs/segments.s programs/recurse.s
want_out_re "segment fault: segment not in memory \(descriptor not valid\) -> segment 0 brought in at 0x[0-9a-f]+, [0-9]+ bytes read from disk -> restart"
want_out ": the code another process running the program holds (shared) -> restart"
want_out_re "-> segment 15 is the stack: grown downwards (in place|by moving it), now at 0x[0-9a-f]+ -> restart"
end
begin "quiz seg: the model's answers (a grow-down stack, a not-present segment)"
mm quiz seg --seed 3 --count 12 -c
want_rc 0
want_out "down  stack"
want_out_re "--> physical 0x[0-9a-f]+"
want_out "--> segment fault:"
end
if [ -x "$(dirname "$M")/mmulab-view" ]; then
    begin "the viewer draws seg mode to a PNG"
    M=$(dirname "$M")/mmulab-view mm programs/vcopy.s --mode seg --png "$T/s.png" --at-cycle 3000
    want_rc 0
    [ -s "$T/s.png" ] || fail_because "no PNG"
    end
fi

finish
