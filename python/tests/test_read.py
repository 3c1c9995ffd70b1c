"""Reads, symbols, translation, pages, info and the message buffer of the
committed fixtures, against their manifests and descriptions, from plain,
gzip and zstd copies of each core."""
import json
import os
import subprocess

import pytest

import kvmarm
from conftest import DUMPS, desc_msgbuf, fixture, manifest

HOW = ["plain", "gzip", "zstd"]


@pytest.fixture(params=[(n, h) for n in DUMPS for h in HOW],
                ids=lambda p: "%s-%s" % p)
def dump(request, compressed):
    name, how = request.param
    with kvmarm.Dump(compressed(name, how), kernel=fixture(name, "kernel")) as d:
        d.name = name
        yield d


def test_reads(dump):
    m = manifest(dump.name)
    reads = [r.split() for r in m.all("read")]
    assert reads, "the manifest has read lines"
    for va, hexbytes in reads:
        want = bytes.fromhex(hexbytes)
        assert dump.read(int(va, 0), len(want)) == want, va


def test_unreadable(dump):
    fails = [int(v, 0) for v in manifest(dump.name).all("fail")]
    assert fails
    for va in fails:
        with pytest.raises(kvmarm.Error) as e:
            dump.read(va, 4)
        # The message names the file and the address.
        assert dump.core in str(e.value) and ("%x" % va) in str(e.value)


def test_vtop(dump):
    for line in manifest(dump.name).all("vtop"):
        va, pa = (int(x, 0) for x in line.split())
        assert dump.kvatop(va)[0] == pa


def test_symbols(dump):
    m = manifest(dump.name)
    syms = [s.split() for s in m.all("sym")]
    assert syms
    for name, value, _type in syms:
        assert dump.symbol(name) == int(value, 0), name
    for name in m.all("nosym"):
        with pytest.raises(KeyError):
            dump.symbol(name)


def test_words_and_strings(dump):
    m = manifest(dump.name)
    for line in m.all("word32"):
        name, value = line.split()
        assert dump.read_u32(dump.symbol(name)) == int(value, 0), name
    for line in m.all("string"):
        name, _, text = line.partition(" ")
        assert dump.read_cstr(dump.symbol(name)) == text, name
        # max bounds the string; a string ending at a NUL is not cut.
        assert dump.read_cstr(dump.symbol(name), max=3) == text[:3]


def test_u64_byte_order(dump):
    # Two 32-bit words of a manifest read, put together in the target's
    # byte order, are the 64-bit word read_u64 gives.
    va, hexbytes = manifest(dump.name).all("read")[0].split()
    b = bytes.fromhex(hexbytes)[:8]
    order = "big" if manifest(dump.name).number("big_endian") else "little"
    assert dump.byteorder == order
    assert dump.read_u64(int(va, 0)) == int.from_bytes(b, order)
    assert dump.read_u32(int(va, 0)) == int.from_bytes(b[:4], order)


def test_info(dump):
    m, info = manifest(dump.name), dump.info
    for key in ("version", "kernbase", "kva_end", "pages_dumped",
                "page_data_offset", "file_size", "msgbuf_size"):
        if key == "version" and info["container"] != "minidump":
            continue
        assert info[key] == m.number(key), key
    assert info["byte_order"] == ("big" if m.number("big_endian") else "little")
    if info["container"] == "minidump":
        assert info["mmuformat"] == m.number("mmuformat")
        assert info["page_data_rounded"] == bool(m.number("page_data_rounded"))


def test_pages(dump):
    m = manifest(dump.name)
    pages = list(dump.pages())
    assert len(pages) == m.number("walk_pages")
    by_va = {p.va: p for p in pages}
    assert [p.va for p in pages] == sorted(by_va), "in VA order"
    for line in m.all("prot"):
        va, prot = (int(x, 0) for x in line.split())
        assert by_va[va].prot == prot
    for line in m.all("vtop"):
        va, pa = (int(x, 0) for x in line.split())
        page = by_va[va & ~0xfff]
        assert page.pa == pa & ~0xfff and page.length == 4096
        assert page.offset is not None
    # A page the manifest says fails to read is either unmapped (no record)
    # or mapped but not in the dump (offset None).
    for va in (int(v, 0) for v in m.all("fail")):
        page = by_va.get(va & ~0xfff)
        assert page is None or page.offset is None


