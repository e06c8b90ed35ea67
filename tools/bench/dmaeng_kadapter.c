// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_kadapter: the software engine of dmaeng_memcpy, registered with the
 * kernel's own dmaengine instead of dmaeng, so that `make bench` can set
 * dmaeng and dmaengine side by side in one boot.  Test-only, not shipped.
 *
 * Built to be structurally the same as providers/dmaeng_memcpy.c: a
 * platform device "dmaeng_kadapter" with a DMA mask stands for the engine;
 * clients map their buffers with the DMA API for it; each prep allocates a
 * descriptor from a per-channel mempool; each channel runs its issued
 * descriptors in submission order on its own work item of an unbound
 * workqueue, copying with dmaeng_memcpy's own engine code
 * (providers/dmaeng_swcopy.h); the completion callback runs from the work
 * item.
 * It counts memcpy_count and bytes_transferred per CPU, as dmaeng's core
 * does for its channels, so that both engines do the same work.
 *
 * drivers/dma/dmaengine.h is private to the kernel tree, so cookies are
 * assigned and completed here, on dma_chan.cookie and .completed_cookie.
 *
 * Locking: ka_chan.lock (IRQ-safe) protects the submitted and issued lists
 * and cookie assignment; completion runs in the work item without it.
 */

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/iommu.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <dmaeng/types.h>
#include "../../providers/dmaeng_swcopy.h"

#define KA_NAME		"dmaeng_kadapter"
#define KA_MAX_CHANNELS	64
#define KA_RESERVE	16	/* descriptors kept in each channel's mempool */

static unsigned int channels = 8;
module_param(channels, uint, 0444);
MODULE_PARM_DESC(channels, "Number of channels, 1..64 (default: 8)");

struct ka_desc {
	struct dma_async_tx_descriptor tx;
	struct list_head node;
	dma_addr_t dst;
	dma_addr_t src;
	size_t len;
	bool aborted;
};

struct ka_chan {
	struct dma_chan chan;
	struct ka_dev *kdev;
	spinlock_t lock;		/* submitted, issued, cookies */
	struct list_head submitted;
	struct list_head issued;
	struct work_struct work;
	mempool_t *pool;
	dma_cookie_t error_cookie;	/* last cookie failed or aborted */
};

struct ka_dev {
	struct dma_device dma;
	struct workqueue_struct *wq;
	unsigned int nchans;
	struct ka_chan chans[];
};

static struct platform_device *ka_pdev;

static struct ka_chan *to_ka(struct dma_chan *chan)
{
	return container_of(chan, struct ka_chan, chan);
}

static struct ka_desc *to_desc(struct dma_async_tx_descriptor *tx)
{
	return container_of(tx, struct ka_desc, tx);
}

static enum dmaengine_tx_result ka_run(struct ka_chan *kc, struct ka_desc *d)
{
	struct device *dev = kc->kdev->dma.dev;

	if (d->aborted)
		return DMA_TRANS_ABORTED;
	if (!dmaeng_swcopy(dev, d->dst, d->src, d->len)) {
		dev_err_ratelimited(dev, "%s: bad DMA address %p or %p\n", dma_chan_name(&kc->chan),
				    dmaeng_addr_hashed(d->dst),
				    dmaeng_addr_hashed(d->src));
		return DMA_TRANS_READ_FAILED;
	}
	return DMA_TRANS_NOERROR;
}

/* Complete @d in cookie order: counters, cookie, unmap, callback. */
static void ka_complete(struct ka_chan *kc, struct ka_desc *d,
			enum dmaengine_tx_result result)
{
	struct dma_async_tx_descriptor *tx = &d->tx;
	struct dmaengine_result res = { .result = result };

	if (result == DMA_TRANS_NOERROR) {
		this_cpu_inc(kc->chan.local->memcpy_count);
		this_cpu_add(kc->chan.local->bytes_transferred, d->len);
	} else {
		WRITE_ONCE(kc->error_cookie, tx->cookie);
	}
	/* error_cookie before the cookie reads as complete. */
	smp_store_release(&kc->chan.completed_cookie, tx->cookie);
	dma_descriptor_unmap(tx);
	if (tx->callback_result)
		tx->callback_result(tx->callback_param, &res);
	else if (tx->callback)
		tx->callback(tx->callback_param);
	dma_run_dependencies(tx);
}

