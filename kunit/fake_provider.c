// SPDX-License-Identifier: GPL-2.0
/*
 * The fake provider behind the dmaeng KUnit suites; see fake_provider.h.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/platform_device.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <kunit/resource.h>
#include "fake_provider.h"
#include "../dmaengine_internal.h"

struct fake_desc {
	struct dmaeng_tx tx;
	struct list_head node;
};

static atomic_t fake_seq = ATOMIC_INIT(0);

static struct fake_chan *to_fake_chan(struct dmaeng_chan *chan)
{
	return container_of(chan, struct fake_chan, chan);
}

static struct fake_dev *to_fake_dev(struct dmaeng_device *ddev)
{
	return container_of(ddev, struct fake_dev, ddev);
}

static void fake_event(struct fake_dev *fd, char what)
{
	int i = atomic_inc_return(&fd->nevents) - 1;

	if (i < FAKE_LOG - 1)
		fd->events[i] = what;
}

/* An operation that needs the channel's resources. */
static void fake_needs_resources(struct fake_chan *fc)
{
	if (!READ_ONCE(fc->alive))
		atomic_inc(&fc->late_ops);
}

static int fake_alloc(struct dmaeng_chan *chan)
{
	struct fake_dev *fd = to_fake_dev(chan->device);
	struct fake_chan *fc = to_fake_chan(chan);

	atomic_inc(&fc->alloc_calls);
	if (fd->fail_alloc)
		return fd->fail_alloc;
	/* What real providers do here; destroying it takes cpus_read_lock(). */
	if (fd->cache_in_callbacks) {
		fc->cache = kmem_cache_create("dmaeng_fake_desc",
					      sizeof(struct fake_desc), 0, 0,
					      NULL);
		if (!fc->cache)
			return -ENOMEM;
	}
	WRITE_ONCE(fc->alive, true);
	return 0;
}

static void fake_free(struct dmaeng_chan *chan)
{
	struct fake_chan *fc = to_fake_chan(chan);

	atomic_inc(&fc->free_calls);
	WRITE_ONCE(fc->alive, false);
	kmem_cache_destroy(fc->cache);
	fc->cache = NULL;
	fake_event(to_fake_dev(chan->device), 'F');
}

static void fake_refs_changed(struct dmaeng_chan *chan, int count)
{
	struct fake_chan *fc = to_fake_chan(chan);

	if (fc->refs_n < FAKE_LOG)
		fc->refs_log[fc->refs_n++] = count;
}

static s32 fake_submit(struct dmaeng_tx *tx)
{
	struct fake_desc *d = container_of(tx, struct fake_desc, tx);
	struct fake_chan *fc = to_fake_chan(tx->chan);
	unsigned long flags;
	s32 cookie;

	fake_needs_resources(fc);
	spin_lock_irqsave(&fc->lock, flags);
	cookie = dmaeng_cookie_assign(tx);
	if (cookie > 0)
		list_add_tail(&d->node, &fc->queue);
	spin_unlock_irqrestore(&fc->lock, flags);
	return cookie;
}

static void fake_tx_free(struct dmaeng_tx *tx)
{
	struct fake_dev *fd = to_fake_dev(tx->chan->device);

	atomic_inc(&fd->tx_freed);
	fake_event(fd, 'T');
	kfree(container_of(tx, struct fake_desc, tx));
}

static struct dmaeng_tx *fake_prep(struct dmaeng_chan *chan, dma_addr_t dst,
				   dma_addr_t src, size_t len,
				   unsigned long flags)
{
	struct fake_dev *fd = to_fake_dev(chan->device);
	struct fake_desc *d;

	fake_needs_resources(to_fake_chan(chan));
	if (fd->slow_prep_us) {
		atomic_inc(&fd->prep_running);
		usleep_range(fd->slow_prep_us, fd->slow_prep_us + 100);
	}
	/* After dmaeng_device_unregister() returned: a late call. */
	if (READ_ONCE(fd->gone))
		atomic_inc(&fd->late_preps);
	d = kzalloc(sizeof(*d), flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT :
							      GFP_KERNEL);
	if (!d)
		return NULL;
	d->tx.tx_submit = fake_submit;
	d->tx.tx_free = fake_tx_free;
	return &d->tx;
}

