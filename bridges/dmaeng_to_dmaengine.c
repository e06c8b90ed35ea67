// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_to_dmaengine: dmaeng's MEMCPY channels as kernel dmaengine channels.
 *
 * Every dmaeng device that offers DMAENG_MEMCPY and DMAENG_INTERRUPT is
 * registered with the kernel's dmaengine as a private struct dma_device
 * with one dma_chan per dmaeng channel, so that kernel clients that ask
 * for a channel (dmatest, drivers) use dmaeng's engines.  The bridge learns
 * of devices through a dmaeng watcher (dmaeng/watch.h): a device is bridged
 * when it becomes usable and unbridged when it is unregistered (rmmod,
 * hot-unplug, sysfs unbind) or when this module goes.
 *
 * What is pinned, and by whom
 * ===========================
 * A bridged channel holds nothing while no kernel client holds it.  When a
 * kernel client takes it (dma_request_channel()), dmaengine calls
 * bri_alloc_chan_resources(), which takes the dmaeng channel as a private
 * channel (dmaeng_request_channel()): one client_count on it, shown
 * in /sys/class/dmaeng/dma<D>chan<C>/in_use, and one module reference on
 * the dmaeng provider.  bri_free_chan_resources(), at the kernel client's
 * last release, gives it back.  So while one kernel client holds a bridged
 * channel, the provider module is held twice: by dmaeng through that
 * reference, and by dmaengine itself, which pins the module of the driver
 * bound to dma_device.dev (the provider's own DMA device, so that kernel
 * clients map their buffers for the device that really does the DMA).
 * The bridge pins itself too, once per held channel, since dmaengine calls
 * its operations; its exit unbridges the devices no kernel client holds.
 * A dmaeng channel held by a dmaeng client (public or private) cannot be
 * taken: the kernel client's request fails with -EBUSY.
 *
 * Lifetime
 * ========
 * struct bri_dev lives from bri_added() until dmaengine's device_release,
 * after dma_async_device_unregister() and the last kernel client's
 * release.  Its dmaeng device's fields and channels may be read from
 * bri_added() until bri_removed() returns; after that only through a
 * channel the bridge holds (bri_chan.held), whose reference keeps the
 * dmaeng device's memory.  On a hot-unplug, dmaeng marks the channels dead
 * and aborts their descriptors before bri_removed() runs; a kernel client
 * still holding a bridged channel then gets NULL from every prep until it
 * releases the channel.
 *
 * dmaengine calls device_release from dma_chan_put() under its
 * dma_list_mutex, and dma_release_channel() still reads the channel and
 * its device after that: bri_release() only queues bri_free(), which waits
 * for that mutex once (bri_barrier()) before freeing.  The same wait covers
 * the module's own lifetime: bri_free_chan_resources() and bri_release()
 * run under that mutex, possibly after this module's last reference was
 * dropped, so the exit waits for every bri_dev to be freed and drains
 * bri_wq before the module's text goes.
 *
 * Locking
 * =======
 * bri_added() and bri_removed() run under dmaeng's watcher mutex, which
 * serialises them and protects bri_devs.  dmaengine calls
 * alloc/free_chan_resources under dma_list_mutex, which then takes
 * dmaeng's registry mutex (dma_list_mutex -> dmaeng_lock): the reverse
 * bridge (dmaengine_to_dmaeng) nests them the other way round, so the two
 * are never loaded together (dmaeng_bridge_claim()).  bri_chan.lock
 * (IRQ-safe) protects the list of descriptors prepared but not submitted.
 *
 * Semantics differing from a hardware dmaengine driver (see
 * Documentation/bridges.rst): descriptors aborted by
 * dmaengine_terminate_*() complete without a callback (dmaengine's rule),
 * those a hot-unplug aborts with one (DMA_TRANS_ABORTED), and both their
 * cookies read DMA_ERROR; a dmaeng error completes with
 * DMA_TRANS_READ_FAILED.
 */

#include <linux/atomic.h>
#include <linux/dmaengine.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <dmaeng/client.h>
#include <dmaeng/provider.h>
#include <dmaeng/watch.h>

#define BRI_NAME	"dmaeng_to_dmaengine"

struct bri_chan {
	struct dma_chan chan;
	struct dmaeng_chan *target;	/* valid until bri_removed() */
	struct dmaeng_chan *held;	/* target, while held by a client */
	spinlock_t lock;		/* prepared */
	struct list_head prepared;	/* prepared, not submitted */
	struct work_struct terminate;	/* dmaengine_terminate_async() */
};

struct bri_dev {
	struct dma_device dma;
	struct list_head node;		/* on bri_devs, watcher mutex */
	struct dmaeng_device *ddev;	/* until bri_removed() */
	bool gone;			/* bri_removed() ran */
	struct work_struct free;	/* bri_free(), after bri_release() */
	unsigned int nchans;
	struct bri_chan chans[];
};

struct bri_desc {
	struct dma_async_tx_descriptor txd;
	struct list_head node;		/* on bri_chan.prepared */
	struct dmaeng_tx *dtx;		/* until its callback returns */
	refcount_t refs;		/* the submitter's and the callback's */
};

static LIST_HEAD(bri_devs);
static atomic_t bri_live = ATOMIC_INIT(0);	/* bri_devs not freed */
static struct kmem_cache *bri_desc_cache;
static struct workqueue_struct *bri_wq;		/* bri_free() */

static struct bri_chan *to_bri_chan(struct dma_chan *chan)
{
	return container_of(chan, struct bri_chan, chan);
}

static struct bri_desc *to_bri_desc(struct dma_async_tx_descriptor *txd)
{
	return container_of(txd, struct bri_desc, txd);
}

static void bri_desc_put(struct bri_desc *bd)
{
	if (refcount_dec_and_test(&bd->refs))
		kmem_cache_free(bri_desc_cache, bd);
}

/* dmaeng's completion callback: the provider's completion context. */
static void bri_done(void *param, enum dmaeng_result result)
{
	struct bri_desc *bd = param;
	struct dma_async_tx_descriptor *txd = &bd->txd;
	struct dmaengine_result res = { .result = DMA_TRANS_NOERROR };

	if (result == DMAENG_RESULT_ERROR)
		res.result = DMA_TRANS_READ_FAILED;
	else if (result == DMAENG_RESULT_ABORTED)
		res.result = DMA_TRANS_ABORTED;
	/* bri_tx_submit() may not have stored it yet. */
	WRITE_ONCE(txd->cookie, bd->dtx->cookie);
	dma_descriptor_unmap(txd);
	/*
	 * No callback for a transfer the client terminated, as dmaengine
	 * has it; one aborted by a hot-unplug gets its callback, with
	 * DMA_TRANS_ABORTED, as idxd does when a device goes, so that the
	 * client stops waiting and unmaps its buffers.
	 */
	if (result != DMAENG_RESULT_ABORTED ||
	    dmaeng_chan_is_dead(bd->dtx->chan)) {
		if (txd->callback_result)
			txd->callback_result(txd->callback_param, &res);
		else if (txd->callback)
			txd->callback(txd->callback_param);
	}
	dma_run_dependencies(txd);
	bri_desc_put(bd);
}

static dma_cookie_t bri_tx_submit(struct dma_async_tx_descriptor *txd)
{
	struct bri_chan *bc = to_bri_chan(txd->chan);
	struct bri_desc *bd = to_bri_desc(txd);
	unsigned long flags;
	s32 cookie;

	spin_lock_irqsave(&bc->lock, flags);
	list_del(&bd->node);
	spin_unlock_irqrestore(&bc->lock, flags);
	refcount_set(&bd->refs, 2);
	/* dmaeng frees the dmaeng descriptor if this fails. */
	cookie = dmaeng_submit(bd->dtx);
	if (cookie < 0) {
		dma_descriptor_unmap(txd);
		kmem_cache_free(bri_desc_cache, bd);
		return cookie;
	}
	/* The callback may have run already, and stored it too. */
	WRITE_ONCE(txd->cookie, cookie);
	bri_desc_put(bd);
	return cookie;
}

static struct dma_async_tx_descriptor *
bri_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		size_t len, unsigned long flags)
{
	struct bri_chan *bc = to_bri_chan(chan);
	struct dmaeng_chan *held = READ_ONCE(bc->held);
	struct bri_desc *bd;
	unsigned long irqflags;

	if (!held)
		return NULL;
	/* dmaengine's preps may be called in atomic context. */
	bd = kmem_cache_zalloc(bri_desc_cache, GFP_NOWAIT);
	if (!bd)
		return NULL;
	/* Always a callback: it completes the dmaengine descriptor. */
	bd->dtx = dmaeng_prep_memcpy(held, dst, src, len,
				     DMAENG_PREP_NOWAIT | DMAENG_PREP_INTERRUPT);
	if (!bd->dtx) {
		kmem_cache_free(bri_desc_cache, bd);
		return NULL;
	}
	bd->dtx->callback = bri_done;
	bd->dtx->callback_param = bd;
	dma_async_tx_descriptor_init(&bd->txd, chan);
	bd->txd.flags = (enum dma_ctrl_flags)flags;
	bd->txd.tx_submit = bri_tx_submit;
	spin_lock_irqsave(&bc->lock, irqflags);
	list_add_tail(&bd->node, &bc->prepared);
	spin_unlock_irqrestore(&bc->lock, irqflags);
	return &bd->txd;
}

