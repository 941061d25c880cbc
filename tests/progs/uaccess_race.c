/* uaccess_race.c: system calls copying from or to a file mapping whose
 * first touch of a page may sleep (a disk read), while other threads race
 * them. Usage: uaccess_race MODE FILE [ITERATIONS] [make]; with "make" FILE
 * is first made (8 MiB of a pattern; for an in-memory file).
 *
 * unmap: each iteration maps a fresh 512 KiB window of FILE (private,
 *	read-write), and the main thread write()s it to a scratch file (even
 *	iterations) or read()s /dev/zero into it (odd ones), while a second
 *	thread, started just before, unmaps the window as soon as the call
 *	begins. The call must return all of it, a short count or EFAULT (the
 *	kernel must not fault); prints the number of each outcome, and the
 *	number of pages of the windows still mapped once munmap returned
 *	(probed with write(), which fails with EFAULT on each).
 * pipe: a thread writes all of FILE, mapped, into a pipe in pieces of 1000
 *	bytes (the head of each tops up the pipe's last buffer), while another
 *	reads them; then a thread writes a buffer into a pipe, and then into a
 *	stream socket pair, that two threads read into a private mapping of
 *	FILE. What is read must be what was written: prints whether the sums
 *	agree.
 * tcp: the same into a TCP connection over loopback, first thing (so that
 *	the file's pages are still on the disk, and each first touch sleeps).
 * Then "done". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WIN (512L << 10)

static void *volatile win;
static volatile int go;

static void *unmapper(void *arg)
{
	(void)arg;
	while (!go)
		;
	munmap(win, WIN);
	return NULL;
}

static int race_unmap(int fd, long size, int iters)
{
	int out = open("/tmp/uaccess_race.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int zero = open("/dev/zero", O_RDONLY);
	if (out < 0 || zero < 0 || size < 2 * WIN) {
		perror("setup");
		return 3;
	}
	/* windows spread over the file, so that each one's pages are read
	   from the disk afresh */
	long stride = (size - WIN) / (iters > 1 ? iters - 1 : 1) & ~4095L;
	int full = 0, part = 0, efault = 0, stale = 0;
	int probe[2];
	if (pipe(probe)) {
		perror("pipe");
		return 3;
	}
	for (int i = 0; i < iters; i++) {
		void *p = mmap(NULL, WIN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, i * stride);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 3;
		}
		win = p;
		go = 0;
		pthread_t t;
		if (pthread_create(&t, NULL, unmapper, NULL)) {
			fprintf(stderr, "pthread_create failed\n");
			return 3;
		}
		go = 1;
		long r = i % 2 ? syscall(SYS_read, zero, p, WIN) : syscall(SYS_write, out, p, WIN);
		int e = errno;
		pthread_join(t, NULL);
		/* munmap has returned: no page of the window may still be
		   there (a fault that slept on the disk must not map one
		   after it) */
		for (long o = 0; o < WIN; o += 4096) {
			char c;
			if (write(probe[1], (char *)p + o, 1) == 1) {
				stale++;
				if (read(probe[0], &c, 1) != 1)
					return 3;
			}
		}
		if (r == WIN)
			full++;
		else if (r >= 0)
			part++;
		else if (e == EFAULT)
			efault++;
		else {
			printf("iteration %d: %ld, %s\n", i, r, strerror(e));
			return 1;
		}
	}
	printf("full %d short %d efault %d\n", full, part, efault);
	printf("pages left after munmap: %d\n", stale);
	return 0;
}

static int pfd[2];
static uint64_t got_sum, got_len;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t sum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

struct rd {
	uint8_t *buf;
	size_t len; /* the reads move along buf, from its start again at its end */
};

/* Reads the pipe to its end, 3000 bytes at most a time. */
static void *reader(void *arg)
{
	struct rd *d = arg;
	size_t at = 0;
	for (;;) {
		if (at + 3000 > d->len)
			at = 0;
		ssize_t r = read(pfd[0], d->buf + at, 3000);
		if (r <= 0)
			break;
		pthread_mutex_lock(&lock);
		got_sum += sum(d->buf + at, (size_t)r);
		got_len += (uint64_t)r;
		pthread_mutex_unlock(&lock);
		at += (size_t)r;
	}
	return NULL;
}

