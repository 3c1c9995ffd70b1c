# --mmu: every command takes it; it changes how the page table is decoded.
. tests/cli/lib.sh

core=$F/old-v1.core
va=$(awk '$1 == "vtop" { print $2; exit }' "$F/old-v1.manifest")
for c in info "vtop $va" "read $va 16" pages dmesg check; do
	run -M "$core" --mmu v6 $c
	expect_rc "--mmu v6 $c: exit 0" 0
done
run -N "$F/old-v1.kernel" -M "$core" --mmu v6 nlist version
expect_rc "--mmu v6 nlist: exit 0" 0

# old-v1 says mmuformat 0, read as v6 (its rwx mapping shows x); as v4
# there is no execute right at all.
run -M "$core" pages
expect_line "pages old-v1 (as v6): rwx" "  rwx  4096\$"
run -M "$core" --mmu v4 pages
expect_rc "--mmu v4 pages: exit 0" 0
if awk 'NR > 1 && $4 ~ /x/' "$TMP/out" | grep . >/dev/null; then
	notok "--mmu v4 pages: no execute right" "$(grep -m1 'x  4096' "$TMP/out")"
else
	ok "--mmu v4 pages: no execute right"
fi
run -M "$core" --mmu v4 check
expect_line "--mmu v4 check: notes the override of mmuformat 0" "^note: mmu: decoded as v4 (--mmu), not as v6 (assumed"

finish