static void bri_issue_pending(struct dma_chan *chan)
{
	struct dmaeng_chan *held = READ_ONCE(to_bri_chan(chan)->held);

	if (held)
		dmaeng_issue_pending(held);
}

static enum dma_status bri_tx_status(struct dma_chan *chan,
				     dma_cookie_t cookie,
				     struct dma_tx_state *state)
{
	struct dmaeng_chan *held = READ_ONCE(to_bri_chan(chan)->held);
	struct dmaeng_tx_state ds = {};
	enum dmaeng_status status;

	if (!held)
		return DMA_ERROR;
	status = dmaeng_tx_status(held, cookie, &ds);
	if (state) {
		state->last = ds.last;
		state->used = ds.used;
		state->residue = ds.residue;
		state->in_flight_bytes = 0;
	}
	switch (status) {
	case DMAENG_COMPLETE:
		return DMA_COMPLETE;
	case DMAENG_IN_PROGRESS:
		return DMA_IN_PROGRESS;
	case DMAENG_PAUSED:
		return DMA_PAUSED;
	default:
		return DMA_ERROR;
	}
}

static void bri_terminate_work(struct work_struct *work)
{
	struct bri_chan *bc = container_of(work, struct bri_chan, terminate);

	dmaeng_terminate_sync(bc->held);
}

