# SPDX-License-Identifier: GPL-2.0
#
# Guest-side helpers for dmaeng scenarios, sourced by busybox sh.
#
# A scenario is a KTAP suite: suite_begin NAME, then checks, then suite_end.
# Each check prints "ok"/"not ok" to the console and goes to the results
# port (/dev/ttyS1) at once, between begin and end markers, so a scenario
# that dies keeps what it reported; the host (tools/ktap.py assemble) makes
# the KTAP suites, fails a suite whose end never came, and parses them with
# the kernel's kunit.py.

DMAENG_MODDIR=/dmaeng/modules
DMAENG_RESULTS=${DMAENG_RESULTS:-/dev/ttyS1}

suite_begin() {
	_suite=$1
	_needs=
	_n=0
	_nfail=0
	echo "== scenario $1"
	echo "# dmaeng-suite-begin $1" > "$DMAENG_RESULTS"
}

# Kernel capabilities.  The host declares what the kernel it boots has on
# the command line, dmaeng.caps=CAP,CAP... (tools/check.sh: all but rt on
# the test kernel, all on the KCSAN PREEMPT_RT one, only rt on Debian's
# real-time kernel, none on its stock one), and the
# machine suite (plan-check.sh) proves the declaration against the kernel
# both ways.  Without dmaeng.caps= (make demo, make bench: the test kernel)
# the kernel has them all but rt.
#   kunit     CONFIG_KUNIT with its debugfs
#   dmadebug  CONFIG_DMA_API_DEBUG (/sys/kernel/debug/dma-api)
#   kmemleak  CONFIG_DEBUG_KMEMLEAK
#   failslab  CONFIG_FAILSLAB with its debugfs
#   rt        PREEMPT_RT
DMAENG_CAPS_ALL="kunit dmadebug kmemleak failslab"
if grep -q 'dmaeng\.caps=' /proc/cmdline; then
	DMAENG_CAPS=$(sed -n 's/.*dmaeng\.caps=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
else
	DMAENG_CAPS=$DMAENG_CAPS_ALL
fi

# have_cap CAP: the kernel was declared to have CAP
have_cap() {
	case " $DMAENG_CAPS " in *" $1 "*) return 0 ;; esac
	return 1
}

# needs CAP: the checks that follow need CAP, up to "needs -" (or the
# suite's end).  On a kernel declared without it, each of them is reported
# as "ok N DESC # SKIP needs CAP", so that the check is counted and
# tools/plan.manifest pins how many a boot skips, and for which capability.
# The command of t_run, t_do and t_refused is not run then (t_eq's
# arguments are the shell's: keep them to reads), and a skipped check
# returns 1, so that nothing goes on as if it had passed.
needs() { _needs=${1#-}; }

# _skipped DESC: if the checks need a capability this kernel lacks, record
# DESC as skipped and succeed; otherwise fail (and record nothing)
_skipped() {
	[ -n "${_needs:-}" ] && ! have_cap "$_needs" || return 1
	_n=$((_n + 1))
	echo "[$_suite] ok $_n - $1 # SKIP needs $_needs"
	echo "    ok $_n $1 # SKIP needs $_needs" > "$DMAENG_RESULTS"
}

_record() {	# _record ok|"not ok" DESC [DIAG...]
	_skipped "$2" && return 1
	_status=$1
	_desc=$2
	shift 2
	_n=$((_n + 1))
	[ "$_status" = ok ] || _nfail=$((_nfail + 1))
	echo "[$_suite] $_status $_n - $_desc"
	{
		for _d in "$@"; do
			echo "$_d" | sed 's/^/    # /'
		done
		echo "    $_status $_n $_desc"
	} > "$DMAENG_RESULTS"
	for _d in "$@"; do
		echo "[$_suite]     # $_d"
	done
	[ "$_status" = ok ]	# the check's result is the caller's status
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
	_skipped "$1" && return 1
	_d=$1
	shift
	if _out=$("$@" 2>&1); then
		_record ok "$_d"
	else
		_record "not ok" "$_d" "'$*' failed: $_out"
	fi
}

# errno_text NAME: the C library's message for errno NAME, which busybox
# prints when a system call fails (echo's write, insmod, rmmod, open).
errno_text() {
	case $1 in
	EPERM)	echo "Operation not permitted" ;;
	ENOENT)	echo "No such file or directory" ;;
	EIO)	echo "I/O error" ;;
	ENXIO)	echo "No such device or address" ;;
	ENOEXEC) echo "Exec format error" ;;
	EAGAIN)	echo "Resource temporarily unavailable" ;;
	ENOMEM)	echo "Out of memory" ;;
	EACCES)	echo "Permission denied" ;;
	EFAULT)	echo "Bad address" ;;
	EBUSY)	echo "Device or resource busy" ;;
	EEXIST)	echo "File exists" ;;
	ENODEV)	echo "No such device" ;;
	EINVAL)	echo "Invalid argument" ;;
	ERANGE)	echo "Numerical result out of range" ;;
	ECANCELED) echo "Operation canceled" ;;
	EOPNOTSUPP) echo "Operation not supported" ;;
	*)	echo "unknown errno name $1" ;;
	esac
}

