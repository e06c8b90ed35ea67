// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_edu: a dmaeng provider for QEMU's "edu" PCI device, the example of
 * a hardware driver on the provider helper library (include/dmaeng/vchan.h).
 *
 * The device (QEMU's hw/misc/edu.c, vendor 0x1234, device 0x11e8) has one
 * DMA engine that moves up to its 4 KiB buffer between RAM and that buffer
 * at device address 0x40000, raises an interrupt when a move is done (MSI
 * when enabled), and clamps every bus address to its DMA mask (28 bits
 * unless QEMU's dma_mask property says otherwise).  So each copy of the one
 * dmaeng channel a device offers (MEMCPY, INTERRUPT) runs as steps of at
 * most EDU_STEP bytes, each two moves: source -> buffer, buffer ->
 * destination, one interrupt each.  Clients map their buffers with the DMA
 * API for the PCI device, so swiotlb bounces what the mask cannot reach and
 * an IOMMU translates.
 *
 * Locking: the library's vc.lock (IRQ-safe) protects, besides the lists,
 * every edu_dev field marked "vc.lock" and the DMA registers: a move is
 * started, and its interrupt handled, under it.  The interrupt handler
 * takes it with spin_lock(), everything else with spin_lock_irqsave().
 *
 * Lifetime: probe allocates struct edu_dev with two references, one for
 * the PCI binding (dropped by the last devres action, after the interrupt
 * is freed) and one for dmaeng (dropped by ->release, after the last client
 * reference, which may come long after a hot-unplug).  Devres unwinds in
 * reverse: dmaeng_device_unregister() (which terminates and synchronizes
 * the channel: the move in flight ends, with its interrupt, and the
 * descriptor completes ABORTED) and the watchdog's shutdown, then the
 * interrupt, the MSI vector, the BAR mapping, and the PCI binding's
 * reference.  After unregistration nothing touches the registers.
 *
 * A move that raises no interrupt within timeout_ms is looked at by a
 * watchdog: if the registers read all-ones the device is gone (surprise
 * removal) and every copy fails with DMAENG_RESULT_ERROR; if the engine
 * finished, the interrupt was lost and the copy goes on; if the engine is
 * still running, bus mastering is switched off so that it cannot write any
 * more, and the device is failed the same way.
 */

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <dmaeng/vchan.h>

#define EDU_NAME		KBUILD_MODNAME

/* Registers of BAR0 (QEMU's docs/specs/edu.rst). */
#define EDU_REG_ID		0x00	/* 0xRRrr00ed: version, magic 0xed */
#define EDU_REG_LIVE		0x04	/* reads back the inverse of a write */
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80	/* 64-bit registers */
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_CNT		0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_ID_MAGIC		0xed
#define EDU_CMD_RUN		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)	/* 0: RAM -> buffer, 1: buffer -> RAM */
#define EDU_CMD_IRQ		BIT(2)
#define EDU_IRQ_DMA		0x100
#define EDU_BUF_ADDR		0x40000
/*
 * The buffer holds 4 KiB, but QEMU 7.2 stops the whole machine (hw_error)
 * when a move ends exactly at the buffer's end, an off-by-one fixed in
 * QEMU 8.2.1: move at most 4 KiB - 8.
 */
#define EDU_STEP		4088
#define EDU_DEFAULT_BITS	28
#define EDU_MAX_DEVICES		16

static unsigned int dma_bits[EDU_MAX_DEVICES];
static unsigned int n_dma_bits;
module_param_array(dma_bits, uint, &n_dma_bits, 0444);
MODULE_PARM_DESC(dma_bits, "DMA mask in bits (24..64) of each device, in the order this module probes them (a device probed again, after a hot-add or a bind, takes the next entry); devices not listed get 28, the edu default (QEMU's dma_mask property is not visible to the guest)");

/* QEMU's edu takes 100 ms of virtual time per move. */
#define EDU_MIN_TIMEOUT_MS	200
#define EDU_MAX_TIMEOUT_MS	30000	/* synchronize may wait this long */

static unsigned int timeout_ms = 2000;

static int edu_timeout_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < EDU_MIN_TIMEOUT_MS ||
	    v > EDU_MAX_TIMEOUT_MS) {
		pr_err(EDU_NAME ": timeout_ms=%s: must be %u..%u\n", val,
		       EDU_MIN_TIMEOUT_MS, EDU_MAX_TIMEOUT_MS);
		return -EINVAL;
	}
	WRITE_ONCE(timeout_ms, v);
	return 0;
}

