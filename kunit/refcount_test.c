// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dmaeng_refcount: client_count and provider module refcounts
 * through every registration rule of the dmaeng core.
 */

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/numa.h>
#include <linux/scatterlist.h>
#include <kunit/test.h>
#include "fake_provider.h"

#define MEMCPY		BIT(DMAENG_MEMCPY)
#define INTR		BIT(DMAENG_INTERRUPT)
#define PRIV		BIT(DMAENG_PRIVATE)

static struct device *parent(struct kunit *test)
{
	return fake_parent(test, NUMA_NO_NODE);
}

static void refcount_rejects_bad_devices(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fd;

	KUNIT_EXPECT_EQ(test, dmaeng_device_register(NULL), -EINVAL);

	fd = fake_dev_new(test, p, 0, MEMCPY);
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), -EINVAL);

	fd = fake_dev_new(test, p, 1, MEMCPY);
	fd->ddev.owner = NULL;
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), -EINVAL);

	fd = fake_dev_new(test, p, 1, MEMCPY);
	fd->ddev.release = NULL;
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), -EINVAL);

	fd = fake_dev_new(test, p, 1, MEMCPY);
	fd->ddev.dev = NULL;
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), -EINVAL);

	/* A failed registration leaves the device registrable. */
	fd = fake_dev_new(test, p, 2, MEMCPY);
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), -EBUSY);
	KUNIT_EXPECT_EQ(test, fd->chans[1].chan.chan_id, 1);
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
	/* A second unregister is refused without touching the device. */
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 0);
}

static void refcount_rejects_bad_clients(struct kunit *test)
{
	struct dmaeng_cap_mask empty = {};
	struct fake_client *fc;

	KUNIT_EXPECT_EQ(test, dmaeng_client_register(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dmaeng_client_unregister(NULL), -EINVAL);

	fc = fake_client_new(test, "empty", 0);
	KUNIT_EXPECT_EQ(test, fake_client_register(test, fc), -EINVAL);

	fc = fake_client_new(test, "private", MEMCPY | PRIV);
	KUNIT_EXPECT_EQ(test, fake_client_register(test, fc), -EINVAL);

	fc = fake_client_new(test, "twice", MEMCPY);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(fc), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake_client_register(test, fc), 0);
	KUNIT_EXPECT_EQ(test, fake_client_register(test, fc), -EBUSY);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(fc), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(fc), -EINVAL);

	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_channel(NULL, NULL, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_channel(&empty, NULL, NULL)),
			-EINVAL);
	/* Lookups: an unregistered client, capabilities with no table. */
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&fc->client, DMAENG_MEMCPY));
	KUNIT_EXPECT_EQ(test, fake_client_register(test, fc), 0);
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&fc->client,
						    DMAENG_PRIVATE));
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&fc->client,
						    DMAENG_CAP_COUNT));
	KUNIT_EXPECT_EQ(test, fake_client_unregister(fc), 0);
}

static void refcount_clients_pin_channels(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 3, MEMCPY | INTR);
	struct fake_client *a = fake_client_new(test, "a", MEMCPY);
	struct fake_client *b = fake_client_new(test, "b", MEMCPY);
	int i;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);

	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	FAKE_EXPECT_PINNED(test, fd, 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 3);

	KUNIT_ASSERT_EQ(test, fake_client_register(test, b), 0);
	FAKE_EXPECT_PINNED(test, fd, 2);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 6);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, fd->chans[i].chan.client_count, 2);
		/* Resources: allocated by the first reference only. */
		KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[i].alloc_calls), 1);
	}

	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	FAKE_EXPECT_PINNED(test, fd, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].free_calls), 0);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(b), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[i].free_calls), 1);

	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
}

/* The real module: the test module itself as the provider's owner. */
static void refcount_this_module(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 2, MEMCPY);
	struct fake_client *c = fake_client_new(test, "c", MEMCPY);
	int base = module_refcount(THIS_MODULE);

	fd->ddev.owner = THIS_MODULE;
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE) - base, 2);
	KUNIT_EXPECT_EQ(test, fake_client_count(fd), 2);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE) - base, 0);
	fake_dev_unregister(fd);
}