# t_refused DESC ERRNO CMD...: the command fails, and what it says is the
# message of ERRNO (e.g. EINVAL: "Invalid argument"), not some other error
t_refused() {
	_skipped "$1" && return 1
	_d=$1
	_e=$2
	shift 2
	if _out=$("$@" 2>&1); then
		_record "not ok" "$_d" "'$*' succeeded, expected $_e"
	elif echo "$_out" | grep -qF "$(errno_text "$_e")"; then
		_record ok "$_d ($_e)"
		echo "[$_suite]     ($*: $_out)"
	else
		_record "not ok" "$_d ($_e)" \
			"'$*' failed, but not with $_e ($(errno_text "$_e")): $_out"
	fi
}

suite_end() {
	_needs=
	echo "# dmaeng-suite-end $_suite $_n" > "$DMAENG_RESULTS"
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

# class_chans CLASS DEV: the channels in /sys/class/CLASS (dmaeng, or the
# kernel's dma) whose device is DEV (by name), one per line
class_chans() {
	for _c in /sys/class/$1/dma*chan*; do
		[ -e "$_c" ] || continue
		[ "$(basename "$(readlink -f "$_c/device")")" = "$2" ] &&
			basename "$_c"
	done
}

# in_use_all: every dmaeng channel's in_use, on one line
in_use_all() { cat /sys/class/dmaeng/*/in_use 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

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

# failslab_kmalloc_only: from now on failslab fails only allocations from
# the kmalloc caches (where dmaeng's and its providers' objects come from),
# never dma-debug's radix-tree nodes: one failed insert there makes
# dma-debug disable itself for the rest of the boot ("cacheline tracking
# ENOMEM"), after which it checks nothing.
failslab_kmalloc_only() {
	for _c in /sys/kernel/slab/kmalloc-*/failslab; do
		echo 1 > "$_c"
	done
	printf Y > /sys/kernel/debug/failslab/cache-filter
}

# System-wide mapping-debug totals since dmaeng_core was loaded:
# "map_errors map_errors_not_checked unmap_errors leaks"
# Page pins, system-wide: "ACQUIRED RELEASED" from /proc/vmstat, with the
# per-CPU counts folded in first.
pin_counts() {
	echo 1 > /proc/sys/vm/stat_refresh
	awk '$1 == "nr_foll_pin_acquired" { a = $2 }
	     $1 == "nr_foll_pin_released" { r = $2 }
	     END { print a, r }' /proc/vmstat
}

# t_pins_balanced: every page pin taken so far was released.
t_pins_balanced() {
	set -- $(pin_counts)
	t_eq "page pins balanced: nr_foll_pin_acquired $1 = nr_foll_pin_released $2" "$1" "$2"
}

# t_tap FILE: each "ok N - DESC" / "not ok N - DESC" line of a program's
# output becomes a check of this suite.
t_tap() {
	while IFS= read -r _l; do
		case "$_l" in
		"ok "*)		_record ok "${_l#* - }" ;;
		"not ok "*)	_record "not ok" "${_l#* - }" ;;
		esac
	done < "$1"
}

