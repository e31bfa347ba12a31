#!/usr/bin/env python3
"""Print chosen columns of an mmulab CSV trace by name, tab-separated, one
line per row (the configuration rows included: their event is "config"),
for the shell suites' awk: tests/trace_table.py FILE event frame ..."""
import csv
import sys

for row in csv.DictReader(open(sys.argv[1], newline="")):
    print("\t".join(row[c] for c in sys.argv[2:]))
