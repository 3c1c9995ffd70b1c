# kvmarm on a full ELF core (fixtures/elfcore-v6-be.*): what info and check
# say, translation through the kernel's own tables, and what it needs.
. tests/cli/lib.sh

E="-N $F/elfcore-v6-be.kernel -M $F/elfcore-v6-be.core"

run $E info
expect_rc "elfcore info: exit 0" 0
expect_line "elfcore info: the container" "^container: *ELF core"
expect_line "elfcore info: v6 tables" "^page tables: *v6, walked"
expect_line "elfcore info: big-endian" "^byte order: *big-endian"
# The page count is of physical pages; the walk's count beside it.
expect_line "elfcore info: what the page counts count" \
    "^pages: *$(mf elfcore-v6-be pages_dumped) physical pages in the core, $(mf elfcore-v6-be walk_pages) mapped kernel pages\$"
# Its kernel has no .ARM.attributes: v6 is assumed, and info says so.
expect_line "elfcore info: the format was assumed" "^format from: *assumed"

# The description's two physical ranges are the core's segments.
expect_line "elfcore info: first segment" "0x00000000-0x00080000"
expect_line "elfcore info: second segment" "0x00100000-0x00140000"

# From the description: 0xc0400000 is a 1 MiB section over 0x100000, of which
# only 256 KiB are in the core; 0xc0040000 a 64 KiB read-only large page.
run $E vtop 0xc0400010 0xc043fff0 0xc0440000 0xc0041000
expect_rc "elfcore vtop: exit 1 (one address not in the core)" 1
expect_line "elfcore vtop: a section" "^0xc0400010 -> 0x00100010 -> "
expect_line "elfcore vtop: the section's last present page" "^0xc043fff0 -> 0x0013fff0 -> "
expect_line "elfcore vtop: past the segment" "^0xc0440000 -> 0x00140000 -> not dumped"
expect_line "elfcore vtop: a large page" "^0xc0041000 -> 0x00041000 -> "

run $E read version 26
expect_rc "elfcore read version: exit 0" 0
expect_out "elfcore read version: the kdata bytes" "|FreeBSD 12.4-ELF|"

run $E pages --ranges
expect_rc "elfcore pages --ranges: exit 0" 0
expect_line "elfcore pages: the read-only large page" "^0xc0040000  0x00040000  .*  r--  65536\$"

run $E check
expect_rc "elfcore check: exit 0 (the section's missing part is a note)" 0

run -M "$F/elfcore-v6-be.core" info
expect_rc "elfcore without -N: exit 2" 2
expect_err "elfcore without -N: says it needs the kernel" "needs its kernel"

# Below the kernel: the range in the reason, with no stray space.
run $E vtop 0x1000
expect_line "elfcore vtop below kernbase: the range" \
    "^0x00001000 -> not mapped: outside the kernel's address space (KVA 0xc0000000-0x100000000)\$"

# The kernel's .ARM.attributes picks the format (Tag_CPU_arch 1-5: ARMv4/v5,
# pmap-v4 tables, no execute right; 6 and on: v6).  The description maps
# rwx, which v4 tables cannot say: rw- is the expectation from the format.
for arch in 1 4 5 6 10 none; do
	want=v6; [ "$arch" != none ] && [ "$arch" -le 5 ] && want=v4
	{
		printf 'container elf\nmmu %s\nkva_size 0x40000000\nkernphys 0\n' $want
		printf 'ptpool 0x10000\nl1pa_va 0xc0001100\nphys 0 0x20000\n'
		printf 'map 0xc0000000 0 0x10000 rwx\n'
		[ "$arch" = none ] || printf 'cpu_arch %s\n' "$arch"
	} >"$TMP/attr.desc"
	"$BUILD/tests/mkcore" "$TMP/attr.desc" "$TMP/attr.core" "$TMP/attr.kernel" ||
	    notok "mkcore Tag_CPU_arch $arch" "failed"
	run -N "$TMP/attr.kernel" -M "$TMP/attr.core" info
	expect_line "Tag_CPU_arch $arch: $want tables" "^page tables: *$want, walked"
	if [ "$arch" = none ]; then
		expect_line "no Tag_CPU_arch: assumed, says info" "^format from: *assumed"
	else
		expect_line "Tag_CPU_arch $arch: from .ARM.attributes" "^format from: .*\.ARM\.attributes"
	fi
	run -N "$TMP/attr.kernel" -M "$TMP/attr.core" pages
	prot=rwx; [ $want = v4 ] && prot=rw-
	expect_line "Tag_CPU_arch $arch: pages are $prot" "^0xc0000000  0x00000000  .*  $prot  4096\(  [^ ]*\)\{0,1\}\$"
done

finish
