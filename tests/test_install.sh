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

# The Python package: `make install` put it in PREFIX/lib/python3/dist-packages,
# where it loads the library of the same prefix (no KVMARM_LIBRARY, no
# LD_LIBRARY_PATH, run from outside the source tree).
py=/usr/bin/python3
pydir="$tmp/prefix/lib/python3/dist-packages"
pycheck='import kvmarm, sys
lib = kvmarm._lib.lib._name
assert lib.startswith(sys.argv[1]), lib
with kvmarm.Dump(sys.argv[2] + ".core", sys.argv[2] + ".kernel") as d:
    print(d.read_cstr(d.symbol("version")))'
if [ ! -x "$py" ]; then
	echo "skip - install: python package: no $py"
elif nm -D "$build/libkvm_arm.so.0" 2>/dev/null | grep -q '__asan_init\|__ubsan_handle'; then
	echo "skip - install: python package: the library is built with sanitizers"
else
	fix="$PWD/fixtures/armv7-v2"
	out=$(cd "$tmp" && env -u KVMARM_LIBRARY -u LD_LIBRARY_PATH \
	    PYTHONPATH="$pydir" "$py" -c "$pycheck" "$tmp/prefix/lib/" "$fix" 2>&1)
	if [ "$out" = "FreeBSD 14.0-RELEASE-kvmarm-fixture" ]; then
		ok "PYTHONPATH=PREFIX/lib/python3/dist-packages: import kvmarm reads the fixture with PREFIX's library"
	else
		notok "installed python package: $(echo "$out" | tail -n 1)"
	fi
	if grep -q "^LIBDIR = '/usr/lib'$" "$tmp/stage/usr/lib/python3/dist-packages/kvmarm/_libdir.py" 2>/dev/null; then
		ok "DESTDIR: the staged python package names PREFIX's LIBDIR"
	else
		notok "DESTDIR: no staged kvmarm/_libdir.py naming /usr/lib"
	fi
	if make -s B="$build" install-python PREFIX="$tmp/p2" PYTHONDIR="$tmp/pyd" >"$tmp/log" 2>&1 &&
	    [ -f "$tmp/pyd/kvmarm/dump.py" ]; then
		ok "PYTHONDIR overrides where the package goes"
	else
		notok "PYTHONDIR: $(tail -n 1 "$tmp/log")"
	fi
	# pip, offline, from a copy (pip builds in the source directory).
	if "$py" -m pip --version >/dev/null 2>&1 && "$py" -c 'import setuptools' 2>/dev/null; then
		cp -r python "$tmp/pysrc"
		if PIP_ROOT_USER_ACTION=ignore "$py" -m pip install -q --no-build-isolation \
		    --no-index --no-deps --disable-pip-version-check \
		    --target "$tmp/pip" "$tmp/pysrc" >"$tmp/log" 2>&1; then
			out=$(cd "$tmp" && env -u KVMARM_LIBRARY LD_LIBRARY_PATH="$tmp/prefix/lib" \
			    PYTHONPATH="$tmp/pip" "$py" -c "$pycheck" "libkvm_arm" "$fix" 2>&1)
			if [ "$out" = "FreeBSD 14.0-RELEASE-kvmarm-fixture" ]; then
				ok "pip install --no-build-isolation ./python: import kvmarm reads the fixture"
			else
				notok "pip-installed package: $(echo "$out" | tail -n 1)"
			fi
		else
			notok "pip install --no-build-isolation: $(tail -n 1 "$tmp/log")"
		fi
	else
		echo "skip - install: pip install ./python: no pip or setuptools for $py (Debian: python3-pip python3-setuptools)"
	fi
fi

