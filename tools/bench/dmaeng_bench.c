// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_bench: in-kernel benchmarks for `make bench`.  Figures, never
 * pass/fail.  Write a phase name to /sys/kernel/debug/dmaeng_bench/run
 * ("reg", "find", "copy", "tput", "map", "trace", or "all"/"1" for every
 * phase but trace);
 * /sys/kernel/debug/dmaeng_bench/results then lists every figure so far as
 *   fig KEY VALUE UNIT DESCRIPTION
 * Each figure is the median of its runs: DB_RUNS (7) for the cheap ones,
 * DB_COPY_RUNS (7) for the copies.  Every run starts its threads anew
 * (kthreads; they wait on one completion and start together).  The copy
 * figures of one phase are taken in rounds: each round runs every figure
 * once, alternately forwards and backwards, so that drift in the host's
 * load (TCG) falls on dmaeng, dmaengine and the CPU alike.
 *
 * reg:  ns per dmaeng_client_register() + dmaeng_client_unregister() of one
 *	 MEMCPY client with 1, 8 or 64 channels registered (one fake device of
 *	 this module, trivial ops) and 1, 8 or 64 other clients registered;
 *	 ns per dmaeng_device_register() + dmaeng_device_unregister() of an
 *	 8-channel fake device with 64 clients registered, which all take its
 *	 channels.  Run it with no other dmaeng device loaded: the channel
 *	 counts are then the whole registry.  Timed by the writer's thread.
 * find: ns per call of dmaeng_find_channel(client, DMAENG_MEMCPY), of the kernel's
 *	 dma_find_channel(DMA_MEMCPY) (after dmaengine_get()) and of a bare
 *	 this_cpu_read() of a per-CPU pointer (the floor), each in the same
 *	 loop; from one thread bound to the first CPU, then from one thread
 *	 bound to each online CPU at once (the figure is the mean of the
 *	 threads' ns per call; the per-CPU figures are given too).
 * copy: 64-byte copies, one thread per channel, each waiting for every copy
 *	 (prep, submit, issue, completion callback, wake-up) before the next:
 *	 ns per copy (elapsed / copies over all threads) and copies/s, on 1, 2,
 *	 4 and 8 channels, through dmaeng (the channels of dmaeng_memcpy),
 *	 through the kernel's dmaengine (the channels of dmaeng_kadapter) and
 *	 through the raw engine below (the floor: no framework at all).
 * tput: 4 KiB, 64 KiB and 1 MiB copies, DB_INFLIGHT in flight per thread,
 *	 on 1 channel and on all channels (one thread each), in MiB/s, through
 *	 the same three, next to a CPU memcpy() of the same buffers from the
 *	 same number of threads.
 * map:	 ns per map + dmaeng_mapping_error() + unmap of 4 KiB through the
 *	 dmaeng helpers, the mapping-debug layer off and on.
 * trace: no figure: DB_TRACE_COPIES 64-byte copies on one channel through
 *	 the raw engine, dmaeng and dmaengine, one after the other, for
 *	 `make bench` to record with ftrace's function_graph tracer (where
 *	 each framework's time goes).  Not part of "all".
 *
 * Copy buffers are mapped once per figure, outside the timed runs: the
 * copy figures are the engines' cost, not the DMA API's.
 *
 * The raw engine is the floor of the copy figures: dmaeng_memcpy's engine
 * (providers/dmaeng_swcopy.h) run as both providers run it, each channel's
 * queue drained in order by its own work item of an unbound workqueue that
 * calls the completion callback, but driven by plain function calls: no
 * registry, no descriptor allocation, no cookie, no gate, no status.  A
 * request lives in the copier's slot.  What dmaeng or dmaengine adds to a
 * copy over it is that framework's own overhead.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/iommu.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include <dmaeng/provider.h>
#include "../../providers/dmaeng_swcopy.h"

#define DB_NAME		"dmaeng_bench"
#define DB_KADAPTER	"dmaeng_kadapter"
#define DB_RUNS		7	/* runs of the cheap figures */
#define DB_COPY_RUNS	7	/* runs of the copy figures */
#define DB_MAX_RUNS	7
#define DB_MAP_ITERS	20000
#define DB_FIND_ITERS	100000
#define DB_REG_ITERS	50	/* client register + unregister per run */
#define DB_PROV_ITERS	4	/* device register + unregister per run */
#define DB_MAX_CLIENTS	64
#define DB_COPY64	4000	/* 64-byte copies per run, over all threads */
#define DB_TPUT_BYTES	SZ_8M	/* bytes per thread per throughput run */
#define DB_INFLIGHT	4	/* throughput copies in flight per thread */
#define DB_MAX_CHANS	64
#define DB_MAX_THREADS	DB_MAX_CHANS
#define DB_MAX_FIGS	128
#define DB_TRACE_COPIES	100	/* per engine, in the trace phase */

/* One "fig" line; the value in hundredths. */
struct db_fig {
	char key[40];
	u64 v100;
	const char *unit;
	char desc[160];
};

/* Started together: each waits for @go after counting itself @ready. */
struct db_par {
	atomic_t nready;
	struct completion ready;
	struct completion go;
};

struct db_thread;
typedef int (*db_fn)(struct db_thread *t);

struct db_thread {
	struct db_par *par;
	struct task_struct *task;
	db_fn fn;
	void *arg;
	int kind;		/* db_find_fn: what to call */
	u64 t0;			/* ns, set by fn: start of the timed part */
	u64 t1;			/* ns, set by fn: its end */
	unsigned long sink;	/* keeps the compiler from dropping reads */
	int err;
};

enum db_eng { DB_CPU, DB_RAW, DB_DMAENG, DB_DMAENGINE };

/* A request to the raw engine: one copy, then @done(@param, ok). */
struct db_raw_req {
	struct list_head node;
	dma_addr_t dst;
	dma_addr_t src;
	size_t len;
	void (*done)(void *param, bool ok);
	void *param;
};

/* A raw engine channel: submitted and issued requests, its work item. */
struct db_raw_chan {
	spinlock_t lock;		/* submitted, issued */
	struct list_head submitted;
	struct list_head issued;
	struct work_struct work;
};

struct db_slot {
	void *src;
	void *dst;
	dma_addr_t src_dma;
	dma_addr_t dst_dma;
	struct db_raw_req req;
};

/* One copying thread: its channel, buffers and what is in flight. */
struct db_copier {
	enum db_eng eng;
	struct dmaeng_chan *dchan;
	struct dma_chan *kchan;
	struct db_raw_chan *rchan;
	size_t size;
	unsigned int inflight;
	unsigned int copies;
	struct db_slot slot[DB_INFLIGHT];
	atomic_t pending;
	atomic_t errors;
	struct completion done;
};

/* A fake provider device for the registry figures. */
struct db_fake {
	struct dmaeng_device ddev;
	struct dmaeng_chan chans[];
};

static struct dmaeng_client db_client = { .name = DB_NAME };
static struct dentry *db_debugfs;
static struct platform_device *db_pdev;	/* the fake devices' struct device */
static DEFINE_MUTEX(db_run_lock);	/* one run at a time */
static DEFINE_MUTEX(db_lock);		/* db_figs, db_nfigs */
static struct db_fig db_figs[DB_MAX_FIGS];
static int db_nfigs;
/* The find figures' floor: allocated per CPU, as a client's table is. */
static void * __percpu *db_floor_ptr;

/* Channels of the current run (db_run_lock). */
static struct dmaeng_chan *db_dchans[DB_MAX_CHANS];
static unsigned int db_ndchans;
static struct dma_chan *db_kchans[DB_MAX_CHANS];
static unsigned int db_nkchans;
/* The raw engine's channels and workqueue (module lifetime). */
static struct db_raw_chan db_rchans[DB_MAX_CHANS];
static struct workqueue_struct *db_raw_wq;
static bool db_have_dmaengine;

static __printf(4, 5) void db_fig(u64 v100, const char *unit,
				  const char *desc, const char *keyfmt, ...)
{
	struct db_fig *f = NULL;
	char key[sizeof(f->key)];
	va_list args;
	int i;

	va_start(args, keyfmt);
	vsnprintf(key, sizeof(key), keyfmt, args);
	va_end(args);

	mutex_lock(&db_lock);
	for (i = 0; i < db_nfigs; i++)
		if (!strcmp(db_figs[i].key, key))
			f = &db_figs[i];
	if (!f && db_nfigs < DB_MAX_FIGS)
		f = &db_figs[db_nfigs++];
	if (f) {
		strscpy(f->key, key, sizeof(f->key));
		f->v100 = v100;
		f->unit = unit;
		strscpy(f->desc, desc, sizeof(f->desc));
	}
	mutex_unlock(&db_lock);
	pr_info(DB_NAME ": fig %s %llu.%02llu %s\n", key, v100 / 100,
		v100 % 100, unit);
}

static int db_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 db_median(u64 *v, int n)
{
	sort(v, n, sizeof(*v), db_cmp, NULL);
	return v[n / 2];
}

/* Hundredths of @num / @den. */
static u64 db_ratio100(u64 num, u64 den)
{
	return den ? mul_u64_u64_div_u64(num, 100, den) : 0;
}

static u64 db_now(void)
{
	return ktime_get_ns();
}

/* ------------------------------------------------------------------ */
/* Threads started together */

static int db_thread_main(void *data)
{
	struct db_thread *t = data;

	if (atomic_dec_and_test(&t->par->nready))
		complete(&t->par->ready);
	wait_for_completion(&t->par->go);
	t->err = t->fn(t);
	return 0;
}

/*
 * Run @th[0 .. @n - 1] on threads of their own, started together; with
 * @bind, thread i is bound to the i-th online CPU.  Returns when all are
 * done, with the first error of a thread.
 */
static int db_par_run(struct db_thread *th, unsigned int n, bool bind)
{
	struct db_par par;
	struct task_struct *task;
	unsigned int i, cpu = 0;
	int err = 0;

	atomic_set(&par.nready, n);
	init_completion(&par.ready);
	init_completion(&par.go);
	for (i = 0; i < n; i++) {
		th[i].par = &par;
		th[i].err = 0;
		th[i].t0 = 0;
		th[i].t1 = 0;
		task = kthread_create(db_thread_main, &th[i], "db_bench/%u", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		if (bind) {
			cpu = i ? cpumask_next(cpu, cpu_online_mask) :
				  cpumask_first(cpu_online_mask);
			kthread_bind(task, cpu);
		}
		get_task_struct(task);
		th[i].task = task;
	}
	if (err) {
		/* Never woken: kthread_stop() makes them exit unrun. */
		while (i--)
			kthread_stop_put(th[i].task);
		return err;
	}
	for (i = 0; i < n; i++)
		wake_up_process(th[i].task);
	wait_for_completion(&par.ready);
	complete_all(&par.go);
	for (i = 0; i < n; i++) {
		kthread_stop_put(th[i].task);
		if (th[i].err && !err)
			err = th[i].err;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* find: one per-CPU lookup per call */

enum { DB_FIND_FLOOR, DB_FIND_DMAENG, DB_FIND_DMAENGINE, DB_FIND_KINDS };

static const char * const db_find_names[DB_FIND_KINDS] = {
	"floor", "dmaeng", "dmaengine",
};

static const char * const db_find_descs[DB_FIND_KINDS] = {
	"ns per this_cpu_read() of a per-CPU pointer (the floor)",
	"ns per dmaeng_find_channel(client, DMAENG_MEMCPY)",
	"ns per dma_find_channel(DMA_MEMCPY), kernel dmaengine",
};

static int db_find_fn(struct db_thread *t)
{
	unsigned long acc = 0;
	unsigned int i;

	switch (t->kind) {
	case DB_FIND_FLOOR:
		t->t0 = db_now();
		for (i = 0; i < DB_FIND_ITERS; i++)
			acc += (unsigned long)this_cpu_read(*db_floor_ptr);
		t->t1 = db_now();
		break;
	case DB_FIND_DMAENG:
		t->t0 = db_now();
		for (i = 0; i < DB_FIND_ITERS; i++)
			acc += (unsigned long)dmaeng_find_channel(&db_client, DMAENG_MEMCPY);
		t->t1 = db_now();
		break;
	case DB_FIND_DMAENGINE:
		t->t0 = db_now();
		for (i = 0; i < DB_FIND_ITERS; i++)
			acc += (unsigned long)dma_find_channel(DMA_MEMCPY);
		t->t1 = db_now();
		break;
	}
	WRITE_ONCE(t->sink, acc);
	return acc ? 0 : -ENODEV;	/* every lookup found nothing */
}

/* Hundredths of ns per call, median of DB_RUNS, from @n bound threads. */
static int db_find_one(int kind, unsigned int n, u64 *mean, u64 *percpu)
{
	u64 runs[DB_MAX_RUNS], cpu_runs[2][DB_MAX_RUNS];
	struct db_thread th[2] = {};
	unsigned int i;
	int r, err;

	for (r = 0; r < DB_RUNS; r++) {
		u64 sum = 0;

		for (i = 0; i < n; i++) {
			th[i].fn = db_find_fn;
			th[i].kind = kind;
		}
		err = db_par_run(th, n, true);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			cpu_runs[i][r] = db_ratio100(th[i].t1 - th[i].t0,
						     DB_FIND_ITERS);
			sum += cpu_runs[i][r];
		}
		runs[r] = div_u64(sum, n);
		cond_resched();
	}
	*mean = db_median(runs, DB_RUNS);
	for (i = 0; i < n; i++)
		percpu[i] = db_median(cpu_runs[i], DB_RUNS);
	return 0;
}

static int db_phase_find(void)
{
	unsigned int ncpus = min(num_online_cpus(), 2U), n, i;
	char desc[sizeof_field(struct db_fig, desc)];
	u64 mean, percpu[2];
	int kind, err;

	for (kind = 0; kind < DB_FIND_KINDS; kind++) {
		if (kind == DB_FIND_DMAENG && !db_ndchans)
			continue;
		if (kind == DB_FIND_DMAENGINE && !db_have_dmaengine)
			continue;
		for (n = 1; n <= ncpus; n++) {
			err = db_find_one(kind, n, &mean, percpu);
			if (err) {
				pr_err(DB_NAME ": find %s on %u CPUs: %d\n",
				       db_find_names[kind], n, err);
				return err;
			}
			snprintf(desc, sizeof(desc),
				 "%s, %s, median of %d runs of %d calls",
				 db_find_descs[kind],
				 n == 1 ? "one thread bound to one CPU" :
				 "one thread bound to each CPU at once, mean",
				 DB_RUNS, DB_FIND_ITERS);
			db_fig(mean, "ns", desc, "find.%s.%ucpu",
			       db_find_names[kind], n);
			for (i = 0; n > 1 && i < n; i++)
				db_fig(percpu[i], "ns",
				       "the same, the thread on this CPU alone",
				       "find.%s.%ucpu.cpu%u",
				       db_find_names[kind], n, i);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The raw engine (see the top of the file) */

/* noinline: plain calls, as traceable as the frameworks' entry points. */
static noinline void db_raw_submit(struct db_raw_chan *rc,
				   struct db_raw_req *req)
{
	unsigned long flags;

	spin_lock_irqsave(&rc->lock, flags);
	list_add_tail(&req->node, &rc->submitted);
	spin_unlock_irqrestore(&rc->lock, flags);
}

static noinline void db_raw_issue(struct db_raw_chan *rc)
{
	unsigned long flags;

	spin_lock_irqsave(&rc->lock, flags);
	list_splice_tail_init(&rc->submitted, &rc->issued);
	spin_unlock_irqrestore(&rc->lock, flags);
	queue_work(db_raw_wq, &rc->work);
}

static void db_raw_work(struct work_struct *work)
{
	struct db_raw_chan *rc = container_of(work, struct db_raw_chan, work);
	struct db_raw_req *req;

	for (;;) {
		spin_lock_irq(&rc->lock);
		req = list_first_entry_or_null(&rc->issued, struct db_raw_req,
					       node);
		if (req)
			list_del(&req->node);
		spin_unlock_irq(&rc->lock);
		if (!req)
			return;
		req->done(req->param, dmaeng_swcopy(&db_pdev->dev, req->dst,
						    req->src, req->len));
		cond_resched();
	}
}

/* ------------------------------------------------------------------ */
/* Copies */

static void db_copy_done(struct db_copier *c, bool ok)
{
	if (!ok)
		atomic_inc(&c->errors);
	if (atomic_dec_and_test(&c->pending))
		complete(&c->done);
}

static void db_dmaeng_cb(void *param, enum dmaeng_result result)
{
	db_copy_done(param, result == DMAENG_RESULT_OK);
}

static void db_dmaengine_cb(void *param, const struct dmaengine_result *res)
{
	db_copy_done(param, res->result == DMA_TRANS_NOERROR);
}

static void db_raw_cb(void *param, bool ok)
{
	db_copy_done(param, ok);
}

static int db_start(struct db_copier *c, struct db_slot *s)
{
	struct dma_async_tx_descriptor *ktx;
	struct dmaeng_tx *tx;

	if (c->eng == DB_RAW) {
		s->req.dst = s->dst_dma;
		s->req.src = s->src_dma;
		s->req.len = c->size;
		s->req.done = db_raw_cb;
		s->req.param = c;
		db_raw_submit(c->rchan, &s->req);
		return 0;
	}
	if (c->eng == DB_DMAENG) {
		tx = dmaeng_prep_memcpy(c->dchan, s->dst_dma, s->src_dma,
					c->size, DMAENG_PREP_INTERRUPT);
		if (!tx)
			return -ENOMEM;
		tx->callback = db_dmaeng_cb;
		tx->callback_param = c;
		return dmaeng_submit(tx) < 0 ? -EIO : 0;
	}
	ktx = dmaengine_prep_dma_memcpy(c->kchan, s->dst_dma, s->src_dma,
					c->size,
					DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!ktx)
		return -ENOMEM;
	ktx->callback_result = db_dmaengine_cb;
	ktx->callback_param = c;
	return dma_submit_error(dmaengine_submit(ktx)) ? -EIO : 0;
}

static int db_copy_fn(struct db_thread *t)
{
	struct db_copier *c = t->arg;
	unsigned int done = 0, n, i;
	int err = 0;

	atomic_set(&c->errors, 0);
	t->t0 = db_now();
	while (done < c->copies && !err) {
		n = min(c->inflight, c->copies - done);
		if (c->eng == DB_CPU) {
			for (i = 0; i < n; i++)
				memcpy(c->slot[i].dst, c->slot[i].src, c->size);
		} else {
			/* Our own count keeps it from completing early. */
			reinit_completion(&c->done);
			atomic_set(&c->pending, 1);
			for (i = 0; i < n && !err; i++) {
				atomic_inc(&c->pending);
				err = db_start(c, &c->slot[i]);
				if (err)
					atomic_dec(&c->pending);
			}
			if (c->eng == DB_DMAENG)
				dmaeng_issue_pending(c->dchan);
			else if (c->eng == DB_RAW)
				db_raw_issue(c->rchan);
			else
				dma_async_issue_pending(c->kchan);
			db_copy_done(c, true);
			wait_for_completion(&c->done);
		}
		done += n;
		cond_resched();
	}
	t->t1 = db_now();
	if (!err && atomic_read(&c->errors))
		err = -EIO;
	return err;
}

static void db_free_copiers(struct db_copier *cs, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; cs && i < n; i++) {
		for (j = 0; j < DB_INFLIGHT; j++) {
			kfree(cs[i].slot[j].src);
			kfree(cs[i].slot[j].dst);
		}
	}
	kfree(cs);
}

/* @n copiers with @inflight slots of @size bytes (at least a page each). */
static struct db_copier *db_alloc_copiers(unsigned int n, size_t size,
					  unsigned int inflight)
{
	size_t alloc = max_t(size_t, size, PAGE_SIZE);
	struct db_copier *cs;
	unsigned int i, j;

	cs = kcalloc(n, sizeof(*cs), GFP_KERNEL);
	if (!cs)
		return NULL;
	for (i = 0; i < n; i++) {
		struct db_copier *c = &cs[i];

		c->size = size;
		c->inflight = inflight;
		init_completion(&c->done);
		for (j = 0; j < inflight; j++) {
			c->slot[j].src = kmalloc(alloc, GFP_KERNEL);
			c->slot[j].dst = kzalloc(alloc, GFP_KERNEL);
			if (!c->slot[j].src || !c->slot[j].dst) {
				db_free_copiers(cs, n);
				return NULL;
			}
			memset(c->slot[j].src, 0xa5 ^ j, size);
		}
	}
	return cs;
}

/* The struct device the DMA API maps for, for the raw and kernel engines. */
static struct device *db_dev(struct db_copier *c)
{
	return c->eng == DB_RAW ? &db_pdev->dev : c->kchan->device->dev;
}

static void db_unmap(struct db_copier *c, dma_addr_t addr,
		     enum dma_data_direction dir)
{
	if (c->eng == DB_DMAENG)
		dmaeng_unmap_single(c->dchan, addr, c->size, dir);
	else
		dma_unmap_single(db_dev(c), addr, c->size, dir);
}

/* Unmap the buffers of the first @nslots slots of @c. */
static void db_unmap_slots(struct db_copier *c, unsigned int nslots)
{
	unsigned int j;

	for (j = 0; j < nslots; j++) {
		db_unmap(c, c->slot[j].src_dma, DMA_TO_DEVICE);
		db_unmap(c, c->slot[j].dst_dma, DMA_FROM_DEVICE);
	}
}

/* Map @buf for @c's channel; 0 if that failed. */
static dma_addr_t db_map(struct db_copier *c, void *buf,
			 enum dma_data_direction dir)
{
	struct device *dev;
	dma_addr_t addr;

	if (c->eng == DB_DMAENG) {
		addr = dmaeng_map_single(c->dchan, &db_client, buf, c->size,
					 dir);
		return dmaeng_mapping_error(c->dchan, addr) ? 0 : addr;
	}
	dev = db_dev(c);
	addr = dma_map_single(dev, buf, c->size, dir);
	return dma_mapping_error(dev, addr) ? 0 : addr;
}

/* Map every slot of @c for its engine's channel; all or nothing. */
static int db_map_slots(struct db_copier *c)
{
	unsigned int j;

	for (j = 0; j < c->inflight; j++) {
		struct db_slot *s = &c->slot[j];

		s->src_dma = db_map(c, s->src, DMA_TO_DEVICE);
		s->dst_dma = db_map(c, s->dst, DMA_FROM_DEVICE);
		if (s->src_dma && s->dst_dma)
			continue;
		if (s->src_dma)
			db_unmap(c, s->src_dma, DMA_TO_DEVICE);
		if (s->dst_dma)
			db_unmap(c, s->dst_dma, DMA_FROM_DEVICE);
		db_unmap_slots(c, j);
		return -ENOMEM;
	}
	return 0;
}

/* After the runs: every destination must hold its source. */
static int db_verify(struct db_copier *cs, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < cs[i].inflight; j++)
			if (memcmp(cs[i].slot[j].dst, cs[i].slot[j].src,
				   cs[i].size))
				return -EIO;
	return 0;
}

static const char *db_eng_name(enum db_eng eng)
{
	switch (eng) {
	case DB_RAW:
		return "raw";
	case DB_DMAENG:
		return "dmaeng";
	case DB_DMAENGINE:
		return "dmaengine";
	default:
		return "cpu";
	}
}

/*
 * The CPU and the raw engine run as many threads as the frameworks; the
 * raw engine none where the DMA API would translate (an IOMMU or DMA ops
 * on its device): it copies bus addresses as physical ones.
 */
static unsigned int db_nchans(enum db_eng eng)
{
	if (eng == DB_RAW && (get_dma_ops(&db_pdev->dev) ||
			      device_iommu_mapped(&db_pdev->dev)))
		return 0;
	return eng == DB_DMAENG ? db_ndchans : eng == DB_DMAENGINE ?
	       db_nkchans : max(db_ndchans, db_nkchans);
}

/* A set of copiers for one engine: copier i uses the engine's channel i. */
struct db_set {
	enum db_eng eng;
	struct db_copier *cs;
	unsigned int n;
	unsigned int nmapped;
};

/* One figure: @n threads of @set, @copies copies each, per run. */
struct db_arm {
	struct db_set *set;
	unsigned int n;
	unsigned int copies;
	u64 ns_runs[DB_MAX_RUNS];	/* hundredths of ns per copy */
	u64 mib_runs[DB_MAX_RUNS];	/* hundredths of MiB/s */
	u64 ns100;			/* the medians */
	u64 mibps100;
};

/* Channels, cleared destinations and, for an engine, mappings. */
static int db_set_prepare(struct db_set *set)
{
	unsigned int i, j;
	int err;

	set->nmapped = 0;
	for (i = 0; i < set->n; i++) {
		struct db_copier *c = &set->cs[i];

		c->eng = set->eng;
		c->dchan = set->eng == DB_DMAENG ? db_dchans[i] : NULL;
		c->kchan = set->eng == DB_DMAENGINE ? db_kchans[i] : NULL;
		c->rchan = set->eng == DB_RAW ? &db_rchans[i] : NULL;
		for (j = 0; j < c->inflight; j++)
			memset(c->slot[j].dst, 0, c->size);
		if (set->eng == DB_CPU)
			continue;
		err = db_map_slots(c);
		if (err)
			return err;
		set->nmapped++;
	}
	return 0;
}

/* Unmap, then check that every destination holds its source. */
static int db_set_finish(struct db_set *set)
{
	unsigned int i;

	for (i = 0; i < set->nmapped; i++)
		db_unmap_slots(&set->cs[i], set->cs[i].inflight);
	set->nmapped = 0;
	return db_verify(set->cs, set->n);
}

/* Run @arm once, as run @r: elapsed from the first start to the last end. */
static int db_arm_run(struct db_arm *arm, int r, struct db_thread *th)
{
	struct db_copier *cs = arm->set->cs;
	u64 first, last, elapsed, total;
	unsigned int i;
	int err;

	memset(th, 0, arm->n * sizeof(*th));
	for (i = 0; i < arm->n; i++) {
		cs[i].copies = arm->copies;
		th[i].fn = db_copy_fn;
		th[i].arg = &cs[i];
	}
	err = db_par_run(th, arm->n, false);
	if (err)
		return err;
	first = th[0].t0;
	last = th[0].t1;
	for (i = 1; i < arm->n; i++) {
		first = min(first, th[i].t0);
		last = max(last, th[i].t1);
	}
	elapsed = last - first;
	total = (u64)arm->copies * arm->n;
	arm->ns_runs[r] = db_ratio100(elapsed, total);
	arm->mib_runs[r] = elapsed ?
		mul_u64_u64_div_u64(total * cs[0].size, 100 * NSEC_PER_SEC,
				    elapsed * SZ_1M) : 0;
	return 0;
}

/*
 * DB_COPY_RUNS rounds; each round runs every arm once, in turn, forwards
 * in even rounds and backwards in odd ones, so that drift in the host's
 * load falls on every arm alike.  The sets are mapped for the rounds.
 */
static int db_arms_run(struct db_set *sets, unsigned int nsets,
		       struct db_arm *arms, unsigned int narms)
{
	struct db_thread *th;
	unsigned int k, a;
	int r, err = 0, err2;

	th = kcalloc(DB_MAX_THREADS, sizeof(*th), GFP_KERNEL);
	if (!th)
		return -ENOMEM;
	for (k = 0; k < nsets && !err; k++)
		err = db_set_prepare(&sets[k]);
	for (r = 0; r < DB_COPY_RUNS && !err; r++) {
		for (k = 0; k < narms && !err; k++) {
			a = r & 1 ? narms - 1 - k : k;
			err = db_arm_run(&arms[a], r, th);
		}
	}
	for (k = 0; k < nsets; k++) {
		err2 = db_set_finish(&sets[k]);
		if (!err && err2) {
			pr_err(DB_NAME ": %s copies went wrong\n",
			       db_eng_name(sets[k].eng));
			err = err2;
		}
	}
	kfree(th);
	for (a = 0; a < narms && !err; a++) {
		arms[a].ns100 = db_median(arms[a].ns_runs, DB_COPY_RUNS);
		arms[a].mibps100 = db_median(arms[a].mib_runs, DB_COPY_RUNS);
	}
	return err;
}

/*
 * Copier sets, per engine: one copier per channel of the engine, at most
 * @max, with @inflight slots of @size bytes each.
 */
static int db_sets_alloc(struct db_set *sets, const enum db_eng *engs,
			 unsigned int nsets, unsigned int max, size_t size,
			 unsigned int inflight)
{
	unsigned int k;

	for (k = 0; k < nsets; k++) {
		sets[k].eng = engs[k];
		sets[k].n = min(db_nchans(engs[k]), max);
		sets[k].cs = NULL;
		if (!sets[k].n)
			continue;
		sets[k].cs = db_alloc_copiers(sets[k].n, size, inflight);
		if (!sets[k].cs)
			return -ENOMEM;
	}
	return 0;
}

static void db_sets_free(struct db_set *sets, unsigned int nsets)
{
	while (nsets--)
		db_free_copiers(sets[nsets].cs, sets[nsets].n);
}

static int db_phase_copy(void)
{
	static const unsigned int counts[] = { 1, 2, 4, 8 };
	static const enum db_eng engs[] = { DB_RAW, DB_DMAENG, DB_DMAENGINE };
	char desc[sizeof_field(struct db_fig, desc)];
	struct db_set sets[ARRAY_SIZE(engs)] = {};
	struct db_arm *arms, *arm;
	unsigned int i, k, narms = 0;
	const char *name;
	int err;

	arms = kcalloc(ARRAY_SIZE(engs) * ARRAY_SIZE(counts), sizeof(*arms),
		       GFP_KERNEL);
	if (!arms)
		return -ENOMEM;
	err = db_sets_alloc(sets, engs, ARRAY_SIZE(engs), DB_MAX_CHANS, 64, 1);
	for (k = 0; k < ARRAY_SIZE(engs) && !err; k++) {
		for (i = 0; i < ARRAY_SIZE(counts); i++) {
			if (counts[i] > sets[k].n)
				continue;
			arm = &arms[narms++];
			arm->set = &sets[k];
			arm->n = counts[i];
			arm->copies = DB_COPY64 / counts[i];
		}
	}
	if (!err)
		err = db_arms_run(sets, ARRAY_SIZE(engs), arms, narms);
	for (i = 0; i < narms && !err; i++) {
		arm = &arms[i];
		name = db_eng_name(arm->set->eng);
		snprintf(desc, sizeof(desc),
			 "ns per 64 B copy through %s on %u channels, a thread each waiting for every copy, median of %d runs of %d copies",
			 name, arm->n, DB_COPY_RUNS, DB_COPY64);
		db_fig(arm->ns100, "ns", desc, "copy64.%s.ch%u", name, arm->n);
		if (arm->n != 1)
			continue;
		db_fig(arm->ns100, "ns",
		       "ns per 64 B copy, 1 channel, waiting for each (the ch1 runs)",
		       "copy64.%s.ns", name);
		db_fig(arm->ns100 ? div64_u64(100ULL * 100 * NSEC_PER_SEC,
					      arm->ns100) : 0, "copies/s",
		       "64 B copies per second, 1 channel, waiting for each (the ch1 runs)",
		       "copy64.%s.rate", name);
	}
	if (err)
		pr_err(DB_NAME ": 64-byte copies: %d\n", err);
	db_sets_free(sets, ARRAY_SIZE(engs));
	kfree(arms);
	return err;
}

static int db_phase_tput(void)
{
	static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_1M };
	static const enum db_eng engs[] = {
		DB_CPU, DB_RAW, DB_DMAENG, DB_DMAENGINE
	};
	char desc[sizeof_field(struct db_fig, desc)];
	struct db_set sets[ARRAY_SIZE(engs)];
	struct db_arm arms[2 * ARRAY_SIZE(engs)], *arm;
	unsigned int i, k, all, narms, copies;
	const char *name;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(sizes) && !err; i++) {
		copies = max_t(unsigned int, DB_TPUT_BYTES / sizes[i],
			       2 * DB_INFLIGHT);
		memset(sets, 0, sizeof(sets));
		memset(arms, 0, sizeof(arms));
		narms = 0;
		err = db_sets_alloc(sets, engs, ARRAY_SIZE(engs),
				    DB_MAX_CHANS, sizes[i], DB_INFLIGHT);
		for (k = 0; k < ARRAY_SIZE(engs) && !err; k++) {
			for (all = 0; all <= 1 && sets[k].n; all++) {
				arm = &arms[narms++];
				arm->set = &sets[k];
				arm->n = all ? sets[k].n : 1;
				arm->copies = copies;
			}
		}
		if (!err)
			err = db_arms_run(sets, ARRAY_SIZE(engs), arms, narms);
		for (k = 0; k < narms && !err; k++) {
			arm = &arms[k];
			all = k & 1;
			name = db_eng_name(arm->set->eng);
			snprintf(desc, sizeof(desc),
				 "MiB/s of %zu B copies, %s, %u threads%s, %u buffers each%s, median of %d runs",
				 sizes[i],
				 arm->set->eng == DB_CPU ? "CPU memcpy()" : name,
				 arm->n,
				 arm->set->eng == DB_CPU ? "" : " one per channel",
				 DB_INFLIGHT,
				 arm->set->eng == DB_CPU ? "" : " in flight",
				 DB_COPY_RUNS);
			if (arm->set->eng == DB_CPU)
				db_fig(arm->mibps100, "MiB/s", desc,
				       "tput.%s.%zu", all ? "cpuall" : "cpu",
				       sizes[i]);
			else
				db_fig(arm->mibps100, "MiB/s", desc,
				       "tput.%s.%s.%zu", name,
				       all ? "allch" : "1ch", sizes[i]);
		}
		if (err)
			pr_err(DB_NAME ": %zu-byte copies: %d\n", sizes[i], err);
		db_sets_free(sets, ARRAY_SIZE(engs));
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* map: the mapping-debug layer off and on */

/* Median hundredths of ns of one map + check + unmap. */
static u64 db_map_ns(struct dmaeng_chan *chan, void *buf)
{
	u64 runs[DB_MAX_RUNS];
	dma_addr_t addr;
	u64 t0;
	int r, i;

	for (r = 0; r < DB_RUNS; r++) {
		t0 = db_now();
		for (i = 0; i < DB_MAP_ITERS; i++) {
			addr = dmaeng_map_single(chan, &db_client, buf, 4096,
						 DMA_TO_DEVICE);
			if (!dmaeng_mapping_error(chan, addr))
				dmaeng_unmap_single(chan, addr, 4096,
						    DMA_TO_DEVICE);
		}
		runs[r] = db_ratio100(db_now() - t0, DB_MAP_ITERS);
		cond_resched();
	}
	return db_median(runs, DB_RUNS);
}

static int db_phase_map(void)
{
	u64 off, on;
	bool was;
	void *buf;

	if (!db_ndchans)
		return -ENODEV;
	buf = kmalloc(4096, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	was = dmaeng_mapdebug_enable(false);
	off = db_map_ns(db_dchans[0], buf);
	dmaeng_mapdebug_enable(true);
	on = db_map_ns(db_dchans[0], buf);
	dmaeng_mapdebug_enable(was);
	kfree(buf);
	db_fig(off, "ns",
	       "ns per map + dmaeng_mapping_error + unmap of 4 KiB, mapping-debug off",
	       "map.off");
	db_fig(on, "ns",
	       "ns per map + dmaeng_mapping_error + unmap of 4 KiB, mapping-debug on",
	       "map.on");
	return 0;
}

/* ------------------------------------------------------------------ */
/* trace: copies to trace, no figure */

static int db_phase_trace(void)
{
	static const enum db_eng engs[] = { DB_RAW, DB_DMAENG, DB_DMAENGINE };
	struct db_set sets[ARRAY_SIZE(engs)] = {};
	struct db_arm arm = {};
	struct db_thread th = {};
	unsigned int k;
	int err, err2;

	/* One copier per engine: the one that copies. */
	err = db_sets_alloc(sets, engs, ARRAY_SIZE(engs), 1, 64, 1);
	for (k = 0; k < ARRAY_SIZE(engs) && !err; k++) {
		if (!sets[k].n)
			continue;
		err = db_set_prepare(&sets[k]);
		arm.set = &sets[k];
		arm.n = 1;
		arm.copies = DB_TRACE_COPIES;
		if (!err)
			err = db_arm_run(&arm, 0, &th);
		err2 = db_set_finish(&sets[k]);
		if (!err)
			err = err2;
	}
	if (err)
		pr_err(DB_NAME ": traced copies: %d\n", err);
	db_sets_free(sets, ARRAY_SIZE(engs));
	return err;
}

/* ------------------------------------------------------------------ */
/* reg: the registry with fake devices and clients */

static struct dmaeng_tx *db_fake_prep(struct dmaeng_chan *chan,
				      dma_addr_t dst, dma_addr_t src,
				      size_t len, unsigned long flags)
{
	return NULL;
}

static void db_fake_issue_pending(struct dmaeng_chan *chan)
{
}

static int db_fake_terminate_all(struct dmaeng_chan *chan)
{
	return 0;
}

static void db_fake_synchronize(struct dmaeng_chan *chan)
{
}

static const struct dmaeng_device_ops db_fake_ops = {
	.prep_memcpy = db_fake_prep,
	.issue_pending = db_fake_issue_pending,
	.terminate_all = db_fake_terminate_all,
	.synchronize = db_fake_synchronize,
};

static void db_fake_release(struct dmaeng_device *ddev)
{
	kfree(container_of(ddev, struct db_fake, ddev));
}

static struct db_fake *db_fake_alloc(unsigned int nchans)
{
	struct db_fake *f;
	unsigned int i;

	f = kzalloc(struct_size(f, chans, nchans), GFP_KERNEL);
	if (!f)
		return NULL;
	f->ddev.dev = &db_pdev->dev;
	f->ddev.owner = THIS_MODULE;
	f->ddev.ops = &db_fake_ops;
	f->ddev.release = db_fake_release;
	dmaeng_cap_set(DMAENG_MEMCPY, &f->ddev.cap_mask);
	INIT_LIST_HEAD(&f->ddev.channels);
	for (i = 0; i < nchans; i++)
		list_add_tail(&f->chans[i].device_node, &f->ddev.channels);
	return f;
}

/* Register fresh clients @cl[0 .. @n - 1]; on failure none is left. */
static int db_clients_register(struct dmaeng_client *cl, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].name = DB_NAME "-other";
		dmaeng_cap_set(DMAENG_MEMCPY, &cl[i].cap_mask);
		err = dmaeng_client_register(&cl[i]);
		if (err) {
			while (i--)
				dmaeng_client_unregister(&cl[i]);
			return err;
		}
	}
	return 0;
}

static void db_clients_unregister(struct dmaeng_client *cl, unsigned int n)
{
	while (n--)
		dmaeng_client_unregister(&cl[n]);
}

/* Median ns (hundredths) per client register + unregister. */
static int db_reg_client_ns(u64 *ns100)
{
	struct dmaeng_client probe = { .name = DB_NAME "-probe" };
	u64 runs[DB_MAX_RUNS], t0;
	int r, i, err;

	dmaeng_cap_set(DMAENG_MEMCPY, &probe.cap_mask);
	for (r = 0; r < DB_RUNS; r++) {
		t0 = db_now();
		for (i = 0; i < DB_REG_ITERS; i++) {
			err = dmaeng_client_register(&probe);
			if (err)
				return err;
			dmaeng_client_unregister(&probe);
		}
		runs[r] = db_ratio100(db_now() - t0, DB_REG_ITERS);
		cond_resched();
	}
	*ns100 = db_median(runs, DB_RUNS);
	return 0;
}

/* Median ns (hundredths) per 8-channel device register + unregister. */
static int db_reg_provider_ns(u64 *ns100)
{
	struct db_fake *f[DB_PROV_ITERS];
	u64 runs[DB_MAX_RUNS], ns;
	int r, i, err = 0;

	for (r = 0; r < DB_RUNS && !err; r++) {
		for (i = 0; i < DB_PROV_ITERS; i++) {
			f[i] = db_fake_alloc(8);
			if (!f[i]) {
				while (i--)
					kfree(f[i]);
				return -ENOMEM;
			}
		}
		ns = 0;
		/* The clients' references keep each device until they go. */
		for (i = 0; i < DB_PROV_ITERS; i++) {
			u64 t0 = db_now();

			err = dmaeng_device_register(&f[i]->ddev);
			if (err) {
				while (i < DB_PROV_ITERS)
					kfree(f[i++]);
				break;
			}
			dmaeng_device_unregister(&f[i]->ddev);
			ns += db_now() - t0;
		}
		runs[r] = db_ratio100(ns, DB_PROV_ITERS);
		cond_resched();
	}
	if (!err)
		*ns100 = db_median(runs, DB_RUNS);
	return err;
}

static int db_phase_reg(void)
{
	static const unsigned int counts[] = { 1, 8, 64 };
	char desc[sizeof_field(struct db_fig, desc)];
	struct dmaeng_client *cl;
	unsigned int i, j;
	struct db_fake *f;
	u64 ns100;
	int err = 0;

	cl = kcalloc(DB_MAX_CLIENTS, sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(counts) && !err; i++) {
		f = db_fake_alloc(counts[i]);
		if (!f) {
			err = -ENOMEM;
			break;
		}
		err = dmaeng_device_register(&f->ddev);
		if (err) {
			kfree(f);
			break;
		}
		for (j = 0; j < ARRAY_SIZE(counts) && !err; j++) {
			err = db_clients_register(cl, counts[j]);
			if (err)
				break;
			err = db_reg_client_ns(&ns100);
			db_clients_unregister(cl, counts[j]);
			if (err)
				break;
			snprintf(desc, sizeof(desc),
				 "ns per client register + unregister, %u fake channels, %u other clients, median of %d runs of %d",
				 counts[i], counts[j], DB_RUNS, DB_REG_ITERS);
			db_fig(ns100, "ns", desc, "reg.client.ch%u.cl%u",
			       counts[i], counts[j]);
		}
		dmaeng_device_unregister(&f->ddev);	/* frees it */
	}
	if (!err)
		err = db_clients_register(cl, DB_MAX_CLIENTS);
	if (!err) {
		err = db_reg_provider_ns(&ns100);
		db_clients_unregister(cl, DB_MAX_CLIENTS);
	}
	if (!err) {
		snprintf(desc, sizeof(desc),
			 "ns per 8-channel device register + unregister, %d clients taking its channels, median of %d runs of %d",
			 DB_MAX_CLIENTS, DB_RUNS, DB_PROV_ITERS);
		db_fig(ns100, "ns", desc, "reg.provider.cl%d", DB_MAX_CLIENTS);
	}
	kfree(cl);
	if (err)
		pr_err(DB_NAME ": registry figures: %d\n", err);
	return err;
}

/* ------------------------------------------------------------------ */
/* Runs */

/* The kernel dmaengine channels of dmaeng_kadapter, after dmaengine_get(). */
static void db_find_kchans(void)
{
	struct dma_chan *chan = dma_find_channel(DMA_MEMCPY), *c;

	db_have_dmaengine = chan;
	db_nkchans = 0;
	if (!chan || strcmp(dev_name(chan->device->dev), DB_KADAPTER)) {
		pr_warn(DB_NAME ": no %s channel: no dmaengine figures\n",
			DB_KADAPTER);
		return;
	}
	/* dmaengine_get() holds every channel: the list is stable. */
	list_for_each_entry(c, &chan->device->channels, device_node) {
		if (db_nkchans == DB_MAX_CHANS)
			break;
		db_kchans[db_nkchans++] = c;
	}
}

static int db_phase(const char *phase)
{
	bool all = !strcmp(phase, "all") || !strcmp(phase, "1");
	int err = 0, n;

	if (!strcmp(phase, "reg"))
		return db_phase_reg();
	if (!all && strcmp(phase, "find") && strcmp(phase, "copy") &&
	    strcmp(phase, "tput") && strcmp(phase, "map") &&
	    strcmp(phase, "trace"))
		return -EINVAL;

	err = dmaeng_client_register(&db_client);
	if (err)
		return err;
	dmaengine_get();
	n = dmaeng_client_channels(&db_client, db_dchans, DB_MAX_CHANS);
	db_ndchans = clamp(n, 0, DB_MAX_CHANS);
	if (!db_ndchans)
		pr_warn(DB_NAME ": no dmaeng MEMCPY channel: no dmaeng figures\n");
	db_find_kchans();

	if (all || !strcmp(phase, "find"))
		err = db_phase_find();
	if (!err && (all || !strcmp(phase, "copy")))
		err = db_phase_copy();
	if (!err && (all || !strcmp(phase, "tput")))
		err = db_phase_tput();
	if (!err && (all || !strcmp(phase, "map")))
		err = db_phase_map();
	if (!err && !strcmp(phase, "trace"))
		err = db_phase_trace();

	db_ndchans = 0;
	db_nkchans = 0;
	db_have_dmaengine = false;
	dmaengine_put();
	dmaeng_client_unregister(&db_client);
	if (!err && all)
		err = db_phase_reg();
	return err;
}

static ssize_t db_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[16];
	int err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);
	mutex_lock(&db_run_lock);
	pr_info(DB_NAME ": phase %s\n", buf);
	err = db_phase(buf);
	mutex_unlock(&db_run_lock);
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
	int i;

	mutex_lock(&db_lock);
	for (i = 0; i < db_nfigs; i++)
		seq_printf(s, "fig %s %llu.%02llu %s %s\n", db_figs[i].key,
			   db_figs[i].v100 / 100, db_figs[i].v100 % 100,
			   db_figs[i].unit, db_figs[i].desc);
	mutex_unlock(&db_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(db_results);

static int __init db_init(void)
{
	int cpu, i, err;

	db_floor_ptr = alloc_percpu(void *);
	if (!db_floor_ptr)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		per_cpu(*db_floor_ptr, cpu) = &db_client;
	dmaeng_cap_set(DMAENG_MEMCPY, &db_client.cap_mask);
	for (i = 0; i < DB_MAX_CHANS; i++) {
		spin_lock_init(&db_rchans[i].lock);
		INIT_LIST_HEAD(&db_rchans[i].submitted);
		INIT_LIST_HEAD(&db_rchans[i].issued);
		INIT_WORK(&db_rchans[i].work, db_raw_work);
	}
	/* As dmaeng_memcpy's and dmaeng_kadapter's. */
	db_raw_wq = alloc_workqueue(DB_NAME, WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!db_raw_wq) {
		free_percpu(db_floor_ptr);
		return -ENOMEM;
	}
	db_pdev = platform_device_register_simple(DB_NAME, PLATFORM_DEVID_NONE,
						  NULL, 0);
	err = PTR_ERR_OR_ZERO(db_pdev);
	if (!err)
		err = dma_coerce_mask_and_coherent(&db_pdev->dev,
						   DMA_BIT_MASK(64));
	if (err) {
		if (!IS_ERR(db_pdev))
			platform_device_unregister(db_pdev);
		destroy_workqueue(db_raw_wq);
		free_percpu(db_floor_ptr);
		return err;
	}
	db_debugfs = debugfs_create_dir(DB_NAME, NULL);
	debugfs_create_file("run", 0200, db_debugfs, NULL, &db_run_fops);
	debugfs_create_file("results", 0444, db_debugfs, NULL,
			    &db_results_fops);
	return 0;
}

static void __exit db_exit(void)
{
	debugfs_remove_recursive(db_debugfs);
	destroy_workqueue(db_raw_wq);
	platform_device_unregister(db_pdev);
	free_percpu(db_floor_ptr);
}

module_init(db_init);
module_exit(db_exit);

MODULE_DESCRIPTION("dmaeng benchmarks for make bench (not shipped)");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
