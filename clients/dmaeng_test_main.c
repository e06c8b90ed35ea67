// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_test: the dmaeng test client, in the spirit of dmatest.
 *
 * Loaded with private=0 (the default) it registers a public client with the
 * capabilities of caps= (default memcpy), which holds every public channel
 * whose device offers them, now and as providers come, until it is
 * unloaded.  With private=1 it takes one channel (the one named by
 * channel=, or any) for exclusive use instead, and fails to load without.
 * On a channel whose device offers DMAENG_INTERRUPT each copy completes
 * through its callback; on one without, the thread polls it with
 * dmaeng_sync_wait().
 *
 * /sys/kernel/debug/dmaeng_test/lookups shows, for each online CPU, what
 * dmaeng_find_channel() returns to this client there for each capability,
 * and whether the client holds it ("held" or "NOT-HELD").
 *
 * Writing 1 to /sys/kernel/debug/dmaeng_test/run starts threads_per_chan
 * threads on each selected channel and returns when they are done (or the
 * writer is killed).  Each thread does iterations copies, batch at a time in
 * flight, of lengths spread log-uniformly over 1 .. max_size at random
 * offsets within its buffers:
 *  - the source buffer holds a pattern whose bytes all have the top bit set
 *    and depend on their index; the destination is filled with DT_FILL,
 *    which has it clear;
 *  - after each copy every byte of its window (the range and DT_GUARD bytes
 *    on each side, in both buffers) is checked: in range it must equal the
 *    source byte (else "wrong", or "not copied" if still DT_FILL); outside
 *    the range it must still be DT_FILL; the source must be unchanged;
 *  - every DT_SCAN_EVERY copies and at the end, both whole buffers are
 *    checked, for writes far outside any window.
 * Every mapping is made with the dmaeng helpers, checked with
 * dmaeng_mapping_error(), and released with its copy through an unmap-data
 * object (or unmapped at once if the copy does not go to the engine).  A
 * failed mapping, a NULL prep (DMAENG_PREP_NOWAIT) or a refused submit is
 * counted and the copy done by the CPU instead, so no copy is lost.  Per
 * channel, submitted = completed + errors.
 *
 * Results: /sys/kernel/debug/dmaeng_test/results, and one line per channel
 * in the kernel log:
 *   dmaeng_test: <chan>: <N> copies, <M> failures, <K> KiB/s; key=value...
 *
 * That is test=memcpy, the default.  test=memset, sg, slave, cyclic or
 * pause runs another transfer type instead, with no CPU fallback, every
 * byte verified (dmaeng_test_xfer.c); their result lines read
 *   dmaeng_test: <test> <chan>: <N> transfers, <M> failures, <K> KiB/s; ...
 * and the results file ends with "total: <N> transfers, <M> failures".
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/debugfs.h>
#include <linux/dma-direction.h>
#include <linux/mm.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include "dmaeng_test.h"

static char caps[32] = "memcpy";
module_param_string(caps, caps, sizeof(caps), 0444);
MODULE_PARM_DESC(caps, "Capabilities the public client needs, comma-separated: memcpy, interrupt, memset, sg, slave, cyclic (default: memcpy)");

static bool private;
module_param(private, bool, 0444);
MODULE_PARM_DESC(private, "Take one private channel at load instead of registering a public client (default: 0)");

static char channel[24];
module_param_string(channel, channel, sizeof(channel), 0644);
MODULE_PARM_DESC(channel, "Channel to test, e.g. dma0chan1 (default: every channel held)");

static unsigned int threads_per_chan = 1;
module_param(threads_per_chan, uint, 0644);
MODULE_PARM_DESC(threads_per_chan, "Threads per channel, 1..16 (default: 1)");

static unsigned int iterations = 100;
module_param(iterations, uint, 0644);
MODULE_PARM_DESC(iterations, "Copies per thread, at least 1 (default: 100)");

static unsigned int max_size = 65536;
module_param(max_size, uint, 0644);
MODULE_PARM_DESC(max_size, "Largest copy in bytes, 1..4194304 (default: 65536)");

static unsigned int batch = 1;
module_param(batch, uint, 0644);
MODULE_PARM_DESC(batch, "Copies in flight per thread, 1..256 (default: 1)");

static bool verify = true;
module_param(verify, bool, 0644);
MODULE_PARM_DESC(verify, "Verify every byte after each copy (default: 1)");

