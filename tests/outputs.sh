#!/usr/bin/env bash
# The outputs as their users' tools read them (docs/outputs.md):
#  - the configuration record in stats text and JSON and both traces, the
#    programs' SHA-256 (checked against sha256sum), the version;
#  - a run repeated from the command its stats record gives the same stats;
#  - the CSV trace: named columns, rows sorted by cycle, "TLB miss" rows equal
#    to the stats' TLB misses and A/D re-walks apart, over several configurations;
#  - the JSON trace against the Trace Event Format's rules
#    (tests/trace_event_check.py), names, owners and running slices;
#  - the commit log: a line per instruction, its format, no effect on results;
#  - mmulab --version, mmulab help CMD for every command;
#  - bad paths for --log and --trace: exit 2, named.
# Usage: tests/outputs.sh [BUILD_DIR]; prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
OUT=${1:-${OUT:-build}}
. tests/lib.sh

stat() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
cfg() { python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['config']
for k in sys.argv[2].split('.'): d=d[k]
print(d)" "$1" "$2"; }

# ---- the configuration record ----------------------------------------------
begin "stats JSON records the configuration, the programs' hashes and the version"
mm run --mode paged --frames 3 --page-size 512 --tlb 8 --tlb-ways 2 --tlb-policy fifo --timing mem_cycles=3 \
    --stats-json "$T/s.json" programs/vcopy.s programs/checksum.s
want_rc 0
want_eq "page_size" "$(cfg "$T/s.json" paged.page_size)" 512
want_eq "frames" "$(cfg "$T/s.json" os.frames)" 3
want_eq "tlb_entries" "$(cfg "$T/s.json" tlb.tlb_entries)" 8
want_eq "tlb_ways" "$(cfg "$T/s.json" tlb.tlb_ways)" 2
want_eq "tlb_policy" "$(cfg "$T/s.json" tlb.tlb_policy)" fifo
want_eq "mem_cycles" "$(cfg "$T/s.json" timing.mem_cycles)" 3
want_eq "mode" "$(cfg "$T/s.json" mode)" paged
want_eq "program2" "$(cfg "$T/s.json" programs.program2)" programs/checksum.s
want_eq "program1 sha256" "$(cfg "$T/s.json" programs.program1_sha256)" "$(sha256sum programs/vcopy.s | cut -d' ' -f1)"
want_eq "program2 sha256" "$(cfg "$T/s.json" programs.program2_sha256)" "$(sha256sum programs/checksum.s | cut -d' ' -f1)"
want_eq "version" "mmulab $(cfg "$T/s.json" mmulab_version)" "$("$M" --version)"
end

begin "stats text records the same configuration as the JSON"
mm run --mode paged --frames 3 --page-size 512 --alloc proportional --scope local --stats - --stats-json "$T/s.json" \
    programs/vcopy.s programs/checksum.s
want_rc 0
python3 - "$T/s.json" "$T/out" <<'PY' >"$T/diff" 2>&1 || fail_because "$(head -n 3 "$T/diff" | tr '\n' '|')"
import json, sys
d = json.load(open(sys.argv[1]))["config"]
flat = {}
for k, v in d.items():
    if isinstance(v, dict):
        for k2, v2 in v.items():
            flat["config.%s.%s" % (k, k2)] = str(v2)
    elif k != "command":
        flat["config." + k] = str(v)
text = {}
for line in open(sys.argv[2]):
    parts = line.split(None, 1)
    if parts and parts[0].startswith("config.") and parts[0] != "config.command":
        text[parts[0]] = parts[1].strip()
assert text == flat, (set(text.items()) ^ set(flat.items()))
assert text["config.os.alloc"] == "proportional" and text["config.os.scope"] == "local"
PY
end

# ---- reproducing a run from its record ---------------------------------------
repeat_from_record() { # ARGS...: run, re-run the recorded command, compare stats
    mm run --stats-json "$T/a.json" --stats "$T/a.txt" "$@"
    local first_rc=$RC
    python3 -c "import json,sys; print('\0'.join(json.load(open(sys.argv[1]))['config']['command'][2:]))" "$T/a.json" \
        | tr '\0' '\n' >"$T/argv"
    mapfile -t recorded <"$T/argv"
    mm run --stats-json "$T/b.json" --stats "$T/b.txt" "${recorded[@]}" # the command may end in `-- ARG...`
    want_eq "exit status" "$RC" "$first_rc"
    cmp -s "$T/a.json" "$T/b.json" || fail_because "stats JSON differ: $(diff "$T/a.json" "$T/b.json" | head -n 4 | tr '\n' '|')"
    cmp -s "$T/a.txt" "$T/b.txt" || fail_because "stats text differ"
    # and from the text's command line, as a shell reads it
    local line
    line=$(sed -n 's/^config\.command  *//p' "$T/a.txt")
    (eval "set -- ${line#mmulab run }"; timeout "$MM_TIMEOUT" "$M" run --stats-json "$T/c.json" "$@" >/dev/null 2>&1 </dev/null)
    cmp -s "$T/a.json" "$T/c.json" || fail_because "the stats text's command gives other stats"
}

begin "a paged run repeated from its stats' configuration gives the same stats"
repeat_from_record --mode paged --frames 4 --page-size 1K --levels 3 --va-bits 24 --tlb 8 --tlb-ways 4 \
    --tlb-policy plru --replace clock --asid-bits 4 --quantum 3000 --timing fault_handler_cycles=321 \
    --disk-mbps 20 programs/vcopy.s programs/checksum.s programs/strcopy.s
end

begin "a run binding its imports at load (--bind now) repeated from its record gives the same stats"
"$M" asm -c programs/binding/few.s -o "$T/few.o" && "$M" ld "$T/few.o" programs/lib/ops.so -o "$T/few.x" ||
    fail_because "cannot build few.x"
repeat_from_record --bind now --lib-path programs/lib "$T/few.x"
want_eq "bind" "$(cfg "$T/a.json" os.bind)" now
want_eq "lib_path" "$(cfg "$T/a.json" os.lib_path)" programs/lib
end

begin "fixed partitions (--mft) and quotas by priority are recorded and repeat"
repeat_from_record --mode hwreloc --mft 8K,8K,16K --fit best programs/vcopy.s programs/checksum.s
want_eq "mft" "$(cfg "$T/a.json" os.mft)" 8192,8192,16384
repeat_from_record --mode paged --frames 6 --scope local --alloc priority --priority 3,1 programs/vcopy.s programs/checksum.s
want_eq "alloc" "$(cfg "$T/a.json" os.alloc)" priority
end

begin "a program arriving during the run (prog.s@CYCLE): recorded as named, hashed as its file, repeats"
repeat_from_record --mode hwreloc programs/vcopy.s programs/checksum.s@2000
want_eq "program2" "$(cfg "$T/a.json" programs.program2)" programs/checksum.s@2000
want_eq "its sha256" "$(cfg "$T/a.json" programs.program2_sha256)" "$(sha256sum programs/checksum.s | cut -d' ' -f1)"
end

begin "a base/limit run with swapping repeated from its record gives the same stats"
repeat_from_record --mode hwreloc --mem 64K --fit best --swap --priority 2,1 --granule 64 --stack 1K \
    programs/vcopy.s programs/checksum.s
end

begin "a run the model stops (cycle limit) repeated from its record: same stats, same status"
repeat_from_record --mode paged --max-cycles 5000 --seed 9 --tlb-policy random --tlb 4 programs/longsum.s
end

begin "program arguments are in the record; repeated from it the program prints the same"
mm run --mode paged --stats-json "$T/a.json" --stats "$T/a.txt" programs/echo_args.s -- "two words" --mode "it's" \
    "$(printf 'line\nbreak')" "" "$(printf 'tab\there')"
want_rc 0
cp "$T/out" "$T/first.out"
want_eq "args" "$(cfg "$T/a.json" programs.args)" 6
want_eq "arg1" "$(cfg "$T/a.json" programs.arg1)" "two words"
want_eq "arg2" "$(cfg "$T/a.json" programs.arg2)" "--mode"
want_eq "arg3" "$(cfg "$T/a.json" programs.arg3)" "it's"
want_eq "the JSON command ends with -- and the arguments" \
    "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['config']['command'][-7:])" "$T/a.json")" \
    "['--', 'two words', '--mode', \"it's\", 'line\\nbreak', '', 'tab\\there']"
# every item one line of the text, a value with spaces or a line break as a shell word
awk '/Begin Configuration/ {on = 1; next} /End Configuration/ {on = 0} on && NF && $1 !~ /^config\./ {bad = 1} END {exit bad}' \
    "$T/a.txt" || fail_because "a configuration line of the text is broken"
grep -qF "config.programs.arg4" "$T/a.txt" && grep -F "config.programs.arg4" "$T/a.txt" | grep -qF "\$'line\\nbreak'" ||
    fail_because "arg4 not written as \$'line\\nbreak': $(grep -F config.programs.arg4 "$T/a.txt")"
line=$(sed -n 's/^config\.command  *//p' "$T/a.txt")
(eval "set -- ${line#mmulab run }"; timeout "$MM_TIMEOUT" "$M" run "$@" >"$T/again.out" 2>/dev/null </dev/null)
cmp -s "$T/first.out" "$T/again.out" || fail_because "the stats text's command prints otherwise: $(head -c 200 "$T/again.out")"
grep -qx "it's" "$T/again.out" || fail_because "the quoted argument did not come back"
end

begin "\`--\` with no argument is recorded (args 0) and repeated"
repeat_from_record --mode hwreloc programs/echo_args.s --
want_eq "args" "$(cfg "$T/a.json" programs.args)" 0
want_eq "the command ends with --" "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['config']['command'][-1])" "$T/a.json")" "--"
end

