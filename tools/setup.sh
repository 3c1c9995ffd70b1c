#!/bin/sh
# Install what building libkvm_arm needs on Debian or Ubuntu (only what is
# missing; as root, or through sudo; without either it prints the command to
# run as root), then run `make` with the arguments
# given: `sh tools/setup.sh demo` is the README's first command.
set -eu
need="make gcc libelf-dev libdw-dev zlib1g-dev libzstd-dev pkg-config"
# What the tests use besides (debuggers that open our output, Python), so
# that `make check` after the quick start's first command skips nothing:
need="$need zstd python3 python3-pytest python3-drgn python3-setuptools python3-pip gdb-multiarch lldb"
missing=
for p in $need; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "setup: please install:$missing (libelf, zlib and zstd headers, pkg-config)" >&2
		exit 1
	fi
	sudo=
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			# Not root and no sudo: say what to install, as root.
			echo "setup: not root and no sudo; as root, run:" >&2
			echo "  apt-get update && apt-get install -y$missing" >&2
			exit 1
		fi
		sudo=sudo
	fi
	echo "setup: installing$missing" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing </dev/null >/dev/null
fi
cd "$(dirname "$0")/.."
exec make -s "$@"
