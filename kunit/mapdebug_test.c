// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dmaeng_mapdebug: the mapping helpers and dmaeng's
 * mapping-debug layer.  Each misuse once, with the counter that must move
 * and those that must not; the entry pool grown to a million live entries
 * and back; switching the layer while mappings are live; unmap-data
 * objects released with their copy.  (dmaeng's count of live mappings is
 * checked against the kernel's dma-debug by the guest scenarios, which can
 * read its debugfs dump.)
 */

#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test.h>
#include <dmaeng/map.h>
#include "fake_provider.h"
#include "../dmaengine_internal.h"

MODULE_IMPORT_NS(DMAENG_KUNIT);

#define MEMCPY		BIT(DMAENG_MEMCPY)
#define INTR		BIT(DMAENG_INTERRUPT)
#define PRIV		BIT(DMAENG_PRIVATE)
#define GROWTH		1000000

struct map_ctx {
	struct fake_dev *fd;
	struct dmaeng_chan *chan;	/* private, on a DMA-capable device */
	void *buf;
	bool was_on;
};

static void map_layer_restore(void *data)
{
	dmaeng_mapdebug_enable(*(bool *)data);
}

static int map_init(struct kunit *test)
{
	struct map_ctx *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct dmaeng_cap_mask mask = {};

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->was_on = dmaeng_mapdebug_enable(true);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, map_layer_restore,
						  &m->was_on));
	m->fd = fake_dev_new(test, fake_dma_parent(test), 1,
			     MEMCPY | INTR | PRIV);
	KUNIT_ASSERT_EQ(test, fake_dev_register(test, m->fd), 0);
	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	m->chan = dmaeng_request_channel(&mask, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m->chan));
	m->buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	test->priv = m;
	return 0;
}

static void map_exit(struct kunit *test)
{
	struct map_ctx *m = test->priv;

	if (m && m->chan)
		dmaeng_release_channel(m->chan);
}

static struct dmaeng_map_counters counters(struct map_ctx *m)
{
	struct dmaeng_map_counters c;

	dmaeng_map_get_counters(m->chan, &c);
	return c;
}

/* Every counter as in @want. */
static void expect_counters(struct kunit *test, struct dmaeng_map_counters want,
			    struct dmaeng_map_counters got)
{
	KUNIT_EXPECT_EQ(test, got.map_errors, want.map_errors);
	KUNIT_EXPECT_EQ(test, got.not_checked, want.not_checked);
	KUNIT_EXPECT_EQ(test, got.unmap_errors, want.unmap_errors);
	KUNIT_EXPECT_EQ(test, got.leaks, want.leaks);
	KUNIT_EXPECT_EQ(test, got.outstanding, want.outstanding);
}

static dma_addr_t map_checked(struct kunit *test, struct map_ctx *m,
			      size_t off, size_t len,
			      enum dma_data_direction dir)
{
	dma_addr_t a = dmaeng_map_single(m->chan, NULL, m->buf + off, len, dir);

	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(m->chan, a));
	return a;
}

