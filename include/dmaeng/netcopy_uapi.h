/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dmaeng_netcopy: the user interface of /dev/dmaeng-netcopy.
 *
 * ioctl(fd, DMAENG_NETCOPY_RECV, &req) behaves like
 * recv(req.fd, req.buf, req.len, req.flags) on a TCP or UDP socket of the
 * caller, with the copy into req.buf done by a dmaeng channel where that
 * pays.  It returns the number of bytes received (0 at end of stream on
 * TCP), or -1 with errno set.  Every byte it reports is in the caller's
 * pages when it returns.
 */
#ifndef _DMAENG_NETCOPY_UAPI_H
#define _DMAENG_NETCOPY_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DMAENG_NETCOPY_DEV	"/dev/dmaeng-netcopy"

/* Flags, with the values of the recv(2) flags they stand for. */
#define DMAENG_NETCOPY_DONTWAIT	0x40	/* MSG_DONTWAIT: do not block */
#define DMAENG_NETCOPY_WAITALL	0x100	/* MSG_WAITALL: TCP, fill req.len */

/**
 * struct dmaeng_netcopy_recv - a receive request
 * @fd: a connected TCP socket or a UDP socket of the calling process
 * @flags: DMAENG_NETCOPY_DONTWAIT, DMAENG_NETCOPY_WAITALL
 * @buf: the destination, a writable user address
 * @len: its length; at most INT_MAX rounded down to a page is used
 */
struct dmaeng_netcopy_recv {
	__s32 fd;
	__u32 flags;
	__u64 buf;
	__u64 len;
};

#define DMAENG_NETCOPY_RECV	_IOW(0xde, 1, struct dmaeng_netcopy_recv)

#endif /* _DMAENG_NETCOPY_UAPI_H */
