# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make check-selftest`: one planted failure of each kind
# (the failing KUnit case and the KUnit module that cannot load run with the
# other KUnit modules).  dmaeng.selftest=test on the sanitizer kernel,
# dmaeng.selftest=kcsan on the KCSAN kernel.  Each is caught by its own
# check; tools/selftest-judge.sh says which.
. /dmaeng/guest/lib.sh

part=$(sed -n 's/.*dmaeng\.selftest=\([a-z]*\).*/\1/p' /proc/cmdline)

suite_begin dmaeng_selftest_$part
if [ "$part" = kcsan ]; then
	t_run "load the planted data race (2 s)" modload dmaeng_selftest_kcsan
	t_run "unload it" rmmod dmaeng_selftest_kcsan
	suite_end
	exit 0
fi
t_run "load the planted dma-debug violation" modload dmaeng_selftest_dmadebug
t_run "unload it" rmmod dmaeng_selftest_dmadebug
t_run "load the planted use-after-free" modload dmaeng_selftest_kasan
t_run "unload it" rmmod dmaeng_selftest_kasan
# (left loaded: kmemleak prints a backtrace's symbols when it reports, and
# the addresses of an unloaded module may belong to another one by then)
t_run "load the planted memory leak" modload dmaeng_selftest_leak
t_run "load the module with a WARN in its exit path" modload dmaeng_selftest_warn
t_run "unload it (planted WARN)" rmmod dmaeng_selftest_warn
echo 5 > /proc/sys/kernel/hung_task_timeout_secs
t_run "load the planted hang (a task in D state for 30 s)" modload dmaeng_selftest_hang
sleep 16
t_run "unload it" rmmod dmaeng_selftest_hang
echo 60 > /proc/sys/kernel/hung_task_timeout_secs
t_run "load dmaeng_core" core_load
t_run "load dmaeng_memcpy" modload dmaeng_memcpy channels=1
t_run "load the planted reference leak" modload dmaeng_selftest_refleak
t_run "unload it (it keeps its channel)" rmmod dmaeng_selftest_refleak
t_eq "dmaeng_memcpy stays pinned" "$(refcnt dmaeng_memcpy)" 1
t_refused "so rmmod dmaeng_memcpy is refused" EAGAIN rmmod dmaeng_memcpy
suite_end

# A scenario that dies midway: two checks, then an exit before suite_end.
/bin/sh -c '. /dmaeng/guest/lib.sh
suite_begin dmaeng_selftest_dies
t_ok "a check before the planted death"
t_ok "another"
exit 3'
echo "selftest: the planted scenario died with $?"
exit 3
