/* mm_huge.c: address-space calls over huge, mostly empty ranges (1 TiB
 * and 64 TiB MAP_NORESERVE areas with a few pages touched): fork with
 * them, mprotect, madvise(MADV_DONTNEED) over 16 TiB, munmap. Their cost
 * must follow the pages present, not the size of the range (the
 * ABI suite's time limit catches a page-by-page walk). */
#define _GNU_SOURCE
#include "abi.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define TIB (1UL << 40)

static void touch(char *p, size_t len)
{
	/* a few pages, spread out: at the start, the middle and the end */
	size_t at[] = { 0, 4096, len / 2, len - 4096 };
	unsigned sum = 0;
	for (int i = 0; i < 4; i++)
		sum += (unsigned char)p[at[i]];
	printf("touched, sum %u\n", sum);
}

static void fork_exit_wait(const char *what)
{
	int st = -1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0) {
		printf("%s: fork = -1 %s\n", what, abi_errname(errno));
		return;
	}
	waitpid(pid, &st, 0);
	printf("%s: fork, child status %d\n", what, WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	char *a = P(mmap(NULL, TIB, PROT_READ, fl, -1, 0));
	char *b = P(mmap(NULL, 64 * TIB, PROT_NONE, fl, -1, 0));
	if (a == MAP_FAILED || b == MAP_FAILED)
		return 1;
	touch(a, TIB);
	fork_exit_wait("1 TiB");
	R(mprotect(b, 64 * TIB, PROT_READ));
	touch(b, 64 * TIB);
	fork_exit_wait("1 TiB and 64 TiB");
	R(mprotect(a, TIB, PROT_NONE));
	R(munlock(a, TIB));
	R(mprotect(a, TIB, PROT_READ | PROT_WRITE));
	a[TIB / 2] = 1;
	touch(a, TIB);
	R(mprotect(b + 8 * TIB, 16 * TIB, PROT_NONE));
	R(madvise(b + 8 * TIB, 16 * TIB, MADV_DONTNEED));
	R(madvise(a, TIB, MADV_DONTNEED));
	touch(a, TIB);
	/* 16 TiB of nothing at all */
	R(munmap(b, 64 * TIB));
	R(madvise(b, 16 * TIB, MADV_DONTNEED));
	R(madvise(b + 16 * TIB, 16 * TIB, MADV_NORMAL));
	R(munmap(b, 64 * TIB));
	R(munmap(a, TIB));
	fork_exit_wait("after munmap");
	return 0;
}
