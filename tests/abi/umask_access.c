/* umask_access.c: the umask applied to new files and directories, and
 * access() for root. */
#include "abi.h"

static void mode_of(const char *p)
{
	struct stat st;
	if (lstat(p, &st) < 0)
		printf("%s: %s\n", p, abi_errname(errno));
	else
		printf("%s: %o\n", p, st.st_mode);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	R(umask(0));
	R(umask(077));
	R(umask(0777 | 07000));
	R(umask(022));
	int fd = R(open("f1", O_CREAT | O_WRONLY, 0666));
	close(fd);
	mode_of("f1");
	umask(0);
	fd = R(open("f2", O_CREAT | O_WRONLY, 0777));
	close(fd);
	mode_of("f2");
	umask(0755);
	fd = R(open("f3", O_CREAT | O_WRONLY, 0777));
	close(fd);
	mode_of("f3");
	R(mkdir("d", 0777));
	mode_of("d");
	R(symlink("f1", "l"));
	mode_of("l");
	umask(022);
	R(access("f1", F_OK));
	R(access("f1", R_OK | W_OK));
	R(access("f1", X_OK));
	R(access("f2", X_OK));
	R(access("f3", R_OK | W_OK));
	R(access("d", X_OK));
	R(access("missing", F_OK));
	R(access("f1", 0x40));
	R(access("f1/", F_OK));
	R(faccessat(AT_FDCWD, "f2", X_OK, 0));
	R(faccessat(AT_FDCWD, "l", F_OK, AT_SYMLINK_NOFOLLOW));
	return 0;
}
