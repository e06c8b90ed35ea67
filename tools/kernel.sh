#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh [--source | VARIANT]
#
# Build (or reuse) a dmaeng test kernel: Debian's linux-source-6.12, x86_64
# tinyconfig plus the variant's fragments merged with the kernel's own
# scripts/kconfig/merge_config.sh, built with O= under build/kernel/.
#
#   test   (default) tools/dmaeng.config + tools/sanitize-kasan.config:
#          lockdep, dma-debug, kmemleak, failslab, KASAN, UBSAN,
#          debug objects, hung-task and soft-lockup detectors
#          -> build/kernel/obj
#   kcsan  tools/dmaeng.config + tools/sanitize-kcsan.config (KCSAN cannot
#          be combined with KASAN) -> build/kernel/obj-kcsan
#   llvm   tools/dmaeng.config built with LLVM=1 (clang, ld.lld, llvm-ar...),
#          as distributions that build with clang do: the modules and the
#          in-tree build are proved warning-free against it
#          -> build/kernel/obj-llvm
#
# Each variant is cached on its own: it is rebuilt only when the source
# package version, one of its fragments or this script's build recipe
# changes.  Prints the object directory on success.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=${DMAENG_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
pkg=linux-source-6.12
kdir=$top/build/kernel
src=$kdir/src
variant=test
[ "${1:-}" != --source ] && variant=${1:-test}
case $variant in
test)	obj=$kdir/obj
	fragments="$top/tools/dmaeng.config $top/tools/sanitize-kasan.config" ;;
kcsan)	obj=$kdir/obj-kcsan
	fragments="$top/tools/dmaeng.config $top/tools/sanitize-kcsan.config" ;;
llvm)	obj=$kdir/obj-llvm
	fragments="$top/tools/dmaeng.config"
	# make takes LLVM from the environment, merge_config.sh's make too.
	export LLVM=1 ;;
*)	echo "kernel: unknown variant '$variant' (test, kcsan, llvm)" >&2; exit 2 ;;
esac
recipe=2	# bump when the build commands below change

export ARCH=x86_64
jobs=$(nproc)

log() { echo "kernel: $*" >&2; }

[ -f "$tarball" ] || { log "missing $tarball (apt-get install $pkg)"; exit 1; }
version=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || stat -c %Y "$tarball")
# shellcheck disable=SC2086
key=$( (echo "$version"; echo "recipe=$recipe"; cat $fragments
	 if [ -n "${LLVM:-}" ]; then clang --version | head -n 1; fi) | sha256sum | cut -d' ' -f1)

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

log "configuring $variant: tinyconfig + $(for f in $fragments; do basename "$f"; done | paste -sd+)"
mkdir -p "$obj"
rm -f "$obj/.dmaeng-key"
make -s -C "$src" O="$obj" tinyconfig >/dev/null
# shellcheck disable=SC2086
(cd "$src" && scripts/kconfig/merge_config.sh -O "$obj" "$obj/.config" $fragments) \
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
# shellcheck disable=SC2086
done < <(cat $fragments)
[ $missing = 0 ] || exit 1

log "building $variant: vmlinux, bzImage and modules with -j$jobs"
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