begin "without \`--\` the record has no argument block"
repeat_from_record --mode hwreloc programs/vcopy.s
python3 -c "import json,sys; sys.exit('args' in json.load(open(sys.argv[1]))['config']['programs'])" "$T/a.json" \
    || fail_because "programs.args without --"
end

# ---- the CSV trace ---------------------------------------------------------------
csv_agrees() { # ARGS...: the CSV's TLB misses and re-walks against the stats
    mm run --trace "$T/t.csv" --stats-json "$T/t.json" "$@"
    python3 - "$T/t.csv" "$T/t.json" <<'PY' >"$T/why" 2>&1 || fail_because "$(tail -n 3 "$T/why" | tr '\n' '|')"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
stats = json.load(open(sys.argv[2]))
cycles = [int(r["cycle"]) for r in rows]
assert cycles == sorted(cycles), "rows out of cycle order"
misses = sum(r["event"] == "TLB miss" for r in rows)
rewalks = sum(r["event"] == "A/D re-walk" for r in rows)
assert misses == stats["tlb_misses"], ("TLB miss rows", misses, "stats", stats["tlb_misses"])
assert misses + rewalks == stats["walks"], ("walk rows", misses + rewalks, "stats walks", stats["walks"])
for r in rows:
    if r["event"] in ("TLB miss", "A/D re-walk"):
        assert r["vaddr"] and r["levels"] and r["access"], r
    if r["event"] == "page fault":
        assert r["vaddr"] and r["frame"] and r["major"] in ("0", "1"), r
cfg = {r["config_key"]: r["config_value"] for r in rows if r["event"] == "config"}
assert cfg["mode"] == stats["config"]["mode"] and cfg["paged.page_size"] == str(stats["config"]["paged"]["page_size"])
assert cfg["command"].startswith("mmulab run ")
print(misses, rewalks)
PY
}

