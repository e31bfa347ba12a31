#!/usr/bin/env bash
# tests/services.sh -- issue 7 through the command line: static linking
# (modules, archives read by GNU ar, duplicate and missing symbols), dynamic
# libraries (linked stubs, hello both ways, dlopen errors), host files inside
# --root (every system call's argument checks, escapes refused) and mmap
# (the seed's two examples against the host, MAP_SHARED and MAP_PRIVATE,
# partial munmap, PROT_READ, MAP_FIXED, lazy loading).
# Usage: OUT=build tests/services.sh   (V=1 lists every case); the last line
# is `N passed, N failed`.
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

MODES="bare swreloc hwreloc paged"
MA=$(cd "$(dirname "$M")" && pwd)/$(basename "$M") # for runs in another directory
hex() { printf '0x%08x' $(($1 & 0xFFFFFFFF)); }

# ---- static linking ---------------------------------------------------------------------

# The modules of docs/services.md's example: main.s calls triple.s and reads
# data.s's counter (exit 14); unused.s resolves nothing.
for m in main triple data unused; do "$M" asm -c "programs/link/$m.s" -o "$T/$m.o" 2>>"$T/asm.log"; done

begin "ld: three modules link; the program runs in every mode with the right result"
mm ld "$T/main.o" "$T/triple.o" "$T/data.o" -o "$T/prog.x"
want_rc 0
for mode in $MODES; do
    mm run --mode "$mode" --stats-json "$T/j" "$T/prog.x"
    want_rc 0
    want_eq "$mode exit code" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 14
done
mm run --mode swreloc --base 20000 --stats-json "$T/j" "$T/prog.x"
want_eq "swreloc at 20000: exit code (relocated fields kept)" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 14
end

begin "ld: every relocation kept in the output; readelf reads it cleanly"
relocs=$(readelf -r -W "$T/prog.x" 2>&1 | grep -c 'unrecognized\|R_')
[ "$relocs" -ge 5 ] || fail_because "only $relocs relocations in the output"
readelf -h -S -s -W "$T/prog.x" 2>&1 | grep -qi -e warning -e error && fail_because "readelf complains"
end

begin "ld: a symbol defined twice is an error naming both files"
cp "$T/data.o" "$T/data2.o"
mm ld "$T/main.o" "$T/triple.o" "$T/data.o" "$T/data2.o" -o "$T/dup.x"
want_rc 2
want_err "'counter' is defined twice: in $T/data.o and in $T/data2.o"
end

begin "ld: a missing symbol is an error naming it and the module"
mm ld "$T/main.o" "$T/data.o" -o "$T/miss.x"
want_rc 2
want_err "undefined reference to 'triple' (in $T/main.o)"
[ -e "$T/miss.x" ] && fail_because "an output was written"
end

begin "ar: rcs builds an archive GNU ar lists and nm indexes"
rm -f "$T/libx.a"
(cd "$T" && "$MA" ar rcs libx.a triple.o data.o unused.o) || fail_because "mmulab ar rcs failed"
want_eq "ar t" "$(ar t "$T/libx.a" 2>&1 | tr '\n' ' ')" "triple.o data.o unused.o "
nm -s "$T/libx.a" 2>/dev/null | grep -q "counter in data.o" || fail_because "nm -s: no index entry for counter"
want_eq "mmulab ar t" "$("$M" ar t "$T/libx.a" | tr '\n' ' ')" "triple.o data.o unused.o "
end

begin "ar: long member names (GNU's // table) round-trip"
cp "$T/unused.o" "$T/a_rather_long_member_name.o"
(cd "$T" && "$MA" ar rcs liblong.a a_rather_long_member_name.o triple.o) || fail_because "mmulab ar failed"
want_eq "ar t" "$(ar t "$T/liblong.a" 2>&1 | tr '\n' ' ')" "a_rather_long_member_name.o triple.o "
end

begin "ld: an archive gives only the members that resolve a missing symbol"
mm ld "$T/main.o" "$T/libx.a" -o "$T/fromlib.x"
want_rc 0
readelf -s -W "$T/fromlib.x" | grep -q never_called && fail_because "unused.o was pulled in"
readelf -s -W "$T/fromlib.x" | grep -q ' triple$' || fail_because "triple.o was not pulled in"
mm run --mode hwreloc --stats-json "$T/j" "$T/fromlib.x"
want_eq "exit code" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 14
end

begin "ar: r replaces a member of the same name; GNU ar's archive links too"
(cd "$T" && ar rcs gnu.a triple.o data.o 2>/dev/null) || fail_because "GNU ar failed"
mm ld "$T/main.o" "$T/gnu.a" -o "$T/gnu.x"
want_rc 0
(cd "$T" && "$MA" ar r libx.a data.o) || fail_because "ar r failed"
want_eq "members after r" "$(ar t "$T/libx.a" | tr '\n' ' ')" "triple.o data.o unused.o "
end