static void ka_work(struct work_struct *work)
{
	struct ka_chan *kc = container_of(work, struct ka_chan, work);
	struct ka_desc *d;

	for (;;) {
		spin_lock_irq(&kc->lock);
		d = list_first_entry_or_null(&kc->issued, struct ka_desc, node);
		if (d)
			list_del(&d->node);
		spin_unlock_irq(&kc->lock);
		if (!d)
			return;
		ka_complete(kc, d, ka_run(kc, d));
		mempool_free(d, kc->pool);
		cond_resched();
	}
}

static dma_cookie_t ka_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct ka_chan *kc = to_ka(tx->chan);
	struct dma_chan *chan = &kc->chan;
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&kc->lock, flags);
	cookie = chan->cookie == INT_MAX ? DMA_MIN_COOKIE : chan->cookie + 1;
	WRITE_ONCE(chan->cookie, cookie);
	tx->cookie = cookie;
	list_add_tail(&to_desc(tx)->node, &kc->submitted);
	spin_unlock_irqrestore(&kc->lock, flags);
	return cookie;
}

static int ka_desc_free(struct dma_async_tx_descriptor *tx)
{
	mempool_free(to_desc(tx), to_ka(tx->chan)->pool);
	return 0;
}

static struct dma_async_tx_descriptor *
ka_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
	       size_t len, unsigned long flags)
{
	struct ka_chan *kc = to_ka(chan);
	struct ka_desc *d;

	if (!len)
		return NULL;
	/* dmaengine preps may be called in atomic context: never sleep. */
	d = mempool_alloc(kc->pool, GFP_NOWAIT);
	if (!d)
		return NULL;
	dma_async_tx_descriptor_init(&d->tx, chan);
	d->tx.flags = (enum dma_ctrl_flags)flags;
	d->tx.tx_submit = ka_tx_submit;
	d->tx.desc_free = ka_desc_free;
	d->tx.callback = NULL;
	d->tx.callback_result = NULL;
	d->tx.callback_param = NULL;
	d->tx.unmap = NULL;
	d->tx.cookie = -EBUSY;
	d->dst = dst;
	d->src = src;
	d->len = len;
	d->aborted = false;
	return &d->tx;
}

static void ka_issue_pending(struct dma_chan *chan)
{
	struct ka_chan *kc = to_ka(chan);
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&kc->lock, flags);
	list_splice_tail_init(&kc->submitted, &kc->issued);
	kick = !list_empty(&kc->issued);
	spin_unlock_irqrestore(&kc->lock, flags);
	if (kick)
		queue_work(kc->kdev->wq, &kc->work);
}

static enum dma_status ka_tx_status(struct dma_chan *chan,
				    dma_cookie_t cookie,
				    struct dma_tx_state *state)
{
	struct ka_chan *kc = to_ka(chan);
	dma_cookie_t done, used;
	enum dma_status status;

	/* Pairs with ka_complete(): error_cookie is read after. */
	done = smp_load_acquire(&chan->completed_cookie);
	used = READ_ONCE(chan->cookie);
	dma_set_tx_state(state, done, used, 0);
	status = dma_async_is_complete(cookie, done, used);
	if (status == DMA_COMPLETE && cookie == READ_ONCE(kc->error_cookie))
		status = DMA_ERROR;
	return status;
}

static int ka_terminate_all(struct dma_chan *chan)
{
	struct ka_chan *kc = to_ka(chan);
	struct ka_desc *d;
	unsigned long flags;

	/* The work item completes them, in order, as aborted. */
	spin_lock_irqsave(&kc->lock, flags);
	list_splice_tail_init(&kc->submitted, &kc->issued);
	list_for_each_entry(d, &kc->issued, node)
		d->aborted = true;
	spin_unlock_irqrestore(&kc->lock, flags);
	queue_work(kc->kdev->wq, &kc->work);
	return 0;
}

static void ka_synchronize(struct dma_chan *chan)
{
	flush_work(&to_ka(chan)->work);
}

static int ka_alloc_chan_resources(struct dma_chan *chan)
{
	struct ka_chan *kc = to_ka(chan);

	kc->pool = mempool_create_kmalloc_pool(KA_RESERVE,
					       sizeof(struct ka_desc));
	if (!kc->pool)
		return -ENOMEM;
	chan->cookie = DMA_MIN_COOKIE;
	chan->completed_cookie = DMA_MIN_COOKIE;
	kc->error_cookie = 0;
	return KA_RESERVE;
}