static const struct kernel_param_ops edu_timeout_ops = {
	.set = edu_timeout_set,
	.get = param_get_uint,
};

module_param_cb(timeout_ms, &edu_timeout_ops, &timeout_ms, 0644);
MODULE_PARM_DESC(timeout_ms, "Watchdog: milliseconds a DMA move may take before the device is examined, 200..30000 (default: 2000)");

static unsigned int drop_irqs;

/* Written here, decremented by the interrupt handler: marked accesses. */
static int edu_drop_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	WRITE_ONCE(drop_irqs, v);
	return 0;
}

static int edu_drop_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(drop_irqs));
}

static const struct kernel_param_ops edu_drop_ops = {
	.set = edu_drop_set,
	.get = edu_drop_get,
};

module_param_cb(drop_irqs, &edu_drop_ops, &drop_irqs, 0644);
MODULE_PARM_DESC(drop_irqs, "Fault injection: ignore this many DMA interrupts (the watchdog must recover each), counting down (default: 0)");

static atomic_t edu_probed = ATOMIC_INIT(0);

struct edu_desc {
	struct dmaeng_vdesc vd;
	dma_addr_t src;
	dma_addr_t dst;
	size_t len;
	size_t off;		/* bytes done */
	u32 chunk;		/* bytes of the current step */
	bool to_ram;		/* the step's second move */
};

struct edu_dev {
	struct dmaeng_device ddev;
	struct dmaeng_vchan vc;
	struct pci_dev *pdev;
	void __iomem *regs;
	refcount_t users;
	struct timer_list watchdog;
	wait_queue_head_t idle;		/* woken when active becomes NULL */
	struct edu_desc *active;	/* started, vc.lock */
	bool moving;			/* a move runs, vc.lock */
	bool abort;			/* end active after its move, vc.lock */
	bool failed;			/* the device is gone or hung, vc.lock */
};

static struct edu_dev *to_edu(struct dmaeng_chan *chan)
{
	return container_of(to_dmaeng_vchan(chan), struct edu_dev, vc);
}

static struct edu_desc *to_edu_desc(struct dmaeng_vdesc *vd)
{
	return container_of(vd, struct edu_desc, vd);
}

static void edu_put(struct edu_dev *edu)
{
	if (refcount_dec_and_test(&edu->users))
		kfree(edu);
}

/* Start the current move of @d.  vc.lock. */
static void edu_move(struct edu_dev *edu, struct edu_desc *d)
{
	void __iomem *r = edu->regs;

	if (d->to_ram) {
		writeq(EDU_BUF_ADDR, r + EDU_REG_DMA_SRC);
		writeq(d->dst + d->off, r + EDU_REG_DMA_DST);
	} else {
		d->chunk = min_t(size_t, d->len - d->off, EDU_STEP);
		writeq(d->src + d->off, r + EDU_REG_DMA_SRC);
		writeq(EDU_BUF_ADDR, r + EDU_REG_DMA_DST);
	}
	writeq(d->chunk, r + EDU_REG_DMA_CNT);
	writeq(EDU_CMD_RUN | EDU_CMD_IRQ | (d->to_ram ? EDU_CMD_TO_RAM : 0),
	       r + EDU_REG_DMA_CMD);
	edu->moving = true;
	mod_timer(&edu->watchdog,
		  jiffies + msecs_to_jiffies(READ_ONCE(timeout_ms)));
}

/* Start the next issued descriptor if the engine is idle.  vc.lock. */
static void edu_start_next(struct edu_dev *edu)
{
	struct dmaeng_vdesc *vd;

	if (edu->active)
		return;
	while ((vd = dmaeng_vchan_next(&edu->vc))) {
		if (edu->failed) {
			dmaeng_vchan_complete(vd, DMAENG_RESULT_ERROR);
			continue;
		}
		edu->active = to_edu_desc(vd);
		edu->active->to_ram = false;
		edu_move(edu, edu->active);
		return;
	}
	wake_up(&edu->idle);
}