for args in "--mode paged programs/vcopy.s" \
    "--mode paged --frames 3 --page-size 512 programs/vcopy.s programs/checksum.s" \
    "--mode paged --tlb 2 --tlb-ways 1 --asid-bits 0 --quantum 500 programs/strcopy.s programs/recurse.s" \
    "--mode paged --frames 4 --replace fifo programs/fork_cow.s" \
    "--mode paged programs/threads.s"; do
    begin "CSV trace: named, sorted, TLB misses = stats ($args)"
    # shellcheck disable=SC2086
    csv_agrees $args
    end
done

begin "CSV trace: a store to a clean page shows an A/D re-walk, not a miss"
csv_agrees --mode paged --tlb 64 programs/vcopy.s
read -r misses rewalks <"$T/why"
[ "${rewalks:-0}" -gt 0 ] || fail_because "no A/D re-walk rows (misses $misses)"
end

begin "CSV trace: the header names columns (no a,b,c,d) and the config rows quote commas"
mm run --mode hwreloc --swap --priority 3,1 --trace "$T/t.csv" programs/vcopy.s programs/checksum.s
want_rc 0
head -n 1 "$T/t.csv" | grep -qE '(^|,)a,b,c,d(,|$)' && fail_because "columns a,b,c,d"
head -n 1 "$T/t.csv" | grep -q '^cycle,duration,event,category,pid,.*,config_key,config_value$' || fail_because "header: $(head -n 1 "$T/t.csv")"
python3 -c "
import csv,sys
r={x['config_key']:x['config_value'] for x in csv.DictReader(open(sys.argv[1])) if x['event']=='config'}
sys.exit(0 if r['os.priority']=='3,1' else 1)" "$T/t.csv" || fail_because "os.priority not read back as 3,1"
end

