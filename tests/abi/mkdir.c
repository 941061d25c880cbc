/* mkdir.c: making directories: modes under the umask, link counts, and
 * the errors. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct stat st;
	R(umask(027));
	R(mkdir("a", 0777));
	R(stat("a", &st));
	printf("mode %o nlink %lu\n", st.st_mode, (unsigned long)st.st_nlink);
	R(mkdir("a/b", 0700));
	R(mkdir("a/c", 0755));
	R(stat("a", &st));
	printf("nlink %lu\n", (unsigned long)st.st_nlink);
	R(mkdir("a", 0755));
	R(mkdir("a/", 0755));
	R(mkdir("x/y", 0755));
	abi_put("f", "");
	R(mkdir("f/y", 0755));
	R(mkdir("f", 0755));
	R(mkdir("", 0755));
	R(mkdir(".", 0755));
	R(mkdir("z/", 0755));
	R(stat("z", &st));
	R(mkdir("s", 01777));
	R(stat("s", &st));
	printf("sticky mode %o\n", st.st_mode);
	R(mkdirat(AT_FDCWD, "t", 0755));
	int fd = R(open("a", O_RDONLY | O_DIRECTORY));
	R(mkdirat(fd, "n", 0755));
	R(access("a/n", F_OK));
	R(close(fd));
	R(mkdirat(99, "n", 0755));
	fd = R(open("f", O_RDONLY));
	R(mkdirat(fd, "n", 0755));
	R(close(fd));
	R(symlink("a", "la"));
	R(mkdir("la", 0755));
	R(mkdir("la/q", 0755));
	R(access("a/q", F_OK));
	return 0;
}
