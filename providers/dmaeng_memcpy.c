// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_memcpy: a software DMA engine, the sample dmaeng provider, built on
 * the provider helper library (include/dmaeng/vchan.h).
 *
 * A platform device "dmaeng_memcpy" with a DMA mask stands for the engine
 * (with caps= naming several capability sets, one device each:
 * "dmaeng_memcpy", "dmaeng_memcpy.1", ...).  The same engine is built a
 * second time as module dmaeng_memcpy2 (devices "dmaeng_memcpy2", ...),
 * so that two providers with different capabilities can be loaded and
 * unloaded independently.  Clients map their buffers with the DMA API for it, so dma-debug and
 * swiotlb see every mapping.  The engine reaches the bytes the way a device
 * would: it translates each DMA address back to a physical address
 * (dma-direct) and copies there, so bounced mappings work like on real
 * hardware.  A device behind an IOMMU would need the IOMMU's page tables,
 * which this engine cannot walk: it refuses to register.
 *
 * It offers, by caps=, memcpy, memset, scatter-gather copies, and slave
 * and cyclic transfers to or from the loopback FIFO peripheral that
 * dmaeng_memcpy.h describes, with pause/resume and residue.
 *
 * Each channel runs its issued descriptors in order on its own work item
 * (a work item never runs concurrently with itself), one step at a time: a
 * whole copy, fill or sg copy is one step; a slave or cyclic transfer moves
 * at most a page per step through the FIFO, stalls while the FIFO cannot
 * take or give a burst, and is woken by the channel that changes it.  The
 * library delivers completions.  Descriptors come from a per-channel
 * mempool whose reserve is MC_RESERVE_PER_CLIENT descriptors per client
 * holding the channel, so a blocking prep never fails for lack of memory
 * (the segment list of an sg or slave transfer is allocated besides).
 * The work item completes in process context, so it delivers its
 * completions and periods itself (caller_delivers, dmaeng_vchan_deliver()),
 * right after each step, not through the library's tasklet.
 *
 * Locking: the library's vc.lock protects mc_chan's active, abort, paused,
 * cfg and configured fields besides the lists; mc_fifo.lock protects the
 * FIFO and every channel's stalled flag (so a stall and the wake that ends
 * it cannot miss each other), and a step's data and progress, so that a
 * pause waits for the step moving data.  Order: vc.lock -> fifo.lock.  A
 * step runs with vc.lock dropped; terminate_all marks the active
 * descriptor for abort and the work item completes it after its step, so
 * nothing completes while the engine still touches its buffers.
 * synchronize flushes the work item (and so its deliveries), then the
 * library's tasklet.  The workqueue lives until ->release.
 */

#include <linux/delay.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/scatterlist.h>
#include <dmaeng/vchan.h>
#include "dmaeng_memcpy.h"
#include "dmaeng_swcopy.h"

/* "dmaeng_memcpy", or "dmaeng_memcpy2" for the second build of it. */
#define MC_NAME			KBUILD_MODNAME
#define MC_MAX_CHANNELS		64
#define MC_MAX_DEVICES		4
#define MC_RESERVE_PER_CLIENT	16
#define MC_MAX_SEGS		4096	/* sg and slave list entries */
#define MC_STEP			PAGE_SIZE	/* FIFO bytes per step */

/* An unsigned int parameter that only takes values in [min, max]. */
struct mc_range {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static int mc_range_set(const char *val, const struct kernel_param *kp)
{
	const struct mc_range *r = kp->arg;
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < r->min || v > r->max) {
		pr_err(MC_NAME ": %s=%s: must be %u..%u\n", kp->name, val,
		       r->min, r->max);
		return -EINVAL;
	}
	*r->val = v;
	return 0;
}

static int mc_range_get(char *buf, const struct kernel_param *kp)
{
	const struct mc_range *r = kp->arg;

	return sysfs_emit(buf, "%u\n", *r->val);
}

static const struct kernel_param_ops mc_range_ops = {
	.set = mc_range_set,
	.get = mc_range_get,
};

static unsigned int channels;	/* 0: not given, one per online CPU */
static struct mc_range mc_channels = { &channels, 1, MC_MAX_CHANNELS };
module_param_cb(channels, &mc_range_ops, &mc_channels, 0444);
MODULE_PARM_DESC(channels, "Number of channels, 1..64 (default: one per online CPU)");

static char *caps = "memcpy,interrupt";
module_param(caps, charp, 0444);
MODULE_PARM_DESC(caps, "Capabilities of each device, comma-separated: memcpy, interrupt, memset, sg, slave, cyclic (at least one transfer; cyclic implies interrupt); one device per ';'-separated set, up to 4 (default: memcpy,interrupt)");

static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "Fault injection: module init fails after its devices registered with dmaeng (default: 0)");

