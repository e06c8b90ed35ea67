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
if [ -w $kml ]; then
	echo scan > $kml
	echo clear > $kml
fi

suite_begin dmaeng_guest$sfx
echo "boot $boot: $(cat /proc/cmdline)"
t_eq "guest has 2 online CPUs" "$(nproc)" 2
t_run "dma-debug is active" test -r /sys/kernel/debug/dma-api/error_count
t_run "kmemleak is active" test -w $kml
t_run "KUnit debugfs is present" test -d /sys/kernel/debug/kunit
suite_end

# KUnit suites run when their module loads; results stay in debugfs until
# the module goes.  Test modules depend on dmaeng_core.
kunit_mods=
[ "$(arg kunit)" = 1 ] && for ko in "$DMAENG_MODDIR"/*kunit*.ko; do
	[ -f "$ko" ] && kunit_mods="$kunit_mods $(basename "$ko" .ko)"
done
if [ -n "$kunit_mods" ]; then
	have_module dmaeng_core && modload dmaeng_core
	for m in $kunit_mods; do
		echo "== kunit module $m"
		modload "$m" || echo "dmaeng: insmod $m failed"
	done
	kunit_dump
	for m in $kunit_mods; do
		rmmod "$m"
	done
	have_module dmaeng_core && rmmod dmaeng_core
fi

if [ "$plan" = selftest ]; then
	/bin/sh /dmaeng/guest/selftest.sh
else
	for s in $(arg scenarios | tr , ' '); do
		/bin/sh "/dmaeng/guest/scenarios/$s.sh"
	done
fi

# Health: nothing left loaded, no dma-debug error, no leak.
suite_begin dmaeng_health$sfx
t_eq "no dmaeng module left loaded" "$(grep -c '^dmaeng' /proc/modules)" 0
t_eq "dma-debug error_count is 0" \
	"$(cat /sys/kernel/debug/dma-api/error_count 2>/dev/null)" 0
if [ -w $kml ]; then
	# kmemleak reports only objects older than 5 s.
	sleep 6
	echo scan > $kml
	leaks=$(cat $kml)
	if [ -z "$leaks" ]; then
		t_ok "kmemleak reports no leak"
	else
		echo "$leaks"
		t_fail "kmemleak reports no leak" \
			"$(echo "$leaks" | grep -c unreferenced) unreferenced objects"
	fi
else
	t_fail "kmemleak reports no leak" "kmemleak is not available"
fi
suite_end
