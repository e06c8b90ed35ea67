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
