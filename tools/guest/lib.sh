# SPDX-License-Identifier: GPL-2.0
#
# Guest-side helpers for dmaeng scenarios, sourced by busybox sh.
#
# A scenario is a KTAP suite: suite_begin NAME, then checks, then suite_end.
# Each check prints "ok"/"not ok" to the console and is recorded in KTAP;
# suite_end writes the suite to the results port (/dev/ttyS1), where the host
# assembles every suite and parses them with the kernel's kunit.py.

DMAENG_MODDIR=/dmaeng/modules
DMAENG_RESULTS=${DMAENG_RESULTS:-/dev/ttyS1}

suite_begin() {
	_suite=$1
	_n=0
	_nfail=0
	_ktap=/tmp/suite.$1.ktap
	: > "$_ktap"
	echo "== scenario $1"
}

_record() {	# _record ok|"not ok" DESC [DIAG...]
	_status=$1
	_desc=$2
	shift 2
	_n=$((_n + 1))
	[ "$_status" = ok ] || _nfail=$((_nfail + 1))
	echo "[$_suite] $_status $_n - $_desc"
	for _d in "$@"; do
		echo "    # $_d" >> "$_ktap"
		echo "[$_suite]     # $_d"
	done
	echo "    $_status $_n $_desc" >> "$_ktap"
}

t_ok()   { _record ok "$1"; }
t_fail() { _d=$1; shift; _record "not ok" "$_d" "$@"; }

# t_eq DESC ACTUAL EXPECTED
t_eq() {
	if [ "$2" = "$3" ]; then
		_record ok "$1"
	else
		_record "not ok" "$1" "expected '$3', got '$2'"
	fi
}

# t_run DESC CMD...: the command succeeds
t_run() {
	_d=$1
	shift
	if _out=$("$@" 2>&1); then
		_record ok "$_d"
	else
		_record "not ok" "$_d" "'$*' failed: $_out"
	fi
}

# t_refused DESC CMD...: the command fails
t_refused() {
	_d=$1
	shift
	if _out=$("$@" 2>&1); then
		_record "not ok" "$_d" "'$*' succeeded, expected failure"
	else
		_record ok "$_d"
		echo "[$_suite]     ($*: $_out)"
	fi
}

suite_end() {
	{
		echo "    KTAP version 1"
		echo "    # Subtest: $_suite"
		echo "    1..$_n"
		cat "$_ktap"
		if [ "$_nfail" = 0 ]; then
			echo "ok 1 $_suite"
		else
			echo "not ok 1 $_suite"
		fi
	} > "$DMAENG_RESULTS"
}

# The results file of every KUnit suite in debugfs, without its two-line
# document header: the host adds one header for all suites.
kunit_dump() {
	for _r in /sys/kernel/debug/kunit/*/results; do
		[ -f "$_r" ] || continue
		sed '1,2d' "$_r" > "$DMAENG_RESULTS"
	done
}

# modload NAME [ARGS...]: insmod /dmaeng/modules/NAME.ko
modload() {
	_m=$1
	shift
	insmod "$DMAENG_MODDIR/$_m.ko" "$@"
}

have_module() { [ -f "$DMAENG_MODDIR/$1.ko" ]; }

refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null || echo none; }

# dmaeng_test helpers.
DT=/sys/kernel/debug/dmaeng_test
DTP=/sys/module/dmaeng_test/parameters

# dt_set KEY=VALUE...: set dmaeng_test parameters (no trailing newline;
# an empty VALUE is written as a lone newline, which clears a string)
dt_set() {
	for _kv in "$@"; do
		_v=${_kv#*=}
		if [ -n "$_v" ]; then printf '%s' "$_v"; else echo; fi \
			> "$DTP/${_kv%%=*}" || return 1
	done
}

# dt_run KEY=VALUE...: set parameters, run, and show the results on the
# console (past t_run, which keeps a command's output to itself)
dt_run() {
	dt_set "$@" || return 1
	echo 1 > $DT/run
	_rc=$?
	sed 's/^/    /' $DT/results > /dev/console
	return $_rc
}

# dt_sum KEY [FILE]: KEY summed over the channels of the last run (or
# over the per-channel lines of FILE), where KEY is copies or failures
# ("N copies,") or any key=value field.
dt_sum() {
	awk -v k="$1" '/^total:/ { next }
		{ for (i = 1; i <= NF; i++) {
			if ($(i + 1) == k ",") s += $i
			if (index($i, k "=") == 1) s += substr($i, length(k) + 2)
		} }
		END { print s + 0 }' "${2:-$DT/results}"
}

# dt_balanced: on every channel, submitted = completed + errors
dt_balanced() {
	awk '/^total:/ { next }
		{ for (i = 1; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
		  if (v["submitted"] != v["completed"] + v["errors"]) bad++ }
		END { exit bad > 0 }' $DT/results
}

# ncstat KEY: a counter of dmaeng_netcopy's debugfs stats
ncstat() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/dmaeng_netcopy/stats; }

# sysfs counter of a channel: chan_stat dma0chan0 memcpy_count
chan_stat() { cat "/sys/class/dmaeng/$1/$2"; }

# dmaeng_core with the mapping-debug layer on, as every scenario runs it.
core_load() { modload dmaeng_core debug_mappings=1 "$@"; }

# System-wide mapping-debug totals since dmaeng_core was loaded:
# "map_errors map_errors_not_checked unmap_errors leaks"
map_totals() {
	awk '$1 == "total" { print $2, $3, $4, $7 }' \
		/sys/kernel/debug/dmaeng/mapdebug/devices
}

# Live mappings dma-debug lists for device $1
dma_debug_count() { grep -c " $1 " /sys/kernel/debug/dma-api/dump; }
