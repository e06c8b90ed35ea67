#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# distro-kernel.sh [--headers] stock|rt
#
# Fetch (or reuse) the Debian kernel image that matches the headers users
# build dmaeng against: linux-headers-amd64 (stock) or linux-headers-rt-amd64
# (rt, PREEMPT_RT) depends on linux-headers-ABI-amd64 (ABI-rt-amd64), whose
# kernel is linux-image-ABI-amd64-unsigned (ABI-rt-amd64-unsigned) of the
# same version.  The package is fetched with apt-get download and unpacked
# with dpkg-deb -x, never installed; only its kernel image and config are
# kept, under build/distro/FLAVOUR/, reused until the headers' version
# changes.  Prints "IMAGE HEADERS-DIR"; with --headers, only HEADERS-DIR,
# without fetching anything.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
headers_only=0
[ "${1:-}" = --headers ] && { headers_only=1; shift; }
flavour=${1:-stock}
case $flavour in
stock)	meta=linux-headers-amd64 ;;
rt)	meta=linux-headers-rt-amd64 ;;
*)	echo "distro-kernel: unknown flavour '$flavour' (stock, rt)" >&2; exit 2 ;;
esac
log() { echo "distro-kernel: $*" >&2; }

# The headers package the meta-package points at: linux-headers-ABI.
hdrpkg=$(dpkg-query -W -f '${Depends}' "$meta" 2>/dev/null | tr ',' '\n' |
	 sed -n 's/^ *\(linux-headers-[0-9][^ ]*\).*/\1/p' | head -n 1)
[ -n "$hdrpkg" ] || { log "$meta is not installed (tools/deps.sh)"; exit 1; }
abi=${hdrpkg#linux-headers-}
version=$(dpkg-query -W -f '${Version}' "$hdrpkg")
hdrdir=/usr/src/$hdrpkg
[ -f "$hdrdir/Module.symvers" ] || { log "$hdrdir is incomplete"; exit 1; }
[ $headers_only = 1 ] && { echo "$hdrdir"; exit 0; }
imgpkg=linux-image-$abi-unsigned

dir=$top/build/distro/$flavour
key="$imgpkg $version"
image=$dir/vmlinuz-$abi
if [ "$(cat "$dir/.key" 2>/dev/null)" = "$key" ] && [ -f "$image" ]; then
	log "cached ($image)"
	echo "$image $hdrdir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/deb"
log "fetching $imgpkg $version (apt-get download, not installed)"
if ! (cd "$dir/deb" && apt-get download -q "$imgpkg=$version") >"$dir/fetch.log" 2>&1; then
	# A fresh machine may not have the package lists yet.
	apt-get update -qq >>"$dir/fetch.log" 2>&1 || true
	(cd "$dir/deb" && apt-get download -q "$imgpkg=$version") >>"$dir/fetch.log" 2>&1 || {
		tail -n 5 "$dir/fetch.log" >&2
		log "could not fetch $imgpkg=$version"
		exit 1
	}
fi
deb=$(ls "$dir"/deb/*.deb)
dpkg-deb -x "$deb" "$dir/root"
cp "$dir/root/boot/vmlinuz-$abi" "$image"
cp "$dir/root/boot/config-$abi" "$dir/config-$abi"
rm -rf "$dir/root" "$dir/deb"
echo "$key" > "$dir/.key"
log "unpacked $image"
echo "$image $hdrdir"
