// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dmaeng_lifetime: what a holder can reach stays valid, and a
 * client only ever gets channels it holds.  A world of devices and clients
 * with different capability masks; a fake provider whose callbacks record
 * when they run (fake_provider.c).
 */

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/numa.h>
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <dmaeng/watch.h>
#include "fake_provider.h"
#include "../dmaengine_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define MEMCPY		BIT(DMAENG_MEMCPY)
#define INTR		BIT(DMAENG_INTERRUPT)
#define PRIV		BIT(DMAENG_PRIVATE)
#define MAX_HELD	32

static struct device *parent(struct kunit *test)
{
	return fake_parent(test, NUMA_NO_NODE);
}

/* Whether @client holds @chan, live, according to the registry. */
static bool held_by(struct dmaeng_client *client, struct dmaeng_chan *chan)
{
	struct dmaeng_chan *chans[MAX_HELD];
	int i, n;

	n = dmaeng_client_channels(client, chans, MAX_HELD);
	for (i = 0; i < min(n, MAX_HELD); i++)
		if (chans[i] == chan)
			return true;
	return false;
}

/*
 * On every online CPU, @client's lookup for each transfer capability is a
 * channel it holds, live, whose device offers it; and NULL exactly when it
 * holds no such channel.  Returns the number of violations.
 */
static int check_lookups(struct kunit *test, struct fake_client *fc)
{
	struct dmaeng_client *client = &fc->client;
	struct dmaeng_chan *chans[MAX_HELD], *chan;
	enum dmaeng_cap cap;
	unsigned int cpu;
	int i, n, bad = 0;
	bool any;

	n = dmaeng_client_channels(client, chans, MAX_HELD);
	for (cap = DMAENG_MEMCPY; cap <= DMAENG_INTERRUPT; cap++) {
		any = false;
		for (i = 0; i < min(n, MAX_HELD); i++)
			any |= dmaeng_cap_has(cap, &chans[i]->device->cap_mask);
		for_each_online_cpu(cpu) {
			chan = fake_find_on(cpu, client, cap);
			if (!chan && !any)
				continue;
			if (chan && held_by(client, chan) &&
			    dmaeng_cap_has(cap, &chan->device->cap_mask))
				continue;
			bad++;
			kunit_err(test, "client %s, cap %d, cpu%u: got %s, holds %d live channels\n",
				  client->name, cap, cpu,
				  chan ? chan->name : "NULL", n);
		}
	}
	return bad;
}

/*
 * Devices X {MEMCPY} and Y {MEMCPY, INTERRUPT}; clients A {MEMCPY} (holds
 * X and Y) and B {MEMCPY, INTERRUPT} (holds Y only).  B must never see an
 * X channel, and A unregistering frees X's resources under nobody.
 */
static void lifetime_lookup_only_held(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *x = fake_dev_new(test, p, 1, MEMCPY);
	struct fake_dev *y = fake_dev_new(test, p, 1, MEMCPY | INTR);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct fake_client *b = fake_client_new(test, "B", MEMCPY | INTR);
	struct fake_results res = {};
	struct dmaeng_chan *chan;
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, x), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, y), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, b), 0);
	FAKE_EXPECT_PINNED(test, x, 1);
	FAKE_EXPECT_PINNED(test, y, 2);

	for_each_online_cpu(cpu)
		KUNIT_EXPECT_PTR_EQ(test, fake_find_on(cpu, &b->client, DMAENG_MEMCPY),
				    &y->chans[0].chan);
	KUNIT_EXPECT_EQ(test, check_lookups(test, a), 0);
	KUNIT_EXPECT_EQ(test, check_lookups(test, b), 0);

	/* A goes: X is freed, B's channel stays usable. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->chans[0].free_calls), 1);
	for_each_online_cpu(cpu) {
		chan = fake_find_on(cpu, &b->client, DMAENG_MEMCPY);
		KUNIT_ASSERT_PTR_EQ(test, chan, &y->chans[0].chan);
		KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, fake_copy(chan, &res),
						       1000), 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&x->chans[0].late_ops), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&y->chans[0].late_ops), 0);
	KUNIT_EXPECT_EQ(test, check_lookups(test, b), 0);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(b), 0);
	fake_dev_unregister(x);
	fake_dev_unregister(y);
}

/*
 * The multi-capability world, checked on every CPU as clients, devices and
 * CPUs come and go.
 */
