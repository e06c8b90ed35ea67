// SPDX-License-Identifier: GPL-2.0
/*
 * nchostile: hostile peers and odd sockets against /dev/dmaeng-netcopy.
 *
 *   nchostile all PORT	every case below, one "ok N - ..." line each
 *   nchostile lsm PORT	under the AppArmor profile nc_deny (see 45-hostile.sh)
 *   nchostile fuzz PORT SECONDS	random requests, sysctls flipped meanwhile
 *
 * Where recv(2) has an answer, a case runs twice, through recv() and
 * through the ioctl, and the ioctl must give the very same sequence of
 * results and bytes: the reference is the kernel's own receive path, not
 * this file's idea of it.  Every received byte is checked.
 *
 * Cases: urgent data (the mark ends a read; skipped, or inline with
 * SO_OOBINLINE; nonblocking and blocking); a reset after data under
 * MSG_WAITALL; 1-byte segments with copybreak 1 (the skb clones held stay
 * within the socket's receive buffer); zero-length datagrams; no page
 * pinned while a receive waits; SO_RCVTIMEO for the whole call;
 * SO_RCVLOWAT; a disconnect while blocked; sockets that are not plain TCP
 * or UDP (AX.25 with protocol 17, UDP-Lite, raw, sockmap) refused, IPv6
 * accepted; a UDP buffer that can be pinned only in part (-EFAULT, no pin
 * left); a buffer holding one page twice and two receives sharing a page
 * (no dma-debug error).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <dmaeng/netcopy_uapi.h>

#ifndef AF_AX25
#define AF_AX25 3
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

#define DEBUGFS		"/sys/kernel/debug"
#define NC_STATS	DEBUGFS "/dmaeng_netcopy/stats"
#define NC_SYSCTL	"/proc/sys/dmaeng/netcopy/"

static int ncfd = -1, port, ntests, nfails;
static long page;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	nfails += !ok;
	printf("%s %d - ", ok ? "ok" : "not ok", ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The stream's byte at offset i. */
static unsigned char pat(long i)
{
	return (unsigned char)(i * 7 + i / 251 + 3);
}

static void fill(unsigned char *b, long off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = pat(off + i);
}

static int same(const unsigned char *b, long off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != pat(off + i))
			return 0;
	return 1;
}

/* Receive through recv() (@ioc 0) or the ioctl; -errno on failure. */
static long rx(int ioc, int fd, void *buf, size_t len, int flags)
{
	struct dmaeng_netcopy_recv req = {
		.fd = fd, .flags = flags, .buf = (uintptr_t)buf, .len = len,
	};
	long r;

	r = ioc ? ioctl(ncfd, DMAENG_NETCOPY_RECV, &req) :
		  recv(fd, buf, len, flags);
	return r < 0 ? -errno : r;
}

static const char *how(int ioc)
{
	return ioc ? "ioctl" : "recv";
}

static long read_long(const char *path, const char *key)
{
	char line[256];
	size_t kl = key ? strlen(key) : 0;
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!key) {
			v = atol(line);
			break;
		}
		if (!strncmp(line, key, kl) && line[kl] == ' ') {
			v = atol(line + kl + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

static void write_str(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(v, f) < 0 || fclose(f))
		die(path);
}

/*
 * Page pins taken and not released, system-wide.  The counters are per
 * CPU first: vm/stat_refresh folds them.
 */
static long pins_held(void)
{
	write_str("/proc/sys/vm/stat_refresh", "1\n");
	return read_long("/proc/vmstat", "nr_foll_pin_acquired") -
	       read_long("/proc/vmstat", "nr_foll_pin_released");
}

static long dma_api_errors(void)
{
	return read_long(DEBUGFS "/dma-api/error_count", NULL);
}

static void set_copybreak(int v)
{
	char s[32];

	snprintf(s, sizeof(s), "%d\n", v);
	write_str(NC_SYSCTL "copybreak", s);
}

static void timeo(int fd, int opt, double s)
{
	struct timeval tv = { .tv_sec = (long)s,
			      .tv_usec = (long)((s - (long)s) * 1e6) };

	if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)))
		die("setsockopt timeout");
}

/* The loopback address of @family at port @p, in @ss; its length. */
static socklen_t loopback(int family, int p, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		a6->sin6_port = htons(p);
		return sizeof(*a6);
	}
	a4->sin_family = AF_INET;
	a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a4->sin_port = htons(p);
	return sizeof(*a4);
}