/* May be called in atomic context: dmaeng's terminate sleeps, so a work. */
static int bri_terminate_all(struct dma_chan *chan)
{
	struct bri_chan *bc = to_bri_chan(chan);

	if (!READ_ONCE(bc->held))
		return -EINVAL;
	schedule_work(&bc->terminate);
	return 0;
}

static void bri_synchronize(struct dma_chan *chan)
{
	flush_work(&to_bri_chan(chan)->terminate);
}

static bool bri_filter(struct dmaeng_chan *chan, void *param)
{
	return chan == param;
}

/* Under dma_list_mutex: never -ENODEV, which makes dmaengine drop us. */
static int bri_alloc_chan_resources(struct dma_chan *chan)
{
	struct bri_chan *bc = to_bri_chan(chan);
	struct bri_dev *bd = container_of(chan->device, struct bri_dev, dma);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *held;

	if (READ_ONCE(bd->gone) || !try_module_get(THIS_MODULE))
		return -EBUSY;
	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	held = dmaeng_request_channel(&mask, bri_filter, bc->target);
	if (IS_ERR(held)) {
		module_put(THIS_MODULE);
		dev_info(chan->device->dev,
			 "%s: dmaeng %s is held by a dmaeng client or gone (%ld)\n",
			 dma_chan_name(chan), bc->target->name, PTR_ERR(held));
		return PTR_ERR(held) == -ENODEV ? -EBUSY : PTR_ERR(held);
	}
	WRITE_ONCE(bc->held, held);
	return 0;
}

