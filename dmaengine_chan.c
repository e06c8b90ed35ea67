// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng channels: the class devices behind /sys/class/dmaeng/dma<D>chan<C>,
 * cookies, descriptor submission and completion, and per-channel counters.
 * The locking and lifetime rules are written once, in dmaengine_core.c.
 *
 * Failed cookies: while a channel has resources, chan->results is a ring
 * of DMAENG_RESULTS_RING bits, one per cookie ((cookie - 1) %
 * DMAENG_RESULTS_RING; cookies wrap from DMAENG_MAX_COOKIE, a multiple of
 * the ring, to 1, so consecutive cookies always have consecutive slots),
 * set when the cookie completed with an error or was aborted.  It is
 * allocated with the resources (GFP_KERNEL, at the first reference), so
 * neither submission nor completion allocates.  dmaeng_cookie_assign()
 * clears the slot of the new cookie; if the slot still held a failure, the
 * cookie DMAENG_RESULTS_RING before it is remembered in chan->aged_error
 * (written, with the new cookie, before the bit is cleared; a reader that
 * finds the bit clear re-reads the cookie, so it either sees the failure in
 * the ring or sees the cookie out of the ring and finds aged_error).
 * So the result of each of the last DMAENG_RESULTS_RING cookies is exact;
 * an older cookie reports DMAENG_ERROR if a failure at or after it aged
 * out of the ring (it may have failed), DMAENG_COMPLETE otherwise: a failed
 * cookie never reads as complete.  At most DMAENG_RESULTS_RING cookies may
 * be in flight on a channel (dmaeng_cookie_assign() refuses more).
 */

#include <linux/device.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include "dmaengine_internal.h"

#define DMAENG_MIN_COOKIE	1
#define DMAENG_RESULTS_RING	BIT(16)	/* cookies whose result is exact */

static_assert(DMAENG_MAX_COOKIE % DMAENG_RESULTS_RING == 0);

static unsigned long dmaeng_result_slot(s32 cookie)
{
	return (u32)(cookie - 1) % DMAENG_RESULTS_RING;
}

/* How many cookies @older lies before @newer (both assigned; wraps). */
static u32 dmaeng_cookie_age(s32 newer, s32 older)
{
	return newer >= older ? newer - older : DMAENG_MAX_COOKIE - older + newer;
}

/* With the channel's resources: the results ring, cleared. */
int dmaeng_chan_results_alloc(struct dmaeng_chan *chan)
{
	chan->results = bitmap_zalloc(DMAENG_RESULTS_RING, GFP_KERNEL);
	chan->aged_error = 0;
	return chan->results ? 0 : -ENOMEM;
}

void dmaeng_chan_results_free(struct dmaeng_chan *chan)
{
	bitmap_free(chan->results);
	chan->results = NULL;
}

static struct dmaeng_chan_dev *to_chan_dev(struct device *dev)
{
	return container_of(dev, struct dmaeng_chan_dev, device);
}

/* Sum the per-CPU counters of @chan. */
void dmaeng_chan_stats_read(struct dmaeng_chan *chan,
			    struct dmaeng_chan_stats *sum)
{
	const struct dmaeng_chan_stats *st;
	unsigned int cpu;

	sum->memcpy_count = 0;
	sum->bytes_transferred = 0;
	for_each_possible_cpu(cpu) {
		st = per_cpu_ptr(chan->stats, cpu);
		sum->memcpy_count += READ_ONCE(st->memcpy_count);
		sum->bytes_transferred += READ_ONCE(st->bytes_transferred);
	}
}

enum dmaeng_chan_attr {
	ATTR_IN_USE, ATTR_MEMCPY_COUNT, ATTR_BYTES,
	ATTR_MAP_ERRORS, ATTR_MAP_NOT_CHECKED, ATTR_UNMAP_ERRORS, ATTR_OUTSTANDING,
};

/*
 * All attributes read under dmaeng_lock: ->chan is cleared under it before
 * the class device is removed, so a reader racing with unregistration gets
 * -ENODEV, never a freed channel.
 */
static ssize_t dmaeng_chan_attr_show(struct device *dev, char *buf,
				     enum dmaeng_chan_attr which)
{
	struct dmaeng_chan_stats stats;
	struct dmaeng_chan *chan;
	ssize_t ret = -ENODEV;

	mutex_lock(&dmaeng_lock);
	chan = to_chan_dev(dev)->chan;
	if (chan && which == ATTR_IN_USE) {
		ret = sysfs_emit(buf, "%d\n", chan->client_count);
	} else if (chan && which >= ATTR_MAP_ERRORS) {
		ret = dmaeng_map_show(chan, which - ATTR_MAP_ERRORS, buf);
	} else if (chan) {
		dmaeng_chan_stats_read(chan, &stats);
		ret = sysfs_emit(buf, "%lu\n", which == ATTR_BYTES ?
				 stats.bytes_transferred : stats.memcpy_count);
	}
	mutex_unlock(&dmaeng_lock);
	return ret;
}

