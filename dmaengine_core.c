// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng core: the registry of DMA devices and channels, public clients,
 * module-level reference counting, private channels and the per-CPU channel
 * table.
 *
 * References
 * ==========
 * A channel reference (dmaeng_chan_get) is one module reference on the
 * provider, one count in the channel's client_count and one kref on the
 * device.  The first reference allocates the channel's resources, the last
 * frees them.  A public client takes one reference on every public channel
 * whose device offers all of its capabilities, records each in its holds
 * list, and drops exactly those when it unregisters; a device registered
 * later gets references on behalf of the clients already waiting.  A private
 * channel is one reference held by its requester.  So, for any provider
 * module, its refcount is the sum of client_count over its channels.
 *
 * Unregistering a device while channels are held marks them dead (new work
 * is refused), removes them from the table, aborts what is in flight and
 * frees channel resources; the device's memory is handed back to the
 * provider (->release) only after the last reference is dropped.
 *
 * Locking
 * =======
 * dmaeng_lock (a mutex) protects the device list (dmaeng_devices, changed
 * with the _rcu list helpers because dmaeng_issue_pending_all() walks it
 * under RCU), the client list and every client's holds, the fields of
 * struct dmaeng_chan marked "dmaeng", writes to the per-CPU table, and the
 * ->chan pointer of each channel's class device.
 *
 * Lock order: cpu_hotplug_lock -> dmaeng_lock.  The CPU hotplug callbacks
 * run with hotplug held off and take dmaeng_lock, so every other path takes
 * cpus_read_lock() before dmaeng_lock.  The provider's alloc/free_chan_
 * resources, terminate_all and synchronize run under both and must not call
 * back into dmaeng or take cpus_read_lock().
 *
 * kernfs active reference -> dmaeng_lock: sysfs show() takes dmaeng_lock, so
 * class devices are only removed (device_del() drains readers) with
 * dmaeng_lock dropped.
 *
 * Lockless paths: dmaeng_find_channel() reads this CPU's table slot, an
 * RCU-published pointer, with no read-side section (the caller's reference
 * keeps the channel alive).  dmaeng_submit() and dmaeng_issue_pending()
 * test chan->dead inside an RCU read-side section; unregistration sets
 * dead, waits synchronize_rcu() and only then terminates the channel, so
 * nothing is queued on a channel after it was terminated.  Completion
 * (dmaeng_tx_complete()) takes no dmaeng lock: the provider calls it in
 * cookie order, one at a time, for each channel.
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <dmaeng/client.h>
#include "dmaengine_internal.h"

/* The registry lock: see "Locking" above. */
DEFINE_MUTEX(dmaeng_lock);
static LIST_HEAD(dmaeng_devices);
static LIST_HEAD(dmaeng_clients);
static DEFINE_IDA(dmaeng_ida);
static int dmaeng_cpuhp_state;
static struct dentry *dmaeng_debugfs;

/* One slot per CPU and transfer capability; DMAENG_PRIVATE stays NULL. */
struct dmaeng_table_slot {
	struct dmaeng_chan __rcu *chan[DMAENG_CAP_COUNT];
};

static DEFINE_PER_CPU(struct dmaeng_table_slot, dmaeng_table);

/* A channel reference held by a public client. */
struct dmaeng_hold {
	struct list_head node;
	struct dmaeng_chan *chan;
};

static const char * const dmaeng_cap_names[DMAENG_CAP_COUNT] = {
	[DMAENG_MEMCPY] = "memcpy",
	[DMAENG_INTERRUPT] = "interrupt",
	[DMAENG_PRIVATE] = "private",
};

static bool dmaeng_device_public(const struct dmaeng_device *ddev)
{
	return !dmaeng_cap_has(DMAENG_PRIVATE, &ddev->cap_mask);
}

