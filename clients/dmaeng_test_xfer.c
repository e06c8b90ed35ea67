// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_test: the transfer types besides memcpy, chosen with test= and run
 * by writing 1 to /sys/kernel/debug/dmaeng_test/run.  Every byte of every
 * transfer is verified and nothing falls back to the CPU: a failed mapping,
 * a NULL prep, a refused submit, an engine error, a wait longer than
 * timeout_ms, a wrong status, residue, errno or callback count, a wrong
 * byte is each a failure, counted and reported with one concrete pr_err
 * line (rate-limited).  Nothing waits unbounded: a transfer still running
 * after timeout_ms is terminated (dmaeng_terminate_sync()); one that cannot
 * be (a public channel) is given another timeout_ms and then abandoned,
 * its buffers and mappings leaked rather than freed under the engine.
 *
 * memset, sg: on each selected channel (those of the memcpy test) whose
 * device offers DMAENG_MEMSET, resp. DMAENG_MEMCPY_SG (the others are
 * skipped, and their line says so), iterations transfers:
 *  - memset: a fill of 1 .. max_size bytes (log-uniform, as memcpy) at a
 *    random offset of a max_size buffer holding DT_FILL, with a random byte
 *    (not DT_FILL), mapped DMA_FROM_DEVICE and released through an
 *    unmap-data object; the range must hold the byte, the DT_GUARD bytes on
 *    each side DT_FILL; every DT_SCAN_EVERY fills and at the end the whole
 *    buffer must be DT_FILL again.
 *  - sg: a copy of 1 .. max_size bytes between two scatterlists, 1 .. 16
 *    segments each (chosen independently), of random sizes (at most the
 *    device's segment and mapping limits), each segment in its own kmalloc
 *    chunk at a random offset behind DT_SG_GUARD guard bytes and before as
 *    many again; the destination segments, in order, must hold the source
 *    bytes, every guard byte must be intact, the source unchanged.
 *
 * slave, cyclic, pause: on the named channels "tx" and "rx" of the platform
 * device "dmaeng_test" (registered at load), from dmaeng_request_chan() at
 * the start of the run and released at its end; a failed request fails the
 * write of run with its errno (-ENODEV while no provider maps them, the
 * results file saying "run failed: -517", -EPROBE_DEFER; -EBUSY while
 * they are held).  Both must be on one dmaeng device, whose
 * loopback FIFO (dmaeng_memcpy.h) connects them.  Each round picks a bus
 * width (1, 2, 4 or 8) and a burst (1 .. 16) per channel (one for both in
 * pause), and every list has 1 .. 16 segments:
 *  - slave: iterations rounds, then one more with RX issued first (and TX
 *    5 ms later): TX sends a pattern of 1 .. max_size bytes (a multiple of
 *    both widths) from one list while RX receives it into another; both
 *    must complete and RX must hold the pattern byte for byte.
 *  - cyclic: iterations rounds of two parts.  (a) RX cyclic over a ring of
 *    DT_CYC_PERIODS periods while a TX list sends exactly that many periods
 *    of pattern: DT_CYC_PERIODS period callbacks (DMAENG_RESULT_OK), the
 *    cookie still in progress, then dmaeng_terminate_sync(): exactly one
 *    DMAENG_RESULT_ABORTED callback and no further period, the cookie
 *    DMAENG_ERROR, and the ring holds the pattern.  (b) TX cyclic over a
 *    ring of DT_CYC_PERIODS periods while an RX list receives 3 *
 *    DT_CYC_PERIODS + 1 periods: RX completes holding the ring repeated, at
 *    least that many period callbacks came, then terminate as in (a).
 *  - pause: iterations rounds: RX of L bytes (L / 2 <= the FIFO's depth, a
 *    multiple of the burst) stalls, in progress with residue L; TX sends
 *    L / 2: RX's residue reaches L / 2; dmaeng_pause(rx) returns 0 and RX
 *    reads DMAENG_PAUSED with residue L / 2; TX sends the other half and
 *    completes (into the FIFO); DT_PAUSE_HOLD_MS later RX is still paused,
 *    residue L / 2, no callback; dmaeng_resume(rx) returns 0 and RX
 *    completes, DMAENG_COMPLETE with residue 0, holding both halves.  A
 *    provider without pause (-EOPNOTSUPP) ends the test: "pause
 *    unsupported" in the results.
 * After a completion the cookie must read DMAENG_COMPLETE with residue 0,
 * and each callback must have run exactly once.
 *
 * One result line per channel (memset, sg) or per tx/rx pair:
 *   <test> <chan>[/<rx chan>]: <N> transfers, <M> failures, <K> KiB/s;
 *   completed=.. errors=.. timeouts=.. map_errors=.. prep_failures=..
 *   submit_errors=.. bad_data=.. bytes=.. [periods=..][; note]
 * N counts the transfers meant (slave: 2 per round, cyclic: 4, pause: 3).
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/printk.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <dmaeng/client.h>
#include <dmaeng/map.h>
#include "../providers/dmaeng_memcpy.h"
#include "dmaeng_test.h"

#define DT_SRC_FILL	0x5a	/* around source segments: top bit clear */
#define DT_SG_MAX	16	/* segments per list, at most */
#define DT_SG_GUARD	256	/* checked bytes before and after a segment */
#define DT_SG_SLACK	64	/* random extra offset of a segment */
#define DT_SEG_LIMIT	SZ_1M	/* largest segment (one kmalloc) */
#define DT_CYC_PERIODS	4	/* periods of a cyclic ring */
#define DT_CYC_PLEN	1024	/* longest period */
#define DT_PAUSE_HOLD_MS 50	/* how long a paused RX must stay still */
#define DT_LABEL	128

static struct platform_device *dt_pdev;

/* The counters behind one result line. */
struct dt_xres {
	char name[48];
	u64 transfers;
	u64 failures;
	u64 completed;
	u64 errors;
	u64 timeouts;
	u64 map_errors;
	u64 prep_failures;
	u64 submit_errors;
	u64 bad_data;
	u64 bytes;
	u64 periods;
	bool cyclic;
	const char *note;
	ktime_t start;
	s64 ns;
};

/* One submitted descriptor and what its callbacks said. */
struct dt_wait {
	struct dmaeng_chan *chan;
	s32 cookie;
	bool submitted;
	bool polled;		/* no callback: dmaeng_sync_wait() */
	bool cyclic;
	bool ended;		/* dt_w_wait() saw it end, with @err */
	int err;
	enum dmaeng_result result;
	atomic_t calls;		/* completion callbacks (cyclic: not periods) */
	struct completion done;
	/* cyclic */
	unsigned int target;	/* complete @reached at this many periods */
	atomic_t periods;	/* DMAENG_RESULT_OK callbacks */
	atomic_t aborted;	/* DMAENG_RESULT_ABORTED callbacks */
	atomic_t others;	/* any other result */
	atomic_t late;		/* periods after the ABORTED callback */
	struct completion reached;
};

/* A scatterlist whose segments each sit in their own guarded chunk. */
struct dt_sgbuf {
	unsigned int nents;
	int mapped;		/* from dmaeng_map_sg(), 0 if not mapped */
	bool table;		/* sg_alloc_table() done */
	struct dmaeng_chan *chan;
	enum dma_data_direction dir;
	size_t total;
	u8 fill;
	struct sg_table sgt;
	u8 *chunk[DT_SG_MAX];
	size_t off[DT_SG_MAX];	/* of the segment in its chunk */
	size_t len[DT_SG_MAX];
};

/*
 * Everything of one test on one channel (memset, sg) or pair: allocated
 * whole, so that a transfer that cannot be stopped can be abandoned with
 * all it may still touch.
 */
struct dt_ctx {
	const struct dt_xfer_params *p;
	struct dt_xres *r;
	struct rnd_state rnd;
	struct dmaeng_chan *chan;	/* memset, sg */
	struct dmaeng_chan *tx;		/* slave, cyclic, pause */
	struct dmaeng_chan *rx;
	const struct dmaeng_client *owner;
	size_t segmax;			/* longest segment (or sg mapping) */
	size_t mapmax;			/* longest single mapping */
	bool abandoned;			/* something may still run: leak */
	bool stop;			/* no further round */
	char label[DT_LABEL];		/* the round, for failure lines */
	struct dt_wait w[3];
	struct dt_sgbuf sg[3];
	u8 *ref;			/* the bytes expected */
	size_t ref_size;
	u8 *buf;			/* memset buffer; cyclic ring chunk */
	size_t buf_size;
	dma_addr_t buf_dma;
	bool buf_mapped;
	enum dma_data_direction buf_dir;
};

static __printf(2, 3) void dt_err(struct dt_xres *r, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	r->failures++;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err_ratelimited("dmaeng_test: %s: %pV\n", r->name, &vaf);
	va_end(args);
}

static const char *dt_status_name(enum dmaeng_status s)
{
	switch (s) {
	case DMAENG_COMPLETE:
		return "COMPLETE";
	case DMAENG_IN_PROGRESS:
		return "IN_PROGRESS";
	case DMAENG_ERROR:
		return "ERROR";
	case DMAENG_PAUSED:
		return "PAUSED";
	}
	return "(unknown status)";
}

static const char *dt_result_name(enum dmaeng_result res)
{
	switch (res) {
	case DMAENG_RESULT_OK:
		return "OK";
	case DMAENG_RESULT_ABORTED:
		return "ABORTED";
	case DMAENG_RESULT_ERROR:
		return "ERROR";
	}
	return "(unknown result)";
}

static u32 dt_rand(struct rnd_state *rnd, u32 n)
{
	return n ? prandom_u32_state(rnd) % n : 0;
}

/* 1 .. @max, log-uniform like the memcpy test's lengths. */
static size_t dt_rand_len(struct rnd_state *rnd, size_t max)
{
	unsigned int bits = ilog2(max);
	size_t len = 1UL << dt_rand(rnd, bits + 1);

	len += dt_rand(rnd, len);
	return min(len, max);
}

static u32 dt_rand_width(struct rnd_state *rnd)
{
	return 1U << dt_rand(rnd, 4);
}

static unsigned int dt_left_ms(unsigned long deadline)
{
	return time_after(jiffies, deadline) ? 0 :
	       jiffies_to_msecs(deadline - jiffies);
}

static unsigned long dt_deadline(const struct dt_ctx *c)
{
	return jiffies + msecs_to_jiffies(c->p->timeout_ms);
}

/* The first byte of @p[0 .. @n) that is not @val (@n if none); @count: how many. */
static size_t dt_first_not(const u8 *p, u8 val, size_t n, size_t *count)
{
	size_t i, first = n;

	*count = 0;
	if (!memchr_inv(p, val, n))
		return n;
	for (i = 0; i < n; i++) {
		if (p[i] == val)
			continue;
		if (first == n)
			first = i;
		(*count)++;
	}
	return first;
}

/* ---- descriptors: callbacks, submit, wait ---- */

static void dt_cb_done(void *param, enum dmaeng_result result)
{
	struct dt_wait *w = param;

	WRITE_ONCE(w->result, result);
	atomic_inc(&w->calls);
	complete(&w->done);
}

static void dt_cb_period(void *param, enum dmaeng_result result)
{
	struct dt_wait *w = param;

	if (result == DMAENG_RESULT_OK) {
		if (atomic_read(&w->aborted))
			atomic_inc(&w->late);
		if (atomic_inc_return(&w->periods) == w->target)
			complete(&w->reached);
		return;
	}
	if (result == DMAENG_RESULT_ABORTED)
		atomic_inc(&w->aborted);
	else
		atomic_inc(&w->others);
	WRITE_ONCE(w->result, result);
	atomic_inc(&w->calls);
	complete(&w->done);
}

/* Get @w ready for a descriptor on @chan; return the prep flags to use. */
static unsigned long dt_w_init(struct dt_wait *w, struct dmaeng_chan *chan,
			       bool cyclic, unsigned int target)
{
	bool irq = dmaeng_chan_has_cap(chan, DMAENG_INTERRUPT);

	memset(w, 0, sizeof(*w));
	w->chan = chan;
	w->cyclic = cyclic;
	/* A cyclic transfer always calls back (DMAENG_PREP_INTERRUPT implied). */
	w->polled = !irq && !cyclic;
	w->target = target;
	w->result = DMAENG_RESULT_ERROR;
	atomic_set(&w->calls, 0);
	atomic_set(&w->periods, 0);
	atomic_set(&w->aborted, 0);
	atomic_set(&w->others, 0);
	atomic_set(&w->late, 0);
	init_completion(&w->done);
	init_completion(&w->reached);
	return irq ? DMAENG_PREP_INTERRUPT : 0;
}

/* Set the callback and submit @tx (NULL: the prep failed). */
static bool dt_w_submit(struct dt_ctx *c, struct dt_wait *w,
			struct dmaeng_tx *tx, const char *what)
{
	struct dt_xres *r = c->r;

	if (!tx) {
		r->prep_failures++;
		dt_err(r, "%s: %s: prep on %s returned NULL", c->label, what,
		       dmaeng_chan_name(w->chan));
		return false;
	}
	if (!w->polled) {
		tx->callback = w->cyclic ? dt_cb_period : dt_cb_done;
		tx->callback_param = w;
	}
	w->cookie = dmaeng_submit(tx);
	if (w->cookie < 0) {
		r->submit_errors++;
		dt_err(r, "%s: %s: dmaeng_submit() on %s: %d", c->label, what,
		       dmaeng_chan_name(w->chan), w->cookie);
		return false;
	}
	w->submitted = true;
	return true;
}

/*
 * Wait for @w: 0 if it completed OK, -EIO if it ended otherwise (a cyclic
 * one: when terminated), -ETIMEDOUT.  Once it ended, says so at once.
 */
static int dt_w_wait(struct dt_wait *w, unsigned int ms)
{
	int err;

	if (!w->submitted)
		return 0;
	if (w->ended)
		return w->err;
	if (w->polled)
		err = dmaeng_sync_wait(w->chan, w->cookie, ms);
	else if (!wait_for_completion_timeout(&w->done, msecs_to_jiffies(ms)))
		err = -ETIMEDOUT;
	else
		err = READ_ONCE(w->result) == DMAENG_RESULT_OK ? 0 : -EIO;
	if (err != -ETIMEDOUT) {
		w->ended = true;
		w->err = err;
	}
	return err;
}

/* "IN_PROGRESS, residue 123 of 456", for a failure line. */
static void dt_w_describe(struct dt_wait *w, size_t len, char *buf, size_t n)
{
	struct dmaeng_tx_state st = {};
	enum dmaeng_status s;

	if (!w->submitted) {
		scnprintf(buf, n, "not submitted");
		return;
	}
	s = dmaeng_tx_status(w->chan, w->cookie, &st);
	scnprintf(buf, n, "%s, residue %u of %zu", dt_status_name(s),
		  st.residue, len);
}

/* After a DMAENG_RESULT_OK: the cookie must read complete, nothing left. */
static void dt_w_check_complete(struct dt_ctx *c, struct dt_wait *w,
				const char *what)
{
	struct dmaeng_tx_state st = {};
	enum dmaeng_status s;

	s = dmaeng_tx_status(w->chan, w->cookie, &st);
	if (s != DMAENG_COMPLETE || st.residue)
		dt_err(c->r, "%s: %s completed, but dmaeng_tx_status() says %s with residue %u",
		       c->label, what, dt_status_name(s), st.residue);
}

/*
 * Wait until @deadline for @w to complete OK and account for it.
 * Return: 0; -EIO (failure counted); -ETIMEDOUT (not counted yet: the
 * caller reports it with the state of the round, then stops it).
 */
static int dt_w_end(struct dt_ctx *c, struct dt_wait *w, const char *what,
		    size_t len, unsigned long deadline)
{
	int err = dt_w_wait(w, dt_left_ms(deadline));

	if (err == -ETIMEDOUT)
		return err;
	if (err) {
		c->r->errors++;
		if (w->polled)
			dt_err(c->r, "%s: %s ended with DMAENG_ERROR (%d)",
			       c->label, what, err);
		else
			dt_err(c->r, "%s: %s ended with DMAENG_RESULT_%s",
			       c->label, what, dt_result_name(w->result));
		return err;
	}
	c->r->completed++;
	c->r->bytes += len;
	dt_w_check_complete(c, w, what);
	return 0;
}

/* A callback that ran other than exactly once. */
static void dt_w_check_calls(struct dt_ctx *c, struct dt_wait *w,
			     const char *what)
{
	int n = atomic_read(&w->calls);

	if (w->submitted && !w->polled && n != 1)
		dt_err(c->r, "%s: %s: %d completion callbacks, expected 1",
		       c->label, what, n);
}

/*
 * Stop everything the round submitted, so that its buffers may be unmapped
 * and freed: terminate its channels (empties the FIFO too) and wait for
 * every descriptor to end.  A public channel cannot be terminated: its
 * descriptors get another timeout_ms.  Return: false if one is still
 * running (the context is abandoned).
 */
static bool dt_stop_round(struct dt_ctx *c)
{
	struct dmaeng_chan *chans[2] = { c->chan ?: c->tx, c->rx };
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(chans); i++) {
		if (!chans[i] || (i && chans[i] == chans[0]))
			continue;
		err = dmaeng_terminate_sync(chans[i]);
		if (err && err != -EPERM)
			dt_err(c->r, "%s: dmaeng_terminate_sync(%s): %d",
			       c->label, dmaeng_chan_name(chans[i]), err);
	}
	for (i = 0; i < ARRAY_SIZE(c->w); i++) {
		struct dt_wait *w = &c->w[i];

		if (dt_w_wait(w, c->p->timeout_ms) != -ETIMEDOUT)
			continue;
		dt_err(c->r, "%s: a transfer on %s still runs after terminate and %u ms: its buffers are abandoned",
		       c->label, dmaeng_chan_name(w->chan), c->p->timeout_ms);
		c->abandoned = true;
		c->stop = true;
		c->r->note = "abandoned a transfer that did not stop";
	}
	return !c->abandoned;
}