static ssize_t in_use_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return dmaeng_chan_attr_show(dev, buf, ATTR_IN_USE);
}
static DEVICE_ATTR_RO(in_use);

/*
 * A counter's show function; its attribute is declared after it, outside
 * the macro, so that Coccinelle parses every line (tools/coccicheck.sh).
 */
#define DMAENG_CHAN_COUNTER(_name, _which)				\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return dmaeng_chan_attr_show(dev, buf, _which);			\
}

DMAENG_CHAN_COUNTER(memcpy_count, ATTR_MEMCPY_COUNT)
static DEVICE_ATTR_RO(memcpy_count);
DMAENG_CHAN_COUNTER(bytes_transferred, ATTR_BYTES)
static DEVICE_ATTR_RO(bytes_transferred);

/* The mapping counters of the channel's device (dmaengine_map.c). */
DMAENG_CHAN_COUNTER(map_errors, ATTR_MAP_ERRORS)
static DEVICE_ATTR_RO(map_errors);
DMAENG_CHAN_COUNTER(map_errors_not_checked, ATTR_MAP_NOT_CHECKED)
static DEVICE_ATTR_RO(map_errors_not_checked);
DMAENG_CHAN_COUNTER(unmap_errors, ATTR_UNMAP_ERRORS)
static DEVICE_ATTR_RO(unmap_errors);
DMAENG_CHAN_COUNTER(outstanding, ATTR_OUTSTANDING)
static DEVICE_ATTR_RO(outstanding);

static struct attribute *dmaeng_chan_attrs[] = {
	&dev_attr_in_use.attr,
	&dev_attr_memcpy_count.attr,
	&dev_attr_bytes_transferred.attr,
	&dev_attr_map_errors.attr,
	&dev_attr_map_errors_not_checked.attr,
	&dev_attr_unmap_errors.attr,
	&dev_attr_outstanding.attr,
	NULL,
};
ATTRIBUTE_GROUPS(dmaeng_chan);

static struct class dmaeng_class = {
	.name = "dmaeng",
	.dev_groups = dmaeng_chan_groups,
};

int dmaeng_class_init(void)
{
	return class_register(&dmaeng_class);
}

void dmaeng_class_exit(void)
{
	class_unregister(&dmaeng_class);
}

/* Reset the channel's state for a registration. */
int dmaeng_chan_init(struct dmaeng_chan *chan)
{
	chan->stats = alloc_percpu(struct dmaeng_chan_stats);
	if (!chan->stats)
		return -ENOMEM;
	chan->cookie = 0;
	chan->completed_cookie = 0;
	chan->aged_error = 0;
	chan->client_count = 0;
	chan->table_count = 0;
	chan->private_held = false;
	chan->dead = false;
	chan->stopped = false;
	chan->resources = false;
	atomic_set(&chan->preps, 0);
	init_waitqueue_head(&chan->wq);
	return 0;
}

void dmaeng_chan_destroy(struct dmaeng_chan *chan)
{
	dmaeng_chan_results_free(chan);
	free_percpu(chan->stats);
	chan->stats = NULL;
}

static void dmaeng_chan_dev_release(struct device *dev)
{
	kfree(to_chan_dev(dev));
}

int dmaeng_chan_sysfs_add(struct dmaeng_chan *chan)
{
	struct dmaeng_chan_dev *cd;
	int err;

	cd = kzalloc(sizeof(*cd), GFP_KERNEL);
	if (!cd)
		return -ENOMEM;
	cd->chan = chan;
	cd->device.class = &dmaeng_class;
	cd->device.parent = chan->device->dev;
	cd->device.release = dmaeng_chan_dev_release;
	device_initialize(&cd->device);
	err = dev_set_name(&cd->device, "%s", chan->name);
	if (!err)
		err = device_add(&cd->device);
	if (err) {
		put_device(&cd->device);
		return err;
	}
	chan->dev = cd;
	return 0;
}

/* Remove the class device; call without dmaeng_lock (device_del drains). */
void dmaeng_chan_sysfs_del(struct dmaeng_chan *chan)
{
	struct dmaeng_chan_dev *cd = chan->dev;

	if (!cd)
		return;
	mutex_lock(&dmaeng_lock);
	cd->chan = NULL;
	mutex_unlock(&dmaeng_lock);
	device_unregister(&cd->device);
	chan->dev = NULL;
}

/**
 * dmaeng_chan_dma_device() - the device to map a channel's buffers for
 * @chan: the channel
 *
 * Return: the struct device to pass to the DMA API for @chan's transfers.
 */
