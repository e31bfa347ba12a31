#!/usr/bin/env bash
# tests/adversarial.sh -- hostile guests (issue 13, item 9).  Each program in
# tests/adversarial/ tries to break the isolation one protecting mode
# promises: stores, loads and jumps past the limit, around 2^32 and into the
# OS; writes to code, page tables and kernel pages; another process's
# memory; copy-on-write pages after fork, written by the child itself and by
# the OS for it; private shared memory and library code between unrelated
# processes, in paged and segmented modes; shared memory after shmdt and
# attached read-only; munmap and MAP_FIXED over the program; the stack
# grown into the heap; every system call with wild pointers, lengths and flags; paths that
# leave --root.  Each case checks that the attempt was stopped (the cause,
# the access, the PC and the address on stderr) or refused (the error code),
# that the victim process still reads back what it wrote (its exit code),
# and that no host file outside --root changed.
#
# What each mode promises (docs/services.md, "Isolation"): paging protects
# processes from each other, the OS, and code and read-only pages from the
# process; base/limit protects processes and the OS from each other, not a
# partition from its own process (it may write its code); the bare machine's
# fence protects the OS only, and it runs one program; software relocation
# protects nothing, so only its refusals of files are checked here.
#
# Every case runs on the C model and, when $OUT/mmulab-rtl exists, on the
# RTL engine (`run --engine rtl`), with the same expectations.
# Usage: OUT=build tests/adversarial.sh   (V=1 lists every case); the last
# line is `N passed, N failed`.
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

A=$(pwd)/tests/adversarial
C_MODEL=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
RTL=$(cd "$(dirname "$M")" && pwd)/mmulab-rtl
ENGINES="c"
[ -x "$RTL" ] && ENGINES="c rtl"

# The sandbox: --root and, beside it, what no guest may touch.
BOX=$T/box
mkdir -p "$BOX/root/sub" "$BOX/lib"
printf 'hello, world\n' >"$BOX/root/okfile"
echo "secret: never to change" >"$BOX/outside"
ln -s ../outside "$BOX/root/link_out"
ln -s .. "$BOX/root/dir_link"
mkfifo "$BOX/root/fifo"
"$C_MODEL" asm -c programs/lib/hello_lib.s -o "$BOX/lib/hello_lib.o" &&
    "$C_MODEL" ld -shared "$BOX/lib/hello_lib.o" -o "$BOX/lib/hello_lib.so" || { echo "cannot build hello_lib.so"; exit 2; }
outside_state() { (cd "$BOX" && find . -path ./root -prune -o -print | sort | while read -r f; do
    [ -f "$f" ] && sha256sum "$f" || echo "$f"
done); }
BASELINE=$(outside_state)

# run ENGINE ARGS...: `mmulab run` in the root on one engine (stats in $T/s.json).
run() {
    local engine=$1
    shift
    rm -f "$T/s.json"
    if [ "$engine" = rtl ]; then
        (cd "$BOX/root" && M=$RTL mm run --engine rtl --stats-json "$T/s.json" --lib-path "$BOX/lib" "$@")
    else
        (cd "$BOX/root" && M=$C_MODEL mm run --stats-json "$T/s.json" --lib-path "$BOX/lib" "$@")
    fi
    RC=$(cat "$T/rc" 2>/dev/null || echo "$RC")
}
# mm runs in a subshell above: keep its status and reasons through files.
mm() {
    timeout "$MM_TIMEOUT" "$M" "$@" >"$T/out" 2>"$T/err" </dev/null
    echo $? >"$T/rc"
    local why
    why=$(crash_report "$T/err" "$(cat "$T/rc")") && echo "mmulab $*: $why" >>"$T/why"
    return 0
}
begin() { CASE=$1; WHY=""; rm -f "$T/why" "$T/rc"; }
end_case() {
    [ -s "$T/why" ] && fail_because "$(cat "$T/why")"
    [ "$(outside_state)" = "$BASELINE" ] || fail_because "a host file outside --root changed"
    end
}

