# kvmarm gdbserver: the GDB remote protocol stub, packet by packet, then
# through gdb-multiarch (pipe and TCP) and lldb.  Memory must equal the
# fixture manifests' read lines; replies are built here from the protocol's
# rules (the checksum computed with od, apart from the stub's code).
. tests/cli/lib.sh

# pkt DATA: DATA as a packet, "$DATA#xx" (DATA needs no escaping).
pkt() {
	printf '$%s#%02x' "$1" "$(printf '%s' "$1" | od -An -v -tu1 |
	    awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 256 }')"
}

# hexstr TEXT: TEXT's bytes as lowercase hex.
hexstr() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# stub CORE: kvmarm gdbserver on CORE with $TMP/in as the debugger's bytes.
stub() {
	"$K" -M "$1" gdbserver <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# listen_stub ARGS...: kvmarm ARGS gdbserver --listen 0 in the background
# (at most 2 minutes); $pid, and $port once it names one (empty if it does
# not within 2 s).  Each run logs to its own file: a reused one could still
# hold the last run's port when read.
nlisten=0
listen_stub() {
	nlisten=$((nlisten + 1))
	lerr=$TMP/listen.$nlisten
	timeout 120 "$K" "$@" gdbserver --listen 0 2>"$lerr" &
	pid=$!
	port=
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		port=$(sed -n 's/^kvmarm: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$lerr" 2>/dev/null)
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || kill "$pid" 2>/dev/null
}

# expect_bytes NAME WANT: the stub exited 0 and wrote exactly WANT.
expect_bytes() {
	got=$(cat "$TMP/out")
	if [ "$rc" -ne 0 ]; then notok "$1" "exit $rc ($(first_err))"
	elif [ "$got" = "$2" ]; then ok "$1"
	else notok "$1" "got '$(printf '%s' "$got" | cut -c1-120)', want '$(printf '%s' "$2" | cut -c1-120)'"; fi
}

# reply NAME CORE REQUEST REPLY: one request, acknowledged and answered.
reply() {
	pkt "$3" >"$TMP/in"
	stub "$2"
	expect_bytes "$1" "+$(pkt "$4")"
}

C=$F/armv7-v2.core

# ---- the protocol, packet by packet ---------------------------------------

reply "qSupported" "$C" "qSupported:multiprocess+;swbreak+;xmlRegisters=i386" \
    "PacketSize=4000;qXfer:features:read+;qXfer:threads:read+"
reply "qAttached" "$C" "qAttached" "1"
reply "vMustReplyEmpty" "$C" "vMustReplyEmpty" ""
reply "vCont? (none: c and s are refused anyway)" "$C" "vCont?" ""
reply "qOffsets empty" "$C" "qOffsets" ""
reply "qSymbol empty" "$C" "qSymbol::" ""
reply "unknown packet empty" "$C" "Z0,c0100000,4" ""

# Memory: every read line of the manifests, in both byte orders.
for n in armv7-v2 armv5-v1-be lpae-v2 old-v1; do
	awk '$1 == "read" { print $2, $3 }' "$F/$n.manifest" >"$TMP/reads"
	while read -r va hex; do
		reply "m $n $va" "$F/$n.core" \
		    "m$(printf '%x' $((va))),$(printf '%x' $((${#hex} / 2)))" "$hex"
	done <"$TMP/reads"
	# Addresses the manifest says cannot be read answer an error.
	for va in $(awk '$1 == "fail" { print $2 }' "$F/$n.manifest"); do
		reply "m $n $va unreadable" "$F/$n.core" \
		    "m$(printf '%x' $((va))),4" "E0e"
	done
done
# armv7-v2.desc maps 0xc0100000..0xc0110000 and nothing after: a read over
# the end answers the readable prefix (the manifest's 8 bytes at c010fff8).
reply "m partly readable: the prefix" "$C" "mc010fff8,10" \
    "$(awk '$1 == "read" && $2 == "0xc010fff8" { print $3 }' "$F/armv7-v2.manifest")"
reply "m past 32 bits" "$C" "m100000000,4" "E0e"
reply "m malformed address" "$C" "mzz,4" "E16"
reply "m without a length" "$C" "mc0100000" "E16"
reply "m of length 0" "$C" "mc0100000,0" "E16"

# Read-only: writes, resume and step are refused.
reply "M refused" "$C" "Mc0100000,1:00" "E1e"
reply "G refused" "$C" "G00000000" "E1e"
reply "P refused" "$C" "P0=00000000" "E1e"
msg="the target is a crash dump: it cannot be written, resumed or stepped
"
for req in c s "vCont;c" "C05"; do
	pkt "$req" >"$TMP/in"
	stub "$C"
	expect_bytes "$req refused with a message" \
	    "+$(pkt "O$(hexstr "$msg")")$(pkt E1e)"
done

# No threads in these fixtures' kernels: one thread, id 1, registers
# unknown ('x') but for pc 0, which gdb needs to attach at all.
reply "? without threads" "$C" "?" "T05thread:1;"
reply "qC without threads" "$C" "qC" "QC1"
x8=xxxxxxxx
reply "g without threads" "$C" "g" \
    "$x8$x8$x8$x8$x8$x8$x8$x8$x8$x8$x8$x8$x8$x8${x8}00000000$x8"
reply "p pc" "$C" "pf" "00000000"
reply "p cpsr unknown" "$C" "p10" "$x8"
reply "p past cpsr" "$C" "p11" "E16"
reply "T of the thread" "$C" "T1" "OK"
reply "T of no thread" "$C" "T2" "E16"
reply "Hg of no thread" "$C" "Hg2" "E16"
reply "Hg any" "$C" "Hg0" "OK"
{ pkt qfThreadInfo; pkt qsThreadInfo; } >"$TMP/in"
stub "$C"
expect_bytes "thread list" "+$(pkt m1)+$(pkt l)"

# The target description: 16 core registers and cpsr.
pkt "qXfer:features:read:target.xml:0,3fff" >"$TMP/in"
stub "$C"
if grep -q 'org.gnu.gdb.arm.core' "$TMP/out" && head -c 3 "$TMP/out" | grep -q '^+\$l' &&
    [ "$(grep -o '<reg ' "$TMP/out" | wc -l)" -eq 17 ]; then ok "target.xml"
else notok "target.xml" "$(head -c 100 "$TMP/out")"; fi
reply "qXfer past the end" "$C" "qXfer:features:read:target.xml:fffff,10" "l"
reply "qXfer other annex" "$C" "qXfer:features:read:other.xml:0,10" "E00"

# Framing: a bad checksum is refused with '-', a '-' repeats the reply,
# an encoding error or an oversize packet gets an error reply.
printf '$g#00' >"$TMP/in"
stub "$C"
expect_bytes "bad checksum: -" "-"
{ pkt qAttached; printf -- -; } >"$TMP/in"
stub "$C"
expect_bytes "- repeats the reply" "+$(pkt 1)$(pkt 1)"
printf '$*5#5f' >"$TMP/in"
stub "$C"
expect_bytes "malformed run-length: E16" "+$(pkt E16)"
{ printf '$'; head -c 20000 /dev/zero | tr '\0' a; printf '#%02x' $((20000 * 97 % 256)); } >"$TMP/in"
stub "$C"
expect_bytes "oversize packet: E07" "+$(pkt E07)"

# Endings: k (acknowledged, no reply), D (OK), a client that leaves in
# the middle of a packet (a note, exit 0), or between packets (silent).
{ pkt k; pkt qAttached; } >"$TMP/in"
stub "$C"
expect_bytes "k ends the session" "+"
{ pkt D; pkt qAttached; } >"$TMP/in"
stub "$C"
expect_bytes "D answers OK and ends" "+$(pkt OK)"
printf '$mc01' >"$TMP/in"
stub "$C"
expect_bytes "cut mid-packet: nothing sent" ""
if grep -q 'middle of a packet' "$TMP/err"; then ok "cut mid-packet: said so"
else notok "cut mid-packet: said so" "stderr: $(first_err)"; fi
: >"$TMP/in"
stub "$C"
expect_bytes "no input: clean exit" ""

run -M "$C" gdbserver --listen nonsense
expect_rc "--listen nonsense: usage error" 2
run -M "$C" info --listen 0
expect_rc "--listen only for gdbserver" 2

# ---- gdb-multiarch ---------------------------------------------------------

GDB=$(command -v gdb-multiarch)

# gdb_reads NAME TARGET CORE [KERNEL]: x/Nxb of every read line of the
# manifest NAME through gdb connected with TARGET ("| cmd" or host:port);
# the bytes it prints must be the manifest's.
gdb_reads() {
	awk '$1 == "read" { printf "echo @@ %s\\n\nx/%dxb %s\n", $2, length($3) / 2, $2 }' \
	    "$F/$1.manifest" >"$TMP/gdbcmds"
	timeout 60 "$GDB" -batch -nx ${4:+"$4"} -ex "target remote $2" \
	    -x "$TMP/gdbcmds" >"$TMP/gdbout" 2>&1
	awk '/^@@ / { va = $2; got[va] = ""; next }
	    va != "" && /:/ { sub(/^[^:]*:/, ""); for (i = 1; i <= NF; i++)
	    { sub(/^0x/, "", $i); got[va] = got[va] $i } }
	    END { for (v in got) print v, got[v] }' "$TMP/gdbout" >"$TMP/gdbgot"
	awk '$1 == "read" { print $2, $3 }' "$F/$1.manifest" | while read -r va hex; do
		g=$(awk -v v="$va" '$1 == v { print $2 }' "$TMP/gdbgot")
		if [ "$g" = "$hex" ]; then echo "ok - gdb x/xb $3 $va"
		else echo "not ok - gdb x/xb $3 $va: '$g' != '$hex' ($(grep -m1 -i 'error\|cannot' "$TMP/gdbout"))"; fi
	done >"$TMP/gdbres"
	cat "$TMP/gdbres"
	grep -q '^not ok' "$TMP/gdbres" && FAILED=1
	return 0
}

if [ -z "$GDB" ]; then
	echo "skip - gdbserver through gdb: no gdb-multiarch (tools/setup.sh installs it)"
else
	for n in armv7-v2 armv5-v1-be lpae-v2; do
		gdb_reads $n "| $K -M $F/$n.core gdbserver" "$n"
	done
	# A gzip copy: the stub reads through the library's inflater.
	gzip -c "$C" >"$TMP/armv7-v2.core.gz"
	gdb_reads armv7-v2 "| $K -M $TMP/armv7-v2.core.gz gdbserver" "armv7-v2.gz"

	# Kernel globals through the kernel's symbols, in both byte orders.
	for n in armv7-v2 armv5-v1-be; do
		timeout 60 "$GDB" -batch -nx "$F/$n.kernel" \
		    -ex "target remote | $K -N $F/$n.kernel -M $F/$n.core gdbserver" \
		    -ex 'print (int)hz' -ex 'x/s (char *)&version' \
		    -ex 'print *(int *)0xc0ffff00' >"$TMP/gdbout" 2>&1
		want=$(awk '$1 == "word32" && $2 == "hz" { print $3 }' "$F/$n.manifest")
		if grep -q "^\$1 = $want\$" "$TMP/gdbout"; then ok "gdb print hz $n"
		else notok "gdb print hz $n" "$(grep -m1 '^\$1\|rror' "$TMP/gdbout")"; fi
		want=$(awk '$1 == "string" && $2 == "version" { sub(/^string version /, ""); print; exit }' "$F/$n.manifest")
		if grep -qF "\"$want\"" "$TMP/gdbout"; then ok "gdb x/s version $n"
		else notok "gdb x/s version $n" "no \"$want\""; fi
		if grep -q 'Cannot access memory at address 0xc0ffff00' "$TMP/gdbout"; then
			ok "gdb unmapped address $n"
		else notok "gdb unmapped address $n" "$(tail -n 1 "$TMP/gdbout")"; fi
	done

	# The same over TCP: --listen 0 picks a port and names it.
	listen_stub -M "$C"
	if [ -z "$port" ]; then
		notok "--listen 0: port" "stderr: $(head -c 200 "$lerr")"
	else
		ok "--listen 0: port $port"
		gdb_reads armv7-v2 "127.0.0.1:$port" "armv7-v2 (tcp)"
		wait "$pid"
		rc=$?
		expect_rc "--listen: exit 0 after gdb leaves" 0
	fi
fi

# ---- threads: gdb against the thread fixtures' manifests ------------------

# expect_contexts NAME: from fixtures/NAME.manifest (written by the fixture
# kernel itself), what the stub must show, in $TMP/want:
#   ctx ID COMM/NAME [TRAPFRAME]   in gdb's thread order: the crashed thread,
#                                  the others in walk order, then one per
#                                  trapframe (ids after the largest tid)
#   frame ID LEVEL PC FUNCTION     each context's chain, levels from 0
#   reg ID NAME VALUE              registers known at level 0
# A trapframe context's chain is the manifest's frames from the trapframe
# on; the thread's own stops before it.  gdb names the exception_exit frame
# (pc = the symbol) by pc - 1, data_abort_entry: the manifest says so.
expect_contexts() {
	awk '
	$1 == "thread" { nt++; tids[nt] = $3; nm[$3] = $7 "/" $8
		if ($5 == 1) crashed = $3; if ($3 + 0 > max) max = $3 + 0 }
	$1 == "frame" { nf[$2]++; f = $5 == "exception_exit" ? "data_abort_entry" : $5
		fl[$2, nf[$2]] = $4 " " f " " ($6 == "trapframe" ? $7 : "-") }
	$1 == "regs" { split("r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc", rn, " ")
		for (i = 1; i <= 12; i++) rv[$2, rn[i]] = $(i + 2) }
	$1 == "trapframe" { tfr[$3] = "sp " $5 " lr " $6 " pc " $7 " cpsr " $4 }
	END {
		k = 0
		if (crashed != "") ord[++k] = crashed
		for (i = 1; i <= nt; i++) if (tids[i] != crashed) ord[++k] = tids[i]
		for (i = 1; i <= k; i++) {
			t = ord[i]; print "ctx", t, nm[t]
			for (j = 1; j <= 12; j++) print "reg", t, rn[j], rv[t, rn[j]]
		}
		id = max + 1
		for (i = 1; i <= k; i++) {
			t = ord[i]; cur = t; lvl = 0
			for (j = 1; j <= nf[t]; j++) {
				split(fl[t, j], a, " ")
				if (a[3] != "-") {
					cur = id++; lvl = 0
					print "ctx", cur, nm[t], a[3]
					split(tfr[a[3]], r, " ")
					for (m = 1; m < 8; m += 2) print "reg", cur, r[m], r[m + 1]
				}
				print "frame", cur, lvl++, a[1], a[2]
			}
		}
	}' "$F/$1.manifest" >"$TMP/want"
}

# gdb_threads NAME TARGET KERNEL LABEL: info threads, every context's
# registers and backtrace, and the manifest's gdb expressions, through gdb
# on TARGET; each compared with the manifest.
gdb_threads() {
	expect_contexts "$1"
	{
		echo 'set print frame-info location-and-address'
		echo 'set print frame-arguments none'
		echo 'set width 0'
		echo 'set height 0'
		echo 'info threads'
		echo 'thread apply all info registers r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc cpsr'
		echo 'thread apply all bt'
		sed -n 's/^gdb \(.*\) => .*$/echo @@p\\n\nprint \1/p' "$F/$1.manifest"
	} >"$TMP/gdbcmds"
	timeout 120 "$GDB" -batch -nx "$3" -ex "target remote $2" \
	    -x "$TMP/gdbcmds" >"$TMP/gdbout" 2>&1
	# What gdb showed, in the same line forms as $TMP/want.
	awk '
	/^[* ] +[0-9]+ +Thread [0-9]+ "/ { line = $0; sub(/^[* ] +[0-9]+ +Thread /, "", line)
		id = line; sub(/ .*/, "", id)
		name = line; sub(/^[0-9]+ "/, "", name); sub(/".*/, "", name)
		tf = ""; if (match(line, /trapframe at 0x[0-9a-f]+/))
			tf = substr(line, RSTART + 13, RLENGTH - 13)
		print "ctx", id, name (tf != "" ? " " tf : ""); next }
	/^Thread [0-9]+ \(Thread [0-9]+/ { cur = $4; sub(/\).*/, "", cur); next }
	/^(r[0-9]+|sp|lr|pc|cpsr) +0x/ { h = $2; sub(/^0x/, "", h)
		while (length(h) < 8) h = "0" h
		print "reg", cur, $1, "0x" h; next }
	/^#[0-9]+ +0x[0-9a-f]+ in / { print "frame", cur, substr($1, 2), $2, $4 }
	' "$TMP/gdbout" >"$TMP/got.all"
	grep '^ctx ' "$TMP/got.all" >"$TMP/got.ctx"
	grep '^ctx ' "$TMP/want" >"$TMP/want.ctx"
	if cmp -s "$TMP/got.ctx" "$TMP/want.ctx"; then
		ok "gdb info threads $4: $(wc -l <"$TMP/want.ctx" | tr -d ' ') contexts, ids, names, order"
	else notok "gdb info threads $4" "$(diff "$TMP/want.ctx" "$TMP/got.ctx" | grep '^[<>]' | head -n 3 | tr '\n' ' ')"; fi
	for id in $(awk '{ print $2 }' "$TMP/want.ctx"); do
		grep "^frame $id " "$TMP/want" >"$TMP/w1"
		grep "^frame $id " "$TMP/got.all" | sort -k3,3n >"$TMP/g1"
		if [ -s "$TMP/w1" ] && cmp -s "$TMP/w1" "$TMP/g1"; then
			ok "gdb bt $4 thread $id: $(wc -l <"$TMP/w1" | tr -d ' ') frames"
		else notok "gdb bt $4 thread $id" "$(diff "$TMP/w1" "$TMP/g1" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"; fi
		grep "^reg $id " "$TMP/want" | grep -v ' cpsr ' | sort >"$TMP/w1"
		grep "^reg $id " "$TMP/got.all" | sort >"$TMP/g2"
		# Every register the manifest gives, as gdb shows it.
		if [ -s "$TMP/w1" ] && [ -z "$(comm -23 "$TMP/w1" "$TMP/g2")" ]; then
			ok "gdb registers $4 thread $id"
		else notok "gdb registers $4 thread $id" "$(comm -23 "$TMP/w1" "$TMP/g2" | head -n 2 | tr '\n' ' ')"; fi
	done
	# print EXPR: "$N = VALUE" as the manifest says.
	awk '/^@@p$/ { getline; sub(/^\$[0-9]+ = /, ""); print }' "$TMP/gdbout" >"$TMP/g1"
	sed -n 's/^gdb .* => //p' "$F/$1.manifest" >"$TMP/w1"
	n=$(wc -l <"$TMP/w1" | tr -d ' ')
	if [ "$n" -gt 0 ] && cmp -s "$TMP/w1" "$TMP/g1"; then ok "gdb print $4: $n expressions"
	else notok "gdb print $4" "$(diff "$TMP/w1" "$TMP/g1" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"; fi
}

# The same facts packet by packet: the crashed thread's registers as a 'g'
# reply (r0..r3 unknown, r4..pc from the manifest in the target's byte
# order, cpsr 0x13), the thread list, the stop reply, its extra info.
# le32/be32 VALUE: a word's bytes as hex in that byte order.
for n in threads-le threads-be; do
	[ -f "$F/$n.manifest" ] || continue
	order=le32
	case $n in *-be) order=be32 ;; esac	# THREADS-MANIFEST.md: BE8
	expect_contexts $n
	crashed=$(awk '$1 == "ctx" { print $2; exit }' "$TMP/want")
	want=$x8$x8$x8$x8
	for v in $(awk -v t="$crashed" '$1 == "regs" && $2 == t { for (i = 3; i <= 14; i++) print $i }' "$F/$n.manifest"); do
		want=$want$($order "$v")
	done
	want=$want$($order 0x13)
	{ pkt g; pkt qfThreadInfo; pkt qsThreadInfo; pkt '?';
	  pkt "qThreadExtraInfo,$(printf '%x' "$crashed")"; } >"$TMP/in"
	"$K" -N "$F/$n.kernel" -M "$F/$n.core" gdbserver <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	cpu=$(awk -v t="$crashed" '$1 == "thread" && $3 == t { print $4 }' "$F/$n.manifest")
	ids=$(awk '$1 == "ctx" { printf "%s%x", (n++ ? "," : ""), $2 }' "$TMP/want")
	expect_bytes "g, thread list, ? and extra info of $n" \
	    "+$(pkt "$want")+$(pkt "m$ids")+$(pkt l)+$(pkt "T05thread:$(printf '%x' "$crashed");")+$(pkt "$(hexstr "crashed, on CPU $cpu")")"
