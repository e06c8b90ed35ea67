# SPDX-License-Identifier: GPL-2.0
#
# The sample provider under the data-verifying test client: verified
# copies on every channel, the counters, fault injection, descriptor
# reserves under failslab, and bad module parameters.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_memcpy
fs=/sys/kernel/debug/failslab
mp=/sys/module/dmaeng_memcpy/parameters
# fs_set KEY=VALUE...: failslab's knobs; fs_injected: the faults it
# injected since times was set to 100000 (on a kernel with failslab)
fs_set() {
	have_cap failslab || return 0
	for kv in "$@"; do
		printf '%s' "${kv#*=}" > "$fs/${kv%%=*}"
	done
}
fs_injected() { have_cap failslab && echo $((100000 - $(cat $fs/times))); }

echo "-- bad parameters refuse to load and leave nothing behind"
t_run "load dmaeng_core with the mapping-debug layer on" core_load
for arg in channels=0 channels=65 channels=-1 channels=two \
	   dma_mask_bits=23 dma_mask_bits=65 dma_mask_bits=x; do
	t_refused "dmaeng_memcpy $arg refused" EINVAL modload dmaeng_memcpy $arg
done
t_eq "nothing loaded, no channel" \
	"$(grep -c '^dmaeng_memcpy ' /proc/modules) $(ls /sys/class/dmaeng | wc -l)" "0 0"
t_run "dmaeng_memcpy channels=64 loads" modload dmaeng_memcpy channels=64
t_eq "64 channels" "$(ls /sys/class/dmaeng | wc -l)" 64
rmmod dmaeng_memcpy

echo "-- 10,000 verified copies of 1 B .. 1 MiB, two channels, two threads each"
t_run "load dmaeng_memcpy (one channel per CPU)" modload dmaeng_memcpy
t_run "load dmaeng_test" modload dmaeng_test
t_run "run: 4 threads x 2500 copies" \
	dt_run threads_per_chan=2 iterations=2500 max_size=1048576 batch=2
t_eq "10000 copies" "$(dt_sum copies)" 10000
t_eq "all mappings released: outstanding 0" "$(chan_stat dma0chan0 outstanding)" 0
needs dmadebug
t_eq "dma-debug lists no mapping of the device" "$(dma_debug_count dmaeng_memcpy)" 0
needs -
t_eq "0 failures" "$(dt_sum failures)" 0
t_eq "all by DMA: 10000 submitted" "$(dt_sum submitted)" 10000
t_eq "10000 completed, 0 errors" "$(dt_sum completed) $(dt_sum errors)" "10000 0"
t_eq "0 fallbacks, 0 timeouts" "$(dt_sum fallbacks) $(dt_sum timeouts)" "0 0"
t_eq "memcpy_count of the channels = completed" \
	"$(( $(chan_stat dma0chan0 memcpy_count) + $(chan_stat dma0chan1 memcpy_count) ))" \
	"$(dt_sum completed)"
t_eq "bytes_transferred of the channels = bytes" \
	"$(( $(chan_stat dma0chan0 bytes_transferred) + $(chan_stat dma0chan1 bytes_transferred) ))" \
	"$(dt_sum bytes)"
t_refused "rmmod dmaeng_memcpy refused while dmaeng_test holds it" EAGAIN rmmod dmaeng_memcpy

echo "-- injected errors are reported, not lost: error_every=7"
before=$(chan_stat dma0chan0 memcpy_count)
printf 7 > $mp/error_every
t_run "run: 700 copies on dma0chan0" \
	dt_run channel=dma0chan0 threads_per_chan=1 iterations=700 max_size=4096 batch=4
printf 0 > $mp/error_every
t_eq "700 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "700 0"
t_eq "100 errors: every 7th of 700" "$(dt_sum errors)" 100
t_run "submitted = completed + errors" dt_balanced
t_eq "memcpy_count grew by completed only" \
	"$(( $(chan_stat dma0chan0 memcpy_count) - before ))" "$(dt_sum completed)"

echo "-- delayed completions: waited for, counted, still verified"
printf 20000 > $mp/delay_us
t_run "run: 20 copies, 1 ms timeout, 20 ms delay" \
	dt_run channel= threads_per_chan=1 iterations=10 timeout_ms=1 batch=1
printf 0 > $mp/delay_us
dt_set timeout_ms=5000 channel=
t_eq "20 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "20 0"
t_eq "20 timeouts reported" "$(dt_sum timeouts)" 20

echo "-- hot-unplug in the middle of a run: nothing lost"
# Each copy takes 1 s: when the device goes at 0.5 s, every channel has its
# first copy running and 7 more queued, which must come back aborted.
printf 1000000 > $mp/delay_us
(dt_run channel= threads_per_chan=1 iterations=16 batch=8 max_size=4096) &
run=$!
usleep 500000
# A thread may be mapping its batch right now: read both counts until
# they hold still.
for i in 1 2 3 4 5; do
	live=$(chan_stat dma0chan0 outstanding)
	dd=$(dma_debug_count dmaeng_memcpy)
	[ "$live" = "$(chan_stat dma0chan0 outstanding)" ] &&
		[ "$dd" = "$(dma_debug_count dmaeng_memcpy)" ] && break
	usleep 20000