static void lifetime_lookup_world(struct kunit *test)
{
	int n0 = cpu_to_node(0), n1 = num_online_cpus() > 1 ? cpu_to_node(1) : n0;
	struct fake_dev *x = fake_dev_new(test, fake_parent(test, n0), 2, MEMCPY);
	struct fake_dev *y = fake_dev_new(test, fake_parent(test, n1), 2,
					  MEMCPY | INTR);
	struct fake_dev *z = fake_dev_new(test, parent(test), 1, INTR);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct fake_client *b = fake_client_new(test, "B", MEMCPY | INTR);
	struct fake_client *c = fake_client_new(test, "C", INTR);
	struct fake_client *all[] = { a, b, c };
	int i, bad = 0;

#define CHECK_ALL() do {						\
	for (i = 0; i < ARRAY_SIZE(all); i++)				\
		if (all[i]->registered)					\
			bad += check_lookups(test, all[i]);		\
} while (0)

	KUNIT_ASSERT_EQ(test, fake_client_register(test, b), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, x), 0);
	CHECK_ALL();
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, y), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, z), 0);
	CHECK_ALL();
	FAKE_EXPECT_PINNED(test, x, 1);
	FAKE_EXPECT_PINNED(test, y, 3);
	FAKE_EXPECT_PINNED(test, z, 1);

	/* CPU1 offline and back. */
	if (num_online_cpus() > 1) {
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, fake_online_cpu1,
							  NULL));
		KUNIT_ASSERT_EQ(test, remove_cpu(1), 0);
		CHECK_ALL();
		KUNIT_ASSERT_EQ(test, add_cpu(1), 0);
		CHECK_ALL();
	}

	/* Y hot-unplugged while held: B holds only dead channels. */
	fake_dev_unregister(y);
	CHECK_ALL();
	for (i = 0; i < num_online_cpus(); i++)
		KUNIT_EXPECT_NULL(test, fake_find_on(i, &b->client, DMAENG_MEMCPY));

	/* A goes, then C; X's resources go with A. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	CHECK_ALL();
	KUNIT_EXPECT_EQ(test, atomic_read(&x->chans[0].free_calls), 1);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	CHECK_ALL();
	KUNIT_EXPECT_EQ(test, fake_client_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&y->released), 1);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&x->chans[i].late_ops), 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&y->chans[i].late_ops), 0);
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	fake_dev_unregister(x);
	fake_dev_unregister(z);
#undef CHECK_ALL
}

/*
 * Channel resources live until the last reference: a descriptor prepared
 * before a hot-unplug is refused at submit and freed by the provider after
 * unregister returned; free_chan_resources runs at the last put, then
 * release.
 */
static void lifetime_resources_until_last_put(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1, MEMCPY | INTR);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct dmaeng_chan *chan = &fd->chans[0].chan;
	struct dmaeng_tx *tx;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 64, 0);
	KUNIT_ASSERT_NOT_NULL(test, tx);

	fake_dev_unregister(fd);
	/* Terminated and synchronized, not freed: a holder can reach it. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].terminate_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].free_calls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 0);

	KUNIT_EXPECT_EQ(test, dmaeng_submit(tx), -ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->tx_freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].late_ops), 0);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->chans[0].free_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
	/* In order: tx_free, free_chan_resources, release. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->nevents), 3);
	KUNIT_EXPECT_MEMEQ(test, fd->events, "TFR", 3);
}

struct prep_racer {
	struct dmaeng_chan *chan;
	struct completion done;
	int prepped;
};

static int prep_racer_fn(void *data)
{
	struct prep_racer *r = data;
	struct dmaeng_tx *tx;

	tx = dmaeng_prep_memcpy(r->chan, 0x1000, 0x2000, 64, 0);
	if (tx) {
		r->prepped = 1;
		/* Refused on the dead channel; the provider frees it. */
		dmaeng_submit(tx);
	}
	complete(&r->done);
	return 0;
}

