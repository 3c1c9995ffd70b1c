# kvmarm check: clean and unclean fixtures, truncated and padded copies.
. tests/cli/lib.sh

run -M "$F/old-v1.core" check
expect_rc "check old-v1: exit 0 (clean)" 0
expect_line "check old-v1: says so" "^$F/old-v1.core: no problems found\$"
expect_line "check old-v1: notes the page-rounded PTE array" "^note: layout: .*page-rounded"
expect_line "check old-v1: notes mmuformat 0" "^note: mmu: decoded as v6 (assumed: the dump header says 0"
expect_no_err "check old-v1: quiet"

# Each desc "nodump" mapping is a run of pages mapped but not dumped: a
# problem in a version 2 dump (the page is inside dump_avail), a note in a
# version 1 dump (armv5-v1-be), which has no ranges to tell device memory
# from RAM.
for n in armv7-v2 armv5-v1-be lpae-v2; do
	lead= want=1 summary="1 problem found"
	[ "$(mf $n version)" = 1 ] && lead="note: " want=0 summary="no problems found"
	run -M "$F/$n.core" check
	expect_rc "check $n: exit $want (a nodump mapping)" $want
	awk '$1 == "map" && / nodump/ { print $2, $3, $4 }' "$F/$n.desc" >"$TMP/nd"
	while read -r va pa size; do
		expect_line "check $n: ${lead}not_dumped $va" \
		    "^${lead}not_dumped: $(hex8 "$va")-$(hex8 $((va + size))) (pa $(hex8 "$pa"), $((size / 4096)) page"
	done <"$TMP/nd"
	expect_line "check $n: summary" "^$F/$n.core: $summary\$"
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

# A missing or wrong kernel is not the dump's problem: exit 2, as info
# says, and the line names the kernel (or, for the other byte order, the
# core the kernel does not match), never a "header" problem on stdout.
for c in info check "check --json"; do
	run -N "$TMP/no-such.kernel" -M "$F/armv7-v2.core" $c
	expect_rc "$c, missing kernel: exit 2" 2
	expect_err "$c, missing kernel: names it" "$TMP/no-such.kernel"
	expect_no_out "$c, missing kernel: no output"
done
run -N "$F/armv5-v1-be.kernel" -M "$F/armv7-v2.core" check
expect_rc "check, kernel of the other byte order: exit 2" 2
expect_err "check, kernel of the other byte order: one line" "$F/armv7-v2.core"
# A dump that will not open without the kernel either is still check's
# finding, whatever the kernel.
run -N "$TMP/no-such.kernel" -M "$TMP/cut.core" check
expect_rc "check cut in a section, missing kernel: exit 1" 1
expect_line "check cut in a section, missing kernel: truncated" "^truncated: the dump cannot be opened: $TMP/cut.core"

# 52 one-page nodump mappings with gaps between them: 52 runs, 50 listed,
# then a summary line of the runs' own kind; problem_count is the real
# total, 52, and --all lists every run.
{
	printf 'version 2\nmmu v6\nendian little\nkernbase 0xc0000000\n'
	printf 'kva_size 0x100000\nphys 0x0 0x1000000\nmap 0xc0000000 0x0 0x1000 rw\n'
	i=1
	while [ $i -le 52 ]; do
		printf 'map 0x%x 0x%x 0x1000 rw nodump\n' $((0xc0000000 + i * 0x2000)) $((i * 0x2000))
		i=$((i + 1))
	done
} >"$TMP/runs.desc"
if [ ! -x "$BUILD/tests/mkcore" ]; then
	notok "check 52 runs" "$BUILD/tests/mkcore is missing (make $BUILD/tests/mkcore)"
