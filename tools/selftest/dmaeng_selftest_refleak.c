// SPDX-License-Identifier: GPL-2.0
/*
 * A planted reference leak: a private dmaeng channel taken at load and not
 * given back at unload, so dmaeng_memcpy stays pinned (refcnt 1) and
 * cannot be unloaded.  `make check-selftest` proves that the harness fails
 * "no dmaeng module left loaded" naming it.  Never part of `make check`.
 */

#include <linux/err.h>
#include <linux/module.h>
#include <dmaeng/client.h>

static int __init st_refleak_init(void)
{
	struct dmaeng_cap_mask mask = {};
	struct dmaeng_chan *chan;

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	chan = dmaeng_request_channel(&mask, NULL, NULL);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	pr_info("dmaeng_selftest_refleak: took %s, will not give it back\n",
		dmaeng_chan_name(chan));
	return 0;
}

static void __exit st_refleak_exit(void)
{
	/* The planted leak: no dmaeng_release_channel(). */
}

module_init(st_refleak_init);
module_exit(st_refleak_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted channel reference leak");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
