#!/usr/bin/env bash
# A fuzzing campaign (`make fuzz`): each harness NAME in turn for SECONDS,
# at low priority, from its seeds (tests/fuzz/NAME/corpus) and the corpus it
# grew in earlier campaigns (DIR/corpus/NAME).  A crash, a leak, a sanitizer
# report, an input slower than FUZZ_TIMEOUT seconds or one using more than
# FUZZ_RSS_MB of memory stops that harness and is written to
# tests/fuzz/NAME/crashes/ (commit it with the fix: tests/fuzz.sh replays it).
# Ends with one line per harness (executions, result) and exits 1 if any
# harness found something; each run is also appended to DIR/fuzz-runs.tsv
# (date, harness, seconds, executions, result, slowest input in seconds,
# peak RSS in MB) for docs/reliability.md.
#   usage: tests/fuzz/campaign.sh DIR SECONDS NAME...
#          tests/fuzz/campaign.sh --totals DIR   (per harness: runs, seconds,
#          executions, slowest input, peak RSS, runs that found something)
set -u
cd "$(dirname "$0")/../.." || exit 2
if [ "${1:-}" = --totals ]; then
    awk -F'\t' '{ runs[$2]++; secs[$2] += $3; execs[$2] += $4; found[$2] += ($5 !~ /^no crash/)
                   if ($6 != "" && $6 != "?" && (!($2 in slow) || $6 + 0 > slow[$2])) slow[$2] = $6 + 0
                   if ($7 != "" && $7 != "?" && (!($2 in peak) || $7 + 0 > peak[$2])) peak[$2] = $7 + 0 }
         END { printf "| harness | runs | seconds | executions | slowest input (s) | peak RSS (MB) | runs that found a bug |\n"
               printf "|---|---|---|---|---|---|---|\n"
               for (h in runs) { printf "| `%s` | %d | %d | %d | %s | %s | %d |\n", h, runs[h], secs[h], execs[h],
                                        h in slow ? slow[h] : "-", h in peak ? peak[h] : "-", found[h]; total += execs[h] }
               printf "| all | | | %d | | | |\n", total }' "$2/fuzz-runs.tsv"
    exit 0
fi
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
    slowest=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -n 1)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    artifact=$(grep -m1 -o 'Test unit written to .*' "$log" | sed 's/^Test unit written to //')
    if [ "$status" -ne 0 ] && [[ "$artifact" == */timeout-* ]] && "$bin" -timeout="$timeout" "$artifact" >/dev/null 2>&1; then
        # libFuzzer's time limit is wall time: on a loaded machine a niced
        # fuzzer can be starved past it.  Not slow when run again: not a hang.
        result="no crash (a timeout not reproduced when run again: CPU starvation)"
        rm -f "$artifact"
    elif [ "$status" -eq 0 ]; then
        result="no crash"
    else
        found=1
        result="FOUND: $(grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|ALARM|.*deadly signal|==[0-9]+== ERROR)' "$log" | cut -c1-100)"
        result="$result; written to $artifact"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$seconds" "${execs:-0}" "$result" \
        "${slowest:-?}" "${peak:-?}" >>"$dir/fuzz-runs.tsv"
    summary+=$(printf '%-10s %12s executions  %s' "$name" "${execs:-?}" "$result")$'\n'
done
printf '%s' "$summary"
exit $found
