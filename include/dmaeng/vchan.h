/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: the provider helper library (dmaengine_vchan.c).
 *
 * What every dmaeng provider needs around its hardware and nothing more: a
 * channel's descriptor lists, cookies, completion delivered in cookie order
 * with the callbacks outside the channel lock, terminate and synchronize,
 * cyclic periods and residue.  A provider embeds struct dmaeng_vchan in its
 * channel and struct dmaeng_vdesc in its descriptors, and drives them:
 *
 *   prep:          fill in its descriptor, return dmaeng_vchan_tx_prep()
 *   issue_pending: under vc->lock, if dmaeng_vchan_issue_pending(), start
 *                  the hardware on dmaeng_vchan_next() if it is idle
 *   interrupt:     under vc->lock, dmaeng_vchan_complete() the descriptor
 *                  that finished (or dmaeng_vchan_cyclic_period()), and
 *                  start the next one
 *   terminate_all: under vc->lock, stop the hardware; complete what it
 *                  stopped with DMAENG_RESULT_ABORTED (a cyclic transfer
 *                  always), then dmaeng_vchan_terminate_all()
 *   synchronize:   wait for the hardware, then dmaeng_vchan_synchronize()
 *   tx_status:     dmaeng_vchan_tx_status(), the residue kept current with
 *                  dmaeng_vchan_set_residue()
 *   free_chan_resources: dmaeng_vchan_free_chan_resources()
 *
 * Lists (all under vc->lock): a prepared descriptor is on desc_allocated
 * until dmaeng_submit() moves it to desc_submitted (with its cookie) or
 * frees it; dmaeng_vchan_issue_pending() moves the submitted ones to
 * desc_issued, whose head descriptors are the ones the provider started
 * (dmaeng_vchan_next() hands them out in order); dmaeng_vchan_complete()
 * moves one to desc_completed, from where a tasklet delivers them: in
 * cookie order, one at a time, dmaeng_tx_complete() (callback, unmap,
 * counters) and then the provider's desc_free.  A provider that completes
 * in process context (a work item, a threaded interrupt handler) may set
 * caller_delivers and call dmaeng_vchan_deliver() itself once it dropped
 * vc->lock: the same delivery without the tasklet's round trip.
 * dmaeng_vchan_terminate_all() moves every issued and submitted
 * descriptor to desc_completed in cookie order, those not started marked
 * DMAENG_RESULT_ABORTED; a started one stays undelivered (and holds back
 * those after it) until the provider completes it, so no buffer is
 * released while the hardware may still write it.
 *
 * Contexts: dmaeng_vchan_tx_prep() in the prep's context; the functions
 * documented "under vc->lock" in any context with vc->lock held (taken
 * with spin_lock_irqsave() or from the interrupt handler); delivery in
 * softirq context (tasklet), or in the provider's process context with
 * bottom halves disabled (dmaeng_vchan_deliver()).
 * dmaeng_vchan_synchronize() and dmaeng_vchan_free_chan_resources() in
 * process context.
 */
#ifndef _DMAENG_VCHAN_H
#define _DMAENG_VCHAN_H

#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <dmaeng/provider.h>

/**
 * struct dmaeng_vdesc - a descriptor of the helper library
 * @tx: the dmaeng descriptor (the library sets its tx_submit and tx_free)
 * @node: on one of the channel's lists
 * @result: how it ended, set by dmaeng_vchan_complete() or terminate
 * @started: handed to the provider by dmaeng_vchan_next()
 * @done: completed: may be delivered
 * @terminated: moved to desc_completed by dmaeng_vchan_terminate_all()
 *	while started, so not yet done
 * @periods: cyclic periods not reported yet
 * @residue: bytes not transferred yet (dmaeng_vchan_set_residue())
 *
 * Embed it in the provider's descriptor; every field belongs to the
 * library, under the channel's lock, except @residue, which the provider
 * updates through dmaeng_vchan_set_residue().
 */
struct dmaeng_vdesc {
	struct dmaeng_tx tx;
	struct list_head node;
	enum dmaeng_result result;
	bool started;
	bool done;
	bool terminated;
	unsigned int periods;
	u32 residue;
};

