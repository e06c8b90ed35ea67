# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the in_use / rmmod / disable-dma story, with whatever
# modules exist.
. /dmaeng/guest/lib.sh

say() { printf '\n>>> %s\n' "$*"; }
run() { echo "# $*"; "$@"; }
show_in_use() {
	for f in /sys/class/dmaeng/*/in_use; do
		[ -f "$f" ] && echo "  ${f#/sys/class/dmaeng/} = $(cat "$f")"
	done
	echo "  /sys/module/dmaeng_memcpy/refcnt = $(refcnt dmaeng_memcpy)"
}

say "dmaeng demo on $(nproc) CPUs, kernel $(uname -r)"
say "Load the core and the sample provider (one channel per CPU)"
run modload dmaeng_core
run modload dmaeng_memcpy
show_in_use

if have_module dmaeng_netcopy; then
	client=dmaeng_netcopy
	say "Load the net-copy client: it registers at once and pins every channel"
	run modload dmaeng_netcopy
else
	client=dmaeng_test
	say "dmaeng_netcopy is not built yet (issue 5); dmaeng_test stands in as the public client"
	run modload dmaeng_test
fi
show_in_use

say "The provider is in use: rmmod is refused, it does not hang"
run rmmod dmaeng_memcpy || echo "  (refused, as it should be)"

say "Who holds what (/sys/kernel/debug/dmaeng/summary)"
cat /sys/kernel/debug/dmaeng/summary

if [ -w /proc/sys/dmaeng/netcopy/disable_dma ]; then
	say "Tell the client to drop its channels: disable_dma = 1"
	run sh -c 'echo 1 > /proc/sys/dmaeng/netcopy/disable_dma'
else
	say "No disable_dma sysctl yet (issue 5): unloading the client instead"
	run rmmod "$client"
fi
show_in_use

say "Nothing holds the provider now: rmmod succeeds"
run rmmod dmaeng_memcpy && echo "  (unloaded)"
lsmod | grep dmaeng
grep -q "^$client " /proc/modules && rmmod "$client"
rmmod dmaeng_core
say "done"
