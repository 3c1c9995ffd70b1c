# kvmarm bt: backtraces of the thread fixtures against their manifests (the
# fixture program's own call records): the crashed thread by default, a
# thread by TID, every thread with -a and --json; source lines against
# gdb-multiarch's; damaged thread lists; usage errors.
. tests/cli/lib.sh

# frames_of MANIFEST TID: "LEVEL PC FUNCTION [TF]" per frame line.
frames_of() {
	awk -v t="$2" '$1 == "frame" && $2 == t { print $3, $4, $5, $7 }' "$1"
}

for n in threads-le threads-be; do
	m=$F/$n.manifest
	k="-N $F/$n.kernel -M $F/$n.core"
	crashed=$(awk '$1 == "dumptid" { print $2 }' "$m")
	set -- $(awk -v t="$crashed" '$1 == "thread" && $3 == t { print $2, $6, $7, $8 }' "$m")
	pid=$1 comm=$3 name=$4

	# The crashed thread by default, as kgdb's bt shows it.
	run $k bt
	expect_rc "bt $n: exit 0" 0
	expect_no_err "bt $n: nothing on stderr"
	expect_line "bt $n: the crashed thread's header" \
	    "^Thread $crashed (pid $pid, $comm/$name) (crashed):\$"
	frames_of "$m" "$crashed" >"$TMP/frames"
	while read -r level pc fn tf; do
		expect_line "bt $n: #$level $pc in $fn" "^#$level $pc in $fn+0x[0-9a-f]*\( at .*\)\{0,1\}\$"
		if [ -n "$tf" ]; then
			# The trapframe line comes right before its frame.
			if grep -B1 "^#$level $pc " "$TMP/out" | head -n 1 |
			    grep -q "^--- trapframe at $tf (data abort) ---\$"; then
				ok "bt $n: trapframe $tf (data abort) before #$level"
			else
				notok "bt $n: trapframe $tf before #$level" \
				    "$(grep -B1 "^#$level " "$TMP/out" | head -n 1)"
			fi
		fi
	done <"$TMP/frames"
	nf=$(wc -l <"$TMP/frames" | tr -d ' ')
	got=$(grep -c '^#' "$TMP/out")
	if [ "$got" = "$nf" ]; then ok "bt $n: $nf frames"
	else notok "bt $n: $nf frames" "$got printed"; fi
	if grep -q '^Backtrace stopped' "$TMP/out"; then
		notok "bt $n: ends cleanly at thread_start" "$(grep '^Backtrace stopped' "$TMP/out")"
	else ok "bt $n: ends cleanly at thread_start"; fi

	# Source lines: what gdb-multiarch says of frame 0's pc.
	set -- $(frames_of "$m" "$crashed" | head -n 1)
	if command -v gdb-multiarch >/dev/null 2>&1; then
		gl=$(gdb-multiarch -batch -nx -ex "info line *$2" "$F/$n.kernel" 2>/dev/null |
		    sed -n 's/^Line \([0-9]*\) of "\([^"]*\)".*/\2:\1/p' | head -n 1)
		expect_line "bt $n: #0 at $gl (gdb's info line)" "^#0 $2 in .* at $gl\$"
	else
		echo "skip - bt $n: source lines: no gdb-multiarch"
	fi

	# info shows the panic site: the crashed thread's first frames.
	set -- $(frames_of "$m" "$crashed" | head -n 1)
	run $k info
	expect_line "info $n: backtrace #0 $2 in $3" "^backtrace: *#0 $2 in $3+0x"
	tf=$(awk -v t="$crashed" '$1 == "frame" && $2 == t && $6 == "trapframe" { print $7; exit }' "$m")
	expect_line "info $n: the trapframe at $tf" "^ *--- trapframe at $tf (data abort) ---\$"
	run $k info --json
	expect_line "info --json $n: crashed_frames, #0 first" \
	    "^    {\"pc\": $(($2)), \"sp\": [0-9]*, \"function\": \"$3\""

	# Another thread, by TID: a sleeping one.
	other=$(awk -v c="$crashed" '$1 == "thread" && $3 != c && $6 == "td_pcb" { print $3; exit }' "$m")
	run $k bt "$other"
	expect_rc "bt $n $other: exit 0" 0
	frames_of "$m" "$other" >"$TMP/frames"
	if [ "$(awk '{ print "#" $1, $2, "in", $3 }' "$TMP/frames")" = \
	    "$(sed -n 's/^\(#[0-9]* 0x[0-9a-f]* in [^+]*\)+.*/\1/p' "$TMP/out")" ]; then
		ok "bt $n $other: the manifest's frames"
	else
		notok "bt $n $other: the manifest's frames" "$(head -n 3 "$TMP/out" | tr '\n' '|')"
	fi

	# Every thread, as JSON: each thread's tid, pid, name and frames.
	run $k bt -a --json
	expect_rc "bt -a --json $n: exit 0" 0
	json_valid "bt -a --json $n: valid JSON"
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$m" "$TMP/out" "$n" <<'EOF'
import json, sys
man, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
threads, frames = {}, {}
for line in open(man):
    w = line.split()
    if w and w[0] == "thread":
        threads[int(w[2])] = (int(w[1]), w[7])
    elif w and w[0] == "frame":
        frames.setdefault(int(w[1]), []).append(
            (int(w[3], 16), w[4], len(w) > 5 and w[5] == "trapframe"))
