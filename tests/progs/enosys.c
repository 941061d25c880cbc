/* enosys.c: makes system call 500, which x86_64 Linux does not have, and
 * prints what came back (-1 with errno ENOSYS). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	long r = syscall(500);
	printf("syscall(500) = %ld, errno %d (%s)\n", r, errno,
	       errno == ENOSYS ? "ENOSYS" : "other");
	return 0;
}