static bool nowait;
module_param(nowait, bool, 0644);
MODULE_PARM_DESC(nowait, "Prepare with DMAENG_PREP_NOWAIT: may fail and fall back to the CPU (default: 0)");

static bool make_it_fail;
module_param(make_it_fail, bool, 0644);
MODULE_PARM_DESC(make_it_fail, "Mark the test threads for fault injection (failslab task-filter) while copying (default: 0)");

static unsigned int timeout_ms = 5000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "Report a copy not completed after this many ms, then keep waiting (default: 5000)");

static bool fixed_size;
module_param(fixed_size, bool, 0644);
MODULE_PARM_DESC(fixed_size, "Every copy is max_size bytes, at offset 0 (default: 0)");

static bool cpu;
module_param(cpu, bool, 0644);
MODULE_PARM_DESC(cpu, "Baseline: copy with the CPU's memcpy, no engine, no mapping (default: 0)");

static unsigned int seed;
module_param(seed, uint, 0644);
MODULE_PARM_DESC(seed, "Seed for lengths and offsets, 0 = random (default: 0)");

static char test[16] = "memcpy";
module_param_string(test, test, sizeof(test), 0644);
MODULE_PARM_DESC(test, "What a run does: memcpy, memset, sg, slave, cyclic or pause (default: memcpy)");

const char * const dt_test_names[DT_TEST_COUNT] = {
	[DT_TEST_MEMCPY] = "memcpy",
	[DT_TEST_MEMSET] = "memset",
	[DT_TEST_SG] = "sg",
	[DT_TEST_SLAVE] = "slave",
	[DT_TEST_CYCLIC] = "cyclic",
	[DT_TEST_PAUSE] = "pause",
};

struct dt_result {
	struct dmaeng_chan *chan;
	atomic64_t copies;
	atomic64_t failures;
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t errors;
	atomic64_t fallbacks;
	atomic64_t map_errors;
	atomic64_t prep_failures;
	atomic64_t submit_errors;
	atomic64_t timeouts;
	atomic64_t bytes;
	atomic64_t elapsed_ns;		/* the slowest thread's */
};

struct dt_slot {
	u8 *src;
	u8 *dst;
	size_t len;
	size_t src_off;
	size_t dst_off;
	dma_addr_t src_dma;
	dma_addr_t dst_dma;
	bool by_dma;
	bool polled;			/* no callback: dmaeng_sync_wait() */
	s32 cookie;
	enum dmaeng_result result;
	struct completion done;
};

struct dt_thread {
	struct dt_result *res;
	struct dt_run *run;
	struct rnd_state rnd;
	u8 *ref;			/* the pristine source pattern */
	struct dt_slot *slots;
	int err;
};

struct dt_run {
	unsigned int size;		/* max_size of this run */
	unsigned int batch;
	unsigned int iterations;
	unsigned long prep_flags;
	bool verify;
	bool fixed_size;
	bool cpu;
	int nres;
	struct dt_result res[DT_MAX_CHANS];
	atomic_t running;
	struct completion done;
	bool stop;
	ktime_t start;
};

static struct dmaeng_client dt_client = { .name = "dmaeng_test" };
static struct dmaeng_chan *dt_private;
static struct dentry *dt_debugfs;
static DEFINE_MUTEX(dt_lock);		/* dt_last, dt_last_report */
/* The last finished run's results: a memcpy run's, or another test's. */
static struct dt_run *dt_last;
static struct dt_report *dt_last_report;
static atomic_t dt_running = ATOMIC_INIT(0);

static void dt_callback(void *param, enum dmaeng_result result)
{
	struct dt_slot *s = param;

	s->result = result;
	complete(&s->done);
}

static void dt_cpu_copy(struct dt_thread *t, struct dt_slot *s)
{
	memcpy(s->dst + s->dst_off, s->src + s->src_off, s->len);
	atomic64_inc(&t->res->fallbacks);
	s->by_dma = false;
}