struct device *dmaeng_chan_dma_device(struct dmaeng_chan *chan)
{
	return chan->device->dev;
}
EXPORT_SYMBOL_GPL(dmaeng_chan_dma_device);

/**
 * dmaeng_chan_has_cap() - whether a channel's device offers a capability
 * @chan: the channel
 * @cap: the capability
 *
 * A client that holds channels of devices with different capabilities
 * (its mask is a minimum) asks before using one beyond its mask, e.g.
 * DMAENG_INTERRUPT before preparing with DMAENG_PREP_INTERRUPT.
 *
 * Return: true if @chan's device offers @cap.
 */
bool dmaeng_chan_has_cap(struct dmaeng_chan *chan, enum dmaeng_cap cap)
{
	return (unsigned int)cap < DMAENG_CAP_COUNT &&
	       dmaeng_cap_has(cap, &chan->device->cap_mask);
}
EXPORT_SYMBOL_GPL(dmaeng_chan_has_cap);

/**
 * dmaeng_chan_name() - the channel's name
 * @chan: the channel
 *
 * Return: "dma<D>chan<C>", valid as long as the caller holds @chan.
 */
const char *dmaeng_chan_name(struct dmaeng_chan *chan)
{
	return chan->name;
}
EXPORT_SYMBOL_GPL(dmaeng_chan_name);

/**
 * dmaeng_cookie_assign() - give a descriptor the channel's next cookie
 * @tx: the descriptor being queued
 *
 * For providers, in ->tx_submit, under the lock that orders the channel's
 * queue; queue @tx only if this succeeds.  Cookies are positive and wrap
 * from DMAENG_MAX_COOKIE to 1.  Never allocates.
 *
 * Return: the cookie, or -EBUSY (no cookie assigned, the channel
 * unchanged) when 65536 cookies are already in flight on the channel:
 * ->tx_submit returns it.  (-ENODEV, with a warning, on a channel nobody
 * holds: a caller's bug, after which the provider's tx_free may not
 * survive either.)
 */
s32 dmaeng_cookie_assign(struct dmaeng_tx *tx)
{
	struct dmaeng_chan *chan = tx->chan;
	s32 cookie, old;

	unsigned long slot;
	bool failed;

	/* Only a channel someone holds has resources, and its ring. */
	if (WARN_ON_ONCE(!chan->results))
		return -ENODEV;
	cookie = chan->cookie >= DMAENG_MAX_COOKIE ? DMAENG_MIN_COOKIE :
						     chan->cookie + 1;
	/* Pairs with dmaeng_tx_complete(): that cookie's slot is done. */
	if (dmaeng_cookie_age(cookie, smp_load_acquire(&chan->completed_cookie)) >
	    DMAENG_RESULTS_RING)
		return -EBUSY;
	/*
	 * The slot's previous cookie (completed, see above) leaves the ring:
	 * keep its failure in aged_error, publish the new cookie, and only
	 * then clear the bit (see the comment at the top of the file).
	 */
	slot = dmaeng_result_slot(cookie);
	failed = test_bit(slot, chan->results);
	if (failed) {
		old = cookie > (s32)DMAENG_RESULTS_RING ?
		      cookie - DMAENG_RESULTS_RING :
		      cookie + (DMAENG_MAX_COOKIE - DMAENG_RESULTS_RING);
		WRITE_ONCE(chan->aged_error, old);
	}
	WRITE_ONCE(chan->cookie, cookie);
	if (failed) {
		smp_mb__before_atomic();	/* pairs with dmaeng_cookie_status() */
		clear_bit(slot, chan->results);
	}
	tx->cookie = cookie;
	return cookie;
}
EXPORT_SYMBOL_GPL(dmaeng_cookie_assign);

/**
 * dmaeng_cookie_status() - state of a cookie from the channel's counters
 * @chan: the channel
 * @cookie: a cookie returned by dmaeng_submit()
 *
 * Return: DMAENG_IN_PROGRESS while @cookie lies after the last completed
 * cookie, DMAENG_ERROR if it completed with an error or was aborted (or is
 * not a valid cookie; or, for a cookie more than 65536 cookies old, if a
 * failure at or after it is no longer told apart), DMAENG_COMPLETE
 * otherwise.
 */
enum dmaeng_status dmaeng_cookie_status(struct dmaeng_chan *chan, s32 cookie)
{
	/* Pairs with dmaeng_tx_complete(): its result bit is read after. */
	s32 done = smp_load_acquire(&chan->completed_cookie);
	s32 used = READ_ONCE(chan->cookie);
	bool complete, failed;
	s32 aged;

