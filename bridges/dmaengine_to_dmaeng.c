// SPDX-License-Identifier: GPL-2.0
/*
 * dmaengine_to_dmaeng: the kernel's dmaengine MEMCPY channels as dmaeng
 * channels, so that dmaeng's clients (dmaeng_netcopy, dmaeng_test) run on
 * the DMA engines real machines have (ioatdma, idxd, ptdma...).
 *
 * Each kernel dma_device on the PCI or platform bus with free DMA_MEMCPY
 * channels becomes one dmaeng device (MEMCPY and INTERRUPT), with one
 * dmaeng channel per such kernel channel and the kernel channel's DMA
 * device as its struct device, so that dmaeng clients map their buffers
 * for the device that does the DMA.  It is private-only if the kernel
 * device is private or does slave or cyclic transfers (whose own clients
 * must still find its channels free).  Channels are found when this module
 * loads and whenever a driver binds to a PCI or platform device (dmaengine
 * has no notifier); a channel some kernel client holds at that moment is
 * not seen.  When the kernel device's driver unbinds, its dmaeng device is
 * unregistered first (a hot-unplug for dmaeng's clients) and every kernel
 * channel still held is given back before the driver's remove runs.
 *
 * What is pinned, and by whom
 * ===========================
 * Nothing while no dmaeng client holds a bridged channel.  The first
 * dmaeng reference calls rev_alloc_chan_resources(), which takes the
 * kernel channel with dma_request_channel() (so dmaengine pins the kernel
 * driver's module, by its normal rules); the last one gives it back with
 * dma_release_channel().  dmaeng itself pins this module (the dmaeng
 * device's owner) while any channel is held.
 *
 * Transfers
 * =========
 * The channels use dmaeng's helper library (dmaeng/vchan.h), with the
 * kernel channel as the hardware.  issue_pending only queues rev_start(),
 * which prepares and submits the started descriptors on the kernel
 * channel in process context (some drivers' preps take BH locks or
 * sleep).  The kernel's completion callbacks mark them done; they are
 * completed to the library strictly in the order they were started
 * (rev_complete_done()), whatever order the kernel completes them in (idxd
 * does not keep it) and also when a kernel prep or submit fails.  A
 * descriptor the kernel device cannot align is refused at prep (NULL), so
 * the client can fall back.  Terminate aborts the kernel channel with
 * dmaengine_terminate_sync(); a driver that cannot terminate (ioatdma)
 * has what it started waited for instead.
 *
 * Locking
 * =======
 * rev_mutex protects rev_devs and rev_unsettled and serialises scans and
 * unbinds.  Each channel's start_lock (a mutex) serialises rev_start()
 * against terminate and against giving the kernel channel back; vc.lock
 * (the library's) protects the active list and is never held while
 * calling the kernel's driver.  dmaeng calls alloc_chan_resources and the
 * other resource callbacks under its registry mutex, which then takes
 * dmaengine's dma_list_mutex: the forward bridge (dmaeng_to_dmaengine)
 * nests them the other way round, so the two are never loaded together
 * (dmaeng_bridge_claim()).
 */

#include <linux/device.h>
#include <linux/dmaengine.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <dmaeng/vchan.h>
#include <dmaeng/watch.h>

#define REV_NAME	"dmaengine_to_dmaeng"
#define REV_MAX_CHANS	64	/* kernel channels found in one scan */

struct rev_chan {
	struct dmaeng_vchan vc;
	struct dma_chan *target;	/* the kernel channel (compared only) */
	struct dma_chan *kchan;		/* target, while held; start_lock */
	struct mutex start_lock;	/* starts on kchan; see Locking */
	struct work_struct start;	/* rev_start() */
	struct list_head active;	/* started, in order; vc.lock */
	wait_queue_head_t idle;		/* active became empty */
};

struct rev_dev {
	struct dmaeng_device ddev;
	struct list_head node;		/* on rev_devs, rev_mutex */
	struct device *kdev;		/* the kernel device's (compared only) */
	struct module *kowner;		/* its driver's module */
	enum dmaengine_alignment copy_align;
	unsigned int nchans;
	struct rev_chan chans[];
};