/* Choose a copy and start it on the engine, or do it by CPU. */
static void dt_start(struct dt_thread *t, struct dt_slot *s)
{
	struct dt_run *run = t->run;
	struct dmaeng_chan *chan = t->res->chan;
	const struct dmaeng_client *owner = dt_private ? NULL : &dt_client;
	unsigned int bits = ilog2(run->size);
	struct dmaeng_unmap_data *unmap;
	struct dmaeng_tx *tx;
	void *src, *dst;
	size_t len;

	if (run->fixed_size) {
		s->len = run->size;
		s->src_off = 0;
		s->dst_off = 0;
	} else {
		len = 1UL << (prandom_u32_state(&t->rnd) % (bits + 1));
		len += prandom_u32_state(&t->rnd) % len;
		s->len = min_t(size_t, len, run->size);
		s->src_off = prandom_u32_state(&t->rnd) % (run->size - s->len + 1);
		s->dst_off = prandom_u32_state(&t->rnd) % (run->size - s->len + 1);
	}
	atomic64_inc(&t->res->copies);
	if (run->cpu) {
		memcpy(s->dst + s->dst_off, s->src + s->src_off, s->len);
		atomic64_add(s->len, &t->res->bytes);
		s->by_dma = false;
		return;
	}
	src = s->src + s->src_off;
	dst = s->dst + s->dst_off;

	s->src_dma = dmaeng_map_page(chan, owner, virt_to_page(src),
				     offset_in_page(src), s->len, DMA_TO_DEVICE);
	if (dmaeng_mapping_error(chan, s->src_dma))
		goto map_failed;
	s->dst_dma = dmaeng_map_page(chan, owner, virt_to_page(dst),
				     offset_in_page(dst), s->len,
				     DMA_FROM_DEVICE);
	if (dmaeng_mapping_error(chan, s->dst_dma)) {
		dmaeng_unmap_page(chan, s->src_dma, s->len, DMA_TO_DEVICE);
		goto map_failed;
	}
	/* Both mappings go with the copy: released before its callback. */
	unmap = dmaeng_get_unmap_data(chan, run->prep_flags & DMAENG_PREP_NOWAIT ?
					    GFP_NOWAIT : GFP_KERNEL);
	if (!unmap) {
		dmaeng_unmap_page(chan, s->dst_dma, s->len, DMA_FROM_DEVICE);
		dmaeng_unmap_page(chan, s->src_dma, s->len, DMA_TO_DEVICE);
		atomic64_inc(&t->res->prep_failures);
		dt_cpu_copy(t, s);
		return;
	}
	unmap->to_cnt = 1;
	unmap->from_cnt = 1;
	unmap->len = s->len;
	unmap->addr[0] = s->src_dma;
	unmap->addr[1] = s->dst_dma;

	s->polled = !dmaeng_chan_has_cap(chan, DMAENG_INTERRUPT);
	tx = dmaeng_prep_memcpy(chan, s->dst_dma, s->src_dma, s->len,
				s->polled ? run->prep_flags & ~DMAENG_PREP_INTERRUPT :
					    run->prep_flags);
	if (!tx) {
		atomic64_inc(&t->res->prep_failures);
		goto unmap;
	}
	if (!s->polled) {
		tx->callback = dt_callback;
		tx->callback_param = s;
	}
	dmaeng_set_unmap(tx, unmap);
	reinit_completion(&s->done);
	s->cookie = dmaeng_submit(tx);
	if (s->cookie < 0) {
		atomic64_inc(&t->res->submit_errors);
		goto unmap;
	}
	dmaeng_unmap_put(unmap);
	atomic64_inc(&t->res->submitted);
	dmaeng_issue_pending(chan);
	s->by_dma = true;
	return;

unmap:
	dmaeng_unmap_put(unmap);
	dt_cpu_copy(t, s);
	return;
map_failed:
	atomic64_inc(&t->res->map_errors);
	dt_cpu_copy(t, s);
}

static size_t dt_count_not(const u8 *p, u8 val, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != val;
	return bad;
}

/* Report a bad copy, or a bad buffer when @s->len is 0 (full scan). */
static void dt_report(struct dt_thread *t, struct dt_slot *s, size_t wrong,
		      size_t not_copied, size_t outside, size_t src_bad)
{
	pr_err_ratelimited("dmaeng_test: %s: %s of %zu bytes from +%zu to +%zu: %zu wrong, %zu not copied, %zu written outside, %zu source bytes changed\n",
			   dmaeng_chan_name(t->res->chan),
			   s->len ? "copy" : "buffer scan", s->len, s->src_off,
			   s->dst_off, wrong, not_copied, outside, src_bad);
}