static void refcount_late_provider(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *early = fake_dev_new(test, p, 2, MEMCPY);
	struct fake_dev *late = fake_dev_new(test, p, 2, MEMCPY);
	struct fake_client *a = fake_client_new(test, "a", MEMCPY);
	struct fake_client *b = fake_client_new(test, "b", MEMCPY);

	/* Provider first, then clients ... */
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, early), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, b), 0);
	/* ... and clients first, then the provider: the same counts. */
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, late), 0);
	FAKE_EXPECT_PINNED(test, early, 2);
	FAKE_EXPECT_PINNED(test, late, 2);
	KUNIT_EXPECT_EQ(test, fake_refcount(late), 4);

	/* Unregister drops exactly what was taken, late ones included. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	FAKE_EXPECT_PINNED(test, early, 1);
	FAKE_EXPECT_PINNED(test, late, 1);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(b), 0);
	FAKE_EXPECT_PINNED(test, early, 0);
	FAKE_EXPECT_PINNED(test, late, 0);
	fake_dev_unregister(early);
	fake_dev_unregister(late);
}

static void refcount_capability_matched(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *both = fake_dev_new(test, p, 2, MEMCPY | INTR);
	struct fake_dev *intr = fake_dev_new(test, p, 2, INTR);
	struct fake_client *m = fake_client_new(test, "memcpy", MEMCPY);
	struct fake_client *i = fake_client_new(test, "intr", INTR);
	struct fake_client *mi = fake_client_new(test, "memcpy+intr",
						 MEMCPY | INTR);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, both), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, intr), 0);

	/* A MEMCPY client does not pin a device without MEMCPY. */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, m), 0);
	FAKE_EXPECT_PINNED(test, both, 1);
	FAKE_EXPECT_PINNED(test, intr, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&intr->chans[0].alloc_calls), 0);

	KUNIT_ASSERT_EQ(test, fake_client_register(test, i), 0);
	FAKE_EXPECT_PINNED(test, both, 2);
	FAKE_EXPECT_PINNED(test, intr, 1);

	/* A device must offer every capability of the mask. */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, mi), 0);
	FAKE_EXPECT_PINNED(test, both, 3);
	FAKE_EXPECT_PINNED(test, intr, 1);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(i), 0);
	FAKE_EXPECT_PINNED(test, intr, 0);
	FAKE_EXPECT_PINNED(test, both, 2);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(m), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(mi), 0);
	FAKE_EXPECT_PINNED(test, both, 0);
	fake_dev_unregister(both);
	fake_dev_unregister(intr);
}

static bool pick_chan_one(struct dmaeng_chan *chan, void *param)
{
	return chan->chan_id == 1;
}

static void refcount_private_exclusive(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *priv = fake_dev_new(test, p, 2, MEMCPY | PRIV);
	struct fake_client *pub = fake_client_new(test, "public", MEMCPY);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *c0, *c1, *c2;

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, priv), 0);

	/* Public clients never pin a private-only device. */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, pub), 0);
	FAKE_EXPECT_PINNED(test, priv, 0);

	c1 = dmaeng_request_channel(&mask, pick_chan_one, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c1));
	KUNIT_EXPECT_PTR_EQ(test, c1, &priv->chans[1].chan);
	c0 = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c0));
	KUNIT_EXPECT_PTR_EQ(test, c0, &priv->chans[0].chan);
	/* Exclusive: both are taken now. */
	c2 = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(c2), -ENODEV);
	KUNIT_EXPECT_EQ(test, c0->client_count, 1);
	KUNIT_EXPECT_EQ(test, c1->client_count, 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(priv), 2);
	/* A private channel is never in a client's table. */
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&pub->client,
						    DMAENG_MEMCPY));

	dmaeng_release_channel(c1);
	KUNIT_EXPECT_EQ(test, c1->client_count, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&priv->chans[1].free_calls), 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(priv), 1);
	/* Releasing a channel that is not private is refused. */
	dmaeng_release_channel(c1);
	KUNIT_EXPECT_EQ(test, fake_refcount(priv), 1);
	dmaeng_release_channel(c0);
	FAKE_EXPECT_PINNED(test, priv, 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(pub), 0);
	fake_dev_unregister(priv);
}