# <kvm.h>, as a program written for FreeBSD's includes it: kvm_openfiles,
# kvm_nlist with struct nlist, kvm_read.
cat > "$tmp/freebsd.c" <<'PROG'
#include <sys/types.h>
#include <fcntl.h>
#include <kvm.h>
#include <limits.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char err[_POSIX2_LINE_MAX], buf[64] = "";
	struct nlist nl[] = { { "_version" }, { NULL } };
	kvm_t *kd = kvm_openfiles(argv[1], argv[2], NULL, O_RDONLY, err);

	if (argc != 3 || kd == NULL || kvm_nlist(kd, nl) != 0 ||
	    kvm_read(kd, nl[0].n_value, buf, 35) != 35)
		return 1;
	printf("%s\n", buf);
	return kvm_close(kd);
}
PROG
if cc -o "$tmp/freebsd" "$tmp/freebsd.c" $(pkg-config --cflags --libs libkvm_arm) 2>"$tmp/cc.log"; then
	out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/freebsd" \
	    fixtures/armv7-v2.kernel fixtures/armv7-v2.core)
	if [ "$out" = "FreeBSD 14.0-RELEASE-kvmarm-fixture" ]; then
		ok "a program written for FreeBSD's <kvm.h> (kvm_nlist, struct nlist) builds and reads"
	else
		notok "the <kvm.h> program printed '$out'"
	fi
else
	notok "cc of a <kvm.h> program: $(head -n 1 "$tmp/cc.log")"
fi
# elfutils' <nlist.h> first: its struct nlist stands, <kvm.h> leaves
# kvm_nlist out, and kvm_nlist2 still works.  After <kvm.h>, it clashes.
if [ -f /usr/include/nlist.h ]; then
	cat > "$tmp/nlist-first.c" <<'PROG'
#include <nlist.h>
#include <kvm.h>
#ifdef KVM_ARM_HAVE_NLIST
#error kvm.h declared its struct nlist after elfutils' nlist.h
#endif
int main(void) { struct nlist n = { 0 }; struct kvm_nlist k[1] = { { 0 } }; (void)n; return k[0].n_type; }
PROG
	if cc -c -o "$tmp/nf.o" "$tmp/nlist-first.c" $(pkg-config --cflags libkvm_arm) 2>"$tmp/cc.log"; then
		ok "<nlist.h> then <kvm.h>: compiles, kvm_nlist left out"
	else
		notok "<nlist.h> then <kvm.h>: $(head -n 1 "$tmp/cc.log")"
	fi
	printf '#include <kvm.h>\n#include <nlist.h>\nint main(void) { return 0; }\n' >"$tmp/nlist-after.c"
	if cc -c -o "$tmp/na.o" "$tmp/nlist-after.c" $(pkg-config --cflags libkvm_arm) 2>/dev/null; then
		notok "<kvm.h> then <nlist.h> compiled: the documented clash is gone (update kvm.h and kvm_arm(3))"
	else
		ok "<kvm.h> then <nlist.h>: the documented clash (struct nlist twice)"
	fi
else
	echo "skip - install: <nlist.h> clash: no /usr/include/nlist.h (elfutils)"
fi

# man kvm_open2 and the other function names reach kvm_arm(3).
m3="$tmp/prefix/share/man/man3"
bad=
for f in kvm_open2 kvm_read2 kvm_nlist kvm_nlist2 kvm_walk_pages kvm_arm_info; do
	[ "$(readlink "$m3/$f.3")" = kvm_arm.3 ] || bad="$bad $f"
done
if [ -z "$bad" ] && [ -f "$m3/kvm_arm.3" ]; then
	ok "man3 links: kvm_open2.3 ... -> kvm_arm.3"
else
	notok "man3 links missing or wrong:$bad"
fi

# make uninstall removes every file install wrote.
if make -s B="$build" uninstall PREFIX="$tmp/prefix" >"$tmp/log" 2>&1; then
	left=$(find "$tmp/prefix" ! -type d | head -n 3 | tr '\n' ' ')
	if [ -z "$left" ]; then ok "make uninstall leaves no file behind"
	else notok "make uninstall left: $left"; fi
else
	notok "make uninstall failed: $(tail -n 1 "$tmp/log")"
fi