/*
 * Check the copy of slot @s: the window of the copy and DT_GUARD bytes on
 * each side, in both buffers.  @data: the copied range must hold the source
 * bytes (not for a copy the engine failed).  Restores the window.
 * Return: true if anything is wrong.
 */
static bool dt_check(struct dt_thread *t, struct dt_slot *s, bool data)
{
	size_t size = t->run->size, end = s->dst_off + s->len, i;
	size_t dlo = s->dst_off > DT_GUARD ? s->dst_off - DT_GUARD : 0;
	size_t dhi = min(size, end + DT_GUARD);
	size_t slo = s->src_off > DT_GUARD ? s->src_off - DT_GUARD : 0;
	size_t shi = min(size, s->src_off + s->len + DT_GUARD);
	size_t wrong = 0, not_copied = 0, outside = 0, src_bad = 0;
	const u8 *got = s->dst + s->dst_off, *want = t->ref + s->src_off;

	if (memcmp(s->src + slo, t->ref + slo, shi - slo)) {
		for (i = slo; i < shi; i++)
			src_bad += s->src[i] != t->ref[i];
		memcpy(s->src + slo, t->ref + slo, shi - slo);
	}
	if (memchr_inv(s->dst + dlo, DT_FILL, s->dst_off - dlo))
		outside += dt_count_not(s->dst + dlo, DT_FILL, s->dst_off - dlo);
	if (memchr_inv(s->dst + end, DT_FILL, dhi - end))
		outside += dt_count_not(s->dst + end, DT_FILL, dhi - end);
	if (data && memcmp(got, want, s->len)) {
		for (i = 0; i < s->len; i++) {
			if (got[i] == want[i])
				continue;
			if (got[i] == DT_FILL)
				not_copied++;
			else
				wrong++;
		}
	}
	memset(s->dst + dlo, DT_FILL, dhi - dlo);

	if (!(wrong | not_copied | outside | src_bad))
		return false;
	dt_report(t, s, wrong, not_copied, outside, src_bad);
	return true;
}

/*
 * Between copies both buffers of every slot must be pristine: this catches
 * writes far outside any copy's window.  Return: bad slots, restored.
 */
static unsigned int dt_scan(struct dt_thread *t)
{
	size_t size = t->run->size, outside, src_bad;
	unsigned int i, bad = 0;

	for (i = 0; i < t->run->batch; i++) {
		struct dt_slot *s = &t->slots[i];

		outside = memchr_inv(s->dst, DT_FILL, size) ?
			  dt_count_not(s->dst, DT_FILL, size) : 0;
		src_bad = 0;
		if (memcmp(s->src, t->ref, size)) {
			size_t j;

			for (j = 0; j < size; j++)
				src_bad += s->src[j] != t->ref[j];
		}
		if (!outside && !src_bad)
			continue;
		bad++;
		s->len = 0;
		dt_report(t, s, 0, 0, outside, src_bad);
		memset(s->dst, DT_FILL, size);
		memcpy(s->src, t->ref, size);
	}
	return bad;
}

/* Wait for a copy submitted without a callback. */
static void dt_poll(struct dt_thread *t, struct dt_slot *s)
{
	struct dmaeng_chan *chan = t->res->chan;
	int err;

	err = dmaeng_sync_wait(chan, s->cookie, timeout_ms);
	if (err == -ETIMEDOUT) {
		atomic64_inc(&t->res->timeouts);
		pr_warn_ratelimited("dmaeng_test: %s: copy not done after %u ms\n",
				    dmaeng_chan_name(chan), timeout_ms);
		do
			err = dmaeng_sync_wait(chan, s->cookie, timeout_ms);
		while (err == -ETIMEDOUT);
	}
	s->result = err ? DMAENG_RESULT_ERROR : DMAENG_RESULT_OK;
	complete(&s->done);
}

/* Wait for a started copy (its mappings are gone with it), check it. */
static void dt_finish(struct dt_thread *t, struct dt_slot *s)
{
	bool data = true;

	if (s->by_dma && s->polled)
		dt_poll(t, s);
	if (s->by_dma) {
		if (!wait_for_completion_timeout(&s->done,
						 msecs_to_jiffies(timeout_ms))) {
			atomic64_inc(&t->res->timeouts);
			pr_warn_ratelimited("dmaeng_test: %s: copy not done after %u ms\n",
					    dmaeng_chan_name(t->res->chan),
					    timeout_ms);
			wait_for_completion(&s->done);
		}
		if (s->result == DMAENG_RESULT_OK) {
			atomic64_inc(&t->res->completed);
			atomic64_add(s->len, &t->res->bytes);
		} else {
			atomic64_inc(&t->res->errors);
			data = false;
		}
	}
	if (!t->run->verify)
		memset(s->dst + s->dst_off, DT_FILL, s->len);
	else if (dt_check(t, s, data))
		atomic64_inc(&t->res->failures);
}

