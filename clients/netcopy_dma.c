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
 *
 * Aliased destinations.  A buffer may hold the same page twice (a file
 * mapped twice), and two receives may share a page (two threads, two
 * buffers on one page).  Two FROM_DEVICE mappings of one cache line are
 * not allowed by the DMA API, so a window claims its pages in a global
 * table when it is pinned, and keeps them until it is released.  A window
 * that holds a page twice, or one of whose pages another window holds, is
 * not offloaded: its chunks are copied by the CPU, in order, as recv(2)
 * would (fallback_shared).  Claims are only ever tried, never waited for.
 *
 * Clone memory.  The skb clones a window keeps until its DMA phase hold
 * data TCP has already uncharged from the socket; with a small copybreak a
 * peer sending tiny segments could make them many times the data.  So the
 * clones of a TCP window are charged against the socket's receive buffer:
 * their truesize stays within sk_rcvbuf, and a chunk that would pass it is
 * copied by the CPU at once (fallback_budget).  With the receive queue held
 * to sk_rcvbuf by TCP itself, each receive in progress on a socket holds
 * at most about twice its receive buffer, whatever copybreak.  (Adding the clones to sk_rmem_alloc
 * instead would close the advertised window, but nothing exported to
 * modules re-opens it when they are freed with the queue empty: the peer
 * would stall until its zero-window probe.)
 */

#include <linux/hash.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/sock.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include "netcopy.h"

/* Pages claimed by windows: see "Aliased destinations" above. */
#define NC_CLAIM_BITS	6
static struct hlist_head nc_claims[1 << NC_CLAIM_BITS];
static DEFINE_SPINLOCK(nc_claim_lock);

atomic64_t nc_clone_bytes, nc_clone_bytes_max;

static struct hlist_head *nc_claim_head(struct page *page)
{
	return &nc_claims[hash_ptr(page, NC_CLAIM_BITS)];
}

static bool nc_claim_try(struct nc_claim *cl)
{
	struct hlist_head *head = nc_claim_head(cl->page);
	struct nc_claim *other;

	hlist_for_each_entry(other, head, node)
		if (other->page == cl->page)
			return false;
	hlist_add_head(&cl->node, head);
	return true;
}

static int nc_page_cmp(const void *a, const void *b)
{
	const struct nc_claim *x = a, *y = b;

	return x->page < y->page ? -1 : x->page > y->page;
}

static void nc_window_unclaim(struct nc_window *win)
{
	unsigned int i;

	if (!win->nclaims)
		return;
	spin_lock(&nc_claim_lock);
	for (i = 0; i < win->nclaims; i++)
		hlist_del(&win->claims[i].node);
	spin_unlock(&nc_claim_lock);
	win->nclaims = 0;
}

/*
 * Claim the window's pages, or mark it for the CPU if one is there twice
 * or claimed by another window.
 */
static void nc_window_claim(struct nc_window *win)
{
	unsigned int i;

	for (i = 0; i < win->npages; i++)
		win->claims[i].page = win->pages[i];
	sort(win->claims, win->npages, sizeof(win->claims[0]), nc_page_cmp,
	     NULL);
	for (i = 1; i < win->npages; i++)
		if (win->claims[i].page == win->claims[i - 1].page)
			goto shared;
	spin_lock(&nc_claim_lock);
	for (i = 0; i < win->npages; i++) {
		if (!nc_claim_try(&win->claims[i])) {
			win->nclaims = i;
			spin_unlock(&nc_claim_lock);
			nc_window_unclaim(win);
			goto shared;
		}
	}
	win->nclaims = win->npages;
	spin_unlock(&nc_claim_lock);
	return;
shared:
	win->cpu_only = true;
	nc_count(NC_FALLBACK_SHARED, 1);
}

/**
 * nc_window_pin() - pin and claim a window of the caller's buffer
 * @win: the window; empty (nothing to release) if this fails
 * @sk: the socket to charge skb clones to, or NULL
 * @uaddr: where it starts
 * @len: how much is wanted; less is pinned if the window is full, or if
 *	the rest cannot be pinned now (it faults next time)
 *
 * Return: 0, or -EFAULT if not even the first page could be pinned.
 */
