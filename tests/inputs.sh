#!/usr/bin/env bash
# Input tests: whatever a user types or feeds in, mmulab answers with a clear
# message and exit status 2 -- bad assembly (every error as file:line:col, all
# in one run), bad options, missing files, truncated and corrupted
# executables -- and never crashes: a signal, a sanitizer report or a hang
# fails the case whatever it asserts (tests/lib.sh).
#
# Usage: OUT=build tests/inputs.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

P=programs/vcopy.s
"$M" asm "$P" -o "$T/v.x" || { echo "cannot assemble $P"; exit 2; }
SIZE=$(wc -c <"$T/v.x")

echo "inputs: bad assembly"
# errors on lines 2, 3, 4 and 6; line 5 is fine
printf 'start:\n  LOAD R1, #\n  FROB R2, R3\n  JNZ /nowhere\n  ADD R1, R2\n  ADD R1, R99\n' >"$T/bad.s"
for cmd in asm run; do
    begin "bad assembly: mmulab $cmd reports every error as file:line:col, in line order, exit 2"
    if [ $cmd = asm ]; then mm asm "$T/bad.s" -o "$T/bad.x"; else mm run "$T/bad.s"; fi
    want_rc 2
    want_eq "lines with an error" "$(grep -oE '^[^:]*bad\.s:[0-9]+:[0-9]+: error: ' "$T/err" | cut -d: -f2 | tr '\n' ' ')" "2 3 4 6 "
    want_err "bad.s:3:3: error: unknown mnemonic 'FROB'"
    want_err_re "bad.s:4:[0-9]+: error: .*nowhere"
    want_err_re "bad.s:6:11: error: .*R99"
    [ $cmd = asm ] && [ -e "$T/bad.x" ] && fail_because "an executable was written despite the errors"
    end
done

begin "bad assembly: 300 bad lines give 300 errors in one run (--max-errors 0)"
for i in $(seq 300); do echo "        FROB$i R1"; done >"$T/many.s"
mm asm --max-errors 0 "$T/many.s" -o "$T/many.x"
want_rc 2
want_eq "errors" "$(grep -cE 'many\.s:[0-9]+:9: error: ' "$T/err")" 300
want_eq "the last one" "$(grep -E 'error: ' "$T/err" | sed -n 300p | cut -d: -f2)" 300
end

begin "bad assembly: each kind of mistake names its line"
cat >"$T/kinds.s" <<'S'
start:  LOAD R1, #0x100000
start:  NOP
        .frob 3
        ADD R1
        LOAD R1, [R2+40000]
        JMP
        LOAD R3, R4, R5
        LOADB R1, #"x
        LOAD R1, #1
S
mm asm "$T/kinds.s" -o "$T/kinds.x"
want_rc 2
want_eq "lines with an error" "$(grep -oE 'kinds\.s:[0-9]+:[0-9]+: error: ' "$T/err" | cut -d: -f2 | tr '\n' ' ')" "1 2 3 4 5 6 7 8 "
want_err_re "kinds.s:1:[0-9]+: error: .*range"
want_err_re "kinds.s:2:[0-9]+: error: .*start"
want_err_re "kinds.s:3:[0-9]+: error: .*\.frob"
want_err_re "kinds.s:5:[0-9]+: error: .*range"
end

begin "bad assembly: a malformed '; expect:' line is an error at its line, exit 2"
printf '; expect: bogus 3\n        SYSCALL #0\n' >"$T/badexp.s"
mm run --check "$T/badexp.s"
want_rc 2
want_err_re "badexp.s:1:[0-9]+: error: .*expect"
end

begin "bad assembly: random bytes as source are errors, not a crash"
python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(4000)))' >"$T/noise.s"
mm run "$T/noise.s"
want_rc 2
want_err_re "noise.s: error: not assembly text: NUL byte at offset [0-9]+"
end

begin "bad assembly: random bytes without a NUL are file:line:col errors, at most 100 and a last line saying so"
python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(1, 256) for _ in range(40000)))' >"$T/noise1.s"
mm run "$T/noise1.s"
want_rc 2
want_err_re "noise1.s:[0-9]+:[0-9]+: error: "
want_eq "error lines" "$(grep -c 'noise1.s:[0-9]*:[0-9]*: error: ' "$T/err")" 100
want_err "noise1.s: error: too many errors, stopping"
end

begin "bad assembly: a 100000-character line does not crash"
{ printf '        .ascii "'; head -c 100000 /dev/zero | tr '\0' 'a'; printf '"\n        SYSCALL #0\n'; } >"$T/long.s"
mm asm "$T/long.s" -o "$T/long.x"
[ "$RC" -le 2 ] || fail_because "exit status $RC"
end

echo "inputs: bad options"
# option | what the message must say
while IFS='|' read -r args says; do
    [ -z "$args" ] && continue
    begin "bad option: run $args"
    # shellcheck disable=SC2086
    mm run $args "$P"
    want_rc 2
    want_err "$says"
    end
