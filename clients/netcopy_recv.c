// SPDX-License-Identifier: GPL-2.0
/*
 * dmaeng_netcopy: recv(2) semantics over TCP and UDP.
 *
 * Which sockets: AF_INET and AF_INET6 TCP and UDP sockets whose receive
 * path is the plain one, that is whose sk_prot->recvmsg is the one a fresh
 * socket of that kind has.  A socket taken over by kTLS, sockmap, espintcp
 * or anything else that replaces sk_prot, a non-IP family that happens to
 * use protocol number 6 or 17, UDP-Lite, MPTCP and the rest get
 * -EOPNOTSUPP: their data is not where tcp_read_sock() and __skb_recv_udp()
 * look for it, or it is not theirs to read.  The check is made each time
 * the socket lock is taken, since sockmap can take a socket over between
 * two windows.  The LSM's say comes next: security_socket_recvmsg() is not
 * exported, so a zero-length sock_recvmsg() that changes nothing asks it.
 *
 * TCP, as tcp_recvmsg() does it: under the socket lock, wait until there
 * is data (or SO_RCVLOWAT's worth, or len with DMAENG_NETCOPY_WAITALL),
 * the end of the stream, an error, the urgent mark, a signal or the
 * timeout (SO_RCVTIMEO, for the whole call); then pin one window of the
 * caller's buffer, just as large as what is queued, and read into it with
 * tcp_read_sock(); then drop the socket lock for the window's DMA phase
 * and unpin.  No page is pinned while the call waits for data, so pins
 * never hold up migration or CMA for longer than one copy.  A receive
 * never holds a channel while it waits for data either.
 *
 * Urgent data, as tcp_recvmsg(): the urgent mark ends a read that has
 * data; a read starting at the mark skips the urgent byte, or reads it as
 * data with SO_OOBINLINE, and goes on; with a signal pending at the mark,
 * -EINTR (or -EAGAIN without a timeout), so the SIGURG handler runs first.
 *
 * Errors, as recv(2): an error after some data was received leaves
 * sk_err where it is, so the next call reports it; the data is returned
 * now.  sk_wait_data() returning -EPIPE (the socket was disconnected and
 * maybe connected elsewhere while we slept) ends the call, and so does a
 * disconnect while the lock was dropped for a DMA phase.  Fragments the
 * CPU cannot read (devmem TCP) are refused with -EFAULT, as tcp_recvmsg()
 * refuses them without MSG_SOCK_DEVMEM.
 *
 * UDP: __skb_recv_udp() waits (no pins held), then one datagram, truncated
 * to len, is pinned for, copied and consumed; a zero-length datagram gives
 * 0.  A datagram that fails its checksum is dropped and the next one
 * waited for, as udp_recvmsg() does; a buffer that cannot be pinned whole
 * gives -EFAULT and drops the datagram, as a faulting udp_recvmsg() does.
 *
 * Also as tcp_recvmsg(): -EPERM on a socket in TCP_REPAIR mode; SO_PEEK_OFF
 * moves back over what was read; a consumed skb is never left at the head
 * of the queue.  Unlike tcp_recvmsg(), which holds the socket for the whole
 * call, the socket lock is dropped for each window's DMA phase, so another
 * reader of the same socket may take data between two windows of one call
 * (recv(2) gives no order between concurrent readers either).
 *
 * UDP, also as udp_recvmsg(): the UDP MIB counters and the socket's receive
 * timestamp (SIOCGSTAMP) are updated.  A UDPv6 socket with
 * IPV6_RECVPATHMTU gets -EOPNOTSUPP: its path-MTU notices come as
 * recvmsg() control messages the ioctl has nowhere to put.
 *
 * The LSM probe takes only the LSM's refusal for one: the errors the
 * protocol itself gives a zero-length peek (TCP: -EINVAL, -ENOTCONN,
 * -EAGAIN; UDP: -EAGAIN) mean "allowed", so an LSM refusing with one of
 * those is not heard.  AppArmor and SELinux refuse with -EACCES.
 *
 * A zero len returns 0 at once (in netcopy_main.c) and leaves the socket
 * alone, where recv(2) on TCP would wait for data.
 */

#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/socket.h>
#include <linux/version.h>
#include <linux/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/udp.h>
#include "netcopy.h"