static void dmaeng_device_release(struct kref *ref)
{
	struct dmaeng_device *ddev = container_of(ref, struct dmaeng_device,
						  ref);
	struct dmaeng_chan *chan;

	list_for_each_entry(chan, &ddev->channels, device_node)
		dmaeng_chan_destroy(chan);
	dmaeng_map_dev_free(ddev);
	ddev->release(ddev);
}

static void dmaeng_device_put(struct dmaeng_device *ddev)
{
	kref_put(&ddev->ref, dmaeng_device_release);
}

static int dmaeng_chan_get(struct dmaeng_chan *chan)
{
	struct dmaeng_device *ddev = chan->device;
	int err;

	lockdep_assert_held(&dmaeng_lock);
	if (chan->dead || !try_module_get(ddev->owner))
		return -ENODEV;

	if (!chan->resources) {
		err = 0;
		if (ddev->ops->alloc_chan_resources)
			err = ddev->ops->alloc_chan_resources(chan);
		if (err < 0) {
			module_put(ddev->owner);
			dev_err(ddev->dev,
				"dmaeng: %s: alloc_chan_resources failed: %d\n",
				chan->name, err);
			return err;
		}
		chan->resources = true;
	}
	WRITE_ONCE(chan->client_count, chan->client_count + 1);
	if (ddev->ops->refs_changed)
		ddev->ops->refs_changed(chan, chan->client_count);
	kref_get(&ddev->ref);
	return 0;
}

/* Stop the channel and free its resources; the last reference is gone. */
static void dmaeng_chan_quiesce(struct dmaeng_chan *chan)
{
	const struct dmaeng_device_ops *ops = chan->device->ops;

	lockdep_assert_held(&dmaeng_lock);
	if (!chan->resources)
		return;
	ops->terminate_all(chan);
	ops->synchronize(chan);
	if (ops->free_chan_resources)
		ops->free_chan_resources(chan);
	chan->resources = false;
}

/* Drop one reference.  The channel may be freed on return. */
static void dmaeng_chan_put(struct dmaeng_chan *chan)
{
	struct dmaeng_device *ddev = chan->device;
	struct module *owner = ddev->owner;

	lockdep_assert_held(&dmaeng_lock);
	WRITE_ONCE(chan->client_count, chan->client_count - 1);
	if (!chan->client_count) {
		dmaeng_chan_quiesce(chan);
		/* Nobody holds it: whatever is still mapped is a leak. */
		dmaeng_map_chan_gone(chan);
	} else if (chan->resources && ddev->ops->refs_changed) {
		ddev->ops->refs_changed(chan, chan->client_count);
	}
	dmaeng_device_put(ddev);
	module_put(owner);
}

static bool dmaeng_chan_in_table(const struct dmaeng_chan *chan,
				 enum dmaeng_cap cap)
{
	const struct dmaeng_device *ddev = chan->device;

	return dmaeng_device_public(ddev) &&
	       dmaeng_cap_has(cap, &ddev->cap_mask) &&
	       !chan->dead && !chan->private_held && chan->client_count > 0;
}

static bool dmaeng_chan_local(const struct dmaeng_chan *chan,
			      unsigned int cpu)
{
	int node = dev_to_node(chan->device->dev);

	return node == NUMA_NO_NODE || node == cpu_to_node(cpu);
}

/*
 * The channel @cpu should use for @cap: a node-local one if there is any,
 * and among those the one serving the fewest CPUs so far.
 */
static struct dmaeng_chan *dmaeng_table_pick(enum dmaeng_cap cap,
					     unsigned int cpu)
{
	struct dmaeng_chan *best = NULL, *chan;
	struct dmaeng_device *ddev;
	bool best_local = false, local;

	list_for_each_entry(ddev, &dmaeng_devices, node) {
		list_for_each_entry(chan, &ddev->channels, device_node) {
			if (!dmaeng_chan_in_table(chan, cap))
				continue;
			local = dmaeng_chan_local(chan, cpu);
			if (best && (best_local > local ||
				     (best_local == local &&
				      best->balance_load <= chan->balance_load)))
				continue;
			best = chan;
			best_local = local;
		}
	}
	if (best)
		best->balance_load++;
	return best;
}

