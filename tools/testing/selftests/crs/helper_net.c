// SPDX-License-Identifier: GPL-2.0
/*
 * helper_net: one network action for the network tests, run inside a
 * "container" (nsenter) or a peer namespace. Prints one line of results:
 *
 *   connect ADDR PORT [SRC]   TCP connect, read the server's greeting:
 *                             "errno=E ms=T read=TEXT"
 *   udp ADDR PORT             sendto() on an unconnected socket, wait 2 s
 *                             for the echo: "errno=E ms=T read=TEXT"
 *   ping ADDR [SRC]           one ICMP/ICMPv6 echo on a raw socket:
 *                             "errno=E reply=0|1"
 *   serve ADDR PORT           TCP server: greets "hello PORT\n", then
 *                             echoes; prints "ready" once listening
 *   userve ADDR PORT          UDP echo server; prints "ready"
 *   sserve ADDR PORT FILE     SCTP listener; FILE: associations accepted
 *   sconnect ADDR PORT SECS   SCTP connect, wait SECS; prints errno=E
 *   hog N FILE                bind N UDP sockets, write "bound K errno E""
 *   packet IFACE SRC ADDR PORT  a UDP datagram SRC:40000 -> ADDR:PORT
 *                             (IPv4) built by hand and sent on an
 *                             AF_PACKET socket to IFACE's broadcast
 *                             address, below the IP hooks; waits 2 s for
 *                             the echo on a UDP socket bound to SRC:40000:
 *                             "errno=E ms=0 read=TEXT" (E: of socket())
 *   stream ADDR PORT FILE     connect, then every 20 ms send a byte and
 *                             wait for its echo; the count of echoes
 *                             received is kept in FILE
 *
 * ADDR is IPv4 or IPv6 (::ffff:a.b.c.d uses an AF_INET6 socket). Sockets
 * time out after 3 s (errno EAGAIN/EINPROGRESS then).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <time.h>
#include <unistd.h>

static int parse(const char *addr, int port, struct sockaddr_storage *ss,
		 socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	fprintf(stderr, "helper_net: bad address %s\n", addr);
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void timeouts(int fd)
{
	struct timeval tv = { 3, 0 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Bind @fd to source address @src (NULL: leave it unbound): bind()'s result. */
static int bind_src(int fd, const char *src)
{
	struct sockaddr_storage sa;
	socklen_t sl;

	if (!src)
		return 0;
	parse(src, 0, &sa, &sl);
	return bind(fd, (struct sockaddr *)&sa, sl);
}

static int do_connect(const char *addr, int port, const char *src)
{
	struct sockaddr_storage ss;
	char buf[128] = "";
	socklen_t len;
	long t0, t1;
	int fd, err = 0, af;
	ssize_t n;

	af = parse(addr, port, &ss, &len);
	fd = socket(af, SOCK_STREAM, 0);
	if (fd < 0)
		return printf("errno=%d ms=0 read=\n", errno), 0;
	timeouts(fd);
	if (bind_src(fd, src))
		return printf("errno=%d ms=0 read= (bind)\n", errno), 0;
	t0 = now_ms();
	if (connect(fd, (struct sockaddr *)&ss, len))
		err = errno;
	t1 = now_ms();
	if (!err) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
		} else {
			err = n < 0 ? errno : 0;
		}
	}
	printf("errno=%d ms=%ld read=%s\n", err, t1 - t0, buf);
	return 0;
}

static int do_udp(const char *addr, int port)
{
	struct sockaddr_storage ss;
	char buf[128] = "";
	socklen_t len;
	long t0, t1;
	int fd, err = 0;
	ssize_t n;

	fd = socket(parse(addr, port, &ss, &len), SOCK_DGRAM, 0);
	if (fd < 0)
		return printf("errno=%d ms=0 read=\n", errno), 0;
	timeouts(fd);
	t0 = now_ms();
	if (sendto(fd, "ping", 4, 0, (struct sockaddr *)&ss, len) < 0)
		err = errno;
	t1 = now_ms();
	if (!err) {
		struct timeval tv = { 2, 0 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0)
			buf[n] = '\0';
	}
	printf("errno=%d ms=%ld read=%s\n", err, t1 - t0, buf);
	return 0;
}