# ---- dynamic libraries ----------------------------------------------------------------------

"$M" asm -c programs/lib/hello_lib.s -o "$T/hello_lib.o"
cat >"$T/caller.s" <<'EOF'
        .text
start:  CALL    hello                   ; through the linker's stub and the import table
        CALL    hello
        LOAD    R1, #0
        SYSCALL #0
EOF
"$M" asm -c "$T/caller.s" -o "$T/caller.o"

begin "ld -shared: a library (ET_DYN); a caller linked against it prints hello twice in every mode"
mm ld -shared "$T/hello_lib.o" -o "$T/hello_lib.so"
want_rc 0
readelf -h "$T/hello_lib.so" | grep -q 'DYN' || fail_because "not ET_DYN"
mm ld "$T/caller.o" "$T/hello_lib.so" -o "$T/caller.x"
want_rc 0
for mode in $MODES; do
    mm run --mode "$mode" --lib-path "$T" "$T/caller.x"
    want_rc 0
    want_eq "$mode output" "$(cat "$T/out")" "hello
hello"
done
end

begin "ld: the caller's code is not patched by the loader (calls go through __imports)"
"$M" disasm "$T/caller.x" >"$T/dis"
grep -q 'hello@plt' "$T/dis" || fail_because "no stub"
grep -q '__imports' "$T/dis" || fail_because "no import table"
end

for p in hello_implicit hello_dlopen; do
    begin "$p.s prints hello in every mode (--check)"
    for mode in $MODES; do
        mm run --mode "$mode" --check "programs/$p.s"
        want_rc 0
        want_err "check programs/$p.s: ok (2 expectations)"
    done
    end
done

begin "implicit: a missing library stops the program with status 127 and a message"
sed 's/"hello_lib"/"no_such_lib"/' programs/hello_implicit.s >"$T/nolib.s"
mm run --mode hwreloc --stats-json "$T/j" "$T/nolib.s"
want_out "cannot load library 'no_such_lib'"
want_eq "exit code" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 127
end

begin "implicit: a library found in --lib-path as lib.so is preferred to the one beside the program"
mm run --mode paged --lib-path "$T" --check programs/hello_implicit.s
want_rc 0
end

begin "libraries are found beside the program and in its lib/, wherever mmulab is and runs"
mkdir -p "$T/away/bin" "$T/away/app/lib" "$T/away/cwd"
cp "$M" "$T/away/bin/mm"
cp programs/hello_implicit.s "$T/away/app/"
cp "$T/hello_lib.so" "$T/away/app/lib/"
(cd "$T/away/cwd" && ../bin/mm run --mode paged ../app/hello_implicit.s) >"$T/out" 2>"$T/err"
want_eq "hello from app/lib" "$(cat "$T/out")" "hello"
mv "$T/away/app/lib/hello_lib.so" "$T/away/app/"
(cd "$T/away/cwd" && ../bin/mm run --mode hwreloc ../app/hello_implicit.s) >"$T/out" 2>"$T/err"
want_eq "hello from app/" "$(cat "$T/out")" "hello"
end

begin "the OS loads no source: a library with only its .s is an error naming it and where it looked"
cp programs/lib/hello_lib.s "$T/away/cwd/"
cp programs/hello_implicit.s "$T/away/cwd/"
(cd "$T/away/cwd" && ../bin/mm run --mode paged hello_implicit.s) >"$T/out" 2>"$T/err"
grep -q "cannot load library 'hello_lib' (error 2): no hello_lib or hello_lib.so in .:./lib (only its source" \
    "$T/out" || fail_because "message: $(cat "$T/out")"
(cd "$T/away/cwd" && ../bin/mm run --mode paged --lib-path /nonexistent hello_implicit.s) >"$T/out" 2>"$T/err"
grep -q "in /nonexistent:.:./lib" "$T/out" || fail_because "--lib-path not named first: $(cat "$T/out")"
end

begin "Win32 names: a program linked with libwin32.a loads hello_lib and maps a file"
"$M" asm -c programs/lib/win32.s -o "$T/win32.o" && (cd "$T" && "$MA" ar rcs libwin32.a win32.o)
cat >"$T/win.s" <<'PROG'
        .text
start:  LOAD    R1, #lib                ; h = LoadLibrary("hello_lib")
        CALL    LoadLibrary
        MOV     R10, R0
        MOV     R1, R10                 ; GetProcAddress(h, "hello")()
        LOAD    R2, #sym
        CALL    GetProcAddress
        CALL    R0
        MOV     R1, R10
        CALL    FreeLibrary
        LOAD    R1, #file               ; view = MapViewOfFile(CreateFileMapping(open("data.txt")), READ, 0, 4)
        LOAD    R2, #0
        SYSCALL #3
        MOV     R1, R0
        CALL    CreateFileMapping
        MOV     R1, R0
        LOAD    R2, #1
        LOAD    R3, #0
        LOAD    R4, #4
        CALL    MapViewOfFile
        MOV     R11, R0
        LOAD    R1, #1                  ; write(1, view, 4)
        MOV     R2, R11
        LOAD    R3, #4
        SYSCALL #1
        MOV     R1, R11                 ; UnmapViewOfFile(view, 4)
        LOAD    R2, #4
        CALL    UnmapViewOfFile
        MOV     R1, R0
        SYSCALL #0
        .data
