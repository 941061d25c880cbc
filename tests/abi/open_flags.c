/* open_flags.c: open's flags: O_CREAT, O_EXCL, O_TRUNC, O_APPEND, access
 * modes, O_DIRECTORY, O_NOFOLLOW, and the errors they give. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char buf[64];
	R(open("f", O_RDONLY));
	int fd = R(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));
	R(write(fd, "hello world", 11));
	R(close(fd));
	R(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));
	fd = R(open("f", O_RDONLY));
	R(write(fd, "x", 1));
	R(read(fd, buf, 5));
	R(fcntl(fd, F_GETFL) & O_ACCMODE);
	R(close(fd));
	fd = R(open("f", O_WRONLY | O_APPEND));
	R(read(fd, buf, 1));
	R(write(fd, "!", 1));
	R(lseek(fd, 0, SEEK_CUR));
	R(lseek(fd, 0, SEEK_SET));
	R(write(fd, "?", 1));
	R(lseek(fd, 0, SEEK_CUR));
	SAY((fcntl(fd, F_GETFL) & O_APPEND) != 0);
	R(close(fd));
	R(abi_get("f", buf, sizeof(buf)));
	printf("contents: %s\n", buf);
	fd = R(open("f", O_RDWR | O_TRUNC));
	struct stat st;
	R(fstat(fd, &st));
	R(st.st_size);
	R(close(fd));
	R(mkdir("d", 0755));
	R(open("d", O_WRONLY));
	R(open("d", O_RDWR));
	R(open("d", O_RDONLY | O_TRUNC));
	R(open("d", O_RDONLY | O_CREAT, 0644));
	R(open("f", O_RDONLY | O_DIRECTORY));
	fd = R(open("d", O_RDONLY | O_DIRECTORY));
	R(close(fd));
	R(symlink("f", "l"));
	R(open("l", O_RDONLY | O_NOFOLLOW));
	fd = R(open("l", O_RDONLY));
	R(close(fd));
	R(open("missing/f", O_RDONLY | O_CREAT, 0644));
	R(open("f/x", O_RDONLY));
	R(open("d/", O_RDONLY | O_CREAT, 0644));
	R(open("", O_RDONLY));
	R(open("dangling-target-dir/x", O_WRONLY | O_CREAT, 0644));
	R(symlink("newfile", "dangling"));
	fd = R(open("dangling", O_WRONLY | O_CREAT, 0600));
	R(close(fd));
	R(access("newfile", F_OK));
	R(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0600));
	fd = R(open("f", O_PATH));
	R(read(fd, buf, 1));
	R(fstat(fd, &st));
	R(close(fd));
	return 0;
}
