// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_memcpy: a software DMA engine, the sample dmaeng provider.
 *
 * A platform device "dmaeng_memcpy" with a DMA mask stands for the engine
 * (with caps= naming several capability sets, one device each:
 * "dmaeng_memcpy", "dmaeng_memcpy.1", ...);
 * clients map their buffers with the DMA API for it, so dma-debug and
 * swiotlb see every mapping.  The engine reaches the bytes the way a device
 * would: it translates each DMA address back to a physical address
 * (dma-direct) and copies there, so bounced mappings work like on real
 * hardware.  A device behind an IOMMU would need the IOMMU's page tables,
 * which this engine cannot walk: it refuses to register.
 *
 * Each channel runs its descriptors in submission order on its own work
 * item (a work item never runs concurrently with itself), completing each
 * through dmaeng_tx_complete().  Descriptors come from a per-channel mempool
 * whose reserve is MC_RESERVE_PER_CLIENT descriptors per client holding the
 * channel, so a blocking prep never fails for lack of memory.
 *
 * Locking: mc_chan.lock (a spinlock, IRQ-safe) protects the channel's
 * submitted and issued lists and cookie assignment.  Completion runs in the
 * work item without the lock.  terminate_all marks the queued descriptors
 * aborted and leaves them to the work item, so completions stay in cookie
 * order; synchronize flushes the work item.
 */

#include <linux/delay.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <dmaeng/provider.h>
#include "dmaeng_swcopy.h"

#define MC_NAME			"dmaeng_memcpy"
#define MC_MAX_CHANNELS		64
#define MC_MAX_DEVICES		4
#define MC_RESERVE_PER_CLIENT	16

/* An unsigned int parameter that only takes values in [min, max]. */
struct mc_range {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static int mc_range_set(const char *val, const struct kernel_param *kp)
{
	const struct mc_range *r = kp->arg;
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < r->min || v > r->max) {
		pr_err(MC_NAME ": %s=%s: must be %u..%u\n", kp->name, val,
		       r->min, r->max);
		return -EINVAL;
	}
	*r->val = v;
	return 0;
}

static int mc_range_get(char *buf, const struct kernel_param *kp)
{
	const struct mc_range *r = kp->arg;

	return sysfs_emit(buf, "%u\n", *r->val);
}

static const struct kernel_param_ops mc_range_ops = {
	.set = mc_range_set,
	.get = mc_range_get,
};

static unsigned int channels;	/* 0: not given, one per online CPU */
static struct mc_range mc_channels = { &channels, 1, MC_MAX_CHANNELS };
module_param_cb(channels, &mc_range_ops, &mc_channels, 0444);
MODULE_PARM_DESC(channels, "Number of channels, 1..64 (default: one per online CPU)");

static char *caps = "memcpy,interrupt";
module_param(caps, charp, 0444);
MODULE_PARM_DESC(caps, "Capabilities of each device, comma-separated (memcpy, interrupt; memcpy required); one device per ';'-separated set, up to 4 (default: memcpy,interrupt)");

static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "Fault injection: module init fails after its devices registered with dmaeng (default: 0)");

static bool private;
module_param(private, bool, 0444);
MODULE_PARM_DESC(private, "Private-only device: channels only via dmaeng_request_channel() (default: 0)");

static unsigned int dma_mask_bits = 64;
static struct mc_range mc_mask_bits = { &dma_mask_bits, 24, 64 };
module_param_cb(dma_mask_bits, &mc_range_ops, &mc_mask_bits, 0444);
MODULE_PARM_DESC(dma_mask_bits, "DMA mask of the device in bits, 24..64; a small mask makes the DMA API bounce (default: 64)");

static bool fail_alloc;
module_param(fail_alloc, bool, 0644);
MODULE_PARM_DESC(fail_alloc, "Fault injection: alloc_chan_resources fails with -ENOMEM (default: 0)");

static unsigned int error_every;
module_param(error_every, uint, 0644);
MODULE_PARM_DESC(error_every, "Fault injection: complete every Nth descriptor of a channel with an error, 0 = never (default: 0)");

static unsigned int delay_us;
module_param(delay_us, uint, 0644);
MODULE_PARM_DESC(delay_us, "Fault injection: delay each completion by this many microseconds (default: 0)");

