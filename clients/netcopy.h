/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng_netcopy: what its three files share.  See netcopy_main.c.
 */
#ifndef _DMAENG_NETCOPY_H
#define _DMAENG_NETCOPY_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/skbuff.h>

struct sock;

/* User pages pinned at a time: the receive window. */
#define NC_WINDOW_PAGES		64

/* Counters, shown in debugfs dmaeng_netcopy/stats. */
enum nc_stat {
	NC_IOCTLS,
	NC_BYTES_OFFLOADED,
	NC_BYTES_CPU,
	NC_FALLBACK_SMALL,	/* chunk below copybreak */
	NC_FALLBACK_NO_CHANNEL,
	NC_FALLBACK_CLONE,	/* no skb clone to hold the data */
	NC_FALLBACK_BUDGET,	/* clones would pass the receive buffer */
	NC_FALLBACK_SHARED,	/* a window with a page aliased or shared */
	NC_FALLBACK_MAP,	/* a DMA mapping failed */
	NC_FALLBACK_PREP,
	NC_FALLBACK_SUBMIT,
	NC_FALLBACK_DMA_ERROR,	/* the copy completed with an error */
	NC_REGISTRATIONS,
	NC_UNREGISTRATIONS,
	NC_REFS_TAKEN,		/* channel references, at registration */
	NC_REFS_DROPPED,	/* channel references, at unregistration */
	NC_IDLE_RELEASES,
	NC_NR_STATS,
};

extern atomic64_t nc_stats[NC_NR_STATS];
/* Bytes (truesize) of skb clones held now, and the most ever held. */
extern atomic64_t nc_clone_bytes, nc_clone_bytes_max;

static inline void nc_count(enum nc_stat s, s64 n)
{
	atomic64_add(n, &nc_stats[s]);
}

/* A chunk of received data the DMA phase will copy. */
struct nc_chunk {
	struct list_head node;
	struct sk_buff *skb;	/* a clone: keeps the data until copied */
	unsigned int skb_off;
	unsigned int len;
	size_t dst;		/* offset in the window */
	unsigned int charge;	/* truesize charged to the window */
	bool failed;		/* copy it by CPU after the DMA phase */
};

/* A destination page claimed by a window (netcopy_dma.c). */
struct nc_claim {
	struct hlist_node node;
	struct page *page;
};

/*
 * A window of the caller's buffer, pinned and claimed for DMA.  Filled in
 * order: small chunks are copied by the CPU at once, larger ones recorded
 * in @chunks and copied in the DMA phase.
 */
struct nc_window {
	unsigned long uaddr;
	size_t len;
	size_t got;		/* bytes placed or recorded */
	unsigned int first_off;	/* offset of uaddr in pages[0] */
	unsigned int npages;
	unsigned int nclaims;
	bool cpu_only;		/* a page shared or aliased: no DMA */
	struct sock *sk;	/* clones are charged against its sk_rcvbuf */
	unsigned int clone_bytes;	/* truesize of the clones held */
	struct page *pages[NC_WINDOW_PAGES];
	struct nc_claim claims[NC_WINDOW_PAGES];
	struct list_head chunks;
	int err;
};

int nc_window_pin(struct nc_window *win, struct sock *sk, unsigned long uaddr,
		  size_t len);
void nc_window_release(struct nc_window *win);
int nc_take(struct nc_window *win, struct sk_buff *skb, unsigned int off,
	    unsigned int len);
void nc_dma_window(struct nc_window *win);
int nc_cpu_copy(struct nc_window *win, const struct sk_buff *skb,
		unsigned int off, size_t dst, unsigned int len);

long nc_recv(struct socket *sock, unsigned long ubuf, size_t len,
	     unsigned int flags, bool nonblock);

/* From netcopy_main.c: the channel for a DMA phase, under nc_begin_dma(). */
struct dmaeng_chan *nc_begin_dma(void);
void nc_end_dma(bool used);
int nc_copybreak(void);
const struct dmaeng_client *nc_owner(void);

#endif /* _DMAENG_NETCOPY_H */
