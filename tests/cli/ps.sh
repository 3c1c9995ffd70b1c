# kvmarm ps: every thread of the qemu-run fixtures, in text and JSON,
# against the manifests the fixture program wrote; info's panic lines;
# the damaged lists and a kernel that is not FreeBSD's.
. tests/cli/lib.sh

for n in threads-le threads-be threads-dwarf; do
	k="-N $F/$n.kernel -M $F/$n.core"
	run $k ps
	expect_rc "ps $n: exit 0" 0
	expect_no_err "ps $n: nothing on stderr"
	# thread PID TID ONCPU CRASHED PCBKIND COMM NAME
	awk '$1 == "thread"' "$F/$n.manifest" >"$TMP/want"
	lines=$(awk 'NR > 1' "$TMP/out" | wc -l | tr -d ' ')
	want=$(wc -l <"$TMP/want" | tr -d ' ')
	[ "$lines" = "$want" ] && ok "ps $n: $want threads" ||
	    notok "ps $n: $want threads" "$lines lines"
	while read -r _ pid tid cpu crashed pcb comm name; do
		[ "$cpu" = -1 ] && cpu=-
		mark=' '; [ "$crashed" = 1 ] && mark='\*'
		expect_line "ps $n: tid $tid" \
		    "^$mark  *$pid  *$tid  *$cpu  *$pcb  *$comm/$name\\( (crashed)\\)\\{0,1\\}\\( (zombie)\\)\\{0,1\\}\$"
	done <"$TMP/want"

	run $k ps --json
	expect_rc "ps --json $n: exit 0" 0
	json_valid "ps --json $n: valid JSON"
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$TMP/out" "$F/$n.manifest" >"$TMP/py" 2>&1 <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["threads"]
want, addr, regs = [], {}, {}
for line in open(sys.argv[2]):
    f = line.split()
    if not f:
        continue
    if f[0] == "thread":
        want.append(f[1:8])
    elif f[0] == "addr":
        addr[int(f[1])] = [int(x, 16) for x in f[2:5]]
    elif f[0] == "regs":
        regs[int(f[1])] = [int(x, 16) for x in f[2:14]]
names = ["r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"]
bad = []
if len(got) != len(want):
    bad.append("%d threads, want %d" % (len(got), len(want)))
for g, w in zip(got, want):
    pid, tid, cpu, crashed, pcb, comm, name = w
    tid = int(tid)
    exp = {"pid": int(pid), "tid": tid, "comm": comm, "name": name,
           "oncpu": None if cpu == "-1" else int(cpu),
           "crashed": crashed == "1", "pcb": pcb}
    if tid in addr:
        exp["proc"], exp["thread"] = addr[tid][0], addr[tid][1]
    if tid in regs:
        exp["regs"] = dict(zip(names, regs[tid]))
    for k, v in exp.items():
        if g.get(k) != v:
            bad.append("tid %d %s: %r, want %r" % (tid, k, g.get(k), v))
print("; ".join(bad[:3]) if bad else "same")
PY
		if [ "$(cat "$TMP/py")" = same ]; then ok "ps --json $n: every field as the manifest"
		else notok "ps --json $n: every field as the manifest" "$(head -c 300 "$TMP/py")"; fi
	else
		echo "skip - ps --json $n fields: no python3"
	fi

	run $k info
	expect_rc "info $n: exit 0" 0
	expect_line "info $n: panic string" "^panic: *$(sed -n 's/^panicstr //p' "$F/$n.manifest")\$"
	# info puts text from the dump on one line: runs of spaces become one.
	expect_out "info $n: kernel version" "$(sed -n 's/^version //p' "$F/$n.manifest" | tr -s ' ')"
	dt=$(mf $n dumptid)
	dpid=$(awk -v t="$dt" '$1 == "thread" && $3 == t { print $2 }' "$F/$n.manifest")
	expect_line "info $n: crashed thread" "^crashed thread: *tid $dt, pid $dpid "
	run $k info --json
	json_valid "info --json $n: valid JSON"
	expect_out "info --json $n: crashed_thread" "\"crashed_thread\": {\"tid\": $dt, \"pid\": $dpid,"
done

# Damaged lists: what was read, then a warning naming the address; exit 1.
for n in threads-loop threads-cut; do
	run -N $F/threads-le.kernel -M $F/$n.core ps
	expect_rc "ps $n: exit 1" 1
	want=$(awk '$1 == "thread"' "$F/$n.manifest" | wc -l | tr -d ' ')
	later=$(awk '$1 == "later"' "$F/$n.manifest" | wc -l | tr -d ' ')
	lines=$(awk 'NR > 1' "$TMP/out" | wc -l | tr -d ' ')
	[ "$lines" -ge "$want" ] && [ "$lines" -le $((want + later)) ] &&
	    ok "ps $n: the $want threads before the damage" ||
	    notok "ps $n: the $want threads before the damage" "$lines lines"
	for tid in $(awk '$1 == "lost" { print $2 }' "$F/$n.manifest"); do
		if awk -v t="$tid" '$2 == t || $3 == t { f = 1 } END { exit !f }' "$TMP/out"; then
			notok "ps $n: lost tid $tid not listed" "it is"
		else ok "ps $n: lost tid $tid not listed"; fi
	done
	addr=$(awk '$1 == "warn" { print $3 }' "$F/$n.manifest")
	expect_err "ps $n: one warning naming $addr" "$addr"
	# The other lists go on after the damage: the count is of them all.
	expect_err "ps $n: the warning counts the $lines threads listed" \
	    "($lines threads listed)"
done

run -N $F/armv7-v2.kernel -M $F/armv7-v2.core ps
expect_rc "ps without allproc: exit 2" 2
expect_err "ps without allproc: one line" "allproc"
run -M $F/threads-le.core ps
expect_rc "ps without -N: exit 2" 2
finish
