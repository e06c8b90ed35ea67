// SPDX-License-Identifier: GPL-2.0
/*
 * netcopy: a sender and a receiver over loopback that check every byte,
 * receiving through /dev/dmaeng-netcopy or through plain recv().
 *
 *   netcopy tcp|udp [--bytes N] [--read N] [--send N] [--mode ioctl|recv]
 *                   [--waitall] [--port P] [--pace-us N] [--chunk N] [--fork]
 *
 * The stream carries a periodic pattern (period 65521, a prime, so no read
 * size lines up with it); the receiver compares what it got with the
 * pattern at that stream offset.  UDP datagrams carry an 8-byte sequence
 * number and are paced by acknowledgements, so none is lost.
 *
 * --fork (TCP): each receive takes 4096 bytes into the second half of one
 * page and the first half of the next, with DMAENG_NETCOPY_WAITALL; a
 * second thread meanwhile forks children that write all over their copy of
 * the buffer, and right after each fork writes the other halves of those
 * pages itself.  Every received byte must be right and every byte the
 * thread wrote must stay.  This is the case NET_DMA got wrong: with the
 * destination only referenced (get_user_pages), the parent's write after
 * fork gets it a new copy of the page and the copy in flight lands in the
 * old one; pinned pages stay the parent's.  Pace small sends (--send 4096
 * --pace-us N) so that receives wait for data with their pages held.
 *
 * Prints one line with the bytes, time, MiB/s and bad bytes, then the
 * receiving thread's CPU time (user + system, getrusage(RUSAGE_THREAD))
 * and that per KiB received; exits 0 only if every byte was right.
 *
 *   netcopy probe [PORT]
 *
 * Tries every bad input of the ioctl on a connected TCP socket with data
 * queued, checks each errno, then checks the queued data is still there.
 */

#define _GNU_SOURCE	/* RUSAGE_THREAD */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dmaeng/netcopy_uapi.h>

#define PERIOD		65521
#define UDP_WINDOW	16
#define FORK_SLOTS	64
#define FORK_READ	4096

static unsigned char table[2 * PERIOD + (1 << 20)];
static int tcp = 1, use_ioctl = 1, waitall, do_fork;
static long long total = 64LL << 20;
static size_t readsize = 65536, sendsize = 65536, chunk = 60000;
static int port = 5001, pace_us;
static int ncfd = -1;