static unsigned short csum(const void *p, size_t len)
{
	const unsigned short *w = p;
	unsigned long sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	if (len)
		sum += *(const unsigned char *)w;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (unsigned short)~sum;
}

static int do_packet(const char *ifname, const char *src, const char *dst,
		     int port)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons(40000) };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_halen = ETH_ALEN };
	struct {
		struct iphdr ip;
		struct udphdr udp;
		char data[4];
	} __attribute__((packed)) pkt = { 0 };
	struct timeval tv = { 2, 0 };
	char buf[128] = "";
	int pfd, ufd, err = 0;
	ssize_t n;

	inet_pton(AF_INET, src, &me.sin_addr);
	ufd = socket(AF_INET, SOCK_DGRAM, 0);
	if (ufd < 0 || bind(ufd, (struct sockaddr *)&me, sizeof(me)))
		return printf("errno=-1 ms=0 read= (udp socket %d)\n", errno), 0;
	pfd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (pfd < 0)
		return printf("errno=%d ms=0 read=\n", errno), 0;
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	memset(ll.sll_addr, 0xff, ETH_ALEN);
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_UDP;
	pkt.ip.tot_len = htons(sizeof(pkt));
	pkt.ip.saddr = me.sin_addr.s_addr;
	inet_pton(AF_INET, dst, &pkt.ip.daddr);
	pkt.ip.check = csum(&pkt.ip, sizeof(pkt.ip));
	pkt.udp.source = htons(40000);
	pkt.udp.dest = htons(port);
	pkt.udp.len = htons(sizeof(pkt.udp) + sizeof(pkt.data));
	memcpy(pkt.data, "ping", 4);	/* UDP checksum 0: none (IPv4) */
	if (sendto(pfd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&ll,
		   sizeof(ll)) < 0)
		err = errno;
	setsockopt(ufd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = err ? -1 : recv(ufd, buf, sizeof(buf) - 1, 0);
	if (n > 0)
		buf[n] = '\0';
	printf("errno=%d ms=0 read=%s\n", err, buf);
	return 0;
}

static int do_ping(const char *addr, const char *src)
{
	struct sockaddr_storage ss;
	unsigned char pkt[64], buf[256];
	struct pollfd pfd;
	socklen_t len;
	int fd, af, err = 0, reply = 0;
	long end;

	af = parse(addr, 0, &ss, &len);
	fd = socket(af, SOCK_RAW, af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return printf("errno=%d reply=0\n", errno), 0;
	if (bind_src(fd, src))
		return printf("errno=%d reply=0 (bind)\n", errno), 0;
	memset(pkt, 0, sizeof(pkt));
	if (af == AF_INET) {
		struct icmphdr *h = (struct icmphdr *)pkt;

		h->type = ICMP_ECHO;
		h->un.echo.id = htons(getpid() & 0xffff);
		h->un.echo.sequence = htons(1);
		h->checksum = csum(pkt, sizeof(pkt));
	} else {
		struct icmp6_hdr *h = (struct icmp6_hdr *)pkt;

		h->icmp6_type = ICMP6_ECHO_REQUEST;
		h->icmp6_id = htons(getpid() & 0xffff);
		h->icmp6_seq = htons(1);	/* kernel fills the checksum */
	}
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len) < 0)
		err = errno;
	end = now_ms() + 1500;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!err && !reply && now_ms() < end) {
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (af == AF_INET && n >= 28)
			reply = buf[(buf[0] & 0xf) * 4] == ICMP_ECHOREPLY;
		else if (af == AF_INET6 && n >= 8)
			reply = buf[0] == ICMP6_ECHO_REPLY;
	}
	printf("errno=%d reply=%d\n", err, reply);
	return 0;
}

static int listener(const char *addr, int port, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, zero = 0, af;

	af = parse(addr, port, &ss, &len);
	fd = socket(af, type, 0);
	if (fd < 0)
		exit(3);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		perror("helper_net: bind/listen");
		exit(3);
	}
	printf("ready\n");
	fflush(stdout);
	return fd;
}

static __attribute__((noreturn)) void do_serve(const char *addr, int port)
{
	int fd = listener(addr, port, SOCK_STREAM);

	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		char buf[512];
		ssize_t n;

		if (c < 0)
			continue;
		if (fork() == 0) {
			close(fd);
			n = snprintf(buf, sizeof(buf), "hello %d\n", port);
			if (write(c, buf, n) != n)
				_exit(0);
			while ((n = read(c, buf, sizeof(buf))) > 0)
				if (write(c, buf, n) != n)
					break;
			_exit(0);
		}
		close(c);
	}
}

