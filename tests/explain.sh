#!/usr/bin/env bash
# Explanations, the cycle breakdown, quizzes and translate (docs/explain.md):
# sentences checked on small programs with known faults and against the
# stats and the policy's state; the breakdown summing to the clock on every
# program in every mode; quiz answers checked against independent
# computations (python) and against `mmulab translate`; bad input.
# Usage: OUT=build tests/explain.sh; prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

PAGED="--mode paged --frames 2 --page-size 512"

echo "explain: sentences"
# cycle 28: the loader's 14 PTEs at 2 cycles (docs/paging.md) come first
begin "run --explain: vcopy's first fault, word for word (fetch at 100, 512-byte page at 50 MB/s)"
mm run $PAGED --replace lru --explain programs/vcopy.s
want_rc 0
want_eq "first sentence" "$(head -n 1 "$T/out")" "cycle 28  P1 fetch 0x00000064: TLB miss -> walk L0 @0x2000, L1 @0x4000: page not present in memory -> page fault: frame 96 is free -> page 0x0 read from the executable, 1024 cycles -> restart; trap and handler 520 cycles, 1548 cycles in all"
want_out_re "LRU evicts frame [0-9]+ \(P1 page 0x[0-9a-f]+, last used at memory access [0-9]+, the least recently used of 2\)"
end

for policy in fifo lru opt clock; do
    begin "run --explain --replace $policy: one sentence per fault, eviction and write-back the stats count"
    mm run $PAGED --replace $policy --explain --stats-json "$T/s.json" programs/vcopy.s
    want_rc 0
    want_eq "faults" "$(grep -c -- '-> page fault:' "$T/out")" "$(jv "$T/s.json" page_faults)"
    want_eq "evictions" "$(grep -c ' evicts frame ' "$T/out")" "$(jv "$T/s.json" evictions)"
    want_eq "write-backs" "$(grep -c 'dirty: written back' "$T/out")" "$(jv "$T/s.json" writebacks)"
    want_eq "TLB misses" "$(grep -c ': TLB miss' "$T/out")" "$(jv "$T/s.json" tlb_misses)"
    end
done

# The victim named is the one the policy's state (printed before the choice) ranks first.
for policy in fifo lru opt clock; do
    begin "run --explain=evict,state --replace $policy: the victim is the state's first choice"
    mm run --mode paged --frames 3 --page-size 512 --replace $policy --explain=evict,state programs/vcopy.s programs/strcopy.s
    want_rc 0
    python3 - "$T/out" "$policy" >"$T/py" 2>&1 <<'PY' || fail_because "$(cat "$T/py")"
import re, sys
lines = open(sys.argv[1]).read().splitlines(); policy = sys.argv[2]; checked = 0
for i, line in enumerate(lines):
    m = re.search(r"evicts frame (\d+)", line)
    if not m:
        continue
    victim = int(m.group(1)); state = lines[i + 1]
    entries = re.findall(r" (\d+) \(P\d+ 0x[0-9a-f]+, ([^)]*)\)", state)
    assert entries, "no state after: " + line
    frames = [int(f) for f, _ in entries]
    if policy in ("fifo", "lru"):
        want = frames[0]
    elif policy == "opt":
        dist = [float("inf") if k == "never" else int(k.split()[1]) for _, k in entries]
        want = frames[dist.index(max(dist))]
    else:  # clock: from the hand, the first with R=0 (bits cleared on the way), else the hand
        want = next((int(f) for f, k in entries if "R=0" in k), frames[0])
    assert victim == want, f"{line}\n{state}\nwant frame {want}"
    if policy == "clock":  # the sweep starts at the first frame it looked at: the first cleared, else the victim
        hand = int(re.search(r"clock hand at frame (\d+)", line).group(1))
        first = re.search(r"clears the reference bits of frames (\d+)", line)
        assert hand == (int(first.group(1)) if first else victim), f"{line}: hand at {hand}"
    checked += 1
assert checked, "no eviction explained"
PY
    end
done

begin "--explain=tlb: an evicted TLB entry held the vpn the sentences filled it with last"
for args in "--tlb 2 --tlb-ways 2 --tlb-policy lru" "--tlb 4 --tlb-ways 2 --tlb-policy fifo" "--tlb 2 --tlb-ways 1"; do
    # shellcheck disable=SC2086
    mm run --mode paged --page-size 512 $args --explain=tlb programs/refstring.s programs/threads.s
    python3 - "$T/out" >"$T/py" 2>&1 <<'PY' || fail_because "$args: $(cat "$T/py")"
