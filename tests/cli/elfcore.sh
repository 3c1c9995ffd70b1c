# kvmarm on a full ELF core (fixtures/elfcore-v6-be.*): what info and check
# say, translation through the kernel's own tables, and what it needs.
. tests/cli/lib.sh

E="-N $F/elfcore-v6-be.kernel -M $F/elfcore-v6-be.core"

run $E info
expect_rc "elfcore info: exit 0" 0
expect_line "elfcore info: the container" "^container: *ELF core"
expect_line "elfcore info: v6 tables" "^page tables: *v6 page tables"
expect_line "elfcore info: big-endian" "^byte order: *big-endian"
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

finish
