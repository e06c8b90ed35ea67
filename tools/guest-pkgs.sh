#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-pkgs.sh OUTDIR
#
# Put the Debian programs the guest runs besides busybox in OUTDIR:
# trinity (the system call fuzzer) and apparmor_parser (to load the
# AppArmor profile of 45-hostile.sh).  Both are dynamically linked against
# glibc only; tools/initramfs.sh adds the host's loader and libc.  The
# packages are fetched with apt-get download, never installed, and kept in
# build/guest-pkgs/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
cache=$top/build/guest-pkgs
mkdir -p "$cache" "$out"

fetch() {	# fetch PACKAGE PATH-IN-PACKAGE
	local deb
	deb=$(ls "$cache/$1"_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		# Package lists may be missing on a fresh machine: update once.
		(cd "$cache" && apt-get download -q "$1" >/dev/null 2>&1) ||
		(apt-get update -qq >/dev/null 2>&1 &&
		 cd "$cache" && apt-get download -q "$1" >/dev/null 2>&1) || {
			echo "guest-pkgs: apt-get download $1 failed" >&2
			return 1
		}
		deb=$(ls "$cache/$1"_*.deb | head -n 1)
	fi
	rm -rf "$cache/x-$1"
	dpkg-deb -x "$deb" "$cache/x-$1"
	install -m 0755 "$cache/x-$1/$2" "$out/"
}

fetch trinity usr/bin/trinity
fetch apparmor sbin/apparmor_parser