static void die(const char *what)
{
	fprintf(stderr, "netcopy: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void make_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(table); i++)
		table[i] = (unsigned char)(((i % PERIOD) * 2654435761ULL) >> 21);
}

/* Pattern bytes for stream offset @off. */
static const unsigned char *pattern(long long off)
{
	return table + off % PERIOD;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_sec(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

static long nc_recv(int fd, void *buf, size_t len, int flags)
{
	struct dmaeng_netcopy_recv req = {
		.fd = fd, .flags = flags,
		.buf = (uintptr_t)buf, .len = len,
	};

	if (!use_ioctl)
		return recv(fd, buf, len, flags);
	return ioctl(ncfd, DMAENG_NETCOPY_RECV, &req);
}

static long long count_bad(const unsigned char *got, long long off, size_t n)
{
	const unsigned char *want = pattern(off);
	long long bad = 0;
	size_t i;

	if (!memcmp(got, want, n))
		return 0;
	for (i = 0; i < n; i++)
		bad += got[i] != want[i];
	return bad;
}

static struct sockaddr_in loopback(int p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(p) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void tcp_send(void)
{
	struct sockaddr_in a = loopback(port);
	long long off = 0;
	ssize_t n;
	int s;

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		die("sender connect");
	while (off < total) {
		size_t len = total - off < (long long)sendsize ?
			     (size_t)(total - off) : sendsize;

		n = send(s, pattern(off), len, 0);
		if (n < 0)
			die("send");
		off += n;
		if (pace_us)
			usleep(pace_us);
	}
	close(s);
	exit(0);
}

static void udp_send(void)
{
	struct sockaddr_in me = loopback(port + 1), peer = loopback(port);
	unsigned char *dgram = malloc(chunk);
	long long seq, count = (total + chunk - 8 - 1) / (chunk - 8);
	uint64_t ack;
	struct timeval tv = { .tv_sec = 10 };
	int s;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof(me)) ||
	    connect(s, (struct sockaddr *)&peer, sizeof(peer)))
		die("udp sender socket");
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (seq = 0; seq < count; seq++) {
		memcpy(dgram, &seq, 8);
		memcpy(dgram + 8, pattern(seq * (chunk - 8)), chunk - 8);
		if (send(s, dgram, chunk, 0) != (ssize_t)chunk)
			die("udp send");
		if (seq % UDP_WINDOW == UDP_WINDOW - 1 && seq + 1 < count) {
			if (recv(s, &ack, sizeof(ack), 0) != sizeof(ack))
				die("udp ack");
		}
		if (pace_us)
			usleep(pace_us);
	}
	close(s);
	exit(0);
}

/* The --fork stress: writes, forks, and checks its own bytes. */
static atomic_int fork_stop;
static unsigned char *fork_buf;
static long long forks, fork_bad;

static void fork_write_halves(long page)
{
	long half = page / 2;
	unsigned char *p;
	int i;

	for (i = 0; i < FORK_SLOTS; i++) {
		p = fork_buf + 2 * i * page;
		memset(p, 0xaa, half);			/* page 2i, first half */
		memset(p + page + half, 0xaa, half);	/* page 2i+1, 2nd half */
	}
}

static void *fork_thread(void *unused)
{
	long page = sysconf(_SC_PAGESIZE), half = page / 2;
	unsigned char *p;
	pid_t child;
	int i;

	(void)unused;
	while (!atomic_load(&fork_stop)) {
		child = fork();
		if (child == 0) {
			memset(fork_buf, 0x55, 2 * FORK_SLOTS * page);
			usleep(200);
			_exit(0);
		}
		/*
		 * Write while the child still shares the pages: where a page
		 * is shared copy-on-write, this write moves the parent to a
		 * new copy, and a copy in flight into the old page is lost.
		 */
		fork_write_halves(page);
		if (child > 0) {
			forks++;
			waitpid(child, NULL, 0);
		}
		for (i = 0; i < FORK_SLOTS; i++) {
			p = fork_buf + 2 * i * page;
			if (memchr(p, 0x55, half) || memchr(p + page + half, 0x55, half))
				fork_bad++;
		}
	}
	return NULL;
}

static long long tcp_receive(int s, long long *bad)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *buf;
	long long off = 0, slot = 0;
	pthread_t thr;
	size_t len;
	long n;

	if (do_fork) {
		fork_buf = mmap(NULL, 2 * FORK_SLOTS * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fork_buf == MAP_FAILED)
			die("mmap");
		memset(fork_buf, 0, 2 * FORK_SLOTS * page);
		if (pthread_create(&thr, NULL, fork_thread, NULL))
			die("pthread_create");
	}
	buf = malloc(readsize + page);
	while (off < total) {
		unsigned char *dst;

		if (do_fork) {
			dst = fork_buf + 2 * (slot++ % FORK_SLOTS) * page + page / 2;
			len = FORK_READ;
		} else {
			dst = buf + (off % 7);	/* vary the alignment */
			len = readsize;
		}
		if ((long long)len > total - off)
			len = total - off;
		n = nc_recv(s, dst, len, waitall || do_fork ? MSG_WAITALL : 0);
		if (n < 0)
			die("receive");
		if (n == 0)
			break;
		*bad += count_bad(dst, off, n);
		off += n;
	}
	if (do_fork) {
		atomic_store(&fork_stop, 1);
		pthread_join(thr, NULL);
		*bad += fork_bad;
		printf("netcopy: fork stress: %lld forks while receiving, %lld pages %s\n",
		       forks, fork_bad, "with a child's write");
	}
	free(buf);
	return off;
}

static long long udp_receive(int s, long long *bad)
{
	long long seq = 0, count = (total + chunk - 8 - 1) / (chunk - 8);
	long long off = 0;
	unsigned char *buf = malloc(chunk + 64);
	uint64_t got;
	long n;

	while (seq < count) {
		n = nc_recv(s, buf, chunk + 64, 0);
		if (n < 0)
			die("udp receive");
		memcpy(&got, buf, 8);
		if (n != (long)chunk || got != (uint64_t)seq) {
			fprintf(stderr, "netcopy: datagram %lld: got seq %llu, %ld bytes\n",
				seq, (unsigned long long)got, n);
			*bad += n;
		} else {
			*bad += count_bad(buf + 8, seq * (chunk - 8), n - 8);
		}
		off += n - 8;
		seq++;
		if (seq % UDP_WINDOW == 0 && seq < count &&
		    send(s, &seq, sizeof(seq), 0) != sizeof(seq))
			die("udp ack");
	}
	free(buf);
	return off;
}

/* --probe: every bad input of the ioctl, each with the errno it must get. */
static int probe_n, probe_bad;

static void probe_expect(const char *what, long got, int want)
{
	int e = got < 0 ? errno : 0;

	probe_n++;
	if ((want && got == -1 && e == want) || (!want && got == 0)) {
		printf("ok %d - %s: %s\n", probe_n, what,
		       want ? strerror(want) : "0");
		return;
	}
	probe_bad++;
	printf("not ok %d - %s: got %ld (%s), want %s\n", probe_n, what, got,
	       got < 0 ? strerror(e) : "-", want ? strerror(want) : "0");
}

static long probe_recv(int fd, unsigned long long buf, unsigned long long len,
		       unsigned int flags)
{
	struct dmaeng_netcopy_recv req = {
		.fd = fd, .flags = flags, .buf = buf, .len = len,
	};

	return ioctl(ncfd, DMAENG_NETCOPY_RECV, &req);
}

static int bad_input_probe(void)
{
	struct sockaddr_in a = loopback(port);
	long page = sysconf(_SC_PAGESIZE);
	int l, s, c, unix_fd, null_fd, one = 1;
	unsigned char *ro, *gone, buf[4096];
	struct timeval tv = { .tv_sec = 5 };

	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		die("probe listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("probe connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("probe accept");
	/* A wrong expectation must fail, not hang. */
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Queued data every failed call must leave where it is. */
	if (send(c, pattern(0), sizeof(buf), 0) != (ssize_t)sizeof(buf))
		die("probe send");
	usleep(100000);

	unix_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	null_fd = open("/dev/null", O_RDONLY);
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || gone == MAP_FAILED || munmap(gone, page))
		die("probe mmap");

	probe_expect("fd -1", probe_recv(-1, (uintptr_t)buf, 64, 0), EBADF);
	probe_expect("fd not open", probe_recv(999, (uintptr_t)buf, 64, 0), EBADF);
	probe_expect("not a socket", probe_recv(null_fd, (uintptr_t)buf, 64, 0),
		     ENOTSOCK);
	probe_expect("a unix socket", probe_recv(unix_fd, (uintptr_t)buf, 64, 0),
		     EOPNOTSUPP);
	probe_expect("a listening socket",
		     probe_recv(l, (uintptr_t)buf, 64, MSG_DONTWAIT), ENOTCONN);
	probe_expect("NULL buffer", probe_recv(s, 0, 64, 0), EFAULT);
	probe_expect("unmapped buffer", probe_recv(s, (uintptr_t)gone, 64, 0),
		     EFAULT);
	probe_expect("read-only buffer", probe_recv(s, (uintptr_t)ro, 64, 0),
		     EFAULT);
	probe_expect("kernel address",
		     probe_recv(s, 0xffffffff81000000ULL, 64, 0), EFAULT);
	/* Like recv(2), a huge length is cut to MAX_RW_COUNT before the
	 * range is checked: near the top of user space it must fault.
	 */
	probe_expect("huge length",
		     probe_recv(s, 0x7ffff0000000ULL, 1ULL << 62, 0), EFAULT);
	probe_expect("length past the end of the address space",
		     probe_recv(s, ~0ULL - 4095, 8192, 0), EFAULT);
	probe_expect("unknown flag", probe_recv(s, (uintptr_t)buf, 64, 0x1),
		     EINVAL);
	probe_expect("MSG_PEEK (not supported)",
		     probe_recv(s, (uintptr_t)buf, 64, MSG_PEEK), EINVAL);
	probe_expect("NULL request", ioctl(ncfd, DMAENG_NETCOPY_RECV, NULL),
		     EFAULT);
	probe_expect("unknown ioctl", ioctl(ncfd, _IO(0xde, 99), 0), ENOTTY);
	probe_expect("zero length: 0, like recv", probe_recv(s, (uintptr_t)buf, 0, 0),
		     0);

	/* Nothing was consumed: the queued bytes are all there, in order. */
	probe_n++;
	memset(buf, 0, sizeof(buf));
	if (probe_recv(s, (uintptr_t)buf, sizeof(buf),
		       MSG_WAITALL | MSG_DONTWAIT) ==
	    (long)sizeof(buf) && !count_bad(buf, 0, sizeof(buf))) {
		printf("ok %d - the stream is intact after every refused call\n",
		       probe_n);
	} else {
		probe_bad++;
		printf("not ok %d - the stream is intact after every refused call\n",
		       probe_n);
	}
	probe_expect("nothing more queued: EAGAIN with DONTWAIT",
		     probe_recv(s, (uintptr_t)buf, 64, MSG_DONTWAIT), EAGAIN);
	close(c);
	probe_expect("peer closed: 0", probe_recv(s, (uintptr_t)buf, 64, 0), 0);

	printf("netcopy: probe: %d inputs tried, %d answered as expected\n",
	       probe_n, probe_n - probe_bad);
	return probe_bad ? 1 : 0;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: netcopy tcp|udp [--bytes N] [--read N] [--send N] [--mode ioctl|recv] [--waitall] [--port P] [--pace-us N] [--chunk N] [--fork]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long long got, bad = 0;
	struct rusage ru0, ru1;
	double t0, t, cpu;
	int s, c, one = 1, status;
	pid_t sender;

	if (argc < 2)
		bad_usage();
	if (!strcmp(argv[1], "probe")) {
		make_table();
		ncfd = open(DMAENG_NETCOPY_DEV, O_RDWR);
		if (ncfd < 0)
			die(DMAENG_NETCOPY_DEV);
		if (argc > 2)
			port = atoi(argv[2]);
		return bad_input_probe();
	}
	tcp = !strcmp(argv[1], "tcp");
	if (!tcp && strcmp(argv[1], "udp"))
		bad_usage();
	if (!tcp)
		total = 16LL << 20;
	for (c = 2; c < argc; c++) {
		const char *a = argv[c], *v = c + 1 < argc ? argv[c + 1] : NULL;

		if (!strcmp(a, "--waitall"))
			waitall = 1;
		else if (!strcmp(a, "--fork"))
			do_fork = 1;
		else if (!v)
			bad_usage();
		else if (!strcmp(a, "--bytes"))
			total = strtoll(v, NULL, 0), c++;
		else if (!strcmp(a, "--read"))
			readsize = strtoul(v, NULL, 0), c++;
		else if (!strcmp(a, "--send"))
			sendsize = strtoul(v, NULL, 0), c++;
		else if (!strcmp(a, "--port"))
			port = atoi(v), c++;
		else if (!strcmp(a, "--pace-us"))
			pace_us = atoi(v), c++;
		else if (!strcmp(a, "--chunk"))
			chunk = strtoul(v, NULL, 0), c++;
		else if (!strcmp(a, "--mode"))
			use_ioctl = !strcmp(v, "ioctl"), c++;
		else
			bad_usage();
	}
	if (!readsize || readsize > (1 << 20) || !sendsize || sendsize > (1 << 20) ||
	    chunk < 16 || chunk > 65000)
		bad_usage();
	/* UDP carries whole datagrams of chunk - 8 pattern bytes. */
	if (!tcp)
		total = (total + chunk - 8 - 1) / (chunk - 8) * (chunk - 8);
	make_table();
	if (use_ioctl) {
		ncfd = open(DMAENG_NETCOPY_DEV, O_RDWR);
		if (ncfd < 0)
			die(DMAENG_NETCOPY_DEV);
	}

	if (tcp) {
		struct sockaddr_in a = loopback(port);
		int l = socket(AF_INET, SOCK_STREAM, 0);

		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
			die("listen");
		sender = fork();
		if (sender == 0)
			tcp_send();
		s = accept(l, NULL, NULL);
		if (s < 0)
			die("accept");
		close(l);
	} else {
		struct sockaddr_in me = loopback(port), peer = loopback(port + 1);
		int rcvbuf = 8 << 20;

		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof(me)))
			die("udp socket");
		setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
		if (connect(s, (struct sockaddr *)&peer, sizeof(peer)))
			die("udp connect");
		sender = fork();
		if (sender == 0)
			udp_send();
	}

	getrusage(RUSAGE_THREAD, &ru0);
	t0 = now();
	got = tcp ? tcp_receive(s, &bad) : udp_receive(s, &bad);
	t = now() - t0;
	getrusage(RUSAGE_THREAD, &ru1);
	cpu = tv_sec(&ru1.ru_utime) - tv_sec(&ru0.ru_utime) +
	      tv_sec(&ru1.ru_stime) - tv_sec(&ru0.ru_stime);
	close(s);
	waitpid(sender, &status, 0);
	printf("netcopy: %s %s read=%zu: %lld of %lld bytes in %.3f s, ",
	       tcp ? "tcp" : "udp", use_ioctl ? "ioctl" : "recv",
	       do_fork ? (size_t)FORK_READ : tcp ? readsize : chunk, got, total,
	       t);
	printf("%.1f MiB/s, %lld bad bytes, receiver cpu %.3f s, %.0f ns/KiB\n",
	       t > 0 ? got / t / (1 << 20) : 0.0, bad, cpu,
	       got > 0 ? cpu * 1e9 * 1024 / got : 0.0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "netcopy: the sender failed\n");
	return got == total && !bad && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}