/* ---- buffers ---- */

/*
 * Split @units into 1 .. DT_SG_MAX segments of at most @maxu units each
 * (more segments if need be; the caller keeps @units <= DT_SG_MAX * @maxu),
 * random sizes in random order.  Return: the count, lengths in @len.
 */
static unsigned int dt_split(struct rnd_state *rnd, size_t units, size_t maxu,
			     size_t *len)
{
	unsigned int n = 1 + dt_rand(rnd, DT_SG_MAX), i, j;
	size_t left = units, rest, lo, hi;

	n = max_t(size_t, n, DIV_ROUND_UP(units, maxu));
	n = min_t(size_t, n, units);
	for (i = 0; i < n; i++) {
		rest = n - 1 - i;
		lo = left > rest * maxu ? left - rest * maxu : 1;
		hi = min(maxu, left - rest);
		len[i] = lo + dt_rand(rnd, hi - lo + 1);
		left -= len[i];
	}
	for (i = n - 1; i > 0; i--) {
		j = dt_rand(rnd, i + 1);
		swap(len[i], len[j]);
	}
	return n;
}

static void dt_sg_free(struct dt_sgbuf *b)
{
	unsigned int i;

	if (b->mapped)
		dmaeng_unmap_sg(b->chan, b->sgt.sgl, b->nents, b->dir);
	b->mapped = 0;
	if (b->table)
		sg_free_table(&b->sgt);
	b->table = false;
	for (i = 0; i < DT_SG_MAX; i++) {
		kfree(b->chunk[i]);
		b->chunk[i] = NULL;
	}
	b->nents = 0;
}