static void dt_free_thread(struct dt_thread *t)
{
	unsigned int i;

	if (t->slots) {
		for (i = 0; i < t->run->batch; i++) {
			kfree(t->slots[i].src);
			kfree(t->slots[i].dst);
		}
	}
	kfree(t->slots);
	kfree(t->ref);
}

static int dt_alloc_thread(struct dt_thread *t)
{
	unsigned int i, size = t->run->size;
	size_t j;

	t->ref = kmalloc(size, GFP_KERNEL);
	t->slots = kcalloc(t->run->batch, sizeof(*t->slots), GFP_KERNEL);
	if (!t->ref || !t->slots)
		return -ENOMEM;
	for (j = 0; j < size; j++)
		t->ref[j] = dt_pattern(j);
	for (i = 0; i < t->run->batch; i++) {
		struct dt_slot *s = &t->slots[i];

		s->src = kmalloc(size, GFP_KERNEL);
		s->dst = kmalloc(size, GFP_KERNEL);
		if (!s->src || !s->dst)
			return -ENOMEM;
		memcpy(s->src, t->ref, size);
		memset(s->dst, DT_FILL, size);
		init_completion(&s->done);
	}
	return 0;
}

static void dt_fault_inject(bool on)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = on;
#endif
}

static int dt_thread_fn(void *data)
{
	struct dt_thread *t = data;
	struct dt_run *run = t->run;
	unsigned int done = 0, n, i;
	s64 ns, old;

	t->err = dt_alloc_thread(t);
	if (t->err)
		goto out;
	if (READ_ONCE(make_it_fail))
		dt_fault_inject(true);
	while (done < run->iterations && !READ_ONCE(run->stop)) {
		n = min(run->batch, run->iterations - done);
		for (i = 0; i < n; i++)
			dt_start(t, &t->slots[i]);
		for (i = 0; i < n; i++)
			dt_finish(t, &t->slots[i]);
		if (run->verify && (done / DT_SCAN_EVERY != (done + n) / DT_SCAN_EVERY ||
				    done + n == run->iterations))
			atomic64_add(dt_scan(t), &t->res->failures);
		done += n;
		cond_resched();
	}
	dt_fault_inject(false);
	/* The channel's time is its slowest thread's. */
	ns = ktime_to_ns(ktime_sub(ktime_get(), run->start));
	old = atomic64_read(&t->res->elapsed_ns);
	while (ns > old && !atomic64_try_cmpxchg(&t->res->elapsed_ns, &old, ns))
		;
out:
	dt_free_thread(t);
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	return 0;
}

/* One result line; returns its length. */
static int dt_format(char *buf, size_t size, struct dt_result *r)
{
	s64 ns = atomic64_read(&r->elapsed_ns);
	u64 kibps = ns ? div64_u64((u64)atomic64_read(&r->bytes) * 1000000000ULL,
				   (u64)ns * 1024) : 0;

	return scnprintf(buf, size,
			 "%s: %lld copies, %lld failures, %llu KiB/s; submitted=%lld completed=%lld errors=%lld fallbacks=%lld map_errors=%lld prep_failures=%lld submit_errors=%lld timeouts=%lld bytes=%lld\n",
			 dmaeng_chan_name(r->chan), atomic64_read(&r->copies),
			 atomic64_read(&r->failures), kibps,
			 atomic64_read(&r->submitted),
			 atomic64_read(&r->completed),
			 atomic64_read(&r->errors),
			 atomic64_read(&r->fallbacks),
			 atomic64_read(&r->map_errors),
			 atomic64_read(&r->prep_failures),
			 atomic64_read(&r->submit_errors),
			 atomic64_read(&r->timeouts),
			 atomic64_read(&r->bytes));
}

