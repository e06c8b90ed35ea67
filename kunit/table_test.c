// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dmaeng_table: the per-CPU channel table behind
 * dmaeng_find_channel(), its balance over channels and CPUs, NUMA
 * preference, and rebalancing on device, client and CPU hotplug events.
 */

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <kunit/test.h>
#include <kunit/visibility.h>
#include "fake_provider.h"
#include "../dmaengine_internal.h"

#define MEMCPY		BIT(DMAENG_MEMCPY)
#define INTR		BIT(DMAENG_INTERRUPT)
#define NCAPS		2	/* capabilities with a table: MEMCPY, INTERRUPT */
#define TABLE_CLIENTS	16	/* clients waiting for one device */

static int table_sum(struct fake_dev *fd)
{
	int i, sum = 0;

	for (i = 0; i < fd->nchans; i++)
		sum += fd->chans[i].chan.table_count;
	return sum;
}

static void table_needs_two_cpus(struct kunit *test)
{
	KUNIT_ASSERT_GE_MSG(test, num_online_cpus(), 2,
			    "the guest must run with two CPUs");
}

static void table_empty_without_clients(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, fake_parent(test, NUMA_NO_NODE),
					   2, MEMCPY);
	/* Registered, but no device offers what it needs: it holds none. */
	struct fake_client *c = fake_client_new(test, "intr", INTR);
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_NULL(test, fake_find_on(cpu, &c->client, DMAENG_MEMCPY));
		KUNIT_EXPECT_NULL(test, fake_find_on(cpu, &c->client, DMAENG_INTERRUPT));
	}
	KUNIT_EXPECT_EQ(test, table_sum(fd), 0);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	fake_dev_unregister(fd);
}

static void table_spreads_cpus(struct kunit *test)
{
	struct device *p = fake_parent(test, NUMA_NO_NODE);
	struct fake_dev *one = fake_dev_new(test, p, 1, MEMCPY | INTR);
	struct fake_dev *two = fake_dev_new(test, p, 2, MEMCPY | INTR);
	struct fake_client *c = fake_client_new(test, "table", MEMCPY);
	struct dmaeng_chan *c0, *c1;

	table_needs_two_cpus(test);

	/* One channel: every CPU shares it, for both capabilities. */
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, one), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(0, &c->client, DMAENG_MEMCPY), &one->chans[0].chan);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_MEMCPY), &one->chans[0].chan);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_INTERRUPT),
			    &one->chans[0].chan);
	KUNIT_EXPECT_EQ(test, one->chans[0].chan.table_count,
			num_online_cpus() * NCAPS);

	/* Three channels, two CPUs: each CPU its own channel. */
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, two), 0);
	c0 = fake_find_on(0, &c->client, DMAENG_MEMCPY);
	c1 = fake_find_on(1, &c->client, DMAENG_MEMCPY);
	KUNIT_ASSERT_NOT_NULL(test, c0);
	KUNIT_ASSERT_NOT_NULL(test, c1);
	KUNIT_EXPECT_PTR_NE(test, c0, c1);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_INTERRUPT), c1);
	KUNIT_EXPECT_EQ(test, c0->table_count, NCAPS);
	KUNIT_EXPECT_EQ(test, c1->table_count, NCAPS);
	KUNIT_EXPECT_EQ(test, table_sum(one) + table_sum(two),
			num_online_cpus() * NCAPS);

	/* Unregistering a device moves its CPUs to the channels left. */
	fake_dev_unregister(one);
	c0 = fake_find_on(0, &c->client, DMAENG_MEMCPY);
	c1 = fake_find_on(1, &c->client, DMAENG_MEMCPY);
	KUNIT_EXPECT_PTR_NE(test, c0, c1);
	KUNIT_EXPECT_EQ(test, table_sum(two), num_online_cpus() * NCAPS);
	KUNIT_EXPECT_EQ(test, two->chans[0].chan.table_count, NCAPS);
	KUNIT_EXPECT_EQ(test, two->chans[1].chan.table_count, NCAPS);

	/* The last client gone, the table empties. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	KUNIT_EXPECT_NULL(test, fake_find_on(0, &c->client, DMAENG_MEMCPY));
	KUNIT_EXPECT_NULL(test, fake_find_on(1, &c->client, DMAENG_INTERRUPT));
	KUNIT_EXPECT_EQ(test, table_sum(two), 0);
	fake_dev_unregister(two);
}

static void table_private_leaves_table(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, fake_parent(test, NUMA_NO_NODE),
					   2, MEMCPY);
	struct fake_client *c = fake_client_new(test, "table", MEMCPY);
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *priv;

	table_needs_two_cpus(test);
	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	priv = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(priv));
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);

	/* Both CPUs on the one public channel. */
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(0, &c->client, DMAENG_MEMCPY), &fd->chans[1].chan);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_MEMCPY), &fd->chans[1].chan);
	KUNIT_EXPECT_EQ(test, priv->table_count, 0);

	/* Released, it joins the table again: one channel per CPU. */
	dmaeng_release_channel(priv);
	KUNIT_EXPECT_PTR_NE(test, fake_find_on(0, &c->client, DMAENG_MEMCPY),
			    fake_find_on(1, &c->client, DMAENG_MEMCPY));
	KUNIT_EXPECT_EQ(test, fd->chans[0].chan.table_count, 1);
	KUNIT_EXPECT_EQ(test, fd->chans[1].chan.table_count, 1);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	fake_dev_unregister(fd);
}