/* A prep running when unregister starts is waited for. */
static void lifetime_prep_races_unregister(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1, MEMCPY);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct prep_racer r = { .chan = &fd->chans[0].chan };
	struct task_struct *t;
	int i;

	init_completion(&r.done);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	fd->slow_prep_us = 50000;
	t = kthread_run(prep_racer_fn, &r, "dmaeng-prep");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	for (i = 0; i < 1000 && !atomic_read(&fd->prep_running); i++)
		usleep_range(100, 200);
	KUNIT_ASSERT_EQ(test, atomic_read(&fd->prep_running), 1);

	fake_dev_unregister(fd);
	WRITE_ONCE(fd->gone, true);
	wait_for_completion(&r.done);
	KUNIT_EXPECT_EQ(test, r.prepped, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->late_preps), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->tx_freed), 1);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
}

/* Every failed or aborted cookie reports failure, whatever came after. */
static void lifetime_every_error_reported(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1,
					   MEMCPY | INTR | PRIV);
	struct dmaeng_cap_mask mask = {};
	struct fake_results res = {};
	struct dmaeng_chan *chan;
	s32 c[6];
	int i;

	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));

	/* Two failures in a row, then a success. */
	fd->chans[0].fail_next = 2;
	for (i = 0; i < 3; i++)
		c[i] = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c[2], 1000), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[0], NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[1], NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[2], NULL), DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c[0], 10), -EIO);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c[1], 10), -EIO);

	/* Two aborted by terminate_sync, then a success. */
	fd->chans[0].hold_issue = true;
	c[3] = fake_copy(chan, &res);
	c[4] = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	fd->chans[0].hold_issue = false;
	c[5] = fake_copy(chan, &res);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, c[5], 1000), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[3], NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[4], NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[0], NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, c[2], NULL), DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.error), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.aborted), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&res.ok), 2);

	/* A thousand copies, every seventh failing: each reports its own. */
	for (i = 0; i < 1000; i++) {
		fd->chans[0].fail_next = i % 7 == 0;
		c[0] = fake_copy(chan, &res);
		KUNIT_ASSERT_GT(test, c[0], 0);
		dmaeng_issue_pending(chan);	/* completes it, as told */
		if (i == 0)
			c[1] = c[0];
	}
	for (i = 0; i < 1000; i++)
		if (dmaeng_tx_status(chan, c[1] + i, NULL) !=
		    (i % 7 == 0 ? DMAENG_ERROR : DMAENG_COMPLETE))
			break;
	KUNIT_EXPECT_EQ(test, i, 1000);

	dmaeng_release_channel(chan);
	fake_dev_unregister(fd);
}

#define RING	65536	/* DMAENG_RESULTS_RING in dmaengine_chan.c */

/* Copy and complete one, without a callback. */
static s32 copy_now(struct dmaeng_chan *chan)
{
	struct dmaeng_tx *tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 8, 0);
	s32 cookie;

	if (!tx)
		return -ENOMEM;
	cookie = dmaeng_submit(tx);
	dmaeng_issue_pending(chan);
	return cookie;
}

/*
 * Results older than the ring: a failure still reads as one (a success
 * before it too, conservatively); a success after the newest failure that
 * left the ring reads as complete.  And at most RING cookies in flight.
 */
