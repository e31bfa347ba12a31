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

for mode in paged hwreloc swreloc bare; do
    begin "arguments on the initial stack, $mode: argc counts the name, argv[1..] in order"
    mm run --mode "$mode" --stats-json "$T/a.json" programs/echo_args.s -- one "two words" 3
    want_rc 0
    want_eq "stdout" "$(cat "$T/out")" "$(printf 'one\ntwo words\n3')"
    want_eq "exit code = argc" "$(jv "$T/a.json" processes.0.exit_code)" 4
    end
done

begin "-- with nothing after it: argc 1, no output"
mm run --mode paged --stats-json "$T/a.json" programs/echo_args.s --
want_rc 0
want_eq "exit code" "$(jv "$T/a.json" processes.0.exit_code)" 1
want_eq "stdout" "$(cat "$T/out")" ""
end

begin "arguments too large for the stack are refused before the run"
mm run --mode hwreloc programs/echo_args.s -- "$(python3 -c 'print("x" * 70000)')"
want_rc 2
want_err "the arguments take 70032 bytes"
end

begin "no stack to hold them (paged, --stack 0): stopped with the cause and the address"
mm run --mode paged --stack 0 programs/echo_args.s -- a b
want_rc 1
want_err_re "stopped: .*store at pc 0x[0-9a-f]+, logical address 0xffffef"
end

begin "the argument block is charged as loading: load_word_cycles per word"
mm run --mode hwreloc --stats-json "$T/no.json" programs/echo_args.s
mm run --mode hwreloc --stats-json "$T/yes.json" programs/echo_args.s -- ab
# name "echo_args.s\0" 12 + "ab\0" 3 = 15 -> 4 words; argc, argv[0], argv[1], 0: 4 words
want_eq "extra load cycles" "$(($(jv "$T/yes.json" load_cycles) - $(jv "$T/no.json" load_cycles)))" \
    $((8 * $("$M" timing | awk '$1 == "load_word_cycles" { print $2 }')))
end

begin "two copies of one program share its code page (slides 16, 36)"
mm run --mode paged --page-size 512 --stats-json "$T/two.json" programs/vcopy.s programs/vcopy.s
want_rc 0
want_eq "shared_maps" "$(jv "$T/two.json" shared_maps)" 1
want_eq "the second process's" "$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['processes'][1]['shared_maps'])" "$T/two.json")" 1
mm run --mode paged --page-size 512 --stats-json "$T/one.json" programs/vcopy.s
want_eq "exit code as alone" "$(python3 -c "import json,sys;print([p['exit_code'] for p in json.load(open(sys.argv[1]))['processes']])" "$T/two.json")" "[0, 0]"
end

begin "different programs share no code; a page holding data is not shared"
mm run --mode paged --page-size 512 --stats-json "$T/diff.json" programs/vcopy.s programs/checksum.s
want_eq "shared_maps, two programs" "$(jv "$T/diff.json" shared_maps)" 0
mm run --mode paged --page-size 4096 --stats-json "$T/mixed.json" programs/vcopy.s programs/vcopy.s
want_eq "shared_maps, code and data on one 4 KiB page" "$(jv "$T/mixed.json" shared_maps)" 0
end

finish
