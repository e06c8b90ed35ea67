# SPDX-License-Identifier: GPL-2.0
#
# dmaengine_to_dmaeng: the kernel's dmaengine MEMCPY channels as dmaeng
# channels.  dmaeng_kadapter (tools/bench/), a kernel dmaengine driver
# written against the kernel's own API, stands in for a hardware engine
# (ioatdma, idxd, ptdma); dmaeng_test and the net-copy client run verified
# copies on it through the bridge, and the kernel channel is taken, pinning
# its driver, exactly while a dmaeng client holds the bridged channel.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_bridge_rev
K=dmaeng_kadapter
R=dmaengine_to_dmaeng

# The dmaeng channels whose device is the kernel driver's device.
bridged() { class_chans dmaeng $K; }

echo "-- every free kernel MEMCPY channel becomes a dmaeng channel"
t_run "load dmaeng_core" core_load
t_run "load $K channels=2 (a kernel dmaengine driver)" modload $K channels=2
t_run "load $R" modload $R
t_eq "2 dmaeng channels, on $K's device" "$(bridged | wc -l)" 2
t_eq "nothing held: in_use 0 0, refcnt $K 0, $R 0" \
	"$(in_use_all) $(refcnt $K) $(refcnt $R)" "0 0 0 0"
t_refused "the other direction cannot be loaded meanwhile" EBUSY \
	modload dmaeng_to_dmaengine

echo "-- a dmaeng client holds them: the kernel channels are taken"
t_run "load dmaeng_test (a public client)" modload dmaeng_test timeout_ms=30000
t_eq "in_use 1 1; refcnt $K 2 (dmaengine's), $R 2 (dmaeng's)" \
	"$(in_use_all) $(refcnt $K) $(refcnt $R)" "1 1 2 2"
t_refused "rmmod $K while dmaeng holds its channels" EAGAIN rmmod $K
t_run "load dmatest" modload dmatest
t_refused "dmatest gets none of them (dmaeng holds both)" EBUSY \
	sh -c "echo $K > $KT/device && echo > $KT/channel"

echo "-- dmaeng_test's verified copies on the kernel's channels"
for size in 1 4096 65536; do
	t_run "20 copies of $size B on each channel" \
		dt_run channel= fixed_size=1 max_size=$size iterations=20 threads_per_chan=1 batch=1
	t_eq "$size B: 40 copies, 0 failures, 40 by the engine" \
		"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "40 0 40"
done
t_run "random sizes up to 64 KiB, 2 threads per channel, 8 in flight each" \
	dt_run channel= fixed_size=0 max_size=65536 iterations=200 threads_per_chan=2 batch=8
t_eq "800 copies, 0 failures, 800 by the engine" \
	"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "800 0 800"
t_run "every channel's submitted = completed + errors" dt_balanced
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "released: in_use 0 0, refcnt $K 0, $R 0" \
	"$(in_use_all) $(refcnt $K) $(refcnt $R)" "0 0 0 0"

echo "-- the net-copy client receives through the kernel's channels"
bt_sum() {
	for _c in $(bridged); do cat "/sys/class/dmaeng/$_c/bytes_transferred"; done |
		awk '{ s += $1 } END { print s + 0 }'
}
bt0=$(bt_sum)
t_run "load dmaeng_netcopy (a public client)" modload dmaeng_netcopy
t_eq "it holds both: in_use 1 1, refcnt $K 2" "$(in_use_all) $(refcnt $K)" "1 1 2"
t_run "8 MiB over TCP through the ioctl, verified" \
	netcopy tcp --bytes 8388608 --read 65536 --port 5401
off=$(ncstat bytes_offloaded)
t_run "most of it was copied by the kernel's channels ($off bytes)" \
	test "$off" -gt 4194304
t_eq "the bridged channels counted exactly those bytes" "$(( $(bt_sum) - bt0 ))" "$off"
t_run "disable_dma = 1 gives every channel back" \
	sh -c "echo 1 > /proc/sys/dmaeng/netcopy/disable_dma"
t_eq "in_use 0 0, refcnt $K 0" "$(in_use_all) $(refcnt $K)" "0 0 0"
t_run "rmmod dmaeng_netcopy" rmmod dmaeng_netcopy

echo "-- released, the kernel channels are dmatest's again"
t_run "dmatest takes both" sh -c "echo > $KT/channel"
t_run "dmatest gives them back" sh -c "echo 0 > $KT/run && cat $KT/run"
t_run "rmmod dmatest" rmmod dmatest

echo "-- the kernel driver unbinds while dmaeng_test holds its channels"
drv=/sys/bus/platform/drivers/$K
t_run "load dmaeng_test" modload dmaeng_test timeout_ms=30000
t_eq "in_use 1 1, refcnt $K 2" "$(in_use_all) $(refcnt $K)" "1 1 2"
t_run "unbind $K" sh -c "echo $K > $drv/unbind"
t_eq "its dmaeng channels are gone" "$(bridged | wc -l)" 0
t_eq "the kernel channels went back before its remove: refcnt $K 0" \
	"$(refcnt $K)" 0
t_eq "dmaeng_test still holds the dead channels: refcnt $R 2" "$(refcnt $R)" 2
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "released: refcnt $R 0" "$(refcnt $R)" 0
t_run "bind $K again" sh -c "echo $K > $drv/bind"
t_eq "found again when it binds: 2 dmaeng channels" "$(bridged | wc -l)" 2
t_run "load dmaeng_test" modload dmaeng_test timeout_ms=30000
t_run "20 copies on each" dt_run channel= fixed_size=0 max_size=65536 iterations=20 threads_per_chan=1 batch=4
t_eq "40 copies, 0 failures, 40 by the engine" \
	"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "40 0 40"
t_run "rmmod dmaeng_test" rmmod dmaeng_test

t_run "rmmod $R" rmmod $R
t_eq "no dmaeng channel left" "$(ls /sys/class/dmaeng | wc -l)" 0
t_run "rmmod $K" rmmod $K
t_eq "mapping-debug totals: 0 0 0 0" "$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
