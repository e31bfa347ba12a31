#!/usr/bin/env bash
# File I/O's charges (docs/timing.md, "Files"; slide 63): a read or write
# of a file pays the disk for each page-sized block (timing_disk_cycles, what
# a page-in pays) and the kernel's copy, copy_word_cycles per word, through
# os/uaccess.c; --buffer-cache keeps blocks and counts hits and misses.
# Each figure below is worked out from those rules, not copied from a run.
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

R="$T/root"
mkdir -p "$R"
stat_of() { jflat "$1" | sed -n "s/^$2=//p"; } # FILE KEY (top level)
paged() { mm run --mode paged --page-size 4096 --root "$R" "$@"; }

# 10000 bytes in 4096-byte reads: 4096 + 4096 + 1808, so 3 blocks and
# 1024 + 1024 + 452 = 2500 words each way.
head -c 10000 /dev/urandom >"$R/f1"

begin "read_copy.s copies f1; each side counts its bytes and blocks"
paged --stats-json "$T/a.json" programs/read_copy.s
want_rc 0
cmp -s "$R/f1" "$R/f2" || fail_because "f2 differs from f1"
want_eq "file_bytes_read" "$(stat_of "$T/a.json" file_bytes_read)" 10000
want_eq "file_bytes_written" "$(stat_of "$T/a.json" file_bytes_written)" 10000
want_eq "bcache_misses (no cache: every block read)" "$(stat_of "$T/a.json" bcache_misses)" 3
want_eq "bcache_hits" "$(stat_of "$T/a.json" bcache_hits)" 0
# 3 blocks read + 3 written, 8192 cycles each (4096 B at 50 MB/s, 100 MHz)
want_eq "other_disk" "$(stat_of "$T/a.json" cycle_breakdown.other_disk)" $((6 * 8192))
end

begin "the kernel copy costs copy_word_cycles per word: 2 x 2500 words"
paged --stats-json "$T/b.json" --timing copy_word_cycles=9 programs/read_copy.s
want_rc 0
a=$(stat_of "$T/a.json" cycles); b=$(stat_of "$T/b.json" cycles)
want_eq "cycles(copy_word_cycles=9) - cycles(4)" "$((b - a))" $((5000 * 5))
end

begin "each block transfer pays the disk latency once (6 blocks + the program's page-ins)"
paged --stats-json "$T/c.json" --disk-latency-us 10 programs/read_copy.s
want_rc 0
c=$(stat_of "$T/c.json" cycles); majors=$(stat_of "$T/a.json" major_faults)
want_eq "cycles(latency 10 us) - cycles(0)" "$((c - a))" $(((6 + majors) * 10 * 100))
end

# 4100 bytes read 100 at a time: 41 calls; the 41st (4000..4099) touches
# blocks 0 and 1, so 42 block reads without a cache, 2 with one.
head -c 4100 /dev/zero | tr '\0' 'x' >"$R/data.txt"

begin "without a buffer cache every small read goes to the disk: 42 block reads"
paged --stats-json "$T/d.json" tests/fileio/small_reads.s
want_rc 0
want_eq "exit code (calls with bytes)" "$(stat_of "$T/d.json" exit_code)" 41
want_eq "bcache_misses" "$(stat_of "$T/d.json" bcache_misses)" 42
want_eq "bcache_hits" "$(stat_of "$T/d.json" bcache_hits)" 0
end

begin "--buffer-cache 2: 2 misses, 40 hits, 40 disk reads (327680 cycles) saved"
paged --stats-json "$T/e.json" --buffer-cache 2 tests/fileio/small_reads.s
want_rc 0
want_eq "bcache_misses" "$(stat_of "$T/e.json" bcache_misses)" 2
want_eq "bcache_hits" "$(stat_of "$T/e.json" bcache_hits)" 40
d=$(stat_of "$T/d.json" cycles); e=$(stat_of "$T/e.json" cycles)
want_eq "cycles saved" "$((d - e))" $((40 * 8192))
end