map_totals() {
	awk '$1 == "total" { print $2, $3, $4, $7 }' \
		/sys/kernel/debug/dmaeng/mapdebug/devices
}

# Live mappings dma-debug lists for device $1
dma_debug_count() { grep -c " $1 " /sys/kernel/debug/dma-api/dump 2>/dev/null; }

# host REQUEST...: have the host do REQUEST through QEMU's monitor
# (tools/guest/hostctl.py, over ttyS2) and print its reply: "del ID"
# returns once QEMU reported the device deleted (the guest ejected it),
# "add ID DRIVER K=V..." once QEMU added it.  Fails on any reply but
# "ok ..." or "pong", or after 150 s without one.
host() {
	if [ -z "${_host_fd:-}" ]; then
		exec 7<>/dev/ttyS2 || return 1
		stty -F /dev/ttyS2 raw -echo || return 1
		_host_fd=7
	fi
	echo "$*" >&7
	_reply=
	read -r -t 150 _reply <&7
	echo "$_reply"
	case "$_reply" in ok*|pong) return 0 ;; *) return 1 ;; esac
}

# wait_until SECONDS CMD...: until CMD succeeds (a state the guest reaches
# asynchronously, such as a hot-added device being bound), polled every
# 50 ms; fails after SECONDS.
wait_until() {
	_end=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		usleep 50000
	done
}

# t_do DESC CMD...: like t_run, but CMD runs in this shell (kt_start
# counts its runs in a variable)
t_do() {
	_skipped "$1" && return 1
	_d=$1
	shift
	if "$@" > /tmp/t_do.out 2>&1; then
		_record ok "$_d"
	else
		_record "not ok" "$_d" "'$*' failed: $(cat /tmp/t_do.out)"
	fi
}

# The kernel's dmatest (drivers/dma/dmatest.c) on bridged channels.
KT=/sys/module/dmatest/parameters

# kt_set KEY=VALUE...: dmatest parameters
kt_set() {
	for _kv in "$@"; do
		echo "${_kv#*=}" > "$KT/${_kv%%=*}" || return 1
	done
}
# kt_take KEY=VALUE...: set them and take every free channel (of device=,
# when set), threads created but not started; kt_start also starts them
kt_take() {
	_kt_mark=$((${_kt_mark:-0} + 1))
	echo "dmaeng-kt-mark $_suite $_kt_mark" > /dev/kmsg
	kt_set "$@" && echo > $KT/channel
}
kt_start() { kt_take "$@" && echo 1 > $KT/run; }
kt_wait() { cat $KT/wait > /dev/null; }
# Reading run once the threads are done gives the channels back.
kt_release() { cat $KT/run > /dev/null; }
# The kernel log since this run began.
kt_dmesg() { dmesg | sed -n "/dmaeng-kt-mark $_suite $_kt_mark\$/,\$p"; }
# This run's summary lines, one per thread, as dmatest printed them.
kt_lines() {
	kt_dmesg | grep 'dmatest: .*summary [0-9]* tests' | sed 's/^\[[^]]*\] //'
}
# "THREADS TESTS FAILURES" of this run; the lines go to the results too.
kt_totals() {
	kt_lines | while read -r _l; do
		echo "    # $_l" > "$DMAENG_RESULTS"
		echo "[$_suite]     # $_l" >&2
	done
	kt_lines | sed 's/.*summary \([0-9]*\) tests, \([0-9]*\) failures.*/\1 \2/' |
		awk '{ n++; t += $1; f += $2 } END { print n + 0, t + 0, f + 0 }'
}