done <<'CASES'
--bogus|unknown option '--bogus'
--mode sideways|--mode 'sideways': allowed values are bare|swreloc|hwreloc
--mode=SWRELOC|allowed values are
--mem 1000|--mem '1000': expected a size
--mem 12K|--mem '12K'
--mem 3G|--mem '3G'
--mem 64Q|--mem '64Q'
--mem 65537|--mem '65537'
--dump 12|--dump '12': expected ADDR:COUNT
--dump 1000:0|--dump '1000:0'
--dump abc:1|--dump 'abc:1'
--dump 1000:x|--dump '1000:x'
--dump :5|--dump ':5'
--timing foo=1|unknown parameter 'foo'; allowed: mem_cycles
--timing mem_cycles=x|--timing mem_cycles: 'x': expected a whole number from 0 to 4294967295
--timing mem_cycles=-1|--timing mem_cycles: '-1': expected a whole number from 0 to
--timing nothing|--timing wants NAME=VALUE
--timing exec_cycles=0|--timing exec_cycles: '0': expected a whole number from 1 to 4294967295
--timing cpu_mhz=0|--timing cpu_mhz: '0': expected a whole number from 1 to
--timing disk_mbps=0|--timing disk_mbps: '0': expected a whole number from 1 to
--base 100|--base 0x64
--base zero|--base 'zero'
--quantum 0|--quantum '0'
--max-cycles -1|--max-cycles '-1'
--max-cycles 5Q|--max-cycles '5Q': expected a number from 0 to
--granule 3|--granule '3'
--fit worstest|--fit 'worstest': allowed values are first|best|worst|next
--stack 3|--stack '3'
--engine verilog|--engine 'verilog': allowed values are c|rtl
--trace t.txt|must end in .csv or .json
CASES

begin "bad option: run --mode without its value"
mm run "$P" --mode
want_rc 2
want_err "--mode needs a value"
end

begin "bad option: the cycle costs --timing accepts are listed by name"
mm run --timing foo=1 "$P"
for name in $("$M" timing | awk 'NR > 2 { print $1 }'); do
    grep -q " $name" "$T/err" || fail_because "'$name' not among the allowed names"
done
end

begin "bad option: --base where the program does not fit"
mm run --mode swreloc --base 0xFF000 "$P"
want_rc 2
want_err "do not fit"
end

begin "bad option: --base where the relocated addresses do not fit their fields"
mm run --mode swreloc --mem 2M --base 0xFFC00 "$P"
want_rc 2
want_err "does not fit its field"
end

begin "bad option: a program larger than memory"
printf '        .data\n        .org 70000\nx:      .word 1\n        .text\nstart:  SYSCALL #0\n' >"$T/big.s"
mm run --mem 64K "$T/big.s"
want_rc 2
want_err "big.s"
end

begin "odd but valid combinations run or refuse cleanly, never crash"
while IFS='|' read -r args want; do
    [ -z "$args" ] && continue
    # shellcheck disable=SC2086
    mm run --quiet $args
    [ "$RC" = "$want" ] || fail_because "run $args: exit $RC, want $want ($(head -c 200 "$T/err" | tr '\n' '|'))"
done <<'CASES'
--granule 1M programs/vcopy.s programs/strcopy.s|2
--mem 16K programs/vcopy.s programs/strcopy.s programs/checksum.s|2
--mem 16K --mode bare programs/checksum.s|0
--stack 0 programs/vcopy.s|0
--quantum 1 programs/vcopy.s programs/strcopy.s|0
--fit worst --mode swreloc programs/vcopy.s programs/strcopy.s programs/escape.s|0
--fit next --mem 32K programs/vcopy.s programs/vcopy.s programs/vcopy.s programs/vcopy.s|0
--fit best --mode hwreloc programs/strcopy.s programs/checksum.s programs/recurse.s|0
--dump 0xFFFFFFFC:4 programs/vcopy.s|0
--base 0xFFFFC --mode hwreloc programs/vcopy.s|2
--max-cycles 1 programs/vcopy.s programs/strcopy.s|1
--audit --mode swreloc --quantum 3 programs/escape.s programs/vcopy.s|0
--audit --mode hwreloc --quantum 5 programs/escape.s programs/vcopy.s|1
CASES
end

begin "bad option: --stats-json into a directory that does not exist"
mm run --stats-json "$T/no/such/dir/s.json" "$P"
want_rc 2
want_err "cannot write"
end

begin "bad option: --trace into a directory that does not exist"
mm run --trace "$T/no/such/dir/t.csv" "$P"
want_rc 2
want_err "cannot create"
end

