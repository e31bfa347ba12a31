#!/usr/bin/env bash
# tests/docs.sh -- every command block of docs/*.md, run and compared with
# the output the doc shows (tests/docs.py says how a block is marked), so a
# doc that no longer matches the program fails the tests.
# Usage: OUT=build tests/docs.sh [docs/FILE.md ...], or tests/docs.sh BUILD_DIR [docs/FILE.md ...]; prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
# tests/run.sh passes the build directory as $1, as to every suite.
if [ -n "${1:-}" ] && [ -d "$1" ]; then
    export OUT=$1
    shift
fi
exec python3 tests/docs.py "$@"
