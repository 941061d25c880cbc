/* chown.c: owners are stored and reported: chown, fchown, lchown,
 * fchownat, -1 for "unchanged", set-id bits dropped, errors. */
#include "abi.h"

static void own(const char *p)
{
	struct stat st;
	if (lstat(p, &st) < 0)
		printf("%s: %s\n", p, abi_errname(errno));
	else
		printf("%s: %u:%u mode %o\n", p, st.st_uid, st.st_gid, st.st_mode & 07777);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "x");
	own("f");
	R(chown("f", 1000, 100));
	own("f");
	R(chown("f", -1, 200));
	own("f");
	R(chown("f", 300, -1));
	own("f");
	R(chmod("f", 06755));
	own("f");
	R(chown("f", -1, -1));
	own("f");
	R(chmod("f", 02745));
	R(chown("f", 1, 1));
	own("f");
	R(chmod("f", 02715));
	R(chown("f", 1, 1));
	own("f");
	R(symlink("f", "l"));
	R(lchown("l", 5, 6));
	own("l");
	own("f");
	R(chown("l", 7, 8));
	own("f");
	int fd = R(open("f", O_RDONLY));
	R(fchown(fd, 9, 10));
	own("f");
	R(close(fd));
	R(fchown(99, 0, 0));
	R(fchownat(AT_FDCWD, "l", 11, 12, AT_SYMLINK_NOFOLLOW));
	own("l");
	R(fchownat(AT_FDCWD, "l", 11, 12, 0x1234));
	R(chown("missing", 0, 0));
	R(mkdir("d", 02755));
	R(chown("d", 4, 4));
	own("d");
	abi_put("d/inner", "y");
	own("d/inner");
	fd = R(open("d", O_RDONLY | O_DIRECTORY));
	R(fchownat(fd, "", 13, 14, AT_EMPTY_PATH));
	R(close(fd));
	own("d");
	return 0;
}
