#!/usr/bin/env python3
"""Check a JSON trace against the Trace Event Format's rules (the format
Chrome's about:tracing and Perfetto read; Perfetto's trace_processor is in
neither Debian nor npm, so its JSON rules are checked here), and against
what mmulab promises on top of them (docs/outputs.md):

  - a top-level object with traceEvents (a list), displayTimeUnit "ms" or
    "ns", otherData a map of strings naming the clock and the configuration;
  - every event: name, ph in the phases used, integer pid and tid; X events
    an integer ts and dur >= 0; i events a scope s in g/p/t; M events one of
    the metadata names with args.name or args.sort_index;
  - complete events on one lane (pid, tid) nest: none overlaps another
    partially (Perfetto drops such slices);
  - every pid and lane that has events is named by process_name and
    thread_name metadata events;
  - with --processes N: N processes (pid 1..N) each with a "running" slice
    on its cpu lane, and every hardware event (cat "hw") from a process
    lane (pid > 0).

Usage: trace_event_check.py TRACE.json [--processes N]; prints the problems
and exits 1, or prints a one-line summary and exits 0.
"""
import json
import sys
from collections import defaultdict

METADATA = {"process_name", "process_labels", "process_sort_index", "thread_name", "thread_sort_index"}


def check(path, processes):
    problems = []
    doc = json.load(open(path))
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["the top level is not an object with a traceEvents list"], {}
    if doc.get("displayTimeUnit") not in ("ms", "ns"):
        problems.append("displayTimeUnit %r is neither ms nor ns" % doc.get("displayTimeUnit"))
    other = doc.get("otherData", {})
    if not all(isinstance(v, str) for v in other.values()):
        problems.append("otherData holds values that are not strings")
    for key in ("time_unit", "cpu_mhz", "config.mode", "config.mmulab_version", "config.command"):
        if key not in other:
            problems.append("otherData lacks %s" % key)
    named_pids, named_lanes = set(), set()
    used_pids, used_lanes = set(), set()
    slices = defaultdict(list)
    running = defaultdict(int)
    for n, e in enumerate(doc["traceEvents"]):
        where = "event %d (%s)" % (n, e.get("name"))
        if not isinstance(e.get("name"), str) or not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int):
            problems.append(where + ": name, pid or tid missing or of the wrong type")
            continue
        ph = e.get("ph")
        if ph == "M":
            if e["name"] not in METADATA:
                problems.append(where + ": unknown metadata name")
            args = e.get("args", {})
            if e["name"].endswith("_name") and not isinstance(args.get("name"), str):
                problems.append(where + ": no args.name")
            if e["name"].endswith("sort_index") and not isinstance(args.get("sort_index"), int):
                problems.append(where + ": no args.sort_index")
            if e["name"] == "process_name":
                named_pids.add(e["pid"])
            if e["name"] == "thread_name":
                named_lanes.add((e["pid"], e["tid"]))
            continue
        if ph not in ("X", "i"):
            problems.append(where + ": phase %r not used by mmulab" % ph)
            continue
        if not isinstance(e.get("ts"), int) or e["ts"] < 0:
            problems.append(where + ": ts is not a non-negative integer (cycles)")
            continue
        used_pids.add(e["pid"])
        used_lanes.add((e["pid"], e["tid"]))
        if ph == "X":
            if not isinstance(e.get("dur"), int) or e["dur"] < 0:
                problems.append(where + ": X without an integer dur >= 0")
                continue
            slices[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"], e["name"]))
        elif e.get("s") not in ("g", "p", "t"):
            problems.append(where + ": instant without scope s in g/p/t")
        if e.get("cat") == "hw" and processes and e["pid"] == 0:
            problems.append(where + ": a hardware event on no process's lane")
        if e["name"] == "running" and ph == "X":
            running[e["pid"]] += 1
    for lane, spans in slices.items():
        spans.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for begin, end, name in spans:
            while stack and stack[-1][1] <= begin:
                stack.pop()
            if stack and end > stack[-1][1]:
                problems.append("lane %s: %s [%d, %d) overlaps %s [%d, %d) partially"
                                % (lane, name, begin, end, stack[-1][2], stack[-1][0], stack[-1][1]))
                break
            stack.append((begin, end, name))
    for pid in sorted(used_pids - named_pids):
        problems.append("pid %d has events but no process_name" % pid)
    for lane in sorted(used_lanes - named_lanes):
        problems.append("lane %s has events but no thread_name" % (lane,))
    if processes:
        for pid in range(1, processes + 1):
            if not running[pid]:
                problems.append("process %d has no running slice" % pid)
    return problems, {"events": len(doc["traceEvents"]), "pids": len(used_pids), "lanes": len(used_lanes)}


def main():
    path = sys.argv[1]
    processes = int(sys.argv[sys.argv.index("--processes") + 1]) if "--processes" in sys.argv else 0
    problems, summary = check(path, processes)
    for p in problems[:20]:
        print("%s: %s" % (path, p))
    if problems:
        sys.exit(1)
    print("%s: Trace Event Format ok: %d events, %d processes, %d lanes"
          % (path, summary["events"], summary["pids"], summary["lanes"]))


if __name__ == "__main__":
    main()