/**
 * struct dmaeng_vchan - a channel of the helper library
 * @chan: the dmaeng channel
 * @lock: protects the lists, the provider's hardware state and
 *	cookie assignment; IRQ-safe
 * @desc_allocated: prepared, not submitted
 * @desc_submitted: submitted (cookie assigned), not issued
 * @desc_issued: issued; those the provider started first
 * @desc_completed: completed or terminated, to deliver in order
 * @cyclic: the cyclic descriptor whose periods are being reported
 * @caller_delivers: set by the provider after dmaeng_vchan_init(), before
 *	it registers, if it calls dmaeng_vchan_deliver() after each
 *	dmaeng_vchan_complete() and dmaeng_vchan_cyclic_period(): those then
 *	leave delivery to it (terminate still schedules the tasklet)
 * @delivering: library private, a deliverer is at work (under @lock)
 * @deliver_again: library private, it must go round again (under @lock)
 * @task: delivers completions and periods
 * @desc_free: the provider's, frees one of its descriptors; any context
 *
 * dmaeng_vchan_init() sets it up; the provider links @chan on its
 * device's channel list itself.
 */
struct dmaeng_vchan {
	struct dmaeng_chan chan;
	spinlock_t lock;		/* see @lock above */
	struct list_head desc_allocated;
	struct list_head desc_submitted;
	struct list_head desc_issued;
	struct list_head desc_completed;
	struct dmaeng_vdesc *cyclic;
	bool caller_delivers;
	bool delivering;
	bool deliver_again;
	struct tasklet_struct task;
	void (*desc_free)(struct dmaeng_vdesc *vd);
};

/**
 * to_dmaeng_vchan() - the library channel of a dmaeng channel
 * @chan: a channel set up with dmaeng_vchan_init()
 *
 * Return: its struct dmaeng_vchan.
 */
static inline struct dmaeng_vchan *to_dmaeng_vchan(struct dmaeng_chan *chan)
{
	return container_of(chan, struct dmaeng_vchan, chan);
}

/**
 * to_dmaeng_vdesc() - the library descriptor of a dmaeng descriptor
 * @tx: a descriptor from dmaeng_vchan_tx_prep()
 *
 * Return: its struct dmaeng_vdesc.
 */
static inline struct dmaeng_vdesc *to_dmaeng_vdesc(struct dmaeng_tx *tx)
{
	return container_of(tx, struct dmaeng_vdesc, tx);
}

/**
 * dmaeng_vchan_set_residue() - how much of a descriptor is left
 * @vd: a started descriptor
 * @residue: bytes not transferred yet
 *
 * Any context, with or without the lock: dmaeng_vchan_tx_status() reads it
 * without ordering.
 */
static inline void dmaeng_vchan_set_residue(struct dmaeng_vdesc *vd,
					    u32 residue)
{
	WRITE_ONCE(vd->residue, residue);
}

void dmaeng_vchan_init(struct dmaeng_vchan *vc,
		       void (*desc_free)(struct dmaeng_vdesc *vd));
struct dmaeng_tx *dmaeng_vchan_tx_prep(struct dmaeng_vchan *vc,
				       struct dmaeng_vdesc *vd, size_t len);
bool dmaeng_vchan_issue_pending(struct dmaeng_vchan *vc);
struct dmaeng_vdesc *dmaeng_vchan_next(struct dmaeng_vchan *vc);
void dmaeng_vchan_complete(struct dmaeng_vdesc *vd, enum dmaeng_result result);
void dmaeng_vchan_deliver(struct dmaeng_vchan *vc);
void dmaeng_vchan_cyclic_period(struct dmaeng_vdesc *vd);
unsigned int dmaeng_vchan_terminate_all(struct dmaeng_vchan *vc);
void dmaeng_vchan_synchronize(struct dmaeng_vchan *vc);
struct dmaeng_vdesc *dmaeng_vchan_find(struct dmaeng_vchan *vc, s32 cookie);
enum dmaeng_status dmaeng_vchan_tx_status(struct dmaeng_chan *chan, s32 cookie,
					  struct dmaeng_tx_state *state);
void dmaeng_vchan_free_chan_resources(struct dmaeng_vchan *vc);

#endif /* _DMAENG_VCHAN_H */