/* Whether @chan is the one asked for by channel= (empty: any). */
static bool dt_wanted(struct dmaeng_chan *chan)
{
	return !channel[0] || !strcmp(channel, "\n") ||
	       sysfs_streq(channel, dmaeng_chan_name(chan));
}

/* The channels to test into @sel[DT_MAX_CHANS]; return: how many, or errno. */
static int dt_select_channels(struct dmaeng_chan **sel)
{
	struct dmaeng_chan *chans[DT_MAX_CHANS];
	int i, n, nsel = 0;

	if (dt_private) {
		chans[0] = dt_private;
		n = 1;
	} else {
		n = dmaeng_client_channels(&dt_client, chans, DT_MAX_CHANS);
		if (n < 0)
			return n;
		n = min(n, DT_MAX_CHANS);
	}
	for (i = 0; i < n; i++)
		if (dt_wanted(chans[i]))
			sel[nsel++] = chans[i];
	if (!nsel) {
		pr_err("dmaeng_test: no channel to test%s%s\n",
		       channel[0] ? " named " : "", channel);
		return -ENODEV;
	}
	return nsel;
}

static int dt_pick_channels(struct dt_run *run)
{
	struct dmaeng_chan *chans[DT_MAX_CHANS];
	int i, n;

	n = dt_select_channels(chans);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		run->res[run->nres++].chan = chans[i];
	return 0;
}

static int dt_check_params(void)
{
	if (!threads_per_chan || threads_per_chan > 16 || !iterations ||
	    !max_size || max_size > DT_MAX_SIZE || !batch || batch > 256) {
		pr_err("dmaeng_test: bad parameters: threads_per_chan 1..16, iterations >= 1, max_size 1..%u, batch 1..256\n",
		       DT_MAX_SIZE);
		return -EINVAL;
	}
	return 0;
}

static int dt_run_once(void)
{
	struct dt_thread *threads;
	struct task_struct *task;
	struct dt_run *run;
	unsigned int nthreads, i;
	u32 run_seed = seed ?: get_random_u32();
	char line[DT_LINE];
	int err;

	err = dt_check_params();
	if (err)
		return err;
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->size = max_size;
	run->batch = batch;
	run->iterations = iterations;
	run->verify = verify;
	run->fixed_size = fixed_size;
	run->cpu = cpu;
	run->prep_flags = DMAENG_PREP_INTERRUPT | (nowait ? DMAENG_PREP_NOWAIT : 0);
	init_completion(&run->done);
	err = dt_pick_channels(run);
	if (err)
		goto free_run;

	nthreads = run->nres * threads_per_chan;
	threads = kcalloc(nthreads, sizeof(*threads), GFP_KERNEL);
	if (!threads) {
		err = -ENOMEM;
		goto free_run;
	}
	pr_info("dmaeng_test: %u threads on %d channels, %u copies each, %s %u bytes, batch %u, seed %u%s%s%s\n",
		nthreads, run->nres, run->iterations,
		run->fixed_size ? "of" : "up to", run->size, run->batch,
		run_seed, nowait ? ", nowait" : "",
		READ_ONCE(make_it_fail) ? ", make_it_fail" : "",
		run->cpu ? ", CPU memcpy baseline" : "");

	atomic_set(&run->running, 1);
	run->start = ktime_get();
	for (i = 0; i < nthreads; i++) {
		struct dt_thread *t = &threads[i];

		t->run = run;
		t->res = &run->res[i / threads_per_chan];
		prandom_seed_state(&t->rnd, (u64)run_seed << 16 | i);
		atomic_inc(&run->running);
		task = kthread_run(dt_thread_fn, t, "dmaeng_test/%s-%u",
				   dmaeng_chan_name(t->res->chan),
				   i % threads_per_chan);
		if (IS_ERR(task)) {
			atomic_dec(&run->running);
			WRITE_ONCE(run->stop, true);
			err = PTR_ERR(task);
			break;
		}
	}
	if (!atomic_dec_and_test(&run->running) &&
	    wait_for_completion_killable(&run->done)) {
		/* Killed: stop early, but the threads must finish first. */
		WRITE_ONCE(run->stop, true);
		wait_for_completion(&run->done);
		err = -EINTR;
	}
	for (i = 0; i < nthreads; i++)
		if (threads[i].err && !err)
			err = threads[i].err;
	kfree(threads);

	for (i = 0; i < run->nres; i++) {
		dt_format(line, sizeof(line), &run->res[i]);
		pr_info("dmaeng_test: %s", line);
	}
	mutex_lock(&dt_lock);
	kfree(dt_last);
	dt_last = run;
	kfree(dt_last_report);
	dt_last_report = NULL;
	mutex_unlock(&dt_lock);
	return err;

free_run:
	kfree(run);
	return err;
}

