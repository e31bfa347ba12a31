#!/usr/bin/env bash
# Robustness: no guest hangs the tool and no input exhausts the host.
#  - runs end on their own (the default cycle limit, in every mode; a fork
#    bomb), stop on SIGINT/SIGTERM with the statistics so far (exit 130/143),
#    and show progress on a terminal only;
#  - bad input is refused early and in bounded memory (binary and huge
#    sources, huge or malformed ELF files, archive members with a path,
#    truncated or corrupt compressed traces);
#  - the assembler's empty strings (run under the sanitizer build too);
#  - OPT and `refs` in bounded memory, with the same answers as before;
#  - options that do nothing or are out of range say so.
#
# Usage: OUT=build tests/robust.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
MM_TIMEOUT=90 # the default cycle limit must end an endless loop well within this

[ -x /usr/bin/time ] || { echo "robust: no /usr/bin/time (scripts/deps.sh test installs it)"; exit 2; }
# rss_kb COMMAND...: the command's peak resident set in kB (GNU time)
rss_kb() {
    /usr/bin/time -f "%M" -o "$T/rss" "$@" >/dev/null 2>"$T/err"
    tail -n 1 "$T/rss"
}
# at_most WHAT VALUE LIMIT: VALUE <= LIMIT
at_most() { [ -n "$2" ] && [ "$2" -le "$3" ] || fail_because "$1: '$2', want at most $3"; }
# The peak RSS of a trivial run, so that memory bounds hold for the
# sanitizer build too (ASan's shadow memory adds tens of MB to any run).
printf '        .text\nstart:  HALT\n' >"$T/halt.s"
BASE_KB=$(rss_kb "$M" run "$T/halt.s")
# small_rss WHAT KB EXTRA_KB: KB is at most EXTRA_KB above the trivial run's
small_rss() { at_most "$1 (a trivial run: $BASE_KB kB)" "$2" $((BASE_KB + $3)); }

# signal_run SIGNAL SECONDS ARGS...: start mmulab, send SIGNAL after SECONDS, $RC its status
signal_run() {
    local sig=$1 after=$2
    shift 2
    "$M" "$@" >"$T/out" 2>"$T/err" </dev/null &
    local pid=$!
    sleep "$after"
    kill -"$sig" "$pid"
    wait "$pid"
    RC=$?
}

printf '        .text\nstart:  JMP     start\n' >"$T/loop.s"
printf '        .text\nstart:  SYSCALL #15\n        JMP     start\n' >"$T/bomb.s"

echo "robust: endless guests"
for mode in bare swreloc hwreloc paged; do
    begin "an endless loop under $mode stops at the default cycle limit, naming it and the pc"
    mm run --mode "$mode" "$T/loop.s"
    want_rc 1
    want_err_re "process 1 \(loop.s\) stopped: cycle limit of 1000000000 cycles reached at pc 0x[0-9a-f]{8} \(raise it with --max-cycles\)"
    end
done

begin "--mem-trace, which steps the machine and writes every reference, has a lower default limit"
mm run --mode paged --quiet --mem-trace "$T/loop.din" "$T/loop.s"
want_rc 1
want_err "cycle limit of 100000000 cycles reached"
at_most "trace bytes" "$(wc -c <"$T/loop.din")" 400000000
rm -f "$T/loop.din"
end

begin "--max-cycles N sets the limit; the summary follows"
mm run --mode paged --max-cycles 5000 "$T/loop.s"
want_rc 1
want_err "cycle limit of 5000 cycles reached"
want_err_re "paged: 1 process, [0-9]+ instructions, [0-9]+ cycles"
end

for mode in hwreloc paged; do
    begin "a fork bomb under $mode ends at the limit with a bounded process table and bounded output"
    mm run --mode "$mode" --max-cycles 200000000 "$T/bomb.s"
    want_rc 1
    procs=$(grep -oE "[0-9]+ process(es)?," "$T/err" | grep -oE "^[0-9]+")
    at_most "processes" "${procs:-0}" 1024
    at_most "stderr lines" "$(wc -l <"$T/err")" 30
    [ "${procs:-0}" -gt 21 ] && want_err_re "\.\.\. and [0-9]+ more processes stopped"
    end
