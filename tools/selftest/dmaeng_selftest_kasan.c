// SPDX-License-Identifier: GPL-2.0
/*
 * A planted use-after-free: st_uaf_read() reads a byte of an object after
 * kfree().  KASAN reports it; `make check-selftest` proves that the
 * harness fails "console: no KASAN report" naming st_uaf_read.  Never part
 * of `make check`.
 */

#include <linux/module.h>
#include <linux/slab.h>

static u8 *st_uaf_obj;

static noinline u8 st_uaf_read(void)
{
	return READ_ONCE(st_uaf_obj[16]);
}

static int __init st_kasan_init(void)
{
	u8 val;

	st_uaf_obj = kmalloc(64, GFP_KERNEL);
	if (!st_uaf_obj)
		return -ENOMEM;
	kfree(st_uaf_obj);
	val = st_uaf_read();
	pr_info("dmaeng_selftest_kasan: read %u after free\n", val);
	return 0;
}

static void __exit st_kasan_exit(void)
{
}

module_init(st_kasan_init);
module_exit(st_kasan_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted use-after-free");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
