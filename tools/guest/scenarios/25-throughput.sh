# SPDX-License-Identifier: GPL-2.0
#
# Figures, not pass/fail: the sample provider's throughput next to a plain
# CPU memcpy of the same sizes in the same guest, one thread per channel.
# (make bench, issue 7, is where performance is measured properly.)
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_throughput
t_run "load dmaeng_core with the mapping-debug layer on" core_load
modload dmaeng_memcpy
modload dmaeng_test
table=
for size in 4096 65536 1048576; do
	n=$((8388608 / size))
	[ $n -gt 2000 ] && n=2000
	t_run "engine: $n copies of $size bytes per channel" \
		dt_run cpu=0 fixed_size=1 verify=0 max_size=$size iterations=$n batch=4
	dma=$(awk '!/^total/ { s += $6 } END { print s }' $DT/results)
	t_run "CPU memcpy: the same" \
		dt_run cpu=1 fixed_size=1 verify=0 max_size=$size iterations=$n batch=4
	cpu=$(awk '!/^total/ { s += $6 } END { print s }' $DT/results)
	table="$table
| $size | $dma | $cpu | $(awk -v a=$dma -v b=$cpu 'BEGIN { printf "%.2f", b ? a / b : 0 }') |"
done
dt_set cpu=0 fixed_size=0 verify=1
echo "| copy size (B) | engine KiB/s (all channels) | CPU memcpy KiB/s | engine / CPU |"
echo "| --- | --- | --- | --- |$table"
rmmod dmaeng_test
rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
rmmod dmaeng_core
suite_end
