"""Threads, backtraces, the panic and drgn's typed globals on the qemu-run
fixtures (fixtures/threads-*: a small kernel-like program that ran under
qemu-arm and wrote its own memory and a manifest of what it did; format in
fixtures/THREADS-MANIFEST.md).  Skipped until those fixtures exist."""
import os
import re
import subprocess

import pytest

import kvmarm
from conftest import ROOT, fixture

NAMES = [n for n in ("threads-le", "threads-be", "threads-dwarf")
         if os.path.exists(fixture(n, "core"))]

pytestmark = pytest.mark.skipif(
    not NAMES, reason="no qemu-run thread fixtures (fixtures/threads-*.core)")

PCB_REGS = ("r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp",
            "lr", "pc")


class ThreadsManifest:
    """What the fixture program recorded about itself."""

    def __init__(self, name):
        self.facts, self.threads, self.gdb = {}, [], []
        self.frames, self.zombies, self.globals = {}, set(), {}
        self.warn, self.lost, self.later = [], set(), set()
        by_tid = {}
        with open(fixture(name, "manifest")) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                key, _, rest = line.partition(" ")
                w = rest.split()
                if key == "thread":
                    t = {"pid": int(w[0]), "tid": int(w[1]),
                         "oncpu": int(w[2]), "crashed": w[3] == "1",
                         "kind": w[4], "comm": w[5],
                         "name": w[6] if len(w) > 6 else ""}
                    self.threads.append(t)
                    by_tid[t["tid"]] = t
                elif key == "zombie":
                    self.zombies.add(int(w[0]))
                elif key == "addr":
                    by_tid[int(w[0])].update(
                        proc=int(w[1], 0), thread=int(w[2], 0),
                        pcb=int(w[3], 0))
                elif key == "regs":
                    by_tid[int(w[0])]["regs"] = dict(
                        zip(PCB_REGS, (int(x, 0) for x in w[1:])))
                elif key == "frame":
                    tid, level = int(w[0]), int(w[1])
                    fr = {"pc": int(w[2], 0), "function": w[3],
                          "trapframe": None}
                    if len(w) > 5 and w[4] == "trapframe":
                        fr["trapframe"] = int(w[5], 0)
                    self.frames.setdefault(tid, {})[level] = fr
                elif key == "warn":
                    self.warn.append((w[0], int(w[1], 0)))
                elif key == "lost":
                    self.lost.add(int(w[0]))
                elif key == "later":
                    self.later.add(int(w[0]))
                elif key == "global":
                    self.globals[w[0]] = int(w[1], 0)
                elif key == "gdb":
                    expr, _, value = rest.partition(" => ")
                    self.gdb.append((expr, value))
                else:
                    self.facts.setdefault(key, rest)


# Each fixture's core plain, gzip and zstd; and the other containers the
# fixtures describe, made at test time by the fixture writer: threads-le as
# a full ELF core, threads-be as an LPAE minidump.
CORES = [(n, how) for n in NAMES for how in ("plain", "gzip", "zstd")] + \
    [(n, how) for n, how in (("threads-le", "elf"), ("threads-be", "lpae"))
     if n in NAMES]