struct rev_desc {
	struct dmaeng_vdesc vd;
	struct list_head node;		/* on rev_chan.active, or starting */
	dma_addr_t dst;
	dma_addr_t src;
	bool done;			/* the kernel completed it: result */
	enum dmaeng_result result;
};

/* A device whose driver is probing or unbinding: not to be bridged. */
struct rev_unsettled {
	struct list_head node;
	struct device *dev;
};

static DEFINE_MUTEX(rev_mutex);
static LIST_HEAD(rev_devs);
static LIST_HEAD(rev_unsettled);
static struct workqueue_struct *rev_wq;

static struct rev_chan *to_rev_chan(struct dmaeng_chan *chan)
{
	return container_of(to_dmaeng_vchan(chan), struct rev_chan, vc);
}

static struct rev_dev *to_rev_dev(struct dmaeng_chan *chan)
{
	return container_of(chan->device, struct rev_dev, ddev);
}

static void rev_desc_free(struct dmaeng_vdesc *vd)
{
	kfree(container_of(vd, struct rev_desc, vd));
}

/* Complete, in the order started, those at the head that are done. */
static void rev_complete_done(struct rev_chan *rc)
{
	struct rev_desc *rd, *n;

	lockdep_assert_held(&rc->vc.lock);
	list_for_each_entry_safe(rd, n, &rc->active, node) {
		if (!rd->done)
			break;
		list_del(&rd->node);
		dmaeng_vchan_complete(&rd->vd, rd->result);
	}
	if (list_empty(&rc->active))
		wake_up(&rc->idle);
}

/* The kernel's completion callback: its driver's completion context. */
static void rev_done(void *param, const struct dmaengine_result *res)
{
	struct rev_desc *rd = param;
	struct rev_chan *rc = to_rev_chan(rd->vd.tx.chan);
	unsigned long flags;

	spin_lock_irqsave(&rc->vc.lock, flags);
	rd->done = true;
	if (res->result == DMA_TRANS_NOERROR)
		rd->result = DMAENG_RESULT_OK;
	else if (res->result == DMA_TRANS_ABORTED)
		rd->result = DMAENG_RESULT_ABORTED;
	else
		rd->result = DMAENG_RESULT_ERROR;
	rev_complete_done(rc);
	spin_unlock_irqrestore(&rc->vc.lock, flags);
}

/* Start what was issued, on the kernel channel: process context. */
static void rev_start(struct work_struct *work)
{
	struct rev_chan *rc = container_of(work, struct rev_chan, start);
	struct dma_async_tx_descriptor *ktx;
	struct rev_desc *rd, *n;
	struct dmaeng_vdesc *vd;
	LIST_HEAD(starting);
	bool any = false;

	mutex_lock(&rc->start_lock);
	if (!rc->kchan)
		goto out;
	spin_lock_irq(&rc->vc.lock);
	if (dmaeng_vchan_issue_pending(&rc->vc))
		while ((vd = dmaeng_vchan_next(&rc->vc)))
			list_add_tail(&container_of(vd, struct rev_desc, vd)->node,
				      &starting);
	spin_unlock_irq(&rc->vc.lock);

	list_for_each_entry_safe(rd, n, &starting, node) {
		ktx = dmaengine_prep_dma_memcpy(rc->kchan, rd->dst, rd->src,
						rd->vd.tx.len,
						DMA_PREP_INTERRUPT |
						DMA_CTRL_ACK);
		/* In place before its callback can run. */
		spin_lock_irq(&rc->vc.lock);
		list_move_tail(&rd->node, &rc->active);
		spin_unlock_irq(&rc->vc.lock);
		if (ktx) {
			ktx->callback_result = rev_done;
			ktx->callback_param = rd;
			if (!dma_submit_error(dmaengine_submit(ktx))) {
				any = true;
				continue;
			}
		}
		spin_lock_irq(&rc->vc.lock);
		rd->done = true;
		rd->result = DMAENG_RESULT_ERROR;
		spin_unlock_irq(&rc->vc.lock);
	}
	spin_lock_irq(&rc->vc.lock);
	rev_complete_done(rc);
	spin_unlock_irq(&rc->vc.lock);
	if (any)
		dma_async_issue_pending(rc->kchan);
out:
	mutex_unlock(&rc->start_lock);
}

