# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make bench`.  Every figure is one line
#   fig KEY VALUE UNIT DESCRIPTION...
# on the console and on the results port (build/bench/ on the host).
#
# 1. dmaeng_core (mapping-debug off) and dmaeng_bench alone: the registry
#    figures (reg.*), so that the fake devices are the whole registry.
# 2. dmaeng_memcpy channels=8 and dmaeng_kadapter channels=8 (the same
#    engine on the kernel's dmaengine): find.*, copy64.*, tput.*, map.*;
#    the raw engine (dmaeng_bench's own, no framework) is the floor.
#    Then, where the kernel has ftrace, the trace phase under the
#    function_graph tracer: where each framework's time goes (prof lines).
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

# Where the time goes: function_graph over the trace phase's 64-byte copies
# (100 per engine, one channel), from each entry point on the submitting
# side and from each engine's work item: first one level deep (only the
# entry points patched, nothing under them traced, so each carries the
# tracer's cost once: their differences are the engines'), then two (what
# each entry point calls directly; every function patched, so each call
# under them carries the tracer's cost too).
# One line per entry point and per function it calls directly:
#   prof DEPTH CALLS MEAN-NS ENTRY CALLEE|-
T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T 2>/dev/null
if [ -e $T/available_tracers ] && grep -qw function_graph $T/available_tracers; then
	for depth in 1 2; do
		echo "dmaeng: bench phase trace (function_graph, depth $depth)"
		echo 0 > $T/tracing_on
		echo nop > $T/current_tracer
		: > $T/trace
		for f in db_raw_submit db_raw_issue db_raw_work \
			dmaeng_prep_memcpy dmaeng_submit dmaeng_issue_pending mc_work \
			ka_prep_memcpy ka_tx_submit ka_issue_pending ka_work; do
			echo $f >> $T/set_graph_function || echo "dmaeng: cannot trace $f"
			# One level: only the entry points are patched, so
			# that what they call runs at full speed.
			[ $depth = 1 ] && echo $f >> $T/set_ftrace_filter
		done
		echo $depth > $T/max_graph_depth
		echo function_graph > $T/current_tracer
		# Exits named, interrupts left out, time asleep not counted.
		echo 1 > $T/options/funcgraph-tail
		echo 0 > $T/options/funcgraph-irqs
		echo 0 > $T/options/sleep-time
		echo 1 > $T/tracing_on
		echo trace > $DB/run || echo "dmaeng: bench phase trace failed"
		echo 0 > $T/tracing_on
		# Calls nest per task: the "=>" lines say which task a CPU runs.
		awk -v depth=$depth '
		/=>/ {
			task[$1] = $NF
			next
		}
		/\|/ {
			cpu = task[$1]
			bar = index($0, "|")
			left = substr($0, 1, bar - 1)
			right = substr($0, bar + 1)
			match(right, /^ */)
			level = int((RLENGTH - 2) / 2)
			body = substr(right, RLENGTH + 1)
			sub(/ *$/, "", body)
			if (body ~ /\) \{$/) {
				name = body
				sub(/[ (].*/, "", name)
				stack[cpu, level] = name
				next
			}
			if (body ~ /^\} \/\* /) {
				name = body
				sub(/^\} \/\* /, "", name)
			} else if (body ~ /\(\);$/) {
				name = body
			} else
				next
			sub(/[ (].*/, "", name)
			if (!match(left, /[0-9.]+ us/) || level > 1)
				next
			us = substr(left, RSTART, RLENGTH - 3) + 0
			key = level == 0 ? name " -" : stack[cpu, 0] " " name
			n[key]++
			t[key] += us
		}
		END {
			for (k in n)
				printf "prof %d %d %.0f %s\n", depth, n[k],
					t[k] * 1000 / n[k], k
		}
		' $T/trace | sort -k5,5 -k6,6 >> $figs
		echo nop > $T/current_tracer
		: > $T/set_graph_function
		: > $T/set_ftrace_filter
	done
	echo "dmaeng: $(grep -c '^prof ' $figs) function_graph lines"
fi
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
			cpu=$(echo "$out" | sed -n 's/.*receiver cpu [0-9.]* s, \([0-9]*\) ns\/KiB$/\1/p')
			if [ "$rc" = 0 ] && [ -n "$mibs" ]; then
				fig netcopy.$m.$r "$mibs" MiB/s \
					"32 MiB over loopback TCP, $r-byte reads, $m, dmaeng_memcpy channels=8"
				[ -n "$cpu" ] && fig netcopy.$m.$r.cpu "$cpu" ns/KiB \
					"the receiving thread's CPU time (user + system) per KiB received, $r-byte reads, $m"
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
