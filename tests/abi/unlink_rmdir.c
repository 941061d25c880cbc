/* unlink_rmdir.c: removing names: unlink, rmdir, unlinkat and their
 * errors; an unlinked file stays readable while open. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[32] = { 0 };
	abi_put("f", "still here");
	R(mkdir("d", 0755));
	R(mkdir("e", 0755));
	abi_put("e/x", "x");
	int fd = R(open("f", O_RDONLY));
	R(unlink("f"));
	R(access("f", F_OK));
	R(read(fd, b, sizeof(b) - 1));
	printf("read: %s\n", b);
	struct stat st;
	R(fstat(fd, &st));
	R(st.st_nlink);
	R(close(fd));
	R(unlink("f"));
	R(unlink("d"));
	R(rmdir("e"));
	R(rmdir("e/x"));
	R(rmdir("e/x/"));
	R(unlink("e/x/"));
	R(rmdir("."));
	R(rmdir("d/."));
	R(rmdir(".."));
	R(rmdir("d/.."));
	R(unlinkat(AT_FDCWD, "d", 0));
	R(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
	R(unlinkat(AT_FDCWD, "e/x", 0x12345));
	R(unlinkat(AT_FDCWD, "e/x", 0));
	R(rmdir("e"));
	R(access("e", F_OK));
	R(rmdir("missing"));
	R(unlink(""));
	R(mkdir("g", 0755));
	R(chdir("g"));
	R(rmdir("../g"));
	R(mkdir("h", 0755));
	R(chdir(".."));
	R(access("g", F_OK));
	return 0;
}