	if (cookie < DMAENG_MIN_COOKIE || cookie > DMAENG_MAX_COOKIE)
		return DMAENG_ERROR;
	/* In flight: the window (done, used], which may wrap. */
	if (done <= used)
		complete = cookie <= done || cookie > used;
	else
		complete = cookie <= done && cookie > used;
	if (!complete)
		return DMAENG_IN_PROGRESS;
	if (!chan->results)
		return DMAENG_COMPLETE;
	failed = test_bit(dmaeng_result_slot(cookie), chan->results);
	/* The bit, then the cookie: pairs with dmaeng_cookie_assign(). */
	smp_rmb();
	used = READ_ONCE(chan->cookie);
	if (dmaeng_cookie_age(used, cookie) < DMAENG_RESULTS_RING)
		return failed ? DMAENG_ERROR : DMAENG_COMPLETE;
	/* Out of the ring: failed, unless no failure at or after it left. */
	aged = READ_ONCE(chan->aged_error);
	return aged && dmaeng_cookie_age(used, cookie) >=
		       dmaeng_cookie_age(used, aged) ?
	       DMAENG_ERROR : DMAENG_COMPLETE;
}
EXPORT_SYMBOL_GPL(dmaeng_cookie_status);

/**
 * dmaeng_tx_complete() - a descriptor finished
 * @tx: the descriptor
 * @result: how it ended
 *
 * For providers, in cookie order and one at a time per channel.  Updates
 * the channel's counters (successful copies only), records a failed or
 * aborted cookie, marks the cookie complete, runs the callback (for a
 * descriptor prepared with DMAENG_PREP_INTERRUPT) and wakes
 * dmaeng_sync_wait().  The provider frees @tx afterwards.
 */
void dmaeng_tx_complete(struct dmaeng_tx *tx, enum dmaeng_result result)
{
	struct dmaeng_chan *chan = tx->chan;

	if (result == DMAENG_RESULT_OK) {
		this_cpu_inc(chan->stats->memcpy_count);
		this_cpu_add(chan->stats->bytes_transferred, tx->len);
	}
	if (result != DMAENG_RESULT_OK)
		set_bit(dmaeng_result_slot(tx->cookie), chan->results);
	/*
	 * The client sees its buffers unmapped when its callback runs, and
	 * when dmaeng_tx_status() or dmaeng_sync_wait() says it is done (a
	 * bounced mapping is copied back at unmap).
	 */
	if (tx->unmap) {
		dmaeng_unmap_put(tx->unmap);
		tx->unmap = NULL;
	}
	/* Counters, result bit and unmap before the cookie reads complete. */
	smp_store_release(&chan->completed_cookie, tx->cookie);
	if (tx->callback && (tx->flags & DMAENG_PREP_INTERRUPT))
		tx->callback(tx->callback_param, result);
	if (wq_has_sleeper(&chan->wq))
		wake_up_all(&chan->wq);
}
EXPORT_SYMBOL_GPL(dmaeng_tx_complete);

/*
 * The prep gate: counted in before dead is read, so that
 * dmaeng_device_unregister(), which sets dead before it reads the count,
 * either sees this call and waits for it, or is seen here.  Every call
 * into the provider that may sleep or that takes no RCU read-side section
 * (the preps, config, pause, resume) goes through it.
 */
static bool dmaeng_gate_enter(struct dmaeng_chan *chan)
{
	atomic_inc(&chan->preps);
	smp_mb__after_atomic();	/* count before dead; pairs with unregister */
	return !READ_ONCE(chan->dead);
}

static void dmaeng_gate_exit(struct dmaeng_chan *chan)
{
	if (atomic_dec_and_test(&chan->preps) && READ_ONCE(chan->dead))
		wake_up_all(&chan->wq);
}

/*
 * Whether a prep of @cap with @flags may go to @chan's provider: the
 * device offers @cap (and DMAENG_INTERRUPT for DMAENG_PREP_INTERRUPT) and
 * the flags are known.
 */
static bool dmaeng_prep_ok(struct dmaeng_chan *chan, enum dmaeng_cap cap,
			   unsigned long flags)
{
	const struct dmaeng_cap_mask *caps;

	if (!chan || (flags & ~(DMAENG_PREP_INTERRUPT | DMAENG_PREP_NOWAIT)))
		return false;
	caps = &chan->device->cap_mask;
	if (!dmaeng_cap_has(cap, caps) ||
	    ((flags & DMAENG_PREP_INTERRUPT) &&
	     !dmaeng_cap_has(DMAENG_INTERRUPT, caps)))
		return false;
	if (!(flags & DMAENG_PREP_NOWAIT))
		might_sleep();
	return true;
}