/*
 * A list of @total bytes (a multiple of @unit), each segment a multiple of
 * @unit at an offset that is a multiple of @align, in a chunk otherwise
 * full of @fill.
 */
static int dt_sg_alloc(struct dt_ctx *c, struct dt_sgbuf *b, size_t total,
		       unsigned int unit, unsigned int align, u8 fill)
{
	size_t lens[DT_SG_MAX], size;
	struct scatterlist *sg;
	unsigned int i, n;

	memset(b, 0, sizeof(*b));
	n = dt_split(&c->rnd, total / unit, max_t(size_t, c->segmax / unit, 1),
		     lens);
	b->total = total;
	b->fill = fill;
	for (i = 0; i < n; i++) {
		b->len[i] = lens[i] * unit;
		b->off[i] = DT_SG_GUARD +
			    round_down(dt_rand(&c->rnd, DT_SG_SLACK), align);
		size = b->off[i] + b->len[i] + DT_SG_GUARD;
		b->chunk[i] = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
		if (!b->chunk[i])
			goto nomem;
		memset(b->chunk[i], fill, size);
	}
	b->nents = n;
	if (sg_alloc_table(&b->sgt, n, GFP_KERNEL))
		goto nomem;
	b->table = true;
	for_each_sg(b->sgt.sgl, sg, n, i)
		sg_set_buf(sg, b->chunk[i] + b->off[i], b->len[i]);
	return 0;

nomem:
	dt_sg_free(b);
	return -ENOMEM;
}

/* Write @ref, gathered, into the segments of @b. */
static void dt_sg_scatter(struct dt_sgbuf *b, const u8 *ref)
{
	unsigned int i;

	for (i = 0; i < b->nents; i++) {
		memcpy(b->chunk[i] + b->off[i], ref, b->len[i]);
		ref += b->len[i];
	}
}

static bool dt_sg_map(struct dt_ctx *c, struct dt_sgbuf *b,
		      struct dmaeng_chan *chan, enum dma_data_direction dir,
		      const char *what)
{
	b->chan = chan;
	b->dir = dir;
	b->mapped = dmaeng_map_sg(chan, c->owner, b->sgt.sgl, b->nents, dir);
	if (b->mapped)
		return true;
	c->r->map_errors++;
	dt_err(c->r, "%s: %s: dmaeng_map_sg() of %u segments, %zu bytes failed",
	       c->label, what, b->nents, b->total);
	return false;
}

static void dt_sg_unmap(struct dt_sgbuf *b)
{
	if (b->mapped)
		dmaeng_unmap_sg(b->chan, b->sgt.sgl, b->nents, b->dir);
	b->mapped = 0;
}

/*
 * The segments of @b, gathered, must hold @ref; every guard byte must
 * still be the list's fill.  Reports the first wrong byte.
 * Return: true if anything is wrong.
 */
static bool dt_sg_check(struct dt_ctx *c, struct dt_sgbuf *b, const u8 *ref,
			const char *what)
{
	size_t g = 0, wrong = 0, unwritten = 0, outside = 0, first = SIZE_MAX;
	size_t first_out = SIZE_MAX, n, i, j;
	unsigned int seg_out = 0;
	u8 got = 0, want = 0, got_out = 0;

	for (i = 0; i < b->nents; i++) {
		const u8 *ck = b->chunk[i], *d = ck + b->off[i];
		size_t tail = b->off[i] + b->len[i];

		j = dt_first_not(ck, b->fill, b->off[i], &n);
		if (n && first_out == SIZE_MAX) {
			first_out = j;
			seg_out = i;
			got_out = ck[j];
		}
		outside += n;
		j = dt_first_not(ck + tail, b->fill, DT_SG_GUARD, &n);
		if (n && first_out == SIZE_MAX) {
			first_out = tail + j;
			seg_out = i;
			got_out = ck[tail + j];
		}
		outside += n;
		if (memcmp(d, ref + g, b->len[i])) {
			for (j = 0; j < b->len[i]; j++) {
				if (d[j] == ref[g + j])
					continue;
				if (first == SIZE_MAX) {
					first = g + j;
					got = d[j];
					want = ref[g + j];
				}
				if (d[j] == DT_FILL)
					unwritten++;
				else
					wrong++;
			}
		}
		g += b->len[i];
	}
	if (first == SIZE_MAX && first_out == SIZE_MAX)
		return false;
	c->r->bad_data++;
	if (first != SIZE_MAX)
		dt_err(c->r, "%s: %s: byte %zu of %zu is 0x%02x, expected 0x%02x (%zu wrong, %zu not written, %zu guard bytes changed; %u segments)",
		       c->label, what, first, b->total, got, want, wrong,
		       unwritten, outside, b->nents);
	else
		dt_err(c->r, "%s: %s: guard byte %zu of segment %u's chunk (segment at %zu, %zu bytes) is 0x%02x, expected 0x%02x (%zu guard bytes changed)",
		       c->label, what, first_out, seg_out, b->off[seg_out],
		       b->len[seg_out], got_out, b->fill, outside);
	return true;
}

/* @ref[0 .. @len) := the pattern from @salt on. */
static void dt_fill_ref(u8 *ref, size_t len, u32 salt)
{
	size_t i;

	for (i = 0; i < len; i++)
		ref[i] = dt_pattern(salt + i);
}

/* The round's buffers, unless something may still use them. */
static void dt_round_free(struct dt_ctx *c)
{
	unsigned int i;

	if (c->abandoned)
		return;
	for (i = 0; i < ARRAY_SIZE(c->sg); i++)
		dt_sg_free(&c->sg[i]);
	if (c->buf_mapped)
		dmaeng_unmap_single(c->tx, c->buf_dma, c->buf_size,
				    c->buf_dir);
	c->buf_mapped = false;
}

/* ---- memset ---- */

/*
 * Check a fill of @len bytes of @value at @off (@data: the engine said it
 * completed) and DT_GUARD bytes on each side; restore the window.
 */
