/* rwv2.c: preadv2 and pwritev2: offset -1 as the file position, explicit
 * offsets, RWF_APPEND, RWF_DSYNC/RWF_SYNC/RWF_HIPRI, RWF_NOWAIT on an
 * empty pipe or socket (EAGAIN; a tmpfs file has no
 * FMODE_NOWAIT: EOPNOTSUPP), and the errors. */
#include "abi.h"
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifndef RWF_HIPRI
#define RWF_HIPRI 1
#define RWF_DSYNC 2
#define RWF_SYNC 4
#define RWF_NOWAIT 8
#define RWF_APPEND 16
#endif

static long prv2(int fd, struct iovec *v, int n, long off, int fl)
{
	return syscall(SYS_preadv2, fd, v, n, off, 0, fl);
}

static long pwv2(int fd, struct iovec *v, int n, long off, int fl)
{
	return syscall(SYS_pwritev2, fd, v, n, off, 0, fl);
}

static char a[8], b[8];
static struct iovec rv[2] = { { a, 3 }, { b, 4 } };

static void show(long r)
{
	if (r >= 0)
		printf("  [%.*s|%.*s]\n", r > 3 ? 3 : (int)r, a, r > 3 ? (int)r - 3 : 0, b);
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "0123456789");
	int fd = R(open("f", O_RDWR));
	show(R(prv2(fd, rv, 2, 2, 0)));
	R(lseek(fd, 0, SEEK_CUR));
	show(R(prv2(fd, rv, 2, -1, 0)));
	R(lseek(fd, 0, SEEK_CUR));
	R(prv2(fd, rv, 2, -1, RWF_HIPRI | RWF_NOWAIT));
	show(R(prv2(fd, rv, 2, -1, RWF_HIPRI)));
	R(lseek(fd, 0, SEEK_CUR));
	show(R(prv2(fd, rv, 2, 0, RWF_APPEND | RWF_DSYNC | RWF_SYNC)));
	R(prv2(fd, rv, 2, -2, 0));
	R(prv2(fd, rv, 2, 0, 0x1000));
	R(prv2(fd, rv, 2, -1, 0x40000000));
	R(prv2(99, rv, 2, 0, 0));
	R(prv2(99, rv, 2, 0, 0x1000));

	char w1[] = "AB", w2[] = "CDE";
	struct iovec wv[2] = { { w1, 2 }, { w2, 3 } };
	R(lseek(fd, 1, SEEK_SET));
	R(pwv2(fd, wv, 2, -1, 0));
	R(lseek(fd, 0, SEEK_CUR));
	R(pwv2(fd, wv, 2, 8, RWF_DSYNC));
	R(lseek(fd, 0, SEEK_CUR));
	R(pwv2(fd, wv, 1, 0, RWF_APPEND));
	R(lseek(fd, 0, SEEK_CUR));
	R(pwv2(fd, wv, 1, -1, RWF_APPEND | RWF_SYNC | RWF_HIPRI));
	R(lseek(fd, 0, SEEK_CUR));
	R(pwv2(fd, wv, 1, -1, 0x1000));
	char all[32] = "";
	R(pread(fd, all, sizeof(all), 0));
	printf("  %s\n", all);
	int ro = R(open("f", O_RDONLY));
	R(pwv2(ro, wv, 1, 0, 0));
	R(pwv2(ro, wv, 1, 0, 0x1000));
	R(prv2(ro, NULL, 1, 0, 0));

	int p[2];
	R(pipe(p));
	R(prv2(p[0], rv, 2, -1, RWF_NOWAIT));
	R(prv2(p[0], rv, 2, 0, 0));
	R(pwv2(p[1], wv, 2, -1, RWF_NOWAIT));
	show(R(prv2(p[0], rv, 2, -1, RWF_NOWAIT)));
	R(prv2(p[0], rv, 2, -1, RWF_NOWAIT));
	R(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	R(pwv2(p[1], wv, 2, -1, 0x1000));
	close(p[1]);
	R(prv2(p[0], rv, 2, -1, RWF_NOWAIT));
	int sv[2];
	R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	R(prv2(sv[0], rv, 2, -1, RWF_NOWAIT));
	R(pwv2(sv[1], wv, 2, -1, RWF_NOWAIT));
	show(R(prv2(sv[0], rv, 2, -1, RWF_NOWAIT)));
	R(prv2(sv[0], rv, 2, 0, RWF_NOWAIT));
	return 0;
}
