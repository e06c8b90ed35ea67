// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_bench: in-kernel benchmarks for `make bench`.  Figures, never
 * pass/fail: each is the median of DB_RUNS runs, printed as a markdown
 * table by /sys/kernel/debug/dmaeng_bench/results after writing 1 to
 * /sys/kernel/debug/dmaeng_bench/run.
 *
 * So far: map + dmaeng_mapping_error + unmap of a 4 KiB buffer through the
 * dmaeng helpers, with the mapping-debug layer off and on.
 */

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>

#define DB_RUNS		7
#define DB_MAP_ITERS	20000

static struct dmaeng_client db_client = { .name = "dmaeng_bench" };
static struct dentry *db_debugfs;
static DEFINE_MUTEX(db_lock);		/* one run at a time; db_results */
static char *db_results;

static int db_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 db_median(u64 *v)
{
	sort(v, DB_RUNS, sizeof(*v), db_cmp, NULL);
	return v[DB_RUNS / 2];
}

/* Median nanoseconds of one map + check + unmap. */
static u64 db_map_ns(struct dmaeng_chan *chan, void *buf)
{
	u64 runs[DB_RUNS];
	dma_addr_t addr;
	ktime_t t0;
	int r, i;

	for (r = 0; r < DB_RUNS; r++) {
		t0 = ktime_get();
		for (i = 0; i < DB_MAP_ITERS; i++) {
			addr = dmaeng_map_single(chan, &db_client, buf, 4096,
						 DMA_TO_DEVICE);
			if (!dmaeng_mapping_error(chan, addr))
				dmaeng_unmap_single(chan, addr, 4096,
						    DMA_TO_DEVICE);
		}
		runs[r] = ktime_to_ns(ktime_sub(ktime_get(), t0)) / DB_MAP_ITERS;
		cond_resched();
	}
	return db_median(runs);
}

static int db_run(void)
{
	struct dmaeng_chan *chan;
	u64 off, on;
	bool was;
	void *buf;
	char *out;

	if (dmaeng_client_channels(&db_client, &chan, 1) < 1) {
		pr_err("dmaeng_bench: no MEMCPY channel (load a provider)\n");
		return -ENODEV;
	}
	buf = kmalloc(4096, GFP_KERNEL);
	out = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf || !out) {
		kfree(buf);
		kfree(out);
		return -ENOMEM;
	}
	was = dmaeng_mapdebug_enable(false);
	off = db_map_ns(chan, buf);
	dmaeng_mapdebug_enable(true);
	on = db_map_ns(chan, buf);
	dmaeng_mapdebug_enable(was);
	kfree(buf);

	scnprintf(out, PAGE_SIZE,
		  "| benchmark | figure | unit |\n| --- | --- | --- |\n"
		  "| map+check+unmap 4 KiB, mapping-debug off | %llu | ns |\n"
		  "| map+check+unmap 4 KiB, mapping-debug on | %llu | ns |\n"
		  "| mapping-debug on / off | %llu.%02llu | ratio |\n",
		  off, on, off ? on / off : 0,
		  off ? (on * 100 / off) % 100 : 0);
	mutex_lock(&db_lock);
	kfree(db_results);
	db_results = out;
	mutex_unlock(&db_lock);
	return 0;
}

static ssize_t db_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	bool go;
	int err = kstrtobool_from_user(ubuf, count, &go);

	if (err)
		return err;
	if (go)
		err = db_run();
	return err ?: count;
}

static const struct file_operations db_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = db_run_write,
	.llseek = default_llseek,
};

static int db_results_show(struct seq_file *s, void *unused)
{
	mutex_lock(&db_lock);
	if (db_results)
		seq_puts(s, db_results);
	mutex_unlock(&db_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(db_results);

static int __init db_init(void)
{
	int err;

	dmaeng_cap_set(DMAENG_MEMCPY, &db_client.cap_mask);
	err = dmaeng_client_register(&db_client);
	if (err)
		return err;
	db_debugfs = debugfs_create_dir("dmaeng_bench", NULL);
	debugfs_create_file("run", 0200, db_debugfs, NULL, &db_run_fops);
	debugfs_create_file("results", 0444, db_debugfs, NULL,
			    &db_results_fops);
	return 0;
}

static void __exit db_exit(void)
{
	debugfs_remove_recursive(db_debugfs);
	dmaeng_client_unregister(&db_client);
	kfree(db_results);
}

module_init(db_init);
module_exit(db_exit);

MODULE_DESCRIPTION("dmaeng benchmarks for make bench (not shipped)");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
