#!/bin/sh
# A program outside the repository, built against `make install` through
# pkg-config, reads a committed fixture; and DESTDIR stages an install.
# Usage: sh tests/test_install.sh BUILD_DIR (from the repository root)
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - install: $1"; }
notok() { echo "not ok - install: $1"; }

if make -s B="$build" install PREFIX="$tmp/prefix" >"$tmp/log" 2>&1; then
	ok "make install PREFIX=..."
else
	notok "make install PREFIX=... failed: $(tail -n 1 "$tmp/log")"
	exit 1
fi
cat > "$tmp/prog.c" <<'PROG'
#include <fcntl.h>
#include <stdio.h>
#include <kvm_arm.h>

int
main(int argc, char **argv)
{
	char err[_POSIX2_LINE_MAX], buf[64] = "";
	struct kvm_nlist nl[] = { { "version", 0, 0 }, { NULL, 0, 0 } };
	kvm_t *kd = kvm_open2(argv[1], argv[2], O_RDONLY, err, NULL);

	if (argc != 3 || kd == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (kvm_nlist2(kd, nl) != 0 || kvm_read2(kd, nl[0].n_value, buf, 40) != 40)
		return 1;
	printf("%s\n", buf);
	return kvm_close(kd);
}
PROG
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
for link in shared static; do
	flag=; [ $link = static ] && flag=--static
	if cc -o "$tmp/prog-$link" "$tmp/prog.c" $(pkg-config $flag --cflags libkvm_arm) \
	    $([ $link = static ] && echo "$tmp/prefix/lib/libkvm_arm.a $(pkg-config --static --libs libkvm_arm | sed 's/-lkvm_arm//')" ||
	    pkg-config --libs libkvm_arm) 2>"$tmp/cc.log"; then
		out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/prog-$link" \
		    fixtures/armv7-v2.kernel fixtures/armv7-v2.core)
		if [ "$out" = "FreeBSD 14.0-RELEASE-kvmarm-fixture" ]; then
			ok "a $link program built with pkg-config reads the fixture"
		else
			notok "the $link program printed '$out'"
		fi
	else
		notok "cc with pkg-config ($link): $(head -n 1 "$tmp/cc.log")"
	fi
done
if make -s B="$build" install PREFIX=/usr DESTDIR="$tmp/stage" >"$tmp/log" 2>&1 &&
    [ -f "$tmp/stage/usr/include/kvm_arm.h" ] &&
    grep -q '^prefix=/usr$' "$tmp/stage/usr/lib/pkgconfig/libkvm_arm.pc"; then
	ok "DESTDIR stages a PREFIX=/usr install"
else
	notok "DESTDIR staging"
fi
