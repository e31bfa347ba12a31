#!/usr/bin/env bash
# Remake the seed corpora (tests/fuzz/NAME/corpus) from the programs, small
# traces, reference strings and workload files; run it after a change of
# format, then commit what changed.  Crashes (tests/fuzz/NAME/crashes) are
# never touched.  Usage: tests/fuzz/seeds.sh [path to mmulab, default build/mmulab]
set -eu
cd "$(dirname "$0")/../.."
M=$(realpath "${1:-build/mmulab}")
F=tests/fuzz
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for h in asm elf link archive din refs workload syscall trace pt; do
    rm -rf "$F/$h/corpus"
    mkdir -p "$F/$h/corpus"
done
# A file in a corpus: a flags byte (printf's octal escape), then what follows.
seed() { # harness name flags-byte-escape [file...]
    local h=$1 name=$2 flags=$3
    shift 3
    { printf "$flags"; cat "$@"; } >"$F/$h/corpus/$name"
}

# asm: every program, as an executable (flags 0) and as an object (1),
# one with a listing (2)
for s in programs/*.s programs/lib/*.s; do
    seed asm "$(basename "$s" .s)" '\0' "$s"
done
seed asm hello_lib-object '\1' programs/lib/hello_lib.s
seed asm vcopy-listing '\2' programs/vcopy.s

# elf: executables, each loaded in one of the modes and run (flags: 0x80 + mode)
mode=0
for s in vcopy strcopy fork_cow mmap_copy threads recurse shm_share; do
    "$M" asm "programs/$s.s" -o "$T/$s.x"
    seed elf "$s" "\\$(printf '%o' $((0x80 + mode % 4)))" "$T/$s.x"
    mode=$((mode + 1))
done

# link and archive: the objects of a small program, an archive, a library
cat >"$T/main.s" <<'S'
        .global start
        .text
start:  LOAD    R1, #3
        CALL    triple
        STORE   R0, /result
        LOAD    R1, /counter
        ADD     R0, R1
        CALL    hello
        MOV     R1, R0
        SYSCALL #0
        .data
result: .word   0
S
cat >"$T/triple.s" <<'S'
        .global triple
        .text
triple: MOV     R0, R1
        ADD     R0, R1
        ADD     R0, R1
        LI      R2, scratch
        STORE   R0, [R2]
        RET
        .bss
scratch: .space 4
S
cat >"$T/data.s" <<'S'
        .global counter
        .data
        .word   0xDEAD
counter: .word  5
S
for m in main triple data; do "$M" asm -c "$T/$m.s" -o "$T/$m.o"; done
"$M" asm -c programs/lib/hello_lib.s -o "$T/hello_lib.o"
"$M" ld -shared "$T/hello_lib.o" -o "$T/libb.so"
(cd "$T" && "$M" ar rcs c.a triple.o data.o && "$M" ar rcs a_rather_long_member_name.a main.o triple.o)
sep() { printf '\n--\n'; }
seed link objects '\0' "$T/main.o" <(sep) "$T/triple.o" <(sep) "$T/data.o"
seed link with-library '\0' "$T/main.o" <(sep) "$T/libb.so" <(sep) "$T/c.a"
seed link shared '\1' "$T/hello_lib.o"
seed archive two-members '' "$T/c.a"
seed archive long-names '' "$T/a_rather_long_member_name.a"

# din: plain (labels, 0x, comments, blank lines, trailing text), gzip, xz
printf '0 1000\n1 2004\n2 0x0\n3 ffffffffffffffff\n4 0\n' >"$F/din/corpus/labels"
printf '# a comment\n\n  2  0x100 trailing words\n0\t0X2000\r\n1 40' >"$F/din/corpus/layout"
awk 'BEGIN { for (i = 0; i < 300; i++) printf "%d %x\n", i % 3, (i * 4096 + i * 4) % 65536 }' >"$T/loop.din"
cp "$T/loop.din" "$F/din/corpus/loop"
gzip -9 -n -c "$T/loop.din" >"$F/din/corpus/loop.gz"
xz -9 -c "$T/loop.din" >"$F/din/corpus/loop.xz"
printf '0 1\n9 2\n' >"$F/din/corpus/bad-label"
# the harness compresses these itself (0xF1 gzip, 0xF2 xz; 0xF3, 0xF4 cut short by 1 + 2nd byte % 64)
for k in 1 2 3 4; do printf "\\36$k\\020" | cat - "$T/loop.din" >"$F/din/corpus/packed-$k"; done

# refs: the textbook strings (flags byte: frames - 1)
seed refs silberschatz '\2' <(printf '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1')
seed refs belady '\3' <(printf '1,2,3,4,1,2,5,1,2,3,4,5')
seed refs lines '\1' <(printf '1\n2\n3\n\n4 1\t2 5')

# workload: the hand-made file of tests/multiprog.sh, units, comments
seed workload hand '\0' <(printf '# arrival size lifetime\n0 32 100\n1 32 2\n2 32 100\n4 16 100\n5 20 100\n')
seed workload units '\61' <(printf '0 4K 10\n0.5 1M 3 # big\n2 16k 1e3\n1 8m 0\n')
seed workload refuse '\20' <(printf '0 4000 5\n1 4000 5\n1 9000 1\n')

python3 "$F/syscall_seeds.py" "$F/syscall/corpus"

# trace: CSV (flags 0) and JSON (1) traces of faults, evictions (with the
# policy's state), COW, switches and swaps
"$M" run --mode paged --frames 2 --page-size 512 --replace clock --explain=state --trace "$T/clock.csv" programs/vcopy.s >/dev/null 2>&1
"$M" run --mode paged --frames 3 --page-size 512 --replace lru --explain=state --trace "$T/lru.json" programs/vcopy.s programs/strcopy.s >/dev/null 2>&1
"$M" run --mode paged --frames 4 --trace "$T/cow.csv" programs/fork_cow.s >/dev/null 2>&1
"$M" run --mode hwreloc --mem 16K --stack 2K --swap --trace "$T/swap.csv" programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s >/dev/null 2>&1
seed trace clock '\0' "$T/clock.csv"
seed trace lru-json '\1' "$T/lru.json"
seed trace cow '\0' "$T/cow.csv"
seed trace swap '\0' "$T/swap.csv"

# pt: page-table descriptions (flags: the geometry byte, then the address seed)
seed pt seed-14bit '\001\007' <(printf '# the seed\nmap 2 5 vrwu\nmap 0 3\n')
seed pt two-level '\032\100' <(printf 'map 0 40\nmap 1 41 rx\nmap 7 42 r\nmap 3 43 vrwuad\n')
seed pt by-hand '\011\003' <(printf 'ptbr 0x1000\nword 0x1000 0x00000c01\nword 0x3000 0x0000a01f\n')
