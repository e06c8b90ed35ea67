// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng provider helper library: descriptor lists, cookies, in-order
 * completion outside the channel lock, terminate and synchronize, cyclic
 * periods and residue, for providers to build on (include/dmaeng/vchan.h
 * has the provider's side of it).
 *
 * Locking and lifetime
 * ====================
 * vc->lock (IRQ-safe) protects the four lists, every dmaeng_vdesc field but
 * residue, vc->cyclic, cookie assignment (dmaeng_cookie_assign() runs under
 * it in tx_submit) and whatever hardware state the provider keeps with
 * them.  A descriptor belongs to its list: the client between prep and
 * submit (desc_allocated, only for counting), the library and the provider
 * from submit until delivery, and is freed by the library (the provider's
 * desc_free) after dmaeng_tx_complete() or when a submission fails.
 *
 * Delivery runs in the channel's tasklet, or in the provider's own process
 * context (dmaeng_vchan_deliver(), for a provider that set caller_delivers),
 * one deliverer at a time per channel (vc->delivering, under vc->lock: a
 * second one asks the first to go round again, with deliver_again, and
 * leaves) and in list order, always with bottom halves disabled, with
 * vc->lock dropped around dmaeng_tx_complete() and the callbacks: a
 * callback may submit and issue on the same channel.  It takes
 * the head of desc_completed while it is done: a started descriptor moved
 * there by terminate waits, holding back the aborted ones after it, until
 * the provider completes it, so cookies complete in order and no buffer is
 * released while the hardware may still use it.  Periods are cyclic
 * descriptors' callbacks in cookie order with the rest: a completed
 * descriptor's periods just before its own completion, those of the cyclic
 * descriptor still running after every completion taken in the same run;
 * a descriptor is only freed by delivery, after its periods.
 *
 * dmaeng_vchan_synchronize() kills the tasklet (waiting for a run in
 * progress, and for one scheduled), and runs it again while something
 * deliverable is left or another deliverer is at work (tasklet_kill()
 * swallows a schedule made while it waits): after the provider's hardware
 * is quiet, its own deliverer done and terminate ran, only a callback
 * submitting on its own channel schedules it again.
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/export.h>
#include <linux/list.h>
#include <dmaeng/vchan.h>

/**
 * dmaeng_vchan_find() - a descriptor not delivered yet, by cookie
 * @vc: the channel
 * @cookie: a cookie from dmaeng_submit()
 *
 * Under vc->lock.
 *
 * Return: the descriptor on desc_submitted, desc_issued or desc_completed,
 * or NULL.
 */
struct dmaeng_vdesc *dmaeng_vchan_find(struct dmaeng_vchan *vc, s32 cookie)
{
	struct list_head *lists[] = {
		&vc->desc_issued, &vc->desc_submitted, &vc->desc_completed,
	};
	struct dmaeng_vdesc *vd;
	unsigned int i;

	lockdep_assert_held(&vc->lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(vd, lists[i], node)
			if (vd->tx.cookie == cookie)
				return vd;
	return NULL;
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_find);

/* One round of delivery: what completed, in order, outside the lock. */
static void dmaeng_vchan_deliver_once(struct dmaeng_vchan *vc,
				      unsigned long *flags)
	__must_hold(&vc->lock)
{
	struct dmaeng_vdesc *vd, *next, *cyclic;
	dmaeng_callback_t period_cb = NULL;
	void *period_param = NULL;
	unsigned int periods = 0;
	LIST_HEAD(done);

	list_for_each_entry_safe(vd, next, &vc->desc_completed, node) {
		if (!vd->done)
			break;
		list_move_tail(&vd->node, &done);
		if (vd == vc->cyclic)
			vc->cyclic = NULL;
	}
	/* A cyclic one still running comes after all of those. */
	cyclic = vc->cyclic;
	if (cyclic) {
		periods = cyclic->periods;
		cyclic->periods = 0;
		period_cb = cyclic->tx.callback;
		period_param = cyclic->tx.callback_param;
	}
	spin_unlock_irqrestore(&vc->lock, *flags);

	list_for_each_entry_safe(vd, next, &done, node) {
		list_del(&vd->node);
		/* Done: no period is added any more; its own go first. */
		for (; vd->periods && vd->tx.callback; vd->periods--)
			vd->tx.callback(vd->tx.callback_param,
					DMAENG_RESULT_OK);
		dmaeng_tx_complete(&vd->tx, vd->result);
		vc->desc_free(vd);
	}
	while (period_cb && periods--)
		period_cb(period_param, DMAENG_RESULT_OK);
	spin_lock_irqsave(&vc->lock, *flags);
}

/*
 * Deliver, unless another deliverer is at work: that one goes round again.
 * The tasklet goes round once only and reschedules itself for more, so
 * that a provider completing without pause cannot keep it in softirq.
 */
static void dmaeng_vchan_run(struct dmaeng_vchan *vc, bool tasklet)
{
	unsigned long flags;

	spin_lock_irqsave(&vc->lock, flags);
	if (vc->delivering) {
		vc->deliver_again = true;
		spin_unlock_irqrestore(&vc->lock, flags);
		return;
	}
	vc->delivering = true;
	do {
		vc->deliver_again = false;
		dmaeng_vchan_deliver_once(vc, &flags);
	} while (vc->deliver_again && !tasklet);
	if (vc->deliver_again)
		tasklet_schedule(&vc->task);
	vc->delivering = false;
	spin_unlock_irqrestore(&vc->lock, flags);
}

static void dmaeng_vchan_tasklet(struct tasklet_struct *t)
{
	struct dmaeng_vchan *vc = from_tasklet(vc, t, task);

	dmaeng_vchan_run(vc, true);
}

/**
 * dmaeng_vchan_deliver() - deliver what completed, here and now
 * @vc: a channel whose provider set @vc->caller_delivers
 *
 * Process context, vc->lock not held: after dmaeng_vchan_complete() or
 * dmaeng_vchan_cyclic_period() once the provider dropped vc->lock, in its
 * work item or threaded interrupt handler.  Delivers as the tasklet would
 * (in cookie order, one deliverer at a time, bottom halves disabled around
 * the callbacks), without the tasklet's round trip through softirq (from
 * process context, a wake-up of ksoftirqd) per completion.  If another
 * deliverer is at work, that one delivers these too, before it returns.
 */
void dmaeng_vchan_deliver(struct dmaeng_vchan *vc)
{
	lockdep_assert_not_held(&vc->lock);
	lockdep_assert_irqs_enabled();
	local_bh_disable();
	dmaeng_vchan_run(vc, false);
	local_bh_enable();
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_deliver);

/**
 * dmaeng_vchan_init() - set up a channel of the library
 * @vc: the channel, in the provider's (zeroed or not) channel structure
 * @desc_free: frees one of the provider's descriptors; any context
 *
 * Before the device is registered.
 */
void dmaeng_vchan_init(struct dmaeng_vchan *vc,
		       void (*desc_free)(struct dmaeng_vdesc *vd))
{
	spin_lock_init(&vc->lock);
	INIT_LIST_HEAD(&vc->desc_allocated);
	INIT_LIST_HEAD(&vc->desc_submitted);
	INIT_LIST_HEAD(&vc->desc_issued);
	INIT_LIST_HEAD(&vc->desc_completed);
	vc->cyclic = NULL;
	vc->caller_delivers = false;
	vc->delivering = false;
	vc->deliver_again = false;
	vc->desc_free = desc_free;
	tasklet_setup(&vc->task, dmaeng_vchan_tasklet);
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_init);

static s32 dmaeng_vchan_tx_submit(struct dmaeng_tx *tx)
{
	struct dmaeng_vchan *vc = to_dmaeng_vchan(tx->chan);
	struct dmaeng_vdesc *vd = to_dmaeng_vdesc(tx);
	unsigned long flags;
	s32 cookie;

	spin_lock_irqsave(&vc->lock, flags);
	cookie = dmaeng_cookie_assign(tx);
	if (cookie > 0)
		list_move_tail(&vd->node, &vc->desc_submitted);
	spin_unlock_irqrestore(&vc->lock, flags);
	return cookie;
}

static void dmaeng_vchan_tx_free(struct dmaeng_tx *tx)
{
	struct dmaeng_vchan *vc = to_dmaeng_vchan(tx->chan);
	struct dmaeng_vdesc *vd = to_dmaeng_vdesc(tx);
	unsigned long flags;

	spin_lock_irqsave(&vc->lock, flags);
	list_del(&vd->node);
	spin_unlock_irqrestore(&vc->lock, flags);
	vc->desc_free(vd);
}

/**
 * dmaeng_vchan_tx_prep() - hand a prepared descriptor to dmaeng
 * @vc: the channel
 * @vd: the provider's descriptor, filled in
 * @len: bytes it transfers (the initial residue)
 *
 * The provider's prep returns what this returns.  Any context.
 *
 * Return: the dmaeng descriptor.
 */
struct dmaeng_tx *dmaeng_vchan_tx_prep(struct dmaeng_vchan *vc,
				       struct dmaeng_vdesc *vd, size_t len)
{
	unsigned long flags;

	vd->tx.tx_submit = dmaeng_vchan_tx_submit;
	vd->tx.tx_free = dmaeng_vchan_tx_free;
	vd->result = DMAENG_RESULT_OK;
	vd->started = false;
	vd->done = false;
	vd->terminated = false;
	vd->periods = 0;
	vd->residue = min_t(size_t, len, U32_MAX);
	spin_lock_irqsave(&vc->lock, flags);
	list_add_tail(&vd->node, &vc->desc_allocated);
	spin_unlock_irqrestore(&vc->lock, flags);
	return &vd->tx;
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_tx_prep);

/**
 * dmaeng_vchan_issue_pending() - move the submitted descriptors to issued
 * @vc: the channel
 *
 * Under vc->lock, from the provider's issue_pending.
 *
 * Return: true if an issued descriptor is waiting to be started (then
 * dmaeng_vchan_next() returns it).
 */
bool dmaeng_vchan_issue_pending(struct dmaeng_vchan *vc)
{
	struct dmaeng_vdesc *vd;

	lockdep_assert_held(&vc->lock);
	list_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);
	list_for_each_entry(vd, &vc->desc_issued, node)
		if (!vd->started)
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_issue_pending);

/**
 * dmaeng_vchan_next() - the next issued descriptor to start
 * @vc: the channel
 *
 * Under vc->lock.  Marks it started: it stays on desc_issued until the
 * provider completes it with dmaeng_vchan_complete(), and terminate
 * leaves its completion to the provider.
 *
 * Return: the oldest issued descriptor not started yet, or NULL.
 */
struct dmaeng_vdesc *dmaeng_vchan_next(struct dmaeng_vchan *vc)
{
	struct dmaeng_vdesc *vd;

	lockdep_assert_held(&vc->lock);
	list_for_each_entry(vd, &vc->desc_issued, node) {
		if (!vd->started) {
			vd->started = true;
			return vd;
		}
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_next);

/**
 * dmaeng_vchan_complete() - a started descriptor finished
 * @vd: from dmaeng_vchan_next()
 * @result: how it ended
 *
 * Under vc->lock, any context (an interrupt handler, typically).  The
 * completion, callback and free follow from the tasklet, in cookie order;
 * if @vc->caller_delivers, from the provider's dmaeng_vchan_deliver()
 * once it dropped vc->lock.  The provider must complete its started
 * descriptors in the order it got them.
 */
void dmaeng_vchan_complete(struct dmaeng_vdesc *vd, enum dmaeng_result result)
{
	struct dmaeng_vchan *vc = to_dmaeng_vchan(vd->tx.chan);

	lockdep_assert_held(&vc->lock);
	if (WARN_ON_ONCE(!vd->started || vd->done))
		return;
	vd->result = result;
	vd->done = true;
	if (result == DMAENG_RESULT_OK)
		WRITE_ONCE(vd->residue, 0);
	/* A terminated one already waits in its place on desc_completed. */
	if (!vd->terminated)
		list_move_tail(&vd->node, &vc->desc_completed);
	if (!vc->caller_delivers)
		tasklet_schedule(&vc->task);
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_complete);

/**
 * dmaeng_vchan_cyclic_period() - a period of a cyclic descriptor is done
 * @vd: the started cyclic descriptor
 *
 * Under vc->lock, any context.  Its callback runs from the tasklet (or
 * the provider's dmaeng_vchan_deliver(), if @vc->caller_delivers), with
 * DMAENG_RESULT_OK, once for each period reported (none is lost if
 * delivery runs late), and always before the descriptor's own completion.
 */
void dmaeng_vchan_cyclic_period(struct dmaeng_vdesc *vd)
{
	struct dmaeng_vchan *vc = to_dmaeng_vchan(vd->tx.chan);

	lockdep_assert_held(&vc->lock);
	if (WARN_ON_ONCE(!vd->started || vd->done))
		return;
	vc->cyclic = vd;
	vd->periods++;
	if (!vc->caller_delivers)
		tasklet_schedule(&vc->task);
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_cyclic_period);

/**
 * dmaeng_vchan_terminate_all() - abort every descriptor not started
 * @vc: the channel
 *
 * Under vc->lock, from the provider's terminate_all, after it stopped its
 * hardware (and completed with DMAENG_RESULT_ABORTED the started
 * descriptors it stopped: a cyclic one always).  Every issued and submitted
 * descriptor moves to desc_completed in cookie order; those not started
 * complete with DMAENG_RESULT_ABORTED; a started one the provider has not
 * completed yet keeps its place, and it and those after it are delivered
 * once the provider completes it.
 *
 * Return: the number of descriptors aborted.
 */
unsigned int dmaeng_vchan_terminate_all(struct dmaeng_vchan *vc)
{
	struct dmaeng_vdesc *vd, *next;
	unsigned int n = 0;

	lockdep_assert_held(&vc->lock);
	list_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);
	list_for_each_entry_safe(vd, next, &vc->desc_issued, node) {
		list_move_tail(&vd->node, &vc->desc_completed);
		if (vd->started) {
			vd->terminated = true;
			continue;
		}
		vd->result = DMAENG_RESULT_ABORTED;
		vd->done = true;
		n++;
	}
	tasklet_schedule(&vc->task);
	return n;
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_terminate_all);

/**
 * dmaeng_vchan_synchronize() - wait until no completion is being delivered
 * @vc: the channel
 *
 * Process context, from the provider's synchronize, once its hardware
 * completes nothing any more (and, if it delivers itself, once its calls
 * of dmaeng_vchan_deliver() returned: it flushed its work item): when it
 * returns, every callback has returned and none will start.
 */
void dmaeng_vchan_synchronize(struct dmaeng_vchan *vc)
{
	struct dmaeng_vdesc *vd;
	unsigned long flags;
	bool again, busy;

	might_sleep();
	do {
		tasklet_kill(&vc->task);
		/*
		 * tasklet_kill() swallows a tasklet_schedule() made while it
		 * waited (a callback that submitted on its own channel, the
		 * provider completing that): deliver that too.
		 */
		spin_lock_irqsave(&vc->lock, flags);
		vd = list_first_entry_or_null(&vc->desc_completed,
					      struct dmaeng_vdesc, node);
		again = (vd && vd->done) ||
			(vc->cyclic && vc->cyclic->periods);
		busy = vc->delivering;
		if (again)
			tasklet_schedule(&vc->task);
		spin_unlock_irqrestore(&vc->lock, flags);
		/* The provider's own deliverer: wait for it to finish. */
		if (!again && busy)
			usleep_range(10, 50);
	} while (again || busy);
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_synchronize);

/**
 * dmaeng_vchan_tx_status() - &dmaeng_device_ops.tx_status for the library
 * @chan: the channel
 * @cookie: the cookie asked about
 * @state: NULL, or where the residue goes
 *
 * The status from the cookies; the residue from the descriptor: its
 * length until it starts, what the provider last set with
 * dmaeng_vchan_set_residue() while it runs.  Any context.
 *
 * Return: the status (see dmaeng_cookie_status()).
 */
enum dmaeng_status dmaeng_vchan_tx_status(struct dmaeng_chan *chan, s32 cookie,
					  struct dmaeng_tx_state *state)
{
	struct dmaeng_vchan *vc = to_dmaeng_vchan(chan);
	enum dmaeng_status status = dmaeng_cookie_status(chan, cookie);
	struct dmaeng_vdesc *vd;
	unsigned long flags;

	if (status != DMAENG_IN_PROGRESS || !state)
		return status;
	spin_lock_irqsave(&vc->lock, flags);
	vd = dmaeng_vchan_find(vc, cookie);
	if (vd && !vd->done)
		state->residue = READ_ONCE(vd->residue);
	spin_unlock_irqrestore(&vc->lock, flags);
	return status;
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_tx_status);

/**
 * dmaeng_vchan_free_chan_resources() - free what clients left prepared
 * @vc: the channel
 *
 * Process context, from the provider's free_chan_resources, after
 * terminate and synchronize.  A descriptor prepared and never submitted
 * is a client's leak: it is freed, with a warning.
 */
void dmaeng_vchan_free_chan_resources(struct dmaeng_vchan *vc)
{
	struct dmaeng_vdesc *vd, *next;
	unsigned long flags;
	LIST_HEAD(left);

	spin_lock_irqsave(&vc->lock, flags);
	WARN_ON_ONCE(!list_empty(&vc->desc_submitted) ||
		     !list_empty(&vc->desc_issued) ||
		     !list_empty(&vc->desc_completed));
	list_splice_init(&vc->desc_allocated, &left);
	vc->cyclic = NULL;
	spin_unlock_irqrestore(&vc->lock, flags);
	list_for_each_entry_safe(vd, next, &left, node) {
		dev_warn(vc->chan.device->dev,
			 "dmaeng: %s: freeing a descriptor prepared and never submitted\n",
			 vc->chan.name);
		list_del(&vd->node);
		vc->desc_free(vd);
	}
}
EXPORT_SYMBOL_GPL(dmaeng_vchan_free_chan_resources);
