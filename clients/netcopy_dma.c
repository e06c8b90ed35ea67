// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_netcopy: the copy into the caller's pages.
 *
 * The destination is a window of the caller's buffer pinned with
 * pin_user_pages_fast(FOLL_WRITE).  A pinned anonymous page stays the
 * caller's across fork(): the child gets a copy at fork time instead of
 * sharing it copy-on-write, so neither the child's writes nor the parent's
 * can move the page from under a copy in flight.  That is what NET_DMA got
 * wrong: it wrote into pages that copy-on-write had handed to another
 * process.
 *
 * The DMA phase maps each destination page once, over exactly the bytes the
 * window received in it (two FROM_DEVICE mappings must not share a cache
 * line), maps each source range of the held skb clones, and queues one copy
 * per piece that lies within one source range and one destination page;
 * each copy carries its source mapping in an unmap-data object, released
 * when it completes.  All mappings go through the dmaeng helpers.
 * After everything completed and was unmapped, a chunk any of whose pieces
 * failed is copied again by the CPU from its clone, so nothing is lost.
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include "netcopy.h"

int nc_window_pin(struct nc_window *win, unsigned long uaddr, size_t len)
{
	unsigned int first_off = offset_in_page(uaddr);
	unsigned int npages;
	int pinned;

	len = min_t(size_t, len, NC_WINDOW_PAGES * PAGE_SIZE - first_off);
	npages = DIV_ROUND_UP(first_off + len, PAGE_SIZE);
	pinned = pin_user_pages_fast(uaddr & PAGE_MASK, npages, FOLL_WRITE,
				     win->pages);
	if (pinned <= 0)
		return pinned ?: -EFAULT;
	/* Use what could be pinned; the rest faults next time. */
	if (pinned < npages)
		len = pinned * PAGE_SIZE - first_off;
	win->uaddr = uaddr;
	win->len = len;
	win->got = 0;
	win->first_off = first_off;
	win->npages = pinned;
	win->err = 0;
	INIT_LIST_HEAD(&win->chunks);
	return 0;
}

void nc_window_release(struct nc_window *win)
{
	unpin_user_pages_dirty_lock(win->pages, win->npages, true);
}

/* Copy @len bytes at @off of @skb to offset @dst of the window. */
int nc_cpu_copy(struct nc_window *win, const struct sk_buff *skb,
		unsigned int off, size_t dst, unsigned int len)
{
	size_t pos = win->first_off + dst;
	unsigned int n;
	void *kaddr;
	int err;

	while (len) {
		n = min_t(size_t, len, PAGE_SIZE - offset_in_page(pos));
		kaddr = kmap_local_page(win->pages[pos >> PAGE_SHIFT]);
		err = skb_copy_bits(skb, off, kaddr + offset_in_page(pos), n);
		kunmap_local(kaddr);
		if (err)
			return err;
		off += n;
		pos += n;
		len -= n;
	}
	return 0;
}

/*
 * Place @len bytes at @off of @skb next in the window: by CPU now if the
 * chunk is small, else recorded for the DMA phase with a clone of @skb.
 */
int nc_take(struct nc_window *win, struct sk_buff *skb, unsigned int off,
	    unsigned int len)
{
	struct nc_chunk *c;
	int err;

	if (len >= nc_copybreak()) {
		c = kmalloc(sizeof(*c), GFP_KERNEL);
		if (c)
			c->skb = skb_clone(skb, GFP_KERNEL);
		if (c && c->skb) {
			c->skb_off = off;
			c->len = len;
			c->dst = win->got;
			c->failed = false;
			list_add_tail(&c->node, &win->chunks);
			win->got += len;
			return 0;
		}
		kfree(c);
		nc_count(NC_FALLBACK_CLONE, 1);
	} else {
		nc_count(NC_FALLBACK_SMALL, 1);
	}
	err = nc_cpu_copy(win, skb, off, win->got, len);
	if (err)
		return err;
	nc_count(NC_BYTES_CPU, len);
	win->got += len;
	return 0;
}

/* One copy in flight: a piece of a chunk; its source mapping goes with it. */
struct nc_xfer {
	struct list_head node;
	struct nc_chunk *chunk;
	enum dmaeng_result result;
	struct nc_dma *dma;
};

