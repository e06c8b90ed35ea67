// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dmaeng_vchan: the provider helper library (dmaengine_vchan.c,
 * include/dmaeng/vchan.h), through a mini provider built on it the way its
 * header tells providers to.  The provider's "hardware" is the test: it
 * starts descriptors with dmaeng_vchan_next() and completes them with
 * dmaeng_vchan_complete() (or reports cyclic periods), under the channel's
 * lock, as an interrupt handler would.  Completion callbacks record the
 * cookies and results they see, in the order they run; desc_free counts
 * the frees of every descriptor.
 */

#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <dmaeng/vchan.h>
#include "fake_provider.h"

#define VT_LOG		64	/* callbacks recorded, in order */
#define VT_IDS		64	/* descriptors whose frees are counted each */
#define VT_LEN		64	/* bytes of a test copy */
#define VT_THREAD_N	2000	/* descriptors per submitting thread */
#define VT_HW_BURST	4	/* descriptors the concurrent hardware runs */

struct vt_rec {
	s32 cookie;
	enum dmaeng_result result;
};

/* A descriptor of the mini provider. */
struct vt_desc {
	struct dmaeng_vdesc vd;
	struct list_head hw_node;	/* on vt_chan.hw while it runs */
	int id;				/* preparation order, from 1 */
	bool cyclic;
};

/* The mini provider's channel, and what the test records about it. */
struct vt_chan {
	struct dmaeng_vchan vc;
	/* Under vc.lock: the "hardware". */
	struct list_head hw;		/* started, not completed, in order */
	bool hw_stops;			/* terminate_all stops what runs */
	bool paused;
	bool issue_ret;			/* of the last issue_pending */
	unsigned int aborted;		/* returned by the last terminate */
	/* Provider calls and descriptor frees. */
	atomic_t allocs;
	atomic_t frees;
	atomic_t freed[VT_IDS];		/* desc_free calls, by id */
	atomic_t terminate_calls;
	atomic_t pause_calls;
	atomic_t resume_calls;
	atomic_t free_chan_calls;
	int frees_before_fcr;		/* frees when free_chan_resources ran */
	int frees_after_fcr;
	/* Callbacks: the channel's tasklet, one at a time. */
	struct vt_rec log[VT_LOG];
	atomic_t ncb;
	atomic_t cb_locked;		/* ran with vc.lock held */
	atomic_t cb_not_softirq;	/* ran outside the tasklet */
	atomic_t cb_bh_on;		/* ran with bottom halves enabled */
	struct task_struct *cb_task;	/* if set, the task callbacks run in */
	atomic_t cb_other_task;		/* ran in another task than that */
	s32 nest_on;			/* its callback delivers the next */
	int ncb_nested;			/* callbacks when that call returned */
	atomic_t in_cb;			/* callbacks running now */
	atomic_t overlap;		/* one started while another ran */
	s32 chain_on;			/* this cookie's callback submits one */
	s32 chained;			/* what that submission returned */
	bool concurrent;		/* others hold vc.lock meanwhile */
	u8 *seen;			/* deliveries per cookie, up to seen_max */
	s32 seen_max;
	s32 last;			/* the last cookie delivered */
	int disorder;			/* cookies not delivered last + 1 */
	int out_of_range;
};

struct vt_dev {
	struct dmaeng_device ddev;
	struct module mod;
	struct vt_chan vt;
	atomic_t released;
};

static atomic_t vt_seq = ATOMIC_INIT(0);

static struct vt_chan *to_vt(struct dmaeng_chan *chan)
{
	return container_of(to_dmaeng_vchan(chan), struct vt_chan, vc);
}

static struct vt_desc *to_vt_desc(struct dmaeng_vdesc *vd)
{
	return container_of(vd, struct vt_desc, vd);
}

/* ---- The mini provider ---- */

static void vt_desc_free(struct dmaeng_vdesc *vd)
{
	struct vt_desc *d = to_vt_desc(vd);
	struct vt_chan *vt = to_vt(vd->tx.chan);

	if (d->id >= 1 && d->id <= VT_IDS)
		atomic_inc(&vt->freed[d->id - 1]);
	atomic_inc(&vt->frees);
	kfree(d);
}

static struct dmaeng_tx *vt_prep(struct vt_chan *vt, size_t len,
				 unsigned long flags, bool cyclic)
{
	struct vt_desc *d;

	d = kzalloc(sizeof(*d), flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT :
							      GFP_KERNEL);
	if (!d)
		return NULL;
	d->id = atomic_inc_return(&vt->allocs);
	d->cyclic = cyclic;
	INIT_LIST_HEAD(&d->hw_node);
	return dmaeng_vchan_tx_prep(&vt->vc, &d->vd, len);
}

static struct dmaeng_tx *vt_prep_memcpy(struct dmaeng_chan *chan,
					dma_addr_t dst, dma_addr_t src,
					size_t len, unsigned long flags)
{
	return vt_prep(to_vt(chan), len, flags, false);
}

static struct dmaeng_tx *vt_prep_cyclic(struct dmaeng_chan *chan,
					dma_addr_t buf, size_t buf_len,
					size_t period_len, enum dmaeng_dir dir,
					unsigned long flags)
{
	return vt_prep(to_vt(chan), buf_len, flags, true);
}

static int vt_config(struct dmaeng_chan *chan,
		     const struct dmaeng_slave_config *cfg)
{
	return 0;
}

/* Issued descriptors wait for the test's hardware to start them. */
static void vt_issue_pending(struct dmaeng_chan *chan)
{
	struct vt_chan *vt = to_vt(chan);
	unsigned long flags;

	spin_lock_irqsave(&vt->vc.lock, flags);
	vt->issue_ret = dmaeng_vchan_issue_pending(&vt->vc);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
}

/*
 * The hardware stops a cyclic transfer always, the others it runs only
 * with hw_stops: those it stops complete ABORTED, then the library aborts
 * the rest.
 */
static int vt_terminate_all(struct dmaeng_chan *chan)
{
	struct vt_chan *vt = to_vt(chan);
	struct vt_desc *d, *next;
	unsigned long flags;

	atomic_inc(&vt->terminate_calls);
	spin_lock_irqsave(&vt->vc.lock, flags);
	list_for_each_entry_safe(d, next, &vt->hw, hw_node) {
		if (!vt->hw_stops && !d->cyclic)
			continue;
		list_del_init(&d->hw_node);
		dmaeng_vchan_complete(&d->vd, DMAENG_RESULT_ABORTED);
	}
	vt->paused = false;
	vt->aborted = dmaeng_vchan_terminate_all(&vt->vc);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	return 0;
}

