# SPDX-License-Identifier: GPL-2.0
# qemu: -machine q35,max-ram-below-4g=256M -device edu,id=edu0,addr=0x10 -device pcie-root-port,id=rp1,chassis=1,addr=0x11 -device edu,id=edu1,bus=rp1,dma_mask=0xffffffffff
#
# The PCI provider dmaeng_edu on two QEMU edu devices: 00:10.0 with the
# device's own 28-bit DMA mask, and 01:00.0, behind a PCIe root port (so
# that it can be hot-unplugged), with a 40-bit one.  The machine is laid
# out like a big one: 256 MiB of RAM below 4 GiB and the rest above
# (max-ram-below-4g), so the kernel enables swiotlb by itself, places its
# pool in low memory, below 256 MiB, and allocates mostly above 4 GiB:
# copies bounce for the narrow device, never for the wide one.  Then the
# host hot-unplugs the wide device through QEMU's monitor while copies run
# on it, and plugs it back.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_edu
st=/sys/kernel/debug/swiotlb
drv=/sys/bus/pci/drivers/dmaeng_edu
mp=/sys/module/dmaeng_edu/parameters
N=0000:00:10.0	# narrow, 28 bits
W=0000:01:00.0	# wide, 40 bits, behind a root port (hotpluggable)

edu_devs() { grep -l '^0x11e8$' /sys/bus/pci/devices/*/device 2>/dev/null | wc -l; }
bound() { [ -e "$drv/$1" ]; }
# The dmaeng channel of PCI device $1 (its class device lives under it)
chan_of() { ls "/sys/bus/pci/devices/$1/dmaeng" 2>/dev/null; }
in_use() { cat "/sys/class/dmaeng/$1/in_use"; }
has_chan() { bound "$1" && [ -n "$(chan_of "$1")" ]; }
hiwater() { cat $st/io_tlb_used_hiwater; }
edu_irqs() { grep -c 'PCI-MSI.*dmaeng_edu' /proc/interrupts; }

echo "-- the machine: two edu devices, swiotlb on by itself, below 256 MiB"
t_eq "two edu devices on the PCI bus" "$(edu_devs)" 2
pool=$(dmesg | sed -n 's/.*software IO TLB: mapped \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\2/p')
echo "swiotlb pool ends at ${pool:-?}"
t_run "swiotlb's pool ends below 256 MiB (${pool:-none})" \
	test -n "$pool" -a "$((pool))" -lt $((0x10000000))

echo "-- bad parameters refuse to load"
t_run "load dmaeng_core with the mapping-debug layer on" core_load
for arg in dma_bits=23 dma_bits=65 dma_bits=28,x dma_bits=28,40,0; do
	t_refused "dmaeng_edu $arg refused" EINVAL modload dmaeng_edu $arg
done
for arg in timeout_ms=199 timeout_ms=30001 timeout_ms=x; do
	t_refused "dmaeng_edu $arg refused" EINVAL modload dmaeng_edu $arg
done
t_eq "nothing bound, no channel" \
	"$(grep -c '^dmaeng_edu ' /proc/modules) $(ls /sys/class/dmaeng | wc -l)" "0 0"

echo "-- probe: MSI, the DMA masks, one channel each"
hw0=$(hiwater)
t_run "load dmaeng_edu dma_bits=28,40,40" modload dmaeng_edu dma_bits=28,40,40
t_run "both devices bound" sh -c "test -e $drv/$N && test -e $drv/$W"
t_eq "two channels" "$(ls /sys/class/dmaeng | wc -l)" 2
CN=$(chan_of $N)
CW=$(chan_of $W)
echo "narrow $N: $CN, wide $W: $CW"
t_run "each device has its channel ($CN, $CW)" \
	sh -c "test -n '$CN' -a -n '$CW' -a '$CN' != '$CW'"
t_run "28-bit mask on $N" sh -c "dmesg | grep -q '$N: dma[0-9]*: edu .*, 28-bit DMA mask, MSI'"
t_run "40-bit mask on $W" sh -c "dmesg | grep -q '$W: dma[0-9]*: edu .*, 40-bit DMA mask, MSI'"
t_eq "two MSI vectors named dmaeng_edu" "$(edu_irqs)" 2
t_eq "no client: in_use 0 0, refcnt 0" \
	"$(in_use $CN) $(in_use $CW) $(refcnt dmaeng_edu)" "0 0 0"

echo "-- a client pins the provider"
t_run "load dmaeng_test" modload dmaeng_test timeout_ms=30000
t_eq "dmaeng_test holds both: in_use 1 1" "$(in_use $CN) $(in_use $CW)" "1 1"
t_eq "dmaeng_edu refcnt 2 (one per channel held)" "$(refcnt dmaeng_edu)" 2
t_refused "rmmod dmaeng_edu refused while held" EAGAIN rmmod dmaeng_edu

# verified_copies KIND CHAN SIZE...: on CHAN, 2 copies of each SIZE, then
# 40 of random sizes up to 64 KiB on 2 threads; all verified, all by DMA.
verified_copies() {
	_kind=$1
	_ch=$2
	shift 2
	for size; do
		t_run "$_kind $_ch: 2 copies of $size B" \
			dt_run channel=$_ch fixed_size=1 max_size=$size iterations=2 threads_per_chan=1 batch=1
		t_eq "$size B on $_ch: 2 copies, 0 failures, 2 by the engine" \
			"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "2 0 2"
	done
	t_run "$_kind $_ch: 40 copies of random sizes up to 64 KiB, 2 threads" \
		dt_run channel=$_ch fixed_size=0 max_size=65536 iterations=20 threads_per_chan=2 batch=2
	t_eq "40 copies, 0 failures, all by the engine" \
		"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "40 0 40"
}

echo "-- verified copies of 1 B .. 64 KiB, the wide device first"
verified_copies wide "$CW" 1 4087 4088 4089 8176 65536
t_eq "the wide device bounced nothing: swiotlb high-water mark unchanged" \
	"$(hiwater)" "$hw0"
verified_copies narrow "$CN" 1 4088 4089 65536
echo "swiotlb: used_hiwater $hw0 -> $(hiwater)"
t_run "the narrow device bounced through swiotlb (high-water mark $(hiwater) > $hw0)" \
	test "$(hiwater)" -gt "$hw0"
t_eq "all mappings released: swiotlb in use 0, dma-debug lists none" \
	"$(cat $st/io_tlb_used) $(dma_debug_count dmaeng_edu)" "0 0"

echo "-- a lost interrupt: the watchdog finds the move done and goes on"
t_refused "timeout_ms=100 refused at run time (a move takes 100 ms)" EINVAL \
	sh -c "echo 100 > $mp/timeout_ms"
t_eq "timeout_ms unchanged" "$(cat $mp/timeout_ms)" 2000
printf 300 > $mp/timeout_ms
printf 2 > $mp/drop_irqs
t_run "narrow $CN: 3 copies of 8176 B (4 moves each) with 2 interrupts dropped" \
	dt_run channel=$CN fixed_size=1 max_size=8176 iterations=3 threads_per_chan=1 batch=1
t_eq "3 copies, 0 failures, 3 by the engine" \
	"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "3 0 3"
t_eq "both interrupts were dropped" "$(cat $mp/drop_irqs)" 0
t_eq "the watchdog recovered twice" \
	"$(dmesg | grep -c "$N: $CN: DMA done without an interrupt after 300 ms")" 2
printf 2000 > $mp/timeout_ms

echo "-- hot-unplug of the wide device while a copy runs on it"
# One 256 KiB copy takes 64 steps of two 100 ms moves: 13 s, far longer
# than the unplug, so it is in flight when the driver's remove runs.
dt_set channel=$CW fixed_size=1 max_size=262144 iterations=2 threads_per_chan=1 batch=1
echo 1 > $DT/run &
runner=$!
t_run "a 256 KiB copy is in flight on $CW (its buffers mapped)" \
	wait_until 30 sh -c "test \$(cat /sys/class/dmaeng/$CW/outstanding) -gt 0"
t_run "host: device_del edu1, returns once the guest ejected it" host del edu1
wait $runner
t_eq "the run ends: exit status 0" "$?" 0
sed 's/^/    /' $DT/results > /dev/console
t_eq "$W is gone from the bus and from the driver" \
	"$(edu_devs) $(bound $W && echo bound || echo unbound)" "1 unbound"
t_eq "no copy went wrong: 2 copies, 0 failures" \
	"$(dt_sum copies) $(dt_sum failures)" "2 0"
t_eq "the copy in flight completed ABORTED, the next one fell back to the CPU (submitted completed errors fallbacks)" \
	"$(dt_sum submitted) $(dt_sum completed) $(dt_sum errors) $(dt_sum fallbacks)" "1 0 1 1"
t_run "submitted = completed + errors" dt_balanced
t_eq "the narrow device's channel is untouched: in_use 1" "$(in_use $CN)" 1
t_eq "dmaeng_test still holds the dead channel: dmaeng_edu refcnt 2" \
	"$(refcnt dmaeng_edu)" 2
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "every reference dropped: refcnt 0" "$(refcnt dmaeng_edu)" 0

echo "-- device_add: the device comes back and a client takes it"
t_run "host: device_add edu1" host add edu1 edu bus=rp1 dma_mask=0xffffffffff
# Bound is not probed: the driver's link appears before its probe runs.
t_run "the new device is probed, bound and has its channel" \
	wait_until 60 has_chan $W
t_run "with a 40-bit mask (dma_bits[2])" \
	sh -c "dmesg | grep '$W: dma[0-9]*: edu' | tail -n 1 | grep -q '40-bit DMA mask, MSI'"
CW=$(chan_of $W)
t_eq "two channels again" "$(ls /sys/class/dmaeng | wc -l)" 2
t_run "load dmaeng_test" modload dmaeng_test timeout_ms=30000
t_eq "it takes both: in_use 1 1, refcnt 2" \
	"$(in_use $CN) $(in_use $CW) $(refcnt dmaeng_edu)" "1 1 2"
t_run "20 copies up to 64 KiB on both" \
	dt_run channel= fixed_size=0 max_size=65536 iterations=10 threads_per_chan=1 batch=2
t_eq "20 copies, 0 failures, all by the engine" \
	"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "20 0 20"
t_run "rmmod dmaeng_test" rmmod dmaeng_test

echo "-- the kernel's dmatest on both devices, through dmaeng_to_dmaengine"
t_run "load dmaeng_to_dmaengine" modload dmaeng_to_dmaengine
t_eq "each device's channel is a dmaengine channel" \
	"$(class_chans dma $N | wc -l) $(class_chans dma $W | wc -l)" "1 1"
t_run "load dmatest" modload dmatest
t_do "start dmatest: 4 copies of up to 8 KiB per device" \
	kt_start iterations=4 threads_per_chan=1 test_buf_size=8192 timeout=10000
t_eq "both held: in_use 1 1, refcnt dmaeng_edu 4 (dmaeng 2, dmaengine 2)" \
	"$(in_use $CN) $(in_use $CW) $(refcnt dmaeng_edu)" "1 1 4"
t_do "dmatest finishes" kt_wait
t_eq "2 threads: 8 tests, 0 failures" "$(kt_totals)" "2 8 0"
t_do "give the channels back" kt_release
t_eq "released: in_use 0 0, refcnt dmaeng_edu 0" \
	"$(in_use $CN) $(in_use $CW) $(refcnt dmaeng_edu)" "0 0 0"
KN=$(class_chans dma $N)
# dmatest maps its buffers itself: a PCI unbind while it has one mapped
# makes dma-debug warn (pending DMA allocations), however soon the aborted
# descriptor's callback wakes it.  So the unplug comes while dmatest holds
# both channels, before it runs (80-bridge unbinds mid-run, on a platform
# device).
t_do "dmatest takes both channels again (20 copies each), not started" \
	kt_take iterations=20 timeout=3000
t_run "host: device_del edu1 while dmatest holds its channel" host del edu1
t_eq "$W's dmaengine channel is gone" "$(class_chans dma $W | wc -l)" 0
t_eq "dmatest still holds the dead channel: refcnt dmaeng_edu 4" \
	"$(refcnt dmaeng_edu)" 4
t_run "start dmatest" sh -c "echo 1 > $KT/run"
t_do "dmatest finishes" kt_wait
fails_n=$(kt_lines | sed -n "s/.*: $KN-copy0: summary \([0-9]*\) tests, \([0-9]*\) failures.*/\1 \2/p")
t_eq "2 threads, 40 tests, 20 failures: every copy on $W" "$(kt_totals)" "2 40 20"
t_eq "$N's thread: 20 tests, 0 failures" "$fails_n" "20 0"
t_eq "each of $W's is a 'prep error', no crash" "$(kt_dmesg | grep -c "'prep error'")" 20
t_do "give the channels back" kt_release
t_eq "every reference dropped: refcnt dmaeng_edu 0, dmaeng_to_dmaengine 0" \
	"$(refcnt dmaeng_edu) $(refcnt dmaeng_to_dmaengine)" "0 0"
t_run "rmmod dmatest" rmmod dmatest
t_run "rmmod dmaeng_to_dmaengine" rmmod dmaeng_to_dmaengine
t_run "rmmod dmaeng_edu" rmmod dmaeng_edu
t_eq "both devices unbound, no channel" \
	"$(bound $N && echo b; bound $W && echo b; ls /sys/class/dmaeng | wc -l)" 0
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_eq "dma-debug lists no mapping of dmaeng_edu" "$(dma_debug_count dmaeng_edu)" 0
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
