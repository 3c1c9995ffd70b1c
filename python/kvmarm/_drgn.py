"""
Dump.drgn_program(): a drgn.Program whose memory is read through a Dump.

drgn (python3-drgn) is imported only here, when asked for, so the rest of
the package works without it.
"""
from .dump import Error

# FreeBSD/arm kernel addresses are 32-bit: one segment covers them all, and
# a VA the dump cannot give becomes drgn's FaultError.
_SEGMENT_SIZE = 1 << 32


def program(dump, debug_info):
    try:
        import drgn
    except ImportError as e:
        raise ImportError("kvmarm.Dump.drgn_program needs drgn, which is not "
                          "installed (Debian: apt-get install python3-drgn): "
                          "%s" % e) from e
    flags = drgn.PlatformFlags(0)
    if not dump.big_endian:
        flags |= drgn.PlatformFlags.IS_LITTLE_ENDIAN
    prog = drgn.Program(drgn.Platform(drgn.Architecture.ARM, flags))

    def read_fn(address, count, offset, physical):
        try:
            data = dump.read(address, count)
        except Error as e:
            raise drgn.FaultError(str(e), address) from None
        if len(data) != count:
            raise drgn.FaultError("%s: only %d of %d bytes in the file "
                                  "(truncated core)" %
                                  (dump.core, len(data), count), address)
        return data

    prog.add_memory_segment(0, _SEGMENT_SIZE, read_fn)
    if debug_info and dump.kernel is not None:
        prog.load_debug_info([dump.kernel])
    return prog
