#!/usr/bin/env bash
# Replays every fuzz corpus and every input that ever crashed a harness
# (tests/fuzz/NAME/corpus, tests/fuzz/NAME/crashes) through the harness's
# replay driver built by `make check` ($OUT/fuzz/replay-NAME, with the
# build's own flags: ASan and UBSan in `make test`'s second pass).  Each
# input runs in a child with a time limit; a crash, sanitizer report, leak
# or hang fails it.  Ends with `N passed, N failed` over all inputs.
cd "$(dirname "$0")/.." || exit 2
OUT=${1:-${OUT:-build}}
passed=0
failed=0
for d in tests/fuzz/*/; do
    name=$(basename "$d")
    bin=$OUT/fuzz/replay-$name
    if [ ! -x "$bin" ]; then
        echo "fuzz: no replay driver $bin (make check builds it)"
        failed=$((failed + 1))
        continue
    fi
    inputs=()
    for sub in corpus crashes; do
        [ -d "$d$sub" ] && inputs+=("$d$sub")
    done
    out=$("$bin" "${inputs[@]}")
    echo "$out" | grep -v ': [0-9]* passed, [0-9]* failed$'
    read -r p f < <(echo "$out" | tail -n 1 | sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
    [ -n "${V:-}" ] && echo "$out" | tail -n 1
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-1}))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
