/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: the provider-facing API.
 *
 * A provider fills in a struct dmaeng_device, links its channels (struct
 * dmaeng_chan embedded in its own channel structures) on ->channels and
 * registers the device.  Its memory belongs to dmaeng until ->release runs:
 * clients may still hold channels after dmaeng_device_unregister() returns
 * (a hot-unplugged device), and ->release is called after the last one is
 * dropped.
 */
#ifndef _DMAENG_PROVIDER_H
#define _DMAENG_PROVIDER_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/wait.h>
#include <dmaeng/types.h>

struct device;
struct module;
struct scatterlist;
struct dmaeng_chan_dev;
struct dmaeng_chan_stats;
struct dmaeng_map_dev;

/**
 * struct dmaeng_device_ops - what a provider implements
 * @alloc_chan_resources: prepare a channel for use, called when its first
 *	reference is taken; return 0 or a negative errno
 * @free_chan_resources: release what @alloc_chan_resources set up, called
 *	at the last reference's drop (after @terminate_all and @synchronize),
 *	which may come after dmaeng_device_unregister() returned
 * @prep_memcpy: prepare a copy of @len bytes from @src to @dst (DMA
 *	addresses on the device's struct device); return NULL on failure.
 *	May sleep unless DMAENG_PREP_NOWAIT is in @flags.  Required with
 *	DMAENG_MEMCPY.
 * @prep_memset: prepare filling @len bytes at @dst with @value; like
 *	@prep_memcpy.  Required with DMAENG_MEMSET.
 * @prep_memcpy_sg: prepare a copy from the DMA-mapped list @src_sg
 *	(@src_nents entries) to @dst_sg (@dst_nents), whose total lengths
 *	dmaeng checked are equal and not 0; the lists may be freed once it
 *	returns.  Required with DMAENG_MEMCPY_SG.
 * @prep_slave_sg: prepare a transfer between the DMA-mapped list @sgl
 *	(@sg_len entries, none empty: checked by dmaeng) and the FIFO of the
 *	last @config, in @dir.  The provider keeps the configuration and
 *	checks @dir against it, and every segment's length against its bus
 *	width (return NULL).  Required with DMAENG_SLAVE.
 * @prep_cyclic: prepare a cyclic transfer of the ring at @buf (@buf_len
 *	bytes, a whole number of @period_len periods: checked by dmaeng) to
 *	or from the FIFO of the last @config (direction and width checked by
 *	the provider, as for @prep_slave_sg); it runs until terminated, each
 *	period reported with &dmaeng_tx.callback and DMAENG_RESULT_OK (see
 *	dmaeng_vchan_cyclic_period()), and completes only when terminated.
 *	Required with DMAENG_CYCLIC, which also requires DMAENG_INTERRUPT.
 * @config: take a slave configuration, already checked by dmaeng (a
 *	direction, a width of 1, 2, 4 or 8 and a burst of at least 1 on that
 *	side); keep it for the transfers prepared next; return 0 or a
 *	negative errno (-EINVAL for what the device cannot do: a burst
 *	larger than its FIFO, an address it cannot reach).  Required with
 *	DMAENG_SLAVE or DMAENG_CYCLIC.
 * @pause: optional, suspend the channel's transfers without losing data;
 *	0 or a negative errno
 * @resume: optional (with @pause), continue after @pause
 * @issue_pending: start the queued descriptors; must not sleep
 * @tx_status: optional, the state of @cookie (default: from the cookies),
 *	with the residue in @state when it is not NULL (dmaeng has filled in
 *	its @last and @used and set @residue to 0); must not sleep.  A
 *	provider on the helper library uses dmaeng_vchan_tx_status().
 * @terminate_all: abort every queued and running descriptor, completing
 *	each with DMAENG_RESULT_ABORTED; may be asynchronous
 * @synchronize: wait until no descriptor runs and no callback is running;
 *	no callback may start after it returns
 * @refs_changed: optional, the channel's client_count changed to @count:
 *	every change, from 1 after @alloc_chan_resources to 0 before
 *	@free_chan_resources; for sizing per-client reserves
 *
 * Calling context
 * ---------------
 * @alloc_chan_resources, @free_chan_resources, @terminate_all,
 * @synchronize, @refs_changed and &dmaeng_device.release run in process
 * context under dmaeng's registry mutex and nothing else: not under
 * cpus_read_lock(), so they may create or destroy workqueues and caches
 * (which may take it), and may sleep.  They must not call back into dmaeng.
 * (Once a provider registered from its module init, its channels are
 * taken when the module goes live, from the kernel's module notifier: then
 * @alloc_chan_resources and @refs_changed also run with that notifier
 * chain held, and must not (un)register module notifiers.)
 * The prep_* operations run in the client's context (process context
 * unless DMAENG_PREP_NOWAIT); dmaeng_device_unregister() waits for them.
 * @config, @pause and @resume run in the client's context, possibly atomic
 * (they must not sleep), and are waited for likewise.
 * &dmaeng_tx.tx_submit, @issue_pending and @tx_status run in the client's
 * context, possibly atomic, inside an RCU read-side section.
 * &dmaeng_tx.tx_free runs in the client's context, possibly atomic.
 * "Possibly atomic" is wherever a spinlock_t may be taken: a provider may
 * take its own spinlock_t and allocate with GFP_NOWAIT there, but never
 * sleep otherwise.  On PREEMPT_RT spinlock_t sleeps, so a provider must
 * not take it, nor call dmaeng, under a raw_spinlock_t or with interrupts
 * or preemption disabled by hand.  Its interrupt handler, threaded on
 * PREEMPT_RT, may take spinlock_t; one requested with IRQF_NO_THREAD may
 * not.
 *
 * After dmaeng_device_unregister() returns
 * -----------------------------------------
 * No prep_*, @config, @pause, @resume, &dmaeng_tx.tx_submit,
 * @issue_pending, @tx_status, @alloc_chan_resources, @terminate_all or
 * @synchronize runs any more: the
 * channels were marked dead, every call that had begun was waited for, and
 * each channel was terminated and synchronized.  What may still run, while
 * clients keep references on the dead channels (their references keep the
 * provider module loaded):
 *
 * - &dmaeng_tx.tx_free, for a descriptor prepared before and submitted
 *   after (the submit is refused with -ENODEV);
 * - @refs_changed, as holders drop their references;
 * - @free_chan_resources, at the last reference of each channel that had
 *   resources;
 * - &dmaeng_device.release, once, after all of them.
 *
 * So channel resources (descriptor pools, whatever tx_free needs) must live
 * until @free_chan_resources, and device-wide ones (workqueues, IRQs, MMIO)
 * may go as soon as dmaeng_device_unregister() returns.
 */
