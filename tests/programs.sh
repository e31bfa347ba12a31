#!/usr/bin/env bash
# Program tests: every programs/*.s under every mode, one case per program and
# mode (rv32emu's mk/tests.mk style), then the run outputs (--dump, --stats-json,
# --stats, --trace), several programs side by side, --max-cycles, `compare`,
# and cycle counts worked out by hand from docs/timing.md.
#
# Usage: OUT=build tests/programs.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

MODES="bare swreloc hwreloc seg"
PROGRAMS=$(ls programs/*.s)

# The trap a program's header promises under a mode (`; expect[modes]: fault X`),
# or nothing if it promises to exit.
expected_fault() { # prog mode
    awk -v m="$2" '
        /^[ \t]*;[ \t]*expect/ {
            line = $0
            sub(/^[ \t]*;[ \t]*expect/, "", line)
            modes = ""
            if (line ~ /^\[/) {
                modes = substr(line, 2, index(line, "]") - 2)
                line = substr(line, index(line, "]") + 1)
            }
            if (line !~ /^:/)
                next
            sub(/^:[ \t]*/, "", line)
            if (line ~ /^fault[ \t]/ && (modes == "" || index("," modes ",", "," m ",")))
                { split(line, w, /[ \t]+/); print w[2]; exit }
        }' "$1"
}