/* End the active descriptor with @result.  vc.lock. */
static void edu_end(struct edu_dev *edu, enum dmaeng_result result)
{
	dmaeng_vchan_complete(&edu->active->vd, result);
	edu->active = NULL;
	edu->abort = false;
	edu_start_next(edu);
}

/* The move in flight is done: go on with the copy.  vc.lock. */
static void edu_moved(struct edu_dev *edu)
{
	struct edu_desc *d = edu->active;

	edu->moving = false;
	del_timer(&edu->watchdog);
	if (d->to_ram) {
		d->off += d->chunk;
		dmaeng_vchan_set_residue(&d->vd,
					 min_t(size_t, d->len - d->off, U32_MAX));
		if (d->off == d->len) {
			edu_end(edu, DMAENG_RESULT_OK);
			return;
		}
	}
	/* Terminated: stop between moves, never in the middle of one. */
	if (edu->abort) {
		edu_end(edu, DMAENG_RESULT_ABORTED);
		return;
	}
	d->to_ram = !d->to_ram;
	edu_move(edu, d);
}

/* Fault injection: whether to ignore this interrupt (drop_irqs). */
static bool edu_drop_irq(void)
{
	unsigned int left = READ_ONCE(drop_irqs);

	do {
		if (!left)
			return false;
	} while (!try_cmpxchg(&drop_irqs, &left, left - 1));
	return true;
}

static irqreturn_t edu_irq(int irq, void *data)
{
	struct edu_dev *edu = data;
	u32 status = readl(edu->regs + EDU_REG_IRQ_STATUS);

	/* All-ones: the device is gone; not ours: a shared INTx line. */
	if (status == ~0U || !(status & EDU_IRQ_DMA))
		return IRQ_NONE;
	writel(status, edu->regs + EDU_REG_IRQ_ACK);

	spin_lock(&edu->vc.lock);
	/*
	 * The engine clears RUN before it interrupts: with RUN set, this is
	 * a late interrupt for a move the watchdog already took as done.
	 */
	if (edu->moving && !(readq(edu->regs + EDU_REG_DMA_CMD) & EDU_CMD_RUN) &&
	    !edu_drop_irq())
		edu_moved(edu);
	spin_unlock(&edu->vc.lock);
	return IRQ_HANDLED;
}

/* Fail the active copy and, from now on, every copy.  vc.lock. */
static void edu_fail(struct edu_dev *edu)
{
	edu->failed = true;
	edu->moving = false;
	if (edu->active)
		edu_end(edu, DMAENG_RESULT_ERROR);
}

static void edu_watchdog(struct timer_list *t)
{
	struct edu_dev *edu = from_timer(edu, t, watchdog);
	unsigned int ms = READ_ONCE(timeout_ms);
	struct device *dev = &edu->pdev->dev;
	unsigned long flags;
	u64 cmd;

	spin_lock_irqsave(&edu->vc.lock, flags);
	/* Re-armed meanwhile: the interrupt came and another move started. */
	if (!edu->moving || timer_pending(&edu->watchdog))
		goto out;
	cmd = readq(edu->regs + EDU_REG_DMA_CMD);
	if (readl(edu->regs + EDU_REG_ID) == ~0U) {
		dev_err(dev, "%s: device not answering (registers read all-ones): failing its copies\n",
			edu->vc.chan.name);
		edu_fail(edu);
	} else if (!(cmd & EDU_CMD_RUN)) {
		dev_warn(dev, "%s: DMA done without an interrupt after %u ms; going on\n",
			 edu->vc.chan.name, ms);
		edu_moved(edu);
	} else {
		/* No more bus mastering: the engine cannot write any more. */
		pci_clear_master(edu->pdev);
		dev_err(dev, "%s: DMA still running after %u ms: bus mastering off, failing its copies\n",
			edu->vc.chan.name, ms);
		edu_fail(edu);
	}
out:
	spin_unlock_irqrestore(&edu->vc.lock, flags);
}

