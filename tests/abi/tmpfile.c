/* tmpfile.c: O_TMPFILE: an unnamed file in a directory, named later with
 * linkat(AT_EMPTY_PATH) unless opened with O_EXCL; and the errors. */
#include "abi.h"

static void show_fd(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		printf("fstat: %s\n", abi_errname(errno));
	else
		printf("fd: reg %d nlink %ld size %ld mode %o\n", S_ISREG(st.st_mode),
		       (long)st.st_nlink, (long)st.st_size, st.st_mode & 07777);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	umask(022);
	R(mkdir("d", 0755));
	int fd = OK(open("d", O_TMPFILE | O_RDWR, 0666));
	show_fd(fd);
	R(write(fd, "temp", 4));
	show_fd(fd);
	char buf[16] = { 0 };
	R(pread(fd, buf, sizeof(buf) - 1, 0));
	printf("read: %s\n", buf);
	R(linkat(fd, "", AT_FDCWD, "d/named", AT_EMPTY_PATH));
	show_fd(fd);
	abi_get("d/named", buf, sizeof(buf));
	printf("d/named: %s\n", buf);
	R(linkat(fd, "", AT_FDCWD, "d/named2", AT_EMPTY_PATH));
	show_fd(fd);
	R(close(fd));
	/* O_EXCL: never linkable */
	fd = OK(open("d", O_TMPFILE | O_WRONLY | O_EXCL, 0600));
	show_fd(fd);
	R(linkat(fd, "", AT_FDCWD, "d/excl", AT_EMPTY_PATH));
	R(close(fd));
	/* unnamed files do not appear in the directory */
	R(unlink("d/named"));
	R(unlink("d/named2"));
	R(rmdir("d"));
	/* errors */
	R(open(".", O_TMPFILE | O_RDONLY, 0600));
	R(open(".", O_TMPFILE | O_CREAT | O_RDWR, 0600));
	abi_put("f", "x");
	R(open("f", O_TMPFILE | O_RDWR, 0600));
	R(open("nope", O_TMPFILE | O_RDWR, 0600));
	R(open("/proc", O_TMPFILE | O_RDWR, 0600));
	return 0;
}
