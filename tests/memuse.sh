#!/usr/bin/env bash
# Memory a process asks for and gives back (slides 28, 30) and frames shared
# out by priority (slide 57): request_memory/release_memory, --swap-threshold,
# --alloc priority.  Figures are worked out from the rules in
# docs/services.md and docs/timing.md.
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

stat_of() { jflat "$1" | sed -n "s/^$2=//p"; }

for mode in hwreloc swreloc paged; do
    begin "memuse.s under $mode: 16 KiB requested, filled, summed, released"
    mm run --mode "$mode" programs/memuse.s
    want_rc 0
    want_err "first exit code 0"
    end
done

begin "the bare machine has nothing to grow into: -ENOSYS, memuse.s exits 2"
mm run --mode bare programs/memuse.s
want_err "first exit code 2"
end

begin "hwreloc: a store into released memory is past the limit"
mm run --mode hwreloc tests/memuse/after_release.s
want_rc 1
want_err "protection"
end

begin "paged: a store into the released heap page faults as unmapped"
mm run --mode paged tests/memuse/after_release.s
want_rc 1
want_err "stopped"
end

for mode in hwreloc paged; do
    begin "$mode: releasing more than was requested is -EINVAL (22)"
    mm run --mode "$mode" tests/memuse/over_release.s
    want_err "first exit code 22"
    end
done

# memgrow.s (below) grows by 32768 bytes into memuse.s's partition above it,
# after memuse.s released its 16 KiB block.  Allocated then: the two
# partitions as loaded (4208 + 4272), plus the demand 32768: 41248 bytes.
begin "no swapping: memgrow.s finds no room above it (exit 2)"
mm run --mode hwreloc --stats-json "$T/a.json" programs/memgrow.s programs/memuse.s
want_eq "memgrow exit" "$(stat_of "$T/a.json" processes.0.exit_code)" 2
want_eq "memuse exit" "$(stat_of "$T/a.json" processes.1.exit_code)" 0
size1=$(stat_of "$T/a.json" processes.0.size); size2=$(stat_of "$T/a.json" processes.1.size)
want_eq "allocated before the request" "$((size1 + size2))" 8480
end

begin "--swap: memuse.s is rolled out with only what it uses (4272 bytes, 8544 cycles each way)"
mm run --mode hwreloc --swap --partitions --stats-json "$T/b.json" programs/memgrow.s programs/memuse.s
want_eq "memgrow exit" "$(stat_of "$T/b.json" processes.0.exit_code)" 0
want_eq "memgrow size" "$(stat_of "$T/b.json" processes.0.size)" $((4208 + 32768))
want_err "rolled out process 2 (memuse.s, priority 0): 4272 bytes"
want_err "1 swap-out(s), 1 swap-in(s), 8544 bytes, $((2 * 4272 * 100 / 50)) cycles of disk"
end

begin "--swap-threshold 41247: allocation would pass it, so swapping starts"
mm run --mode hwreloc --swap --swap-threshold 41247 --stats-json "$T/c.json" programs/memgrow.s programs/memuse.s
want_eq "memgrow exit" "$(stat_of "$T/c.json" processes.0.exit_code)" 0
end

begin "--swap-threshold 41248: allocation stays at it, so no swapping (exit 2)"
mm run --mode hwreloc --swap --swap-threshold 41248 --partitions --stats-json "$T/d.json" programs/memgrow.s programs/memuse.s
want_eq "memgrow exit" "$(stat_of "$T/d.json" processes.0.exit_code)" 2
grep -q "swap-out" "$T/err" && fail_because "a roll-out happened below the threshold"
end

# Priority allocation: 20 frames by priorities 3 and 1 are 15 and 5.
begin "--alloc priority: quotas in proportion to --priority, printed at the start"
mm run --mode paged --scope local --frames 20 --alloc priority --priority 3,1 --regions --stats-json "$T/e.json" \
    programs/vcopy.s programs/checksum.s
want_rc 0
want_err "frame quotas (--alloc priority of 20 frames, local scope): process 1 (vcopy.s) priority 3: 15; process 2 (checksum.s) priority 1: 5"
want_eq "quota 1" "$(stat_of "$T/e.json" processes.0.frame_quota)" 15
want_eq "quota 2" "$(stat_of "$T/e.json" processes.1.frame_quota)" 5
want_out "process 1 (vcopy.s): region table, frame quota 15"
end

begin "--alloc priority under local scope: the favoured copy faults less"
mm run --mode paged --scope local --frames 16 --alloc priority --priority 3,1 --max-cycles 3000000 \
    --stats-json "$T/f.json" programs/thrash_worker.s programs/thrash_worker.s
f1=$(stat_of "$T/f.json" processes.0.page_faults); f2=$(stat_of "$T/f.json" processes.1.page_faults)
want_eq "quotas" "$(stat_of "$T/f.json" processes.0.frame_quota),$(stat_of "$T/f.json" processes.1.frame_quota)" "12,4"
[ "$f1" -lt "$f2" ] || fail_because "priority 3 took $f1 faults, priority 1 $f2"
end

begin "--alloc priority needs a positive priority per program"
mm run --mode paged --alloc priority --priority 2,0 programs/vcopy.s programs/vcopy.s
want_rc 2
want_err "--alloc priority: needs --priority"
end

begin "--alloc priority without --priority weighs every program 1 (so --alloc all runs)"
mm run --mode paged --scope local --alloc priority --stats-json "$T/p1.json" programs/vcopy.s programs/vcopy.s
want_rc 0
want_err "warning: --alloc priority without --priority: every program weighs 1"
want_eq "equal quotas" "$(stat_of "$T/p1.json" processes.0.frame_quota)" "$(stat_of "$T/p1.json" processes.1.frame_quota)"
mm run --mode paged --scope local --alloc all programs/vcopy.s programs/checksum.s
want_rc 0
end

finish