lib:    .asciz  "hello_lib"
sym:    .asciz  "hello"
file:   .asciz  "data.txt"
PROG
"$M" asm -c "$T/win.s" -o "$T/win.o"
mm ld "$T/win.o" "$T/libwin32.a" -o "$T/win.x"
want_rc 0
mkdir -p "$T/root"
printf "WXYZ and more" >"$T/root/data.txt"
mm run --mode paged --root "$T/root" --stats-json "$T/j" "$T/win.x"
want_rc 0
want_eq "output" "$(cat "$T/out")" "hello
WXYZ"
want_eq "exit code (UnmapViewOfFile's result)" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 0
end

# ---- system calls: every argument checked -------------------------------------------------

mkdir -p "$T/root/sub" "$T/outside"
printf 'secret\n' >"$T/outside/secret"
printf 'hello, file\n' >"$T/root/data.txt"
ln -s ../outside/secret "$T/root/link"
ln -s ../outside "$T/root/dirlink"
ln -s data.txt "$T/root/inside_link"

# Each call's result goes to results[i]; --dump prints them.
cat >"$T/sys.s" <<'EOF'
        .text
start:  LOAD    R9, #results
        LI      R1, 0x0FFFFFF0          ; 0 open(bad pointer)
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3
        STORE   R0, [R9+0]
        LOAD    R1, #p_data             ; 1 open(data.txt, bad flag)
        LI      R2, 0x100000
        SYSCALL #3
        STORE   R0, [R9+4]
        LOAD    R1, #p_up               ; 2 open(../outside/secret)
        LOAD    R2, #0
        SYSCALL #3
        STORE   R0, [R9+8]
        LOAD    R1, #p_abs              ; 3 open(/etc/passwd)
        SYSCALL #3
        STORE   R0, [R9+12]
        LOAD    R1, #p_link             ; 4 open(link -> ../outside/secret)
        SYSCALL #3
        STORE   R0, [R9+16]
        LOAD    R1, #p_dirlink          ; 5 open(dirlink/secret)
        SYSCALL #3
        STORE   R0, [R9+20]
        LOAD    R1, #p_none             ; 6 open(nofile)
        SYSCALL #3
        STORE   R0, [R9+24]
        LOAD    R1, #p_data             ; 7 open(data.txt, O_RDONLY) = 3
        SYSCALL #3
        STORE   R0, [R9+28]
        LOAD    R1, #3                  ; 8 read(3, bad pointer, 10)
        LI      R2, 0x0FFFFFF0
        LOAD    R3, #10
        SYSCALL #5
        STORE   R0, [R9+32]
        LOAD    R1, #99                 ; 9 read(99, buf, 10)
        LOAD    R2, #buf
        SYSCALL #5
        STORE   R0, [R9+36]
        LOAD    R1, #3                  ; 10 read(3, buf, 2 MiB)
        LI      R3, 0x200000
        SYSCALL #5
        STORE   R0, [R9+40]
        LOAD    R1, #3                  ; 11 write(3, buf, 4): read-only descriptor
        LOAD    R3, #4
        SYSCALL #1
        STORE   R0, [R9+44]
        LOAD    R1, #3                  ; 12 fstat(3, bad pointer)
        LI      R2, 0x0FFFFFF0
        SYSCALL #6
        STORE   R0, [R9+48]
        LOAD    R1, #42                 ; 13 fstat(42, st)
        LOAD    R2, #st
        SYSCALL #6
        STORE   R0, [R9+52]
        LOAD    R1, #3                  ; 14 ftruncate(3, 10): read-only
        LOAD    R2, #10
        SYSCALL #7
        STORE   R0, [R9+56]
        LOAD    R1, #3                  ; 15 lseek(3, 0, 7): bad whence
        LOAD    R2, #0
        LOAD    R3, #7
        SYSCALL #8
        STORE   R0, [R9+60]
        LOAD    R1, #77                 ; 16 close(77)
        SYSCALL #4
        STORE   R0, [R9+64]
        LOAD    R1, #0                  ; 17 mmap(0, 0, READ, PRIVATE, 3, 0): length 0
        LOAD    R2, #0
        LOAD    R3, #1
        LOAD    R4, #2
        LOAD    R5, #3
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, [R9+68]
        LOAD    R2, #4096               ; 18 mmap(..., SHARED|PRIVATE, ...)
        LOAD    R4, #3
        SYSCALL #9
        STORE   R0, [R9+72]
        LOAD    R4, #2                  ; 19 mmap(..., fd 99, ...)
        LOAD    R5, #99
        SYSCALL #9
        STORE   R0, [R9+76]
        LOAD    R3, #3                  ; 20 mmap(READ|WRITE, SHARED) of a read-only descriptor
        LOAD    R4, #1
        LOAD    R5, #3
        SYSCALL #9
        STORE   R0, [R9+80]
        LOAD    R3, #1                  ; 21 mmap(offset 100)
        LOAD    R4, #2
        LOAD    R6, #100
        SYSCALL #9
        STORE   R0, [R9+84]
        LOAD    R1, #123                ; 22 munmap(123, 4096): unaligned
        LOAD    R2, #4096
        SYSCALL #10
        STORE   R0, [R9+88]
        LI      R1, 0x0FFFFFF0          ; 23 dlopen(bad pointer)
        LOAD    R2, #0                  ; mode 0: as --bind (also for 24, 25)
        SYSCALL #11
        STORE   R0, [R9+92]
        LOAD    R1, #p_up               ; 24 dlopen("../outside/secret")
        SYSCALL #11
        STORE   R0, [R9+96]
        LOAD    R1, #p_none             ; 25 dlopen("nofile")
        SYSCALL #11
        STORE   R0, [R9+100]
        LOAD    R1, #9                  ; 26 dlsym(9, "nofile")
        LOAD    R2, #p_none
        SYSCALL #13
        STORE   R0, [R9+104]
        LOAD    R1, #0                  ; 27 dlclose(0)
        SYSCALL #14
        STORE   R0, [R9+108]
        LOAD    R1, #3                  ; 28 read(3, buf, 5) = 5
        LOAD    R2, #buf
        LOAD    R3, #5
        SYSCALL #5
        STORE   R0, [R9+112]
        LOAD    R1, #3                  ; 29 fstat(3, st) = 0, st.size = 12
        LOAD    R2, #st
        SYSCALL #6
        STORE   R0, [R9+116]
        LOAD    R1, #3                  ; 30 close(3) = 0
        SYSCALL #4
        STORE   R0, [R9+120]
        LOAD    R1, #3                  ; 31 close(3) again
        SYSCALL #4
        STORE   R0, [R9+124]
        SYSCALL #1000                   ; 32 no such call
        STORE   R0, [R9+128]
        LOAD    R1, #p_inside           ; 33 open(inside_link): a link, even inside, is refused
        LOAD    R2, #0
        SYSCALL #3
        STORE   R0, [R9+132]
        LOAD    R1, #p_data             ; 34 open(data.txt, O_RDONLY|O_CREAT, 01000): bad mode
        LOAD    R2, #0x40
        LOAD    R3, #512
        SYSCALL #3
        STORE   R0, [R9+136]
        LOAD    R1, #7                  ; 35 shmget(7, 0): size 0
        LOAD    R2, #0
        SYSCALL #17
        STORE   R0, [R9+140]
        LOAD    R1, #99                 ; 36 shmat(99, 0): no such segment
        SYSCALL #18
        STORE   R0, [R9+144]
        LOAD    R1, #4096               ; 37 shmdt(4096): nothing attached there
        SYSCALL #19
        STORE   R0, [R9+148]
        LI      R1, 0xFFFFFFFF          ; 38 wait(-1, 0): no child
        LOAD    R2, #0
        SYSCALL #16
        STORE   R0, [R9+152]
        LOAD    R1, #0
        SYSCALL #0
        .data