static void dt_memset_check(struct dt_ctx *c, size_t off, size_t len,
			    u8 value, bool data)
{
	size_t size = c->buf_size, end = off + len, n, nb = 0, na = 0, j;
	size_t lo = off > DT_GUARD ? off - DT_GUARD : 0;
	size_t hi = min(size, end + DT_GUARD);
	size_t in = 0, unwritten = 0, first = SIZE_MAX;
	u8 *buf = c->buf, want = DT_FILL;

	j = dt_first_not(buf + lo, DT_FILL, off - lo, &nb);
	if (nb)
		first = lo + j;
	if (data) {
		j = dt_first_not(buf + off, value, len, &in);
		if (in && first == SIZE_MAX) {
			first = off + j;
			want = value;
		}
		if (in) {
			dt_first_not(buf + off, DT_FILL, len, &n);
			unwritten = len - n;
		}
	}
	j = dt_first_not(buf + end, DT_FILL, hi - end, &na);
	if (na && first == SIZE_MAX)
		first = end + j;
	if (first != SIZE_MAX) {
		c->r->bad_data++;
		dt_err(c->r, "%s: byte +%zu is 0x%02x, expected 0x%02x (%zu wrong in the range, %zu of them not written, %zu written outside)",
		       c->label, first, buf[first], want, in, unwritten,
		       nb + na);
	}
	memset(buf + lo, DT_FILL, hi - lo);
}

/* The whole buffer must be DT_FILL between fills. */
static void dt_memset_scan(struct dt_ctx *c)
{
	size_t n, j = dt_first_not(c->buf, DT_FILL, c->buf_size, &n);

	if (!n)
		return;
	c->r->bad_data++;
	dt_err(c->r, "buffer scan: byte +%zu of %zu is 0x%02x, expected 0x%02x (%zu bytes changed)",
	       j, c->buf_size, c->buf[j], DT_FILL, n);
	memset(c->buf, DT_FILL, c->buf_size);
}

static void dt_memset_one(struct dt_ctx *c, unsigned int it)
{
	struct dmaeng_chan *chan = c->chan;
	struct dmaeng_unmap_data *unmap;
	struct dt_wait *w = &c->w[0];
	size_t len, off, maxlen;
	unsigned long flags;
	struct dmaeng_tx *tx;
	dma_addr_t dma;
	bool ok;
	u8 value;
	u8 *dst;
	int err;

	maxlen = min(c->buf_size, c->mapmax);
	len = dt_rand_len(&c->rnd, maxlen);
	off = dt_rand(&c->rnd, c->buf_size - len + 1);
	do
		value = (u8)prandom_u32_state(&c->rnd);
	while (value == DT_FILL);
	snprintf(c->label, sizeof(c->label), "fill %u: %zu bytes of 0x%02x at +%zu",
		 it, len, value, off);
	c->r->transfers++;
	memset(c->w, 0, sizeof(c->w));
	dst = c->buf + off;

	dma = dmaeng_map_page(chan, c->owner, virt_to_page(dst),
			      offset_in_page(dst), len, DMA_FROM_DEVICE);
	if (dmaeng_mapping_error(chan, dma)) {
		c->r->map_errors++;
		dt_err(c->r, "%s: dmaeng_map_page() failed", c->label);
		return;
	}
	unmap = dmaeng_get_unmap_data(chan, GFP_KERNEL);
	if (!unmap) {
		dmaeng_unmap_page(chan, dma, len, DMA_FROM_DEVICE);
		c->r->map_errors++;
		dt_err(c->r, "%s: no unmap data", c->label);
		return;
	}
	unmap->from_cnt = 1;
	unmap->len = len;
	unmap->addr[0] = dma;

	flags = dt_w_init(w, chan, false, 0);
	tx = dmaeng_prep_memset(chan, dma, value, len, flags);
	if (tx)
		dmaeng_set_unmap(tx, unmap);
	ok = dt_w_submit(c, w, tx, "memset");
	/* The fill's reference unmaps with it; without a fill, now. */
	dmaeng_unmap_put(unmap);
	if (!ok) {
		dt_memset_check(c, off, len, value, false);
		return;
	}
	dmaeng_issue_pending(chan);
	err = dt_w_end(c, w, "memset", len, dt_deadline(c));
	if (err == -ETIMEDOUT) {
		char st[64];

		dt_w_describe(w, len, st, sizeof(st));
		c->r->timeouts++;
		dt_err(c->r, "%s: not done after %u ms: %s", c->label,
		       c->p->timeout_ms, st);
		if (!dt_stop_round(c))
			return;
	}
	dt_w_check_calls(c, w, "memset");
	dt_memset_check(c, off, len, value, !err);
}

static void dt_memset_chan(struct dt_ctx *c)
{
	unsigned int i;

	if (!dmaeng_chan_has_cap(c->chan, DMAENG_MEMSET)) {
		c->r->note = "skipped: the device does not offer memset";
		return;
	}
	c->buf_size = c->p->max_size;
	c->buf = kmalloc(c->buf_size, GFP_KERNEL | __GFP_NOWARN);
	if (!c->buf) {
		dt_err(c->r, "no memory for a %zu-byte buffer", c->buf_size);
		return;
	}
	memset(c->buf, DT_FILL, c->buf_size);
	for (i = 0; i < c->p->iterations && !c->stop; i++) {
		if (fatal_signal_pending(current))
			break;
		dt_memset_one(c, i);
		if (c->abandoned)
			return;
		if ((i + 1) % DT_SCAN_EVERY == 0)
			dt_memset_scan(c);
		cond_resched();
	}
	dt_memset_scan(c);
}

/* ---- sg ---- */

static void dt_sg_one(struct dt_ctx *c, unsigned int it, size_t cap)
{
	struct dt_sgbuf *src = &c->sg[0], *dst = &c->sg[1];
	struct dmaeng_chan *chan = c->chan;
	struct dt_wait *w = &c->w[0];
	unsigned long flags;
	struct dmaeng_tx *tx;
	size_t len;
	int err;

	len = dt_rand_len(&c->rnd, cap);
	c->r->transfers++;
	memset(c->w, 0, sizeof(c->w));
	dt_fill_ref(c->ref, len, prandom_u32_state(&c->rnd));
	if (dt_sg_alloc(c, src, len, 1, 1, DT_SRC_FILL) ||
	    dt_sg_alloc(c, dst, len, 1, 1, DT_FILL)) {
		dt_err(c->r, "copy %u: no memory for %zu bytes", it, len);
		goto out;
	}
	dt_sg_scatter(src, c->ref);
	snprintf(c->label, sizeof(c->label), "copy %u: %zu bytes, %u to %u segments",
		 it, len, src->nents, dst->nents);
	if (!dt_sg_map(c, src, chan, DMA_TO_DEVICE, "source") ||
	    !dt_sg_map(c, dst, chan, DMA_FROM_DEVICE, "destination"))
		goto out;

	flags = dt_w_init(w, chan, false, 0);
	tx = dmaeng_prep_memcpy_sg(chan, dst->sgt.sgl, dst->mapped,
				   src->sgt.sgl, src->mapped, flags);
	if (!dt_w_submit(c, w, tx, "memcpy_sg"))
		goto out;
	dmaeng_issue_pending(chan);
	err = dt_w_end(c, w, "memcpy_sg", len, dt_deadline(c));
	if (err == -ETIMEDOUT) {
		char st[64];

		dt_w_describe(w, len, st, sizeof(st));
		c->r->timeouts++;
		dt_err(c->r, "%s: not done after %u ms: %s", c->label,
		       c->p->timeout_ms, st);
		if (!dt_stop_round(c))
			return;
	}
	dt_w_check_calls(c, w, "memcpy_sg");
	dt_sg_unmap(src);
	dt_sg_unmap(dst);
	if (!err && !dt_sg_check(c, dst, c->ref, "destination"))
		dt_sg_check(c, src, c->ref, "source");
out:
	dt_round_free(c);
}

static void dt_sg_chan(struct dt_ctx *c)
{
	size_t cap = min_t(size_t, c->p->max_size, DT_SG_MAX * c->segmax);
	unsigned int i;

	if (!dmaeng_chan_has_cap(c->chan, DMAENG_MEMCPY_SG)) {
		c->r->note = "skipped: the device does not offer sg";
		return;
	}
	c->ref_size = cap;
	c->ref = kmalloc(cap, GFP_KERNEL | __GFP_NOWARN);
	if (!c->ref) {
		dt_err(c->r, "no memory for %zu bytes", cap);
		return;
	}
	for (i = 0; i < c->p->iterations && !c->stop; i++) {
		if (fatal_signal_pending(current))
			break;
		dt_sg_one(c, i, cap);
		if (c->abandoned)
			return;
		cond_resched();
	}
}

/* ---- slave, cyclic, pause: the tx/rx pair ---- */

static bool dt_config(struct dt_ctx *c, struct dmaeng_chan *chan,
		      enum dmaeng_dir dir, u32 width, u32 burst)
{
	struct dmaeng_slave_config cfg = { .direction = dir };
	int err;