static void rev_issue_pending(struct dmaeng_chan *chan)
{
	queue_work(rev_wq, &to_rev_chan(chan)->start);
}

static struct dmaeng_tx *rev_prep_memcpy(struct dmaeng_chan *chan,
					 dma_addr_t dst, dma_addr_t src,
					 size_t len, unsigned long flags)
{
	struct rev_desc *rd;

	/* What the kernel device cannot do: the client falls back. */
	if (!dmaengine_check_align(to_rev_dev(chan)->copy_align, src, dst, len))
		return NULL;
	/* The kernel's own prep comes when it starts, in rev_start(). */
	rd = kzalloc(sizeof(*rd), flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT :
							       GFP_KERNEL);
	if (!rd)
		return NULL;
	rd->dst = dst;
	rd->src = src;
	return dmaeng_vchan_tx_prep(&to_rev_chan(chan)->vc, &rd->vd, len);
}

static bool rev_idle(struct rev_chan *rc)
{
	bool idle;

	spin_lock_irq(&rc->vc.lock);
	idle = list_empty(&rc->active);
	spin_unlock_irq(&rc->vc.lock);
	return idle;
}

/* Process context, under dmaeng's registry mutex: may sleep. */
static int rev_terminate_all(struct dmaeng_chan *chan)
{
	struct rev_chan *rc = to_rev_chan(chan);
	struct rev_desc *rd, *n;
	unsigned long flags;

	mutex_lock(&rc->start_lock);
	/*
	 * dmaengine_terminate_sync() waits for running callbacks only with
	 * the driver's device_synchronize: without it, or without
	 * device_terminate_all (ioatdma), let the driver finish what it
	 * started (a copy always ends) instead.  After it, no kernel
	 * callback runs for these, nor ever will.
	 */
	if (rc->kchan && (!rc->kchan->device->device_synchronize ||
			  dmaengine_terminate_sync(rc->kchan)))
		wait_event(rc->idle, rev_idle(rc));
	spin_lock_irqsave(&rc->vc.lock, flags);
	list_for_each_entry_safe(rd, n, &rc->active, node) {
		list_del(&rd->node);
		dmaeng_vchan_complete(&rd->vd, rd->done ? rd->result :
							  DMAENG_RESULT_ABORTED);
	}
	dmaeng_vchan_terminate_all(&rc->vc);
	spin_unlock_irqrestore(&rc->vc.lock, flags);
	mutex_unlock(&rc->start_lock);
	return 0;
}

static void rev_release_kchan(struct rev_chan *rc)
{
	struct dma_chan *kchan;

	mutex_lock(&rc->start_lock);
	kchan = rc->kchan;
	rc->kchan = NULL;
	mutex_unlock(&rc->start_lock);
	if (kchan)
		dma_release_channel(kchan);
}

static void rev_synchronize(struct dmaeng_chan *chan)
{
	struct rev_chan *rc = to_rev_chan(chan);

	flush_work(&rc->start);
	mutex_lock(&rc->start_lock);
	if (rc->kchan)
		dmaengine_synchronize(rc->kchan);
	mutex_unlock(&rc->start_lock);
	dmaeng_vchan_synchronize(&rc->vc);
	/*
	 * Unregistered (its driver is unbinding, rev_unbind()): the kernel
	 * channel goes back now, before the driver's remove, not at the
	 * last dmaeng reference.
	 */
	if (dmaeng_chan_is_dead(chan))
		rev_release_kchan(rc);
}