static void vt_synchronize(struct dmaeng_chan *chan)
{
	dmaeng_vchan_synchronize(&to_vt(chan)->vc);
}

static int vt_pause_resume(struct dmaeng_chan *chan, bool pause)
{
	struct vt_chan *vt = to_vt(chan);
	unsigned long flags;

	atomic_inc(pause ? &vt->pause_calls : &vt->resume_calls);
	spin_lock_irqsave(&vt->vc.lock, flags);
	vt->paused = pause;
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	return 0;
}

static int vt_pause(struct dmaeng_chan *chan)
{
	return vt_pause_resume(chan, true);
}

static int vt_resume(struct dmaeng_chan *chan)
{
	return vt_pause_resume(chan, false);
}

static void vt_free_chan_resources(struct dmaeng_chan *chan)
{
	struct vt_chan *vt = to_vt(chan);

	atomic_inc(&vt->free_chan_calls);
	vt->frees_before_fcr = atomic_read(&vt->frees);
	dmaeng_vchan_free_chan_resources(&vt->vc);
	vt->frees_after_fcr = atomic_read(&vt->frees);
}

static void vt_release(struct dmaeng_device *ddev)
{
	atomic_inc(&container_of(ddev, struct vt_dev, ddev)->released);
}

static const struct dmaeng_device_ops vt_ops = {
	.free_chan_resources = vt_free_chan_resources,
	.prep_memcpy = vt_prep_memcpy,
	.prep_cyclic = vt_prep_cyclic,
	.config = vt_config,
	.pause = vt_pause,
	.resume = vt_resume,
	.issue_pending = vt_issue_pending,
	.tx_status = dmaeng_vchan_tx_status,
	.terminate_all = vt_terminate_all,
	.synchronize = vt_synchronize,
};

static void vt_dev_cleanup(void *data)
{
	struct vt_dev *vdev = data;

	if (vdev->ddev.registered)
		dmaeng_device_unregister(&vdev->ddev);
}

/*
 * A registered mini provider device with one channel, owned by a fake
 * live module; private (DMAENG_PRIVATE) or public.  Unregistered at the
 * end of the test.
 */
static struct vt_dev *vt_dev_new_as(struct kunit *test, bool private,
				    bool caller_delivers)
{
	struct device *parent = fake_parent(test, NUMA_NO_NODE);
	struct vt_dev *vdev;
	struct vt_chan *vt;

	vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vdev);
	vt = &vdev->vt;

	/* A module is live, and unused at refcount 1 (MODULE_REF_BASE). */
	vdev->mod.state = MODULE_STATE_LIVE;
	snprintf(vdev->mod.name, sizeof(vdev->mod.name), "vchan%d",
		 atomic_inc_return(&vt_seq));
	atomic_set(&vdev->mod.refcnt, 1);

	vdev->ddev.dev = parent;
	vdev->ddev.owner = &vdev->mod;
	vdev->ddev.ops = &vt_ops;
	vdev->ddev.release = vt_release;
	dmaeng_cap_set(DMAENG_MEMCPY, &vdev->ddev.cap_mask);
	dmaeng_cap_set(DMAENG_INTERRUPT, &vdev->ddev.cap_mask);
	dmaeng_cap_set(DMAENG_CYCLIC, &vdev->ddev.cap_mask);
	if (private)
		dmaeng_cap_set(DMAENG_PRIVATE, &vdev->ddev.cap_mask);
	INIT_LIST_HEAD(&vdev->ddev.channels);
	dmaeng_vchan_init(&vt->vc, vt_desc_free);
	vt->vc.caller_delivers = caller_delivers;
	INIT_LIST_HEAD(&vt->hw);
	list_add_tail(&vt->vc.chan.device_node, &vdev->ddev.channels);

	KUNIT_ASSERT_EQ(test, dmaeng_device_register(&vdev->ddev), 0);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vt_dev_cleanup, vdev));
	return vdev;
}

static struct vt_dev *vt_dev_new(struct kunit *test, bool private)
{
	return vt_dev_new_as(test, private, false);
}

static bool vt_filter(struct dmaeng_chan *chan, void *param)
{
	return chan == param;
}

/* Give the channel back, the hardware stopping whatever it still runs. */
static void vt_put(void *data)
{
	struct vt_chan *vt = data;
	unsigned long flags;

	spin_lock_irqsave(&vt->vc.lock, flags);
	vt->hw_stops = true;
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	dmaeng_release_channel(&vt->vc.chan);
}

/* The device's channel, taken with dmaeng_request_channel(). */
static struct dmaeng_chan *vt_request(struct kunit *test, struct vt_dev *vdev)
{
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *chan;

	dmaeng_cap_set(DMAENG_PRIVATE, &mask);
	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	chan = dmaeng_request_channel(&mask, vt_filter, &vdev->vt.vc.chan);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chan));
	KUNIT_ASSERT_PTR_EQ(test, chan, &vdev->vt.vc.chan);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, vt_put,
							   &vdev->vt));
	return chan;
}

static void vt_release_chan(struct kunit *test, struct vt_chan *vt)
{
	kunit_release_action(test, vt_put, vt);
}

/* ---- The hardware: the test, under vc.lock ---- */

/* Start the next issued descriptor: it, or NULL. */
static struct dmaeng_vdesc *__vt_hw_start(struct vt_chan *vt)
{
	struct dmaeng_vdesc *vd;

	lockdep_assert_held(&vt->vc.lock);
	vd = dmaeng_vchan_next(&vt->vc);
	if (vd)
		list_add_tail(&to_vt_desc(vd)->hw_node, &vt->hw);
	return vd;
}

/* The oldest running descriptor ends with @result: its cookie, or 0. */
static s32 __vt_hw_done(struct vt_chan *vt, enum dmaeng_result result)
{
	struct vt_desc *d;
	s32 cookie;

	lockdep_assert_held(&vt->vc.lock);
	d = list_first_entry_or_null(&vt->hw, struct vt_desc, hw_node);
	if (!d)
		return 0;
	cookie = d->vd.tx.cookie;
	list_del_init(&d->hw_node);
	/* Now the library's: freed by its tasklet once delivered. */
	dmaeng_vchan_complete(&d->vd, result);
	return cookie;
}