	if (dir == DMAENG_MEM_TO_DEV) {
		cfg.dst_addr = DMAENG_MEMCPY_FIFO_ADDR;
		cfg.dst_addr_width = width;
		cfg.dst_maxburst = burst;
	} else {
		cfg.src_addr = DMAENG_MEMCPY_FIFO_ADDR;
		cfg.src_addr_width = width;
		cfg.src_maxburst = burst;
	}
	err = dmaeng_slave_config(chan, &cfg);
	if (!err)
		return true;
	dt_err(c->r, "%s: dmaeng_slave_config(%s, %s, width %u, burst %u): %d",
	       c->label, dmaeng_chan_name(chan),
	       dir == DMAENG_MEM_TO_DEV ? "MEM_TO_DEV" : "DEV_TO_MEM",
	       width, burst, err);
	return false;
}

/* Prepare and submit a slave_sg of list @b on @chan into @w. */
static bool dt_slave_submit(struct dt_ctx *c, struct dt_wait *w,
			    struct dmaeng_chan *chan, struct dt_sgbuf *b,
			    enum dmaeng_dir dir, const char *what)
{
	unsigned long flags = dt_w_init(w, chan, false, 0);
	struct dmaeng_tx *tx;

	tx = dmaeng_prep_slave_sg(chan, b->sgt.sgl, b->mapped, dir, flags);
	return dt_w_submit(c, w, tx, what);
}

/* Report that the round's transfers did not end in time, and stop them. */
static void dt_round_timeout(struct dt_ctx *c, size_t txlen, size_t rxlen)
{
	char t[64], r[64];

	dt_w_describe(&c->w[0], txlen, t, sizeof(t));
	dt_w_describe(&c->w[1], rxlen, r, sizeof(r));
	c->r->timeouts++;
	dt_err(c->r, "%s: not done after %u ms: tx %s; rx %s", c->label,
	       c->p->timeout_ms, t, r);
	dt_stop_round(c);
}

static void dt_slave_round(struct dt_ctx *c, unsigned int it, bool rx_first)
{
	struct dt_sgbuf *tb = &c->sg[0], *rb = &c->sg[1];
	struct dt_wait *wt = &c->w[0], *wr = &c->w[1];
	u32 wtx = dt_rand_width(&c->rnd), wrx = dt_rand_width(&c->rnd);
	u32 btx = 1 + dt_rand(&c->rnd, 16), brx = 1 + dt_rand(&c->rnd, 16);
	u32 unit = max(wtx, wrx);
	size_t cap = min_t(size_t, c->p->max_size, DT_SG_MAX * c->segmax);
	size_t len = dt_rand_len(&c->rnd, max_t(size_t, cap / unit, 1)) * unit;
	unsigned long deadline;
	int et, er;

	c->r->transfers += 2;
	memset(c->w, 0, sizeof(c->w));
	dt_fill_ref(c->ref, len, prandom_u32_state(&c->rnd));
	if (dt_sg_alloc(c, tb, len, wtx, wtx, DT_SRC_FILL) ||
	    dt_sg_alloc(c, rb, len, wrx, wrx, DT_FILL)) {
		dt_err(c->r, "round %u: no memory for %zu bytes", it, len);
		goto out;
	}
	dt_sg_scatter(tb, c->ref);
	snprintf(c->label, sizeof(c->label),
		 "round %u%s: %zu bytes, tx width %u burst %u in %u segments, rx width %u burst %u in %u",
		 it, rx_first ? " (rx first)" : "", len, wtx, btx, tb->nents,
		 wrx, brx, rb->nents);
	if (!dt_config(c, c->tx, DMAENG_MEM_TO_DEV, wtx, btx) ||
	    !dt_config(c, c->rx, DMAENG_DEV_TO_MEM, wrx, brx) ||
	    !dt_sg_map(c, tb, c->tx, DMA_TO_DEVICE, "tx") ||
	    !dt_sg_map(c, rb, c->rx, DMA_FROM_DEVICE, "rx"))
		goto out;

	if (!dt_slave_submit(c, wt, c->tx, tb, DMAENG_MEM_TO_DEV, "tx") ||
	    !dt_slave_submit(c, wr, c->rx, rb, DMAENG_DEV_TO_MEM, "rx")) {
		dt_stop_round(c);
		goto out;
	}
	if (rx_first) {
		dmaeng_issue_pending(c->rx);
		usleep_range(5000, 10000);	/* RX waits on the empty FIFO */
		dmaeng_issue_pending(c->tx);
	} else {
		dmaeng_issue_pending(c->tx);
		dmaeng_issue_pending(c->rx);
	}
	deadline = dt_deadline(c);
	et = dt_w_end(c, wt, "tx", len, deadline);
	if (et == -EIO) {
		/* RX would wait for the rest for ever: stop it at once. */
		dt_stop_round(c);
		goto out;
	}
	er = dt_w_end(c, wr, "rx", len, deadline);
	if (et == -ETIMEDOUT || er == -ETIMEDOUT) {
		dt_round_timeout(c, len, len);
		goto out;
	}
	if (er) {
		dt_stop_round(c);
		goto out;
	}
	dt_w_check_calls(c, wt, "tx");
	dt_w_check_calls(c, wr, "rx");
	dt_sg_unmap(tb);
	dt_sg_unmap(rb);
	if (!dt_sg_check(c, rb, c->ref, "rx"))
		dt_sg_check(c, tb, c->ref, "tx");
out:
	dt_round_free(c);
}

/* Map the ring chunk c->buf (@len bytes at @off) on the tx/rx device. */
static bool dt_ring_map(struct dt_ctx *c, size_t off, size_t len,
			enum dma_data_direction dir)
{
	c->buf_size = len;
	c->buf_dir = dir;
	c->buf_dma = dmaeng_map_single(c->tx, c->owner, c->buf + off, len, dir);
	if (!dmaeng_mapping_error(c->tx, c->buf_dma)) {
		c->buf_mapped = true;
		return true;
	}
	c->r->map_errors++;
	dt_err(c->r, "%s: dmaeng_map_single() of the %zu-byte ring failed",
	       c->label, len);
	return false;
}

/*
 * The end of a cyclic transfer: still in progress, then terminated, after
 * which exactly one DMAENG_RESULT_ABORTED callback and no period came, and
 * the cookie reads DMAENG_ERROR.  @exact: the period count must be
 * @periods exactly, else at least @periods.
 */
static bool dt_cyclic_end(struct dt_ctx *c, struct dt_wait *w,
			  unsigned int periods, bool exact, const char *what)
{
	u64 failures = c->r->failures;
	enum dmaeng_status s;
	unsigned int got;
	int err;

	s = dmaeng_tx_status(w->chan, w->cookie, NULL);
	if (s != DMAENG_IN_PROGRESS)
		dt_err(c->r, "%s: %s: running cyclic transfer reads %s, expected IN_PROGRESS",
		       c->label, what, dt_status_name(s));
	err = dmaeng_terminate_sync(w->chan);
	if (err) {
		dt_err(c->r, "%s: %s: dmaeng_terminate_sync(): %d", c->label,
		       what, err);
		dt_stop_round(c);
		return false;
	}
	if (dt_w_wait(w, c->p->timeout_ms) == -ETIMEDOUT) {
		dt_err(c->r, "%s: %s: no DMAENG_RESULT_ABORTED callback after dmaeng_terminate_sync()",
		       c->label, what);
		dt_stop_round(c);
		return false;
	}
	got = atomic_read(&w->periods);
	c->r->periods += got;
	if (atomic_read(&w->aborted) != 1 || atomic_read(&w->others))
		dt_err(c->r, "%s: %s: %d ABORTED and %d other non-OK callbacks, expected 1 ABORTED",
		       c->label, what, atomic_read(&w->aborted),
		       atomic_read(&w->others));
	if (atomic_read(&w->late))
		dt_err(c->r, "%s: %s: %d period callbacks after the ABORTED one",
		       c->label, what, atomic_read(&w->late));
	if (exact ? got != periods : got < periods)
		dt_err(c->r, "%s: %s: %u period callbacks, expected %s%u",
		       c->label, what, got, exact ? "" : "at least ", periods);
	s = dmaeng_tx_status(w->chan, w->cookie, NULL);
	if (s != DMAENG_ERROR)
		dt_err(c->r, "%s: %s: terminated cyclic transfer reads %s, expected ERROR",
		       c->label, what, dt_status_name(s));
	return c->r->failures == failures;
}