static void mapdebug_clean_use(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m), c1;
	dma_addr_t a;

	a = map_checked(test, m, 0, 256, DMA_TO_DEVICE);
	c1 = counters(m);
	c0.outstanding += 1;
	expect_counters(test, c0, c1);
	dmaeng_unmap_single(m->chan, a, 256, DMA_TO_DEVICE);
	c0.outstanding -= 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_sg(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	struct scatterlist sg[2];

	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], m->buf, 512);
	sg_set_buf(&sg[1], m->buf + 2 * PAGE_SIZE, 1024);
	KUNIT_ASSERT_GT(test, dmaeng_map_sg(m->chan, NULL, sg, 2,
					    DMA_BIDIRECTIONAL), 0);
	/* One mapping; its returned count was its check. */
	c0.outstanding += 1;
	expect_counters(test, c0, counters(m));
	dmaeng_unmap_sg(m->chan, sg, 2, DMA_BIDIRECTIONAL);
	c0.outstanding -= 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_unchecked(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	dma_addr_t a;

	a = dmaeng_map_single(m->chan, NULL, m->buf, 128, DMA_TO_DEVICE);
	dmaeng_unmap_single(m->chan, a, 128, DMA_TO_DEVICE);
	c0.not_checked += 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_unchecked_use(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	struct dmaeng_tx *tx;
	dma_addr_t src, dst;

	src = dmaeng_map_single(m->chan, NULL, m->buf, 64, DMA_TO_DEVICE);
	dst = map_checked(test, m, PAGE_SIZE, 64, DMA_FROM_DEVICE);
	/* Used in a copy before the check: counted once, not again later. */
	tx = dmaeng_prep_memcpy(m->chan, dst, src, 64, 0);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	KUNIT_EXPECT_GT(test, dmaeng_submit(tx), 0);
	dmaeng_issue_pending(m->chan);
	dmaeng_unmap_single(m->chan, src, 64, DMA_TO_DEVICE);
	dmaeng_unmap_single(m->chan, dst, 64, DMA_FROM_DEVICE);
	c0.not_checked += 1;
	expect_counters(test, c0, counters(m));
}

/* An unmap that does not match its mapping: counted, then mended. */
struct wrong_unmap {
	const char *desc;
	size_t size;
	enum dma_data_direction dir;
	bool as_page;
};

static const struct wrong_unmap wrong_unmaps[] = {
	{ "wrong size", 256, DMA_TO_DEVICE, false },
	{ "wrong direction", 512, DMA_FROM_DEVICE, false },
	{ "wrong kind", 512, DMA_TO_DEVICE, true },
};

static void wrong_unmap_desc(const struct wrong_unmap *w, char *desc)
{
	strscpy(desc, w->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(wrong_unmap, wrong_unmaps, wrong_unmap_desc);

static void mapdebug_wrong_unmap(struct kunit *test)
{
	const struct wrong_unmap *w = test->param_value;
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	dma_addr_t a = map_checked(test, m, 0, 512, DMA_TO_DEVICE);

	/* The single mapping of 512 bytes to the device, unmapped wrongly. */
	if (w->as_page)
		dmaeng_unmap_page(m->chan, a, w->size, w->dir);
	else
		dmaeng_unmap_single(m->chan, a, w->size, w->dir);
	c0.unmap_errors += 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_double_unmap(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	dma_addr_t a = map_checked(test, m, 0, 64, DMA_TO_DEVICE);

	dmaeng_unmap_single(m->chan, a, 64, DMA_TO_DEVICE);
	expect_counters(test, c0, counters(m));
	/* The second one never reaches the DMA API. */
	dmaeng_unmap_single(m->chan, a, 64, DMA_TO_DEVICE);
	c0.unmap_errors += 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_unknown_address(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);

	dmaeng_unmap_page(m->chan, 0x12345000, 4096, DMA_FROM_DEVICE);
	c0.unmap_errors += 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_leaks(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct device *parent = fake_dma_parent(test);
	struct fake_dev *pub = fake_dev_new(test, parent, 1, MEMCPY);
	struct fake_client *leaky = fake_client_new(test, "leaky", MEMCPY);
	struct fake_client *keeper = fake_client_new(test, "keeper", MEMCPY);
	struct dmaeng_chan *chan = &pub->chans[0].chan;
	struct dmaeng_map_counters t0, t;
	dma_addr_t a, b, c;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, pub), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, leaky), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, keeper), 0);
	dmaeng_map_get_totals(&t0);
	a = dmaeng_map_single(chan, &leaky->client, m->buf, 64, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(chan, a));
	b = dmaeng_map_single(chan, &keeper->client, m->buf + 64, 64,
			      DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(chan, b));

	/* A client leaves with a mapping it owns live: that one leak. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(leaky), 0);
	dmaeng_map_get_totals(&t);
	KUNIT_EXPECT_EQ(test, t.leaks, t0.leaks + 1);

	/* Its owner gone, the next report does not count it again. */
	dmaeng_unmap_single(chan, b, 64, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, fake_client_unregister(keeper), 0);
	dmaeng_map_get_totals(&t);
	KUNIT_EXPECT_EQ(test, t.leaks, t0.leaks + 1);
	dmaeng_unmap_single(chan, a, 64, DMA_TO_DEVICE);

	/* Nobody holds the channel: a mapping left on it when the device
	 * unregisters is a leak.
	 */
	c = dmaeng_map_single(chan, NULL, m->buf + 128, 64, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(chan, c));
	fake_dev_unregister(pub);
	dmaeng_map_get_totals(&t);
	KUNIT_EXPECT_EQ(test, t.leaks, t0.leaks + 2);
	KUNIT_EXPECT_EQ(test, t.unmap_errors, t0.unmap_errors);
	KUNIT_EXPECT_EQ(test, t.not_checked, t0.not_checked);
	KUNIT_EXPECT_EQ(test, atomic_read(&pub->released), 1);
	/* The device is gone; undo the leaked mapping in the DMA API. */
	dma_unmap_single(parent, c, 64, DMA_TO_DEVICE);
}

static void mapdebug_last_reference(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct fake_dev *pub = fake_dev_new(test, fake_dma_parent(test), 1,
					    MEMCPY);
	struct fake_client *fc = fake_client_new(test, "only", MEMCPY);
	struct dmaeng_chan *chan = &pub->chans[0].chan;
	struct dmaeng_map_counters t0, t;
	dma_addr_t a;

	KUNIT_ASSERT_EQ(test, fake_dev_register(test, pub), 0);
	KUNIT_ASSERT_EQ(test, fake_client_register(test, fc), 0);
	dmaeng_map_get_totals(&t0);

	/* Hot-unplug while held: the holder's mapping is not a leak yet. */
	a = dmaeng_map_single(chan, NULL, m->buf, 64, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(chan, a));
	fake_dev_unregister(pub);
	dmaeng_map_get_totals(&t);
	KUNIT_EXPECT_EQ(test, t.leaks, t0.leaks);
	/* The last reference goes with it still mapped: now it is. */
	KUNIT_EXPECT_EQ(test, fake_client_unregister(fc), 0);
	dmaeng_map_get_totals(&t);
	KUNIT_EXPECT_EQ(test, t.leaks, t0.leaks + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&pub->released), 1);
	dma_unmap_single(pub->ddev.dev, a, 64, DMA_TO_DEVICE);
}