/* A period of the oldest running (cyclic) descriptor: its cookie, or 0. */
static s32 __vt_hw_period(struct vt_chan *vt)
{
	struct vt_desc *d;

	lockdep_assert_held(&vt->vc.lock);
	d = list_first_entry_or_null(&vt->hw, struct vt_desc, hw_node);
	if (!d)
		return 0;
	dmaeng_vchan_cyclic_period(&d->vd);
	return d->vd.tx.cookie;
}

static s32 vt_hw_start(struct vt_chan *vt, struct dmaeng_vdesc **vdp)
{
	struct dmaeng_vdesc *vd;
	unsigned long flags;

	spin_lock_irqsave(&vt->vc.lock, flags);
	vd = __vt_hw_start(vt);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	if (vdp)
		*vdp = vd;
	return vd ? vd->tx.cookie : 0;
}

static s32 vt_hw_done(struct vt_chan *vt, enum dmaeng_result result)
{
	unsigned long flags;
	s32 cookie;

	spin_lock_irqsave(&vt->vc.lock, flags);
	cookie = __vt_hw_done(vt, result);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	return cookie;
}

static void vt_set_hw_stops(struct vt_chan *vt, bool stops)
{
	unsigned long flags;

	spin_lock_irqsave(&vt->vc.lock, flags);
	vt->hw_stops = stops;
	spin_unlock_irqrestore(&vt->vc.lock, flags);
}

/* Wait until the tasklet has delivered whatever was completed. */
static void vt_flush(struct vt_chan *vt)
{
	dmaeng_vchan_synchronize(&vt->vc);
}

/* ---- The client ---- */

static void vt_chain(struct vt_chan *vt);

/* The completion callback; @param is the descriptor's own dmaeng_tx. */
static void vt_cb(void *param, enum dmaeng_result result)
{
	struct dmaeng_tx *tx = param;
	struct vt_chan *vt = to_vt(tx->chan);
	s32 cookie = tx->cookie;
	unsigned long flags;
	int i;

	/*
	 * Outside the channel lock: nobody else holds it here unless other
	 * threads use the channel, so it can be taken (a trylock, so that a
	 * callback run under it counts rather than deadlocks).
	 */
	if (!vt->concurrent) {
		if (spin_trylock_irqsave(&vt->vc.lock, flags))
			spin_unlock_irqrestore(&vt->vc.lock, flags);
		else
			atomic_inc(&vt->cb_locked);
	}
	if (atomic_inc_return(&vt->in_cb) > 1)
		atomic_inc(&vt->overlap);
	if (!in_serving_softirq())
		atomic_inc(&vt->cb_not_softirq);
	if (!in_softirq())
		atomic_inc(&vt->cb_bh_on);
	if (vt->cb_task && current != vt->cb_task)
		atomic_inc(&vt->cb_other_task);
	i = atomic_inc_return(&vt->ncb) - 1;
	if (i < VT_LOG) {
		vt->log[i].cookie = cookie;
		vt->log[i].result = result;
	}
	if (vt->seen) {
		if (cookie >= 1 && cookie <= vt->seen_max)
			vt->seen[cookie]++;
		else
			vt->out_of_range++;
		if (cookie != vt->last + 1)
			vt->disorder++;
		vt->last = cookie;
	}
	if (cookie == vt->chain_on)
		vt_chain(vt);
	/* Wide enough for two deliverers at once to be seen overlapping. */
	if (vt->concurrent)
		udelay(2);
	if (cookie == vt->nest_on) {
		/* Another deliverer is at work (this one's caller). */
		vt_hw_done(vt, DMAENG_RESULT_OK);
		dmaeng_vchan_deliver(&vt->vc);
		vt->ncb_nested = atomic_read(&vt->ncb);
	}
	atomic_dec(&vt->in_cb);
}

/* From a callback: submit and issue another copy on the same channel. */
static void vt_chain(struct vt_chan *vt)
{
	struct dmaeng_chan *chan = &vt->vc.chan;
	struct dmaeng_tx *tx;

	tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, VT_LEN,
				DMAENG_PREP_INTERRUPT | DMAENG_PREP_NOWAIT);
	if (!tx) {
		vt->chained = -ENOMEM;
		return;
	}
	tx->callback = vt_cb;
	tx->callback_param = tx;
	vt->chained = dmaeng_submit(tx);
	dmaeng_issue_pending(chan);
}

/* A copy of @len bytes with the recording callback, prepared. */
static struct dmaeng_tx *vt_prep_cb(struct kunit *test,
				    struct dmaeng_chan *chan, size_t len)
{
	struct dmaeng_tx *tx;

	tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, len,
				DMAENG_PREP_INTERRUPT);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	tx->callback = vt_cb;
	tx->callback_param = tx;
	return tx;
}

/* A copy with the recording callback, submitted: its cookie. */
static s32 vt_copy(struct kunit *test, struct dmaeng_chan *chan)
{
	return dmaeng_submit(vt_prep_cb(test, chan, VT_LEN));
}

/* ---- What the test reads ---- */

static const char *vt_result_name(enum dmaeng_result result)
{
	switch (result) {
	case DMAENG_RESULT_OK:
		return "OK";
	case DMAENG_RESULT_ABORTED:
		return "ABORTED";
	case DMAENG_RESULT_ERROR:
		return "ERROR";
	}
	return "?";
}

#define VT_STR	1024

/* The callbacks so far, "cookie:RESULT" in the order they ran. */
static const char *vt_log_str(struct kunit *test, struct vt_chan *vt)
{
	int i, n = min(atomic_read(&vt->ncb), VT_LOG), len = 0;
	char *buf = kunit_kzalloc(test, VT_STR, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < n; i++)
		len += scnprintf(buf + len, VT_STR - len, "%s%d:%s",
				 i ? " " : "", vt->log[i].cookie,
				 vt_result_name(vt->log[i].result));
	return buf;
}

/* The cookies on one of the channel's lists, in list order. */
static const char *vt_list_str(struct kunit *test, struct vt_chan *vt,
			       struct list_head *list)
{
	char *buf = kunit_kzalloc(test, VT_STR, GFP_KERNEL);
	struct dmaeng_vdesc *vd;
	unsigned long flags;
	int len = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	spin_lock_irqsave(&vt->vc.lock, flags);
	list_for_each_entry(vd, list, node)
		len += scnprintf(buf + len, VT_STR - len, "%s%d",
				 len ? " " : "", vd->tx.cookie);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	return buf;
}

