#!/usr/bin/env bash
# Segmentation through the command line (issue 19): one segment per region
# and its protection (programs/segments.s), demand segmentation and
# --prefault, the grow-down stack grown in place and by moving, swapping
# whole segments and compaction when memory is short, the descriptor cache's
# cycles, the heap grown and shrunk by brk (in place and by moving), a
# library's code shared between its users, fork and shared memory as
# segments, sections that do not fit a segment, bad options, the compare
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

echo "seg: the heap grows by brk"
begin "heap_move.s: the heap segment moves past the library's to grow from 256 to 8192 bytes; its words survive"
mm run --mode seg --check --regions --stats-json "$T/j" programs/heap_move.s
want_rc 0
want_err "check programs/heap_move.s: ok (2 expectations)"
want_err "moved the heap segment of process 1 to grow it from 256 to 8192 bytes"
want_out_re "^  1 +heap +0x00010000 0x[0-9a-f]{8} 0x00000100 rw-- +private$"
end
begin "heap_move.s in lockstep"
lockstep --mode seg programs/heap_move.s
end
begin "memuse.s: request_memory grows the heap in place (the hole after it is free), release_memory empties it"
mm run --mode seg --regions programs/memuse.s
want_rc 0
want_err "first exit code 0"
grep -q "moved the heap" "$T/err" && fail_because "the heap moved, want it grown in place"
want_out_re "^  1 +heap +0x00010000 \(empty\) +0x00000000 rw-- +private$"
end
cat >"$T/brk.s" <<'PROG'
; brk's answers: exits with the first that is wrong (1..5), else stops at
; a load one past the break (segment_bound in the heap's segment)
        .text
        LOAD    R1, #0
        SYSCALL #12                     ; brk(0): the heap's start, 0x10000
        LI      R2, 0x10000
        CMP     R0, R2
        JNZ     e1
        LI      R1, 0xfffc
        SYSCALL #12                     ; below the heap: -ENOMEM
        CMP     R0, #-12
        JNZ     e2
        LI      R1, 0x20001
        SYSCALL #12                     ; beyond its segment: -ENOMEM
        CMP     R0, #-12
        JNZ     e3
        LI      R1, 0x20000
        SYSCALL #12                     ; the whole segment: 0x20000
        LI      R2, 0x20000
        CMP     R0, R2
        JNZ     e4
        LI      R1, 0x10100
        SYSCALL #12                     ; shrink to 256 bytes
        LI      R2, 0x10100
        CMP     R0, R2
        JNZ     e5
        LOAD    R1, /0x100fc            ; the last word: fine
        LOAD    R1, /0x10100            ; one past the break: stopped
        LOAD    R1, #0
        SYSCALL #0
e1:     LOAD    R1, #1
        SYSCALL #0
e2:     LOAD    R1, #2
        SYSCALL #0
e3:     LOAD    R1, #3
        SYSCALL #0
e4:     LOAD    R1, #4
        SYSCALL #0
e5:     LOAD    R1, #5
        SYSCALL #0
PROG
begin "brk: its start, refusals below the heap and beyond its segment, the whole segment, a shrink; a load past the break is stopped"
mm run --mode seg "$T/brk.s"
want_rc 1
want_err "stopped: segment fault: segment number beyond the table, or offset beyond the segment's limit; load at pc 0x0000007c, logical address 0x00010100"
want_err "(segment 1 heap: base"
end
begin "two heap_move.s in 28K with --swap: heaps move, segments swapped, every process right, in lockstep"
mm run --mode seg --mem 28K --swap --compact --quantum 300 --stats-json "$T/j" programs/heap_move.s programs/vcopy.s \
    programs/checksum.s programs/heap_move.s
want_rc 0
want_err "moved the heap segment of process 1 to grow it"
want_err "moved the heap segment of process 4 to grow it"
want_err_re "swapped out segment 1 \(heap, 8192 bytes\)"
for i in 0 1 2 3; do want_eq "process $((i + 1)) exit" "$(jv "$T/j" "processes.$i.exit_code")" 0; done
lockstep --mode seg --mem 28K --swap --compact --quantum 300 programs/heap_move.s programs/vcopy.s programs/checksum.s \
    programs/heap_move.s
end
begin "no room for the heap to grow: brk answers -ENOMEM (heap_move.s exits 5), nothing else breaks"
mm run --mode seg --mem 36K --quantum 300 --stats-json "$T/j" programs/heap_move.s programs/vcopy.s programs/checksum.s \
    programs/heap_move.s
want_eq "exits" "$(for i in 0 1 2 3; do jv "$T/j" "processes.$i.exit_code"; done | tr '\n' ' ')" "0 0 0 5 "
end

echo "seg: libraries"
begin "two programs using hello_lib: its code is one r-x block in both tables, its data a segment each"
mm run --mode seg --regions --stats-json "$T/j" programs/hello_implicit.s programs/hello_implicit.s
want_rc 0
want_eq "library code mapped, not loaded" "$(jv "$T/j" shared_maps)" 1
code=$(awk '$2 == "library" && $3 == "code" { print $5, $6, $7, $8 }' "$T/out" | sort -u)
want_eq "library code rows (base, limit, flags, shared)" "$(echo "$code" | wc -l) $(echo "$code" | awk '{print $3, $4}')" "1 r-x- shared"
data=$(awk '$2 == "library" && $3 == "data" { print $5 }' "$T/out" | sort -u | wc -l)
want_eq "library data blocks" "$data" 2
end
begin "dlopen after the other has it: the same segment numbers, shared; a third user too; dlclose takes them out"
mm run --mode seg --regions --stats-json "$T/j" programs/hello_implicit.s programs/hello_dlopen.s programs/hello_dlopen.s
want_rc 0
want_eq "library code shared by both dlopen users" "$(jv "$T/j" shared_maps)" 2
want_eq "hello_dlopen's table after dlclose: no library" "$(awk '/hello_dlopen/ {on = 1} on && /library/' "$T/out" | wc -l)" 0
end
begin "shared library code in lockstep"
lockstep --mode seg programs/hello_implicit.s programs/hello_dlopen.s programs/hello_implicit.s
end

echo "seg: fork and shared memory"
cat >"$T/forkseg.s" <<'PROG'
; fork with code, data and heap in segments of their own: the child
; changes its data and heap words and exits with them (7 + 9); the parent
; waits and exits with its own (1 + 2) if the child's status is 16
        .text
        LI      R1, 0x20010
        SYSCALL #12                     ; brk: 16 bytes of heap (segment 2)
        LOAD    R1, #1
        STORE   R1, /0x10000
        LOAD    R1, #2
        STORE   R1, /0x20000
        SYSCALL #15                     ; fork
        CMP     R0, #0
        JNZ     parent
        LOAD    R1, #7
        STORE   R1, /0x10000
        LOAD    R1, #9
        STORE   R1, /0x20000
        LOAD    R1, /0x10000
        LOAD    R2, /0x20000
        ADD     R1, R2
        SYSCALL #0
parent: LI      R1, -1
        LOAD    R2, #status
        SYSCALL #16                     ; wait(-1, &status)
        LOAD    R3, /status
        CMP     R3, #16
        JNZ     bad
        LOAD    R1, /0x10000
        LOAD    R2, /0x20000
        ADD     R1, R2
        SYSCALL #0
bad:    LOAD    R1, #99
        SYSCALL #0
        .data
        .org    0x10000
        .word   0
status: .word   0
PROG
begin "fork: the child's data and heap are copies, its code the parent's block"
mm run --mode seg --regions --stats-json "$T/j" "$T/forkseg.s"
want_rc 0
want_eq "exits (parent, child)" "$(jv "$T/j" processes.0.exit_code) $(jv "$T/j" processes.1.exit_code)" "3 16"
want_eq "the code segment mapped once more" "$(jv "$T/j" shared_maps)" 1
want_eq "one code block" "$(awk '$2 == "code" { print $4 }' "$T/out" | sort -u | wc -l)" 1
want_eq "two heap blocks" "$(awk '$2 == "heap" { print $4 }' "$T/out" | sort -u | wc -l)" 2
end
begin "fork_cow.s and shm_share.s under seg: right, and in lockstep"
mm run --mode seg --check programs/fork_cow.s
want_rc 0
want_err "check programs/fork_cow.s: ok (2 expectations)"
mm run --mode seg --check --regions programs/shm_share.s
want_rc 0
want_err "check programs/shm_share.s: ok (2 expectations)"
want_eq "one block for the three mappings" \
    "$(awk '$2 == "shared" && $3 == "memory" { print $5 }' "$T/out" | sort -u | wc -l) $(grep -c 'shared memory' "$T/out")" "1 3"
lockstep --mode seg programs/fork_cow.s
lockstep --mode seg programs/shm_share.s
end
cat >"$T/shmkeep.s" <<'PROG'
; a shared-memory object keeps its bytes with nobody attached: attach key
; 5 at segment 3, store 77, detach; attach it again where the OS chooses
; and exit with the word; 1 if a call fails
        .text
        LOAD    R1, #5
        LOAD    R2, #100
        SYSCALL #17                     ; id = shmget(5, 100)
        MOV     R10, R0
        MOV     R1, R10
        LI      R2, 0x30000
        LOAD    R3, #0
        SYSCALL #18                     ; shmat(id, 0x30000, 0)
        LI      R2, 0x30000
        CMP     R0, R2
        JNZ     bad
        LOAD    R1, #77
        STORE   R1, /0x30010
        LI      R1, 0x30000
        SYSCALL #19                     ; shmdt
        CMP     R0, #0
        JNZ     bad
        MOV     R1, R10
        LI      R2, 0x30000
        LOAD    R3, #0
        SYSCALL #18                     ; again
        CMP     R0, #-4095
        JAE     bad
        LOAD    R1, [R0+16]
        SYSCALL #0
bad:    LOAD    R1, #1
        SYSCALL #0
PROG
begin "shared memory outlives its last attachment: detached, attached again, the word is there"
mm run --mode seg "$T/shmkeep.s"
want_rc 0
want_err "first exit code 77"
end
cat >"$T/shmbad.s" <<'PROG'
; shmat's refusals under seg: not a segment's start (-EINVAL), a number in
; use (the stack's: -EINVAL), larger than a segment (shmget 128K, -EINVAL);
; shmdt of the code segment (-EINVAL); exits with the four results' sum, -88
        .text
        LOAD    R1, #6
        LOAD    R2, #64
        SYSCALL #17
        MOV     R10, R0
        MOV     R1, R10
        LI      R2, 0x30010
        SYSCALL #18
        MOV     R11, R0
        MOV     R1, R10
        LI      R2, 0xf0000
        SYSCALL #18                     ; the stack's segment: -EINVAL
        ADD     R11, R0
        LOAD    R1, #7
        LI      R2, 0x20000
        SYSCALL #17
        MOV     R1, R0
        LOAD    R2, #0
        SYSCALL #18                     ; 128K: larger than a segment
        ADD     R11, R0
        LOAD    R1, #0
        SYSCALL #19                     ; shmdt(0): the code is no shared memory
        ADD     R11, R0
        MOV     R1, R11
        SYSCALL #0
PROG
begin "shmat's refusals: not a segment's start, a number in use, larger than a segment; shmdt of the code"
mm run --mode seg "$T/shmbad.s"
want_rc 0
want_err "first exit code -88"
end

begin "16K, --swap, eight processes for room for three: a process that swapped another's segment out runs on, so each retires"
mm run --mode seg --mem 16K --compact --swap --stats-json "$T/j" programs/vcopy.s programs/vcopy.s programs/vcopy.s \
    programs/vcopy.s programs/vcopy.s programs/vcopy.s programs/vcopy.s programs/vcopy.s
want_rc 0
want_err_re "[1-9][0-9]* swap-out"
for i in 0 1 2 3 4 5 6 7; do want_eq "process $((i + 1)) exit" "$(jv "$T/j" "processes.$i.exit_code")" 0; done
want_eq "instructions" "$(jv "$T/j" instructions)" 520
end

begin "20K, --compact --swap: compaction moves the shared-memory block under both mappings; system calls keep their results"
mm run --mode seg --mem 20K --compact --swap --quantum 150 --stats-json "$T/j" programs/vcopy.s programs/shm_share.s \
    programs/checksum.s programs/recurse.s
want_rc 0
want_err_re "compaction [0-9]+: moved"
# one console for all: another's line may be cut by a switch, so ab may end it
want_eq "parent and child print ab" "$(grep -c 'ab$' "$T/out")" 2
for i in 0 1 2 3 4; do want_eq "process $((i + 1)) exit" "$(jv "$T/j" "processes.$i.exit_code")" 0; done
lockstep --mode seg --mem 20K --compact --swap --quantum 150 programs/vcopy.s programs/shm_share.s programs/checksum.s \
    programs/recurse.s
end

begin "20K: forks, shared memory and a heap that finds no room to grow, side by side: each right or refused, in lockstep"
mm run --mode seg --mem 20K --swap --compact --quantum 100 --stats-json "$T/j" programs/fork_cow.s programs/heap_move.s \
    programs/fork_cow.s programs/shm_share.s
want_rc 0
want_eq "exits (the two children last)" "$(for i in 0 1 2 3 4 5 6; do jv "$T/j" "processes.$i.exit_code"; done | tr '\n' ' ')" \
    "3 5 3 0 3 3 0 "
lockstep --mode seg --mem 20K --swap --compact --quantum 100 programs/fork_cow.s programs/heap_move.s programs/fork_cow.s \
    programs/shm_share.s
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