/* The common part of every descriptor a prep returns. */
static struct dmaeng_tx *dmaeng_prep_done(struct dmaeng_chan *chan,
					  struct dmaeng_tx *tx, size_t len,
					  unsigned long flags)
{
	dmaeng_gate_exit(chan);
	if (!tx)
		return NULL;
	tx->chan = chan;
	tx->cookie = 0;
	tx->len = len;
	tx->flags = flags;
	tx->callback = NULL;
	tx->callback_param = NULL;
	tx->unmap = NULL;
	return tx;
}

/**
 * dmaeng_prep_memcpy() - prepare a copy
 * @chan: a channel the caller holds
 * @dst: destination DMA address, mapped for dmaeng_chan_dma_device()
 * @src: source DMA address, mapped likewise
 * @len: bytes, not 0
 * @flags: DMAENG_PREP_INTERRUPT (the device must offer DMAENG_INTERRUPT),
 *	DMAENG_PREP_NOWAIT
 *
 * Sleeps for memory unless DMAENG_PREP_NOWAIT.  Set the callback (with
 * DMAENG_PREP_INTERRUPT only), then dmaeng_submit().  A hot-unplug racing
 * it is waited for by dmaeng_device_unregister().
 *
 * Return: the descriptor, or NULL (no memory with DMAENG_PREP_NOWAIT, a
 * dead channel, a device without DMAENG_MEMCPY, or without
 * DMAENG_INTERRUPT for DMAENG_PREP_INTERRUPT, bad arguments): the caller
 * falls back to a CPU copy.
 */
struct dmaeng_tx *dmaeng_prep_memcpy(struct dmaeng_chan *chan, dma_addr_t dst,
				     dma_addr_t src, size_t len,
				     unsigned long flags)
{
	struct dmaeng_tx *tx = NULL;

	if (!len || !dmaeng_prep_ok(chan, DMAENG_MEMCPY, flags))
		return NULL;
	if (dmaeng_gate_enter(chan)) {
		dmaeng_map_note_use(chan, src);
		dmaeng_map_note_use(chan, dst);
		tx = chan->device->ops->prep_memcpy(chan, dst, src, len, flags);
	}
	return dmaeng_prep_done(chan, tx, len, flags);
}
EXPORT_SYMBOL_GPL(dmaeng_prep_memcpy);

/**
 * dmaeng_prep_memset() - prepare filling memory with a byte
 * @chan: a channel the caller holds, whose device offers DMAENG_MEMSET
 * @dst: destination DMA address, mapped for dmaeng_chan_dma_device()
 * @value: the byte, converted to unsigned char as memset() does
 * @len: bytes, not 0
 * @flags: as for dmaeng_prep_memcpy()
 *
 * Like dmaeng_prep_memcpy() in every other way.
 *
 * Return: the descriptor, or NULL (see dmaeng_prep_memcpy()).
 */
struct dmaeng_tx *dmaeng_prep_memset(struct dmaeng_chan *chan, dma_addr_t dst,
				     int value, size_t len,
				     unsigned long flags)
{
	struct dmaeng_tx *tx = NULL;

	if (!len || !dmaeng_prep_ok(chan, DMAENG_MEMSET, flags))
		return NULL;
	if (dmaeng_gate_enter(chan)) {
		dmaeng_map_note_use(chan, dst);
		tx = chan->device->ops->prep_memset(chan, dst, (u8)value, len,
						    flags);
	}
	return dmaeng_prep_done(chan, tx, len, flags);
}
EXPORT_SYMBOL_GPL(dmaeng_prep_memset);

/* Total DMA length of a mapped list, 0 if any entry is empty or it wraps. */
static size_t dmaeng_sg_total(struct dmaeng_chan *chan, struct scatterlist *sgl,
			      unsigned int nents)
{
	struct scatterlist *sg;
	size_t total = 0;
	unsigned int i;

	if (!sgl || !nents)
		return 0;
	for_each_sg(sgl, sg, nents, i) {
		size_t n = sg_dma_len(sg);

		if (!n || total + n < total)
			return 0;
		dmaeng_map_note_use(chan, sg_dma_address(sg));
		total += n;
	}
	return total;
}

/**
 * dmaeng_prep_memcpy_sg() - prepare a copy between two scatter-gather lists
 * @chan: a channel the caller holds, whose device offers DMAENG_MEMCPY_SG
 * @dst_sg: destination list, mapped with dmaeng_map_sg() (or dma_map_sg())
 *	for dmaeng_chan_dma_device(): its DMA addresses and lengths are used
 * @dst_nents: entries of @dst_sg to use (what the mapping returned)
 * @src_sg: source list, mapped likewise
 * @src_nents: entries of @src_sg to use
 * @flags: as for dmaeng_prep_memcpy()
 *
 * The source's bytes, in list order, land in the destination's, in list
 * order; the segments need not line up.  The provider keeps what it needs
 * of the lists: the caller may free them (not unmap them) once this
 * returns.
 *
 * Return: the descriptor, or NULL (see dmaeng_prep_memcpy(); also lists
 * that are empty, have an empty entry, or differ in total length).
 */