int nc_window_pin(struct nc_window *win, struct sock *sk, unsigned long uaddr,
		  size_t len)
{
	unsigned int first_off = offset_in_page(uaddr);
	unsigned int npages;
	int pinned;

	win->uaddr = uaddr;
	win->got = 0;
	win->first_off = first_off;
	win->npages = 0;
	win->nclaims = 0;
	win->cpu_only = false;
	win->err = 0;
	win->sk = sk;
	win->clone_bytes = 0;
	INIT_LIST_HEAD(&win->chunks);

	len = min_t(size_t, len, NC_WINDOW_PAGES * PAGE_SIZE - first_off);
	win->len = 0;
	npages = DIV_ROUND_UP(first_off + len, PAGE_SIZE);
	pinned = pin_user_pages_fast(uaddr & PAGE_MASK, npages, FOLL_WRITE,
				     win->pages);
	if (pinned <= 0)
		return pinned ?: -EFAULT;
	if (pinned < npages)
		len = pinned * PAGE_SIZE - first_off;
	win->len = len;
	win->npages = pinned;
	nc_window_claim(win);
	return 0;
}

/* Release a window: its claims, then its pins.  Its chunks are gone. */
void nc_window_release(struct nc_window *win)
{
	nc_window_unclaim(win);
	if (win->npages)
		unpin_user_pages_dirty_lock(win->pages, win->npages, true);
	win->npages = 0;
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
 * Charge a clone of @truesize bytes to the window's budget, or say it
 * does not fit: see "Clone memory" above.
 */
static void nc_uncharge(struct nc_window *win, unsigned int truesize)
{
	win->clone_bytes -= truesize;
	atomic64_sub(truesize, &nc_clone_bytes);
}

static bool nc_charge(struct nc_window *win, unsigned int truesize)
{
	s64 now, max;

	if (win->sk && win->clone_bytes + truesize > READ_ONCE(win->sk->sk_rcvbuf))
		return false;
	win->clone_bytes += truesize;
	now = atomic64_add_return(truesize, &nc_clone_bytes);
	max = atomic64_read(&nc_clone_bytes_max);
	while (now > max && !atomic64_try_cmpxchg(&nc_clone_bytes_max, &max, now))
		;
	return true;
}

/*
 * Place @len bytes at @off of @skb next in the window: by CPU now if the
 * chunk is small, else recorded for the DMA phase with a clone of @skb.
 */
int nc_take(struct nc_window *win, struct sk_buff *skb, unsigned int off,
	    unsigned int len)
{
	unsigned int copybreak = nc_copybreak();
	struct nc_chunk *c;
	int err;

	if (len < copybreak) {
		nc_count(NC_FALLBACK_SMALL, 1);
	} else if (win->cpu_only) {
		/* counted once per window, in nc_window_claim() */
	} else if (!nc_charge(win, skb->truesize)) {
		nc_count(NC_FALLBACK_BUDGET, 1);
	} else {
		c = kmalloc(sizeof(*c), GFP_KERNEL);
		if (c)
			c->skb = skb_clone(skb, GFP_KERNEL);
		if (c && c->skb) {
			c->charge = skb->truesize;
			c->skb_off = off;
			c->len = len;
			c->dst = win->got;
			c->failed = false;
			list_add_tail(&c->node, &win->chunks);
			win->got += len;
			return 0;
		}
		kfree(c);
		nc_uncharge(win, skb->truesize);
		nc_count(NC_FALLBACK_CLONE, 1);
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
	refcount_t inflight;			/* + 1 while submitting */
	struct completion done;
};

static void nc_xfer_done(void *param, enum dmaeng_result result)
{
	struct nc_xfer *x = param;

	x->result = result;
	if (refcount_dec_and_test(&x->dma->inflight))
		complete(&x->dma->done);
}

/*
 * Map each destination page over the bytes the window received in it.  A
 * window with a page in it twice is never offloaded (nc_window_claim()).
 */
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
	refcount_inc(&d->inflight);
	if (dmaeng_submit(tx) < 0) {
		refcount_dec(&d->inflight);
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
		if (!page)
			return -EFAULT;	/* not memory the CPU can address */
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
		refcount_set(&d->inflight, 1);
		init_completion(&d->done);
		nc_map_dst(d);
		list_for_each_entry(c, &win->chunks, node) {
			err = nc_queue_skb(d, c, c->skb, c->skb_off, c->len,
					   c->dst);
			if (err)
				c->failed = true;
		}
		dmaeng_issue_pending(d->chan);
		if (!refcount_dec_and_test(&d->inflight))
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
		nc_uncharge(win, c->charge);
		consume_skb(c->skb);
		kfree(c);
	}
}
