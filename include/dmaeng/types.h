/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: types shared by providers and clients.
 */
#ifndef _DMAENG_TYPES_H
#define _DMAENG_TYPES_H

#include <linux/bitmap.h>
#include <linux/types.h>

struct dmaeng_chan;
struct dmaeng_unmap_data;

/**
 * enum dmaeng_cap - capabilities of a dmaeng device
 * @DMAENG_MEMCPY: memory to memory copies, dmaeng_prep_memcpy()
 *	(module parameters spell it "memcpy")
 * @DMAENG_INTERRUPT: completion callbacks (interrupt on completion)
 *	("interrupt")
 * @DMAENG_PRIVATE: channels are only handed out by dmaeng_request_channel()
 *	or dmaeng_request_chan() (not a transfer capability)
 * @DMAENG_MEMSET: fill memory with a byte, dmaeng_prep_memset() ("memset")
 * @DMAENG_MEMCPY_SG: copies between two scatter-gather lists,
 *	dmaeng_prep_memcpy_sg() ("sg")
 * @DMAENG_SLAVE: transfers between memory and a peripheral's FIFO,
 *	dmaeng_prep_slave_sg() after dmaeng_slave_config() ("slave")
 * @DMAENG_CYCLIC: a ring buffer transferred to or from a peripheral until
 *	terminated, a callback per period, dmaeng_prep_cyclic() ("cyclic")
 * @DMAENG_CAP_COUNT: number of capabilities, not a capability
 */
enum dmaeng_cap {
	DMAENG_MEMCPY,
	DMAENG_INTERRUPT,
	DMAENG_PRIVATE,
	DMAENG_MEMSET,
	DMAENG_MEMCPY_SG,
	DMAENG_SLAVE,
	DMAENG_CYCLIC,
	DMAENG_CAP_COUNT,
};

/**
 * struct dmaeng_cap_mask - a set of &enum dmaeng_cap
 * @bits: the bitmap, one bit per capability
 */
struct dmaeng_cap_mask {
	DECLARE_BITMAP(bits, DMAENG_CAP_COUNT);
};

/**
 * dmaeng_cap_set() - add a capability to a mask
 * @cap: the capability
 * @mask: the mask
 */
static inline void dmaeng_cap_set(enum dmaeng_cap cap,
				  struct dmaeng_cap_mask *mask)
{
	__set_bit(cap, mask->bits);
}

/**
 * dmaeng_cap_has() - test a capability in a mask
 * @cap: the capability
 * @mask: the mask
 *
 * Return: true if @mask contains @cap.
 */
static inline bool dmaeng_cap_has(enum dmaeng_cap cap,
				  const struct dmaeng_cap_mask *mask)
{
	return test_bit(cap, mask->bits);
}

/**
 * dmaeng_cap_subset() - whether every capability wanted is present
 * @want: the capabilities asked for
 * @have: the capabilities offered
 *
 * Return: true if @want is a subset of @have.
 */
static inline bool dmaeng_cap_subset(const struct dmaeng_cap_mask *want,
				     const struct dmaeng_cap_mask *have)
{
	return bitmap_subset(want->bits, have->bits, DMAENG_CAP_COUNT);
}

int dmaeng_caps_parse(char *list, struct dmaeng_cap_mask *mask,
		      const char **bad);

/**
 * enum dmaeng_status - state of a submitted transfer
 * @DMAENG_COMPLETE: completed successfully
 * @DMAENG_IN_PROGRESS: submitted, not completed yet
 * @DMAENG_ERROR: completed with an error or aborted
 * @DMAENG_PAUSED: not completed, and the channel is paused
 *	(dmaeng_pause())
 */
enum dmaeng_status {
	DMAENG_COMPLETE,
	DMAENG_IN_PROGRESS,
	DMAENG_ERROR,
	DMAENG_PAUSED,
};

/**
 * struct dmaeng_tx_state - what dmaeng_tx_status() reports besides the status
 * @last: the channel's last completed cookie
 * @used: the channel's last assigned cookie
 * @residue: bytes of the transfer not done yet: its length while it waits,
 *	less while it runs, 0 once complete (for a cyclic transfer, the
 *	bytes left in the buffer before it wraps)
 */
struct dmaeng_tx_state {
	s32 last;
	s32 used;
	u32 residue;
};

/**
 * enum dmaeng_dir - direction of a slave or cyclic transfer
 * @DMAENG_MEM_TO_DEV: from memory to the peripheral's FIFO
 * @DMAENG_DEV_TO_MEM: from the peripheral's FIFO to memory
 */
enum dmaeng_dir {
	DMAENG_MEM_TO_DEV,
	DMAENG_DEV_TO_MEM,
};

/* The largest burst dmaeng_slave_config() takes: width x burst fits a u32. */
#define DMAENG_MAX_BURST	65536