static bool rev_filter_one(struct dma_chan *chan, void *param)
{
	return chan == param;
}

static int rev_alloc_chan_resources(struct dmaeng_chan *chan)
{
	struct rev_chan *rc = to_rev_chan(chan);
	struct rev_dev *rdev = to_rev_dev(chan);
	struct dma_chan *kchan;
	dma_cap_mask_t mask;

	/*
	 * Not while its driver's module goes: dmaengine would take the
	 * device off its list (-ENODEV from dma_chan_get()) and again when
	 * the driver unregisters it.
	 */
	if (!try_module_get(rdev->kowner))
		return -EBUSY;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	kchan = dma_request_channel(mask, rev_filter_one, rc->target);
	module_put(rdev->kowner);
	if (!kchan) {
		dev_info(chan->device->dev,
			 REV_NAME ": %s: its dmaengine channel is held or gone\n",
			 chan->name);
		return -EBUSY;
	}
	mutex_lock(&rc->start_lock);
	rc->kchan = kchan;
	mutex_unlock(&rc->start_lock);
	return 0;
}

static void rev_free_chan_resources(struct dmaeng_chan *chan)
{
	struct rev_chan *rc = to_rev_chan(chan);

	cancel_work_sync(&rc->start);
	dmaeng_vchan_free_chan_resources(&rc->vc);
	rev_release_kchan(rc);
}

static const struct dmaeng_device_ops rev_ops = {
	.alloc_chan_resources = rev_alloc_chan_resources,
	.free_chan_resources = rev_free_chan_resources,
	.prep_memcpy = rev_prep_memcpy,
	.issue_pending = rev_issue_pending,
	.tx_status = dmaeng_vchan_tx_status,
	.terminate_all = rev_terminate_all,
	.synchronize = rev_synchronize,
};

static void rev_release(struct dmaeng_device *ddev)
{
	kfree(container_of(ddev, struct rev_dev, ddev));
}

/*
 * What a scan found: free kernel MEMCPY channels not bridged yet, with
 * everything rev_add() needs copied while dmaengine's mutex was held.
 */
struct rev_found {
	struct dma_chan *chan;		/* compared only, after the scan */
	struct dma_device *kdma;	/* compared only */
	struct device *kdev;		/* compared only */
	struct device *dma_dev;		/* referenced */
	struct module *kowner;
	enum dmaengine_alignment copy_align;
	bool private;
	char name[32];
};

struct rev_scan {
	unsigned int n;
	struct rev_found found[REV_MAX_CHANS];
};

static bool rev_bus_watched(const struct device *dev)
{
	return dev->bus == &platform_bus_type ||
	       (IS_ENABLED(CONFIG_PCI) && dev_is_pci(dev));
}

static bool rev_known(struct dma_chan *chan, struct device *kdev)
{
	struct rev_unsettled *u;
	struct rev_dev *rdev;
	unsigned int i;

	list_for_each_entry(u, &rev_unsettled, node)
		if (u->dev == kdev)
			return true;
	list_for_each_entry(rdev, &rev_devs, node)
		for (i = 0; i < rdev->nchans; i++)
			if (rdev->chans[i].target == chan)
				return true;
	return false;
}

/*
 * dmaengine calls it, under its dma_list_mutex, for every free channel of
 * every device with DMA_MEMCPY: note the channel, take none.  Only devices
 * bound on a bus whose binding and unbinding rev_bus_notify() hears of,
 * and not while their driver probes (it may fail and free the channels)
 * or unbinds.
 */
