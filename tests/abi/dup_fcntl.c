/* dup_fcntl.c: dup, dup2, dup3, fcntl descriptor and status flags, and a
 * shared file position between duplicates. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "0123456789");
	int fd = R(open("f", O_RDWR));
	int d = R(dup(fd));
	R(lseek(fd, 4, SEEK_SET));
	R(lseek(d, 0, SEEK_CUR));
	R(dup2(fd, fd));
	R(dup2(99, 99));
	R(dup2(fd, 10));
	R(fcntl(10, F_GETFD));
	R(dup3(fd, fd, 0));
	R(dup3(fd, 11, O_CLOEXEC));
	R(fcntl(11, F_GETFD));
	R(dup3(fd, 12, O_APPEND));
	R(fcntl(fd, F_DUPFD, 20));
	R(fcntl(fd, F_DUPFD_CLOEXEC, 20));
	R(fcntl(21, F_GETFD));
	R(fcntl(fd, F_SETFD, FD_CLOEXEC));
	R(fcntl(fd, F_GETFD));
	R(fcntl(fd, F_SETFD, 0));
	R(fcntl(fd, F_GETFD));
	R(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	R(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	R(fcntl(d, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	R(fcntl(fd, F_SETFL, O_RDONLY));
	R(fcntl(fd, F_GETFL) & O_ACCMODE);
	R(fcntl(fd, 12345));
	R(fcntl(99, F_GETFD));
	R(fcntl(fd, F_DUPFD, -1));
	R(close(10));
	R(close(10));
	R(close(-1));
	R(dup(99));
	R(dup2(fd, -1));
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	R(fcntl(fd, F_SETLK, &fl));
	R(fcntl(fd, F_GETLK, &fl));
	R(fl.l_type == F_UNLCK);
	return 0;
}