struct mc_desc {
	struct dmaeng_tx tx;
	struct list_head node;
	dma_addr_t dst;
	dma_addr_t src;
	bool aborted;
};

struct mc_chan {
	struct dmaeng_chan chan;
	struct mc_dev *mdev;
	spinlock_t lock;		/* submitted, issued, cookies */
	struct list_head submitted;
	struct list_head issued;
	struct work_struct work;
	mempool_t *pool;
	unsigned long seq;		/* descriptors run, for error_every */
};

struct mc_dev {
	struct dmaeng_device ddev;
	struct platform_device *pdev;
	struct workqueue_struct *wq;
	unsigned int nchans;
	struct mc_chan chans[];
};

static struct dmaeng_cap_mask mc_masks[MC_MAX_DEVICES];
static unsigned int mc_ndevs;
static struct platform_device *mc_pdevs[MC_MAX_DEVICES];

static struct mc_chan *to_mc(struct dmaeng_chan *chan)
{
	return container_of(chan, struct mc_chan, chan);
}

static struct mc_desc *to_desc(struct dmaeng_tx *tx)
{
	return container_of(tx, struct mc_desc, tx);
}

/* Run one descriptor the way the device would see it. */
static enum dmaeng_result mc_run(struct mc_chan *mc, struct mc_desc *d)
{
	struct device *dev = mc->mdev->ddev.dev;
	unsigned int every = READ_ONCE(error_every);
	unsigned int delay = READ_ONCE(delay_us);

	if (d->aborted)
		return DMAENG_RESULT_ABORTED;
	if (delay)
		usleep_range(delay, delay + delay / 4 + 1);
	mc->seq++;
	if (every && mc->seq % every == 0)
		return DMAENG_RESULT_ERROR;

	if (!dmaeng_swcopy(dev, d->dst, d->src, d->tx.len)) {
		dev_err_ratelimited(dev, "%s: bad DMA address %p or %p\n",
				    mc->chan.name, dmaeng_addr_hashed(d->dst),
				    dmaeng_addr_hashed(d->src));
		return DMAENG_RESULT_ERROR;
	}
	return DMAENG_RESULT_OK;
}

static void mc_work(struct work_struct *work)
{
	struct mc_chan *mc = container_of(work, struct mc_chan, work);
	struct mc_desc *d;

	for (;;) {
		spin_lock_irq(&mc->lock);
		d = list_first_entry_or_null(&mc->issued, struct mc_desc, node);
		if (d)
			list_del(&d->node);
		spin_unlock_irq(&mc->lock);
		if (!d)
			return;
		dmaeng_tx_complete(&d->tx, mc_run(mc, d));
		mempool_free(d, mc->pool);
		cond_resched();
	}
}

static s32 mc_tx_submit(struct dmaeng_tx *tx)
{
	struct mc_chan *mc = to_mc(tx->chan);
	unsigned long flags;
	s32 cookie;

	spin_lock_irqsave(&mc->lock, flags);
	cookie = dmaeng_cookie_assign(tx);
	if (cookie > 0)
		list_add_tail(&to_desc(tx)->node, &mc->submitted);
	spin_unlock_irqrestore(&mc->lock, flags);
	return cookie;
}

static void mc_tx_free(struct dmaeng_tx *tx)
{
	mempool_free(to_desc(tx), to_mc(tx->chan)->pool);
}

static struct dmaeng_tx *mc_prep_memcpy(struct dmaeng_chan *chan,
					dma_addr_t dst, dma_addr_t src,
					size_t len, unsigned long flags)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_desc *d;

	/* GFP_KERNEL: mempool waits for the reserve and never fails. */
	d = mempool_alloc(mc->pool, flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT :
								  GFP_KERNEL);
	if (!d)
		return NULL;
	d->dst = dst;
	d->src = src;
	d->aborted = false;
	d->tx.tx_submit = mc_tx_submit;
	d->tx.tx_free = mc_tx_free;
	return &d->tx;
}

