/* tracee.c: a few system calls whose strace lines tests/boot/debug.sh
 * checks: a write, a failing open, a long write, a read from a pipe, and
 * three getpid calls (for the summary's counts). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	int p[2];
	char buf[100];
	const char *longs = "0123456789abcdefghijklmnopqrstuvwxyzABCD\n";

	write(1, "hello\n", 6);
	if (open("/no/such/file", O_RDONLY) >= 0)
		return 1;
	write(1, longs, strlen(longs));
	if (pipe(p) || write(p[1], "a\"b\t\n", 5) != 5 || read(p[0], buf, sizeof(buf)) != 5)
		return 2;
	for (int i = 0; i < 3; i++)
		syscall(SYS_getpid);
	return 7;
}
