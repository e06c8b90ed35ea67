# SPDX-License-Identifier: GPL-2.0
# boot: intel_iommu=on
# qemu: -machine q35 -device intel-iommu -device edu,id=edu0,addr=0x10 -device edu,id=edu1,addr=0x11,dma_mask=0xffffffffff
#
# dmaeng_edu behind QEMU's Intel IOMMU (VT-d): every mapping the DMA API
# makes for the edu devices is an IOVA the IOMMU translates, within each
# device's mask, so nothing bounces; copies still verify byte for byte.
. /dmaeng/guest/lib.sh

suite_begin dmaeng_e2e_edu_iommu
st=/sys/kernel/debug/swiotlb
N=0000:00:10.0
W=0000:00:11.0
grp_type() { cat "/sys/bus/pci/devices/$1/iommu_group/type" 2>/dev/null || echo none; }
chan_of() { ls "/sys/bus/pci/devices/$1/dmaeng" 2>/dev/null; }
hiwater() { cat $st/io_tlb_used_hiwater 2>/dev/null || echo 0; }

echo "-- the IOMMU translates both devices"
t_run "an Intel IOMMU is active (/sys/class/iommu/dmar0)" test -d /sys/class/iommu/dmar0
for d in $N $W; do
	ty=$(grp_type $d)
	t_run "$d is in a translated IOMMU group (type $ty)" \
		sh -c "test '$ty' = DMA -o '$ty' = DMA-FQ"
done

echo "-- verified copies through the IOMMU"
hw0=$(hiwater)
t_run "load dmaeng_core with the mapping-debug layer on" core_load
t_run "load dmaeng_edu dma_bits=28,40" modload dmaeng_edu dma_bits=28,40
CN=$(chan_of $N)
CW=$(chan_of $W)
t_run "both devices have their channel ($CN, $CW)" \
	sh -c "test -n '$CN' -a -n '$CW' -a '$CN' != '$CW'"
t_run "load dmaeng_test" modload dmaeng_test timeout_ms=30000
for size in 1 4089 65536; do
	t_run "2 copies of $size B on each device" \
		dt_run channel= fixed_size=1 max_size=$size iterations=2 threads_per_chan=1 batch=1
	t_eq "$size B: 4 copies, 0 failures, 4 by the engine" \
		"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "4 0 4"
done
t_run "20 copies of random sizes up to 64 KiB on each, 2 threads" \
	dt_run channel= fixed_size=0 max_size=65536 iterations=10 threads_per_chan=2 batch=2
t_eq "40 copies, 0 failures, all by the engine" \
	"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "40 0 40"
t_eq "nothing bounced: swiotlb high-water mark unchanged" "$(hiwater)" "$hw0"
t_eq "no DMA remapping fault" "$(dmesg | grep -c 'DMAR: \[DMA .*\] Request device')" 0
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_run "rmmod dmaeng_edu" rmmod dmaeng_edu

echo "-- the software engine is not behind the IOMMU: it registers"
# dmaeng_memcpy refuses a device the IOMMU translates (it copies with the
# CPU and cannot walk the IOMMU's tables); its platform device is not in
# any DMAR scope on x86, so the DMA API gives it physical addresses.
t_run "load dmaeng_memcpy channels=1" modload dmaeng_memcpy channels=1
t_eq "its platform device has no IOMMU group" \
	"$(test -e /sys/devices/platform/dmaeng_memcpy/iommu_group && echo group || echo none)" none
t_run "load dmaeng_test" modload dmaeng_test
t_run "20 verified copies on it" dt_run channel= fixed_size=0 max_size=65536 iterations=20 threads_per_chan=1 batch=1
t_eq "20 copies, 0 failures, all by the engine" \
	"$(dt_sum copies) $(dt_sum failures) $(dt_sum completed)" "20 0 20"
t_run "rmmod dmaeng_test" rmmod dmaeng_test
t_run "rmmod dmaeng_memcpy" rmmod dmaeng_memcpy
t_eq "mapping debug: no map error, unchecked mapping, unmap error or leak" \
	"$(map_totals)" "0 0 0 0"
t_run "rmmod dmaeng_core" rmmod dmaeng_core
suite_end