/* A connected loopback TCP pair: *r receives, *p is the peer. */
static void tcp_pair(int family, int *r, int *p)
{
	struct sockaddr_storage ss;
	struct sockaddr *a = (struct sockaddr *)&ss;
	socklen_t al = loopback(family, port++, &ss);
	int l, one = 1;

	l = socket(family, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, a, al) || listen(l, 1))
		die("listen");
	*p = socket(family, SOCK_STREAM, 0);
	if (*p < 0 || connect(*p, a, al))
		die("connect");
	*r = accept(l, NULL, NULL);
	if (*r < 0)
		die("accept");
	close(l);
	/* A wrong expectation must fail, not hang. */
	timeo(*r, SO_RCVTIMEO, 10);
}

/* A connected loopback UDP pair: *r on port, *p on port + 1. */
static void udp_pair(int family, int *r, int *p)
{
	struct sockaddr_storage rs, ps;
	socklen_t rl = loopback(family, port, &rs);
	socklen_t pl = loopback(family, port + 1, &ps);

	*r = socket(family, SOCK_DGRAM, 0);
	*p = socket(family, SOCK_DGRAM, 0);
	if (*r < 0 || *p < 0 ||
	    bind(*r, (struct sockaddr *)&rs, rl) ||
	    bind(*p, (struct sockaddr *)&ps, pl) ||
	    connect(*r, (struct sockaddr *)&ps, pl) ||
	    connect(*p, (struct sockaddr *)&rs, rl))
		die("udp pair");
	port += 2;
	timeo(*r, SO_RCVTIMEO, 10);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Results of a case, for recv() and the ioctl to be compared. */
struct trace {
	char s[512];
	int bad;	/* bytes that were not the stream's */
};

static void tr_add(struct trace *t, long r)
{
	size_t l = strlen(t->s);

	if (l < sizeof(t->s) - 24)
		snprintf(t->s + l, sizeof(t->s) - l, "%s%ld", l ? "," : "", r);
}

static void compare(const char *what, struct trace *t)
{
	check(!strcmp(t[0].s, t[1].s) && !t[0].bad && !t[1].bad,
	      "%s: ioctl [%s] as recv [%s], bad bytes %d/%d", what, t[1].s,
	      t[0].s, t[1].bad, t[0].bad);
}

/*
 * Urgent data.  Each round the peer sends a chunk and one MSG_OOB byte
 * (and in the blocking rounds a second chunk); the receiver then reads
 * until EAGAIN (nonblocking) or reads twice (blocking, with an alarm in
 * case a receive spins at the mark).  @exp is the stream as the receiver
 * must see it: with the urgent bytes if SO_OOBINLINE, without otherwise.
 */
static void urgent(int ioc, int inl, struct trace *t)
{
	static const int sizes[] = { 1000, 1, 4096, 70000, 3 };
	unsigned char *buf = malloc(1 << 18), *exp = malloc(1 << 18);
	unsigned char *c = malloc(1 << 17), u = 0xa5;
	long off = 0, pos = 0, end = 0, r;
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	int rs, ps, i, one = 1, k, n;

	sigaction(SIGALRM, &sa, NULL);
	tcp_pair(AF_INET, &rs, &ps);
	if (inl)
		setsockopt(rs, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one));
	for (i = 0; i < 7; i++) {
		int blocking = i >= 5;
		int n1 = blocking ? 2000 : sizes[i], n2 = blocking ? 999 : 0;

		fill(c, off, n1 + n2);
		memcpy(exp + end, c, n1);
		end += n1;
		if (inl)
			exp[end++] = u;
		memcpy(exp + end, c + n1, n2);
		end += n2;
		off += n1 + n2;
		if (send(ps, c, n1, 0) != n1 || send(ps, &u, 1, MSG_OOB) != 1 ||
		    (n2 && send(ps, c + n1, n2, 0) != n2))
			die("send with MSG_OOB");
		usleep(50000);
		for (k = 0; k < (blocking ? 2 : 8); k++) {
			alarm(5);
			r = rx(ioc, rs, buf, 1 << 18, blocking ? 0 : MSG_DONTWAIT);
			alarm(0);
			tr_add(t, r);
			if (r <= 0)
				break;
			n = r <= end - pos ? r : end - pos;
			t->bad += (r - n) + !!memcmp(buf, exp + pos, n);
			pos += n;
		}
	}
	t->bad += (int)(end - pos);	/* never delivered */
	close(ps);
	tr_add(t, rx(ioc, rs, buf, 1 << 18, 0));
	close(rs);
	free(buf);
	free(exp);
	free(c);
}

