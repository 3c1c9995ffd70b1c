#!/bin/sh
# bench/bt.sh BUILD [ROUNDS]: `kvmarm bt -a` on a dump with 1000 more
# threads than threads-le, against `kvmarm ps` (the thread walk alone) on
# the same dump, in the same run.
#
# The dump: threads-le's image, plus 1000 struct threads (copies of its
# sleeping threads, fresh tids, on no CPU) chained into the "kernel"
# process ahead of its own three, so each has a real kernel stack (its
# original's td_pcb) to unwind (copies of the stopped CPUs' threads unwind
# their stale td_pcb and stop early, as such a pcb must).  Made with the
# fixture writer's image directive; needs python3.  `make bench-bt`.
set -eu
B=${1:-build}
ROUNDS=${2:-5}
N=1000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

/usr/bin/env python3 - fixtures/threads-le.manifest fixtures/threads-le.image \
    "$tmp" "$N" <<'EOF'
import struct, sys
man, image, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
off, addrs, procs, dumptid = {}, [], {}, None
for line in open(man):
    w = line.split()
    if not w:
        continue
    if w[0] == "offset" and len(w) == 3:
        off[w[1]] = int(w[2])
    elif w[0] == "dumptid":
        dumptid = int(w[1])
    elif w[0] == "proc":
        procs[w[3]] = int(w[2], 16)
    elif w[0] == "addr":
        addrs.append((int(w[1]), int(w[3], 16)))
BASE, NEW, STRIDE = 0xc0100000, 0xc0200000, 128
img = bytearray(open(image, "rb").read())
word = lambda va: struct.unpack_from("<I", img, va - BASE)[0]
kproc = procs["kernel"]
head = kproc + off["proc_off_p_threads"]
first_own = word(head)
models = [td for tid, td in addrs if tid != dumptid]
arr = bytearray(n * STRIDE)
for i in range(n):
    src = models[i % len(models)] - BASE
    t = bytearray(img[src:src + STRIDE])
    va = NEW + i * STRIDE
    nxt = NEW + (i + 1) * STRIDE if i + 1 < n else first_own
    struct.pack_into("<I", t, off["thread_off_td_tid"], 200000 + i)
    struct.pack_into("<i", t, off["thread_off_td_oncpu"], -1)
    struct.pack_into("<I", t, off["thread_off_td_plist"], nxt)
    struct.pack_into("<I", t, off["thread_off_td_plist"] + 4,
                     head if i == 0 else va - STRIDE + off["thread_off_td_plist"])
    arr[i * STRIDE:(i + 1) * STRIDE] = t
struct.pack_into("<I", img, head - BASE, NEW)
open(out + "/base.image", "wb").write(img)
open(out + "/threads.image", "wb").write(arr)
EOF
size=$(( (N * 128 + 4095) / 4096 * 4096 ))
sed -e "s|^image .*|image $tmp/base.image 0xc0100000|" fixtures/threads-le.desc \
    >"$tmp/bt.desc"
printf 'map 0xc0200000 0x00200000 0x%x rw\nimage %s/threads.image 0xc0200000\n' \
    "$size" "$tmp" >>"$tmp/bt.desc"
"$B/tests/mkcore" "$tmp/bt.desc" "$tmp/bt.core" >/dev/null
k="-N fixtures/threads-le.kernel -M $tmp/bt.core"
threads=$("$B/kvmarm" $k ps | grep -c '^[ *] ')
frames=$("$B/kvmarm" $k bt -a | grep -c '^#')

# Seconds for one run of kvmarm with the given arguments.
t() {
	s=$(date +%s.%N)
	"$B/kvmarm" $k "$@" >/dev/null
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$tmp/ps"; : >"$tmp/bt"; : >"$tmp/json"
for r in $(seq "$ROUNDS"); do
	t ps >>"$tmp/ps"
	t bt -a >>"$tmp/bt"
	t bt -a --json >>"$tmp/json"
done
ps_s=$(median <"$tmp/ps")
bt_s=$(median <"$tmp/bt")
js_s=$(median <"$tmp/json")
echo "dump: threads-le + $N threads: $threads threads, $frames frames in bt -a"
awk -v p="$ps_s" -v b="$bt_s" -v j="$js_s" -v n="$threads" 'BEGIN {
	printf "kvmarm ps (walk only)      %8.1f ms\n", p * 1000
	printf "kvmarm bt -a               %8.1f ms  (%.2fx ps)\n", b * 1000, b / p
	printf "kvmarm bt -a --json        %8.1f ms  (%.2fx ps)\n", j * 1000, j / p
	printf "per thread (bt -a)         %8.1f us\n", b * 1e6 / n
}'
