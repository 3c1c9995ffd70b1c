"""python/examples/triage.py: one JSON line per core of a directory."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, fixture

TRIAGE = os.path.join(ROOT, "python", "examples", "triage.py")


def triage(directory, *args):
    out = subprocess.run([sys.executable, TRIAGE, str(directory), *args],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def link(tmp_path, name, as_name=None):
    for ext in ("core", "kernel"):
        os.symlink(fixture(name, ext),
                   tmp_path / ("%s.%s" % (as_name or name, ext)))


def test_cores_without_panic_facts(tmp_path):
    # Kernels with symbols but no panicstr or allproc: a line each, saying
    # why in the library's words; the other cores still get their lines.
    link(tmp_path, "armv7-v2")
    link(tmp_path, "armv5-v1-be")
    (tmp_path / "broken.core").write_bytes(b"not a dump")
    lines = triage(tmp_path)
    assert [os.path.basename(l["core"]) for l in lines] == \
        ["armv5-v1-be.core", "armv7-v2.core", "broken.core"]
    for l in lines:
        assert l["errors"] and all(l["core"] in e for e in l["errors"])
    assert lines[1]["kernel"].endswith("armv7-v2.kernel")
    assert "panicstr" in lines[1]["errors"][0]


@pytest.mark.skipif(not os.path.exists(fixture("threads-le", "core")),
                    reason="no qemu-run thread fixtures")
def test_threads_fixture(tmp_path):
    from test_threads import ThreadsManifest
    link(tmp_path, "threads-le", "vmcore-le")
    link(tmp_path, "threads-be", "vmcore-be")
    for line in triage(tmp_path, "--frames", "3"):
        name = "threads-" + line["core"].split("vmcore-")[1][:2]
        m = ThreadsManifest(name)
        assert "errors" not in line, line
        assert line["panic"] == m.facts["panicstr"]
        assert line["version"] == m.facts["version"].strip()
        assert line["crashed"]["tid"] == int(m.facts["dumptid"])
        want = m.frames[line["crashed"]["tid"]]
        assert [f["function"].split("+")[0] for f in line["frames"]] == \
            [want[i]["function"] for i in range(min(3, len(want)))]
