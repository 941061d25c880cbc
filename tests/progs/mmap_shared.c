/* mmap_shared.c: a file mapped MAP_SHARED and written through the
 * mapping; msync and munmap put the bytes in the file (read back with
 * read); MAP_PRIVATE writes stay private; a read-only fd refuses a shared
 * writable mapping. Works in the directory given as argv[1]. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void show(int fd, const char *what)
{
	char buf[64] = { 0 };
	pread(fd, buf, 20, 0);
	printf("%s: %.20s\n", what, buf);
}

int main(int argc, char **argv)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/shared.dat", argc > 1 ? argv[1] : "/tmp");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "aaaaaaaaaaaaaaaaaaaa", 20) != 20)
		return 1;
	char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	memcpy(p, "shared", 6);
	printf("msync: %d\n", msync(p, 4096, MS_SYNC));
	show(fd, "after msync");
	memcpy(p + 7, "again", 5);
	printf("munmap: %d\n", munmap(p, 4096));
	show(fd, "after munmap");
	char *q = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(q, "PRIVATE", 7);
	munmap(q, 4096);
	show(fd, "after private write");
	printf("size unchanged: %ld\n", (long)lseek(fd, 0, SEEK_END));
	int ro = open(path, O_RDONLY);
	void *r = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	printf("shared+write on O_RDONLY: %s\n",
	       r == MAP_FAILED && errno == EACCES ? "EACCES" : "mapped");
	unlink(path);
	return 0;
}
