/* cwd.c: chdir, fchdir and getcwd (paths shown relative to the work
 * directory), and their errors. */
#include "abi.h"
#include <limits.h>

static char base[PATH_MAX];

static void where(void)
{
	char b[PATH_MAX];
	if (!getcwd(b, sizeof(b))) {
		printf("getcwd: %s\n", abi_errname(errno));
		return;
	}
	size_t n = strlen(base);
	if (strncmp(b, base, n) == 0)
		printf("cwd: .%s\n", b + n);
	else
		printf("cwd: outside\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	if (!getcwd(base, sizeof(base)))
		return 1;
	SAY(base[0] == '/');
	R(mkdir("a", 0755));
	R(mkdir("a/b", 0755));
	abi_put("f", "");
	R(chdir("a/b"));
	where();
	R(chdir(".."));
	where();
	R(chdir("./b/../b/."));
	where();
	R(chdir("../../f"));
	R(chdir("missing"));
	R(chdir(""));
	where();
	R(symlink("a/b", "../../lb"));
	R(chdir("../../lb"));
	where();
	int fd = R(open("..", O_RDONLY | O_DIRECTORY));
	R(fchdir(fd));
	where();
	R(close(fd));
	fd = R(open("f", O_RDONLY));
	R(fchdir(fd));
	R(close(fd));
	R(fchdir(99));
	char small[4];
	R(getcwd(small, sizeof(small)) ? 0 : -1);
	R(getcwd(small, 0) ? 0 : -1);
	R(chdir("/"));
	char b[8];
	R(getcwd(b, sizeof(b)) ? 0 : -1);
	printf("root: %s\n", b);
	return 0;
}