static void refcount_private_on_public_device(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 2, MEMCPY);
	struct fake_client *pub = fake_client_new(test, "public", MEMCPY);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *chan;

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);

	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));
	/* A public client skips the private channel ... */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, pub), 0);
	KUNIT_EXPECT_EQ(test, fd->chans[0].chan.client_count, 1);
	KUNIT_EXPECT_EQ(test, fd->chans[1].chan.client_count, 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 2);
	KUNIT_EXPECT_PTR_EQ(test, dmaeng_find_channel(&pub->client,
						      DMAENG_MEMCPY),
			    &fd->chans[1].chan);
	/* ... and a channel a public client holds is not free. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_channel(&mask, NULL, NULL)),
			-ENODEV);

	/* Released, it goes back to the public client waiting for it. */
	dmaeng_release_channel(chan);
	FAKE_EXPECT_PINNED(test, fd, 1);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(pub), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);
	fake_dev_unregister(fd);
}

static void refcount_alloc_failure(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 2, MEMCPY);
	struct fake_client *a = fake_client_new(test, "a", MEMCPY);
	struct fake_client *b = fake_client_new(test, "b", MEMCPY);
	struct dmaeng_cap_mask mask = {};

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	fd->fail_alloc = -ENOMEM;

	/* Late provider: the waiting client's references fail and roll back. */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].alloc_calls), 1);

	/* Client after the provider: the same. */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, b), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].alloc_calls), 2);

	/* Private request: the allocation error, nothing held. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_channel(&mask, NULL, NULL)),
			-ENOMEM);
	FAKE_EXPECT_PINNED(test, fd, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].free_calls), 0);
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&a->client, DMAENG_MEMCPY));
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&b->client, DMAENG_MEMCPY));

	/* Nothing was held, so unregistering the clients drops nothing. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(b), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);

	/* Once allocation works again, a new client gets the channels. */
	fd->fail_alloc = 0;
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	FAKE_EXPECT_PINNED(test, fd, 1);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
}

static void refcount_module_going(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *going = fake_dev_new(test, p, 2, MEMCPY);
	struct fake_dev *late = fake_dev_new(test, p, 2, MEMCPY);
	struct fake_client *a = fake_client_new(test, "a", MEMCPY);

	/* Registered, then its module starts going away (rmmod). */
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, going), 0);
	going->mod.state = MODULE_STATE_GOING;
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	FAKE_EXPECT_PINNED(test, going, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&going->chans[0].alloc_calls), 0);

	/* A going module cannot register while clients wait. */
	late->mod.state = MODULE_STATE_GOING;
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, late), -ENODEV);
	FAKE_EXPECT_PINNED(test, late, 0);
	KUNIT_EXPECT_FALSE(test, late->ddev.registered);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	going->mod.state = MODULE_STATE_LIVE;
	fake_dev_unregister(going);
	KUNIT_EXPECT_EQ(test, atomic_read(&going->released), 1);
}

static void refcount_unregister_while_held(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fd = fake_dev_new(test, p, 2, MEMCPY | INTR);
	struct fake_dev *priv = fake_dev_new(test, p, 1, MEMCPY | PRIV);
	struct fake_client *a = fake_client_new(test, "a", MEMCPY);
	struct dmaeng_chan *chan = &fd->chans[0].chan, *pchan;
	struct fake_results res = {};
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_tx *late_tx;
	s32 c1, c2;

	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, priv), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	pchan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pchan));

	/* Two copies in flight, one prepared but not submitted. */
	fd->chans[0].hold_issue = true;
	c1 = fake_copy(chan, &res);
	c2 = fake_copy(chan, &res);
	KUNIT_ASSERT_GT(test, c1, 0);
	KUNIT_ASSERT_GT(test, c2, 0);
	dmaeng_issue_pending(chan);
	late_tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 64, 0);
	KUNIT_ASSERT_NOT_NULL(test, late_tx);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c2, NULL), DMAENG_IN_PROGRESS);

	/* Hot-unplug: in-flight work is aborted, memory stays. */
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.aborted), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.ok), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 0);
	/* Resources stay until the last reference (tx_free needs them). */
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].free_calls), 0);
	KUNIT_EXPECT_TRUE(test, dmaeng_chan_is_dead(chan));
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c2, 10), -EIO);

	/* New work is refused with an error. */
	KUNIT_EXPECT_EQ(test, dmaeng_submit(late_tx), -ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->tx_freed), 1);
	KUNIT_EXPECT_NULL(test, dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 64, 0));
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&a->client, DMAENG_MEMCPY));
	dmaeng_issue_pending(chan);	/* a no-op on a dead channel */
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].issue_calls), 1);

	/* The references are still held and still pin the module. */
	FAKE_EXPECT_PINNED(test, fd, 1);

	/* The last reference frees the device's memory, exactly once. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].free_calls), 1);

	/* The same for a private channel. */
	fake_dev_unregister(priv);
	KUNIT_EXPECT_EQ(test, atomic_read(&priv->released), 0);
	KUNIT_EXPECT_EQ(test, fake_refcount(priv), 1);
	dmaeng_release_channel(pchan);
	KUNIT_EXPECT_EQ(test, atomic_read(&priv->released), 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(priv), 0);
}