struct dmaeng_tx *dmaeng_prep_memcpy_sg(struct dmaeng_chan *chan,
					struct scatterlist *dst_sg,
					unsigned int dst_nents,
					struct scatterlist *src_sg,
					unsigned int src_nents,
					unsigned long flags)
{
	struct dmaeng_tx *tx = NULL;
	size_t len;

	if (!dmaeng_prep_ok(chan, DMAENG_MEMCPY_SG, flags))
		return NULL;
	len = dmaeng_sg_total(chan, dst_sg, dst_nents);
	if (!len || len != dmaeng_sg_total(chan, src_sg, src_nents))
		return NULL;
	if (dmaeng_gate_enter(chan))
		tx = chan->device->ops->prep_memcpy_sg(chan, dst_sg, dst_nents,
						       src_sg, src_nents, flags);
	return dmaeng_prep_done(chan, tx, len, flags);
}
EXPORT_SYMBOL_GPL(dmaeng_prep_memcpy_sg);

static bool dmaeng_width_ok(u32 width)
{
	return width == 1 || width == 2 || width == 4 || width == 8;
}

/**
 * dmaeng_slave_config() - tell a channel which peripheral FIFO it serves
 * @chan: a private channel (dmaeng_request_chan() or
 *	dmaeng_request_channel()) whose device offers DMAENG_SLAVE or
 *	DMAENG_CYCLIC
 * @cfg: the configuration; copied, the caller may reuse it
 *
 * Applies to the transfers prepared after it.  Does not sleep.
 *
 * Return: 0; -EINVAL for a NULL argument, an unknown direction, a width
 * other than 1, 2, 4 or 8 or a burst over DMAENG_MAX_BURST on
 * @cfg->direction's side, or what the provider refuses; -EOPNOTSUPP
 * for a device without DMAENG_SLAVE and DMAENG_CYCLIC; -EPERM for a
 * public channel; -ENODEV if the device was unregistered.
 */
int dmaeng_slave_config(struct dmaeng_chan *chan,
			const struct dmaeng_slave_config *cfg)
{
	struct dmaeng_slave_config c;
	const struct dmaeng_cap_mask *caps;
	int err = -ENODEV;

	if (!chan || !cfg)
		return -EINVAL;
	caps = &chan->device->cap_mask;
	if (!dmaeng_cap_has(DMAENG_SLAVE, caps) &&
	    !dmaeng_cap_has(DMAENG_CYCLIC, caps))
		return -EOPNOTSUPP;
	/*
	 * A peripheral's channel is its driver's alone: a public channel is
	 * shared, and a cyclic transfer on it could not be terminated.
	 */
	if (!READ_ONCE(chan->private_held))
		return -EPERM;
	c = *cfg;
	if (c.direction == DMAENG_MEM_TO_DEV) {
		if (!dmaeng_width_ok(c.dst_addr_width) ||
		    c.dst_maxburst > DMAENG_MAX_BURST)
			return -EINVAL;
		c.dst_maxburst = c.dst_maxburst ?: 1;
	} else if (c.direction == DMAENG_DEV_TO_MEM) {
		if (!dmaeng_width_ok(c.src_addr_width) ||
		    c.src_maxburst > DMAENG_MAX_BURST)
			return -EINVAL;
		c.src_maxburst = c.src_maxburst ?: 1;
	} else {
		return -EINVAL;
	}
	if (dmaeng_gate_enter(chan))
		err = chan->device->ops->config(chan, &c);
	dmaeng_gate_exit(chan);
	return err;
}
EXPORT_SYMBOL_GPL(dmaeng_slave_config);

/**
 * dmaeng_prep_slave_sg() - prepare a transfer between memory and a FIFO
 * @chan: a channel the caller holds, configured with dmaeng_slave_config()
 * @sgl: the memory side, mapped for dmaeng_chan_dma_device() (DMA_TO_DEVICE
 *	for DMAENG_MEM_TO_DEV, DMA_FROM_DEVICE for DMAENG_DEV_TO_MEM)
 * @sg_len: entries of @sgl to use; each entry's DMA length must be a
 *	multiple of the configured width
 * @dir: the direction, which must be the configured one
 * @flags: as for dmaeng_prep_memcpy()
 *
 * The segments are transferred in list order through the FIFO of the last
 * configuration.  The caller may free (not unmap) @sgl once this returns.
 *
 * Return: the descriptor, or NULL (see dmaeng_prep_memcpy(); also a
 * channel never configured, another direction, a bad segment length).
 */