/*
 * Recompute the per-CPU table for the online CPUs other than @dying_cpu
 * (-1 for none).  Only referenced public channels serve in the table.
 */
static void dmaeng_rebalance(int dying_cpu)
{
	struct dmaeng_device *ddev;
	struct dmaeng_chan *chan;
	unsigned int cpu;
	int cap;

	lockdep_assert_held(&dmaeng_lock);
	list_for_each_entry(ddev, &dmaeng_devices, node)
		list_for_each_entry(chan, &ddev->channels, device_node)
			chan->table_count = 0;

	for (cap = 0; cap < DMAENG_CAP_COUNT; cap++) {
		if (cap == DMAENG_PRIVATE)
			continue;
		list_for_each_entry(ddev, &dmaeng_devices, node)
			list_for_each_entry(chan, &ddev->channels, device_node)
				chan->balance_load = 0;
		for_each_possible_cpu(cpu) {
			chan = NULL;
			if (cpu_online(cpu) && cpu != dying_cpu)
				chan = dmaeng_table_pick(cap, cpu);
			if (chan)
				chan->table_count++;
			rcu_assign_pointer(per_cpu(dmaeng_table, cpu).chan[cap],
					   chan);
		}
	}
}

static int dmaeng_cpu_online(unsigned int cpu)
{
	mutex_lock(&dmaeng_lock);
	dmaeng_rebalance(-1);
	mutex_unlock(&dmaeng_lock);
	return 0;
}

static int dmaeng_cpu_offline(unsigned int cpu)
{
	mutex_lock(&dmaeng_lock);
	dmaeng_rebalance(cpu);
	mutex_unlock(&dmaeng_lock);
	return 0;
}

static void dmaeng_lock_all(void)
{
	cpus_read_lock();
	mutex_lock(&dmaeng_lock);
}

static void dmaeng_unlock_all(void)
{
	mutex_unlock(&dmaeng_lock);
	cpus_read_unlock();
}

/**
 * dmaeng_find_channel() - this CPU's channel for a capability
 * @cap: DMAENG_MEMCPY or DMAENG_INTERRUPT
 *
 * Lock-free: one per-CPU pointer read.  The caller must be a registered
 * public client whose mask includes @cap: its own reference keeps the
 * channel alive.  Migrating to another CPU afterwards is harmless.
 *
 * Return: the channel, or NULL if no public channel offers @cap.
 */
struct dmaeng_chan *dmaeng_find_channel(enum dmaeng_cap cap)
{
	if (unlikely((unsigned int)cap >= DMAENG_CAP_COUNT))
		return NULL;
	/*
	 * One this_cpu_read(), no read-side section: the slot is published
	 * with rcu_assign_pointer() and the caller's own reference, not RCU,
	 * keeps the channel alive.  (Under lockdep, rcu_read_lock() and
	 * rcu_read_unlock() cost 70 times the read itself: make bench.)
	 */
	return (struct dmaeng_chan __force *)this_cpu_read(dmaeng_table.chan[cap]);
}
EXPORT_SYMBOL_GPL(dmaeng_find_channel);

/**
 * dmaeng_issue_pending_all() - start queued work on every public channel
 *
 * Calls ->issue_pending on each referenced public channel.  Does not sleep.
 */
