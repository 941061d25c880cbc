/* memfd.c: memfd_create: write, seek, read back, fstat, ftruncate, a
 * private mapping, /proc/self/fd, close-on-exec and the errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "show.h"

int main(void)
{
	char buf[64], link[128] = "", name[300];
	struct stat st;

	int fd = memfd_create("test file", 0);
	show("memfd_create", fd >= 0 ? 0 : -1);
	show("write", write(fd, "hello, memfd", 12));
	show("lseek", lseek(fd, 7, SEEK_SET));
	show("read", read(fd, buf, sizeof(buf)));
	printf("data: %.5s\n", buf);
	show("pread", pread(fd, buf, 5, 0));
	printf("data: %.5s\n", buf);
	fstat(fd, &st);
	printf("fstat: regular %d mode %o size %ld nlink %ld\n", S_ISREG(st.st_mode),
	       st.st_mode & 07777, (long)st.st_size, (long)st.st_nlink);
	show("F_GETFL", fcntl(fd, F_GETFL));
	show("F_GETFD", fcntl(fd, F_GETFD));
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	readlink(buf, link, sizeof(link) - 1);
	printf("link: %s\n", link);
	show("ftruncate 8192", ftruncate(fd, 8192));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	char *m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("mmap: %.12s, byte 8000 is %d\n", m == MAP_FAILED ? "failed" : m,
	       m == MAP_FAILED ? -1 : m[8000]);
	close(fd);

	fd = memfd_create("second", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	show("F_GETFD cloexec", fcntl(fd, F_GETFD));
	close(fd);

	memset(name, 'n', 249);
	name[249] = 0;
	fd = memfd_create(name, 0);
	show("249-byte name", fd >= 0 ? 0 : -1);
	close(fd);
	name[249] = 'n';
	name[250] = 0;
	show("250-byte name", memfd_create(name, 0));
	show("bad flags", memfd_create("x", 0x100));
	show("bad name pointer", memfd_create((char *)8, 0));
	return 0;
}
