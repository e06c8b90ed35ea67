#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh OUTDIR [MANIFEST]
#
# Judge one guest run.  OUTDIR holds console.log and results.ktap (from
# run-guest.sh), host.ktap (checks made on the host, one KTAP result line
# each) and boots.list (each boot's label and directory).  The console is
# scanned for each kind of kernel report, one check per detector; with a
# MANIFEST (make check: tools/plan.manifest) every boot's suites and their
# numbers of checks must be exactly the pinned ones.  Everything is
# assembled into one KTAP document (OUTDIR/all.ktap), parsed by the kernel
# tree's own tools/testing/kunit/kunit.py, and summarised as
# "N passed, N failed".  Exits non-zero when anything failed or nothing ran.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$1" && pwd)
kunit_py=$top/build/kernel/src/tools/testing/kunit/kunit.py
console=$out/console.log
touch "$out/host.ktap" "$out/results.ktap" "$console"

# Host-side checks on the run itself.
harness=$out/harness.ktap
: > "$harness"
n=0
check() {	# check DESC STATUS [DIAG]
	n=$((n + 1))
	# (kunit.py stops parsing at "Kernel panic - not syncing", even in
	# a diagnostic line: reword it there)
	[ -n "${3:-}" ] && printf '%s\n' "$3" |
		sed -e 's/^/    # /' -e 's/Kernel panic - not syncing/Kernel panic (not syncing)/' >> "$harness"
	echo "    $2 $n $1" >> "$harness"
}
boots=$(cat "$out/boots" 2>/dev/null || echo 1)
done=$(grep -c '^dmaeng: guest done' "$console" || true)
if [ "$done" = "$boots" ]; then
	check "every guest boot ($boots) ran its plan to the end" ok
else
	check "every guest boot ($boots) ran its plan to the end" "not ok" \
		"$done of $boots boots said 'dmaeng: guest done' (qemu rc $(cat "$out/qemu.rc" 2>/dev/null))"
fi
# Each boot's plan ends with its health suite: a boot whose results never
# reached the host (the results port, the plan itself) fails here, with or
# without a manifest.
missing=
for i in $(seq 1 "$boots"); do
	grep -qE "^(not )?ok 1 dmaeng_health_boot$i\$" "$out/results.ktap" ||
		missing="$missing $i"
done
if [ -z "$missing" ]; then
	check "every boot reported its results, through its health suite" ok
else
	check "every boot reported its results, through its health suite" "not ok" \
		"no dmaeng_health_boot suite from boot(s)$missing"
fi
# Between "dmaeng: fault injection on" and "... off" (the soak arms
# failslab for insmod, whose vmalloc reports a failed area allocation with
# a stack), a "vmalloc error:" report is expected: it is set aside, up to
# the end of its stack, and counted.  Anywhere else it counts.  A report of
# any other kind that starts inside it ends the setting aside, and so do
# "off" and the start of another boot.  ("page allocation failure" cannot
# come from failslab: never set aside.)
expected=$out/expected-alloc-failures.log
awk -v aside="$expected" '
	/dmaeng: fault injection on/ { fi = 1 }
	/dmaeng: fault injection off|dmaeng: guest up/ { fi = 0; skip = 0 }
	skip && /BUG:|WARNING:|UBSAN:|INFO: task|Oops|rcu: INFO|soft lockup|ODEBUG:|DMA-API:/ { skip = 0 }
	fi && /vmalloc error:/ { skip = 1; n++ }
	skip { print > aside; if (/<\/TASK>/) skip = 0; next }
	{ print }
	END { if (!n) printf "" > aside }' "$console" > "$out/console.judged"
nexp=$(grep -cE 'vmalloc error:' "$expected" || true)
aside=
[ "$nexp" = 0 ] || aside=" ($nexp injected allocation failures reported by the kernel, set aside)"
# One check per detector, each with the report's first lines (the planted
# or guilty function is in them).
console_check() {	# console_check DESC ERE [EXCLUDE-ERE]
	local bad
	bad=$(grep -E "$2" "$out/console.judged" || true)
	[ -n "${3:-}" ] && bad=$(echo "$bad" | grep -vE "$3" || true)
	if [ -n "$bad" ]; then
		check "console: $1" "not ok" "$(echo "$bad" | head -n 12)"
	else
		check "console: $1" ok
	fi
}
lockdep='possible circular locking|possible recursive locking|inconsistent lock state|'
lockdep+='suspicious RCU usage|lockdep is turned off|turning off the locking correctness validator|'
lockdep+='sleeping function called from invalid context|bad unlock balance|held lock freed|'
lockdep+='Invalid wait context|lock held when returning to user space'
console_check "no KASAN report" 'BUG: KASAN:'
console_check "no UBSAN report" 'UBSAN:'
console_check "no KCSAN report" 'BUG: KCSAN:'
console_check "no hung task" 'INFO: task .* blocked for more than'
console_check "no soft lockup" 'soft lockup'
console_check "no RCU stall" 'rcu: INFO: .*stall|detected stalls on CPUs|self-detected stall'
console_check "no debug-objects report" 'ODEBUG:'
console_check "no lockdep or atomic-sleep report" "$lockdep"
# dma-debug prints only what went wrong at this log level (a violation, or
# "disabling" itself): any line of it fails.
console_check "no DMA-API error or warning" 'DMA-API: '
console_check "no WARNING$aside" 'WARNING:'
console_check "no other BUG, Oops or panic" \
	'BUG:|Oops|Kernel panic|general protection fault' \
	'BUG: (KASAN|KCSAN):|soft lockup|sleeping function called'
