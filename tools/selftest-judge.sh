#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest-judge.sh OUTDIR REPORT_RC
#
# `make check-selftest` planted one failure of each kind (tools/selftest/,
# tools/guest/selftest.sh).  The harness passes its self-test when each was
# reported by the check meant for it, with the planted symbol in that
# check's diagnostics, and nothing else failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
report_rc=$2
pass=0
fail=0
judge() {	# judge DESC CONDITION...
	local desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
		pass=$((pass + 1))
	else
		echo "not ok - $desc"
		fail=$((fail + 1))
	fi
}
status() {	# status of the test case named $1 in kunit.py's JSON
	python3 - "$out/results.json" "$1" <<'PY'
import json, sys
def walk(g):
    for c in g.get("test_cases", []):
        if c["name"] == sys.argv[2]:
            print(c["status"]); sys.exit(0)
    for s in g.get("sub_groups", []):
        walk(s)
try:
    walk(json.load(open(sys.argv[1])))
except (OSError, ValueError):
    pass
print("MISSING")
PY
}
failed_cases() {
	python3 - "$out/results.json" <<'PY'
import json, sys
def walk(g):
    for c in g.get("test_cases", []):
        if c["status"] != "PASS":
            print(c["name"])
    for s in g.get("sub_groups", []):
        walk(s)
walk(json.load(open(sys.argv[1])))
PY
}
# caught DESC SYMBOL: the check named DESC failed, and its diagnostics
# name SYMBOL
caught() {
	local d
	d=$(python3 "$top/tools/ktap.py" diag "$out/all.ktap" "$1")
	[ "$(echo "$d" | head -n 1)" = "not ok" ] &&
		echo "$d" | tail -n +2 | grep -qF -- "$2"
}

cat "$out/report.txt"
echo "== harness self-test"
judge "the report fails (make check would exit non-zero)" test "$report_rc" != 0
judge "a failing KUnit case: dmaeng_selftest_planted_failure is FAIL" \
	test "$(status dmaeng_selftest_planted_failure)" = FAIL
judge "... and its passing sibling PASS" \
	test "$(status dmaeng_selftest_passes)" = PASS
judge "a KUnit module that fails to load: its load check says why (ENOEXEC)" \
	caught "KUnit module dmaeng_selftest_noload_kunit loads" \
	"invalid module format"
judge "a dma-debug error: 'dma-debug error_count is 0' fails" \
	caught "dma-debug error_count is 0" "expected '0'"
judge "... and the DMA-API warning names the planted device" \
	caught "console: no DMA-API error or warning" dmaeng_selftest
judge "a use-after-free: the KASAN check names st_uaf_read" \
	caught "console: no KASAN report" st_uaf_read
judge "a data race: the KCSAN check names st_race_writer" \
	caught "console: no KCSAN report" st_race_writer
judge "a WARN in a module exit path: the WARNING check names st_warn_exit" \
	caught "console: no WARNING" st_warn_exit
judge "a hang: the hung-task check names st_hang" \
	caught "console: no hung task" st_hang
judge "a refcount leak: 'no dmaeng module left loaded' names dmaeng_memcpy (refcnt 1)" \
	caught "no dmaeng module left loaded" "dmaeng_memcpy (refcnt 1)"
judge "a memory leak: the kmemleak check names st_leak_alloc" \
	caught "kmemleak reports no leak" st_leak_alloc
judge "a scenario that dies midway: its suite ends early, its checks kept" \
	caught "dmaeng_selftest_dies ended early" "reported 2 checks"
judge "... and its checks before the death are reported" \
	test "$(status 'a check before the planted death')" = PASS
judge "... and its exit status fails" \
	caught "scenario selftest exits 0" "expected '0', got '3'"

# What else may fail, and why: the kernel taint (W from the WARNs, B from
# KASAN); the catch-all for stack dumps, which every report above prints;
# and the lockdep check, since a KASAN report taints the kernel, which
# turns lockdep off, which the hung-task report then says ("INFO: lockdep
# is turned off").
expected=$(printf '%s\n' \
	dmaeng_selftest_planted_failure \
	'KUnit module dmaeng_selftest_noload_kunit loads' \
	'dma-debug error_count is 0' \
	'console: no DMA-API error or warning' \
	'console: no KASAN report' \
	'console: no KCSAN report' \
	'console: no WARNING' \
	'console: no hung task' \
	'console: no other stack dump (Call Trace)' \
	'console: no lockdep or atomic-sleep report' \
	'no dmaeng module left loaded' \
	'kmemleak reports no leak' \
	'dmaeng_selftest_dies ended early' \
	'scenario selftest exits 0' \
	'kernel taint is 0, ignoring O and E (and N: KUnit ran)' \
	'kernel taint is 0, ignoring O and E' | sort -u)
unexpected=$(comm -23 <(failed_cases | sort -u) <(echo "$expected"))
[ -z "$unexpected" ] || echo "$unexpected" | sed 's/^/    unexpected failure: /'
judge "nothing else failed" test -z "$unexpected"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
