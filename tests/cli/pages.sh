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
		    "^$(hex8 "$va")  0x[0-9a-f]* *  [-0-9a-fx]* *  $(prot_of "$p")  4096\(  [^ ]*\)\{0,1\}\$"
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
		    "^$(hex8 "$va")  $(hex8 "$pa") *  $off *  $p  $(($size))\(  [^ ]*\)\{0,1\}\$"
	done <"$TMP/maps"
	# Columns stay aligned, 40-bit physical addresses too: every line's
	# OFFSET, PROT and LEN start where the header's do.
	if awk 'NR == 1 { o = index($0, "OFFSET"); p = index($0, "PROT"); next }
	    substr($0, o - 2, 2) != "  " || substr($0, o, 1) == " " ||
	    substr($0, p - 2, 2) != "  " || substr($0, p, 1) == " " { bad = 1 }
	    END { exit bad }' "$TMP/out"; then ok "pages --ranges $n: columns aligned"
	else notok "pages --ranges $n: columns aligned" "$(head -n 3 "$TMP/out" | tr '\n' '|')"; fi
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

# On a terminal (stdout and stderr the same one, as script(1) gives), the
# progress line of a large walk is erased before each row: rendered as a
# terminal would (a carriage return goes back to column 0, ESC [ K erases
# to the end of the line), every row starts with its VA.
{
	printf 'kva_size 0x10000000\nphys 0x40000000 0x40100000\n'
	i=0
	while [ $i -lt 16 ]; do
		printf 'map 0x%x 0x%x 0x1000 rw\n' $((0xc0000000 + i * 0x1000000)) $((0x40000000 + i * 0x1000))
		i=$((i + 1))
	done
} >"$TMP/big.desc"
if ! command -v script >/dev/null 2>&1; then
	echo "skip - pages on a terminal: no script(1)"
elif "$BUILD/tests/mkcore" "$TMP/big.desc" "$TMP/big.core" >/dev/null 2>&1; then
	script -qec "$K -M $TMP/big.core pages" /dev/null </dev/null >"$TMP/tty" 2>&1
	# render: what each line shows once \r and ESC [ K have done their work.
	awk '{
		n = split($0, seg, "\r"); screen = ""
		for (i = 1; i <= n; i++) {
			s = seg[i]
			if (substr(s, 1, 3) == "\033[K") { screen = ""; s = substr(s, 4) }
			screen = s substr(screen, length(s) + 1)
		}
		print screen
	}' "$TMP/tty" >"$TMP/shown"
	rows=$(grep -c '^0x' "$TMP/shown")
	if [ "$rows" = 16 ] && ! grep -v -e '^0x' -e '^VA ' -e '^ *$' "$TMP/shown" >/dev/null; then
		ok "pages on a terminal: the progress line never runs into a row"
	else
		notok "pages on a terminal: the progress line never runs into a row" \
		    "$rows rows; $(grep -v -e '^0x' -e '^VA ' -e '^ *$' "$TMP/shown" | head -n 1)"
	fi
	if grep -F 'pages:' "$TMP/tty" >/dev/null; then ok "pages on a terminal: progress was shown"
	else notok "pages on a terminal: progress was shown" "no 'pages:' in the output"; fi
else
	notok "pages on a terminal" "mkcore failed on $TMP/big.desc"
fi

finish