static void mc_issue_pending(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&mc->lock, flags);
	list_splice_tail_init(&mc->submitted, &mc->issued);
	kick = !list_empty(&mc->issued);
	spin_unlock_irqrestore(&mc->lock, flags);
	if (kick)
		queue_work(mc->mdev->wq, &mc->work);
}

static int mc_terminate_all(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_desc *d;

	/* The work item completes them, in order, as aborted. */
	spin_lock_irq(&mc->lock);
	list_splice_tail_init(&mc->submitted, &mc->issued);
	list_for_each_entry(d, &mc->issued, node)
		d->aborted = true;
	spin_unlock_irq(&mc->lock);
	queue_work(mc->mdev->wq, &mc->work);
	return 0;
}

static void mc_synchronize(struct dmaeng_chan *chan)
{
	flush_work(&to_mc(chan)->work);
}

static int mc_alloc_chan_resources(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);

	if (READ_ONCE(fail_alloc))
		return -ENOMEM;
	mc->pool = mempool_create_kmalloc_pool(MC_RESERVE_PER_CLIENT,
					       sizeof(struct mc_desc));
	if (!mc->pool)
		return -ENOMEM;
	mc->seq = 0;
	return 0;
}

static void mc_free_chan_resources(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);

	WARN_ON_ONCE(!list_empty(&mc->submitted) || !list_empty(&mc->issued));
	mempool_destroy(mc->pool);
	mc->pool = NULL;
}

/* Grow or shrink the reserve with the number of clients (seed 002). */
static void mc_refs_changed(struct dmaeng_chan *chan, int count)
{
	struct mc_chan *mc = to_mc(chan);

	/* 0: the last client is gone and the pool goes with the resources. */
	if (count && mempool_resize(mc->pool, MC_RESERVE_PER_CLIENT * count))
		dev_warn(mc->mdev->ddev.dev,
			 "%s: reserve not resized to %d clients\n",
			 chan->name, count);
}

static const struct dmaeng_device_ops mc_ops = {
	.alloc_chan_resources = mc_alloc_chan_resources,
	.free_chan_resources = mc_free_chan_resources,
	.prep_memcpy = mc_prep_memcpy,
	.issue_pending = mc_issue_pending,
	.terminate_all = mc_terminate_all,
	.synchronize = mc_synchronize,
	.refs_changed = mc_refs_changed,
};

static void mc_release(struct dmaeng_device *ddev)
{
	kfree(container_of(ddev, struct mc_dev, ddev));
}

/*
 * Unbinding the driver (rmmod, or a hot-unplug through sysfs) runs this
 * devres action.  After it no operation runs; @mdev lives on until
 * ->release, after the last client reference.
 */
static void mc_unregister(void *data)
{
	struct mc_dev *mdev = data;
	struct workqueue_struct *wq = mdev->wq;

	dmaeng_device_unregister(&mdev->ddev);
	destroy_workqueue(wq);
}

static int mc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct mc_dev *mdev;
	unsigned int i;
	int err;

	if (get_dma_ops(dev) || device_iommu_mapped(dev))
		return dev_err_probe(dev, -ENODEV,
				     "behind an IOMMU or DMA ops this engine cannot translate addresses through; not registering\n");
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(dma_mask_bits));
	if (err)
		return dev_err_probe(dev, err, "DMA mask of %u bits not supported\n",
				     dma_mask_bits);

	mdev = kzalloc(struct_size(mdev, chans, channels), GFP_KERNEL);
	if (!mdev)
		return -ENOMEM;
	mdev->nchans = channels;
	mdev->pdev = pdev;
	mdev->wq = alloc_workqueue(MC_NAME, WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!mdev->wq) {
		kfree(mdev);
		return -ENOMEM;
	}

	mdev->ddev.dev = dev;
	mdev->ddev.owner = THIS_MODULE;
	mdev->ddev.ops = &mc_ops;
	mdev->ddev.release = mc_release;
	/* Device 0 is "dmaeng_memcpy", device N "dmaeng_memcpy.N". */
	mdev->ddev.cap_mask = mc_masks[pdev->id < 0 ? 0 : pdev->id];
	if (private)
		dmaeng_cap_set(DMAENG_PRIVATE, &mdev->ddev.cap_mask);
	INIT_LIST_HEAD(&mdev->ddev.channels);
	for (i = 0; i < channels; i++) {
		struct mc_chan *mc = &mdev->chans[i];

		mc->mdev = mdev;
		spin_lock_init(&mc->lock);
		INIT_LIST_HEAD(&mc->submitted);
		INIT_LIST_HEAD(&mc->issued);
		INIT_WORK(&mc->work, mc_work);
		list_add_tail(&mc->chan.device_node, &mdev->ddev.channels);
	}

	err = dmaeng_device_register(&mdev->ddev);
	if (err) {
		destroy_workqueue(mdev->wq);
		kfree(mdev);
		return dev_err_probe(dev, err, "cannot register with dmaeng\n");
	}
	err = devm_add_action_or_reset(dev, mc_unregister, mdev);
	if (err)
		return err;
	platform_set_drvdata(pdev, mdev);
	dev_info(dev, "dma%d: %u %s channels, %s, %u-bit DMA mask\n",
		 mdev->ddev.dev_id, channels, private ? "private" : "public",
		 dmaeng_cap_has(DMAENG_INTERRUPT, &mdev->ddev.cap_mask) ?
		 "memcpy,interrupt" : "memcpy", dma_mask_bits);
	return 0;
}

