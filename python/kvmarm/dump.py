"""
kvmarm.Dump: one open crash dump, in Python's habits (a context manager,
exceptions, iterators, bytes) over the C library's calls.

A Dump holds one kvm_t.  The library is not safe for two threads on one
handle, and ctypes lets go of the GIL during a call, so every call on the
handle is made under the Dump's lock.
"""
import collections
import ctypes
import dataclasses
import os
import threading

from . import _lib
from ._lib import lib

O_RDONLY = 0
PAGE_SIZE = 4096
_U64_MAX = (1 << 64) - 1

MMU_FORMATS = {"v4": 1, "v6": 2, "lpae": 3}

REG_NAMES = tuple("r%d" % i for i in range(13)) + ("sp", "lr", "pc")
REG_CPSR = 16

_COMPRESSION = {0: "none", 1: "gzip", 2: "zstd"}

_read2 = lib.kvm_read2


class Error(OSError):
    """A libkvm_arm failure; str() is the library's one-line message, which
    names the file."""


Page = collections.namedtuple("Page", "va pa offset prot length")
Page.__doc__ = """A valid page-table entry: its kernel VA, physical address,
file offset (None when the page is mapped but not in the dump; in the
uncompressed stream for a gzip core), prot (KVM_PROT_* bits: 1 read,
2 write, 4 execute) and length in bytes."""


@dataclasses.dataclass(frozen=True)
class Thread:
    """A kernel thread, as kvm_arm_walk_threads found it.  regs holds the
    registers its pcb saved, by name (r4..r12, sp, lr, pc for a pcb), only
    those known."""
    pid: int
    tid: int
    comm: str
    name: str
    oncpu: int              # -1 when on no CPU
    crashed: bool           # the thread that called panic (dumptid)
    zombie: bool
    proc: int               # struct proc
    thread: int             # struct thread
    pcb: int                # the pcb the registers come from
    pcb_kind: str           # "dumppcb", "stoppcbs" or "td_pcb"
    regs: dict


class ThreadList(list):
    """The threads, in the library's walk order.  complete is False when a
    list was cut, looped or led outside the dump; why then says where (the
    threads before it are all here)."""

    def __init__(self, threads, complete, why):
        super().__init__(threads)
        self.complete = complete
        self.why = why


# The frames `kvmarm info` shows of the crashed thread.
INFO_FRAMES = 10


@dataclasses.dataclass(frozen=True)
class Frame:
    """One frame of a backtrace, innermost (level 0) first.  A caller's pc
    is the return address; a frame reached through a trapframe has the pc
    the trapframe saved."""
    level: int
    pc: int
    sp: int
    function: str           # the symbol pc is in, None when none
    offset: int             # pc - function
    trapframe: bool         # reached through a trapframe
    trapframe_addr: int     # its address, None when trapframe is False
    trapframe_kind: str     # "data abort", "irq", ...; None likewise
    regs: dict


class Backtrace(list):
    """The frames of an unwind; why says how it ended ("zero pc", "sp did
    not move at 0x...", ...)."""

    def __init__(self, frames, why):
        super().__init__(frames)
        self.why = why


def _regs(r):
    """A struct kvm_arm_regs as {name: value}, the valid ones only."""
    d = {name: r.r[i] for i, name in enumerate(REG_NAMES)
         if r.valid & (1 << i)}
    if r.valid & (1 << REG_CPSR):
        d["cpsr"] = r.cpsr
    return d


def _c_regs(regs):
    """{name: value} (as Thread.regs) as a struct kvm_arm_regs."""
    r = _lib.Regs()
    for name, value in regs.items():
        if name != "cpsr" and name not in REG_NAMES:
            raise ValueError("no register %r (r0..r12, sp, lr, pc, cpsr)" %
                             (name,))
        i = REG_CPSR if name == "cpsr" else REG_NAMES.index(name)
        if i == REG_CPSR:
            r.cpsr = value
        else:
            r.r[i] = value
        r.valid |= 1 << i
    return r


def _text(raw):
    """A C string of the dump as str; bytes that are not UTF-8 show as
    \\xNN, so nothing is lost or invented."""
    return raw.decode("utf-8", "backslashreplace") if raw is not None else None


def _check_addr(addr):
    if not 0 <= addr <= _U64_MAX:
        raise ValueError("address 0x%x out of range" % addr)


