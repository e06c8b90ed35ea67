#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# packaging.sh dkms|install|modinfo KDIR
#
#   dkms     dkms add/build/install/remove of this tree for the kernel of
#            KDIR (Debian's stock headers), into the real /lib/modules
#   install  make install and make uninstall into a scratch INSTALL_MOD_PATH
#   modinfo  every module built against KDIR (in build/m-stock) has a
#            description, license and author, and every parameter one
#            too
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
what=$1
kdir=$2
kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
mods="dmaeng_core dmaeng_memcpy dmaeng_memcpy2 dmaeng_edu dmaeng_test dmaeng_netcopy dmaeng_to_dmaengine dmaengine_to_dmaeng"

copy_tree() {	# copy_tree DEST: the sources, without build/ and .git
	mkdir -p "$1"
	rsync -a --exclude /build --exclude /.git "$top/" "$1/"
}

case $what in
dkms)
	src=/usr/src/dmaeng-$ver
	dkms remove -m dmaeng -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
	copy_tree "$src"
	trap 'dkms remove -m dmaeng -v "$ver" --all >/dev/null 2>&1; rm -rf "$src"' EXIT
	dkms add -m dmaeng -v "$ver"
	dkms build -m dmaeng -v "$ver" -k "$kver"
	dkms install -m dmaeng -v "$ver" -k "$kver"
	for m in $mods; do
		ls /lib/modules/"$kver"/updates/dkms/"$m".ko* >/dev/null
	done
	status=$(dkms status -m dmaeng -v "$ver")
	grep -q installed <<< "$status"
	;;
install)
	root=$(mktemp -d)
	build=$(mktemp -d)
	trap 'rm -rf "$root" "$build"' EXIT
	copy_tree "$build"
	make -s -C "$build" KDIR="$kdir" INSTALL_MOD_PATH="$root" install >/dev/null
	for m in $mods; do
		find "$root/lib/modules/$kver/extra" -name "$m.ko*" | grep -q .
	done
	grep -q dmaeng_core "$root/lib/modules/$kver/modules.dep"
	make -s -C "$build" KDIR="$kdir" INSTALL_MOD_PATH="$root" uninstall >/dev/null
	[ -z "$(find "$root/lib/modules/$kver/extra" -name '*.ko*')" ]
	! grep -q dmaeng "$root/lib/modules/$kver/modules.dep"
	;;
modinfo)
	bad=0
	for ko in $(find "$top/build/m-stock/src" -name '*.ko'); do
		for f in description license author; do
			[ -n "$(modinfo -F "$f" "$ko")" ] ||
				{ echo "$ko: no $f"; bad=1; }
		done
		parms=$(modinfo -F parm "$ko")
		for p in $(modinfo -F parmtype "$ko" | cut -d: -f1); do
			grep -q "^$p:[^(]" <<< "$parms" ||
				{ echo "$ko: parameter $p has no description"; bad=1; }
		done
	done
	exit $bad
	;;
esac