/* The ring's bytes (and its chunk's guards) after the transfer. */
static bool dt_ring_check(struct dt_ctx *c, size_t off, size_t len,
			  const u8 *ref, u8 fill, const char *what)
{
	size_t nb, na, nd, j, first = SIZE_MAX;
	u8 want = fill;

	j = dt_first_not(c->buf, fill, off, &nb);
	if (nb)
		first = j;
	for (j = 0, nd = 0; j < len; j++) {
		if (c->buf[off + j] == ref[j])
			continue;
		if (first == SIZE_MAX) {
			first = off + j;
			want = ref[j];
		}
		nd++;
	}
	j = dt_first_not(c->buf + off + len, fill, DT_SG_GUARD, &na);
	if (na && first == SIZE_MAX)
		first = off + len + j;
	if (first == SIZE_MAX)
		return false;
	c->r->bad_data++;
	dt_err(c->r, "%s: %s: ring byte %zd is 0x%02x, expected 0x%02x (%zu of %zu ring bytes wrong, %zu guard bytes changed)",
	       c->label, what, (ssize_t)first - (ssize_t)off, c->buf[first],
	       want, nd, len, nb + na);
	return true;
}

/* (a): RX cyclic into a ring, TX sends exactly its periods. */
static void dt_cyclic_rx(struct dt_ctx *c, unsigned int it)
{
	struct dt_wait *wt = &c->w[0], *wr = &c->w[1];
	struct dt_sgbuf *tb = &c->sg[0];
	u32 wid = dt_rand_width(&c->rnd);
	u32 btx = 1 + dt_rand(&c->rnd, 16), brx = 1 + dt_rand(&c->rnd, 16);
	size_t plen = dt_rand_len(&c->rnd, DT_CYC_PLEN / wid) * wid;
	size_t ring = DT_CYC_PERIODS * plen;
	size_t off = DT_SG_GUARD + round_down(dt_rand(&c->rnd, DT_SG_SLACK), wid);
	unsigned long flags, deadline;
	struct dmaeng_tx *tx;
	int err;

	c->r->transfers += 2;
	memset(c->w, 0, sizeof(c->w));
	dt_fill_ref(c->ref, ring, prandom_u32_state(&c->rnd));
	memset(c->buf, DT_FILL, off + ring + DT_SG_GUARD);
	if (dt_sg_alloc(c, tb, ring, wid, wid, DT_SRC_FILL)) {
		dt_err(c->r, "round %u: no memory", it);
		goto out;
	}
	dt_sg_scatter(tb, c->ref);
	snprintf(c->label, sizeof(c->label),
		 "round %u (a) rx cyclic: %u periods of %zu bytes, width %u, tx burst %u in %u segments, rx burst %u",
		 it, DT_CYC_PERIODS, plen, wid, btx, tb->nents, brx);
	if (!dt_config(c, c->tx, DMAENG_MEM_TO_DEV, wid, btx) ||
	    !dt_config(c, c->rx, DMAENG_DEV_TO_MEM, wid, brx) ||
	    !dt_ring_map(c, off, ring, DMA_FROM_DEVICE) ||
	    !dt_sg_map(c, tb, c->tx, DMA_TO_DEVICE, "tx"))
		goto out;

	flags = dt_w_init(wr, c->rx, true, DT_CYC_PERIODS);
	tx = dmaeng_prep_cyclic(c->rx, c->buf_dma, ring, plen,
				DMAENG_DEV_TO_MEM, flags);
	if (!dt_w_submit(c, wr, tx, "rx cyclic"))
		goto out;
	dmaeng_issue_pending(c->rx);
	if (!dt_slave_submit(c, wt, c->tx, tb, DMAENG_MEM_TO_DEV, "tx")) {
		dt_stop_round(c);
		goto out;
	}
	dmaeng_issue_pending(c->tx);

	deadline = dt_deadline(c);
	err = dt_w_end(c, wt, "tx", ring, deadline);
	if (!err && !wait_for_completion_timeout(&wr->reached,
						 msecs_to_jiffies(dt_left_ms(deadline))))
		err = -ETIMEDOUT;
	if (err == -ETIMEDOUT) {
		char t[64];

		dt_w_describe(wt, ring, t, sizeof(t));
		c->r->timeouts++;
		dt_err(c->r, "%s: not done after %u ms: tx %s; rx cyclic %d of %u periods",
		       c->label, c->p->timeout_ms, t,
		       atomic_read(&wr->periods), DT_CYC_PERIODS);
		dt_stop_round(c);
		goto out;
	}
	if (err) {
		dt_stop_round(c);
		goto out;
	}
	usleep_range(5000, 10000);	/* time for a period too many to show */
	if (dt_cyclic_end(c, wr, DT_CYC_PERIODS, true, "rx cyclic")) {
		c->r->completed++;	/* it did its periods, then stopped */
		c->r->bytes += ring;
	}
	if (c->abandoned)
		return;
	dt_w_check_calls(c, wt, "tx");
	dmaeng_unmap_single(c->tx, c->buf_dma, c->buf_size, c->buf_dir);
	c->buf_mapped = false;
	dt_sg_unmap(tb);
	if (!dt_ring_check(c, off, ring, c->ref, DT_FILL, "rx cyclic"))
		dt_sg_check(c, tb, c->ref, "tx");
out:
	dt_round_free(c);
}

/* (b): TX cyclic from a ring, RX reads more periods than it has. */
static void dt_cyclic_tx(struct dt_ctx *c, unsigned int it)
{
	struct dt_wait *wt = &c->w[0], *wr = &c->w[1];
	struct dt_sgbuf *rb = &c->sg[1];
	u32 wid = dt_rand_width(&c->rnd);
	u32 btx = 1 + dt_rand(&c->rnd, 16), brx = 1 + dt_rand(&c->rnd, 16);
	size_t plen = dt_rand_len(&c->rnd, DT_CYC_PLEN / wid) * wid;
	size_t ring = DT_CYC_PERIODS * plen;
	unsigned int n = 3 * DT_CYC_PERIODS + 1;
	size_t rxlen = n * plen, i;
	size_t off = DT_SG_GUARD + round_down(dt_rand(&c->rnd, DT_SG_SLACK), wid);
	u8 *want = c->ref + rxlen;	/* the ring's bytes, after the expected */
	unsigned long flags, deadline;
	struct dmaeng_tx *tx;
	int err;

	c->r->transfers += 2;
	memset(c->w, 0, sizeof(c->w));
	dt_fill_ref(want, ring, prandom_u32_state(&c->rnd));
	for (i = 0; i < rxlen; i++)
		c->ref[i] = want[i % ring];
	memset(c->buf, DT_SRC_FILL, off + ring + DT_SG_GUARD);
	memcpy(c->buf + off, want, ring);
	if (dt_sg_alloc(c, rb, rxlen, wid, wid, DT_FILL)) {
		dt_err(c->r, "round %u: no memory", it);
		goto out;
	}
	snprintf(c->label, sizeof(c->label),
		 "round %u (b) tx cyclic: %u periods of %zu bytes, width %u, tx burst %u, rx burst %u, %u periods in %u segments",
		 it, DT_CYC_PERIODS, plen, wid, btx, brx, n, rb->nents);
	if (!dt_config(c, c->tx, DMAENG_MEM_TO_DEV, wid, btx) ||
	    !dt_config(c, c->rx, DMAENG_DEV_TO_MEM, wid, brx) ||
	    !dt_ring_map(c, off, ring, DMA_TO_DEVICE) ||
	    !dt_sg_map(c, rb, c->rx, DMA_FROM_DEVICE, "rx"))
		goto out;

	flags = dt_w_init(wt, c->tx, true, n);
	tx = dmaeng_prep_cyclic(c->tx, c->buf_dma, ring, plen,
				DMAENG_MEM_TO_DEV, flags);
	if (!dt_w_submit(c, wt, tx, "tx cyclic"))
		goto out;
	dmaeng_issue_pending(c->tx);
	if (!dt_slave_submit(c, wr, c->rx, rb, DMAENG_DEV_TO_MEM, "rx")) {
		dt_stop_round(c);
		goto out;
	}
	dmaeng_issue_pending(c->rx);

	deadline = dt_deadline(c);
	err = dt_w_end(c, wr, "rx", rxlen, deadline);
	/* RX has them all: TX did at least n periods, reported soon. */
	if (!err && !wait_for_completion_timeout(&wt->reached,
						 msecs_to_jiffies(dt_left_ms(deadline))))
		err = -ETIMEDOUT;
	if (err == -ETIMEDOUT) {
		char r[64];

		dt_w_describe(wr, rxlen, r, sizeof(r));
		c->r->timeouts++;
		dt_err(c->r, "%s: not done after %u ms: tx cyclic %d of at least %u periods; rx %s",
		       c->label, c->p->timeout_ms,
		       atomic_read(&wt->periods), n, r);
		dt_stop_round(c);
		goto out;
	}
	if (err) {
		dt_stop_round(c);
		goto out;
	}
	if (dt_cyclic_end(c, wt, n, false, "tx cyclic")) {
		c->r->completed++;
		c->r->bytes += rxlen;
	}
	if (c->abandoned)
		return;
	dt_w_check_calls(c, wr, "rx");
	dmaeng_unmap_single(c->tx, c->buf_dma, c->buf_size, c->buf_dir);
	c->buf_mapped = false;
	dt_sg_unmap(rb);
	if (!dt_sg_check(c, rb, c->ref, "rx"))
		dt_ring_check(c, off, ring, want, DT_SRC_FILL, "tx cyclic");
out:
	dt_round_free(c);
}