/* The state of one DMA phase. */
struct nc_dma {
	struct dmaeng_chan *chan;
	struct nc_window *win;
	dma_addr_t dst[NC_WINDOW_PAGES];	/* per page, or DMA_MAPPING_ERROR */
	unsigned int dst_lo[NC_WINDOW_PAGES];	/* mapped from this offset */
	unsigned int dst_len[NC_WINDOW_PAGES];
	struct list_head xfers;
	atomic_t inflight;			/* + 1 while submitting */
	struct completion done;
};

static void nc_xfer_done(void *param, enum dmaeng_result result)
{
	struct nc_xfer *x = param;

	x->result = result;
	if (atomic_dec_and_test(&x->dma->inflight))
		complete(&x->dma->done);
}

/* Map each destination page over the bytes the window received in it. */
static void nc_map_dst(struct nc_dma *d)
{
	struct nc_window *win = d->win;
	size_t start = win->first_off, end = win->first_off + win->got;
	size_t lo, hi;
	unsigned int i;

	for (i = 0; i < win->npages; i++) {
		d->dst[i] = DMA_MAPPING_ERROR;
		lo = max_t(size_t, start, (size_t)i * PAGE_SIZE);
		hi = min_t(size_t, end, (size_t)(i + 1) * PAGE_SIZE);
		if (lo >= hi)
			continue;
		d->dst_lo[i] = offset_in_page(lo);
		d->dst_len[i] = hi - lo;
		d->dst[i] = dmaeng_map_page(d->chan, nc_owner(), win->pages[i],
					    d->dst_lo[i], d->dst_len[i],
					    DMA_FROM_DEVICE);
		if (dmaeng_mapping_error(d->chan, d->dst[i])) {
			d->dst[i] = DMA_MAPPING_ERROR;
			nc_count(NC_FALLBACK_MAP, 1);
		}
	}
}

static void nc_unmap_dst(struct nc_dma *d)
{
	unsigned int i;

	for (i = 0; i < d->win->npages; i++)
		if (d->dst[i] != DMA_MAPPING_ERROR)
			dmaeng_unmap_page(d->chan, d->dst[i], d->dst_len[i],
					  DMA_FROM_DEVICE);
}

/* Queue a copy of @len bytes from @page+@poff to window offset @dst. */
static int nc_queue(struct nc_dma *d, struct nc_chunk *c, struct page *page,
		    unsigned long poff, size_t dst, unsigned int len)
{
	size_t pos = d->win->first_off + dst;
	unsigned int i = pos >> PAGE_SHIFT;
	struct dmaeng_tx *tx;
	struct nc_xfer *x;

	struct dmaeng_unmap_data *unmap;
	dma_addr_t src;

	if (d->dst[i] == DMA_MAPPING_ERROR)
		return -ENOMEM;		/* counted when mapping */
	x = kmalloc(sizeof(*x), GFP_KERNEL);
	unmap = dmaeng_get_unmap_data(d->chan, GFP_KERNEL);
	if (!x || !unmap)
		goto free;
	src = dmaeng_map_page(d->chan, nc_owner(), page, poff, len,
			      DMA_TO_DEVICE);
	if (dmaeng_mapping_error(d->chan, src)) {
		nc_count(NC_FALLBACK_MAP, 1);
		goto free;
	}
	unmap->to_cnt = 1;
	unmap->len = len;
	unmap->addr[0] = src;
	tx = dmaeng_prep_memcpy(d->chan,
				d->dst[i] + offset_in_page(pos) - d->dst_lo[i],
				src, len, DMAENG_PREP_INTERRUPT);
	if (!tx) {
		nc_count(NC_FALLBACK_PREP, 1);
		goto free;
	}
	x->chunk = c;
	x->dma = d;
	x->result = DMAENG_RESULT_ERROR;
	tx->callback = nc_xfer_done;
	tx->callback_param = x;
	dmaeng_set_unmap(tx, unmap);
	atomic_inc(&d->inflight);
	if (dmaeng_submit(tx) < 0) {
		atomic_dec(&d->inflight);
		nc_count(NC_FALLBACK_SUBMIT, 1);
		goto free;
	}
	dmaeng_unmap_put(unmap);
	list_add_tail(&x->node, &d->xfers);
	return 0;
free:
	dmaeng_unmap_put(unmap);	/* unmaps src if it was mapped */
	kfree(x);
	return -EIO;
}