static bool vt_on(struct vt_chan *vt, struct list_head *list,
		  struct dmaeng_tx *tx)
{
	struct dmaeng_vdesc *vd;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&vt->vc.lock, flags);
	list_for_each_entry(vd, list, node)
		found |= &vd->tx == tx;
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	return found;
}

static int vt_freed(struct vt_chan *vt, int id)
{
	return atomic_read(&vt->freed[id - 1]);
}

/*
 * Every descriptor prepared was freed exactly once: the number of those
 * that were not (each reported).
 */
static int vt_bad_frees(struct kunit *test, struct vt_chan *vt)
{
	int i, n = min(atomic_read(&vt->allocs), VT_IDS), bad = 0;

	for (i = 1; i <= n; i++) {
		if (vt_freed(vt, i) == 1)
			continue;
		bad++;
		kunit_err(test, "descriptor %d freed %d times\n", i,
			  vt_freed(vt, i));
	}
	return bad;
}

#define VT_EXPECT_STATUS(test, chan, cookie, status) do {		\
	s32 __c = (cookie);						\
									\
	KUNIT_EXPECT_EQ_MSG(test, dmaeng_tx_status(chan, __c, NULL),	\
			    status, "cookie %d", __c);			\
} while (0)

/* The cookies on the four lists: allocated, submitted, issued, completed. */
#define VT_EXPECT_LISTS(test, vt, l_alloc, l_sub, l_issue, l_done) do {	\
	struct kunit *__t = (test);					\
	struct vt_chan *__vt = (vt);					\
									\
	KUNIT_EXPECT_STREQ(__t, vt_list_str(__t, __vt,			\
			   &__vt->vc.desc_allocated), l_alloc);		\
	KUNIT_EXPECT_STREQ(__t, vt_list_str(__t, __vt,			\
			   &__vt->vc.desc_submitted), l_sub);		\
	KUNIT_EXPECT_STREQ(__t, vt_list_str(__t, __vt,			\
			   &__vt->vc.desc_issued), l_issue);		\
	KUNIT_EXPECT_STREQ(__t, vt_list_str(__t, __vt,			\
			   &__vt->vc.desc_completed), l_done);		\
} while (0)

/* ---- The cases ---- */

/*
 * The lists: prep puts a descriptor on desc_allocated, submit moves it to
 * desc_submitted with the next cookie, issue_pending to desc_issued, where
 * dmaeng_vchan_next() hands them out in cookie order.  A refused
 * submission frees the descriptor once, through desc_free.
 */
static void vchan_lists(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	struct dmaeng_vdesc *vd;
	struct dmaeng_tx *tx[3], *bad;
	int i;

	for (i = 0; i < 3; i++) {
		tx[i] = vt_prep_cb(test, chan, VT_LEN);
		KUNIT_EXPECT_TRUE(test, vt_on(vt, &vt->vc.desc_allocated, tx[i]));
	}
	VT_EXPECT_LISTS(test, vt, "0 0 0", "", "", "");
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, dmaeng_submit(tx[i]), i + 1);
		KUNIT_EXPECT_FALSE(test, vt_on(vt, &vt->vc.desc_allocated,
					       tx[i]));
	}
	VT_EXPECT_LISTS(test, vt, "", "1 2 3", "", "");
	VT_EXPECT_STATUS(test, chan, 1, DMAENG_IN_PROGRESS);

	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_TRUE(test, vt->issue_ret);
	VT_EXPECT_LISTS(test, vt, "", "", "1 2 3", "");

	/* Started in cookie order, then nothing; they stay issued. */
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, vt_hw_start(vt, &vd), i + 1);
		KUNIT_EXPECT_TRUE(test, vd && vd->started);
	}
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, &vd), 0);
	KUNIT_EXPECT_NULL(test, vd);
	VT_EXPECT_LISTS(test, vt, "", "", "1 2 3", "");
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_FALSE(test, vt->issue_ret);	/* none to start */

	/* A callback without DMAENG_PREP_INTERRUPT: refused, freed once. */
	bad = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, VT_LEN, 0);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	bad->callback = vt_cb;
	bad->callback_param = bad;
	KUNIT_EXPECT_TRUE(test, vt_on(vt, &vt->vc.desc_allocated, bad));
	KUNIT_EXPECT_EQ(test, dmaeng_submit(bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_freed(vt, 4), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 1);
	VT_EXPECT_LISTS(test, vt, "", "", "1 2 3", "");
	/* It took no cookie. */
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 4);

	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 4);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_OK), i + 1);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "1:OK 2:OK 3:OK 4:OK");
	VT_EXPECT_LISTS(test, vt, "", "", "", "");
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->allocs), 5);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 5);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	vt_release_chan(test, vt);
}

/*
 * Completions are delivered by the tasklet in cookie order with their
 * results, outside the channel lock, so that a callback may submit and
 * issue on the same channel; each descriptor is freed once, after its
 * callback.
 */
static void vchan_in_order_delivery(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	unsigned long flags;
	int i, early;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, vt_copy(test, chan), i + 1);
	vt->chain_on = 2;
	dmaeng_issue_pending(chan);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), i + 1);

	/* One "interrupt": the tasklet cannot run before the unlock. */
	spin_lock_irqsave(&vt->vc.lock, flags);
	__vt_hw_done(vt, DMAENG_RESULT_OK);
	__vt_hw_done(vt, DMAENG_RESULT_ERROR);
	__vt_hw_done(vt, DMAENG_RESULT_OK);
	early = atomic_read(&vt->ncb);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	KUNIT_EXPECT_EQ(test, early, 0);
	vt_flush(vt);

	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "1:OK 2:ERROR 3:OK");
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_locked), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_not_softirq), 0);
	/* Cookie 2's callback submitted and issued cookie 4. */
	KUNIT_EXPECT_EQ(test, vt->chained, 4);
	VT_EXPECT_LISTS(test, vt, "", "", "4", "");
	VT_EXPECT_STATUS(test, chan, 1, DMAENG_COMPLETE);
	VT_EXPECT_STATUS(test, chan, 2, DMAENG_ERROR);
	VT_EXPECT_STATUS(test, chan, 3, DMAENG_COMPLETE);
	VT_EXPECT_STATUS(test, chan, 4, DMAENG_IN_PROGRESS);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 3);
	for (i = 1; i <= 3; i++)
		KUNIT_EXPECT_EQ(test, vt_freed(vt, i), 1);

	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 4);
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_OK), 4);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "1:OK 2:ERROR 3:OK 4:OK");
	VT_EXPECT_STATUS(test, chan, 4, DMAENG_COMPLETE);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_locked), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->allocs), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 4);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	vt_release_chan(test, vt);
}

