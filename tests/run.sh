#!/bin/sh
# Run every test program and script; each prints one line per check:
#   ok - NAME   or   not ok - NAME: what went wrong   or   skip - NAME: why
# and this prints one line per program as it goes, the failures and skips,
# and a closing "N passed, N failed, N skipped".
# Usage: tests/run.sh BUILD_DIR
build=${1:-build}
log=$(mktemp)
out=$(mktemp)
status=0
# The gzip index cache goes to a directory of the run's own, not ~/.cache.
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
for t in "$build"/tests/test_* tests/test_*.sh tests/cli/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in
	*.sh) cmd="sh $t $build" ;;
	*.o) continue ;;
	*) [ -x "$t" ] || continue; cmd="$t" ;;
	esac
	(cd "$(dirname "$0")/.." && $cmd) >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >>"$log"
	printf '%-36s %4d ok, %d not ok, %d skipped\n' "$t" \
	    "$(grep -c '^ok - ' "$out")" "$(grep -c '^not ok - ' "$out")" \
	    "$(grep -c '^skip - ' "$out")"
	# A program that fails or dies without saying which check failed (a
	# crash after its last "ok") still counts as a failure.
	if [ $rc -ne 0 ]; then
		status=1
		grep -q '^not ok - ' "$out" ||
		    echo "not ok - $t: exited with status $rc" >>"$log"
	fi
done
grep '^skip - ' "$log"
grep '^not ok - ' "$log"
passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
skipped=$(grep -c '^skip - ' "$log")
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
rm -f "$log" "$out"
rm -rf "$XDG_CACHE_HOME"
exit $status