/*
 * The plain recvmsg of each kind, learnt from a kernel socket made for the
 * purpose (none of them is exported to modules).  [ipv6][udp].  An IPv6
 * one is learnt when a caller first passes an IPv6 socket, so loading
 * dmaeng_netcopy does not load ipv6.ko; that module cannot be unloaded,
 * so the pointer stays good.
 */
typedef int (*nc_recvmsg_t)(struct sock *, struct msghdr *, size_t, int,
			    int *);
static nc_recvmsg_t nc_plain[2][2];
static DEFINE_MUTEX(nc_plain_lock);

static nc_recvmsg_t nc_plain_recvmsg(struct net *net, int family, bool udp)
{
	nc_recvmsg_t *p = &nc_plain[family == AF_INET6][udp];
	nc_recvmsg_t fn = READ_ONCE(*p);
	struct socket *sock;

	if (fn)
		return fn;
	mutex_lock(&nc_plain_lock);
	fn = *p;
	if (!fn && !sock_create_kern(net, family, udp ? SOCK_DGRAM : SOCK_STREAM,
				     udp ? IPPROTO_UDP : IPPROTO_TCP, &sock)) {
		fn = READ_ONCE(sock->sk->sk_prot)->recvmsg;
		WRITE_ONCE(*p, fn);
		sock_release(sock);
	}
	mutex_unlock(&nc_plain_lock);
	return fn;
}

/*
 * Is @sk a plain TCP (@udp false) or UDP socket?  Under its lock, after
 * nc_recv() learnt the plain recvmsg of its kind (never under a socket
 * lock: releasing the kernel socket takes a lock of the same class).
 */
static bool nc_sock_plain(struct sock *sk, bool udp)
{
	nc_recvmsg_t fn;

	if (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)
		return false;
	if (sk->sk_type != (udp ? SOCK_DGRAM : SOCK_STREAM) ||
	    sk->sk_protocol != (udp ? IPPROTO_UDP : IPPROTO_TCP))
		return false;
	fn = READ_ONCE(nc_plain[sk->sk_family == AF_INET6][udp]);
	if (!fn || READ_ONCE(sk->sk_prot)->recvmsg != fn)
		return false;
#if IS_ENABLED(CONFIG_IPV6)
	/* Path-MTU notices come through recvmsg(): leave them to it. */
	if (udp && sk->sk_family == AF_INET6 && inet6_sk(sk)->rxopt.bits.rxpmtu)
		return false;
#endif
	return true;
}

/* Bumped by a disconnect: the stream after it is not this call's. */
static int nc_disconnects(const struct sock *sk)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return READ_ONCE(sk->sk_disconnects);
#else
	return 0;
#endif
}

static bool nc_frags_readable(const struct sk_buff *skb)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	return skb_frags_readable(skb);
#else
	return true;
#endif
}

/*
 * Ask the LSMs whether the caller may receive from @sock: a zero-length
 * MSG_PEEK receive.  For TCP with MSG_OOB too, which tcp_recv_urg()
 * answers without touching any state (0, -EINVAL, -ENOTCONN, -EAGAIN);
 * any other error is the LSM's.  For UDP, __skb_recv_udp() reports and
 * clears a pending socket error, which is what this receive would have
 * done; -EAGAIN only means no datagram yet.
 */
static int nc_may_recv(struct socket *sock, bool udp)
{
	struct msghdr msg = { .msg_flags = 0 };
	int ret;

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, NULL, 0, 0);
	ret = sock_recvmsg(sock, &msg, MSG_PEEK | MSG_DONTWAIT |
			   (udp ? 0 : MSG_OOB));
	if (ret >= 0 || ret == -EAGAIN)
		return 0;
	if (!udp && (ret == -EINVAL || ret == -ENOTCONN))
		return 0;
	return ret;
}

static int nc_tcp_actor(read_descriptor_t *desc, struct sk_buff *skb,
			unsigned int offset, size_t len)
{
	struct nc_window *win = desc->arg.data;
	unsigned int n = min(len, desc->count);
	int err;

	err = nc_frags_readable(skb) ? nc_take(win, skb, offset, n) : -EFAULT;
	if (err) {
		win->err = err;
		desc->count = 0;
		return 0;
	}
	desc->count -= n;
	return n;
}

/* Past the urgent mark: forget it, as tcp_recvmsg() does. */
static void nc_tcp_urg_passed(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->urg_data && after(tp->copied_seq, tp->urg_seq)) {
		WRITE_ONCE(tp->urg_data, 0);
		tcp_fast_path_check(sk);
	}
}