static bool rev_collect(struct dma_chan *chan, void *param)
{
	struct dma_device *kdma = chan->device;
	struct device *kdev = kdma->dev;
	struct rev_scan *scan = param;
	struct rev_found *f;

	if (scan->n >= REV_MAX_CHANS || !READ_ONCE(kdev->driver) ||
	    !rev_bus_watched(kdev) || rev_known(chan, kdev))
		return false;
	f = &scan->found[scan->n++];
	f->chan = chan;
	f->kdma = kdma;
	f->kdev = kdev;
	f->dma_dev = get_device(dmaengine_get_dma_device(chan));
	f->kowner = kdma->owner;
	f->copy_align = kdma->copy_align;
	f->private = dma_has_cap(DMA_PRIVATE, kdma->cap_mask) ||
		     dma_has_cap(DMA_SLAVE, kdma->cap_mask) ||
		     dma_has_cap(DMA_CYCLIC, kdma->cap_mask);
	strscpy(f->name, dev_name(kdev), sizeof(f->name));
	return false;
}

static bool rev_same(const struct rev_found *a, const struct rev_found *b)
{
	return a->chan && b->chan && a->kdma == b->kdma &&
	       a->dma_dev == b->dma_dev;
}

/* Register one dmaeng device for the channels found like @first. */
static void rev_add(struct rev_scan *scan, struct rev_found *first)
{
	struct rev_found key = *first;
	struct rev_dev *rdev;
	unsigned int i, n = 0;
	int err;

	for (i = 0; i < scan->n; i++)
		n += rev_same(&scan->found[i], &key);
	rdev = kzalloc(struct_size(rdev, chans, n), GFP_KERNEL);
	if (!rdev)
		goto drop;
	rdev->nchans = n;
	rdev->kdev = key.kdev;
	rdev->kowner = key.kowner;
	rdev->copy_align = key.copy_align;
	INIT_LIST_HEAD(&rdev->ddev.channels);
	n = 0;
	for (i = 0; i < scan->n; i++) {
		struct rev_chan *rc;

		if (!rev_same(&scan->found[i], &key))
			continue;
		rc = &rdev->chans[n++];
		rc->target = scan->found[i].chan;
		mutex_init(&rc->start_lock);
		INIT_WORK(&rc->start, rev_start);
		INIT_LIST_HEAD(&rc->active);
		init_waitqueue_head(&rc->idle);
		dmaeng_vchan_init(&rc->vc, rev_desc_free);
		list_add_tail(&rc->vc.chan.device_node, &rdev->ddev.channels);
	}
	rdev->ddev.dev = key.dma_dev;
	rdev->ddev.owner = THIS_MODULE;
	dmaeng_cap_set(DMAENG_MEMCPY, &rdev->ddev.cap_mask);
	dmaeng_cap_set(DMAENG_INTERRUPT, &rdev->ddev.cap_mask);
	if (key.private)
		dmaeng_cap_set(DMAENG_PRIVATE, &rdev->ddev.cap_mask);
	rdev->ddev.ops = &rev_ops;
	rdev->ddev.release = rev_release;
	err = dmaeng_device_register(&rdev->ddev);
	if (err) {
		dev_err(key.dma_dev, REV_NAME ": cannot register with dmaeng: %d\n",
			err);
		kfree(rdev);
		goto drop;
	}
	list_add_tail(&rdev->node, &rev_devs);
	dev_info(key.dma_dev, REV_NAME ": %u dmaengine channels of %s are dmaeng dma%dchan0..%u\n",
		 n, key.name, rdev->ddev.dev_id, n - 1);
drop:
	/* dmaeng holds its own reference on the device it registered. */
	for (i = 0; i < scan->n; i++) {
		if (!rev_same(&scan->found[i], &key))
			continue;
		put_device(scan->found[i].dma_dev);
		scan->found[i].chan = NULL;
	}
}

static void rev_scan(void)
{
	struct rev_scan *scan;
	dma_cap_mask_t mask;
	unsigned int i;

	scan = kzalloc(sizeof(*scan), GFP_KERNEL);
	if (!scan)
		return;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	mutex_lock(&rev_mutex);
	/* Takes nothing: rev_collect() says no to every channel. */
	dma_request_channel(mask, rev_collect, scan);
	for (i = 0; i < scan->n; i++)
		if (scan->found[i].chan)
			rev_add(scan, &scan->found[i]);
	mutex_unlock(&rev_mutex);
	kfree(scan);
}

