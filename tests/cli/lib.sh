# lib.sh: helpers the kvmarm CLI tests source (". tests/cli/lib.sh").
# Run on its own it defines functions and does nothing else.
#
# Every check prints exactly one line: "ok - NAME" or "not ok - NAME: why".
# Expected values come from fixtures/*.manifest and fixtures/*.desc, never
# from kvmarm's own output.

BUILD=${1:-build}
K=$BUILD/kvmarm
F=fixtures
FAILED=0
TMP=${TMPDIR:-/tmp}/kvmarm-cli.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1: $2"; FAILED=1; }
finish() { exit $FAILED; }

# run ARGS...: kvmarm's stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() {
	"$K" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

first_err() { head -n 1 "$TMP/err" | cut -c1-200; }

# expect_rc NAME N: the last run exited with N.
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1"
	else notok "$1" "exit $rc, expected $2 (stderr: $(first_err))"; fi
}

# expect_out NAME FIXED-STRING: stdout has a line containing it.
expect_out() {
	if grep -F -e "$2" "$TMP/out" >/dev/null; then ok "$1"
	else notok "$1" "no '$2' in the output"; fi
}

# expect_line NAME REGEX: stdout has a line matching the basic regex.
expect_line() {
	if grep -e "$2" "$TMP/out" >/dev/null; then ok "$1"
	else notok "$1" "no line matching '$2'"; fi
}

expect_no_err() {
	if [ ! -s "$TMP/err" ]; then ok "$1"
	else notok "$1" "stderr: $(first_err)"; fi
}

# expect_no_out NAME: the last run printed nothing on stdout.
expect_no_out() {
	if [ ! -s "$TMP/out" ]; then ok "$1"
	else notok "$1" "stdout: $(head -n 1 "$TMP/out" | cut -c1-200)"; fi
}

# expect_err NAME FIXED-STRING: stderr is one line, starts with "kvmarm: "
# and contains the string (the file it names, usually).
expect_err() {
	_lines=$(wc -l <"$TMP/err" | tr -d ' ')
	if [ "$_lines" -ne 1 ]; then notok "$1" "$_lines lines on stderr, expected 1"
	elif ! grep -F -e "$2" "$TMP/err" >/dev/null; then
		notok "$1" "stderr lacks '$2': $(first_err)"
	elif ! grep '^kvmarm: ' "$TMP/err" >/dev/null; then
		notok "$1" "stderr does not start with 'kvmarm: '"
	else ok "$1"; fi
}

# mf NAME KEY: the first value of KEY in fixtures/NAME.manifest.
mf() { awk -v k="$2" '$1 == k { print $2; exit }' "$F/$1.manifest"; }

# hex8 VALUE: a number (hex or decimal) as 0x%08x, as kvmarm prints addresses.
hex8() { printf '0x%08x' "$(($1))"; }

# hexbytes FILE OFFSET COUNT: COUNT bytes of FILE at OFFSET as plain hex.
hexbytes() {
	dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | od -An -v -tx1 |
	    tr -d ' \n'
}

# desc_msgbuf NAME: the text of the msgbuf directive of fixtures/NAME.desc
# with its \n escapes turned into newlines.
desc_msgbuf() {
	sed -n 's/^msgbuf [^ ]* "\(.*\)".*$/\1/p' "$F/$1.desc" |
	    sed 's/\\n/\
/g'
}

# A 32-bit value as 8 hex digits in little- or big-endian byte order.
le32() { printf '%08x' $(($1)) | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'; }
be32() { printf '%08x' $(($1)); }

# dup_tid_core: $TMP/dup.core, threads-le with two td_tids rewritten
# (100003 := 100030, a repeat; 100004 := 0), the exporters' fresh-id case.
# The struct thread addresses and td_tid's offset come from the manifest.
dup_tid_core() {
	_m=$F/threads-le.manifest
	cp "$F/threads-le.image" "$TMP/dup.image"
	_base=$(awk '$1 == "image" { print $2 }' "$_m")
	_off=$(awk '$1 == "offset" && $2 == "thread_off_td_tid" { print $3 }' "$_m")
	for _pair in 100003:100030 100004:0; do
		_td=$(awk -v t="${_pair%%:*}" '$1 == "addr" && $2 == t { print $4 }' "$_m")
		for _b in $(le32 "${_pair#*:}" | sed 's/../& /g'); do
			printf "\\$(printf '%03o' "0x$_b")"
		done | dd of="$TMP/dup.image" bs=1 seek=$((_td - _base + _off)) \
		    conv=notrunc 2>/dev/null
	done
	sed "s|^image [^ ]*|image $TMP/dup.image|" "$F/threads-le.desc" >"$TMP/dup.desc"
	"$BUILD/tests/mkcore" "$TMP/dup.desc" "$TMP/dup.core" >/dev/null 2>&1
}

json_valid() {	# NAME: $TMP/out is one valid JSON document
	if command -v python3 >/dev/null 2>&1; then
		if python3 -m json.tool "$TMP/out" >/dev/null 2>&1; then ok "$1"
		else notok "$1" "python3 -m json.tool rejects it"; fi
	else
		echo "skip - $1: no python3"
	fi
}

if [ ! -x "$K" ]; then
	notok "kvmarm is built" "$K is missing (make build/kvmarm)"
	exit 1
fi