done

# A looped or cut thread list: the threads read before the fault are all
# served (the manifest's thread lines), none behind a cut (its lost lines),
# and a line on stderr names the address the walk stopped at.
for n in threads-loop threads-cut; do
	[ -f "$F/$n.manifest" ] || continue
	{ pkt qfThreadInfo; pkt qsThreadInfo; } >"$TMP/in"
	"$K" -N "$F/threads-le.kernel" -M "$F/$n.core" gdbserver <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed -n 's/^+\$m\([0-9a-f,]*\)#.*/\1/p' "$TMP/out" | tr ',' '\n' |
	    while read -r h; do echo $((0x$h)); done | sort >"$TMP/g1"
	awk '$1 == "thread" { print $3 }' "$F/$n.manifest" | sort >"$TMP/w1"
	missing=$(comm -23 "$TMP/w1" "$TMP/g1" | tr '\n' ' ')
	lost=$(awk '$1 == "lost" { print $2 }' "$F/$n.manifest" | sort | comm -12 - "$TMP/g1" | tr '\n' ' ')
	if [ "$rc" -eq 0 ] && [ -s "$TMP/w1" ] && [ -z "$missing" ] && [ -z "$lost" ]; then
		ok "$n: the threads before the fault, none lost"
	else notok "$n: threads" "exit $rc, missing '$missing', listed though lost '$lost'"; fi
	addr=$(awk '$1 == "warn" { print $3; exit }' "$F/$n.manifest")
	if grep -q "thread list cut short: .*$addr" "$TMP/err"; then ok "$n: says where the walk stopped"
	else notok "$n: says where the walk stopped" "no $addr in: $(first_err)"; fi
