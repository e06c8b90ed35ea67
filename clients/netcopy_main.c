// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_netcopy: socket receive copies offloaded to dmaeng channels, as
 * NET_DMA did (Linux 2.6.18 to 3.17), but correct where NET_DMA was not.
 *
 * /dev/dmaeng-netcopy takes DMAENG_NETCOPY_RECV ioctls (see
 * include/dmaeng/netcopy_uapi.h): a recv(2) whose copy into the caller's
 * buffer goes to dmaeng_find_channel(client, DMAENG_MEMCPY) for chunks of at least
 * copybreak bytes, and to the CPU otherwise (netcopy_recv.c, netcopy_dma.c).
 *
 * It is a public client: registered, it holds a reference on every public
 * MEMCPY channel, which pins the providers.  NET_DMA never said it was done
 * with its channels; dmaeng_netcopy says so in two ways:
 *  - /proc/sys/dmaeng/netcopy/disable_dma = 1 unregisters it (every in_use
 *    drops by one, providers can be unloaded, receives go on by CPU); 0
 *    registers it again, with the channels that exist then and later.
 *  - idle_release_ms > 0: that long without an offloaded copy, it
 *    unregisters by itself, and registers again on the next large receive.
 *
 * Locking: nc_rwsem guards the registration state (nc_registered,
 * nc_disable_dma, nc_idle_released).  A receive holds it for reading around
 * each DMA phase only (nc_begin_dma .. nc_end_dma), never while waiting for
 * data; changing the state takes it for writing, so unregistering waits for
 * the copies in flight and their mappings, and never pulls a channel from
 * under one.
 * Order: nc_rwsem -> dmaeng's lock; socket lock and nc_rwsem are never
 * held together.
 */

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <dmaeng/client.h>
#include <dmaeng/netcopy_uapi.h>
#include "netcopy.h"

static int nc_disable_dma;
module_param_named(disable_dma, nc_disable_dma, int, 0444);
MODULE_PARM_DESC(disable_dma, "Start with DMA disabled (1) or register with dmaeng at once (0, the default); then /proc/sys/dmaeng/netcopy/disable_dma");

static int nc_copybreak_bytes = 4096;
static int nc_idle_release_ms;

static DECLARE_RWSEM(nc_rwsem);
static bool nc_registered;
static bool nc_idle_released;
static unsigned long nc_last_use;	/* jiffies of the last DMA phase */
static struct dmaeng_client nc_client = { .name = "dmaeng_netcopy" };
static struct ctl_table_header *nc_sysctl;
static struct dentry *nc_debugfs;

atomic64_t nc_stats[NC_NR_STATS];

static const char * const nc_stat_names[NC_NR_STATS] = {
	[NC_IOCTLS] = "ioctls",
	[NC_BYTES_OFFLOADED] = "bytes_offloaded",
	[NC_BYTES_CPU] = "bytes_cpu",
	[NC_FALLBACK_SMALL] = "fallback_small",
	[NC_FALLBACK_NO_CHANNEL] = "fallback_no_channel",
	[NC_FALLBACK_CLONE] = "fallback_clone",
	[NC_FALLBACK_BUDGET] = "fallback_budget",
	[NC_FALLBACK_SHARED] = "fallback_shared",
	[NC_FALLBACK_MAP] = "fallback_map",
	[NC_FALLBACK_PREP] = "fallback_prep",
	[NC_FALLBACK_SUBMIT] = "fallback_submit",
	[NC_FALLBACK_DMA_ERROR] = "fallback_dma_error",
	[NC_REGISTRATIONS] = "registrations",
	[NC_UNREGISTRATIONS] = "unregistrations",
	[NC_REFS_TAKEN] = "refs_taken",
	[NC_REFS_DROPPED] = "refs_dropped",
	[NC_IDLE_RELEASES] = "idle_releases",
};

static void nc_idle_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nc_idle_work, nc_idle_fn);

int nc_copybreak(void)
{
	return READ_ONCE(nc_copybreak_bytes);
}

/* The owner of netcopy's mappings, for dmaeng's mapping-debug layer. */
const struct dmaeng_client *nc_owner(void)
{
	return &nc_client;
}

static void nc_idle_arm(void)
{
	unsigned int ms = READ_ONCE(nc_idle_release_ms);

	if (ms)
		mod_delayed_work(system_wq, &nc_idle_work, msecs_to_jiffies(ms));
}

/*
 * Register or unregister as the state asks.  Under nc_rwsem, for writing.
 * Return: 0, or the error of a registration that failed.
 */
