/* userfaultfd.c: page faults handled by the program: a handler thread
 * reads the main thread's missing-page faults (UFFD_EVENT_PAGEFAULT, the
 * write flag, the exact address and the thread id) and fills the pages
 * with UFFDIO_COPY (DONTWAKE then UFFDIO_WAKE too) and UFFDIO_ZEROPAGE,
 * a fault taken by the kernel (read() into a registered page) included;
 * closing the descriptor wakes a faulting thread (epoll saw it), the area
 * then faulting as usual; UFFD_USER_MODE_ONLY and UFFD_FEATURE_SIGBUS;
 * fork does not inherit the registration; shared anonymous memory (a
 * page the object has is no fault); a userfaultfd whose address space is
 * gone (ESRCH); /dev/userfaultfd; who may make one; and the errors of
 * each ioctl (EINVAL, EFAULT, EEXIST, ENOENT, EBUSY, EAGAIN). */
#include "abi.h"
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/auxv.h>

/* <linux/userfaultfd.h>, which musl has not */
struct uffdio_api {
	uint64_t api, features, ioctls;
};
struct uffdio_range {
	uint64_t start, len;
};
struct uffdio_register {
	struct uffdio_range range;
	uint64_t mode, ioctls;
};
struct uffdio_copy {
	uint64_t dst, src, len, mode;
	int64_t copy;
};
struct uffdio_zeropage {
	struct uffdio_range range;
	uint64_t mode;
	int64_t zeropage;
};
struct uffd_msg {
	uint8_t event, reserved1;
	uint16_t reserved2;
	uint32_t reserved3;
	uint64_t flags, address;
	uint32_t ptid, pad;
} __attribute__((packed));

#define UFFD_API 0xaa
#define UFFD_USER_MODE_ONLY 1
#define UFFD_EVENT_PAGEFAULT 0x12
#define UFFD_PAGEFAULT_FLAG_WRITE 1
#define UFFD_FEATURE_MISSING_SHMEM (1 << 5)
#define UFFD_FEATURE_SIGBUS (1 << 7)
#define UFFD_FEATURE_THREAD_ID (1 << 8)
#define UFFD_FEATURE_EXACT_ADDRESS (1 << 11)
#define MODE_MISSING 1
#define COPY_DONTWAKE 1
#define IOC(dir, nr, size) (((unsigned long)(dir) << 30) | ((size) << 16) | (0xaa << 8) | (nr))
#define UFFDIO_API IOC(3, 0x3f, 24)
#define UFFDIO_REGISTER IOC(3, 0x00, 32)
#define UFFDIO_UNREGISTER IOC(2, 0x01, 16)
#define UFFDIO_WAKE IOC(2, 0x02, 16)
#define UFFDIO_COPY IOC(3, 0x03, 40)
#define UFFDIO_ZEROPAGE IOC(3, 0x04, 32)
/* what htux claims: the test looks at these bits only */
#define OUR_FEATURES \
	(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_SIGBUS | UFFD_FEATURE_THREAD_ID | \
	 UFFD_FEATURE_EXACT_ADDRESS)
#define OUR_IOCTLS ((1ull << 2) | (1ull << 3) | (1ull << 4)) /* WAKE, COPY, ZEROPAGE */

#define PG 4096
#define NPAGES 8

static int ufd;
static char *area;
static pid_t main_tid;
static char src[2 * PG];

static int uffd_open(int flags) { return (int)syscall(SYS_userfaultfd, flags); }

static long api(int fd, uint64_t features)
{
	struct uffdio_api a = { .api = UFFD_API, .features = features };
	return ioctl(fd, UFFDIO_API, &a);
}

static long reg(int fd, void *p, size_t len)
{
	struct uffdio_register r = { .range = { (uintptr_t)p, len }, .mode = MODE_MISSING };
	long e = ioctl(fd, UFFDIO_REGISTER, &r);
	if (e == 0)
		printf("  range ioctls %llx\n", (unsigned long long)(r.ioctls & OUR_IOCTLS));
	return e;
}

static long unreg(int fd, void *p, size_t len)
{
	struct uffdio_range r = { (uintptr_t)p, len };
	return ioctl(fd, UFFDIO_UNREGISTER, &r);
}

static int64_t copy_res;
static long copy(int fd, void *dst, const void *from, size_t len, uint64_t mode)
{
	struct uffdio_copy c = { (uintptr_t)dst, (uintptr_t)from, len, mode, 12345 };
	long e = ioctl(fd, UFFDIO_COPY, &c);
	copy_res = c.copy;
	return e;
}

static long zero(int fd, void *dst, size_t len, uint64_t mode)
{
	struct uffdio_zeropage z = { { (uintptr_t)dst, len }, mode, 12345 };
	long e = ioctl(fd, UFFDIO_ZEROPAGE, &z);
	copy_res = z.zeropage;
	return e;
}