/*
 * A provider that completes in process context delivers itself
 * (caller_delivers, dmaeng_vchan_deliver()): completing schedules no
 * tasklet, and nothing is delivered until the provider's call, which
 * delivers in cookie order in its own thread, bottom halves disabled,
 * outside the lock.  A second deliverer that finds one at work (here,
 * cookie 2's callback completing 3 and delivering) leaves its completion
 * to that one, which delivers it, in order, before it returns.  Terminate
 * still delivers through the tasklet.
 */
static void vchan_caller_delivers(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new_as(test, true, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	bool scheduled;
	int i;

	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, vt_copy(test, chan), i + 1);
	vt->nest_on = 2;
	dmaeng_issue_pending(chan);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), i + 1);

	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_OK), 1);
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_ERROR), 2);
	scheduled = test_bit(TASKLET_STATE_SCHED, &vt->vc.task.state);
	KUNIT_EXPECT_FALSE(test, scheduled);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->ncb), 0);

	vt->cb_task = current;
	dmaeng_vchan_deliver(&vt->vc);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "1:OK 2:ERROR 3:OK");
	/* The nested call returned before 3's callback ran. */
	KUNIT_EXPECT_EQ(test, vt->ncb_nested, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_other_task), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_bh_on), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_locked), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 3);
	VT_EXPECT_STATUS(test, chan, 2, DMAENG_ERROR);
	VT_EXPECT_STATUS(test, chan, 3, DMAENG_COMPLETE);
	VT_EXPECT_LISTS(test, vt, "", "", "4", "");

	/* Terminate: the hardware stops 4, the tasklet delivers it. */
	vt->cb_task = NULL;
	vt_set_hw_stops(vt, true);
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "1:OK 2:ERROR 3:OK 4:ABORTED");
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 4);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	vt_release_chan(test, vt);
}

/*
 * Terminate while the hardware runs cookie 1: 2 and 3 issued, 4 only
 * submitted are aborted, but nothing is delivered while 1 runs (its
 * buffers are still the hardware's, and cookies complete in order).  When
 * the hardware finishes 1, all four are delivered, 1 first.
 */
static void vchan_terminate_started(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, vt_copy(test, chan), i + 1);
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 4);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 1);
	VT_EXPECT_LISTS(test, vt, "", "4", "1 2 3", "");

	/* The hardware does not stop 1 (it may finish it, or fail it). */
	vt_set_hw_stops(vt, false);
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->terminate_calls), 1);
	KUNIT_EXPECT_EQ(test, vt->aborted, 3);
	/* Synchronized, and still nothing delivered, nothing freed. */
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "");
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 0);
	VT_EXPECT_LISTS(test, vt, "", "", "", "1 2 3 4");
	for (i = 1; i <= 4; i++)
		VT_EXPECT_STATUS(test, chan, i, DMAENG_IN_PROGRESS);

	/* The hardware finishes 1: now in order, 1 first. */
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_OK), 1);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "1:OK 2:ABORTED 3:ABORTED 4:ABORTED");
	VT_EXPECT_STATUS(test, chan, 1, DMAENG_COMPLETE);
	for (i = 2; i <= 4; i++)
		VT_EXPECT_STATUS(test, chan, i, DMAENG_ERROR);
	VT_EXPECT_LISTS(test, vt, "", "", "", "");
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 4);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_locked), 0);
	vt_release_chan(test, vt);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->ncb), 4);
}

/*
 * A cyclic transfer: every period reported is delivered, also when the
 * tasklet runs late (batched); terminated, it completes ABORTED exactly
 * once, after all its periods, and the copy queued behind it is aborted
 * after it.
 */
static void vchan_cyclic(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	struct dmaeng_slave_config cfg = {
		.direction = DMAENG_DEV_TO_MEM,
		.src_addr = 0x5000,
		.src_addr_width = 4,
	};
	struct dmaeng_tx *tx;
	unsigned int aborted;
	unsigned long flags;
	int i, early, mid;

	KUNIT_ASSERT_EQ(test, dmaeng_slave_config(chan, &cfg), 0);
	tx = dmaeng_prep_cyclic(chan, 0x10000, 4096, 1024, DMAENG_DEV_TO_MEM,
				0);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	tx->callback = vt_cb;
	tx->callback_param = tx;
	KUNIT_EXPECT_EQ(test, dmaeng_submit(tx), 1);
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 1);
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 2);
	dmaeng_issue_pending(chan);

	/* Three periods before the tasklet can run: one batch. */
	spin_lock_irqsave(&vt->vc.lock, flags);
	for (i = 0; i < 3; i++)
		__vt_hw_period(vt);
	early = atomic_read(&vt->ncb);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	KUNIT_EXPECT_EQ(test, early, 0);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "1:OK 1:OK 1:OK");
	VT_EXPECT_STATUS(test, chan, 1, DMAENG_IN_PROGRESS);

	/*
	 * Two more, then what the provider's terminate does, before the
	 * tasklet runs: the cyclic one completes ABORTED, the library
	 * aborts the copy behind it.
	 */
	spin_lock_irqsave(&vt->vc.lock, flags);
	__vt_hw_period(vt);
	__vt_hw_period(vt);
	__vt_hw_done(vt, DMAENG_RESULT_ABORTED);
	aborted = dmaeng_vchan_terminate_all(&vt->vc);
	mid = atomic_read(&vt->ncb);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	KUNIT_EXPECT_EQ(test, aborted, 1);
	KUNIT_EXPECT_EQ(test, mid, 3);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "1:OK 1:OK 1:OK 1:OK 1:OK 1:ABORTED 2:ABORTED");
	VT_EXPECT_STATUS(test, chan, 1, DMAENG_ERROR);
	VT_EXPECT_STATUS(test, chan, 2, DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 2);

	/* A terminate from the client now finds nothing: no second end. */
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	KUNIT_EXPECT_EQ(test, vt->aborted, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->ncb), 7);
	VT_EXPECT_LISTS(test, vt, "", "", "", "");
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	vt_release_chan(test, vt);
}