static void ka_free_chan_resources(struct dma_chan *chan)
{
	struct ka_chan *kc = to_ka(chan);

	/* dmaengine syncs but does not terminate before freeing. */
	ka_terminate_all(chan);
	ka_synchronize(chan);
	WARN_ON_ONCE(!list_empty(&kc->submitted) || !list_empty(&kc->issued));
	mempool_destroy(kc->pool);
	kc->pool = NULL;
}

static void ka_release(struct dma_device *dma)
{
	kfree(container_of(dma, struct ka_dev, dma));
}

/* The devres action of the bound driver: after it, no operation runs. */
static void ka_unregister(void *data)
{
	struct ka_dev *kdev = data;
	struct workqueue_struct *wq = kdev->wq;

	dma_async_device_unregister(&kdev->dma);	/* may free kdev */
	destroy_workqueue(wq);
}

static int ka_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dma_device *dma;
	struct ka_dev *kdev;
	unsigned int i;
	int err;

	if (get_dma_ops(dev) || device_iommu_mapped(dev))
		return dev_err_probe(dev, -ENODEV,
				     "behind an IOMMU or DMA ops: cannot translate addresses\n");
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (err)
		return dev_err_probe(dev, err, "no 64-bit DMA mask\n");

	kdev = kzalloc(struct_size(kdev, chans, channels), GFP_KERNEL);
	if (!kdev)
		return -ENOMEM;
	kdev->nchans = channels;
	kdev->wq = alloc_workqueue(KA_NAME, WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!kdev->wq) {
		kfree(kdev);
		return -ENOMEM;
	}

	dma = &kdev->dma;
	dma->dev = dev;
	dma_cap_set(DMA_MEMCPY, dma->cap_mask);
	dma->copy_align = DMAENGINE_ALIGN_1_BYTE;
	dma->device_alloc_chan_resources = ka_alloc_chan_resources;
	dma->device_free_chan_resources = ka_free_chan_resources;
	dma->device_prep_dma_memcpy = ka_prep_memcpy;
	dma->device_issue_pending = ka_issue_pending;
	dma->device_tx_status = ka_tx_status;
	dma->device_terminate_all = ka_terminate_all;
	dma->device_synchronize = ka_synchronize;
	dma->device_release = ka_release;
	INIT_LIST_HEAD(&dma->channels);
	for (i = 0; i < channels; i++) {
		struct ka_chan *kc = &kdev->chans[i];

		kc->kdev = kdev;
		kc->chan.device = dma;
		spin_lock_init(&kc->lock);
		INIT_LIST_HEAD(&kc->submitted);
		INIT_LIST_HEAD(&kc->issued);
		INIT_WORK(&kc->work, ka_work);
		list_add_tail(&kc->chan.device_node, &dma->channels);
	}

	err = dma_async_device_register(dma);
	if (err) {
		destroy_workqueue(kdev->wq);
		kfree(kdev);
		return dev_err_probe(dev, err, "cannot register with dmaengine\n");
	}
	err = devm_add_action_or_reset(dev, ka_unregister, kdev);
	if (err)
		return err;
	platform_set_drvdata(pdev, kdev);
	dev_info(dev, "dma%d: %u public dmaengine MEMCPY channels\n",
		 dma->dev_id, channels);
	return 0;
}

static struct platform_driver ka_driver = {
	.driver = {
		.name = KA_NAME,
	},
	.probe = ka_probe,
};

static int __init ka_init(void)
{
	int err;

	if (!channels || channels > KA_MAX_CHANNELS) {
		pr_err(KA_NAME ": channels=%u: must be 1..%u\n", channels,
		       KA_MAX_CHANNELS);
		return -EINVAL;
	}
	err = platform_driver_register(&ka_driver);
	if (err)
		return err;
	ka_pdev = platform_device_register_simple(KA_NAME, PLATFORM_DEVID_NONE,
						  NULL, 0);
	if (IS_ERR(ka_pdev)) {
		platform_driver_unregister(&ka_driver);
		return PTR_ERR(ka_pdev);
	}
	if (!platform_get_drvdata(ka_pdev)) {
		platform_device_unregister(ka_pdev);
		platform_driver_unregister(&ka_driver);
		return -ENODEV;
	}
	return 0;
}

static void __exit ka_exit(void)
{
	platform_device_unregister(ka_pdev);
	platform_driver_unregister(&ka_driver);
}

module_init(ka_init);
module_exit(ka_exit);

MODULE_DESCRIPTION("dmaeng bench: dmaeng_memcpy's engine on the kernel's dmaengine (not shipped)");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