/* RX's status must be @want with residue @residue. */
static bool dt_expect(struct dt_ctx *c, struct dt_wait *w,
		      enum dmaeng_status want, size_t residue, const char *when)
{
	struct dmaeng_tx_state st = {};
	enum dmaeng_status s = dmaeng_tx_status(w->chan, w->cookie, &st);

	if (s == want && st.residue == residue)
		return true;
	dt_err(c->r, "%s: %s: rx reads %s with residue %u, expected %s with residue %zu",
	       c->label, when, dt_status_name(s), st.residue,
	       dt_status_name(want), residue);
	return false;
}

static void dt_pause_round(struct dt_ctx *c, unsigned int it)
{
	struct dt_sgbuf *t1 = &c->sg[0], *rb = &c->sg[1], *t2 = &c->sg[2];
	struct dt_wait *wt = &c->w[0], *wr = &c->w[1], *wt2 = &c->w[2];
	u32 wid = dt_rand_width(&c->rnd), burst = 1 + dt_rand(&c->rnd, 16);
	size_t unit = wid * burst;
	size_t half = (1 + dt_rand(&c->rnd, DMAENG_MEMCPY_FIFO_DEPTH / unit)) * unit;
	size_t len = 2 * half;
	struct dmaeng_tx_state st;
	unsigned long deadline;
	int err;

	c->r->transfers += 3;
	memset(c->w, 0, sizeof(c->w));
	dt_fill_ref(c->ref, len, prandom_u32_state(&c->rnd));
	/*
	 * The provider moves whole bursts but for a segment's last bytes: RX
	 * segments of whole bursts stop exactly at L / 2 when the FIFO runs dry.
	 */
	if (dt_sg_alloc(c, rb, len, unit, wid, DT_FILL) ||
	    dt_sg_alloc(c, t1, half, wid, wid, DT_SRC_FILL) ||
	    dt_sg_alloc(c, t2, half, wid, wid, DT_SRC_FILL)) {
		dt_err(c->r, "round %u: no memory", it);
		goto out;
	}
	dt_sg_scatter(t1, c->ref);
	dt_sg_scatter(t2, c->ref + half);
	snprintf(c->label, sizeof(c->label),
		 "round %u: rx of %zu bytes in %u segments, width %u, burst %u",
		 it, len, rb->nents, wid, burst);
	if (!dt_config(c, c->tx, DMAENG_MEM_TO_DEV, wid, burst) ||
	    !dt_config(c, c->rx, DMAENG_DEV_TO_MEM, wid, burst) ||
	    !dt_sg_map(c, rb, c->rx, DMA_FROM_DEVICE, "rx") ||
	    !dt_sg_map(c, t1, c->tx, DMA_TO_DEVICE, "tx 1") ||
	    !dt_sg_map(c, t2, c->tx, DMA_TO_DEVICE, "tx 2"))
		goto out;

	/* RX alone stalls on the empty FIFO. */
	if (!dt_slave_submit(c, wr, c->rx, rb, DMAENG_DEV_TO_MEM, "rx"))
		goto out;
	dmaeng_issue_pending(c->rx);
	usleep_range(5000, 10000);
	if (!dt_expect(c, wr, DMAENG_IN_PROGRESS, len, "alone"))
		goto stop;

	/* The first half goes through. */
	if (!dt_slave_submit(c, wt, c->tx, t1, DMAENG_MEM_TO_DEV, "tx 1"))
		goto stop;
	dmaeng_issue_pending(c->tx);
	deadline = dt_deadline(c);
	err = dt_w_end(c, wt, "tx 1", half, deadline);
	if (err == -ETIMEDOUT) {
		dt_round_timeout(c, half, len);
		goto out;
	}
	if (err)
		goto stop;
	for (;;) {
		enum dmaeng_status s;

		st.residue = 0;
		s = dmaeng_tx_status(c->rx, wr->cookie, &st);
		if (s == DMAENG_IN_PROGRESS && st.residue == half)
			break;
		if (s != DMAENG_IN_PROGRESS || st.residue < half ||
		    time_after(jiffies, deadline)) {
			if (s == DMAENG_IN_PROGRESS && st.residue > half)
				c->r->timeouts++;
			dt_err(c->r, "%s: after tx 1: rx reads %s with residue %u, expected IN_PROGRESS with residue %zu",
			       c->label, dt_status_name(s), st.residue, half);
			goto stop;
		}
		usleep_range(200, 500);
	}

	/* Pause RX; the second half waits in the FIFO. */
	err = dmaeng_pause(c->rx);
	if (err == -EOPNOTSUPP) {
		c->r->note = "pause unsupported";
		pr_info("dmaeng_test: %s: pause unsupported, test skipped\n",
			c->r->name);
		c->stop = true;
		goto stop;
	}
	if (err) {
		dt_err(c->r, "%s: dmaeng_pause(): %d", c->label, err);
		goto stop;
	}
	if (!dt_expect(c, wr, DMAENG_PAUSED, half, "paused"))
		goto stop;
	if (!dt_slave_submit(c, wt2, c->tx, t2, DMAENG_MEM_TO_DEV, "tx 2"))
		goto stop;
	dmaeng_issue_pending(c->tx);
	err = dt_w_end(c, wt2, "tx 2", half, dt_deadline(c));
	if (err == -ETIMEDOUT) {
		char t[64];

		dt_w_describe(wt2, half, t, sizeof(t));
		c->r->timeouts++;
		dt_err(c->r, "%s: tx 2 into the FIFO while rx is paused not done after %u ms: %s",
		       c->label, c->p->timeout_ms, t);
		goto stop;
	}
	if (err)
		goto stop;
	msleep(DT_PAUSE_HOLD_MS);
	if (!dt_expect(c, wr, DMAENG_PAUSED, half, "paused, tx 2 done"))
		goto stop;
	if (!wr->polled && completion_done(&wr->done)) {
		dt_err(c->r, "%s: paused rx called back with DMAENG_RESULT_%s",
		       c->label, dt_result_name(READ_ONCE(wr->result)));
		goto stop;
	}

	/* Resume: RX completes with both halves. */
	err = dmaeng_resume(c->rx);
	if (err) {
		dt_err(c->r, "%s: dmaeng_resume(): %d", c->label, err);
		goto stop;
	}
	err = dt_w_end(c, wr, "rx", len, dt_deadline(c));
	if (err == -ETIMEDOUT) {
		dt_round_timeout(c, half, len);
		goto out;
	}
	if (err)
		goto stop;
	dt_w_check_calls(c, wt, "tx 1");
	dt_w_check_calls(c, wt2, "tx 2");
	dt_w_check_calls(c, wr, "rx");
	dt_sg_unmap(rb);
	dt_sg_unmap(t1);
	dt_sg_unmap(t2);
	if (!dt_sg_check(c, rb, c->ref, "rx") &&
	    !dt_sg_check(c, t1, c->ref, "tx 1"))
		dt_sg_check(c, t2, c->ref + half, "tx 2");
	goto out;

stop:
	dt_stop_round(c);
out:
	dt_round_free(c);
}

/* ---- runs ---- */

static void dt_line(struct dt_report *rep, struct dt_xres *r)
{
	u64 kibps = r->ns > 0 ? div64_u64(r->bytes * 1000000000ULL,
					  (u64)r->ns * 1024) : 0;
	char periods[32] = "";

	if (r->cyclic)
		snprintf(periods, sizeof(periods), " periods=%llu", r->periods);
	if (rep->nlines >= DT_MAX_CHANS)
		return;
	scnprintf(rep->line[rep->nlines++], DT_LINE,
		  "%s: %llu transfers, %llu failures, %llu KiB/s; completed=%llu errors=%llu timeouts=%llu map_errors=%llu prep_failures=%llu submit_errors=%llu bad_data=%llu bytes=%llu%s%s%s\n",
		  r->name, r->transfers, r->failures, kibps, r->completed,
		  r->errors, r->timeouts, r->map_errors, r->prep_failures,
		  r->submit_errors, r->bad_data, r->bytes, periods,
		  r->note ? "; " : "", r->note ?: "");
	rep->transfers += r->transfers;
	rep->failures += r->failures;
}

