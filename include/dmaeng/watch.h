/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaeng: the registry-watcher API, for bridges to other frameworks.
 *
 * A watcher is told when a provider's device becomes usable (registered,
 * its module live) and when it goes away, so that it can mirror dmaeng's
 * devices elsewhere (bridges/dmaeng_to_dmaengine.c registers each as a
 * kernel dmaengine device).  Watching takes no reference: a watcher that
 * wants a channel takes it like any client, with dmaeng_request_channel().
 */
#ifndef _DMAENG_WATCH_H
#define _DMAENG_WATCH_H

#include <linux/list.h>

struct dmaeng_device;

/**
 * struct dmaeng_watcher - told when devices come and go
 * @added: @ddev is registered and its module live; its &dmaeng_device.dev,
 *	.dev_id, .cap_mask, .owner and channel list (with each channel's
 *	chan_id and name) may be read until @removed returns for it
 * @removed: @ddev is being unregistered, its channels dead and stopped
 *	(every descriptor completed, no callback running), or the watcher
 *	is (dmaeng_watcher_unregister()).  After it returns the watcher
 *	must not use @ddev, nor a channel of it that it does not hold a
 *	reference on
 * @node: dmaeng private, on the list of watchers
 *
 * Both run in process context with dmaeng's watcher mutex held, which
 * serialises them with each other and with device registration and
 * unregistration, and with no other dmaeng lock held: they may sleep and
 * may call the client API (dmaeng_request_channel() and the others), but
 * must not register or unregister a device or a watcher.
 */
struct dmaeng_watcher {
	void (*added)(struct dmaeng_watcher *w, struct dmaeng_device *ddev);
	void (*removed)(struct dmaeng_watcher *w, struct dmaeng_device *ddev);
	struct list_head node;
};

int dmaeng_watcher_register(struct dmaeng_watcher *w);
void dmaeng_watcher_unregister(struct dmaeng_watcher *w);

/**
 * enum dmaeng_bridge_dir - the direction of a bridge
 * @DMAENG_BRIDGE_TO_DMAENGINE: dmaeng channels as dmaengine channels
 *	(dmaeng_to_dmaengine): takes dmaeng's registry mutex under dmaengine's
 *	dma_list_mutex
 * @DMAENG_BRIDGE_FROM_DMAENGINE: dmaengine channels as dmaeng channels
 *	(dmaengine_to_dmaeng): takes dma_list_mutex under dmaeng's mutex
 */
enum dmaeng_bridge_dir {
	DMAENG_BRIDGE_TO_DMAENGINE,
	DMAENG_BRIDGE_FROM_DMAENGINE,
};

int dmaeng_bridge_claim(enum dmaeng_bridge_dir dir);
void dmaeng_bridge_unclaim(enum dmaeng_bridge_dir dir);

#endif /* _DMAENG_WATCH_H */
