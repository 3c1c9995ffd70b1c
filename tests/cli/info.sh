# kvmarm info (text and --json) on every fixture, against its manifest.
. tests/cli/lib.sh

for n in armv7-v2 armv5-v1-be lpae-v2 old-v1; do
	core=$F/$n.core
	run -M "$core" info
	expect_rc "info $n: exit 0" 0
	expect_no_err "info $n: quiet"
	expect_line "info $n: version" \
	    "^container: *minidump version $(mf $n version)\$"
	expect_line "info $n: mmuformat" "^mmuformat: *$(mf $n mmuformat)[ ,]"
	if [ "$(mf $n big_endian)" = 1 ]; then bo=big; else bo=little; fi
	expect_line "info $n: byte order" "^byte order: *$bo-endian"
	expect_line "info $n: kernbase" "^kernbase: *$(hex8 "$(mf $n kernbase)")\$"
	expect_line "info $n: KVA range" "^KVA range: *$(hex8 "$(mf $n kernbase)")-$(hex8 "$(mf $n kva_end)") "
	expect_line "info $n: msgbuf size" "^msgbuf size: *$(mf $n msgbuf_size) bytes"
	expect_line "info $n: pages dumped" "^pages dumped: *$(mf $n pages_dumped) "
	pdo=$(printf '0x%x' "$(mf $n page_data_offset)")
	if [ "$(mf $n page_data_rounded)" = 1 ]; then lay="after a page-rounded"; else lay=unpadded; fi
	expect_line "info $n: page data" "^page data: *offset $pdo ($lay"
	expect_line "info $n: file size" "^file size: *$(mf $n file_size) bytes\$"
	expect_line "info $n: not truncated" "^truncated: *no\$"

	run -M "$core" info --json
	expect_rc "info --json $n: exit 0" 0
	json_valid "info --json $n: valid JSON"
	expect_out "info --json $n: version" "\"version\": $(mf $n version),"
	expect_out "info --json $n: mmuformat" "\"mmuformat\": $(mf $n mmuformat),"
	expect_out "info --json $n: byte_order" "\"byte_order\": \"$bo\","
	expect_out "info --json $n: kernbase" "\"kernbase\": $(($(mf $n kernbase))),"
	expect_out "info --json $n: kva_end" "\"kva_end\": $(($(mf $n kva_end))),"
	expect_out "info --json $n: pages_dumped" "\"pages_dumped\": $(mf $n pages_dumped),"
	expect_out "info --json $n: page_data_offset" "\"page_data_offset\": $(mf $n page_data_offset),"
	expect_out "info --json $n: file_size" "\"file_size\": $(mf $n file_size),"
	expect_out "info --json $n: truncated" "\"truncated\": false,"
	expect_out "info --json $n: no dump header" "\"dump_header\": null"
done

# The physical ranges are the desc's "phys" lines (v2; v1 numbers from 0).
for n in armv7-v2 lpae-v2; do
	run -M "$F/$n.core" info
	awk '$1 == "phys" { print $2, $3 }' "$F/$n.desc" >"$TMP/phys"
	while read -r s e; do
		expect_line "info $n: range $s-$e" \
		    "^[a-z :]*$(hex8 "$s")-$(hex8 "$e")\$"
	done <"$TMP/phys"
done

# The byte order's source: the kernel ELF when given, else the header.
run -N "$F/armv5-v1-be.kernel" -M "$F/armv5-v1-be.core" info
expect_line "info -N: byte order from the kernel" "^byte order: *big-endian (from the kernel ELF)"
expect_line "info -N: names the kernel" "^kernel: *$F/armv5-v1-be.kernel\$"
run -M "$F/armv5-v1-be.core" info
expect_line "info: byte order from the header" "^byte order: *big-endian (from the dump header)"

# --mmu overrides the header's format (old-v1 says 0, read as v6).
run -M "$F/old-v1.core" --mmu v4 info
expect_rc "info --mmu v4: exit 0" 0
expect_line "info --mmu v4: decoded as v4" "^mmuformat: *0, decoded as 1 (v4)"
run -M "$F/old-v1.core" info --json --mmu=lpae
expect_out "info --mmu=lpae --json: mmuformat_used" '"mmuformat_used": 3,'
expect_out "info --mmu=lpae --json: mmuformat_name" '"mmuformat_name": "lpae",'

# A gzip-compressed copy (vmcore.N.gz) reads as the core itself.
if command -v gzip >/dev/null 2>&1; then
	gzip -c "$F/armv7-v2.core" >"$TMP/vmcore.gz"
	run -M "$TMP/vmcore.gz" info
	expect_rc "info vmcore.gz: exit 0" 0
	expect_line "info vmcore.gz: pages dumped" "^pages dumped: *$(mf armv7-v2 pages_dumped) "
	expect_line "info vmcore.gz: the dump's size" "(the dump itself: $(mf armv7-v2 file_size))\$"
else
	echo "skip - info vmcore.gz: no gzip"
fi

finish