static struct platform_driver mc_driver = {
	.driver = {
		.name = MC_NAME,
	},
	.probe = mc_probe,
};

/* caps=: one capability set per device, ';' between devices. */
static int mc_parse_caps(void)
{
	char *buf, *set, *p;
	const char *bad;
	int err = -EINVAL;

	buf = kstrdup(caps ?: "", GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	mc_ndevs = 0;
	while ((set = strsep(&p, ";"))) {
		struct dmaeng_cap_mask *mask = &mc_masks[mc_ndevs];

		if (mc_ndevs == MC_MAX_DEVICES) {
			pr_err(MC_NAME ": caps=%s: more than %d devices\n", caps,
			       MC_MAX_DEVICES);
			goto out;
		}
		if (dmaeng_caps_parse(set, mask, &bad)) {
			pr_err(MC_NAME ": caps=%s: unknown capability '%s' (known: memcpy, interrupt)\n",
			       caps, bad);
			goto out;
		}
		if (!dmaeng_cap_has(DMAENG_MEMCPY, mask)) {
			pr_err(MC_NAME ": caps=%s: device %u does not offer memcpy\n",
			       caps, mc_ndevs);
			goto out;
		}
		mc_ndevs++;
	}
	err = 0;
out:
	kfree(buf);
	return err;
}

static void mc_remove_devices(void)
{
	while (mc_ndevs)
		platform_device_unregister(mc_pdevs[--mc_ndevs]);
}

static int __init mc_init(void)
{
	struct platform_device *pdev;
	unsigned int n;
	int err;

	if (!channels)
		channels = min_t(unsigned int, num_online_cpus(), MC_MAX_CHANNELS);
	err = mc_parse_caps();
	if (err)
		return err;
	n = mc_ndevs;
	mc_ndevs = 0;

	err = platform_driver_register(&mc_driver);
	if (err)
		return err;
	while (mc_ndevs < n) {
		pdev = platform_device_register_simple(MC_NAME,
						       mc_ndevs ? (int)mc_ndevs :
						       PLATFORM_DEVID_NONE,
						       NULL, 0);
		if (IS_ERR(pdev)) {
			err = PTR_ERR(pdev);
			goto fail;
		}
		mc_pdevs[mc_ndevs++] = pdev;
		/* Probing failed: report it instead of loading a useless module. */
		if (!platform_get_drvdata(pdev)) {
			err = -ENODEV;
			goto fail;
		}
	}
	if (fail_init) {
		pr_err(MC_NAME ": fail_init=1: failing module init after registering %u devices\n",
		       n);
		err = -ECANCELED;
		goto fail;
	}
	return 0;

fail:
	mc_remove_devices();
	platform_driver_unregister(&mc_driver);
	return err;
}

static void __exit mc_exit(void)
{
	mc_remove_devices();
	platform_driver_unregister(&mc_driver);
}

module_init(mc_init);
module_exit(mc_exit);

MODULE_DESCRIPTION("dmaeng sample provider: a software memcpy DMA engine");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