/* dmaeng_tx_status() with a state: the status, last, used and residue. */
#define VT_EXPECT_STATE(test, chan, cookie, status, s_last, s_used, s_res) \
do {									\
	struct dmaeng_tx_state __st = { -1, -1, 0xdead };		\
	struct kunit *__t = (test);					\
	s32 __c = (cookie);						\
									\
	KUNIT_EXPECT_EQ_MSG(__t, dmaeng_tx_status(chan, __c, &__st),	\
			    status, "cookie %d", __c);			\
	KUNIT_EXPECT_EQ_MSG(__t, __st.last, s_last, "cookie %d", __c);	\
	KUNIT_EXPECT_EQ_MSG(__t, __st.used, s_used, "cookie %d", __c);	\
	KUNIT_EXPECT_EQ_MSG(__t, __st.residue, s_res, "cookie %d", __c); \
} while (0)

/*
 * The residue dmaeng_tx_status() reports: the length until the descriptor
 * starts, what the provider set while it runs, 0 once it is done; with
 * the channel's last completed and last assigned cookies.
 */
static void vchan_residue(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	struct dmaeng_tx_state st = { -1, -1, 0xdead };
	struct dmaeng_vdesc *vd1, *vd2;
	enum dmaeng_status status;
	s32 done;

	KUNIT_EXPECT_EQ(test, dmaeng_submit(vt_prep_cb(test, chan, 4096)), 1);
	KUNIT_EXPECT_EQ(test, dmaeng_submit(vt_prep_cb(test, chan, 512)), 2);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_IN_PROGRESS, 0, 2, 4096);
	dmaeng_issue_pending(chan);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_IN_PROGRESS, 0, 2, 4096);
	VT_EXPECT_STATE(test, chan, 2, DMAENG_IN_PROGRESS, 0, 2, 512);

	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, &vd1), 1);
	KUNIT_ASSERT_NOT_NULL(test, vd1);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_IN_PROGRESS, 0, 2, 4096);
	dmaeng_vchan_set_residue(vd1, 100);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_IN_PROGRESS, 0, 2, 100);
	VT_EXPECT_STATE(test, chan, 2, DMAENG_IN_PROGRESS, 0, 2, 512);

	/*
	 * Done, not delivered yet (softirqs off, so the tasklet, scheduled
	 * on this CPU, waits): still in progress, nothing left.
	 */
	local_bh_disable();
	done = vt_hw_done(vt, DMAENG_RESULT_OK);
	status = dmaeng_tx_status(chan, 1, &st);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, done, 1);
	KUNIT_EXPECT_EQ(test, status, DMAENG_IN_PROGRESS);
	KUNIT_EXPECT_EQ(test, st.last, 0);
	KUNIT_EXPECT_EQ(test, st.used, 2);
	KUNIT_EXPECT_EQ(test, st.residue, 0);
	vt_flush(vt);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_COMPLETE, 1, 2, 0);
	VT_EXPECT_STATE(test, chan, 2, DMAENG_IN_PROGRESS, 1, 2, 512);

	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, &vd2), 2);
	KUNIT_ASSERT_NOT_NULL(test, vd2);
	dmaeng_vchan_set_residue(vd2, 200);
	VT_EXPECT_STATE(test, chan, 2, DMAENG_IN_PROGRESS, 1, 2, 200);
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_ERROR), 2);
	vt_flush(vt);
	VT_EXPECT_STATE(test, chan, 2, DMAENG_ERROR, 2, 2, 0);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_COMPLETE, 2, 2, 0);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "1:OK 2:ERROR");
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	vt_release_chan(test, vt);
}

/*
 * Pause and resume on a private channel: what is in flight reads
 * DMAENG_PAUSED, then DMAENG_IN_PROGRESS again; a terminate ends the
 * pause.  A public channel refuses both without calling the provider.
 */
static void vchan_pause(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	struct vt_dev *pub;
	struct fake_client *fc;

	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 1);
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 1);
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 2);

	KUNIT_EXPECT_EQ(test, dmaeng_pause(chan), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->pause_calls), 1);
	KUNIT_EXPECT_TRUE(test, vt->paused);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_PAUSED, 0, 2, VT_LEN);
	VT_EXPECT_STATE(test, chan, 2, DMAENG_PAUSED, 0, 2, VT_LEN);
	KUNIT_EXPECT_EQ(test, dmaeng_resume(chan), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->resume_calls), 1);
	KUNIT_EXPECT_FALSE(test, vt->paused);
	VT_EXPECT_STATE(test, chan, 1, DMAENG_IN_PROGRESS, 0, 2, VT_LEN);

	/* Completed while paused: complete, not paused. */
	KUNIT_EXPECT_EQ(test, dmaeng_pause(chan), 0);
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_OK), 1);
	vt_flush(vt);
	VT_EXPECT_STATUS(test, chan, 1, DMAENG_COMPLETE);
	VT_EXPECT_STATUS(test, chan, 2, DMAENG_PAUSED);

	/* A terminate ends the pause. */
	KUNIT_EXPECT_EQ(test, dmaeng_terminate_sync(chan), 0);
	KUNIT_EXPECT_EQ(test, vt->aborted, 1);
	KUNIT_EXPECT_FALSE(test, vt->paused);
	VT_EXPECT_STATUS(test, chan, 2, DMAENG_ERROR);
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 3);
	VT_EXPECT_STATUS(test, chan, 3, DMAENG_IN_PROGRESS);
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 3);
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_OK), 3);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "1:OK 2:ABORTED 3:OK");
	vt_release_chan(test, vt);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);

	/* A public channel, held by a public client. */
	pub = vt_dev_new(test, false);
	fc = fake_client_new(test, "vchan-public", BIT(DMAENG_MEMCPY));
	KUNIT_ASSERT_EQ(test, fake_client_register(test, fc), 0);
	KUNIT_ASSERT_EQ(test, READ_ONCE(pub->vt.vc.chan.client_count), 1);
	KUNIT_EXPECT_EQ(test, dmaeng_pause(&pub->vt.vc.chan), -EPERM);
	KUNIT_EXPECT_EQ(test, dmaeng_resume(&pub->vt.vc.chan), -EPERM);
	KUNIT_EXPECT_EQ(test, atomic_read(&pub->vt.pause_calls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&pub->vt.resume_calls), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(fc), 0);
}

