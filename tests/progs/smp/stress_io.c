/* stress_io.c: the socket parts of the SMP stress program (stress.c):
 * AF_UNIX socketpairs between threads (a stream echo and datagrams whose
 * boundaries must hold) and TCP over 127.0.0.1 (clients that connect,
 * send blocks, check the echo and close, again and again). */
#include "stress.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BLOCK 8192

/* echo: copies FD's blocks (a 4-byte length, then the bytes) back; a
 * zero length or EOF ends it. 0, or -1 if the peer broke off mid-block. */
static int echo(int fd)
{
	unsigned char buf[BLOCK];
	uint32_t len;

	for (;;) {
		if (read_full(fd, &len, 4) || !len)
			return 0;
		if (len > BLOCK || read_full(fd, buf, len) || write_full(fd, buf, len))
			return -1;
	}
}

/* exchange: one block of random length through FD's echo; 0 if it came
 * back intact */
static int exchange(int fd, uint64_t *s)
{
	unsigned char out[BLOCK], in[BLOCK];
	uint32_t len = 1 + (uint32_t)(rnd(s) % BLOCK);

	fill(out, len, *s);
	if (write_full(fd, &len, 4) || write_full(fd, out, len) || read_full(fd, in, len))
		return -1;
	return memcmp(in, out, len) ? -1 : 0;
}

/* ---- unix */

static void *unix_echo(void *arg)
{
	int fd = (int)(long)arg;

	if (echo(fd))
		fail(P_UNIX, "stream echo broke");
	close(fd);
	return NULL;
}

static void *unix_client(void *arg)
{
	int fd = (int)(long)arg;
	uint64_t s = 4242;
	uint32_t zero = 0;

	while (!atomic_load(&stop)) {
		if (exchange(fd, &s)) {
			fail(P_UNIX, "stream block came back wrong");
			break;
		}
		progress(P_UNIX);
	}
	if (write_full(fd, &zero, 4))
		fail(P_UNIX, "stream end");
	close(fd);
	return NULL;
}

static void *dgram_send(void *arg)
{
	int fd = (int)(long)arg;
	unsigned char b[2048];
	uint64_t s = 17;
	uint32_t seq = 0;

	while (!atomic_load(&stop)) {
		size_t len = 8 + rnd(&s) % (sizeof(b) - 8);

		memcpy(b, &seq, 4);
		fill(b + 8, len - 8, seq);
		*(uint32_t *)(b + 4) = checksum(b + 8, len - 8);
		if (send(fd, b, len, 0) != (ssize_t)len) {
			fail(P_UNIX, "send: %s", strerror(errno));
			break;
		}
		seq++;
		progress(P_UNIX);
	}
	send(fd, b, 1, 0); /* a 1-byte datagram: the end */
	close(fd);
	return NULL;
}

static void *dgram_recv(void *arg)
{
	int fd = (int)(long)arg;
	unsigned char b[4096];
	uint32_t seq, next = 0;
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), 0)) != 1) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 8) {
			fail(P_UNIX, "recv returned %zd", n);
			break;
		}
		memcpy(&seq, b, 4);
		if (seq != next || *(uint32_t *)(b + 4) != checksum(b + 8, (size_t)n - 8))
			fail(P_UNIX, "datagram %u (want %u, %zd bytes) bad", seq, next, n);
		next = seq + 1;
	}
	close(fd);
	return NULL;
}

void start_unix(void)
{
	int sv[2], dv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dv)) {
		fail(P_UNIX, "socketpair: %s", strerror(errno));
		return;
	}
	spawn(P_UNIX, unix_echo, (void *)(long)sv[0]);
	spawn(P_UNIX, unix_client, (void *)(long)sv[1]);
	spawn(P_UNIX, dgram_recv, (void *)(long)dv[0]);
	spawn(P_UNIX, dgram_send, (void *)(long)dv[1]);
}

/* ---- tcp: TCP_CLIENTS servers share one listening socket; each client
 * connects, exchanges a few blocks, closes; at the end each client sends
 * one "quit" connection (a length of 0xffffffff), which ends one server */

#define TCP_CLIENTS 2
static int lfd;
static struct sockaddr_in laddr;

static void *tcp_server(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		uint32_t len;

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			fail(P_TCP, "accept: %s", strerror(errno));
			return NULL;
		}
		if (read_full(fd, &len, 4) == 0 && len == UINT32_MAX) {
			close(fd);
			return NULL;
		}
		if (len > BLOCK) {
			fail(P_TCP, "bad first length %u", len);
		} else if (len) {
			unsigned char buf[BLOCK];

			if (read_full(fd, buf, len) || write_full(fd, buf, len) || echo(fd))
				fail(P_TCP, "server: the connection broke");
		}
		close(fd);
	}
}

static int tcp_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&laddr, sizeof(laddr))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *tcp_client(void *arg)
{
	uint64_t s = 808 + (uint64_t)(long)arg;
	uint32_t v;
	int fd;

	while (!atomic_load(&stop)) {
		fd = tcp_connect();
		if (fd < 0) {
			fail(P_TCP, "connect: %s", strerror(errno));
			break;
		}
		for (int k = 0; k < 4; k++)
			if (exchange(fd, &s)) {
				fail(P_TCP, "block came back wrong");
				break;
			}
		v = 0;
		if (write_full(fd, &v, 4))
			fail(P_TCP, "end of connection");
		close(fd);
		progress(P_TCP);
	}
	fd = tcp_connect();
	v = UINT32_MAX;
	if (fd < 0 || write_full(fd, &v, 4))
		fail(P_TCP, "cannot send quit: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

void start_tcp(void)
{
	socklen_t l = sizeof(laddr);
	int one = 1;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&laddr, 0, sizeof(laddr));
	laddr.sin_family = AF_INET;
	laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&laddr, sizeof(laddr)) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&laddr, &l)) {
		fail(P_TCP, "listen: %s", strerror(errno));
		return;
	}
	for (long i = 0; i < TCP_CLIENTS; i++) {
		spawn(P_TCP, tcp_server, NULL);
		spawn(P_TCP, tcp_client, (void *)i);
	}
}