doc = json.load(open(out))
keys = {"tid", "pid", "name", "frames"}
fkeys = {"pc", "sp", "function", "offset", "trapframe"}
got = {t["tid"]: t for t in doc["threads"]}
bad = []
if list(doc) != ["threads"]:
    bad.append("top-level keys %s" % list(doc))
for tid, (pid, tname) in threads.items():
    t = got.get(tid)
    if t is None:
        bad.append("no thread %d" % tid)
        continue
    if set(t) != keys or t["pid"] != pid or t["name"] != tname:
        bad.append("thread %d: %s" % (tid, {k: t[k] for k in t if k != "frames"}))
    fr = [(f["pc"], f["function"], f["trapframe"]) for f in t["frames"]]
    if fr != frames[tid] or any(set(f) != fkeys for f in t["frames"]):
        bad.append("thread %d: frames %s" % (tid, fr[:3]))
if len(got) != len(threads):
    bad.append("%d threads, the manifest has %d" % (len(got), len(threads)))
print(("not ok - bt -a --json %s: %s" % (name, bad[0])) if bad else
      "ok - bt -a --json %s: the frames of all %d threads" % (name, len(threads)))
EOF
		[ $? -eq 0 ] || FAILED=1
	else
		echo "skip - bt -a --json $n: no python3"
	fi
done

# Damaged thread lists: the threads before the damage still get their
# backtraces, then a warning and exit 1.
for n in threads-cut threads-loop; do
	run -N "$F/threads-le.kernel" -M "$F/$n.core" bt -a
	expect_rc "bt -a $n: exit 1" 1
	expect_err "bt -a $n: one warning" "warning"
	first=$(awk '$1 == "thread" { print $3; exit }' "$F/$n.manifest")
	expect_line "bt -a $n: the first thread still shown" "^Thread $first "
done

# A core cut inside its image, before the crashed thread's struct thread
# (the manifest's addr line) but after allproc: the walk ends there.  The
# file lacks that struct whatever the dump's header size, and keeps
# allproc while the header is under (thread - allproc) bytes.  bt and info
# on it.
m=$F/threads-le.manifest
crashed=$(mf threads-le dumptid)
td=$(awk -v t="$crashed" '$1 == "addr" && $2 == t { print $4 }' "$m")
base=$(awk '$1 == "image" { print $2 }' "$m")
head -c $((td - base)) "$F/threads-le.core" >"$TMP/cut.core"
run -N "$F/threads-le.kernel" -M "$TMP/cut.core" bt
expect_rc "bt, the list cut before the crashed thread: exit 1" 1
expect_err "bt, the list cut before the crashed thread: one line naming $td" \
    "cannot read struct thread at $(printf '0x%x' $((td)))"