begin "a write is write-through: its blocks then hit (copy f1 with a cache of 8)"
paged --stats-json "$T/f.json" --buffer-cache 8 programs/read_copy.s
want_rc 0
want_eq "bcache_misses (f1's 3 blocks)" "$(stat_of "$T/f.json" bcache_misses)" 3
want_eq "other_disk (written through all the same)" "$(stat_of "$T/f.json" cycle_breakdown.other_disk)" $((6 * 8192))
end

head -c 8192 /dev/zero | tr '\0' 'y' >"$R/data.txt"
begin "--buffer-cache 1: blocks 0, 1, 0 all miss (block 1 took block 0's place)"
paged --stats-json "$T/h.json" --buffer-cache 1 tests/fileio/three_reads.s
want_eq "exit code" "$(stat_of "$T/h.json" exit_code)" 0
want_eq "bcache_misses" "$(stat_of "$T/h.json" bcache_misses)" 3
want_eq "bcache_hits" "$(stat_of "$T/h.json" bcache_hits)" 0
end

begin "--buffer-cache 2: blocks 0, 1, 0 miss, miss, hit"
paged --stats-json "$T/i.json" --buffer-cache 2 tests/fileio/three_reads.s
want_eq "bcache_misses" "$(stat_of "$T/i.json" bcache_misses)" 2
want_eq "bcache_hits" "$(stat_of "$T/i.json" bcache_hits)" 1
h=$(stat_of "$T/h.json" cycles); i=$(stat_of "$T/i.json" cycles)
want_eq "cycles saved by the hit" "$((h - i))" 8192
end

begin "a read that fails (-EFAULT) moves and charges nothing"
paged --stats-json "$T/g.json" tests/fileio/bad_buffer.s
want_rc 0
want_eq "exit code" "$(stat_of "$T/g.json" exit_code)" 14
want_eq "file_bytes_read" "$(stat_of "$T/g.json" file_bytes_read)" 0
want_eq "bcache_misses" "$(stat_of "$T/g.json" bcache_misses)" 0
want_eq "other_disk" "$(stat_of "$T/g.json" cycle_breakdown.other_disk)" 0
end

# Slide 63 with the same user work on both sides (docs/services.md).
python3 -c "import random; r=random.Random(3); open('$R/data.txt','w').write(''.join(r.choice('abcdefgh  ') for _ in range(409600)))"
begin "count blanks of 400 KiB: mmap costs less than read() (no kernel copy)"
paged --stats-json "$T/r.json" programs/read_count.s
want_out "n=$(tr -cd ' ' <"$R/data.txt" | wc -c)"
paged --stats-json "$T/m.json" programs/mmap_count.s
r=$(stat_of "$T/r.json" cycles); m=$(stat_of "$T/m.json" cycles)
[ "$m" -lt "$r" ] || fail_because "mmap $m cycles, read $r"
# read's extra: 102400 words copied (4 cycles each) less the faults mmap takes instead
[ $((r - m)) -lt $((102400 * 4)) ] || fail_because "read costs $((r - m)) more: more than its copy"
end

printf 'abcdefghijklmno ' >"$R/data.txt"
begin "count blanks of 16 bytes: read() costs less (one block either way; mmap's fault and calls cost more than 4 words' copy)"
paged --stats-json "$T/r.json" programs/read_count.s
want_out "n=1"
paged --stats-json "$T/m.json" programs/mmap_count.s
r=$(stat_of "$T/r.json" cycles); m=$(stat_of "$T/m.json" cycles)
[ "$r" -lt "$m" ] || fail_because "read $r cycles, mmap $m"
end

begin "--buffer-cache takes a number of blocks"
mm run --mode paged --buffer-cache lots programs/read_count.s
want_rc 2
want_err "--buffer-cache"
end

finish