void dmaeng_issue_pending_all(void)
{
	struct dmaeng_device *ddev;
	struct dmaeng_chan *chan;

	rcu_read_lock();
	list_for_each_entry_rcu(ddev, &dmaeng_devices, node) {
		if (!dmaeng_device_public(ddev))
			continue;
		list_for_each_entry(chan, &ddev->channels, device_node)
			if (READ_ONCE(chan->client_count) &&
			    !READ_ONCE(chan->private_held) &&
			    !READ_ONCE(chan->dead))
				ddev->ops->issue_pending(chan);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(dmaeng_issue_pending_all);

static bool dmaeng_client_registered(const struct dmaeng_client *client)
{
	const struct dmaeng_client *c;

	list_for_each_entry(c, &dmaeng_clients, node)
		if (c == client)
			return true;
	return false;
}

static bool dmaeng_client_wants(const struct dmaeng_client *client,
				const struct dmaeng_device *ddev)
{
	return dmaeng_device_public(ddev) &&
	       dmaeng_cap_subset(&client->cap_mask, &ddev->cap_mask);
}

static int dmaeng_client_hold(struct dmaeng_client *client,
			      struct dmaeng_chan *chan)
{
	struct dmaeng_hold *hold;
	int err;

	hold = kmalloc(sizeof(*hold), GFP_KERNEL);
	if (!hold)
		return -ENOMEM;
	err = dmaeng_chan_get(chan);
	if (err) {
		kfree(hold);
		return err;
	}
	hold->chan = chan;
	list_add_tail(&hold->node, &client->holds);
	return 0;
}

/*
 * Take @client's references on the free channels of @ddev (whose owner the
 * caller has checked is live).  A channel that cannot be taken is skipped.
 */
static void dmaeng_client_take(struct dmaeng_client *client,
			       struct dmaeng_device *ddev)
{
	struct dmaeng_chan *chan;
	int err;

	list_for_each_entry(chan, &ddev->channels, device_node) {
		if (chan->private_held)
			continue;
		err = dmaeng_client_hold(client, chan);
		if (err)
			dev_warn(ddev->dev,
				 "dmaeng: client %s skips %s: %d\n",
				 client->name ?: "?", chan->name, err);
	}
}

/**
 * dmaeng_client_register() - register a public-channel client
 * @client: the client, zero-initialised with @cap_mask set
 *
 * Takes a reference on every public channel whose device offers all of
 * @client->cap_mask, pinning each provider module, and on the channels of
 * devices registered later, until dmaeng_client_unregister().  Devices whose
 * module is going away are skipped.  May sleep.
 *
 * Return: 0, -EINVAL for a NULL client or an empty mask or one naming
 * DMAENG_PRIVATE, or -EBUSY if @client is already registered.
 */
int dmaeng_client_register(struct dmaeng_client *client)
{
	struct dmaeng_device *ddev;
	int err = 0;

	if (!client ||
	    bitmap_empty(client->cap_mask.bits, DMAENG_CAP_COUNT) ||
	    dmaeng_cap_has(DMAENG_PRIVATE, &client->cap_mask)) {
		pr_err("dmaeng: client %s: invalid client or capability mask\n",
		       client && client->name ? client->name : "?");
		return -EINVAL;
	}

	dmaeng_lock_all();
	if (dmaeng_client_registered(client)) {
		err = -EBUSY;
		goto out;
	}
	INIT_LIST_HEAD(&client->holds);
	list_add_tail(&client->node, &dmaeng_clients);
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		if (!dmaeng_client_wants(client, ddev))
			continue;
		if (!try_module_get(ddev->owner))
			continue;	/* going away */
		dmaeng_client_take(client, ddev);
		module_put(ddev->owner);
	}
	dmaeng_rebalance(-1);
out:
	dmaeng_unlock_all();
	return err;
}
EXPORT_SYMBOL_GPL(dmaeng_client_register);

/**
 * dmaeng_client_unregister() - unregister a public-channel client
 * @client: a registered client
 *
 * Drops every reference @client holds, including those on channels of
 * devices unregistered meanwhile.  The client must have stopped using its
 * channels.  May sleep.
 *
 * Return: 0, or -EINVAL if @client is not registered.
 */
int dmaeng_client_unregister(struct dmaeng_client *client)
{
	struct dmaeng_hold *hold, *tmp;
	int err = 0;

	dmaeng_lock_all();
	if (!client || !dmaeng_client_registered(client)) {
		pr_err("dmaeng: unregistering unknown client %s\n",
		       client && client->name ? client->name : "?");
		err = -EINVAL;
		goto out;
	}
	list_del(&client->node);
	dmaeng_map_client_gone(client);
	list_for_each_entry_safe(hold, tmp, &client->holds, node) {
		list_del(&hold->node);
		dmaeng_chan_put(hold->chan);
		kfree(hold);
	}
	dmaeng_rebalance(-1);
out:
	dmaeng_unlock_all();
	return err;
}
EXPORT_SYMBOL_GPL(dmaeng_client_unregister);

/**
 * dmaeng_client_channels() - the live channels a public client holds
 * @client: a registered client
 * @chans: filled with up to @max channels
 * @max: size of @chans
 *
 * The channels stay valid while @client is registered; one whose device is
 * unregistered meanwhile refuses new work.  May sleep.
 *
 * Return: the number of live channels held (may exceed @max), or -EINVAL
 * if @client is not registered.
 */
int dmaeng_client_channels(struct dmaeng_client *client,
			   struct dmaeng_chan **chans, unsigned int max)
{
	struct dmaeng_hold *hold;
	int n = 0;

	mutex_lock(&dmaeng_lock);
	if (!client || !dmaeng_client_registered(client)) {
		mutex_unlock(&dmaeng_lock);
		return -EINVAL;
	}
	list_for_each_entry(hold, &client->holds, node) {
		if (hold->chan->dead)
			continue;
		if (n < max)
			chans[n] = hold->chan;
		n++;
	}
	mutex_unlock(&dmaeng_lock);
	return n;
}
EXPORT_SYMBOL_GPL(dmaeng_client_channels);

/**
 * dmaeng_request_channel() - take a channel for exclusive use
 * @mask: capabilities needed; with DMAENG_PRIVATE, only private-only
 *	devices qualify
 * @filter: optional, picks among the free channels that qualify
 * @param: argument for @filter
 *
 * A channel is free when no public client holds it and it is not already
 * private.  It leaves the per-CPU table until dmaeng_release_channel().
 * May sleep.
 *
 * Return: the channel, ERR_PTR(-EINVAL) for a NULL or empty mask,
 * ERR_PTR(-ENODEV) if no free channel qualifies, or the error of the last
 * channel whose resources could not be allocated.
 */
struct dmaeng_chan *dmaeng_request_channel(const struct dmaeng_cap_mask *mask,
					   dmaeng_filter_fn filter,
					   void *param)
{
	struct dmaeng_device *ddev;
	struct dmaeng_chan *chan;
	int err = -ENODEV;

	if (!mask || bitmap_empty(mask->bits, DMAENG_CAP_COUNT))
		return ERR_PTR(-EINVAL);

	dmaeng_lock_all();
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		if (!dmaeng_cap_subset(mask, &ddev->cap_mask))
			continue;
		list_for_each_entry(chan, &ddev->channels, device_node) {
			if (chan->private_held || chan->client_count)
				continue;
			if (filter && !filter(chan, param))
				continue;
			err = dmaeng_chan_get(chan);
			if (err)
				continue;
			chan->private_held = true;
			dmaeng_rebalance(-1);
			dmaeng_unlock_all();
			return chan;
		}
	}
	dmaeng_unlock_all();
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(dmaeng_request_channel);

/**
 * dmaeng_release_channel() - give back a channel from dmaeng_request_channel()
 * @chan: the channel
 *
 * Aborts whatever is still queued on it.  If its device is public, the
 * public clients that want it take their references again.  May sleep.
 */
void dmaeng_release_channel(struct dmaeng_chan *chan)
{
	struct dmaeng_device *ddev = chan->device;
	struct dmaeng_client *client;
	bool retake;

	dmaeng_lock_all();
	if (!chan->private_held) {
		dev_err(ddev->dev, "dmaeng: %s is not a private channel\n",
			chan->name);
		goto out;
	}
	chan->private_held = false;
	retake = !chan->dead;
	dmaeng_chan_put(chan);	/* @chan may be gone unless retake */
	if (retake) {
		list_for_each_entry(client, &dmaeng_clients, node)
			if (dmaeng_client_wants(client, ddev) &&
			    dmaeng_client_hold(client, chan))
				dev_warn(ddev->dev,
					 "dmaeng: client %s skips %s\n",
					 client->name ?: "?", chan->name);
	}
	dmaeng_rebalance(-1);
out:
	dmaeng_unlock_all();
}
EXPORT_SYMBOL_GPL(dmaeng_release_channel);

/**
 * dmaeng_terminate_sync() - abort a private channel's work and wait
 * @chan: a channel from dmaeng_request_channel()
 *
 * Every queued descriptor completes with DMAENG_RESULT_ABORTED; no callback
 * runs after this returns.  May sleep.
 *
 * Return: 0, or -EPERM for a public channel (shared with other clients).
 */
int dmaeng_terminate_sync(struct dmaeng_chan *chan)
{
	int err = 0;

	dmaeng_lock_all();
	if (!chan->private_held) {
		err = -EPERM;
	} else if (!chan->dead && chan->resources) {
		chan->device->ops->terminate_all(chan);
		chan->device->ops->synchronize(chan);
	}
	dmaeng_unlock_all();
	return err;
}
EXPORT_SYMBOL_GPL(dmaeng_terminate_sync);

static int dmaeng_device_check(struct dmaeng_device *ddev,
			       struct module *caller)
{
	const struct dmaeng_device_ops *ops = ddev->ops;
	const char *why = NULL;

	if (!ddev->dev)
		why = "no struct device";
	else if (!ops || !ops->issue_pending || !ops->terminate_all ||
		 !ops->synchronize)
		why = "missing operations";
	else if (dmaeng_cap_has(DMAENG_MEMCPY, &ddev->cap_mask) &&
		 !ops->prep_memcpy)
		why = "MEMCPY without prep_memcpy";
	else if (!ddev->release)
		why = "no release function";
	else if (!ddev->owner && caller)
		why = "no owner module";
	else if (!ddev->channels.next || list_empty(&ddev->channels))
		why = "no channels";
	if (!why)
		return 0;
	if (ddev->dev)
		dev_err(ddev->dev, "dmaeng: cannot register device: %s\n", why);
	else
		pr_err("dmaeng: cannot register device: %s\n", why);
	return -EINVAL;
}

static void dmaeng_device_undo(struct dmaeng_device *ddev)
{
	struct dmaeng_chan *chan;

	list_for_each_entry(chan, &ddev->channels, device_node) {
		dmaeng_chan_sysfs_del(chan);
		dmaeng_chan_destroy(chan);
	}
	if (ddev->dev_id >= 0)
		ida_free(&dmaeng_ida, ddev->dev_id);
	dmaeng_map_dev_free(ddev);
	mutex_lock(&dmaeng_lock);
	ddev->registered = false;
	mutex_unlock(&dmaeng_lock);
}

/**
 * __dmaeng_device_register() - register a device; use dmaeng_device_register()
 * @ddev: the device
 * @caller: the registering module (THIS_MODULE)
 *
 * Return: see dmaeng_device_register().
 */
int __dmaeng_device_register(struct dmaeng_device *ddev, struct module *caller)
{
	struct dmaeng_client *client;
	struct dmaeng_chan *chan;
	unsigned int n = 0;
	int err;

	if (!ddev)
		return -EINVAL;
	err = dmaeng_device_check(ddev, caller);
	if (err)
		return err;

	/* Claim the device so that a second registration fails at once. */
	mutex_lock(&dmaeng_lock);
	if (ddev->registered) {
		mutex_unlock(&dmaeng_lock);
		dev_err(ddev->dev, "dmaeng: device already registered\n");
		return -EBUSY;
	}
	ddev->registered = true;
	mutex_unlock(&dmaeng_lock);

	ddev->dev_id = -1;
	ddev->map = NULL;
	list_for_each_entry(chan, &ddev->channels, device_node) {
		chan->device = ddev;
		chan->chan_id = n++;
		chan->name[0] = '\0';
		chan->dev = NULL;
		chan->stats = NULL;
	}
	ddev->chancnt = n;
	kref_init(&ddev->ref);

	list_for_each_entry(chan, &ddev->channels, device_node) {
		err = dmaeng_chan_init(chan);
		if (err)
			goto undo;
	}
	err = ida_alloc(&dmaeng_ida, GFP_KERNEL);
	if (err < 0)
		goto undo;
	ddev->dev_id = err;
	err = dmaeng_map_dev_alloc(ddev);
	if (err)
		goto undo;
	list_for_each_entry(chan, &ddev->channels, device_node) {
		snprintf(chan->name, sizeof(chan->name), "dma%dchan%d",
			 ddev->dev_id, chan->chan_id);
		err = dmaeng_chan_sysfs_add(chan);
		if (err)
			goto undo;
	}

	/* Pin the owner while references are taken on behalf of clients. */
	if (!try_module_get(ddev->owner)) {
		err = -ENODEV;
		goto undo;
	}
	dmaeng_lock_all();
	list_add_tail_rcu(&ddev->node, &dmaeng_devices);
	list_for_each_entry(client, &dmaeng_clients, node)
		if (dmaeng_client_wants(client, ddev))
			dmaeng_client_take(client, ddev);
	dmaeng_rebalance(-1);
	dmaeng_unlock_all();
	module_put(ddev->owner);
	return 0;

undo:
	dmaeng_device_undo(ddev);
	dev_err(ddev->dev, "dmaeng: cannot register device: %d\n", err);
	return err;
}
EXPORT_SYMBOL_GPL(__dmaeng_device_register);

/**
 * dmaeng_device_unregister() - unregister a provider's device
 * @ddev: a registered device
 *
 * New work on its channels is refused, queued and running descriptors
 * complete with DMAENG_RESULT_ABORTED, channel resources are freed and the
 * sysfs directories go away.  Clients may still hold channels (their
 * references keep the provider module loaded); ->release runs when the last
 * is dropped, possibly before this returns.  May sleep.
 */
void dmaeng_device_unregister(struct dmaeng_device *ddev)
{
	struct dmaeng_chan *chan;

	dmaeng_lock_all();
	if (!ddev->registered) {
		dmaeng_unlock_all();
		pr_err("dmaeng: unregistering a device that is not registered\n");
		return;
	}
	ddev->registered = false;
	list_del_rcu(&ddev->node);
	list_for_each_entry(chan, &ddev->channels, device_node) {
		WRITE_ONCE(chan->dead, true);
		chan->table_count = 0;
	}
	dmaeng_rebalance(-1);
	dmaeng_unlock_all();

	/* No submitter, table reader or list walker sees it live any more. */
	synchronize_rcu();

	dmaeng_lock_all();
	list_for_each_entry(chan, &ddev->channels, device_node)
		dmaeng_chan_quiesce(chan);
	dmaeng_unlock_all();
	dmaeng_map_device_gone(ddev);

	list_for_each_entry(chan, &ddev->channels, device_node)
		dmaeng_chan_sysfs_del(chan);
	ida_free(&dmaeng_ida, ddev->dev_id);
	dmaeng_device_put(ddev);
}
EXPORT_SYMBOL_GPL(dmaeng_device_unregister);

static void dmaeng_seq_caps(struct seq_file *s,
			    const struct dmaeng_cap_mask *mask)
{
	const char *sep = "";
	int cap;

	for_each_set_bit(cap, mask->bits, DMAENG_CAP_COUNT) {
		seq_printf(s, "%s%s", sep, dmaeng_cap_names[cap]);
		sep = ",";
	}
	if (!*sep)
		seq_puts(s, "none");
}

static int dmaeng_summary_show(struct seq_file *s, void *unused)
{
	struct dmaeng_chan_stats stats;
	struct dmaeng_client *client;
	struct dmaeng_device *ddev;
	struct dmaeng_hold *hold;
	struct dmaeng_chan *chan;
	unsigned int cpu;
	int cap;

	mutex_lock(&dmaeng_lock);
	seq_puts(s, "devices:\n");
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		seq_printf(s, "  dma%d %s owner=%s node=%d caps=", ddev->dev_id,
			   dev_name(ddev->dev),
			   ddev->owner ? module_name(ddev->owner) : "built-in",
			   dev_to_node(ddev->dev));
		dmaeng_seq_caps(s, &ddev->cap_mask);
		seq_printf(s, " channels=%u\n", ddev->chancnt);
		list_for_each_entry(chan, &ddev->channels, device_node) {
			dmaeng_chan_stats_read(chan, &stats);
			seq_printf(s, "    %s client_count=%d table_count=%d private=%d memcpy_count=%lu bytes_transferred=%lu\n",
				   chan->name, chan->client_count, chan->table_count,
				   chan->private_held, stats.memcpy_count,
				   stats.bytes_transferred);
		}
	}
	seq_puts(s, "clients:\n");
	list_for_each_entry(client, &dmaeng_clients, node) {
		seq_printf(s, "  %s caps=", client->name ?: "?");
		dmaeng_seq_caps(s, &client->cap_mask);
		seq_puts(s, " holds:");
		list_for_each_entry(hold, &client->holds, node)
			seq_printf(s, " %s%s", hold->chan->name,
				   hold->chan->dead ? "(dead)" : "");
		seq_putc(s, '\n');
	}
	seq_puts(s, "table:\n");
	for_each_online_cpu(cpu) {
		seq_printf(s, "  cpu%u node=%d", cpu, cpu_to_node(cpu));
		for (cap = 0; cap < DMAENG_CAP_COUNT; cap++) {
			if (cap == DMAENG_PRIVATE)
				continue;
			chan = rcu_dereference_protected(per_cpu(dmaeng_table, cpu).chan[cap],
							 lockdep_is_held(&dmaeng_lock));
			seq_printf(s, " %s=%s", dmaeng_cap_names[cap],
				   chan ? chan->name : "none");
		}
		seq_putc(s, '\n');
	}
	mutex_unlock(&dmaeng_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmaeng_summary);

static int __init dmaeng_init(void)
{
	int err;

	err = dmaeng_class_init();
	if (err)
		return err;
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "dmaeng:online",
					dmaeng_cpu_online, dmaeng_cpu_offline);
	if (err < 0) {
		dmaeng_class_exit();
		return err;
	}
	dmaeng_cpuhp_state = err;
	dmaeng_debugfs = debugfs_create_dir("dmaeng", NULL);
	debugfs_create_file("summary", 0444, dmaeng_debugfs, NULL,
			    &dmaeng_summary_fops);
	err = dmaeng_map_init(dmaeng_debugfs);
	if (err) {
		debugfs_remove_recursive(dmaeng_debugfs);
		cpuhp_remove_state_nocalls(dmaeng_cpuhp_state);
		dmaeng_class_exit();
	}
	return err;
}

static void __exit dmaeng_exit(void)
{
	debugfs_remove_recursive(dmaeng_debugfs);
	dmaeng_map_exit();
	cpuhp_remove_state_nocalls(dmaeng_cpuhp_state);
	dmaeng_class_exit();
	ida_destroy(&dmaeng_ida);
}

module_init(dmaeng_init);
module_exit(dmaeng_exit);

MODULE_DESCRIPTION("dmaeng: DMA channel registry with module-level reference counting");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
