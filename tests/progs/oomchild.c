/* oomchild.c: a child that takes all memory is killed (SIGKILL), and its
 * parent goes on. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(void)
{
	pid_t p = fork();
	if (p == 0) {
		for (;;) {
			char *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				_exit(3);
			memset(m, 1, 1 << 20);
		}
	}
	int st;
	waitpid(p, &st, 0);
	printf("child: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	static char again[1 << 20];
	memset(again, 2, sizeof(again)); /* the child's memory is free again */
	printf("parent goes on\n");
	return 0;
}