/* Complete the whole queue, in order, under the channel's lock. */
static void fake_drain(struct fake_chan *fc, bool abort)
{
	enum dmaeng_result result;
	struct fake_desc *d, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&fc->lock, flags);
	list_for_each_entry_safe(d, tmp, &fc->queue, node) {
		list_del(&d->node);
		result = DMAENG_RESULT_OK;
		if (abort) {
			result = DMAENG_RESULT_ABORTED;
		} else if (fc->fail_next > 0) {
			result = DMAENG_RESULT_ERROR;
			fc->fail_next--;
		}
		dmaeng_tx_complete(&d->tx, result);
		kfree(d);
	}
	spin_unlock_irqrestore(&fc->lock, flags);
}

static void fake_issue(struct dmaeng_chan *chan)
{
	struct fake_chan *fc = to_fake_chan(chan);

	atomic_inc(&fc->issue_calls);
	fake_needs_resources(fc);
	udelay(1);	/* widen the window for a racing free */
	fake_needs_resources(fc);
	if (!READ_ONCE(fc->hold_issue))
		fake_drain(fc, false);
}

static int fake_terminate(struct dmaeng_chan *chan)
{
	struct fake_chan *fc = to_fake_chan(chan);

	atomic_inc(&fc->terminate_calls);
	fake_drain(fc, true);
	return 0;
}

static void fake_synchronize(struct dmaeng_chan *chan)
{
	struct fake_chan *fc = to_fake_chan(chan);

	/* Completions run under the lock: once we hold it, none is running. */
	spin_lock_irq(&fc->lock);
	spin_unlock_irq(&fc->lock);
}

static void fake_release(struct dmaeng_device *ddev)
{
	fake_event(to_fake_dev(ddev), 'R');
	atomic_inc(&to_fake_dev(ddev)->released);
}

static const struct dmaeng_device_ops fake_ops = {
	.alloc_chan_resources = fake_alloc,
	.free_chan_resources = fake_free,
	.prep_memcpy = fake_prep,
	.issue_pending = fake_issue,
	.terminate_all = fake_terminate,
	.synchronize = fake_synchronize,
	.refs_changed = fake_refs_changed,
};

static void fake_parent_unregister(void *dev)
{
	root_device_unregister(dev);
}

/* A parent struct device for fake devices, on NUMA @node. */
struct device *fake_parent(struct kunit *test, int node)
{
	char name[32];
	struct device *dev;

	snprintf(name, sizeof(name), "dmaeng-kunit%d",
		 atomic_inc_return(&fake_seq));
	dev = root_device_register(name);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dev));
	set_dev_node(dev, node);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_parent_unregister,
						  dev));
	return dev;
}

static void fake_pdev_unregister(void *pdev)
{
	platform_device_unregister(pdev);
}

/* A parent that can map for DMA: a platform device with a 64-bit mask. */
struct device *fake_dma_parent(struct kunit *test)
{
	struct platform_device *pdev;

	pdev = platform_device_register_simple("dmaeng-kunit-map",
					       atomic_inc_return(&fake_seq),
					       NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pdev));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_pdev_unregister,
						  pdev));
	KUNIT_ASSERT_EQ(test, 0, dma_coerce_mask_and_coherent(&pdev->dev,
							      DMA_BIT_MASK(64)));
	return &pdev->dev;
}

/*
 * A fake device with @nchans channels and capabilities @caps (BIT(cap)
 * bits), owned by a fake live module with refcount 0.  Not registered.
 */
struct fake_dev *fake_dev_new(struct kunit *test, struct device *parent,
			      int nchans, unsigned long caps)
{
	struct fake_dev *fd;
	int cap, i;

	KUNIT_ASSERT_LE(test, nchans, FAKE_MAX_CHANS);
	fd = kunit_kzalloc(test, sizeof(*fd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fd);

	/* A module is live, and unused at refcount 1 (MODULE_REF_BASE). */
	fd->mod.state = MODULE_STATE_LIVE;
	snprintf(fd->mod.name, sizeof(fd->mod.name), "fake%d",
		 atomic_inc_return(&fake_seq));
	atomic_set(&fd->mod.refcnt, 1);
	KUNIT_ASSERT_EQ(test, module_refcount(&fd->mod), 0);

	fd->nchans = nchans;
	fd->ddev.dev = parent;
	fd->ddev.owner = &fd->mod;
	fd->ddev.ops = &fake_ops;
	fd->ddev.release = fake_release;
	for_each_set_bit(cap, &caps, DMAENG_CAP_COUNT)
		dmaeng_cap_set(cap, &fd->ddev.cap_mask);
	INIT_LIST_HEAD(&fd->ddev.channels);
	for (i = 0; i < nchans; i++) {
		spin_lock_init(&fd->chans[i].lock);
		INIT_LIST_HEAD(&fd->chans[i].queue);
		list_add_tail(&fd->chans[i].chan.device_node,
			      &fd->ddev.channels);
	}
	return fd;
}

static void fake_dev_cleanup(void *data)
{
	struct fake_dev *fd = data;

	if (fd->ddev.registered)
		dmaeng_device_unregister(&fd->ddev);
}

/* Register; a device left registered by a failed test is unregistered. */
int fake_dev_register(struct kunit *test, struct fake_dev *fd)
{
	int err = dmaeng_device_register(&fd->ddev);

	if (!err)
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, fake_dev_cleanup,
							  fd));
	return err;
}

