# kvmarm elfcore on the qemu-run thread fixtures (fixtures/threads-*,
# fixtures/THREADS-MANIFEST.md): gdb-multiarch, drgn and lldb open the
# export with the kernel's DWARF and show every thread of the manifest, the
# crashed one selected, each thread's call chain as far as the debugger can
# unwind (gdb stops at a trapframe), one more thread per trapframe whose
# chain is the interrupted function and its callers, and the manifest's
# `print` values.  Every expected value is the manifest's: the fixture
# kernel recorded it as it ran.
. tests/cli/lib.sh

GDB=gdb-multiarch
PY=/usr/bin/python3
command -v $GDB >/dev/null 2>&1 && HAVE_GDB=1 || {
	HAVE_GDB=0
	echo "skip - elfcore threads in gdb: gdb-multiarch is not installed (tools/setup.sh installs it)"
}
$PY -c 'import drgn' >/dev/null 2>&1 && HAVE_DRGN=1 || {
	HAVE_DRGN=0
	echo "skip - elfcore threads in drgn: no python3-drgn for $PY (tools/setup.sh installs it)"
}
command -v lldb >/dev/null 2>&1 && HAVE_LLDB=1 || {
	HAVE_LLDB=0
	echo "skip - elfcore threads in lldb: lldb is not installed (tools/setup.sh installs it)"
}

# The manifest's facts, in files: tids in walk order, the crashed tid, each
# thread's frames ("TID LEVEL PC FUNCTION [trapframe TF]").
facts() {	# NAME
	m=$F/$1.manifest
	awk '$1 == "thread" { print $3 }' "$m" >"$TMP/tids"
	dumptid=$(awk '$1 == "dumptid" { print $2; exit }' "$m")
	awk '$1 == "frame" { print $2, $3, $4, $5, $6, $7 }' "$m" >"$TMP/frames"
	awk '$1 == "trapframe" { print $2, $3 }' "$m" >"$TMP/tfs"
	maxtid=$(sort -n "$TMP/tids" | tail -n 1)
}

# want_chain TID: the pcs a debugger unwinding from TID's pcb shows: its
# frames up to the first one reached through a trapframe.
want_chain() {
	awk -v t="$1" '$1 == t { if ($5 == "trapframe") exit; printf "%s ", $3 }' "$TMP/frames"
}
# want_context TF: the frames from the one the trapframe at TF interrupted.
want_context() {
	awk -v tf="$1" '$5 == "trapframe" && $6 == tf { on = 1; t = $1 }
	    on && $1 == t { printf "%s ", $3 }' "$TMP/frames"
}

# gdb_session NAME CORE: one gdb run: info threads, then per thread "@@ N"
# and the pc of each frame, then the manifest's print lines, each after
# "@@ print K".
gdb_session() {
	n=$(wc -l <"$TMP/tids")
	ntf=$(wc -l <"$TMP/tfs")
	set -- -batch -nx -ex 'set pagination off' -ex 'info threads'
	i=1
	while [ $i -le $((n + ntf)) ]; do
		set -- "$@" -ex "echo @@ $i\\n" -ex "thread $i" \
		    -ex 'frame apply all -q p/x $pc'
		i=$((i + 1))
	done
	k=0
	awk '$1 == "gdb" { sub(/^gdb /, ""); sub(/ => .*$/, ""); print }' \
	    "$F/$mname.manifest" >"$TMP/exprs"
	while IFS= read -r e; do
		k=$((k + 1))
		set -- "$@" -ex "echo @@ print $k\\n" -ex "print $e"
	done <"$TMP/exprs"
	$GDB "$@" "$kernel" "$core" >"$TMP/gdb" 2>&1
}

# gdb_pcs N: the pcs gdb shows for its thread N, space-separated.
gdb_pcs() {
	awk -v n="$1" '/^@@ / { on = ($2 == n); next }
	    on && /^\$[0-9]+ = 0x/ { printf "%s ", $3 }' "$TMP/gdb"
}