if grep -q "no crashed thread" "$TMP/err"; then
	notok "bt, the list cut before the crashed thread: not 'no crashed thread'" \
	    "$(first_err)"
else ok "bt, the list cut before the crashed thread: not 'no crashed thread'"; fi
expect_err "bt, the list cut before the crashed thread: says it was not reached" \
    "the crashed thread is not among the threads that could be read"
# info on it: the crashed thread is unknown, and info says why rather
# than that there is none.
run -N $F/threads-le.kernel -M "$TMP/cut.core" info
expect_line "info, the list cut before the crashed thread: why it is unknown" \
    "^crashed thread: *unknown: .*cannot read struct thread at $(printf '0x%x' $((td)))"
run -N $F/threads-le.kernel -M "$TMP/cut.core" info --json
json_valid "info --json, the list cut before the crashed thread: valid JSON"
expect_out "info --json, the list cut before the crashed thread: threads_error" \
    "\"threads_error\": \"$TMP/cut.core: cannot read struct thread at $(printf '0x%x' $((td)))"
run -N "$F/threads-le.kernel" -M "$TMP/cut.core" bt "$crashed"
expect_rc "bt $crashed, the list cut before it: exit 1" 1
if grep -q "no thread $crashed before the damage" "$TMP/err"; then
	ok "bt $crashed, the list cut before it: not found before the damage"
else notok "bt $crashed, the list cut before it: not found before the damage" \
	"$(tr '\n' '|' <"$TMP/err")"; fi

# The crashed thread's trapframe made one from user mode (tf_spsr, its
# first word, mode 0x10): the kernel stack ends there, and bt says so on a
# last line naming the trapframe and the user pc (tf_pc), both from
# the manifest's trapframe line.
set -- $(awk -v t="$crashed" '$1 == "trapframe" && $2 == t { print $3, $7 }' "$m")
tf=$1 upc=$2
off=$("$K" -N "$F/threads-le.kernel" -M "$F/threads-le.core" vtop "$tf" |
    sed -n 's/.*offset \(0x[0-9a-f]*\)$/\1/p')
cp "$F/threads-le.core" "$TMP/user.core"
printf '\020\000\000\140' | dd of="$TMP/user.core" bs=1 seek=$((off)) conv=notrunc 2>/dev/null
run -N "$F/threads-le.kernel" -M "$TMP/user.core" bt
expect_rc "bt, a trapframe from user mode: exit 0" 0
expect_line "bt, a trapframe from user mode: the last line says so" \
    "^--- trapframe from user mode at $tf (user pc $upc) ---\$"
if [ "$(tail -n 1 "$TMP/out")" = "--- trapframe from user mode at $tf (user pc $upc) ---" ]; then
	ok "bt, a trapframe from user mode: last"
else notok "bt, a trapframe from user mode: last" "$(tail -n 1 "$TMP/out")"; fi

# Usage.
k="-N $F/threads-le.kernel -M $F/threads-le.core"
run $k bt 99999
expect_rc "bt of a tid not in the dump: exit 1" 1
expect_err "bt of a tid not in the dump: says so" "no thread 99999"
run $k bt -a 100040
expect_rc "bt -a with TIDs: usage, exit 2" 2
run $k bt notatid
expect_rc "bt with a bad TID: usage, exit 2" 2
run -M "$F/threads-le.core" bt
expect_rc "bt without -N: exit 2" 2
expect_err "bt without -N: needs the kernel" "needs the kernel"
run $k bt --ranges
expect_rc "bt --ranges: exit 2" 2
finish