struct dmaeng_device_ops {
	int (*alloc_chan_resources)(struct dmaeng_chan *chan);
	void (*free_chan_resources)(struct dmaeng_chan *chan);
	struct dmaeng_tx *(*prep_memcpy)(struct dmaeng_chan *chan,
					 dma_addr_t dst, dma_addr_t src,
					 size_t len, unsigned long flags);
	struct dmaeng_tx *(*prep_memset)(struct dmaeng_chan *chan,
					 dma_addr_t dst, u8 value,
					 size_t len, unsigned long flags);
	struct dmaeng_tx *(*prep_memcpy_sg)(struct dmaeng_chan *chan,
					    struct scatterlist *dst_sg,
					    unsigned int dst_nents,
					    struct scatterlist *src_sg,
					    unsigned int src_nents,
					    unsigned long flags);
	struct dmaeng_tx *(*prep_slave_sg)(struct dmaeng_chan *chan,
					   struct scatterlist *sgl,
					   unsigned int sg_len,
					   enum dmaeng_dir dir,
					   unsigned long flags);
	struct dmaeng_tx *(*prep_cyclic)(struct dmaeng_chan *chan,
					 dma_addr_t buf, size_t buf_len,
					 size_t period_len, enum dmaeng_dir dir,
					 unsigned long flags);
	int (*config)(struct dmaeng_chan *chan,
		      const struct dmaeng_slave_config *cfg);
	int (*pause)(struct dmaeng_chan *chan);
	int (*resume)(struct dmaeng_chan *chan);
	void (*issue_pending)(struct dmaeng_chan *chan);
	enum dmaeng_status (*tx_status)(struct dmaeng_chan *chan, s32 cookie,
					struct dmaeng_tx_state *state);
	int (*terminate_all)(struct dmaeng_chan *chan);
	void (*synchronize)(struct dmaeng_chan *chan);
	void (*refs_changed)(struct dmaeng_chan *chan, int count);
};

/**
 * struct dmaeng_device - a provider's DMA device
 * @dev: the struct device transfers are mapped for (the DMA API device);
 *	dmaeng holds a reference on it (get_device()) from registration
 *	until after @release, since clients unmap their buffers for it after
 *	a hot-unplug
 * @owner: the provider module, pinned while any channel is held
 * @cap_mask: capabilities of every channel of the device
 * @channels: the provider's channels, linked through
 *	&dmaeng_chan.device_node before registration
 * @ops: the provider's operations
 * @release: called once, after unregistration and the last channel
 *	reference, to free the provider's memory; required.  Process
 *	context, under dmaeng's registry mutex: must not call dmaeng.
 * @slave_map: optional, @slave_map_len entries naming the channels that
 *	dmaeng_request_chan() hands out (each entry's chan_id must exist);
 *	read while the device is registered
 * @slave_map_len: number of entries of @slave_map
 * @dev_id: dmaeng: the device number D in dma<D>chan<C>
 * @chancnt: dmaeng: number of channels
 * @ref: dmaeng: held by the registration and by every channel reference
 * @node: dmaeng: on the RCU list of registered devices
 * @registered: dmaeng: between register and unregister
 * @in_core: dmaeng: between register and @release; a device still held
 *	after unregistration cannot be registered again
 * @live_pending: dmaeng: registered while its owner module was still
 *	initialising (MODULE_STATE_COMING); public clients take its channels
 *	only once the module is live, so that a failed init leaves nothing
 * @watched: dmaeng: the watchers were told it was added (watch.h), so
 *	they are told when it goes; under dmaeng's watcher mutex
 * @map: dmaeng: the mapping counters of the device
 */
