#!/usr/bin/env bash
# The lecture's remaining details (issue 18), each against the slide it
# teaches: where the frames go when pages are huge (slide 20), the RTL engine
# reached from either binary, the slide-25 exercise, byte addressing (slide 5).
# Usage: OUT=build tests/lecture.sh; prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

begin "page size 16M in 64M: the frames are named, nothing runs"
mm run --mode paged --page-size 16M --mem 64M programs/vcopy.s
want_rc 2
want_err "memory holds 4 frames of 16384 KiB; the OS takes 1"
want_err "too few frames are left for user pages"
end

begin "page size 8M in 64M runs"
mm run --mode paged --page-size 8M --mem 64M programs/vcopy.s
want_rc 0
end

begin "--engine rtl from a copy of the core binary names what is missing"
cp "$M" "$T/mmulab-copy"
timeout "$MM_TIMEOUT" "$T/mmulab-copy" run --engine rtl --mode hwreloc programs/vcopy.s >"$T/out" 2>"$T/err"; RC=$?
want_rc 2
want_err "no mmulab-rtl is beside it"
end

if [ -x "$OUT/mmulab-rtl" ]; then
    begin "build/mmulab run --engine rtl hands over to mmulab-rtl: the same figures as the C model"
    mm run --engine rtl --mode hwreloc --stats-json "$T/rtl.json" programs/vcopy.s
    want_rc 0
    mm run --mode hwreloc --stats-json "$T/c.json" programs/vcopy.s
    want_eq "cycles" "$(jv "$T/rtl.json" cycles)" "$(jv "$T/c.json" cycles)"
    want_eq "vcopy hwreloc cycles (docs/timing.md)" "$(jv "$T/rtl.json" cycles)" 899
    end
fi

finish