p_data: .asciz  "data.txt"
p_up:   .asciz  "../outside/secret"
p_abs:  .asciz  "/etc/passwd"
p_link: .asciz  "link"
p_dirlink: .asciz "dirlink/secret"
p_none: .asciz  "nofile"
p_inside: .asciz "inside_link"
        .align  4
st:     .word   0, 0
buf:    .space  16
        .org    0x1000
results: .space 200
EOF
# Expected results in order; the mmap calls need paging (-19, ENODEV, elsewhere).
want_common="-14 -22 -13 -13 -40 -40 -2 3 -14 -9 -22 -9 -14 -9 -22 -22 -9"
want_paged_mmap="-22 -22 -9 -13 -22 -22"
want_contig_mmap="-19 -19 -19 -19 -19 -19"
want_tail="-14 -22 -2 -9 -9 5 0 0 -9 -38 -40 -22 -22"
want_paged_tail="-22 -22 -10"
want_contig_tail="-19 -22 -10"
syscall_names="open(bad-ptr) open(bad-flag) open(..) open(/abs) open(link-out) open(dirlink) open(missing) open(ok)
read(bad-ptr) read(bad-fd) read(bad-len) write(ro-fd) fstat(bad-ptr) fstat(bad-fd) ftruncate(ro) lseek(bad-whence)
close(bad-fd) mmap(len0) mmap(flags) mmap(bad-fd) mmap(access) mmap(offset) munmap(unaligned) dlopen(bad-ptr)
dlopen(bad-name) dlopen(missing) dlsym(bad-handle) dlclose(bad-handle) read(ok) fstat(ok) close(ok) close(twice)
nosys open(link-in) open(bad-mode) shmget(size0) shmat(bad-id) shmdt(nothing) wait(no-child)"
for mode in $MODES; do
    begin "syscalls under $mode: each bad pointer, length, flag, descriptor and escape gets its error code"
    mm run --mode "$mode" --root "$T/root" --dump 0x1000:39 "$T/sys.s"
    want_rc 0
    mmap_want=$want_contig_mmap tail_want=$want_contig_tail
    [ "$mode" = paged ] && mmap_want=$want_paged_mmap tail_want=$want_paged_tail
    set -- $syscall_names
    i=0
    for w in $want_common $mmap_want $want_tail $tail_want; do
        got=$(awk -v n=$((i + 1)) 'NR == n { print $2 }' "$T/out")
        want_eq "call $i $1" "$got" "$(hex "$w")"
        shift
        i=$((i + 1))
    done
    want_eq "the secret stayed outside" "$(grep -c secret "$T/out")" 0
    end