done

begin "a fork beyond the process table gets -EAGAIN (11) and the parent carries on"
cat >"$T/forks.s" <<'S'
        .text
start:  SYSCALL #15                     ; fork
        CMP     R0, #0
        JZ      child
        JLT     full
        JMP     start
child:  LI      R1, -1                  ; the child waits forever in wait: it stays in the table
        LOAD    R2, #0
        SYSCALL #16
        JMP     child
full:   LOAD    R1, #0
        SUB     R1, R0                  ; exit with the error number
        SYSCALL #0
S
mm run --mode paged --mem 64M --max-cycles 300000000 --quantum 100000000 "$T/forks.s" --stats-json "$T/forks.json"
want_eq "the parent's exit code" "$(jv "$T/forks.json" processes.0.exit_code)" 11
end

echo "robust: SIGINT and SIGTERM"
begin "SIGINT stops a run without a limit: exit 130, the statistics and where each process was"
signal_run INT 1 run --mode hwreloc --max-cycles 0 "$T/loop.s" "$T/loop.s"
want_rc 130
want_err_re "process 1 \(loop.s\) stopped: interrupted by SIGINT at pc 0x[0-9a-f]{8}"
want_err_re "process 2 \(loop.s\) stopped: interrupted by SIGINT at pc 0x[0-9a-f]{8}"
want_err_re "hwreloc: 2 processes, [0-9]+ instructions, [0-9]+ cycles"
end

begin "SIGTERM stops a paged run: exit 143, --stats-json written"
signal_run TERM 1 run --mode paged --max-cycles 0 --stats-json "$T/term.json" "$T/loop.s"
want_rc 143
want_err "interrupted by SIGTERM at pc"
want_eq "state in the JSON" "$(jv "$T/term.json" processes.0.state)" killed
end

# The studies, each on work that does not end by itself (an endless stream, a run of 10^12 cycles), so the
# signal always finds them running however fast or loaded the machine is.
begin "SIGINT stops tlbsim on an endless trace: exit 130 with the figures so far"
yes '0 1000' | { "$M" tlbsim --trace /dev/stdin >"$T/out" 2>"$T/err" & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo $? >"$T/rc"; }
RC=$(cat "$T/rc")
want_rc 130
want_out "interrupted by SIGINT: the figures so far"
want_out_re "^references +[0-9]+"
end

begin "SIGINT stops refs reading an endless standard input: exit 130, how far it read"
yes '1 2 3 4 1 2 5' | { "$M" refs --frames 3 - >"$T/out" 2>"$T/err" & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo $? >"$T/rc"; }
RC=$(cat "$T/rc")
want_rc 130
want_err_re "interrupted by SIGINT while reading, after [0-9]+ references"
end

begin "SIGTERM stops thrash running an endless worker: exit 143, the degrees so far"
signal_run TERM 2 thrash --program "$T/loop.s" --cycles 1000000000000 --max-degree 2
want_rc 143
want_out "interrupted by SIGTERM: the degrees so far"
end

begin "SIGINT stops workload on 10^7 requests: exit 130, the rows so far"
signal_run INT 1 workload --count 10000000
want_rc 130
want_out "interrupted by SIGINT: the last row covers the requests until then"
end

if [ -x "$OUT/mmulab-rtl" ]; then
    begin "SIGINT stops cosim: exit 130, how far the engines agreed"
    signal_run INT 2 cosim --mode hwreloc --max-cycles 0 "$T/loop.s"
    want_rc 130
    want_out_re "cosim: interrupted by SIGINT after [0-9]+ instructions, [0-9]+ cycles, 0 divergences"
    end
fi

