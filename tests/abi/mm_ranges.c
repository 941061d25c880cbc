/* mm_ranges.c: the range checks of mmap, munmap, mprotect, mremap,
 * madvise, mlock, munlock, msync and mincore at the edges: lengths near
 * 2^64 (rounding up to 0, or start + len wrapping), ranges reaching past
 * the top of user space or lying in the kernel's half. Raw system calls:
 * the C libraries round and check some of these themselves. */
#define _GNU_SOURCE
#include "abi.h"
#include <sys/mman.h>
#include <sys/syscall.h>

#define TOP 0x7ffffffff000UL      /* the end of user space (TASK_SIZE) */
#define KERN 0xffff8000fee00000UL /* kernel space (htux's LAPIC page) */
#define NEG(x) (0UL - (x))

static long sc6(long nr, unsigned long a, unsigned long b, unsigned long c, unsigned long d,
		unsigned long e, unsigned long f)
{
	return syscall(nr, a, b, c, d, e, f);
}

#define MMAP(a, l, p, f) sc6(SYS_mmap, a, l, p, f, (unsigned long)-1, 0)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	unsigned long pg = 4096;
	char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, ANON, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	m[0] = 1;
	unsigned long M = (unsigned long)m;
	/* a hole: mapped, then unmapped */
	char *h = mmap(NULL, 4 * pg, PROT_NONE, ANON, -1, 0);
	munmap(h, 4 * pg);
	unsigned long H = (unsigned long)h;
	unsigned char vec[8];

	/* mmap */
	R(MMAP(0, 0, PROT_READ, ANON));
	R(MMAP(0, NEG(1), PROT_READ, ANON));
	R(MMAP(0, NEG(pg), PROT_READ, ANON));
	R(MMAP(0, 1UL << 47, PROT_READ, ANON));
	R(MMAP(KERN, pg, PROT_READ, ANON | MAP_FIXED));
	R(MMAP(KERN, pg, PROT_READ, ANON | MAP_FIXED_NOREPLACE));
	R(MMAP(TOP - pg, 2 * pg, PROT_READ, ANON | MAP_FIXED));
	R(MMAP(TOP, pg, PROT_READ, ANON | MAP_FIXED));
	R(MMAP(NEG(pg), 2 * pg, PROT_READ, ANON | MAP_FIXED));
	R(MMAP(NEG(pg), pg, PROT_READ, ANON | MAP_FIXED));
	R(MMAP(H, NEG(H) + pg, PROT_READ, ANON | MAP_FIXED));
	R(MMAP(H + 1, pg, PROT_READ, ANON | MAP_FIXED));
	/* a file's offset: its last page must stay below 2^63 */
	abi_put("f", "data");
	int fd = open("f", O_RDONLY);
	R(sc6(SYS_mmap, 0, pg, PROT_READ, MAP_PRIVATE, fd, NEG(pg)));
	R(sc6(SYS_mmap, 0, pg, PROT_READ, MAP_PRIVATE, fd, 1UL << 63));
	R(sc6(SYS_mmap, 0, 2 * pg, PROT_READ, MAP_PRIVATE, fd, (1UL << 63) - pg));
	R(sc6(SYS_mmap, 0, pg, PROT_READ, MAP_PRIVATE, fd, (1UL << 63) - 2 * pg) > 0);
	close(fd);

	/* munmap */
	R(syscall(SYS_munmap, M, 0));
	R(syscall(SYS_munmap, M + 1, pg));
	R(syscall(SYS_munmap, M, NEG(1)));
	R(syscall(SYS_munmap, M, NEG(pg)));
	R(syscall(SYS_munmap, TOP - pg, 2 * pg));
	R(syscall(SYS_munmap, TOP, pg));
	R(syscall(SYS_munmap, KERN, pg));
	R(syscall(SYS_munmap, NEG(pg), pg));
	R(syscall(SYS_munmap, H, pg));

	/* mprotect */
	R(syscall(SYS_mprotect, M, NEG(pg), PROT_READ));
	R(syscall(SYS_mprotect, M, NEG(1), PROT_READ));
	R(syscall(SYS_mprotect, M, 1UL << 47, PROT_READ));
	R(syscall(SYS_mprotect, M + 1, pg, PROT_READ));
	R(syscall(SYS_mprotect, M, 0, 0x100));
	R(syscall(SYS_mprotect, M, pg, 0x100));
	R(syscall(SYS_mprotect, KERN, pg, PROT_READ));
	R(syscall(SYS_mprotect, NEG(pg), pg, PROT_READ));
	R(syscall(SYS_mprotect, H, pg, PROT_READ));
	R(syscall(SYS_mprotect, M, pg, PROT_READ | PROT_WRITE));

	/* mremap */
	R(sc6(SYS_mremap, M, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, KERN, 0));
	R(sc6(SYS_mremap, M, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, NEG(pg), 0));
	R(sc6(SYS_mremap, M, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, NEG(pg), 0));
	R(sc6(SYS_mremap, M, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, TOP, 0));
	R(sc6(SYS_mremap, M, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - pg, 0));
	R(sc6(SYS_mremap, M, pg, NEG(1), MREMAP_MAYMOVE, 0, 0));
	R(sc6(SYS_mremap, M, pg, NEG(pg), MREMAP_MAYMOVE, 0, 0));
	R(sc6(SYS_mremap, M, pg, NEG(pg), 0, 0, 0));
	R(sc6(SYS_mremap, M, pg, 1UL << 47, MREMAP_MAYMOVE, 0, 0));
	R(sc6(SYS_mremap, M, NEG(pg), pg, 0, 0, 0));
	R(sc6(SYS_mremap, M, NEG(1), pg, 0, 0, 0));
	R(sc6(SYS_mremap, M, NEG(pg), pg, MREMAP_MAYMOVE | MREMAP_FIXED, H, 0));
	R(sc6(SYS_mremap, KERN, pg, pg, 0, 0, 0));
	R(sc6(SYS_mremap, KERN, pg, 2 * pg, MREMAP_MAYMOVE, 0, 0));
	SAY(m[0] == 1);
	usleep(1000); /* a page moved over the LAPIC's would hang here */

	/* madvise */
	R(syscall(SYS_madvise, M + 1, pg, MADV_DONTNEED));
	R(syscall(SYS_madvise, M, NEG(1), MADV_DONTNEED));
	R(syscall(SYS_madvise, M, NEG(pg), MADV_DONTNEED));
	R(syscall(SYS_madvise, M, 0, MADV_DONTNEED));
	R(syscall(SYS_madvise, KERN, pg, MADV_DONTNEED));
	R(syscall(SYS_madvise, NEG(pg), pg, MADV_DONTNEED));
	R(syscall(SYS_madvise, H, pg, MADV_NORMAL));
	R(syscall(SYS_madvise, H, pg, MADV_WILLNEED));
	R(syscall(SYS_madvise, M, NEG(pg), MADV_NORMAL));
	R(syscall(SYS_madvise, M, pg, 12345));
	R(syscall(SYS_madvise, M, 4 * pg, MADV_NORMAL));
	SAY(m[0] == 1);

	/* mlock, munlock */
	R(syscall(SYS_mlock, M, NEG(1)));
	R(syscall(SYS_mlock, M, NEG(pg)));
	R(syscall(SYS_mlock, M + 1, NEG(pg)));
	R(syscall(SYS_mlock, M, 1UL << 47));
	R(syscall(SYS_mlock, KERN, pg));
	R(syscall(SYS_mlock, NEG(pg), pg));
	R(syscall(SYS_mlock, H, pg));
	R(syscall(SYS_mlock, M + 1, pg));
	R(syscall(SYS_munlock, M, NEG(pg)));
	R(syscall(SYS_munlock, M, NEG(1)));
	R(syscall(SYS_munlock, KERN, pg));
	R(syscall(SYS_munlock, M + 1, pg));

	/* msync */
	R(syscall(SYS_msync, M, NEG(pg), MS_SYNC));
	R(syscall(SYS_msync, M, NEG(1), MS_SYNC));
	R(syscall(SYS_msync, M, 1UL << 47, MS_SYNC));
	R(syscall(SYS_msync, KERN, pg, MS_SYNC));
	R(syscall(SYS_msync, NEG(pg), pg, MS_ASYNC));
	R(syscall(SYS_msync, H, pg, MS_SYNC));
	R(syscall(SYS_msync, M, 4 * pg, MS_SYNC));

	/* mincore */
	R(syscall(SYS_mincore, M, NEG(pg), vec));
	R(syscall(SYS_mincore, M, NEG(1), vec));
	R(syscall(SYS_mincore, M, 1UL << 47, vec));
	R(syscall(SYS_mincore, KERN, pg, vec));
	R(syscall(SYS_mincore, NEG(pg), pg, vec));
	R(syscall(SYS_mincore, H, pg, vec));
	R(syscall(SYS_mincore, M, pg, (unsigned char *)KERN));
	R(syscall(SYS_mincore, M, 0, (unsigned char *)KERN));
	R(syscall(SYS_mincore, M, pg, vec));
	R(vec[0]);
	return 0;
}
