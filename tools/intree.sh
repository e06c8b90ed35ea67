#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh [KERNEL-OBJDIR [MAKE-ARGS...]]
#
# Prove the same tree builds in-tree: a shadow of the test kernel's source
# (symlinks, no copy), this tree as drivers/dmaeng with the two lines its
# Kconfig asks for, the config of KERNEL-OBJDIR (default build/kernel/obj,
# the test kernel) plus every CONFIG_DMAENG* option, and
# `make drivers/dmaeng/` with W=1 and MAKE-ARGS (LLVM=1 for the clang-built
# kernel of tools/kernel.sh llvm).  Fails on any warning.  Works in
# build/intree (build/intree-VARIANT for build/kernel/obj-VARIANT).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/kernel/src
kobj=$(cd "${1:-$top/build/kernel/obj}" && pwd)
shift $(( $# > 0 ? 1 : 0 ))
case ${kobj##*/} in
obj)	work=$top/build/intree ;;
obj-*)	work=$top/build/intree-${kobj##*/obj-} ;;
*)	work=$top/build/intree-${kobj##*/} ;;
esac
rm -rf "$work"
mkdir -p "$work"
cp -as "$src" "$work/src"
for f in drivers/Kconfig drivers/Makefile; do
	rm "$work/src/$f"
	cp "$src/$f" "$work/src/$f"
done
echo 'source "drivers/dmaeng/Kconfig"' >> "$work/src/drivers/Kconfig"
echo 'obj-$(CONFIG_DMAENG) += dmaeng/' >> "$work/src/drivers/Makefile"
mkdir -p "$work/src/drivers/dmaeng"
(cd "$top" && git ls-files 2>/dev/null || find . -path ./build -prune -o -type f -print) |
	grep -E '(^|/)(Kconfig|Kbuild|[^/]+\.[ch])$' | grep -v '^tools/' |
	while read -r f; do
		mkdir -p "$work/src/drivers/dmaeng/$(dirname "$f")"
		cp "$top/$f" "$work/src/drivers/dmaeng/$f"
	done
mkdir -p "$work/obj"
cp "$kobj/.config" "$work/obj/.config"
printf 'CONFIG_DMAENG=m\nCONFIG_DMAENG_MEMCPY=m\nCONFIG_DMAENG_EDU=m\nCONFIG_DMAENG_NETCOPY=m\nCONFIG_DMAENG_TEST=m\nCONFIG_DMAENG_KUNIT_TEST=m\nCONFIG_DMAENG_TO_DMAENGINE=m\nCONFIG_DMAENG_FROM_DMAENGINE=m\n' \
	>> "$work/obj/.config"
make -s -C "$work/src" O="$work/obj" "$@" olddefconfig
for o in DMAENG DMAENG_MEMCPY DMAENG_NETCOPY DMAENG_TEST DMAENG_KUNIT_TEST \
	DMAENG_TO_DMAENGINE DMAENG_FROM_DMAENGINE; do
	grep -qx "CONFIG_$o=m" "$work/obj/.config" ||
		{ echo "intree: CONFIG_$o did not survive olddefconfig" >&2; exit 1; }
done
log=$work/build.log
make -C "$work/src" O="$work/obj" W=1 "$@" -j"$(nproc)" drivers/dmaeng/ > "$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; exit 1; }
if grep -E '(warning|error):' "$log" >&2; then
	exit 1
fi
find "$work/obj/drivers/dmaeng" -name '*.o' | wc -l