static void bri_free_chan_resources(struct dma_chan *chan)
{
	struct bri_chan *bc = to_bri_chan(chan);
	struct dmaeng_chan *held = bc->held;
	struct bri_desc *bd, *n;
	LIST_HEAD(unsubmitted);

	flush_work(&bc->terminate);
	WRITE_ONCE(bc->held, NULL);
	/* Aborts what is queued, frees what was prepared and not submitted. */
	dmaeng_release_channel(held);
	spin_lock_irq(&bc->lock);
	list_splice_init(&bc->prepared, &unsubmitted);
	spin_unlock_irq(&bc->lock);
	list_for_each_entry_safe(bd, n, &unsubmitted, node) {
		dma_descriptor_unmap(&bd->txd);
		kmem_cache_free(bri_desc_cache, bd);
	}
	module_put(THIS_MODULE);
}

static bool bri_no_channel(struct dma_chan *chan, void *param)
{
	return false;
}

/*
 * Wait until no thread is inside dma_list_mutex, under which dmaengine
 * called bri_release() or bri_free_chan_resources(): a request that no
 * channel satisfies takes it and changes nothing.
 */
static void bri_barrier(void)
{
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	dma_request_channel(mask, bri_no_channel, NULL);
}

static void bri_free(struct work_struct *work)
{
	struct bri_dev *bd = container_of(work, struct bri_dev, free);
	unsigned int i;

	bri_barrier();
	for (i = 0; i < bd->nchans; i++)
		put_device(&bd->chans[i].chan.dev->device);
	kfree(bd);
	if (atomic_dec_and_test(&bri_live))
		wake_up_var(&bri_live);
}

/*
 * dmaengine's device_release, under dma_list_mutex; dma_release_channel()
 * may still read the channel when it returns.
 */
static void bri_release(struct dma_device *dma)
{
	struct bri_dev *bd = container_of(dma, struct bri_dev, dma);

	queue_work(bri_wq, &bd->free);
}

