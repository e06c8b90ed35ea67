// SPDX-License-Identifier: GPL-2.0
/*
 * A planted memory leak: st_leak_alloc() allocates an object and forgets
 * it.  kmemleak reports it with this backtrace; `make check-selftest`
 * proves that the harness fails "kmemleak reports no leak" naming
 * st_leak_alloc.  Never part of `make check`.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static noinline void st_leak_alloc(void)
{
	void *p = kmalloc(192, GFP_KERNEL);

	if (p)
		memset(p, 0x5a, 192);	/* no pointer left in it, either */
	pr_info("dmaeng_selftest_leak: leaked 192 bytes at %p\n", p);
}

static int __init st_leak_init(void)
{
	st_leak_alloc();
	return 0;
}

static void __exit st_leak_exit(void)
{
}

module_init(st_leak_init);
module_exit(st_leak_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted memory leak");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