static int nc_apply(void)
{
	bool want = !nc_disable_dma && !nc_idle_released;
	int n, err;

	lockdep_assert_held_write(&nc_rwsem);
	if (want && !nc_registered) {
		err = dmaeng_client_register(&nc_client);
		if (err) {
			pr_err("dmaeng_netcopy: cannot register with dmaeng: %d\n",
			       err);
			return err;
		}
		nc_registered = true;
		n = dmaeng_client_channels(&nc_client, NULL, 0);
		nc_count(NC_REGISTRATIONS, 1);
		nc_count(NC_REFS_TAKEN, max(n, 0));
		WRITE_ONCE(nc_last_use, jiffies);
		nc_idle_arm();
	} else if (!want && nc_registered) {
		n = dmaeng_client_channels(&nc_client, NULL, 0);
		dmaeng_client_unregister(&nc_client);
		nc_registered = false;
		nc_count(NC_UNREGISTRATIONS, 1);
		nc_count(NC_REFS_DROPPED, max(n, 0));
	}
	return 0;
}

static void nc_idle_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(nc_idle_release_ms);
	unsigned long idle_at;

	if (!ms)
		return;
	down_write(&nc_rwsem);
	idle_at = READ_ONCE(nc_last_use) + msecs_to_jiffies(ms);
	if (nc_registered && time_after_eq(jiffies, idle_at)) {
		nc_idle_released = true;
		nc_apply();
		nc_count(NC_IDLE_RELEASES, 1);
	} else if (nc_registered) {
		mod_delayed_work(system_wq, &nc_idle_work, idle_at - jiffies);
	}
	up_write(&nc_rwsem);
}

/* A large receive after an idle release takes the channels again. */
static void nc_retake(size_t len)
{
	if (!READ_ONCE(nc_idle_released) || len < nc_copybreak())
		return;
	down_write(&nc_rwsem);
	if (nc_idle_released) {
		nc_idle_released = false;
		nc_apply();
	}
	up_write(&nc_rwsem);
}

/**
 * nc_begin_dma() - start a DMA phase
 *
 * Return: this CPU's MEMCPY channel, or NULL (DMA disabled or released,
 * or no channel).  Either way, end the phase with nc_end_dma().
 */
struct dmaeng_chan *nc_begin_dma(void)
{
	down_read(&nc_rwsem);
	return nc_registered ? dmaeng_find_channel(&nc_client, DMAENG_MEMCPY) : NULL;
}

/**
 * nc_end_dma() - end a DMA phase; every copy of it has completed and
 *	every mapping made on its channel is gone
 * @used: a channel was used
 */
void nc_end_dma(bool used)
{
	if (used) {
		WRITE_ONCE(nc_last_use, jiffies);
		nc_idle_arm();
	}
	up_read(&nc_rwsem);
}

/*
 * sysctls.  Each takes one integer in its range; anything else (not a
 * number, out of range, too long, two numbers, an embedded NUL, nothing) is
 * -EINVAL and leaves the value as it was.  The handler's table became const
 * in 6.11.
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define NC_CTL_TABLE_PTR const struct ctl_table *
#else
#define NC_CTL_TABLE_PTR struct ctl_table *
#endif

/*
 * Read as proc_dointvec; write exactly one decimal integer within
 * [*extra1, *extra2], whitespace around it allowed, into *@val.
 */
static int nc_dointvec(NC_CTL_TABLE_PTR table, int write, void *buffer,
		       size_t *lenp, loff_t *ppos, int *val)
{
	char buf[24];

	if (!write)
		return proc_dointvec(table, write, buffer, lenp, ppos);
	if (*ppos || *lenp >= sizeof(buf) || memchr(buffer, '\0', *lenp))
		return -EINVAL;
	memcpy(buf, buffer, *lenp);
	buf[*lenp] = '\0';
	if (kstrtoint(strim(buf), 10, val) ||
	    *val < *(int *)table->extra1 || *val > *(int *)table->extra2)
		return -EINVAL;
	*ppos += *lenp;
	return 0;
}

static int nc_disable_handler(NC_CTL_TABLE_PTR table, int write, void *buffer,
			      size_t *lenp, loff_t *ppos)
{
	int val, err;

	err = nc_dointvec(table, write, buffer, lenp, ppos, &val);
	if (err || !write)
		return err;
	down_write(&nc_rwsem);
	nc_disable_dma = val;
	nc_idle_released = false;
	err = nc_apply();
	up_write(&nc_rwsem);
	return err;
}

static int nc_copybreak_handler(NC_CTL_TABLE_PTR table, int write, void *buffer,
				size_t *lenp, loff_t *ppos)
{
	int val, err;

	err = nc_dointvec(table, write, buffer, lenp, ppos, &val);
	if (!err && write)
		WRITE_ONCE(nc_copybreak_bytes, val);
	return err;
}

static int nc_idle_handler(NC_CTL_TABLE_PTR table, int write, void *buffer,
			   size_t *lenp, loff_t *ppos)
{
	int val, err;

	err = nc_dointvec(table, write, buffer, lenp, ppos, &val);
	if (err || !write)
		return err;
	WRITE_ONCE(nc_idle_release_ms, val);
	if (val)
		nc_idle_arm();
	else
		cancel_delayed_work(&nc_idle_work);
	return 0;
}

static int nc_copybreak_max = 16 << 20;
static int nc_idle_max = 3600 * 1000;