# The CSV is sorted by cycle, so a page fault (reported live when its handler
# returns) comes before its trap; read back (obs/trace_read.c), it tells the
# same story as live (obs/explain.c).
for args in "--mode paged --frames 3 --page-size 512 programs/vcopy.s" \
    "--mode paged --frames 3 --page-size 512 programs/fork_cow.s" \
    "--mode paged --frames 5 --replace clock --quantum 700 programs/threads.s" \
    "--mode paged --frames 6 --quantum 500 --replace clock programs/strcopy.s programs/recurse.s programs/vcopy.s"; do
    begin "explain of the sorted CSV trace = run --explain ($args)"
    # shellcheck disable=SC2086
    mm run $args --explain --trace "$T/t.csv"
    grep '^cycle ' "$T/out" >"$T/live"
    [ -s "$T/live" ] || fail_because "no sentences live"
    mm explain "$T/t.csv"
    want_rc 0
    grep '^cycle ' "$T/out" >"$T/read"
    cmp -s "$T/live" "$T/read" || fail_because "$(diff "$T/live" "$T/read" | head -n 3 | tr '\n' '|')"
    end
done

# ---- the JSON trace -----------------------------------------------------------
for args in "--mode paged programs/vcopy.s programs/checksum.s" \
    "--mode paged --frames 4 --page-size 512 --quantum 700 programs/vcopy.s programs/checksum.s programs/strcopy.s" \
    "--mode paged --asid-bits 0 programs/fork_cow.s" \
    "--mode hwreloc --swap --mem 64K programs/vcopy.s programs/checksum.s"; do
    n=$(echo "$args" | grep -o 'programs/' | wc -l)
    begin "JSON trace: Trace Event Format, names, owners, running slices ($args)"
    # shellcheck disable=SC2086
    mm run $args --trace "$T/t.json"
    want_rc 0
    python3 tests/trace_event_check.py "$T/t.json" --processes "$n" >"$T/why" 2>&1 || fail_because "$(head -n 3 "$T/why" | tr '\n' '|')"
    python3 - "$T/t.json" <<'PY' || fail_because "process names or clock"
import json, sys
d = json.load(open(sys.argv[1]))
names = {e["pid"]: e["args"]["name"] for e in d["traceEvents"] if e.get("name") == "process_name"}
assert any(n.endswith(".s") for n in names.values()), names
assert d["otherData"]["time_unit"] == "cycles" and int(d["otherData"]["cpu_mhz"]) > 0
PY
    end
done