/* test=: what a run does; empty means the default, memcpy. */
static int dt_parse_test(enum dt_test *type)
{
	char buf[sizeof(test)];
	int i;

	strscpy(buf, test, sizeof(buf));
	if (!buf[0] || !strcmp(buf, "\n")) {
		*type = DT_TEST_MEMCPY;
		return 0;
	}
	for (i = 0; i < DT_TEST_COUNT; i++) {
		if (sysfs_streq(buf, dt_test_names[i])) {
			*type = i;
			return 0;
		}
	}
	pr_err("dmaeng_test: test=%s: unknown test (known: memcpy, memset, sg, slave, cyclic, pause)\n",
	       strim(buf));
	return -EINVAL;
}

/* A run of any test but memcpy (dmaeng_test_xfer.c); keeps its report. */
static int dt_run_xfer(enum dt_test type)
{
	struct dmaeng_chan *chans[DT_MAX_CHANS];
	struct dt_xfer_params p = {
		.test = type,
		.iterations = iterations,
		.max_size = max_size,
		.timeout_ms = timeout_ms,
		.seed = seed ?: get_random_u32(),
		.owner = dt_private ? NULL : &dt_client,
		.chans = chans,
	};
	struct dt_report *rep;
	int err, i;

	err = dt_check_params();
	if (err)
		return err;
	rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	rep->test = type;
	if (type == DT_TEST_MEMSET || type == DT_TEST_SG) {
		p.nchans = dt_select_channels(chans);
		err = min(p.nchans, 0);
	}
	if (!err)
		err = dt_xfer_run(&p, rep);
	rep->err = err;
	for (i = 0; i < rep->nlines; i++)
		pr_info("dmaeng_test: %s", rep->line[i]);

	mutex_lock(&dt_lock);
	kfree(dt_last);
	dt_last = NULL;
	kfree(dt_last_report);
	dt_last_report = rep;
	mutex_unlock(&dt_lock);
	/*
	 * -EPROBE_DEFER is the kernel's own: the writer gets -ENODEV, the
	 * results file says which ("run failed: -517").
	 */
	return err == -EPROBE_DEFER ? -ENODEV : err;
}

static ssize_t dt_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	enum dt_test type;
	bool start;
	int err;

	err = kstrtobool_from_user(ubuf, count, &start);
	if (err)
		return err;
	if (!start)
		return count;
	err = dt_parse_test(&type);
	if (err)
		return err;
	if (atomic_cmpxchg(&dt_running, 0, 1))
		return -EBUSY;
	err = type == DT_TEST_MEMCPY ? dt_run_once() : dt_run_xfer(type);
	atomic_set(&dt_running, 0);
	return err ?: count;
}

static ssize_t dt_run_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[3];

	snprintf(buf, sizeof(buf), "%d\n", atomic_read(&dt_running));
	return simple_read_from_buffer(ubuf, count, ppos, buf, 2);
}

static const struct file_operations dt_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dt_run_read,
	.write = dt_run_write,
	.llseek = default_llseek,
};

