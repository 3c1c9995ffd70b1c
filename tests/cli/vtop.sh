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
expect_line "vtop a missing 300-character symbol: the next one" "^$(hex8 "$good") -> "

finish