begin "bad option: other commands"
mm; want_rc 2; want_err "usage: mmulab COMMAND"
mm frob; want_rc 2; want_err "unknown command 'frob'"
mm compare --bogus "$P"; want_rc 2; want_err "unknown option '--bogus'"
mm compare --mode sideways "$P"; want_rc 2; want_err "allowed values are"
mm timing --timing nothing; want_rc 2; want_err "NAME=VALUE"
mm asm --bogus "$P"; want_rc 2; want_err "unknown option '--bogus'"
mm asm; want_rc 2; want_err "usage: mmulab asm"
mm asm "$P" "$P"; want_rc 2; want_err "more than one source"
mm asm "$P" -o; want_rc 2; want_err "needs a file name"
mm run; want_rc 2; want_err "no program given"
end

begin "help: every command's --help exits 0 and prints its usage"
for c in run compare asm; do
    mm $c --help
    want_rc 0
    want_out "usage: mmulab $c"
done
mm --help; want_rc 0; want_out "usage: mmulab COMMAND"
mm run --help; want_out "--max-cycles"
end

echo "inputs: missing and unreadable files"
for c in run compare asm disasm; do
    begin "missing file: mmulab $c"
    mm $c "$T/nonexistent.s"
    want_rc 2
    want_err "nonexistent.s"
    end
done

begin "missing file: a directory given as a program"
mm run "$T"
want_rc 2
want_err "$T"
end

begin "missing file: disasm of a source file says it is not ELF"
mm disasm "$P"
want_rc 2
want_err "not an ELF file"
end

echo "inputs: truncated and corrupted executables"
# (0 bytes is left out: an empty file has no ELF magic, so it is taken for an
# empty assembly source -- see the note in docs/cli.md)
lengths="$(seq 1 63) $(seq 64 23 $((SIZE - 1))) $((SIZE - 1))"
begin "truncated: run of vcopy.x cut to each of $(echo $lengths | wc -w) lengths below $SIZE bytes: exit 2 and a message"
for n in $lengths; do
    head -c "$n" "$T/v.x" >"$T/cut.x"
    mm run "$T/cut.x"
    [ "$RC" -eq 2 ] || fail_because "$n bytes: exit $RC"
    grep -q "cut.x" "$T/err" || fail_because "$n bytes: the message does not name the file: $(head -c 200 "$T/err")"
done
end

begin "truncated: disasm of vcopy.x cut short: exit 2"
for n in 0 3 4 20 51 52 100 $((SIZE / 2)) $((SIZE - 1)); do
    head -c "$n" "$T/v.x" >"$T/cut.x"
    mm disasm "$T/cut.x"
    [ "$RC" -eq 2 ] || fail_because "$n bytes: exit $RC"
done
end

begin "corrupted: 'ELF' magic then noise: exit 2"
{ printf '\177ELF'; python3 -c 'import random,sys; r=random.Random(3); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(400)))'; } >"$T/noise.x"
mm run "$T/noise.x"
want_rc 2
want_err "noise.x"
mm disasm "$T/noise.x"
want_rc 2
end

# Random byte changes anywhere in vcopy.x (1 to 4 bytes each, fixed seed):
# a change the reader catches is exit 2 with a message; one it cannot see
# (in the code or data) may run, to an exit or a fault (0 or 1).  Never a
# crash, never a hang (the cycle limit bounds a run that loops).
FLIPS=${FLIPS:-200}
python3 - "$T/v.x" "$T/flip" "$FLIPS" <<'PY'
import random, sys
src, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
r = random.Random(2)
for i in range(n):
    b = bytearray(data)
    for _ in range(r.randint(1, 4)):
        # half the changes in the ELF and program headers, where the checks are
        pos = r.randrange(84) if r.random() < 0.5 else r.randrange(len(b))
        b[pos] = r.randrange(256) if r.random() < 0.7 else b[pos] ^ (1 << r.randrange(8))
    open("%s%03d.x" % (prefix, i), "wb").write(b)
PY
begin "corrupted: $FLIPS copies of vcopy.x with random byte changes: run exits 0, 1 or 2 with a message, never crashes"
rejected=0
for f in "$T"/flip*.x; do
    mm run --quiet --max-cycles 200000 "$f"
    case $RC in
    0 | 1) ;;
    2)
        rejected=$((rejected + 1))
        grep -q "$(basename "$f")" "$T/err" || fail_because "$(basename "$f"): exit 2 without naming the file"
        ;;
    *) fail_because "$(basename "$f"): exit $RC" ;;
    esac
    [ -n "$WHY" ] && break
done
# the headers were hit in about half the copies: most must be rejected
[ "$rejected" -ge $((FLIPS / 4)) ] || fail_because "only $rejected of $FLIPS corrupted copies rejected"
end

begin "corrupted: disasm of the same copies exits 0 or 2, never crashes"
for f in "$T"/flip*.x; do
    mm disasm "$f"
    [ "$RC" -le 2 ] && [ "$RC" -ne 1 ] || fail_because "$(basename "$f"): exit $RC"
    [ -n "$WHY" ] && break
done
end

finish