elif "$BUILD/tests/mkcore" "$TMP/runs.desc" "$TMP/runs.core" >/dev/null 2>&1; then
	run -M "$TMP/runs.core" check
	expect_rc "check 52 runs: exit 1" 1
	n=$(grep -c '^not_dumped: 0x' "$TMP/out")
	if [ "$n" = 50 ]; then ok "check 52 runs: 50 listed"
	else notok "check 52 runs: 50 listed" "$n"; fi
	expect_line "check 52 runs: summary of kind not_dumped" "^not_dumped: 2 more runs of such pages (52 pages in all)\$"
	if grep '^more:' "$TMP/out" >/dev/null; then notok "check 52 runs: no kind 'more'" "$(grep '^more:' "$TMP/out")"
	else ok "check 52 runs: no kind 'more'"; fi
	expect_line "check 52 runs: every problem counted" "^$TMP/runs.core: 52 problems found\$"
	run -M "$TMP/runs.core" check --all
	expect_rc "check --all 52 runs: exit 1" 1
	n=$(grep -c '^not_dumped: 0x' "$TMP/out")
	if [ "$n" = 52 ]; then ok "check --all 52 runs: 52 listed"
	else notok "check --all 52 runs: 52 listed" "$n"; fi
	expect_line "check --all 52 runs: the last run" "^not_dumped: 0xc0068000-0xc0069000 (pa 0x00068000, 1 page)"
	if grep 'more runs' "$TMP/out" >/dev/null; then notok "check --all 52 runs: no summary" "$(grep 'more runs' "$TMP/out")"
	else ok "check --all 52 runs: no summary"; fi
	expect_line "check --all 52 runs: count" "^$TMP/runs.core: 52 problems found\$"
	run -M "$TMP/runs.core" check --all --json
	expect_out "check --all --json 52 runs: problem_count" '"problem_count": 52,'
	run -M "$TMP/runs.core" check --json
	json_valid "check --json 52 runs: valid JSON"
	expect_out "check --json 52 runs: problem_count" '"problem_count": 52,'
	expect_out "check --json 52 runs: summary" '{"kind": "not_dumped", "detail": "2 more runs of such pages (52 pages in all)", "summary": true}'
	expect_out "check --json 52 runs: a run" '(pa 0x00002000, 1 page): mapped but not in the dump (the bitmap bit is clear)", "summary": false}'
else
	notok "check 52 runs" "mkcore failed on $TMP/runs.desc"
fi

# False alarms that are not: FreeBSD/arm never dumps physical page 0 (a
# note, in either version); a version 1 dump's mapped page without its bit
# may be device memory (a note); in version 2 the same page inside
# dump_avail stays a problem.
for v in 1 2; do
	{
		printf 'version %s\nmmu v6\nkva_size 0x100000\nphys 0x0 0x100000\n' $v
		printf 'map 0xc0000000 0x0 0x1000 rw nodump\n'
		printf 'map 0xc0001000 0x1000 0x4000 rw\n'
		printf 'map 0xc0008000 0x8000 0x2000 rw nodump\n'
	} >"$TMP/pa0.desc"
	"$BUILD/tests/mkcore" "$TMP/pa0.desc" "$TMP/pa0.core" >/dev/null 2>&1 ||
	    notok "mkcore pa0.desc v$v" "failed"
	run -M "$TMP/pa0.core" check
	expect_line "check v$v: physical page 0 is a note" \
	    "^note: pa_zero: 0xc0000000-0xc0001000 (pa 0x00000000, 1 page): mapped to physical page 0, which FreeBSD/arm never dumps"
	if [ $v = 1 ]; then
		expect_rc "check v1: page 0 and an unbitmapped page: clean" 0
		expect_line "check v1: the unbitmapped page is a note" \
		    "^note: not_dumped: 0xc0008000-0xc000a000 (pa 0x00008000, 2 pages)"
	else
		expect_rc "check v2: the unbitmapped page in dump_avail: exit 1" 1
		expect_line "check v2: the unbitmapped page is a problem" \
		    "^not_dumped: 0xc0008000-0xc000a000 (pa 0x00008000, 2 pages)"
		expect_line "check v2: one problem" "^$TMP/pa0.core: 1 problem found\$"
	fi
done

# --mmu against what the dump says: the same note for every container and
# format.
for how in "-M $F/armv7-v2.core --mmu v4" "-M $F/lpae-v2.core --mmu v6" \
    "-N $F/elfcore-v6-be.kernel -M $F/elfcore-v6-be.core --mmu v4" "-M $F/old-v1.core --mmu v4"; do
	run $how check
	expect_line "check $how: the override noted" "^note: mmu: decoded as v[46] (--mmu), not as "
done

finish
