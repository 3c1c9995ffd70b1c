# kvmarm vtop: every translation and failure the manifests list; the file
# offsets it prints must hold the bytes the manifests say are there.
. tests/cli/lib.sh

for n in armv7-v2 armv5-v1-be lpae-v2 old-v1; do
	core=$F/$n.core
	awk '$1 == "vtop" { print $2, $3 }' "$F/$n.manifest" >"$TMP/vtop"
	while read -r va pa; do
		run -M "$core" vtop "$va"
		expect_rc "vtop $n $va: exit 0" 0
		expect_line "vtop $n $va: -> $pa" \
		    "^$(hex8 "$va") -> $(hex8 "$pa") -> offset 0x[0-9a-f]*\$"
		off=$(sed -n 's/.*-> offset \(0x[0-9a-f]*\)$/\1/p' "$TMP/out")
		want=$(awk -v a="$va" '$1 == "read" && $2 == a { print $3; exit }' \
		    "$F/$n.manifest")
		[ -n "$want" ] && [ -n "$off" ] || continue
		# Only the bytes up to the end of va's page follow it in the file.
		left=$((4096 - (va & 4095)))
		[ $((${#want} / 2)) -le $left ] || want=$(echo "$want" | cut -c1-$((left * 2)))
		got=$(hexbytes "$core" "$((off))" $((${#want} / 2)))
		if [ "$got" = "$want" ]; then ok "vtop $n $va: the offset holds its bytes"
		else notok "vtop $n $va: the offset holds its bytes" "$got != $want"; fi
	done <"$TMP/vtop"

	awk '$1 == "fail" { print $2 }' "$F/$n.manifest" >"$TMP/fail"
	while read -r va; do
		run -M "$core" vtop "$va"
		expect_rc "vtop $n $va (fails): exit 1" 1
		expect_line "vtop $n $va (fails): why" \
		    "^$(hex8 "$va") -> .*not \(mapped\|dumped\): ."
	done <"$TMP/fail"
done

# Several addresses: a line each, in order; one failure makes the exit 1.
good=$(awk '$1 == "vtop" { print $2; exit }' "$F/armv7-v2.manifest")
bad=$(awk '$1 == "fail" { print $2; exit }' "$F/armv7-v2.manifest")
run -M "$F/armv7-v2.core" vtop "$good" "$bad" "$good"
expect_rc "vtop good bad good: exit 1" 1
if [ "$(wc -l <"$TMP/out" | tr -d ' ')" = 3 ] &&
    sed -n 2p "$TMP/out" | grep "^$(hex8 "$bad") " >/dev/null; then
	ok "vtop good bad good: three lines in order"
else
	notok "vtop good bad good: three lines in order" "$(tr '\n' '|' <"$TMP/out")"
fi

# Mapped but not dumped (the desc's nodump line) names its physical address.
set -- $(awk '$1 == "map" && / nodump/ { print $2, $3; exit }' "$F/armv7-v2.desc")
run -M "$F/armv7-v2.core" vtop "$1"
expect_rc "vtop nodump page: exit 1" 1
expect_line "vtop nodump page: pa, not dumped" "^$(hex8 "$1") -> $(hex8 "$2") -> not dumped: "

# A symbol, through the kernel.
set -- $(awk '$1 == "sym" && $2 == "version" { print $3; exit }' "$F/armv7-v2.manifest")
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" vtop version+4
expect_rc "vtop SYMBOL+OFF: exit 0" 0
expect_line "vtop SYMBOL+OFF: address" "^version+4 $(hex8 $(($1 + 4))) -> 0x"

# --json
set -- $(awk '$1 == "vtop" { print $2, $3; exit }' "$F/lpae-v2.manifest")
run -M "$F/lpae-v2.core" vtop --json "$1" "$bad"
expect_rc "vtop --json: exit 1 (one fails)" 1
json_valid "vtop --json: valid JSON"
expect_out "vtop --json: va" "\"va\": $(($1)),"
expect_out "vtop --json: pa" "\"pa\": $(($2)),"
expect_out "vtop --json: failure" '"dumped": false, "offset": null'

# Bad input.
run -M "$F/armv7-v2.core" vtop 0xzz
expect_rc "vtop bad address: exit 2" 2
expect_err "vtop bad address: one line" "0xzz"
run -M "$F/armv7-v2.core" vtop version
expect_rc "vtop symbol without -N: exit 2" 2
expect_err "vtop symbol without -N: one line" "-N"
run -M "$F/armv7-v2.core" vtop
expect_rc "vtop without addresses: exit 2" 2

# An operand that is no 32-bit address, even after a good one, is a usage
# error before any output: above 0xffffffff, or SYMBOL+OFF past it or
# wrapping past 2^64.
k="-N $F/armv7-v2.kernel -M $F/armv7-v2.core"
for a in 0x100000000 version+0xffffffffffffffff version+0x100000000; do
	run $k vtop "$good" "$a"
	expect_rc "vtop $a: exit 2" 2
	expect_err "vtop $a: one line naming it" "$a"
	expect_no_out "vtop $a: no output"
done
# A symbol the kernel lacks, however long its name, is the dump saying no:
# a line of its own and exit 1, the other operands still translated.
long=$(printf '%0300d' 0 | tr 0 y)
run $k vtop "$long" "$good"
expect_rc "vtop a missing 300-character symbol: exit 1" 1
expect_line "vtop a missing 300-character symbol: its line" "^$long: .*no symbol"
expect_line "vtop a missing 300-character symbol: the next one" "^$(hex8 "$good") \(<[^>]*> \)\{0,1\}-> "

# The symbol an address falls in, against binutils' nm (the manifest's sym
# lines): a number inside msgbuf_ring (512 bytes, fixtures/src/kernel.c)
# names it; hz is 4 bytes, so hz+4 is not in it; SYMBOL-OFF counts back.
hz=$(awk '$1 == "sym" && $2 == "hz" { print $3 }' "$F/armv7-v2.manifest")
ring=$(awk '$1 == "sym" && $2 == "msgbuf_ring" { print $3 }' "$F/armv7-v2.manifest")
tk=$(awk '$1 == "sym" && $2 == "ticks64" { print $3 }' "$F/armv7-v2.manifest")
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" vtop $(hex8 $((ring + 16))) "ticks64-$((tk - hz))" $(hex8 $((hz + 4)))
expect_line "vtop ADDR: the symbol it is in" "^$(hex8 $((ring + 16))) <msgbuf_ring+0x10> -> "
expect_line "vtop SYMBOL-OFF" "^ticks64-$((tk - hz)) $(hex8 "$hz") -> "
expect_line "vtop ADDR past a symbol's size: not in it" "^$(hex8 $((hz + 4))) -> "
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" vtop --json $(hex8 $((ring + 16)))
expect_out "vtop --json: symbol" '"symbol": "msgbuf_ring+0x10"'
run -M "$F/armv7-v2.core" vtop $(hex8 $((ring + 16)))
expect_line "vtop without -N: no symbol" "^$(hex8 $((ring + 16))) -> "
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" read $(hex8 $((ring + 16))) 4
expect_line "read: the symbol line" "^$(printf %08x $((ring + 16))) <msgbuf_ring+0x10>:\$"
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" pages
expect_line "pages: a page names its symbol" "^$(hex8 $((hz & ~4095)))  .*  4096  [^ ]"
finish
