// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_test: the dmaeng test client.
 *
 * Loaded with private=0 (the default) it registers a public MEMCPY client,
 * which takes a reference on every public MEMCPY channel, now and as
 * providers come, until it is unloaded.  With private=1 it takes one channel
 * for exclusive use instead (failing to load if there is none).
 */

#include <linux/err.h>
#include <linux/module.h>
#include <dmaeng/client.h>

static bool private;
module_param(private, bool, 0444);
MODULE_PARM_DESC(private, "Take one private channel instead of registering a public client (default: 0)");

static struct dmaeng_client dt_client = { .name = "dmaeng_test" };
static struct dmaeng_chan *dt_private;

static int __init dt_init(void)
{
	struct dmaeng_cap_mask mask = {};

	dmaeng_cap_set(DMAENG_MEMCPY, &mask);
	if (!private) {
		dt_client.cap_mask = mask;
		return dmaeng_client_register(&dt_client);
	}
	dt_private = dmaeng_request_channel(&mask, NULL, NULL);
	if (IS_ERR(dt_private)) {
		pr_err("dmaeng_test: no private MEMCPY channel: %ld\n",
		       PTR_ERR(dt_private));
		return PTR_ERR(dt_private);
	}
	return 0;
}

static void __exit dt_exit(void)
{
	if (dt_private)
		dmaeng_release_channel(dt_private);
	else
		dmaeng_client_unregister(&dt_client);
}

module_init(dt_init);
module_exit(dt_exit);

MODULE_DESCRIPTION("dmaeng test client");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