static bool private;
module_param(private, bool, 0444);
MODULE_PARM_DESC(private, "Private-only device: channels only via dmaeng_request_channel() (default: 0)");

static unsigned int dma_mask_bits = 64;
static struct mc_range mc_mask_bits = { &dma_mask_bits, 24, 64 };
module_param_cb(dma_mask_bits, &mc_range_ops, &mc_mask_bits, 0444);
MODULE_PARM_DESC(dma_mask_bits, "DMA mask of the device in bits, 24..64; a small mask makes the DMA API bounce (default: 64)");

static bool fail_alloc;
module_param(fail_alloc, bool, 0644);
MODULE_PARM_DESC(fail_alloc, "Fault injection: alloc_chan_resources fails with -ENOMEM (default: 0)");

static unsigned int error_every;
module_param(error_every, uint, 0644);
MODULE_PARM_DESC(error_every, "Fault injection: complete every Nth descriptor of a channel with an error, 0 = never (default: 0)");

static unsigned int delay_us;
module_param(delay_us, uint, 0644);
MODULE_PARM_DESC(delay_us, "Fault injection: delay each completion by this many microseconds (default: 0)");

enum mc_kind { MC_MEMCPY, MC_MEMSET, MC_SG, MC_SLAVE, MC_CYCLIC };

/* One contiguous piece of a transfer: a DMA address and a length. */
struct mc_seg {
	dma_addr_t addr;
	size_t len;
};

struct mc_desc {
	struct dmaeng_vdesc vd;
	enum mc_kind kind;
	enum dmaeng_dir dir;		/* slave, cyclic */
	u8 value;			/* memset */
	dma_addr_t dst;			/* memcpy, memset */
	dma_addr_t src;			/* memcpy */
	struct mc_seg *segs;		/* sg: dst then src; slave: memory */
	unsigned int ndst;		/* sg */
	unsigned int nsegs;		/* sg: src; slave: memory */
	size_t period_len;		/* cyclic; segs[0] is the ring */
	struct dmaeng_slave_config cfg;	/* slave, cyclic */
	unsigned int seg;		/* slave, cyclic: progress */
	size_t off;
	size_t done;
	bool begun;			/* error_every and delay_us applied */
};

/* The modelled peripheral: a loopback FIFO, see dmaeng_memcpy.h. */
struct mc_fifo {
	spinlock_t lock;		/* the ring and every mc_chan.stalled */
	unsigned int head;
	unsigned int count;
	u8 buf[DMAENG_MEMCPY_FIFO_DEPTH];
};

struct mc_chan {
	struct dmaeng_vchan vc;
	struct mc_dev *mdev;
	struct work_struct work;
	mempool_t *pool;
	unsigned long seq;		/* descriptors run, for error_every */
	struct mc_desc *active;		/* started, vc.lock */
	bool abort;			/* complete active as aborted, vc.lock */
	bool paused;			/* vc.lock */
	bool configured;		/* vc.lock */
	struct dmaeng_slave_config cfg;	/* vc.lock */
	bool stalled;			/* waits for the FIFO, fifo.lock */
};

struct mc_dev {
	struct dmaeng_device ddev;
	struct platform_device *pdev;
	struct workqueue_struct *wq;
	struct mc_fifo fifo;
	struct dmaeng_slave_map map[2];
	unsigned int nchans;
	struct mc_chan chans[];
};

static struct dmaeng_cap_mask mc_masks[MC_MAX_DEVICES];
static unsigned int mc_ndevs;
static struct platform_device *mc_pdevs[MC_MAX_DEVICES];

static struct mc_chan *to_mc(struct dmaeng_chan *chan)
{
	return container_of(to_dmaeng_vchan(chan), struct mc_chan, vc);
}

static struct mc_desc *to_desc(struct dmaeng_vdesc *vd)
{
	return container_of(vd, struct mc_desc, vd);
}

static struct device *mc_dev_of(struct mc_chan *mc)
{
	return mc->mdev->ddev.dev;
}

enum mc_step { MC_MORE, MC_STALL, MC_PAUSED, MC_DONE_OK, MC_DONE_ERROR };

/*
 * Run @fn over the bytes at bus address @addr of @dev, page by page, as a
 * device behind no IOMMU reaches them.  False if the range is not memory.
 */
static bool mc_mem_walk(struct device *dev, dma_addr_t addr, size_t len,
			void (*fn)(void *p, size_t n, void *arg), void *arg)
{
	phys_addr_t pa = dma_to_phys(dev, addr);
	size_t off, n;
	void *p;

	if (!len)
		return true;
	if (!dmaeng_swcopy_valid(pa, len))
		return false;
	while (len) {
		off = offset_in_page(pa);
		n = min_t(size_t, len, PAGE_SIZE - off);
		p = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));
		fn(p + off, n, arg);
		kunmap_local(p);
		pa += n;
		len -= n;
	}
	return true;
}