static int dt_results_show(struct seq_file *s, void *unused)
{
	u64 copies = 0, failures = 0;
	char line[DT_LINE];
	int i;

	mutex_lock(&dt_lock);
	if (dt_last_report) {
		struct dt_report *rep = dt_last_report;

		for (i = 0; i < rep->nlines; i++)
			seq_puts(s, rep->line[i]);
		if (rep->err)
			seq_printf(s, "%s: run failed: %d\n",
				   dt_test_names[rep->test], rep->err);
		seq_printf(s, "total: %llu transfers, %llu failures\n",
			   rep->transfers, rep->failures);
	}
	for (i = 0; dt_last && i < dt_last->nres; i++) {
		dt_format(line, sizeof(line), &dt_last->res[i]);
		seq_puts(s, line);
		copies += atomic64_read(&dt_last->res[i].copies);
		failures += atomic64_read(&dt_last->res[i].failures);
	}
	if (dt_last)
		seq_printf(s, "total: %llu copies, %llu failures\n", copies,
			   failures);
	mutex_unlock(&dt_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dt_results);

struct dt_lookup {
	enum dmaeng_cap cap;
	struct dmaeng_chan *chan;
};

static int dt_lookup_here(void *data)
{
	struct dt_lookup *l = data;

	l->chan = dmaeng_find_channel(&dt_client, l->cap);
	return 0;
}

/*
 * What dmaeng_find_channel() gives this client on each CPU.  (A device
 * registering or going while this runs may show a channel as NOT-HELD for
 * that moment.)
 */
static int dt_lookups_show(struct seq_file *s, void *unused)
{
	static const char * const names[] = { "memcpy", "interrupt" };
	struct dmaeng_chan **held;
	struct dt_lookup l;
	unsigned int cpu;
	int cap, i, n;

	if (dt_private) {
		seq_puts(s, "private\n");
		return 0;
	}
	n = dmaeng_client_channels(&dt_client, NULL, 0);
	if (n < 0)
		return n;
	held = kcalloc(max(n, 1), sizeof(*held), GFP_KERNEL);
	if (!held)
		return -ENOMEM;
	n = min(n, dmaeng_client_channels(&dt_client, held, n));
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		seq_printf(s, "cpu%u", cpu);
		for (cap = DMAENG_MEMCPY; cap <= DMAENG_INTERRUPT; cap++) {
			l.cap = cap;
			smp_call_on_cpu(cpu, dt_lookup_here, &l, false);
			for (i = 0; i < n && held[i] != l.chan; i++)
				;
			seq_printf(s, " %s=%s%s", names[cap],
				   l.chan ? dmaeng_chan_name(l.chan) : "none",
				   !l.chan ? "" : i < n ? "(held)" : "(NOT-HELD)");
		}
		seq_putc(s, '\n');
	}
	cpus_read_unlock();
	kfree(held);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dt_lookups);

/* caps=: the client's capability mask. */
static int dt_parse_caps(struct dmaeng_cap_mask *mask)
{
	char buf[sizeof(caps)];
	const char *bad;

	strscpy(buf, caps, sizeof(buf));
	if (dmaeng_caps_parse(buf, mask, &bad)) {
		pr_err("dmaeng_test: caps=%s: unknown capability '%s' (known: memcpy, interrupt, memset, sg, slave, cyclic)\n",
		       caps, bad);
		return -EINVAL;
	}
	return 0;
}

static bool dt_filter(struct dmaeng_chan *chan, void *param)
{
	return dt_wanted(chan);
}

static int __init dt_init(void)
{
	struct dmaeng_cap_mask mask = {};
	int err;

	err = dt_parse_caps(&mask);
	if (err)
		return err;
	if (private) {
		dt_private = dmaeng_request_channel(&mask, dt_filter, NULL);
		if (IS_ERR(dt_private)) {
			err = PTR_ERR(dt_private);
			dt_private = NULL;
			pr_err("dmaeng_test: no private %s channel%s%s: %d\n",
			       caps, channel[0] ? " named " : "", channel, err);
			return err;
		}
	} else {
		dt_client.cap_mask = mask;
		err = dmaeng_client_register(&dt_client);
		if (err)
			return err;
	}
	/* The client device whose named channels slave, cyclic, pause use. */
	err = dt_xfer_init();
	if (err) {
		if (dt_private)
			dmaeng_release_channel(dt_private);
		else
			dmaeng_client_unregister(&dt_client);
		return err;
	}
	dt_debugfs = debugfs_create_dir("dmaeng_test", NULL);
	debugfs_create_file("run", 0600, dt_debugfs, NULL, &dt_run_fops);
	debugfs_create_file("results", 0444, dt_debugfs, NULL,
			    &dt_results_fops);
	debugfs_create_file("lookups", 0444, dt_debugfs, NULL,
			    &dt_lookups_fops);
	return 0;
}

static void __exit dt_exit(void)
{
	debugfs_remove_recursive(dt_debugfs);
	dt_xfer_exit();
	if (dt_private)
		dmaeng_release_channel(dt_private);
	else
		dmaeng_client_unregister(&dt_client);
	kfree(dt_last);
	kfree(dt_last_report);
}

module_init(dt_init);
module_exit(dt_exit);

MODULE_DESCRIPTION("dmaeng test client: verified transfers on dmaeng channels");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