echo "robust: progress"
begin "a long run on a terminal shows its progress on stderr; not with --quiet, not off a terminal"
# five seconds of an endless run on a pseudo-terminal (script), then SIGINT (a hangup if script does not pass it on)
timeout -s INT -k 3 5 script -qec "$M run --mode hwreloc --max-cycles 0 $T/loop.s" /dev/null >"$T/tty" 2>&1 </dev/null
tr '\r' '\n' <"$T/tty" | grep -qE "mmulab run: [0-9]+ s, [0-9.]+ [kMG]? ?cycles, [0-9.]+ [kMG]? ?instructions/s, 1 process alive" ||
    fail_because "no progress line on the terminal: $(tr '\r' '\n' <"$T/tty" | head -c 300)"
timeout -s INT -k 3 5 script -qec "$M run --quiet --mode hwreloc --max-cycles 0 $T/loop.s" /dev/null >"$T/tty" 2>&1 </dev/null
grep -q "mmulab run: [0-9]* s," "$T/tty" && fail_because "a progress line with --quiet"
signal_run INT 4 run --mode hwreloc --max-cycles 0 "$T/loop.s"
grep -q "mmulab run: [0-9]* s," "$T/err" && fail_because "a progress line on a stderr that is not a terminal"
end

echo "robust: bad input, early and bounded"
begin "asm of 20 MB of random bytes: refused at the first NUL, in little memory"
head -c 20M /dev/urandom >"$T/r.bin"
kb=$(rss_kb "$M" asm "$T/r.bin" -o "$T/r.x")
want_err_re "r.bin: error: not assembly text: NUL byte at offset [0-9]+"
at_most "stderr lines" "$(wc -l <"$T/err")" 3
small_rss "peak RSS (kB)" "$kb" 20000
end

# refused_unread FILE MESSAGE: `run FILE` refuses it with MESSAGE, in little memory
refused_unread() {
    local kb
    kb=$(rss_kb "$M" run "$1")
    want_err "$2"
    small_rss "peak RSS (kB)" "$kb" 20000
}

begin "a 1 GB text source is refused after one block"
head -c 65536 /dev/zero | tr '\0' 'a' >"$T/huge.s"
truncate -s 1G "$T/huge.s"
refused_unread "$T/huge.s" "huge.s: error: 1073741824 bytes is more source than the assembler takes (16 MiB at most)"
end

begin "a 1 GB file starting with the ELF magic is refused at once, by its size"
{ printf '\177ELF\001\001\001'; head -c 1000 /dev/urandom; } >"$T/huge.x"
truncate -s 1G "$T/huge.x"
refused_unread "$T/huge.x" "huge.x: 1073741824 bytes, larger than any mmulab executable"
mm disasm "$T/huge.x"
want_rc 2
want_err "larger than any mmulab executable"
end

begin "a 100 MB file with the ELF magic and a bad header is refused by its header, unread"
{ printf '\177ELF\002\001\001'; head -c 1000 /dev/urandom; } >"$T/bad.x"
truncate -s 100M "$T/bad.x"
refused_unread "$T/bad.x" "bad.x: not a 32-bit little-endian ELF file"
end

begin "a stream (no size to check) is judged by its first block: 300 MB of random bytes into ld, an ELF header with a bad class into disasm"
kb=$(head -c 300M /dev/urandom | rss_kb "$M" ld /dev/stdin -o "$T/l.x")
want_err "/dev/stdin: neither an ELF object nor an archive"
small_rss "ld, peak RSS (kB)" "$kb" 20000
kb=$({ printf '\177ELF\002\001\001'; head -c 300M /dev/zero; } | rss_kb "$M" disasm /dev/stdin)
want_err_re "/dev/stdin: not (an ELF file|a 32-bit little-endian ELF file)"
small_rss "disasm, peak RSS (kB)" "$kb" 20000
end

