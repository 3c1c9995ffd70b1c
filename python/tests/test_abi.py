"""The ctypes declarations of python/kvmarm/_lib.py against the C compiler's
layout of include/kvm_arm.h: every struct's size and every field's offset.
A field the header adds or moves shows here, not as memory corruption."""
import ctypes
import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from kvmarm import _lib

STRUCTS = {
    "kvm_nlist": _lib.KvmNlist,
    "kvm_page": _lib.KvmPage,
    "kvm_arm_range": _lib.Range,
    "kvm_arm_info": _lib.Info,
    "kvm_arm_dumpheader": _lib.DumpHeader,
    "kvm_arm_regs": _lib.Regs,
    "kvm_arm_thread": _lib.Thread,
    "kvm_arm_panic": _lib.Panic,
    "kvm_arm_frame": _lib.Frame,
}


def test_layouts(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to lay out include/kvm_arm.h")
    lines = ["#include <stddef.h>", "#include <stdio.h>",
             "#include <kvm_arm.h>", "int main(void) {"]
    want = []
    for cname, ctype in STRUCTS.items():
        lines.append('printf("%%zu\\n", sizeof(struct %s));' % cname)
        want.append(("sizeof", cname, ctypes.sizeof(ctype)))
        for field, _t in ctype._fields_:
            lines.append('printf("%%zu\\n", offsetof(struct %s, %s));' %
                         (cname, field))
            want.append((cname, field, getattr(ctype, field).offset))
    lines += ["return 0; }"]
    src, exe = tmp_path / "layout.c", tmp_path / "layout"
    src.write_text("\n".join(lines) + "\n")
    subprocess.run([cc, "-std=c11", "-D_FILE_OFFSET_BITS=64",
                    "-I" + os.path.join(ROOT, "include"), "-o", str(exe),
                    str(src)], check=True, capture_output=True)
    got = subprocess.run([str(exe)], check=True, capture_output=True,
                         text=True).stdout.split()
    assert len(got) == len(want)
    wrong = [(a, b, c, int(g)) for (a, b, c), g in zip(want, got)
             if c != int(g)]
    assert not wrong, "ctypes vs C (what, field, ctypes, C): %s" % wrong
