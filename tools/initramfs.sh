#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh OUTPUT.cpio.gz [MODULE.ko...]
#
# Make the guest's initramfs with the kernel's own usr/gen_init_cpio:
# busybox-static, tools/guest/ (init, libraries, scenarios), the guest
# programs built in build/guest-bin/ (in /dmaeng/bin/) and the given modules
# in /dmaeng/modules/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
obj=$top/build/kernel/obj
out=$1
shift
gen=$obj/usr/gen_init_cpio
busybox=/bin/busybox
[ -x "$gen" ] || { echo "initramfs: $gen missing (tools/kernel.sh)" >&2; exit 1; }
readelf -l "$busybox" 2>/dev/null | grep -q INTERP &&
	{ echo "initramfs: $busybox is not static (busybox-static)" >&2; exit 1; }

list=$(mktemp)
trap 'rm -f "$list"' EXIT
{
	for d in /bin /sbin /dev /proc /sys /tmp /root /etc /dmaeng \
		 /dmaeng/modules /dmaeng/bin /dmaeng/guest \
		 /dmaeng/guest/scenarios; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $top/tools/guest/init 0755 0 0"
	echo "file /etc/passwd $top/tools/guest/passwd 0644 0 0"
	(cd "$top/tools/guest" && find . -type f ! -name init ! -name passwd | sort) |
	while read -r f; do
		echo "file /dmaeng/guest/${f#./} $top/tools/guest/${f#./} 0755 0 0"
	done
	for bin in "$top"/build/guest-bin/*; do
		[ -f "$bin" ] && echo "file /dmaeng/bin/$(basename "$bin") $bin 0755 0 0"
	done
	# The glibc the Debian programs of tools/guest-pkgs.sh need.
	echo "dir /lib 0755 0 0"
	echo "dir /lib64 0755 0 0"
	echo "dir /lib/x86_64-linux-gnu 0755 0 0"
	for lib in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/libc.so.6; do
		echo "file $lib $(readlink -f $lib) 0755 0 0"
	done
	for ko in "$@"; do
		echo "file /dmaeng/modules/$(basename "$ko") $ko 0644 0 0"
	done
} > "$list"
"$gen" "$list" | gzip -1 > "$out"