exit_of() { jv "$T/s.json" "processes.$1.exit_code"; } # by process-table index, 0-based
want_exit() { want_eq "process $(($1 + 1)) exit code" "$(exit_of "$1")" "$2"; }
# want_stop CAUSE ACCESS PC PROGRAM ADDR: process 1's stop message, exactly.
want_stop() {
    want_err "process 1 ($4) stopped: $1; $2 at pc $3, logical address $5"
}
# dump_words: the --dump values as signed decimals, space-separated.
dump_words() {
    awk '/^0x/ { v = 0; h = tolower(substr($2, 3)); for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
           if (v >= 2147483648) v -= 4294967296; printf("%s%.0f", (NR > 1 ? " " : ""), v) }' "$T/out"
}
with_addr() { sed "s/@ADDR@/$2/" "$A/$1.s" >"$T/$1_$2.s"; echo "$T/$1_$2.s"; }

NOT_MAPPED="page fault: page not mapped"
READ_ONLY="page fault: write to a read-only page"
LIMIT="protection fault: address beyond the partition's limit"
FENCE="protection fault: user access to the operating system's memory"
SEG_BOUND="segment fault: segment number beyond the table, or offset beyond the segment's limit"
SEG_PROT="segment fault: access not allowed by the segment's R/W/X/U bits"
SEG_ABSENT="segment fault: segment not in memory (descriptor not valid)"

