/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The copy engine of the sample provider: what the "device" does with one
 * memcpy descriptor.  Shared with the bench's dmaengine adapter
 * (tools/bench/dmaeng_kadapter.c), so that make bench compares the two
 * frameworks on the same engine.
 */
#ifndef _DMAENG_SWCOPY_H
#define _DMAENG_SWCOPY_H

#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>

static inline bool dmaeng_swcopy_valid(phys_addr_t start, size_t len)
{
	return pfn_valid(PHYS_PFN(start)) && pfn_valid(PHYS_PFN(start + len - 1));
}

/*
 * Copy @len bytes from bus address @src to bus address @dst of @dev, page
 * by page, as a device behind no IOMMU would.  Returns false, copying
 * nothing, if either range is not memory.
 */
static inline bool dmaeng_swcopy(struct device *dev, dma_addr_t dst,
				 dma_addr_t src, size_t len)
{
	phys_addr_t pd = dma_to_phys(dev, dst), ps = dma_to_phys(dev, src);
	size_t doff, soff, n;
	void *d, *s;

	if (!dmaeng_swcopy_valid(pd, len) || !dmaeng_swcopy_valid(ps, len))
		return false;
	while (len) {
		doff = offset_in_page(pd);
		soff = offset_in_page(ps);
		n = min3(len, PAGE_SIZE - doff, PAGE_SIZE - soff);
		d = kmap_local_page(pfn_to_page(PHYS_PFN(pd)));
		s = kmap_local_page(pfn_to_page(PHYS_PFN(ps)));
		memcpy(d + doff, s + soff, n);
		kunmap_local(s);
		kunmap_local(d);
		pd += n;
		ps += n;
		len -= n;
	}
	return true;
}

#endif /* _DMAENG_SWCOPY_H */
