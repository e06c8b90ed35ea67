# SPDX-License-Identifier: GPL-2.0
#
# The transfer vocabulary end to end: pinning by capability across two
# providers, then every transfer type byte for byte through dmaeng_test
# (memset, sg, slave both ways through the modelled FIFO, cyclic both
# ways, pause/resume with residue), named slave channels and their pins.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_xfer
X=/sys/bus/platform/devices/dmaeng_memcpy
Y=/sys/bus/platform/devices/dmaeng_memcpy2

in_use_of() {	# in_use_of DEVDIR: "N N ..." for its channels
	_v=
	for _f in "$1"/dmaeng/dma*chan*/in_use; do
		[ -f "$_f" ] && _v="$_v $(cat "$_f")"
	done
	echo "${_v# }"
}
# dt_lines TEST: the result lines of the last run for TEST
dt_lines() { grep -c "^$1 " $DT/results; }

t_run "load dmaeng_core with the mapping-debug layer on" core_load

echo "-- pinning by capability: X {memcpy}, Y {memcpy,memset}; the client wants memset"
t_run "load dmaeng_memcpy channels=2 caps=memcpy,interrupt (X)" \
	modload dmaeng_memcpy channels=2 caps=memcpy,interrupt
t_run "load dmaeng_memcpy2 channels=2 caps=memcpy,memset,interrupt (Y)" \
	modload dmaeng_memcpy2 channels=2 caps=memcpy,memset,interrupt
t_run "load dmaeng_test caps=memset" modload dmaeng_test caps=memset
t_eq "X in_use 0 0: it offers no memset" "$(in_use_of $X)" "0 0"
t_eq "Y in_use 1 1" "$(in_use_of $Y)" "1 1"
t_eq "refcnt: dmaeng_memcpy 0, dmaeng_memcpy2 2" \
	"$(refcnt dmaeng_memcpy) $(refcnt dmaeng_memcpy2)" "0 2"
t_eq "every CPU's memset lookup is a held channel" \
	"$(grep -c 'NOT-HELD\|memset=none' $DT/lookups)" 0
t_run "run test=memset: 2 x 200 fills, verified" \
	dt_run test=memset iterations=200 max_size=65536 threads_per_chan=1
t_eq "400 memset transfers, 0 failures" \
	"$(dt_sum transfers) $(dt_sum failures)" "400 0"
t_eq "both of Y's channels filled" "$(dt_lines memset)" 2
t_run "rmmod dmaeng_memcpy (X) accepted while the client is loaded" rmmod dmaeng_memcpy
t_refused "rmmod dmaeng_memcpy2 (Y) refused" EAGAIN rmmod dmaeng_memcpy2
t_run "load dmaeng_netcopy {memcpy,interrupt}" modload dmaeng_netcopy
t_eq "Y in_use 2 2" "$(in_use_of $Y)" "2 2"
t_run "load dmaeng_memcpy caps=memcpy,interrupt again (X)" \
	modload dmaeng_memcpy channels=2 caps=memcpy,interrupt
t_eq "X in_use 1 1: net-copy only" "$(in_use_of $X)" "1 1"
t_eq "refcnt: dmaeng_memcpy 2, dmaeng_memcpy2 4" \
	"$(refcnt dmaeng_memcpy) $(refcnt dmaeng_memcpy2)" "2 4"
t_run "rmmod dmaeng_netcopy" rmmod dmaeng_netcopy
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_eq "Y in_use 0 0, refcnt 0" "$(in_use_of $Y) $(refcnt dmaeng_memcpy2)" "0 0 0"
t_run "rmmod dmaeng_memcpy2" rmmod dmaeng_memcpy2

echo "-- memset, sg and memcpy on one device, public"
t_run "load dmaeng_memcpy channels=2 caps=memcpy,memset,sg,interrupt" \
	modload dmaeng_memcpy channels=2 caps=memcpy,memset,sg,interrupt