done

# Ids that cannot be tids: threads-le's image with idle_cpu0's td_tid made
# pagedaemon's (100030, a thread later in the list) and idle_cpu1's made 0.
# The first thread in list order with a tid keeps it (idle_cpu0); the two
# others (idle_cpu1, then pagedaemon) get the next ids after the largest
# tid, in list order, and the trapframe context the one after them.
MKCORE=$BUILD/tests/mkcore
if [ -f "$F/threads-le.manifest" ] && [ -x "$MKCORE" ]; then
	max=$(awk '$1 == "thread" && $3 + 0 > m { m = $3 + 0 } END { print m }' "$F/threads-le.manifest")
	if dup_tid_core; then
		expect_contexts threads-le
		awk -v m="$max" '$1 == "ctx" { id = $2
			if ($4 != "") id = m + 3; else if (id == 100003) id = 100030
			else if (id == 100004) id = m + 1; else if (id == 100030) id = m + 2
			printf "%s%x", (n++ ? "," : ""), id }' "$TMP/want" >"$TMP/w1"
		{ pkt qfThreadInfo; pkt qsThreadInfo; } >"$TMP/in"
		"$K" -N "$F/threads-le.kernel" -M "$TMP/dup.core" gdbserver <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		expect_bytes "repeated and zero tids: fresh ids" "+$(pkt "m$(cat "$TMP/w1")")+$(pkt l)"
	else
		notok "repeated and zero tids" "mkcore failed on $TMP/dup.desc"
	fi
