#!/usr/bin/env bash
# Check a GTKWave save file written by `mmulab cosim --fst` (docs/rtl.md):
#  - its syntax: [dumpfile] names an existing file, every trace line follows
#    an @FLAGS line, groups open (@800200) and close (@1000200) in pairs,
#    every ^N filter file exists and holds "value NAME" lines;
#  - each state register (state_q of the core, the MMU and the walker) is
#    shown through a filter with the states of its enum in the RTL source;
#  - with gtkwave installed (headless through xvfb-run): gtkwave loads it,
#    displays every signal it lists, and the state registers carry the
#    file-filter flag (0x2000).
# Usage: tests/rtl/gtkw_check.sh FILE.gtkw; exit 0 when all hold.
set -u
G=$1
fail() { echo "gtkw_check: $G: $*"; exit 1; }
[ -s "$G" ] || fail "missing or empty"
dump=$(sed -n 's/^\[dumpfile\] "\(.*\)"$/\1/p' "$G")
[ -s "$dump" ] || fail "[dumpfile] '$dump' does not exist"
python3 - "$G" <<'PY' || exit 1
import os, re, sys
path = sys.argv[1]
lines = open(path).read().splitlines()
depth, flags, filters, signals, problems, pending = 0, None, {}, [], [], None
for n, line in enumerate(lines, 1):
    if line.startswith("[") or line.startswith("*"):
        continue
    if line.startswith("@"):
        flags = int(line[1:], 16)
        continue
    if line.startswith("^"):
        num, _, file = line[1:].partition(" ")
        if not os.path.isfile(file):
            problems.append("line %d: filter file %s missing" % (n, file))
        elif not all(re.fullmatch(r"-?\d+ \w+", l) for l in open(file).read().splitlines()):
            problems.append("line %d: filter %s has a line that is not 'value NAME'" % (n, file))
        filters[num] = file
        pending = file
        continue
    if flags is None:
        problems.append("line %d: a trace before any @flags line" % n)
        continue
    if line.startswith("-"):
        if flags & 0x800000:
            depth += 1
        elif flags & 0x1000000:
            depth -= 1
            if depth < 0:
                problems.append("line %d: a group closes that never opened" % n)
        continue
    filtered = bool(flags & 0x2000)
    signals.append((line, filtered, pending if filtered else None))
    pending = None
if depth:
    problems.append("%d groups left open" % depth)
# the state registers: filtered, and by the states their enum declares
src = {m: open("rtl/%s.sv" % m).read() for m in ("mmulab_core", "mmulab_mmu", "mmulab_ptw")}
for scope, module in ((".u_core.", "mmulab_core"), (".u_mmu.", "mmulab_mmu"), (".u_ptw.", "mmulab_ptw")):
    regs = [s for s in signals if s[0].split(".")[-2] == scope.strip(".") and re.search(r"\.state_q\[", s[0])]
    if not regs:
        problems.append("no state_q in %s" % scope)
        continue
    for name, filtered, file in regs:
        if not filtered:
            problems.append("%s is not shown through a filter" % name)
            continue
        states = [l.split()[1] for l in open(file).read().splitlines()]
        enum = re.search(r"typedef\s+enum[^{]*\{([^}]*)\}\s*\w+\s*;", src[module]).group(1)
        declared = [x.split("=")[0].strip() for x in enum.split(",") if x.strip()]
        if states != declared:
            problems.append("%s: filter states %s, the RTL declares %s" % (name, states, declared))
for p in problems[:10]:
    print("gtkw_check: %s: %s" % (path, p))
sys.exit(1 if problems else 0)
PY
if command -v gtkwave >/dev/null 2>&1 && command -v xvfb-run >/dev/null 2>&1; then
    dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
    cat >"$dir/list.tcl" <<'TCL'
foreach s [gtkwave::getDisplayedSignals] { puts "SIG $s [gtkwave::getTraceFlagsFromName $s]" }
gtkwave::/File/Quit
TCL
    timeout 120 xvfb-run -a gtkwave -S "$dir/list.tcl" "$G" >"$dir/out" 2>&1 || fail "gtkwave failed: $(tail -n 3 "$dir/out")"
    sed -n 's/^SIG \([^ ]*\) .*/\1/p' "$dir/out" | sort >"$dir/shown"
    grep -v -e '^@' -e '^\^' -e '^-' -e '^\[' -e '^\*' "$G" | sort >"$dir/listed"
    missing=$(comm -13 "$dir/shown" "$dir/listed" | head -n 3)
    [ -z "$missing" ] || fail "gtkwave did not find: $missing"
    [ -s "$dir/shown" ] || fail "gtkwave displayed nothing"
    awk '$2 ~ /\.state_q\[/ { if (int($3) % 16384 < 8192) bad = bad " " $2 } END { if (bad) { print "unfiltered:" bad; exit 1 } }' \
        "$dir/out" || fail "a state register is not translated in gtkwave"
    echo "gtkw_check: $G: gtkwave shows $(wc -l <"$dir/shown") signals, state registers by name"
else
    echo "gtkw_check: $G: syntax ok (gtkwave not installed: not loaded)"
fi
