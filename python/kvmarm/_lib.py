"""
The C library through ctypes: where libkvm_arm is, and the prototypes and
structs of include/kvm_arm.h that the package uses.

ctypes rather than a CPython extension: nothing to compile at install time
(no Python headers, no compiler, any Python 3), and the per-call cost is
about a microsecond (bench/python_read.py measures it).

Where the library is found, first hit wins:
  1. $KVMARM_LIBRARY, a path to libkvm_arm.so.N (tests use the build tree's);
  2. the LIBDIR `make install` wrote into _libdir.py beside this file, so an
     installed package uses the library of the same prefix;
  3. the dynamic linker's search path (ldconfig, LD_LIBRARY_PATH).
"""
import ctypes
import os

SONAME = "libkvm_arm.so.0"


def _candidates():
    env = os.environ.get("KVMARM_LIBRARY")
    if env:
        yield env, "KVMARM_LIBRARY"
        return
    try:
        from ._libdir import LIBDIR
    except ImportError:
        LIBDIR = None
    if LIBDIR:
        path = os.path.join(LIBDIR, SONAME)
        if os.path.exists(path):
            yield path, "the LIBDIR make install recorded"
    yield SONAME, "the dynamic linker's search path"


def _load():
    tried = []
    for path, where in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s): %s" % (path, where, e))
    raise ImportError("kvmarm: cannot load libkvm_arm: " + "; ".join(tried) +
                      " (set KVMARM_LIBRARY to the library's path)")


lib = _load()

c_kvaddr = ctypes.c_uint64
c_kpaddr = ctypes.c_uint64
c_off = ctypes.c_int64          # off_t: always 64 bits in libkvm_arm's ABI
c_kd = ctypes.c_void_p
ERRBUF_SIZE = 2048              # _POSIX2_LINE_MAX


class KvmNlist(ctypes.Structure):
    _fields_ = [("n_name", ctypes.c_char_p),
                ("n_type", ctypes.c_ubyte),
                ("n_value", c_kvaddr)]


class KvmPage(ctypes.Structure):
    _fields_ = [("kp_version", ctypes.c_uint),
                ("kp_paddr", c_kpaddr),
                ("kp_kmap_vaddr", c_kvaddr),
                ("kp_dmap_vaddr", c_kvaddr),
                ("kp_prot", ctypes.c_ubyte),
                ("kp_offset", c_off),
                ("kp_len", ctypes.c_size_t)]


class Range(ctypes.Structure):
    _fields_ = [("start", c_kpaddr), ("end", c_kpaddr)]


class Info(ctypes.Structure):
    _fields_ = [("container", ctypes.c_char_p),
                ("version", ctypes.c_uint),
                ("layout_version", ctypes.c_uint),
                ("mmuformat", ctypes.c_uint),
                ("mmuformat_used", ctypes.c_uint),
                ("mmuformat_name", ctypes.c_char_p),
                ("arch", ctypes.c_uint),
                ("big_endian", ctypes.c_int),
                ("byte_order_source", ctypes.c_char_p),
                ("kernbase", c_kvaddr),
                ("kva_end", c_kvaddr),
                ("pte_count", ctypes.c_uint64),
                ("pte_size", ctypes.c_uint),
                ("msgbuf_size", ctypes.c_uint64),
                ("bitmap_bits", ctypes.c_uint64),
                ("pages_dumped", ctypes.c_uint64),
                ("pages_present", ctypes.c_uint64),
                ("ranges", ctypes.POINTER(Range)),
                ("nranges", ctypes.c_size_t),
                ("msgbuf_offset", ctypes.c_uint64),
                ("dumpavail_offset", ctypes.c_uint64),
                ("bitmap_offset", ctypes.c_uint64),
                ("pte_offset", ctypes.c_uint64),
                ("page_data_offset", ctypes.c_uint64),
                ("page_data_rounded", ctypes.c_int),
                ("page_data_chosen_by_size", ctypes.c_int),
                ("file_size", ctypes.c_uint64),
                ("expected_size", ctypes.c_uint64),
                ("truncated", ctypes.c_int),
                ("payload_offset", ctypes.c_uint64),
                ("compression", ctypes.c_char_p),
                ("stored_size", ctypes.c_uint64),
                ("mmuformat_source", ctypes.c_char_p)]


class DumpHeader(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_char * 21),
                ("architecture", ctypes.c_char * 13),
                ("version", ctypes.c_uint32),
                ("architectureversion", ctypes.c_uint32),
                ("dumplength", ctypes.c_uint64),
                ("dumptime", ctypes.c_uint64),
                ("dumpkeysize", ctypes.c_uint32),
                ("blocksize", ctypes.c_uint32),
                ("hostname", ctypes.c_char * 65),
                ("versionstring", ctypes.c_char * 193),
                ("panicstring", ctypes.c_char * 176),
                ("compression", ctypes.c_uint),
                ("dumpextent", ctypes.c_uint64),
                ("parity_ok", ctypes.c_int)]


