#!/usr/bin/env bash
# A fuzzing campaign (`make fuzz`): each harness NAME in turn for SECONDS,
# at low priority, from its seeds (tests/fuzz/NAME/corpus) and the corpus it
# grew in earlier campaigns (DIR/corpus/NAME).  A crash, a leak, a sanitizer
# report, an input slower than FUZZ_TIMEOUT seconds or one using more than
# FUZZ_RSS_MB of memory stops that harness and is written to
# tests/fuzz/NAME/crashes/ (commit it with the fix: tests/fuzz.sh replays it).
# Ends with one line per harness (executions, result) and exits 1 if any
# harness found something; each run is also appended to DIR/fuzz-runs.tsv
# (date, harness, seconds, executions, result) for docs/reliability.md.
#   usage: tests/fuzz/campaign.sh DIR SECONDS NAME...
set -u
cd "$(dirname "$0")/../.." || exit 2
dir=$1 seconds=$2
shift 2
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-1024}
found=0
summary=""
for name in "$@"; do
    bin=$dir/fuzz/fuzz-$name
    [ -x "$bin" ] || { echo "campaign: no harness $bin (allowed: $(ls tests/fuzz/*/ -d | xargs -n1 basename | tr '\n' ' '))" >&2; exit 2; }
    mkdir -p "$dir/corpus/$name" "tests/fuzz/$name/crashes"
    log=$dir/fuzz-$name.log
    dict=()
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    echo "fuzz: $name for ${seconds}s (log $log)"
    nice -n 15 "$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="tests/fuzz/$name/crashes/" "${dict[@]}" \
        "$dir/corpus/$name" "tests/fuzz/$name/corpus" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$status" -eq 0 ]; then
        result="no crash"
    else
        found=1
        result="FOUND: $(grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|ALARM|.*deadly signal|==[0-9]+== ERROR)' "$log" | cut -c1-100)"
        result="$result; $(grep -m1 -o 'Test unit written to .*' "$log")"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$seconds" "${execs:-0}" "$result" >>"$dir/fuzz-runs.tsv"
    summary+=$(printf '%-10s %12s executions  %s' "$name" "${execs:-?}" "$result")$'\n'
done
printf '%s' "$summary"
exit $found