static void bri_added(struct dmaeng_watcher *w, struct dmaeng_device *ddev)
{
	struct device *dev = ddev->dev;
	struct dmaeng_chan *dchan;
	struct dma_device *dma;
	struct bri_dev *bd;
	unsigned int i = 0;
	int err;

	if (!dmaeng_cap_has(DMAENG_MEMCPY, &ddev->cap_mask) ||
	    !dmaeng_cap_has(DMAENG_INTERRUPT, &ddev->cap_mask))
		return;
	/* dmaengine pins dev->driver's module: it must be the provider. */
	if (!dev->driver || dev->driver->owner != ddev->owner) {
		dev_info(dev, BRI_NAME ": dmaeng dma%d not bridged: %s is not bound to its provider's driver\n",
			 ddev->dev_id, dev_name(dev));
		return;
	}
	bd = kzalloc(struct_size(bd, chans, ddev->chancnt), GFP_KERNEL);
	if (!bd)
		return;
	bd->nchans = ddev->chancnt;
	bd->ddev = ddev;
	INIT_WORK(&bd->free, bri_free);
	dma = &bd->dma;
	dma->dev = dev;
	dma_cap_set(DMA_MEMCPY, dma->cap_mask);
	/*
	 * Private: only dma_request_channel() and its kind take a channel.
	 * A public device would be taken whole by dmaengine_get() (async_tx),
	 * which also keeps descriptors until they are acked and panics on a
	 * failed one: not for an engine that can be hot-unplugged.
	 */
	dma_cap_set(DMA_PRIVATE, dma->cap_mask);
	dma->copy_align = DMAENGINE_ALIGN_1_BYTE;
	dma->residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	dma->device_alloc_chan_resources = bri_alloc_chan_resources;
	dma->device_free_chan_resources = bri_free_chan_resources;
	dma->device_prep_dma_memcpy = bri_prep_memcpy;
	dma->device_issue_pending = bri_issue_pending;
	dma->device_tx_status = bri_tx_status;
	dma->device_terminate_all = bri_terminate_all;
	dma->device_synchronize = bri_synchronize;
	dma->device_release = bri_release;
	INIT_LIST_HEAD(&dma->channels);
	list_for_each_entry(dchan, &ddev->channels, device_node) {
		struct bri_chan *bc = &bd->chans[i++];

		bc->target = dchan;
		bc->chan.device = dma;
		spin_lock_init(&bc->lock);
		INIT_LIST_HEAD(&bc->prepared);
		INIT_WORK(&bc->terminate, bri_terminate_work);
		list_add_tail(&bc->chan.device_node, &dma->channels);
	}
	err = dma_async_device_register(dma);
	if (err) {
		dev_err(dev, BRI_NAME ": cannot register dmaeng dma%d with dmaengine: %d\n",
			ddev->dev_id, err);
		kfree(bd);
		return;
	}
	/*
	 * dmaengine frees a channel's class device at unregistration while a
	 * client may still hold the channel, and still reads its name (its
	 * debugfs summary, dmatest): keep them until bri_free().
	 */
	for (i = 0; i < bd->nchans; i++)
		get_device(&bd->chans[i].chan.dev->device);
	atomic_inc(&bri_live);
	list_add_tail(&bd->node, &bri_devs);
	dev_info(dev, BRI_NAME ": dmaeng dma%dchan0..%u are dmaengine dma%dchan0..%u\n",
		 ddev->dev_id, bd->nchans - 1, dma->dev_id, bd->nchans - 1);
}

static void bri_removed(struct dmaeng_watcher *w, struct dmaeng_device *ddev)
{
	struct bri_dev *bd;

	list_for_each_entry(bd, &bri_devs, node) {
		if (bd->ddev != ddev)
			continue;
		list_del(&bd->node);
		WRITE_ONCE(bd->gone, true);
		dev_info(ddev->dev, BRI_NAME ": dmaengine dma%d unbridged\n",
			 bd->dma.dev_id);
		/* Frees @bd now, or at the last kernel client's release. */
		dma_async_device_unregister(&bd->dma);
		return;
	}
}

static struct dmaeng_watcher bri_watcher = {
	.added = bri_added,
	.removed = bri_removed,
};

static int __init bri_init(void)
{
	int err;

	err = dmaeng_bridge_claim(DMAENG_BRIDGE_TO_DMAENGINE);
	if (err)
		return err;
	err = -ENOMEM;
	bri_desc_cache = KMEM_CACHE(bri_desc, 0);
	if (!bri_desc_cache)
		goto unclaim;
	bri_wq = alloc_workqueue(BRI_NAME, 0, 0);
	if (!bri_wq)
		goto destroy_cache;
	err = dmaeng_watcher_register(&bri_watcher);
	if (!err)
		return 0;
	destroy_workqueue(bri_wq);
destroy_cache:
	kmem_cache_destroy(bri_desc_cache);
unclaim:
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_TO_DMAENGINE);
	return err;
}

static void __exit bri_exit(void)
{
	/* bri_removed() for every device: the same as a hot-unplug. */
	dmaeng_watcher_unregister(&bri_watcher);
	wait_var_event(&bri_live, !atomic_read(&bri_live));
	destroy_workqueue(bri_wq);	/* the last bri_free() has returned */
	kmem_cache_destroy(bri_desc_cache);
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_TO_DMAENGINE);
}

module_init(bri_init);
module_exit(bri_exit);

MODULE_DESCRIPTION("dmaeng: dmaeng MEMCPY channels as kernel dmaengine channels");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