static long wake(int fd, void *p, size_t len)
{
	struct uffdio_range r = { (uintptr_t)p, len };
	return ioctl(fd, UFFDIO_WAKE, &r);
}

/* What the handler saw, printed by the main thread afterwards. */
static char seen[4][128];

static void *handler(void *arg)
{
	for (int i = 0; i < 4; i++) {
		struct pollfd p = { .fd = ufd, .events = POLLIN };
		int n = poll(&p, 1, 10000);
		struct uffd_msg m;
		long r = read(ufd, &m, sizeof(m));
		if (n != 1 || r != sizeof(m)) {
			snprintf(seen[i], sizeof(seen[i]), "poll %d revents %x read %ld", n,
				 p.revents, r);
			continue;
		}
		long off = (long)(m.address - (uintptr_t)area);
		char *page = area + (off / PG) * PG;
		long e;
		switch (off / PG) {
		case 0: e = copy(ufd, page, src, PG, 0); break;
		case 1: e = zero(ufd, page, PG, 0); break;
		case 2:
			e = copy(ufd, page, src + PG, PG, COPY_DONTWAKE);
			if (e == 0)
				e = wake(ufd, page, PG);
			break;
		default: e = copy(ufd, page, src, PG, 0); break;
		}
		snprintf(seen[i], sizeof(seen[i]),
			 "event %x flags %llx offset %#lx ptid main %d, filled %ld res %lld",
			 m.event, (unsigned long long)m.flags, off, m.ptid == (uint32_t)main_tid, e,
			 (long long)copy_res);
	}
	return NULL;
}

static char *faulter_at;
static volatile char faulter_got;
static void *faulter(void *arg)
{
	faulter_got = *(volatile char *)faulter_at;
	return NULL;
}