begin "archive members named with a path (../x, /abs, a/b, ..) are refused by name"
printf '        .text\nf:      HALT\n' >"$T/f.s"
"$M" asm -c "$T/f.s" -o "$T/f.o"
python3 - "$T" <<'PY'
import sys
T = sys.argv[1]
data = open(T + "/f.o", "rb").read()
def member(field, body):
    h = field.ljust(16) + "0".ljust(12) + "0".ljust(6) + "0".ljust(6) + "644".ljust(8) + str(len(body)).ljust(10) + "`\n"
    return h.encode() + body + (b"\n" if len(body) % 2 else b"")
def archive(name):
    if len(name) < 15:
        return b"!<arch>\n" + member(name + "/", data)
    table = (name + "/\n").encode()
    return b"!<arch>\n" + member("//", table) + member("/0", data)
for i, name in enumerate(["../x", "/etc/evil-member.o", "a/b.o", "..", "../../../../tmp/long-escaping-name.o"]):
    open("%s/bad%d.a" % (T, i), "wb").write(archive(name))
PY
M_ABS=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
i=0
for name in "../x" "/etc/evil-member.o" "a/b.o" ".." "../../../../tmp/long-escaping-name.o"; do
    mkdir -p "$T/x$i" && (cd "$T/x$i" && "$M_ABS" ar x "../bad$i.a" >/dev/null 2>"$T/err"); RC=$?
    want_rc 2
    want_err "member '$name': a name with a path"
    [ -n "$(ls -A "$T/x$i")" ] && fail_because "ar x bad$i.a wrote $(ls -A "$T/x$i")"
    mm ld "$T/f.o" "$T/bad$i.a" -o "$T/l.x"
    want_rc 2
    want_err "member '$name'"
    i=$((i + 1))
done
end

begin "a truncated or corrupt .gz or .xz trace is an error naming the reference where it broke"
python3 -c "
import random; r=random.Random(4); f=open('$T/t.din','w')
for i in range(300000): f.write('%d %x\n' % (r.choice((0,1,2)), r.randrange(0, 1<<24)))"
gzip -kf "$T/t.din" && xz -kf "$T/t.din"
for z in gz xz; do
    size=$(wc -c <"$T/t.din.$z")
    head -c $((size / 2)) "$T/t.din.$z" >"$T/cut.din.$z"
    mm tlbsim --trace "$T/cut.din.$z"
    want_rc 2
    want_err_re "cut.din.$z: .*(truncated|corrupt).*breaks after reference [0-9]+"
    mm tlbsim --trace "$T/t.din.$z"
    want_rc 0
    want_out "references   300000"
done
python3 -c "
d = bytearray(open('$T/t.din.gz', 'rb').read()); d[-6] ^= 0xff; open('$T/crc.din.gz', 'wb').write(d)"
mm tlbsim --trace "$T/crc.din.gz"
want_rc 2
want_err_re "crc.din.gz: gzip data is corrupt: .*breaks after reference [0-9]+"
# gzip files may hold several members (cat a.gz b.gz): every one is read, and a damaged one, or bytes after
# the last that are no member, end the read with an error (zlib's gzread took both for the end of the trace)
cat "$T/t.din.gz" "$T/t.din.gz" >"$T/two.din.gz"
mm tlbsim --trace "$T/two.din.gz"
want_rc 0
want_out "references   600000"
python3 -c "
d = bytearray(open('$T/two.din.gz', 'rb').read()); n = len(d) // 2; d[n] ^= 0xff; open('$T/bad2.din.gz', 'wb').write(d)"
for f in bad2 trail; do
    [ $f = trail ] && { cat "$T/t.din.gz"; echo "not gzip"; } >"$T/trail.din.gz"
    mm tlbsim --trace "$T/$f.din.gz"
    want_rc 2
    want_err_re "$f.din.gz: gzip data is corrupt: [0-9]+ bytes at offset [0-9]+ are not a gzip member.*after reference 300000"
done
end

