// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng mapping helpers: what clients and providers map and unmap with.
 *
 * The helpers map and unmap for a channel's device through the DMA API and
 * hand every mapping and unmap to the mapping-debug layer
 * (dmaengine_mapdebug.c), which counts them and, when on, tracks and
 * checks them; an unmap the layer refuses is not passed to the DMA API.
 * Unmap-data objects release a copy's mappings with the copy.
 */

#include <linux/dma-mapping.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <dmaeng/map.h>
#include "dmaengine_internal.h"

#define DMAENG_UNMAP_RESERVE	64

static mempool_t *dmaeng_unmap_pool;

/**
 * dmaeng_map_page() - map a page for a channel's device
 * @chan: the channel
 * @owner: the client mapping it, or NULL (a private channel's user)
 * @page: the page
 * @offset: offset in @page
 * @size: bytes
 * @dir: direction
 *
 * Return: the DMA address; check it with dmaeng_mapping_error().
 */
dma_addr_t dmaeng_map_page(struct dmaeng_chan *chan,
			   const struct dmaeng_client *owner, struct page *page,
			   unsigned long offset, size_t size,
			   enum dma_data_direction dir)
{
	struct device *dev = chan->device->dev;
	dma_addr_t addr = dma_map_page(dev, page, offset, size, dir);

	dmaeng_track(chan, owner, addr, size, dir, KIND_PAGE,
		     dma_mapping_error(dev, addr), false, _RET_IP_);
	return addr;
}
EXPORT_SYMBOL_GPL(dmaeng_map_page);

/**
 * dmaeng_map_single() - map a kernel buffer for a channel's device
 * @chan: the channel
 * @owner: the client mapping it, or NULL
 * @ptr: the buffer (not on the stack, not vmalloc)
 * @size: bytes
 * @dir: direction
 *
 * Return: the DMA address; check it with dmaeng_mapping_error().
 */
dma_addr_t dmaeng_map_single(struct dmaeng_chan *chan,
			     const struct dmaeng_client *owner, void *ptr,
			     size_t size, enum dma_data_direction dir)
{
	struct device *dev = chan->device->dev;
	dma_addr_t addr = dma_map_single(dev, ptr, size, dir);

	dmaeng_track(chan, owner, addr, size, dir, KIND_SINGLE,
		     dma_mapping_error(dev, addr), false, _RET_IP_);
	return addr;
}
EXPORT_SYMBOL_GPL(dmaeng_map_single);

/**
 * dmaeng_map_sg() - map a scatterlist for a channel's device
 * @chan: the channel
 * @owner: the client mapping it, or NULL
 * @sg: the list
 * @nents: its entries
 * @dir: direction
 *
 * Return: the number of DMA segments, 0 on failure.
 */
int dmaeng_map_sg(struct dmaeng_chan *chan, const struct dmaeng_client *owner,
		  struct scatterlist *sg, int nents,
		  enum dma_data_direction dir)
{
	int n = dma_map_sg(chan->device->dev, sg, nents, dir);

	/* The returned count is the check: an sg mapping starts checked. */
	dmaeng_track(chan, owner, n ? sg_dma_address(sg) : DMA_MAPPING_ERROR,
		     nents, dir, KIND_SG, !n, true, _RET_IP_);
	return n;
}
EXPORT_SYMBOL_GPL(dmaeng_map_sg);

static void dmaeng_unmap(struct dmaeng_chan *chan, dma_addr_t addr,
			 size_t size, int dir, int kind, unsigned long caller)
{
	if (dmaeng_untrack(chan, addr, &size, &dir, &kind, caller))
		dma_unmap_page(chan->device->dev, addr, size, dir);
}

/**
 * dmaeng_unmap_page() - unmap what dmaeng_map_page() mapped
 * @chan: the channel
 * @addr: the DMA address
 * @size: bytes, as mapped
 * @dir: direction, as mapped
 */