# check NAME KERNEL MANIFEST CORE: export CORE and check it against
# fixtures/MANIFEST.manifest.
check() {
	name=$1 kernel=$F/$2.kernel mname=$3 input=$4
	if [ ! -f "$input" ]; then
		notok "elfcore $name" "no $input"
		return
	fi
	facts "$mname"
	core=$TMP/$name.elf
	run -N "$kernel" -M "$input" elfcore "$core"
	expect_rc "elfcore $name: exit 0" 0
	# Every thread walked and unwound: nothing to say.
	expect_no_err "elfcore $name: no notes (threads and unwinding complete)"

	if [ $HAVE_GDB = 1 ]; then
		gdb_session
		# Thread N of gdb is the core's N-th NT_PRSTATUS: "LWP <id>".
		awk '/^[* ] +[0-9]+ +LWP [0-9]+/ { sub(/^\* /, "  "); print $1, $3 }' \
		    "$TMP/gdb" >"$TMP/lwps"
		while read -r tid; do
			if grep -q " $tid\$" "$TMP/lwps"; then ok "elfcore $name gdb: LWP $tid listed"
			else notok "elfcore $name gdb: LWP $tid listed" "not in info threads"; fi
		done <"$TMP/tids"
		if grep -q "^\* 1 \{1,\}LWP $dumptid " "$TMP/gdb"; then
			ok "elfcore $name gdb: the crashed thread ($dumptid) selected"
		else notok "elfcore $name gdb: the crashed thread ($dumptid) selected" \
		    "$(grep '^\*' "$TMP/gdb" | head -n 1)"; fi

		# Each kernel thread's chain, as far as gdb unwinds.
		while read -r idx lwp; do
			grep -qx "$lwp" "$TMP/tids" || continue
			want=$(want_chain "$lwp")
			got=$(gdb_pcs "$idx")
			if [ "$got" = "$want" ]; then ok "elfcore $name gdb: thread $lwp's frames"
			else notok "elfcore $name gdb: thread $lwp's frames" "got '$got', expected '$want'"; fi
		done <"$TMP/lwps"

		# One more thread per trapframe, its id above every tid, its
		# chain from the interrupted function on.
		extra=$(awk -v m="$maxtid" '$2 > m' "$TMP/lwps")
		if [ "$(echo "$extra" | grep -c .)" = "$(wc -l <"$TMP/tfs" | tr -d ' ')" ] &&
		    [ "$(grep -c . "$TMP/lwps")" = $(($(wc -l <"$TMP/tids") + $(wc -l <"$TMP/tfs"))) ]; then
			ok "elfcore $name gdb: one thread per trapframe, ids above every tid"
		else notok "elfcore $name gdb: one thread per trapframe, ids above every tid" \
		    "threads: $(tr '\n' ' ' <"$TMP/lwps")"; fi
		while read -r tid tf; do
			want=$(want_context "$tf")
			found=0
			for idx in $(echo "$extra" | awk '{ print $1 }'); do
				[ "$(gdb_pcs "$idx")" = "$want" ] && found=1
			done
			if [ $found = 1 ]; then ok "elfcore $name gdb: trapframe $tf's thread: the faulting function and its callers"
			else notok "elfcore $name gdb: trapframe $tf's thread: the faulting function and its callers" \
			    "no extra thread with frames '$want'"; fi
		done <"$TMP/tfs"

		# The manifest's print lines.
		k=0
		awk '$1 == "gdb" { sub(/^gdb /, ""); print }' "$F/$mname.manifest" >"$TMP/prints"
		while IFS= read -r line; do
			k=$((k + 1))
			expr=${line% => *}
			want=${line#* => }
			got=$(awk -v k="$k" '/^@@ / { on = ($2 == "print" && $3 == k); next }
			    on && /^\$[0-9]+ = / { sub(/^\$[0-9]+ = /, ""); print; exit }' "$TMP/gdb")
			if [ "$got" = "$want" ]; then ok "elfcore $name gdb: print $expr"
			else notok "elfcore $name gdb: print $expr" "got '$got', expected '$want'"; fi
		done <"$TMP/prints"
	fi

	if [ $HAVE_DRGN = 1 ]; then
		# drgn: typed globals from the kernel's DWARF, the thread list,
		# the crashed thread.
		pid0=$(awk '$1 == "gdb" && $2 == "allproc.lh_first->p_pid" { print $4 }' "$F/$mname.manifest")
		$PY - "$core" "$kernel" >"$TMP/drgn" 2>&1 <<'PYEOF'
import sys, drgn
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
print("dumptid", prog["dumptid"].value_())
print("pid0", prog["allproc"].lh_first.p_pid.value_())
print("comm0", prog["allproc"].lh_first.p_comm.string_().decode())
print("version", prog["version"].string_().decode())
print("crashed", prog.crashed_thread().tid)
print("tids", *sorted(t.tid for t in prog.threads()))
PYEOF
		d() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }' "$TMP/drgn"; }
		comm0=$(awk '$1 == "proc" { print $4; exit }' "$F/$mname.manifest")
		version=$(awk '$1 == "version" { sub(/^version /, ""); print; exit }' "$F/$mname.manifest")
		[ "$(d dumptid)" = "$dumptid" ] && ok "elfcore $name drgn: dumptid" ||
		    notok "elfcore $name drgn: dumptid" "$(d dumptid) ($(head -n 1 "$TMP/drgn"))"
		[ "$(d pid0)" = "$pid0" ] && ok "elfcore $name drgn: allproc.lh_first->p_pid" ||
		    notok "elfcore $name drgn: allproc.lh_first->p_pid" "$(d pid0), expected $pid0"
		[ "$(d comm0)" = "$comm0" ] && ok "elfcore $name drgn: allproc.lh_first->p_comm" ||
		    notok "elfcore $name drgn: allproc.lh_first->p_comm" "$(d comm0), expected $comm0"
		[ "$(d version)" = "$version" ] && ok "elfcore $name drgn: version" ||
		    notok "elfcore $name drgn: version" "$(d version)"
		[ "$(d crashed)" = "$dumptid" ] && ok "elfcore $name drgn: the crashed thread" ||
		    notok "elfcore $name drgn: the crashed thread" "$(d crashed), expected $dumptid"
		missing=
		for t in $(cat "$TMP/tids"); do
			d tids | tr ' ' '\n' | grep -qx "$t" || missing="$missing $t"
		done
		[ -z "$missing" ] && ok "elfcore $name drgn: every thread listed" ||
		    notok "elfcore $name drgn: every thread listed" "missing$missing"
	fi

	if [ $HAVE_LLDB = 1 ]; then
		# lldb: the thread list, and the crashed thread's frames with the
		# kernel placed at its addresses.
		k=$(basename "$kernel")
		printf 'target modules load --file %s --slide 0\nthread list\nbt\nthread select 2\nbt\nquit\n' "$k" |
		    lldb "$kernel" -c "$core" >"$TMP/lldb" 2>&1
		missing=
		for t in $(cat "$TMP/tids"); do
			grep -q "thread #[0-9]*: tid = $t," "$TMP/lldb" || missing="$missing $t"
		done
		[ -z "$missing" ] && ok "elfcore $name lldb: every thread listed" ||
		    notok "elfcore $name lldb: every thread listed" "missing$missing"
		grep -q "^\* thread #1: tid = $dumptid," "$TMP/lldb" &&
		    ok "elfcore $name lldb: the crashed thread selected" ||
		    notok "elfcore $name lldb: the crashed thread selected" "$(grep '^\* thread' "$TMP/lldb" | head -n 1)"
		# lldb_bt K: the pcs of the K-th bt's frames (bt marks frame 0
		# with '*'; the stop report of "thread select", which lldb may
		# print late, does not).
		lldb_bt() {
			awk -v k="$1" '/^\(lldb\) / { on = ($0 == "(lldb) bt" && ++n == k); next }
			    /^ +frame #0:/ { next }
			    on && /frame #[0-9]+: 0x/ { for (i = 1; i <= NF; i++) if ($i ~ /^0x/) { printf "%s ", $i; break } }' "$TMP/lldb"
		}
		got=$(lldb_bt 1)
		want=$(want_chain "$dumptid")
		tf=$(awk -v t="$dumptid" '$1 == t { print $2; exit }' "$TMP/tfs")
		if grep -q '^version .*armeb$' "$F/$mname.manifest"; then
			# BE8 code is little-endian in a big-endian image.
			echo "skip - elfcore $name lldb: the crashed thread's frames: lldb 14 does not unwind BE8 code (it stops after frame 0)"
		else
			if [ "$got" = "$want" ]; then ok "elfcore $name lldb: the crashed thread's frames"
			else notok "elfcore $name lldb: the crashed thread's frames" "got '$got', expected '$want'"; fi
			# Its trapframe's thread comes right after it.
			got=$(lldb_bt 2)
			want=$(want_context "$tf")
			if [ "$got" = "$want" ]; then ok "elfcore $name lldb: the trapframe's thread from the faulting function"
			else notok "elfcore $name lldb: the trapframe's thread from the faulting function" "got '$got', expected '$want'"; fi
		fi
	fi
}

check threads-le threads-le threads-le "$F/threads-le.core"
check threads-be threads-be threads-be "$F/threads-be.core"
check threads-dwarf threads-dwarf threads-dwarf "$F/threads-dwarf.core"
# The same threads from other containers, made here from the images.
"$BUILD/tests/mkcore" "$F/threads-le-elf.desc" "$TMP/le-elf.core" >/dev/null 2>&1
check "threads-le as a full ELF core" threads-le threads-le "$TMP/le-elf.core"
"$BUILD/tests/mkcore" "$F/threads-be-lpae.desc" "$TMP/be-lpae.core" >/dev/null 2>&1
check "threads-be as an LPAE minidump" threads-be threads-be "$TMP/be-lpae.core"

# Damaged lists: the threads before the damage are exported, the export
# says the list ended early, and no thread behind a cut appears.
for name in threads-loop threads-cut; do
	run -N "$F/threads-le.kernel" -M "$F/$name.core" elfcore "$TMP/$name.elf"
	expect_rc "elfcore $name: exit 0" 0
	if grep -q "thread list ended early" "$TMP/err"; then ok "elfcore $name: says the list ended early"
	else notok "elfcore $name: says the list ended early" "$(first_err)"; fi
	[ $HAVE_GDB = 1 ] || continue
	$GDB -batch -nx -ex 'info threads' "$F/threads-le.kernel" "$TMP/$name.elf" >"$TMP/gdb" 2>&1
	missing=
	for t in $(awk '$1 == "thread" { print $3 }' "$F/$name.manifest"); do
		grep -q "LWP $t " "$TMP/gdb" || missing="$missing $t"
	done
	[ -z "$missing" ] && ok "elfcore $name gdb: the threads before the damage" ||
	    notok "elfcore $name gdb: the threads before the damage" "missing$missing"
	extra=
	for t in $(awk '$1 == "lost" { print $2 }' "$F/$name.manifest"); do
		grep -q "LWP $t " "$TMP/gdb" && extra="$extra $t"
	done
	[ -z "$extra" ] && ok "elfcore $name gdb: none behind the cut" ||
	    notok "elfcore $name gdb: none behind the cut" "listed$extra"
done

# Ids that cannot be tids (the gdb stub's case in gdbserver.sh, the same
# rule: contexts.h): threads-le's image with idle_cpu0's td_tid made
# pagedaemon's (100030) and idle_cpu1's made 0.  idle_cpu0 keeps 100030;
# idle_cpu1 and pagedaemon, in list order, get the two ids after the
# largest tid, the trapframe the next; the trapframe's context still comes
# right after its thread, the crashed one.
MKCORE=$BUILD/tests/mkcore
if [ $HAVE_GDB = 0 ]; then
	echo "skip - elfcore repeated and zero tids: gdb-multiarch is not installed"
elif [ -f "$F/threads-le.manifest" ] && [ -x "$MKCORE" ]; then
	m=$F/threads-le.manifest
	max=$(awk '$1 == "thread" && $3 + 0 > m { m = $3 + 0 } END { print m }' "$m")
	if dup_tid_core; then
		run -N "$F/threads-le.kernel" -M "$TMP/dup.core" elfcore "$TMP/dup.elf"
		expect_rc "elfcore repeated and zero tids: exit 0" 0
		if grep -q "2 threads repeat an earlier tid or have none" "$TMP/err"; then
			ok "elfcore repeated and zero tids: says 2 threads have fresh ids"
		else notok "elfcore repeated and zero tids: says 2 threads have fresh ids" "$(first_err)"; fi
		# gdb's threads in order: the crashed one, its trapframe, then
		# the others in walk order.
		want=$(awk -v m="$max" '$1 == "thread" { t = $3
			if ($5 == 1) { c = t " " m + 3; next }
			if (t == 100003) t = 100030; else if (t == 100004) t = m + 1
			else if (t == 100030) t = m + 2
			o = o " " t } END { print c o }' "$m")
		got=$($GDB -batch -nx -ex 'info threads' "$F/threads-le.kernel" "$TMP/dup.elf" 2>&1 |
		    awk '/^[* ] +[0-9]+ +LWP [0-9]+/ { sub(/^\* /, "  "); printf "%s%s", (n++ ? " " : ""), $3 }')
		if [ "$got" = "$want" ]; then ok "elfcore repeated and zero tids gdb: the stub's ids, each trapframe after its thread"
		else notok "elfcore repeated and zero tids gdb: the stub's ids, each trapframe after its thread" "got '$got', expected '$want'"; fi
	else
		notok "elfcore repeated and zero tids" "mkcore failed on $TMP/dup.desc"
	fi
fi

finish