import re, sys
held, evictions = {}, 0
for line in open(sys.argv[1]):
    m = re.search(r"P(\d+) \w+ (0x[0-9a-f]+): TLB miss \((?:entry (\d+) of set \d+ was free|set \d+ full, \S+(?: \S+)? evicts entry (\d+): vpn (0x[0-9a-f]+))", line)
    if not m or "page fault" in line:
        continue
    pid, va, free, entry, vpn = m.groups()
    entry = int(free or entry)
    if vpn:
        evictions += 1
        # a flush may have emptied the entry since; a valid one holds what was filled last
        assert held.get(entry) in (int(vpn, 16), None), (line, held.get(entry))
    held[entry] = int(va, 16) >> 9
assert evictions, "no TLB eviction explained"
PY
done
end

begin "--explain=tlb: a TLB miss per miss counted, a hit that needs A or D said as such (walks - misses)"
mm run --mode paged --tlb 4 --page-size 512 --explain=tlb --stats-json "$T/s.json" programs/vcopy.s programs/checksum.s
want_eq "misses" "$(grep -c ': TLB miss' "$T/out")" "$(jv "$T/s.json" tlb_misses)"
want_eq "A/D walks on hits" "$(grep -c ': TLB hit, but the entry lacks the [AD] bit' "$T/out")" \
    "$(($(jv "$T/s.json" walks) - $(jv "$T/s.json" tlb_misses)))"
end

begin "explain TRACE: the same sentences from the CSV and the JSON trace as live"
mm run $PAGED --replace clock --explain --trace "$T/t.csv" programs/vcopy.s
cp "$T/out" "$T/live"
mm run $PAGED --replace clock --trace "$T/t.json" programs/vcopy.s
mm explain "$T/t.csv"
want_rc 0
want "CSV as live" cmp -s "$T/out" "$T/live"
mm explain "$T/t.json"
want "JSON as live" cmp -s "$T/out" "$T/live"
mm explain --only evict "$T/t.csv"
want_eq "only evictions" "$(grep -vc 'evicts frame' "$T/out")" 0
# the TLB's victims and the policy's state come from the trace as well
mm run --mode paged --frames 4 --page-size 512 --tlb 4 --tlb-ways 2 --tlb-policy plru --explain=state --trace "$T/t.csv" programs/belady.s programs/vcopy.s
grep -E '^(cycle|    )' "$T/out" >"$T/live"
want_out "pseudo-LRU evicts entry"
mm explain --only state "$T/t.csv"
want "TLB victims and state as live" cmp -s <(grep -E '^(cycle|    )' "$T/out") "$T/live"
end

begin "--explain=tlb: each TLB policy says why its victim"
for policy in "lru:the least recently used of 4 ways" "fifo:the oldest of 4 ways" \
    "plru:the one the tree's 2 bits on its path point to, among 4 ways" "random:picked at random, among 4 ways"; do
    mm run --mode paged --tlb 4 --tlb-ways 4 --tlb-policy "${policy%%:*}" --explain=tlb programs/belady.s
    want_out "${policy#*:})"
done
end

begin "--explain filters: by kind and by process"
mm run --mode paged --frames 4 --explain=P2 programs/fork_cow.s
want_rc 0
want_eq "only P2's stories and switches" "$(grep '^cycle' "$T/out" | grep -v '^cycle [0-9]*  P2 ' | grep -vc 'context switch.*P2')" 0
want_out "copy-on-write: page 0x0 copied from shared frame"
mm run --mode paged --frames 4 --explain=cow programs/fork_cow.s
want_eq "only COW" "$(grep '^cycle' "$T/out" | grep -vc 'copy-on-write')" 0
end

begin "--explain: protection faults, context switches with a TLB flush, swaps, compaction"
mm run --explain programs/escape.s
want_out_re "P1 at pc 0x[0-9a-f]+, address 0x00001030: protection fault: address beyond the partition's limit -> P1 killed, 200 cycles"
mm run --mode paged --asid-bits 0 --quantum 2000 --explain=switch programs/vcopy.s programs/checksum.s
want_out_re "context switch P1 -> P2: P1 (used up its quantum|trapped into the OS, which then picks the next process round-robin); registers and MMU state saved and loaded, TLB flushed"
mm run --mode hwreloc --mem 16K --stack 2K --swap --explain=swap programs/longsum.s programs/longsum.s programs/longsum.s programs/longsum.s
want_out_re "P[0-9] rolled out to the backing store: no hole fits, and it goes first \(the lowest priority, 0;"
want_out "rolled back in at"
mm run --mode hwreloc --mem 20K --stack 2K --swap --compact --explain=compaction \
    programs/longsum.s programs/vcopy.s programs/longsum.s programs/checksum.s programs/longsum.s