static void refcount_transfers(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1,
					   MEMCPY | INTR | PRIV);
	struct dmaeng_cap_mask mask = {};
	struct fake_results res = {};
	struct dmaeng_chan *chan;
	s32 c1, c2, c3;

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));

	/* Cookies in submission order, from 1. */
	fd->chans[0].hold_issue = true;
	c1 = fake_copy(chan, &res);
	c2 = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, c1, 1);
	KUNIT_EXPECT_EQ(test, c2, 2);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c1, NULL), DMAENG_IN_PROGRESS);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c2, 20), -ETIMEDOUT);

	fd->chans[0].hold_issue = false;
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c2, 1000), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c1, NULL), DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.ok), 2);
	KUNIT_EXPECT_EQ(test, fake_memcpy_count(chan), 2);
	KUNIT_EXPECT_EQ(test, fake_bytes(chan), 128);

	/* An error result: reported, not counted as a copy. */
	fd->chans[0].fail_next = 1;
	c3 = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c3, 1000), -EIO);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c3, NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c2, NULL), DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.error), 1);
	KUNIT_EXPECT_EQ(test, fake_memcpy_count(chan), 2);

	/* Bad preparations. */
	KUNIT_EXPECT_NULL(test, dmaeng_prep_memcpy(chan, 0, 0, 0, 0));
	KUNIT_EXPECT_NULL(test, dmaeng_prep_memcpy(chan, 0, 0, 8, BIT(7)));
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, 0, NULL), DMAENG_ERROR);

	/* terminate_sync aborts what is queued. */
	fd->chans[0].hold_issue = true;
	fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.aborted), 1);

	/* Cookies wrap from DMAENG_MAX_COOKIE back to 1. */
	fd->chans[0].hold_issue = false;
	chan->cookie = DMAENG_MAX_COOKIE - 1;
	chan->completed_cookie = DMAENG_MAX_COOKIE - 1;
	c1 = fake_copy(chan, &res);
	c2 = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, c1, DMAENG_MAX_COOKIE);
	KUNIT_EXPECT_EQ(test, c2, 1);
	fd->chans[0].hold_issue = true;
	c3 = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c3, NULL), DMAENG_IN_PROGRESS);
	fd->chans[0].hold_issue = false;
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c3, 1000), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, DMAENG_MAX_COOKIE, NULL),
			DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, DMAENG_MAX_COOKIE + 1, NULL),
			DMAENG_ERROR);

	dmaeng_release_channel(chan);
	FAKE_EXPECT_PINNED(test, fd, 0);
	fake_dev_unregister(fd);
}

static void refcount_issue_pending_all(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fd = fake_dev_new(test, p, 2, MEMCPY);
	struct fake_dev *idle = fake_dev_new(test, p, 1, INTR);
	struct fake_client *a = fake_client_new(test, "a", MEMCPY);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *priv;

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, idle), 0);
	priv = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(priv));
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);

	dmaeng_issue_pending_all(&a->client);
	/* Only referenced public channels: not the private, not the idle. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].issue_calls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[1].issue_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&idle->chans[0].issue_calls), 0);

	dmaeng_release_channel(priv);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	fake_dev_unregister(fd);
	fake_dev_unregister(idle);
}

/*
 * Concurrency: clients, devices and private channels churning at once.
 * KUnit runs the suites inside insmod, which waits uninterruptibly for each
 * test: the rounds are sized so the test stays well under the hung-task
 * timeout (60 s) on the sanitizer kernels under TCG.  At 2000 rounds it
 * took about 90 s once the test kernel had AppArmor (an LSM hook on every
 * sysfs file a registration makes) and got a hung-task report.
 */
#define CHURN_ROUNDS	800