static void lifetime_results_ring(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1,
					   MEMCPY | INTR | PRIV);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *chan;
	s32 before, failed, after, c;
	int i, refused = 0;

	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));

	before = copy_now(chan);
	fd->chans[0].fail_next = 1;
	failed = copy_now(chan);
	after = copy_now(chan);
	for (i = 0; i < RING + 10; i++) {
		KUNIT_ASSERT_GT(test, copy_now(chan), 0);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, failed, NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, before, NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, after, NULL), DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, failed, 10), -EIO);

	/*
	 * The same across the wrap from DMAENG_MAX_COOKIE to 1: a failure
	 * just before it is exact while in the ring, then aged; a success
	 * just after it reads complete all along.
	 */
	chan->cookie = DMAENG_MAX_COOKIE - 8;
	chan->completed_cookie = DMAENG_MAX_COOKIE - 8;
	fd->chans[0].fail_next = 1;
	failed = copy_now(chan);
	after = copy_now(chan);
	KUNIT_EXPECT_EQ(test, failed, DMAENG_MAX_COOKIE - 7);
	for (i = 0; i < RING - 2; i++) {	/* failed: the oldest in the ring */
		KUNIT_ASSERT_GT(test, copy_now(chan), 0);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, failed, NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, after, NULL), DMAENG_COMPLETE);
	KUNIT_ASSERT_GT(test, copy_now(chan), 0);	/* failed leaves it */
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, failed, NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, after, NULL), DMAENG_COMPLETE);
	KUNIT_ASSERT_GT(test, copy_now(chan), 0);	/* and after too */
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, failed, NULL), DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, dmaeng_tx_status(chan, after, NULL), DMAENG_COMPLETE);

	/* In flight: RING cookies at most, then -EBUSY, the descriptor freed. */
	fd->chans[0].hold_issue = true;
	for (i = 0; i < RING + 1; i++) {
		c = copy_now(chan);
		if (c == -EBUSY)
			refused++;
		else
			KUNIT_ASSERT_GT(test, c, 0);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, refused, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->tx_freed), 1);
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	fd->chans[0].hold_issue = false;
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, copy_now(chan), 1000), 0);

	dmaeng_release_channel(chan);
	fake_dev_unregister(fd);
}

struct unregister_thread {
	struct fake_dev *fd;
	struct completion done;
};

static int unregister_fn(void *data)
{
	struct unregister_thread *u = data;

	fake_dev_unregister(u->fd);
	complete(&u->done);
	return 0;
}

/* terminate_sync during unregister still waits for the queue to end. */
static void lifetime_terminate_sync_during_unregister(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1,
					   MEMCPY | INTR | PRIV);
	struct unregister_thread u = { .fd = fd };
	struct dmaeng_cap_mask mask = {};
	struct fake_results res = {};
	struct dmaeng_chan *chan;
	struct task_struct *t;
	int i;

	init_completion(&u.done);
	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));
	fd->chans[0].hold_issue = true;
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_GT(test, fake_copy(chan, &res), 0);
	dmaeng_issue_pending(chan);

	t = kthread_run(unregister_fn, &u, "dmaeng-unreg");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* Until unregister marked it dead: at most 5 s. */
	for (i = 0; i < 50000 && !dmaeng_chan_is_dead(chan); i++)
		usleep_range(50, 100);
	KUNIT_EXPECT_TRUE(test, dmaeng_chan_is_dead(chan));
	kunit_info(test, "terminate_sync %s unregister stopped the channel\n",
		   READ_ONCE(chan->stopped) ? "after" : "before");
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	/* Returned: no descriptor runs, every callback has run. */
	KUNIT_EXPECT_EQ(test, atomic_read(&res.aborted), 3);
	wait_for_completion(&u.done);
	dmaeng_release_channel(chan);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
}

/*
 * A provider registers from a module init that has not finished (owner
 * COMING) while a client waits: no reference on it until it goes LIVE, so
 * an init that fails leaves nothing behind.
 */