static void mc_fill(void *p, size_t n, void *arg)
{
	memset(p, *(u8 *)arg, n);
}

static void mc_bad_addr(struct mc_chan *mc, dma_addr_t a, dma_addr_t b)
{
	dev_err_ratelimited(mc_dev_of(mc), "%s: bad DMA address %p or %p\n",
			    mc->vc.chan.name, dmaeng_addr_hashed(a),
			    dmaeng_addr_hashed(b));
}

/* Copy between two segment lists of equal total length. */
static bool mc_run_sg(struct mc_chan *mc, struct mc_desc *d)
{
	struct mc_seg *dst = d->segs, *src = d->segs + d->ndst;
	unsigned int i = 0, j = 0;
	size_t di = 0, si = 0, n;

	while (i < d->ndst && j < d->nsegs) {
		n = min(dst[i].len - di, src[j].len - si);
		if (!dmaeng_swcopy(mc_dev_of(mc), dst[i].addr + di,
				   src[j].addr + si, n)) {
			mc_bad_addr(mc, dst[i].addr + di, src[j].addr + si);
			return false;
		}
		di += n;
		si += n;
		if (di == dst[i].len) {
			i++;
			di = 0;
		}
		if (si == src[j].len) {
			j++;
			si = 0;
		}
	}
	return true;
}

struct mc_fifo_io {
	struct mc_fifo *f;
	bool push;
};

/* Move @n bytes between memory at @p and the FIFO (room/data checked). */
static void mc_fifo_io(void *p, size_t n, void *arg)
{
	struct mc_fifo_io *io = arg;
	struct mc_fifo *f = io->f;
	unsigned int pos, k;
	u8 *m = p;

	while (n) {
		if (io->push) {
			pos = (f->head + f->count) % DMAENG_MEMCPY_FIFO_DEPTH;
			k = min_t(size_t, n, DMAENG_MEMCPY_FIFO_DEPTH - pos);
			memcpy(f->buf + pos, m, k);
			f->count += k;
		} else {
			pos = f->head;
			k = min_t(size_t, n, DMAENG_MEMCPY_FIFO_DEPTH - pos);
			memcpy(m, f->buf + pos, k);
			f->head = (f->head + k) % DMAENG_MEMCPY_FIFO_DEPTH;
			f->count -= k;
		}
		m += k;
		n -= k;
	}
}

/*
 * Set @woken to the device's channels stalled on the FIFO, and clear their
 * stall; fifo.lock.
 */
static void mc_fifo_stalled(struct mc_dev *mdev, unsigned long *woken)
{
	unsigned int i;

	bitmap_zero(woken, MC_MAX_CHANNELS);
	for (i = 0; i < mdev->nchans; i++) {
		if (mdev->chans[i].stalled) {
			mdev->chans[i].stalled = false;
			__set_bit(i, woken);
		}
	}
}

static void mc_wake(struct mc_dev *mdev, const unsigned long *woken)
{
	unsigned int i;

	for_each_set_bit(i, woken, MC_MAX_CHANNELS)
		queue_work(mdev->wq, &mdev->chans[i].work);
}

/*
 * One step of a slave or cyclic transfer: whole bursts (the last one may
 * be short), at most MC_STEP bytes, as many as the FIFO takes or gives.
 * The data and the progress move under fifo.lock, where the step also
 * sees a pause: mc_pause() takes the lock once after setting paused, so
 * when it returns no step is moving data and the residue is final.
 */
static enum mc_step mc_step_fifo(struct mc_chan *mc, struct mc_desc *d)
{
	struct mc_dev *mdev = mc->mdev;
	struct mc_fifo *f = &mdev->fifo;
	bool push = d->dir == DMAENG_MEM_TO_DEV;
	struct mc_fifo_io io = { .f = f, .push = push };
	u32 width = push ? d->cfg.dst_addr_width : d->cfg.src_addr_width;
	u32 burst = width * (push ? d->cfg.dst_maxburst : d->cfg.src_maxburst);
	dma_addr_t fifo_addr = push ? d->cfg.dst_addr : d->cfg.src_addr;
	struct mc_seg *seg = &d->segs[d->seg];
	size_t left = seg->len - d->off, avail, n;
	DECLARE_BITMAP(woken, MC_MAX_CHANNELS);
	enum mc_step step = MC_MORE;
	unsigned long flags;