struct churn {
	struct completion done;
	atomic_t *errors;
	atomic_t *bad_lookups;
	atomic_t privates;
	int kind;
	struct fake_dev **devs;
	struct dmaeng_client *keep;	/* CHURN_LOOKUP: whose lookups */
	struct fake_dev *stay, *spare;	/* ... may only give these */
	bool *stop;
};

enum { CHURN_CLIENT, CHURN_DEVICE, CHURN_PRIVATE, CHURN_LOOKUP };

/* A lookup of @c->keep must give a channel of the devices it holds. */
static bool churn_lookup_ok(struct churn *c, struct dmaeng_chan *chan)
{
	return !chan || chan == &c->stay->chans[0].chan ||
	       chan == &c->stay->chans[1].chan ||
	       chan == &c->spare->chans[0].chan;
}

/* A churning client's own lookup: a channel it holds, never a private. */
static bool churn_own_lookup_ok(struct dmaeng_client *client)
{
	struct dmaeng_chan *chan = dmaeng_find_channel(client, DMAENG_MEMCPY);
	struct dmaeng_chan *held[8];
	int i, n;

	if (!chan)
		return true;
	n = dmaeng_client_channels(client, held, ARRAY_SIZE(held));
	for (i = 0; i < min_t(int, n, ARRAY_SIZE(held)); i++)
		if (held[i] == chan)
			return !READ_ONCE(chan->private_held);
	return false;
}

static int churn_thread(void *data)
{
	struct churn *c = data;
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_client client = { .name = "churn" };
	struct dmaeng_chan *chan;
	struct fake_dev *fd;
	int i;

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	dmaeng_cap_set(DMAENG_MEMCPY, &client.cap_mask);
	for (i = 0; i < CHURN_ROUNDS; i++) {
		switch (c->kind) {
		case CHURN_CLIENT:
			if (dmaeng_client_register(&client)) {
				atomic_inc(c->errors);
				break;
			}
			if (!churn_own_lookup_ok(&client))
				atomic_inc(c->bad_lookups);
			if (dmaeng_client_unregister(&client))
				atomic_inc(c->errors);
			break;
		case CHURN_DEVICE:
			fd = c->devs[i];
			if (dmaeng_device_register(&fd->ddev))
				atomic_inc(c->errors);
			else
				dmaeng_device_unregister(&fd->ddev);
			break;
		case CHURN_PRIVATE:
			chan = dmaeng_request_channel(&mask, NULL, NULL);
			if (!IS_ERR(chan)) {
				atomic_inc(&c->privates);
				dmaeng_release_channel(chan);
			} else if (PTR_ERR(chan) != -ENODEV) {
				atomic_inc(c->errors);
			}
			break;
		case CHURN_LOOKUP:
			/* Until the others are done: many lookups a round. */
			do {
				chan = dmaeng_find_channel(c->keep,
							   DMAENG_INTERRUPT);
				if (!churn_lookup_ok(c, chan))
					atomic_inc(c->bad_lookups);
				cond_resched();
			} while (i == CHURN_ROUNDS - 1 && !READ_ONCE(*c->stop));
			break;
		}
		cond_resched();
	}
	complete(&c->done);
	return 0;
}

/*
 * Two MEMCPY client threads (one bound to each CPU), a thread registering
 * and unregistering a fresh MEMCPY device each round, and one taking and
 * releasing private channels, all at once.  A client that stays registered
 * for INTERRUPT pins the two devices that stay, and only those; a fifth
 * thread checks its lookups all along, and each churning client checks its
 * own: only channels the client holds, never a private one.
 */
