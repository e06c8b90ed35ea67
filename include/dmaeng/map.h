/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: mapping helpers, for clients and providers.
 *
 * Map buffers for a channel's device through these rather than the DMA API
 * directly: with dmaeng's mapping-debug layer on (dmaeng_core
 * debug_mappings=1, or debugfs dmaeng/mapdebug/enable), every mapping is
 * tracked with its owner and caller, misuse is counted per device
 * (map_errors, map_errors_not_checked, unmap_errors, outstanding) and
 * leaks are reported when a client, a channel or a device goes away.
 */
#ifndef _DMAENG_MAP_H
#define _DMAENG_MAP_H

#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/types.h>

struct dmaeng_chan;
struct dmaeng_client;
struct dmaeng_tx;
struct page;
struct scatterlist;

dma_addr_t dmaeng_map_page(struct dmaeng_chan *chan,
			   const struct dmaeng_client *owner, struct page *page,
			   unsigned long offset, size_t size,
			   enum dma_data_direction dir);
void dmaeng_unmap_page(struct dmaeng_chan *chan, dma_addr_t addr, size_t size,
		       enum dma_data_direction dir);
dma_addr_t dmaeng_map_single(struct dmaeng_chan *chan,
			     const struct dmaeng_client *owner, void *ptr,
			     size_t size, enum dma_data_direction dir);
void dmaeng_unmap_single(struct dmaeng_chan *chan, dma_addr_t addr,
			 size_t size, enum dma_data_direction dir);
int dmaeng_map_sg(struct dmaeng_chan *chan, const struct dmaeng_client *owner,
		  struct scatterlist *sg, int nents,
		  enum dma_data_direction dir);
void dmaeng_unmap_sg(struct dmaeng_chan *chan, struct scatterlist *sg,
		     int nents, enum dma_data_direction dir);
bool dmaeng_mapping_error(struct dmaeng_chan *chan, dma_addr_t addr);

/* The most addresses an unmap-data object holds. */
#define DMAENG_UNMAP_MAX	16

/**
 * struct dmaeng_unmap_data - mappings released when a copy completes
 * @chan: the channel they were mapped for
 * @kref: one reference per descriptor carrying it, plus the creator's
 * @to_cnt: the first @to_cnt addresses are DMA_TO_DEVICE
 * @from_cnt: the @from_cnt after them are DMA_FROM_DEVICE
 * @len: length of every mapping
 * @addr: the DMA addresses, from dmaeng_map_page()
 *
 * Get one with dmaeng_get_unmap_data(), fill it, attach it to descriptors
 * with dmaeng_set_unmap() and drop the creator's reference with
 * dmaeng_unmap_put().  The mappings are unmapped, before the callback of
 * the last descriptor carrying them runs.
 */
struct dmaeng_unmap_data {
	struct dmaeng_chan *chan;
	struct kref kref;
	u8 to_cnt;
	u8 from_cnt;
	size_t len;
	dma_addr_t addr[DMAENG_UNMAP_MAX];
};

struct dmaeng_unmap_data *dmaeng_get_unmap_data(struct dmaeng_chan *chan,
						gfp_t gfp);

/**
 * struct dmaeng_map_counters - the mapping counters of a dmaeng device
 * @map_errors: mappings the DMA API refused
 * @not_checked: mappings used or unmapped before dmaeng_mapping_error()
 * @unmap_errors: unmaps of an unknown address (or a second unmap), or with
 *	the wrong size, direction or kind
 * @leaks: live mappings reported when their client left, the last
 *	reference to their channel went, or their device unregistered while
 *	nobody held the channel
 * @outstanding: live mappings
 * @untracked: live mappings made while the debug layer was off
 */
struct dmaeng_map_counters {
	s64 map_errors;
	s64 not_checked;
	s64 unmap_errors;
	s64 leaks;
	int outstanding;
	int untracked;
};

/**
 * struct dmaeng_map_pool_stats - the debug layer's entry pool
 * @nr_total_entries: entries allocated, in page-sized blocks
 * @num_free_entries: entries free now
 * @min_free_entries: the fewest free entries seen
 * @nr_growths: blocks added
 * @nr_grow_failures: blocks that could not be allocated
 */
struct dmaeng_map_pool_stats {
	unsigned long nr_total_entries;
	unsigned long num_free_entries;
	unsigned long min_free_entries;
	unsigned long nr_growths;
	unsigned long nr_grow_failures;
};

void dmaeng_map_get_counters(struct dmaeng_chan *chan,
			     struct dmaeng_map_counters *c);
void dmaeng_map_get_totals(struct dmaeng_map_counters *c);
void dmaeng_map_get_pool_stats(struct dmaeng_map_pool_stats *st);
bool dmaeng_mapdebug_enable(bool on);
void dmaeng_set_unmap(struct dmaeng_tx *tx, struct dmaeng_unmap_data *unmap);
void dmaeng_unmap_put(struct dmaeng_unmap_data *unmap);

#endif /* _DMAENG_MAP_H */
