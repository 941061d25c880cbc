/* process_vm.c: process_vm_readv and process_vm_writev on a child:
 * scattered local and remote vectors, a partial transfer that stops at an
 * unmapped remote page, a read-only remote page (EFAULT for a write),
 * ESRCH, EINVAL (flags, too many iovecs), EFAULT, and EPERM for a
 * non-root caller reading root's process. */
#include "abi.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

static char data[64] = "the quick brown fox jumps over the lazy dog";

static long rd(int pid, struct iovec *l, int ln, struct iovec *r, int rn, unsigned long fl)
{
	return syscall(SYS_process_vm_readv, pid, l, ln, r, rn, fl);
}

static long wr(int pid, struct iovec *l, int ln, struct iovec *r, int rn, unsigned long fl)
{
	return syscall(SYS_process_vm_writev, pid, l, ln, r, rn, fl);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	long pg = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(two, 'p', pg);
	munmap(two + pg, pg);
	int go[2], done[2];
	R(pipe(go));
	R(pipe(done));
	int child = fork();
	if (child == 0) {
		memcpy(data, "THE QUICK", 9);
		memset(two, 'c', pg);
		write(done[1], "r", 1);
		char c;
		read(go[0], &c, 1);
		/* the parent wrote into us: report it */
		write(done[1], data, 20);
		_exit(0);
	}
	char c;
	R(read(done[0], &c, 1));

	char a[5] = "", b[12] = "";
	struct iovec l[2] = { { a, 4 }, { b, 11 } };
	struct iovec r[2] = { { data, 10 }, { data + 20, 5 } };
	R(rd(child, l, 2, r, 2, 0));
	printf("  [%s|%s]\n", a, b);
	R(rd(child, l, 2, r, 2, 1));
	R(rd(0x3fffffff, l, 2, r, 2, 0));
	R(rd(child, l, 2, r, 0, 0));
	R(rd(child, l, 0, r, 2, 0));
	R(rd(child, l, 2, r, 2000, 0));
	R(rd(child, l, 2, NULL, 2, 0));
	R(rd(child, NULL, 2, r, 2, 0));
	struct iovec bad = { (void *)16, 4 };
	R(rd(child, l, 1, &bad, 1, 0));
	R(rd(child, &bad, 1, r, 1, 0));
	struct iovec huge = { data, (size_t)-1 };
	R(rd(child, l, 1, &huge, 1, 0));

	/* across the end of the mapping: the first page only */
	char *big = malloc(2 * pg);
	struct iovec lb = { big, 2 * pg }, rb = { two + pg - 8, 16 };
	R(rd(child, &lb, 1, &rb, 1, 0));
	printf("  %.8s\n", big);
	rb.iov_base = two;
	rb.iov_len = 2 * pg;
	R(rd(child, &lb, 1, &rb, 1, 0) == pg);
	struct iovec r2[2] = { { two + pg, 4 }, { data, 4 } };
	R(rd(child, &lb, 1, r2, 2, 0));

	/* writes */
	char w1[] = "slow", w2[] = "RED";
	struct iovec lw[2] = { { w1, 4 }, { w2, 3 } };
	struct iovec rw[1] = { { data + 4, 7 } };
	R(wr(child, lw, 2, rw, 1, 0));
	struct iovec rro = { ro, 4 };
	R(wr(child, lw, 1, &rro, 1, 0));
	R(wr(child, lw, 1, &bad, 1, 0));
	R(wr(child, lw, 2, rw, 1, 2));
	R(write(go[1], "g", 1));
	char got[21] = "";
	R(read(done[0], got, 20));
	printf("  %s\n", got);
	int st;
	R(waitpid(child, &st, 0) == child);
	R(rd(child, l, 2, r, 2, 0));

	/* a non-root child may not read its root parent */
	int parent = getpid();
	child = fork();
	if (child == 0) {
		if (setresuid(1000, 1000, 1000) != 0)
			_exit(99);
		errno = 0;
		long n = rd(parent, l, 2, r, 2, 0);
		_exit(n < 0 ? errno : 100);
	}
	R(waitpid(child, &st, 0) == child);
	printf("  child: %s\n", abi_errname(WEXITSTATUS(st)));
	/* ourselves */
	R(rd(getpid(), l, 2, r, 2, 0));
	printf("  [%s|%s]\n", a, b);
	return 0;
}