@pytest.mark.parametrize("name", [
    n for n in DUMPS + ["threads-le", "threads-be", "threads-dwarf"]
    if os.path.exists(fixture(n, "desc")) and desc_msgbuf(n)[0] is not None])
def test_msgbuf_section(name):
    # Without the kernel: from the msgbuf section; the ring holds the last
    # size bytes of the description's text, oldest first.
    text, size = desc_msgbuf(name)
    with kvmarm.Dump(fixture(name, "core")) as d:
        assert d.msgbuf_bytes == text[-size:]
        assert d.msgbuf == text[-size:].decode("utf-8", "backslashreplace")
        if name == "old-v1":
            # Its section has no struct msgbuf: the text is as stored, and
            # the note says so, naming the file.
            assert "write position is unknown" in d.msgbuf_note
            assert d.core in d.msgbuf_note
        else:
            assert d.msgbuf_note is None


def test_msgbuf_through_msgbufp():
    text, size = desc_msgbuf("wrapped-v2-be")
    with kvmarm.Dump(fixture("wrapped-v2-be", "core"),
                     fixture("wrapped-v2-be", "kernel")) as d:
        assert d.msgbuf_bytes == text[-size:]
        assert d.msgbuf_bytes.startswith(b"9abc")   # worked out by hand
        assert d.msgbuf_note is None


def test_mmu_override():
    # armv5-v1-be says mmuformat 1 (v4); read as v4 explicitly it reads the
    # same, and an unknown name is refused.
    m = manifest("armv5-v1-be")
    va, hexbytes = m.all("read")[0].split()
    with kvmarm.Dump(fixture("armv5-v1-be", "core"), mmu="v4") as d:
        assert d.info["mmuformat_used"] == 1
        assert d.read(int(va, 0), len(hexbytes) // 2) == bytes.fromhex(hexbytes)
    with pytest.raises(ValueError):
        kvmarm.Dump(fixture("armv5-v1-be", "core"), mmu="v9")


def _kvmarm_cli():
    lib = os.environ.get("KVMARM_LIBRARY", "")
    path = os.path.join(os.path.dirname(lib), "kvmarm")
    if not lib or not os.access(path, os.X_OK):
        pytest.skip("no kvmarm tool beside $KVMARM_LIBRARY")
    return path


@pytest.mark.parametrize("name", DUMPS + ["threads-le", "threads-be",
                                          "threads-dwarf"])
def test_info_has_the_fields_of_the_tool(name):
    # The same fields as `kvmarm info --json`, with the same meaning (the
    # values of both come from the library; the manifest checks above hold
    # them to the fixture).
    core, kernel = fixture(name, "core"), fixture(name, "kernel")
    out = subprocess.run([_kvmarm_cli(), "-N", kernel, "-M", core, "info",
                          "--json"], capture_output=True, check=True).stdout
    want = json.loads(out)
    with kvmarm.Dump(core, kernel) as d:
        assert d.info == want


@pytest.mark.parametrize("name", DUMPS)
def test_symbolize(name):
    # Each of nm's symbols (the manifest's sym lines) is where symbolize
    # puts its own address, and an address inside it at the right offset.
    # Absolute symbols (N_ABS, nm's "A": kernbase) are numbers, not places.
    syms = [(n, int(v, 0)) for n, v, t in
            (s.split() for s in manifest(name).all("sym"))
            if int(t, 0) & ~1 != 0x02]
    values = {v for _n, v in syms}
    with kvmarm.Dump(fixture(name, "core"), fixture(name, "kernel")) as d:
        for n, v in syms:
            got = d.symbolize(v)
            assert got is not None and got[1] == 0, n
            assert d.symbol(got[0]) == v     # n, or an alias at v
            if v + 2 not in values:
                got2 = d.symbolize(v + 2)
                assert got2 is None or got2 == (got[0], 2) or \
                    d.symbol(got2[0]) > v
        assert d.symbolize(0x10) is None
