#!/usr/bin/env python3
"""Yosys (0.23, Debian) reads a subset of SystemVerilog: no `import pkg::*`
in a module header.  This writes copies of rtl/*.sv for yosys with the
package's declarations at file scope before each module that imports it, so the
RTL itself stays as lowRISC writes it.  Usage: synth_prep.py OUTDIR FILE..."""
import os
import re
import sys

out, files = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
pkg_body = ""
for f in files:
    src = open(f).read()
    m = re.search(r"^package\s+(\w+)\s*;(.*?)^endpackage", src, re.S | re.M)
    if m:
        pkg_body = m.group(2)
for f in files:
    src = open(f).read()
    if re.search(r"^package\s", src, re.M):
        continue
    m = re.search(r"^module\s+(\w+)\s+import\s+\w+::\*\s*;", src, re.M)
    if m:
        # the package's declarations at file scope, just before the module
        src = src[:m.start()] + pkg_body + "\nmodule " + m.group(1) + src[m.end():]
    open(os.path.join(out, os.path.basename(f)), "w").write(src)
