#!/bin/sh
# bench/elfcore.sh BUILD [ROUNDS]: `kvmarm elfcore` of a 256 MiB dump
# against `cp` of the same file, and from its gzip copy against
# `gzip -dc > /dev/null`.  Targets: within 2x of cp, within 2.5x of gzip.
#
# The dump is written here by the fixture writer: 256 MiB dumped, mapped as
# 256 runs of 1 MiB whose physical pages are shuffled, so VA order is not
# file order and the export has 256 segments to copy in file order.  Every
# command runs ROUNDS times (default 5), alternating, output to the same
# directory as the input; the medians are compared.  The gzip export is
# timed cold (KVM_ARM_NO_CACHE=1: the library indexes the stream at open,
# then the export reads it once more in file order) and with the index the
# library caches after its first open.  Not part of make check.
set -eu
build=${1:-build}
rounds=${2:-5}
K=$build/kvmarm
MK=$build/tests/mkcore
dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/kvmarm-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
# The gzip index cache (libkvm_arm keeps one per gzip core) stays in here.
XDG_CACHE_HOME=$dir/cache
export XDG_CACHE_HOME

now() { date +%s%N; }
# time_ms CMD...: milliseconds CMD took (its output discarded).
time_ms() {
	t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	t1=$(now)
	echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

{
	echo "version 2"
	echo "mmu v6"
	echo "endian little"
	echo "kva_size 0x10000000"
	echo "phys 0x40000000 0x50000000"
	# VA run i (1 MiB) maps physical MiB (i * 97) mod 256: a permutation.
	i=0
	while [ $i -lt 256 ]; do
		printf 'map 0x%x 0x%x 0x100000 rw\n' $((0xc0000000 + i * 0x100000)) \
		    $((0x40000000 + (i * 97 % 256) * 0x100000))
		i=$((i + 1))
	done
} >"$dir/big.desc"
"$MK" "$dir/big.desc" "$dir/big.core" >/dev/null
gzip -c "$dir/big.core" >"$dir/big.core.gz"
size=$(wc -c <"$dir/big.core" | tr -d ' ')
gzsize=$(wc -c <"$dir/big.core.gz" | tr -d ' ')

# Warm the page cache, and check the two exports agree, before timing.
cp "$dir/big.core" "$dir/warm"
"$K" -M "$dir/big.core" elfcore -f "$dir/out.elf" 2>/dev/null
"$K" -M "$dir/big.core.gz" elfcore -f "$dir/outgz.elf" 2>/dev/null
cmp "$dir/out.elf" "$dir/outgz.elf"
elfsize=$(wc -c <"$dir/out.elf" | tr -d ' ')

: >"$dir/t.cp"; : >"$dir/t.ex"; : >"$dir/t.gz"; : >"$dir/t.exgz"; : >"$dir/t.exgzc"
r=0
while [ $r -lt "$rounds" ]; do
	rm -f "$dir/copy" "$dir/out.elf" "$dir/outgz.elf"
	time_ms cp "$dir/big.core" "$dir/copy" >>"$dir/t.cp"
	time_ms "$K" -M "$dir/big.core" elfcore -f "$dir/out.elf" >>"$dir/t.ex"
	time_ms sh -c "gzip -dc '$dir/big.core.gz' >/dev/null" >>"$dir/t.gz"
	time_ms env KVM_ARM_NO_CACHE=1 "$K" -M "$dir/big.core.gz" elfcore -f "$dir/outgz.elf" >>"$dir/t.exgz"
	time_ms "$K" -M "$dir/big.core.gz" elfcore -f "$dir/outgz.elf" >>"$dir/t.exgzc"
	r=$((r + 1))
done
cp_ms=$(median <"$dir/t.cp")
ex_ms=$(median <"$dir/t.ex")
gz_ms=$(median <"$dir/t.gz")
exgz_ms=$(median <"$dir/t.exgz")
exgzc_ms=$(median <"$dir/t.exgzc")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "**missed**") }'; }
r1=$(ratio "$ex_ms" "$cp_ms")
r2=$(ratio "$exgz_ms" "$gz_ms")
r3=$(ratio "$exgzc_ms" "$gz_ms")

echo "kvmarm elfcore: dump $size bytes (gzip copy $gzsize), export $elfsize bytes, medians of $rounds rounds, in $(dirname "$dir")"
echo
echo "| case | kvmarm elfcore | baseline | ratio | target | |"
echo "|---|---|---|---|---|---|"
echo "| export of a 256 MiB dump vs cp | $ex_ms ms | $cp_ms ms | $r1 | <= 2 | $(verdict "$r1" 2) |"
echo "| export from its gzip copy vs gzip -dc > /dev/null | $exgz_ms ms | $gz_ms ms | $r2 | <= 2.5 | $(verdict "$r2" 2.5) |"
echo "| the same, the gzip index cached by an earlier open | $exgzc_ms ms | $gz_ms ms | $r3 | | |"