done

begin "files: write, read back, ftruncate, lseek through the descriptor table"
cat >"$T/rw.s" <<'EOF'
        .text
start:  LOAD    R1, #name               ; fd = open("sub/out.txt", O_RDWR|O_CREAT|O_TRUNC, 0644)
        LOAD    R2, #0x242
        LOAD    R3, #420
        SYSCALL #3
        MOV     R10, R0
        MOV     R1, R10                 ; write(fd, "abcdef", 6)
        LOAD    R2, #text
        LOAD    R3, #6
        SYSCALL #1
        MOV     R1, R10                 ; ftruncate(fd, 4)
        LOAD    R2, #4
        SYSCALL #7
        MOV     R1, R10                 ; lseek(fd, 1, SEEK_SET)
        LOAD    R2, #1
        LOAD    R3, #0
        SYSCALL #8
        MOV     R1, R10                 ; read(fd, buf, 10) = 3 ("bcd")
        LOAD    R2, #buf
        LOAD    R3, #10
        SYSCALL #5
        MOV     R11, R0
        LOAD    R1, #1                  ; print what came back
        LOAD    R2, #buf
        MOV     R3, R11
        SYSCALL #1
        MOV     R1, R10
        SYSCALL #4
        MOV     R1, R11
        SYSCALL #0
        .data
name:   .asciz  "sub/out.txt"
text:   .ascii  "abcdef"
buf:    .space  16
EOF
for mode in hwreloc paged; do
    rm -f "$T/root/sub/out.txt"
    mm run --mode "$mode" --root "$T/root" "$T/rw.s"
    want_rc 0
    want_eq "$mode: read back" "$(cat "$T/out")" "bcd"
    want_eq "$mode: the host file" "$(cat "$T/root/sub/out.txt")" "abcd"
done
end

begin "--root defaults to the current directory"
(cd "$T/root" && "$MA" run --mode hwreloc --quiet "$T/rw.s" >/dev/null 2>&1)
want_eq "file created in the current directory" "$(cat "$T/root/sub/out.txt")" "abcd"
end

# ---- mmap --------------------------------------------------------------------------------------

begin "mmap_count.s counts the blanks as the host does (the seed's slide 69)"
python3 -c "
import random; random.seed(7); print(''.join(random.choice('ab  c\n') for _ in range(30000)),end='')" >"$T/root/data.txt"
want_n=$(tr -cd ' ' <"$T/root/data.txt" | wc -c)
mm run --mode paged --root "$T/root" --stats-json "$T/j" programs/mmap_count.s
want_rc 0
want_eq "output" "$(cat "$T/out")" "n=$want_n"
end

begin "mmap_copy.s copies f1 to f2 through two mappings (the seed's slide 70)"
head -c 50000 /dev/urandom >"$T/root/f1"
rm -f "$T/root/f2"
mm run --mode paged --root "$T/root" programs/mmap_copy.s
want_rc 0
cmp -s "$T/root/f1" "$T/root/f2" || fail_because "f2 differs from f1"
end

begin "mmap: pages load lazily (touching 1 page of 8 reads 1 page of the file)"
head -c 32768 /dev/zero | tr '\0' 'x' >"$T/root/eight"
cat >"$T/lazy.s" <<'EOF'
        .text
start:  LOAD    R1, #name
        LOAD    R2, #0
        SYSCALL #3
        MOV     R5, R0                  ; mmap(0, 32768, READ, PRIVATE, fd, 0)
        LOAD    R1, #0
        LOAD    R2, #32768
        LOAD    R3, #1
        LOAD    R4, #2
        LOAD    R6, #0
        SYSCALL #9
        LOAD    R7, #TOUCH              ; pages to touch
        MOV     R8, R0
touch:  LOADB   R1, [R8]
        ADD     R8, #4096
        DEC     R7
        JNZ     touch
        LOAD    R1, #0
        SYSCALL #0
        .data
