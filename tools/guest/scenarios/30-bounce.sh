# SPDX-License-Identifier: GPL-2.0
# boot: swiotlb=512,force
#
# Bounce pressure (seed 004): every mapping bounces through a 1 MiB swiotlb
# pool, far less than the copies in flight need.  SWIOTLB_DYNAMIC grows it;
# mappings that still fail (over the 256 KiB bounce limit) are counted and
# done by the CPU; every copy verifies.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_bounce
st=/sys/kernel/debug/swiotlb
swiotlb() {
	echo "nslabs=$(cat $st/io_tlb_nslabs) used=$(cat $st/io_tlb_used)" \
	     "used_hiwater=$(cat $st/io_tlb_used_hiwater)" \
	     "transient_nslabs=$(cat $st/io_tlb_transient_nslabs)"
}

nslabs0=$(cat $st/io_tlb_nslabs)
t_eq "the pool starts at 512 slabs (1 MiB)" "$nslabs0" 512
echo "swiotlb before: $(swiotlb)"
t_run "load dmaeng_core with the mapping-debug layer on" core_load
t_run "load dmaeng_memcpy dma_mask_bits=32" modload dmaeng_memcpy dma_mask_bits=32
t_run "load dmaeng_test" modload dmaeng_test

# Sample the pool while copies run: transient pools come and go.
(peak=0; while [ -d /sys/module/dmaeng_test ]; do
	t=$(cat $st/io_tlb_transient_nslabs); [ "$t" -gt "$peak" ] && peak=$t
	# (renamed into place: a reader never sees it half written)
	echo $peak > /tmp/transient_peak.new
	mv /tmp/transient_peak.new /tmp/transient_peak; usleep 20000; done) &
sampler=$!
t_run "run: 2 channels x 4 threads x 100 copies up to 1 MiB, 4 in flight each" \
	dt_run threads_per_chan=4 iterations=100 batch=4 max_size=1048576
echo "swiotlb after: $(swiotlb) transient_peak=$(cat /tmp/transient_peak)"
t_eq "800 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "800 0"
t_run "submitted = completed + errors" dt_balanced
t_eq "no engine error" "$(dt_sum errors)" 0
t_eq "copies = completed + fallbacks" "$(dt_sum copies)" \
	"$(( $(dt_sum completed) + $(dt_sum fallbacks) ))"
t_run "most copies went through the engine ($(dt_sum completed))" \
	test "$(dt_sum completed)" -gt 400
t_run "failed mappings counted, copied by CPU ($(dt_sum map_errors))" \
	test "$(dt_sum map_errors)" -gt 0
t_run "the pool was exhausted: used_hiwater >= 512" \
	test "$(cat $st/io_tlb_used_hiwater)" -ge 512
t_run "the pool grew past 512 slabs or lent transient pools" \
	test "$(cat $st/io_tlb_nslabs)" -gt 512 -o "$(cat /tmp/transient_peak)" -gt 0

mapfail=$(dt_sum map_errors)
rmmod dmaeng_test
kill $sampler 2>/dev/null
wait $sampler 2>/dev/null
rmmod dmaeng_memcpy
t_eq "mapping debug: refused mappings are the client's map_errors, nothing else" \
	"$(map_totals)" "$mapfail 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
t_eq "every bounce slot returned" "$(cat $st/io_tlb_used)" 0
suite_end
