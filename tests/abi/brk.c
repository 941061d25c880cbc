/* brk.c: the program break: growing, using, shrinking, and the requests
 * that are refused (the raw system call reports the break unchanged). */
#include "abi.h"
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	long b0 = syscall(SYS_brk, 0);
	SAY(b0 > 0);
	long b1 = syscall(SYS_brk, b0 + 100000);
	R(b1 - b0);
	char *p = (char *)b0;
	memset(p, 'x', 100000);
	R(p[99999]);
	long b2 = syscall(SYS_brk, b0 + 5000);
	R(b2 - b0);
	long b3 = syscall(SYS_brk, b0 + 100000);
	R(b3 - b0);
	R(p[4999]);
	R(p[8191]);
	R(p[8192]);
	R(syscall(SYS_brk, 1) - b0);
	R(syscall(SYS_brk, b0 - 0x100000000L) - b0);
	R(syscall(SYS_brk, b0) - b0);
	void *s = sbrk(0);
	SAY(s == (void *)b0);
	void *s2 = sbrk(4096);
	SAY(s2 == s);
	SAY(sbrk(0) == (char *)s + 4096);
	return 0;
}