void fake_dev_unregister(struct fake_dev *fd)
{
	dmaeng_device_unregister(&fd->ddev);
}

int fake_refcount(struct fake_dev *fd)
{
	return module_refcount(&fd->mod);
}

int fake_client_count(struct fake_dev *fd)
{
	int i, sum = 0;

	for (i = 0; i < fd->nchans; i++)
		sum += READ_ONCE(fd->chans[i].chan.client_count);
	return sum;
}

static void fake_client_cleanup(void *data)
{
	struct fake_client *fc = data;

	if (fc->registered)
		dmaeng_client_unregister(&fc->client);
}

struct fake_client *fake_client_new(struct kunit *test, const char *name,
				    unsigned long caps)
{
	struct fake_client *fc;
	int cap;

	fc = kunit_kzalloc(test, sizeof(*fc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fc);
	fc->client.name = name;
	for_each_set_bit(cap, &caps, DMAENG_CAP_COUNT)
		dmaeng_cap_set(cap, &fc->client.cap_mask);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_client_cleanup,
						  fc));
	return fc;
}

int fake_client_register(struct kunit *test, struct fake_client *fc)
{
	int err = dmaeng_client_register(&fc->client);

	if (!err)
		WRITE_ONCE(fc->registered, true);
	return err;
}

int fake_client_unregister(struct fake_client *fc)
{
	int err = dmaeng_client_unregister(&fc->client);

	if (!err)
		WRITE_ONCE(fc->registered, false);
	return err;
}

void fake_results_cb(void *param, enum dmaeng_result result)
{
	struct fake_results *res = param;

	if (result == DMAENG_RESULT_OK)
		atomic_inc(&res->ok);
	else if (result == DMAENG_RESULT_ABORTED)
		atomic_inc(&res->aborted);
	else
		atomic_inc(&res->error);
}

/* Prepare and submit a 64-byte "copy" with a callback into @res. */
s32 fake_copy(struct dmaeng_chan *chan, struct fake_results *res)
{
	struct dmaeng_tx *tx;

	tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 64,
				DMAENG_PREP_INTERRUPT);
	if (!tx)
		return -ENOMEM;
	tx->callback = fake_results_cb;
	tx->callback_param = res;
	return dmaeng_submit(tx);
}

struct fake_lookup {
	struct dmaeng_client *client;
	enum dmaeng_cap cap;
};

static long fake_find_here(void *data)
{
	struct fake_lookup *l = data;

	return (long)dmaeng_find_channel(l->client, l->cap);
}

/* dmaeng_find_channel(@client, @cap) as seen from @cpu. */
struct dmaeng_chan *fake_find_on(unsigned int cpu, struct dmaeng_client *client,
				 enum dmaeng_cap cap)
{
	struct fake_lookup l = { .client = client, .cap = cap };

	return (struct dmaeng_chan *)work_on_cpu(cpu, fake_find_here, &l);
}

/* A KUnit action: CPU1 back online, whatever a test left it in. */
void fake_online_cpu1(void *unused)
{
	if (!cpu_online(1))
		add_cpu(1);
}

unsigned long fake_memcpy_count(struct dmaeng_chan *chan)
{
	struct dmaeng_chan_stats sum = {};
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum.memcpy_count += per_cpu_ptr(chan->stats, cpu)->memcpy_count;
	return sum.memcpy_count;
}

unsigned long fake_bytes(struct dmaeng_chan *chan)
{
	unsigned long bytes = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		bytes += per_cpu_ptr(chan->stats, cpu)->bytes_transferred;
	return bytes;
}