# The exit code a program's header promises under a mode, if any.
expected_exit() { # prog mode
    awk -v m="$2" '
        /^[ \t]*;[ \t]*expect/ {
            line = $0
            sub(/^[ \t]*;[ \t]*expect/, "", line)
            modes = ""
            if (line ~ /^\[/) {
                modes = substr(line, 2, index(line, "]") - 2)
                line = substr(line, index(line, "]") + 1)
            }
            sub(/^:[ \t]*/, "", line)
            if (line ~ /^exit[ \t]/ && (modes == "" || index("," modes ",", "," m ",")))
                { split(line, w, /[ \t]+/); print w[2]; exit }
        }' "$1"
}

# Words the loader copies and relocations it patches, read from the ELF file
# with Python's struct (independently of our reader): every allocated
# PROGBITS section counts ceil(size/4) words; every SHT_RELA entry is one
# relocation.  A program with overlays (a symbol __overlays, os/overlay.c)
# has only the bytes and relocations below that symbol loaded.
elf_words_relocs() { # file.x -> "words relocs"
    python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<I", b, 32)
shentsize, shnum = struct.unpack_from("<HH", b, 46)
sections = [struct.unpack_from("<10I", b, shoff + i * shentsize) for i in range(shnum)]
end = 1 << 32                       # where the loaded image ends
for name, typ, flags, addr, off, size, link, info, align, entsize in sections:
    if typ == 2:                    # SHT_SYMTAB: look for __overlays
        strtab = sections[link]
        for k in range(size // entsize):
            st_name, st_value = struct.unpack_from("<II", b, off + k * entsize)
            s = b[strtab[4] + st_name:].split(b"\0", 1)[0]
            if s == b"__overlays":
                end = st_value
words = relocs = 0
for name, typ, flags, addr, off, size, link, info, align, entsize in sections:
    if typ == 1 and flags & 2:      # SHT_PROGBITS, SHF_ALLOC
        words += (max(0, min(addr + size, end) - addr) + 3) // 4
    elif typ == 4:                  # SHT_RELA
        relocs += sum(1 for k in range(size // entsize)
                      if struct.unpack_from("<I", b, off + k * entsize)[0] < end)
print(words, relocs)
PY
}

# A timing parameter's value as `mmulab timing` prints it (the defaults).
timing_value() { "$M" timing | awk -v n="$1" '$1 == n { print $2 }'; }
MEM=$(timing_value mem_cycles)
EXEC=$(timing_value exec_cycles)
TRAP=$(timing_value trap_cycles)
SYSC=$(timing_value syscall_cycles)
KILL=$(timing_value kill_cycles)
LW=$(timing_value load_word_cycles)
RP=$(timing_value reloc_patch_cycles)

echo "programs: every program under every mode"
for p in $PROGRAMS; do
    name=$(basename "$p" .s)
    "$M" asm "$p" -o "$T/$name.x" 2>"$T/asm.err" || { begin "programs: $name.s assembles"; fail_because "$(cat "$T/asm.err")"; end; continue; }
    elf_words_relocs "$T/$name.x" >"$T/$name.wr"
    read -r words relocs <"$T/$name.wr"
    words=$((words + $(arg_block_words "$p"))) # the argument block is copied as the image is
    if command -v readelf >/dev/null; then
        begin "programs: readelf reads $name.x without a warning"
        readelf -h -S -s -r -W "$T/$name.x" >"$T/readelf" 2>&1 || fail_because "readelf exit $?"
        grep -qi -e warning -e error "$T/readelf" && fail_because "readelf: $(grep -i -m1 -e warning -e error "$T/readelf")"
        end
    fi
    for mode in $MODES; do
        fault=$(expected_fault "$p" "$mode")
        code=$(expected_exit "$p" "$mode")
        want_status=0
        [ -n "$fault" ] && want_status=1
        for base in "" 10000; do
            [ -n "$base" ] && [ "$mode" = bare ] && continue
            label="$name.s --mode $mode${base:+ --base $base}"
            begin "programs: $label"
            # shellcheck disable=SC2046 # the arguments are words
            mm run --mode "$mode" ${base:+--base $base} --check --stats-json "$T/j" "$p" $(program_args "$p")
            want_rc "$want_status"
            want_err "check $p: ok ("
            if [ -n "$fault" ]; then
                want_eq "faults.$fault" "$(jv "$T/j" "faults.$fault")" 1
                want_err "process 1 ($name.s) stopped:"
            fi
            [ -n "$code" ] && want_eq "exit_code" "$(jv "$T/j" processes.0.exit_code)" "$code"
            # the loader's charge: words copied and relocations patched (docs/timing.md)
            if [ "$mode" = swreloc ]; then
                want_eq "relocations" "$(jv "$T/j" relocations)" "$relocs"
                want_eq "load_cycles = $words words * $LW + $relocs relocations * $RP" \
                    "$(jv "$T/j" load_cycles)" $((words * LW + relocs * RP))
            elif [ "$mode" = seg ]; then # demand segmentation: only the argument block is copied at load
                argw=$(arg_block_words "$p")
                want_eq "relocations" "$(jv "$T/j" relocations)" 0
                want_eq "load_cycles = $argw argument words * $LW (demand segmentation)" "$(jv "$T/j" load_cycles)" \
                    $((argw * LW))
            else
                want_eq "relocations" "$(jv "$T/j" relocations)" 0
                want_eq "load_cycles = $words words * $LW" "$(jv "$T/j" load_cycles)" $((words * LW))
            fi
            end
        done
        # the executable runs exactly as the source does (its libraries are
        # found beside the source, not beside the copy: --lib-path says where)
        begin "programs: $name.x --mode $mode runs as $name.s does"
        mm run --mode "$mode" --stats-json "$T/j.s" "$p"
        rc_s=$RC
        mm run --mode "$mode" --lib-path programs/lib --stats-json "$T/j.x" "$T/$name.x"
        want_rc "$rc_s"
        for k in instructions cycles loads stores relocations load_cycles exit_code; do
            want_eq "$k" "$(jv "$T/j.x" "$k")" "$(jv "$T/j.s" "$k")"
        done
        end
    done
done

echo "programs: outputs"
begin "outputs: --dump prints 'ADDR VALUE' words, last on stdout"
mm run --mode swreloc --base 10000 --stats - --dump 1000:10 programs/vcopy.s
want_rc 0
tail -n 10 "$T/out" >"$T/dump"
want_eq "dump lines in the 0x%08x 0x%08x form" "$(grep -cE '^0x[0-9a-f]{8} 0x[0-9a-f]{8}$' "$T/dump")" 10
want_eq "first dump line" "$(head -n 1 "$T/dump")" "0x000003e8 0x00000003"
want_eq "last dump line" "$(tail -n 1 "$T/dump")" "0x0000040c 0x00000003"
want_eq "the source vector" "$(awk '{printf "%d ", $2}' "$T/dump")" "3 1 4 1 5 9 2 6 5 3 "
grep -q "End Simulation Statistics" "$T/out" || fail_because "--stats - did not go to stdout"
end

begin "outputs: --dump of the destination equals the source after the copy, in every mode"
for mode in $MODES; do
    mm run --mode "$mode" --dump 1000:10 programs/vcopy.s
    awk '{print $2}' "$T/out" >"$T/src"
    mm run --mode "$mode" --dump 2000:10 programs/vcopy.s
    awk '{print $2}' "$T/out" >"$T/dst"
    cmp -s "$T/src" "$T/dst" || fail_because "$mode: words at 2000 differ from those at 1000"
    [ "$(wc -l <"$T/dst")" -eq 10 ] || fail_because "$mode: $(wc -l <"$T/dst") dump lines"
done
end

begin "outputs: --dump beyond the process's memory says unmapped"
mm run --mode hwreloc --dump 0x17fc:2 programs/vcopy.s
want_rc 0
size=$(printf '%d' 0x1800)
mm run --mode hwreloc --stats-json "$T/j" --dump $((size - 4)):2 programs/vcopy.s
want_eq "process size" "$(jv "$T/j" processes.0.size)" "$size"
want_eq "last word inside" "$(sed -n 1p "$T/out" | awk '{print $1}')" "$(printf '0x%08x' $((size - 4)))"
want_eq "first word outside" "$(sed -n 2p "$T/out")" "$(printf '0x%08x unmapped' "$size")"
end

begin "outputs: --stats-json has every key, with vcopy's numbers"
mm run --mode hwreloc --stats-json "$T/j" programs/vcopy.s
want_rc 0
python3 - "$T/j" >"$T/py" 2>&1 <<'PY2' || fail_because "$(tail -n 1 "$T/py")"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("mode", "instructions", "cycles", "load_cycles", "relocations", "loads", "stores", "faults", "exit_code"):
    assert k in d, "no key " + k
assert d["mode"] == "hwreloc", d["mode"]
assert d["faults"] == {}, d["faults"]
assert all(isinstance(d[k], int) for k in ("instructions", "cycles", "load_cycles", "relocations", "loads", "stores", "exit_code"))
PY2
# 3 set-up instructions, 6 per element, 2 to exit; 1 load before the loop,
# then one load and one store per element (the size word says 10 elements)
want_eq instructions "$(jv "$T/j" instructions)" $((3 + 6 * 10 + 2))
want_eq loads "$(jv "$T/j" loads)" 11
want_eq stores "$(jv "$T/j" stores)" 10
want_eq exit_code "$(jv "$T/j" exit_code)" 0
want_eq "cycles = clock" "$(jv "$T/j" cycles)" "$(jv "$T/j" clock)"
end

begin "outputs: --stats-json counts faults by cause"
mm run --mode hwreloc --stats-json "$T/j" programs/escape.s
want_rc 1
want_eq "faults" "$(jflat "$T/j" | grep '^faults')" "faults.protection=1"
want_eq "exit_code of a killed process" "$(jv "$T/j" exit_code)" -1
mm run --mode bare --stats-json "$T/j" programs/escape.s
want_eq "faults under bare" "$(jflat "$T/j" | grep '^faults')" "faults.fence=1"
end

begin "outputs: --stats is gem5's stats.txt: banners, then 'name value # description'"
mm run --mode swreloc --stats "$T/stats.txt" --stats-json "$T/j" programs/escape.s programs/vcopy.s
want_rc 0
want "a Begin banner" grep -q -- '^---------- Begin Simulation Statistics ----------$' "$T/stats.txt"
want "an End banner" grep -q -- '^---------- End Simulation Statistics   ----------$' "$T/stats.txt"
bad=$(sed -n '/^-* Begin Simulation/,/^-* End Simulation/p' "$T/stats.txt" | grep -v -e '^$' -e '^----------' |
    grep -cvE '^[A-Za-z_][A-Za-z0-9_.:]* +[0-9]+(\.[0-9]+)? +# .+$')
want_eq "lines not in 'name value # description' form" "$bad" 0
# before them, the configuration (docs/outputs.md): 'config.NAME value'
bad=$(sed -n '/^-* Begin Configuration/,/^-* End Configuration/p' "$T/stats.txt" | grep -v -e '^$' -e '^----------' |
    grep -cvE '^config\.[a-z0-9_.]+ +[^ ].*$')
want_eq "configuration lines not in 'config.name value' form" "$bad" 0
want "a configuration line for the mode" grep -qE '^config\.mode +swreloc$' "$T/stats.txt"
stat() { awk -v n="$1" '$1 == n { print $2 }' "$T/stats.txt"; }
want_eq sim_cycles "$(stat sim_cycles)" "$(jv "$T/j" clock)"
want_eq system.instructions "$(stat system.instructions)" "$(jv "$T/j" instructions)"
want_eq system.relocations "$(stat system.relocations)" "$(jv "$T/j" relocations)"
want_eq system.process2.instructions "$(stat system.process2.instructions)" \
    "$(jv "$T/j" processes.1.instructions)"
end

begin "outputs: --trace FILE.csv has its named header and as many fields a row"
mm run --mode swreloc --trace "$T/t.csv" programs/vcopy.s
want_rc 0
head -n 1 "$T/t.csv" | grep -q "^cycle,duration,event,category,pid,base,size," || fail_because "header: $(head -n 1 "$T/t.csv")"
want_eq "rows with another field count" "$(python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1]))); print(sum(len(x) != len(r[0]) for x in r))" "$T/t.csv")" 0
for ev in "program load" "relocation patching" "process start" "trap" "system call" "process exit"; do
    grep -q ",$ev," "$T/t.csv" || fail_because "no '$ev' event"
done
want_eq "relocation patching lasts relocations * reloc_patch_cycles" \
    "$(awk -F, '$3 == "relocation patching" { print $2 }' "$T/t.csv")" $((5 * RP))
end

begin "outputs: --trace FILE.json is Chrome/Perfetto trace-event JSON"
mm run --mode hwreloc --trace "$T/t.json" programs/escape.s
want_rc 1
python3 - "$T/t.json" >"$T/py" 2>&1 <<'PY' || fail_because "$(tail -n 1 "$T/py")"
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
assert isinstance(ev, list) and ev, "no traceEvents"
for e in ev:
    if e["ph"] == "M": # metadata: names of processes and lanes
        assert e["name"] in ("process_name", "process_sort_index", "thread_name", "thread_sort_index"), e
        continue
    for k in ("name", "cat", "ph", "ts", "pid", "tid", "args"):
        assert k in e, "event without %s: %r" % (k, e)
    assert e["ph"] in ("X", "i"), e
    assert (e["ph"] == "X") == ("dur" in e), e
names = [e["name"] for e in ev]
assert "process killed" in names and "trap" in names, names
PY
end

echo "programs: several at once"
SIDE="programs/vcopy.s programs/strcopy.s programs/checksum.s programs/recurse.s programs/selfmod.s programs/peek.s programs/escape.s"
for mode in swreloc hwreloc; do
    begin "side by side: 7 programs round-robin under $mode with --quantum 37 give the results they give alone"
    mm run --mode "$mode" --quantum 37 --check --stats-json "$T/all" $SIDE
    cp "$T/err" "$T/err.all"
    want_status=0
    i=0
    for p in $SIDE; do
        [ -n "$(expected_fault "$p" "$mode")" ] && want_status=1
        grep -qF "check $p: ok (" "$T/err.all" || fail_because "$p: $(grep -F "check $p" "$T/err.all")"
        mm run --mode "$mode" --stats-json "$T/one" "$p"
        for k in instructions loads stores exit_code; do
            want_eq "$p $k" "$(jv "$T/all" "processes.$i.$k")" "$(jv "$T/one" "processes.0.$k")"
        done
        i=$((i + 1))
    done
    [ "$(grep -c ': ok (' "$T/err.all")" -eq 7 ] || fail_because "not 7 verdicts"
    [ "$(jv "$T/all" context_switches)" -gt 7 ] || fail_because "hardly any context switches: quantum not honoured"
    mm run --mode "$mode" --quantum 37 --quiet $SIDE
    want_rc "$want_status"
    end
done

begin "side by side: bare mode is monoprogrammed"
mm run --mode bare programs/vcopy.s programs/strcopy.s
want_rc 2
want_err "monoprogrammed"
end

echo "programs: limits"
printf 'loop:   JMP loop\n' >"$T/loop.s"
begin "--max-cycles stops a program that never ends, exit 1 and a message"
mm run --max-cycles 5000 --stats-json "$T/j" "$T/loop.s"
want_rc 1
want_err "cycle limit of 5000 cycles reached"
clock=$(jv "$T/j" clock)
# load 1 word (2 cycles), then JMP costs fetch + exec = 3 cycles each: the
# clock stops at the first instruction boundary at or past the limit
[ "$clock" -ge 5000 ] && [ "$clock" -lt $((5000 + MEM + EXEC)) ] || fail_because "clock $clock, want 5000..5002"
want_eq exit_code "$(jv "$T/j" exit_code)" -1
end

begin "--max-cycles above a program's run lets it finish"
mm run --max-cycles 100000 --check programs/vcopy.s
want_rc 0
want_err "check programs/vcopy.s: ok ("
end

echo "programs: compare"
begin "compare vcopy.s: cycles and relocations per mode, a move breaks swreloc only"
mm compare programs/vcopy.s
want_rc 0
read -r words relocs <"$T/vcopy.wr"
row() { awk -v m="$1" '$1 == m && NF == 6' "$T/out"; }
want_eq "swreloc row (load cycles, relocations, result)" "$(row swreloc | awk '{print $2, $5, $6}')" \
    "$((words * LW + relocs * RP)) $relocs right"
want_eq "hwreloc row (load cycles, relocations, result)" "$(row hwreloc | awk '{print $2, $5, $6}')" \
    "$((words * LW)) 0 right"
want_eq "run cycles equal in both modes" "$(row swreloc | awk '{print $3}')" "$(row hwreloc | awk '{print $3}')"
awk '/^Moving process 1/ { on = 1 } on' "$T/out" >"$T/move"
want_eq "swreloc after the move" "$(grep -A1 '^  swreloc:' "$T/move" | awk '/result:/ {print $2}')" WRONG
want_eq "hwreloc after the move" "$(grep -A1 '^  hwreloc:' "$T/move" | awk '/result:/ {print $2}')" right
grep -q "still hold addresses in the old place" "$T/move" || fail_because "swreloc move does not say why it breaks"
end

begin "compare escape.s vcopy.s: swreloc lets escape write into process 2, hwreloc stops it"
mm compare programs/escape.s programs/vcopy.s
want_rc 0
awk '/^swreloc:$/ { on = 1; next } /^hwreloc:$/ { on = 0 } on' "$T/out" >"$T/sw"
awk '/^hwreloc:$/ { on = 1; next } /^Moving/ { on = 0 } on' "$T/out" >"$T/hw"
grep -q "that is process 2's memory (programs/vcopy.s)" "$T/sw" || fail_because "swreloc does not name process 2's memory"
want_eq "stray stores under swreloc" "$(grep -c "stored at physical" "$T/sw")" 4
grep -q "protection fault" "$T/hw" || fail_because "hwreloc does not report a protection fault"
grep -q "stored at physical" "$T/hw" && fail_because "a stray store under hwreloc"
end

echo "programs: cycles by hand (docs/timing.md)"
# vcopy under hwreloc with translation free (reloc_cycles 0): every
# instruction costs its fetch (mem) + execute (exec), plus mem again when it
# accesses data.  The program: LOAD #src, LOAD #dst (ALU), LOAD /size (load);
# 10 iterations of LOAD [R1], STORE [R2] (data) and ADD, ADD, DEC, JNZ (ALU);
# then LOAD #0 (ALU) and SYSCALL #0, which completes (fetch + exec) and traps
# (trap_cycles), and the OS serves the exit (syscall_cycles).  The first
# dispatch costs no context switch.
vcopy_run_cycles() { # mem exec trap syscall reloc
    local mem=$1 exec=$2 trap=$3 sys=$4 rel=${5:-0}
    local alu=$((rel + mem + exec)) data=$((rel + mem + exec + rel + mem))
    echo $((2 * alu + data + 10 * (2 * data + 4 * alu) + alu + alu + trap + sys))
}
begin "cycles: vcopy under hwreloc, default timing"
mm run --mode hwreloc --stats-json "$T/j" programs/vcopy.s
want_rc 0
want_eq "run_cycles" "$(jv "$T/j" run_cycles)" "$(vcopy_run_cycles "$MEM" "$EXEC" "$TRAP" "$SYSC")"
want_eq "cycles" "$(jv "$T/j" cycles)" $(($(vcopy_run_cycles "$MEM" "$EXEC" "$TRAP" "$SYSC") + 296 * LW))
end

begin "cycles: vcopy's first iteration, instruction by instruction (docs/timing.md's worked example)"
# after the load (296 words) and the set-up (2 ALU + 1 load) the loop starts;
# --max-cycles N stops at the first instruction boundary at or after N, so
# each boundary shows the PC of the instruction that starts there
alu=$((MEM + EXEC))
data=$((MEM + EXEC + MEM))
at=$((296 * LW + 2 * alu + data))
for step in "112 $data" "116 $data" "120 $alu" "124 $alu" "128 $alu" "132 $alu" "112 0"; do
    set -- $step
    mm run --mode hwreloc --base 10000 --max-cycles "$at" programs/vcopy.s
    want_err "$(printf 'reached at pc 0x%08x' "$1")"
    want_err " $at cycles ("
    at=$((at + $2))
done
end

begin "cycles: vcopy under hwreloc follows --timing (mem 3, exec 2, trap 7, syscall 11)"
mm run --mode hwreloc --timing mem_cycles=3 --timing exec_cycles=2 --timing trap_cycles=7 \
    --timing syscall_cycles=11 --stats-json "$T/j" programs/vcopy.s
want_rc 0
want_eq "run_cycles" "$(jv "$T/j" run_cycles)" "$(vcopy_run_cycles 3 2 7 11)"
end

begin "cycles: reloc_cycles=2 adds 2 to each of vcopy's 65 fetches and 21 data accesses under hwreloc only"
mm run --mode hwreloc --timing reloc_cycles=2 --stats-json "$T/j" programs/vcopy.s
want_eq "hwreloc run_cycles" "$(jv "$T/j" run_cycles)" "$(vcopy_run_cycles "$MEM" "$EXEC" "$TRAP" "$SYSC" 2)"
want_eq "that is" "$(vcopy_run_cycles "$MEM" "$EXEC" "$TRAP" "$SYSC" 2)" \
    $(($(vcopy_run_cycles "$MEM" "$EXEC" "$TRAP" "$SYSC") + 2 * (65 + 21)))
mm run --mode swreloc --timing reloc_cycles=2 --stats-json "$T/j" programs/vcopy.s
want_eq "swreloc run_cycles (no base/limit unit)" "$(jv "$T/j" run_cycles)" \
    "$(vcopy_run_cycles "$MEM" "$EXEC" "$TRAP" "$SYSC")"
end

begin "cycles: the loader's charge follows load_word_cycles and reloc_patch_cycles"
read -r words relocs <"$T/vcopy.wr"
mm run --mode swreloc --timing load_word_cycles=3 --timing reloc_patch_cycles=5 --stats-json "$T/j" programs/vcopy.s
want_eq "load_cycles = $words * 3 + $relocs * 5" "$(jv "$T/j" load_cycles)" $((words * 3 + relocs * 5))
end

# escape under hwreloc: MOV, LI (LUI + OR), LOAD #4 retire (3 ALU
# instructions... 4 in all), then STORE [R1] at the limit traps after its
# fetch: fetch (mem) + trap_cycles; the OS then stops it (kill_cycles).
begin "cycles: a trapping store under hwreloc charges its fetch, the trap and the kill"
mm run --mode hwreloc --stats-json "$T/j" programs/escape.s
read -r words relocs <"$T/escape.wr"
want_eq instructions "$(jv "$T/j" instructions)" 4
want_eq cycles "$(jv "$T/j" cycles)" $((words * LW + 4 * (MEM + EXEC) + MEM + TRAP + KILL))
end

echo "programs: the demo"
begin "demo: scripts/demo.sh shows the listing, a run under each of the four modes and two comparisons, in under 10 seconds"
start=$(date +%s)
scripts/demo.sh "$OUT" >"$T/demo" 2>&1
RC=$?
want_rc 0
[ $(($(date +%s) - start)) -lt 10 ] || fail_because "took $(($(date +%s) - start)) s"
for head in "==== 1." "==== 2." "==== 3." "==== 4."; do
    grep -qF "$head" "$T/demo" || fail_because "no section '$head'"
done
grep -qE '^ +132  42000070 ' "$T/demo" || fail_because "no listing row for JNZ at 132"
want_eq "destination rows" "$(grep -cE '^   2000: 3    2004: 1 ' "$T/demo")" 4
crash_report "$T/demo" 0 >/dev/null && fail_because "$(crash_report "$T/demo" 0)"
end

finish
