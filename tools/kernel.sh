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
#          be combined with KASAN) + tools/preempt-rt.config (PREEMPT_RT,
#          with lockdep and the atomic-sleep and preemption checks Debian's
#          real-time kernel lacks) -> build/kernel/obj-kcsan
#   llvm   tools/dmaeng.config built with LLVM=1 (clang, ld.lld, llvm-ar...),
#          as distributions that build with clang do: the modules and the
#          in-tree build are proved warning-free against it
#          -> build/kernel/obj-llvm
#   prod   tools/dmaeng.config + tools/prod.config: a distribution's
#          production options (PREEMPT_DYNAMIC, voluntary; ORC; the
#          speculation mitigations) with no lockdep, dma-debug, kmemleak
#          or fault injection, for `make bench`; DEBUG_LIST stays on, as
#          Debian ships it -> build/kernel/obj-prod
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
	fragments="$top/tools/dmaeng.config $top/tools/sanitize-kcsan.config $top/tools/preempt-rt.config" ;;
llvm)	obj=$kdir/obj-llvm
	fragments="$top/tools/dmaeng.config"
	# make takes LLVM from the environment, merge_config.sh's make too.
	export LLVM=1 ;;
prod)	obj=$kdir/obj-prod
	fragments="$top/tools/dmaeng.config $top/tools/prod.config" ;;
*)	echo "kernel: unknown variant '$variant' (test, kcsan, llvm, prod)" >&2; exit 2 ;;
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
# Every line of the fragments must survive (merge_config.sh's own report
# also lists the tinyconfig base it overrides, so check ours directly); a
# later fragment's line for a symbol replaces an earlier one's, as it does
# in merge_config.sh.
declare -A want=()
syms=()
while read -r line; do
	case "$line" in
	CONFIG_*=*|"# CONFIG_"*" is not set")	;;
	*)	continue ;;
	esac
	sym=${line#\# }; sym=${sym%%[= ]*}
	[ -n "${want[$sym]:-}" ] || syms+=("$sym")
	want[$sym]=$line
# shellcheck disable=SC2086
done < <(cat $fragments)
missing=0
for sym in "${syms[@]}"; do
	line=${want[$sym]}
	if [ "${line:0:1}" = "#" ]; then
		# Off, and a symbol the kernel has (a misspelt one is "off" too).
		! grep -q "^$sym=" "$obj/.config" &&
			grep -rqxE --include='Kconfig*' "(menu)?config ${sym#CONFIG_}" "$src" &&
			continue
	else
		grep -qx -- "$line" "$obj/.config" && continue
	fi
	log "fragment line not honoured: $line (got: $(grep -w "$sym" "$obj/.config" || echo unset))"
	missing=1
done
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