@pytest.fixture(scope="session")
def made_core(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("threadcores")

    def make(desc):
        lib = os.environ.get("KVMARM_LIBRARY", "")
        mkcore = os.path.join(os.path.dirname(lib), "tests", "mkcore")
        if not os.access(mkcore, os.X_OK):
            pytest.skip("no fixture writer beside $KVMARM_LIBRARY "
                        "(make tests builds build/tests/mkcore)")
        out = str(tmp / (desc + ".core"))
        if not os.path.exists(out):
            subprocess.run([mkcore, fixture(desc, "desc"), out], cwd=ROOT,
                           check=True, capture_output=True)
        return out
    return make


@pytest.fixture(params=CORES, ids=lambda p: "%s-%s" % p)
def dump(request, compressed, made_core):
    name, how = request.param
    if how == "elf":
        core = made_core(name + "-elf")
    elif how == "lpae":
        core = made_core(name + "-lpae")
    else:
        core = compressed(name, how)
    with kvmarm.Dump(core, fixture(name, "kernel")) as d:
        d.manifest = ThreadsManifest(name)
        yield d


def test_panic(dump):
    m, p = dump.manifest, dump.panic
    assert p["panicked"]
    assert p["panicstr"] == m.facts["panicstr"]
    assert p["version"] == m.facts["version"].strip()
    assert p["dumptid"] == int(m.facts["dumptid"])


def test_threads(dump):
    m, threads = dump.manifest, dump.threads()
    assert threads.complete and threads.why is None
    assert [(t.pid, t.tid) for t in threads] == \
        [(t["pid"], t["tid"]) for t in m.threads]
    for t, want in zip(threads, m.threads):
        assert (t.oncpu, t.crashed, t.comm, t.name) == \
            (want["oncpu"], want["crashed"], want["comm"], want["name"])
        assert t.zombie == (t.tid in m.zombies)
        assert (t.proc, t.thread, t.pcb) == \
            (want["proc"], want["thread"], want["pcb"])
        assert t.pcb_kind == want["kind"]
        assert {k: t.regs[k] for k in PCB_REGS} == want["regs"], t.tid
    assert sum(t.crashed for t in threads) == 1


def test_backtraces(dump):
    """Every thread's frames against the program's own record of its calls.
    The one tolerated shortfall: an unwind that stops at the function built
    without unwind tables (the manifest's nocfi line), and says so; every
    frame before it must still be right."""
    m = dump.manifest
    nocfi = m.facts.get("nocfi")
    checked = full = 0
    for t in dump.threads():
        want = m.frames.get(t.tid)
        if not want:
            continue
        bt = dump.backtrace(t)
        if len(bt) < len(want):
            stop = want[len(bt)]["function"] if len(bt) in want else None
            last = bt[-1].function if bt else None
            assert nocfi in (stop, last) and nocfi in (bt.why or ""), \
                (t.tid, len(bt), len(want), bt.why)
        else:
            full += 1
        for level in range(min(len(bt), len(want))):
            got, fr = bt[level], want[level]
            assert (got.level, got.pc, got.function) == \
                (level, fr["pc"], fr["function"]), (t.tid, level)
            assert got.trapframe == (fr["trapframe"] is not None)
            if got.trapframe:
                assert got.trapframe_addr == fr["trapframe"]
            checked += 1
        # limit stops the unwind early.
        assert len(dump.backtrace(t, limit=1)) == 1
    assert checked > 0 and full > 0


def test_symbolize_frames(dump):
    for t in dump.threads():
        for f in dump.backtrace(t):
            if f.function is not None:
                assert dump.symbolize(f.pc) == (f.function, f.offset)


# ---- drgn ------------------------------------------------------------------

def drgn_eval(prog, expr):
    """A gdb expression of the manifest (globals, . -> [N] and a leading *)
    as a drgn Object."""
    deref = expr.startswith("*")
    tokens = re.findall(r"->|\.|\[\d+\]|[A-Za-z_]\w*", expr.lstrip("*"))
    obj = prog[tokens[0]]
    for tok, nxt in zip(tokens[1:], tokens[2:] + [None]):
        if tok.startswith("["):
            obj = obj[int(tok[1:-1])]
        elif tok in (".", "->"):
            obj = obj.member_(nxt)
    return obj[0] if deref else obj


def gdb_value_matches(obj, value):
    """value as gdb printed it: a number, a number and a 'c'har, or a
    quoted char array (maybe followed by '\\000' <repeats N times>)."""
    if value.startswith('"'):
        text = value[1:value.index('"', 1)]
        return obj.string_() == text.encode()
    return obj.value_() == int(value.split()[0], 0)


def test_drgn_typed_globals(dump):
    drgn = pytest.importorskip("drgn", reason="python3-drgn is not installed")
    prog = dump.drgn_program()
    exprs = dump.manifest.gdb
    assert exprs
    for expr, value in exprs:
        obj = drgn_eval(prog, expr)
        assert gdb_value_matches(obj, value), (expr, value, obj)
    # drgn's globals are at the addresses the program recorded.
    for name in ("allproc", "dumptid", "dumppcb", "panicstr"):
        assert prog[name].address_ == dump.manifest.globals[name], name
    assert prog["dumptid"].value_() == int(dump.manifest.facts["dumptid"])
    assert prog["allproc"].type_.type_name() == "struct proclist"


def test_globals_by_symbol(dump):
    for name, addr in dump.manifest.globals.items():
        assert dump.symbol(name) == addr, name


@pytest.mark.parametrize("name", ["threads-loop", "threads-cut"])
def test_cut_and_looped_lists(name):
    # A walk that meets a loop or a cut ends that list, keeps every thread
    # before it, and says where: ThreadList.complete False, .why the address.
    if not os.path.exists(fixture(name, "core")):
        pytest.skip("no " + name)
    m = ThreadsManifest(name)
    with kvmarm.Dump(fixture(name, "core"),
                     fixture("threads-le", "kernel")) as d:
        threads = d.threads()
    assert not threads.complete
    kind, addr = m.warn[0]
    assert ("%x" % addr) in threads.why.lower(), threads.why
    want = [(t["pid"], t["tid"]) for t in m.threads]
    got = [(t.pid, t.tid) for t in threads]
    assert got[:len(want)] == want
    assert all(tid in m.later for _pid, tid in got[len(want):]), got
    assert not m.lost & {tid for _pid, tid in got}


def test_srcline_against_addr2line():
    # The DWARF line of every frame's pc, as binutils' addr2line reads the
    # same kernel (file by its last component: addr2line joins the
    # compilation directory in front).
    import shutil
    tool = shutil.which("arm-linux-gnueabi-addr2line") or \
        shutil.which("addr2line")
    if tool is None:
        pytest.skip("no addr2line (Debian: binutils-arm-linux-gnueabi)")
    kernel = fixture("threads-le", "kernel")
    with kvmarm.Dump(fixture("threads-le", "core"), kernel) as d:
        pcs = sorted({f.pc for t in d.threads() for f in d.backtrace(t)})
        got = [d.srcline(pc) for pc in pcs]
    out = subprocess.run([tool, "-e", kernel] + ["%x" % pc for pc in pcs],
                         capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("%s cannot read an arm ELF: %s" % (tool, out.stderr[:100]))
    want = []
    for line in out.stdout.splitlines():
        path, _, num = line.split(" ")[0].rpartition(":")
        want.append(None if path == "??" or not num.isdigit()
                    else (os.path.basename(path), int(num)))
    assert len(pcs) > 20 and any(want)
    assert [g and (os.path.basename(g[0]), g[1]) for g in got] == want