static void lifetime_coming_owner(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fails = fake_dev_new(test, p, 2, MEMCPY);
	struct fake_dev *lives = fake_dev_new(test, p, 1, MEMCPY);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct dmaeng_cap_mask mask = {};

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);

	fails->mod.state = MODULE_STATE_COMING;
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fails), 0);
	FAKE_EXPECT_PINNED(test, fails, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fails->chans[0].alloc_calls), 0);
	KUNIT_EXPECT_NULL(test, dmaeng_find_channel(&a->client, DMAENG_MEMCPY));
	/* Nor can it be taken privately. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dmaeng_request_channel(&mask, NULL, NULL)),
			-ENODEV);
	/* Init fails: the provider unregisters, the module goes. */
	fake_dev_unregister(fails);
	fails->mod.state = MODULE_STATE_GOING;
	dmaeng_module_state_changed(&fails->mod, MODULE_STATE_GOING);
	KUNIT_EXPECT_EQ(test, atomic_read(&fails->released), 1);
	KUNIT_EXPECT_EQ(test, fake_refcount(fails), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_client_channels(&a->client, NULL, 0), 0);

	/* One whose init succeeds: taken when it goes LIVE. */
	lives->mod.state = MODULE_STATE_COMING;
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, lives), 0);
	FAKE_EXPECT_PINNED(test, lives, 0);
	lives->mod.state = MODULE_STATE_LIVE;
	dmaeng_module_state_changed(&lives->mod, MODULE_STATE_LIVE);
	FAKE_EXPECT_PINNED(test, lives, 1);
	KUNIT_EXPECT_PTR_EQ(test, dmaeng_find_channel(&a->client, DMAENG_MEMCPY),
			    &lives->chans[0].chan);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	FAKE_EXPECT_PINNED(test, lives, 0);
	fake_dev_unregister(lives);
}

/* A watcher that logs, per device, 'a'+i when added and 'A'+i when removed. */
struct watch_log {
	struct dmaeng_watcher w;
	struct fake_dev *devs[3];
	char log[16];
	int n;
	bool removed_live;	/* removed() saw a channel not dead or stopped */
};

static void watch_log_event(struct dmaeng_watcher *w,
			    struct dmaeng_device *ddev, char base)
{
	struct watch_log *wl = container_of(w, struct watch_log, w);
	int i;

	for (i = 0; i < ARRAY_SIZE(wl->devs); i++)
		if (&wl->devs[i]->ddev == ddev && wl->n < sizeof(wl->log) - 1)
			wl->log[wl->n++] = base + i;
}

static void watch_log_added(struct dmaeng_watcher *w,
			    struct dmaeng_device *ddev)
{
	watch_log_event(w, ddev, 'a');
}

static void watch_log_removed(struct dmaeng_watcher *w,
			      struct dmaeng_device *ddev)
{
	struct watch_log *wl = container_of(w, struct watch_log, w);
	struct dmaeng_chan *chan;

	watch_log_event(w, ddev, 'A');
	/* Unregistering (not the watcher's own teardown): dead and stopped. */
	if (!ddev->registered)
		list_for_each_entry(chan, &ddev->channels, device_node)
			if (!chan->dead || !chan->stopped)
				wl->removed_live = true;
}

/*
 * Watchers hear of a device once it is usable (its module live) and when it
 * goes, after its channels are dead and stopped: replayed at the watcher's
 * registration and unregistration, never for an init that failed.
 */