echo "robust: empty strings"
begin ".asciz \"\" as the first string, .ascii \"\" and an empty .asciz later assemble and hold the right bytes"
cat >"$T/empty.s" <<'S'
        .data
a:      .asciz  ""
b:      .ascii  ""
c:      .asciz  "hi"
d:      .asciz  ""
e:      .byte   7
        .text
start:  LOADB   R1, /e
        SYSCALL #0
S
mm asm "$T/empty.s" -o "$T/empty.x"
want_rc 0
mm run --mode hwreloc "$T/empty.x" --stats-json "$T/empty.json"
want_rc 0
want_eq "exit code (the byte after 0, 'h', 'i', 0, 0)" "$(jv "$T/empty.json" processes.0.exit_code)" 7
end

echo "robust: OPT and refs in bounded memory"
begin "tlbsim OPT agrees with refs (in-memory OPT) on the same page string, alone and as studies"
declare -a single
python3 -c "
import random; r=random.Random(9); f=open('$T/o.din','w'); p=open('$T/o.pages','w')
pages=[int(r.paretovariate(0.8)) % 40 for _ in range(900)]
for pg in pages: f.write('%d %x\n' % (r.choice((0,1,2)), pg * 4096 + r.randrange(4096)))
p.write(' '.join(map(str, pages)))"
for frames in 3 7 16; do
    "$M" tlbsim --trace "$T/o.din" --frames $frames --replace opt --stats-json "$T/o.json" >/dev/null 2>&1
    "$M" refs --frames $frames --policy opt --tables --file "$T/o.pages" >"$T/o.refs" 2>&1
    want_eq "OPT faults with $frames frames" "$(jv "$T/o.json" page_faults)" \
        "$(grep -oE '^opt: [0-9]+' "$T/o.refs" | grep -oE '[0-9]+')"
    single[$frames]=$(jv "$T/o.json" page_faults)
done
# the same three as one study (three readers of one next-use file) and refs --frames as a list
"$M" tlbsim --trace "$T/o.din" --frames 3,7,16 --replace opt --csv "$T/o.csv" >/dev/null 2>&1
"$M" refs --frames 3,7,16 --policy opt --file "$T/o.pages" --csv "$T/r.csv" >/dev/null 2>&1
for frames in 3 7 16; do
    want_eq "tlbsim study, OPT with $frames frames" \
        "$(awk -F, -v f=$frames 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["frames"] == f { print $c["page_faults"] }' "$T/o.csv")" \
        "${single[$frames]}"
    want_eq "refs study, OPT with $frames frames" \
        "$(awk -F, -v f=$frames 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["frames"] == f { print $c["faults"] }' "$T/r.csv")" \
        "${single[$frames]}"
done
end

begin "tlbsim OPT on 3M references runs in bounded memory and leaves nothing in TMPDIR"
python3 -c "
import random; r=random.Random(2); f=open('$T/big.din','w')
for i in range(3_000_000): f.write('%d %x\n' % (r.choice((0,1,2)), r.randrange(0, 1<<28)))"
mkdir -p "$T/tmp"
kb=$(TMPDIR="$T/tmp" rss_kb "$M" tlbsim --trace "$T/big.din" --frames 64 --replace opt)
small_rss "peak RSS (kB)" "$kb" 25000
[ -n "$(ls -A "$T/tmp")" ] && fail_because "left in TMPDIR: $(ls -A "$T/tmp")"
mm tlbsim --trace /dev/stdin --frames 4 --replace opt
want_rc 2
want_err "--replace opt reads the trace twice: /dev/stdin must be a regular file"
TMPDIR="$T/none" mm tlbsim --trace "$T/o.din" --frames 4 --replace opt
want_rc 2
want_err "OPT needs a temporary file"
end

begin "run --replace opt on an endless guest: OPT's recording is bounded, refused with the reason"
kb=$(rss_kb "$M" run --mode paged --replace opt "$T/loop.s")
want_err "--replace opt: a process makes more than 4194304 page references"
small_rss "peak RSS (kB)" "$kb" 250000
mm run --mode paged --replace opt --frames 4 --check programs/vcopy.s
want_rc 0
end