/* A reset after some data, under MSG_WAITALL. */
struct rst_peer { int fd; long n; };

static void *rst_thread(void *arg)
{
	struct rst_peer *p = arg;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	unsigned char *b = malloc(p->n);

	fill(b, 0, p->n);
	if (send(p->fd, b, p->n, 0) != p->n)
		die("rst send");
	usleep(200000);
	setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(p->fd);
	free(b);
	return NULL;
}

static void reset_case(int ioc, struct trace *t)
{
	struct rst_peer p = { .n = 10000 };
	unsigned char *buf = malloc(20000);
	pthread_t th;
	long r;
	int rs, i;

	tcp_pair(AF_INET, &rs, &p.fd);
	pthread_create(&th, NULL, rst_thread, &p);
	r = rx(ioc, rs, buf, 20000, MSG_WAITALL);
	tr_add(t, r);
	if (r > 0)
		t->bad += !same(buf, 0, r);
	pthread_join(th, NULL);
	for (i = 0; i < 2; i++)
		tr_add(t, rx(ioc, rs, buf, 20000, MSG_WAITALL));
	close(rs);
	free(buf);
}

/* 1-byte segments, copybreak 1: every byte right, clones bounded. */
struct tiny_peer { int fd; long n; };

static void *tiny_thread(void *arg)
{
	struct tiny_peer *p = arg;
	unsigned char b;
	long i;

	for (i = 0; i < p->n; i++) {
		b = pat(i);
		if (send(p->fd, &b, 1, 0) != 1)
			die("tiny send");
	}
	return NULL;
}