/*
 * The longest segment of a list to map for @chan's device (its DMA segment
 * and mapping limits, and one kmalloc chunk), a multiple of 8.
 */
static size_t dt_segmax(struct dmaeng_chan *chan)
{
	struct device *dev = dmaeng_chan_dma_device(chan);
	size_t m = min_t(size_t, dma_get_max_seg_size(dev),
			 dma_max_mapping_size(dev));

	return round_down(clamp_t(size_t, m, 8, DT_SEG_LIMIT), 8);
}

/* The longest single mapping for @chan's device (swiotlb limits it). */
static size_t dt_mapmax(struct dmaeng_chan *chan)
{
	return max_t(size_t, dma_max_mapping_size(dmaeng_chan_dma_device(chan)),
		     1);
}

static struct dt_ctx *dt_ctx_alloc(const struct dt_xfer_params *p,
				   struct dt_xres *r, u64 seed)
{
	struct dt_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->p = p;
	c->r = r;
	prandom_seed_state(&c->rnd, seed);
	return c;
}

/* A context is freed only when nothing of it may still be in use. */
static void dt_ctx_free(struct dt_ctx *c)
{
	if (!c || c->abandoned)
		return;
	dt_round_free(c);
	kfree(c->ref);
	kfree(c->buf);
	kfree(c);
}

/* memset, sg: each selected channel in turn. */
static int dt_run_chans(const struct dt_xfer_params *p, struct dt_report *rep)
{
	const char *name = dt_test_names[p->test];
	struct dt_xres r;
	struct dt_ctx *c;
	int i, err = 0;

	pr_info("dmaeng_test: %s on %d channels, %u transfers each of up to %u bytes, seed %u\n",
		name, p->nchans, p->iterations, p->max_size, p->seed);
	for (i = 0; i < p->nchans && i < DT_MAX_CHANS; i++) {
		memset(&r, 0, sizeof(r));
		snprintf(r.name, sizeof(r.name), "%s %s", name,
			 dmaeng_chan_name(p->chans[i]));
		c = dt_ctx_alloc(p, &r, (u64)p->seed << 16 | i);
		if (!c) {
			err = -ENOMEM;
			break;
		}
		c->chan = p->chans[i];
		c->owner = p->owner;
		c->segmax = dt_segmax(c->chan);
		c->mapmax = dt_mapmax(c->chan);
		r.start = ktime_get();
		if (p->test == DT_TEST_MEMSET)
			dt_memset_chan(c);
		else
			dt_sg_chan(c);
		r.ns = ktime_to_ns(ktime_sub(ktime_get(), r.start));
		/* (An abandoned context keeps pointing at r: no longer used.) */
		c->r = NULL;
		dt_ctx_free(c);
		dt_line(rep, &r);
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
	}
	return err;
}

static struct dmaeng_chan *dt_request(const char *name)
{
	struct dmaeng_chan *chan = dmaeng_request_chan(&dt_pdev->dev, name);

	if (IS_ERR(chan))
		pr_err("dmaeng_test: no \"%s\" channel for device %s: %ld\n",
		       name, dev_name(&dt_pdev->dev), PTR_ERR(chan));
	return chan;
}

/* slave, cyclic, pause: the named channels of device "dmaeng_test". */
static int dt_run_pair(const struct dt_xfer_params *p, struct dt_report *rep)
{
	const char *name = dt_test_names[p->test];
	struct dmaeng_chan *tx, *rx;
	struct dt_ctx *c = NULL;
	struct dt_xres r = {};
	unsigned int i, rounds = p->iterations;
	size_t refsize;
	int err = 0;

	if (!dt_pdev)
		return -ENODEV;
	tx = dt_request("tx");
	if (IS_ERR(tx))
		return PTR_ERR(tx);
	rx = dt_request("rx");
	if (IS_ERR(rx)) {
		dmaeng_release_channel(tx);
		return PTR_ERR(rx);
	}
	snprintf(r.name, sizeof(r.name), "%s %s/%s", name,
		 dmaeng_chan_name(tx), dmaeng_chan_name(rx));
	r.cyclic = p->test == DT_TEST_CYCLIC;
	r.start = ktime_get();
	if (dmaeng_chan_dma_device(tx) != dmaeng_chan_dma_device(rx)) {
		dt_err(&r, "tx %s and rx %s are on different devices: no FIFO connects them",
		       dmaeng_chan_name(tx), dmaeng_chan_name(rx));
		goto line;
	}
	c = dt_ctx_alloc(p, &r, (u64)p->seed << 16);
	if (!c) {
		err = -ENOMEM;
		goto line;
	}
	c->tx = tx;
	c->rx = rx;
	c->owner = NULL;	/* private channels */
	c->segmax = dt_segmax(tx);
	switch (p->test) {
	case DT_TEST_SLAVE:
		refsize = max_t(size_t, min_t(size_t, p->max_size,
					      DT_SG_MAX * c->segmax), 8);
		rounds++;	/* the last one with RX issued first */
		break;
	case DT_TEST_CYCLIC:
		refsize = (3 * DT_CYC_PERIODS + 1 + DT_CYC_PERIODS) * DT_CYC_PLEN;
		c->buf = kmalloc(2 * DT_SG_GUARD + DT_SG_SLACK +
				 DT_CYC_PERIODS * DT_CYC_PLEN, GFP_KERNEL);
		if (!c->buf)
			err = -ENOMEM;
		break;
	default:
		refsize = 2 * DMAENG_MEMCPY_FIFO_DEPTH;
		break;
	}
	c->ref_size = refsize;
	c->ref = kmalloc(refsize, GFP_KERNEL | __GFP_NOWARN);
	if (!c->ref || err) {
		err = -ENOMEM;
		goto line;
	}
	pr_info("dmaeng_test: %s on tx %s, rx %s: %u rounds, seed %u\n", name,
		dmaeng_chan_name(tx), dmaeng_chan_name(rx), rounds, p->seed);

	/* Start from an empty FIFO: terminating a channel empties it. */
	snprintf(c->label, sizeof(c->label), "start");
	err = dmaeng_terminate_sync(tx);
	if (err) {
		dt_err(&r, "dmaeng_terminate_sync(%s): %d",
		       dmaeng_chan_name(tx), err);
		err = 0;
		goto line;
	}
	for (i = 0; i < rounds && !c->stop; i++) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		switch (p->test) {
		case DT_TEST_SLAVE:
			dt_slave_round(c, i, i == rounds - 1);
			break;
		case DT_TEST_CYCLIC:
			dt_cyclic_rx(c, i);
			if (!c->stop)
				dt_cyclic_tx(c, i);
			break;
		default:
			dt_pause_round(c, i);
			break;
		}
		cond_resched();
	}
line:
	r.ns = ktime_to_ns(ktime_sub(ktime_get(), r.start));
	if (c)
		c->r = NULL;
	dt_ctx_free(c);
	dt_line(rep, &r);
	dmaeng_release_channel(rx);
	dmaeng_release_channel(tx);
	return err;
}

/**
 * dt_xfer_run() - run a test other than memcpy
 * @p: what to run
 * @rep: zeroed; gets the result lines and totals
 *
 * Return: 0 when it ran (its failures are in @rep), -EINTR when the writer
 * was killed, -ENOMEM, or the error of dmaeng_request_chan().
 */
int dt_xfer_run(const struct dt_xfer_params *p, struct dt_report *rep)
{
	switch (p->test) {
	case DT_TEST_MEMSET:
	case DT_TEST_SG:
		return dt_run_chans(p, rep);
	case DT_TEST_SLAVE:
	case DT_TEST_CYCLIC:
	case DT_TEST_PAUSE:
		return dt_run_pair(p, rep);
	default:
		return -EINVAL;
	}
}

/* The client device whose "tx" and "rx" the provider's slave map names. */
int dt_xfer_init(void)
{
	dt_pdev = platform_device_register_simple(DMAENG_MEMCPY_SLAVE_DEV,
						  PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(dt_pdev)) {
		int err = PTR_ERR(dt_pdev);

		pr_err("dmaeng_test: cannot register platform device %s: %d\n",
		       DMAENG_MEMCPY_SLAVE_DEV, err);
		dt_pdev = NULL;
		return err;
	}
	return 0;
}

void dt_xfer_exit(void)
{
	platform_device_unregister(dt_pdev);
	dt_pdev = NULL;
}
