/* mmap_sigbus.c: a file mapping longer than its file: the bytes after the
 * end in the last page read as zeros, a page wholly past the end raises
 * SIGBUS with BUS_ADRERR; read(2) from a mapping keeps working. */
#include "abi.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile int code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	code = sig == SIGBUS ? si->si_code : -1;
	siglongjmp(env, 1);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("short", "0123456789");
	int fd = open("short", O_RDONLY);
	char *p = mmap(0, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	SAY(p != MAP_FAILED);
	printf("first bytes: %.10s, after the end: %d %d\n", p, p[10], p[4095]);
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	sigaction(SIGBUS, &sa, 0);
	if (sigsetjmp(env, 1) == 0) {
		volatile char c = p[4096];
		printf("no signal: %d\n", c);
	} else {
		printf("SIGBUS, si_code %s\n", code == BUS_ADRERR ? "BUS_ADRERR" : "other");
	}
	R(write(1, p, 10));
	printf("\n");
	return 0;
}
