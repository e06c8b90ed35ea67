#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# coccicheck.sh
#
# The kernel's own Coccinelle run, `make coccicheck MODE=report M=...`,
# with every semantic patch of the 6.12 tree (scripts/coccinelle/), over
# the kernel code of this tree: a copy in build/cocci/src of everything but
# the userspace programs (tools/netcopy/) and the deliberately broken
# modules of make check-selftest (tools/selftest/).  The copy holds one
# planted finding, tools/cocci/canary.c: the run must report it and
# nothing else, which proves spatch read the tree and that a report is
# recognised; every semantic patch must have run, and spatch must parse
# every file whole (what it cannot parse it skips without a word).  Prints
# the number of semantic patches applied; the logs are
# build/cocci/coccicheck.log and build/cocci/parse.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/kernel/src
obj=$top/build/kernel/obj
work=$top/build/cocci
command -v spatch >/dev/null || { echo "coccicheck: spatch missing (coccinelle)" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/src"
rsync -a --prune-empty-dirs --exclude /build --exclude /.git \
	--exclude /tools/netcopy --exclude /tools/selftest \
	--include '*/' --include '*.[ch]' --include Kbuild --include Makefile \
	--exclude '*' "$top/" "$work/src/"

log=$work/coccicheck.log
# coccicheck runs spatch once per semantic patch, J at a time.
if ! make -C "$src" O="$obj" coccicheck MODE=report M="$work/src" \
	J="$(nproc)" V=1 > "$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "coccicheck: make coccicheck failed (log: $log)" >&2
	exit 1
fi
# Every source file of the tree was copied (a filter that copied nothing
# would pass any check).
want=$(cd "$top" && git ls-files '*.c' 2>/dev/null |
       grep -cv -e '^tools/netcopy/' -e '^tools/selftest/' || true)
got=$(find "$work/src" -name '*.c' | wc -l)
[ "$want" = 0 ] || [ "$got" = "$want" ] ||
	{ echo "coccicheck: copied $got C files, the tree has $want" >&2; exit 1; }
# Every semantic patch of the tree was applied.
cocci=$(find "$src/scripts/coccinelle" -name '*.cocci' | wc -l)
applied=$(grep -c '^Processing ' "$log" || true)
[ "$applied" = "$cocci" ] ||
	{ echo "coccicheck: $applied of the tree's $cocci semantic patches applied" >&2; exit 1; }
# spatch skips what it cannot parse, and coccicheck's --very-quiet hides
# it: a function it could not parse is checked by no semantic patch.  So
# every file must parse whole, with the macros coccicheck's spatch uses.
# Named one by one: given a directory, spatch --parse-c reads only its .c
# files, while coccicheck applies the patches to the headers too.
parse=$work/parse.log
files=$(cd "$work/src" && find . -name '*.[ch]' | sort)
nfiles=$(echo "$files" | wc -l)
# shellcheck disable=SC2086
(cd "$work/src" && spatch --parse-c --no-includes $files) > "$parse" 2>&1 || true
if ! grep -q "^NB total files = $nfiles; perfect = $nfiles; pbs = 0; timeout = 0;" "$parse"; then
	grep -E '^(PARSING:|BAD:)' "$parse" | grep -B1 '^BAD:' >&2 || true
	grep '^NB total files' "$parse" >&2 || tail -n 5 "$parse" >&2
	echo "coccicheck: spatch cannot parse all of the tree (log: $parse)" >&2
	exit 1
fi
# A report names the file and line: "FILE.c:LINE:COL-COL: MESSAGE".
reports=$(grep -E '^[^ ]+\.[ch]:[0-9]+' "$log" | sed "s|$work/src/||" || true)
if ! echo "$reports" | grep -q '^tools/cocci/canary\.c:17:.*atomic_dec_and_test'; then
	echo "coccicheck: the planted finding in tools/cocci/canary.c was not reported" >&2
	exit 1
fi
if echo "$reports" | grep -v '^tools/cocci/canary\.c:' >&2; then
	echo "coccicheck: reports (log: $log)" >&2
	exit 1
fi
grep -c '^Processing ' "$log" || true