static void table_prefers_local_node(struct kunit *test)
{
	int n0 = cpu_to_node(0), n1 = cpu_to_node(1);
	struct fake_dev *near0, *near1;
	struct fake_client *c;

	table_needs_two_cpus(test);
	if (num_online_nodes() < 2 || n0 == n1)
		kunit_skip(test, "CPU0 and CPU1 share a NUMA node");

	/* Registered in the order that would give CPU0 the remote one. */
	near1 = fake_dev_new(test, fake_parent(test, n1), 1, MEMCPY);
	near0 = fake_dev_new(test, fake_parent(test, n0), 1, MEMCPY);
	c = fake_client_new(test, "numa", MEMCPY);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, near1), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);
	/* Only a remote channel: better than none. */
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(0, &c->client, DMAENG_MEMCPY),
			    &near1->chans[0].chan);

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, near0), 0);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(0, &c->client, DMAENG_MEMCPY),
			    &near0->chans[0].chan);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_MEMCPY),
			    &near1->chans[0].chan);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	fake_dev_unregister(near0);
	fake_dev_unregister(near1);
}

static void table_cpu_hotplug(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, fake_parent(test, NUMA_NO_NODE),
					   2, MEMCPY | INTR);
	struct fake_client *c = fake_client_new(test, "hotplug", MEMCPY);
	struct dmaeng_chan *on0, *on1;

	table_needs_two_cpus(test);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, c), 0);
	on0 = fake_find_on(0, &c->client, DMAENG_MEMCPY);
	on1 = fake_find_on(1, &c->client, DMAENG_MEMCPY);
	KUNIT_ASSERT_PTR_NE(test, on0, on1);

	/* CPU1 goes offline: it gives its channel back. */
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_online_cpu1, NULL));
	KUNIT_ASSERT_EQ(test, remove_cpu(1), 0);
	KUNIT_EXPECT_EQ(test, on1->table_count, 0);
	KUNIT_EXPECT_EQ(test, on0->table_count, NCAPS);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(0, &c->client, DMAENG_MEMCPY), on0);

	/* CPU1 comes back: it gets the idle channel again. */
	KUNIT_ASSERT_EQ(test, add_cpu(1), 0);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_MEMCPY), on1);
	KUNIT_EXPECT_PTR_EQ(test, fake_find_on(1, &c->client, DMAENG_INTERRUPT), on1);
	KUNIT_EXPECT_EQ(test, on0->table_count, NCAPS);
	KUNIT_EXPECT_EQ(test, on1->table_count, NCAPS);

	KUNIT_EXPECT_EQ(test, fake_client_unregister(c), 0);
	fake_dev_unregister(fd);
}

/*
 * A device registered while many clients wait: each takes its channels,
 * and the tables are recomputed once for all of them, not once per client
 * (which made a registration quadratic in the number of clients); its
 * unregistration recomputes them once too.  The count is the system's:
 * run it with nothing else registering or unregistering clients or
 * devices, or taking CPUs on and off line (make check loads the KUnit
 * modules before any scenario).
 */
static void table_one_rebalance_per_device(struct kunit *test)
{
	struct fake_dev *fd = fake_dev_new(test, fake_parent(test, NUMA_NO_NODE),
					   2, MEMCPY);
	struct fake_client *c[TABLE_CLIENTS];
	unsigned long before;
	int i;

	for (i = 0; i < TABLE_CLIENTS; i++) {
		c[i] = fake_client_new(test, "many", MEMCPY);
		KUNIT_ASSERT_EQ(test, fake_client_register(test, c[i]), 0);
	}
	before = dmaeng_table_rebalances();
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, fd), 0);
	KUNIT_EXPECT_EQ(test, dmaeng_table_rebalances() - before, 1);
	KUNIT_EXPECT_EQ(test, fake_client_count(fd), 2 * TABLE_CLIENTS);
	/* Each client its own two holds, and a channel on CPU 0. */
	for (i = 0; i < TABLE_CLIENTS; i++) {
		KUNIT_EXPECT_EQ(test, dmaeng_client_channels(&c[i]->client,
							     NULL, 0), 2);
		KUNIT_EXPECT_NOT_NULL(test, fake_find_on(0, &c[i]->client,
							 DMAENG_MEMCPY));
	}
	KUNIT_EXPECT_EQ(test, table_sum(fd),
			TABLE_CLIENTS * num_online_cpus());

	before = dmaeng_table_rebalances();
	fake_dev_unregister(fd);
	KUNIT_EXPECT_EQ(test, dmaeng_table_rebalances() - before, 1);
	for (i = 0; i < TABLE_CLIENTS; i++) {
		KUNIT_EXPECT_NULL(test, fake_find_on(0, &c[i]->client,
						     DMAENG_MEMCPY));
		KUNIT_EXPECT_EQ(test, fake_client_unregister(c[i]), 0);
	}
}

static struct kunit_case dmaeng_table_cases[] = {
	KUNIT_CASE(table_empty_without_clients),
	KUNIT_CASE(table_spreads_cpus),
	KUNIT_CASE(table_private_leaves_table),
	KUNIT_CASE(table_prefers_local_node),
	KUNIT_CASE(table_cpu_hotplug),
	KUNIT_CASE(table_one_rebalance_per_device),
	{}
};

static struct kunit_suite dmaeng_table_suite = {
	.name = "dmaeng_table",
	.test_cases = dmaeng_table_cases,
};

kunit_test_suite(dmaeng_table_suite);

MODULE_DESCRIPTION("KUnit suites dmaeng_refcount and dmaeng_table");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