/*
 * Queue the copies of @c: walk its data in @skb (the head, the page
 * fragments, then the frag_list skbs) and cut it at destination pages.
 */
static int nc_queue_skb(struct nc_dma *d, struct nc_chunk *c,
			struct sk_buff *skb, unsigned int off,
			unsigned int len, size_t dst)
{
	unsigned int start = 0, end, n, i, piece;
	struct sk_buff *frag;
	struct page *page = NULL;
	unsigned long poff = 0;
	int err;

	while (len) {
		/* The contiguous source range at @off: head or a fragment. */
		end = skb_headlen(skb);
		if (off < end) {
			page = virt_to_page(skb->data + off);
			poff = offset_in_page(skb->data + off);
			n = min(len, end - off);
		} else {
			n = 0;
			start = end;
			for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
				const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

				end = start + skb_frag_size(f);
				if (off < end) {
					page = skb_frag_page(f);
					poff = skb_frag_off(f) + off - start;
					n = min(len, end - off);
					break;
				}
				start = end;
			}
		}
		if (!n)
			break;
		/*
		 * A head or a (compound page) fragment is physically
		 * contiguous: cut only at destination page boundaries.
		 */
		while (n) {
			piece = min_t(size_t, n, PAGE_SIZE -
				      offset_in_page(d->win->first_off + dst));
			err = nc_queue(d, c, page, poff, dst, piece);
			if (err)
				return err;
			poff += piece;
			off += piece;
			dst += piece;
			len -= piece;
			n -= piece;
		}
	}
	if (!len)
		return 0;

	/* What is left lies in the frag_list skbs. */
	start = skb_headlen(skb);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		start += skb_frag_size(&skb_shinfo(skb)->frags[i]);
	skb_walk_frags(skb, frag) {
		end = start + frag->len;
		if (off < end) {
			n = min(len, end - off);
			err = nc_queue_skb(d, c, frag, off - start, n, dst);
			if (err)
				return err;
			off += n;
			dst += n;
			len -= n;
			if (!len)
				return 0;
		}
		start = end;
	}
	return len ? -EFAULT : 0;
}

/*
 * The DMA phase of a window: copy every recorded chunk with a channel, or
 * by CPU where that is not possible, then release the chunks.
 */
void nc_dma_window(struct nc_window *win)
{
	struct nc_xfer *x, *xtmp;
	struct nc_chunk *c, *ctmp;
	struct nc_dma *d;
	int err;

	if (list_empty(&win->chunks))
		return;
	d = kmalloc(sizeof(*d), GFP_KERNEL);
	if (d) {
		d->chan = nc_begin_dma();
		if (!d->chan) {
			nc_end_dma(false);
			kfree(d);
			d = NULL;
			list_for_each_entry(c, &win->chunks, node)
				nc_count(NC_FALLBACK_NO_CHANNEL, 1);
		}
	}
	if (d) {
		d->win = win;
		INIT_LIST_HEAD(&d->xfers);
		atomic_set(&d->inflight, 1);
		init_completion(&d->done);
		nc_map_dst(d);
		list_for_each_entry(c, &win->chunks, node) {
			err = nc_queue_skb(d, c, c->skb, c->skb_off, c->len,
					   c->dst);
			if (err)
				c->failed = true;
		}
		dmaeng_issue_pending(d->chan);
		if (!atomic_dec_and_test(&d->inflight))
			wait_for_completion(&d->done);
		/* Unmap before the phase ends: then the channel may go. */
		nc_unmap_dst(d);
		nc_end_dma(true);

		list_for_each_entry_safe(x, xtmp, &d->xfers, node) {
			if (x->result != DMAENG_RESULT_OK && !x->chunk->failed) {
				x->chunk->failed = true;
				nc_count(NC_FALLBACK_DMA_ERROR, 1);
			}
			kfree(x);
		}
		kfree(d);
	}

	/* Unmapped: the CPU may write the pages now. */
	list_for_each_entry_safe(c, ctmp, &win->chunks, node) {
		if (!d || c->failed) {
			err = nc_cpu_copy(win, c->skb, c->skb_off, c->dst, c->len);
			if (err && !win->err)
				win->err = err;
			nc_count(NC_BYTES_CPU, c->len);
		} else {
			nc_count(NC_BYTES_OFFLOADED, c->len);
		}
		list_del(&c->node);
		consume_skb(c->skb);
		kfree(c);
	}
}
