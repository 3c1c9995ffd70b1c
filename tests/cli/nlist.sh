# kvmarm nlist: the manifests' symbols (values and a.out types from nm for
# the toolchain kernels), missing names, and --json.
. tests/cli/lib.sh

type_of() {	# an a.out n_type as kvmarm words it
	case $(($1 & ~1)) in
	2) t=abs;; 4) t=text;; 6) t=data;; 8) t=bss;; 18) t=comm;; 30) t=fn;; *) t=undf;;
	esac
	[ $(($1 & 1)) = 1 ] || t="$t local"
	echo "$t"
}

for n in armv7-v2 armv5-v1-be lpae-v2 old-v1; do
	k="-N $F/$n.kernel -M $F/$n.core"
	awk '$1 == "sym" { print $2, $3, $4 }' "$F/$n.manifest" | sort -u >"$TMP/syms"
	names=$(awk '{ print $1 }' "$TMP/syms")
	run $k nlist $names
	expect_rc "nlist $n: exit 0" 0
	while read -r name value type; do
		expect_line "nlist $n $name" "^$name $(hex8 "$value") $(type_of "$type")\$"
	done <"$TMP/syms"

	missing=$(awk '$1 == "nosym" { print $2; exit }' "$F/$n.manifest")
	first=$(head -n 1 "$TMP/syms" | awk '{ print $1 }')
	run $k nlist "$first" "$missing"
	expect_rc "nlist $n with a missing name: exit 1" 1
	expect_line "nlist $n: missing line" "^$missing - missing\$"
	expect_line "nlist $n: the found one still printed" "^$first 0x"
done

# a.out callers spell symbols with a leading '_'.
set -- $(awk '$1 == "sym" && $2 == "version" { print $3; exit }' "$F/armv7-v2.manifest")
run -N "$F/armv7-v2.kernel" -M "$F/armv7-v2.core" nlist _version
# version is const, in .rodata: read-only PROGBITS is "text" to nlist(3).
expect_line "nlist _version" "^_version $(hex8 "$1") text\$"

run -N "$F/lpae-v2.kernel" -M "$F/lpae-v2.core" nlist --json version no_such_symbol_in_this_kernel
expect_rc "nlist --json: exit 1 (one missing)" 1
json_valid "nlist --json: valid JSON"
set -- $(awk '$1 == "sym" && $2 == "version" { print $3, $4; exit }' "$F/lpae-v2.manifest")
expect_out "nlist --json: found" "{\"name\": \"version\", \"found\": true, \"value\": $(($1)), \"type\": \"data\", \"external\": true, \"n_type\": $2}"
expect_out "nlist --json: missing" '"found": false, "value": null'

run -M "$F/armv7-v2.core" nlist version
expect_rc "nlist without -N: exit 2" 2
expect_err "nlist without -N: says so" "-N"
run -N "$F/armv7-v2.core" -M "$F/armv7-v2.core" nlist version
expect_rc "nlist with a core as the kernel: exit 2" 2
expect_err "nlist with a core as the kernel: names it" "$F/armv7-v2.core"

finish
