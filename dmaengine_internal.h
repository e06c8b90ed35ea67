/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: what dmaengine_core.c and dmaengine_chan.c share.  Not for
 * providers or clients.
 */
#ifndef _DMAENG_INTERNAL_H
#define _DMAENG_INTERNAL_H

#include <linux/mutex.h>
#include <dmaeng/provider.h>

extern struct mutex dmaeng_lock;

/* The class device behind /sys/class/dmaeng/dma<D>chan<C>. */
struct dmaeng_chan_dev {
	struct device device;
	struct dmaeng_chan *chan;	/* NULL once unregistering, dmaeng_lock */
};

struct dmaeng_chan_stats {
	unsigned long memcpy_count;
	unsigned long bytes_transferred;
};

int dmaeng_chan_init(struct dmaeng_chan *chan);
int dmaeng_chan_sysfs_add(struct dmaeng_chan *chan);
void dmaeng_chan_sysfs_del(struct dmaeng_chan *chan);
void dmaeng_chan_destroy(struct dmaeng_chan *chan);
void dmaeng_chan_stats_read(struct dmaeng_chan *chan,
			    struct dmaeng_chan_stats *sum);
int dmaeng_class_init(void);
void dmaeng_class_exit(void);

#endif /* _DMAENG_INTERNAL_H */
