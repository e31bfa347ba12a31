#!/usr/bin/env bash
# The lecture's remaining details (issue 18), each against the slide it
# teaches: where the frames go when pages are huge (slide 20), the RTL engine
# reached from either binary, the slide-25 exercise, byte addressing (slide 5).
# Usage: OUT=build tests/lecture.sh; prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

begin "page size 16M in 64M: the frames are named, nothing runs"
mm run --mode paged --page-size 16M --mem 64M programs/vcopy.s
want_rc 2
want_err "memory holds 4 frames of 16384 KiB; the OS takes 1"
want_err "too few frames are left for user pages"
end

begin "page size 8M in 64M runs"
mm run --mode paged --page-size 8M --mem 64M programs/vcopy.s
want_rc 0
end

begin "--engine rtl from a copy of the core binary names what is missing"
cp "$M" "$T/mmulab-copy"
timeout "$MM_TIMEOUT" "$T/mmulab-copy" run --engine rtl --mode hwreloc programs/vcopy.s >"$T/out" 2>"$T/err"; RC=$?
want_rc 2
want_err "no mmulab-rtl is beside it"
end

if [ -x "$OUT/mmulab-rtl" ]; then
    begin "build/mmulab run --engine rtl hands over to mmulab-rtl: the same figures as the C model"
    mm run --engine rtl --mode hwreloc --stats-json "$T/rtl.json" programs/vcopy.s
    want_rc 0
    mm run --mode hwreloc --stats-json "$T/c.json" programs/vcopy.s
    want_eq "cycles" "$(jv "$T/rtl.json" cycles)" "$(jv "$T/c.json" cycles)"
    want_eq "vcopy hwreloc cycles (docs/timing.md)" "$(jv "$T/rtl.json" cycles)" 899
    end
fi

for mode in paged hwreloc swreloc bare; do
    begin "arguments on the initial stack, $mode: argc counts the name, argv[1..] in order"
    mm run --mode "$mode" --stats-json "$T/a.json" programs/echo_args.s -- one "two words" 3
    want_rc 0
    want_eq "stdout" "$(cat "$T/out")" "$(printf 'one\ntwo words\n3')"
    want_eq "exit code = argc" "$(jv "$T/a.json" processes.0.exit_code)" 4
    end
done

begin "-- with nothing after it: argc 1, no output"
mm run --mode paged --stats-json "$T/a.json" programs/echo_args.s --
want_rc 0
want_eq "exit code" "$(jv "$T/a.json" processes.0.exit_code)" 1
want_eq "stdout" "$(cat "$T/out")" ""
end

begin "arguments too large for the stack are refused before the run"
mm run --mode hwreloc programs/echo_args.s -- "$(python3 -c 'print("x" * 70000)')"
want_rc 2
want_err "the arguments take 70032 bytes"
end

begin "no stack to hold them (paged, --stack 0): stopped with the cause and the address"
mm run --mode paged --stack 0 programs/echo_args.s -- a b
want_rc 1
want_err_re "stopped: .*store at pc 0x[0-9a-f]+, logical address 0xffffef"
end

begin "the argument block is charged as loading: load_word_cycles per word"
mm run --mode hwreloc --stats-json "$T/no.json" programs/echo_args.s
mm run --mode hwreloc --stats-json "$T/yes.json" programs/echo_args.s -- ab
# name "echo_args.s\0" 12 + "ab\0" 3 = 15 -> 4 words; argc, argv[0], argv[1], 0: 4 words
want_eq "extra load cycles" "$(($(jv "$T/yes.json" load_cycles) - $(jv "$T/no.json" load_cycles)))" \
    $((8 * $("$M" timing | awk '$1 == "load_word_cycles" { print $2 }')))
end

begin "two copies of one program share its code page (slides 16, 36)"
mm run --mode paged --page-size 512 --stats-json "$T/two.json" programs/vcopy.s programs/vcopy.s
want_rc 0
want_eq "shared_maps" "$(jv "$T/two.json" shared_maps)" 1
want_eq "the second process's" "$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['processes'][1]['shared_maps'])" "$T/two.json")" 1
mm run --mode paged --page-size 512 --stats-json "$T/one.json" programs/vcopy.s
want_eq "exit code as alone" "$(python3 -c "import json,sys;print([p['exit_code'] for p in json.load(open(sys.argv[1]))['processes']])" "$T/two.json")" "[0, 0]"
end

begin "different programs share no code; a page holding data is not shared"
mm run --mode paged --page-size 512 --stats-json "$T/diff.json" programs/vcopy.s programs/checksum.s
want_eq "shared_maps, two programs" "$(jv "$T/diff.json" shared_maps)" 0
mm run --mode paged --page-size 4096 --stats-json "$T/mixed.json" programs/vcopy.s programs/vcopy.s
want_eq "shared_maps, code and data on one 4 KiB page" "$(jv "$T/mixed.json" shared_maps)" 0
end