static void refcount_parallel_churn(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *stay = fake_dev_new(test, p, 2, MEMCPY | INTR);
	struct fake_dev *spare = fake_dev_new(test, p, 1, MEMCPY | INTR);
	struct fake_dev *privdev = fake_dev_new(test, p, 1, MEMCPY | PRIV);
	struct fake_client *keep = fake_client_new(test, "keep", INTR);
	struct churn churn[5];
	struct fake_dev **devs;
	struct task_struct *t;
	atomic_t errors = ATOMIC_INIT(0);
	atomic_t bad_lookups = ATOMIC_INIT(0);
	bool stop = false;
	int i, released = 0, pinned = 0;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, stay), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, spare), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, privdev), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, keep), 0);

	devs = kunit_kcalloc(test, CHURN_ROUNDS, sizeof(*devs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, devs);
	for (i = 0; i < CHURN_ROUNDS; i++)
		devs[i] = fake_dev_new(test, p, 2, MEMCPY);

	for (i = 0; i < 5; i++) {
		churn[i] = (struct churn){
			.errors = &errors,
			.bad_lookups = &bad_lookups,
			.devs = devs,
			.kind = i < 2 ? CHURN_CLIENT : i == 2 ? CHURN_DEVICE :
				i == 3 ? CHURN_PRIVATE : CHURN_LOOKUP,
			.keep = &keep->client,
			.stay = stay,
			.spare = spare,
			.stop = &stop,
		};
		atomic_set(&churn[i].privates, 0);
		init_completion(&churn[i].done);
		t = kthread_create(churn_thread, &churn[i], "dmaeng-churn%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, i % num_online_cpus());
		wake_up_process(t);
	}
	for (i = 0; i < 4; i++)
		wait_for_completion(&churn[i].done);
	WRITE_ONCE(stop, true);
	wait_for_completion(&churn[4].done);

	KUNIT_EXPECT_EQ(test, atomic_read(&errors), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&bad_lookups), 0);
	for (i = 0; i < CHURN_ROUNDS; i++) {
		released += atomic_read(&devs[i]->released);
		pinned += fake_refcount(devs[i]) + fake_client_count(devs[i]);
	}
	/* Every churned device is gone, its memory released exactly once. */
	KUNIT_EXPECT_EQ(test, released, CHURN_ROUNDS);
	KUNIT_EXPECT_EQ(test, pinned, 0);
	/* The devices that stayed are held by the client that stayed only. */
	FAKE_EXPECT_PINNED(test, stay, 1);
	FAKE_EXPECT_PINNED(test, spare, 1);
	/* Every private request found a channel, and gave it back. */
	KUNIT_EXPECT_EQ(test, atomic_read(&churn[3].privates), CHURN_ROUNDS);
	FAKE_EXPECT_PINNED(test, privdev, 0);
	kunit_info(test, "%d rounds each: 2x client, device, private\n",
		   CHURN_ROUNDS);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(keep), 0);
	FAKE_EXPECT_PINNED(test, stay, 0);
	FAKE_EXPECT_PINNED(test, spare, 0);
	fake_dev_unregister(stay);
	fake_dev_unregister(spare);
	fake_dev_unregister(privdev);
}

/*
 * Named slave channels: -EPROBE_DEFER until a device maps the name, then
 * the mapped channel, held privately and pinning the provider exactly
 * like dmaeng_request_channel(); -EBUSY while held; given back by
 * dmaeng_release_channel().
 */
static void refcount_named_channels(struct kunit *test)
{
	struct device *client = parent(test);
	struct fake_dev *fd = fake_dev_new(test, parent(test), 2, MEMCPY);
	struct fake_dev *bad = fake_dev_new(test, parent(test), 1, MEMCPY);
	struct dmaeng_slave_map *map;
	struct dmaeng_chan *tx, *rx;
	struct fake_client *pub;

	map = kunit_kcalloc(test, 2, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	map[0] = (struct dmaeng_slave_map){ dev_name(client), "tx", 1 };
	map[1] = (struct dmaeng_slave_map){ dev_name(client), "rx", 0 };
	fd->ddev.slave_map = map;
	fd->ddev.slave_map_len = 2;

	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(client, "tx")),
			-EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(NULL, "tx")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(client, NULL)),
			-EINVAL);

	/* A map naming a channel the device does not have is refused. */
	bad->ddev.slave_map = map;
	bad->ddev.slave_map_len = 2;
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, bad), -EINVAL);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	tx = dmaeng_request_chan(client, "tx");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_EXPECT_PTR_EQ(test, tx, &fd->chans[1].chan);
	KUNIT_EXPECT_EQ(test, tx->client_count, 1);
	KUNIT_EXPECT_TRUE(test, tx->private_held);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(client, "tx")),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(client, "spi")),
			-EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(parent(test), "tx")),
			-EPROBE_DEFER);
	/* Public clients do not take a channel held privately. */
	pub = fake_client_new(test, "pub", MEMCPY);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, pub), 0);
	KUNIT_EXPECT_EQ(test, fd->chans[0].chan.client_count, 1);
	KUNIT_EXPECT_EQ(test, tx->client_count, 1);
	/* ... and a channel a public client holds is busy. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(client, "rx")),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(pub), 0);
	rx = dmaeng_request_chan(client, "rx");
	KUNIT_ASSERT_FALSE(test, IS_ERR(rx));
	KUNIT_EXPECT_PTR_EQ(test, rx, &fd->chans[0].chan);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 2);

	dmaeng_release_channel(tx);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 1);
	dmaeng_release_channel(rx);
	KUNIT_EXPECT_EQ(test, fake_refcount(fd), 0);
	FAKE_EXPECT_PINNED(test, fd, 0);
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_chan(client, "tx")),
			-EPROBE_DEFER);
}

/*
 * The transfer calls refuse what the device does not offer and arguments
 * that cannot be right, before reaching the provider; a capability
 * without its operation cannot be registered.
 */
