# SPDX-License-Identifier: GPL-2.0
#
# Module-level reference counting end to end: real modules, real insmod and
# rmmod, the in_use files and /sys/module/<provider>/refcnt.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_refcount
prov=dmaeng_memcpy
pdev=/sys/bus/platform/devices/dmaeng_memcpy

# in_use of every channel of the provider, e.g. "1 1"
in_use() {
	_v=
	for _f in "$pdev"/dmaeng/dma*chan*/in_use; do
		[ -f "$_f" ] && _v="$_v $(cat "$_f")"
	done
	echo "${_v# }"
}
sum_in_use() {
	_s=0
	for _f in "$pdev"/dmaeng/dma*chan*/in_use; do
		[ -f "$_f" ] && _s=$((_s + $(cat "$_f")))
	done
	echo $_s
}
nchan() { ls -d /sys/class/dmaeng/dma*chan* 2>/dev/null | wc -l; }

# Readers of every attribute run throughout, racing registration,
# unregistration and hot-unplug.
(while :; do cat /sys/class/dmaeng/*/* >/dev/null 2>&1; done) &
reader=$!

t_run "load dmaeng_core with the mapping-debug layer on" core_load
t_eq "class dmaeng exists, no channel yet" "$(nchan)" 0

echo "-- provider first, then client"
t_run "load $prov channels=2" modload $prov channels=2
t_eq "2 channels in /sys/class/dmaeng" "$(nchan)" 2
t_eq "in_use 0 0 before any client" "$(in_use)" "0 0"
t_eq "$prov refcnt 0" "$(refcnt $prov)" 0
t_run "load dmaeng_test (public client)" modload dmaeng_test
t_eq "in_use 1 1 with the client" "$(in_use)" "1 1"
t_eq "$prov refcnt 2 = sum of in_use" "$(refcnt $prov)" "$(sum_in_use)"
t_refused "rmmod $prov refused while the client holds it" EAGAIN rmmod $prov
t_eq "$prov still loaded, in_use 1 1" "$(in_use)" "1 1"
t_run "debugfs summary lists the client and its holds" \
	grep -q 'dmaeng_test caps=memcpy holds: dma[0-9]*chan0 dma[0-9]*chan1$' \
	/sys/kernel/debug/dmaeng/summary
cat /sys/kernel/debug/dmaeng/summary
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "in_use 0 0 after the client" "$(in_use)" "0 0"
t_eq "$prov refcnt 0 after the client" "$(refcnt $prov)" 0
t_run "rmmod $prov accepted once no client holds it" rmmod $prov
t_eq "no channel left" "$(nchan)" 0

echo "-- client first, then provider"
t_run "load dmaeng_test with no provider" modload dmaeng_test
t_run "load $prov channels=3" modload $prov channels=3
t_eq "in_use 1 1 1: references taken for the waiting client" "$(in_use)" "1 1 1"
t_eq "$prov refcnt 3 = sum of in_use" "$(refcnt $prov)" "$(sum_in_use)"
t_refused "rmmod $prov refused" EAGAIN rmmod $prov
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "$prov refcnt 0" "$(refcnt $prov)" 0
t_run "rmmod $prov accepted" rmmod $prov

echo "-- a private channel"
t_run "load $prov channels=2" modload $prov channels=2
t_run "load dmaeng_test private=1" modload dmaeng_test private=1
t_eq "one channel held exclusively: in_use 1 0" "$(in_use)" "1 0"
t_eq "$prov refcnt 1 = sum of in_use" "$(refcnt $prov)" "$(sum_in_use)"
t_refused "rmmod $prov refused while the private channel is held" EAGAIN rmmod $prov
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "$prov refcnt 0" "$(refcnt $prov)" 0
t_run "rmmod $prov accepted" rmmod $prov

echo "-- hot-unplug while held"
t_run "load $prov channels=2" modload $prov channels=2
t_run "load dmaeng_test" modload dmaeng_test
t_run "unbind the device (hot-unplug) while the client holds it" \
	sh -c "echo dmaeng_memcpy > /sys/bus/platform/drivers/dmaeng_memcpy/unbind"
t_eq "its channels are gone from sysfs" "$(nchan)" 0
t_eq "$prov refcnt still 2: the references are still held" "$(refcnt $prov)" 2
t_refused "rmmod $prov refused" EAGAIN rmmod $prov
t_run "rmmod dmaeng_test drops the dead references" rmmod dmaeng_test
t_eq "$prov refcnt 0" "$(refcnt $prov)" 0
t_run "bind the device again" \
	sh -c "echo dmaeng_memcpy > /sys/bus/platform/drivers/dmaeng_memcpy/bind"
t_eq "2 channels again" "$(nchan)" 2
t_run "rmmod $prov accepted" rmmod $prov

kill $reader
wait $reader 2>/dev/null
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
