"""
kvmarm: read FreeBSD/arm kernel crash dumps on any host, from Python.

    import kvmarm
    with kvmarm.Dump("vmcore.0", kernel="kernel.debug") as d:
        print(d.read_cstr(d.symbol("version")))
        print(d.msgbuf)

Over libkvm_arm (the C library) through ctypes; see kvmarm.Dump.
"""
from .dump import (Dump, Error, Page, Thread, ThreadList, Frame, Backtrace,
                   MMU_FORMATS)

__all__ = ["Dump", "Error", "Page", "Thread", "ThreadList", "Frame",
           "Backtrace", "MMU_FORMATS"]
__version__ = "0.1.0"
