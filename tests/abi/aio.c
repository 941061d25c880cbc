/* aio.c: Linux AIO by raw system calls (no libaio): io_setup's ring as
 * the program sees it (magic, features, header length, head and tail),
 * reads, writes, vectors, fsync and fdatasync on a file with their
 * events, an eventfd signalled by IOCB_FLAG_RESFD, reaping from the ring
 * in user space, IOCB_CMD_POLL (ready at once, later, cancelled),
 * io_getevents' timeout and EINTR, io_pgetevents, io_cancel
 * of a completed request, io_destroy unmapping the ring, and the errors
 * (bad context, nr_events, iocb pointers, descriptors, opcodes, flags). */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

/* <linux/aio_abi.h>'s (musl has no kernel headers) */
typedef unsigned long aio_context_t;
enum {
	IOCB_CMD_PREAD,
	IOCB_CMD_PWRITE,
	IOCB_CMD_FSYNC,
	IOCB_CMD_FDSYNC,
	IOCB_CMD_POLL = 5,
	IOCB_CMD_PREADV = 7,
	IOCB_CMD_PWRITEV
};
#define IOCB_FLAG_RESFD 1u
struct io_event {
	uint64_t data, obj;
	int64_t res, res2;
};
struct iocb {
	uint64_t aio_data;
	uint32_t aio_key, aio_rw_flags;
	uint16_t aio_lio_opcode;
	int16_t aio_reqprio;
	uint32_t aio_fildes;
	uint64_t aio_buf, aio_nbytes;
	int64_t aio_offset;
	uint64_t aio_reserved2;
	uint32_t aio_flags, aio_resfd;
};

struct ring {
	unsigned id, nr, head, tail;
	unsigned magic, compat_features, incompat_features, header_length;
	struct io_event ev[];
};

static long setup(unsigned n, aio_context_t *c) { return syscall(SYS_io_setup, n, c); }
static long submit(aio_context_t c, long n, struct iocb **v)
{
	return syscall(SYS_io_submit, c, n, v);
}
static long getev(aio_context_t c, long min, long n, struct io_event *e, struct timespec *t)
{
	return syscall(SYS_io_getevents, c, min, n, e, t);
}

static struct iocb cb[8];
static struct iocb *cbp[8];

static void prep(int i, int op, int fd, void *buf, size_t n, long off)
{
	memset(&cb[i], 0, sizeof(cb[i]));
	cb[i].aio_data = 100 + (unsigned)i;
	cb[i].aio_lio_opcode = (unsigned short)op;
	cb[i].aio_fildes = (unsigned)fd;
	cb[i].aio_buf = (uintptr_t)buf;
	cb[i].aio_nbytes = n;
	cb[i].aio_offset = off;
	cbp[i] = &cb[i];
}

/* Prints n events in the order of their data (Linux completes an fsync
 * after a read submitted with it). */
static void show(struct io_event *e, long n)
{
	for (long i = 1; i < n; i++)
		for (long j = i; j > 0 && e[j - 1].data > e[j].data; j--) {
			struct io_event t = e[j];
			e[j] = e[j - 1];
			e[j - 1] = t;
		}
	for (long i = 0; i < n; i++)
		printf("event data %llu iocb %ld res %lld res2 %lld\n",
		       (unsigned long long)e[i].data, (long)((struct iocb *)e[i].obj - cb),
		       (long long)e[i].res, (long long)e[i].res2);
}

