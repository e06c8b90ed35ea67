# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make check` (and of `make check-selftest`): the machine,
# every KUnit module, every scenario, then the health checks.
. /dmaeng/guest/lib.sh

# dmaeng.plan=check|selftest|soak, dmaeng.boot=N (this boot's number),
# dmaeng.kunit=1 (run the KUnit modules), dmaeng.scenarios=a,b (names in
# /dmaeng/guest/scenarios/ to run, without .sh).
arg() { sed -n "s/.*dmaeng\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
plan=$(arg plan)
boot=$(arg boot)
sfx=${boot:+_boot$boot}
kml=/sys/kernel/debug/kmemleak

# Forget whatever kmemleak suspects from boot: only leaks from here count.
# (An object is a suspect only after two scans that find it unchanged, and
# clear forgets only suspects.)
if [ -w $kml ]; then
	echo scan > $kml
	sleep 1
	echo scan > $kml
	echo clear > $kml
fi

suite_begin dmaeng_guest$sfx
echo "boot $boot: $(cat /proc/cmdline)"
t_eq "guest has 2 online CPUs" "$(nproc)" 2
# The capabilities the host declared (dmaeng.caps=, lib.sh) are the
# kernel's, both ways: a debug kernel declared without one would skip
# checks it can run, a kernel declared with one it lacks would fail them.
found=
[ -d /sys/kernel/debug/kunit ] && found="$found kunit"
[ -r /sys/kernel/debug/dma-api/error_count ] && found="$found dmadebug"
[ -e $kml ] && found="$found kmemleak"
[ -d /sys/kernel/debug/failslab ] && found="$found failslab"
uname -v | grep -q PREEMPT_RT && found="$found rt"
sorted() { echo $* | tr ' ' '\n' | sort | tr '\n' ' '; }
t_eq "the declared capabilities are the kernel's ($(uname -r))" \
	"$(sorted $found)" "$(sorted $DMAENG_CAPS)"
needs dmadebug
t_run "dma-debug is active" test -r /sys/kernel/debug/dma-api/error_count
needs kmemleak
t_run "kmemleak is active" test -w $kml
needs kunit
t_run "KUnit debugfs is present" test -d /sys/kernel/debug/kunit
needs -

# KUnit suites run when their module loads; results stay in debugfs until
# the module goes.  Test modules depend on dmaeng_core.
kunit_mods=
[ "$(arg kunit)" = 1 ] && for ko in "$DMAENG_MODDIR"/*kunit*.ko; do
	[ -f "$ko" ] && kunit_mods="$kunit_mods $(basename "$ko" .ko)"
done
loaded=
if [ -n "$kunit_mods" ]; then
	have_module dmaeng_core && modload dmaeng_core
	for m in $kunit_mods; do
		echo "== kunit module $m"
		t_run "KUnit module $m loads" modload "$m" && loaded="$loaded $m"
	done
fi
suite_end
if [ -n "$kunit_mods" ]; then
	kunit_dump
	for m in $loaded; do
		rmmod "$m"
	done
	have_module dmaeng_core && rmmod dmaeng_core
fi

# Each scenario is its own sh: its exit status is a check of its own (a
# scenario that dies also leaves its suite without an end, see lib.sh).
scen=$(arg scenarios | tr , ' ')
[ "$plan" = selftest ] && scen="selftest $scen"
rcs=
for s in $scen; do
	f=/dmaeng/guest/scenarios/$s.sh
	[ "$s" = selftest ] && f=/dmaeng/guest/selftest.sh
	/bin/sh "$f"
	rcs="$rcs $s=$?"
done
suite_begin dmaeng_scenarios$sfx
for r in $rcs; do
	t_eq "scenario ${r%=*} exits 0" "${r#*=}" 0
done
[ -n "$rcs" ] || t_ok "no scenario in this boot"
suite_end

# Health: nothing left loaded, no dma-debug error, no leak, no taint.
suite_begin dmaeng_health$sfx
left=$(grep '^dmaeng' /proc/modules | awk '{ print $1 " (refcnt " $3 ")" }')
if [ -z "$left" ]; then
	t_ok "no dmaeng module left loaded"
else
	t_fail "no dmaeng module left loaded" "still loaded: $(echo $left)"
fi
needs dmadebug
t_eq "dma-debug error_count is 0" \
	"$(cat /sys/kernel/debug/dma-api/error_count 2>/dev/null)" 0
t_eq "dma-debug is still enabled (disabled is N)" \
	"$(cat /sys/kernel/debug/dma-api/disabled 2>/dev/null)" N
needs kmemleak
if [ -w $kml ]; then
	# kmemleak reports an object only once it is older than 5 s and
	# unchanged between two scans (the first records its checksum): scan
	# twice.  A scan that cannot run (kmemleak disabled itself) fails
	# the write.
	sleep 6
	if scan_err=$(sh -c "echo scan > $kml && sleep 1 && echo scan > $kml" 2>&1); then
		t_ok "the kmemleak scan ran"
	else
		t_fail "the kmemleak scan ran" "echo scan: $scan_err"
	fi
	leaks=$(cat $kml)
	if [ -z "$leaks" ]; then
		t_ok "kmemleak reports no leak"
	else
		echo "$leaks"
		t_fail "kmemleak reports no leak" \
			"$(echo "$leaks" | grep -c unreferenced) unreferenced objects" \
			"$(echo "$leaks" | head -n 24)"
	fi
else
	t_fail "the kmemleak scan ran" "kmemleak is not available"
	t_fail "kmemleak reports no leak" "kmemleak is not available"
fi
# Taint: O (out-of-tree module, 4096) and E (unsigned module, 8192) are
# what loading dmaeng does; N (test, 262144) is what KUnit does, in the
# boot that runs it.  Anything else (W: a WARN, B: bad page, D: died...)
# is a failure.
needs -
ignore=$((4096 + 8192))
[ -n "$kunit_mods" ] && ignore=$((ignore + 262144))
taint=$(cat /proc/sys/kernel/tainted)
t_eq "kernel taint is 0, ignoring O and E$([ -n "$kunit_mods" ] && echo ' (and N: KUnit ran)')" \
	"$((taint & ~ignore))" 0
suite_end