for E in $ENGINES; do
    # ---- the hardware stops a process at its bounds ----------------------------------------
    begin "$E hwreloc: stores upward from the image stop at the limit; the next partition's victim keeps 42"
    run "$E" --mode hwreloc "$A/store_up.s" "$A/victim.s"
    want_rc 1
    want_stop "$LIMIT" store 0x00000010 store_up.s 0x00001020
    want_exit 1 42
    end_case

    begin "$E paged: stores upward from the image stop at the first unmapped page; the victim keeps 42"
    run "$E" --mode paged "$A/store_up.s" "$A/victim.s"
    want_rc 1
    want_stop "$NOT_MAPPED" store 0x00000010 store_up.s 0x00001000
    want_exit 1 42
    end_case

    # past memory, wrapping around 2^32, wrapping base + address into the OS (base
    # 0x2000), the guard page, the frames the OS and the page tables live in
    for addr in 0x00100000 0xfffffffc 0xffffe000 0xfffff000 0x000fe000; do
        prog=$(with_addr store_at "$addr")
        begin "$E hwreloc: a store to $addr is stopped at the limit; the victim keeps 42"
        run "$E" --mode hwreloc "$prog" "$A/victim.s"
        want_rc 1
        want_stop "$LIMIT" store 0x00000010 "$(basename "$prog")" "$addr"
        want_exit 1 42
        end_case
    done
    for addr in 0x00100000 0xfffffffc 0xfffff000 0x000fe000 0x00002000 0x00008000; do
        prog=$(with_addr store_at "$addr")
        begin "$E paged: a store to $addr (no page there) is stopped; the victim keeps 42"
        run "$E" --mode paged "$prog" "$A/victim.s"
        want_rc 1
        want_stop "$NOT_MAPPED" store 0x00000010 "$(basename "$prog")" "$addr"
        want_exit 1 42
        end_case
    done
    for addr in 0x000fe000 0x000ffffc; do
        prog=$(with_addr store_at "$addr")
        begin "$E bare: a store to the OS at $addr is stopped by the fence"
        run "$E" --mode bare "$prog"
        want_rc 1
        want_stop "$FENCE" store 0x00000010 "$(basename "$prog")" "$addr"
        end_case
        prog=$(with_addr jump_at "$addr")
        begin "$E bare: a jump into the OS at $addr is stopped by the fence"
        run "$E" --mode bare "$prog"
        want_rc 1
        want_stop "$FENCE" fetch "$addr" "$(basename "$prog")" "$addr"
        end_case
    done
    prog=$(with_addr jump_at 0x000fe000)
    begin "$E hwreloc: a jump beyond the limit (where the OS would be) is stopped"
    run "$E" --mode hwreloc "$prog" "$A/victim.s"
    want_rc 1
    want_stop "$LIMIT" fetch 0x000fe000 "$(basename "$prog")" 0x000fe000
    want_exit 1 42
    end_case
    begin "$E paged: a jump to an address the process has no page at is stopped"
    run "$E" --mode paged "$prog" "$A/victim.s"
    want_rc 1
    want_stop "$NOT_MAPPED" fetch 0x000fe000 "$(basename "$prog")" 0x000fe000
    want_exit 1 42
    end_case

    # ---- segmentation: every segment is checked on its own (docs/segmentation.md) ---------------
    begin "$E seg: stores upward from the image stop at the end of its segment; the victim keeps 42"
    run "$E" --mode seg "$A/store_up.s" "$A/victim.s"
    want_rc 1
    want_stop "$SEG_BOUND" store 0x00000010 store_up.s 0x00000020
    want_exit 1 42
    end_case
    # beyond the table (above the stack's segment, around 2^32), a segment
    # number in the table but unused, and into the code segment (r-x here)
    for case in "0x00100000 $SEG_BOUND" "0xfffffffc $SEG_BOUND" "0xfffff000 $SEG_BOUND" "0x000e0000 $SEG_ABSENT" \
        "0x00002000 $SEG_PROT" "0x00000000 $SEG_PROT"; do
        addr=${case%% *}
        prog=$(with_addr store_at "$addr")
        begin "$E seg: a store to $addr is stopped (${case#* }); the victim keeps 42"
        run "$E" --mode seg "$prog" "$A/victim.s"
        want_rc 1
        want_stop "${case#* }" store 0x00000010 "$(basename "$prog")" "$addr"
        want_exit 1 42
        end_case
    done
    prog=$(with_addr store_at 0x000f0000)
    begin "$E seg: a store below the stack grows the stack, inside its own segment; the victim keeps 42"
    run "$E" --mode seg "$prog" "$A/victim.s"
    want_rc 0
    want_err "moved the stack segment of process 1 to grow it"
    want_exit 0 7
    want_exit 1 42
    end_case
    prog=$(with_addr jump_at 0x000ff000)
    begin "$E seg: a jump into the stack segment (not executable) is stopped"
    run "$E" --mode seg "$prog" "$A/victim.s"
    want_rc 1
    want_stop "$SEG_PROT" fetch 0x000ff000 "$(basename "$prog")" 0x000ff000
    want_exit 1 42
    end_case
    prog=$(with_addr load_at 0x00001100)
    begin "$E seg: a load beyond the code-and-data segment (where the victim's partition would be) is stopped"
    run "$E" --mode seg "$prog" "$A/victim.s"
    want_rc 1
    want_stop "$SEG_BOUND" load 0x00000008 "$(basename "$prog")" 0x00001100
    want_exit 1 42
    end_case
    begin "$E seg: the victim's address in another process reads that process's own word"
    run "$E" --mode seg "$A/spy.s" "$A/victim.s"
    want_rc 0
    want_exit 0 7
    want_exit 1 42
    end_case

    # ---- another process's memory ---------------------------------------------------------------
    prog=$(with_addr load_at 0x00001100)
    begin "$E hwreloc: a load from the next partition (the victim's) is stopped"
    run "$E" --mode hwreloc "$prog" "$A/victim.s"
    want_rc 1
    want_stop "$LIMIT" load 0x00000008 "$(basename "$prog")" 0x00001100
    want_exit 1 42
    end_case
    for mode in hwreloc paged; do
        begin "$E $mode: the victim's address in another process reads that process's own word"
        run "$E" --mode "$mode" "$A/spy.s" "$A/victim.s"
        want_rc 0
        want_exit 0 7
        want_exit 1 42
        end_case
    done

    begin "$E paged: a thread started at a wild address is stopped at its first fetch, and its process with it"
    run "$E" --mode paged "$A/thread_wild.s" "$A/victim.s"
    want_rc 1
    want_err "process 3 (thread_wild.s) stopped: $NOT_MAPPED; fetch at pc 0xfff00000, logical address 0xfff00000"
    want_err "process 1 (thread_wild.s) stopped with process 3"
    want_exit 1 42
    end_case

    # ---- code ---------------------------------------------------------------------------------
    begin "$E paged: a store into the process's own code is stopped (code is r-x)"
    run "$E" --mode paged "$A/code_write.s" "$A/victim.s"
    want_rc 1
    want_stop "$READ_ONLY" store 0x00000014 code_write.s 0x0000001c
    want_exit 1 42
    end_case
    begin "$E hwreloc: a partition's code is its process's to change (unprotected, documented); the victim keeps 42"
    run "$E" --mode hwreloc "$A/code_write.s" "$A/victim.s"
    want_rc 0
    want_exit 0 9
    want_exit 1 42
    end_case

    # ---- copy-on-write after fork (seg: the child's private segments are copies) -------------------
    for mode in hwreloc paged seg; do
        begin "$E $mode: the child's own store after fork leaves the parent's byte"
        run "$E" --mode "$mode" "$A/cow_user.s"
        want_rc 0
        want_exit 0 65
        want_exit 1 66
        end_case
        begin "$E $mode: read, fstat and wait writing into pages shared after fork change one side only"
        run "$E" --mode "$mode" "$A/cow_kernel.s"
        want_rc 0
        want_exit 0 65
        want_exit 1 104
        [ "$mode" = paged ] && want_eq "the child's COW copies" "$(jv "$T/s.json" processes.1.cow_copies)" 1
        end_case
    done

    # ---- sharing between unrelated processes ----------------------------------------------------
    begin "$E paged: a private segment attaches in its creator's family only; a guesser gets -EACCES"
    run "$E" --mode paged "$A/shm_owner.s" "$A/shm_guess.s"
    want_rc 0
    want_exit 0 42
    want_exit 1 13
    want_exit 2 0
    end_case
    begin "$E paged: library code shared with another process cannot be written, by read() or by a store"
    run "$E" --mode paged --dump 0x1800:1 "$A/lib_attack.s" "$A/lib_user.s"
    want_rc 1
    want_stop "$READ_ONLY" store 0x00000054 lib_attack.s 0x00080018
    want_eq "read() over the library's code" "$(dump_words | awk '{print $1}')" -14
    want_eq "the other process's output" "$(grep -c '^hello$' "$T/out")" 2
    want_exit 1 0
    end_case

    begin "$E seg: a private segment attaches in its creator's family only; a guesser gets -EACCES"
    run "$E" --mode seg "$A/shm_owner.s" "$A/shm_guess.s"
    want_rc 0
    want_exit 0 42
    want_exit 1 13
    want_exit 2 0
    end_case
    begin "$E seg: library code shared with another process (one block) cannot be written, by read() or by a store"
    run "$E" --mode seg --dump 0x1800:1 "$A/lib_attack.s" "$A/lib_user.s"
    want_rc 1
    want_stop "$SEG_PROT" store 0x00000054 lib_attack.s 0x00020018
    want_eq "read() over the library's code" "$(dump_words | awk '{print $1}')" -14
    want_eq "the other process's output" "$(grep -c '^hello$' "$T/out")" 2
    want_eq "the library's code mapped once more, not copied" "$(jv "$T/s.json" shared_maps)" 1
    want_exit 1 0
    end_case
    for mode in paged seg; do
        absent=$NOT_MAPPED read_only=$READ_ONLY
        [ "$mode" = seg ] && absent=$SEG_ABSENT read_only=$SEG_PROT
        begin "$E $mode: after shmdt a load from the segment's old address is stopped"
        run "$E" --mode "$mode" "$A/shm_detached.s"
        want_rc 1
        want_err "process 1 (shm_detached.s) stopped: $absent; load at pc 0x00000048"
        end_case
        begin "$E $mode: a segment attached SHM_RDONLY takes no write, by read() or by a store; the writable mapping keeps 7"
        run "$E" --mode "$mode" --dump 0x1800:2 "$A/shm_rdonly.s"
        want_rc 1
        want_err "process 1 (shm_rdonly.s) stopped: $read_only; store at pc 0x0000008c"
        want_eq "read() into it, then the word through the writable mapping" "$(dump_words)" "-14 7"
        end_case
    done

    # ---- the address space itself ---------------------------------------------------------------
    begin "$E paged: munmap and MAP_FIXED over code and data are refused; a page is gone after munmap"
    run "$E" --mode paged --dump 0x1800:8 "$A/unmap.s"
    want_rc 1
    set -- $(dump_words)
    want_eq "munmap(code), MAP_FIXED over code and data, munmap(data), munmap(mapping), code ran" "$2 $3 $4 $5 $6 $7 $8" "104 0 -22 -22 0 0 1"
    want_stop "$NOT_MAPPED" load 0x000000c0 unmap.s "$(printf '0x%08x' $(($1 & 0xFFFFFFFF)))"
    end_case
    begin "$E paged: the stack grown into the heap is stopped with a hole page left; the heap keeps its word"
    run "$E" --mode paged --va-bits 16 --dump 0x2000:1 "$A/stack_heap.s"
    want_rc 1
    want_stop "$NOT_MAPPED" store 0x0000002c stack_heap.s 0x00003ffc
    want_eq "the heap's word" "$(dump_words)" "$((0x5EA95EA9))"
    end_case

    # ---- system calls -------------------------------------------------------------------------------
    # results 0..7 per mode, then 8..17 alike (common_tail), 18..21 per mode, 22..25 alike
    common_tail="-14 -22 -14 -14 4 314572800 -27 -27 0 -22"
    for mode in bare hwreloc seg paged; do
        case $mode in
        paged) want="-14 0 -14 0 -14 -14 -14 1515870810 $common_tail MAP -14 -22 -22" ;;
        seg) want="-14 0 4 CHANGED 0 -14 -14 1515870810 $common_tail -19 -14 -22 -19" ;; # rwx: code and data share segment 0
        *) want="-14 0 4 CHANGED 0 -14 -14 1515870810 $common_tail -19 -14 -19 -19" ;; # a partition's code is its own
        esac
        want="$want 268435454 2 -27 0" # a write up to the limit, then none
        begin "$E $mode: system calls with wild pointers, lengths and flags are refused before they act"
        rm -f "$BOX/root/big"
        run "$E" --mode "$mode" --dump 0x1800:26 "$A/sys_wild.s"
        want_rc 0
        got=$(dump_words | awk '{ if ($19 + 0 > 0 || $19 + 0 < -4095) $19 = "MAP"; if ($4 + 0 != 0) $4 = "CHANGED"; print }')
        want_eq "results" "$got" "$want"
        want_eq "size of the file lseek+write and ftruncate tried to grow" "$(stat -c %s "$BOX/root/big" 2>/dev/null)" 16
        end_case
    done

    # ---- paths out of --root ---------------------------------------------------------------------
    for mode in bare swreloc hwreloc seg paged; do
        begin "$E $mode: paths out of --root (.., absolute, links, a FIFO) are refused; nothing outside changes"
        run "$E" --mode "$mode" --dump 0x1800:13 "$A/paths.s"
        want_rc 0
        want_eq "results" "$(dump_words)" "-13 -13 -40 -40 -13 -13 -13 -40 -22 -22 -2 -36 3"
        [ -p "$BOX/root/fifo" ] || fail_because "the FIFO is gone"
        [ -e "$BOX/created" ] && fail_because "../created was made outside the root"
        end_case
    done
done

finish
