# kvmarm check: clean and unclean fixtures, truncated and padded copies.
. tests/cli/lib.sh

run -M "$F/old-v1.core" check
expect_rc "check old-v1: exit 0 (clean)" 0
expect_line "check old-v1: says so" "^$F/old-v1.core: no problems found\$"
expect_line "check old-v1: notes the page-rounded PTE array" "^note: layout: .*page-rounded"
expect_line "check old-v1: notes mmuformat 0" "^note: header: mmuformat 0"
expect_no_err "check old-v1: quiet"

# Each desc "nodump" mapping is a run of pages mapped but not dumped.
for n in armv7-v2 armv5-v1-be lpae-v2; do
	run -M "$F/$n.core" check
	expect_rc "check $n: exit 1 (a nodump mapping)" 1
	awk '$1 == "map" && / nodump/ { print $2, $3, $4 }' "$F/$n.desc" >"$TMP/nd"
	while read -r va pa size; do
		expect_line "check $n: not_dumped $va" \
		    "^not_dumped: $(hex8 "$va")-$(hex8 $((va + size))) (pa $(hex8 "$pa"), $((size / 4096)) page"
	done <"$TMP/nd"
	expect_line "check $n: summary" "^$F/$n.core: 1 problem found\$"
done
# The device mapped in armv7-v2's physical hole is a note, not a problem.
set -- $(awk '$1 == "map" && $3 == "0x05000000" { print $2; exit }' "$F/armv7-v2.desc")
run -M "$F/armv7-v2.core" check
expect_line "check armv7-v2: device memory is a note" "^note: not_in_ranges: $(hex8 "$1")-"

run -M "$F/armv7-v2.core" check --json
json_valid "check --json: valid JSON"
expect_out "check --json: clean false" '"clean": false,'
expect_out "check --json: problem_count" '"problem_count": 1,'
expect_out "check --json: kind" '{"kind": "not_dumped", "detail": '

# A copy cut three pages and a bit short: truncated, pages past the end.
# (Not old-v1: cut short, its page-rounded layout can no longer be told.)
size=$(mf armv7-v2 file_size)
head -c $((size - 3 * 4096 - 100)) "$F/armv7-v2.core" >"$TMP/short.core"
run -M "$TMP/short.core" check
expect_rc "check truncated copy: exit 1" 1
expect_line "check truncated copy: truncated" "^truncated: the file has $((size - 3 * 4096 - 100)) bytes, a complete dump $size: 4 of the bitmap's $(mf armv7-v2 pages_dumped) pages"
expect_line "check truncated copy: pages past the end" "^page_truncated: 0x"
run -M "$TMP/short.core" info
expect_rc "info truncated copy: exit 0" 0
expect_line "info truncated copy: says so" "^truncated: *yes"
run -M "$TMP/short.core" info --json
expect_out "info --json truncated copy" '"truncated": true,'
run -M "$TMP/short.core" pages
expect_rc "pages truncated copy: exit 0" 0

# Cut inside the message buffer: the library will not open it.
head -c 6000 "$F/old-v1.core" >"$TMP/cut.core"
run -M "$TMP/cut.core" check
expect_rc "check cut in a section: exit 1" 1
expect_line "check cut in a section: truncated" "^truncated: the dump cannot be opened: "
run -M "$TMP/cut.core" info
expect_rc "info cut in a section: exit 2" 2
expect_err "info cut in a section: names the file" "$TMP/cut.core"
head -c 100 "$F/old-v1.core" >"$TMP/tiny.core"
run -M "$TMP/tiny.core" check --json
expect_rc "check 100-byte copy: exit 1" 1
expect_out "check --json 100-byte copy: clean false" '"clean": false,'

# A page of junk after the last page: the size is wrong.
cp "$F/armv7-v2.core" "$TMP/long.core"
head -c 4096 "$F/armv7-v2.core" >>"$TMP/long.core"
run -M "$TMP/long.core" check
expect_rc "check padded copy: exit 1" 1
expect_line "check padded copy: size" "^size: 4096 bytes past the last page"

run -M "$F/armv7-v2.desc" check
expect_rc "check a text file: exit 2" 2
expect_err "check a text file: names it" "$F/armv7-v2.desc"

finish