class Dump:
    """An open FreeBSD/arm crash dump.

    Dump(core, kernel=None, mmu=None): core is a vmcore (minidump or full
    ELF core; plain, gzip or zstd; with or without the dump-device header);
    kernel the kernel ELF (symbols, byte order); mmu "v4", "v6" or "lpae"
    to read the page tables as another format than the dump says.
    """

    def __init__(self, core, kernel=None, mmu=None):
        self._kd = None
        self._lock = threading.Lock()
        self._msgbuf_cache = None
        # As str even when given as bytes: messages are built from them.
        self.core = os.fsdecode(core)
        self.kernel = os.fsdecode(kernel) if kernel is not None else None
        err = ctypes.create_string_buffer(_lib.ERRBUF_SIZE)
        kd = lib.kvm_open2(os.fsencode(self.kernel) if self.kernel else None,
                           os.fsencode(self.core), O_RDONLY, err, None)
        if not kd:
            raise Error(_text(err.value) or "%s: cannot open" % self.core)
        self._kd = kd
        # Small reads go through one buffer; the lock keeps it to one user.
        self._buf = ctypes.create_string_buffer(PAGE_SIZE)
        self._view = memoryview(self._buf).cast("B")
        if mmu is not None:
            fmt = MMU_FORMATS.get(mmu, mmu)
            if not isinstance(fmt, int):
                self.close()
                raise ValueError("mmu must be one of %s, not %r" %
                                 (", ".join(MMU_FORMATS), mmu))
            if lib.kvm_arm_set_mmuformat(kd, fmt) != 0:
                e = self._error()
                self.close()
                raise e
        info = _lib.out_struct(_lib.Info)
        lib.kvm_arm_info(kd, ctypes.byref(info))
        self.big_endian = bool(info.big_endian)
        self.byteorder = "big" if self.big_endian else "little"

    # ---- life cycle --------------------------------------------------

    def close(self):
        """Close the dump; later calls raise ValueError.  Closing twice is
        harmless."""
        with self._lock:
            if self._kd is not None:
                lib.kvm_close(self._kd)
                self._kd = None

    @property
    def closed(self):
        return self._kd is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # A Dump dropped without close(); at interpreter exit the module's
        # globals may be gone already, and then the process ends anyway.
        if getattr(self, "_kd", None) is not None:
            try:
                self.close()
            except Exception:
                pass

    def __repr__(self):
        return "<kvmarm.Dump %r%s%s>" % (
            self.core, " kernel=%r" % self.kernel if self.kernel else "",
            " closed" if self.closed else "")

    def _handle(self):
        """The kvm_t; call with the lock held."""
        if self._kd is None:
            raise ValueError("I/O operation on a closed kvmarm.Dump")
        return self._kd

    def _error(self):
        """The library's last error, naming the core as kvmarm's messages
        do (a failed read's message is libkvm's and names only the VA)."""
        msg = _text(lib.kvm_geterr(self._kd)) or "unknown error"
        if not msg.startswith(self.core + ": "):
            msg = "%s: %s" % (self.core, msg)
        return Error(msg)

    # ---- memory --------------------------------------------------------

    def read(self, addr, size):
        """size bytes of kernel virtual memory at addr.  Fewer only when the
        core is truncated; Error when any page of the range does not
        translate or is not in the dump."""
        # The hot path: checks inline, one lock, one reused buffer.
        if size < 0 or not 0 <= addr <= _U64_MAX:
            raise ValueError("bad address 0x%x or size %d" % (addr, size))
        with self._lock:
            kd = self._kd
            if kd is None:
                self._handle()          # raises
            if size <= PAGE_SIZE:
                n = _read2(kd, addr, self._buf, size)
                if n < 0:
                    raise self._error()
                return self._view[:n].tobytes()
            buf = ctypes.create_string_buffer(size)
            n = _read2(kd, addr, buf, size)
            if n < 0:
                raise self._error()
            return buf.raw[:n]

    def _read_exact(self, addr, size):
        data = self.read(addr, size)
        if len(data) != size:
            raise Error("%s: 0x%x: only %d of %d bytes in the file "
                        "(truncated core)" % (self.core, addr, len(data), size))
        return data

    def read_u32(self, addr):
        """The 32-bit word at addr, in the target's byte order."""
        return int.from_bytes(self._read_exact(addr, 4), self.byteorder)

    def read_u64(self, addr):
        """The 64-bit word at addr, in the target's byte order."""
        return int.from_bytes(self._read_exact(addr, 8), self.byteorder)

    def read_cstr(self, addr, max=4096):
        """The NUL-terminated string at addr, as str (bytes that are not
        UTF-8 as \\xNN), at most max bytes.  Read page by page, so a string
        that ends just before an unmapped page reads."""
        out = bytearray()
        while len(out) < max:
            va = addr + len(out)
            chunk = self.read(va, min(max - len(out),
                                      PAGE_SIZE - (va & (PAGE_SIZE - 1))))
            nul = chunk.find(b"\0")
            if nul >= 0:
                out += chunk[:nul]
                break
            out += chunk
            if not chunk:
                break
        return _text(bytes(out))

    def kvatop(self, addr):
        """(pa, offset) of addr: its physical address and file offset."""
        _check_addr(addr)
        pa, off = _lib.c_kpaddr(), _lib.c_off()
        with self._lock:
            if lib.kvm_arm_kvatop(self._handle(), addr, ctypes.byref(pa),
                                  ctypes.byref(off)) == 0:
                raise self._error()
        return pa.value, off.value

    def pages(self):
        """An iterator of Page records, one per valid page-table entry in
        VA order.  The library walks the whole table in one call, so the
        records are gathered first."""
        found = []
        failure = []

        def each(page, _arg):
            try:
                p = page.contents
                found.append(Page(p.kp_kmap_vaddr, p.kp_paddr,
                                  None if p.kp_offset < 0 else p.kp_offset,
                                  p.kp_prot, p.kp_len))
                return 1
            except BaseException as e:      # stop, and raise it below
                failure.append(e)
                return 0

        cb = _lib.WALK_PAGES_CB(each)
        with self._lock:
            lib.kvm_walk_pages(self._handle(), cb, None)
        if failure:
            raise failure[0]
        return iter(found)

    # ---- symbols -------------------------------------------------------

    def symbol(self, name):
        """The value of the kernel symbol name; KeyError when the kernel
        has no such symbol, Error when there is no symbol table at all,
        ValueError for a name with a NUL in it (C would read only the part
        before it)."""
        if "\0" in name:
            raise ValueError("symbol name %r has a NUL in it" % (name,))
        nl = (_lib.KvmNlist * 2)()
        nl[0].n_name = name.encode()
        with self._lock:
            rc = lib.kvm_nlist2(self._handle(), nl)
            if rc < 0:
                raise self._error()
        if rc != 0:
            raise KeyError(name)
        return nl[0].n_value

    def symbolize(self, addr):
        """(name, offset) of the kernel symbol addr falls in, or None."""
        _check_addr(addr)
        name, off = ctypes.c_char_p(), _lib.c_kvaddr()
        with self._lock:
            found = lib.kvm_arm_symbolize(self._handle(), addr,
                                          ctypes.byref(name),
                                          ctypes.byref(off))
        return (_text(name.value), off.value) if found == 1 else None

    def srcline(self, addr):
        """(file, line) of addr from the kernel's DWARF line table, or
        None."""
        _check_addr(addr)
        path, line = ctypes.c_char_p(), ctypes.c_int()
        with self._lock:
            found = lib.kvm_arm_srcline(self._handle(), addr,
                                        ctypes.byref(path),
                                        ctypes.byref(line))
        return (_text(path.value), line.value) if found == 1 else None

    # ---- the dump's facts ----------------------------------------------

    @property
    def info(self):
        """What the dump is: a dict with the fields of `kvmarm info --json`."""
        info, dh = _lib.out_struct(_lib.Info), _lib.out_struct(_lib.DumpHeader)
        with self._lock:
            kd = self._handle()
            lib.kvm_arm_info(kd, ctypes.byref(info))
            has_dh = lib.kvm_arm_dumpheader(kd, ctypes.byref(dh)) == 1
            ranges = [{"start": info.ranges[i].start,
                       "end": info.ranges[i].end}
                      for i in range(info.nranges)]
        try:
            whole = os.stat(self.core).st_size
        except OSError:
            whole = info.payload_offset + info.file_size
        d = {
            "file": self.core,
            "kernel": self.kernel,
        }
        if self.kernel is not None:
            d.update(self._crash_facts())
        d.update({
            "container": _text(info.container),
            "version": info.version,
            "layout_version": info.layout_version,
            "mmuformat": info.mmuformat,
            "mmuformat_used": info.mmuformat_used,
            "mmuformat_name": _text(info.mmuformat_name),
            "mmuformat_source": _text(info.mmuformat_source),
            "arch": info.arch,
            "byte_order": "big" if info.big_endian else "little",
            "byte_order_source": _text(info.byte_order_source),
            "kernbase": info.kernbase,
            "kva_end": info.kva_end,
            "pte_count": info.pte_count,
            "pte_size": info.pte_size,
            "msgbuf_size": info.msgbuf_size,
            "bitmap_bits": info.bitmap_bits,
            "pages_dumped": info.pages_dumped,
            "pages_present": info.pages_present,
        })
        if d["container"] != "minidump":
            # A full core: how many of the kernel's pages are mapped.
            d["mapped_kernel_pages"] = sum(1 for _ in self.pages())
        d.update({
            "ranges": ranges,
            "msgbuf_offset": info.msgbuf_offset,
            "dumpavail_offset": info.dumpavail_offset or None,
            "bitmap_offset": info.bitmap_offset,
            "pte_offset": info.pte_offset,
            "page_data_offset": info.page_data_offset,
            "page_data_rounded": bool(info.page_data_rounded),
            "page_data_chosen_by_size": bool(info.page_data_chosen_by_size),
            "whole_file_size": whole,
            "file_size": info.file_size,
            "expected_size": info.expected_size,
            "truncated": bool(info.truncated),
            "payload_offset": info.payload_offset,
            "compression": _text(info.compression),
            "compressed_size": (info.stored_size
                                if _text(info.compression) != "none" else None),
            "uncompressed_size": info.file_size,
            "dump_header": None,
        })
        if has_dh:
            d["dump_header"] = {
                "magic": _text(dh.magic),
                "architecture": _text(dh.architecture),
                "version": dh.version,
                "architecture_version": dh.architectureversion,
                "dump_length": dh.dumplength,
                "dump_time": dh.dumptime,
                "dump_key_size": dh.dumpkeysize,
                "block_size": dh.blocksize,
                "hostname": _text(dh.hostname),
                "version_string": _text(dh.versionstring),
                "panic_string": _text(dh.panicstring),
                "compression": _COMPRESSION.get(dh.compression, "unknown"),
                "dump_extent": dh.dumpextent,
                "parity_ok": bool(dh.parity_ok),
            }
        return d

    def _crash_facts(self):
        """info's panic fields, as `kvmarm info --json` gives them with a
        kernel: panic_string, kernel_version, crashed_thread, and
        panic_error / threads_error when a fact could not be had."""
        d = {}
        try:
            p = self.panic
        except Error as e:
            p, panic_error = None, str(e)
        d["panic_string"] = p["panicstr"] if p and p["panicked"] else None
        d["kernel_version"] = p["version"] if p and p["version"] else None
        threads_error = None
        try:
            crashed = [t for t in self.threads() if t.crashed]
        except Error as e:
            crashed, threads_error = [], str(e)
        d["crashed_thread"] = None
        if crashed:
            t = crashed[0]
            d["crashed_thread"] = {"tid": t.tid, "pid": t.pid,
                                   "comm": t.comm, "name": t.name,
                                   "pcb": t.pcb_kind}
            # Its top frames (the panic site), as info --json gives them.
            frames = []
            if t.regs:
                try:
                    frames = self.backtrace(t, limit=INFO_FRAMES)
                except Error:
                    frames = []
            d["crashed_frames"] = [
                {"pc": f.pc, "sp": f.sp, "function": f.function,
                 "offset": f.offset, "trapframe": f.trapframe}
                for f in frames]
        if p is None:
            d["panic_error"] = panic_error
        if threads_error is not None:
            d["threads_error"] = threads_error
        return d

    def _msgbuf(self):
        """(text, note), asked of the library once: a dump does not change."""
        n = ctypes.c_size_t()
        why = ctypes.create_string_buffer(_lib.ERRBUF_SIZE)
        with self._lock:
            kd = self._handle()
            if self._msgbuf_cache is None:
                p = lib.kvm_arm_msgbuf_text(kd, ctypes.byref(n), why,
                                            ctypes.sizeof(why))
                if not p:
                    raise self._error()
                self._msgbuf_cache = (ctypes.string_at(p, n.value),
                                      _text(why.value))
            return self._msgbuf_cache

    @property
    def msgbuf_bytes(self):
        """The kernel message buffer, oldest first, as bytes (as `kvmarm
        dmesg` prints it, before escaping)."""
        return self._msgbuf()[0]

    @property
    def msgbuf(self):
        """The kernel message buffer, oldest first, as str (bytes that are
        not UTF-8 as \\xNN)."""
        return _text(self._msgbuf()[0])

    @property
    def msgbuf_note(self):
        """None, or why the message buffer's order is less sure (no
        msgbufp, no struct msgbuf: then the text is as stored)."""
        return self._msgbuf()[1] or None

    # ---- threads and the panic -------------------------------------------

    def threads(self):
        """Every kernel thread (allproc's processes, then zombproc's; each
        process's threads in order) as a ThreadList of Thread records.  Needs
        the kernel ELF.  Error when no walk is possible (no kernel, no
        allproc, no struct offsets); a walk cut short keeps what it read and
        says why in .why."""
        found = []
        failure = []

        def each(t, _arg):
            try:
                t = t.contents
                found.append(Thread(
                    pid=t.pid, tid=t.tid, comm=_text(t.comm),
                    name=_text(t.name), oncpu=t.oncpu,
                    crashed=bool(t.crashed), zombie=bool(t.zombie),
                    proc=t.proc, thread=t.thread, pcb=t.pcb,
                    pcb_kind=_text(t.pcb_name), regs=_regs(t.regs)))
                return 1
            except BaseException as e:      # stop, and raise it below
                failure.append(e)
                return 0

        cb = _lib.THREAD_CB(each)
        with self._lock:
            rc = lib.kvm_arm_walk_threads(self._handle(), cb, None)
            why = _text(lib.kvm_geterr(self._kd))
            if rc < 0:
                raise self._error()
        if failure:
            raise failure[0]
        return ThreadList(found, rc == 1, None if rc == 1 else why)

    def backtrace(self, thread, limit=None):
        """The frames of thread's stack (a Thread, or a register dict with
        pc, sp and lr), innermost first, at most limit of them: a Backtrace
        list whose why says how the unwind ended.  Error when no unwind is
        possible (no kernel ELF, pc or sp unknown)."""
        regs = _c_regs(thread.regs if isinstance(thread, Thread) else thread)
        found = []
        failure = []

        def each(f, _arg):
            try:
                f = f.contents
                tf = bool(f.trapframe)
                found.append(Frame(
                    level=f.level, pc=f.pc, sp=f.sp,
                    function=_text(f.function), offset=f.offset,
                    trapframe=tf, trapframe_addr=f.trapframe_addr if tf else None,
                    trapframe_kind=_text(f.trapframe_kind) if tf else None,
                    regs=_regs(f.regs)))
                return 0 if limit is not None and len(found) >= limit else 1
            except BaseException as e:      # stop, and raise it below
                failure.append(e)
                return 0

        cb = _lib.FRAME_CB(each)
        why = ctypes.create_string_buffer(_lib.ERRBUF_SIZE)
        with self._lock:
            rc = lib.kvm_arm_unwind(self._handle(), ctypes.byref(regs), cb,
                                    None, why, ctypes.sizeof(why))
            if rc < 0:
                raise self._error()
        if failure:
            raise failure[0]
        return Backtrace(found, _text(why.value) or None)

    @property
    def panic(self):
        """What the kernel left about its panic: a dict with panicked
        (bool), panicstr and version (str), dumptid (-1 when unknown)."""
        p = _lib.out_struct(_lib.Panic)
        with self._lock:
            if lib.kvm_arm_panic(self._handle(), ctypes.byref(p)) != 0:
                raise self._error()
        return {"panicked": bool(p.panicked), "panicstr": _text(p.panicstr),
                "version": _text(p.version), "dumptid": p.dumptid}

    # ---- drgn ------------------------------------------------------------

    def drgn_program(self, debug_info=True):
        """A drgn.Program over this dump: the arm platform in the dump's byte
        order, memory read through this Dump, types and symbols from the
        kernel ELF's DWARF (when a kernel was given and debug_info is true;
        drgn.MissingDebugInfoError when it has none).  Needs python3-drgn."""
        from ._drgn import program
        return program(self, debug_info)
