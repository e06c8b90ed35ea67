/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: the client-facing API.
 *
 * Public clients register once with the capabilities they need; dmaeng then
 * holds a reference on every public channel that offers them (pinning the
 * provider module) until the client unregisters, and dmaeng_find_channel()
 * returns this CPU's channel.  Private clients take one channel for their
 * exclusive use with dmaeng_request_channel().
 */
#ifndef _DMAENG_CLIENT_H
#define _DMAENG_CLIENT_H

#include <linux/list.h>
#include <dmaeng/types.h>

struct device;

/**
 * struct dmaeng_client - a public-channel client
 * @name: shown in debugfs
 * @cap_mask: capabilities it needs; a device must offer all of them
 * @node: dmaeng private, on the list of clients
 * @holds: dmaeng private, the channel references this client holds
 *
 * Zero-initialise it, set @name and @cap_mask, then register it.
 */
struct dmaeng_client {
	const char *name;
	struct dmaeng_cap_mask cap_mask;
	struct list_head node;
	struct list_head holds;
};

int dmaeng_client_register(struct dmaeng_client *client);
int dmaeng_client_unregister(struct dmaeng_client *client);
int dmaeng_client_channels(struct dmaeng_client *client,
			   struct dmaeng_chan **chans, unsigned int max);
struct dmaeng_chan *dmaeng_find_channel(enum dmaeng_cap cap);
void dmaeng_issue_pending_all(void);

/**
 * typedef dmaeng_filter_fn - choose a private channel
 * @chan: a free channel whose device offers the capabilities asked for
 * @param: the caller's argument
 *
 * Called with dmaeng's lock held: must not call into dmaeng.
 * Return: true to take @chan.
 */
typedef bool (*dmaeng_filter_fn)(struct dmaeng_chan *chan, void *param);

struct dmaeng_chan *dmaeng_request_channel(const struct dmaeng_cap_mask *mask,
					   dmaeng_filter_fn filter,
					   void *param);
void dmaeng_release_channel(struct dmaeng_chan *chan);

struct device *dmaeng_chan_dma_device(struct dmaeng_chan *chan);
const char *dmaeng_chan_name(struct dmaeng_chan *chan);

struct dmaeng_tx *dmaeng_prep_memcpy(struct dmaeng_chan *chan, dma_addr_t dst,
				     dma_addr_t src, size_t len,
				     unsigned long flags);
s32 dmaeng_submit(struct dmaeng_tx *tx);
void dmaeng_issue_pending(struct dmaeng_chan *chan);
enum dmaeng_status dmaeng_tx_status(struct dmaeng_chan *chan, s32 cookie);
int dmaeng_sync_wait(struct dmaeng_chan *chan, s32 cookie,
		     unsigned int timeout_ms);
int dmaeng_terminate_sync(struct dmaeng_chan *chan);

#endif /* _DMAENG_CLIENT_H */
