#!/usr/bin/env python3
"""Run the command blocks of docs/*.md and compare what they print.

A runnable block is fenced with ```console.  In it, a line starting with
`$ ` is a command (a line ending in a backslash continues it); the lines up
to the next command are its expected output, stdout and stderr together:

    ```console
    $ mmulab run --mode hwreloc programs/vcopy.s
    ...
    cycles: 899
    [exit 0]
    ```

Lines are compared with runs of blanks folded to one and trailing blanks
dropped; a line `...` stands for any number of lines (none included); a line
`[exit N]` gives the exit status (0 when there is none).  A command's output
is checked whole: without `...` at its ends, the first and last lines must
be the first and last printed.

Commands of one document run in order in one scratch directory holding
links to the project's top-level entries, with `mmulab`, `mmulab-rtl` and
`mmulab-view` of $OUT first on PATH, so a doc writes the commands a user
types.  ```console rtl blocks need build/mmulab-rtl and are skipped (and
said so) without it.

A fenced block with no language (or `sh`, `bash`, `shell`) that holds a command line (`mmulab ...`,
`build/mmulab ...`, `make ...`, `$ ...`) fails: mark it `console` to run it
or `text` when it is a synopsis, so no command in the docs goes unchecked.

Usage: OUT=build python3 tests/docs.py [docs/FILE.md ...]
Prints one line per failure and ends with `N passed, N failed`.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = int(os.environ.get("MM_TIMEOUT", "60"))
COMMAND_LINE = re.compile(r"^\s*(\$ |(build/)?mmulab(-rtl|-view)?( |$)|make( |$))")
EXIT_LINE = re.compile(r"^\[exit (\d+)\]$")
SHELL_BLOCKS = ("sh", "bash", "shell")  # held to the same rule as a block with no language


def blocks(path):
    """(line number, info string, lines) of each fenced block."""
    out, info, body, start = [], None, [], 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                if info is None:
                    info, body, start = line[3:].strip(), [], n
                else:
                    out.append((start, info, body))
                    info = None
            elif info is not None:
                body.append(line)
    return out


def commands(body):
    """(command, expected lines, expected exit status) of a console block."""
    result, cmd, expect = [], None, []

    def close():
        if cmd is None:
            return
        status, lines = 0, list(expect)
        while lines and lines[-1].strip() == "":
            lines.pop()
        if lines and EXIT_LINE.match(lines[-1].strip()):
            status = int(EXIT_LINE.match(lines.pop().strip()).group(1))
        result.append((cmd, lines, status))

    continuing = False
    for line in body:
        if continuing:
            cmd += "\n" + line
            continuing = line.endswith("\\")
        elif line.startswith("$ "):
            close()
            cmd, expect = line[2:], []
            continuing = line.endswith("\\")
        elif cmd is not None:
            expect.append(line)
    close()
    return result


def fold(line):
    return " ".join(line.split())


def matches(expected, actual):
    """Do the actual lines match the expected ones, `...` matching any run?"""
    exp = [fold(x) for x in expected]
    act = [fold(x) for x in actual]
    # memoised walk: i over exp, j over act
    seen = {}

    def walk(i, j):
        key = (i, j)
        if key in seen:
            return seen[key]
        if i == len(exp):
            r = j == len(act)
        elif exp[i] == "...":
            r = any(walk(i + 1, k) for k in range(j, len(act) + 1))
        else:
            r = j < len(act) and exp[i] == act[j] and walk(i + 1, j + 1)
        seen[key] = r
        return r

    return walk(0, 0)


def scratch_dir(root):
    d = tempfile.mkdtemp(prefix="mmulab-docs.")
    for entry in os.listdir(root):
        if not entry.startswith("."):
            os.symlink(os.path.join(root, entry), os.path.join(d, entry))
    return d


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    out_dir = os.path.abspath(os.path.join(root, os.environ.get("OUT", "build")))
    tools = tempfile.mkdtemp(prefix="mmulab-docs-bin.")
    for name in ("mmulab", "mmulab-rtl", "mmulab-view"):
        exe = os.path.join(out_dir, name)
        if os.path.exists(exe):
            os.symlink(exe, os.path.join(tools, name))
    have_rtl = os.path.exists(os.path.join(out_dir, "mmulab-rtl"))
    env = dict(os.environ, PATH=tools + os.pathsep + os.environ.get("PATH", ""))
    env.pop("DISPLAY", None)

    docs = sys.argv[1:] or sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    passed = failed = skipped = 0
    for doc in docs:
        rel = os.path.relpath(doc, root)
        work = None
        for start, info, body in blocks(doc):
            words = info.split()
            if not words or words[0] in SHELL_BLOCKS:
                loose = [l for l in body if COMMAND_LINE.match(l)]
                if loose:
                    failed += 1
                    print(f"  FAIL  {rel}:{start}: command block not marked `console` (run) or `text` "
                          f"(synopsis): {loose[0].strip()}")
                continue
            if words[0] != "console":
                continue
            if "rtl" in words[1:] and not have_rtl:
                skipped += 1
                print(f"  SKIP  {rel}:{start}: needs mmulab-rtl (make rtl)")
                continue
            work = work or scratch_dir(root)
            for cmd, expected, status in commands(body):
                try:
                    p = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT)
                    got, rc = p.stdout.decode("utf-8", "replace").splitlines(), p.returncode
                except subprocess.TimeoutExpired:
                    got, rc = ["(timed out)"], -1
                one_line = " ".join(cmd.split())
                if rc == status and matches(expected, got):
                    passed += 1
                    if os.environ.get("V"):
                        print(f"  ok    {rel}:{start}: {one_line}")
                    continue
                failed += 1
                print(f"  FAIL  {rel}:{start}: $ {one_line}")
                if rc != status:
                    print(f"    - exit status {rc}, the doc says {status}")
                if not matches(expected, got):
                    print("    - printed:")
                    for line in got[:40]:
                        print(f"      | {line}")
                    if len(got) > 40:
                        print(f"      | ... ({len(got) - 40} more lines)")
        if work:
            shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(tools, ignore_errors=True)
    if skipped:
        print(f"docs: {skipped} blocks skipped (said above)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
