"""Dump.drgn_program(): drgn reads the dump's memory through kvmarm, in the
dump's byte order.  Typed globals from DWARF are in test_threads.py (the
qemu-run fixtures have DWARF kernels; these do not)."""
import sys

import pytest

import kvmarm
from conftest import fixture, manifest

drgn = pytest.importorskip("drgn", reason="python3-drgn is not installed")


@pytest.mark.parametrize("name", ["armv7-v2", "armv5-v1-be", "lpae-v2",
                                  "elfcore-v6-be"])
def test_memory(name):
    m = manifest(name)
    # A full ELF core needs its kernel (for the page tables); these kernels
    # have no DWARF for drgn, so memory only.
    with kvmarm.Dump(fixture(name, "core"), fixture(name, "kernel")) as d:
        prog = d.drgn_program(debug_info=False)
        assert prog.platform.arch == drgn.Architecture.ARM
        little = bool(prog.platform.flags & drgn.PlatformFlags.IS_LITTLE_ENDIAN)
        assert little == (not m.number("big_endian"))
        assert not prog.platform.flags & drgn.PlatformFlags.IS_64_BIT
        for line in m.all("read"):
            va, hexbytes = line.split()
            want = bytes.fromhex(hexbytes)
            assert prog.read(int(va, 0), len(want)) == want, va
        # drgn's own typed read of a word follows the platform's byte order.
        va, hexbytes = m.all("read")[0].split()
        order = "big" if m.number("big_endian") else "little"
        assert prog.read_u32(int(va, 0)) == int.from_bytes(
            bytes.fromhex(hexbytes)[:4], order)
        for va in m.all("fail"):
            with pytest.raises(drgn.FaultError):
                prog.read(int(va, 0), 4)


def test_kernel_without_dwarf():
    # These kernels have a symbol table but no DWARF: drgn says so.
    with kvmarm.Dump(fixture("armv7-v2", "core"),
                     fixture("armv7-v2", "kernel")) as d:
        with pytest.raises(drgn.MissingDebugInfoError):
            d.drgn_program()


def test_missing_drgn(monkeypatch):
    # Without drgn: ImportError that says what to install.
    monkeypatch.setitem(sys.modules, "drgn", None)
    with kvmarm.Dump(fixture("armv7-v2", "core")) as d:
        with pytest.raises(ImportError, match="python3-drgn"):
            d.drgn_program()
