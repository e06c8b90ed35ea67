/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake dmaeng provider for the KUnit suites.  Each fake device has its
 * own fake owner module, so its module refcount can be checked exactly.
 * Descriptors complete synchronously in issue_pending, under the channel's
 * lock, in cookie order.
 */
#ifndef _DMAENG_KUNIT_FAKE_H
#define _DMAENG_KUNIT_FAKE_H

#include <linux/module.h>
#include <linux/spinlock.h>
#include <kunit/test.h>
#include <dmaeng/client.h>
#include <dmaeng/provider.h>

#define FAKE_MAX_CHANS	8
#define FAKE_LOG	16

struct fake_chan {
	struct dmaeng_chan chan;
	spinlock_t lock;		/* the queue and cookie assignment */
	struct list_head queue;
	bool hold_issue;		/* issue_pending leaves the queue alone */
	int fail_next;			/* so many next completions fail */
	bool alive;			/* between alloc and free_chan_resources */
	atomic_t late_ops;		/* provider ops while not alive */
	struct kmem_cache *cache;	/* with fake_dev.cache_in_callbacks */
	int refs_log[FAKE_LOG];		/* refs_changed counts, in order */
	int refs_n;
	atomic_t alloc_calls;
	atomic_t free_calls;
	atomic_t issue_calls;
	atomic_t terminate_calls;
};

struct fake_dev {
	struct dmaeng_device ddev;
	struct module mod;
	struct fake_chan chans[FAKE_MAX_CHANS];
	int nchans;
	int fail_alloc;			/* errno for alloc_chan_resources */
	atomic_t released;
	atomic_t tx_freed;
	/* When callbacks run: a log of F(ree), R(elease) and T(x_free). */
	char events[FAKE_LOG];
	atomic_t nevents;
	bool gone;			/* the test saw unregister return */
	atomic_t late_preps;		/* prep_memcpy entered, ran after gone */
	unsigned int slow_prep_us;	/* prep_memcpy sleeps this long */
	/* alloc/free_chan_resources create/destroy a descriptor cache */
	bool cache_in_callbacks;
	atomic_t prep_running;
};

struct fake_client {
	struct dmaeng_client client;
	bool registered;
};

/* Records completion callbacks. */
struct fake_results {
	atomic_t ok;
	atomic_t aborted;
	atomic_t error;
};

struct device *fake_parent(struct kunit *test, int node);
struct device *fake_dma_parent(struct kunit *test);
struct fake_dev *fake_dev_new(struct kunit *test, struct device *parent,
			      int nchans, unsigned long caps);
int fake_dev_register(struct kunit *test, struct fake_dev *fd);
void fake_dev_unregister(struct fake_dev *fd);
int fake_refcount(struct fake_dev *fd);
int fake_client_count(struct fake_dev *fd);
struct fake_client *fake_client_new(struct kunit *test, const char *name,
				    unsigned long caps);
int fake_client_register(struct kunit *test, struct fake_client *fc);
int fake_client_unregister(struct fake_client *fc);
void fake_results_cb(void *param, enum dmaeng_result result);
s32 fake_copy(struct dmaeng_chan *chan, struct fake_results *res);
struct dmaeng_chan *fake_find_on(unsigned int cpu, struct dmaeng_client *client,
				 enum dmaeng_cap cap);
void fake_online_cpu1(void *unused);
unsigned long fake_memcpy_count(struct dmaeng_chan *chan);
unsigned long fake_bytes(struct dmaeng_chan *chan);

/* Every fake provider module's refcount is the sum of its client_count. */
#define FAKE_EXPECT_PINNED(test, fd, count) do {			\
	struct kunit *__test = (test);					\
	struct fake_dev *__fd = (fd);					\
									\
	KUNIT_EXPECT_EQ(__test, fake_client_count(__fd),		\
			(count) * __fd->nchans);			\
	KUNIT_EXPECT_EQ(__test, fake_refcount(__fd),			\
			fake_client_count(__fd));			\
} while (0)

#endif
