# SPDX-License-Identifier: GPL-2.0
#
# Bad input, table-driven: every user-facing input tried with values it
# must refuse, each answered with a clean error and no change of state.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_badinput
nc=/proc/sys/dmaeng/netcopy
as_nobody() { su -s /bin/sh nobody -c "$1"; }
leftovers() {	# modules loaded and channels present
	echo "$(grep -c '^dmaeng' /proc/modules) $(ls /sys/class/dmaeng 2>/dev/null | wc -l)"
}

# (An unknown parameter is not refused: the kernel warns and ignores it.)
echo "-- module parameters at load: refused, nothing left behind"
t_refused "dmaeng_core debug_mappings=abc refused" EINVAL modload dmaeng_core debug_mappings=abc
t_refused "dmaeng_core debug_mappings=2 refused" EINVAL modload dmaeng_core debug_mappings=2
t_eq "nothing loaded" "$(leftovers)" "0 0"
core_load
while read -r mod arg; do
	t_refused "$mod $arg refused" EINVAL modload "$mod" "$arg"
done <<'TABLE'
dmaeng_memcpy channels=0
dmaeng_memcpy channels=-1
dmaeng_memcpy channels=65
dmaeng_memcpy channels=99999999999999999999
dmaeng_memcpy channels=two
dmaeng_memcpy channels=
dmaeng_memcpy dma_mask_bits=0
dmaeng_memcpy dma_mask_bits=23
dmaeng_memcpy dma_mask_bits=65
dmaeng_memcpy dma_mask_bits=-32
dmaeng_memcpy dma_mask_bits=x
dmaeng_memcpy private=maybe
dmaeng_memcpy caps=memsett
dmaeng_memcpy caps=interrupt
dmaeng_memcpy caps=memcpy,,memset
dmaeng_memcpy caps=private
dmaeng_memcpy caps=slave;interrupt
dmaeng_memcpy caps=memcpy;
dmaeng_memcpy caps=memcpy;memcpy;memcpy;memcpy;memcpy
dmaeng_memcpy fail_init=x
dmaeng_test caps=private
dmaeng_test caps=memcpy,
dmaeng_netcopy disable_dma=2
dmaeng_netcopy disable_dma=-1
dmaeng_netcopy disable_dma=x
dmaeng_test private=x
TABLE
t_eq "only dmaeng_core loaded, no channel" "$(leftovers)" "1 0"
t_refused "dmaeng_test private=1 without any channel refused" ENODEV modload dmaeng_test private=1
t_eq "still only dmaeng_core" "$(leftovers)" "1 0"

modload dmaeng_memcpy
modload dmaeng_test
modload dmaeng_netcopy

echo "-- parameters and debugfs switches at run time"
for v in abc 2 -1 ""; do
	t_refused "debug_mappings '$v' refused" EINVAL \
		sh -c "echo '$v' > /sys/module/dmaeng_core/parameters/debug_mappings"
	t_refused "mapdebug/enable '$v' refused" EINVAL \
		sh -c "echo '$v' > /sys/kernel/debug/dmaeng/mapdebug/enable"
done
t_eq "the layer is still on" \
	"$(cat /sys/module/dmaeng_core/parameters/debug_mappings) $(cat /sys/kernel/debug/dmaeng/mapdebug/enable)" "1 1"
t_refused "dmaeng_test/run 'abc' refused" EINVAL sh -c "echo abc > $DT/run"
for bad in threads_per_chan=0 threads_per_chan=17 iterations=0 max_size=0 \
	   max_size=4194305 batch=0 batch=257; do
	dt_set "$bad"
	t_refused "a run with $bad refused" EINVAL sh -c "echo 1 > $DT/run"
	dt_set threads_per_chan=1 iterations=10 max_size=4096 batch=1
done
t_run "a good run still works" dt_run iterations=10
t_eq "10 x 2 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "20 0"
t_refused "dmaeng_test channel=dma9chan9: no such channel" ENODEV \
	sh -c "printf dma9chan9 > $DTP/channel && echo 1 > $DT/run"
dt_set channel=

echo "-- sysctls: very long input, and the rest (40-netcopy has the others)"
long=$(printf '%04096d' 1)
for f in disable_dma copybreak idle_release_ms; do
	old=$(cat $nc/$f)
	t_refused "$f: 4096 digits refused" EINVAL sh -c "echo $long > $nc/$f"
	t_refused "$f: 2^31 refused" EINVAL sh -c "echo 2147483648 > $nc/$f"
	t_eq "$f unchanged" "$(cat $nc/$f)" "$old"
done

echo "-- the net-copy ioctl"
netcopy probe 5400 > /tmp/probe.out 2>&1
probe=$?
cat /tmp/probe.out
t_eq "every bad ioctl answered with its errno, the stream intact" "$probe" 0
t_run "the probe tried every case ($(grep -c '^ok' /tmp/probe.out) answered)" \
	grep -q 'answered as expected' /tmp/probe.out

echo "-- no kernel address in the clear in any dmaeng file"
find -L /sys/class/dmaeng -maxdepth 2 -type f > /tmp/files 2>/dev/null
find /sys/kernel/debug/dmaeng /sys/kernel/debug/dmaeng_test \
     /sys/kernel/debug/dmaeng_netcopy /proc/sys/dmaeng /sys/module/dmaeng_*/parameters \
     -type f >> /tmp/files 2>/dev/null
nfiles=$(grep -cv /uevent /tmp/files)
t_run "dmaeng has files to read ($nfiles)" test "$nfiles" -gt 40
raw=$(grep -v /uevent /tmp/files | while read -r f; do
	cat "$f" 2>/dev/null | grep -E 'ffff[0-9a-f]{12}|0x[0-9a-f]{8,}' | sed "s|^|$f: |"
done)
t_eq "none of them shows an address" "$raw" ""

echo "-- an unprivileged user changes nothing"
t_run "nobody can read in_use" as_nobody "cat /sys/class/dmaeng/dma0chan0/in_use"
for f in $nc/disable_dma $nc/copybreak $nc/idle_release_ms \
	 /sys/module/dmaeng_core/parameters/debug_mappings \
	 /sys/module/dmaeng_memcpy/parameters/fail_alloc \
	 /sys/module/dmaeng_memcpy/parameters/error_every \
	 /sys/module/dmaeng_memcpy/parameters/delay_us \
	 $DTP/iterations $DTP/channel $DTP/make_it_fail; do
	# (writing a missing sysfs file is EACCES too: it must exist)
	[ -e "$f" ] || t_fail "${f##*/} exists" "$f is missing"
	old=$(cat "$f")
	t_refused "nobody cannot write ${f#/*/*/}" EACCES as_nobody "echo 1 > $f"
	t_eq "${f##*/} unchanged" "$(cat "$f")" "$old"
done
t_refused "nobody cannot open /dev/dmaeng-netcopy" EACCES as_nobody "exec 3< /dev/dmaeng-netcopy"
t_refused "nobody cannot reach debugfs" EACCES as_nobody "ls /sys/kernel/debug/dmaeng"
t_eq "nothing held changed: in_use 2 2" \
	"$(chan_stat dma0chan0 in_use) $(chan_stat dma0chan1 in_use)" "2 2"

t_pins_balanced
rmmod dmaeng_netcopy
rmmod dmaeng_test
rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
rmmod dmaeng_core
echo "bad input: $_n inputs and checks, $_nfail not answered as expected"
suite_end