begin "refs reads a file or standard input; not both with arguments"
echo "1 2 3 4 1 2 5 1 2 3 4 5" >"$T/b.txt"
mm refs --frames 3 --policy fifo --file "$T/b.txt"
want_out "fifo: 9 faults"
want_out "frame 2"
"$M" refs --frames 4 --policy fifo - <"$T/b.txt" >"$T/out" 2>"$T/err"
want_out "fifo: 10 faults"
printf '1,2\n3 x4\n' >"$T/bad.txt"
mm refs --file "$T/bad.txt"
want_rc 2
want_err "'x4' is not a page number"
mm refs --file "$T/b.txt" 1 2 3
want_rc 2
want_err "give one or the other"
mm refs --file "$T/missing.txt"
want_rc 2
want_err "missing.txt: cannot open"
end

begin "refs: tables only while they fit a screen; the counts are the same either way"
python3 -c "
import random; r=random.Random(5); print(' '.join(str(r.randrange(12)) for _ in range(300)))" >"$T/r300.txt"
mm refs --frames 4 --file "$T/r300.txt"
want_out "300 references, 12 distinct pages, 4 frames: no frame tables"
grep -q "^frame 0" "$T/out" && fail_because "a table 300 columns wide was printed"
grep -E "^[a-z]+: [0-9]+ faults$" "$T/out" >"$T/summary"
mm refs --frames 4 --tables --file "$T/r300.txt"
want_out "frame 3"
grep -E "^[a-z]+: [0-9]+ faults$" "$T/out" >"$T/tables"
want_eq "counts, summary vs tables" "$(cat "$T/summary")" "$(cat "$T/tables")"
end

begin "refs --frames 65536 on 40,000 references: fast without tables; --stack and --tables refused with the reason"
python3 -c "
import random; r=random.Random(3); print(' '.join(str(int(r.paretovariate(1.0)) % 5000) for _ in range(40000)))" >"$T/r40k.txt"
MM_TIMEOUT=10 mm refs --frames 65536 --file "$T/r40k.txt"
want_rc 0
want_out_re "^opt: [0-9]+ faults$"
MM_TIMEOUT=10 mm refs --frames 65536 --stack --file "$T/r40k.txt"
want_rc 2
want_err_re "--stack: 40000 references over [0-9]+ distinct pages would print more than"
MM_TIMEOUT=10 mm refs --frames 65536 --tables --file "$T/r40k.txt"
want_rc 2
want_err "--tables: 40000 references x 65536 frames is more than"
end

begin "refs on 2M references from standard input runs in bounded memory"
python3 -c "
import random; r=random.Random(6); print('\n'.join(str(r.randrange(3000)) for _ in range(2000000)))" >"$T/r2m.txt"
/usr/bin/time -f "%M" -o "$T/rss" "$M" refs --frames 100 - <"$T/r2m.txt" >"$T/out" 2>"$T/err"
small_rss "peak RSS (kB)" "$(tail -n 1 "$T/rss")" 25000
want_out "2000000 references, 3000 distinct pages"
end

echo "robust: options that do nothing or are out of range"
for opt in "--frames 4" "--tlb-ways 2" "--replace opt" "--page-size 8K"; do
    for mode in hwreloc bare swreloc; do
        begin "run --mode $mode $opt warns naming the option and the mode"
        # shellcheck disable=SC2086
        mm run --mode $mode $opt programs/vcopy.s
        want_rc 0
        want_err "warning: ${opt%% *} does nothing under --mode $mode"
        end
    done
