# kvmarm pages: a line per valid PTE (manifest walk_pages and prot facts),
# and --ranges: one line per "map" line of the fixture's description.
. tests/cli/lib.sh

prot_of() {	# the manifest's prot bits (1 r, 2 w, 4 x) as rwx
	p=$1
	r=-; w=-; x=-
	[ $((p & 1)) = 0 ] || r=r
	[ $((p & 2)) = 0 ] || w=w
	[ $((p & 4)) = 0 ] || x=x
	echo "$r$w$x"
}

in_phys() {	# NAME PA: PA lies in one of the desc's phys ranges
	awk '$1 == "phys" { print $2, $3 }' "$F/$1.desc" >"$TMP/phys"
	while read -r s e; do
		[ $(($2)) -lt $((s)) ] || [ $(($2)) -ge $((e)) ] || return 0
	done <"$TMP/phys"
	return 1
}

for n in armv7-v2 armv5-v1-be lpae-v2 old-v1; do
	core=$F/$n.core
	run -M "$core" pages
	expect_rc "pages $n: exit 0" 0
	expect_no_err "pages $n: quiet"
	lines=$(($(wc -l <"$TMP/out") - 1))
	if [ "$lines" = "$(mf $n walk_pages)" ]; then ok "pages $n: walk_pages lines"
	else notok "pages $n: walk_pages lines" "$lines != $(mf $n walk_pages)"; fi
	awk '$1 == "prot" { print $2, $3 }' "$F/$n.manifest" >"$TMP/prot"
	while read -r va p; do
		expect_line "pages $n $va: prot $(prot_of "$p")" \
		    "^$(hex8 "$va")  0x[0-9a-f]*  [-0-9a-fx]* *  $(prot_of "$p")  4096\$"
	done <"$TMP/prot"

	# The description's mappings, merged: VA, PA, offset or -, prot, size.
	run -M "$core" pages --ranges
	expect_rc "pages --ranges $n: exit 0" 0
	awk '$1 == "map" { print $2, $3, $4, $5, ($0 ~ / nodump/) ? "nodump" : "-", ($0 ~ / pxn/) ? "pxn" : "-" }' \
	    "$F/$n.desc" >"$TMP/maps"
	while read -r va pa size prot nodump pxn; do
		case $prot in r) p=r--;; rw) p=rw-;; rx) p=r-x;; *) p=rwx;; esac
		# v4 page tables have no execute right; LPAE's PXN denies it.
		[ "$(mf $n mmuformat)" != 1 ] && [ "$pxn" = - ] || p=$(echo "$p" | sed 's/x$/-/')
		off='0x[0-9a-f]*'
		[ "$nodump" = - ] || off='-'
		in_phys "$n" "$pa" || off='-'	# device memory is never dumped
		expect_line "pages --ranges $n: map $va" \
		    "^$(hex8 "$va")  $(hex8 "$pa")  $off *  $p  $(($size))\$"
	done <"$TMP/maps"
	got=$(($(wc -l <"$TMP/out") - 1))
	want=$(wc -l <"$TMP/maps" | tr -d ' ')
	if [ "$got" = "$want" ]; then ok "pages --ranges $n: a line per mapping"
	else notok "pages --ranges $n: a line per mapping" "$got != $want"; fi

	run -M "$core" pages --json
	json_valid "pages --json $n: valid JSON"
	got=$(grep -c '"va": ' "$TMP/out")
	if [ "$got" = "$(mf $n walk_pages)" ]; then ok "pages --json $n: walk_pages records"
	else notok "pages --json $n: walk_pages records" "$got"; fi
done

set -- $(awk '$1 == "map" && / nodump/ { print $2; exit }' "$F/armv7-v2.desc")
run -M "$F/armv7-v2.core" pages --json --ranges
expect_out "pages --ranges --json: not dumped is null" "{\"va\": $(($1)), \"pa\": "
expect_line "pages --ranges --json: offset null" "\"va\": $(($1)), .*\"offset\": null"
run -M "$F/armv7-v2.core" pages extra
expect_rc "pages with an operand: exit 2" 2
run -M "$F/armv7-v2.core" pages -r
expect_rc "pages -r: exit 2" 2

finish
