# SPDX-License-Identifier: GPL-2.0
#
# The soak: copies keep running and verifying while everything around them
# changes.  dmaeng.soak_rounds=N on the kernel command line sets the number
# of rounds (default 24, the short version in `make check`; `make soak`
# runs 1000).
#
# One round of the conductor: the provider's device is unbound and bound
# again under its clients (hot-unplug), then left to them for 0.7 s (every
# other round completions take 20 ms and the unbind waits, up to 3 s, for a
# test run in flight, so that queued copies come back aborted); every
# 4th round the provider module is unloaded (refused while dmaeng_test
# holds it, then with disable_dma set and the test client paused) and
# loaded again with another channel count.
# Meanwhile, each in a loop of its own until the rounds are done:
#   dt   dmaeng_test loaded, run (verifying every byte) and unloaded, every
#        third time with a private channel instead of as a public client
#   nc   net-copy TCP and UDP streams, verified, with pauses long enough
#        for idle_release_ms to fire
#   cpu  CPU1 offline and online
#   rd   every sysfs and debugfs file of dmaeng read
# In the middle third, failslab fails 3% of the slab allocations of the
# test threads, of provider loads and of device binds.
. /dmaeng/guest/lib.sh

rounds=$(sed -n 's/.*dmaeng\.soak_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
rounds=${rounds:-24}
S=/tmp/soak
nc=/proc/sys/dmaeng/netcopy
st=/sys/kernel/debug/dmaeng_netcopy/stats
fs=/sys/kernel/debug/failslab
drv=/sys/bus/platform/drivers/dmaeng_memcpy
cpu1=/sys/devices/system/cpu/cpu1/online
rm -rf $S
mkdir -p $S
: > $S/dt.results
: > $S/nc.results

running() { [ ! -e $S/stop ]; }
bad() { echo "$*" >> $S/bad; echo "soak: PROBLEM: $*" > /dev/console; }
count() { echo >> "$S/$1"; }	# count NAME: one more NAME event
total() { if [ -f "$S/$1" ]; then wc -l < "$S/$1"; else echo 0; fi; }
# faulty CMD...: run CMD with failslab aimed at it while failslab is armed
faulty() {
	if [ -e $S/failslab ]; then
		sh -c 'echo 1 > /proc/self/make-it-fail; exec "$@"' faulty "$@"
	else
		"$@"
	fi
}
# poll_until SECONDS CMD...: CMD, every 50 ms until it succeeds or the
# deadline passes
poll_until() {
	_t=$(($1 * 20))
	shift
	until "$@"; do
		_t=$((_t - 1))
		[ $_t -gt 0 ] || return 1
		usleep 50000
	done
}
dt_in_flight() { [ "$(cat $DT/run 2>/dev/null)" = 1 ]; }

# wait_for FILE SECONDS
wait_for() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt $(($2 * 20)) ]; do
		usleep 50000
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}

# rmmod_retry MODULE: rmmod, retried while an open file pins the module
rmmod_retry() {
	_i=0
	until rmmod "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] || return 1
		usleep 50000
	done
}

dt_worker() {
	n=0
	while running; do
		if [ -e $S/pause ]; then
			touch $S/paused
			while [ -e $S/pause ] && running; do usleep 20000; done
			rm -f $S/paused
			continue
		fi
		n=$((n + 1))
		if [ $((n % 3)) = 0 ]; then
			# A channel can be taken private only while no public
			# client holds it (the net-copy client lets its go when
			# idle): ask again every 50 ms for up to a second.
			got=0
			for _try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
				running || break
				if modload dmaeng_test private=1 2>/dev/null; then
					got=1
					break
				fi
				count private_refused
				usleep 50000
			done
			[ $got = 1 ] || continue
			count private_granted
		elif ! modload dmaeng_test; then
			bad "insmod dmaeng_test failed"
			usleep 100000
			continue
		fi
		count dt_loads
		for r in 1 2; do
			if [ -e $S/failslab ]; then
				dt_set make_it_fail=1 nowait=1
			else
				dt_set make_it_fail=0 nowait=0
			fi
			dt_set threads_per_chan=2 iterations=20 max_size=65536 batch=4
			if err=$(sh -c "echo 1 > $DT/run" 2>&1); then
				grep -v '^total:' $DT/results >> $S/dt.results
				dt_balanced || bad "a run with submitted != completed + errors: $(cat $DT/results)"
				[ "$(dt_sum failures)" = 0 ] || bad "verification failed: $(cat $DT/results)"
				count dt_runs
			elif echo "$err" | grep -q "$(errno_text ENODEV)"; then
				count dt_no_channel	# unplugged or unloaded
			else
				bad "a test run failed: $err"
			fi
		done
		# A reader may have the results file open for a moment.
		rmmod_retry dmaeng_test || bad "rmmod dmaeng_test failed"
	done
}