static void lifetime_watcher(struct kunit *test)
{
	struct device *p = parent(test);
	struct watch_log *wl = kunit_kzalloc(test, sizeof(*wl), GFP_KERNEL);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);

	KUNIT_ASSERT_NOT_NULL(test, wl);
	wl->w.added = watch_log_added;
	wl->w.removed = watch_log_removed;
	wl->devs[0] = fake_dev_new(test, p, 1, MEMCPY);
	wl->devs[1] = fake_dev_new(test, p, 2, MEMCPY);
	wl->devs[2] = fake_dev_new(test, p, 1, MEMCPY);
	KUNIT_EXPECT_EQ(test, dmaeng_watcher_register(NULL), -EINVAL);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, wl->devs[0]), 0);
	KUNIT_ASSERT_EQ(test, dmaeng_watcher_register(&wl->w), 0);
	KUNIT_EXPECT_STREQ(test, wl->log, "a");

	/* Registered from a module init: heard of when the module is live. */
	wl->devs[1]->mod.state = MODULE_STATE_COMING;
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, wl->devs[1]), 0);
	KUNIT_EXPECT_STREQ(test, wl->log, "a");
	wl->devs[1]->mod.state = MODULE_STATE_LIVE;
	dmaeng_module_state_changed(&wl->devs[1]->mod, MODULE_STATE_LIVE);
	KUNIT_EXPECT_STREQ(test, wl->log, "ab");

	/* An init that fails: never heard of, neither coming nor going. */
	wl->devs[2]->mod.state = MODULE_STATE_COMING;
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, wl->devs[2]), 0);
	fake_dev_unregister(wl->devs[2]);
	dmaeng_module_state_changed(&wl->devs[2]->mod, MODULE_STATE_GOING);
	KUNIT_EXPECT_STREQ(test, wl->log, "ab");

	/* Removed while a client holds it: after its channels stopped. */
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	fake_dev_unregister(wl->devs[0]);
	KUNIT_EXPECT_STREQ(test, wl->log, "abA");
	KUNIT_EXPECT_FALSE(test, wl->removed_live);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);

	/* The watcher goes: told of the device still registered. */
	dmaeng_watcher_unregister(&wl->w);
	KUNIT_EXPECT_STREQ(test, wl->log, "abAB");
	fake_dev_unregister(wl->devs[1]);
	KUNIT_EXPECT_STREQ(test, wl->log, "abAB");
}

/* The two bridge directions exclude each other; one may load twice. */
static void lifetime_bridge_claim(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(DMAENG_BRIDGE_TO_DMAENGINE), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(DMAENG_BRIDGE_FROM_DMAENGINE),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(DMAENG_BRIDGE_TO_DMAENGINE), 0);
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_TO_DMAENGINE);
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(DMAENG_BRIDGE_FROM_DMAENGINE),
			-EBUSY);
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_TO_DMAENGINE);
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(DMAENG_BRIDGE_FROM_DMAENGINE), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(DMAENG_BRIDGE_TO_DMAENGINE),
			-EBUSY);
	dmaeng_bridge_unclaim(DMAENG_BRIDGE_FROM_DMAENGINE);
	KUNIT_EXPECT_EQ(test, dmaeng_bridge_claim(2), -EINVAL);
}

struct pending_racer {
	struct dmaeng_client *client;
	struct completion done;
	bool stop;
	atomic_long_t calls;
};

