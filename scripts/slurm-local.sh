#!/usr/bin/env bash
# A throwaway single-node Slurm cluster on this machine, for tests/slurm.sh and for
# trying `mmulab sweep --slurm` (docs/sweeps.md).  Everything lives in DIR: a munge
# key and socket, slurm.conf, the state and spool directories, logs and pid files;
# munged, slurmctld and slurmd run as root on localhost, on ports picked at random.
#
#   scripts/slurm-local.sh start DIR   # prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm-local.sh stop DIR    # stops the three daemons and what they started
#
# Needs root and Debian's slurm-wlm and munge (scripts/deps.sh slurm).  start exits
# 3 when the cluster cannot be had here (not root, packages missing, a daemon that
# would not start), with the reason on stderr.
set -u
cmd=${1:-}
C=${2:-}
[ -n "$cmd" ] && [ -n "$C" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

unavailable() { echo "slurm-local: $*" >&2; exit 3; }

# The daemons this cluster started, by their pid files.
pids() { for f in munged slurmctld slurmd; do [ -s "$C/$f.pid" ] && cat "$C/$f.pid"; done; }

stop() {
    local p alive=""
    [ -f "$C/slurm.conf" ] && SLURM_CONF=$C/slurm.conf scancel --quiet --user="$(id -un)" 2>/dev/null
    for p in $(pids); do kill "$p" 2>/dev/null; done
    for _ in $(seq 50); do
        alive=""
        for p in $(pids); do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
        [ -z "$alive" ] && break
        sleep 0.1
    done
    for p in $alive; do kill -9 "$p" 2>/dev/null; done
    # job steps of our slurmd (their command lines name our spool directory)
    for p in $(pgrep -f "$C/spool" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    return 0
}

start() {
    [ "$(id -u)" -eq 0 ] || unavailable "starting slurmd needs root"
    local tool port
    for tool in munged slurmctld slurmd sbatch sinfo; do
        command -v $tool >/dev/null || unavailable "$tool is not installed (scripts/deps.sh slurm installs slurm-wlm and munge)"
    done
    mkdir -p "$C/state" "$C/spool" && chmod 700 "$C" || unavailable "cannot make $C"
    dd if=/dev/urandom of="$C/munge.key" bs=1024 count=1 2>/dev/null && chmod 400 "$C/munge.key"
    munged --force --key-file="$C/munge.key" --socket="$C/munge.sock" --pid-file="$C/munged.pid" \
        --log-file="$C/munged.log" --seed-file="$C/munged.seed" ||
        unavailable "munged would not start: $(tail -n 1 "$C/munged.log" 2>/dev/null)"
    port=$((20000 + RANDOM % 20000))
    cat >"$C/slurm.conf" <<EOF
# A single-node cluster for mmulab's tests (scripts/slurm-local.sh)
ClusterName=mmulab$$
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$C/munge.sock
CredType=cred/munge
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/slurmctld.log
SlurmdLogFile=$C/slurmd.log
# no cgroups: processes tracked through /proc, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$C/slurm.conf
    slurmctld -i -f "$SLURM_CONF" || { stop; unavailable "slurmctld would not start"; }
    slurmd -f "$SLURM_CONF" -N localhost || { stop; unavailable "slurmd would not start"; }
    for _ in $(seq 100); do
        [ "$(sinfo -h -o %T 2>/dev/null)" = "idle" ] && break
        sleep 0.2
    done
    if [ "$(sinfo -h -o %T 2>/dev/null)" != "idle" ]; then
        stop
        unavailable "the node never came up: $(tail -n 2 "$C/slurmd.log" 2>/dev/null | tr '\n' ' ')"
    fi
    echo "export SLURM_CONF=$SLURM_CONF"
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
