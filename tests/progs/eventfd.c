/* eventfd.c: the eventfd counter and semaphore modes, nonblocking
 * EAGAIN, the counter's limits, poll readiness, fstat and /proc/self/fd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include "show.h"

static void rd(int fd, const char *what)
{
	uint64_t v = 0;
	ssize_t r = read(fd, &v, sizeof(v));
	if (r < 0)
		show(what, r);
	else
		printf("%s: %ld value %llu\n", what, (long)r, (unsigned long long)v);
}

static void wr(int fd, uint64_t v, const char *what) { show(what, write(fd, &v, sizeof(v))); }

static void pollfd_show(int fd, const char *what)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	int r = poll(&p, 1, 0);
	printf("%s: %d revents %#x\n", what, r, p.revents);
}

int main(void)
{
	char buf[64], link[64] = "";
	struct stat st;

	int fd = eventfd(5, EFD_NONBLOCK);
	show("eventfd", fd >= 0 ? 0 : -1);
	pollfd_show(fd, "poll with 5");
	rd(fd, "read");
	rd(fd, "read empty");
	pollfd_show(fd, "poll with 0");
	wr(fd, 3, "write 3");
	wr(fd, 4, "write 4");
	rd(fd, "read sum");
	wr(fd, UINT64_MAX, "write 2^64-1");
	wr(fd, UINT64_MAX - 1, "write 2^64-2");
	pollfd_show(fd, "poll at the ceiling");
	wr(fd, 1, "write 1 more");
	wr(fd, 0, "write 0");
	rd(fd, "read all");
	show("read 4 bytes", read(fd, buf, 4));
	show("write 4 bytes", write(fd, buf, 4));
	show("F_GETFL", fcntl(fd, F_GETFL));
	fstat(fd, &st);
	printf("fstat: mode %o size %ld\n", st.st_mode, (long)st.st_size);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	readlink(buf, link, sizeof(link) - 1);
	printf("link: %s\n", link);
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	show("F_GETFD", fcntl(fd, F_GETFD));
	rd(fd, "semaphore read 1");
	rd(fd, "semaphore read 2");
	rd(fd, "semaphore read 3");
	rd(fd, "semaphore read 4");
	wr(fd, 2, "semaphore write 2");
	rd(fd, "semaphore read 5");
	close(fd);

	/* blocking: the counter is nonzero, so read does not wait */
	fd = eventfd(7, 0);
	rd(fd, "blocking read");
	close(fd);

	/* anonymous inodes: all the same one */
	int a = eventfd(0, 0), b = eventfd(0, 0);
	struct stat sb;
	fstat(a, &st);
	fstat(b, &sb);
	printf("two eventfds, one inode: %d\n", st.st_ino == sb.st_ino && st.st_dev == sb.st_dev);

	show("eventfd bad flags", eventfd(0, 0x10));
	return 0;
}