static int pending_all_fn(void *data)
{
	struct pending_racer *r = data;

	while (!READ_ONCE(r->stop)) {
		dmaeng_issue_pending_all(r->client);
		atomic_long_inc(&r->calls);
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/*
 * dmaeng_release_channel() racing dmaeng_issue_pending_all(): no provider
 * operation on a channel outside alloc..free_chan_resources, and none on a
 * channel the caller does not hold.
 */
static void lifetime_release_races_issue_pending_all(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *held = fake_dev_new(test, p, 1, MEMCPY);
	struct fake_dev *other = fake_dev_new(test, p, 1, INTR);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct pending_racer r = { .client = &a->client };
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *chan;
	struct task_struct *t;
	int i, got = 0;

	init_completion(&r.done);
	dmaeng_cap_set(DMAENG_INTERRUPT, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, held), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, other), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);

	t = kthread_create(pending_all_fn, &r, "dmaeng-pending");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, num_online_cpus() > 1 ? 1 : 0);
	wake_up_process(t);
	/* The racer runs before the first request, and all along. */
	while (!atomic_long_read(&r.calls))
		usleep_range(100, 200);
	for (i = 0; i < 3000; i++) {
		chan = dmaeng_request_channel(&mask, NULL, NULL);
		if (!IS_ERR(chan)) {
			got++;
			dmaeng_release_channel(chan);
		}
		cond_resched();
	}
	WRITE_ONCE(r.stop, true);
	wait_for_completion(&r.done);
	kunit_info(test, "%d requests, %ld issue_pending_all calls\n", got,
		   atomic_long_read(&r.calls));
	KUNIT_EXPECT_EQ(test, got, 3000);
	KUNIT_EXPECT_EQ(test, atomic_read(&other->chans[0].late_ops), 0);
	/* A holds nothing of @other: it is never touched through A. */
	KUNIT_EXPECT_EQ(test, atomic_read(&other->chans[0].issue_calls), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&held->chans[0].issue_calls), 0);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	fake_dev_unregister(held);
	fake_dev_unregister(other);
}

/* A device unregistered but still held cannot be registered again. */
static void lifetime_reregister_held(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 2, MEMCPY);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), -EBUSY);
	FAKE_EXPECT_PINNED(test, fd, 1);
	KUNIT_EXPECT_EQ(test, fd->chans[0].chan.client_count, 1);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 1);
	FAKE_EXPECT_PINNED(test, fd, 0);
	/* Released: the provider may register it again. */
	KUNIT_EXPECT_EQ(test, fake_dev_register(test, fd), 0);
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->released), 2);
}

/* refs_changed reports every change, 1->0 included. */
static void lifetime_refs_changed(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, parent(test), 1, MEMCPY);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct fake_client *b = fake_client_new(test, "B", MEMCPY);
	static const int want[] = { 1, 2, 1, 0 };
	struct fake_chan *fc = &fd->chans[0];
	int i;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, b), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, fc->refs_n, ARRAY_SIZE(want));
	for (i = 0; i < min_t(int, fc->refs_n, ARRAY_SIZE(want)); i++)
		KUNIT_EXPECT_EQ(test, fc->refs_log[i], want[i]);
	fake_dev_unregister(fd);
}

/* DMAENG_PREP_INTERRUPT is honoured: no callback without it. */
static void lifetime_prep_interrupt(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fd = fake_dev_new(test, p, 1, MEMCPY | INTR | PRIV);
	struct fake_dev *quiet = fake_dev_new(test, p, 1, MEMCPY | PRIV);
	struct dmaeng_cap_mask mask = {};
	struct fake_results res = {};
	struct dmaeng_chan *chan, *qchan;
	struct dmaeng_tx *tx;
	s32 cookie;

	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, quiet), 0);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	qchan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));
	KUNIT_ASSERT_FALSE(test, IS_ERR(qchan));
	if (chan->device != &fd->ddev)
		swap(chan, qchan);

	/* A callback without DMAENG_PREP_INTERRUPT: refused at submit. */
	tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 64, 0);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	tx->callback = fake_results_cb;
	tx->callback_param = &res;
	KUNIT_EXPECT_EQ(test, dmaeng_submit(tx), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fd->tx_freed), 1);

	/* Without a callback, a copy needs no interrupt. */
	tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, 64, 0);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	cookie = dmaeng_submit(tx);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(chan, cookie, 1000), 0);

	/* A device without DMAENG_INTERRUPT cannot promise one. */
	KUNIT_EXPECT_NULL(test, dmaeng_prep_memcpy(qchan, 0x1000, 0x2000, 64,
						   DMAENG_PREP_INTERRUPT));
	KUNIT_EXPECT_EQ(test, atomic_read(&res.ok) + atomic_read(&res.error) +
			atomic_read(&res.aborted), 0);

	dmaeng_release_channel(chan);
	dmaeng_release_channel(qchan);
	fake_dev_unregister(fd);
	fake_dev_unregister(quiet);
}