	if (fifo_addr != DMAENG_MEMCPY_FIFO_ADDR) {
		dev_err_ratelimited(mc_dev_of(mc), "%s: no peripheral at device address %p\n",
				    mc->vc.chan.name,
				    dmaeng_addr_hashed(fifo_addr));
		return MC_DONE_ERROR;
	}
	if (d->kind == MC_CYCLIC)	/* periods end steps */
		left = min(left, d->period_len - d->off % d->period_len);
	spin_lock_irqsave(&f->lock, flags);
	if (READ_ONCE(mc->paused)) {
		spin_unlock_irqrestore(&f->lock, flags);
		return MC_PAUSED;
	}
	avail = push ? DMAENG_MEMCPY_FIFO_DEPTH - f->count : f->count;
	n = min3(left, (size_t)MC_STEP, avail);
	if (n < left)
		n = rounddown(n, burst);
	if (!n) {
		mc->stalled = true;
		spin_unlock_irqrestore(&f->lock, flags);
		return MC_STALL;
	}
	if (!mc_mem_walk(mc_dev_of(mc), seg->addr + d->off, n, mc_fifo_io,
			 &io)) {
		spin_unlock_irqrestore(&f->lock, flags);
		mc_bad_addr(mc, seg->addr + d->off, fifo_addr);
		return MC_DONE_ERROR;
	}
	mc_fifo_stalled(mdev, woken);

	d->off += n;
	d->done += n;
	if (d->kind == MC_CYCLIC) {
		if (d->off == seg->len)
			d->off = 0;
		dmaeng_vchan_set_residue(&d->vd, seg->len - d->off);
	} else {
		if (d->off == seg->len) {
			d->seg++;
			d->off = 0;
		}
		dmaeng_vchan_set_residue(&d->vd,
					 min_t(size_t, d->vd.tx.len - d->done,
					       U32_MAX));
		if (d->seg == d->nsegs)
			step = MC_DONE_OK;
	}
	spin_unlock_irqrestore(&f->lock, flags);
	mc_wake(mdev, woken);
	return step;
}

/* Run one step of @d the way the device would. */
static enum mc_step mc_step(struct mc_chan *mc, struct mc_desc *d)
{
	unsigned int every = READ_ONCE(error_every);
	unsigned int delay = READ_ONCE(delay_us);
	struct device *dev = mc_dev_of(mc);

	if (!d->begun) {
		d->begun = true;
		if (delay)
			usleep_range(delay, delay + delay / 4 + 1);
		mc->seq++;
		if (every && mc->seq % every == 0)
			return MC_DONE_ERROR;
	}
	switch (d->kind) {
	case MC_MEMCPY:
		if (dmaeng_swcopy(dev, d->dst, d->src, d->vd.tx.len))
			return MC_DONE_OK;
		mc_bad_addr(mc, d->dst, d->src);
		return MC_DONE_ERROR;
	case MC_MEMSET:
		if (mc_mem_walk(dev, d->dst, d->vd.tx.len, mc_fill, &d->value))
			return MC_DONE_OK;
		mc_bad_addr(mc, d->dst, d->dst);
		return MC_DONE_ERROR;
	case MC_SG:
		return mc_run_sg(mc, d) ? MC_DONE_OK : MC_DONE_ERROR;
	case MC_SLAVE:
	case MC_CYCLIC:
		return mc_step_fifo(mc, d);
	}
	return MC_DONE_ERROR;
}

/* The active descriptor is gone: it waits for the FIFO no more. */
static void mc_unstall(struct mc_chan *mc)
{
	struct mc_fifo *f = &mc->mdev->fifo;
	unsigned long flags;

	spin_lock_irqsave(&f->lock, flags);
	mc->stalled = false;
	spin_unlock_irqrestore(&f->lock, flags);
}

static void mc_work(struct work_struct *work)
{
	struct mc_chan *mc = container_of(work, struct mc_chan, work);
	struct dmaeng_vchan *vc = &mc->vc;
	bool deliver = false;
	enum mc_step step;
	struct mc_desc *d;

	for (;;) {
		spin_lock_irq(&vc->lock);
		if (mc->active && mc->abort) {
			dmaeng_vchan_complete(&mc->active->vd,
					      DMAENG_RESULT_ABORTED);
			mc->active = NULL;
			mc_unstall(mc);
			deliver = true;
		}
		mc->abort = false;
		if (!mc->active && !mc->paused) {
			struct dmaeng_vdesc *vd = dmaeng_vchan_next(vc);

			mc->active = vd ? to_desc(vd) : NULL;
		}
		d = mc->paused ? NULL : mc->active;
		spin_unlock_irq(&vc->lock);
		if (deliver)
			dmaeng_vchan_deliver(vc);
		deliver = false;
		if (!d)
			return;

		step = mc_step(mc, d);

		spin_lock_irq(&vc->lock);
		if (step == MC_DONE_OK || step == MC_DONE_ERROR) {
			dmaeng_vchan_complete(&d->vd, step == MC_DONE_OK ?
					      DMAENG_RESULT_OK :
					      DMAENG_RESULT_ERROR);
			mc->active = NULL;
			deliver = true;
		} else if (step == MC_MORE && d->kind == MC_CYCLIC &&
			   d->off % d->period_len == 0) {
			dmaeng_vchan_cyclic_period(&d->vd);
			deliver = true;
		}
		spin_unlock_irq(&vc->lock);
		if (deliver)
			dmaeng_vchan_deliver(vc);
		deliver = false;
		/*
		 * Stalled: the channel that changes the FIFO queues us again,
		 * as do terminate_all and resume; paused: resume does.
		 */
		if (step == MC_STALL || step == MC_PAUSED)
			return;
		cond_resched();
	}
}

