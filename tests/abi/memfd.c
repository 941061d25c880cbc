/* memfd.c: memfd_create: flags, a regular file with no name (its
 * /proc/self/fd link), write/read/truncate, a shared mapping, and the
 * errors. */
#include "abi.h"
#include <sys/mman.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = OK(memfd_create("hello", MFD_CLOEXEC));
	R(fcntl(fd, F_GETFD));
	R(fcntl(fd, F_GETFL) & O_ACCMODE);
	struct stat st;
	R(fstat(fd, &st));
	printf("reg %d nlink %ld size %ld mode %o\n", S_ISREG(st.st_mode), (long)st.st_nlink,
	       (long)st.st_size, st.st_mode & 07777);
	char link[64], path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	long n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	printf("link: %s\n", link);
	R(write(fd, "memory", 6));
	R(lseek(fd, 0, SEEK_SET));
	char buf[16] = { 0 };
	R(read(fd, buf, sizeof(buf)));
	printf("read: %s\n", buf);
	R(ftruncate(fd, 4096));
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	SAY(p != MAP_FAILED);
	memcpy(p + 6, " mapped", 7);
	R(munmap(p, 4096));
	memset(buf, 0, sizeof(buf));
	R(pread(fd, buf, 13, 0));
	printf("pread: %s\n", buf);
	R(fstat(fd, &st));
	printf("size %ld\n", (long)st.st_size);
	int fd2 = OK(memfd_create("", 0));
	R(fcntl(fd2, F_GETFD));
	/* errors */
	R(memfd_create("x", 0x1000));
	char longname[300];
	memset(longname, 'a', sizeof(longname));
	longname[299] = 0;
	R(memfd_create(longname, 0));
	R(syscall(SYS_memfd_create, NULL, 0));
	return 0;
}
