#!/usr/bin/env bash
# RTL benchmarks (`make bench-rtl`): the Verilated machine alone in modeled
# cycles per second (bench/copy.s, about 10.3 million instructions and 37.9
# million cycles, under `run --engine rtl`), and the lockstep co-simulation in
# retired instructions per second (bench/copy.s cut to 40 passes, about 1
# million instructions, under `cosim`).  Prints CPU (user) time and wall
# time; the targets, 3.5 million cycles/s and 600 thousand instructions/s, are
# judged on CPU time, which a loaded shared machine does not inflate.
set -eu
OUT=${1:-build}
M=$OUT/mmulab-rtl
[ -x "$M" ] || { echo "bench/rtl.sh: no $M (make rtl)"; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
sed 's/PASSES, 420/PASSES, 40/' bench/copy.s >"$T/copy40.s"

python3 - "$M" "$T" <<'PY'
import json, os, resource, subprocess, sys, time
m, t = sys.argv[1], sys.argv[2]

def timed(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    t0 = time.time()
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    wall = time.time() - t0
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    return out, cpu, wall

_, cpu, wall = timed([m, "run", "--engine", "rtl", "--quiet", "--stats-json", t + "/s.json", "bench/copy.s"])
s = json.load(open(t + "/s.json"))
cycles = s["cycles"] - s.get("load_cycles", 0)
print("rtl alone: bench/copy.s, %d instructions, %d cycles: %.0f cycles/s CPU (%.2f s), %.0f cycles/s wall (%.2f s); target 3500000"
      % (s["instructions"], cycles, cycles / cpu, cpu, cycles / wall, wall))
out, cpu, wall = timed([m, "cosim", t + "/copy40.s"])
last = out.strip().splitlines()[-1]
n = int(last.split()[1])
print("lockstep: copy.s x40, %s: %.0f instructions/s CPU (%.2f s), %.0f instructions/s wall (%.2f s); target 600000"
      % (last, n / cpu, cpu, n / wall, wall))
PY
