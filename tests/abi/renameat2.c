/* renameat2.c: RENAME_NOREPLACE and RENAME_EXCHANGE (files, directories,
 * across directories) and the flag errors. */
#include "abi.h"
#include <sys/syscall.h>

#define NOREPLACE 1
#define EXCHANGE 2

static long r2(const char *a, const char *b, unsigned fl)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, fl);
}

static void show(const char *p)
{
	char b[32];
	if (abi_get(p, b, sizeof(b)) < 0)
		printf("%s: %s\n", p, abi_errname(errno));
	else
		printf("%s: %s\n", p, b);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("a", "A");
	abi_put("b", "B");
	R(r2("a", "b", NOREPLACE));
	R(r2("a", "c", NOREPLACE));
	show("c");
	R(r2("c", "b", EXCHANGE));
	show("b");
	show("c");
	R(r2("c", "nope", EXCHANGE));
	R(r2("c", "b", EXCHANGE | NOREPLACE));
	R(r2("c", "b", 0x100));
	R(mkdir("d", 0755));
	abi_put("d/x", "X");
	R(r2("b", "d", EXCHANGE));
	show("d");
	show("b/x");
	struct stat st;
	R(stat("b", &st));
	printf("b is dir %d nlink %lu\n", S_ISDIR(st.st_mode), (unsigned long)st.st_nlink);
	R(mkdir("e", 0755));
	R(r2("b", "e/in", NOREPLACE));
	show("e/in/x");
	R(r2("e", "e/in/deeper", EXCHANGE));
	R(r2("d", "e/in", EXCHANGE));
	show("e/in");
	show("d/x");
	R(stat("e", &st));
	printf("e nlink %lu\n", (unsigned long)st.st_nlink);
	R(r2("c", "c", EXCHANGE));
	R(r2("c", "c", NOREPLACE));
	return 0;
}