class Regs(ctypes.Structure):
    _fields_ = [("r", ctypes.c_uint32 * 16),
                ("cpsr", ctypes.c_uint32),
                ("valid", ctypes.c_uint32)]


class Thread(ctypes.Structure):
    _fields_ = [("pid", ctypes.c_int),
                ("tid", ctypes.c_int),
                ("comm", ctypes.c_char * 20),
                ("name", ctypes.c_char * 20),
                ("oncpu", ctypes.c_int),
                ("crashed", ctypes.c_int),
                ("zombie", ctypes.c_int),
                ("proc", c_kvaddr),
                ("thread", c_kvaddr),
                ("pcb", c_kvaddr),
                ("pcb_kind", ctypes.c_int),
                ("pcb_name", ctypes.c_char_p),
                ("regs", Regs)]


class Panic(ctypes.Structure):
    _fields_ = [("panicked", ctypes.c_int),
                ("panicstr", ctypes.c_char * 256),
                ("version", ctypes.c_char * 256),
                ("dumptid", ctypes.c_int)]


class Frame(ctypes.Structure):
    _fields_ = [("level", ctypes.c_uint),
                ("pc", c_kvaddr),
                ("sp", c_kvaddr),
                ("function", ctypes.c_char_p),
                ("offset", c_kvaddr),
                ("trapframe", ctypes.c_int),
                ("trapframe_addr", c_kvaddr),
                ("trapframe_kind", ctypes.c_char_p),
                ("regs", Regs)]


def out_struct(struct_type):
    """A zeroed struct for the library to fill, with room to spare behind
    it: a newer library whose struct grew at the end (as kvm_arm_info has)
    then writes into the spare bytes, not into Python's heap."""
    room = ctypes.create_string_buffer(ctypes.sizeof(struct_type) + 512)
    return struct_type.from_buffer(room)


WALK_PAGES_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(KvmPage),
                                 ctypes.c_void_p)
THREAD_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(Thread),
                             ctypes.c_void_p)
FRAME_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(Frame),
                            ctypes.c_void_p)

P = ctypes.POINTER
_PROTOTYPES = {
    "kvm_open2": (c_kd, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                         ctypes.c_char_p, ctypes.c_void_p]),
    "kvm_close": (ctypes.c_int, [c_kd]),
    "kvm_geterr": (ctypes.c_char_p, [c_kd]),
    "kvm_read2": (ctypes.c_ssize_t, [c_kd, c_kvaddr, ctypes.c_void_p,
                                     ctypes.c_size_t]),
    "kvm_nlist2": (ctypes.c_int, [c_kd, P(KvmNlist)]),
    "kvm_walk_pages": (ctypes.c_int, [c_kd, WALK_PAGES_CB, ctypes.c_void_p]),
    "kvm_arm_kvatop": (ctypes.c_size_t, [c_kd, c_kvaddr, P(c_kpaddr),
                                         P(c_off)]),
    "kvm_arm_set_mmuformat": (ctypes.c_int, [c_kd, ctypes.c_uint]),
    "kvm_arm_info": (ctypes.c_int, [c_kd, P(Info)]),
    "kvm_arm_dumpheader": (ctypes.c_int, [c_kd, P(DumpHeader)]),
    "kvm_arm_msgbuf_text": (ctypes.c_void_p, [c_kd, P(ctypes.c_size_t),
                                              ctypes.c_char_p,
                                              ctypes.c_size_t]),
    "kvm_arm_walk_threads": (ctypes.c_int, [c_kd, THREAD_CB,
                                            ctypes.c_void_p]),
    "kvm_arm_panic": (ctypes.c_int, [c_kd, P(Panic)]),
    "kvm_arm_symbolize": (ctypes.c_int, [c_kd, c_kvaddr,
                                         P(ctypes.c_char_p), P(c_kvaddr)]),
    "kvm_arm_unwind": (ctypes.c_int, [c_kd, P(Regs), FRAME_CB,
                                      ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.c_size_t]),
    "kvm_arm_srcline": (ctypes.c_int, [c_kd, c_kvaddr, P(ctypes.c_char_p),
                                       P(ctypes.c_int)]),
}


def _bind():
    """Set each function's prototype; a library without one (older than
    this package) leaves it out of `has`, and the method that needs it
    says so instead of crashing."""
    found = set()
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            continue
        fn.restype = restype
        fn.argtypes = argtypes
        found.add(name)
    return frozenset(found)


has = _bind()
