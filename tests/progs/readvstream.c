/* readvstream.c: readv and writev on streams: a pipe read fills what one
 * read gives (no wait for the next vector), empty vectors, an eventfd read
 * in two halves, a nonblocking writev larger than the pipe, EOF. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <sys/eventfd.h>
#include <unistd.h>
static char big[200000], in[200000];
int main(void)
{
	int p[2];
	char a[4], b[8], c[3];
	pipe(p);
	write(p[1], "abcd", 4);
	struct iovec v[2] = { { a, 4 }, { b, 8 } };
	printf("readv pipe, first part full: %zd\n", readv(p[0], v, 2));
	write(p[1], "0123456789", 10);
	struct iovec v3[4] = { { a, 4 }, { NULL, 0 }, { c, 3 }, { b, 8 } };
	ssize_t n = readv(p[0], v3, 4);
	printf("readv 3 parts: %zd %.4s %.3s %.3s\n", n, a, c, b);
	struct iovec wv[3] = { { "he", 2 }, { "", 0 }, { "llo", 3 } };
	printf("writev: %zd\n", writev(p[1], wv, 3));
	n = read(p[0], b, 8);
	printf("read back %zd %.5s\n", n, b);
	int e = eventfd(5, 0);
	uint32_t lo, hi;
	struct iovec w[2] = { { &lo, 4 }, { &hi, 4 } };
	printf("readv eventfd: %zd %u %u\n", readv(e, w, 2), lo, hi);
	/* nonblocking writev bigger than the pipe: partial */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	memset(big, 'x', sizeof(big));
	struct iovec bv[2] = { { big, 100000 }, { big + 100000, 100000 } };
	printf("big nonblocking writev: %zd\n", writev(p[1], bv, 2));
	struct iovec rv[2] = { { in, 70000 }, { in + 70000, 70000 } };
	printf("big readv: %zd\n", readv(p[0], rv, 2));
	close(p[1]);
	printf("readv at EOF: %zd\n", readv(p[0], rv, 2));
	printf("writev on read end: %zd\n", writev(p[0], wv, 3));
	return 0;
}