begin "the trace checker catches what it should (a partial overlap, a nameless lane, pid 0 hardware)"
python3 - "$T" <<'PY' || fail_because "a broken trace passed the checker"
import json, subprocess, sys
base = {"displayTimeUnit": "ns", "otherData": {"time_unit": "cycles", "cpu_mhz": "100", "config.mode": "paged",
        "config.mmulab_version": "x", "config.command": "mmulab run"}}
named = [{"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": "p"}},
         {"name": "thread_name", "ph": "M", "pid": 1, "tid": 2, "args": {"name": "hw"}},
         {"name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": {"name": "cpu"}}]
run = {"name": "running", "ph": "X", "ts": 0, "dur": 100, "pid": 1, "tid": 1}
bad = {
    "overlap": [run, {"name": "a", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 2, "cat": "hw"},
                {"name": "b", "ph": "X", "ts": 5, "dur": 10, "pid": 1, "tid": 2, "cat": "hw"}],
    "nameless": [run, {"name": "a", "ph": "i", "s": "t", "ts": 0, "pid": 1, "tid": 3, "cat": "os"}],
    "pid0": [run, {"name": "TLB miss", "ph": "X", "ts": 0, "dur": 3, "pid": 0, "tid": 2, "cat": "hw"}],
    "norunning": [{"name": "a", "ph": "i", "s": "t", "ts": 0, "pid": 1, "tid": 2, "cat": "hw"}],
}
good = [run, {"name": "a", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 2, "cat": "hw"},
        {"name": "b", "ph": "X", "ts": 2, "dur": 3, "pid": 1, "tid": 2, "cat": "hw"}]
def verdict(events):
    path = sys.argv[1] + "/c.json"
    json.dump(dict(base, traceEvents=named + events), open(path, "w"))
    return subprocess.run([sys.executable, "tests/trace_event_check.py", path, "--processes", "1"],
                          capture_output=True).returncode
assert verdict(good) == 0
for k, ev in bad.items():
    assert verdict(ev) != 0, k
PY
end

# ---- the commit log ----------------------------------------------------------------
for mode in bare swreloc hwreloc paged; do
    begin "--log under $mode: a line per instruction, and the run unchanged"
    progs="programs/vcopy.s programs/checksum.s"
    [ "$mode" = bare ] && progs=programs/vcopy.s # monoprogrammed
    # shellcheck disable=SC2086
    mm run --mode "$mode" --stats-json "$T/plain.json" $progs
    # shellcheck disable=SC2086
    mm run --mode "$mode" --log "$T/c.log" --stats-json "$T/logged.json" $progs
    want_rc 0
    python3 - "$T/c.log" "$T/logged.json" "$T/plain.json" "$mode" <<'PY' >"$T/why" 2>&1 || fail_because "$(tail -n 3 "$T/why" | tr '\n' '|')"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
logged, plain = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
logged["config"].pop("command"); plain["config"].pop("command")
assert logged == plain, "--log changed the results"
line = re.compile(r"^(\d+) p(\d+) 0x([0-9a-f]{8}) \(0x([0-9a-f]{8})\) (\S.*?) *( r\d+ 0x[0-9a-f]{8})?"
                  r"( (load|store) 0x[0-9a-f]{8} -> 0x[0-9a-f]{8} 0x[0-9a-f]+)?( xl( fetch \w+( walk \d( ad)?)?)?( data \w+( walk \d( ad)?)?)?)?"
                  r"(?P<trap> trap \w+ 0x[0-9a-f]{8})?$")
retired, cycles, pids = 0, [], set()
for l in lines:
    m = line.match(l)
    assert m, "malformed line: " + l
    cycles.append(int(m.group(1)))
    pids.add(int(m.group(2)))
    trap = m.group("trap") or ""
    retired += not trap or " syscall " in trap or " halt " in trap
