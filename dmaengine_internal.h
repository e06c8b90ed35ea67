/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: what dmaengine_core.c and dmaengine_chan.c share.  Not for
 * providers or clients.
 */
#ifndef _DMAENG_INTERNAL_H
#define _DMAENG_INTERNAL_H

#include <linux/mutex.h>
#include <kunit/visibility.h>
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
int dmaeng_chan_results_alloc(struct dmaeng_chan *chan);
void dmaeng_chan_results_free(struct dmaeng_chan *chan);
void dmaeng_chan_stats_read(struct dmaeng_chan *chan,
			    struct dmaeng_chan_stats *sum);
int dmaeng_class_init(void);
void dmaeng_class_exit(void);

/* dmaengine_map.c: the mapping helpers */
struct dentry;
struct dmaeng_client;

int dmaeng_map_init(struct dentry *parent);
void dmaeng_map_exit(void);

/* dmaengine_mapdebug.c: the mapping-debug layer, under the helpers */
enum dmaeng_map_counter {
	DMAENG_MAP_ERRORS,
	DMAENG_MAP_NOT_CHECKED,
	DMAENG_UNMAP_ERRORS,
	DMAENG_MAP_OUTSTANDING,
};

/* What made a mapping: dmaeng_map_page(), _single() or _sg(). */
enum dmaeng_map_kind { KIND_PAGE, KIND_SINGLE, KIND_SG };

int dmaeng_mapdebug_init(struct dentry *parent);
void dmaeng_mapdebug_exit(void);
int dmaeng_map_dev_alloc(struct dmaeng_device *ddev);
void dmaeng_map_dev_free(struct dmaeng_device *ddev);
void dmaeng_track(struct dmaeng_chan *chan, const struct dmaeng_client *owner,
		  dma_addr_t addr, size_t size, int dir, int kind, bool failed,
		  bool checked, unsigned long caller);
bool dmaeng_untrack(struct dmaeng_chan *chan, dma_addr_t addr, size_t *size,
		    int *dir, int *kind, unsigned long caller);
void dmaeng_map_note_checked(struct dmaeng_chan *chan, dma_addr_t addr,
			     unsigned long caller);
void dmaeng_map_client_gone(const struct dmaeng_client *client);
void dmaeng_map_chan_gone(const struct dmaeng_chan *chan);
void dmaeng_map_device_gone(const struct dmaeng_device *ddev);
extern bool dmaeng_map_on;
void __dmaeng_map_note_use(struct dmaeng_chan *chan, dma_addr_t addr,
			   unsigned long caller);

/*
 * A prep uses @addr: was its mapping checked?  Inline, so that a prep pays
 * one load for it while the mapping-debug layer is off.
 */
static inline void dmaeng_map_note_use(struct dmaeng_chan *chan,
				       dma_addr_t addr)
{
	if (READ_ONCE(dmaeng_map_on))
		__dmaeng_map_note_use(chan, addr, _THIS_IP_);
}

ssize_t dmaeng_map_show(struct dmaeng_chan *chan, enum dmaeng_map_counter c,
			char *buf);
/* KUnit only (EXPORT_SYMBOL_IF_KUNIT). */
#if IS_ENABLED(CONFIG_KUNIT)
struct module;
void dmaeng_module_state_changed(struct module *mod, unsigned long state);
unsigned long dmaeng_table_rebalances(void);
#endif
/* dmaengine_mapdebug.c, KUnit only (namespace DMAENG_KUNIT). */
void dmaeng_mapdebug_test_track(struct dmaeng_chan *chan, dma_addr_t addr,
				size_t size);
bool dmaeng_mapdebug_test_untrack(struct dmaeng_chan *chan, dma_addr_t addr,
				  size_t size);

#endif /* _DMAENG_INTERNAL_H */
