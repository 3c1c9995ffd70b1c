# kvmarm dmesg: the message buffer text of the fixtures' descriptions,
# through the kernel's msgbufp (-N) and from the dump's msgbuf section.
. tests/cli/lib.sh

# check_dmesg NAME TEST-NAME ARGS...: the output is the desc's msgbuf text.
check_dmesg() {
	n=$1 name=$2
	shift 2
	printf '%s\n' "$(desc_msgbuf "$n")" >"$TMP/want"
	run "$@" dmesg
	expect_rc "$name: exit 0" 0
	if cmp -s "$TMP/want" "$TMP/out"; then ok "$name: the desc's text"
	else notok "$name: the desc's text" "got '$(head -c 200 "$TMP/out" | tr '\n' '|')'"; fi
}

# From the section, with the struct msgbuf the kernel left after the ring.
for n in armv7-v2 armv5-v1-be lpae-v2; do
	check_dmesg "$n" "dmesg $n (section)" -M "$F/$n.core"
	expect_no_err "dmesg $n (section): quiet"
done

# Through msgbufp in the toolchain kernel, whose ring holds the same boot
# text as armv7-v2's description (both kernels come from fixtures/src).
check_dmesg armv7-v2 "dmesg -N armv7-v2" -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core"
expect_no_err "dmesg -N armv7-v2: quiet"
check_dmesg armv7-v2 "dmesg -N armv5-v1-be (big-endian struct)" \
    -N "$F/armv5-v1-be.kernel" -M "$F/armv5-v1-be.core"
expect_no_err "dmesg -N armv5-v1-be: quiet"

# No struct msgbuf after the ring (its section is exactly one page): the
# text as stored, and a line on stderr saying so.
check_dmesg old-v1 "dmesg old-v1 (no struct)" -M "$F/old-v1.core"
expect_err "dmesg old-v1: says the position is unknown" "$F/old-v1.core"
# A kernel without msgbufp: falls back to the section, and says so.
run -N "$F/old-v1.kernel" -M "$F/old-v1.core" dmesg
expect_rc "dmesg -N without msgbufp: exit 0" 0
if grep -F msgbufp "$TMP/err" >/dev/null; then ok "dmesg -N without msgbufp: says why"
else notok "dmesg -N without msgbufp: says why" "$(first_err)"; fi

# A ring that has wrapped, with control bytes: the last 64 bytes of the
# description's text, oldest first, the controls escaped as FreeBSD's dmesg
# escapes them through strvisx(3): \x01 as \^A, DEL as \^? (worked out by
# hand from fixtures/wrapped-v2-be.desc, not from kvmarm).
printf '%s\n' '9abcdefghijklmnopqrstuvwxyz' 'wrapped \^Aring\^? line' \
    'tail of the log' >"$TMP/want"
for how in "-M $F/wrapped-v2-be.core" "-N $F/wrapped-v2-be.kernel -M $F/wrapped-v2-be.core"; do
	run $how dmesg
	expect_rc "dmesg $how (wrapped): exit 0" 0
	if cmp -s "$TMP/want" "$TMP/out"; then ok "dmesg $how: wrapped ring in order, controls escaped"
	else notok "dmesg $how: wrapped ring in order, controls escaped" \
	    "got '$(head -c 200 "$TMP/out" | tr '\n' '|')'"; fi
	# With -N the text must come through msgbufp: a fallback to the
	# section prints the same text, but says so on stderr.
	expect_no_err "dmesg $how (wrapped): quiet"
done

# Syslog priorities and facilities, as dmesg(8): "<N>" removed; lines whose
# facility (N >> 3) is not the kernel's (0) left out unless -a; bytes as
# strvisx(3) with no flags shows them: a backslash \134, 0xe9 \M-i, 0xa0
# (a space with the top bit) \240, 0x81 \M^A, ESC \^[.  Expectations by
# hand from the text below.
cat >"$TMP/pri.desc" <<'DESC'
kva_size 0x100000
phys 0x40000000 0x40100000
map 0xc0000000 0x40000000 0x10000 rw
msgbuf 0x200 "<6>kernel line one\n<14>user facility line\nplain line\n<4>warn\\back\xe9t\xa0x\x81\x1b.\n<38>auth line\n<6x>not a priority\n<0>emerg\n<13"
DESC
"$BUILD/tests/mkcore" "$TMP/pri.desc" "$TMP/pri.core" || notok "mkcore pri.desc" "failed"
printf '%s\n' 'kernel line one' 'plain line' 'warn\134back\M-it\240x\M^A\^[.' \
    '<6x>not a priority' 'emerg' '<13' >"$TMP/want"
run -M "$TMP/pri.core" dmesg
expect_rc "dmesg priorities: exit 0" 0
if cmp -s "$TMP/want" "$TMP/out"; then ok "dmesg: <N> removed, other facilities left out, bytes as strvisx"
else notok "dmesg: <N> removed, other facilities left out, bytes as strvisx" \
    "got '$(head -c 300 "$TMP/out" | tr '\n' '|')'"; fi
printf '%s\n' 'kernel line one' 'user facility line' 'plain line' \
    'warn\134back\M-it\240x\M^A\^[.' 'auth line' '<6x>not a priority' 'emerg' '<13' >"$TMP/want"
for a in -a --all; do
	run -M "$TMP/pri.core" dmesg $a
	if cmp -s "$TMP/want" "$TMP/out"; then ok "dmesg $a: every facility's lines, <N> removed"
	else notok "dmesg $a: every facility's lines, <N> removed" \
	    "got '$(head -c 300 "$TMP/out" | tr '\n' '|')'"; fi
done

# A full ELF core has no msgbuf section: a kernel without msgbufp gets one
# line saying so, not a fallback that then finds no buffer.
run -N "$F/elfcore-v6-be.kernel" -M "$F/elfcore-v6-be.core" dmesg
expect_rc "dmesg ELF core without msgbufp: exit 1" 1
expect_err "dmesg ELF core without msgbufp: one line" "msgbufp"
if grep -F "msgbuf section" "$TMP/err" >/dev/null; then
	notok "dmesg ELF core: no fallback announced" "$(first_err)"
else ok "dmesg ELF core: no fallback announced"; fi

run -M "$F/armv7-v2.core" dmesg --json
expect_rc "dmesg --json: exit 2 (not offered)" 2
run -M "$F/armv7-v2.core" dmesg extra
expect_rc "dmesg with an operand: exit 2" 2

finish