want_out_re "P[0-9] moved from 0x[0-9a-f]+ to 0x[0-9a-f]+: [0-9]+ bytes copied word by word, [0-9]+ cycles"
end

begin "--help of the new commands and option"
for c in explain quiz translate; do
    mm $c --help
    want_rc 0
    want_out "usage: mmulab $c"
done
mm quiz --help
want_out "belady"
mm run --help
want_out "--explain"
end

begin "bad --explain words and bad traces: exit 2 with the allowed words or the line"
mm run --explain=faults programs/vcopy.s
want_rc 2
want_err "'faults' is not one of tlb fault evict"
printf 'cycle,duration,event,category,pid,a,b,c,d\n1,2,no such event,os,1,0,0,0,0\n' >"$T/bad.csv"
mm explain "$T/bad.csv"
want_rc 2
want_err "bad.csv:2: not a line of an mmulab CSV"
mm explain "$T/none.csv"
want_rc 2
end

echo "explain: the cycle breakdown"
begin "stats: the breakdown sums to the clock on every program in every mode (and with swapping, idle, faults)"
for mode in bare swreloc hwreloc paged; do
    for p in programs/*.s; do
        timeout 20 "$M" run --mode "$mode" --quiet --stats-json "$T/b.json" "$p" >/dev/null 2>&1 </dev/null
        [ -s "$T/b.json" ] || { fail_because "$mode $p: no stats"; continue; }
        python3 - "$T/b.json" "$mode $p" >>"$T/sums" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); b = d["cycle_breakdown"]
if not (sum(b.values()) == d["cycles"] == d["clock"] and min(b.values()) >= 0
        and d["instructions"] <= b["execute"] <= 16 * d["instructions"]):
    print(sys.argv[2], b, d["cycles"], d["instructions"])
PY
        rm -f "$T/b.json"
    done
done
mm run --mode paged --frames 3 --page-size 512 --stats-json "$T/b.json" programs/vcopy.s programs/checksum.s programs/strcopy.s
python3 - "$T/b.json" "paged, three processes" >>"$T/sums" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); b = d["cycle_breakdown"]
if sum(b.values()) != d["cycles"] or b["fault_disk"] == 0 or b["context_switches"] == 0 or b["fault_handler"] != 500 * d["page_faults"]:
    print(sys.argv[2], b)
PY
[ -s "$T/sums" ] && fail_because "$(head -c 600 "$T/sums")"
end

begin "stats: vcopy (no MUL or DIV) executes one cycle an instruction; EAT formula from the measured hit ratio"
mm run --mode paged --stats-json "$T/b.json" --stats "$T/b.txt" programs/vcopy.s
want_eq "execute" "$(jv "$T/b.json" cycle_breakdown.execute)" "$(jv "$T/b.json" instructions)"
python3 - "$T/b.json" >"$T/py" 2>&1 <<'PY' || fail_because "$(cat "$T/py")"
import json, sys
d = json.load(open(sys.argv[1])); e = d["effective_access_time"]; h = e["hit_ratio"]
assert abs(h - d["tlb_hits"] / (d["tlb_hits"] + d["tlb_misses"])) < 1e-5, h
want = h * (1 + 2) + (1 - h) * (1 + 2 * 2 + 2)   # tlb_hit 1, mem 2, 2 levels
assert abs(e["eat_formula"] - want) < 1e-3, (e, want)
assert e["eat_measured"] >= e["eat_formula"] - 1e-9, e   # A/D write-backs only add
r = d["rates"]
assert abs(r["cpi"] - d["clock"] / d["instructions"]) < 1e-3, r
PY
want "text stats carry the breakdown" grep -q "^system.cycle_breakdown.walks " "$T/b.txt"
want "text stats carry the EAT" grep -q "^system.eat_formula " "$T/b.txt"
end

echo "explain: quiz"
# The problem part of a quiz's output: without the answers, whether they
# come after it (Answers ...) or inline ("  Answer:" and what it indents).
problem_of() {
    awk '/^Answers \(computed by the model\):$|^Work out the answers/ { exit }
         /^$/ { next } /^  Answer:/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' "$1"
}
begin "quiz: seeded, reproducible, answers only with -c, every topic"
for t in relocation paging ptsize eat fit replacement lrustack ws belady seg; do
    mm quiz $t --seed 5
    want_rc 0
    cp "$T/out" "$T/q1"
    mm quiz $t --seed 5
    want "$t reproducible" cmp -s "$T/out" "$T/q1"
    mm quiz $t --seed 6
    cmp -s "$T/out" "$T/q1" && fail_because "$t ignores --seed"
    mm quiz $t --seed 5 -c
    [ "$(wc -l <"$T/out")" -gt "$(wc -l <"$T/q1")" ] || fail_because "$t -c adds no answers"
    want "$t: the problem is the same with -c" cmp -s <(problem_of "$T/q1") <(problem_of "$T/out")
done
end

begin "quiz: -s and -n as OSTEP's scripts spell them; a fixed geometry the model cannot have exits 2"
mm quiz replacement --seed 3 --count 2 -c
cp "$T/out" "$T/q1"
mm quiz replacement -s 3 -n 2 -c
want "-s -n as --seed --count" cmp -s "$T/out" "$T/q1"
mm quiz ptsize -s 2 -n 4 --page-size 8K --levels 3 -c
want_rc 0
want_eq "every problem as fixed" "$(grep -c '^Problem .*8192-byte pages, 3 levels' "$T/out")" 4
mm quiz paging --va-bits 14 --page-size 8K --levels 3
want_rc 2
want_err "cannot be split over 3 levels"
mm quiz paging --page-size 16M --levels 3
want_rc 2
want_err "choose smaller pages or fewer levels"
mm quiz paging --mode paged
want_rc 2
want_err "unknown option '--mode'"
end

begin "quiz paging: the answers agree with a walk in python and with mmulab translate --pt"
for args in "--seed 1" "--seed 2" "--seed 3" "--seed 4" "--seed 5" "--seed 6" "--seed 7" "--seed 8" \
    "--seed 9 --page-size 4K --levels 2 --va-bits 32" "--seed 10 --page-size 512 --levels 3" \
    "--seed 11 --page-size 2K --levels 1 --va-bits 14" "--seed 12 --va-bits 20" "--seed 13 --page-size 1M --levels 2"; do
    # shellcheck disable=SC2086
    mm quiz paging $args --count 8 -c
    want_rc 0
    cp "$T/out" "$T/quiz"
    python3 - "$T/quiz" "$T/pt" "$args" >"$T/py" 2>&1 <<'PY' || fail_because "$args: $(cat "$T/py")"
import re, sys
text = open(sys.argv[1]).read()
va_bits, page, levels = map(int, re.search(r"(\d+)-bit virtual addresses, (\d+)-byte pages, (\d+) level", text).groups())
ptbr = int(re.search(r"root table \(PTBR\) is at (0x[0-9a-f]+)", text).group(1), 16)
mem = int(re.search(r"physical memory (\d+) bytes", text).group(1))
words = {int(a, 16): int(v, 16) for a, v in re.findall(r"^  (0x[0-9a-f]{8}): (0x[0-9a-f]{8})$", text, re.M)}
shift = page.bit_length() - 1; vpn_bits = va_bits - shift
fixed = dict(zip(sys.argv[3].split()[2::2], sys.argv[3].split()[3::2]))
size = {"512": 512, "2K": 2048, "4K": 4096, "1M": 1 << 20}
assert page == size.get(fixed.get("--page-size"), page), ("page size not as fixed", page)
assert levels == int(fixed.get("--levels", levels)) and va_bits == int(fixed.get("--va-bits", va_bits)), "not as fixed"
low = -(-vpn_bits // levels); bits = [vpn_bits - low * (levels - 1)] + [low] * (levels - 1)
with open(sys.argv[2], "w") as f:
    f.write(f"ptbr {ptbr}\n" + "".join(f"word {a} {v}\n" for a, v in words.items()))
answers = re.split(r"\n  VA +\d+: ", text.split("Answers (computed by the model):")[1])[1:]
need = {"fetch": 8, "load": 2, "store": 4}
for ans in answers:
    va, acc = re.match(r"(0x[0-9a-f]+) \((\w+)\)", ans).groups(); va = int(va, 16)
    table, sh, out = ptbr, va_bits, None
    for lv in range(levels):
        sh -= bits[lv]; idx = (va >> sh) & ((1 << bits[lv]) - 1)
        pte = words.get(table + 4 * idx, 0)
        if not pte & 1:
            out = "fault: page fault: page not " + ("present" if pte & 0xE else "mapped"); break
        if lv < levels - 1:
            table = (pte >> 10) << shift; continue
        if not pte & need[acc]:
            out = "fault"
        elif (pte >> 10) << shift >= mem:
            out = "fault: bus error"
        else:
            out = "physical address 0x%08x" % ((pte >> 10) << shift | (va & (page - 1)))
    got = [l.strip() for l in ans.splitlines() if "physical address" in l or "fault:" in l][-1]
    assert got.startswith(out), f"VA {va:#x} {acc}: model says {got!r}, python {out!r}"
    assert f"offset      {hex(va & (page - 1))} " in ans, ans
    print("0x%08x %s %d %d %d %d" % (va, acc, levels, page, va_bits, mem))
PY
    while read -r va acc levels page bits mem; do
        mm translate "$va" --page-size "$page" --levels "$levels" --va-bits "$bits" --mem "$mem" --access "$acc" --pt "$T/pt"
        want_eq "translate $va" "$(tail -n 1 "$T/out" | sed 's/^ *//')" "$(awk -v va="$va" -v acc="$acc" '
            $0 ~ "VA +[0-9]+: " va " \\(" acc "\\)$" { on = 1; next } on && /physical address|fault:/ { sub(/^ */, ""); print; exit }' "$T/quiz")"
    done <"$T/py"