fi

if [ -z "$GDB" ]; then
	echo "skip - gdbserver threads through gdb: no gdb-multiarch"
elif [ ! -f "$F/threads-le.manifest" ]; then
	echo "skip - gdbserver threads through gdb: no thread fixtures"
else
	for n in threads-le threads-be threads-dwarf; do
		gdb_threads $n "| $K -N $F/$n.kernel -M $F/$n.core gdbserver" \
		    "$F/$n.kernel" "$n"
	done
	gzip -c "$F/threads-be.core" >"$TMP/threads-be.core.gz"
	gdb_threads threads-be "| $K -N $F/threads-be.kernel -M $TMP/threads-be.core.gz gdbserver" \
	    "$F/threads-be.kernel" "threads-be.gz"
	listen_stub -N "$F/threads-le.kernel" -M "$F/threads-le.core"
	if [ -z "$port" ]; then
		notok "--listen threads-le: port" "stderr: $(head -c 200 "$lerr")"
	else
		gdb_threads threads-le "127.0.0.1:$port" "$F/threads-le.kernel" \
		    "threads-le (tcp)"
		wait "$pid"
		rc=$?
		expect_rc "--listen threads-le: exit 0 after gdb leaves" 0
	fi
fi

# ---- lldb -------------------------------------------------------------------