done
stats_without_config() { python3 -c "import json,sys;d=json.load(open(sys.argv[1]));d.pop('config',None);print(json.dumps(d,sort_keys=True))" "$1"; }
begin "every option a mode leaves idle is warned about, and a warned option changes nothing in the run"
# each option with a value other than its default, under each mode, on three processes (one under bare):
# a warning must name the option and leave stdout and the statistics as without it
progs="programs/vcopy.s programs/checksum.s programs/strcopy.s"
opts=("--base 0x10000" "--mem 2M" "--stack 8K" "--fit best" "--granule 64" "--compact" "--swap"
      "--swap-back relocate" "--priority 1,2,3" "--partitions" "--ws-window 100" "--quantum 500" "--page-size 1K"
      "--levels 3" "--va-bits 24" "--tlb 4" "--tlb-ways 2" "--tlb-policy fifo" "--asid-bits 0" "--frames 8"
      "--replace fifo" "--scope local" "--alloc proportional" "--prefault" "--disk-mbps 1" "--disk-latency-us 100"
      "--seed 7" "--regions")
warned=0
for mode in bare swreloc hwreloc paged; do
    pr=$progs
    [ $mode = bare ] && pr=programs/vcopy.s
    # shellcheck disable=SC2086
    "$M" run --quiet --mode $mode --stats-json "$T/idle0.json" $pr >"$T/idle0.out" 2>/dev/null
    for o in "${opts[@]}"; do
        # shellcheck disable=SC2086
        "$M" run --quiet --mode $mode $o --stats-json "$T/idle1.json" $pr >"$T/idle1.out" 2>"$T/idle1.err"
        grep -q "warning: ${o%% *} does nothing" "$T/idle1.err" || continue
        warned=$((warned + 1))
        # the statistics, not the configuration record (which names every option given)
        cmp -s "$T/idle0.out" "$T/idle1.out" && [ "$(stats_without_config "$T/idle0.json")" = "$(stats_without_config "$T/idle1.json")" ] ||
            fail_because "--mode $mode $o: warned as idle, yet the run changed"
    done
done
at_most "idle options found (at least 40 of them are)" 40 "$warned"
for a in "--mode paged --frames 8 --tlb-ways 2 --seed 3 --tlb-policy random" "--mode hwreloc --fit best --swap --quantum 500" \
         "--mode swreloc --swap --swap-back relocate --granule 64"; do
    # shellcheck disable=SC2086
    mm run $a programs/vcopy.s
    grep -q "warning" "$T/err" && fail_because "run $a warned: $(grep warning "$T/err")"
done
mm run --mode paged --fit best --quantum 9 programs/vcopy.s
want_err "warning: --fit does nothing under --mode paged (it acts under --mode swreloc or hwreloc)"
mm run --mode bare --quantum 9 programs/vcopy.s
want_err "warning: --quantum does nothing under --mode bare (it acts under --mode swreloc, hwreloc, paged or seg)"
mm run --mode paged --alloc ws --scope local programs/vcopy.s
want_err "warning: --scope does nothing with --alloc ws"
mm compare --mode hwreloc programs/vcopy.s
want_err "warning: --mode does nothing in compare"
end

begin "paging options under paged, and under compare (which runs paged too), do not warn"
mm run --mode paged --frames 8 --tlb-ways 2 programs/vcopy.s
grep -q "warning" "$T/err" && fail_because "run --mode paged warned: $(cat "$T/err")"
mm compare --frames 8 programs/vcopy.s
grep -q "warning" "$T/err" && fail_because "compare warned: $(grep warning "$T/err")"
end

begin "tlbsim --tlb-ways 7 names the option and the allowed values"
mm tlbsim --trace "$T/o.din" --tlb-ways 7
want_rc 2
want_err "--tlb-ways"
want_err "allowed values are full or 1 2 4 8 16 32 64"
end

begin "workload --arrival-mean -1 and --lifetime-mean 0 name the option"
mm workload --arrival-mean -1
want_rc 2
want_err "--arrival-mean '-1': expected a positive number"
mm workload --lifetime-mean 0
want_rc 2
want_err "--lifetime-mean '0'"
end

finish
