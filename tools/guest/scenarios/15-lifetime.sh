# SPDX-License-Identifier: GPL-2.0
#
# Core lifetime end to end, with devices and clients of different
# capability masks: X {memcpy} and Y {memcpy,interrupt} from one
# dmaeng_memcpy (caps="memcpy;memcpy,interrupt"); client A = dmaeng_test
# caps=memcpy (holds X and Y), client B = dmaeng_netcopy {memcpy,interrupt}
# (holds Y only).  Every lookup of each client, on every CPU, must be a
# channel it holds, as clients, devices and CPUs come and go.  Then a
# provider whose module init fails after it registered, while a client
# waits: nothing of it may survive.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_lifetime
X=/sys/bus/platform/devices/dmaeng_memcpy
Y=/sys/bus/platform/devices/dmaeng_memcpy.1
drv=/sys/bus/platform/drivers/dmaeng_memcpy
sum=/sys/kernel/debug/dmaeng/summary

in_use_of() {	# in_use_of DEVDIR: "1 1"
	_v=
	for _f in "$1"/dmaeng/dma*chan*/in_use; do
		[ -f "$_f" ] && _v="$_v $(cat "$_f")"
	done
	echo "${_v# }"
}
chans_of() { ls "$1/dmaeng" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

# bad_table CLIENT: the entries of CLIENT's per-CPU table (debugfs
# summary) that are not among its live holds; prints "ok" when none.
bad_table() {
	awk -v c="$1" '
		$1 == c && $2 ~ /^caps=/ { inc = 1; delete h
			for (i = 4; i <= NF; i++) if ($i !~ /\(dead\)$/) h[$i] = 1
			n++; next }
		inc && $1 ~ /^cpu[0-9]+$/ { for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[2] != "none" && !(kv[2] in h)) bad = bad " " $1 ":" $i
			}
			next }
		{ inc = 0 }
		END { if (!n) print "client " c " not listed"
		      else print (bad == "" ? "ok" : bad) }' $sum
}
# dt_lookups: what dmaeng_find_channel() gives dmaeng_test on each CPU
dt_lookups() { cat /sys/kernel/debug/dmaeng_test/lookups; }

t_run "load dmaeng_core with the mapping-debug layer on" core_load

echo "-- X {memcpy} and Y {memcpy,interrupt}; A wants memcpy, B memcpy+interrupt"
t_run "load dmaeng_memcpy channels=2 caps=memcpy;memcpy,interrupt" \
	modload dmaeng_memcpy channels=2 "caps=memcpy;memcpy,interrupt"
t_run "two devices: dmaeng_memcpy and dmaeng_memcpy.1" test -d $X/dmaeng -a -d $Y/dmaeng
xc=$(chans_of $X)
yc=$(chans_of $Y)
echo "X: $xc; Y: $yc"
t_run "load dmaeng_test caps=memcpy (client A)" modload dmaeng_test caps=memcpy
t_run "load dmaeng_netcopy (client B)" modload dmaeng_netcopy
t_eq "X in_use 1 1 (A only)" "$(in_use_of $X)" "1 1"
t_eq "Y in_use 2 2 (A and B)" "$(in_use_of $Y)" "2 2"
t_eq "dmaeng_memcpy refcnt 6 = sum of in_use" "$(refcnt dmaeng_memcpy)" 6
cat $sum
t_eq "B's table: only channels B holds, on every CPU" "$(bad_table dmaeng_netcopy)" ok
t_eq "A's table: only channels A holds" "$(bad_table dmaeng_test)" ok
dt_lookups
t_eq "A's dmaeng_find_channel() on every CPU: held, none missing" \
	"$(dt_lookups | grep -c 'NOT-HELD\|memcpy=none')" 0
t_run "A copies on X (polled, no interrupt) and Y (callbacks), verified" \
	dt_run iterations=40 max_size=16384 threads_per_chan=1 channel=
