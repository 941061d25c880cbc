/* pipes.c: pipes in one thread: round trip, end of file, EPIPE, FIONREAD,
 * nonblocking EAGAIN, Linux's capacity and PIPE_BUF atomicity, partial
 * writes, packet mode (O_DIRECT), fstat and /proc/self/fd. Prints one line
 * per check; the output is the same on Linux and in htux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "show.h"

static char big[70000];
static int *volatile bad_pointer = (int *)8;

/* Writes chunk-sized pieces to a nonblocking pipe until EAGAIN. */
static long fill(int fd, size_t chunk)
{
	long total = 0;
	for (;;) {
		ssize_t w = write(fd, big, chunk);
		if (w < 0)
			return errno == EAGAIN ? total : -1;
		total += w;
	}
}

static long fill_fresh(size_t chunk)
{
	int p[2];
	if (pipe2(p, O_NONBLOCK))
		return -1;
	long n = fill(p[1], chunk);
	close(p[0]);
	close(p[1]);
	return n;
}

int main(int argc, char **argv)
{
	int p[2], n;
	char buf[128];
	struct stat st;

	if (argc > 1 && strcmp(argv[1], "sigpipe") == 0) {
		/* default SIGPIPE: the write kills the program */
		pipe(p);
		close(p[0]);
		write(p[1], "x", 1);
		printf("still alive\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(big, 'z', sizeof(big));

	/* round trip */
	show("pipe", pipe(p));
	show("write", write(p[1], "hello, pipe", 11));
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD: %d\n", n);
	show("read 5", read(p[0], buf, 5));
	show("read rest", read(p[0], buf + 5, sizeof(buf) - 5));
	printf("data: %.11s\n", buf);
	show("F_GETFL read end", fcntl(p[0], F_GETFL));
	show("F_GETFL write end", fcntl(p[1], F_GETFL));
	show("write to read end", write(p[0], "x", 1));
	show("read from write end", read(p[1], buf, 1));
	show("lseek", lseek(p[0], 0, SEEK_SET));
	fstat(p[0], &st);
	printf("fstat: fifo %d mode %o size %ld\n", S_ISFIFO(st.st_mode), st.st_mode & 07777,
	       (long)st.st_size);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", p[0]);
	char link[64] = "";
	readlink(buf, link, sizeof(link) - 1);
	printf("link starts with pipe:[ %d\n", strncmp(link, "pipe:[", 6) == 0);
	show("write 3", write(p[1], "abc", 3));
	show("close write end", close(p[1]));
	show("read after close", read(p[0], buf, sizeof(buf)));
	show("read at EOF", read(p[0], buf, sizeof(buf)));
	close(p[0]);

	/* no reader */
	pipe(p);
	close(p[0]);
	show("write without reader", write(p[1], "x", 1));
	close(p[1]);

	/* nonblocking */
	pipe2(p, O_NONBLOCK | O_CLOEXEC);
	show("F_GETFD cloexec", fcntl(p[0], F_GETFD));
	show("nonblocking read of empty pipe", read(p[0], buf, 1));
	close(p[0]);
	close(p[1]);
	show("capacity, 1-byte writes", fill_fresh(1));
	show("capacity, 4096-byte writes", fill_fresh(4096));
	show("capacity, 1000-byte writes", fill_fresh(1000));
	show("capacity, 5000-byte writes", fill_fresh(5000));

	/* partial write: 60000 bytes in, then 20000 more fit only in part */
	pipe2(p, O_NONBLOCK);
	show("write 60000", write(p[1], big, 60000));
	show("write 20000 (partial)", write(p[1], big, 20000));
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD: %d\n", n);
	close(p[0]);
	close(p[1]);

	/* PIPE_BUF atomicity: 96 bytes are free in the last page, 200 do not fit */
	pipe2(p, O_NONBLOCK);
	show("write 65440", write(p[1], big, 65440));
	show("write 200 (atomic)", write(p[1], big, 200));
	show("write 96", write(p[1], big, 96));
	show("write 1", write(p[1], big, 1));
	show("read 4096", read(p[0], big, 4096));
	show("write 200 now", write(p[1], big, 200));
	/* a blocking pipe: F_SETFL off and on again */
	show("F_SETFL", fcntl(p[1], F_SETFL, 0));
	show("F_GETFL", fcntl(p[1], F_GETFL));
	close(p[0]);
	close(p[1]);

	/* packet mode */
	show("pipe2 O_DIRECT", pipe2(p, O_DIRECT));
	write(p[1], "abc", 3);
	write(p[1], "defg", 4);
	show("packet read 100", read(p[0], buf, 100));
	show("packet read 2", read(p[0], buf, 2));
	printf("packet data: %.2s\n", buf);
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD after packets: %d\n", n);
	close(p[0]);
	close(p[1]);

	show("pipe2 bad flags", pipe2(p, O_APPEND));
	show("pipe bad pointer", pipe(bad_pointer));
	return 0;
}