static void edu_desc_free(struct dmaeng_vdesc *vd)
{
	kfree(to_edu_desc(vd));
}

static struct dmaeng_tx *edu_prep_memcpy(struct dmaeng_chan *chan,
					 dma_addr_t dst, dma_addr_t src,
					 size_t len, unsigned long flags)
{
	struct edu_dev *edu = to_edu(chan);
	struct edu_desc *d;

	d = kzalloc(sizeof(*d), flags & DMAENG_PREP_NOWAIT ? GFP_NOWAIT :
							      GFP_KERNEL);
	if (!d)
		return NULL;
	d->src = src;
	d->dst = dst;
	d->len = len;
	return dmaeng_vchan_tx_prep(&edu->vc, &d->vd, len);
}

static void edu_issue_pending(struct dmaeng_chan *chan)
{
	struct edu_dev *edu = to_edu(chan);
	unsigned long flags;

	spin_lock_irqsave(&edu->vc.lock, flags);
	if (dmaeng_vchan_issue_pending(&edu->vc))
		edu_start_next(edu);
	spin_unlock_irqrestore(&edu->vc.lock, flags);
}

static int edu_terminate_all(struct dmaeng_chan *chan)
{
	struct edu_dev *edu = to_edu(chan);
	unsigned long flags;

	spin_lock_irqsave(&edu->vc.lock, flags);
	/* The move in flight ends; then the copy completes ABORTED. */
	edu->abort = !!edu->active;
	/* A device that is gone will not end it: do not wait for the watchdog. */
	if (edu->active && readl(edu->regs + EDU_REG_ID) == ~0U) {
		dev_err(&edu->pdev->dev, "%s: device not answering (registers read all-ones): failing its copies\n",
			chan->name);
		edu_fail(edu);
	}
	dmaeng_vchan_terminate_all(&edu->vc);
	spin_unlock_irqrestore(&edu->vc.lock, flags);
	return 0;
}

static bool edu_idle(struct edu_dev *edu)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&edu->vc.lock, flags);
	idle = !edu->active;
	spin_unlock_irqrestore(&edu->vc.lock, flags);
	return idle;
}

/* The watchdog bounds the wait: a move ends, or the device is failed. */
static void edu_synchronize(struct dmaeng_chan *chan)
{
	struct edu_dev *edu = to_edu(chan);

	wait_event(edu->idle, edu_idle(edu));
	dmaeng_vchan_synchronize(&edu->vc);
}

static void edu_free_chan_resources(struct dmaeng_chan *chan)
{
	dmaeng_vchan_free_chan_resources(&to_edu(chan)->vc);
}

static const struct dmaeng_device_ops edu_ops = {
	.free_chan_resources = edu_free_chan_resources,
	.prep_memcpy = edu_prep_memcpy,
	.issue_pending = edu_issue_pending,
	.tx_status = dmaeng_vchan_tx_status,
	.terminate_all = edu_terminate_all,
	.synchronize = edu_synchronize,
};

/* After the last client reference: dmaeng's part of the memory. */
static void edu_release(struct dmaeng_device *ddev)
{
	edu_put(container_of(ddev, struct edu_dev, ddev));
}

/* Devres, the last action: the PCI binding's part of the memory. */
static void edu_put_action(void *data)
{
	edu_put(data);
}

/*
 * Devres, the first action at unbind (driver remove, rmmod, hot-unplug):
 * after it nothing runs on the device; clients may still hold the channel.
 */
static void edu_unregister(void *data)
{
	struct edu_dev *edu = data;

	dmaeng_device_unregister(&edu->ddev);
	del_timer_sync(&edu->watchdog);
}

