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
 * @DMAENG_MEMCPY: memory to memory copies
 * @DMAENG_INTERRUPT: completion callbacks (interrupt on completion)
 * @DMAENG_PRIVATE: channels are only handed out by dmaeng_request_channel()
 * @DMAENG_CAP_COUNT: number of capabilities, not a capability
 */
enum dmaeng_cap {
	DMAENG_MEMCPY,
	DMAENG_INTERRUPT,
	DMAENG_PRIVATE,
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
 */
enum dmaeng_status {
	DMAENG_COMPLETE,
	DMAENG_IN_PROGRESS,
	DMAENG_ERROR,
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

/* Flags for dmaeng_prep_memcpy(). */
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
 * @len: bytes to transfer
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
 * @callback_param between dmaeng_prep_memcpy() and dmaeng_submit() and must
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