struct dmaeng_tx *dmaeng_prep_slave_sg(struct dmaeng_chan *chan,
				       struct scatterlist *sgl,
				       unsigned int sg_len,
				       enum dmaeng_dir dir,
				       unsigned long flags)
{
	struct dmaeng_tx *tx = NULL;
	size_t len;

	if (!dmaeng_prep_ok(chan, DMAENG_SLAVE, flags) ||
	    (dir != DMAENG_MEM_TO_DEV && dir != DMAENG_DEV_TO_MEM))
		return NULL;
	/* Widths are checked by the provider, which knows the config. */
	len = dmaeng_sg_total(chan, sgl, sg_len);
	if (!len)
		return NULL;
	if (dmaeng_gate_enter(chan))
		tx = chan->device->ops->prep_slave_sg(chan, sgl, sg_len, dir,
						      flags);
	return dmaeng_prep_done(chan, tx, len, flags);
}
EXPORT_SYMBOL_GPL(dmaeng_prep_slave_sg);

/**
 * dmaeng_prep_cyclic() - prepare a ring buffer transferred until terminated
 * @chan: a channel the caller holds, configured with dmaeng_slave_config(),
 *	whose device offers DMAENG_CYCLIC
 * @buf: the ring's DMA address, mapped for dmaeng_chan_dma_device()
 * @buf_len: the ring's length: a whole number of periods, not 0
 * @period_len: bytes per period: not 0, a multiple of the configured width
 * @dir: the direction, which must be the configured one
 * @flags: DMAENG_PREP_NOWAIT or 0; DMAENG_PREP_INTERRUPT is implied
 *
 * The transfer goes round the ring for ever.  After each period the
 * descriptor's callback runs with DMAENG_RESULT_OK; it completes only when
 * the channel is terminated (dmaeng_terminate_sync()), its callback then
 * running once more with DMAENG_RESULT_ABORTED.  Descriptors submitted
 * after it on the channel wait for that.  dmaeng_tx_status()'s residue is
 * the bytes left before the ring wraps.
 *
 * Return: the descriptor, or NULL (see dmaeng_prep_slave_sg()).
 */
struct dmaeng_tx *dmaeng_prep_cyclic(struct dmaeng_chan *chan, dma_addr_t buf,
				     size_t buf_len, size_t period_len,
				     enum dmaeng_dir dir, unsigned long flags)
{
	struct dmaeng_tx *tx = NULL;

	flags |= DMAENG_PREP_INTERRUPT;
	if (!dmaeng_prep_ok(chan, DMAENG_CYCLIC, flags & ~DMAENG_PREP_INTERRUPT) ||
	    (dir != DMAENG_MEM_TO_DEV && dir != DMAENG_DEV_TO_MEM) ||
	    !buf_len || !period_len || buf_len % period_len ||
	    buf_len > U32_MAX)
		return NULL;
	if (dmaeng_gate_enter(chan)) {
		dmaeng_map_note_use(chan, buf);
		tx = chan->device->ops->prep_cyclic(chan, buf, buf_len,
						    period_len, dir, flags);
	}
	return dmaeng_prep_done(chan, tx, buf_len, flags);
}
EXPORT_SYMBOL_GPL(dmaeng_prep_cyclic);

/**
 * dmaeng_submit() - queue a prepared descriptor
 * @tx: from a dmaeng_prep_*() call, callback set
 *
 * Does not start it: see dmaeng_issue_pending().  Does not sleep.  Whatever
 * it returns, the caller must not touch @tx again: on failure dmaeng frees
 * it (the provider's tx_free), releases its unmap-data, and no callback
 * runs.
 *
 * Return: the descriptor's cookie; -EINVAL if it has a callback but was
 * prepared without DMAENG_PREP_INTERRUPT; -ENODEV if the channel's device
 * was unregistered; -EBUSY if 65536 cookies are in flight on the channel.
 */
s32 dmaeng_submit(struct dmaeng_tx *tx)
{
	s32 cookie = -EINVAL;

	if (!tx->callback || (tx->flags & DMAENG_PREP_INTERRUPT)) {
		rcu_read_lock();
		if (READ_ONCE(tx->chan->dead))
			cookie = -ENODEV;
		else
			cookie = tx->tx_submit(tx);
		rcu_read_unlock();
	}
	if (cookie < 0) {
		dmaeng_unmap_put(tx->unmap);
		tx->unmap = NULL;
		tx->tx_free(tx);
	}
	return cookie;
}
EXPORT_SYMBOL_GPL(dmaeng_submit);

/**
 * dmaeng_issue_pending() - start the channel's queued descriptors
 * @chan: the channel
 *
 * Does nothing on a dead channel.  Does not sleep.
 */
