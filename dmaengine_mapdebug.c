// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng mapping-debug layer: the tracking behind the mapping helpers of
 * dmaengine_map.c, its counters, leak reports, debugfs and sysfs figures.
 *
 * Whatever the layer's state, it counts per dmaeng device the helper
 * mappings that failed (map_errors) and those that are live (outstanding).
 *
 * With the layer on (debug_mappings=1, or debugfs dmaeng/mapdebug/enable),
 * every live mapping has an entry, hashed by (device, DMA address), with
 * its size, direction, kind, owner, channel and caller, and:
 *  - an unmap with the wrong size, direction or kind is counted in
 *    unmap_errors and done with the values recorded at map time; an unmap
 *    of an unknown address (or a second unmap) is counted and not passed to
 *    the DMA API, which would corrupt its state;
 *  - a mapping unmapped, or used in dmaeng_prep_memcpy(), before
 *    dmaeng_mapping_error() was called on it counts in
 *    map_errors_not_checked (the helpers check the DMA API's result
 *    themselves, so the kernel's own dma-debug sees no unchecked mapping);
 *  - leaks get a warning per mapping (up to DMAENG_LEAK_REPORTS) naming its
 *    owner and caller, each mapping once: a client unregistering with
 *    mappings it owns live; a channel whose last reference goes with
 *    mappings live on it; a device unregistering with mappings live on
 *    channels nobody holds (a held channel of a hot-unplugged device is
 *    still its clients' to unmap).
 * Mappings made while the layer was off have no entry: each device counts
 * them (untracked), and an unmap that finds no entry while some are left
 * is taken as one of them, not as an error.  Switching the layer off turns
 * every entry back into such a count.
 *
 * Entries come from a pool of page-sized blocks which grows on demand and
 * never shrinks, so the layer never turns itself off for lack of entries.
 * The counters live in a struct dmaeng_map_dev per dmaeng device (not in
 * struct device), which entries keep alive after the device is gone.
 *
 * Locking (no dmaeng_lock here; all but the leak scans may run wherever a
 * spinlock_t may be taken, interrupt handlers included; see client.h on
 * PREEMPT_RT):
 * dmaeng_map_mode (rwlock) is held for reading by every tracking step and
 * for writing to switch the layer; each hash bucket has a spinlock; the
 * pool has its own spinlock.  The leak scans run in process context
 * (those for a client or a channel under dmaeng's registry mutex): they
 * hold dmaeng_map_mode for a batch of buckets at a time, rescheduling in
 * between, and return at once when nothing is tracked.
 */

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include "dmaengine_internal.h"

#define DMAENG_MAP_HASH_BITS	14
#define DMAENG_LEAK_REPORTS	8	/* warnings per leak event */
#define DMAENG_MAP_SCAN_BATCH	64	/* buckets per hold of the mode lock */
static_assert((1U << DMAENG_MAP_HASH_BITS) % DMAENG_MAP_SCAN_BATCH == 0);

static const char * const dmaeng_kind_names[] = { "page", "single", "sg" };

static const char *dmaeng_dir_name(int dir)
{
	static const char * const names[] = {
		[DMA_BIDIRECTIONAL] = "bidirectional",
		[DMA_TO_DEVICE] = "to device",
		[DMA_FROM_DEVICE] = "from device",
		[DMA_NONE] = "none",
	};

	return dir >= 0 && dir < ARRAY_SIZE(names) ? names[dir] : "?";
}

struct dmaeng_map_entry {
	struct hlist_node node;		/* hash bucket, or the free list */
	struct dmaeng_map_dev *md;
	struct device *dev;
	dma_addr_t addr;
	size_t size;			/* bytes, or nents for KIND_SG */
	const struct dmaeng_client *owner;
	const struct dmaeng_chan *chan;	/* compared, never dereferenced */
	unsigned long caller;
	int chan_id;
	u8 dir;
	u8 kind;
	bool checked;
	bool use_reported;
	bool leak_reported;
};

struct dmaeng_map_bucket {
	spinlock_t lock;		/* the entries of this bucket */
	struct hlist_head head;
};

bool dmaeng_map_on;	/* read without the lock by dmaeng_map_note_use() */
static DEFINE_RWLOCK(dmaeng_map_mode);	/* dmaeng_map_on and the entries */
static struct dmaeng_map_bucket *dmaeng_map_hash;
static LIST_HEAD(dmaeng_map_devs);	/* every dmaeng_map_dev */
static DEFINE_SPINLOCK(dmaeng_map_devs_lock);
static struct dentry *dmaeng_map_debugfs;

/* The entry pool: page-sized blocks, never freed while the module lives. */
static DEFINE_SPINLOCK(dmaeng_pool_lock);
static HLIST_HEAD(dmaeng_pool_free);
static LIST_HEAD(dmaeng_pool_blocks);
static unsigned long nr_total_entries, num_free_entries, min_free_entries;
static unsigned long nr_growths, nr_grow_failures;

/* System-wide totals, kept beside the per-device counters. */
static atomic64_t total_map_errors, total_not_checked, total_unmap_errors;
static atomic64_t total_leaks;

/* The count per device, under dmaeng's own name for it. */
struct dmaeng_map_dev {
	struct kref kref;
	struct list_head node;
	char name[48];
	struct device *dev;		/* NULL once the device is gone */
	atomic64_t map_errors;
	atomic64_t not_checked;
	atomic64_t unmap_errors;
	atomic64_t leaks;
	atomic_t outstanding;		/* every live helper mapping */
	atomic_t untracked;		/* ... of which have no entry */
};

static void dmaeng_map_dev_release(struct kref *kref)
{
	struct dmaeng_map_dev *md = container_of(kref, struct dmaeng_map_dev,
						 kref);
	unsigned long flags;

	spin_lock_irqsave(&dmaeng_map_devs_lock, flags);
	list_del(&md->node);
	spin_unlock_irqrestore(&dmaeng_map_devs_lock, flags);
	kfree(md);
}

static void dmaeng_map_dev_put(struct dmaeng_map_dev *md)
{
	kref_put(&md->kref, dmaeng_map_dev_release);
}

/* Counters for a device being registered. */
int dmaeng_map_dev_alloc(struct dmaeng_device *ddev)
{
	struct dmaeng_map_dev *md;
	unsigned long flags;

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	kref_init(&md->kref);
	snprintf(md->name, sizeof(md->name), "dma%d %s", ddev->dev_id,
		 dev_name(ddev->dev));
	md->dev = ddev->dev;
	spin_lock_irqsave(&dmaeng_map_devs_lock, flags);
	list_add_tail(&md->node, &dmaeng_map_devs);
	spin_unlock_irqrestore(&dmaeng_map_devs_lock, flags);
	ddev->map = md;
	return 0;
}

void dmaeng_map_dev_free(struct dmaeng_device *ddev)
{
	if (ddev->map) {
		WRITE_ONCE(ddev->map->dev, NULL);
		dmaeng_map_dev_put(ddev->map);
		ddev->map = NULL;
	}
}

static struct dmaeng_map_bucket *dmaeng_bucket(struct device *dev,
					       dma_addr_t addr)
{
	return &dmaeng_map_hash[hash_long((unsigned long)addr ^
					  ((unsigned long)dev >> 4),
					  DMAENG_MAP_HASH_BITS)];
}

/* Add a page-sized block of entries.  Under dmaeng_pool_lock. */
static bool dmaeng_pool_grow(gfp_t gfp)
{
	struct dmaeng_map_entry *e;
	unsigned int i, n = (PAGE_SIZE - sizeof(struct list_head)) / sizeof(*e);
	struct list_head *block;

	block = (void *)__get_free_page(gfp | __GFP_NOWARN);
	if (!block) {
		nr_grow_failures++;
		return false;
	}
	list_add(block, &dmaeng_pool_blocks);
	e = (void *)(block + 1);
	for (i = 0; i < n; i++)
		hlist_add_head(&e[i].node, &dmaeng_pool_free);
	nr_total_entries += n;
	num_free_entries += n;
	nr_growths++;
	return true;
}

static struct dmaeng_map_entry *dmaeng_entry_alloc(void)
{
	struct dmaeng_map_entry *e = NULL;
	unsigned long flags;

	spin_lock_irqsave(&dmaeng_pool_lock, flags);
	if (!num_free_entries)
		dmaeng_pool_grow(GFP_ATOMIC);
	if (num_free_entries) {
		e = hlist_entry(dmaeng_pool_free.first, struct dmaeng_map_entry,
				node);
		hlist_del(&e->node);
		if (--num_free_entries < min_free_entries)
			min_free_entries = num_free_entries;
	}
	spin_unlock_irqrestore(&dmaeng_pool_lock, flags);
	return e;
}

static void dmaeng_entry_free(struct dmaeng_map_entry *e)
{
	unsigned long flags;

	spin_lock_irqsave(&dmaeng_pool_lock, flags);
	hlist_add_head(&e->node, &dmaeng_pool_free);
	num_free_entries++;
	spin_unlock_irqrestore(&dmaeng_pool_lock, flags);
}

/* Record a mapping the DMA API returned (@addr may be its error value). */
void dmaeng_track(struct dmaeng_chan *chan, const struct dmaeng_client *owner,
		  dma_addr_t addr, size_t size, int dir, int kind, bool failed,
		  bool checked, unsigned long caller)
{
	struct dmaeng_map_dev *md = chan->device->map;
	struct dmaeng_map_bucket *b;
	struct dmaeng_map_entry *e;
	unsigned long flags;

	if (failed) {
		atomic64_inc(&md->map_errors);
		atomic64_inc(&total_map_errors);
		return;
	}
	read_lock_irqsave(&dmaeng_map_mode, flags);
	atomic_inc(&md->outstanding);
	e = dmaeng_map_on ? dmaeng_entry_alloc() : NULL;
	if (!e) {
		atomic_inc(&md->untracked);
		read_unlock_irqrestore(&dmaeng_map_mode, flags);
		return;
	}
	kref_get(&md->kref);
	e->md = md;
	e->dev = chan->device->dev;
	e->addr = addr;
	e->size = size;
	e->owner = owner;
	e->chan = chan;
	e->chan_id = chan->chan_id;
	e->caller = caller;
	e->dir = dir;
	e->kind = kind;
	e->checked = checked;
	e->use_reported = false;
	e->leak_reported = false;
	b = dmaeng_bucket(e->dev, addr);
	spin_lock(&b->lock);
	hlist_add_head(&e->node, &b->head);
	spin_unlock(&b->lock);
	read_unlock_irqrestore(&dmaeng_map_mode, flags);
}

static void dmaeng_map_warn(struct dmaeng_map_dev *md, const char *fmt, ...)
{
	struct va_format vaf;
	struct device *dev = READ_ONCE(md->dev);
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (dev)
		dev_warn_ratelimited(dev, "dmaeng: %pV", &vaf);
	else
		pr_warn_ratelimited("dmaeng: %s: %pV", md->name, &vaf);
	va_end(args);
}

static void dmaeng_count_unmap_error(struct dmaeng_map_dev *md)
{
	atomic64_inc(&md->unmap_errors);
	atomic64_inc(&total_unmap_errors);
}

static void dmaeng_count_not_checked(struct dmaeng_map_dev *md,
				     struct dmaeng_map_entry *e,
				     const char *how, unsigned long caller)
{
	atomic64_inc(&md->not_checked);
	atomic64_inc(&total_not_checked);
	dmaeng_map_warn(md, "%s %s mapping %p+%zu without dmaeng_mapping_error(), mapped at %pS, %s at %pS\n",
			how, dmaeng_kind_names[e->kind],
			dmaeng_addr_hashed(e->addr), e->size,
			(void *)e->caller, how, (void *)caller);
}

/*
 * Forget the mapping at @addr.  *@size, *@dir, *@kind: what the caller
 * passes, corrected to what was mapped.  Return: whether to unmap.
 */
bool dmaeng_untrack(struct dmaeng_chan *chan, dma_addr_t addr, size_t *size,
		    int *dir, int *kind, unsigned long caller)
{
	struct dmaeng_map_dev *md = chan->device->map;
	struct device *dev = chan->device->dev;
	struct dmaeng_map_entry *e, *found = NULL;
	struct dmaeng_map_bucket *b;
	unsigned long flags;
	bool ok = true;

	read_lock_irqsave(&dmaeng_map_mode, flags);
	if (!dmaeng_map_on) {
		if (atomic_dec_if_positive(&md->untracked) >= 0)
			atomic_dec(&md->outstanding);
		goto out;
	}
	b = dmaeng_bucket(dev, addr);
	spin_lock(&b->lock);
	hlist_for_each_entry(e, &b->head, node) {
		if (e->dev != dev || e->addr != addr)
			continue;
		found = e;
		if (e->size == *size && e->dir == *dir && e->kind == *kind)
			break;
	}
	if (found)
		hlist_del(&found->node);
	spin_unlock(&b->lock);

	if (!found) {
		if (atomic_dec_if_positive(&md->untracked) >= 0) {
			atomic_dec(&md->outstanding);	/* mapped while off */
			goto out;
		}
		dmaeng_count_unmap_error(md);
		dmaeng_map_warn(md, "unmap of unknown address %p (never mapped, or unmapped twice) at %pS\n",
				dmaeng_addr_hashed(addr), (void *)caller);
		ok = false;
		goto out;
	}

	atomic_dec(&md->outstanding);
	if (found->size != *size || found->dir != *dir || found->kind != *kind) {
		dmaeng_count_unmap_error(md);
		dmaeng_map_warn(md, "%s mapping %p+%zu %s unmapped as %s +%zu %s at %pS (mapped at %pS)\n",
				dmaeng_kind_names[found->kind],
				dmaeng_addr_hashed(addr),
				found->size, dmaeng_dir_name(found->dir),
				dmaeng_kind_names[*kind], *size,
				dmaeng_dir_name(*dir), (void *)caller,
				(void *)found->caller);
		/* Page and single unmap alike; sg cannot be mended. */
		ok = (found->kind == KIND_SG) == (*kind == KIND_SG);
		*size = found->size;
		*dir = found->dir;
	}
	if (!found->checked && !found->use_reported)
		dmaeng_count_not_checked(md, found, "unmapped", caller);
	dmaeng_map_dev_put(found->md);
	dmaeng_entry_free(found);
out:
	read_unlock_irqrestore(&dmaeng_map_mode, flags);
	return ok;
}

/* Mark the live mapping at @addr checked; or, @use, note an unchecked use. */
static void dmaeng_map_lookup_mark(struct dmaeng_chan *chan, dma_addr_t addr,
				   bool use, unsigned long caller)
{
	struct device *dev = chan->device->dev;
	struct dmaeng_map_bucket *b;
	struct dmaeng_map_entry *e;
	unsigned long flags;

	read_lock_irqsave(&dmaeng_map_mode, flags);
	if (!dmaeng_map_on)
		goto out;
	b = dmaeng_bucket(dev, addr);
	spin_lock(&b->lock);
	hlist_for_each_entry(e, &b->head, node) {
		if (e->dev != dev || e->addr != addr)
			continue;
		if (!use) {
			if (e->checked)
				continue;
			e->checked = true;
		} else if (!e->checked && !e->use_reported) {
			e->use_reported = true;
			dmaeng_count_not_checked(e->md, e, "used", caller);
		}
		break;
	}
	spin_unlock(&b->lock);
out:
	read_unlock_irqrestore(&dmaeng_map_mode, flags);
}

/* A prep at @caller uses @addr: was its mapping checked? */
void __dmaeng_map_note_use(struct dmaeng_chan *chan, dma_addr_t addr,
			   unsigned long caller)
{
	dmaeng_map_lookup_mark(chan, addr, true, caller);
}

/* dmaeng_mapping_error() was called on @addr: mark its mapping checked. */
void dmaeng_map_note_checked(struct dmaeng_chan *chan, dma_addr_t addr,
			     unsigned long caller)
{
	if (READ_ONCE(dmaeng_map_on) && addr != DMA_MAPPING_ERROR)
		dmaeng_map_lookup_mark(chan, addr, false, caller);
}

/* Are any entries out of the pool, that is, any mappings tracked? */
static bool dmaeng_map_tracking(void)
{
	unsigned long flags;
	bool any;

	spin_lock_irqsave(&dmaeng_pool_lock, flags);
	any = num_free_entries != nr_total_entries;
	spin_unlock_irqrestore(&dmaeng_pool_lock, flags);
	return any;
}

struct dmaeng_map_scan {
	const char *when;
	bool (*match)(const struct dmaeng_map_entry *e, const void *arg);
	const void *arg;
	bool forget;
	unsigned int n;		/* leaks found */
};

/*
 * Report the leaks of DMAENG_MAP_SCAN_BATCH buckets from @first, under the
 * layer's lock; false if the layer is off (its entries are gone).
 */
static bool dmaeng_map_report_batch(struct dmaeng_map_scan *sc,
				    unsigned int first)
{
	struct dmaeng_map_entry *e;
	unsigned long flags;
	unsigned int i;
	bool on;

	read_lock_irqsave(&dmaeng_map_mode, flags);
	on = dmaeng_map_on;
	for (i = first; on && i < first + DMAENG_MAP_SCAN_BATCH; i++) {
		spin_lock(&dmaeng_map_hash[i].lock);
		hlist_for_each_entry(e, &dmaeng_map_hash[i].head, node) {
			if (!sc->match(e, sc->arg))
				continue;
			if (e->leak_reported) {
				if (sc->forget)
					e->owner = NULL;
				continue;
			}
			e->leak_reported = true;
			atomic64_inc(&e->md->leaks);
			atomic64_inc(&total_leaks);
			if (sc->n++ < DMAENG_LEAK_REPORTS)
				dmaeng_map_warn(e->md, "%s with a live %s mapping %p+%zu %s on chan%d of %s, mapped at %pS\n",
						sc->when, dmaeng_kind_names[e->kind],
						dmaeng_addr_hashed(e->addr), e->size,
						dmaeng_dir_name(e->dir), e->chan_id,
						e->owner ? e->owner->name ?: "?" :
							   "no client",
						(void *)e->caller);
			if (sc->forget)
				e->owner = NULL;
		}
		spin_unlock(&dmaeng_map_hash[i].lock);
	}
	read_unlock_irqrestore(&dmaeng_map_mode, flags);
	return on;
}

/*
 * Leak reports: every live mapping for which @match() is true is reported
 * (up to DMAENG_LEAK_REPORTS) and counted.  @forget: the owner is going,
 * so the entries no longer name it.
 *
 * For a client or a channel this runs with dmaeng's registry mutex held,
 * so it must be quick when nothing leaked: with no mapping tracked at all
 * it returns at once.  Otherwise it scans every bucket, a batch at a time
 * under the layer's lock, rescheduling in between, so that interrupts are
 * never off for the whole scan.  While other mappings are live, the scan
 * still holds the registry mutex for its whole length: counts per client
 * and per device would let it skip those too.
 */
static void dmaeng_map_report(const char *when,
			      bool (*match)(const struct dmaeng_map_entry *e,
					    const void *arg),
			      const void *arg, bool forget)
{
	struct dmaeng_map_scan sc = {
		.when = when, .match = match, .arg = arg, .forget = forget,
	};
	unsigned int i;

	might_sleep();
	if (!dmaeng_map_tracking())
		return;
	for (i = 0; i < (1U << DMAENG_MAP_HASH_BITS);
	     i += DMAENG_MAP_SCAN_BATCH) {
		if (!dmaeng_map_report_batch(&sc, i))
			break;
		cond_resched();
	}
	if (sc.n > DMAENG_LEAK_REPORTS)
		pr_warn_ratelimited("dmaeng: %s: %u leaked mappings in all\n",
				    when, sc.n);
}

static bool dmaeng_match_owner(const struct dmaeng_map_entry *e,
			       const void *owner)
{
	return e->owner == owner;
}

static bool dmaeng_match_chan(const struct dmaeng_map_entry *e,
			      const void *chan)
{
	return e->chan == chan;
}

/* The device is unregistering, so its channels are still in memory. */
static bool dmaeng_match_dev(const struct dmaeng_map_entry *e,
			     const void *md)
{
	return e->md == md && !READ_ONCE(e->chan->client_count);
}

void dmaeng_map_client_gone(const struct dmaeng_client *client)
{
	dmaeng_map_report("client unregistering", dmaeng_match_owner, client,
			  true);
}

void dmaeng_map_chan_gone(const struct dmaeng_chan *chan)
{
	dmaeng_map_report("last reference to the channel dropped",
			  dmaeng_match_chan, chan, false);
}

void dmaeng_map_device_gone(const struct dmaeng_device *ddev)
{
	dmaeng_map_report("device unregistering", dmaeng_match_dev, ddev->map,
			  false);
}

/* Turn the layer on or off; off, the entries become untracked counts. */
static void dmaeng_map_switch(bool on)
{
	struct dmaeng_map_entry *e;
	struct hlist_node *tmp;
	unsigned long flags;
	unsigned int i;

	write_lock_irqsave(&dmaeng_map_mode, flags);
	if (on || !dmaeng_map_on) {
		dmaeng_map_on = on;
		write_unlock_irqrestore(&dmaeng_map_mode, flags);
		return;
	}
	dmaeng_map_on = false;
	for (i = 0; i < (1U << DMAENG_MAP_HASH_BITS); i++) {
		hlist_for_each_entry_safe(e, tmp, &dmaeng_map_hash[i].head,
					  node) {
			hlist_del(&e->node);
			atomic_inc(&e->md->untracked);
			dmaeng_map_dev_put(e->md);
			dmaeng_entry_free(e);
		}
	}
	write_unlock_irqrestore(&dmaeng_map_mode, flags);
}

static int dmaeng_map_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (dmaeng_map_hash)
		dmaeng_map_switch(on);
	else
		dmaeng_map_on = on;	/* at load: before dmaeng_mapdebug_init() */
	return 0;
}

static int dmaeng_map_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(dmaeng_map_on));
}

