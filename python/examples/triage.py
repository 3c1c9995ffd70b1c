#!/usr/bin/python3
"""
triage.py: one JSON line per crash dump in a directory, to bucket a fleet's
panics by panic string and top frames.

    python3 triage.py DIR [--kernel KERNEL] [--frames N]

Each core (vmcore.N, vmcore.N.gz, vmcore.N.zst, *.core...) is read with
KERNEL, or else with the kernel beside it: NAME.kernel for NAME.core,
kernel.N or kernel.debug in DIR.  A line has the core, the kernel, the
panic string, the kernel version, the crashed thread and its innermost
frames, and "errors": the library's messages for the facts the dump could
not give.
"""
import argparse
import json
import os
import re
import sys

import kvmarm

CORE = re.compile(r"^(vmcore\.\d+|.+\.core)(\.gz|\.zst)?$")


def kernel_for(directory, core_name, given):
    if given:
        return given
    stem = re.sub(r"(\.gz|\.zst)$", "", core_name)
    m = re.match(r"^vmcore\.(\d+)$", stem)
    candidates = [stem[:-len(".core")] + ".kernel"] if stem.endswith(".core") \
        else ["kernel.%s" % m.group(1)] if m else []
    candidates.append("kernel.debug")
    for c in candidates:
        path = os.path.join(directory, c)
        if os.path.isfile(path):
            return path
    return None


def frame(f):
    return {"pc": "0x%08x" % f.pc,
            "function": f.function and "%s+0x%x" % (f.function, f.offset),
            "trapframe": f.trapframe}


def triage(core, kernel, nframes):
    """The line for one core; each fact on its own, so one that the dump
    cannot give (its message in "errors") does not hide the others."""
    line = {"core": core, "kernel": kernel}
    errors = []
    try:
        d = kvmarm.Dump(core, kernel)
    except kvmarm.Error as e:
        line["errors"] = [str(e)]
        return line
    with d:
        try:
            p = d.panic
            line["panic"] = p["panicstr"] if p["panicked"] else None
            line["version"] = p["version"]
        except kvmarm.Error as e:
            errors.append(str(e))
            # A raw copy of the dump device has the panic string in its header.
            dh = d.info["dump_header"]
            if dh:
                line["panic"] = dh["panic_string"]
                line["version"] = dh["version_string"].strip()
        try:
            threads = d.threads()
            crashed = [t for t in threads if t.crashed]
            if crashed:
                t = crashed[0]
                line["crashed"] = {"tid": t.tid, "pid": t.pid,
                                   "comm": t.comm, "name": t.name}
                if hasattr(d, "backtrace"):
                    line["frames"] = [frame(f) for f in
                                      d.backtrace(t)[:nframes]]
            else:
                line["crashed"] = None
                if threads.why:
                    errors.append(threads.why)
        except kvmarm.Error as e:
            errors.append(str(e))
    if errors:
        line["errors"] = errors
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory")
    ap.add_argument("--kernel", help="the kernel of every core")
    ap.add_argument("--frames", type=int, default=5, help="frames a core")
    opt = ap.parse_args()
    for name in sorted(os.listdir(opt.directory)):
        if CORE.match(name):
            core = os.path.join(opt.directory, name)
            kernel = kernel_for(opt.directory, name, opt.kernel)
            print(json.dumps(triage(core, kernel, opt.frames)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