/**
 * struct dmaeng_slave_config - how a channel talks to a peripheral
 * @direction: the direction the client will use the channel in, checked
 *	against that of each dmaeng_prep_slave_sg() and dmaeng_prep_cyclic()
 * @src_addr: for DMAENG_DEV_TO_MEM, the device address of the
 *	peripheral's FIFO (data register) to read
 * @dst_addr: for DMAENG_MEM_TO_DEV, the device address of the FIFO to write
 * @src_addr_width: bytes per FIFO access when reading: 1, 2, 4 or 8
 * @dst_addr_width: bytes per FIFO access when writing: 1, 2, 4 or 8
 * @src_maxburst: accesses per burst when reading, 1 to DMAENG_MAX_BURST
 *	(0 means 1)
 * @dst_maxburst: accesses per burst when writing, likewise
 *
 * Like the kernel's struct dma_slave_config, reduced to what a FIFO
 * peripheral needs.  Only the fields of @direction's side are checked;
 * every transfer length must be a multiple of that side's width.
 */
struct dmaeng_slave_config {
	enum dmaeng_dir direction;
	dma_addr_t src_addr;
	dma_addr_t dst_addr;
	u32 src_addr_width;
	u32 dst_addr_width;
	u32 src_maxburst;
	u32 dst_maxburst;
};

/**
 * struct dmaeng_slave_map - a named slave channel
 * @devname: dev_name() of the client's device, as dmaeng_request_chan()
 *	gets it
 * @slave: the channel's name for that client ("tx", "rx", ...)
 * @chan_id: the channel of the providing device: C in dma<D>chan<C>
 *
 * Like the kernel's struct dma_slave_map: a provider lists which of its
 * channels serve which client device's named requests.
 */
struct dmaeng_slave_map {
	const char *devname;
	const char *slave;
	unsigned int chan_id;
};

/**
 * enum dmaeng_result - result handed to a completion callback
 * @DMAENG_RESULT_OK: the transfer completed
 * @DMAENG_RESULT_ABORTED: the transfer was aborted (terminate_all, or the
 *	device went away) and may not have run at all
 * @DMAENG_RESULT_ERROR: the engine reported an error
 */
enum dmaeng_result {
	DMAENG_RESULT_OK,
	DMAENG_RESULT_ABORTED,
	DMAENG_RESULT_ERROR,
};

/**
 * typedef dmaeng_callback_t - completion callback
 * @param: the descriptor's @callback_param
 * @result: how the transfer ended
 *
 * Runs in the provider's completion context, which may be atomic: it must
 * not sleep and must not call dmaeng's registration functions.
 */
typedef void (*dmaeng_callback_t)(void *param, enum dmaeng_result result);

/* Flags for dmaeng_prep_memcpy() and the other dmaeng_prep_*() calls. */
/*
 * Run the callback when the transfer completes.  Only a device with
 * DMAENG_INTERRUPT accepts it, and only a descriptor prepared with it may
 * have a callback: dmaeng_submit() refuses one that has a callback without
 * it (-EINVAL).
 */
#define DMAENG_PREP_INTERRUPT	BIT(0)
/* Do not sleep: fail (return NULL) rather than wait for memory. */
#define DMAENG_PREP_NOWAIT	BIT(1)

/**
 * struct dmaeng_tx - a transfer descriptor
 * @chan: the channel it was prepared on
 * @cookie: the ordering cookie assigned at submit (positive), or 0 before
 * @len: bytes to transfer (for a cyclic transfer, the buffer's length)
 * @flags: the DMAENG_PREP_* flags it was prepared with
 * @callback: optional completion callback, set by the client before submit
 * @callback_param: argument for @callback
 * @tx_submit: provider: assign the descriptor's cookie with
 *	dmaeng_cookie_assign() under the channel's lock and, if that
 *	succeeded, queue it; return the cookie or the negative errno of
 *	dmaeng_cookie_assign() (then not queued); must not sleep
 * @tx_free: provider: free a descriptor that was prepared but never queued;
 *	may run after dmaeng_device_unregister() returned
 * @unmap: mappings to release when it completes, see dmaeng_set_unmap()
 *
 * Providers embed this in their own descriptor.  Clients set @callback and
 * @callback_param between a dmaeng_prep_*() call and dmaeng_submit() and must
 * not touch the descriptor after submitting it, whatever dmaeng_submit()
 * returned: a descriptor whose submission fails is freed by dmaeng (through
 * @tx_free, its @unmap released).  (The kernel's dmaengine leaves a
 * descriptor whose tx_submit failed with the driver and the client must
 * not reuse it either; dmaeng frees it at once so that a client's fallback
 * path needs no second call and cannot leak it.)
 */
struct dmaeng_tx {
	struct dmaeng_chan *chan;
	s32 cookie;
	size_t len;
	unsigned long flags;
	dmaeng_callback_t callback;
	void *callback_param;
	s32 (*tx_submit)(struct dmaeng_tx *tx);
	void (*tx_free)(struct dmaeng_tx *tx);
	struct dmaeng_unmap_data *unmap;
};

/**
 * dmaeng_addr_hashed() - a DMA address for a log line
 * @addr: the address
 *
 * Under dma-direct a DMA address is a physical address: dmaeng and its
 * providers print them with %p through this helper, so the kernel hashes
 * them like pointers (booting with no_hash_pointers shows them in clear).
 * The same address always hashes the same within a boot.
 *
 * Return: @addr as a pointer, for %p only.
 */
static inline const void *dmaeng_addr_hashed(dma_addr_t addr)
{
	return (const void *)(uintptr_t)addr;
}

#endif /* _DMAENG_TYPES_H */
