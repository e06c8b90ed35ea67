/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: the client-facing API.
 *
 * Public clients register once with the capabilities they need; dmaeng then
 * holds a reference on every public channel that offers them (pinning the
 * provider module) until the client unregisters, and dmaeng_find_channel()
 * returns this CPU's channel.  Private clients take one channel for their
 * exclusive use with dmaeng_request_channel().
 *
 * "Does not sleep" below means: may be called wherever a spinlock_t may be
 * taken (with one held, in softirq, in an interrupt handler).  On
 * PREEMPT_RT those contexts are preemptible and spinlock_t is a sleeping
 * lock, so not with interrupts or preemption disabled by hand, under a
 * raw_spinlock_t or from a non-threaded (IRQF_NO_THREAD) handler: the
 * kernel's dmaengine has the same rule.
 */
#ifndef _DMAENG_CLIENT_H
#define _DMAENG_CLIENT_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <dmaeng/types.h>

struct device;
struct dmaeng_client_table;
struct scatterlist;

/**
 * struct dmaeng_client - a public-channel client
 * @name: shown in debugfs
 * @cap_mask: capabilities it needs; a device must offer all of them
 * @node: dmaeng private, on the list of clients
 * @holds: dmaeng private, the channel references this client holds
 * @table: dmaeng private, this client's per-CPU channel table, read by
 *	dmaeng_find_channel()
 *
 * Zero-initialise it, set @name and @cap_mask, then register it.
 */
struct dmaeng_client {
	const char *name;
	struct dmaeng_cap_mask cap_mask;
	struct list_head node;
	struct list_head holds;
	struct dmaeng_client_table __percpu *table;
};

/* The per-CPU table of a client: one channel per transfer capability. */
struct dmaeng_client_table {
	struct dmaeng_chan __rcu *chan[DMAENG_CAP_COUNT];
};

int dmaeng_client_register(struct dmaeng_client *client);
int dmaeng_client_unregister(struct dmaeng_client *client);
int dmaeng_client_channels(struct dmaeng_client *client,
			   struct dmaeng_chan **chans, unsigned int max);
void dmaeng_issue_pending_all(struct dmaeng_client *client);

/**
 * dmaeng_find_channel() - this CPU's channel among those a client holds
 * @client: a registered public client
 * @cap: a transfer capability (DMAENG_MEMCPY, DMAENG_MEMSET, ...) or
 *	DMAENG_INTERRUPT
 *
 * Lock-free: two loads, no atomic operation, no barrier.  The channel is
 * one that @client holds, whose device offers @cap and was not
 * unregistered when the table was last computed: node-local channels
 * first, CPUs spread evenly over them, recomputed as channels, clients and
 * CPUs come and go.  @client's own reference keeps it valid until
 * dmaeng_client_unregister(); a hot-unplug that races the lookup makes it
 * refuse new work (dmaeng_prep_memcpy() returns NULL).  Migrating to
 * another CPU afterwards is harmless.
 *
 * Return: the channel, or NULL if @client holds none that offers @cap or
 * is not registered.
 */
static inline struct dmaeng_chan *
dmaeng_find_channel(struct dmaeng_client *client, enum dmaeng_cap cap)
{
	struct dmaeng_client_table __percpu *table = READ_ONCE(client->table);

	if (unlikely(!table || (unsigned int)cap >= DMAENG_CAP_COUNT))
		return NULL;
	/*
	 * Published with rcu_assign_pointer(); the caller's own reference,
	 * not RCU, keeps the channel alive, so no read-side section.
	 */
	return (struct dmaeng_chan __force *)this_cpu_read(table->chan[cap]);
}

/**
 * typedef dmaeng_filter_fn - choose a private channel
 * @chan: a free channel whose device offers the capabilities asked for
 * @param: the caller's argument
 *
 * Called with dmaeng's lock held: must not call into dmaeng.
 * Return: true to take @chan.
 */
typedef bool (*dmaeng_filter_fn)(struct dmaeng_chan *chan, void *param);

struct dmaeng_chan *dmaeng_request_channel(const struct dmaeng_cap_mask *mask,
					   dmaeng_filter_fn filter,
					   void *param);
void dmaeng_release_channel(struct dmaeng_chan *chan);

struct device *dmaeng_chan_dma_device(struct dmaeng_chan *chan);
bool dmaeng_chan_has_cap(struct dmaeng_chan *chan, enum dmaeng_cap cap);
const char *dmaeng_chan_name(struct dmaeng_chan *chan);

struct dmaeng_chan *dmaeng_request_chan(struct device *dev, const char *name);

struct dmaeng_tx *dmaeng_prep_memcpy(struct dmaeng_chan *chan, dma_addr_t dst,
				     dma_addr_t src, size_t len,
				     unsigned long flags);
struct dmaeng_tx *dmaeng_prep_memset(struct dmaeng_chan *chan, dma_addr_t dst,
				     int value, size_t len,
				     unsigned long flags);
struct dmaeng_tx *dmaeng_prep_memcpy_sg(struct dmaeng_chan *chan,
					struct scatterlist *dst_sg,
					unsigned int dst_nents,
					struct scatterlist *src_sg,
					unsigned int src_nents,
					unsigned long flags);
int dmaeng_slave_config(struct dmaeng_chan *chan,
			const struct dmaeng_slave_config *cfg);
struct dmaeng_tx *dmaeng_prep_slave_sg(struct dmaeng_chan *chan,
				       struct scatterlist *sgl,
				       unsigned int sg_len,
				       enum dmaeng_dir dir,
				       unsigned long flags);
struct dmaeng_tx *dmaeng_prep_cyclic(struct dmaeng_chan *chan, dma_addr_t buf,
				     size_t buf_len, size_t period_len,
				     enum dmaeng_dir dir, unsigned long flags);
s32 dmaeng_submit(struct dmaeng_tx *tx);
void dmaeng_issue_pending(struct dmaeng_chan *chan);
int dmaeng_pause(struct dmaeng_chan *chan);
int dmaeng_resume(struct dmaeng_chan *chan);
enum dmaeng_status dmaeng_tx_status(struct dmaeng_chan *chan, s32 cookie,
				    struct dmaeng_tx_state *state);
int dmaeng_sync_wait(struct dmaeng_chan *chan, s32 cookie,
		     unsigned int timeout_ms);
int dmaeng_terminate_sync(struct dmaeng_chan *chan);

#endif /* _DMAENG_CLIENT_H */