/* The mask of the @index-th device probed (dma_bits[] checked at init). */
static unsigned int edu_mask_bits(unsigned int index)
{
	return index < n_dma_bits ? dma_bits[index] : EDU_DEFAULT_BITS;
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct edu_dev *edu;
	unsigned int bits = edu_mask_bits(atomic_inc_return(&edu_probed) - 1);
	u32 ident, live;
	int irq, err;

	err = pcim_enable_device(pdev);
	if (err)
		return dev_err_probe(dev, err, "cannot enable the device\n");
	err = pcim_iomap_regions(pdev, BIT(0), EDU_NAME);
	if (err)
		return dev_err_probe(dev, err, "cannot map BAR0\n");

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	refcount_set(&edu->users, 2);	/* the PCI binding and dmaeng */
	err = devm_add_action_or_reset(dev, edu_put_action, edu);
	if (err) {
		kfree(edu);
		return err;
	}
	edu->pdev = pdev;
	edu->regs = pcim_iomap_table(pdev)[0];
	timer_setup(&edu->watchdog, edu_watchdog, 0);
	init_waitqueue_head(&edu->idle);
	/* Before the interrupt handler can run: it takes vc.lock. */
	dmaeng_vchan_init(&edu->vc, edu_desc_free);

	ident = readl(edu->regs + EDU_REG_ID);
	writel(0x5a5a0f0f, edu->regs + EDU_REG_LIVE);
	live = readl(edu->regs + EDU_REG_LIVE);
	if ((ident & 0xff) != EDU_ID_MAGIC || live != ~0x5a5a0f0fU) {
		err = dev_err_probe(dev, -ENODEV, "not an edu device: id %#x, liveness %#x\n",
				    ident, live);
		goto put_dmaeng;
	}

	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits));
	if (err) {
		err = dev_err_probe(dev, err, "DMA mask of %u bits not supported\n",
				    bits);
		goto put_dmaeng;
	}
	pci_set_master(pdev);
	/* Whatever a previous driver left pending. */
	writel(readl(edu->regs + EDU_REG_IRQ_STATUS), edu->regs + EDU_REG_IRQ_ACK);

	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (err < 0) {
		err = dev_err_probe(dev, err, "no interrupt\n");
		goto put_dmaeng;
	}
	irq = pci_irq_vector(pdev, 0);
	err = devm_request_irq(dev, irq, edu_irq, IRQF_SHARED, EDU_NAME, edu);
	if (err) {
		err = dev_err_probe(dev, err, "cannot request IRQ %d\n", irq);
		goto put_dmaeng;
	}

	edu->ddev.dev = dev;
	edu->ddev.owner = THIS_MODULE;
	edu->ddev.ops = &edu_ops;
	edu->ddev.release = edu_release;
	dmaeng_cap_set(DMAENG_MEMCPY, &edu->ddev.cap_mask);
	dmaeng_cap_set(DMAENG_INTERRUPT, &edu->ddev.cap_mask);
	INIT_LIST_HEAD(&edu->ddev.channels);
	list_add_tail(&edu->vc.chan.device_node, &edu->ddev.channels);

	err = dmaeng_device_register(&edu->ddev);
	if (err) {
		err = dev_err_probe(dev, err, "cannot register with dmaeng\n");
		goto put_dmaeng;
	}
	err = devm_add_action_or_reset(dev, edu_unregister, edu);
	if (err)
		return err;
	pci_set_drvdata(pdev, edu);
	dev_info(dev, "dma%d: edu %u.%u, %u-bit DMA mask, %s\n",
		 edu->ddev.dev_id, ident >> 24, (ident >> 16) & 0xff, bits,
		 pdev->msi_enabled ? "MSI" : "INTx");
	return 0;

put_dmaeng:
	/* Never registered: ->release will not run. */
	edu_put(edu);
	return err;
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = EDU_NAME,
	.id_table = edu_ids,
	.probe = edu_probe,
};

static int __init edu_init(void)
{
	unsigned int i;

	for (i = 0; i < n_dma_bits; i++) {
		if (dma_bits[i] < 24 || dma_bits[i] > 64) {
			pr_err(EDU_NAME ": dma_bits: entry %u is %u, must be 24..64\n",
			       i, dma_bits[i]);
			return -EINVAL;
		}
	}
	return pci_register_driver(&edu_driver);
}

static void __exit edu_exit(void)
{
	pci_unregister_driver(&edu_driver);
}

module_init(edu_init);
module_exit(edu_exit);

MODULE_DESCRIPTION("dmaeng provider for QEMU's edu PCI device");
MODULE_AUTHOR("The dmaeng developers");
MODULE_LICENSE("GPL");