static const struct kernel_param_ops dmaeng_map_param_ops = {
	.set = dmaeng_map_param_set,
	.get = dmaeng_map_param_get,
};
module_param_cb(debug_mappings, &dmaeng_map_param_ops, NULL, 0644);
MODULE_PARM_DESC(debug_mappings, "Track every mapping made through the dmaeng helpers (default: 0); also debugfs dmaeng/mapdebug/enable");

/**
 * dmaeng_map_get_counters() - read the mapping counters of a channel's device
 * @chan: the channel
 * @c: filled in
 */
void dmaeng_map_get_counters(struct dmaeng_chan *chan,
			     struct dmaeng_map_counters *c)
{
	struct dmaeng_map_dev *md = chan->device->map;

	c->map_errors = atomic64_read(&md->map_errors);
	c->not_checked = atomic64_read(&md->not_checked);
	c->unmap_errors = atomic64_read(&md->unmap_errors);
	c->leaks = atomic64_read(&md->leaks);
	c->outstanding = atomic_read(&md->outstanding);
	c->untracked = atomic_read(&md->untracked);
}
EXPORT_SYMBOL_GPL(dmaeng_map_get_counters);

/**
 * dmaeng_map_get_totals() - read the system-wide mapping counters
 * @c: filled in; @outstanding and @untracked are not kept system-wide
 */