static struct ctl_table nc_sysctls[] = {
	{
		.procname = "disable_dma",
		.data = &nc_disable_dma,
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = nc_disable_handler,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
	{
		.procname = "copybreak",
		.data = &nc_copybreak_bytes,
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = nc_copybreak_handler,
		.extra1 = SYSCTL_ONE,
		.extra2 = &nc_copybreak_max,
	},
	{
		.procname = "idle_release_ms",
		.data = &nc_idle_release_ms,
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = nc_idle_handler,
		.extra1 = SYSCTL_ZERO,
		.extra2 = &nc_idle_max,
	},
	{}
};

static long nc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dmaeng_netcopy_recv req;
	struct socket *sock;
	bool nonblock;
	size_t len;
	long ret;
	int err;

	BUILD_BUG_ON(DMAENG_NETCOPY_DONTWAIT != MSG_DONTWAIT);
	BUILD_BUG_ON(DMAENG_NETCOPY_WAITALL != MSG_WAITALL);

	if (cmd != DMAENG_NETCOPY_RECV)
		return -ENOTTY;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~(DMAENG_NETCOPY_DONTWAIT | DMAENG_NETCOPY_WAITALL))
		return -EINVAL;
	sock = sockfd_lookup(req.fd, &err);
	if (!sock)
		return err;
	nc_count(NC_IOCTLS, 1);

	len = min_t(u64, req.len, MAX_RW_COUNT);
	nonblock = (req.flags & DMAENG_NETCOPY_DONTWAIT) ||
		   (sock->file->f_flags & O_NONBLOCK);
	if (!len) {
		ret = 0;
	} else if ((unsigned long)req.buf != req.buf ||
		   !access_ok(u64_to_user_ptr(req.buf), len)) {
		ret = -EFAULT;
	} else {
		nc_retake(len);
		ret = nc_recv(sock, req.buf, len, req.flags, nonblock);
	}
	sockfd_put(sock);
	return ret;
}

static const struct file_operations nc_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice nc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "dmaeng-netcopy",
	.fops = &nc_fops,
	.mode = 0600,	/* root only */
};

static int nc_stats_show(struct seq_file *s, void *unused)
{
	int i;

	for (i = 0; i < NC_NR_STATS; i++)
		seq_printf(s, "%s %lld\n", nc_stat_names[i],
			   atomic64_read(&nc_stats[i]));
	seq_printf(s, "clone_bytes %lld\nclone_bytes_max %lld\n",
		   atomic64_read(&nc_clone_bytes),
		   atomic64_read(&nc_clone_bytes_max));
	down_read(&nc_rwsem);
	seq_printf(s, "registered %d\nidle_released %d\n", nc_registered,
		   nc_idle_released);
	up_read(&nc_rwsem);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nc_stats);

static int __init nc_init(void)
{
	int err;

	if (nc_disable_dma != 0 && nc_disable_dma != 1) {
		pr_err("dmaeng_netcopy: disable_dma=%d: must be 0 or 1\n",
		       nc_disable_dma);
		return -EINVAL;
	}
	/* Before 6.6 the table ends with the empty entry; later it must not. */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	nc_sysctl = register_sysctl_sz("dmaeng/netcopy", nc_sysctls,
				       ARRAY_SIZE(nc_sysctls) - 1);
#else
	nc_sysctl = register_sysctl("dmaeng/netcopy", nc_sysctls);
#endif
	if (!nc_sysctl)
		return -ENOMEM;
	/* Copies complete through callbacks: INTERRUPT is needed too. */
	dmaeng_cap_set(DMAENG_MEMCPY, &nc_client.cap_mask);
	dmaeng_cap_set(DMAENG_INTERRUPT, &nc_client.cap_mask);
	down_write(&nc_rwsem);
	err = nc_apply();
	up_write(&nc_rwsem);
	if (!err)
		err = misc_register(&nc_misc);
	if (err) {
		unregister_sysctl_table(nc_sysctl);
		down_write(&nc_rwsem);
		nc_disable_dma = 1;
		nc_apply();
		up_write(&nc_rwsem);
		cancel_delayed_work_sync(&nc_idle_work);
		return err;
	}
	nc_debugfs = debugfs_create_dir("dmaeng_netcopy", NULL);
	debugfs_create_file("stats", 0444, nc_debugfs, NULL, &nc_stats_fops);
	return 0;
}

static void __exit nc_exit(void)
{
	debugfs_remove_recursive(nc_debugfs);
	misc_deregister(&nc_misc);
	unregister_sysctl_table(nc_sysctl);
	cancel_delayed_work_sync(&nc_idle_work);
	down_write(&nc_rwsem);
	nc_disable_dma = 1;
	nc_apply();
	up_write(&nc_rwsem);
}

module_init(nc_init);
module_exit(nc_exit);

MODULE_DESCRIPTION("dmaeng net-copy client: socket receive copies offloaded to DMA channels");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
