#!/usr/bin/env python3
"""Seed inputs for fuzz_syscall.c (its header comment gives the layout):
a flags byte, eight call records (number, then six arguments as a kind byte
and a little-endian 32-bit value), then the scratch buffer.  Each seed is a
short meaningful sequence, in paged mode (flags bit 0) and under hwreloc.
Usage: syscall_seeds.py DIR"""
import struct
import sys

RAW, SCRATCH, SMALL, PHYS = 0, 1, 2, 3
EXIT, WRITE, OPEN, CLOSE, READ, FSTAT, FTRUNCATE, LSEEK, MMAP, MUNMAP = 0, 1, 3, 4, 5, 6, 7, 8, 9, 10
DLOPEN, BRK, DLSYM, DLCLOSE, FORK, WAIT, SHMGET, SHMAT, SHMDT = 11, 12, 13, 14, 15, 16, 17, 18, 19
OVERLAY, IOWAIT, THREAD_CREATE, THREAD_EXIT, THREAD_JOIN = 20, 21, 22, 23, 24


def call(number, *args):
    args = list(args) + [(RAW, 0)] * (6 - len(args))
    return bytes([number]) + b"".join(struct.pack("<BI", kind, value & 0xFFFFFFFF) for kind, value in args)


def seed(flags, calls, scratch=b""):
    calls = calls + [call(EXIT, (SMALL, 0))] * (8 - len(calls))
    return bytes([flags]) + b"".join(calls) + scratch


def sc(offset):
    return (SCRATCH, offset)


def small(v):
    return (SMALL, v)


def raw(v):
    return (RAW, v)


SEEDS = {
    "write": seed(0, [call(WRITE, small(1), sc(0), small(6))], b"hello\n"),
    "file-io": seed(1, [
        call(OPEN, sc(0), raw(0x42), raw(0o644)),
        call(WRITE, small(3), sc(16), small(40)),
        call(LSEEK, small(3), raw(0), raw(0)),
        call(READ, small(3), sc(100), small(40)),
        call(FSTAT, small(3), sc(200)),
        call(FTRUNCATE, small(3), raw(100)),
        call(CLOSE, small(3)),
    ], b"f.txt\0".ljust(16, b"\0") + b"some bytes to write into the file.......\n"),
    "read-into-code": seed(1, [
        call(OPEN, sc(0), raw(0x42), raw(0o644)),
        call(WRITE, small(3), sc(0), small(8)),
        call(LSEEK, small(3), raw(0), raw(0)),
        call(READ, small(3), raw(0), small(8)),
    ], b"code.bin\0"),
    "fork-wait": seed(1, [
        call(FORK),
        call(WRITE, small(1), sc(0), small(3)),
        call(WAIT, raw(0xFFFFFFFF), sc(64)),
    ], b"hi\n"),
    "mmap-brk": seed(1, [
        call(MMAP, raw(0), raw(8192), raw(3), raw(0x22), raw(0xFFFFFFFF), raw(0)),
        call(BRK, raw(0)),
        call(BRK, raw(0x40000)),
        call(MUNMAP, raw(0x10000), raw(4096)),
        call(MMAP, raw(0), raw(4096), raw(7), raw(0x12), raw(0xFFFFFFFF), raw(0)),
    ]),
    "shm": seed(1, [
        call(SHMGET, raw(0), raw(4096)),
        call(SHMAT, small(0), raw(0)),
        call(SHMAT, small(1), raw(0)),
        call(SHMDT, raw(0x20000)),
    ]),
    "threads": seed(3, [
        call(THREAD_CREATE, raw(0), small(5)),
        call(THREAD_JOIN, small(3)),
        call(IOWAIT, raw(1000)),
    ]),
    "dlopen": seed(1, [
        call(DLOPEN, sc(0)),
        call(DLSYM, small(1), sc(32)),
        call(DLCLOSE, small(1)),
    ], b"hello_lib\0".ljust(32, b"\0") + b"hello\0"),
    "escape-root": seed(0, [
        call(OPEN, sc(0), raw(0x42), raw(0o644)),
        call(OPEN, sc(16), raw(0x42), raw(0o644)),
        call(WRITE, small(3), sc(0), small(4)),
    ], b"../escaped\0".ljust(16, b"\0") + b"/tmp/escaped\0"),
    "wild-pointers": seed(0, [
        call(WRITE, small(1), raw(0xFFFFFFF0), raw(0x100)),
        call(READ, small(0), raw(0x7FFFFFF0), raw(0x80000000)),
        call(FSTAT, small(1), (PHYS, 0x30000)),
        call(OVERLAY, raw(0), raw(0xFFFFFFFF), raw(16)),
        call(99),
    ]),
}

for name, data in SEEDS.items():
    with open(f"{sys.argv[1]}/{name}", "wb") as f:
        f.write(data)
