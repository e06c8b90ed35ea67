#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# modules.sh KDIR OUTDIR [make args...]
#
# Build every dmaeng module against KDIR in OUTDIR/src, a copy of the source
# tree, so builds for different kernels never share objects.  Fails on any
# compiler, sparse or modpost warning.  The log is OUTDIR/build.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
shift 2

mkdir -p "$out/src"
rsync -a --prune-empty-dirs --exclude /build --exclude /.git \
	--include '*/' --include '*.[ch]' --include Kbuild --include Makefile \
	--include Kconfig --exclude '*' "$top/" "$out/src/"

log=$out/build.log
if ! make -C "$kdir" M="$out/src" "$@" modules >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
	echo "modules: build against $kdir failed (log: $log)" >&2
	exit 1
fi
if grep -E '(warning|error|WARNING|ERROR):' "$log" >&2; then
	echo "modules: warnings building against $kdir (log: $log)" >&2
	exit 1
fi
# What this build made (modules.order names .ko up to 6.1, .o from 6.2).
sed -e 's/\.o$/.ko/' -e "s|^\([^/]\)|$out/src/\1|" "$out/src/modules.order"
