#!/usr/bin/env bash
# Sweeps on a real Slurm cluster: this suite starts a single-node cluster of its
# own (scripts/slurm-local.sh: munged, slurmctld and slurmd as root on localhost,
# with a temporary slurm.conf, munge key, sockets, spool and state under one
# temporary directory, on ports picked at random), runs `mmulab sweep --slurm`
# against it, checks the merged rows equal the local run's row for row, and tears
# it all down, leaving no process behind.  Without Debian's slurm-wlm and munge
# (scripts/deps.sh slurm) or without root, it says so and counts as skipped.
# Usage: OUT=build tests/slurm.sh     (V=1 lists every case)
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
MM_TIMEOUT=300

skip() {
    echo "  SKIP  slurm: $*"
    echo "0 passed, 0 failed, 1 skipped (slurm: $*)"
    exit 0
}
[ "$(id -u)" -eq 0 ] && { scripts/deps.sh slurm >/dev/null 2>&1 || true; }

# --- the cluster ---------------------------------------------------------------
C=$T/cluster
teardown() {
    scripts/slurm-local.sh stop "$C"
    rm -rf "$T"
}
trap teardown EXIT
conf=$(scripts/slurm-local.sh start "$C" 2>"$T/why")
case $? in
0) eval "$conf" ;;
3) skip "$(sed 's/^slurm-local: //' "$T/why")" ;;
*) fail_because "scripts/slurm-local.sh start: $(cat "$T/why")" ;;
esac
# The daemons, to check nothing is left at the end (slurmctld is named in its conf).
PIDS=$(cat "$C/munged.pid" "$C/slurmctld.pid" "$C/slurmd.pid" 2>/dev/null | tr '\n' ' ')
echo "slurm: a single-node cluster (munged, slurmctld, slurmd: pids $PIDS)"

# --- the sweeps ------------------------------------------------------------------
awk 'BEGIN { srand(3); for (i = 0; i < 30000; i++) {
    p = rand() < 0.6 ? int(rand() * 20) : int(rand() * 700); printf "%d %x\n", int(rand() * 3), p * 4096 } }' >"$T/t.din"
spec() { # NAME OUTPUT: a TLB grid on the trace
    cat >"$T/$1.spec" <<EOF
command tlbsim
fixed   --trace $T/t.din --tlb-policy lru
axis    --tlb 4,8,16,32,64
axis    --tlb-ways full,2
axis    --page-size 4K,16K
output  $2
EOF
}
spec local "$T/local"
spec slurm "$T/slurm"
spec nowait "$T/nowait"

begin "slurm: the local sweep (the reference)"
mm sweep "$T/local.spec" -j 2
want_rc 0
want_out "20 of 20 points merged"
end

begin "slurm: --slurm --wait runs a job array of slices and merges rows equal to the local run's"
mm sweep "$T/slurm.spec" --tasks 3 --slurm --wait --time=5
want_rc 0
want_out_re "submitted job [0-9]+: 3 array tasks over 20 points"
want_out "20 of 20 points merged"
want_eq "rows" "$(md5sum <"$T/slurm/results.csv")" "$(md5sum <"$T/local/results.csv")"
want "each task wrote its own log" test "$(ls "$T/slurm" | grep -c '^slurm-.*_[0-2]\.out$')" -eq 3
end

begin "slurm: --slurm prints the job id; --merge DIR merges once the array is done"
mm sweep "$T/nowait.spec" --slurm
want_rc 0
job=$(sed -n 's/^submitted job \([0-9]*\):.*/\1/p' "$T/out")
want "a job id" test -n "$job"
for _ in $(seq 300); do
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
    sleep 0.2
done
mm sweep --merge "$T/nowait"
want_rc 0
want_eq "rows" "$(md5sum <"$T/nowait/results.csv")" "$(md5sum <"$T/local/results.csv")"
end

if "$M" cosim --random 50 >/dev/null 2>&1; then
    cat >"$T/cosim.spec" <<EOF
command cosim
fixed   --random 400
axis    --seed 1..6
output  $T/cosim
EOF
    begin "slurm: random co-simulation over seeds as a job array: every seed agrees, as locally"
    mm sweep "$T/cosim.spec" --tasks 2 --slurm --wait
    want_rc 0
    want_eq "exit codes" "$(awk -F, 'NR > 1 { printf "%s ", $3 }' "$T/cosim/results.csv")" "0 0 0 0 0 0 "
    want_eq "seeds" "$(awk -F, 'NR > 1 { printf "%s ", $2 }' "$T/cosim/results.csv")" "1 2 3 4 5 6 "
    end
else
    echo "  (no RTL engine built: the co-simulation sweep is not run)"
fi

# docs/sweeps.md's Slurm walk-through, its commands as written there (tests/docs.sh
# runs the local ones but has no cluster): tlb.spec on a 20,000-reference trace.
D=$T/doc
mkdir -p "$D"
cp studies/specs/tlb.spec "$D/"
awk 'BEGIN { srand(1); for (i = 0; i < 20000; i++) { p = rand() < 0.7 ? int(rand() * 24) : int(rand() * 2000);
    printf "%d %x\n", int(rand() * 3), p * 4096 + int(rand() * 4096) } }' >"$D/mixed.din"
M_HERE=$M
M=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
cd "$D" || exit 2

begin "slurm: docs/sweeps.md: sweep tlb.spec --slurm --time=10, then --merge tlb.out once squeue is empty"
mm sweep tlb.spec --slurm --time=10
want_rc 0
want_out_re "^submitted job [0-9]+: 28 array tasks over 28 points; rows in tlb.out/points$"
want_out "merge when it is done: mmulab sweep --merge tlb.out"
job=$(sed -n 's/^submitted job \([0-9]*\):.*/\1/p' "$T/out")
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
    sleep 0.2
done
mm sweep --merge tlb.out
want_rc 0
want_out "sweep: 28 of 28 points merged (28 rows) into tlb.out/results.csv and tlb.out/results.json, figure tlb.out/plot.png"
end

begin "slurm: docs/sweeps.md: sweep tlb.spec --tasks 4 --slurm --wait --time=10 merges what sweep tlb.spec -j 2 does"
rm -r tlb.out
mm sweep tlb.spec --tasks 4 --slurm --wait --time=10
want_rc 0
want_out_re "^submitted job [0-9]+: 4 array tasks over 28 points; rows in tlb.out/points$"
want_out "sweep: 28 of 28 points merged (28 rows) into tlb.out/results.csv and tlb.out/results.json, figure tlb.out/plot.png"
cp tlb.out/results.csv slurm.csv
rm -r tlb.out
mm sweep tlb.spec -j 2
want_rc 0
want "cmp tlb.out/results.csv slurm.csv" cmp tlb.out/results.csv slurm.csv
end
cd - >/dev/null || exit 2
M=$M_HERE

begin "slurm: sbatch's refusal is reported (exit 2)"
mm sweep "$T/local.spec" --slurm --partition=no-such-partition
want_rc 2
want_err "sbatch failed"
end

# A process still running (a zombie waiting for its reaper has ended).
running() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z ' "/proc/$1/stat" 2>/dev/null; }
teardown_check() {
    local left p
    teardown
    trap - EXIT
    for _ in $(seq 50); do
        left=""
        for p in $PIDS; do running "$p" && left="$left $p"; done
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] || fail_because "processes left behind:$left"
}
begin "slurm: torn down, no process left"
teardown_check
end
finish