name:   .asciz  "eight"
EOF
sed 's/#TOUCH/#1/' "$T/lazy.s" >"$T/lazy1.s"
sed 's/#TOUCH/#8/' "$T/lazy.s" >"$T/lazy8.s"
mm run --mode paged --root "$T/root" --stats-json "$T/j1" "$T/lazy1.s"
mm run --mode paged --root "$T/root" --stats-json "$T/j8" "$T/lazy8.s"
m1=$(jflat "$T/j1" | sed -n 's/^major_faults=//p')
m8=$(jflat "$T/j8" | sed -n 's/^major_faults=//p')
want_eq "major faults of 8 pages minus those of 1" "$((m8 - m1))" 7
end

begin "--regions prints the region table (slide 40): mapped file and library regions"
mm run --mode paged --root "$T/root" --regions "$T/lazy8.s"
want_out_re "^  mapped file +0x[0-9a-f]{8} 0x[0-9a-f]{8} file eight +r-- +private +variable$"
want_out_re "^  code +0x00000000 0x00001000 file \(lazy8.s\) +r-x +shared +fixed$"
want_out_re "^  stack .* none \(zeros\) +rw- +private +variable$"
mm run --mode paged --regions programs/hello_implicit.s
want_out_re "^  library code +0x00080000 0x00081000 library hello_lib +r-x +shared +fixed$"
mm run --mode hwreloc --regions programs/hello_implicit.s
want_out "no region table under hwreloc"
end

# A program that maps "shared.bin" (3 pages) with the given flags, writes 'X'
# at the start of each page, optionally unmaps, then exits.
mapper() { # prot flags unmap(0/1) touch_middle(0/1)
    cat <<EOF
        .text
start:  LOAD    R1, #name
        LOAD    R2, #2                  ; O_RDWR
        SYSCALL #3
        MOV     R5, R0
        LOAD    R1, #0
        LOAD    R2, #12288
        LOAD    R3, #$1
        LOAD    R4, #$2
        LOAD    R6, #0
        SYSCALL #9
        MOV     R10, R0
        LOAD    R7, #'X'
        STOREB  R7, [R10]
        LOAD    R8, #8192
        ADD     R8, R10
        STOREB  R7, [R8]
        LOAD    R8, #4096
        ADD     R8, R10
        STOREB  R7, [R8]
        LOAD    R9, #$3
        CMP     R9, #0
        JZ      finish
        MOV     R1, R8                  ; munmap(the middle page)
        LOAD    R2, #4096
        SYSCALL #10
        LOADB   R1, [R10]               ; the first and the last page stay mapped
        LOAD    R8, #8192
        ADD     R8, R10
        LOADB   R1, [R8]
        LOAD    R9, #$4
        CMP     R9, #0
        JZ      finish
        LOAD    R8, #4096
        ADD     R8, R10
        LOADB   R1, [R8]                ; the middle page is gone: a fault
finish: LOAD    R1, #0
        SYSCALL #0
        .data
name:   .asciz  "shared.bin"
EOF
}
fresh_file() { head -c 12288 /dev/zero | tr '\0' 'a' >"$T/root/shared.bin"; }
byte_at() { dd if="$T/root/shared.bin" bs=1 skip="$1" count=1 2>/dev/null; }

begin "MAP_SHARED: writes reach the file when the program ends"
fresh_file
mapper 3 1 0 0 >"$T/m.s"
mm run --mode paged --root "$T/root" "$T/m.s"
want_rc 0
want_eq "bytes 0, 4096, 8192" "$(byte_at 0)$(byte_at 4096)$(byte_at 8192)" "XXX"
want_eq "byte 1 untouched" "$(byte_at 1)" "a"
end

begin "MAP_SHARED: partial munmap writes that page back; the rest stays mapped; the hole faults"
fresh_file
mapper 3 1 1 0 >"$T/m.s"
mm run --mode paged --root "$T/root" "$T/m.s"
want_rc 0
want_eq "bytes 0, 4096, 8192" "$(byte_at 0)$(byte_at 4096)$(byte_at 8192)" "XXX"
fresh_file
mapper 3 1 1 1 >"$T/m.s"
mm run --mode paged --root "$T/root" "$T/m.s"
want_rc 1
want_err "stopped"
end

begin "MAP_PRIVATE: writes copy the page and never reach the file"
fresh_file
mapper 3 2 1 0 >"$T/m.s"
mm run --mode paged --root "$T/root" "$T/m.s"
want_rc 0
want_eq "bytes 0, 4096, 8192" "$(byte_at 0)$(byte_at 4096)$(byte_at 8192)" "aaa"
end

begin "PROT_READ: a write into the mapping stops the program, the file is unchanged"
fresh_file
mapper 1 1 0 0 >"$T/m.s"
mm run --mode paged --root "$T/root" "$T/m.s"
want_rc 1
want_err "stopped"
want_eq "byte 0" "$(byte_at 0)" "a"
end

