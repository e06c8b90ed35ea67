// SPDX-License-Identifier: GPL-2.0
/*
 * A planted hang: the kthread st_hang sleeps uninterruptibly for 30 s.
 * With hung_task_timeout_secs lowered by the guest, the hung-task detector
 * reports it; `make check-selftest` proves that the harness fails
 * "console: no hung task" naming st_hang.  Never part of `make check`.
 */

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

static struct task_struct *st_hang_task;

static int st_hang_fn(void *unused)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	schedule_timeout(30 * HZ);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int __init st_hang_init(void)
{
	st_hang_task = kthread_run(st_hang_fn, NULL, "st_hang");
	return PTR_ERR_OR_ZERO(st_hang_task);
}

static void __exit st_hang_exit(void)
{
	kthread_stop(st_hang_task);
}

module_init(st_hang_init);
module_exit(st_hang_exit);

MODULE_DESCRIPTION("dmaeng harness self-test: a planted hung task");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
