#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest-judge.sh OUTDIR REPORT_RC
#
# `make check-selftest` planted a failing KUnit case and a dma-debug
# violation.  The harness passes its self-test when its report failed for
# exactly those reasons and passed everything else.
set -uo pipefail

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

cat "$out/report.txt"
echo "== harness self-test"
judge "the report fails (make check would exit non-zero)" test "$report_rc" != 0
judge "the planted KUnit failure is reported as FAIL" \
	test "$(status dmaeng_selftest_planted_failure)" = FAIL
judge "its passing sibling is reported as PASS" \
	test "$(status dmaeng_selftest_passes)" = PASS
judge "the planted dma-debug violation fails 'dma-debug error_count is 0'" \
	test "$(status 'dma-debug error_count is 0')" = FAIL
judge "the dma-debug WARNING fails the console check" \
	test "$(status 'console has no BUG/WARNING/Oops/lockdep report')" = FAIL
expected=$(printf '%s\n' dmaeng_selftest_planted_failure \
	'console has no BUG/WARNING/Oops/lockdep report' \
	'dma-debug error_count is 0' | sort)
judge "nothing else failed" test "$(failed_cases | sort)" = "$expected"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
