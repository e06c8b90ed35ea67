# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the in_use / rmmod / disable-dma story, with whatever
# modules exist.
. /dmaeng/guest/lib.sh

say() { printf '\n>>> %s\n' "$*"; }
run() { echo "# $*"; "$@"; }
show_in_use() {	# show_in_use [PROVIDER-MODULE]
	for f in /sys/class/dmaeng/*/in_use; do
		[ -f "$f" ] && echo "  ${f#/sys/class/dmaeng/} = $(cat "$f")"
	done
	echo "  /sys/module/${1:-dmaeng_memcpy}/refcnt = $(refcnt "${1:-dmaeng_memcpy}")"
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

# The same story on real (emulated) hardware: QEMU's edu PCI devices
# (make demo boots with two), driven by dmaeng_edu.
dc=/proc/sys/dmaeng/netcopy/disable_dma
if have_module dmaeng_edu && [ -d /sys/bus/pci/drivers ] &&
   grep -q 0x11e8 /sys/bus/pci/devices/*/device 2>/dev/null && [ -w $dc ]; then
	say "A PCI provider: dmaeng_edu binds QEMU's edu devices (MSI, 28- and 40-bit DMA masks)"
	run modload dmaeng_edu dma_bits=28,40
	dmesg | grep 'dmaeng_edu .*: dma[0-9]*: edu' | sed 's/^/  /'
	say "disable_dma = 0: the net-copy client takes the edu channels"
	run sh -c "echo 0 > $dc"
	show_in_use dmaeng_edu
	say "rmmod dmaeng_edu is refused while they are held"
	run rmmod dmaeng_edu || echo "  (refused, as it should be)"
	say "Copies on the edu channels: a verified stream through the net-copy ioctl"
	run netcopy tcp --bytes 65536 --read 16384 --port 5400 | tail -n 2
	say "disable_dma = 1 drops them; now rmmod dmaeng_edu is accepted"
	run sh -c "echo 1 > $dc"
	show_in_use dmaeng_edu
	run rmmod dmaeng_edu && echo "  (unloaded)"
fi
grep -q "^$client " /proc/modules && rmmod "$client"
rmmod dmaeng_core
say "done"