static void mapdebug_switch_while_live(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m), c1;
	dma_addr_t on_map, off_map;

	on_map = map_checked(test, m, 0, 64, DMA_TO_DEVICE);
	dmaeng_mapdebug_enable(false);
	off_map = map_checked(test, m, 128, 64, DMA_TO_DEVICE);
	c1 = counters(m);
	KUNIT_EXPECT_EQ(test, c1.untracked, c0.untracked + 2);
	KUNIT_EXPECT_EQ(test, c1.outstanding, c0.outstanding + 2);

	/* Mappings made while off are not unknown once it is on again. */
	dmaeng_mapdebug_enable(true);
	dmaeng_unmap_single(m->chan, off_map, 64, DMA_TO_DEVICE);
	dmaeng_unmap_single(m->chan, on_map, 64, DMA_TO_DEVICE);
	expect_counters(test, c0, counters(m));
	KUNIT_EXPECT_EQ(test, counters(m).untracked, c0.untracked);
	/* With none left, an unknown address is an error again. */
	dmaeng_unmap_single(m->chan, on_map, 64, DMA_TO_DEVICE);
	c0.unmap_errors += 1;
	expect_counters(test, c0, counters(m));
}

static void mapdebug_unmap_data(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	struct dmaeng_unmap_data *u;
	struct fake_results res = {};
	struct dmaeng_tx *tx;
	s32 cookie;

	u = dmaeng_get_unmap_data(m->chan, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	u->to_cnt = 1;
	u->from_cnt = 1;
	u->len = 256;
	u->addr[0] = dmaeng_map_page(m->chan, NULL, virt_to_page(m->buf), 0,
				     256, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(m->chan, u->addr[0]));
	u->addr[1] = dmaeng_map_page(m->chan, NULL,
				     virt_to_page(m->buf + PAGE_SIZE), 0, 256,
				     DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dmaeng_mapping_error(m->chan, u->addr[1]));
	tx = dmaeng_prep_memcpy(m->chan, u->addr[1], u->addr[0], 256,
				DMAENG_PREP_INTERRUPT);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	tx->callback = fake_results_cb;
	tx->callback_param = &res;
	dmaeng_set_unmap(tx, u);
	dmaeng_unmap_put(u);		/* the descriptor holds it now */
	KUNIT_EXPECT_EQ(test, counters(m).outstanding, c0.outstanding + 2);
	cookie = dmaeng_submit(tx);
	KUNIT_EXPECT_EQ(test, dmaeng_sync_wait(m->chan, cookie, 1000), 0);
	/* Completed: both mappings released with it. */
	KUNIT_EXPECT_EQ(test, atomic_read(&res.ok), 1);
	expect_counters(test, c0, counters(m));
}

static void mapdebug_pool_growth(struct kunit *test)
{
	struct map_ctx *m = test->priv;
	struct dmaeng_map_counters c0 = counters(m);
	struct dmaeng_map_pool_stats p0, p1;
	int i, refused = 0;

	dmaeng_map_get_pool_stats(&p0);
	for (i = 0; i < GROWTH; i++) {
		dmaeng_mapdebug_test_track(m->chan, 0x100000000ULL + i * 64ULL, 64);
		if (!(i & 4095))
			cond_resched();
	}
	dmaeng_map_get_pool_stats(&p1);
	KUNIT_EXPECT_EQ(test, counters(m).outstanding, c0.outstanding + GROWTH);
	KUNIT_EXPECT_EQ(test, counters(m).untracked, c0.untracked);
	KUNIT_EXPECT_GE(test, p1.nr_total_entries, (unsigned long)GROWTH);
	KUNIT_EXPECT_EQ(test, p1.nr_grow_failures, p0.nr_grow_failures);
	kunit_info(test, "pool: %lu entries in %lu growths, %lu free at least\n",
		   p1.nr_total_entries, p1.nr_growths, p1.min_free_entries);

	for (i = 0; i < GROWTH; i++) {
		refused += !dmaeng_mapdebug_test_untrack(m->chan,
							 0x100000000ULL + i * 64ULL,
							 64);
		if (!(i & 4095))
			cond_resched();
	}
	KUNIT_EXPECT_EQ(test, refused, 0);
	expect_counters(test, c0, counters(m));
	dmaeng_map_get_pool_stats(&p1);
	/* Blocks are kept: every entry is free again. */
	KUNIT_EXPECT_EQ(test, p1.num_free_entries,
			p1.nr_total_entries - (unsigned long)c0.outstanding);
}

static struct kunit_case dmaeng_mapdebug_cases[] = {
	KUNIT_CASE(mapdebug_clean_use),
	KUNIT_CASE(mapdebug_sg),
	KUNIT_CASE(mapdebug_unchecked),
	KUNIT_CASE(mapdebug_unchecked_use),
	KUNIT_CASE_PARAM(mapdebug_wrong_unmap, wrong_unmap_gen_params),
	KUNIT_CASE(mapdebug_double_unmap),
	KUNIT_CASE(mapdebug_unknown_address),
	KUNIT_CASE(mapdebug_leaks),
	KUNIT_CASE(mapdebug_last_reference),
	KUNIT_CASE(mapdebug_switch_while_live),
	KUNIT_CASE(mapdebug_unmap_data),
	KUNIT_CASE_SLOW(mapdebug_pool_growth),
	{}
};

static struct kunit_suite dmaeng_mapdebug_suite = {
	.name = "dmaeng_mapdebug",
	.init = map_init,
	.exit = map_exit,
	.test_cases = dmaeng_mapdebug_cases,
};

kunit_test_suite(dmaeng_mapdebug_suite);
