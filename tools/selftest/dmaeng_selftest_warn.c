// SPDX-License-Identifier: GPL-2.0
/*
 * A planted WARN in a module exit path: st_warn_exit() warns when the
 * module is unloaded.  `make check-selftest` proves that the harness fails
 * "console: no WARNING" naming st_warn_exit.  Never part of `make check`.
 */

#include <linux/bug.h>
#include <linux/module.h>

static int __init st_warn_init(void)
{
	return 0;
}

static void __exit st_warn_exit(void)
{
	WARN(1, "dmaeng_selftest_warn: planted WARN in the exit path\n");
}

module_init(st_warn_init);
module_exit(st_warn_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted WARN at unload");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