/* The core holds the provider's struct device until release. */
static void lifetime_holds_device(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fd = fake_dev_new(test, p, 1, MEMCPY);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	unsigned int base = kref_read(&p->kobj.kref);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_EXPECT_GE(test, kref_read(&p->kobj.kref), base + 1);
	fake_dev_unregister(fd);
	/* Unregistered, still held: the device is still referenced. */
	KUNIT_EXPECT_EQ(test, kref_read(&p->kobj.kref), base + 1);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&p->kobj.kref), base);
}

/*
 * Provider callbacks do not run under cpus_read_lock(): creating and
 * destroying a descriptor cache there (kmem_cache_destroy() takes the CPU
 * hotplug lock) makes no lockdep report, also with CPU hotplug and
 * unregistration around.  debug_locks goes to 0 at the first lockdep
 * report.
 */
static void lifetime_callbacks_outside_hotplug_lock(struct kunit *test)
{
	struct device *p = parent(test);
	struct fake_dev *fd = fake_dev_new(test, p, 2, MEMCPY | INTR);
	struct fake_dev *priv = fake_dev_new(test, p, 1, MEMCPY | PRIV);
	struct fake_client *a = fake_client_new(test, "A", MEMCPY);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *chan;

	KUNIT_ASSERT_EQ_MSG(test, debug_locks, 1, "lockdep is off already");
	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	fd->cache_in_callbacks = true;
	priv->cache_in_callbacks = true;
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, priv), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, a), 0);
	KUNIT_EXPECT_NOT_NULL(test, fd->chans[0].cache);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));
	KUNIT_EXPECT_NOT_NULL(test, priv->chans[0].cache);
	if (num_online_cpus() > 1) {
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, fake_online_cpu1,
							  NULL));
		KUNIT_EXPECT_EQ(test, remove_cpu(1), 0);
		KUNIT_EXPECT_EQ(test, add_cpu(1), 0);
	}
	dmaeng_release_channel(chan);
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(a), 0);
	KUNIT_EXPECT_NULL(test, fd->chans[0].cache);
	KUNIT_EXPECT_NULL(test, priv->chans[0].cache);
	fake_dev_unregister(priv);
	KUNIT_EXPECT_EQ_MSG(test, debug_locks, 1,
			    "lockdep reported a problem: see the console");
}

static struct kunit_case dmaeng_lifetime_cases[] = {
	KUNIT_CASE(lifetime_lookup_only_held),
	KUNIT_CASE(lifetime_lookup_world),
	KUNIT_CASE(lifetime_resources_until_last_put),
	KUNIT_CASE(lifetime_prep_races_unregister),
	KUNIT_CASE(lifetime_every_error_reported),
	KUNIT_CASE_SLOW(lifetime_results_ring),
	KUNIT_CASE(lifetime_terminate_sync_during_unregister),
	KUNIT_CASE(lifetime_coming_owner),
	KUNIT_CASE(lifetime_watcher),
	KUNIT_CASE(lifetime_bridge_claim),
	KUNIT_CASE_SLOW(lifetime_release_races_issue_pending_all),
	KUNIT_CASE(lifetime_reregister_held),
	KUNIT_CASE(lifetime_refs_changed),
	KUNIT_CASE(lifetime_prep_interrupt),
	KUNIT_CASE(lifetime_holds_device),
	KUNIT_CASE(lifetime_callbacks_outside_hotplug_lock),
	{}
};

static struct kunit_suite dmaeng_lifetime_suite = {
	.name = "dmaeng_lifetime",
	.test_cases = dmaeng_lifetime_cases,
};

kunit_test_suite(dmaeng_lifetime_suite);
