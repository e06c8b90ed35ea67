# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make bench`: load, run, print the table; the table
# also goes to the results port for build/bench/.
. /dmaeng/guest/lib.sh

modload dmaeng_core
modload dmaeng_memcpy
modload dmaeng_bench
echo "dmaeng: running benchmarks"
echo 1 > /sys/kernel/debug/dmaeng_bench/run
cat /sys/kernel/debug/dmaeng_bench/results | tee "$DMAENG_RESULTS"
rmmod dmaeng_bench
rmmod dmaeng_memcpy
rmmod dmaeng_core
