// SPDX-License-Identifier: GPL-2.0
/*
 * A planted Coccinelle finding, never built: tools/coccicheck.sh requires
 * make coccicheck to report exactly this one (atomic_as_refcounter.cocci:
 * an atomic_t used as a reference count), which proves that spatch ran
 * over the copied tree and that its reports are recognised.
 */
#include <linux/atomic.h>
#include <linux/slab.h>

struct canary {
	atomic_t users;
};

static void canary_put(struct canary *c)
{
	if (atomic_dec_and_test(&c->users))
		kfree(c);
}