static void mc_desc_free(struct dmaeng_vdesc *vd)
{
	struct mc_desc *d = to_desc(vd);

	kfree(d->segs);
	mempool_free(d, to_mc(vd->tx.chan)->pool);
}

static struct mc_desc *mc_desc_alloc(struct mc_chan *mc, enum mc_kind kind,
				     unsigned long flags)
{
	struct mc_desc *d;

	/* GFP_KERNEL: mempool waits for the reserve and never fails. */
	d = mempool_alloc(mc->pool, flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT :
								  GFP_KERNEL);
	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->vd.tx.chan = &mc->vc.chan;	/* for mc_desc_free() before prep ends */
	return d;
}

static gfp_t mc_gfp(unsigned long flags)
{
	return flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT : GFP_KERNEL;
}

static struct dmaeng_tx *mc_prep_memcpy(struct dmaeng_chan *chan,
					dma_addr_t dst, dma_addr_t src,
					size_t len, unsigned long flags)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_desc *d = mc_desc_alloc(mc, MC_MEMCPY, flags);

	if (!d)
		return NULL;
	d->dst = dst;
	d->src = src;
	return dmaeng_vchan_tx_prep(&mc->vc, &d->vd, len);
}

static struct dmaeng_tx *mc_prep_memset(struct dmaeng_chan *chan,
					dma_addr_t dst, u8 value, size_t len,
					unsigned long flags)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_desc *d = mc_desc_alloc(mc, MC_MEMSET, flags);

	if (!d)
		return NULL;
	d->dst = dst;
	d->value = value;
	return dmaeng_vchan_tx_prep(&mc->vc, &d->vd, len);
}

/* Copy a mapped list's DMA segments into @segs; false if one is too short. */
static bool mc_take_sg(struct mc_seg *segs, struct scatterlist *sgl,
		       unsigned int nents, u32 width)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(sgl, sg, nents, i) {
		segs[i].addr = sg_dma_address(sg);
		segs[i].len = sg_dma_len(sg);
		if (segs[i].len % width)
			return false;
	}
	return true;
}

static struct dmaeng_tx *mc_prep_memcpy_sg(struct dmaeng_chan *chan,
					   struct scatterlist *dst_sg,
					   unsigned int dst_nents,
					   struct scatterlist *src_sg,
					   unsigned int src_nents,
					   unsigned long flags)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_desc *d;
	size_t len = 0;
	unsigned int i;

	if (dst_nents > MC_MAX_SEGS || src_nents > MC_MAX_SEGS)
		return NULL;
	d = mc_desc_alloc(mc, MC_SG, flags);
	if (!d)
		return NULL;
	d->segs = kmalloc_array(dst_nents + src_nents, sizeof(*d->segs),
				mc_gfp(flags));
	if (!d->segs) {
		mc_desc_free(&d->vd);
		return NULL;
	}
	d->ndst = dst_nents;
	d->nsegs = src_nents;
	mc_take_sg(d->segs, dst_sg, dst_nents, 1);
	mc_take_sg(d->segs + dst_nents, src_sg, src_nents, 1);
	for (i = 0; i < dst_nents; i++)
		len += d->segs[i].len;
	return dmaeng_vchan_tx_prep(&mc->vc, &d->vd, len);
}

/* The channel's configuration, if it was set for @dir. */
static bool mc_config_for(struct mc_chan *mc, enum dmaeng_dir dir,
			  struct dmaeng_slave_config *cfg)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&mc->vc.lock, flags);
	ok = mc->configured && mc->cfg.direction == dir;
	*cfg = mc->cfg;
	spin_unlock_irqrestore(&mc->vc.lock, flags);
	return ok;
}

static u32 mc_width(const struct dmaeng_slave_config *cfg)
{
	return cfg->direction == DMAENG_MEM_TO_DEV ? cfg->dst_addr_width :
						     cfg->src_addr_width;
}

