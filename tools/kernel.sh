#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the dmaeng test kernel: Debian's linux-source-6.12,
# x86_64 tinyconfig plus tools/dmaeng.config merged with the kernel's own
# scripts/kconfig/merge_config.sh, built with O= under build/kernel/.
#
# The build is cached: it is redone only when the source package version,
# the fragment or this script's build recipe changes.  Prints the object
# directory on success.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=${DMAENG_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
pkg=linux-source-6.12
fragment=$top/tools/dmaeng.config
kdir=$top/build/kernel
src=$kdir/src
obj=$kdir/obj
recipe=2	# bump when the build commands below change

export ARCH=x86_64
jobs=$(nproc)

log() { echo "kernel: $*" >&2; }

[ -f "$tarball" ] || { log "missing $tarball (apt-get install $pkg)"; exit 1; }
version=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || stat -c %Y "$tarball")
key=$( (echo "$version"; echo "recipe=$recipe"; cat "$fragment") | sha256sum | cut -d' ' -f1)

mkdir -p "$kdir"
if [ "$(cat "$src/.dmaeng-version" 2>/dev/null)" != "$version" ]; then
	log "extracting $pkg $version"
	rm -rf "$src" "$obj"
	mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xf "$tarball"
	echo "$version" > "$src/.dmaeng-version"
fi

[ "${1:-}" = --source ] && exit 0

if [ "$(cat "$obj/.dmaeng-key" 2>/dev/null)" = "$key" ] &&
   [ -f "$obj/arch/x86/boot/bzImage" ] && [ -f "$obj/Module.symvers" ]; then
	log "cached ($obj)"
	echo "$obj"
	exit 0
fi

log "configuring: tinyconfig + $(basename "$fragment")"
mkdir -p "$obj"
rm -f "$obj/.dmaeng-key"
make -s -C "$src" O="$obj" tinyconfig >/dev/null
(cd "$src" && scripts/kconfig/merge_config.sh -O "$obj" "$obj/.config" "$fragment") \
	> "$obj/merge_config.log" 2>&1
# Every line of the fragment must survive (merge_config.sh's own report
# also lists the tinyconfig base it overrides, so check ours directly).
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)		want=$line ;;
	"# CONFIG_"*" is not set")	want=$line ;;
	*)			continue ;;
	esac
	sym=${want#\# }; sym=${sym%%[= ]*}
	if [ "${want:0:1}" = "#" ]; then
		! grep -q "^$sym=" "$obj/.config" && continue
	else
		grep -qx -- "$want" "$obj/.config" && continue
	fi
	log "fragment line not honoured: $want (got: $(grep -w "$sym" "$obj/.config" || echo unset))"
	missing=1
done < "$fragment"
[ $missing = 0 ] || exit 1

log "building vmlinux, bzImage and modules with -j$jobs"
start=$(date +%s)
make -s -C "$src" O="$obj" -j"$jobs" bzImage modules >"$obj/build.log" 2>&1 || {
	tail -n 40 "$obj/build.log" >&2
	log "kernel build failed (full log: $obj/build.log)"
	exit 1
}
# Build the kernel's own host tools the harness uses.
make -s -C "$src" O="$obj" -j"$jobs" usr/gen_init_cpio >>"$obj/build.log" 2>&1 || true
log "built in $(( $(date +%s) - start ))s"
echo "$key" > "$obj/.dmaeng-key"
echo "$obj"