begin "slide 25: 14-bit addresses, 2 KiB pages, a program of 0..10468: six pages fault in, 11000 reads, 12288 stops"
mm run --mode paged --va-bits 14 --page-size 2K --levels 1 --stack 0 --stats-json "$T/s25.json" programs/slide25.s
want_rc 1
want_eq "page faults: pages 0 to 5, once each" "$(jv "$T/s25.json" page_faults)" 6
want_err "stopped: page fault: page not mapped; load at pc 0x0000002c, logical address 0x00003000"
end

begin "the slide-5 loop typed verbatim (INC on a word vector) is told about byte addressing"
printf 'LOAD R1, #1000\nLOAD R2, #2000\nLOAD R3, #4\nloop: LOAD R4, [R1]\nSTORE R4, [R2]\nINC R1\nINC R2\nDEC R3\nJNZ loop\nLOAD R1, #0\nSYSCALL #0\n' >"$T/slide5.s"
for mode in bare swreloc hwreloc; do
    mm run --mode "$mode" "$T/slide5.s"
    want_rc 1
    want_err_re "misaligned word access; load at pc 0x[0-9a-f]+, logical address 0x000003e9"
    want_err "(addresses count bytes: a word starts at a multiple of 4, so step through a word vector with ADD Rn, #4, not INC Rn)"
done
end

begin "building the page tables charges every entry at every level: 1, 2, 3 levels cost 3, 5, 7 PTEs (docs/paging.md)"
lw=$("$M" timing | awk '$1 == "load_word_cycles" { print $2 }')
for lv in "1 3" "2 5" "3 7"; do
    set -- $lv
    mm run --mode paged --va-bits 24 --levels "$1" --stats-json "$T/lv.json" programs/vcopy.s
    want_rc 0
    want_eq "load_cycles, $1 levels" "$(jv "$T/lv.json" load_cycles)" $(($2 * lw))
done
end

# Lazy binding (slides 34, 73): programs/binding/{few,all}.s against programs/lib/ops.so.
for prog in few all; do
    "$M" asm -c programs/binding/$prog.s -o "$T/$prog.o" && "$M" ld "$T/$prog.o" programs/lib/ops.so -o "$T/$prog.x" \
        || echo "  note: building $prog.x failed"
done
LIBS="--lib-path programs/lib"
sys_cycles=$("$M" timing | awk '$1 == "syscall_cycles" { print $2 }')
pj() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['processes'][0]['$2'])" "$1"; }

for mode in paged hwreloc; do
    begin "few.x ($mode): lazily only op0 is bound, once, at its first call; now all sixteen at load"
    mm run --mode "$mode" --bind lazy $LIBS --stats-json "$T/fl.json" "$T/few.x"
    want_rc 0
    want_eq "exit code" "$(pj "$T/fl.json" exit_code)" 3
    want_eq "binds, lazy" "$(jv "$T/fl.json" binds)" 1
    want_eq "lazy_binds" "$(jv "$T/fl.json" lazy_binds)" 1
    mm run --mode "$mode" --bind now $LIBS --stats-json "$T/fn.json" "$T/few.x"
    want_eq "exit code, now" "$(pj "$T/fn.json" exit_code)" 3
    want_eq "binds, now" "$(jv "$T/fn.json" binds)" 16
    want_eq "lazy_binds, now" "$(jv "$T/fn.json" lazy_binds)" 0
    [ "$(jv "$T/fl.json" cycles)" -lt "$(jv "$T/fn.json" cycles)" ] || fail_because "few calls of many: lazy $(jv "$T/fl.json" cycles) cycles is not below now $(jv "$T/fn.json" cycles)"
    end

    begin "all.x ($mode): every import used, lazy pays a SYS_BIND each on top of the same lookups"
    mm run --mode "$mode" --bind lazy $LIBS --stats-json "$T/al.json" "$T/all.x"
    want_eq "exit code" "$(pj "$T/al.json" exit_code)" 136
    mm run --mode "$mode" --bind now $LIBS --stats-json "$T/an.json" "$T/all.x"
    want_eq "exit code, now" "$(pj "$T/an.json" exit_code)" 136
    want_eq "lazy_binds" "$(jv "$T/al.json" lazy_binds)" 16
    want_eq "bind_cycles: lazy = now + 16 system calls" "$(jv "$T/al.json" bind_cycles)" \
        $(($(jv "$T/an.json" bind_cycles) + 16 * sys_cycles))
    [ "$(jv "$T/al.json" cycles)" -gt "$(jv "$T/an.json" cycles)" ] || fail_because "all calls: lazy $(jv "$T/al.json" cycles) cycles is not above now $(jv "$T/an.json" cycles)"
    end