static struct dmaeng_tx *mc_prep_slave_sg(struct dmaeng_chan *chan,
					  struct scatterlist *sgl,
					  unsigned int sg_len,
					  enum dmaeng_dir dir,
					  unsigned long flags)
{
	struct mc_chan *mc = to_mc(chan);
	struct dmaeng_slave_config cfg;
	struct mc_desc *d;
	size_t len = 0;
	unsigned int i;

	if (sg_len > MC_MAX_SEGS || !mc_config_for(mc, dir, &cfg))
		return NULL;
	d = mc_desc_alloc(mc, MC_SLAVE, flags);
	if (!d)
		return NULL;
	d->segs = kmalloc_array(sg_len, sizeof(*d->segs), mc_gfp(flags));
	if (!d->segs || !mc_take_sg(d->segs, sgl, sg_len, mc_width(&cfg))) {
		mc_desc_free(&d->vd);
		return NULL;
	}
	d->nsegs = sg_len;
	d->dir = dir;
	d->cfg = cfg;
	for (i = 0; i < sg_len; i++)
		len += d->segs[i].len;
	return dmaeng_vchan_tx_prep(&mc->vc, &d->vd, len);
}

static struct dmaeng_tx *mc_prep_cyclic(struct dmaeng_chan *chan,
					dma_addr_t buf, size_t buf_len,
					size_t period_len, enum dmaeng_dir dir,
					unsigned long flags)
{
	struct mc_chan *mc = to_mc(chan);
	struct dmaeng_slave_config cfg;
	struct mc_desc *d;

	if (!mc_config_for(mc, dir, &cfg) || period_len % mc_width(&cfg))
		return NULL;
	d = mc_desc_alloc(mc, MC_CYCLIC, flags);
	if (!d)
		return NULL;
	d->segs = kmalloc(sizeof(*d->segs), mc_gfp(flags));
	if (!d->segs) {
		mc_desc_free(&d->vd);
		return NULL;
	}
	d->segs[0].addr = buf;
	d->segs[0].len = buf_len;
	d->nsegs = 1;
	d->period_len = period_len;
	d->dir = dir;
	d->cfg = cfg;
	return dmaeng_vchan_tx_prep(&mc->vc, &d->vd, buf_len);
}

static int mc_config(struct dmaeng_chan *chan,
		     const struct dmaeng_slave_config *cfg)
{
	struct mc_chan *mc = to_mc(chan);
	unsigned long flags;
	u64 burst = cfg->direction == DMAENG_MEM_TO_DEV ?
		    (u64)cfg->dst_addr_width * cfg->dst_maxburst :
		    (u64)cfg->src_addr_width * cfg->src_maxburst;

	/* A burst must fit in the FIFO, or it would never move. */
	if (burst > DMAENG_MEMCPY_FIFO_DEPTH)
		return -EINVAL;
	spin_lock_irqsave(&mc->vc.lock, flags);
	mc->cfg = *cfg;
	mc->configured = true;
	spin_unlock_irqrestore(&mc->vc.lock, flags);
	return 0;
}

/*
 * A slave or cyclic transfer stops at once: the step moving data (under
 * fifo.lock) is waited for.  A memcpy, memset or sg descriptor is one step:
 * it pauses only before it starts.
 */
static int mc_pause(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_fifo *f = &mc->mdev->fifo;
	unsigned long flags;

	spin_lock_irqsave(&mc->vc.lock, flags);
	WRITE_ONCE(mc->paused, true);
	spin_unlock_irqrestore(&mc->vc.lock, flags);
	spin_lock_irqsave(&f->lock, flags);
	spin_unlock_irqrestore(&f->lock, flags);
	return 0;
}

static int mc_resume(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);
	unsigned long flags;

	spin_lock_irqsave(&mc->vc.lock, flags);
	WRITE_ONCE(mc->paused, false);
	spin_unlock_irqrestore(&mc->vc.lock, flags);
	queue_work(mc->mdev->wq, &mc->work);
	return 0;
}

static void mc_issue_pending(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&mc->vc.lock, flags);
	kick = dmaeng_vchan_issue_pending(&mc->vc) && !mc->active;
	spin_unlock_irqrestore(&mc->vc.lock, flags);
	if (kick)
		queue_work(mc->mdev->wq, &mc->work);
}

static int mc_terminate_all(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);
	struct mc_fifo *f = &mc->mdev->fifo;
	DECLARE_BITMAP(woken, MC_MAX_CHANNELS);

	spin_lock_irq(&mc->vc.lock);
	/* The work item completes the active one after its step. */
	mc->abort = !!mc->active;
	WRITE_ONCE(mc->paused, false);
	dmaeng_vchan_terminate_all(&mc->vc);
	spin_unlock_irq(&mc->vc.lock);

	/* Resetting the peripheral empties its FIFO. */
	spin_lock_irq(&f->lock);
	f->head = 0;
	f->count = 0;
	mc->stalled = false;
	mc_fifo_stalled(mc->mdev, woken);
	spin_unlock_irq(&f->lock);
	mc_wake(mc->mdev, woken);
	queue_work(mc->mdev->wq, &mc->work);
	return 0;
}

static void mc_synchronize(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);

	flush_work(&mc->work);
	dmaeng_vchan_synchronize(&mc->vc);
}

