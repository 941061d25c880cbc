/* text_cow.c: a page of read-only data mapped from the program's file
 * (htux shares one copy of such pages between processes): made writable
 * with mprotect and written by forked children, then by the parent, and
 * seen unchanged by a fresh exec of the program. */
#include "abi.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

static const char text[8192] __attribute__((aligned(4096))) = "original text";

static void write_it(const char *what)
{
	uintptr_t page = (uintptr_t)text & ~(uintptr_t)4095;
	if (mprotect((void *)page, 4096, PROT_READ | PROT_WRITE)) {
		printf("%s: mprotect: %s\n", what, abi_errname(errno));
		return;
	}
	strcpy((char *)text, what);
	printf("%s: reads %s\n", what, *(volatile const char *)text ? text : "");
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		printf("exec: reads %s\n", text);
		return 0;
	}
	abi_init(argc, argv);
	printf("parent: reads %s\n", text);
	for (int k = 0; k < 2; k++) {
		fflush(stdout);
		pid_t p = fork();
		if (p == 0) {
			printf("child %d: reads %s\n", k, text);
			write_it(k ? "child 1 wrote" : "child 0 wrote");
			fflush(stdout);
			_exit(0);
		}
		int st;
		waitpid(p, &st, 0);
		printf("child %d: status %d\n", k, st);
	}
	printf("parent: reads %s\n", text);
	write_it("parent wrote");
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execl("/proc/self/exe", argv[0], argv[1], "again", (char *)NULL);
		printf("execl: %s\n", abi_errname(errno));
		_exit(1);
	}
	int st;
	waitpid(p, &st, 0);
	printf("exec: status %d\n", st);
	return 0;
}