done

if [ -x "$OUT/mmulab-rtl" ]; then
    begin "lazy binding in lockstep: the RTL engine continues at the bound symbol too"
    for mode in paged swreloc; do
        mm cosim --mode "$mode" --bind lazy $LIBS "$T/all.x"
        want_rc 0
        want_out_re "^cosim: [0-9]+ instructions, [0-9]+ cycles, 0 divergences$"
    done
    end
fi

begin "a SYS_BIND whose R14 is no import slot ends the process as ld.so would (127), the host carries on"
# LI is two instructions: the SYSCALL is at 8
printf 'start: LI R14, 0x1234\nSYSCALL #25\nLOAD R1, #0\nSYSCALL #0\n' >"$T/wildbind.s"
for mode in paged hwreloc bare; do
    mm run --mode "$mode" --stats-json "$T/wb.json" "$T/wildbind.s"
    want_rc 0
    want_eq "exit code, as ld.so's" "$(pj "$T/wb.json" exit_code)" 127
    want_out "symbol lookup error: lazy binding at pc 0x00000008: 0x00001234 is no import slot"
done
end

begin "dlopen's mode: RTLD_LAZY and RTLD_NOW bind a library's own imports; another mode is -EINVAL"
printf '        .global twice\n        .text\ntwice:  CALL    op4\n        CALL    op4\n        RET\n' >"$T/wrap.s"
"$M" asm -c "$T/wrap.s" -o "$T/wrap.o" && "$M" ld -shared "$T/wrap.o" programs/lib/ops.so -o "$T/wrap.so"
usewrap() { # MODE: dlopen("wrap", MODE), call twice(0), exit with its result
    printf '%s\n' "start: LOAD R1, #name" "LOAD R2, #$1" "SYSCALL #11" "MOV R1, R0" "LOAD R2, #sym" "SYSCALL #13" \
        "MOV R3, R0" "LOAD R1, #0" "CALL R3" "SYSCALL #0" ".data" 'name: .asciz "wrap"' 'sym: .asciz "twice"' >"$T/usewrap.s"
    mm run --mode paged --lib-path "programs/lib:$T" --stats-json "$T/w.json" "$T/usewrap.s"
}
usewrap 1
want_eq "exit code, RTLD_LAZY" "$(pj "$T/w.json" exit_code)" 10
want_eq "lazy_binds, RTLD_LAZY" "$(jv "$T/w.json" lazy_binds)" 1
usewrap 2
want_eq "exit code, RTLD_NOW" "$(pj "$T/w.json" exit_code)" 10
want_eq "lazy_binds, RTLD_NOW" "$(jv "$T/w.json" lazy_binds)" 0
want_eq "binds, RTLD_NOW" "$(jv "$T/w.json" binds)" 1
usewrap 3
want_eq "mode 3: refused, nothing loaded or bound" "$(jv "$T/w.json" binds)" 0
end

# Fits over time (slides 12, 13): programs arriving during the run.
FOUR="programs/checksum.s programs/longsum.s programs/vcopy.s programs/longsum.s"
begin "arrivals: first, best and worst fit take different holes for the same arrival"
# at 50000 checksum.s (7104 bytes at 0x2000) and vcopy.s (6144 bytes after
# the first longsum's 4320) have left: holes 0x2000 (7104), 0x4ca0 (6144), the top
for fit in first:0x2000 best:0x4ca0 worst:0x7580; do
    mm run --mode hwreloc --mem 64K --fit "${fit%%:*}" --partitions $FOUR programs/recurse.s@50000
    want_rc 0
    want_err_re "process 5 \(recurse.s, 4912 bytes, due at 50000\) placed at ${fit##*:} by ${fit%%:*} fit"
done
want_eq "0x4ca0" $((0x2000 + 7104 + 4320)) $((0x4ca0))
end

begin "an arrival waits for a hole big enough (external fragmentation), then comes in"
mm run --mode hwreloc --mem 20K --partitions --stats-json "$T/w.json" programs/longsum.s programs/longsum.s programs/checksum.s@100
want_rc 0
want_err_re "process 3 \(checksum.s, 7104 bytes, due at 100\) placed at 0x2000 by first fit, in the hole 0x2000 \(12288 bytes\)"
want_eq "checksum's exit" "$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['processes'][2]['exit_code'])" "$T/w.json")" 0
end

