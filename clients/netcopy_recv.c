// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_netcopy: recv(2) semantics over TCP and UDP.
 *
 * The caller's buffer is taken one pinned window at a time.  For each
 * window the data is read under the socket lock (TCP through a
 * tcp_read_sock() actor, UDP one datagram from __skb_recv_udp()), then the
 * socket lock is dropped and the window's DMA phase runs; so a receive
 * never holds a channel while it waits for data.
 *
 * Semantics, as recv(2): the call blocks until some data is there (unless
 * DMAENG_NETCOPY_DONTWAIT or O_NONBLOCK on the socket, then -EAGAIN), and
 * returns what is there, up to len; with DMAENG_NETCOPY_WAITALL a TCP
 * receive waits for len bytes, the end of the stream, an error or a signal.
 * 0 means the peer closed the stream.  An error after some data was
 * received is reported by the next call, with the data returned now.  A
 * UDP receive returns one datagram, truncated to len.
 */

#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/socket.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/udp.h>
#include "netcopy.h"

static int nc_tcp_actor(read_descriptor_t *desc, struct sk_buff *skb,
			unsigned int offset, size_t len)
{
	struct nc_window *win = desc->arg.data;
	unsigned int n = min(len, desc->count);
	int err;

	err = nc_take(win, skb, offset, n);
	if (err) {
		win->err = err;
		desc->count = 0;
		return 0;
	}
	desc->count -= n;
	return n;
}

/*
 * Read from a TCP socket into @win until @target bytes are there (0: take
 * what is queued, do not wait).  Return 0, or an error; *@eof at the end
 * of the stream.
 */
static int nc_tcp_fill(struct sock *sk, struct nc_window *win, size_t target,
		       bool nonblock, bool *eof)
{
	read_descriptor_t desc;
	long timeo;
	int err = 0, n;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, nonblock);
	for (;;) {
		desc.written = 0;
		desc.count = win->len - win->got;
		desc.arg.data = win;
		desc.error = 0;
		n = tcp_read_sock(sk, &desc, nc_tcp_actor);
		if (n < 0) {
			err = n;
			break;
		}
		if (win->err) {
			err = win->err;
			break;
		}
		if (win->got >= win->len || !target || win->got >= target)
			break;
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & RCV_SHUTDOWN) {
			*eof = true;
			break;
		}
		if (sk->sk_state == TCP_CLOSE) {
			err = -ENOTCONN;
			break;
		}
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		sk_wait_data(sk, &timeo, NULL);
	}
	release_sock(sk);
	return err;
}

static long nc_recv_tcp(struct sock *sk, unsigned long ubuf, size_t len,
			bool waitall, bool nonblock)
{
	struct nc_window *win;
	size_t total = 0, target;
	bool eof = false;
	int err = 0;

	win = kmalloc(sizeof(*win), GFP_KERNEL);
	if (!win)
		return -ENOMEM;
	while (total < len && !err && !eof) {
		err = nc_window_pin(win, ubuf + total, len - total);
		if (err)
			break;
		/* The first window waits for data; later ones take what is
		 * queued, unless all of @len is wanted.
		 */
		target = waitall ? win->len : total ? 0 : 1;
		err = nc_tcp_fill(sk, win, target, nonblock, &eof);
		nc_dma_window(win);
		if (!err)
			err = win->err;
		total += win->got;
		nc_window_release(win);
		if (win->got < win->len && !waitall)
			break;
	}
	kfree(win);
	if (total)
		return total;
	return eof ? 0 : err;
}

static long nc_recv_udp(struct sock *sk, unsigned long ubuf, size_t len,
			bool nonblock)
{
	struct nc_window *win;
	struct sk_buff *skb;
	unsigned int n;
	int off, err;

	win = kmalloc(sizeof(*win), GFP_KERNEL);
	if (!win)
		return -ENOMEM;
again:
	off = 0;
	skb = __skb_recv_udp(sk, nonblock ? MSG_DONTWAIT : 0, &off, &err);
	if (!skb)
		goto out;
	if (!udp_skb_csum_unnecessary(skb) && __udp_lib_checksum_complete(skb)) {
		/* As udp_recvmsg(): drop it and wait for the next one. */
		atomic_inc(&sk->sk_drops);
		kfree_skb(skb);
		goto again;
	}
	n = min_t(size_t, len, udp_skb_len(skb));
	err = nc_window_pin(win, ubuf, n);
	if (!err && win->len < n)
		err = -EFAULT;		/* could not pin the whole datagram */
	if (!err) {
		err = nc_take(win, skb, 0, n);
		nc_dma_window(win);
		if (!err)
			err = win->err;
		nc_window_release(win);
	}
	skb_consume_udp(sk, skb, n);
	if (!err)
		err = n;
out:
	kfree(win);
	return err;
}

/**
 * nc_recv() - receive from a socket into a user buffer
 * @sock: a TCP or UDP socket
 * @ubuf: the user buffer, checked with access_ok()
 * @len: its length, at most MAX_RW_COUNT
 * @flags: DMAENG_NETCOPY_DONTWAIT, DMAENG_NETCOPY_WAITALL
 * @nonblock: do not block
 *
 * Return: bytes received, 0 at the end of a TCP stream, or an error.
 */
long nc_recv(struct socket *sock, unsigned long ubuf, size_t len,
	     unsigned int flags, bool nonblock)
{
	struct sock *sk = sock->sk;

	if (sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP)
		return nc_recv_tcp(sk, ubuf, len, flags & MSG_WAITALL,
				   nonblock);
	if (sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP)
		return nc_recv_udp(sk, ubuf, len, nonblock);
	return -EOPNOTSUPP;
}
