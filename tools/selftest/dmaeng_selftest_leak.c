// SPDX-License-Identifier: GPL-2.0
/*
 * A planted memory leak: st_leak_alloc() allocates an object and forgets
 * it.  kmemleak reports it with this backtrace; `make check-selftest`
 * proves that the harness fails "kmemleak reports no leak" naming
 * st_leak_alloc.  Never part of `make check`.
 *
 * It leaks ST_LEAKS objects, not one: a stale copy of a pointer can
 * outlive its frame in a dead stack (insmod's stack, kept in the per-CPU
 * cache of thread stacks, is scanned until a new task reuses it), and
 * kmemleak rightly reports no object that is still referenced.  One object
 * alone was seen unreported that way in CI; only the last pointers can
 * linger, so most of ST_LEAKS are always reported.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define ST_LEAKS	16

static noinline bool st_leak_alloc(void)
{
	void *p = kmalloc(192, GFP_KERNEL);

	if (p)
		memset(p, 0x5a, 192);	/* no pointer left in it, either */
	return p;
}

static int __init st_leak_init(void)
{
	int i, n = 0;

	for (i = 0; i < ST_LEAKS; i++)
		n += st_leak_alloc();
	pr_info("dmaeng_selftest_leak: leaked %d objects of 192 bytes\n", n);
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