void dmaeng_map_get_totals(struct dmaeng_map_counters *c)
{
	c->map_errors = atomic64_read(&total_map_errors);
	c->not_checked = atomic64_read(&total_not_checked);
	c->unmap_errors = atomic64_read(&total_unmap_errors);
	c->leaks = atomic64_read(&total_leaks);
	c->outstanding = 0;
	c->untracked = 0;
}
EXPORT_SYMBOL_GPL(dmaeng_map_get_totals);

/**
 * dmaeng_map_get_pool_stats() - read the figures of the entry pool
 * @st: filled in
 */
void dmaeng_map_get_pool_stats(struct dmaeng_map_pool_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&dmaeng_pool_lock, flags);
	st->nr_total_entries = nr_total_entries;
	st->num_free_entries = num_free_entries;
	st->min_free_entries = min_free_entries;
	st->nr_growths = nr_growths;
	st->nr_grow_failures = nr_grow_failures;
	spin_unlock_irqrestore(&dmaeng_pool_lock, flags);
}
EXPORT_SYMBOL_GPL(dmaeng_map_get_pool_stats);

/**
 * dmaeng_mapdebug_enable() - switch the mapping-debug layer
 * @on: the new state
 *
 * The same switch as the debug_mappings parameter and debugfs
 * dmaeng/mapdebug/enable.
 *
 * Return: the previous state.
 */
