#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh OUTDIR
#
# Judge one guest run.  OUTDIR holds console.log and results.ktap (from
# run-guest.sh) and host.ktap (checks made on the host, one KTAP result line
# each).  The console is scanned for kernel splats; everything is assembled
# into one KTAP document (OUTDIR/all.ktap), parsed by the kernel tree's own
# tools/testing/kunit/kunit.py, and summarised as "N passed, N failed".
# Exits non-zero when anything failed or nothing ran.
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
	[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/    # /' >> "$harness"
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
splat='BUG:|WARNING:|Oops|Kernel panic|general protection fault|'
splat+='possible circular locking|possible recursive locking|'
splat+='inconsistent lock state|suspicious RCU usage|lockdep is turned off|'
splat+='turning off the locking correctness validator|UBSAN:|'
splat+='INFO: task .* blocked|DMA-API: .*(error|warning)|Call Trace:'
# Between "dmaeng: fault injection on" and "... off" (the soak arms
# failslab for insmod, whose vmalloc reports its failures with a stack), a
# kernel allocation-failure report is expected: it is set aside, up to the
# end of its stack, and counted.  Anywhere else it counts as a splat.
expected=$out/expected-alloc-failures.log
awk -v aside="$expected" '
	/dmaeng: fault injection on/ { fi = 1 }
	/dmaeng: fault injection off/ { fi = 0 }
	fi && /(vmalloc error:|page allocation failure:)/ { skip = 1; n++ }
	skip { print > aside; if (/<\/TASK>/) skip = 0; next }
	{ print }
	END { if (!n) printf "" > aside }' "$console" > "$out/console.judged"
nexp=$(grep -cE 'vmalloc error:|page allocation failure:' "$expected" || true)
aside=
[ "$nexp" = 0 ] || aside=" ($nexp injected allocation failures reported by the kernel, set aside)"
if bad=$(grep -E "$splat" "$out/console.judged"); then
	check "console has no BUG/WARNING/Oops/lockdep report" "not ok" \
		"$(echo "$bad" | head -n 20)"
else
	check "console has no BUG/WARNING/Oops/lockdep report$aside" ok
fi
# No kernel address in the clear in dmaeng's log lines: no kernel virtual
# address and no 0x-prefixed address of 8 digits or more (what %pad, %pa
# or %llx print).  Hashed pointers (%p) print as 8 zeros and 8 digits.
dlines=$(grep -E 'dmaeng' "$console" || true)
hashed=$(echo "$dlines" | grep -cE '(^|[^0-9a-f])00000000[0-9a-f]{8}([^0-9a-f]|$)' || true)
if bad=$(echo "$dlines" | grep -E 'ffff[0-9a-f]{12}|0x[0-9a-f]{8,}'); then
	check "no kernel address in the clear in dmaeng's log lines" "not ok" \
		"$(echo "$bad" | head -n 10)"
else
	check "no kernel address in the clear in dmaeng's log lines ($(echo "$dlines" | wc -l) lines, $hashed with hashed addresses)" ok
fi
cat "$out/host.ktap" >> "$harness"
nhost=$(grep -cE '^    (not )?ok ' "$harness")

# One KTAP document: every suite the guest reported plus the harness suite,
# top-level results renumbered in order.
{
	cat "$out/results.ktap"
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
sed -n '/=====/,$p' "$out/kunit.txt" | grep -vE '^\s*$' | tail -n 200

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
