#!/usr/bin/python3
"""
bench/python_read.py: what a read costs through the Python package
(kvmarm.Dump, ctypes over libkvm_arm), against the cheapest way Python has
to get the same bytes out of the same file: slicing an mmap of it at the
page's file offset (no translation at all).  Also the bare ctypes call of
kvm_read2 with a reused buffer, the floor of any ctypes binding.

Run by `make bench-python` (BENCH_PY_ARGS='-r ROUNDS -n OPS'); not part of
`make check`.  Rounds alternate the cases; medians are reported.
"""
import argparse
import ctypes
import mmap
import os
import platform
import random
import statistics
import sys
import time

import kvmarm
from kvmarm._lib import lib

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "armv7-v2")


def per_op(fn, args):
    t = time.perf_counter()
    for a in args:
        fn(a)
    return (time.perf_counter() - t) / len(args)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", type=int, default=5, help="rounds")
    ap.add_argument("-n", type=int, default=200000, help="operations a round")
    opt = ap.parse_args()

    d = kvmarm.Dump(FIX + ".core", FIX + ".kernel")
    f = open(FIX + ".core", "rb")
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    pages = [p for p in d.pages() if p.offset is not None]
    rng = random.Random(1)
    # Random 4-byte-aligned places in dumped pages: (va, file offset).
    small = []
    for _ in range(opt.n):
        p = rng.choice(pages)
        k = rng.randrange(0, 4096, 4)
        small.append((p.va + k, p.offset + k))
    big = [(p.va, p.offset) for p in (rng.choice(pages)
                                      for _ in range(opt.n // 10))]
    # Same bytes both ways, before anything is timed.
    for va, off in small[:1000] + big[:100]:
        assert d.read(va, 4) == m[off:off + 4]
    for va, off in big[:100]:
        assert d.read(va, 4096) == m[off:off + 4096]

    kd, buf = d._kd, ctypes.create_string_buffer(4096)
    read2 = lib.kvm_read2
    names = ("version", "hz", "ticks64", "msgbufp")
    cases = {
        "4-byte read: Dump.read(va, 4)":
            (lambda a: d.read(a[0], 4), small),
        "4-byte read: Dump.read_u32(va)":
            (lambda a: d.read_u32(a[0]), small),
        "4-byte read: bare ctypes kvm_read2, reused buffer":
            (lambda a: read2(kd, a[0], buf, 4), small),
        "4-byte read: mmap slice at the file offset (baseline)":
            (lambda a: m[a[1]:a[1] + 4], small),
        "4 KiB read: Dump.read(va, 4096)":
            (lambda a: d.read(a[0], 4096), big),
        "4 KiB read: mmap slice at the file offset (baseline)":
            (lambda a: m[a[1]:a[1] + 4096], big),
        "Dump.symbol(name)":
            (lambda a: d.symbol(names[a[0] & 3]), small[:opt.n // 10]),
    }
    times = {k: [] for k in cases}
    for _ in range(opt.r):
        for k, (fn, args) in cases.items():
            times[k].append(per_op(fn, args))
    med = {k: statistics.median(v) * 1e9 for k, v in times.items()}

    print("Machine: %s, %d CPUs, Python %s" % (
        platform.processor() or platform.machine(), os.cpu_count(),
        platform.python_version()))
    print("Dump: fixtures/armv7-v2 (%d mapped pages with data); medians of %d "
          "alternating rounds, %d random 4-byte reads a round\n" %
          (len(pages), opt.r, opt.n))
    print("| case | ns/op | / baseline |")
    print("|---|---|---|")
    for k in cases:
        base = med["4 KiB read: mmap slice at the file offset (baseline)"] \
            if k.startswith("4 KiB") else \
            med["4-byte read: mmap slice at the file offset (baseline)"]
        ratio = "" if k.startswith("Dump.symbol") else "%.1fx" % (med[k] / base)
        print("| %s | %.0f | %s |" % (k, med[k], ratio))
    d.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