assert cycles == sorted(cycles), "cycles go backwards"
assert retired == logged["instructions"], ("retired lines", retired, "instructions", logged["instructions"])
assert pids == ({1} if sys.argv[4] == "bare" else {1, 2}), pids
loads = [re.search(r" r4 (0x\w+) load 0x\w+ -> 0x\w+ (0x\w+)", l) for l in lines if "LOAD R4, [R1]" in l]
assert loads and all(m and m.group(1) == m.group(2) for m in loads), "LOAD R4, [R1] without its word in r4"
if sys.argv[4] == "paged":
    assert any(" xl fetch miss walk 2" in l for l in lines)
PY
    end
done

# The stepped run (--log) and the batched one stamp every event alike: a data
# access's walk comes after the fetch on both paths (cpu/cpu.c).
for args in "--mode paged --frames 3 programs/vcopy.s programs/checksum.s" \
    "--mode paged --tlb 2 --tlb-ways 1 programs/strcopy.s programs/recurse.s" \
    "--mode paged --frames 4 programs/fork_cow.s" "--mode hwreloc --swap --mem 64K programs/vcopy.s programs/checksum.s"; do
    begin "--log leaves the CSV and JSON traces as they are ($args)"
    for ext in csv json; do
        # shellcheck disable=SC2086
        mm run $args --trace "$T/plain.$ext"
        # shellcheck disable=SC2086
        mm run $args --trace "$T/logged.$ext" --log "$T/c.log"
        want_rc 0
        cmp -s "$T/plain.$ext" "$T/logged.$ext" ||
            fail_because "$ext differs: $(diff "$T/plain.$ext" "$T/logged.$ext" | head -n 3 | tr '\n' '|')"
    done
    end
done

begin "--log and --mem-trace together: each file as it is alone"
mm run --mode paged --frames 3 --log "$T/alone.log" programs/vcopy.s programs/checksum.s
mm run --mode paged --frames 3 --mem-trace "$T/alone.din" programs/vcopy.s programs/checksum.s
mm run --mode paged --frames 3 --log "$T/both.log" --mem-trace "$T/both.din" programs/vcopy.s programs/checksum.s
want_rc 0
[ -s "$T/alone.log" ] && [ -s "$T/alone.din" ] || fail_because "an empty file alone"
cmp -s "$T/alone.log" "$T/both.log" || fail_because "the commit log differs beside --mem-trace"
cmp -s "$T/alone.din" "$T/both.din" || fail_because "the din trace differs beside --log"
end

begin "--log into a directory that does not exist: exit 2, named"
mm run --log "$T/no/such/dir/c.log" programs/vcopy.s
want_rc 2
want_err "--log $T/no/such/dir/c.log: cannot create the file"
end

begin "--log where a command makes several runs (lists, compare): exit 2, named"
mm run --mode paged --frames 2,3 --log "$T/several.log" programs/vcopy.s
want_rc 2
want_err "--log"
[ -e "$T/several.log" ] && fail_because "a log was written"
mm compare --log "$T/several.log" programs/vcopy.s
want_rc 2
want_err "mmulab compare: "
[ -e "$T/several.log" ] && fail_because "a log was written"
end

begin "--trace into a directory that does not exist: exit 2, named"
mm run --trace "$T/no/such/dir/t.csv" programs/vcopy.s
want_rc 2
want_err "--trace"
end

# ---- version and help ------------------------------------------------------------------
begin "mmulab --version: one line, the VERSION file's number"
mm --version
want_rc 0
want_out_re "^mmulab $(cat VERSION | sed 's/\./\\./g')(\+g[0-9a-f]+(-dirty)?)?$"
end

for cmd in $("$M" --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
    begin "mmulab help $cmd = mmulab $cmd --help"
    mm help "$cmd"
    want_rc 0
    cp "$T/out" "$T/help"
    mm "$cmd" --help
    cmp -s "$T/out" "$T/help" || fail_because "the two differ"
    [ -s "$T/help" ] || fail_because "empty help"
    end
done

begin "mmulab help run names --log, and mmulab help BOGUS fails naming the commands"
mm help run
want_out "--log FILE"
mm help bogus
want_rc 2
want_err "unknown command 'bogus'; allowed: asm"
end

finish
