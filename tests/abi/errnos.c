/* errnos.c: the error numbers of bad calls: EBADF, EFAULT, EINVAL,
 * ENOENT, ENOTDIR, EISDIR, EEXIST, ENAMETOOLONG, ENOSYS. */
#include "abi.h"
#include <limits.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[16];
	R(read(-1, b, 1));
	R(read(1000, b, 1));
	R(write(999, b, 1));
	R(close(500));
	abi_put("f", "data");
	int fd = R(open("f", O_RDONLY));
	R(read(fd, (void *)1, 4));
	R(read(fd, NULL, 0));
	R(write(1, (void *)1, 4));
	R(open((char *)1, O_RDONLY));
	R(stat(NULL, NULL));
	R(lseek(fd, 0, 42));
	R(fcntl(fd, 9999));
	R(open("nope", O_RDONLY));
	R(open("f/sub", O_RDONLY));
	R(mkdir("d", 0755));
	R(open("d", O_WRONLY));
	R(mkdir("d", 0755));
	char name[300];
	memset(name, 'n', 299);
	name[299] = 0;
	R(open(name, O_RDONLY | O_CREAT, 0644));
	R(mkdir(name, 0755));
	char *path = malloc(PATH_MAX + 10);
	memset(path, 'a', PATH_MAX + 9);
	for (int i = 100; i < PATH_MAX + 9; i += 100)
		path[i] = '/';
	path[PATH_MAX + 9] = 0;
	R(open(path, O_RDONLY));
	R(access(path, F_OK));
	R(syscall(500));
	R(syscall(100000));
	R(close(fd));
	return 0;
}
