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
 *
 * Errors are those of recv(2), and: EOPNOTSUPP, req.fd is not a plain
 * AF_INET or AF_INET6 TCP or UDP socket (another family, UDP-Lite, raw,
 * MPTCP, a socket whose receive path kTLS, sockmap or the like took over,
 * or a UDPv6 socket with IPV6_RECVPATHMTU); EACCES or the like, an LSM
 * refused the receive; EPERM, a TCP socket in repair mode; EFAULT, a
 * buffer that cannot be written or pinned (VM_IO or VM_PFNMAP mappings,
 * memfd_secret), or data the CPU cannot read (devmem TCP).  Unlike
 * recv(2), a zero req.len returns 0 at once.
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
 * @fd: a connected TCP socket or a UDP socket of the calling process,
 *	IPv4 or IPv6
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
