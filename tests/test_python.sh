#!/bin/sh
# The Python package's tests (python/tests, pytest) against the build tree's
# library, one report line per test for tests/run.sh.
# Usage: sh tests/test_python.sh BUILD_DIR (from the repository root)
build=${1:-build}
py=/usr/bin/python3
lib="$build/libkvm_arm.so.0"
case $lib in /*) ;; *) lib="$PWD/$lib" ;; esac
skip() { echo "skip - python: $1"; exit 0; }

[ -x "$py" ] || skip "no $py"
"$py" -c 'import pytest' 2>/dev/null || skip "no pytest for $py (Debian: python3-pytest)"
[ -f "$lib" ] || { echo "not ok - python: no $lib (run make first)"; exit 1; }
# A sanitizer build's library needs its runtime loaded first, which a plain
# Python has not: those runs test the C side only.
if nm -D "$lib" 2>/dev/null | grep -q '__asan_init\|__ubsan_handle'; then
	skip "$lib is built with sanitizers and cannot be loaded into $py"
fi
report=$(mktemp)
trap 'rm -f "$report" "$report.log"' EXIT
# pytest's own output goes to stderr's log only: the report lines are the
# result.  No cache directory in the source tree.
KVMARM_LIBRARY="$lib" KVMARM_TEST_REPORT="$report" PYTHONPATH=python \
    PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -q -p no:cacheprovider \
    python/tests >"$report.log" 2>&1
rc=$?
cat "$report"
if [ $rc -ne 0 ] && ! grep -q '^not ok - ' "$report"; then
	# pytest failed before any test ran (a collection error): say why.
	echo "not ok - python: pytest exited with $rc: $(grep -m1 -E 'Error|error' "$report.log" | cut -c1-200)"
fi
rm -f "$report.log"
exit $rc