/*
 * Move copied_seq over the urgent byte, read or skipped, and free an skb
 * that leaves consumed: tcp_recvmsg() must never find one at the head.
 */
static void nc_tcp_urg_consume(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 off;

	WRITE_ONCE(tp->copied_seq, tp->copied_seq + 1);
	tcp_recv_skb(sk, tp->copied_seq, &off);
	nc_tcp_urg_passed(sk);
}

/*
 * At the urgent mark with nothing read yet: skip the urgent byte if it is
 * there, unless SO_OOBINLINE makes it data.  Under the socket lock.
 */
static void nc_tcp_urg_skip(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	u32 off;

	if (sock_flag(sk, SOCK_URGINLINE))
		return;
	skb = tcp_recv_skb(sk, tp->copied_seq, &off);
	if (skb && off < skb->len)
		nc_tcp_urg_consume(sk);
}

/*
 * Read what is queued into @win, pinned at @uaddr for up to @len bytes.
 * Under the socket lock.  Return 0 or an error; @win->got says how much.
 */
static int nc_tcp_read(struct sock *sk, struct nc_window *win,
		       unsigned long uaddr, size_t len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	read_descriptor_t desc;
	struct sk_buff *skb;
	size_t avail;
	int err, n;
	u32 off;

	/* Pin for what is queued (the urgent byte and a FIN included). */
	avail = READ_ONCE(tp->rcv_nxt) - tp->copied_seq;
	err = nc_window_pin(win, sk, uaddr, clamp_t(size_t, avail, 1, len));
	if (err)
		return err;

	/* SO_OOBINLINE at the mark: the urgent byte is the first one. */
	if (tp->urg_data && tp->urg_seq == tp->copied_seq) {
		skb = tcp_recv_skb(sk, tp->copied_seq, &off);
		if (skb && off < skb->len) {
			if (!nc_frags_readable(skb))
				return -EFAULT;
			err = nc_take(win, skb, off, 1);
			if (err)
				return err;
			nc_tcp_urg_consume(sk);
		}
	}
	if (win->got < win->len) {
		desc.written = 0;
		desc.count = win->len - win->got;
		desc.arg.data = win;
		desc.error = 0;
		n = tcp_read_sock(sk, &desc, nc_tcp_actor);
		if (n < 0 && !win->err)
			win->err = n;
		nc_tcp_urg_passed(sk);
	}
	/* As tcp_recvmsg(): SO_PEEK_OFF moves back over what was read. */
	sk_peek_offset_bwd(sk, win->got);
	return win->err;
}

static long nc_recv_tcp(struct socket *sock, struct nc_window *win,
			unsigned long ubuf, size_t len, unsigned int flags,
			bool nonblock)
{
	struct sock *sk = sock->sk;
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb, *last;
	size_t copied = 0;
	int target, err = 0, rc, dis;
	long timeo;
	u32 off;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, nonblock);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, min_t(size_t, len, INT_MAX));
	while (copied < len) {
		if (!nc_sock_plain(sk, false)) {
			err = -EOPNOTSUPP;
			break;
		}
		if (sk->sk_state == TCP_LISTEN) {
			err = -ENOTCONN;
			break;
		}
		if (tp->repair) {	/* as tcp_recvmsg() without MSG_PEEK */
			err = -EPERM;
			break;
		}
		/* The urgent mark ends a read. */
		if (tp->urg_data && tp->urg_seq == tp->copied_seq) {
			if (copied)
				break;
			if (signal_pending(current)) {
				err = timeo ? sock_intr_errno(timeo) : -EAGAIN;
				break;
			}
			nc_tcp_urg_skip(sk);
		}

		skb = tcp_recv_skb(sk, tp->copied_seq, &off);
		last = skb_peek_tail(&sk->sk_receive_queue);
		if (skb && off < skb->len) {
			err = nc_tcp_read(sk, win, ubuf + copied, len - copied);
			dis = nc_disconnects(sk);
			release_sock(sk);
			nc_dma_window(win);
			if (!err)
				err = win->err;
			copied += win->got;
			nc_window_release(win);
			lock_sock(sk);
			if (!err && nc_disconnects(sk) != dis)
				err = -EPIPE;
			if (err)
				break;
			/* Data at copied_seq, not at the mark: some was read. */
			if (WARN_ON_ONCE(!win->got)) {
				err = -EIO;
				break;
			}
			continue;
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (!timeo || sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				err = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
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
		}
		if (copied >= target) {
			/* Only take in the backlog; do not sleep. */
			__sk_flush_backlog(sk);
			continue;
		}
		rc = sk_wait_data(sk, &timeo, last);
		if (rc < 0) {
			err = rc;
			break;
		}
	}
	release_sock(sk);
	return copied ?: err;
}

