"""
Shared pieces of the Python tests: where the fixtures are, their manifests
(the expected facts mkcore, nm and the fixture makers wrote, never this
library's output), compressed copies made at test time, and the report
lines tests/run.sh counts.

Run from the repository root:
    KVMARM_LIBRARY=build/libkvm_arm.so.0 PYTHONPATH=python \\
        /usr/bin/python3 -m pytest -q python/tests
(tests/test_python.sh does that and prints one line per test).
"""
import gzip
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "fixtures")

# The committed minidump and ELF-core fixtures with a manifest.
DUMPS = ["armv7-v2", "armv5-v1-be", "lpae-v2", "old-v1", "wrapped-v2-be",
         "elfcore-v6-be"]


def fixture(name, ext):
    return os.path.join(FIXTURES, "%s.%s" % (name, ext))


class Manifest:
    """fixtures/NAME.manifest: one fact a line, "KEY ARGS..."."""

    def __init__(self, path):
        self.lines = []
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line and not line.startswith("#"):
                    key, _, rest = line.partition(" ")
                    self.lines.append((key, rest))

    def all(self, key):
        return [rest for k, rest in self.lines if k == key]

    def one(self, key):
        found = self.all(key)
        return found[0] if found else None

    def number(self, key):
        v = self.one(key)
        return None if v is None else int(v, 0)


def manifest(name):
    return Manifest(fixture(name, "manifest"))


def desc_msgbuf(name):
    """The text of fixtures/NAME.desc's msgbuf directive and the ring's
    size, with the directive's C escapes (\\n, \\xNN) decoded."""
    with open(fixture(name, "desc")) as f:
        for line in f:
            m = re.match(r'^msgbuf (\S+) "(.*)"\s*$', line)
            if m:
                text = re.sub(rb"\\x([0-9a-fA-F]{2})",
                              lambda x: bytes([int(x.group(1), 16)]),
                              m.group(2).encode()).replace(b"\\n", b"\n")
                return text, int(m.group(1), 0)
    return None, None


@pytest.fixture(scope="session")
def compressed(tmp_path_factory):
    """compressed(name, how): the path of fixtures/NAME.core as "plain",
    "gzip" (vmcore.N.gz) or "zstd" (vmcore.N.zst), the copies made once."""
    tmp = tmp_path_factory.mktemp("cores")
    made = {}

    def get(name, how):
        src = fixture(name, "core")
        if how == "plain":
            return src
        key = (name, how)
        if key not in made:
            if how == "gzip":
                dst = str(tmp / (name + ".core.gz"))
                with open(src, "rb") as fi, gzip.open(dst, "wb", compresslevel=1) as fo:
                    shutil.copyfileobj(fi, fo)
            elif how == "zstd":
                if shutil.which("zstd") is None:
                    pytest.skip("no zstd command to make a .zst copy")
                dst = str(tmp / (name + ".core.zst"))
                subprocess.run(["zstd", "-q", "-o", dst, src], check=True)
            else:
                raise ValueError(how)
            made[key] = dst
        return made[key]

    return get


# ---- one report line per test, for tests/run.sh --------------------------

def _reason(report):
    if report.skipped and isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    text = str(report.longrepr).strip().splitlines()
    # pytest's last line names the file and line; the one with "E " says why.
    why = [l[1:].strip() for l in text if l.startswith("E ")]
    return (why[0] if why else text[-1] if text else "failed")[:300]


def pytest_runtest_logreport(report):
    out = os.environ.get("KVMARM_TEST_REPORT")
    if not out:
        return
    name = "python: " + report.nodeid.replace("python/tests/", "")
    line = None
    if report.when == "call" and report.passed:
        line = "ok - " + name
    elif report.failed:
        line = "not ok - %s (%s): %s" % (name, report.when, _reason(report))
    elif report.skipped:
        line = "skip - %s: %s" % (name, _reason(report))
    if line is not None:
        with open(out, "a") as f:
            f.write(line.replace("\n", " ") + "\n")
