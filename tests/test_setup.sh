#!/bin/sh
# tools/setup.sh with the package tools faked on PATH: as root it installs
# what is missing; through sudo when not root; not root and without sudo it
# names the packages to install instead of failing on "sudo: not found".
# Usage: sh tests/test_setup.sh BUILD_DIR (from the repository root)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - setup: $1"; }
notok() { echo "not ok - setup: $1"; }

# fake DIR UID [sudo]: dpkg knows no package, apt-get and sudo log their
# arguments, make does nothing.
fake() {
	mkdir -p "$1"
	printf '#!/bin/sh\n[ "$1" = -u ] && echo %s\n' "$2" >"$1/id"
	printf '#!/bin/sh\nexit 1\n' >"$1/dpkg"
	printf '#!/bin/sh\necho "apt-get $*" >>%s/log\n' "$1" >"$1/apt-get"
	printf '#!/bin/sh\nexit 0\n' >"$1/make"
	if [ "${3:-}" = sudo ]; then
		printf '#!/bin/sh\necho "sudo $*" >>%s/log\n' "$1" >"$1/sudo"
	fi
	chmod +x "$1"/*
	ln -s "$(command -v dirname)" "$1/dirname"
}

fake "$tmp/user" 1000
PATH="$tmp/user" /bin/sh tools/setup.sh >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] && [ ! -e "$tmp/user/log" ] && ! grep -q 'not found' "$tmp/err" &&
    grep -q 'apt-get install -y .*zstd.*python3-drgn' "$tmp/err"; then
	ok "not root, no sudo: names the packages to install (exit $rc)"
else
	notok "not root, no sudo: exit $rc, stderr: $(tr '\n' '|' <"$tmp/err")"
fi

fake "$tmp/sudoer" 1000 sudo
PATH="$tmp/sudoer" /bin/sh tools/setup.sh >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q '^sudo apt-get install -y .*libelf-dev' "$tmp/sudoer/log"; then
	ok "not root, with sudo: installs through sudo"
else
	notok "not root, with sudo: $(tr '\n' '|' <"$tmp/sudoer/log" 2>/dev/null) $(tr '\n' '|' <"$tmp/err")"
fi

fake "$tmp/root" 0
PATH="$tmp/root" /bin/sh tools/setup.sh >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q '^apt-get install -y .*libelf-dev' "$tmp/root/log"; then
	ok "root: installs with apt-get"
else
	notok "root: $(tr '\n' '|' <"$tmp/root/log" 2>/dev/null) $(tr '\n' '|' <"$tmp/err")"
fi