static void nc_udp_count(struct sock *sk, int field)
{
	if (sk->sk_family == AF_INET)
		UDP_INC_STATS(sock_net(sk), field, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		UDP6_INC_STATS(sock_net(sk), field, 0);
#endif
}

static long nc_recv_udp(struct socket *sock, struct nc_window *win,
			unsigned long ubuf, size_t len, bool nonblock)
{
	struct msghdr msg = { .msg_flags = 0 };
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	unsigned int n;
	int off, err;

again:
	off = 0;
	skb = __skb_recv_udp(sk, nonblock ? MSG_DONTWAIT : 0, &off, &err);
	if (!skb)
		return err;
	if (!udp_skb_csum_unnecessary(skb) && __udp_lib_checksum_complete(skb)) {
		/* As udp_recvmsg(): drop it and wait for the next one. */
		nc_udp_count(sk, UDP_MIB_CSUMERRORS);
		nc_udp_count(sk, UDP_MIB_INERRORS);
		atomic_inc(&sk->sk_drops);
		kfree_skb(skb);
		cond_resched();
		goto again;
	}
	n = min_t(size_t, len, udp_skb_len(skb));
	err = nc_frags_readable(skb) ? 0 : -EFAULT;
	if (!err && n) {
		err = nc_window_pin(win, NULL, ubuf, n);
		if (!err && win->len < n)
			err = -EFAULT;	/* the datagram could not be pinned whole */
		if (!err) {
			err = nc_take(win, skb, 0, n);
			nc_dma_window(win);
			if (!err)
				err = win->err;
		}
		nc_window_release(win);
	}
	if (err) {
		/* As a faulting udp_recvmsg(): the datagram is dropped. */
		nc_udp_count(sk, UDP_MIB_INERRORS);
		atomic_inc(&sk->sk_drops);
		kfree_skb(skb);
		return err;
	}
	nc_udp_count(sk, UDP_MIB_INDATAGRAMS);
	/* SIOCGSTAMP; timestamp cmsgs have nowhere to go. */
	sock_recv_timestamp(&msg, sk, skb);
	skb_consume_udp(sk, skb, n);
	return n;
}

/**
 * nc_recv() - receive from a socket into a user buffer
 * @sock: the caller's socket
 * @ubuf: the user buffer, checked with access_ok()
 * @len: its length, 1 to MAX_RW_COUNT
 * @flags: DMAENG_NETCOPY_DONTWAIT, DMAENG_NETCOPY_WAITALL
 * @nonblock: do not block
 *
 * Return: bytes received, 0 at the end of a TCP stream or for an empty
 * datagram, or an error: -EOPNOTSUPP for a socket that is not a plain TCP
 * or UDP socket, the LSM's error, or what recv(2) would return.
 */
long nc_recv(struct socket *sock, unsigned long ubuf, size_t len,
	     unsigned int flags, bool nonblock)
{
	struct sock *sk = sock->sk;
	int family = READ_ONCE(sk->sk_family);
	bool udp = sk->sk_type == SOCK_DGRAM, plain;
	struct nc_window *win;
	long ret;

	if (family == AF_INET || family == AF_INET6)
		nc_plain_recvmsg(sock_net(sk), family, udp);
	lock_sock(sk);
	plain = nc_sock_plain(sk, udp);
	release_sock(sk);
	if (!plain)
		return -EOPNOTSUPP;
	ret = nc_may_recv(sock, udp);
	if (ret)
		return ret;
	win = kmalloc(sizeof(*win), GFP_KERNEL);
	if (!win)
		return -ENOMEM;
	if (udp)
		ret = nc_recv_udp(sock, win, ubuf, len, nonblock);
	else
		ret = nc_recv_tcp(sock, win, ubuf, len, flags, nonblock);
	kfree(win);
	return ret;
}
