/* devices.c: /dev/null, /dev/zero, /dev/full and /dev/urandom behave as
 * on Linux: reads, writes, seeks, their numbers. */
#include "abi.h"
#include <sys/sysmacros.h>

static void dev(const char *p)
{
	struct stat st;
	if (stat(p, &st) < 0) {
		printf("%s: %s\n", p, abi_errname(errno));
		return;
	}
	printf("%s: chr %d %u,%u mode %o\n", p, S_ISCHR(st.st_mode), major(st.st_rdev),
	       minor(st.st_rdev), st.st_mode & 0777);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[100];
	dev("/dev/null");
	dev("/dev/zero");
	dev("/dev/full");
	dev("/dev/random");
	dev("/dev/urandom");
	dev("/dev/tty");
	int fd = R(open("/dev/null", O_RDWR));
	R(read(fd, b, sizeof(b)));
	R(write(fd, b, sizeof(b)));
	R(lseek(fd, 100, SEEK_SET));
	R(close(fd));
	fd = R(open("/dev/zero", O_RDWR));
	memset(b, 1, sizeof(b));
	R(read(fd, b, sizeof(b)));
	int z = 1;
	for (int i = 0; i < 100; i++)
		if (b[i])
			z = 0;
	SAY(z);
	R(write(fd, b, 10));
	R(lseek(fd, 0, SEEK_SET));
	R(close(fd));
	fd = R(open("/dev/full", O_RDWR));
	R(write(fd, b, 10));
	R(read(fd, b, 10));
	R(close(fd));
	fd = R(open("/dev/urandom", O_RDONLY));
	R(read(fd, b, 64));
	R(close(fd));
	R(readlink("/dev/stdin", b, sizeof(b)) > 0);
	R(access("/dev/fd/0", F_OK));
	struct stat st;
	R(stat("/dev/shm", &st));
	printf("shm %o\n", st.st_mode & 07777);
	R(stat("/tmp", &st));
	printf("tmp %o\n", st.st_mode & 07777);
	R(open("/dev/null/x", O_RDONLY));
	R(mkdir("/dev/null", 0755));
	return 0;
}