begin "an arrival after everyone has left: the CPU idles until it comes"
mm run --mode hwreloc --stats-json "$T/i.json" programs/vcopy.s programs/vcopy.s@100000
want_rc 0
[ "$(jv "$T/i.json" clock)" -gt 100000 ] || fail_because "clock $(jv "$T/i.json" clock) is not past the arrival at 100000"
end

begin "an arrival that can never fit is dropped with its name, exit 1"
printf 'start: LOAD R1, #0\nSYSCALL #0\n.data\n.space 20000\n' >"$T/huge.s"
mm run --mode hwreloc --mem 16K programs/vcopy.s "$T/huge.s@10"
want_rc 1
want_out "huge.s (due at cycle 10) never found a hole: dropped"
end

begin "arrivals: paged mode, out of order, a program loaded at start after an arrival: refused, exit 2"
mm run --mode paged programs/vcopy.s programs/vcopy.s@100
want_rc 2
want_err "are for the contiguous multiprogrammed modes"
mm run --mode hwreloc programs/vcopy.s@100 programs/recurse.s@50
want_rc 2
want_err "arrival at cycle 50 listed after one at 100"
mm run --mode hwreloc programs/vcopy.s@10 programs/vcopy.s
want_rc 2
want_err "programs loaded at the start come before those arriving later"
end

if [ -x "$OUT/mmulab-rtl" ]; then
    begin "arrivals in lockstep: both engines' OSes admit it at the same instruction"
    mm cosim --mode hwreloc --mem 64K --fit worst $FOUR programs/recurse.s@50000
    want_rc 0
    want_out_re "^cosim: [0-9]+ instructions, [0-9]+ cycles, 0 divergences$"
    end
fi

begin "MFT: fixed partitions, a process takes a whole one; best fit picks the smallest free that fits"
mm run --mode hwreloc --mft 16K,8K,8K --fit best --partitions programs/vcopy.s programs/checksum.s
want_rc 0
want_err "fixed partitions (MFT) when memory was fullest"
want_err_re "0x00006000 +8192 bytes +process 1 \(asked 6144, 2048 left unused in the partition\)"
want_err_re "0x00008000 +8192 bytes +process 2 \(asked 7104, 1088 left unused in the partition\)"
want_err "internal fragmentation 3136 bytes"
mm run --mode hwreloc --mft 16K,8K,8K --fit first --partitions programs/vcopy.s
want_err_re "0x00002000 +16384 bytes +process 1 \(asked 6144, 10240 left unused in the partition\)"
end

begin "MFT: bad lists and partitions past memory are refused naming --mft"
mm run --mode hwreloc --mft 8K,x programs/vcopy.s
want_rc 2
want_err "--mft '8K,x': expected up to 64 partition sizes"
mm run --mode hwreloc --mft 8K,2M programs/vcopy.s
want_rc 2
want_err "--mft: the partitions do not fit"
end

begin "slide 20: one table over page sizes with page-table bytes per level, internal fragmentation and TLB reach"
mm run --mode paged --page-size 512,4K --csv "$T/ps.csv" programs/vcopy.s
want_rc 0
col() { python3 -c "import csv,sys;r=list(csv.DictReader(open(sys.argv[1])));print(r[int(sys.argv[2])][sys.argv[3]])" "$T/ps.csv" "$@"; }
# 4 KiB, 2 levels over 32 bits: a 4 KiB root, two 4 KiB leaf tables (the image at 0, the stack at the top)
want_eq "root bytes, 4K" "$(col 1 pt_bytes_l0)" 4096
want_eq "leaf bytes, 4K" "$(col 1 pt_bytes_l1)" 8192
want_eq "pt_bytes = the levels' sum" "$(col 1 pt_bytes)" $(($(col 1 pt_bytes_l0) + $(col 1 pt_bytes_l1)))
# vcopy's image is 2040 bytes: 8 unused in its last 512-byte page, 2056 in a 4 KiB one
want_eq "internal fragmentation, 512" "$(col 0 internal_frag)" 8
want_eq "internal fragmentation, 4K" "$(col 1 internal_frag)" 2056
want_eq "TLB reach, 4K (16 entries, the default)" "$(col 1 tlb_reach)" $((16 * 4096))
[ "$(col 0 page_faults)" -gt "$(col 1 page_faults)" ] || fail_because "smaller pages should fault more"
end

begin "the sharing problem (slide 17): absolute pointers in a shared segment break when it is mapped apart"
mm run --mode paged programs/share_list.s programs/walk_list.s -- apart
want_rc 1
want_out "offsets: xyz"
want_err "process 2 (walk_list.s) stopped: page fault: page not mapped; load at pc 0x000000c4, logical address 0x30000008"
mm run --mode paged programs/share_list.s programs/walk_list.s -- same
want_rc 0
want_out "offsets: xyz"
want_out "pointers: xyz"
end

finish