/* @dev's driver probes or unbinds: leave its channels alone meanwhile. */
static void rev_unsettle(struct device *dev)
{
	struct rev_unsettled *u = kzalloc(sizeof(*u), GFP_KERNEL | __GFP_NOFAIL);

	mutex_lock(&rev_mutex);
	u->dev = dev;
	list_add(&u->node, &rev_unsettled);
	mutex_unlock(&rev_mutex);
}

/* @dev's driver is going: so are the kernel devices it registered. */
static void rev_unbind(struct device *dev)
{
	struct rev_dev *rdev, *n;

	rev_unsettle(dev);
	mutex_lock(&rev_mutex);
	list_for_each_entry_safe(rdev, n, &rev_devs, node) {
		if (rdev->kdev != dev)
			continue;
		list_del(&rdev->node);
		/* Gives the kernel channels back (rev_synchronize()). */
		dmaeng_device_unregister(&rdev->ddev);	/* may free it */
	}
	mutex_unlock(&rev_mutex);
}

/* @dev's driver is bound, gone, or its probe failed. */
static void rev_settled(struct device *dev)
{
	struct rev_unsettled *u, *n;

	mutex_lock(&rev_mutex);
	list_for_each_entry_safe(u, n, &rev_unsettled, node) {
		if (u->dev != dev)
			continue;
		list_del(&u->node);
		kfree(u);
	}
	mutex_unlock(&rev_mutex);
}

static int rev_bus_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	switch (action) {
	case BUS_NOTIFY_BIND_DRIVER:
		rev_unsettle(data);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		rev_settled(data);
		rev_scan();
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		rev_unbind(data);
		break;
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		/* Its channels were never bridged: it was unsettled. */
	case BUS_NOTIFY_UNBOUND_DRIVER:
		rev_settled(data);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block rev_platform_nb = {
	.notifier_call = rev_bus_notify,
};

static struct notifier_block rev_pci_nb = {
	.notifier_call = rev_bus_notify,
};

static void rev_remove_all(void)
{
	struct rev_unsettled *u, *un;
	struct rev_dev *rdev, *n;

	mutex_lock(&rev_mutex);
	list_for_each_entry_safe(rdev, n, &rev_devs, node) {
		list_del(&rdev->node);
		dmaeng_device_unregister(&rdev->ddev);
	}
	list_for_each_entry_safe(u, un, &rev_unsettled, node) {
		list_del(&u->node);
		kfree(u);
	}
	mutex_unlock(&rev_mutex);
}

static int __init rev_init(void)
{
	int err;

	err = dmaeng_bridge_claim(DMAENG_BRIDGE_FROM_DMAENGINE);
	if (err)
		return err;
	err = -ENOMEM;
	rev_wq = alloc_workqueue(REV_NAME, WQ_UNBOUND, 0);
	if (!rev_wq)
		goto unclaim;
	err = bus_register_notifier(&platform_bus_type, &rev_platform_nb);
	if (err)
		goto destroy_wq;
#ifdef CONFIG_PCI
	err = bus_register_notifier(&pci_bus_type, &rev_pci_nb);
	if (err)
		goto platform;
#endif
	rev_scan();
	return 0;

#ifdef CONFIG_PCI
platform:
	bus_unregister_notifier(&platform_bus_type, &rev_platform_nb);
#endif
destroy_wq:
	destroy_workqueue(rev_wq);
unclaim:
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_FROM_DMAENGINE);
	return err;
}

static void __exit rev_exit(void)
{
#ifdef CONFIG_PCI
	bus_unregister_notifier(&pci_bus_type, &rev_pci_nb);
#endif
	bus_unregister_notifier(&platform_bus_type, &rev_platform_nb);
	rev_remove_all();
	destroy_workqueue(rev_wq);
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_FROM_DMAENGINE);
}

module_init(rev_init);
module_exit(rev_exit);

MODULE_DESCRIPTION("dmaeng: kernel dmaengine MEMCPY channels as dmaeng channels");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
