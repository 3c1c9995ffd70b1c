# A raw copy of the dump device: the 512-byte kerneldumpheader (FORMATS.md
# section 7: big-endian, parity word) in front of a fixture core.
. tests/cli/lib.sh

hexstr() {	# STRING BYTES: the string NUL-padded to BYTES, as hex
	h=$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')
	while [ ${#h} -lt $(($2 * 2)) ]; do h=${h}00; done
	echo "$h"
}
hexnum() { printf "%0$(($2 * 2))x" "$1"; }	# VALUE BYTES, big-endian

# kdh MAGIC COMPRESSION LENGTH PARITY-FLIP [BLOCKSIZE [TIME [ARCH [HOST]]]]:
# the header's 512 bytes, as hex.
kdh() {
	h=$(hexstr "${7-armv7}" 12)
	h=$(hexstr "$1" 20)$h$(hexnum 4 4)$(hexnum 1 4)
	h=$h$(hexnum "$3" 8)$(hexnum "${6:-1700000000}" 8)$(hexnum 0 4)$(hexnum "${5:-512}" 4)
	h=$h$(hexstr "${8-crashbox}" 64)$(hexstr "FreeBSD 14.0-RELEASE-kvmarm-fixture" 192)
	h=$h$(hexstr "fixture panic for libkvm_arm" 175)$(hexnum "$2" 1)
	h=$h$(hexnum "$3" 8)$(hexnum 0 4)
	p=$(echo "$h" | fold -w8 | { p=0; while read -r w; do p=$((p ^ 0x$w)); done; echo $p; })
	echo "$h$(hexnum $(( (p ^ $4) & 0xffffffff )) 4)"
}

# tobin: hex on stdin to bytes on stdout.
tobin() {
	printf "$(fold -w2 | awk 'BEGIN { d = "0123456789abcdef" }
	    { printf "\\%03o", (index(d, substr($0, 1, 1)) - 1) * 16 + index(d, substr($0, 2, 1)) - 1 }')"
}

# mkdev OUT CORE MAGIC COMPRESSION PARITY-FLIP [BLOCKSIZE [TIME [ARCH [HOST]]]]:
# the header, zeros to the end of its block, then CORE.
mkdev() {
	kdh "$3" "$4" "$(wc -c <"$2" | tr -d ' ')" "$5" "${6:-512}" "$7" "${8-armv7}" "${9-crashbox}" |
	    tobin >"$1"
	[ "${6:-512}" -le 512 ] || head -c $((${6} - 512)) /dev/zero >>"$1"
	cat "$2" >>"$1"
}

n=old-v1
mkdev "$TMP/dev.core" "$F/$n.core" "FreeBSD Kernel Dump" 0 0
if [ "$(wc -c <"$TMP/dev.core" | tr -d ' ')" = $(($(mf $n file_size) + 512)) ]; then ok "dump-device copy: 512 + core bytes"
else notok "dump-device copy: 512 + core bytes" "$(wc -c <"$TMP/dev.core")"; fi

run -M "$TMP/dev.core" info
expect_rc "info dump-device copy: exit 0" 0
expect_no_err "info dump-device copy: quiet"
expect_line "info dump-device copy: magic" "^dump device header: *FreeBSD Kernel Dump, version 4, architecture armv7"
expect_line "info dump-device copy: hostname" "^  hostname: *crashbox\$"
expect_line "info dump-device copy: version string" "^  version string: *FreeBSD 14.0-RELEASE-kvmarm-fixture\$"
expect_line "info dump-device copy: panic string" "^  panic string: *fixture panic for libkvm_arm\$"
expect_line "info dump-device copy: dump time" "^  dump time: *1700000000 (2023-11-14 22:13:20 UTC)\$"
expect_line "info dump-device copy: compression" "^  compression: *none\$"
expect_line "info dump-device copy: parity" "^  parity: *ok\$"
expect_line "info dump-device copy: payload" "^payload: *$(mf $n file_size) bytes at offset 512\$"
expect_line "info dump-device copy: the dump behind it" "^container: *minidump version $(mf $n version)"
expect_line "info dump-device copy: pages" "^pages dumped: *$(mf $n pages_dumped) "
expect_line "info dump-device copy: not truncated" "^truncated: *no\$"

run -M "$TMP/dev.core" info --json
json_valid "info --json dump-device copy: valid JSON"
expect_out "info --json dump-device copy: payload_offset" '"payload_offset": 512,'
expect_out "info --json dump-device copy: hostname" '"hostname": "crashbox",'
expect_out "info --json dump-device copy: compression" '"compression": "none",'
expect_out "info --json dump-device copy: parity_ok" '"parity_ok": true'

# The payload reads as the core does, its file offsets 512 further on.
set -- $(awk '$1 == "read" { print $2, $3; exit }' "$F/$n.manifest")
run -M "$TMP/dev.core" read -r "$1" $((${#2} / 2))
if [ "$(od -An -v -tx1 "$TMP/out" | tr -d ' \n')" = "$2" ]; then ok "read dump-device copy"
else notok "read dump-device copy" "exit $rc"; fi
run -M "$TMP/dev.core" vtop "$1"
off=$(sed -n 's/.*-> offset \(0x[0-9a-f]*\)$/\1/p' "$TMP/out")
if [ -n "$off" ] && [ "$(hexbytes "$TMP/dev.core" $((off)) $((${#2} / 2)))" = "$2" ]; then
	ok "vtop dump-device copy: offset in the whole file"
else
	notok "vtop dump-device copy: offset in the whole file" "offset '$off'"
fi
run -M "$TMP/dev.core" check
expect_rc "check dump-device copy: exit 0" 0

# A bad parity word is a problem for check, shown by info.
mkdev "$TMP/badpar.core" "$F/$n.core" "FreeBSD Kernel Dump" 0 1
run -M "$TMP/badpar.core" info
expect_line "info bad parity: says so" "^  parity: *BAD\$"
run -M "$TMP/badpar.core" check
expect_rc "check bad parity: exit 1" 1
expect_line "check bad parity: dump_header" "^dump_header: parity"

# zstd-compressed and text dumps are refused in one line naming the file.
mkdev "$TMP/zst.core" "$F/$n.core" "FreeBSD Kernel Dump" 2 0
run -M "$TMP/zst.core" info
expect_rc "info zstd dump device: exit 2" 2
expect_err "info zstd dump device: names the file" "$TMP/zst.core"
mkdev "$TMP/text.core" "$F/$n.core" "FreeBSD Text Dump" 0 0
run -M "$TMP/text.core" info
expect_rc "info textdump: exit 2" 2
expect_err "info textdump: names the file" "$TMP/text.core"

# A header with a 4096-byte blocksize: the payload starts at 4096, and a
# payload cut inside a section is still check's finding (exit 1), not
# unreadable input.
mkdev "$TMP/bs4k.core" "$F/$n.core" "FreeBSD Kernel Dump" 0 0 4096
run -M "$TMP/bs4k.core" info
expect_rc "info blocksize 4096: exit 0" 0
expect_line "info blocksize 4096: payload" "^payload: *$(mf $n file_size) bytes at offset 4096\$"
run -M "$TMP/bs4k.core" check
expect_rc "check blocksize 4096: exit 0" 0
head -c 6000 "$F/$n.core" >"$TMP/cut.core"
mkdev "$TMP/bs4kcut.core" "$TMP/cut.core" "FreeBSD Kernel Dump" 0 0 4096
run -M "$TMP/bs4kcut.core" check
expect_rc "check blocksize 4096, cut in a section: exit 1" 1
expect_line "check blocksize 4096, cut in a section: truncated" "^truncated: the dump cannot be opened: "
mkdev "$TMP/bs512cut.core" "$TMP/cut.core" "FreeBSD Kernel Dump" 0 0 512
run -M "$TMP/bs512cut.core" check
expect_rc "check blocksize 512, cut in a section: exit 1" 1

# Header text is escaped: a backslash as \\, other bytes in octal, in the
# architecture too; a dump time past the year 9999 is "?" (and exact in
# JSON, an integer like any other).
mkdev "$TMP/esc.core" "$F/$n.core" "FreeBSD Kernel Dump" 0 0 512 253402300799 \
    "$(printf 'a\\b\0017')" 'crash\box'
run -M "$TMP/esc.core" info
expect_rc "info escaped header: exit 0" 0
expect_line "info escaped header: architecture" "^dump device header: *FreeBSD Kernel Dump, version 4, architecture a\\\\\\\\b\\\\0017 (version 1)\$"
expect_line "info escaped header: hostname" "^  hostname: *crash\\\\\\\\box\$"
expect_line "info last second of 9999: a date" "^  dump time: *253402300799 (9999-12-31 23:59:59 UTC)\$"
mkdev "$TMP/late.core" "$F/$n.core" "FreeBSD Kernel Dump" 0 0 512 253402300800
run -M "$TMP/late.core" info
expect_line "info a second past 9999: ?" "^  dump time: *253402300800 (?)\$"
mkdev "$TMP/absurd.core" "$F/$n.core" "FreeBSD Kernel Dump" 0 0 512 0x7fffffffffffffff
run -M "$TMP/absurd.core" info
expect_rc "info absurd dump time: exit 0" 0
expect_line "info absurd dump time: ?" "^  dump time: *9223372036854775807 (?)\$"
run -M "$TMP/absurd.core" info --json
json_valid "info --json absurd dump time: valid JSON"
expect_out "info --json absurd dump time: an exact integer" '"dump_time": 9223372036854775807,'

# A dump device written with dumpon -z: its pages' offsets count in the
# uncompressed payload, so a payload cut 100 bytes short leaves its last
# page (the desc's highest dumped physical page) past the end, as it does
# uncompressed behind the same header.
if command -v gzip >/dev/null 2>&1; then
	n=armv7-v2
	awk '$1 == "map" && !/ nodump/ { print $2, $3, $4 }' "$F/$n.desc" >"$TMP/maps"
	top=0 lastpg=0 lastpa=0
	while read -r va pa sz; do
		[ $((pa + sz)) -le $top ] || { top=$((pa + sz)); lastpg=$((va + sz - 4096)); lastpa=$((pa + sz - 4096)); }
	done <"$TMP/maps"
	head -c $(($(mf $n file_size) - 100)) "$F/$n.core" >"$TMP/short.core"
	gzip -c "$TMP/short.core" >"$TMP/short.core.gz"
	mkdev "$TMP/devgz.core" "$TMP/short.core.gz" "FreeBSD Kernel Dump" 1 0
	mkdev "$TMP/devplain.core" "$TMP/short.core" "FreeBSD Kernel Dump" 0 0
	hows="devgz devplain"
	# dumpon -Z: zstd, whose offsets count in the uncompressed stream too.
	if command -v zstd >/dev/null 2>&1; then
		zstd -q -c "$TMP/short.core" >"$TMP/short.core.zst"
		mkdev "$TMP/devzst.core" "$TMP/short.core.zst" "FreeBSD Kernel Dump" 2 0
		hows="$hows devzst"
	else
		echo "skip - check dumpon -Z copy: no zstd"
	fi
	for how in $hows; do
		run -M "$TMP/$how.core" check
		expect_rc "check $how cut 100 bytes short: exit 1" 1
		expect_line "check $how cut 100 bytes short: the last page" \
		    "^page_truncated: $(hex8 $lastpg)-$(hex8 $((lastpg + 4096))) (pa $(hex8 $lastpa), 1 page)"
	done
else
	echo "skip - check dumpon -z copy: no gzip"
fi

# A raw image of a whole dump partition, as dd copies it off the device:
# junk, the leading header, the dump, the trailing header in the last
# block.  Found as savecore finds it, from the end (FREEBSD-NOTES 1.10).
# part OUT CORE BLOCK JUNK-BLOCKS [TRAILING-TIME]
part() {
	len=$(wc -c <"$2" | tr -d ' ')
	head -c $(($3 * $4)) /dev/urandom >"$1"
	kdh "FreeBSD Kernel Dump" 0 "$len" 0 "$3" | tobin >>"$1"
	head -c $(($3 - 512)) /dev/zero >>"$1"
	cat "$2" >>"$1"
	kdh "FreeBSD Kernel Dump" 0 "$len" 0 "$3" "${5:-1700000000}" | tobin >>"$1"
	head -c $(($3 - 512)) /dev/zero >>"$1"
}
n=armv7-v2
for bs in 512 4096; do
	part "$TMP/part.img" "$F/$n.core" $bs 3
	run -N "$F/$n.kernel" -M "$TMP/part.img" info
	expect_rc "partition image ($bs-byte blocks): info exit 0" 0
	expect_line "partition image ($bs): the payload after the leading header" \
	    "^payload: *$(mf $n file_size) bytes at offset $((bs * 4))\$"
	expect_line "partition image ($bs): the dump behind it" "^container: *minidump version 2"
	expect_line "partition image ($bs): the header's hostname" "^  hostname: *crashbox\$"
	run -N "$F/$n.kernel" -M "$TMP/part.img" read -r version 35
	if [ "$(cat "$TMP/out")" = "FreeBSD 14.0-RELEASE-kvmarm-fixture" ]; then
		ok "partition image ($bs): read version"
	else notok "partition image ($bs): read version" "$(head -c 80 "$TMP/out")"; fi
	# The fixture maps pages it did not dump (exit 1): nothing else.
	run -M "$TMP/part.img" check
	expect_rc "partition image ($bs): check exit 1" 1
	if grep -E '^(truncated|size|dump_header|header):' "$TMP/out" >/dev/null; then
		notok "partition image ($bs): check finds the dump whole" "$(head -n 1 "$TMP/out")"
	else ok "partition image ($bs): check finds the dump whole"; fi
done
# The leading copy differs from the trailing one: refused, as savecore does.
part "$TMP/part.img" "$F/$n.core" 512 3 1700000001
run -M "$TMP/part.img" info
expect_rc "partition image, headers disagree: exit 2" 2
expect_err "partition image, headers disagree: says so" "disagree"
# Junk without a trailing header is still junk.
head -c 65536 /dev/zero >"$TMP/zeros.img"
run -M "$TMP/zeros.img" info
expect_rc "zeros: exit 2" 2
expect_err "zeros: unknown magic" "unknown magic"

finish
