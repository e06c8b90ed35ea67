# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make bench`.  Every figure is one line
#   fig KEY VALUE UNIT DESCRIPTION...
# on the console and on the results port (build/bench/ on the host).
#
# 1. dmaeng_core (mapping-debug off) and dmaeng_bench alone: the registry
#    figures (reg.*), so that the fake devices are the whole registry.
# 2. dmaeng_memcpy channels=8 and dmaeng_kadapter channels=8 (the same
#    engine on the kernel's dmaengine): find.*, copy64.*, tput.*, map.*.
# 3. dmaeng_netcopy on dmaeng_memcpy: 32 MiB over loopback TCP through the
#    offload ioctl and through plain recv() (netcopy.*).
# Then everything is unloaded.
. /dmaeng/guest/lib.sh

DB=/sys/kernel/debug/dmaeng_bench
figs=/tmp/bench.figs
: > $figs

# phase NAME: run one phase of dmaeng_bench
phase() {
	echo "dmaeng: bench phase $1"
	_t0=$(date +%s)
	echo "$1" > $DB/run || echo "dmaeng: bench phase $1 failed"
	echo "dmaeng: bench phase $1 took $(( $(date +%s) - _t0 )) s"
}

# fig KEY VALUE UNIT DESCRIPTION...
fig() { echo "fig $*" >> $figs; }

modload dmaeng_core || echo "dmaeng: cannot load dmaeng_core"
modload dmaeng_bench || echo "dmaeng: cannot load dmaeng_bench"
phase reg
modload dmaeng_memcpy channels=8 || echo "dmaeng: cannot load dmaeng_memcpy"
modload dmaeng_kadapter channels=8 || echo "dmaeng: cannot load dmaeng_kadapter"
for p in find copy tput map; do
	phase $p
done
grep '^fig ' $DB/results >> $figs
rmmod dmaeng_bench
rmmod dmaeng_kadapter

echo "dmaeng: bench phase netcopy"
if modload dmaeng_netcopy; then
	port=5400
	for r in 4096 65536 1048576; do
		for m in ioctl recv; do
			port=$((port + 2))
			out=$(netcopy tcp --bytes 33554432 --read $r --mode $m \
				--port $port 2>&1)
			rc=$?
			echo "    $out"
			mibs=$(echo "$out" |
				sed -n 's/^netcopy: .*, \([0-9.]*\) MiB\/s, 0 bad bytes.*/\1/p')
			if [ "$rc" = 0 ] && [ -n "$mibs" ]; then
				fig netcopy.$m.$r "$mibs" MiB/s \
					"32 MiB over loopback TCP, $r-byte reads, $m, dmaeng_memcpy channels=8"
			else
				echo "dmaeng: netcopy $m read=$r failed (rc $rc)"
			fi
		done
	done
	rmmod dmaeng_netcopy
else
	echo "dmaeng: cannot load dmaeng_netcopy"
fi
rmmod dmaeng_memcpy
rmmod dmaeng_core

# The console runs quiet: show what the kernel complained about.
echo "dmaeng: dma-debug errors: $(cat /sys/kernel/debug/dma-api/error_count 2>/dev/null)"
dmesg | grep -E 'WARNING:|BUG:|Call Trace|DMA-API|possible (circular|recursive)|inconsistent lock|leak|dmaeng.*(error|fail)' |
	grep -vE 'DMA-API: (preallocated|debugging enabled)|leak detector initialized' |
	head -n 40
echo "dmaeng: benchmark figures"
cat $figs
cat $figs > "$DMAENG_RESULTS"