t_eq "no copy failed" "$(dt_sum failures)" 0
t_eq "all 4 channels ran copies" "$(grep -v '^total' $DT/results | grep -c ' copies,')" 4
t_run "net-copy stream through B (TCP, 4 MiB), verified" \
	netcopy tcp --bytes 4194304 --read 65536 --port 5301

echo "-- A goes: X's resources are freed; B keeps working on Y"
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "X in_use 0 0" "$(in_use_of $X)" "0 0"
t_eq "Y in_use 1 1" "$(in_use_of $Y)" "1 1"
t_eq "dmaeng_memcpy refcnt 2" "$(refcnt dmaeng_memcpy)" 2
t_eq "B's table still only Y" "$(bad_table dmaeng_netcopy)" ok
t_run "net-copy stream after A left, verified" \
	netcopy tcp --bytes 4194304 --read 65536 --port 5302

echo "-- CPU1 offline and online"
t_run "load dmaeng_test caps=memcpy again" modload dmaeng_test caps=memcpy
t_run "CPU1 offline" sh -c "echo 0 > /sys/devices/system/cpu/cpu1/online"
t_eq "A's lookups after CPU1 went" "$(dt_lookups | grep -c 'NOT-HELD\|memcpy=none')" 0
t_eq "B's table after CPU1 went" "$(bad_table dmaeng_netcopy)" ok
t_run "CPU1 online" sh -c "echo 1 > /sys/devices/system/cpu/cpu1/online"
t_eq "A's lookups on both CPUs again" "$(dt_lookups | grep -c 'memcpy=dma.*(held)')" 2
t_eq "B's table after CPU1 came back" "$(bad_table dmaeng_netcopy)" ok

echo "-- Y hot-unplugged while A and B hold it"
t_run "unbind dmaeng_memcpy.1" sh -c "echo dmaeng_memcpy.1 > $drv/unbind"
t_eq "B's table: nothing (it holds only dead channels)" \
	"$(awk '$1 == "dmaeng_netcopy" { p = 1; next } p && /^    cpu/ { print; next } { p = 0 }' $sum | grep -c 'memcpy=dma')" 0
t_eq "A's lookups: X only, held" "$(dt_lookups | grep -c 'NOT-HELD\|memcpy=none')" 0
t_run "net-copy stream by CPU with Y gone, verified" \
	netcopy tcp --bytes 1048576 --read 65536 --port 5303
t_run "bind dmaeng_memcpy.1 again" sh -c "echo dmaeng_memcpy.1 > $drv/bind"
t_eq "B's table has Y's new channels" "$(bad_table dmaeng_netcopy)" ok
t_eq "A and B hold the new Y: in_use 2 2" "$(in_use_of $Y)" "2 2"
t_pins_balanced
t_run "rmmod dmaeng_netcopy" rmmod dmaeng_netcopy
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "dmaeng_memcpy refcnt 0" "$(refcnt dmaeng_memcpy)" 0
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy

echo "-- a provider whose init fails after it registered, while a client waits"
t_run "load dmaeng_test (waiting, no provider)" modload dmaeng_test
t_refused "insmod dmaeng_memcpy fail_init=1 fails, after registering" \
	ECANCELED modload dmaeng_memcpy fail_init=1
t_eq "dmaeng_memcpy is not loaded" "$(grep -c '^dmaeng_memcpy ' /proc/modules)" 0
t_run "the waiting client holds nothing" \
	grep -q '^  dmaeng_test caps=memcpy holds:$' $sum
t_eq "its lookups give nothing" "$(dt_lookups | grep -c 'memcpy=none')" 2
t_run "rmmod dmaeng_test (nothing of the failed module is touched)" rmmod dmaeng_test
t_run "dmaeng_test loads again" modload dmaeng_test
t_run "and dmaeng_memcpy loads normally" modload dmaeng_memcpy channels=2
t_eq "the client takes the new channels: refcnt 2" "$(refcnt dmaeng_memcpy)" 2
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy

t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