begin "MAP_SHARED by two unrelated processes: one frame, the reader sees the writer's store at once"
cat >"$T/writer.s" <<'PROG'
        .text
start:  LOAD    R1, #name
        LOAD    R2, #2
        SYSCALL #3
        MOV     R5, R0
        LOAD    R1, #0
        LOAD    R2, #4
        LOAD    R3, #3
        LOAD    R4, #1
        LOAD    R6, #0
        SYSCALL #9
        MOV     R10, R0
        LOAD    R1, #'Z'
        STOREB  R1, [R10]
        LOAD    R7, #20000
spin:   DEC     R7
        JNZ     spin
        LOAD    R1, #0
        SYSCALL #0
        .data
name:   .asciz  "box"
PROG
cat >"$T/reader.s" <<'PROG'
        .text
start:  LOAD    R1, #name
        LOAD    R2, #0
        SYSCALL #3
        MOV     R5, R0
        LI      R1, 0x40000000          ; at another address than the writer's
        LOAD    R2, #4
        LOAD    R3, #1
        LOAD    R4, #0x11               ; MAP_SHARED | MAP_FIXED
        LOAD    R6, #0
        SYSCALL #9
        MOV     R10, R0
        LOAD    R7, #50000
look:   LOADB   R1, [R10]
        CMP     R1, #0
        JNZ     seen
        DEC     R7
        JNZ     look
seen:   SYSCALL #0                      ; exit(the byte: 90 once the writer's store shows)
        .data
name:   .asciz  "box"
PROG
printf '\0\0\0\0' >"$T/root/box"
mm run --mode paged --root "$T/root" --stats-json "$T/j" "$T/writer.s" "$T/reader.s"
want_rc 0
want_eq "the reader's exit code (the byte it saw)" "$(jflat "$T/j" | sed -n 's/^processes.1.exit_code=//p')" 90
want_eq "the reader mapped the writer's frame" "$(jflat "$T/j" | sed -n 's/^processes.1.shared_maps=//p')" 1
want_eq "the file" "$(head -c 1 "$T/root/box")" "Z"
end

begin "MAP_FIXED: the mapping is exactly at the address asked; over the code it is refused"
cat >"$T/fixed.s" <<'EOF'
        .text
start:  LOAD    R1, #name
        LOAD    R2, #0
        SYSCALL #3
        MOV     R5, R0
        LI      R1, 0x10000000          ; mmap(0x10000000, 4096, READ, PRIVATE|FIXED, fd, 0)
        LOAD    R2, #4096
        LOAD    R3, #1
        LOAD    R4, #0x12
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, /res0
        LOAD    R1, #0                  ; the same at 0, over the code
        SYSCALL #9
        STORE   R0, /res1
        CMP     R0, #-22                ; refused with EINVAL, or exit 1
        JNZ     refused_not
        LI      R1, 0x10000000
        LOADB   R2, [R1]
        MOV     R1, R2                  ; exit(the mapped byte)
        SYSCALL #0
refused_not: LOAD R1, #1
        SYSCALL #0
        .data
name:   .asciz  "shared.bin"
        .align  4
res0:   .word   0
res1:   .word   0
EOF
fresh_file
mm run --mode paged --root "$T/root" --stats-json "$T/j" "$T/fixed.s"
want_rc 0
want_eq "exit code (the byte 'a')" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 97
end

begin "random system calls with random arguments never hurt the host (3 seeds, every mode)"
for seed in 1 2 3; do
    python3 - "$seed" >"$T/fuzz$seed.s" <<'PY'
import random, sys
random.seed(int(sys.argv[1]))
print("        .text\nstart:")
interesting = [0, 1, 2, 3, 4, 15, 16, 99, 4095, 4096, 0x1000, 0x7FFFF, 0x10000000, 0xFFFFFFFF, 0xFFFFF000, 0x80000000]
for i in range(300):
    n = random.choice([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 2, 20, 1000])
    if n == 15 and random.random() < 0.7:
        n = 6
    for r in range(1, 7):
        v = random.choice(interesting) if random.random() < 0.6 else random.getrandbits(32)
        if n == 1 and r == 1:
            v = random.choice([3, 4, 5, 99])    # files, not the console
        print("        LI      R%d, 0x%08X" % (r, v))
    print("        SYSCALL #%d" % n)
print("        LOAD    R1, #0\n        SYSCALL #0")
PY
    mkdir -p "$T/fuzzroot"
    for mode in $MODES; do
        mm run --mode "$mode" --root "$T/fuzzroot" --max-cycles 20000000 --quiet "$T/fuzz$seed.s"
        [ "$RC" -le 1 ] || fail_because "seed $seed, $mode: exit status $RC"
    done
done
end

# ---- fork, copy-on-write, shared memory -----------------------------------------------------