static void tiny_segments(void)
{
	struct tiny_peer p = { .n = 6000 };
	unsigned char *buf = malloc(p.n);
	int rs, one = 1, rcvbuf = 16384;
	socklen_t l = sizeof(rcvbuf);
	long r, got = 0, max0, max1, held;
	pthread_t th;

	tcp_pair(AF_INET, &rs, &p.fd);
	setsockopt(p.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(rs, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	getsockopt(rs, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &l);
	set_copybreak(1);
	max0 = read_long(NC_STATS, "clone_bytes_max");
	pthread_create(&th, NULL, tiny_thread, &p);
	while (got < p.n) {
		r = rx(1, rs, buf + got, p.n - got, MSG_WAITALL);
		if (r <= 0)
			break;
		got += r;
	}
	pthread_join(th, NULL);
	set_copybreak(4096);
	max1 = read_long(NC_STATS, "clone_bytes_max");
	held = read_long(NC_STATS, "clone_bytes");
	check(got == p.n && same(buf, 0, got),
	      "%ld 1-byte segments, copybreak 1, MSG_WAITALL: %ld bytes, all right",
	      p.n, got);
	check(max1 >= 0 && max1 <= rcvbuf,
	      "skb clones held at most %ld bytes (before this case %ld), within SO_RCVBUF %d",
	      max1, max0, rcvbuf);
	check(held == 0, "no clone held after the receive (clone_bytes %ld)",
	      held);
	close(rs);
	close(p.fd);
	free(buf);
}

/* Zero-length datagrams among others. */
static void zero_datagrams(int ioc, struct trace *t)
{
	static const int sizes[] = { 0, 100, 0, 0, 1000, 0 };
	unsigned char out[1000], *buf = aligned_alloc(page, page);
	int rs, ps, i;
	long r;

	udp_pair(AF_INET, &rs, &ps);
	for (i = 0; i < 6; i++) {
		fill(out, i * 1000, sizes[i]);
		if (send(ps, out, sizes[i], 0) != sizes[i])
			die("udp send");
	}
	timeo(rs, SO_RCVTIMEO, 2);
	/* A page-aligned buffer: an empty datagram must not need a page. */
	for (i = 0; i < 7; i++) {
		r = rx(ioc, rs, buf, page, 0);
		tr_add(t, r);
		if (r > 0)
			t->bad += !same(buf, i * 1000, r);
	}
	close(rs);
	close(ps);
	free(buf);
}

/* No page is pinned while a receive waits for data. */
struct waiter { int ioc, fd; long r; unsigned char *buf; size_t len; };

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->r = rx(w->ioc, w->fd, w->buf, w->len, 0);
	return NULL;
}

static void pins_while_waiting(void)
{
	struct waiter w = { .ioc = 1, .len = 65536 };
	unsigned char out[1000];
	long base, during;
	pthread_t th;
	int ps;

	w.buf = malloc(w.len);
	memset(w.buf, 0, w.len);
	tcp_pair(AF_INET, &w.fd, &ps);
	base = pins_held();
	pthread_create(&th, NULL, wait_thread, &w);
	usleep(300000);
	during = pins_held();
	fill(out, 0, sizeof(out));
	send(ps, out, sizeof(out), 0);
	pthread_join(th, NULL);
	check(during == base,
	      "no page pinned while the receive waits (pins held %ld, before %ld)",
	      during, base);
	check(w.r == (long)sizeof(out) && same(w.buf, 0, w.r),
	      "then the data arrives: %ld bytes, right", w.r);
	check(pins_held() == base, "every pin released after it (%ld)",
	      pins_held() - base);
	close(w.fd);
	close(ps);
	free(w.buf);
}

/* SO_RCVTIMEO counts for the whole call, however many windows it takes. */
struct pace { int fd; double secs; long sent; };

static void *pace_thread(void *arg)
{
	struct pace *p = arg;
	unsigned char *b = malloc(65536);
	double end = now() + p->secs;

	while (now() < end) {
		fill(b, p->sent, 65536);
		if (send(p->fd, b, 65536, MSG_NOSIGNAL) != 65536)
			break;
		p->sent += 65536;
		usleep(200000);
	}
	free(b);
	return NULL;
}

static void rcvtimeo_case(int ioc)
{
	struct pace p = { .secs = 4 };
	size_t len = 8 << 20;
	unsigned char *buf = malloc(len);
	pthread_t th;
	double t0, el;
	long r;
	int rs;

	tcp_pair(AF_INET, &rs, &p.fd);
	timeo(rs, SO_RCVTIMEO, 1);
	pthread_create(&th, NULL, pace_thread, &p);
	t0 = now();
	r = rx(ioc, rs, buf, len, MSG_WAITALL);
	el = now() - t0;
	pthread_join(th, NULL);
	check(r > 65536 && r < (long)len && same(buf, 0, r) && el < 2.5,
	      "%s, SO_RCVTIMEO 1 s, MSG_WAITALL 8 MiB from a peer sending 64 KiB every 0.2 s: %ld bytes in %.2f s",
	      how(ioc), r, el);
	close(rs);
	close(p.fd);
	free(buf);
}

/*
 * SO_RCVLOWAT: wait for that much.  The receive starts with 100 bytes
 * already queued (TCP itself wakes a sleeping reader only at the mark).
 */
static void *lowat_thread(void *arg)
{
	unsigned char b[1100];
	int fd = *(int *)arg;

	fill(b, 0, sizeof(b));
	send(fd, b, 100, 0);
	usleep(400000);
	send(fd, b + 100, 1000, 0);
	return NULL;
}

static void rcvlowat_case(int ioc, struct trace *t)
{
	unsigned char buf[4096];
	int rs, ps, lowat = 1000;
	pthread_t th;
	long r;

	tcp_pair(AF_INET, &rs, &ps);
	setsockopt(rs, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
	timeo(rs, SO_RCVTIMEO, 3);
	pthread_create(&th, NULL, lowat_thread, &ps);
	usleep(150000);
	r = rx(ioc, rs, buf, sizeof(buf), 0);
	tr_add(t, r);
	if (r > 0)
		t->bad += !same(buf, 0, r);
	pthread_join(th, NULL);
	close(rs);
	close(ps);
}

/* connect(AF_UNSPEC) from another thread while a receive waits. */
static void disconnect_case(int ioc, struct trace *t)
{
	struct waiter w = { .ioc = ioc, .len = 4096 };
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	pthread_t th;
	int ps;

	w.buf = malloc(w.len);
	tcp_pair(AF_INET, &w.fd, &ps);
	timeo(w.fd, SO_RCVTIMEO, 3);
	pthread_create(&th, NULL, wait_thread, &w);
	usleep(300000);
	connect(w.fd, &sa, sizeof(sa));
	pthread_join(th, NULL);
	tr_add(t, w.r);
	close(w.fd);
	close(ps);
	free(w.buf);
}

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* Sockets that are not plain TCP or UDP; and IPv6 ones, which are. */
static void socket_kinds(void)
{
	unsigned char buf[4096], out[3000];
	union bpf_attr attr;
	int s, rs, ps, map, key = 0;
	long r;

	s = socket(AF_AX25, SOCK_DGRAM, IPPROTO_UDP);
	check(s >= 0, "an AX.25 datagram socket with protocol 17 (%s)",
	      s >= 0 ? "made" : strerror(errno));
	r = rx(1, s, buf, 64, MSG_DONTWAIT);
	check(r == -EOPNOTSUPP, "AX.25, protocol 17: %s", strerror(-r));
	close(s);

	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	r = s < 0 ? -errno : rx(1, s, buf, 64, MSG_DONTWAIT);
	check(r == -EOPNOTSUPP, "UDP-Lite: %s", strerror(-r));
	close(s);

	s = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	r = s < 0 ? -errno : rx(1, s, buf, 64, MSG_DONTWAIT);
	check(r == -EOPNOTSUPP, "raw IPv4, protocol 17: %s", strerror(-r));
	close(s);

	/* sockmap takes over the receive path of a TCP socket. */
	tcp_pair(AF_INET, &rs, &ps);
	fill(out, 0, sizeof(out));
	send(ps, out, sizeof(out), 0);
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_SOCKMAP;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	map = bpf(BPF_MAP_CREATE, &attr);
	check(map >= 0, "a sockmap (%s)", map >= 0 ? "made" : strerror(errno));
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&rs;
	r = bpf(BPF_MAP_UPDATE_ELEM, &attr);
	check(!r, "the TCP socket added to it (%s)", r ? strerror(errno) : "done");
	r = rx(1, rs, buf, sizeof(buf), MSG_DONTWAIT);
	check(r == -EOPNOTSUPP, "a TCP socket in a sockmap: %s",
	      r < 0 ? strerror(-r) : "data");
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t)&key;
	bpf(BPF_MAP_DELETE_ELEM, &attr);
	r = rx(1, rs, buf, sizeof(buf), MSG_DONTWAIT);
	check(r == sizeof(out) && same(buf, 0, r),
	      "out of the sockmap again, it is plain TCP: %ld bytes", r);
	close(map);
	close(rs);
	close(ps);

	tcp_pair(AF_INET6, &rs, &ps);
	send(ps, out, sizeof(out), 0);
	r = rx(1, rs, buf, sizeof(out), MSG_WAITALL);
	check(r == sizeof(out) && same(buf, 0, r), "IPv6 TCP: %ld bytes, right", r);
	close(rs);
	close(ps);
	udp_pair(AF_INET6, &rs, &ps);
	send(ps, out, sizeof(out), 0);
	r = rx(1, rs, buf, sizeof(buf), 0);
	check(r == sizeof(out) && same(buf, 0, r), "IPv6 UDP: %ld bytes, right", r);
	close(rs);
	close(ps);
}

/* A datagram into a buffer only the first page of which can be pinned. */
static void udp_partial(int ioc, struct trace *t)
{
	unsigned char *b = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char out[6000];
	long base = pins_held();
	int rs, ps;

	if (b == MAP_FAILED || mprotect(b + page, page, PROT_READ))
		die("mmap");
	b[0] = 0;
	udp_pair(AF_INET, &rs, &ps);
	fill(out, 0, sizeof(out));
	send(ps, out, sizeof(out), 0);
	send(ps, out, 100, 0);
	tr_add(t, rx(ioc, rs, b, sizeof(out), 0));
	tr_add(t, pins_held() - base);
	/* The datagram is dropped; the next one comes. */
	tr_add(t, rx(ioc, rs, b, 100, 0));
	t->bad += !same(b, 0, 100);
	close(rs);
	close(ps);
	munmap(b, 2 * page);
}

/* A one-page file (on the guest's ramfs), for mapping it twice. */
static int page_file(void)
{
	char path[] = "/tmp/nchostile.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || unlink(path) || ftruncate(fd, page))
		die("page file");
	return fd;
}

/*
 * One page mapped twice in a row, received into as one buffer: the page
 * ends as recv(2) leaves it, the second half's bytes over the first's.
 */
static void alias_in_buffer(void)
{
	int mfd = page_file(), rs, ps, ok = 1;
	unsigned char *b, out[8000];
	long e0 = dma_api_errors(), s0, r, i;

	b = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED ||
	    mmap(b, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mfd,
		 0) == MAP_FAILED ||
	    mmap(b + page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 mfd, 0) == MAP_FAILED)
		die("alias mmap");
	tcp_pair(AF_INET, &rs, &ps);
	fill(out, 0, sizeof(out));
	send(ps, out, sizeof(out), 0);
	usleep(50000);
	s0 = read_long(NC_STATS, "fallback_shared");
	r = rx(1, rs, b, sizeof(out), MSG_WAITALL);
	for (i = 0; i < page && r == sizeof(out); i++)
		ok &= b[i] == (i + page < r ? pat(i + page) : pat(i));
	check(r == sizeof(out) && ok,
	      "a buffer holding one page twice: %ld bytes, the page as recv() leaves it",
	      r);
	check(read_long(NC_STATS, "fallback_shared") > s0,
	      "that window went by CPU (fallback_shared %ld, before %ld)",
	      read_long(NC_STATS, "fallback_shared"), s0);
	check(dma_api_errors() == e0,
	      "no dma-debug error for it (error_count %ld, before %ld)",
	      dma_api_errors(), e0);
	close(rs);
	close(ps);
	munmap(b, 2 * page);
	close(mfd);
}

