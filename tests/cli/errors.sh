# The command line and unreadable input: exit 2 with one line on stderr
# that names the file; --help and --version.
. tests/cli/lib.sh

core=$F/armv7-v2.core

run --help
expect_rc "--help: exit 0" 0
expect_line "--help: usage" "^usage: kvmarm \[-N kernel\] -M core"
for c in info vtop read pages nlist dmesg check; do
	expect_line "--help: lists $c" "^  $c"
done
expect_no_err "--help: quiet"
run -h
expect_rc "-h: exit 0" 0
run --version
expect_rc "--version: exit 0" 0
expect_line "--version" "^kvmarm [0-9]"

run
expect_rc "no arguments: exit 2" 2
expect_err "no arguments: one line" "no command"
run -M "$core"
expect_rc "no command: exit 2" 2
run -M "$core" frobnicate
expect_rc "unknown command: exit 2" 2
expect_err "unknown command: one line" "frobnicate"
run -M "$core" info --frob
expect_rc "unknown option: exit 2" 2
expect_err "unknown option: one line" "--frob"
run info
expect_rc "no -M: exit 2" 2
expect_err "no -M: one line" "-M"
run -M
expect_rc "-M without a file: exit 2" 2
run -M "$core" --mmu v9 info
expect_rc "--mmu v9: exit 2" 2
expect_err "--mmu v9: one line" "v9"
run -M "$core" read --json 0xc0100000 4
expect_rc "read --json: exit 2" 2
run -M "$core" info --ranges
expect_rc "info --ranges: exit 2" 2
run -M "$core" info extra
expect_rc "info with an operand: exit 2" 2

# Options after the command, and "--".
run info -M "$core"
expect_rc "options after the command: exit 0" 0
run -M "$core" -- info
expect_rc "-- before the command: exit 0" 0

# Input that cannot be read, for every command.
for c in info "vtop 0xc0100000" "read 0xc0100000 4" pages dmesg check; do
	run -M "$TMP/no-such.core" $c
	expect_rc "$c missing file: exit 2" 2
	expect_err "$c missing file: names it" "$TMP/no-such.core"
	run -M "$F/armv7-v2.desc" $c
	expect_rc "$c text file: exit 2" 2
	expect_err "$c text file: names it" "$F/armv7-v2.desc"
done
: >"$TMP/empty.core"
run -M "$TMP/empty.core" info
expect_rc "empty file: exit 2" 2
expect_err "empty file: names it" "$TMP/empty.core"
run -M "$TMP" info
expect_rc "a directory: exit 2" 2
expect_err "a directory: names it" "$TMP"
run -M "$F/armv7-v2.kernel" info
expect_rc "a kernel as the core: exit 2" 2
expect_err "a kernel as the core: names it" "$F/armv7-v2.kernel"
run -N "$TMP/no-such.kernel" -M "$core" info
expect_rc "missing kernel: exit 2" 2
expect_err "missing kernel: names it" "$TMP/no-such.kernel"
# A big-endian kernel with a little-endian dump.
run -N "$F/armv5-v1-be.kernel" -M "$core" info
expect_rc "kernel of the other byte order: exit 2" 2
expect_err "kernel of the other byte order: names the core" "$core"
head -c 20000 "$core" >"$TMP/cut.core"
run -M "$TMP/cut.core" pages
expect_rc "cut inside the PTE array: exit 2" 2
expect_err "cut inside the PTE array: names it" "$TMP/cut.core"

# Another architecture's minidump (the same 17-byte prefix): named, exit 2,
# for check too (it must not take it for a broken arm dump).
for arch in arm64 amd64; do
	cp "$core" "$TMP/$arch.core"
	printf 'minidump FreeBSD/%s\000\000' "$arch" |
	    dd of="$TMP/$arch.core" conv=notrunc 2>/dev/null
	for c in info check; do
		run -M "$TMP/$arch.core" $c
		expect_rc "$arch minidump, $c: exit 2" 2
		expect_err "$arch minidump, $c: named" "a FreeBSD/$arch minidump"
	done
done

# A FIFO as -M or -N: refused at once by its kind (opening it for reading
# would wait for a writer forever); timeout turns a hang into a failure.
mkfifo "$TMP/fifo"
for how in "-M $TMP/fifo" "-N $TMP/fifo -M $core" "-N /dev/null -M $core" "-M /dev/null"; do
	for c in info check; do
		timeout 20 "$K" $how $c >"$TMP/out" 2>"$TMP/err"
		rc=$?
		expect_rc "$how $c: exit 2, no hang" 2
		expect_err "$how $c: one line naming the kind" "not a regular file"
	done
done
run -N "$TMP" -M "$core" info
expect_rc "-N a directory: exit 2" 2
expect_err "-N a directory: says so, as -M does" "$TMP: is a directory"

# --help names what kvmarm reads.
run --help
expect_line "--help: full ELF cores" "ELF"
expect_line "--help: compressed cores" "vmcore.N.gz, vmcore.N.zst"

# A write error on stdout names stdout, not the core.
if [ -w /dev/full ]; then
	"$K" -M "$core" info >/dev/full 2>"$TMP/err"
	rc=$?
	expect_rc "info >/dev/full: exit 2" 2
	expect_err "info >/dev/full: names stdout" "kvmarm: stdout: write error"
	if grep -F "$core" "$TMP/err" >/dev/null; then
		notok "info >/dev/full: does not blame the core" "$(first_err)"
	else ok "info >/dev/full: does not blame the core"; fi
else
	echo "skip - write error on stdout: no /dev/full"
fi

# Every error line, whatever the failure, starts with "kvmarm: ".
: >"$TMP/allerr"
for how in "info" "-M" "-M $TMP/no-such.core info" "-M $core frob" \
    "-M $core vtop 0x1" "-M $core read 0x1 4" "-M $core read version 4" \
    "-N $F/armv7-v2.kernel -M $core nlist no_such" "-M $F/old-v1.core dmesg" \
    "-N $F/old-v1.kernel -M $F/old-v1.core dmesg" "-M $core --mmu lpae info" \
    "-N $F/elfcore-v6-be.kernel -M $F/elfcore-v6-be.core dmesg" \
    "-M $F/elfcore-v6-be.core info" "-M $core vtop zz+" "-M $core read 0xc0000000 0"; do
	"$K" $how >/dev/null 2>>"$TMP/allerr"
done
if [ -s "$TMP/allerr" ] && ! grep -v '^kvmarm: ' "$TMP/allerr" >/dev/null; then
	ok "every error line starts with 'kvmarm: ' ($(wc -l <"$TMP/allerr" | tr -d ' ') lines)"
else
	notok "every error line starts with 'kvmarm: '" "$(grep -v '^kvmarm: ' "$TMP/allerr" | head -n 1)"
fi

finish