struct dmaeng_device {
	struct device *dev;
	struct module *owner;
	struct dmaeng_cap_mask cap_mask;
	struct list_head channels;
	const struct dmaeng_device_ops *ops;
	void (*release)(struct dmaeng_device *ddev);
	const struct dmaeng_slave_map *slave_map;
	unsigned int slave_map_len;

	int dev_id;
	unsigned int chancnt;
	struct kref ref;
	struct list_head node;
	bool registered;
	bool in_core;
	bool live_pending;
	bool watched;
	struct dmaeng_map_dev *map;
};

/**
 * struct dmaeng_chan - a DMA channel
 * @device: the device it belongs to (set at registration)
 * @device_node: on &dmaeng_device.channels (linked by the provider)
 * @chan_id: the channel number C in dma<D>chan<C> (set at registration)
 * @name: "dma<D>chan<C>" (set at registration)
 * @cookie: last cookie assigned, under the provider's channel lock
 * @completed_cookie: last cookie completed
 * @results: dmaeng: a ring of one bit per cookie, set when it failed or
 *	was aborted, while the channel has resources (dmaengine_chan.c)
 * @aged_error: dmaeng: the newest failed cookie that left @results
 * @client_count: dmaeng: references held (public clients, or 1 when held
 *	as a private channel); shown as sysfs in_use
 * @table_count: dmaeng: per-CPU table slots pointing at the channel
 * @balance_load: dmaeng: scratch count while rebalancing the table
 * @private_held: dmaeng: held exclusively through dmaeng_request_channel()
 * @dead: dmaeng: the device was unregistered; new work is refused
 * @paused: dmaeng: between a successful dmaeng_pause() and dmaeng_resume()
 *	(or a terminate): dmaeng_tx_status() says DMAENG_PAUSED
 * @stopped: dmaeng: dead, and terminated and synchronized by
 *	dmaeng_device_unregister(): nothing runs on it any more
 * @preps: dmaeng: prep, config, pause and resume calls in progress,
 *	waited for by dmaeng_device_unregister()
 * @resources: dmaeng: alloc_chan_resources done, free not yet
 * @dev: dmaeng: the sysfs class device
 * @stats: dmaeng: per-CPU memcpy_count and bytes_transferred
 * @wq: dmaeng: waiters in dmaeng_sync_wait()
 */
struct dmaeng_chan {
	struct dmaeng_device *device;
	struct list_head device_node;
	int chan_id;
	char name[24];

	s32 cookie;
	s32 completed_cookie;
	unsigned long *results;
	s32 aged_error;

	int client_count;
	int table_count;
	unsigned int balance_load;
	bool private_held;
	bool dead;
	bool paused;
	bool stopped;
	bool resources;
	atomic_t preps;
	struct dmaeng_chan_dev *dev;
	struct dmaeng_chan_stats __percpu *stats;
	wait_queue_head_t wq;
};

/*
 * Cookies run from 1 to DMAENG_MAX_COOKIE and wrap to 1: a multiple of the
 * 65536 cookies whose result each channel remembers exactly.
 */
#define DMAENG_MAX_COOKIE	0x7fff0000

int __dmaeng_device_register(struct dmaeng_device *ddev,
			     struct module *caller);
/**
 * dmaeng_device_register() - register a provider's device
 * @ddev: the device, with @dev, @owner, @cap_mask, @channels, @ops and
 *	@release filled in (and @slave_map, if it has named channels)
 *
 * A module must name itself in @owner (built-in code may leave it NULL).
 * Clients already registered get references on the new channels at once.
 *
 * Return: 0, -EINVAL for an incomplete device (a capability without its
 * operation, a slave map naming a channel it does not have), -EBUSY if it is already
 * registered or was unregistered but is still held (before its
 * &dmaeng_device.release), -ENODEV if @owner is going away, or -ENOMEM.
 */
#define dmaeng_device_register(ddev) __dmaeng_device_register(ddev, THIS_MODULE)
void dmaeng_device_unregister(struct dmaeng_device *ddev);

s32 dmaeng_cookie_assign(struct dmaeng_tx *tx);
enum dmaeng_status dmaeng_cookie_status(struct dmaeng_chan *chan, s32 cookie);
void dmaeng_tx_complete(struct dmaeng_tx *tx, enum dmaeng_result result);

/**
 * dmaeng_chan_is_dead() - whether the channel's device was unregistered
 * @chan: the channel
 *
 * Return: true once dmaeng_device_unregister() has begun for the device.
 */
static inline bool dmaeng_chan_is_dead(struct dmaeng_chan *chan)
{
	return READ_ONCE(chan->dead);
}

#endif /* _DMAENG_PROVIDER_H */
