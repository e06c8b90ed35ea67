// SPDX-License-Identifier: GPL-2.0
/*
 * A planted data race: st_race_writer() and st_race_reader() run on both
 * CPUs for two seconds, writing and reading st_race_counter with plain
 * accesses.  On the KCSAN kernel `make check-selftest` proves that the
 * harness fails "console: no KCSAN report" naming them.  Never part of
 * `make check`.
 */

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>

static unsigned long st_race_counter;
static unsigned long st_race_sink;
static DECLARE_COMPLETION(st_race_done0);
static DECLARE_COMPLETION(st_race_done1);

static noinline void st_race_writer(void)
{
	st_race_counter++;		/* the planted race: plain write */
}

static noinline void st_race_reader(void)
{
	st_race_sink += st_race_counter;	/* plain read */
}

static int st_race_fn(void *data)
{
	unsigned long end = jiffies + 2 * HZ;
	bool writer = data == &st_race_done0;

	while (time_before(jiffies, end)) {
		if (writer)
			st_race_writer();
		else
			st_race_reader();
		cpu_relax();
	}
	complete(data);
	return 0;
}

static int __init st_kcsan_init(void)
{
	struct task_struct *t;
	int i;

	for (i = 0; i < 2; i++) {
		t = kthread_create(st_race_fn, i ? &st_race_done1 : &st_race_done0,
				   "st_race%d", i);
		if (IS_ERR(t))
			return PTR_ERR(t);
		kthread_bind(t, i % num_online_cpus());
		wake_up_process(t);
	}
	wait_for_completion(&st_race_done0);
	wait_for_completion(&st_race_done1);
	return 0;
}

static void __exit st_kcsan_exit(void)
{
}

module_init(st_kcsan_init);
module_exit(st_kcsan_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted data race");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