static sigjmp_buf jb;
static void on_bus(int sig) { siglongjmp(jb, 1); }

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	main_tid = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < 2 * PG; i++)
		src[i] = (char)('a' + (i / PG) * 10 + i % 7);

	R(uffd_open(~UFFD_USER_MODE_ONLY));
	ufd = OK(uffd_open(O_CLOEXEC | O_NONBLOCK));
	SAY(fcntl(ufd, F_GETFD) == FD_CLOEXEC);
	SAY((fcntl(ufd, F_GETFL) & O_NONBLOCK) != 0);

	/* a hole no later mapping fills: one page between two */
	char *gone = mmap(NULL, 3 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) + PG;
	munmap(gone, PG);

	/* before UFFDIO_API */
	area = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char buf[64];
	R(read(ufd, buf, sizeof(buf)));
	R(reg(ufd, area, PG));
	struct pollfd pf = { .fd = ufd, .events = POLLIN };
	R(poll(&pf, 1, 0));
	printf("revents %x\n", pf.revents);

	/* UFFDIO_API */
	struct uffdio_api a = { .api = 0xab, .features = 0, .ioctls = 7 };
	R(ioctl(ufd, UFFDIO_API, &a));
	printf("zeroed %d\n", !a.api && !a.features && !a.ioctls);
	a = (struct uffdio_api){ .api = UFFD_API, .features = 1ull << 62 };
	R(ioctl(ufd, UFFDIO_API, &a));
	R(ioctl(ufd, UFFDIO_API, (void *)8));
	a = (struct uffdio_api){ .api = UFFD_API,
				 .features = UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS };
	R(ioctl(ufd, UFFDIO_API, &a));
	printf("features %llx ioctls %llx\n", (unsigned long long)(a.features & OUR_FEATURES),
	       (unsigned long long)a.ioctls);
	R(api(ufd, 0));
	R(ioctl(ufd, 0xaa99, 0));

	/* UFFDIO_REGISTER */
	struct uffdio_register rg = { .range = { (uintptr_t)area, PG }, .mode = 0 };
	R(ioctl(ufd, UFFDIO_REGISTER, &rg));
	rg.mode = 8;
	R(ioctl(ufd, UFFDIO_REGISTER, &rg));
	R(ioctl(ufd, UFFDIO_REGISTER, (void *)8));
	R(reg(ufd, area + 1, PG));
	R(reg(ufd, area, 0));
	R(reg(ufd, area, PG + 1));
	R(reg(ufd, (void *)0x7fffffffe000000, PG));
	R(reg(ufd, area, NPAGES * PG));
	R(reg(ufd, area, NPAGES * PG)); /* again: the same descriptor may */
	int other = uffd_open(0);
	api(other, 0);
	R(reg(other, area, PG));
	close(other);
	char *plain = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			   0);
	char *vdso = (char *)getauxval(AT_SYSINFO_EHDR); /* not anonymous memory */
	R(reg(ufd, vdso, PG));

	/* faults serviced by the handler thread */
	R(read(ufd, buf, sizeof(buf)));
	R(read(ufd, buf, 8));
	R(poll(&pf, 1, 0));
	pthread_t th;
	pthread_create(&th, NULL, handler, NULL);
	printf("page 0 reads %c\n", *(volatile char *)(area + 0x10));
	area[PG + 0x20] = 'Z';
	printf("page 1 holds %c %d\n", area[PG + 0x20], area[PG + 0x21]);
	printf("page 2 reads %c\n", *(volatile char *)(area + 2 * PG + 1));
	int pp[2];
	R(pipe(pp));
	R(write(pp[1], "kernel", 6));
	R(read(pp[0], area + 3 * PG + 8, 6));
	printf("page 3 holds %.6s then %c\n", area + 3 * PG + 8, area[3 * PG]);
	pthread_join(th, NULL);
	for (int i = 0; i < 4; i++)
		printf("fault %d: %s\n", i, seen[i]);

	/* UFFDIO_COPY, UFFDIO_ZEROPAGE, UFFDIO_WAKE errors */
	R(copy(ufd, area, src, PG, 0));
	printf("copy %lld\n", (long long)copy_res);
	R(copy(ufd, area + 4 * PG, src, 2 * PG, 0));
	printf("copy %lld, page 4 %c page 5 %c\n", (long long)copy_res, area[4 * PG],
	       area[5 * PG + 2]);
	R(copy(ufd, area + 7 * PG, src, PG, COPY_DONTWAKE));
	R(copy(ufd, area + 6 * PG, src, 2 * PG, 0)); /* page 7 is there: part */
	printf("copy %lld\n", (long long)copy_res);
	R(copy(ufd, area + 4 * PG, src, 2 * PG, 0));
	printf("copy %lld\n", (long long)copy_res);
	munmap(area + 6 * PG, 2 * PG);
	R(copy(ufd, area + 1, src, PG, 0));
	R(copy(ufd, area + 4 * PG, src, 0, 0));
	R(copy(ufd, area + 4 * PG, src, PG, 4));
	R(copy(ufd, area + 5 * PG, src, 2 * PG, 0));
	R(copy(ufd, plain, src, PG, 0));
	R(copy(ufd, vdso, src, PG, 0));
	R(ioctl(ufd, UFFDIO_COPY, (void *)8));
	R(unreg(ufd, area + 4 * PG, PG));
	R(unreg(ufd, area + 4 * PG, PG));
	R(copy(ufd, area + 4 * PG, src, PG, 0));
	R(reg(ufd, area + 4 * PG, PG));
	R(zero(ufd, area + 4 * PG, PG, 2));
	R(zero(ufd, area + 4 * PG, PG, COPY_DONTWAKE));
	printf("zeropage %lld\n", (long long)copy_res);
	R(zero(ufd, area + 5 * PG, 2 * PG, 0));
	printf("zeropage %lld\n", (long long)copy_res);
	R(zero(ufd, area + 4 * PG + 8, PG, 0));
	R(wake(ufd, area, 0));
	R(wake(ufd, area + 2, PG));
	R(wake(ufd, area, PG));
	R(ioctl(ufd, UFFDIO_WAKE, (void *)8));
	R(unreg(ufd, area + 1, PG));
	R(unreg(ufd, gone, PG));

	/* a source that is not there */
	munmap(area, NPAGES * PG);
	area = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	R(reg(ufd, area, NPAGES * PG));
	R(copy(ufd, area, gone, PG, 0));
	printf("copy %lld\n", (long long)copy_res);

	/* fork: the child's copy is not registered, so it faults as usual */
	pid_t pid = fork();
	if (pid == 0)
		_exit(area[PG] == 0 ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	abi_child("child reads its page", st);

	/* close wakes a faulting thread; the page then comes as usual */
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	R(epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &ev));
	R(epoll_wait(ep, &ev, 1, 0));
	faulter_at = area + 2 * PG;
	pthread_create(&th, NULL, faulter, NULL);
	R(epoll_wait(ep, &ev, 1, 10000));
	printf("events %x\n", ev.events);
	struct uffd_msg m;
	R(read(ufd, &m, sizeof(m)));
	printf("offset %#lx flags %llx\n", (long)(m.address - (uintptr_t)area),
	       (unsigned long long)m.flags);
	R(epoll_wait(ep, &ev, 1, 0));
	R(close(ufd));
	pthread_join(th, NULL);
	printf("faulter got %d; page 6 %d\n", faulter_got, area[6 * PG]);
	close(ep);

	/* a blocking descriptor polls as an error */
	ufd = uffd_open(0);
	R(api(ufd, 0));
	pf.fd = ufd;
	R(poll(&pf, 1, 0));
	printf("revents %x\n", pf.revents);
	close(ufd);

	/* UFFD_USER_MODE_ONLY: a kernel access to a missing page fails */
	ufd = OK(uffd_open(UFFD_USER_MODE_ONLY));
	R(api(ufd, 0));
	R(reg(ufd, area + 7 * PG, PG));
	R(write(pp[1], "x", 1));
	R(read(pp[0], area + 7 * PG, 1));
	close(ufd);

	/* UFFD_FEATURE_SIGBUS: the access is a SIGBUS at once */
	ufd = uffd_open(0);
	R(api(ufd, UFFD_FEATURE_SIGBUS));
	R(reg(ufd, area + 7 * PG, PG));
	signal(SIGBUS, on_bus);
	if (sigsetjmp(jb, 1) == 0)
		printf("read %d\n", *(volatile char *)(area + 7 * PG));
	else
		printf("SIGBUS\n");
	R(write(pp[1], "y", 1));
	R(read(pp[0], area + 7 * PG, 1));
	close(ufd);

	/* an address space that is gone: made by a child sharing the table */
	pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		int fd = uffd_open(O_CLOEXEC);
		_exit(fd < 0 || api(fd, 0) < 0 ? 255 : fd);
	}
	waitpid(pid, &st, 0);
	ufd = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	SAY(ufd > 2 && ufd < 255);
	R(copy(ufd, area + 7 * PG, src, PG, 0));
	R(zero(ufd, area + 7 * PG, PG, 0));
	R(wake(ufd, area, PG));
	close(ufd);

	/* shared anonymous memory: a page the object has (a forked child
	 * wrote it) is no fault; one it has not is */
	char *sh = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ufd = uffd_open(O_NONBLOCK);
	R(api(ufd, UFFD_FEATURE_MISSING_SHMEM));
	R(reg(ufd, sh, 4 * PG));
	pid = fork();
	if (pid == 0) {
		sh[PG] = 'C';
		sh[2 * PG] = 'D';
		_exit(0);
	}
	waitpid(pid, &st, 0);
	abi_child("child writes two pages", st);
	printf("page 1 holds %c\n", sh[PG]);
	R(copy(ufd, sh + 2 * PG, src, PG, 0));
	printf("page 2 holds %c\n", sh[2 * PG]);
	faulter_at = sh;
	pthread_create(&th, NULL, faulter, NULL);
	pf.fd = ufd;
	R(poll(&pf, 1, 10000));
	R(read(ufd, &m, sizeof(m)));
	printf("offset %#lx flags %llx\n", (long)(m.address - (uintptr_t)sh),
	       (unsigned long long)m.flags);
	R(copy(ufd, sh, src + PG, PG, 0));
	pthread_join(th, NULL);
	printf("faulter got %c\n", faulter_got);
	R(zero(ufd, sh + 3 * PG, PG, 0));
	pid = fork();
	if (pid == 0)
		_exit(sh[3 * PG] == 0 && sh[0] == src[PG] ? 0 : 1);
	waitpid(pid, &st, 0);
	abi_child("child sees the pages", st);
	R(zero(ufd, sh + 3 * PG, PG, 0));
	close(ufd);
	munmap(sh, 4 * PG);

	/* /dev/userfaultfd */
	int dev = OK(open("/dev/userfaultfd", O_RDWR | O_CLOEXEC));
	struct stat sb;
	R(fstat(dev, &sb));
	/* a misc device: major 10, the minor given at boot */
	printf("chr %d mode %o major %u\n", S_ISCHR(sb.st_mode), sb.st_mode & 0777,
	       (unsigned)major(sb.st_rdev));
	R(ioctl(dev, 0xaa00, 0x100));
	R(ioctl(dev, 0xaa01, 0));
	ufd = OK(ioctl(dev, 0xaa00, O_CLOEXEC | UFFD_USER_MODE_ONLY));
	SAY(fcntl(ufd, F_GETFD) == FD_CLOEXEC);
	R(api(ufd, 0));
	close(ufd);
	close(dev);

	/* who may: without CAP_SYS_PTRACE only UFFD_USER_MODE_ONLY (the
	 * host's vm.unprivileged_userfaultfd being 0) */
	R(abi_get("/proc/sys/vm/unprivileged_userfaultfd", buf, sizeof(buf)));
	printf("unprivileged_userfaultfd %s", buf);
	pid = fork();
	if (pid == 0) {
		if (setuid(65534))
			_exit(254);
		int fd = uffd_open(0);
		if (fd >= 0 || errno != EPERM)
			_exit(253);
		fd = uffd_open(UFFD_USER_MODE_ONLY | O_CLOEXEC);
		_exit(ABI_CHILD_RESULT(fd));
	}
	waitpid(pid, &st, 0);
	abi_child("unprivileged", st);
	return 0;
}