/*
 * Releasing the channel: what runs is stopped, what is queued aborted, and
 * free_chan_resources frees (with a warning) the descriptor the client
 * prepared and never submitted, once; nothing is left behind.
 */
static void vchan_free_leaked(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	struct dmaeng_tx *leak;

	leak = vt_prep_cb(test, chan, VT_LEN);			/* id 1 */
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 1);		/* id 2 */
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 2);		/* id 3 */
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 1);
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 3);		/* id 4 */
	KUNIT_EXPECT_TRUE(test, vt_on(vt, &vt->vc.desc_allocated, leak));
	VT_EXPECT_LISTS(test, vt, "0", "3", "1 2", "");

	kunit_info(test, "expect one dev_warn: freeing a descriptor prepared and never submitted\n");
	vt_release_chan(test, vt);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->terminate_calls), 1);
	KUNIT_EXPECT_EQ(test, vt->aborted, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->free_chan_calls), 1);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "1:ABORTED 2:ABORTED 3:ABORTED");
	/* The three queued ones before, the leaked one by it. */
	KUNIT_EXPECT_EQ(test, vt->frees_before_fcr, 3);
	KUNIT_EXPECT_EQ(test, vt->frees_after_fcr, 4);
	KUNIT_EXPECT_EQ(test, vt_freed(vt, 1), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->allocs), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), 4);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	VT_EXPECT_LISTS(test, vt, "", "", "", "");
	KUNIT_EXPECT_TRUE(test, list_empty(&vt->hw));
}

struct vt_submitter {
	struct vt_chan *vt;
	struct completion done;
	int submitted;
	int failed;
	int disorder;		/* a cookie not above the previous one */
};

static int vt_submit_fn(void *data)
{
	struct vt_submitter *s = data;
	struct dmaeng_chan *chan = &s->vt->vc.chan;
	struct dmaeng_tx *tx;
	s32 cookie, prev = 0;
	int i;

	for (i = 0; i < VT_THREAD_N; i++) {
		tx = dmaeng_prep_memcpy(chan, 0x1000, 0x2000, VT_LEN,
					DMAENG_PREP_INTERRUPT);
		if (!tx) {
			s->failed++;
			continue;
		}
		tx->callback = vt_cb;
		tx->callback_param = tx;
		cookie = dmaeng_submit(tx);
		if (cookie <= 0) {
			s->failed++;
			continue;
		}
		s->submitted++;
		if (cookie <= prev)
			s->disorder++;
		prev = cookie;
		dmaeng_issue_pending(chan);
		/* The tasklet competes from this CPU with the provider's. */
		if (s->vt->vc.caller_delivers && i % 8 == 0)
			tasklet_schedule(&s->vt->vc.task);
		if (i % 16 == 0)
			cond_resched();
	}
	complete(&s->done);
	return 0;
}

struct vt_hardware {
	struct vt_chan *vt;
	struct completion done;
	bool delivers;		/* delivers itself (caller_delivers) */
	int total;
	int completed;
	int max_burst;
	bool timed_out;
};

/* Start up to VT_HW_BURST, then complete them in order, until all done. */
static int vt_hw_fn(void *data)
{
	struct vt_hardware *h = data;
	struct dmaeng_vchan *vc = &h->vt->vc;
	struct dmaeng_vdesc *run[VT_HW_BURST];
	unsigned long deadline = jiffies + 120 * HZ;
	int i, n;

	while (h->completed < h->total) {
		spin_lock_irq(&vc->lock);
		for (n = 0; n < VT_HW_BURST; n++) {
			run[n] = dmaeng_vchan_next(vc);
			if (!run[n])
				break;
		}
		spin_unlock_irq(&vc->lock);
		if (!n) {
			if (time_after(jiffies, deadline)) {
				h->timed_out = true;
				break;
			}
			usleep_range(20, 50);
			continue;
		}
		h->max_burst = max(h->max_burst, n);
		spin_lock_irq(&vc->lock);
		for (i = 0; i < n; i++)
			dmaeng_vchan_complete(run[i], DMAENG_RESULT_OK);
		spin_unlock_irq(&vc->lock);
		h->completed += n;
		if (h->delivers)
			dmaeng_vchan_deliver(vc);
		cond_resched();
	}
	complete(&h->done);
	return 0;
}

/*
 * Two threads submit and issue VT_THREAD_N copies each while a third, the
 * hardware, completes them as they come: every cookie is delivered once,
 * in order, no callback overlapping another, and every descriptor freed
 * once; by the tasklet or, with @delivers, by the hardware's thread itself
 * (caller_delivers), the submitters scheduling the tasklet now and then
 * besides (as a terminate would): one deliverer at a time all the same.
 */
static void vt_concurrency(struct kunit *test, bool delivers)
{
	struct vt_dev *vdev = vt_dev_new_as(test, true, delivers);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	int total = 2 * VT_THREAD_N;
	struct vt_submitter sub[2] = {};
	struct vt_hardware hw = {
		.vt = vt, .total = total, .delivers = delivers,
	};
	struct task_struct *t[3];
	int i, missing = 0, twice = 0;
	bool failed = false;

	vt->seen = kunit_kzalloc(test, total + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vt->seen);
	vt->seen_max = total;
	vt->concurrent = true;
	init_completion(&hw.done);
	t[0] = kthread_create(vt_hw_fn, &hw, "dmaeng-vt-hw");
	for (i = 0; i < 2; i++) {
		sub[i].vt = vt;
		init_completion(&sub[i].done);
		t[i + 1] = kthread_create(vt_submit_fn, &sub[i], "dmaeng-vt-sub%d",
					  i);
	}
	for (i = 0; i < 3; i++)
		failed |= IS_ERR(t[i]);
	if (failed) {
		/* A thread never woken exits at kthread_stop(), unrun. */
		for (i = 0; i < 3; i++)
			if (!IS_ERR(t[i]))
				kthread_stop(t[i]);
		KUNIT_FAIL_AND_ABORT(test, "kthread_create failed\n");
	}
	for (i = 0; i < 3; i++)
		wake_up_process(t[i]);
	for (i = 0; i < 2; i++)
		wait_for_completion(&sub[i].done);
	wait_for_completion(&hw.done);
	vt_flush(vt);

	kunit_info(test, "hardware ran up to %d descriptors at once\n",
		   hw.max_burst);
	KUNIT_EXPECT_FALSE(test, hw.timed_out);
	KUNIT_EXPECT_EQ(test, hw.completed, total);
	KUNIT_EXPECT_EQ(test, READ_ONCE(chan->cookie), total);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, sub[i].submitted, VT_THREAD_N);
		KUNIT_EXPECT_EQ(test, sub[i].failed, 0);
		KUNIT_EXPECT_EQ(test, sub[i].disorder, 0);
	}
	for (i = 1; i <= total; i++) {
		missing += !vt->seen[i];
		twice += vt->seen[i] > 1;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->ncb), total);
	KUNIT_EXPECT_EQ(test, missing, 0);
	KUNIT_EXPECT_EQ(test, twice, 0);
	KUNIT_EXPECT_EQ(test, vt->out_of_range, 0);
	KUNIT_EXPECT_EQ(test, vt->disorder, 0);
	KUNIT_EXPECT_EQ(test, vt->last, total);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->overlap), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_bh_on), 0);
	if (!delivers)
		KUNIT_EXPECT_EQ(test, atomic_read(&vt->cb_not_softirq), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->allocs), total);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), total);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
	VT_EXPECT_LISTS(test, vt, "", "", "", "");
	vt_release_chan(test, vt);
	KUNIT_EXPECT_EQ(test, atomic_read(&vt->frees), total);
}

