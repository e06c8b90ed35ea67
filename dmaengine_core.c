// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng core: the registry of DMA devices and channels, public clients,
 * module-level reference counting, private channels and the per-client,
 * per-CPU channel tables.
 *
 * References
 * ==========
 * A channel reference (dmaeng_chan_get) is one module reference on the
 * provider, one count in the channel's client_count and one kref on the
 * device.  The first reference allocates the channel's resources, the last
 * frees them: resources live until the last reference, not until
 * unregistration.  A public client takes one reference on every public
 * channel whose device offers all of its capabilities, records each in its
 * holds list, and drops exactly those when it unregisters; a device
 * registered later gets references on behalf of the clients already
 * waiting.  A private channel is one reference held by its requester.  So,
 * for any provider module, its refcount is the sum of client_count over
 * its channels.
 *
 * A device registered while its owner module is still initialising
 * (MODULE_STATE_COMING) is live_pending: no client takes its channels until
 * the module notifier says the module is LIVE.  If the init fails instead,
 * the kernel frees the module whatever its refcount, and nothing of it was
 * held.
 *
 * Lifetime
 * ========
 * The device's memory, its channels and its struct device (held with
 * get_device()) live from registration until ->release, which runs at the
 * last kref put: the registration's (dropped by unregister) or the last
 * channel reference's.  Unregistering a device while channels are held:
 *
 *  1. marks the channels dead (under both locks below, so every table
 *     drops them at once) and takes the device off the registry;
 *  2. waits for an RCU grace period, and for each channel's count of
 *     preps in progress (chan->preps) to drop to zero: every submit,
 *     issue_pending and tx_status (RCU read-side sections) and every prep
 *     (counted, it may sleep) that saw the channel live has returned, and
 *     every later one sees it dead and does not call the provider.  The
 *     prep gate is an atomic count rather than SRCU so that unregister
 *     costs no extra grace period;
 *  3. terminates and synchronizes each channel with resources, then marks
 *     it stopped (dmaeng_terminate_sync() on a dead channel waits for
 *     that).
 *
 * What the provider may still see afterwards is listed in provider.h.
 * Failed cookies are remembered per channel (dmaengine_chan.c) in a ring
 * allocated and freed with the channel's resources.
 *
 * Locking
 * =======
 * dmaeng_lock (a mutex) protects the device list, the client list, every
 * client's holds list, the fields of struct dmaeng_chan and struct
 * dmaeng_device marked "dmaeng", and the ->chan pointer of each channel's
 * class device.  Provider callbacks (alloc/free_chan_resources,
 * terminate_all, synchronize, refs_changed, release) run under it and
 * nothing else.
 *
 * dmaeng_table_lock (a mutex) protects the per-client tables and each
 * channel's table_count.  The inputs of the tables (the client list, every
 * holds list and every channel's dead flag) are written under both locks,
 * so the CPU hotplug callbacks, which take only dmaeng_table_lock, read
 * them consistently.
 *
 * dmaeng_watch_lock (a mutex) serialises device registration,
 * unregistration, a module going live and watcher (un)registration, and
 * the watchers' callbacks run under it alone (watch.h).  The device list
 * and each device's registered, live_pending and watched fields are only
 * written with it held (and dmaeng_lock), so either is enough to read
 * them.  A callback may take another framework's lock and then dmaeng_lock
 * (dmaeng_to_dmaengine: dma_list_mutex, then dmaeng_lock in
 * dmaeng_request_channel()), so dmaeng_lock is never held while a callback
 * runs.  dmaengine_to_dmaeng nests those two the other way round, from
 * its alloc_chan_resources: dmaeng_bridge_claim() keeps the two bridges
 * from being loaded together.
 *
 * Lock order: dmaeng_watch_lock -> dmaeng_lock -> cpu_hotplug_lock ->
 * dmaeng_table_lock.  The hotplug callbacks run under cpu_hotplug_lock and
 * take only the table lock; every other table update takes
 * cpus_read_lock() then the table lock, inside dmaeng_lock.  Provider
 * callbacks never run under cpu_hotplug_lock, so they may call
 * alloc_workqueue() or kmem_cache_destroy(), which take it.
 *
 * kernfs active reference -> dmaeng_lock: sysfs show() takes dmaeng_lock, so
 * class devices are only removed (device_del() drains readers) with
 * dmaeng_lock dropped.
 *
 * Lockless paths: dmaeng_find_channel() (client.h) reads the client's own
 * table slot for this CPU, an RCU-published pointer, with no read-side
 * section: the client's reference keeps the channel alive.
 * dmaeng_issue_pending_all() walks the client's holds list under RCU (holds
 * are added with list_add_tail_rcu() and freed with kfree_rcu()).  Submit,
 * issue_pending and tx_status test chan->dead inside an RCU read-side
 * section, prep inside its count, see "Lifetime".  Completion (dmaeng_tx_complete()) takes no
 * dmaeng lock: the provider calls it in cookie order, one at a time, for
 * each channel.
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
#include <linux/string.h>
#include <dmaeng/client.h>
#include <dmaeng/watch.h>
#include "dmaengine_internal.h"

/* The registry lock and the table lock: see "Locking" above. */
DEFINE_MUTEX(dmaeng_lock);
static DEFINE_MUTEX(dmaeng_table_lock);
/* Registration against the watchers: see "Locking" above. */
static DEFINE_MUTEX(dmaeng_watch_lock);
static LIST_HEAD(dmaeng_watchers);
static LIST_HEAD(dmaeng_devices);
static LIST_HEAD(dmaeng_clients);
static DEFINE_IDA(dmaeng_ida);
static int dmaeng_cpuhp_state;
static struct dentry *dmaeng_debugfs;