t_run "load dmaeng_test caps=memcpy,memset,sg" modload dmaeng_test caps=memcpy,memset,sg
t_run "run test=memset: 2 channels x 500, up to 1 MiB" \
	dt_run test=memset iterations=500 max_size=1048576 threads_per_chan=1
t_eq "1000 memset transfers, 0 failures" \
	"$(dt_sum transfers) $(dt_sum failures)" "1000 0"
t_run "run test=sg: 2 x 250 copies between random scatterlists" \
	dt_run test=sg iterations=250 max_size=262144 threads_per_chan=1
t_eq "500 sg transfers, 0 failures" \
	"$(dt_sum transfers) $(dt_sum failures)" "500 0"
t_run "run test=memcpy still: 2 x 100 copies" \
	dt_run test=memcpy iterations=100 max_size=65536 threads_per_chan=1
t_eq "200 copies, 0 failures" "$(dt_sum copies) $(dt_sum failures)" "200 0"
t_eq "all mappings released: outstanding 0" "$(chan_stat dma0chan0 outstanding)" 0
needs dmadebug
t_eq "dma-debug lists no mapping of the device" "$(dma_debug_count dmaeng_memcpy)" 0
needs -
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy

echo "-- named slave channels: slave, cyclic and pause through the FIFO"
t_run "load dmaeng_test caps=memcpy (no slave provider yet)" modload dmaeng_test caps=memcpy
t_refused "test=slave with no provider: ENODEV" ENODEV \
	dt_run test=slave iterations=1
t_run "... from dmaeng_request_chan()'s -EPROBE_DEFER" \
	grep -q '^slave: run failed: -517$' $DT/results
t_run "load dmaeng_memcpy2 channels=2 caps=slave,cyclic" \
	modload dmaeng_memcpy2 channels=2 caps=slave,cyclic
t_eq "not held by the public memcpy client: in_use 0 0" "$(in_use_of $Y)" "0 0"
t_run "run test=slave: 200 rounds, random widths, bursts and sg lists" \
	dt_run test=slave iterations=200 max_size=65536
t_eq "slave: 0 failures, 402 transfers (2 x 201 rounds)" \
	"$(dt_sum failures) $(dt_sum transfers)" "0 402"
t_run "run test=cyclic: both directions" dt_run test=cyclic iterations=4 max_size=16384
t_eq "cyclic: 16 transfers, 0 failures" \
	"$(dt_sum transfers) $(dt_sum failures)" "16 0"
t_run "cyclic: period callbacks counted" test "$(dt_sum periods)" -ge 68
t_run "run test=pause: pause, residue, resume" dt_run test=pause iterations=4 max_size=8192
t_eq "pause: 12 transfers, 0 failures" \
	"$(dt_sum transfers) $(dt_sum failures)" "12 0"
t_run "pause was supported, not skipped" \
	sh -c "! grep -q 'pause unsupported' $DT/results"
t_eq "named channels given back: in_use 0 0, refcnt 0" \
	"$(in_use_of $Y) $(refcnt dmaeng_memcpy2)" "0 0 0"
needs dmadebug
t_eq "all mappings released: dma-debug lists none" \
	"$(dma_debug_count dmaeng_memcpy2)" 0
needs -

echo "-- the named channels' provider can go between runs"
t_run "load dmaeng_memcpy caps=memcpy,interrupt (a memcpy-only device)" \
	modload dmaeng_memcpy channels=1 caps=memcpy,interrupt
t_eq "the memcpy client holds only it: in_use 1 / 0 0" \
	"$(in_use_of $X) / $(in_use_of $Y)" "1 / 0 0"
t_run "rmmod dmaeng_memcpy2 accepted: named channels are held only during a run" \
	rmmod dmaeng_memcpy2
t_refused "test=slave again: ENODEV (-EPROBE_DEFER)" ENODEV dt_run test=slave iterations=1
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