done
end

begin "quiz relocation, replacement, ws, fit: answers agree with python"
mm quiz relocation --seed 11 --count 12 -c
python3 - "$T/out" >"$T/py" 2>&1 <<'PY' || fail_because "relocation: $(cat "$T/py")"
import re, sys
t = open(sys.argv[1]).read()
base = int(re.search(r"base +(0x[0-9a-f]+)", t).group(1), 16); limit = int(re.search(r"limit +(0x[0-9a-f]+)", t).group(1), 16)
for va, rest in re.findall(r"VA +\d+: (0x[0-9a-f]+) --> (.*)", t.split("Answers")[1]):
    va = int(va, 16)
    want = "protection fault" if va + 4 > limit else "physical 0x%08x" % (base + va)
    assert rest.startswith(want), (hex(va), rest, want)
PY
for seed in 1 2 3; do
    mm quiz replacement --seed $seed -c
    python3 - "$T/out" >"$T/py" 2>&1 <<'PY' || fail_because "replacement: $(cat "$T/py")"
import re, sys
t = open(sys.argv[1]).read()
frames = int(re.search(r"with (\d+) frames", t).group(1)); refs = re.search(r"Reference string: (.*)", t).group(1).split()
def run(policy):
    mem, faults, last = [], 0, {}
    for i, p in enumerate(refs):
        if p in mem:
            last[p] = i
            continue
        faults += 1
        if len(mem) == frames:
            if policy == "fifo": mem.pop(0)
            elif policy == "lru": mem.remove(min(mem, key=lambda q: last[q]))
            else:
                nxt = lambda q: next((j for j in range(i + 1, len(refs)) if refs[j] == q), 10**9)
                far = max(nxt(q) for q in mem); mem.remove(next(q for q in sorted(mem, key=lambda q: (nxt(q) != far))))
        mem.append(p); last[p] = i
    return faults