/* Two receives sharing one page: 2000 bytes at its start, 2096 after. */
struct sharer { int fd, ps; unsigned char *buf; size_t len; int rounds, bad; };

static void *share_peer(void *arg)
{
	struct sharer *s = arg;
	unsigned char *b = malloc(s->len);
	int i;

	for (i = 0; i < s->rounds; i++) {
		fill(b, i * s->len, s->len);
		if (send(s->ps, b, s->len, 0) != (ssize_t)s->len)
			die("share send");
	}
	free(b);
	return NULL;
}

static void *share_rx(void *arg)
{
	struct sharer *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++)
		if (rx(1, s->fd, s->buf, s->len, MSG_WAITALL) != (long)s->len ||
		    !same(s->buf, i * s->len, s->len))
			s->bad++;
	return NULL;
}

static void shared_page(void)
{
	unsigned char *pg = aligned_alloc(page, page);
	struct sharer s[2] = {
		{ .buf = pg, .len = 2000, .rounds = 400 },
		{ .buf = pg + 2000, .len = page - 2000, .rounds = 400 },
	};
	pthread_t th[4];
	long e0 = dma_api_errors(), s0 = read_long(NC_STATS, "fallback_shared");
	int i;

	set_copybreak(1024);
	for (i = 0; i < 2; i++) {
		tcp_pair(AF_INET, &s[i].fd, &s[i].ps);
		pthread_create(&th[i], NULL, share_peer, &s[i]);
		pthread_create(&th[2 + i], NULL, share_rx, &s[i]);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	set_copybreak(4096);
	check(!s[0].bad && !s[1].bad,
	      "two receives sharing a page, 400 rounds each: bad rounds %d and %d",
	      s[0].bad, s[1].bad);
	check(dma_api_errors() == e0,
	      "no dma-debug error for them (error_count %ld, before %ld; %ld windows found the page taken)",
	      dma_api_errors(), e0, read_long(NC_STATS, "fallback_shared") - s0);
	for (i = 0; i < 2; i++) {
		close(s[i].fd);
		close(s[i].ps);
	}
	free(pg);
}

static void both(const char *what, void (*fn)(int, struct trace *))
{
	struct trace t[2];

	memset(t, 0, sizeof(t));
	fn(0, &t[0]);
	fn(1, &t[1]);
	compare(what, t);
}

static void urgent_plain(int ioc, struct trace *t)
{
	urgent(ioc, 0, t);
}

static void urgent_inline(int ioc, struct trace *t)
{
	urgent(ioc, 1, t);
}

/* Under the AppArmor profile nc_deny, which denies inet networking. */
static int lsm_case(void)
{
	unsigned char out[1000], buf[1000];
	int rs, ps, fd;
	long r;

	tcp_pair(AF_INET, &rs, &ps);
	fill(out, 0, sizeof(out));
	send(ps, out, sizeof(out), 0);
	fd = open("/proc/self/attr/current", O_WRONLY);
	r = fd < 0 ? -1 : write(fd, "changeprofile nc_deny", 21);
	check(r == 21, "change to the AppArmor profile nc_deny (%s)",
	      r == 21 ? "done" : strerror(errno));
	close(fd);
	r = rx(0, rs, buf, sizeof(buf), MSG_DONTWAIT);
	check(r == -EACCES, "recv() under nc_deny: %s (the profile works)",
	      r < 0 ? strerror(-r) : "data");
	r = rx(1, rs, buf, sizeof(buf), MSG_DONTWAIT);
	check(r == -EACCES, "the ioctl under nc_deny: %s",
	      r < 0 ? strerror(-r) : "data");
	printf("nchostile: %d checks, %d failed\n", ntests, nfails);
	return nfails ? 1 : 0;
}

/*
 * fuzz SECONDS: random requests from four threads over a pool of sockets
 * and buffers, while a fifth flips the sysctls.  Every answer must be a
 * byte count or an errno recv(2) could give for that input, and every
 * byte a TCP receive into a good buffer returns must be the stream's.
 */
#define FZ_SOCKS	6

struct fz_stream {
	pthread_mutex_t lock;
	int rs, ps, tcp;
	long off;		/* TCP: stream offset of the next byte */
};

static struct fz_stream fz[FZ_SOCKS];
static atomic_int fz_stop;
static long fz_calls, fz_bytes, fz_bad, fz_odd;
static pthread_mutex_t fz_count = PTHREAD_MUTEX_INITIALIZER;

static void *fz_peer(void *arg)
{
	struct fz_stream *f = arg;
	unsigned char *b = malloc(65536);
	long off = 0;
	int n;

	while (!fz_stop) {
		n = 1 + rand() % (f->tcp ? 65536 : 9000);
		fill(b, off, n);
		n = send(f->ps, b, n, MSG_DONTWAIT);
		if (n > 0 && f->tcp)
			off += n;
		usleep(rand() % 2000);
	}
	free(b);
	return NULL;
}

static int fz_errno_ok(int e)
{
	switch (e) {
	case EAGAIN: case EFAULT: case EBADF: case ENOTSOCK: case EOPNOTSUPP:
	case EINVAL: case ENOTCONN: case EINTR: case ENOMEM:
		return 1;
	}
	return 0;
}

static void *fz_worker(void *arg)
{
	unsigned char *good, *ro, *none;
	unsigned int seed = (uintptr_t)arg;
	int mfd = page_file(), fds[4], i;
	unsigned char *alias;

	/* 1 MiB and a guard page after it. */
	good = mmap(NULL, (1 << 20) + page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (good == MAP_FAILED || mprotect(good + (1 << 20), page, PROT_NONE))
		die("fuzz mmap");
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	alias = mmap(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 4; i++)
		mmap(alias + i * page, page, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_FIXED, mfd, 0);
	fds[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	fds[1] = open("/dev/null", O_RDONLY);
	fds[2] = socket(AF_AX25, SOCK_DGRAM, IPPROTO_UDP);
	fds[3] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);

	while (!fz_stop) {
		int k = rand_r(&seed) % (FZ_SOCKS + 5), flags = 0, valid = 0;
		struct fz_stream *f = k < FZ_SOCKS ? &fz[k] : NULL;
		unsigned char *buf = good;
		size_t len = 1 + rand_r(&seed) % (1 << 20);
		int fd, w = rand_r(&seed) % 16;
		long r;

		fd = f ? f->rs : k == FZ_SOCKS ? -1 : fds[k - FZ_SOCKS - 1];
		if (w == 0)
			buf = ro;
		else if (w == 1)
			buf = none;
		else if (w == 2)
			buf = alias + rand_r(&seed) % page, len %= 3 * page;
		else if (w == 3)
			buf = (void *)0xffffffff81000000UL;
		else if (w == 4)
			len = 0;
		else if (w == 5)
			buf = good + (1 << 20) - 100;	/* into the guard page */
		else
			valid = 1;
		if (valid && len > (1 << 20))
			len = 1 << 20;
		if (rand_r(&seed) % 2)
			flags |= MSG_DONTWAIT;
		if (rand_r(&seed) % 4 == 0)
			flags |= MSG_WAITALL;
		if (rand_r(&seed) % 50 == 0)
			flags |= 1 << (rand_r(&seed) % 31);
		if (!(flags & MSG_DONTWAIT) && f)
			timeo(f->rs, SO_RCVTIMEO, 0.05);
		if (f)
			pthread_mutex_lock(&f->lock);
		r = rx(1, fd, buf, len, flags);
		if (f && f->tcp && r > 0) {
			if (valid && !same(buf, f->off, r)) {
				pthread_mutex_lock(&fz_count);
				fz_bad++;
				pthread_mutex_unlock(&fz_count);
			}
			f->off += r;
		}
		if (f)
			pthread_mutex_unlock(&f->lock);
		pthread_mutex_lock(&fz_count);
		fz_calls++;
		if (r > 0)
			fz_bytes += r;
		if (r < 0 && !fz_errno_ok(-r)) {
			fz_odd++;
			printf("# fuzzing: fd kind %d, buf kind %d, len %zu, flags %#x: %s\n",
			       k, w, len, flags, strerror(-r));
		}
		pthread_mutex_unlock(&fz_count);
	}
	munmap(good, (1 << 20) + page);
	return NULL;
}

static void *fz_sysctl(void *arg)
{
	unsigned int seed = 7;
	char v[32];

	(void)arg;
	while (!fz_stop) {
		switch (rand_r(&seed) % 3) {
		case 0:
			write_str(NC_SYSCTL "disable_dma", rand_r(&seed) % 2 ? "1\n" : "0\n");
			break;
		case 1:
			snprintf(v, sizeof(v), "%d\n", 1 + rand_r(&seed) % 65536);
			write_str(NC_SYSCTL "copybreak", v);
			break;
		default:
			snprintf(v, sizeof(v), "%d\n", rand_r(&seed) % 3 * 50);
			write_str(NC_SYSCTL "idle_release_ms", v);
		}
		usleep(rand_r(&seed) % 20000);
	}
	write_str(NC_SYSCTL "disable_dma", "0\n");
	write_str(NC_SYSCTL "copybreak", "4096\n");
	write_str(NC_SYSCTL "idle_release_ms", "0\n");
	return NULL;
}

static int fuzz(int secs)
{
	pthread_t peers[FZ_SOCKS], workers[4], sys;
	int i;

	for (i = 0; i < FZ_SOCKS; i++) {
		pthread_mutex_init(&fz[i].lock, NULL);
		fz[i].tcp = i % 3 != 2;
		if (fz[i].tcp)
			tcp_pair(i % 2 ? AF_INET6 : AF_INET, &fz[i].rs, &fz[i].ps);
		else
			udp_pair(AF_INET, &fz[i].rs, &fz[i].ps);
		pthread_create(&peers[i], NULL, fz_peer, &fz[i]);
	}
	for (i = 0; i < 4; i++)
		pthread_create(&workers[i], NULL, fz_worker, (void *)(uintptr_t)(i + 1));
	pthread_create(&sys, NULL, fz_sysctl, NULL);
	sleep(secs);
	fz_stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(workers[i], NULL);
	pthread_join(sys, NULL);
	for (i = 0; i < FZ_SOCKS; i++)
		pthread_join(peers[i], NULL);
	check(fz_calls > 100, "fuzzing: %ld requests in %d s, %ld bytes received",
	      fz_calls, secs, fz_bytes);
	check(!fz_odd, "fuzzing: every error an errno recv(2) could give (%ld others)",
	      fz_odd);
	check(!fz_bad, "fuzzing: every byte received into a good buffer right (%ld bad receives)",
	      fz_bad);
	printf("nchostile: %d checks, %d failed\n", ntests, nfails);
	return nfails ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: nchostile all|lsm|fuzz PORT [SECONDS]");
	port = atoi(argv[2]);
	page = sysconf(_SC_PAGESIZE);
	signal(SIGPIPE, SIG_IGN);
	ncfd = open(DMAENG_NETCOPY_DEV, O_RDWR);
	if (ncfd < 0)
		die(DMAENG_NETCOPY_DEV);
	if (!strcmp(argv[1], "lsm"))
		return lsm_case();
	if (!strcmp(argv[1], "fuzz"))
		return fuzz(argc > 3 ? atoi(argv[3]) : 30);

	tiny_segments();
	both("urgent data, the byte skipped", urgent_plain);
	both("urgent data, SO_OOBINLINE", urgent_inline);
	both("a reset after 10000 bytes under MSG_WAITALL", reset_case);
	both("zero-length datagrams among others", zero_datagrams);
	pins_while_waiting();
	rcvtimeo_case(0);
	rcvtimeo_case(1);
	both("SO_RCVLOWAT 1000, 100 bytes then 1000", rcvlowat_case);
	both("connect(AF_UNSPEC) while a receive waits", disconnect_case);
	socket_kinds();
	both("UDP into a buffer pinnable in part, then the next datagram",
	     udp_partial);
	alias_in_buffer();
	shared_page();
	printf("nchostile: %d checks, %d failed\n", ntests, nfails);
	return nfails ? 1 : 0;
}
