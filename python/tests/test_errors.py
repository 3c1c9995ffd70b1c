"""Errors: kvmarm.Error (an OSError) with the library's one-line message
naming the file; KeyError for a missing symbol; ValueError on a closed
Dump; and no leak when many Dumps are opened and closed."""
import gc
import os

import pytest

import kvmarm
from conftest import fixture, manifest

CORE, KERNEL = fixture("armv7-v2", "core"), fixture("armv7-v2", "kernel")


def test_error_is_oserror():
    assert issubclass(kvmarm.Error, OSError)


def test_missing_file():
    path = CORE + ".does-not-exist"
    with pytest.raises(kvmarm.Error) as e:
        kvmarm.Dump(path)
    assert path in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("garbage", [b"", b"not a dump at all" * 100,
                                     b"\0" * 8192])
def test_broken_core(tmp_path, garbage):
    path = tmp_path / "vmcore.0"
    path.write_bytes(garbage)
    with pytest.raises(kvmarm.Error) as e:
        kvmarm.Dump(path)
    assert str(path) in str(e.value) and "\n" not in str(e.value)


def test_cut_header(tmp_path):
    # The first 100 bytes of a real minidump: the header is cut.
    path = tmp_path / "cut.core"
    with open(CORE, "rb") as f:
        path.write_bytes(f.read(100))
    with pytest.raises(kvmarm.Error) as e:
        kvmarm.Dump(path)
    assert str(path) in str(e.value)


def test_broken_kernel(tmp_path):
    bad = tmp_path / "kernel"
    bad.write_bytes(b"\x7fELF garbage")
    with pytest.raises(kvmarm.Error) as e:
        kvmarm.Dump(CORE, kernel=bad)
    assert str(bad) in str(e.value)


def test_unreadable_address():
    va = int(manifest("armv7-v2").all("fail")[0], 0)
    with kvmarm.Dump(CORE, KERNEL) as d:
        for call in (lambda: d.read(va, 4), lambda: d.read_u32(va),
                     lambda: d.read_u64(va), lambda: d.read_cstr(va),
                     lambda: d.kvatop(va)):
            with pytest.raises(kvmarm.Error) as e:
                call()
            assert CORE in str(e.value) and "%x" % va in str(e.value)
        # A read that starts mapped and runs into the hole fails whole.
        with pytest.raises(kvmarm.Error):
            d.read(va - 4, 8)
        with pytest.raises(ValueError):
            d.read(-1, 4)
        with pytest.raises(ValueError):
            d.read(0xc0100000, -1)


def test_missing_symbol():
    with kvmarm.Dump(CORE, KERNEL) as d:
        name = manifest("armv7-v2").one("nosym")
        with pytest.raises(KeyError):
            d.symbol(name)


def test_bytes_path():
    # os.fspath takes bytes too; errors still name the file, as str.
    va = int(manifest("armv7-v2").all("fail")[0], 0)
    with kvmarm.Dump(os.fsencode(CORE), os.fsencode(KERNEL)) as d:
        assert d.core == CORE and d.kernel == KERNEL
        with pytest.raises(kvmarm.Error) as e:
            d.read(va, 4)
        assert CORE in str(e.value)


def test_symbol_name_with_nul():
    # C would see only the name before the NUL, and answer for it.
    with kvmarm.Dump(CORE, KERNEL) as d:
        with pytest.raises(ValueError):
            d.symbol("hz\0junk")


def test_symbol_without_kernel():
    # No kernel ELF, so no symbol table: that is the library's error, not
    # a missing name.
    with kvmarm.Dump(CORE) as d:
        with pytest.raises(kvmarm.Error):
            d.symbol("hz")


def test_threads_without_kernel():
    with kvmarm.Dump(CORE) as d:
        with pytest.raises(kvmarm.Error) as e:
            d.threads()
        assert CORE in str(e.value)


def test_closed_dump():
    d = kvmarm.Dump(CORE, KERNEL)
    d.close()
    assert d.closed
    d.close()                   # twice is harmless
    for call in (lambda: d.read(0xc0100000, 4), lambda: d.read_u32(0xc0100000),
                 lambda: d.symbol("hz"), lambda: d.info, lambda: d.msgbuf,
                 lambda: list(d.pages()), lambda: d.kvatop(0xc0100000),
                 lambda: d.threads()):
        with pytest.raises(ValueError):
            call()


def test_with_closes():
    with kvmarm.Dump(CORE) as d:
        assert not d.closed
    assert d.closed


def test_exception_in_walk_is_raised():
    # A failure while gathering pages stops the walk and comes out as is.
    with kvmarm.Dump(CORE) as d:
        orig = kvmarm.dump.Page

        def boom(*a):
            raise RuntimeError("boom")
        kvmarm.dump.Page = boom
        try:
            with pytest.raises(RuntimeError):
                d.pages()
        finally:
            kvmarm.dump.Page = orig
        assert len(list(d.pages())) == manifest("armv7-v2").number("walk_pages")


def _fds():
    return len(os.listdir("/proc/self/fd"))


def _rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _maps():
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="no /proc")
@pytest.mark.parametrize("how,rounds", [("plain", 2000), ("gzip", 200),
                                        ("zstd", 200)])
def test_no_leak(compressed, how, rounds):
    core = compressed("armv7-v2", how)

    def cycle():
        with kvmarm.Dump(core, KERNEL) as d:
            d.read(0xc0100000, 16)
            d.symbol("hz")
            d.msgbuf
        kvmarm.Dump(core).close()
        d = kvmarm.Dump(core)       # dropped without close: __del__ closes
        del d

    for _ in range(20):             # warm up caches and allocator pools
        cycle()
    gc.collect()
    fds, rss, maps = _fds(), _rss_kib(), _maps()
    for _ in range(rounds):
        cycle()
    gc.collect()
    assert _fds() == fds, "file descriptors leak"
    assert _maps() <= maps + 2, "mappings leak"
    # A leaked kvm_t (its 2 KiB error buffer alone) would add at least
    # 2 KiB for each of the 3 opens a round: half of that is the bound.
    growth, leak_floor = _rss_kib() - rss, 3 * 2 * rounds
    assert growth < leak_floor // 2, "memory grew %d KiB" % growth


def test_no_message_buffer():
    # A full ELF core has no msgbuf section, and this kernel no msgbufp.
    core = fixture("elfcore-v6-be", "core")
    with kvmarm.Dump(core, fixture("elfcore-v6-be", "kernel")) as d:
        with pytest.raises(kvmarm.Error) as e:
            d.msgbuf
        assert core in str(e.value) and "msgbufp" in str(e.value)
