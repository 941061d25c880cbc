/* splice.c: splice between a file and a pipe both ways (with and without
 * offsets), pipe to pipe, tee, vmsplice both ways, SPLICE_F_NONBLOCK, and
 * the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/uio.h>

static void drain(int fd)
{
	char buf[128];
	long n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("drain: %s\n", abi_errname(errno));
		return;
	}
	buf[n] = 0;
	printf("drain: %ld '%s'\n", n, buf);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	abi_put("src", "0123456789abcdef");
	int in = R(open("src", O_RDONLY));
	int p[2], q[2];
	R(pipe(p));
	R(pipe(q));
	/* file -> pipe, from the file position, then at an offset */
	R(splice(in, NULL, p[1], NULL, 4, 0));
	R(lseek(in, 0, SEEK_CUR));
	loff_t off = 10;
	R(splice(in, &off, p[1], NULL, 3, 0));
	printf("off = %ld\n", (long)off);
	R(lseek(in, 0, SEEK_CUR));
	/* pipe -> pipe, then tee (copies without consuming) */
	R(splice(p[0], NULL, q[1], NULL, 5, 0));
	R(tee(q[0], p[1], 100, 0));
	drain(q[0]);
	/* pipe -> file at an offset and at the position */
	int out = R(open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644));
	R(write(p[1], "XYZ", 3));
	off = 2;
	R(splice(p[0], NULL, out, &off, 3, 0));
	printf("off = %ld\n", (long)off);
	R(splice(p[0], NULL, out, NULL, 100, 0));
	R(lseek(out, 0, SEEK_CUR));
	char buf[64] = { 0 };
	R(pread(out, buf, sizeof(buf) - 1, 0));
	for (int i = 0; i < 16; i++)
		putchar(buf[i] ? buf[i] : '.');
	putchar('\n');
	/* past the end of the file: 0 */
	off = 100;
	R(splice(in, &off, p[1], NULL, 10, 0));
	/* empty pipe, nonblocking */
	R(splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK));
	R(tee(p[0], q[1], 10, SPLICE_F_NONBLOCK));
	/* vmsplice: user memory into a pipe, and out of one */
	struct iovec v[2] = { { "vm", 2 }, { "splice", 6 } };
	R(vmsplice(p[1], v, 2, 0));
	char x[3] = { 0 }, y[6] = { 0 };
	struct iovec r[2] = { { x, 2 }, { y, 5 } };
	R(vmsplice(p[0], r, 2, 0));
	printf("vmsplice read: %s %s\n", x, y);
	drain(p[0]);
	R(vmsplice(p[0], r, 2, SPLICE_F_NONBLOCK));
	R(vmsplice(p[1], v, 0, 0));
	/* a pipe whose writers are gone gives 0 */
	R(close(q[1]));
	R(splice(q[0], NULL, out, NULL, 10, 0));
	R(tee(q[0], p[1], 10, 0));
	/* errors */
	R(splice(in, NULL, out, NULL, 10, 0));
	R(splice(p[0], &off, out, NULL, 10, 0));
	R(splice(in, NULL, p[1], &off, 10, 0));
	R(splice(p[0], NULL, p[1], NULL, 10, 0));
	R(splice(p[1], NULL, out, NULL, 10, 0));
	R(splice(99, NULL, p[1], NULL, 10, 0));
	R(splice(in, NULL, p[1], NULL, 10, 0x100));
	R(splice(in, NULL, p[1], NULL, 0, 0));
	off = -1;
	R(splice(in, &off, p[1], NULL, 10, 0));
	int ap = R(open("dst", O_WRONLY | O_APPEND));
	R(write(p[1], "z", 1));
	R(splice(p[0], NULL, ap, NULL, 10, 0));
	R(tee(in, p[1], 10, 0));
	R(tee(p[0], p[1], 10, 0));
	R(vmsplice(in, v, 1, 0));
	R(vmsplice(99, v, 1, 0));
	int d = R(open(".", O_RDONLY | O_DIRECTORY));
	R(splice(d, NULL, p[1], NULL, 10, 0));
	/* the reader gone: EPIPE */
	R(close(p[0]));
	R(splice(in, NULL, p[1], NULL, 10, 0));
	return 0;
}