void dmaeng_unmap_page(struct dmaeng_chan *chan, dma_addr_t addr, size_t size,
		       enum dma_data_direction dir)
{
	dmaeng_unmap(chan, addr, size, dir, KIND_PAGE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(dmaeng_unmap_page);

/**
 * dmaeng_unmap_single() - unmap what dmaeng_map_single() mapped
 * @chan: the channel
 * @addr: the DMA address
 * @size: bytes, as mapped
 * @dir: direction, as mapped
 */
void dmaeng_unmap_single(struct dmaeng_chan *chan, dma_addr_t addr,
			 size_t size, enum dma_data_direction dir)
{
	dmaeng_unmap(chan, addr, size, dir, KIND_SINGLE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(dmaeng_unmap_single);

/**
 * dmaeng_unmap_sg() - unmap what dmaeng_map_sg() mapped
 * @chan: the channel
 * @sg: the list
 * @nents: the nents passed to dmaeng_map_sg()
 * @dir: direction, as mapped
 */
void dmaeng_unmap_sg(struct dmaeng_chan *chan, struct scatterlist *sg,
		     int nents, enum dma_data_direction dir)
{
	size_t size = nents;
	int d = dir, kind = KIND_SG;

	if (dmaeng_untrack(chan, sg_dma_address(sg), &size, &d, &kind,
			   _RET_IP_))
		dma_unmap_sg(chan->device->dev, sg, size, d);
}
EXPORT_SYMBOL_GPL(dmaeng_unmap_sg);

/**
 * dmaeng_mapping_error() - whether a mapping failed
 * @chan: the channel it was mapped for
 * @addr: from dmaeng_map_page() or dmaeng_map_single()
 *
 * Return: true if @addr is not a usable mapping.
 */
bool dmaeng_mapping_error(struct dmaeng_chan *chan, dma_addr_t addr)
{
	dmaeng_map_note_checked(chan, addr, _RET_IP_);
	return dma_mapping_error(chan->device->dev, addr);
}
EXPORT_SYMBOL_GPL(dmaeng_mapping_error);

/* Release an unmap-data object: unmap everything it holds. */
static void dmaeng_unmap_release(struct kref *kref)
{
	struct dmaeng_unmap_data *u = container_of(kref,
						   struct dmaeng_unmap_data,
						   kref);
	unsigned int i;

	for (i = 0; i < u->to_cnt; i++)
		dmaeng_unmap(u->chan, u->addr[i], u->len, DMA_TO_DEVICE,
			     KIND_PAGE, _RET_IP_);
	for (; i < u->to_cnt + u->from_cnt; i++)
		dmaeng_unmap(u->chan, u->addr[i], u->len, DMA_FROM_DEVICE,
			     KIND_PAGE, _RET_IP_);
	mempool_free(u, dmaeng_unmap_pool);
}

/**
 * dmaeng_get_unmap_data() - an object to release mappings with a copy
 * @chan: the channel the mappings are for
 * @gfp: allocation flags; with __GFP_DIRECT_RECLAIM the reserve makes it
 *	never fail
 *
 * Return: the object, with one reference, or NULL.
 */
struct dmaeng_unmap_data *dmaeng_get_unmap_data(struct dmaeng_chan *chan,
						gfp_t gfp)
{
	struct dmaeng_unmap_data *u = mempool_alloc(dmaeng_unmap_pool, gfp);

	if (!u)
		return NULL;
	memset(u, 0, sizeof(*u));
	u->chan = chan;
	kref_init(&u->kref);
	return u;
}
EXPORT_SYMBOL_GPL(dmaeng_get_unmap_data);

/**
 * dmaeng_set_unmap() - attach an unmap-data object to a descriptor
 * @tx: a prepared descriptor, not yet submitted
 * @unmap: the object; the descriptor takes a reference
 */
void dmaeng_set_unmap(struct dmaeng_tx *tx, struct dmaeng_unmap_data *unmap)
{
	kref_get(&unmap->kref);
	tx->unmap = unmap;
}
EXPORT_SYMBOL_GPL(dmaeng_set_unmap);

/**
 * dmaeng_unmap_put() - drop a reference to an unmap-data object
 * @unmap: the object; the last reference unmaps its mappings
 */
void dmaeng_unmap_put(struct dmaeng_unmap_data *unmap)
{
	if (unmap)
		kref_put(&unmap->kref, dmaeng_unmap_release);
}
EXPORT_SYMBOL_GPL(dmaeng_unmap_put);

/* The unmap-data pool, then the mapping-debug layer. */
int dmaeng_map_init(struct dentry *parent)
{
	int err;

	dmaeng_unmap_pool = mempool_create_kmalloc_pool(DMAENG_UNMAP_RESERVE,
							sizeof(struct dmaeng_unmap_data));
	if (!dmaeng_unmap_pool)
		return -ENOMEM;
	err = dmaeng_mapdebug_init(parent);
	if (err)
		mempool_destroy(dmaeng_unmap_pool);
	return err;
}

void dmaeng_map_exit(void)
{
	dmaeng_mapdebug_exit();
	mempool_destroy(dmaeng_unmap_pool);
}