for policy in ("fifo", "lru", "opt"):
    got = int(re.search(rf"^{policy}: (\d+) faults$", t, re.M).group(1))
    assert got == run(policy), (policy, got, run(policy))
PY
done
mm quiz ws --seed 4 --count 6 -c
python3 - "$T/out" >"$T/py" 2>&1 <<'PY' || fail_because "ws: $(cat "$T/py")"
import re, sys
t = open(sys.argv[1]).read(); refs = re.search(r"Reference string: (.*)", t).group(1).split()
for tt, d, got in re.findall(r"W\((\d+), (\d+)\) = \{([^}]*)\}", t.split("Answers")[1]):
    tt, d = int(tt), int(d)
    want = set(refs[max(0, tt - d):tt]); got = set(x.strip() for x in got.split(",") if x.strip())
    assert got == want, (tt, d, got, want)
PY
for seed in 9 10 11 12; do
mm quiz fit --seed $seed --count 12 -c
python3 - "$T/out" >"$T/py" 2>&1 <<'PY' || fail_because "fit seed $seed: $(cat "$T/py")"
import re, sys
t = open(sys.argv[1]).read()
holes0 = [tuple(map(int, h.split("+"))) for h in re.search(r"\n  \[([^\]]*)\]", t).group(1).split()]
reqs = re.findall(r"^  (R\d+ \d+|free R\d+)$", t, re.M)
freed = [int(r.split("R")[1]) for r in reqs if r.startswith("free")]
assert len(freed) == len(set(freed)), ("a request freed twice", freed)
choose = {"first": lambda fit: fit[0], "best": lambda fit: min(fit, key=lambda h: (h[1], h[0])),
          "worst": lambda fit: max(fit, key=lambda h: (h[1], -h[0]))}