static void refcount_transfer_calls_checked(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1, MEMCPY);
	struct fake_dev *nop = fake_dev_new(test, parent(test), 1,
					    MEMCPY | BIT(DMAENG_MEMSET));
	struct dmaeng_slave_config cfg = {
		.direction = DMAENG_MEM_TO_DEV,
		.dst_addr_width = 4,
	};
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_tx_state state;
	struct scatterlist sg;
	struct dmaeng_chan *chan;
	s32 cookie;

	/* MEMSET offered without prep_memset: -EINVAL. */
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, nop), -EINVAL);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));

	KUNIT_EXPECT_NULL(test, dmaeng_prep_memset(chan, 0x1000, 0, 64, 0));
	sg_init_table(&sg, 1);
	sg_dma_address(&sg) = 0x1000;
	sg_dma_len(&sg) = 64;
	KUNIT_EXPECT_NULL(test, dmaeng_prep_memcpy_sg(chan, &sg, 1, &sg, 1, 0));
	KUNIT_EXPECT_NULL(test, dmaeng_prep_slave_sg(chan, &sg, 1,
						     DMAENG_MEM_TO_DEV, 0));
	KUNIT_EXPECT_NULL(test, dmaeng_prep_cyclic(chan, 0x1000, 256, 64,
						   DMAENG_DEV_TO_MEM, 0));
	KUNIT_EXPECT_EQ(test, dmaeng_slave_config(chan, &cfg), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dmaeng_slave_config(chan, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, dmaeng_pause(chan), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dmaeng_resume(chan), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dmaeng_pause(NULL), -EINVAL);

	/* Residue: 0 for a completed cookie; last/used are the cookies. */
	fd->chans[0].hold_issue = true;
	cookie = dmaeng_submit(dmaeng_prep_memcpy(chan, 0x2000, 0x1000, 64, 0));
	KUNIT_ASSERT_GT(test, cookie, 0);
	state.residue = 12345;
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, cookie, &state),
			DMAENG_IN_PROGRESS);
	KUNIT_EXPECT_EQ(test, state.used, cookie);
	KUNIT_EXPECT_EQ(test, state.last, cookie - 1);
	KUNIT_EXPECT_EQ(test, state.residue, 0);	/* provider cannot tell */
	fd->chans[0].hold_issue = false;
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, cookie, &state),
			DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, state.last, cookie);
	KUNIT_EXPECT_EQ(test, state.residue, 0);

	dmaeng_release_channel(chan);
	fake_dev_unregister(fd);
}

static struct kunit_case dmaeng_refcount_cases[] = {
	KUNIT_CASE(refcount_rejects_bad_devices),
	KUNIT_CASE(refcount_rejects_bad_clients),
	KUNIT_CASE(refcount_clients_pin_channels),
	KUNIT_CASE(refcount_this_module),
	KUNIT_CASE(refcount_late_provider),
	KUNIT_CASE(refcount_capability_matched),
	KUNIT_CASE(refcount_private_exclusive),
	KUNIT_CASE(refcount_private_on_public_device),
	KUNIT_CASE(refcount_alloc_failure),
	KUNIT_CASE(refcount_module_going),
	KUNIT_CASE(refcount_unregister_while_held),
	KUNIT_CASE(refcount_transfers),
	KUNIT_CASE(refcount_issue_pending_all),
	KUNIT_CASE(refcount_named_channels),
	KUNIT_CASE(refcount_transfer_calls_checked),
	KUNIT_CASE_SLOW(refcount_parallel_churn),
	{}
};

static struct kunit_suite dmaeng_refcount_suite = {
	.name = "dmaeng_refcount",
	.test_cases = dmaeng_refcount_cases,
};

kunit_test_suite(dmaeng_refcount_suite);
