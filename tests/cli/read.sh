# kvmarm read: raw, hexdump -C, 32- and 64-bit words, symbols, failures.
. tests/cli/lib.sh

for n in armv7-v2 armv5-v1-be lpae-v2 old-v1; do
	core=$F/$n.core
	awk '$1 == "read" { print $2, $3 }' "$F/$n.manifest" >"$TMP/read"
	while read -r va hex; do
		run -M "$core" read -r "$va" $((${#hex} / 2))
		got=$(od -An -v -tx1 "$TMP/out" | tr -d ' \n')
		if [ "$rc" = 0 ] && [ "$got" = "$hex" ]; then ok "read -r $n $va"
		else notok "read -r $n $va" "exit $rc, $got != $hex"; fi
	done <"$TMP/read"
done

# hexdump -C layout: address, 8 bytes, two spaces, 8 bytes, |text|, end.
set -- $(awk '$1 == "read" && length($3) == 32 { print $2, $3; exit }' "$F/armv7-v2.manifest")
va=$1 hex=$2
run -M "$F/armv7-v2.core" read "$va" 16
expect_rc "read (hexdump -C): exit 0" 0
bytes=$(echo "$hex" | sed 's/../& /g; s/^\(.\{24\}\)/\1 /')
expect_out "read (hexdump -C): bytes" "$(printf '%08x' $((va)))  $bytes |"
expect_line "read (hexdump -C): end address" "^$(printf '%08x' $((va + 16)))\$"
expect_no_err "read (hexdump -C): quiet"

# -q: the first 8 bytes as a 64-bit word in the target's byte order.
for n in armv7-v2 armv5-v1-be; do
	set -- $(awk '$1 == "read" && length($3) >= 16 { print $2, substr($3, 1, 16); exit }' "$F/$n.manifest")
	if [ "$(mf $n big_endian)" = 1 ]; then word=$2
	else word=$(echo "$2" | sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\8\7\6\5\4\3\2\1/'); fi
	run -M "$F/$n.core" read -q "$1" 8
	expect_line "read -q $n: target byte order" "^$(printf '%08x' $(($1)))  $word\$"
done

# -w and symbols: the manifests' word32 and string facts, both byte orders.
for n in armv7-v2 armv5-v1-be; do
	k="-N $F/$n.kernel -M $F/$n.core"
	awk '$1 == "word32" { print $2, $3 }' "$F/$n.manifest" >"$TMP/w"
	while read -r sym val; do
		addr=$(awk -v s="$sym" '$1 == "sym" && $2 == s { print $3; exit }' "$F/$n.manifest")
		run $k read -w "$sym" 4
		expect_line "read -w $n $sym = $val" "^$(printf '%08x' $((addr)))  $(printf '%08x' "$val")\$"
	done <"$TMP/w"
	awk '$1 == "string" { s = $3; for (i = 4; i <= NF; i++) s = s " " $i; print $2, s }' \
	    "$F/$n.manifest" >"$TMP/s"
	while read -r sym str; do
		run $k read -r "$sym" ${#str}
		if [ "$rc" = 0 ] && [ "$(cat "$TMP/out")" = "$str" ]; then ok "read -r $n $sym string"
		else notok "read -r $n $sym string" "exit $rc, '$(cat "$TMP/out")'"; fi
		run $k read -r "_$sym+2" 3
		if [ "$(cat "$TMP/out")" = "$(echo "$str" | cut -c3-5)" ]; then ok "read -r $n _$sym+2"
		else notok "read -r $n _$sym+2" "'$(cat "$TMP/out")'"; fi
	done <"$TMP/s"
done

# Failures: unmapped (exit 1, one line naming the core), a read that runs
# off the end of a mapping (what was read, then exit 1), bad arguments.
bad=$(awk '$1 == "fail" { print $2; exit }' "$F/armv7-v2.manifest")
run -M "$F/armv7-v2.core" read "$bad" 16
expect_rc "read unmapped: exit 1" 1
expect_err "read unmapped: names the core" "$F/armv7-v2.core"
set -- $(awk '$1 == "map" && $4 == "0x10000" { print $2; exit }' "$F/armv7-v2.desc")
end=$(($1 + 0x10000))
run -M "$F/armv7-v2.core" read -r $((end - 8)) 16
if [ "$rc" = 1 ] && [ "$(wc -c <"$TMP/out" | tr -d ' ')" = 8 ]; then ok "read past a mapping: the bytes before it, exit 1"
else notok "read past a mapping: the bytes before it, exit 1" "exit $rc, $(wc -c <"$TMP/out") bytes"; fi
expect_err "read past a mapping: names the core" "$F/armv7-v2.core"
run -M "$F/armv7-v2.core" read 0xc0100000 zz
expect_rc "read bad length: exit 2" 2
expect_err "read bad length: one line" "zz"
run -M "$F/armv7-v2.core" read -w 0xc0100000 6
expect_rc "read -w odd length: exit 2" 2
run -M "$F/armv7-v2.core" read -w -q 0xc0100000 8
expect_rc "read -w -q: exit 2" 2
run -M "$F/armv7-v2.core" read version 4
expect_rc "read symbol without -N: exit 2" 2
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" read no_such_symbol_in_this_kernel 4
expect_rc "read missing symbol: exit 1" 1
expect_err "read missing symbol: names the kernel" "$F/armv7-v2.kernel"
run -M "$F/armv7-v2.core" read 0xc0100000
expect_rc "read without length: exit 2" 2

# Kernel VAs are 32-bit: SYMBOL+OFF past 2^64 (which would wrap to
# version-1) or past 0xffffffff, and plain addresses above 0xffffffff,
# are usage errors before any output.
k="-N $F/armv7-v2.kernel -M $F/armv7-v2.core"
for a in version+0xffffffffffffffff version+0x100000000 0x100000000 4294967296 0xc0100000000; do
	run $k read -r "$a" 4
	expect_rc "read $a: exit 2" 2
	expect_err "read $a: one line naming it" "$a"
	expect_no_out "read $a: no output"
done
run -M "$F/armv7-v2.core" read -r 0xffffffff 1
expect_rc "read 0xffffffff (unmapped, but an address): exit 1" 1

# A symbol name of 300 characters is a name like any other: missing from
# the kernel (exit 1), not refused as malformed.
long=$(printf '%0300d' 0 | tr 0 x)
run $k read "$long" 4
expect_rc "read a 300-character symbol: exit 1 (missing)" 1
expect_err "read a 300-character symbol: names the kernel" "$F/armv7-v2.kernel"

# A truncated copy that ends inside a word: -w and -q still show every
# byte read, the partial word's bytes as hex pairs in memory order.  The
# highest physical pages the desc dumps are the last in the file; the
# manifest gives the bytes of their last 8.
awk '$1 == "map" && !/ nodump/ { print $2, $3, $4 }' "$F/armv7-v2.desc" >"$TMP/maps"
top=0 last=0
while read -r va pa sz; do
	[ $((pa + sz)) -le $top ] || { top=$((pa + sz)); last=$((va + sz - 8)); }
done <"$TMP/maps"
hex=$(awk -v a="$(printf '0x%x' "$last")" '$1 == "read" && $2 == a { print $3; exit }' "$F/armv7-v2.manifest")
size=$(mf armv7-v2 file_size)
head -c $((size - 2)) "$F/armv7-v2.core" >"$TMP/cut2.core"
if [ ${#hex} = 16 ]; then
	b() { echo "$hex" | cut -c$(($1 * 2 + 1))-$(($1 * 2 + 2)); }
	if [ "$(mf armv7-v2 big_endian)" = 1 ]; then w="$(b 0)$(b 1)$(b 2)$(b 3)"
	else w="$(b 3)$(b 2)$(b 1)$(b 0)"; fi
	run -M "$TMP/cut2.core" read -w "$last" 8
	expect_rc "read -w into the cut: exit 1" 1
	expect_line "read -w into the cut: the word, then 2 bytes" "^$(printf '%08x' "$last")  $w $(b 4) $(b 5)\$"
	expect_err "read -w into the cut: names the core" "$TMP/cut2.core"
	run -M "$TMP/cut2.core" read -q "$last" 8
	expect_rc "read -q into the cut: exit 1" 1
	expect_line "read -q into the cut: 6 bytes" "^$(printf '%08x' "$last")  $(b 0) $(b 1) $(b 2) $(b 3) $(b 4) $(b 5)\$"
else
	notok "read -w into the cut" "no manifest read fact at $(printf '0x%x' "$last")"
fi

# -w / -q collapse repeated lines to "*" as hexdump does, and end with the
# end address (expectations by hand from the kdata bytes below: three lines
# of zeros, then one of 0x11 bytes).
{
	printf 'kva_size 0x100000\nphys 0x40000000 0x40100000\n'
	printf 'map 0xc0000000 0x40000000 0x10000 rw\nkdata 0xc0001000 "'
	i=0; while [ $i -lt 48 ]; do printf '\\x00'; i=$((i + 1)); done
	i=0; while [ $i -lt 16 ]; do printf '\\x11'; i=$((i + 1)); done
	printf '"\n'
} >"$TMP/rep.desc"
if "$BUILD/tests/mkcore" "$TMP/rep.desc" "$TMP/rep.core" >/dev/null 2>&1; then
	printf '%s\n' 'c0001000  00000000 00000000 00000000 00000000' '*' \
	    'c0001030  11111111 11111111 11111111 11111111' 'c0001040' >"$TMP/want"
	run -M "$TMP/rep.core" read -w 0xc0001000 64
	if cmp -s "$TMP/want" "$TMP/out"; then ok "read -w: repeated lines collapse to *"
	else notok "read -w: repeated lines collapse to *" "$(tr '\n' '|' <"$TMP/out")"; fi
	printf '%s\n' 'c0001000  0000000000000000 0000000000000000' '*' \
	    'c0001030  1111111111111111 1111111111111111' 'c0001040' >"$TMP/want"
	run -M "$TMP/rep.core" read -q 0xc0001000 64
	if cmp -s "$TMP/want" "$TMP/out"; then ok "read -q: repeated lines collapse to *"
	else notok "read -q: repeated lines collapse to *" "$(tr '\n' '|' <"$TMP/out")"; fi
else
	notok "read -w/-q collapse" "mkcore failed on $TMP/rep.desc"
fi

finish
