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

static ssize_t memcpy_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return dmaeng_chan_attr_show(dev, buf, ATTR_MEMCPY_COUNT);
}
static DEVICE_ATTR_RO(memcpy_count);

static ssize_t bytes_transferred_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return dmaeng_chan_attr_show(dev, buf, ATTR_BYTES);
}
static DEVICE_ATTR_RO(bytes_transferred);

/* The mapping counters of the channel's device (dmaengine_map.c). */
#define DMAENG_MAP_ATTR(_name, _which)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return dmaeng_chan_attr_show(dev, buf, _which);			\
}									\
static DEVICE_ATTR_RO(_name)

DMAENG_MAP_ATTR(map_errors, ATTR_MAP_ERRORS);
DMAENG_MAP_ATTR(map_errors_not_checked, ATTR_MAP_NOT_CHECKED);
DMAENG_MAP_ATTR(unmap_errors, ATTR_UNMAP_ERRORS);
DMAENG_MAP_ATTR(outstanding, ATTR_OUTSTANDING);

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
	const struct dmaeng_cap_mask *caps;
	struct dmaeng_tx *tx = NULL;

	if (!chan || !len ||
	    (flags & ~(DMAENG_PREP_INTERRUPT | DMAENG_PREP_NOWAIT)))
		return NULL;
	caps = &chan->device->cap_mask;
	if (!dmaeng_cap_has(DMAENG_MEMCPY, caps) ||
	    ((flags & DMAENG_PREP_INTERRUPT) &&
	     !dmaeng_cap_has(DMAENG_INTERRUPT, caps)))
		return NULL;
	if (!(flags & DMAENG_PREP_NOWAIT))
		might_sleep();
	/*
	 * The prep gate: counted in before dead is read, so that
	 * dmaeng_device_unregister(), which sets dead before it reads the
	 * count, either sees this prep and waits for it, or is seen here.
	 */
	atomic_inc(&chan->preps);
	smp_mb__after_atomic();	/* count before dead; pairs with unregister */
	if (!READ_ONCE(chan->dead)) {
		dmaeng_map_note_use(chan, src);
		dmaeng_map_note_use(chan, dst);
		tx = chan->device->ops->prep_memcpy(chan, dst, src, len, flags);
	}
	if (atomic_dec_and_test(&chan->preps) && READ_ONCE(chan->dead))
		wake_up_all(&chan->wq);
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
EXPORT_SYMBOL_GPL(dmaeng_prep_memcpy);

/**
 * dmaeng_submit() - queue a prepared descriptor
 * @tx: from dmaeng_prep_memcpy(), callback set
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

/**
 * dmaeng_tx_status() - state of a submitted descriptor
 * @chan: its channel
 * @cookie: from dmaeng_submit()
 *
 * Does not sleep.
 *
 * Return: see dmaeng_cookie_status(): DMAENG_ERROR for every cookie that
 * failed or was aborted, whatever completed after it.
 */
enum dmaeng_status dmaeng_tx_status(struct dmaeng_chan *chan, s32 cookie)
{
	enum dmaeng_status status;

	/* A dead channel's provider may be gone: the core's own record. */
	rcu_read_lock();
	if (chan->device->ops->tx_status && !READ_ONCE(chan->dead))
		status = chan->device->ops->tx_status(chan, cookie);
	else
		status = dmaeng_cookie_status(chan, cookie);
	rcu_read_unlock();
	return status;
}
EXPORT_SYMBOL_GPL(dmaeng_tx_status);

/**
 * dmaeng_sync_wait() - issue and wait for a descriptor
 * @chan: its channel
 * @cookie: from dmaeng_submit()
 * @timeout_ms: how long to wait
 *
 * Sleeps.
 *
 * Return: 0 when it completed, -EIO when it failed or was aborted,
 * -ETIMEDOUT when it is still in progress after @timeout_ms.
 */
int dmaeng_sync_wait(struct dmaeng_chan *chan, s32 cookie,
		     unsigned int timeout_ms)
{
	enum dmaeng_status status;

	might_sleep();
	dmaeng_issue_pending(chan);
	wait_event_timeout(chan->wq,
			   dmaeng_tx_status(chan, cookie) != DMAENG_IN_PROGRESS,
			   msecs_to_jiffies(timeout_ms));
	status = dmaeng_tx_status(chan, cookie);
	if (status == DMAENG_IN_PROGRESS)
		return -ETIMEDOUT;
	return status == DMAENG_COMPLETE ? 0 : -EIO;
}
EXPORT_SYMBOL_GPL(dmaeng_sync_wait);