begin "fork_cow.s: the child's store copies the page; the parent keeps its value and gets the exit code"
mm run --mode paged --check --stats-json "$T/j" programs/fork_cow.s
want_rc 0
want_err "check programs/fork_cow.s: ok (2 expectations)"
want_eq "both outputs" "$(sort "$T/out" | tr '\n' ' ')" "c 7 p 5 "
want_eq "child: frames shared at fork" "$(jflat "$T/j" | sed -n 's/^processes.1.shared_maps=//p')" 1
want_eq "child: pages copied on write" "$(jflat "$T/j" | sed -n 's/^processes.1.cow_copies=//p')" 1
want_eq "parent: no copy (the child had copied already)" "$(jflat "$T/j" | sed -n 's/^processes.0.cow_copies=//p')" 0
for mode in bare swreloc; do
    mm run --mode "$mode" --check programs/fork_cow.s
    want_err "check programs/fork_cow.s: ok (1 expectation)"
done
mm run --mode hwreloc --check --stats-json "$T/j" programs/fork_cow.s
want_err "check programs/fork_cow.s: ok (2 expectations)"
base1=$(jflat "$T/j" | sed -n 's/^processes.0.base=//p')
base2=$(jflat "$T/j" | sed -n 's/^processes.1.base=//p')
[ "$base1" != "$base2" ] || fail_because "hwreloc: the child shares the parent's partition ($base1)"
end

begin "fork: a dirty page written before fork is shared, then each side writes its own copy"
cat >"$T/cow.s" <<'PROG'
        .text
start:  LOAD    R1, #11
        STORE   R1, /x                  ; dirty before fork
        SYSCALL #15
        CMP     R0, #0
        JZ      child
        LI      R1, 0xFFFFFFFF
        LOAD    R2, #st
        SYSCALL #16
        LOAD    R1, /x                  ; still 11, and the child's 22 in st
        LOAD    R2, /st
        ADD     R1, R2
        SYSCALL #0                      ; exit(33)
child:  LOAD    R1, /x
        ADD     R1, R1
        STORE   R1, /x
        SYSCALL #0                      ; exit(22)
        .data
x:      .word   0
st:     .word   0
        .space  8192                    ; more pages: only the touched ones are shared
PROG
mm run --mode paged --stats-json "$T/j" "$T/cow.s"
want_rc 0
want_eq "exit code 11 + 22" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 33
want_eq "child's exit code" "$(jflat "$T/j" | sed -n 's/^processes.1.exit_code=//p')" 22
mm run --mode paged --frames 3 --stats-json "$T/j" "$T/cow.s"
want_eq "with 3 frames (evictions of shared frames)" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 33
end

begin "shm_share.s: a segment mapped at two addresses is one frame; the parent sees the child's stores"
mm run --mode paged --check --stats-json "$T/j" --regions programs/shm_share.s
want_rc 0
want_err "check programs/shm_share.s: ok (2 expectations)"
want_out_re "^  shared memory +0x00030000 0x00031000 none \(zeros\), segment 1 +rw- +shared +variable$"
want_out_re "^frame sharing: 0 frames saved now, at most [3-9] at once during the run$"
want_eq "child: pages mapped onto frames in use" "$(jflat "$T/j" | sed -n 's/^processes.1.shared_maps=//p')" 3
end

begin "library code: three processes running a -shared library map its code page once"
mm run --mode paged --lib-path "$T" --stats-json "$T/j" --regions "$T/caller.x" "$T/caller.x" "$T/caller.x"
want_rc 0
want_eq "outputs" "$(grep -cx hello "$T/out")" 6
want_eq "pages mapped onto a frame in use" "$(jflat "$T/j" | sed -n 's/^shared_maps=//p')" 2
want_out_re "^  library data +0x00081000 0x00082000 library hello_lib +rw- +private +fixed$"
end

begin "shared memory outlives its attachments: a detached segment keeps its bytes"
cat >"$T/keep.s" <<'PROG'
        .text
start:  LOAD    R1, #5                  ; id = shmget(5, 8192)
        LOAD    R2, #8192
        SYSCALL #17
        MOV     R10, R0
        MOV     R1, R10                 ; a = shmat(id, 0); a[4096] = 77; shmdt(a)
        LOAD    R2, #0
        SYSCALL #18
        MOV     R11, R0
        LOAD    R1, #77
        LOAD    R2, #4096
        ADD     R2, R11
        STORE   R1, [R2]
        MOV     R1, R11
        SYSCALL #19
        MOV     R1, R10                 ; b = shmat(id, 0x30000000); exit(b[4096])
        LI      R2, 0x30000000
        SYSCALL #18
        LOAD    R2, #4096
        ADD     R2, R0
        LOAD    R1, [R2]
        SYSCALL #0
PROG
mm run --mode paged --stats-json "$T/j" "$T/keep.s"
want_rc 0
want_eq "exit code" "$(jflat "$T/j" | sed -n 's/^processes.0.exit_code=//p')" 77
end

finish