static __attribute__((noreturn)) void do_userve(const char *addr, int port)
{
	int fd = listener(addr, port, SOCK_DGRAM);

	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		char buf[512];
		ssize_t n;

		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n > 0)
			sendto(fd, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}

static int do_stream(const char *addr, int port, const char *file)
{
	struct sockaddr_storage ss;
	char buf[64];
	socklen_t len;
	long count = 0;
	int fd, out;

	fd = socket(parse(addr, port, &ss, &len), SOCK_STREAM, 0);
	out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || out < 0 || connect(fd, (struct sockaddr *)&ss, len))
		return printf("errno=%d\n", errno), 1;
	if (read(fd, buf, sizeof(buf)) <= 0)	/* greeting */
		return 1;
	for (;;) {
		int m;

		if (write(fd, "x", 1) != 1)
			break;
		if (read(fd, buf, 1) != 1)
			break;
		count++;
		m = snprintf(buf, sizeof(buf), "%ld\n", count);
		if (pwrite(out, buf, m, 0) != m)
			break;
		usleep(20000);
	}
	printf("stream ended errno=%d count=%ld\n", errno, count);
	return 0;
}

/* Write @count to @file (the whole file). */
static void put_count(const char *file, long count)
{
	FILE *f = fopen(file, "w");

	if (f) {
		fprintf(f, "%ld\n", count);
		fclose(f);
	}
}

/*
 * SCTP one-to-one listener: writes to @file how many associations it
 * has accepted (0 once listening); "noproto" when SCTP is missing.
 */
static __attribute__((noreturn)) void do_sserve(const char *addr, int port,
						 const char *file)
{
	struct sockaddr_storage ss;
	socklen_t len;
	long count = 0;
	int fd, af;

	af = parse(addr, port, &ss, &len);
	fd = socket(af, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0) {
		FILE *f = fopen(file, "w");

		if (f) {
			fprintf(f, "noproto %d\n", errno);
			fclose(f);
		}
		exit(4);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16))
		exit(3);
	put_count(file, 0);
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			put_count(file, ++count);
	}
}

/*
 * SCTP connect, non-blocking, waiting @secs for the association; the
 * socket's error after it ("errno=E", 0 when it came up), then the
 * socket is kept open for another @secs (its INIT timer keeps resending).
 */
static int do_sconnect(const char *addr, int port, int secs)
{
	struct sockaddr_storage ss;
	socklen_t len, el = sizeof(int);
	struct pollfd p;
	int fd, err = 0;

	fd = socket(parse(addr, port, &ss, &len), SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		return printf("errno=%d\n", errno), 1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS) {
		printf("errno=%d\n", errno);
		sleep(secs);
		return 0;
	}
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, secs * 1000) <= 0)
		err = ETIMEDOUT;
	else
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("errno=%d\n", err);
	fflush(stdout);
	sleep(secs);
	return 0;
}

/*
 * Bind up to @n UDP sockets (port 0) and keep them; write "bound K
 * errno E" (E of the first failure, 0 if none) to @file, then wait to be
 * killed.
 */
static __attribute__((noreturn)) void do_hog(int n, const char *file)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int i, err = 0, bound = 0;
	FILE *f;

	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			err = errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		bound++;
	}
	f = fopen(file, "w");
	if (f) {
		fprintf(f, "bound %d errno %d\n", bound, err);
		fclose(f);
	}
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], atoi(argv[3]), argc > 4 ? argv[4] : NULL);
	if (argc == 4 && !strcmp(argv[1], "udp"))
		return do_udp(argv[2], atoi(argv[3]));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "ping"))
		return do_ping(argv[2], argc > 3 ? argv[3] : NULL);
	if (argc == 4 && !strcmp(argv[1], "serve"))
		do_serve(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "userve"))
		do_userve(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "packet"))
		return do_packet(argv[2], argv[3], argv[4], atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "sserve"))
		do_sserve(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "sconnect"))
		return do_sconnect(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "hog"))
		do_hog(atoi(argv[2]), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "stream"))
		return do_stream(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: helper_net connect|udp|ping|packet|serve|userve|stream ...\n");
	return 2;
}