console_check "no printk messages dropped" 'printk messages dropped'
console_check "no other stack dump (Call Trace)" 'Call Trace:'
# No kernel address in the clear in dmaeng's log lines: no kernel virtual
# address and no 0x-prefixed address of 8 digits or more (what %pad, %pa
# or %llx print).  Hashed pointers (%p) print as 8 zeros and 8 digits.
# Kernel log lines only (printk's timestamp), not what the guest scripts
# echo; and not dma-debug's own reports, which name the device and print
# addresses: not ours.
dlines=$(grep -E '^\[ *[0-9]+\.[0-9]+\] .*dmaeng' "$console" | grep -v 'DMA-API: ' || true)
ndl=$(printf '%s' "$dlines" | grep -c . || true)
hashed=$(echo "$dlines" | grep -cE '(^|[^0-9a-f])00000000[0-9a-f]{8}([^0-9a-f]|$)' || true)
if bad=$(echo "$dlines" | grep -E 'ffff[0-9a-f]{12}|0x[0-9a-f]{8,}'); then
	check "no kernel address in the clear in dmaeng's log lines" "not ok" \
		"$(echo "$bad" | head -n 10)"
else
	check "no kernel address in the clear in dmaeng's log lines ($ndl lines, $hashed with hashed addresses)" ok
fi
# What QEMU says the guest did wrong to its devices: its -d guest_errors
# log (a bad register access), and what the edu device prints on QEMU's
# standard output, hence into the console (a DMA address it clamped to its
# mask, "EDU: clamping DMA ...").
gerr=$( { awk -v o="$out" '{ print o "/" $2 "/qemu-guest-errors.log" }' \
	"$out/boots.list" 2>/dev/null | xargs -r cat 2>/dev/null
	grep -ah 'EDU: ' "$console" ; } | head -n 12 || true)
if [ -n "$gerr" ]; then
	check "QEMU reported no guest error (qemu-guest-errors.log, EDU: lines)" "not ok" "$gerr"
else
	check "QEMU reported no guest error (qemu-guest-errors.log, EDU: lines)" ok
fi
cat "$out/host.ktap" >> "$harness"
nhost=$(grep -cE '^    (not )?ok ' "$harness")

# The pinned plan: every boot's suites, each with its number of checks.
plan=$out/plan.ktap
: > "$plan"
if [ -n "${2:-}" ]; then
	# shellcheck disable=SC2046
	python3 "$top/tools/ktap.py" manifest "$2" \
		$(awk -v o="$out" '{ print $1 "=" o "/" $2 "/results.ktap" }' "$out/boots.list") \
		> "$plan"
fi

# One KTAP document: every suite the guest reported plus the harness suite,
# top-level results renumbered in order.
{
	cat "$out/results.ktap" "$plan"
	echo "    KTAP version 1"
	echo "    # Subtest: dmaeng_harness"
	echo "    1..$nhost"
	# renumber: host.ktap lines were numbered by their writer
	awk '/^    (not )?ok [0-9]+ /{ i++; sub(/ok [0-9]+ /, "ok " i " ") } { print }' \
		"$harness"
	if grep -q '^    not ok' "$harness"; then
		echo "not ok 1 dmaeng_harness"
	else
		echo "ok 1 dmaeng_harness"
	fi
} | awk 'BEGIN { print "KTAP version 1" }
	/^(not )?ok [0-9]+ / { i++; sub(/ok [0-9]+ /, "ok " i " ") }
	{ body[NR] = $0 }
	END { print "1.." i; for (l = 1; l <= NR; l++) print body[l] }' \
	> "$out/all.ktap"

python3 "$kunit_py" parse --json="$out/results.json" "$out/all.ktap" \
	> "$out/kunit.txt" 2>&1 || true
sed -n '/=====/,$p' "$out/kunit.txt" | grep -vE '^\s*$' | tail -n 200 || true

# Count leaf test cases in kunit.py's JSON.
python3 - "$out/results.json" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("kunit.py produced no results")
    print("0 passed, 1 failed")
    sys.exit(1)
count = {}
def walk(group):
    for case in group.get("test_cases", []):
        count[case["status"]] = count.get(case["status"], 0) + 1
    for sub in group.get("sub_groups", []):
        walk(sub)
walk(doc)
passed = count.pop("PASS", 0)
skipped = count.pop("SKIP", 0)
failed = sum(count.values())
if passed + failed == 0:
    failed = 1
    print("no test case ran")
line = "%d passed, %d failed" % (passed, failed)
if skipped:
    line += ", %d skipped" % skipped
print(line)
sys.exit(1 if failed else 0)
PY
