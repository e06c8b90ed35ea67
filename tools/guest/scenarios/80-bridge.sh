# SPDX-License-Identifier: GPL-2.0
#
# dmaeng_to_dmaengine: dmaeng's channels as kernel dmaengine channels, judged
# by the kernel's own dmatest (drivers/dma/dmatest.c), which dmaeng's
# developers did not write.  The pinning is exact: a dmaeng channel is held
# (in_use 1, the provider's module pinned) exactly while dmatest holds its
# bridged channel.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_bridge
M=dmaeng_memcpy
B=dmaeng_to_dmaengine
drv=/sys/bus/platform/drivers/$M

# The dmaengine channels whose device is dmaeng_memcpy's platform device.
bridged() { class_chans dma $M; }

echo "-- bridged when the provider comes, nothing held"
t_run "load dmaeng_core" core_load
t_run "load $B before any provider" modload $B
t_eq "no dmaengine channel yet" "$(bridged | wc -l)" 0
t_run "load $M channels=2" modload $M channels=2
t_eq "its 2 channels are dmaengine channels" "$(bridged | wc -l)" 2
t_eq "nothing held: in_use 0 0, refcnt $M 0, $B 0" \
	"$(in_use_all) $(refcnt $M) $(refcnt $B)" "0 0 0 0"
t_run "load dmatest" modload dmatest

echo "-- dmatest holds the channels: so does the bridge, exactly"
t_run "dmatest takes both channels (device=$M)" \
	sh -c "echo $M > $KT/device && echo > $KT/channel"
t_eq "in_use 1 1; refcnt $M 4 (dmaeng 2, dmaengine 2); $B 2" \
	"$(in_use_all) $(refcnt $M) $(refcnt $B)" "1 1 4 2"
t_refused "rmmod $M while dmatest holds its channels" EAGAIN rmmod $M
t_refused "rmmod $B while dmatest holds its channels" EAGAIN rmmod $B
t_run "dmatest gives them back" sh -c "echo 0 > $KT/run && cat $KT/run"
t_eq "released: in_use 0 0, refcnt $M 0, $B 0" \
	"$(in_use_all) $(refcnt $M) $(refcnt $B)" "0 0 0 0"

echo "-- dmatest on both channels: random sizes, norandom, polled"
t_do "start 2 threads per channel, random sizes up to 16 KiB" \
	kt_start device=$M iterations=100 threads_per_chan=2 timeout=5000 test_buf_size=16384
t_refused "rmmod $M while dmatest runs on it" EAGAIN rmmod $M
t_do "dmatest finishes" kt_wait
t_eq "4 threads: 400 tests, 0 failures" "$(kt_totals)" "4 400 0"
t_do "give the channels back" kt_release
t_eq "in_use 0 0, refcnt $M 0, $B 0" \
	"$(in_use_all) $(refcnt $M) $(refcnt $B)" "0 0 0 0"

t_do "start norandom: every copy the whole 16 KiB buffer" \
	kt_start iterations=50 threads_per_chan=1 norandom=1
t_do "dmatest finishes" kt_wait
t_eq "2 threads: 100 tests, 0 failures" "$(kt_totals)" "2 100 0"
t_do "give the channels back" kt_release

t_do "start polled (no callback, dma_sync_wait), one channel" \
	kt_start iterations=50 threads_per_chan=1 norandom=0 polled=1 max_channels=1
t_eq "in_use 1 0 while it runs on one channel" "$(in_use_all)" "1 0"
t_do "dmatest finishes" kt_wait
t_eq "1 thread: 50 tests, 0 failures" "$(kt_totals)" "1 50 0"
t_do "give the channel back" kt_release
t_run "polled=0 max_channels=0" kt_set polled=0 max_channels=0

echo "-- a failed copy is a failure in dmatest too"
t_run "$M error_every=7: every 7th copy of a channel fails" \
	sh -c "echo 7 > /sys/module/$M/parameters/error_every"
t_do "start 35 copies per channel" kt_start iterations=35 norandom=1
t_do "dmatest finishes" kt_wait
t_eq "2 threads: 70 tests, 10 failures" "$(kt_totals)" "2 70 10"
t_eq "each failure is 'completion error status'" \
	"$(kt_dmesg | grep -c "'completion error status'")" 10
t_do "give the channels back" kt_release
t_run "error_every=0" sh -c "echo 0 > /sys/module/$M/parameters/error_every"

echo "-- a channel a dmaeng client holds is not handed to dmatest"
t_run "load dmaeng_test (a public client: holds both channels)" modload dmaeng_test
t_eq "in_use 1 1" "$(in_use_all)" "1 1"
t_refused "dmatest finds no free channel" EBUSY sh -c "echo > $KT/channel"
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "nothing held: in_use 0 0, refcnt $M 0" "$(in_use_all) $(refcnt $M)" "0 0 0"

echo "-- the bridge goes and comes back with the provider loaded"
t_run "rmmod $B" rmmod $B
t_eq "no dmaengine channel of $M left" "$(bridged | wc -l)" 0
t_run "load $B after the provider" modload $B
t_eq "its 2 channels are dmaengine channels again" "$(bridged | wc -l)" 2

echo "-- unbinding the device while dmatest runs: errors, not a crash"
t_run "$M delay_us=20000: each copy takes 20 ms" \
	sh -c "echo 20000 > /sys/module/$M/parameters/delay_us"
t_do "start 30 copies per channel" kt_start iterations=30 norandom=0 timeout=2000
usleep 300000
t_run "dma-debug sees dmatest's mappings on $M" \
	sh -c "test $(dma_debug_count $M) -gt 0"
t_run "unbind $M (hot-unplug) while dmatest runs" sh -c "echo $M > $drv/unbind"
t_eq "its dmaengine channels are gone" "$(bridged | wc -l)" 0
t_eq "dmatest still holds them: refcnt $M 4, $B 2" "$(refcnt $M) $(refcnt $B)" "4 2"
t_do "dmatest finishes" kt_wait
tot=$(kt_totals)
t_run "2 threads, 60 tests, some failed (got: $tot)" \
	sh -c "set -- $tot; test \$1 = 2 -a \$2 = 60 -a \$3 -gt 0"
t_do "give the channels back" kt_release
t_eq "nothing held: refcnt $M 0, $B 0" "$(refcnt $M) $(refcnt $B)" "0 0"
t_eq "dma-debug: no mapping left on $M" "$(dma_debug_count $M)" 0

t_run "rmmod dmatest" rmmod dmatest
t_run "rmmod $B" rmmod $B
t_run "rmmod $M" rmmod $M
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