placements = 0
for policy, pick in choose.items():
    part = t.split(f"{policy} fit:\n")[1].split(" fit:\n")[0]
    holes = list(holes0); placed = {}
    got = re.findall(r"R(\d+) +(\d+) (?:at (\d+)|fails)", part)
    k = 0
    for r in reqs:
        if r.startswith("free"):
            n = int(r.split("R")[1])
            if n in placed:
                b, s = placed.pop(n); holes.append((b, s)); holes.sort()
                merged = []
                for h in holes:
                    if merged and merged[-1][0] + merged[-1][1] == h[0]: merged[-1] = (merged[-1][0], merged[-1][1] + h[1])
                    else: merged.append(h)
                holes = merged
            continue
        n, size = map(int, r[1:].split())
        fit = [h for h in holes if h[1] >= size]
        at = pick(fit) if fit else None
        want = str(at[0]) if at else ""
        assert got[k][2] == want, (policy, r, got[k], want)
        if at:
            placements += 1
            holes.remove(at); placed[n] = (at[0], size)
            if at[1] > size: holes.append((at[0] + size, at[1] - size)); holes.sort()
        k += 1
assert placements, "no request placed under any fit"
PY
done
end

echo "explain: translate"
begin "translate: textbook splits (32-bit 10/10/12; the seed's 14-bit, 2K pages, one level)"
mm translate 0x00403ABC --page-size 4K --levels 2 --va-bits 32
want_rc 0
want_out_re "L0 index +0x1 +1 +bits 31..22"
want_out_re "L1 index +0x3 +3 +bits 21..12"
want_out_re "offset +0xabc +2748"
want_out "level 1: 1024 entries x 4 bytes = 4096 bytes a table, up to 1024 tables"
mm translate 0x1234 --page-size 2K --levels 1 --va-bits 14
want_out_re "page \(VPN\) +0x2 +2 "
want_out_re "offset +0x234 +564 "
want_out "level 0: 8 entries x 4 bytes = 32 bytes a table"
end

begin "translate --pt: a walk through map lines; a fault for a missing page and a denied access"
printf '# the seed'"'"'s example\nmap 2 5 vrwu\nmap 0 3\n' >"$T/pt"
mm translate 0x1234 --page-size 2K --levels 1 --va-bits 14 --mem 64K --pt "$T/pt"
want_out "physical address 0x00002a34 (frame 5)"
mm translate 0x1234 --page-size 2K --levels 1 --va-bits 14 --mem 64K --access fetch --pt "$T/pt"
want_out "fault: page fault: execute from a non-executable page"
mm translate 0x0834 --page-size 2K --levels 1 --va-bits 14 --mem 64K --pt "$T/pt"
want_out "fault: page fault: page not mapped"
end

begin "translate: --help and the options offer the geometry only"
mm translate --help
want_out "--page-size SIZE"
want_out "--va-bits N"
want_eq "runner options that do not matter" "$(grep -cE -- '--(mode|tlb|frames|explain|quantum) ' "$T/out")" 0
mm translate 0x10 --mode paged
want_rc 2
want_err "unknown option '--mode'"
end

begin "translate: bad input exits 2 naming the problem"
mm translate 0x4000 --page-size 2K --levels 1 --va-bits 14
want_rc 2
want_err "does not fit in 14 bits"
mm translate zork
want_rc 2
printf 'map 1\n' >"$T/badpt"
mm translate 0x10 --pt "$T/badpt"
want_rc 2
want_err "badpt:1: error: expected \`map VPN PPN"
mm translate 0x10 --pt "$T/nothere"
want_rc 2
mm translate 0x10 --access jump
want_rc 2
want_err "allowed values are fetch|load|store"
end

finish