/* A TCP connection over loopback: pfd[0] the accepted end, pfd[1] the
 * connecting one. */
static int tcp_pair(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		return -1;
	pfd[1] = socket(AF_INET, SOCK_STREAM, 0);
	if (pfd[1] < 0 || connect(pfd[1], (struct sockaddr *)&a, sizeof(a)))
		return -1;
	pfd[0] = accept(l, NULL, NULL);
	close(l);
	return pfd[0] < 0 ? -1 : 0;
}

/* Writes 2 MiB from memory into a pipe (or a stream socket pair, or a TCP
 * connection) that two threads read into a fresh private mapping of fd. */
static int into_mapping(int fd, long size, int how)
{
	static const char *name[] = { "pipe", "socket", "TCP socket" };
	uint8_t *dst = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (dst == MAP_FAILED || (how == 2 ? tcp_pair()
				  : how    ? socketpair(AF_UNIX, SOCK_STREAM, 0, pfd)
					   : pipe(pfd))) {
		perror("setup");
		return 3;
	}
	got_sum = got_len = 0;
	struct rd rd[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		rd[i].buf = dst + (size_t)size / 2 * (size_t)i;
		rd[i].len = (size_t)size / 2;
		pthread_create(&t[i], NULL, reader, &rd[i]);
	}
	static uint8_t wbuf[1 << 16];
	uint64_t wsum = 0;
	for (size_t i = 0; i < sizeof(wbuf); i++)
		wbuf[i] = (uint8_t)(i * 13 + 5);
	for (int i = 0; i < 32; i++) {
		if (write(pfd[1], wbuf, sizeof(wbuf)) != (ssize_t)sizeof(wbuf)) {
			perror("write");
			return 1;
		}
		wsum += sum(wbuf, sizeof(wbuf));
	}
	close(pfd[1]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	close(pfd[0]);
	munmap(dst, (size_t)size);
	printf("into a mapping from a %s: %s\n", name[how],
	       got_len == 32 * sizeof(wbuf) && got_sum == wsum ? "same" : "differs");
	return 0;
}

static int race_pipe(int fd, long size)
{
	uint8_t *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED || pipe(pfd)) {
		perror("setup");
		return 3;
	}
	/* 1: writes from the mapping, one reader into its own memory */
	static uint8_t rbuf[4096];
	struct rd rd = { rbuf, sizeof(rbuf) };
	pthread_t t;
	pthread_create(&t, NULL, reader, &rd);
	long put = 0;
	for (long at = 0; at < size; at += 1000) {
		long k = size - at < 1000 ? size - at : 1000;
		if (write(pfd[1], m + at, (size_t)k) != k) {
			perror("write");
			return 1;
		}
		put += k;
	}
	close(pfd[1]);
	pthread_join(t, NULL);
	close(pfd[0]);
	uint64_t want = sum(m, (size_t)size);
	printf("from a mapping: %s\n",
	       got_len == (uint64_t)put && got_sum == want ? "same" : "differs");
	return into_mapping(fd, size, 0) || into_mapping(fd, size, 1);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: uaccess_race unmap|pipe|tcp FILE [ITERATIONS] [make]\n");
		return 2;
	}
	int iters = argc > 3 ? atoi(argv[3]) : 8;
	if (argc > 4 && !strcmp(argv[4], "make")) {
		int m = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		static char buf[1 << 16];
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(i * 7);
		for (int i = 0; m >= 0 && i < 128; i++)
			if (write(m, buf, sizeof(buf)) != sizeof(buf))
				return 3;
		close(m);
	}
	int fd = open(argv[2], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[2]);
		return 3;
	}
	int r = !strcmp(argv[1], "pipe")  ? race_pipe(fd, st.st_size)
		: !strcmp(argv[1], "tcp") ? into_mapping(fd, st.st_size, 2)
					  : race_unmap(fd, st.st_size, iters);
	if (r == 0)
		printf("done\n");
	return r;
}