static void on_alarm(int s) { (void)s; }

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	aio_context_t ctx = 0, bad = 0;
	struct io_event ev[8];
	struct timespec zero = { 0, 0 }, short_ts = { 0, 50000000 };

	R(setup(0, &ctx));
	R(setup(65537, &ctx));
	R(setup(8, (aio_context_t *)8));
	bad = 1;
	R(setup(8, &bad));
	R(setup(16, &ctx));
	struct ring *r = (struct ring *)ctx;
	printf("magic %#x compat %u incompat %u header %u head %u tail %u\n", r->magic,
	       r->compat_features, r->incompat_features, r->header_length, r->head, r->tail);
	SAY(r->nr >= 16);

	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char wbuf[] = "hello world", rbuf[32] = { 0 };
	prep(0, IOCB_CMD_PWRITE, fd, wbuf, 11, 0);
	R(submit(ctx, 1, cbp));
	SAY(r->tail != r->head);
	R(getev(ctx, 1, 8, ev, NULL));
	show(ev, 1);
	SAY(ev[0].obj == (uintptr_t)&cb[0]);
	SAY(r->tail == r->head);
	prep(0, IOCB_CMD_PREAD, fd, rbuf, 5, 6);
	R(submit(ctx, 1, cbp));
	R(getev(ctx, 1, 8, ev, NULL));
	show(ev, 1);
	printf("read \"%s\"\n", rbuf);

	/* vectors, fsync and fdatasync in one submission */
	char a[] = "ABC", b[] = "defg", c1[4] = { 0 }, c2[5] = { 0 };
	struct iovec wv[2] = { { a, 3 }, { b, 4 } }, rv[2] = { { c1, 3 }, { c2, 4 } };
	prep(0, IOCB_CMD_PWRITEV, fd, wv, 2, 20);
	prep(1, IOCB_CMD_FSYNC, fd, NULL, 0, 0);
	prep(2, IOCB_CMD_PREADV, fd, rv, 2, 20);
	prep(3, IOCB_CMD_FDSYNC, fd, NULL, 0, 0);
	prep(4, IOCB_CMD_PREAD, fd, rbuf, 32, 100); /* past the end */
	R(submit(ctx, 5, cbp));
	R(getev(ctx, 5, 8, ev, NULL));
	show(ev, 5);
	printf("readv \"%s\" \"%s\"\n", c1, c2);

	/* reaping in user space, as libaio does */
	prep(0, IOCB_CMD_PREAD, fd, rbuf, 3, 0);
	R(submit(ctx, 1, cbp));
	SAY((r->tail - r->head + r->nr) % r->nr == 1);
	show(&r->ev[r->head], 1);
	r->head = (r->head + 1) % r->nr;
	R(getev(ctx, 0, 8, ev, &zero));
	R(getev(ctx, 1, 8, ev, &short_ts));
	R(syscall(SYS_io_pgetevents, ctx, 1, 8, ev, &zero, NULL));

	/* an eventfd told of each completion */
	int efd = eventfd(0, EFD_NONBLOCK);
	prep(0, IOCB_CMD_PREAD, fd, rbuf, 2, 0);
	cb[0].aio_flags = IOCB_FLAG_RESFD;
	cb[0].aio_resfd = (unsigned)efd;
	prep(1, IOCB_CMD_PREAD, fd, rbuf, 2, 0);
	cb[1].aio_flags = IOCB_FLAG_RESFD;
	cb[1].aio_resfd = (unsigned)efd;
	R(submit(ctx, 2, cbp));
	uint64_t cnt = 0;
	R(read(efd, &cnt, 8));
	printf("eventfd %llu\n", (unsigned long long)cnt);
	R(getev(ctx, 2, 8, ev, NULL));
	show(ev, 2);

	/* polls: ready now, ready later (a child writes), cancelled */
	int pfd[2];
	pipe(pfd);
	prep(0, IOCB_CMD_POLL, pfd[1], NULL, 0, 0);
	cb[0].aio_buf = POLLOUT;
	R(submit(ctx, 1, cbp));
	show(ev, R(getev(ctx, 1, 8, ev, NULL)));
	prep(0, IOCB_CMD_POLL, pfd[0], NULL, 0, 0);
	cb[0].aio_buf = POLLIN;
	R(submit(ctx, 1, cbp));
	R(getev(ctx, 1, 8, ev, &zero));
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		write(pfd[1], "x", 1);
		_exit(0);
	}
	show(ev, R(getev(ctx, 1, 8, ev, NULL)));
	waitpid(pid, NULL, 0);
	read(pfd[0], rbuf, 1);
	prep(0, IOCB_CMD_POLL, pfd[0], NULL, 0, 0);
	cb[0].aio_buf = POLLIN;
	R(submit(ctx, 1, cbp));
	R(syscall(SYS_io_cancel, ctx, &cb[0], &ev[0]));
	show(ev, R(getev(ctx, 1, 8, ev, NULL)));
	prep(0, IOCB_CMD_POLL, pfd[0], NULL, 1, 0);
	R(submit(ctx, 1, cbp));

	/* io_cancel finds nothing in flight */
	R(syscall(SYS_io_cancel, ctx, &cb[0], &ev[0]));
	R(syscall(SYS_io_cancel, ctx, (struct iocb *)8, &ev[0]));
	R(syscall(SYS_io_cancel, ctx + 4096, &cb[0], &ev[0]));

	/* errors */
	prep(0, IOCB_CMD_PREAD, fd, rbuf, 2, 0);
	R(submit(ctx + 4096, 1, cbp));
	R(submit(ctx, -1, cbp));
	R(submit(ctx, 0, cbp));
	R(submit(ctx, 1, (struct iocb **)8));
	struct iocb *badp[1] = { (struct iocb *)8 };
	R(submit(ctx, 1, badp));
	prep(1, IOCB_CMD_PREAD, 99, rbuf, 2, 0);
	R(submit(ctx, 1, cbp + 1));
	R(submit(ctx, 2, cbp)); /* the first goes in */
	prep(1, 99, fd, rbuf, 2, 0);
	R(submit(ctx, 1, cbp + 1));
	prep(1, IOCB_CMD_PREAD, fd, rbuf, 2, 0);
	cb[1].aio_reserved2 = 1;
	R(submit(ctx, 1, cbp + 1));
	prep(1, IOCB_CMD_PREAD, fd, rbuf, 2, 0);
	cb[1].aio_rw_flags = 0x1000;
	R(submit(ctx, 1, cbp + 1));
	prep(1, IOCB_CMD_PREAD, fd, rbuf, 2, 0);
	cb[1].aio_flags = IOCB_FLAG_RESFD;
	cb[1].aio_resfd = (unsigned)fd;
	R(submit(ctx, 1, cbp + 1));
	prep(1, IOCB_CMD_FSYNC, fd, rbuf, 2, 0);
	R(submit(ctx, 1, cbp + 1));
	int wo = open("f", O_WRONLY);
	prep(1, IOCB_CMD_PREAD, wo, rbuf, 2, 0);
	R(submit(ctx, 1, cbp + 1));
	prep(1, IOCB_CMD_PREAD, fd, (void *)8, 2, 0);
	R(submit(ctx, 1, cbp + 1));
	prep(1, IOCB_CMD_PREAD, fd, rbuf, 2, -1);
	R(submit(ctx, 1, cbp + 1));
	show(ev, R(getev(ctx, 1, 8, ev, NULL)));
	R(getev(ctx + 4096, 1, 8, ev, &zero));
	R(getev(ctx, 2, 1, ev, &zero));
	R(getev(ctx, -1, 1, ev, &zero));
	R(getev(ctx, 1, 8, ev, (struct timespec *)8));

	/* a signal ends a wait */
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	R(getev(ctx, 1, 8, ev, NULL));

	R(syscall(SYS_io_destroy, ctx));
	R(msync(r, 4096, MS_ASYNC));
	R(syscall(SYS_io_destroy, ctx));
	R(submit(ctx, 1, cbp));
	return 0;
}