static int mc_alloc_chan_resources(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);

	if (READ_ONCE(fail_alloc))
		return -ENOMEM;
	mc->pool = mempool_create_kmalloc_pool(MC_RESERVE_PER_CLIENT,
					       sizeof(struct mc_desc));
	if (!mc->pool)
		return -ENOMEM;
	mc->seq = 0;
	mc->configured = false;
	return 0;
}

static void mc_free_chan_resources(struct dmaeng_chan *chan)
{
	struct mc_chan *mc = to_mc(chan);

	dmaeng_vchan_free_chan_resources(&mc->vc);
	WARN_ON_ONCE(mc->active);
	mempool_destroy(mc->pool);
	mc->pool = NULL;
}

/* Grow or shrink the reserve with the number of clients (seed 002). */
static void mc_refs_changed(struct dmaeng_chan *chan, int count)
{
	struct mc_chan *mc = to_mc(chan);

	/* 0: the last client is gone and the pool goes with the resources. */
	if (count && mempool_resize(mc->pool, MC_RESERVE_PER_CLIENT * count))
		dev_warn(mc_dev_of(mc), "%s: reserve not resized to %d clients\n",
			 chan->name, count);
}

static const struct dmaeng_device_ops mc_ops = {
	.alloc_chan_resources = mc_alloc_chan_resources,
	.free_chan_resources = mc_free_chan_resources,
	.prep_memcpy = mc_prep_memcpy,
	.prep_memset = mc_prep_memset,
	.prep_memcpy_sg = mc_prep_memcpy_sg,
	.prep_slave_sg = mc_prep_slave_sg,
	.prep_cyclic = mc_prep_cyclic,
	.config = mc_config,
	.pause = mc_pause,
	.resume = mc_resume,
	.issue_pending = mc_issue_pending,
	.tx_status = dmaeng_vchan_tx_status,
	.terminate_all = mc_terminate_all,
	.synchronize = mc_synchronize,
	.refs_changed = mc_refs_changed,
};

/*
 * After the last reference: no work item of the device can be queued any
 * more (a stalled channel may have been woken after it was stopped, so the
 * workqueue lives until here, not until unregistration).
 */
static void mc_release(struct dmaeng_device *ddev)
{
	struct mc_dev *mdev = container_of(ddev, struct mc_dev, ddev);

	destroy_workqueue(mdev->wq);
	kfree(mdev);
}

/*
 * Unbinding the driver (rmmod, or a hot-unplug through sysfs) runs this
 * devres action.  After it no operation runs; @mdev lives on until
 * ->release, after the last client reference.
 */
static void mc_unregister(void *data)
{
	struct mc_dev *mdev = data;

	dmaeng_device_unregister(&mdev->ddev);
}

static int mc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct mc_dev *mdev;
	unsigned int i;
	int err;

	if (get_dma_ops(dev) || device_iommu_mapped(dev))
		return dev_err_probe(dev, -ENODEV,
				     "behind an IOMMU or DMA ops this engine cannot translate addresses through; not registering\n");
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(dma_mask_bits));
	if (err)
		return dev_err_probe(dev, err, "DMA mask of %u bits not supported\n",
				     dma_mask_bits);

	mdev = kzalloc(struct_size(mdev, chans, channels), GFP_KERNEL);
	if (!mdev)
		return -ENOMEM;
	mdev->nchans = channels;
	mdev->pdev = pdev;
	mdev->wq = alloc_workqueue(MC_NAME, WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!mdev->wq) {
		kfree(mdev);
		return -ENOMEM;
	}

	mdev->ddev.dev = dev;
	mdev->ddev.owner = THIS_MODULE;
	mdev->ddev.ops = &mc_ops;
	mdev->ddev.release = mc_release;
	/* Device 0 is "dmaeng_memcpy", device N "dmaeng_memcpy.N". */
	mdev->ddev.cap_mask = mc_masks[pdev->id < 0 ? 0 : pdev->id];
	if (private)
		dmaeng_cap_set(DMAENG_PRIVATE, &mdev->ddev.cap_mask);
	INIT_LIST_HEAD(&mdev->ddev.channels);
	for (i = 0; i < channels; i++) {
		struct mc_chan *mc = &mdev->chans[i];

		mc->mdev = mdev;
		dmaeng_vchan_init(&mc->vc, mc_desc_free);
		mc->vc.caller_delivers = true;
		INIT_WORK(&mc->work, mc_work);
		list_add_tail(&mc->vc.chan.device_node, &mdev->ddev.channels);
	}
	spin_lock_init(&mdev->fifo.lock);
	/* The board file's part: which channels the FIFO's client gets. */
	if (dmaeng_cap_has(DMAENG_SLAVE, &mdev->ddev.cap_mask) ||
	    dmaeng_cap_has(DMAENG_CYCLIC, &mdev->ddev.cap_mask)) {
		mdev->map[0] = (struct dmaeng_slave_map){
			DMAENG_MEMCPY_SLAVE_DEV, "tx", 0 };
		mdev->map[1] = (struct dmaeng_slave_map){
			DMAENG_MEMCPY_SLAVE_DEV, "rx", channels > 1 ? 1 : 0 };
		mdev->ddev.slave_map = mdev->map;
		mdev->ddev.slave_map_len = ARRAY_SIZE(mdev->map);
	}

	err = dmaeng_device_register(&mdev->ddev);
	if (err) {
		destroy_workqueue(mdev->wq);
		kfree(mdev);
		return dev_err_probe(dev, err, "cannot register with dmaeng\n");
	}
	err = devm_add_action_or_reset(dev, mc_unregister, mdev);
	if (err)
		return err;
	platform_set_drvdata(pdev, mdev);
	dev_info(dev, "dma%d: %u %s channels, caps %*pb, %u-bit DMA mask\n",
		 mdev->ddev.dev_id, channels, private ? "private" : "public",
		 DMAENG_CAP_COUNT, mdev->ddev.cap_mask.bits, dma_mask_bits);
	return 0;
}