bool dmaeng_mapdebug_enable(bool on)
{
	bool was = READ_ONCE(dmaeng_map_on);

	dmaeng_map_switch(on);
	return was;
}
EXPORT_SYMBOL_GPL(dmaeng_mapdebug_enable);

/**
 * dmaeng_mapdebug_test_track() - record a mapping without making it
 * @chan: the channel whose device it is for
 * @addr: the DMA address it would have
 * @size: its size
 *
 * For the KUnit suite only (namespace DMAENG_KUNIT): it grows the entry
 * pool to a million entries without a million DMA API mappings.
 */
void dmaeng_mapdebug_test_track(struct dmaeng_chan *chan, dma_addr_t addr,
				size_t size)
{
	dmaeng_track(chan, NULL, addr, size, DMA_TO_DEVICE, KIND_PAGE, false,
		     true, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(dmaeng_mapdebug_test_track, DMAENG_KUNIT);

/**
 * dmaeng_mapdebug_test_untrack() - forget a mapping recorded for a test
 * @chan: the channel whose device it is for
 * @addr: its DMA address
 * @size: its size
 *
 * For the KUnit suite only (namespace DMAENG_KUNIT).
 *
 * Return: false if the layer counted it as an unmap error.
 */
bool dmaeng_mapdebug_test_untrack(struct dmaeng_chan *chan, dma_addr_t addr,
				  size_t size)
{
	int dir = DMA_TO_DEVICE, kind = KIND_PAGE;

	return dmaeng_untrack(chan, addr, &size, &dir, &kind, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(dmaeng_mapdebug_test_untrack, DMAENG_KUNIT);

/* The counters of @chan's device, for sysfs. */
ssize_t dmaeng_map_show(struct dmaeng_chan *chan, enum dmaeng_map_counter c,
			char *buf)
{
	struct dmaeng_map_dev *md = chan->device->map;
	s64 v;

	switch (c) {
	case DMAENG_MAP_ERRORS:
		v = atomic64_read(&md->map_errors);
		break;
	case DMAENG_MAP_NOT_CHECKED:
		v = atomic64_read(&md->not_checked);
		break;
	case DMAENG_UNMAP_ERRORS:
		v = atomic64_read(&md->unmap_errors);
		break;
	default:
		v = atomic_read(&md->outstanding);
		break;
	}
	return sysfs_emit(buf, "%lld\n", v);
}

static int dmaeng_map_devices_show(struct seq_file *s, void *unused)
{
	struct dmaeng_map_dev *md;
	unsigned long flags;

	seq_puts(s, "device map_errors map_errors_not_checked unmap_errors outstanding untracked leaks\n");
	spin_lock_irqsave(&dmaeng_map_devs_lock, flags);
	list_for_each_entry(md, &dmaeng_map_devs, node)
		seq_printf(s, "%s%s %lld %lld %lld %d %d %lld\n", md->name,
			   READ_ONCE(md->dev) ? "" : " (gone)",
			   atomic64_read(&md->map_errors),
			   atomic64_read(&md->not_checked),
			   atomic64_read(&md->unmap_errors),
			   atomic_read(&md->outstanding),
			   atomic_read(&md->untracked),
			   atomic64_read(&md->leaks));
	spin_unlock_irqrestore(&dmaeng_map_devs_lock, flags);
	seq_printf(s, "total %lld %lld %lld - - %lld\n",
		   atomic64_read(&total_map_errors),
		   atomic64_read(&total_not_checked),
		   atomic64_read(&total_unmap_errors),
		   atomic64_read(&total_leaks));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmaeng_map_devices);

static int dmaeng_map_pool_show(struct seq_file *s, void *unused)
{
	unsigned long flags;

	spin_lock_irqsave(&dmaeng_pool_lock, flags);
	seq_printf(s, "nr_total_entries %lu\nnum_free_entries %lu\nmin_free_entries %lu\nnr_growths %lu\nnr_grow_failures %lu\n",
		   nr_total_entries, num_free_entries, min_free_entries,
		   nr_growths, nr_grow_failures);
	spin_unlock_irqrestore(&dmaeng_pool_lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmaeng_map_pool);

static int dmaeng_map_enable_get(void *data, u64 *val)
{
	*val = READ_ONCE(dmaeng_map_on);
	return 0;
}

static int dmaeng_map_enable_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	dmaeng_map_switch(val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(dmaeng_map_enable_fops, dmaeng_map_enable_get,
			 dmaeng_map_enable_set, "%llu\n");

static int dmaeng_pool_stat_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(unsigned long *)data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(dmaeng_pool_stat_fops, dmaeng_pool_stat_get, NULL,
			 "%llu\n");

/* The hash table, the first block of entries and debugfs dmaeng/mapdebug. */
int dmaeng_mapdebug_init(struct dentry *parent)
{
	unsigned int i, n = 1U << DMAENG_MAP_HASH_BITS;
	unsigned long flags;
	bool grown;

	dmaeng_map_hash = kvmalloc_array(n, sizeof(*dmaeng_map_hash),
					 GFP_KERNEL);
	if (!dmaeng_map_hash)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		spin_lock_init(&dmaeng_map_hash[i].lock);
		INIT_HLIST_HEAD(&dmaeng_map_hash[i].head);
	}
	spin_lock_irqsave(&dmaeng_pool_lock, flags);
	grown = dmaeng_pool_grow(GFP_ATOMIC);
	min_free_entries = num_free_entries;
	spin_unlock_irqrestore(&dmaeng_pool_lock, flags);
	if (!grown) {
		dmaeng_mapdebug_exit();
		return -ENOMEM;
	}

	dmaeng_map_debugfs = debugfs_create_dir("mapdebug", parent);
	debugfs_create_file("enable", 0600, dmaeng_map_debugfs, NULL,
			    &dmaeng_map_enable_fops);
	debugfs_create_file("devices", 0444, dmaeng_map_debugfs, NULL,
			    &dmaeng_map_devices_fops);
	debugfs_create_file("pool", 0444, dmaeng_map_debugfs, NULL,
			    &dmaeng_map_pool_fops);
	debugfs_create_file("nr_total_entries", 0444, dmaeng_map_debugfs,
			    &nr_total_entries, &dmaeng_pool_stat_fops);
	debugfs_create_file("num_free_entries", 0444, dmaeng_map_debugfs,
			    &num_free_entries, &dmaeng_pool_stat_fops);
	debugfs_create_file("min_free_entries", 0444, dmaeng_map_debugfs,
			    &min_free_entries, &dmaeng_pool_stat_fops);
	debugfs_create_file("nr_growths", 0444, dmaeng_map_debugfs,
			    &nr_growths, &dmaeng_pool_stat_fops);
	return 0;
}

/* Switch the layer off and free its memory. */
void dmaeng_mapdebug_exit(void)
{
	struct list_head *block, *tmp;

	dmaeng_map_switch(false);
	list_for_each_safe(block, tmp, &dmaeng_pool_blocks)
		free_page((unsigned long)block);
	INIT_LIST_HEAD(&dmaeng_pool_blocks);
	INIT_HLIST_HEAD(&dmaeng_pool_free);
	kvfree(dmaeng_map_hash);
	dmaeng_map_hash = NULL;
}
