/* stat_fields.c: stat, lstat, fstat and fstatat: the fields that mean the
 * same on any filesystem (type, permissions, size, links, owner, times
 * that were set explicitly, identity of the same file). */
#include "abi.h"
#include <sys/sysmacros.h>

static void show(const char *what, int r, struct stat *st)
{
	if (r < 0) {
		printf("%s: %s\n", what, abi_errname(errno));
		return;
	}
	printf("%s: mode %o nlink %lu uid %u gid %u size %ld blksize-ok %d\n", what, st->st_mode,
	       (unsigned long)st->st_nlink, st->st_uid, st->st_gid, (long)st->st_size,
	       st->st_blksize > 0);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	umask(022);
	struct stat st, st2;
	abi_put("f", "twelve bytes");
	show("stat f", stat("f", &st), &st);
	R(mkdir("d", 0750));
	R(mkdir("d/e", 0700));
	show("stat d", stat("d", &st), &st);
	R(symlink("f", "l"));
	show("lstat l", lstat("l", &st), &st);
	show("stat l", stat("l", &st), &st);
	R(stat("f", &st2) == 0 && st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
	int fd = R(open("f", O_RDONLY));
	show("fstat", fstat(fd, &st), &st);
	R(close(fd));
	int dfd = R(open("d", O_RDONLY | O_DIRECTORY));
	show("fstatat e", fstatat(dfd, "e", &st, 0), &st);
	show("fstatat empty", fstatat(dfd, "", &st, AT_EMPTY_PATH), &st);
	show("fstatat empty no flag", fstatat(dfd, "", &st, 0), &st);
	show("fstatat nofollow", fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW), &st);
	R(fstatat(AT_FDCWD, "f", &st, 0x12345));
	R(close(dfd));
	show("stat missing", stat("missing", &st), &st);
	show("stat f/", stat("f/", &st), &st);
	show("stat /dev/null", stat("/dev/null", &st), &st);
	printf("rdev %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1234567890, 5 } };
	R(utimensat(AT_FDCWD, "f", ts, 0));
	R(stat("f", &st));
	printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	R(chmod("f", 04711));
	show("after chmod", stat("f", &st), &st);
	R(stat((char *)1, &st));
	return 0;
}
