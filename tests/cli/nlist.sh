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

# Patched copies of the little-endian toolchain kernel, its headers read
# with od and awk (ELF32: e_shoff at 32, e_shentsize 46, e_shnum 48; a
# section header's sh_type at 4, sh_offset 16, sh_size 20, sh_link 24; a
# symbol's st_name at 0, st_value 4, st_info 12, st_shndx 14).
kern=$F/armv7-v2.kernel
od -An -v -tu1 "$kern" | tr -s ' ' '\n' | sed '/^$/d' >"$TMP/kbytes"
# elf_facts: "SYMTAB-HEADER-OFFSET SHNDX-OFFSET VALUE NAME OTHER-SECTION" for
# the first local, named, non-FILE symbol, and a section that is neither
# PROGBITS (1) nor NOBITS (8) nor a table (symtab 2, strtab 3, null 0).
awk '{ b[NR - 1] = $1 }
function le(o, n,   v, i) { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[o + i]; return v }
function str(o,   s) { s = ""; while (b[o] != 0) s = s sprintf("%c", b[o++]); return s }
END {
	shoff = le(32, 4); shentsize = le(46, 2); shnum = le(48, 2)
	other = -1
	for (i = 0; i < shnum; i++) {
		sh = shoff + i * shentsize; t = le(sh + 4, 4)
		if (t == 2) { symsh = sh; symoff = le(sh + 16, 4); symsize = le(sh + 20, 4); strsh = shoff + le(sh + 24, 4) * shentsize }
		else if (t != 0 && t != 1 && t != 3 && t != 8 && other < 0) other = i
	}
	stroff = le(strsh + 16, 4)
	for (o = symoff + 16; o < symoff + symsize; o += 16) {
		info = b[o + 12]
		if (int(info / 16) == 0 && info % 16 != 4 && info % 16 != 3 && le(o, 4) != 0) {
			printf "%d %d %.0f %s %d\n", symsh, o + 14, le(o + 4, 4), str(stroff + le(o, 4)), other
			exit
		}
	}
}' "$TMP/kbytes" >"$TMP/facts"
read -r symsh shndx_off value lname other <"$TMP/facts"
# put16 FILE OFFSET VALUE: a little-endian 16-bit value into a copy.
put16() { printf "$(printf '\\%03o\\%03o' $(($3 & 255)) $(($3 >> 8)))" |
    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

# A found local symbol in a section nlist(3) has no type for is N_UNDF,
# n_type 0: still found, and printed as "undf local".
if [ -n "$lname" ] && [ "$other" -ge 0 ]; then
	cp "$kern" "$TMP/undf.kernel"
	put16 "$TMP/undf.kernel" "$shndx_off" "$other"
	run -N "$TMP/undf.kernel" -M "$F/armv7-v2.core" nlist "$lname" hz
	expect_rc "nlist a symbol of n_type 0: exit 0" 0
	lre=$(printf '%s' "$lname" | sed 's/[]$.*[\\^]/\\&/g')
	expect_line "nlist a symbol of n_type 0: found, undf local" "^$lre $(hex8 "$value") undf local\$"
	run -N "$TMP/undf.kernel" -M "$F/armv7-v2.core" nlist --json "$lname"
	expect_out "nlist --json a symbol of n_type 0: found" "\"found\": true, \"value\": $value, \"type\": \"undf\", \"external\": false, \"n_type\": 0}"
else
	notok "nlist a symbol of n_type 0" "no local symbol or other section in $kern"
fi

# The source file's name (fixtures/src/kernel.c) is an STT_FILE symbol:
# N_FN, 0x1f, whose low bit is not N_EXT.
run -N "$kern" -M "$F/armv7-v2.core" nlist kernel.c
expect_rc "nlist a file symbol: exit 0" 0
expect_line "nlist a file symbol: fn, not external" "^kernel\.c 0x00000000 fn\$"
run -N "$kern" -M "$F/armv7-v2.core" nlist --json kernel.c
expect_out "nlist --json a file symbol" '"type": "fn", "external": false, "n_type": 31}'

# A stripped kernel (its SYMTAB header retyped PROGBITS): no symbol table
# is unreadable input (exit 2) that names the kernel, not a missing symbol.
cp "$kern" "$TMP/stripped.kernel"
put16 "$TMP/stripped.kernel" $((symsh + 4)) 1
run -N "$TMP/stripped.kernel" -M "$F/armv7-v2.core" nlist hz
expect_rc "nlist stripped kernel: exit 2" 2
expect_err "nlist stripped kernel: names it" "$TMP/stripped.kernel"
for c in "read hz 4" "vtop hz"; do
	run -N "$TMP/stripped.kernel" -M "$F/armv7-v2.core" $c
	expect_rc "$c, stripped kernel: exit 2" 2
	expect_err "$c, stripped kernel: names it" "$TMP/stripped.kernel"
	expect_no_out "$c, stripped kernel: no output"
done

run -M "$F/armv7-v2.core" nlist version
expect_rc "nlist without -N: exit 2" 2
expect_err "nlist without -N: says so" "-N"
run -N "$F/armv7-v2.core" -M "$F/armv7-v2.core" nlist version
expect_rc "nlist with a core as the kernel: exit 2" 2
expect_err "nlist with a core as the kernel: names it" "$F/armv7-v2.core"

finish