/* A channel reference held by a public client. */
struct dmaeng_hold {
	struct list_head node;		/* on client->holds, RCU */
	struct list_head gone;		/* on the way out, after node */
	struct dmaeng_chan *chan;
	struct dmaeng_client *client;	/* whose (read until published) */
	unsigned int load;		/* CPUs given it while rebalancing */
	struct rcu_head rcu;
};

static const char * const dmaeng_cap_names[DMAENG_CAP_COUNT] = {
	[DMAENG_MEMCPY] = "memcpy",
	[DMAENG_INTERRUPT] = "interrupt",
	[DMAENG_PRIVATE] = "private",
	[DMAENG_MEMSET] = "memset",
	[DMAENG_MEMCPY_SG] = "sg",
	[DMAENG_SLAVE] = "slave",
	[DMAENG_CYCLIC] = "cyclic",
};

/**
 * dmaeng_caps_parse() - a capability set from its names
 * @list: comma-separated names of transfer capabilities, as shown in the
 *	debugfs summary ("memcpy", "interrupt", "memset", "sg", "slave",
 *	"cyclic"); cut up in place
 * @mask: set to the capabilities named
 * @bad: on failure, the name not known (within @list)
 *
 * For the module parameters of providers and clients, so that every
 * module spells capabilities the same way.  DMAENG_PRIVATE is not a
 * transfer capability and is not accepted.
 *
 * Return: 0, or -EINVAL for an unknown or empty name.
 */
