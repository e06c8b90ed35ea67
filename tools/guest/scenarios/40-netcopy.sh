# SPDX-License-Identifier: GPL-2.0
#
# The net-copy client: TCP and UDP receives through /dev/dmaeng-netcopy,
# verified byte for byte; disable_dma flipped mid-stream so the provider
# can be unloaded and loaded again while the stream goes on; idle release;
# fork and write while receives are in flight; bad sysctl input.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_netcopy
nc=/proc/sys/dmaeng/netcopy
st=/sys/kernel/debug/dmaeng_netcopy/stats
ncrun() {	# ncrun ARGS...: run netcopy, its result line to the console
	_o=$(netcopy "$@" 2>&1)
	_rc=$?
	echo "    $_o" > /dev/console
	return $_rc
}

t_run "load dmaeng_core with the mapping-debug layer on" core_load
t_run "load dmaeng_memcpy" modload dmaeng_memcpy
t_run "load dmaeng_netcopy" modload dmaeng_netcopy
t_eq "it registers at once: in_use 1 1" "$(in_use_all)" "1 1"
t_eq "dmaeng_memcpy refcnt 2" "$(refcnt dmaeng_memcpy)" 2
t_run "/dev/dmaeng-netcopy exists" test -c /dev/dmaeng-netcopy
t_eq "defaults: disable_dma 0, copybreak 4096, idle_release_ms 0" \
	"$(cat $nc/disable_dma) $(cat $nc/copybreak) $(cat $nc/idle_release_ms)" "0 4096 0"

echo "-- 64 MiB over TCP and 16 MiB over UDP, verified"
t_run "64 MiB over TCP through the ioctl" ncrun tcp --bytes 67108864 --read 65536
off1=$(ncstat bytes_offloaded)
t_run "most of it was offloaded ($off1 bytes)" test "$off1" -gt 33554432
t_run "16 MiB over UDP through the ioctl" ncrun udp --bytes 16777216 --port 5101
off2=$(ncstat bytes_offloaded)
t_run "UDP datagrams were offloaded ($((off2 - off1)) bytes)" test "$((off2 - off1))" -gt 8388608
t_run "small reads, MSG_WAITALL: 8 MiB in 1000-byte receives" \
	ncrun tcp --bytes 8388608 --read 1000 --waitall --port 5111
t_eq "the channels counted the copies" \
	"$(( $(chan_stat dma0chan0 bytes_transferred) + $(chan_stat dma0chan1 bytes_transferred) ))" \
	"$(ncstat bytes_offloaded)"

echo "-- disable_dma mid-stream: the provider goes and comes back, the stream goes on"
(netcopy tcp --bytes 67108864 --read 65536 --pace-us 3000 --port 5201 > /tmp/stream.out 2>&1
 echo $? > /tmp/stream.rc) &
stream=$!
sleep 1
t_run "disable_dma = 1 while the stream runs" sh -c "echo 1 > $nc/disable_dma"
t_eq "every in_use dropped by one: 0 0" "$(in_use_all)" "0 0"
t_eq "dmaeng_memcpy refcnt 0" "$(refcnt dmaeng_memcpy)" 0
t_run "rmmod dmaeng_memcpy succeeds while the stream goes on" rmmod dmaeng_memcpy
cpu0=$(ncstat bytes_cpu)
sleep 1
t_run "the stream went on by CPU ($(( $(ncstat bytes_cpu) - cpu0 )) bytes)" \
	test "$(ncstat bytes_cpu)" -gt "$cpu0"
t_run "load dmaeng_memcpy again" modload dmaeng_memcpy
t_eq "still disabled: in_use 0 0" "$(in_use_all)" "0 0"
t_run "disable_dma = 0" sh -c "echo 0 > $nc/disable_dma"
t_eq "the new channels are taken: in_use 1 1" "$(in_use_all)" "1 1"
off3=$(ncstat bytes_offloaded)
wait $stream
echo "    $(cat /tmp/stream.out)"
t_eq "the stream verified end to end" "$(cat /tmp/stream.rc)" 0
t_run "offload resumed after disable_dma = 0 ($(( $(ncstat bytes_offloaded) - off3 )) bytes)" \
	test "$(ncstat bytes_offloaded)" -gt "$off3"

echo "-- idle release"
rel0=$(ncstat idle_releases)
t_run "idle_release_ms = 1000" sh -c "echo 1000 > $nc/idle_release_ms"
sleep 3
t_eq "idle for 1 s: released, in_use 0 0" "$(in_use_all)" "0 0"
t_eq "one idle release counted" "$(ncstat idle_releases)" "$((rel0 + 1))"
t_run "rmmod-able meanwhile: refcnt 0" test "$(refcnt dmaeng_memcpy)" = 0
t_run "a large receive" ncrun tcp --bytes 4194304 --port 5211
t_eq "took the channels again: in_use 1 1" "$(in_use_all)" "1 1"
t_run "idle_release_ms = 0" sh -c "echo 0 > $nc/idle_release_ms"

echo "-- fork and write while receives are in flight"
t_run "copybreak = 1024" sh -c "echo 1024 > $nc/copybreak"
off4=$(ncstat bytes_offloaded)
t_run "8 MiB in 4 KiB WAITALL receives, forking and writing all along" \
	ncrun tcp --fork --bytes 4194304 --send 4096 --pace-us 500 --port 5221
t_run "the receives were offloaded ($(( $(ncstat bytes_offloaded) - off4 )) bytes)" \
	test "$(ncstat bytes_offloaded)" -gt "$off4"
t_run "copybreak = 4096" sh -c "echo 4096 > $nc/copybreak"

echo "-- bad sysctl input: -EINVAL, value unchanged"
for f in disable_dma copybreak idle_release_ms; do
	old=$(cat $nc/$f)
	for v in abc -1 99999999999999999999 "" "1 2" 4x 0x 1.5 \
		 "$(printf '%030d' 1)"; do
		t_refused "$f '$v' refused" EINVAL sh -c "echo '$v' > $nc/$f"
	done
	t_refused "$f with an embedded NUL refused" EINVAL sh -c "echo -ne '1\\00001' > $nc/$f"
	t_eq "$f unchanged" "$(cat $nc/$f)" "$old"
done
t_refused "disable_dma 2 refused" EINVAL sh -c "echo 2 > $nc/disable_dma"
t_refused "copybreak 0 refused" EINVAL sh -c "echo 0 > $nc/copybreak"
t_refused "idle_release_ms 3600001 refused" EINVAL sh -c "echo 3600001 > $nc/idle_release_ms"

echo "-- throughput: ioctl next to plain recv() (figures)"
port=5300
for r in 4096 65536 1048576; do
	for m in ioctl recv; do
		port=$((port + 2))
		t_run "32 MiB, $r-byte reads, $m" \
			ncrun tcp --bytes 33554432 --read $r --mode $m --port $port
	done
done
cat $st

t_pins_balanced
t_run "rmmod dmaeng_netcopy" rmmod dmaeng_netcopy
t_eq "in_use 0 0" "$(in_use_all)" "0 0"
rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