done
t_run "copies in flight hold mappings ($live)" test "$live" -gt 0
needs dmadebug
t_eq "dmaeng's outstanding equals dma-debug's list for the device" "$dd" "$live"
needs -
t_run "unbind the device while copies are in flight" \
	sh -c "echo dmaeng_memcpy > /sys/bus/platform/drivers/dmaeng_memcpy/unbind"
wait $run
printf 0 > $mp/delay_us
t_eq "32 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "32 0"
t_run "queued copies came back aborted ($(dt_sum errors))" test "$(dt_sum errors)" -ge 2
t_run "later copies were refused and done by the CPU ($(dt_sum fallbacks))" \
	test "$(dt_sum fallbacks)" -ge 16
t_run "submitted = completed + errors" dt_balanced
t_eq "copies = completed + errors + fallbacks" "$(dt_sum copies)" \
	"$(( $(dt_sum completed) + $(dt_sum errors) + $(dt_sum fallbacks) ))"
t_run "bind it again" \
	sh -c "echo dmaeng_memcpy > /sys/bus/platform/drivers/dmaeng_memcpy/bind"
t_eq "the client holds the new channels: in_use 1 1" \
	"$(chan_stat dma0chan0 in_use) $(chan_stat dma0chan1 in_use)" "1 1"
t_run "and copies on them again" dt_run iterations=50 max_size=65536
t_eq "100 copies by DMA, 0 failures" \
	"$(dt_sum completed) $(dt_sum failures)" "100 0"

echo "-- failing alloc_chan_resources: nothing held, nothing leaked"
rmmod dmaeng_test
printf 1 > $mp/fail_alloc
t_run "load dmaeng_test" modload dmaeng_test
t_eq "in_use 0 0" "$(chan_stat dma0chan0 in_use) $(chan_stat dma0chan1 in_use)" "0 0"
t_eq "dmaeng_memcpy refcnt 0" "$(refcnt dmaeng_memcpy)" 0
t_refused "a run has no channel" ENODEV sh -c "echo 1 > $DT/run"
rmmod dmaeng_test
printf 0 > $mp/fail_alloc
t_run "load dmaeng_test again" modload dmaeng_test
t_eq "in_use 1 1" "$(chan_stat dma0chan0 in_use) $(chan_stat dma0chan1 in_use)" "1 1"

echo "-- descriptor reserve: failslab fails every slab allocation of the test threads"
# Without failslab (Debian's kernels) the same runs go on, fault-free:
# only the checks that faults were injected are skipped.
fs_set probability=100 interval=1 times=100000 task-filter=Y verbose=0 \
	ignore-gfp-wait=N
have_cap failslab && failslab_kmalloc_only
t_run "blocking prep, 64 in flight against a reserve of 16" \
	dt_run make_it_fail=1 nowait=0 channel=dma0chan0 iterations=640 batch=64 max_size=2048
injected=$(fs_injected)
t_eq "blocking prep never failed: 640 submitted, 0 fallbacks" \
	"$(dt_sum submitted) $(dt_sum fallbacks)" "640 0"
t_eq "640 verified" "$(dt_sum copies) $(dt_sum failures)" "640 0"
needs failslab
t_run "failslab injected faults ($injected)" test "$injected" -gt 0
needs -
fs_set times=100000
t_run "non-blocking prep, same load" \
	dt_run make_it_fail=1 nowait=1 channel=dma0chan0 iterations=640 batch=64 max_size=2048
needs failslab
t_run "non-blocking prep failed and fell back to the CPU ($(dt_sum prep_failures))" \
	test "$(dt_sum prep_failures)" -gt 0
needs -
t_eq "every fallback was a failed prep" "$(dt_sum fallbacks)" "$(dt_sum prep_failures)"
t_eq "640 copies verified anyway" "$(dt_sum copies) $(dt_sum failures)" "640 0"
t_run "submitted = completed + errors" dt_balanced

echo "-- failslab at 5% during a run on both channels"
fs_set probability=5 times=100000
t_run "run: 2 x 2 threads x 500 copies, non-blocking" \
	dt_run make_it_fail=1 nowait=1 channel= threads_per_chan=2 iterations=500 batch=8 max_size=65536
injected=$(fs_injected)
needs failslab
t_run "faults injected ($injected)" test "$injected" -gt 0
needs -
t_eq "2000 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "2000 0"
t_run "submitted = completed + errors" dt_balanced
t_eq "copies = submitted + fallbacks" \
	"$(dt_sum copies)" "$(( $(dt_sum submitted) + $(dt_sum fallbacks) ))"
fs_set probability=0
dt_set make_it_fail=0 nowait=0

rmmod dmaeng_test
rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