if ! command -v lldb >/dev/null 2>&1; then
	echo "skip - gdbserver through lldb: no lldb"
else
	listen_stub -M "$C"
	set -- $(awk '$1 == "read" && length($3) == 32 { print $2, $3; exit }' "$F/armv7-v2.manifest")
	timeout 60 lldb --batch -o "gdb-remote 127.0.0.1:$port" \
	    -o "memory read -s1 -c16 -fx $1" -o detach >"$TMP/lldbout" 2>&1
	got=$(grep "^$1:\|^$(printf '0x%08x' $(($1 + 8))):" "$TMP/lldbout" |
	    sed 's/^[^:]*://; s/0x//g' | tr -d ' \n')
	if [ "$got" = "$2" ]; then ok "lldb memory read $1"
	else notok "lldb memory read $1" "'$got' != '$2' ($(grep -m1 -i error "$TMP/lldbout"))"; fi
	wait "$pid"
	rc=$?
	expect_rc "lldb: the stub ends with the session" 0

	# Threads: lldb's thread list (tids in gdb's order) and the crashed
	# thread's backtrace, pcs as the manifest's chain up to the trapframe.
	# Little-endian only: lldb 14 takes a BE8 kernel for little-endian arm
	# and reads every register byte-swapped, whatever the stub says.
	if [ -f "$F/threads-le.manifest" ]; then
		expect_contexts threads-le
		listen_stub -N "$F/threads-le.kernel" -M "$F/threads-le.core"
		timeout 60 lldb --batch "$F/threads-le.kernel" \
		    -o "gdb-remote 127.0.0.1:$port" -o 'thread list' -o bt \
		    -o detach >"$TMP/lldbout" 2>&1
		sed -n 's/^[* ] *thread #[0-9]*: tid = \(0x[0-9a-f]*\|[0-9]*\),.*/\1/p' \
		    "$TMP/lldbout" | while read -r t; do echo $((t)); done >"$TMP/g1"
		awk '$1 == "ctx" { print $2 }' "$TMP/want" >"$TMP/w1"
		if [ -s "$TMP/w1" ] && cmp -s "$TMP/w1" "$TMP/g1"; then
			ok "lldb thread list threads-le: $(wc -l <"$TMP/w1" | tr -d ' ') threads"
		else notok "lldb thread list threads-le" "$(tr '\n' ' ' <"$TMP/g1" | cut -c1-100)"; fi
		crashed=$(awk '$1 == "ctx" { print $2; exit }' "$TMP/want")
		awk -v t="$crashed" '$1 == "frame" && $2 == t { print $4 }' "$TMP/want" >"$TMP/w1"
		sed -n '/^(lldb) bt/,/^(lldb) detach/s/^ *[*]* *frame #[0-9]*: \(0x[0-9a-f]*\) .*/\1/p' \
		    "$TMP/lldbout" >"$TMP/g1"
		if [ -s "$TMP/w1" ] && cmp -s "$TMP/w1" "$TMP/g1"; then
			ok "lldb bt threads-le crashed thread: $(wc -l <"$TMP/w1" | tr -d ' ') frames"
		else notok "lldb bt threads-le crashed thread" "$(tr '\n' ' ' <"$TMP/g1" | cut -c1-100)"; fi
		wait "$pid"
	fi
fi

finish