static void vchan_concurrency(struct kunit *test)
{
	vt_concurrency(test, false);
}

static void vchan_concurrency_caller_delivers(struct kunit *test)
{
	vt_concurrency(test, true);
}

/* A cyclic copy with the recording callback, submitted. */
static s32 vt_cyclic_submit(struct kunit *test, struct dmaeng_chan *chan)
{
	struct dmaeng_tx *tx;

	tx = dmaeng_prep_cyclic(chan, 0x10000, 4096, 1024, DMAENG_DEV_TO_MEM,
				0);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	tx->callback = vt_cb;
	tx->callback_param = tx;
	return dmaeng_submit(tx);
}

/*
 * A cyclic descriptor started before the tasklet ran for what completed
 * before it: periods stay in cookie order and none is lost.
 * A: copy 1 completes, cyclic 2 starts and reports a period, before the
 *    tasklet runs: cookie order is "1:OK 2:OK".
 * B: cyclic 3 reports 2 periods and fails, cyclic 4 starts and reports
 *    one, before the tasklet runs: "3:OK 3:OK 3:ERROR 4:OK".
 */
static void vchan_cyclic_behind(struct kunit *test)
{
	struct vt_dev *vdev = vt_dev_new(test, true);
	struct dmaeng_chan *chan = vt_request(test, vdev);
	struct vt_chan *vt = &vdev->vt;
	struct dmaeng_slave_config cfg = {
		.direction = DMAENG_DEV_TO_MEM,
		.src_addr = 0x5000,
		.src_addr_width = 4,
	};
	unsigned long flags;

	/* width x burst must fit: 4 x 0x40000000 would wrap to 0. */
	cfg.src_maxburst = 0x40000000;
	KUNIT_EXPECT_EQ(test, dmaeng_slave_config(chan, &cfg), -EINVAL);
	cfg.src_maxburst = DMAENG_MAX_BURST + 1;
	KUNIT_EXPECT_EQ(test, dmaeng_slave_config(chan, &cfg), -EINVAL);
	cfg.src_maxburst = DMAENG_MAX_BURST;
	KUNIT_EXPECT_EQ(test, dmaeng_slave_config(chan, &cfg), 0);
	cfg.src_maxburst = 0;
	KUNIT_ASSERT_EQ(test, dmaeng_slave_config(chan, &cfg), 0);
	/* A */
	KUNIT_EXPECT_EQ(test, vt_copy(test, chan), 1);
	KUNIT_EXPECT_EQ(test, vt_cyclic_submit(test, chan), 2);
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 1);
	spin_lock_irqsave(&vt->vc.lock, flags);
	__vt_hw_done(vt, DMAENG_RESULT_OK);
	__vt_hw_start(vt);
	__vt_hw_period(vt);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt), "1:OK 2:OK");
	/* Cyclic 2 ends as a terminate would end it. */
	KUNIT_EXPECT_EQ(test, vt_hw_done(vt, DMAENG_RESULT_ABORTED), 2);
	vt_flush(vt);
	atomic_set(&vt->ncb, 0);

	/* B */
	KUNIT_EXPECT_EQ(test, vt_cyclic_submit(test, chan), 3);
	KUNIT_EXPECT_EQ(test, vt_cyclic_submit(test, chan), 4);
	dmaeng_issue_pending(chan);
	KUNIT_EXPECT_EQ(test, vt_hw_start(vt, NULL), 3);
	spin_lock_irqsave(&vt->vc.lock, flags);
	__vt_hw_period(vt);
	__vt_hw_period(vt);
	__vt_hw_done(vt, DMAENG_RESULT_ERROR);
	__vt_hw_start(vt);
	__vt_hw_period(vt);
	spin_unlock_irqrestore(&vt->vc.lock, flags);
	vt_flush(vt);
	KUNIT_EXPECT_STREQ(test, vt_log_str(test, vt),
			   "3:OK 3:OK 3:ERROR 4:OK");
	vt_release_chan(test, vt);
	KUNIT_EXPECT_EQ(test, vt_bad_frees(test, vt), 0);
}

static struct kunit_case dmaeng_vchan_cases[] = {
	KUNIT_CASE(vchan_lists),
	KUNIT_CASE(vchan_in_order_delivery),
	KUNIT_CASE(vchan_caller_delivers),
	KUNIT_CASE(vchan_terminate_started),
	KUNIT_CASE(vchan_cyclic),
	KUNIT_CASE(vchan_residue),
	KUNIT_CASE(vchan_pause),
	KUNIT_CASE(vchan_cyclic_behind),
	KUNIT_CASE(vchan_free_leaked),
	KUNIT_CASE_SLOW(vchan_concurrency),
	KUNIT_CASE_SLOW(vchan_concurrency_caller_delivers),
	{}
};

static struct kunit_suite dmaeng_vchan_suite = {
	.name = "dmaeng_vchan",
	.test_cases = dmaeng_vchan_cases,
};

kunit_test_suite(dmaeng_vchan_suite);
