#!/bin/sh
# Run every test program and script; each prints one line per check:
#   ok - NAME            or            not ok - NAME: what went wrong
# and this prints the failures and a closing "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
build=${1:-build}
log=$(mktemp)
status=0
for t in "$build"/tests/test_* tests/test_*.sh tests/cli/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *.sh) cmd="sh $t $build" ;; *) [ -x "$t" ] || continue; cmd="$t" ;; esac
	if ! (cd "$(dirname "$0")/.." && $cmd) >>"$log" 2>&1; then
		# A program that dies without a verdict still counts as a failure.
		if ! tail -n 1 "$log" | grep -q '^\(not \)\?ok - '; then
			echo "not ok - $t: exited abnormally" >>"$log"
		fi
		status=1
	fi
done
grep '^not ok - ' "$log"
passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
rm -f "$log"
exit $status