static struct platform_driver mc_driver = {
	.driver = {
		.name = MC_NAME,
	},
	.probe = mc_probe,
};

static bool mc_offers_transfer(const struct dmaeng_cap_mask *mask)
{
	return dmaeng_cap_has(DMAENG_MEMCPY, mask) ||
	       dmaeng_cap_has(DMAENG_MEMSET, mask) ||
	       dmaeng_cap_has(DMAENG_MEMCPY_SG, mask) ||
	       dmaeng_cap_has(DMAENG_SLAVE, mask) ||
	       dmaeng_cap_has(DMAENG_CYCLIC, mask);
}

/* caps=: one capability set per device, ';' between devices. */
static int mc_parse_caps(void)
{
	char *buf, *set, *p;
	const char *bad;
	int err = -EINVAL;

	buf = kstrdup(caps ?: "", GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	mc_ndevs = 0;
	while ((set = strsep(&p, ";"))) {
		struct dmaeng_cap_mask *mask = &mc_masks[mc_ndevs];

		if (mc_ndevs == MC_MAX_DEVICES) {
			pr_err(MC_NAME ": caps=%s: more than %d devices\n", caps,
			       MC_MAX_DEVICES);
			goto out;
		}
		if (dmaeng_caps_parse(set, mask, &bad)) {
			pr_err(MC_NAME ": caps=%s: unknown capability '%s' (known: memcpy, interrupt, memset, sg, slave, cyclic)\n",
			       caps, bad);
			goto out;
		}
		if (!mc_offers_transfer(mask)) {
			pr_err(MC_NAME ": caps=%s: device %u offers no transfer (memcpy, memset, sg, slave or cyclic)\n",
			       caps, mc_ndevs);
			goto out;
		}
		/* Periods are reported by callback: cyclic needs interrupt. */
		if (dmaeng_cap_has(DMAENG_CYCLIC, mask))
			dmaeng_cap_set(DMAENG_INTERRUPT, mask);
		mc_ndevs++;
	}
	err = 0;
out:
	kfree(buf);
	return err;
}

static void mc_remove_devices(void)
{
	while (mc_ndevs)
		platform_device_unregister(mc_pdevs[--mc_ndevs]);
}

static int __init mc_init(void)
{
	struct platform_device *pdev;
	unsigned int n;
	int err;

	if (!channels)
		channels = min_t(unsigned int, num_online_cpus(), MC_MAX_CHANNELS);
	err = mc_parse_caps();
	if (err)
		return err;
	n = mc_ndevs;
	mc_ndevs = 0;

	err = platform_driver_register(&mc_driver);
	if (err)
		return err;
	while (mc_ndevs < n) {
		pdev = platform_device_register_simple(MC_NAME,
						       mc_ndevs ? (int)mc_ndevs :
						       PLATFORM_DEVID_NONE,
						       NULL, 0);
		if (IS_ERR(pdev)) {
			err = PTR_ERR(pdev);
			goto fail;
		}
		mc_pdevs[mc_ndevs++] = pdev;
		/* Probing failed: report it instead of loading a useless module. */
		if (!platform_get_drvdata(pdev)) {
			err = -ENODEV;
			goto fail;
		}
	}
	if (fail_init) {
		pr_err(MC_NAME ": fail_init=1: failing module init after registering %u devices\n",
		       n);
		err = -ECANCELED;
		goto fail;
	}
	return 0;

fail:
	mc_remove_devices();
	platform_driver_unregister(&mc_driver);
	return err;
}

static void __exit mc_exit(void)
{
	mc_remove_devices();
	platform_driver_unregister(&mc_driver);
}

module_init(mc_init);
module_exit(mc_exit);

MODULE_DESCRIPTION("dmaeng sample provider: a software memcpy DMA engine");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