nc_worker() {
	n=0
	while running; do
		n=$((n + 1))
		p=$((6000 + n % 500))
		if [ $((n % 4)) = 0 ]; then
			args="udp --bytes 1048576"
		else
			args="tcp --bytes 4194304 --read 65536"
		fi
		# shellcheck disable=SC2086
		if o=$(netcopy $args --port $p 2>&1); then
			echo "$o" >> $S/nc.results
		else
			bad "netcopy $args: $o"
		fi
		usleep 300000	# idle: idle_release_ms (100) fires
	done
}

cpu_worker() {
	while running; do
		echo 0 > $cpu1 || bad "CPU1 offline failed"
		count hotplug
		usleep 200000
		echo 1 > $cpu1 || bad "CPU1 online failed"
		count hotplug
		usleep 400000
	done
}

rd_worker() {
	while running; do
		cat /sys/class/dmaeng/*/* /sys/kernel/debug/dmaeng/summary \
		    /sys/kernel/debug/dmaeng/mapdebug/* $st $DT/results \
		    $nc/* > /dev/null 2>&1
		count reads
	done
}

# faults_then_plain NAME CHECK CMD...: while failslab is armed, up to 5
# tries of CMD under it, each failure counted as NAME and followed by
# CHECK; then, if none succeeded, CMD once without faults.
faults_then_plain() {
	_name=$1
	_check=$2
	shift 2
	_i=0
	while [ -e $S/failslab ] && [ $_i -lt 5 ]; do
		faulty "$@" 2>/dev/null && return 0
		count "$_name"
		$_check
		_i=$((_i + 1))
	done
	"$@"
}

# A failed load must leave nothing behind.
load_leftovers() {
	grep -q '^dmaeng_memcpy ' /proc/modules && bad "a failed load left the module"
	[ -e /sys/bus/platform/devices/dmaeng_memcpy ] && bad "a failed load left the device"
	return 0
}

# provider_load CHANNELS: load dmaeng_memcpy (under failslab first, if armed)
provider_load() {
	if faults_then_plain load_failed load_leftovers \
		insmod $DMAENG_MODDIR/dmaeng_memcpy.ko channels="$1"; then
		count reloads
	else
		bad "dmaeng_memcpy channels=$1 does not load"
	fi
}

# provider_bind: bind the device again (under failslab first, if armed)
provider_bind() {
	faults_then_plain bind_failed true \
		sh -c "echo dmaeng_memcpy > $drv/bind" || bad "bind failed"
}

suite_begin dmaeng_soak
echo "-- $rounds rounds"
t_run "load dmaeng_core with the mapping-debug layer on" core_load
t_run "load dmaeng_memcpy, 2 channels" modload dmaeng_memcpy channels=2
t_run "load dmaeng_netcopy" modload dmaeng_netcopy
echo 100 > $nc/idle_release_ms
printf 3 > $fs/probability
printf 1 > $fs/interval
printf 0 > $fs/verbose
printf Y > $fs/task-filter
printf N > $fs/ignore-gfp-wait
printf 0 > $fs/times
failslab_kmalloc_only
idle0=$(ncstat idle_releases)
ncoff0=$(ncstat bytes_offloaded)
nccpu0=$(ncstat bytes_cpu)

dt_worker & w1=$!
nc_worker & w2=$!
cpu_worker & w3=$!
rd_worker & w4=$!

t0=$(date +%s)
round=0
while [ $round -lt "$rounds" ]; do
	round=$((round + 1))
	if [ $round = $((rounds / 3 + 1)) ]; then
		printf 100000000 > $fs/times
		touch $S/failslab
		# (the host sets aside the kernel's allocation-failure
		# reports between these two lines)
		echo "dmaeng: fault injection on"
		echo "soak: round $round: failslab armed (3%)"
	elif [ $round = $((2 * rounds / 3 + 1)) ]; then
		rm -f $S/failslab
		injected=$((100000000 - $(cat $fs/times)))
		printf 0 > $fs/times
		echo "soak: round $round: failslab off, $injected faults injected"
		echo "dmaeng: fault injection off"
	fi

	# Hot-unplug under the clients, then bind again.  Every other round
	# completions take 20 ms and the unbind waits for a test run in
	# flight, so that copies are queued when it goes.
	printf %s $((round % 2 * 20000)) > /sys/module/dmaeng_memcpy/parameters/delay_us
	busy=0
	[ $((round % 2)) = 1 ] && poll_until 3 dt_in_flight && busy=1
	if echo dmaeng_memcpy > $drv/unbind; then
		count unbinds
		[ $busy = 1 ] && count unbinds_busy
	else
		bad "unbind failed"
	fi
	usleep 50000
	provider_bind
	usleep 700000	# the clients work on the new device

	[ $((round % 4)) = 0 ] || continue
	# The module goes: refused while held, then everyone lets go.
	# The module goes: refused while dmaeng_test holds it (unless it is
	# between two loads), then with it paused.
	echo 1 > $nc/disable_dma
	if rmmod dmaeng_memcpy 2>/dev/null; then
		count unloads
	else
		count rmmod_refused
		touch $S/pause
		if ! wait_for $S/paused 120; then
			bad "the test client did not pause"
		elif rmmod dmaeng_memcpy; then
			count unloads
		else
			bad "rmmod dmaeng_memcpy failed with everyone paused"
		fi
	fi
	provider_load $((round / 4 % 4 + 1))
	rm -f $S/pause
	echo 0 > $nc/disable_dma
	[ $((round % 20)) = 0 ] &&
		echo "soak: round $round, $(( $(date +%s) - t0 )) s"
done
touch $S/stop
rm -f $S/failslab
wait $w1 $w2 $w3 $w4
elapsed=$(( $(date +%s) - t0 ))
[ -n "${injected:-}" ] || injected=$((100000000 - $(cat $fs/times)))
printf 0 > $fs/probability

echo "-- the figures"
dt_tot() { dt_sum "$1" $S/dt.results; }	# KEY over every run of the soak
nc_tot() {	# nc_tot FIELD: bytes received (5) or bad bytes (14)
	awk -v f="$1" '{ s += $f } END { print s + 0 }' $S/nc.results
}
copies=$(dt_tot copies)
dtbytes=$(dt_tot bytes)
streams=$(total nc.results)
ncbytes=$(nc_tot 5)
aborted=$(dt_tot errors)
fallbacks=$(dt_tot fallbacks)
# Faults survived: failed loads and binds that left nothing, and copies
# that fell back to the CPU (aborted copies are counted on their own).
survived=$((fallbacks + $(total load_failed) + $(total bind_failed)))
cat <<EOF
soak: rounds $rounds in ${elapsed} s
soak: test client: $(total dt_runs) runs, $copies copies verified, $dtbytes bytes, $(dt_tot failures) failures
soak:   by DMA $(dt_tot completed), aborted or errored $aborted, by CPU $fallbacks ($(dt_tot map_errors) map errors, $(dt_tot prep_failures) prep failures, $(dt_tot submit_errors) submits refused)
soak:   $(total dt_loads) loads, private channel granted $(total private_granted), refused $(total private_refused); $(total dt_no_channel) runs found no channel
soak: net-copy: $streams streams, $ncbytes bytes verified, $(( $(ncstat bytes_offloaded) - ncoff0 )) offloaded, $(( $(ncstat bytes_cpu) - nccpu0 )) by CPU, $(( $(ncstat idle_releases) - idle0 )) idle releases
soak:   chunks redone by CPU after a failed DMA $(ncstat fallback_dma_error), refused submit $(ncstat fallback_submit), failed prep $(ncstat fallback_prep), failed map $(ncstat fallback_map)
soak: provider: $(total unbinds) hot-unplugs ($(total unbinds_busy) with a test run in flight), $(total unloads) unloads, $(total reloads) reloads, $(total rmmod_refused) rmmod refused while held
soak: faults: $injected injected by failslab, $survived survived ($(total load_failed) failed loads, $(total bind_failed) failed binds, $fallbacks CPU fallbacks); $aborted copies aborted by hot-unplugs
soak: CPU1 hotplug events $(total hotplug); $(total reads) passes over the sysfs and debugfs files
EOF

t_eq "no worker saw a problem" "$(cat $S/bad 2>/dev/null)" ""
t_eq "every round ran: $rounds unbinds" "$(total unbinds)" "$rounds"
t_eq "every 4th round unloaded and reloaded the provider" \
	"$(total unloads) $(total reloads)" "$((rounds / 4)) $((rounds / 4))"
t_run "the test client copied ($copies copies)" test "$copies" -gt 0
t_eq "no copy failed verification" "$(dt_tot failures)" 0
# What the soak claims to do, it did: minimum counts of every event.
t_run "hot-unplugs with a test run in flight: $(total unbinds_busy), at least $((rounds / 4))" \
	test "$(total unbinds_busy)" -ge $((rounds / 4))
t_run "copies in flight at a hot-unplug came back aborted ($aborted)" \
	test "$aborted" -gt 0
t_run "runs that found no channel ($(total dt_no_channel)) are at most the runs that did ($(total dt_runs))" \
	test "$(total dt_no_channel)" -le "$(total dt_runs)"
t_run "provider rmmod refused while held at least once ($(total rmmod_refused))" \
	test "$(total rmmod_refused)" -gt 0
t_eq "no copy lost: copies = completed + errors + fallbacks" "$copies" \
	"$(( $(dt_tot completed) + aborted + fallbacks ))"
t_eq "submitted = completed + errors over every channel of every run" \
	"$(dt_tot submitted)" "$(( $(dt_tot completed) + aborted ))"
t_run "net-copy streams ran ($streams)" test "$streams" -gt 0
t_eq "no net-copy byte was bad" "$(nc_tot 14)" 0
t_run "private channels were requested ($(total private_granted) granted)" \
	test "$(total private_granted)" -gt 0
t_run "idle_release_ms fired ($(( $(ncstat idle_releases) - idle0 )) times)" \
	test "$(ncstat idle_releases)" -gt "$idle0"
t_run "CPU1 went offline and online ($(total hotplug) events, at least 4)" \
	test "$(total hotplug)" -ge 4
t_eq "CPU1 is online again" "$(cat $cpu1)" 1
if [ "$rounds" -ge 3 ]; then
	t_run "failslab injected faults ($injected)" test "$injected" -gt 0
	t_run "faults were survived: $survived (failed loads, failed binds, CPU fallbacks)" \
		test "$survived" -gt 0
fi

echo "-- everything back"
echo 0 > $nc/idle_release_ms
t_run "a last stream takes the channels again" netcopy tcp --bytes 1048576 --port 5999
nch=$(ls /sys/class/dmaeng | wc -l)
t_eq "in_use 1 on each of the $nch channels" \
	"$(cat /sys/class/dmaeng/*/in_use | sort -u)" 1
t_eq "dmaeng_memcpy refcnt = channels held" "$(refcnt dmaeng_memcpy)" "$nch"
t_eq "nothing outstanding" "$(cat /sys/class/dmaeng/*/outstanding | sort -u)" 0
t_pins_balanced
t_run "rmmod dmaeng_netcopy" rmmod dmaeng_netcopy
t_eq "in_use 0, refcnt 0" \
	"$(cat /sys/class/dmaeng/*/in_use | sort -u) $(refcnt dmaeng_memcpy)" "0 0"
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_eq "dma-debug error_count 0" "$(cat /sys/kernel/debug/dma-api/error_count)" 0
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