void dmaeng_issue_pending(struct dmaeng_chan *chan)
{
	rcu_read_lock();
	if (!READ_ONCE(chan->dead))
		chan->device->ops->issue_pending(chan);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(dmaeng_issue_pending);

static int dmaeng_pause_resume(struct dmaeng_chan *chan, bool pause)
{
	const struct dmaeng_device_ops *ops;
	int err = -ENODEV;

	if (!chan)
		return -EINVAL;
	ops = chan->device->ops;
	if (!ops->pause || !ops->resume)
		return -EOPNOTSUPP;
	/* A public channel is shared: one client must not stall the others. */
	if (!READ_ONCE(chan->private_held))
		return -EPERM;
	if (dmaeng_gate_enter(chan)) {
		err = pause ? ops->pause(chan) : ops->resume(chan);
		if (!err)
			WRITE_ONCE(chan->paused, pause);
	}
	dmaeng_gate_exit(chan);
	return err;
}

/**
 * dmaeng_pause() - suspend a channel's transfers
 * @chan: a channel the caller holds exclusively (private)
 *
 * The transfer in progress stops where it is, without losing data, until
 * dmaeng_resume(); dmaeng_tx_status() says DMAENG_PAUSED for what has not
 * completed.  Does not sleep.
 *
 * Return: 0, -EOPNOTSUPP if the provider cannot pause, -EPERM for a public
 * channel, -ENODEV if the device was unregistered, or the provider's
 * error.
 */
int dmaeng_pause(struct dmaeng_chan *chan)
{
	return dmaeng_pause_resume(chan, true);
}
EXPORT_SYMBOL_GPL(dmaeng_pause);

/**
 * dmaeng_resume() - continue after dmaeng_pause()
 * @chan: the channel
 *
 * Does not sleep.
 *
 * Return: as dmaeng_pause().
 */
int dmaeng_resume(struct dmaeng_chan *chan)
{
	return dmaeng_pause_resume(chan, false);
}
EXPORT_SYMBOL_GPL(dmaeng_resume);

/**
 * dmaeng_tx_status() - state of a submitted descriptor
 * @chan: its channel
 * @cookie: from dmaeng_submit()
 * @state: NULL, or filled in with the channel's last completed and last
 *	assigned cookies and the descriptor's residue (bytes not done; 0 if
 *	the provider cannot tell or the descriptor is complete)
 *
 * Does not sleep.
 *
 * Return: see dmaeng_cookie_status(): DMAENG_ERROR for every cookie that
 * failed or was aborted, whatever completed after it; DMAENG_PAUSED
 * instead of DMAENG_IN_PROGRESS while the channel is paused.
 */
enum dmaeng_status dmaeng_tx_status(struct dmaeng_chan *chan, s32 cookie,
				    struct dmaeng_tx_state *state)
{
	enum dmaeng_status status;

	if (state) {
		/* Pairs with dmaeng_tx_complete(), as in dmaeng_cookie_status(). */
		state->last = smp_load_acquire(&chan->completed_cookie);
		state->used = READ_ONCE(chan->cookie);
		state->residue = 0;
	}
	/* A dead channel's provider may be gone: the core's own record. */
	rcu_read_lock();
	if (chan->device->ops->tx_status && !READ_ONCE(chan->dead))
		status = chan->device->ops->tx_status(chan, cookie, state);
	else
		status = dmaeng_cookie_status(chan, cookie);
	rcu_read_unlock();
	if (status == DMAENG_IN_PROGRESS && READ_ONCE(chan->paused))
		status = DMAENG_PAUSED;
	if (state && status != DMAENG_IN_PROGRESS && status != DMAENG_PAUSED)
		state->residue = 0;
	return status;
}
EXPORT_SYMBOL_GPL(dmaeng_tx_status);

static bool dmaeng_pending(enum dmaeng_status status)
{
	return status == DMAENG_IN_PROGRESS || status == DMAENG_PAUSED;
}

/**
 * dmaeng_sync_wait() - issue and wait for a descriptor
 * @chan: its channel
 * @cookie: from dmaeng_submit()
 * @timeout_ms: how long to wait
 *
 * Sleeps.
 *
 * Return: 0 when it completed, -EIO when it failed or was aborted,
 * -ETIMEDOUT when it is still in progress (or paused) after @timeout_ms.
 */
int dmaeng_sync_wait(struct dmaeng_chan *chan, s32 cookie,
		     unsigned int timeout_ms)
{
	enum dmaeng_status status;

	might_sleep();
	dmaeng_issue_pending(chan);
	wait_event_timeout(chan->wq,
			   !dmaeng_pending(dmaeng_tx_status(chan, cookie, NULL)),
			   msecs_to_jiffies(timeout_ms));
	status = dmaeng_tx_status(chan, cookie, NULL);
	if (dmaeng_pending(status))
		return -ETIMEDOUT;
	return status == DMAENG_COMPLETE ? 0 : -EIO;
}
EXPORT_SYMBOL_GPL(dmaeng_sync_wait);