int dmaeng_caps_parse(char *list, struct dmaeng_cap_mask *mask,
		      const char **bad)
{
	char *name;
	int cap;

	*mask = (struct dmaeng_cap_mask){};
	while ((name = strsep(&list, ","))) {
		for (cap = 0; cap < DMAENG_CAP_COUNT; cap++)
			if (cap != DMAENG_PRIVATE &&
			    !strcmp(name, dmaeng_cap_names[cap]))
				break;
		if (cap == DMAENG_CAP_COUNT) {
			*bad = name;
			return -EINVAL;
		}
		dmaeng_cap_set(cap, mask);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(dmaeng_caps_parse);

static bool dmaeng_device_public(const struct dmaeng_device *ddev)
{
	return !dmaeng_cap_has(DMAENG_PRIVATE, &ddev->cap_mask);
}

static void dmaeng_device_release(struct kref *ref)
{
	struct dmaeng_device *ddev = container_of(ref, struct dmaeng_device,
						  ref);
	struct device *dev = ddev->dev;
	struct dmaeng_chan *chan;

	lockdep_assert_held(&dmaeng_lock);
	list_for_each_entry(chan, &ddev->channels, device_node)
		dmaeng_chan_destroy(chan);
	dmaeng_map_dev_free(ddev);
	/* The provider may free or reuse @ddev from ->release on. */
	ddev->in_core = false;
	ddev->release(ddev);
	put_device(dev);
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
		err = dmaeng_chan_results_alloc(chan);
		if (!err && ddev->ops->alloc_chan_resources)
			err = ddev->ops->alloc_chan_resources(chan);
		if (err < 0) {
			dmaeng_chan_results_free(chan);
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

/* Abort and wait for whatever runs on @chan. */
static void dmaeng_chan_stop(struct dmaeng_chan *chan)
{
	const struct dmaeng_device_ops *ops = chan->device->ops;

	lockdep_assert_held(&dmaeng_lock);
	if (!chan->resources || chan->stopped)
		return;
	ops->terminate_all(chan);
	ops->synchronize(chan);
	WRITE_ONCE(chan->paused, false);
}

/* Drop one reference.  The channel may be freed on return. */
static void dmaeng_chan_put(struct dmaeng_chan *chan)
{
	struct dmaeng_device *ddev = chan->device;
	const struct dmaeng_device_ops *ops = ddev->ops;
	struct module *owner = ddev->owner;

	lockdep_assert_held(&dmaeng_lock);
	WRITE_ONCE(chan->client_count, chan->client_count - 1);
	if (!chan->client_count)
		dmaeng_chan_stop(chan);
	if (chan->resources && ops->refs_changed)
		ops->refs_changed(chan, chan->client_count);
	if (!chan->client_count) {
		if (chan->resources && ops->free_chan_resources)
			ops->free_chan_resources(chan);
		chan->resources = false;
		dmaeng_chan_results_free(chan);
		/* Nobody holds it: whatever is still mapped is a leak. */
		dmaeng_map_chan_gone(chan);
	}
	dmaeng_device_put(ddev);
	module_put(owner);
}

static bool dmaeng_chan_local(const struct dmaeng_chan *chan,
			      unsigned int cpu)
{
	int node = dev_to_node(chan->device->dev);

	return node == NUMA_NO_NODE || node == cpu_to_node(cpu);
}

/*
 * The hold of @client that @cpu should use for @cap: a live channel whose
 * device offers @cap, node-local if there is any, and among those the one
 * given the fewest CPUs so far.
 */
static struct dmaeng_hold *dmaeng_table_pick(struct dmaeng_client *client,
					     enum dmaeng_cap cap,
					     unsigned int cpu)
{
	struct dmaeng_hold *best = NULL, *hold;
	bool best_local = false, local;

	list_for_each_entry(hold, &client->holds, node) {
		if (hold->chan->dead ||
		    !dmaeng_cap_has(cap, &hold->chan->device->cap_mask))
			continue;
		local = dmaeng_chan_local(hold->chan, cpu);
		if (best && (best_local > local ||
			     (best_local == local && best->load <= hold->load)))
			continue;
		best = hold;
		best_local = local;
	}
	return best;
}

/* Recompute @client's table for the online CPUs other than @dying_cpu. */
static void dmaeng_client_rebalance(struct dmaeng_client *client,
				    int dying_cpu)
{
	struct dmaeng_client_table *slot;
	struct dmaeng_hold *hold;
	unsigned int cpu;
	int cap;

	for (cap = 0; cap < DMAENG_CAP_COUNT; cap++) {
		if (cap == DMAENG_PRIVATE)
			continue;
		list_for_each_entry(hold, &client->holds, node)
			hold->load = 0;
		for_each_possible_cpu(cpu) {
			hold = NULL;
			if (cpu_online(cpu) && cpu != dying_cpu)
				hold = dmaeng_table_pick(client, cap, cpu);
			if (hold) {
				hold->load++;
				hold->chan->table_count++;
			}
			slot = per_cpu_ptr(client->table, cpu);
			rcu_assign_pointer(slot->chan[cap],
					   hold ? hold->chan : NULL);
		}
	}
}

/* Every table recomputation (under dmaeng_table_lock), for KUnit. */
static unsigned long dmaeng_rebalances;

#if IS_ENABLED(CONFIG_KUNIT)
/* How many times every client's table was recomputed so far. */
unsigned long dmaeng_table_rebalances(void)
{
	return READ_ONCE(dmaeng_rebalances);
}
EXPORT_SYMBOL_IF_KUNIT(dmaeng_table_rebalances);
#endif

/* Recompute every client's table; under dmaeng_table_lock. */
static void dmaeng_rebalance(int dying_cpu)
{
	struct dmaeng_client *client;
	struct dmaeng_hold *hold;

	lockdep_assert_held(&dmaeng_table_lock);
	WRITE_ONCE(dmaeng_rebalances, dmaeng_rebalances + 1);
	list_for_each_entry(client, &dmaeng_clients, node)
		list_for_each_entry(hold, &client->holds, node)
			hold->chan->table_count = 0;
	list_for_each_entry(client, &dmaeng_clients, node)
		dmaeng_client_rebalance(client, dying_cpu);
}

/*
 * A change to what the tables are computed from: the client list, a holds
 * list or a channel's dead flag.  Inside dmaeng_lock; the tables are
 * recomputed when the change ends.
 */
static void dmaeng_tables_begin(void)
{
	lockdep_assert_held(&dmaeng_lock);
	cpus_read_lock();
	mutex_lock(&dmaeng_table_lock);
}

static void dmaeng_tables_end(void)
{
	dmaeng_rebalance(-1);
	mutex_unlock(&dmaeng_table_lock);
	cpus_read_unlock();
}

static int dmaeng_cpu_online(unsigned int cpu)
{
	mutex_lock(&dmaeng_table_lock);
	dmaeng_rebalance(-1);
	mutex_unlock(&dmaeng_table_lock);
	return 0;
}

static int dmaeng_cpu_offline(unsigned int cpu)
{
	mutex_lock(&dmaeng_table_lock);
	dmaeng_rebalance(cpu);
	mutex_unlock(&dmaeng_table_lock);
	return 0;
}

/**
 * dmaeng_issue_pending_all() - start queued work on a client's channels
 * @client: a registered public client
 *
 * Calls ->issue_pending on each live channel @client holds, and on no
 * other.  Does not sleep; may be called from atomic context, concurrently
 * with any registry change except @client's own unregistration.
 */
void dmaeng_issue_pending_all(struct dmaeng_client *client)
{
	struct dmaeng_hold *hold;
	struct dmaeng_chan *chan;

	rcu_read_lock();
	list_for_each_entry_rcu(hold, &client->holds, node) {
		chan = hold->chan;
		if (!READ_ONCE(chan->dead))
			chan->device->ops->issue_pending(chan);
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

/* Whether @client's references on @ddev's channels are due now. */
static bool dmaeng_client_wants(const struct dmaeng_client *client,
				const struct dmaeng_device *ddev)
{
	return dmaeng_device_public(ddev) && !ddev->live_pending &&
	       dmaeng_cap_subset(&client->cap_mask, &ddev->cap_mask);
}

/*
 * Take @client's references on the free channels of @ddev, or on @only if
 * given (a channel of @ddev), onto @taken, not yet published.  A channel
 * that cannot be taken is skipped: it never appears in @client's table.
 */
static void dmaeng_client_collect(struct dmaeng_client *client,
				  struct dmaeng_device *ddev,
				  struct dmaeng_chan *only,
				  struct list_head *taken)
{
	struct dmaeng_hold *hold;
	struct dmaeng_chan *chan;
	int err;

	lockdep_assert_held(&dmaeng_lock);
	list_for_each_entry(chan, &ddev->channels, device_node) {
		if (chan->private_held || (only && chan != only))
			continue;
		hold = kmalloc(sizeof(*hold), GFP_KERNEL);
		err = hold ? dmaeng_chan_get(chan) : -ENOMEM;
		if (err) {
			kfree(hold);
			dev_warn(ddev->dev, "dmaeng: client %s skips %s: %d\n",
				 client->name ?: "?", chan->name, err);
			continue;
		}
		hold->chan = chan;
		hold->client = client;
		list_add_tail(&hold->node, taken);
	}
}

/* Move each hold on @taken to its client; inside dmaeng_tables_begin(). */
static void dmaeng_holds_publish(struct list_head *taken)
{
	struct dmaeng_hold *hold, *tmp;

	list_for_each_entry_safe(hold, tmp, taken, node) {
		list_del(&hold->node);
		list_add_tail_rcu(&hold->node, &hold->client->holds);
	}
}

/*
 * Every waiting client takes the channels of @ddev (or just @only): each
 * client's references first (the provider's callbacks run outside the
 * table lock), then all of them published with one recomputation of the
 * tables, not one per client (which made a device's registration
 * quadratic in the number of clients).
 */
static void dmaeng_clients_take(struct dmaeng_device *ddev,
				struct dmaeng_chan *only)
{
	struct dmaeng_client *client;
	LIST_HEAD(taken);

	list_for_each_entry(client, &dmaeng_clients, node)
		if (dmaeng_client_wants(client, ddev))
			dmaeng_client_collect(client, ddev, only, &taken);
	if (list_empty(&taken))
		return;
	dmaeng_tables_begin();
	dmaeng_holds_publish(&taken);
	dmaeng_tables_end();
}

/**
 * dmaeng_client_register() - register a public-channel client
 * @client: the client, zero-initialised with @cap_mask set
 *
 * Takes a reference on every public channel whose device offers all of
 * @client->cap_mask, pinning each provider module, and on the channels of
 * devices registered later, until dmaeng_client_unregister().  Devices whose
 * module is going away, or still initialising, are skipped (the latter are
 * taken when their module is live).  May sleep.
 *
 * Return: 0, -EINVAL for a NULL client or an empty mask or one naming
 * DMAENG_PRIVATE, -EBUSY if @client is already registered, or -ENOMEM.
 */
int dmaeng_client_register(struct dmaeng_client *client)
{
	struct dmaeng_client_table __percpu *table;
	struct dmaeng_device *ddev;
	LIST_HEAD(taken);

	if (!client ||
	    bitmap_empty(client->cap_mask.bits, DMAENG_CAP_COUNT) ||
	    dmaeng_cap_has(DMAENG_PRIVATE, &client->cap_mask)) {
		pr_err("dmaeng: client %s: invalid client or capability mask\n",
		       client && client->name ? client->name : "?");
		return -EINVAL;
	}
	table = alloc_percpu(struct dmaeng_client_table);
	if (!table)
		return -ENOMEM;

	mutex_lock(&dmaeng_lock);
	if (dmaeng_client_registered(client)) {
		mutex_unlock(&dmaeng_lock);
		free_percpu(table);
		return -EBUSY;
	}
	INIT_LIST_HEAD(&client->holds);
	WRITE_ONCE(client->table, table);
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		if (!dmaeng_client_wants(client, ddev))
			continue;
		if (!try_module_get(ddev->owner))
			continue;	/* going away */
		dmaeng_client_collect(client, ddev, NULL, &taken);
		module_put(ddev->owner);
	}
	/* The client and all it holds, published at once. */
	dmaeng_tables_begin();
	list_add_tail(&client->node, &dmaeng_clients);
	dmaeng_holds_publish(&taken);
	dmaeng_tables_end();
	mutex_unlock(&dmaeng_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(dmaeng_client_register);

/**
 * dmaeng_client_unregister() - unregister a public-channel client
 * @client: a registered client
 *
 * Drops every reference @client holds, including those on channels of
 * devices unregistered meanwhile.  The client must have stopped using its
 * channels (no lookup, submission or dmaeng_issue_pending_all() running).
 * May sleep.
 *
 * Return: 0, or -EINVAL if @client is not registered.
 */
int dmaeng_client_unregister(struct dmaeng_client *client)
{
	struct dmaeng_client_table __percpu *table;
	struct dmaeng_hold *hold, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&dmaeng_lock);
	if (!client || !dmaeng_client_registered(client)) {
		mutex_unlock(&dmaeng_lock);
		pr_err("dmaeng: unregistering unknown client %s\n",
		       client && client->name ? client->name : "?");
		return -EINVAL;
	}
	dmaeng_tables_begin();
	list_del(&client->node);
	/* ->node stays as RCU readers may see it; ->gone links them here. */
	list_for_each_entry_safe(hold, tmp, &client->holds, node) {
		list_del_rcu(&hold->node);
		hold->chan->table_count = 0;
		list_add_tail(&hold->gone, &gone);
	}
	dmaeng_tables_end();
	table = client->table;
	WRITE_ONCE(client->table, NULL);

	dmaeng_map_client_gone(client);
	list_for_each_entry_safe(hold, tmp, &gone, gone) {
		dmaeng_chan_put(hold->chan);
		kfree_rcu(hold, rcu);
	}
	mutex_unlock(&dmaeng_lock);
	free_percpu(table);
	return 0;
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
 * private.  Channels of a device whose module is still initialising are
 * not offered.  May sleep.
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

	mutex_lock(&dmaeng_lock);
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		if (ddev->live_pending ||
		    !dmaeng_cap_subset(mask, &ddev->cap_mask))
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
			mutex_unlock(&dmaeng_lock);
			return chan;
		}
	}
	mutex_unlock(&dmaeng_lock);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(dmaeng_request_channel);

/**
 * dmaeng_release_channel() - give back a private channel
 * @chan: the channel, from dmaeng_request_channel() or dmaeng_request_chan()
 *
 * Aborts whatever is still queued on it.  If its device is public, the
 * public clients that want it take their references again.  May sleep.
 */
void dmaeng_release_channel(struct dmaeng_chan *chan)
{
	struct dmaeng_device *ddev = chan->device;
	bool retake;

	mutex_lock(&dmaeng_lock);
	if (!chan->private_held) {
		dev_err(ddev->dev, "dmaeng: %s is not a private channel\n",
			chan->name);
		goto out;
	}
	chan->private_held = false;
	retake = !chan->dead;
	dmaeng_chan_put(chan);	/* @chan may be gone unless retake */
	if (retake)
		dmaeng_clients_take(ddev, chan);
out:
	mutex_unlock(&dmaeng_lock);
}
EXPORT_SYMBOL_GPL(dmaeng_release_channel);

/* The channel @ddev's slave map names for (@devname, @name), or NULL. */
static struct dmaeng_chan *dmaeng_slave_lookup(struct dmaeng_device *ddev,
					       const char *devname,
					       const char *name)
{
	const struct dmaeng_slave_map *m;
	struct dmaeng_chan *chan;
	unsigned int i;

	for (i = 0; i < ddev->slave_map_len; i++) {
		m = &ddev->slave_map[i];
		if (strcmp(m->devname, devname) || strcmp(m->slave, name))
			continue;
		list_for_each_entry(chan, &ddev->channels, device_node)
			if (chan->chan_id == m->chan_id)
				return chan;
	}
	return NULL;
}

/**
 * dmaeng_request_chan() - take a named slave channel for exclusive use
 * @dev: the client's device: its dev_name() is looked up in the providers'
 *	slave maps (&dmaeng_device.slave_map)
 * @name: the channel's name for @dev ("tx", "rx", ...)
 *
 * Like dmaeng_request_channel(), the channel is held privately, pinning its
 * provider's module, until dmaeng_release_channel().  The first registered
 * device whose map has the entry provides it (so the names a client asks
 * for come from one device, as long as one device maps them all); if that
 * channel is held, the request fails rather than look further.  May sleep.
 *
 * Return: the channel; ERR_PTR(-EINVAL) for a NULL argument;
 * ERR_PTR(-EPROBE_DEFER) while no registered device maps it (the provider
 * is not loaded yet, or still initialising), so that a driver's probe can
 * return it and be retried; ERR_PTR(-EBUSY) if the channel is held (by a
 * public client or privately); or the error of allocating its resources.
 */
struct dmaeng_chan *dmaeng_request_chan(struct device *dev, const char *name)
{
	struct dmaeng_device *ddev;
	struct dmaeng_chan *chan;
	int err = -EPROBE_DEFER;

	if (!dev || !name)
		return ERR_PTR(-EINVAL);
	mutex_lock(&dmaeng_lock);
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		if (ddev->live_pending)
			continue;
		chan = dmaeng_slave_lookup(ddev, dev_name(dev), name);
		if (!chan)
			continue;
		/* The first device that maps the name provides it, or none. */
		if (chan->private_held || chan->client_count) {
			err = -EBUSY;
			break;
		}
		err = dmaeng_chan_get(chan);
		if (err)
			break;
		chan->private_held = true;
		mutex_unlock(&dmaeng_lock);
		return chan;
	}
	mutex_unlock(&dmaeng_lock);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(dmaeng_request_chan);

/**
 * dmaeng_terminate_sync() - abort a private channel's work and wait
 * @chan: a channel from dmaeng_request_channel() or dmaeng_request_chan()
 *
 * Every queued descriptor completes with DMAENG_RESULT_ABORTED; when this
 * returns no descriptor runs and no callback runs, also when the device is
 * being unregistered meanwhile.  May sleep.
 *
 * Return: 0, or -EPERM for a public channel (shared with other clients).
 */
int dmaeng_terminate_sync(struct dmaeng_chan *chan)
{
	bool dead = false;
	int err = 0;

	mutex_lock(&dmaeng_lock);
	if (!chan->private_held) {
		err = -EPERM;
	} else if (chan->dead) {
		dead = true;
	} else if (chan->resources) {
		chan->device->ops->terminate_all(chan);
		chan->device->ops->synchronize(chan);
		WRITE_ONCE(chan->paused, false);
	}
	mutex_unlock(&dmaeng_lock);
	/* Unregistration stops it: wait for that (our reference keeps it). */
	if (dead)
		wait_event(chan->wq, READ_ONCE(chan->stopped));
	return err;
}
EXPORT_SYMBOL_GPL(dmaeng_terminate_sync);

/* Bridges loaded per direction, under dmaeng_watch_lock. */
static unsigned int dmaeng_bridges[2];

/**
 * dmaeng_bridge_claim() - a bridge to the kernel's dmaengine is loading
 * @dir: its direction
 *
 * The two directions nest dmaeng's registry mutex and dmaengine's
 * dma_list_mutex in opposite orders, each framework calling its providers'
 * alloc_chan_resources under its own: loaded together they could
 * deadlock, so a bridge claims its direction from its module init and the
 * other direction is refused meanwhile.
 *
 * Return: 0, -EINVAL for an unknown direction, or -EBUSY (with a message)
 * while a bridge of the other direction is loaded.
 */
int dmaeng_bridge_claim(enum dmaeng_bridge_dir dir)
{
	int err = 0;

	if (dir != DMAENG_BRIDGE_TO_DMAENGINE &&
	    dir != DMAENG_BRIDGE_FROM_DMAENGINE)
		return -EINVAL;
	mutex_lock(&dmaeng_watch_lock);
	if (dmaeng_bridges[!dir]) {
		pr_err("dmaeng: a bridge %s dmaengine is loaded: the two directions cannot be loaded together\n",
		       dir == DMAENG_BRIDGE_TO_DMAENGINE ? "from" : "to");
		err = -EBUSY;
	} else {
		dmaeng_bridges[dir]++;
	}
	mutex_unlock(&dmaeng_watch_lock);
	return err;
}
EXPORT_SYMBOL_GPL(dmaeng_bridge_claim);

/**
 * dmaeng_bridge_unclaim() - a bridge is going
 * @dir: the direction it claimed with dmaeng_bridge_claim()
 */
void dmaeng_bridge_unclaim(enum dmaeng_bridge_dir dir)
{
	mutex_lock(&dmaeng_watch_lock);
	if (!WARN_ON_ONCE(dir > DMAENG_BRIDGE_FROM_DMAENGINE ||
			  !dmaeng_bridges[dir]))
		dmaeng_bridges[dir]--;
	mutex_unlock(&dmaeng_watch_lock);
}
EXPORT_SYMBOL_GPL(dmaeng_bridge_unclaim);

/* Tell the watchers about @ddev once it is registered and its module live. */
static void dmaeng_watch_added(struct dmaeng_device *ddev)
{
	struct dmaeng_watcher *w;

	lockdep_assert_held(&dmaeng_watch_lock);
	if (!ddev->registered || ddev->live_pending || ddev->watched)
		return;
	ddev->watched = true;
	list_for_each_entry(w, &dmaeng_watchers, node)
		w->added(w, ddev);
}

/* Tell the watchers that @ddev goes, if they were told it came. */
static void dmaeng_watch_removed(struct dmaeng_device *ddev)
{
	struct dmaeng_watcher *w;

	lockdep_assert_held(&dmaeng_watch_lock);
	if (!ddev->watched)
		return;
	ddev->watched = false;
	list_for_each_entry(w, &dmaeng_watchers, node)
		w->removed(w, ddev);
}

/**
 * dmaeng_watcher_register() - be told when devices come and go
 * @w: the watcher, with @added and @removed set
 *
 * @w->added runs at once for every device already usable, then for each
 * one that becomes usable, and @w->removed for each of them when it is
 * unregistered.  May sleep.
 *
 * Return: 0, or -EINVAL without both callbacks.
 */
int dmaeng_watcher_register(struct dmaeng_watcher *w)
{
	struct dmaeng_device *ddev;

	if (!w || !w->added || !w->removed)
		return -EINVAL;
	mutex_lock(&dmaeng_watch_lock);
	list_add_tail(&w->node, &dmaeng_watchers);
	list_for_each_entry(ddev, &dmaeng_devices, node)
		if (ddev->watched)
			w->added(w, ddev);
	mutex_unlock(&dmaeng_watch_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(dmaeng_watcher_register);

/**
 * dmaeng_watcher_unregister() - stop watching
 * @w: a registered watcher
 *
 * @w->removed runs for every device @w was told about and that is still
 * registered, so that the watcher's teardown is the same as a hot-unplug;
 * no callback of @w runs after this returns.  May sleep.
 */
void dmaeng_watcher_unregister(struct dmaeng_watcher *w)
{
	struct dmaeng_device *ddev;

	mutex_lock(&dmaeng_watch_lock);
	list_del(&w->node);
	list_for_each_entry(ddev, &dmaeng_devices, node)
		if (ddev->watched)
			w->removed(w, ddev);
	mutex_unlock(&dmaeng_watch_lock);
}
EXPORT_SYMBOL_GPL(dmaeng_watcher_unregister);

/*
 * Every capability has its operation, a slave map names real channels:
 * NULL, or what is wrong.
 */
static const char *dmaeng_device_ops_why(struct dmaeng_device *ddev)
{
	const struct dmaeng_device_ops *ops = ddev->ops;
	const struct dmaeng_cap_mask *caps = &ddev->cap_mask;
	struct dmaeng_chan *chan;
	unsigned int i, n = 0;

	if (dmaeng_cap_has(DMAENG_MEMCPY, caps) && !ops->prep_memcpy)
		return "MEMCPY without prep_memcpy";
	if (dmaeng_cap_has(DMAENG_MEMSET, caps) && !ops->prep_memset)
		return "MEMSET without prep_memset";
	if (dmaeng_cap_has(DMAENG_MEMCPY_SG, caps) && !ops->prep_memcpy_sg)
		return "MEMCPY_SG without prep_memcpy_sg";
	if (dmaeng_cap_has(DMAENG_SLAVE, caps) && !ops->prep_slave_sg)
		return "SLAVE without prep_slave_sg";
	if (dmaeng_cap_has(DMAENG_CYCLIC, caps) && !ops->prep_cyclic)
		return "CYCLIC without prep_cyclic";
	if ((dmaeng_cap_has(DMAENG_SLAVE, caps) ||
	     dmaeng_cap_has(DMAENG_CYCLIC, caps)) && !ops->config)
		return "SLAVE or CYCLIC without config";
	/* Periods are reported through callbacks. */
	if (dmaeng_cap_has(DMAENG_CYCLIC, caps) &&
	    !dmaeng_cap_has(DMAENG_INTERRUPT, caps))
		return "CYCLIC without INTERRUPT";
	if (!ops->pause != !ops->resume)
		return "pause without resume, or resume without pause";
	if (ddev->slave_map_len && !ddev->slave_map)
		return "slave_map_len without slave_map";
	if (ddev->channels.next)
		list_for_each_entry(chan, &ddev->channels, device_node)
			n++;
	for (i = 0; i < ddev->slave_map_len; i++) {
		const struct dmaeng_slave_map *m = &ddev->slave_map[i];

		if (!m->devname || !m->slave || m->chan_id >= n)
			return "a slave map entry without a name or channel";
	}
	return NULL;
}

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
	else if (!ddev->release)
		why = "no release function";
	else if (!ddev->owner && caller)
		why = "no owner module";
	else if (!ddev->channels.next || list_empty(&ddev->channels))
		why = "no channels";
	else
		why = dmaeng_device_ops_why(ddev);
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
	put_device(ddev->dev);
	mutex_lock(&dmaeng_lock);
	ddev->registered = false;
	ddev->in_core = false;
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
	struct dmaeng_chan *chan;
	unsigned int n = 0;
	int err;

	if (!ddev)
		return -EINVAL;
	err = dmaeng_device_check(ddev, caller);
	if (err)
		return err;

	/* Claim the device so that a second registration fails at once. */
	mutex_lock(&dmaeng_watch_lock);
	mutex_lock(&dmaeng_lock);
	if (ddev->registered || ddev->in_core) {
		mutex_unlock(&dmaeng_lock);
		mutex_unlock(&dmaeng_watch_lock);
		dev_err(ddev->dev, "dmaeng: device %s\n", ddev->registered ?
			"already registered" :
			"unregistered but still held by clients");
		return -EBUSY;
	}
	ddev->registered = true;
	ddev->in_core = true;
	ddev->live_pending = false;
	ddev->watched = false;
	mutex_unlock(&dmaeng_lock);

	get_device(ddev->dev);
	ddev->dev_id = -1;
	ddev->map = NULL;
	list_for_each_entry(chan, &ddev->channels, device_node) {
		chan->device = ddev;
		chan->chan_id = n++;
		chan->name[0] = '\0';
		chan->dev = NULL;
		chan->stats = NULL;
		chan->results = NULL;
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
	mutex_lock(&dmaeng_lock);
	/*
	 * Registered from its module's init: clients wait for the module
	 * notifier's LIVE (dmaeng_module_state_changed()), after which the
	 * state cannot go back to COMING.
	 */
	ddev->live_pending = ddev->owner &&
			     READ_ONCE(ddev->owner->state) == MODULE_STATE_COMING;
	list_add_tail(&ddev->node, &dmaeng_devices);
	dmaeng_clients_take(ddev, NULL);
	mutex_unlock(&dmaeng_lock);
	dmaeng_watch_added(ddev);
	mutex_unlock(&dmaeng_watch_lock);
	module_put(ddev->owner);
	return 0;

undo:
	dmaeng_device_undo(ddev);
	mutex_unlock(&dmaeng_watch_lock);
	dev_err(ddev->dev, "dmaeng: cannot register device: %d\n", err);
	return err;
}
EXPORT_SYMBOL_GPL(__dmaeng_device_register);

/**
 * dmaeng_device_unregister() - unregister a provider's device
 * @ddev: a registered device
 *
 * New work on its channels is refused, every provider call that had begun
 * is waited for, queued and running descriptors complete with
 * DMAENG_RESULT_ABORTED and the sysfs directories go away.  Clients may
 * still hold channels (their references keep the provider module loaded):
 * channel resources are freed at each channel's last reference and
 * ->release runs after the last one, possibly before this returns.  See
 * provider.h for what the provider may still see afterwards.  May sleep.
 */
void dmaeng_device_unregister(struct dmaeng_device *ddev)
{
	struct dmaeng_chan *chan;

	mutex_lock(&dmaeng_watch_lock);
	mutex_lock(&dmaeng_lock);
	if (!ddev->registered) {
		mutex_unlock(&dmaeng_lock);
		mutex_unlock(&dmaeng_watch_lock);
		pr_err("dmaeng: unregistering a device that is not registered\n");
		return;
	}
	ddev->registered = false;
	ddev->live_pending = false;
	list_del(&ddev->node);
	dmaeng_tables_begin();
	list_for_each_entry(chan, &ddev->channels, device_node)
		WRITE_ONCE(chan->dead, true);
	dmaeng_tables_end();
	mutex_unlock(&dmaeng_lock);

	/*
	 * Every submit, issue_pending and tx_status (RCU) and every prep
	 * (counted; pairs with the barrier in dmaeng_prep_memcpy()) that saw
	 * a channel live has returned.
	 */
	synchronize_rcu();
	smp_mb();	/* dead before the counts; pairs with prep's */
	list_for_each_entry(chan, &ddev->channels, device_node)
		wait_event(chan->wq, !atomic_read(&chan->preps));

	mutex_lock(&dmaeng_lock);
	list_for_each_entry(chan, &ddev->channels, device_node) {
		dmaeng_chan_stop(chan);
		WRITE_ONCE(chan->stopped, true);
		wake_up_all(&chan->wq);
	}
	mutex_unlock(&dmaeng_lock);
	dmaeng_watch_removed(ddev);
	mutex_unlock(&dmaeng_watch_lock);
	dmaeng_map_device_gone(ddev);

	list_for_each_entry(chan, &ddev->channels, device_node)
		dmaeng_chan_sysfs_del(chan);
	ida_free(&dmaeng_ida, ddev->dev_id);
	mutex_lock(&dmaeng_lock);
	dmaeng_device_put(ddev);
	mutex_unlock(&dmaeng_lock);
}
EXPORT_SYMBOL_GPL(dmaeng_device_unregister);

/**
 * dmaeng_module_state_changed() - the module notifier's work
 * @mod: a module changing state
 * @state: its new state (MODULE_STATE_*)
 *
 * LIVE: the clients waiting take the channels of @mod's devices registered
 * during its init, and the watchers are told about them.  GOING: a device
 * of @mod still registered is a provider
 * bug (its exit or failed init must unregister it), reported.
 */
VISIBLE_IF_KUNIT void dmaeng_module_state_changed(struct module *mod,
						  unsigned long state)
{
	struct dmaeng_device *ddev;
	bool pending = false;

	if (state != MODULE_STATE_LIVE && state != MODULE_STATE_GOING)
		return;
	/*
	 * Most modules own no device: no need to wait for dmaeng_watch_lock
	 * (behind a slow unregistration) on every module load.  A device of
	 * @mod registered from its init is on the list by now.
	 */
	mutex_lock(&dmaeng_lock);
	list_for_each_entry(ddev, &dmaeng_devices, node)
		pending |= ddev->owner == mod;
	mutex_unlock(&dmaeng_lock);
	if (!pending)
		return;
	mutex_lock(&dmaeng_watch_lock);
	mutex_lock(&dmaeng_lock);
	list_for_each_entry(ddev, &dmaeng_devices, node) {
		if (ddev->owner != mod)
			continue;
		if (state == MODULE_STATE_GOING) {
			dev_err(ddev->dev,
				"dmaeng: module %s going with dma%d still registered\n",
				module_name(mod), ddev->dev_id);
			continue;
		}
		if (!ddev->live_pending)
			continue;
		ddev->live_pending = false;
		dmaeng_clients_take(ddev, NULL);
	}
	mutex_unlock(&dmaeng_lock);
	/* The list cannot change: registration takes dmaeng_watch_lock. */
	list_for_each_entry(ddev, &dmaeng_devices, node)
		if (ddev->owner == mod)
			dmaeng_watch_added(ddev);
	mutex_unlock(&dmaeng_watch_lock);
}
EXPORT_SYMBOL_IF_KUNIT(dmaeng_module_state_changed);

static int dmaeng_module_notify(struct notifier_block *nb,
				unsigned long state, void *mod)
{
	dmaeng_module_state_changed(mod, state);
	return NOTIFY_OK;
}

static struct notifier_block dmaeng_module_nb = {
	.notifier_call = dmaeng_module_notify,
};

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

/* A table slot, for a reader holding dmaeng_table_lock. */
static struct dmaeng_chan *dmaeng_table_read(struct dmaeng_client_table *slot,
					     int cap)
{
	return rcu_dereference_protected(slot->chan[cap],
					 lockdep_is_held(&dmaeng_table_lock));
}

static int dmaeng_summary_show(struct seq_file *s, void *unused)
{
	struct dmaeng_client_table *slot;
	struct dmaeng_chan_stats stats;
	struct dmaeng_client *client;
	struct dmaeng_device *ddev;
	struct dmaeng_hold *hold;
	struct dmaeng_chan *chan;
	unsigned int cpu;
	int cap;

	mutex_lock(&dmaeng_lock);
	mutex_lock(&dmaeng_table_lock);
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
			seq_printf(s, "    %s client_count=%d table_count=%d private=%d dead=%d memcpy_count=%lu bytes_transferred=%lu\n",
				   chan->name, chan->client_count,
				   chan->table_count,
				   chan->private_held, chan->dead,
				   stats.memcpy_count, stats.bytes_transferred);
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
		for_each_online_cpu(cpu) {
			slot = per_cpu_ptr(client->table, cpu);
			seq_printf(s, "    cpu%u node=%d", cpu, cpu_to_node(cpu));
			for (cap = 0; cap < DMAENG_CAP_COUNT; cap++) {
				if (cap == DMAENG_PRIVATE)
					continue;
				chan = dmaeng_table_read(slot, cap);
				seq_printf(s, " %s=%s", dmaeng_cap_names[cap],
					   chan ? chan->name : "none");
			}
			seq_putc(s, '\n');
		}
	}
	mutex_unlock(&dmaeng_table_lock);
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
	err = register_module_notifier(&dmaeng_module_nb);
	if (err) {
		cpuhp_remove_state_nocalls(dmaeng_cpuhp_state);
		dmaeng_class_exit();
		return err;
	}
	dmaeng_debugfs = debugfs_create_dir("dmaeng", NULL);
	debugfs_create_file("summary", 0444, dmaeng_debugfs, NULL,
			    &dmaeng_summary_fops);
	err = dmaeng_map_init(dmaeng_debugfs);
	if (err) {
		debugfs_remove_recursive(dmaeng_debugfs);
		unregister_module_notifier(&dmaeng_module_nb);
		cpuhp_remove_state_nocalls(dmaeng_cpuhp_state);
		dmaeng_class_exit();
	}
	return err;
}

static void __exit dmaeng_exit(void)
{
	debugfs_remove_recursive(dmaeng_debugfs);
	dmaeng_map_exit();
	unregister_module_notifier(&dmaeng_module_nb);
	cpuhp_remove_state_nocalls(dmaeng_cpuhp_state);
	dmaeng_class_exit();
	ida_destroy(&dmaeng_ida);
}

module_init(dmaeng_init);
module_exit(dmaeng_exit);

MODULE_DESCRIPTION("dmaeng: DMA channel registry with module-level reference counting");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
