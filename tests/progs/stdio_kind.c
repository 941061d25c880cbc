/* stdio_kind.c: what the program's standard input and output are, as a
 * program that changes its ways on a terminal sees them (isatty, the
 * terminal ioctls, /dev/tty), then reads stdin to its end and prints how
 * many bytes came, their sum, and what a read and poll say at the end. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static const char *err(int r) { return r < 0 ? strerror(errno) : "ok"; }

int main(void)
{
	struct termios t;
	struct winsize ws;
	printf("isatty: %d %d %d\n", isatty(0), isatty(1), isatty(2));
	printf("tcgetattr(0): %s\n", err(tcgetattr(0, &t)));
	printf("TIOCGWINSZ(1): %s\n", err(ioctl(1, TIOCGWINSZ, &ws)));
	int fd = open("/dev/tty", O_RDWR);
	printf("open /dev/tty: %s\n", err(fd));
	unsigned char buf[4096];
	unsigned long n = 0, sum = 0;
	ssize_t r;
	while ((r = read(0, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++, n++)
			sum = sum * 31 + buf[i];
	printf("read %lu bytes, sum %lu, last read %zd\n", n, sum, r);
	printf("read again: %zd\n", read(0, buf, sizeof(buf)));
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int k = poll(&p, 1, 0);
	printf("poll: %d, in %d, hup %d\n", k, !!(p.revents & POLLIN), !!(p.revents & POLLHUP));
	return 0;
}
