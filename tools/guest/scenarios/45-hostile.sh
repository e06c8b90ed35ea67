# SPDX-License-Identifier: GPL-2.0
#
# The net-copy client against hostile peers and odd sockets (nchostile:
# urgent data, resets, 1-byte segments, zero-length datagrams, timeouts,
# low-water marks, disconnects, non-TCP/UDP sockets, partly pinnable and
# aliased buffers), an LSM that denies receives (AppArmor), structured
# fuzzing of the ioctl and the sysctls, and trinity on the device node.
# Ends with every page pin released, no mapping error or leak, and no
# dma-debug error.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_hostile
nc=/proc/sys/dmaeng/netcopy
dma_errors() { cat /sys/kernel/debug/dma-api/error_count; }

t_run "load dmaeng_core with the mapping-debug layer on" core_load
t_run "load dmaeng_memcpy" modload dmaeng_memcpy
t_run "load dmaeng_netcopy" modload dmaeng_netcopy
dma0=$(dma_errors)

echo "-- nchostile: every case through recv() and through the ioctl"
nchostile all 6000 > /tmp/hostile.out 2>&1
rc=$?
cat /tmp/hostile.out
t_tap /tmp/hostile.out
t_eq "nchostile ran to the end" "$rc" 0
t_pins_balanced

echo "-- an LSM that denies receives: AppArmor profile nc_deny"
grep -q securityfs /proc/mounts || mount -t securityfs none /sys/kernel/security
t_eq "AppArmor is the LSM" "$(cat /sys/kernel/security/lsm)" "capability,apparmor"
t_run "load nc_deny with apparmor_parser" \
	apparmor_parser --replace --skip-cache /dmaeng/guest/nc_deny.apparmor
nchostile lsm 6500 > /tmp/lsm.out 2>&1
rc=$?
cat /tmp/lsm.out
t_tap /tmp/lsm.out
t_eq "nchostile lsm ran to the end" "$rc" 0

echo "-- structured fuzzing: random requests, sysctls flipped meanwhile"
nchostile fuzz 6700 30 > /tmp/fuzz.out 2>&1
rc=$?
cat /tmp/fuzz.out
t_tap /tmp/fuzz.out
t_eq "nchostile fuzz ran to the end" "$rc" 0
t_pins_balanced

# trinity on the device node only: with /proc/sys victims, trinity 2023.01
# crashes while it generates its file descriptors (the sysctls are fuzzed
# by nchostile fuzz above).
echo "-- trinity on the device node, 60 s"
mkdir -p /tmp/trinity && cd /tmp/trinity || exit 1
# SIGINT at 60 s: trinity stops its children and prints its totals.
# trinity itself sometimes dies of SIGSEGV while it sets up, before any
# system call: then it is started again, three times at most.
for try in 1 2 3; do
	timeout -s INT -k 60 60 trinity --dangerous -q -l off -C 2 \
		-V /dev/dmaeng-netcopy -c ioctl -c read -c write -c openat \
		-c close -c mmap -c poll -c lseek -c fcntl -c dup -c readv \
		-c writev -c pread64 -c pwrite64 > /tmp/trinity.out 2>&1
	rc=$?
	tail -n 3 /tmp/trinity.out
	ran=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' /tmp/trinity.out | tail -n 1)
	[ "$rc" = 139 ] && [ -z "$ran" ] || break
done
t_run "trinity on /dev/dmaeng-netcopy: stopped cleanly (status $rc, try $try), ${ran:-no} system calls made" \
	test "$rc" -ne 137 -a "$rc" -ne 139 -a "${ran:-0}" -ge 100
cd / || exit 1
for f in disable_dma copybreak idle_release_ms; do
	t_run "sysctl $f still reads back after the fuzzing" cat $nc/$f
done
echo 0 > $nc/disable_dma
echo 4096 > $nc/copybreak
echo 0 > $nc/idle_release_ms
t_run "a verified TCP stream after the fuzzing" netcopy tcp --bytes 4194304 --port 6600
t_pins_balanced

t_run "rmmod dmaeng_netcopy" rmmod dmaeng_netcopy
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_eq "no dma-debug error in this scenario" "$(dma_errors)" "$dma0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
