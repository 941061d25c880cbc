/* mmap_sync.c: stores through a MAP_SHARED mapping of FILE reach the disk
 * when the program asks for it: MODE is fsync, fdatasync, msync (MS_SYNC),
 * sync or syncfs. It makes FILE three pages long (and syncs that), maps it
 * shared, writes a line into its first and third page, and checks that
 * read() sees them at once, as on Linux (one page cache), and that the
 * mapping sees at once a line pwrite() puts into the second; then makes
 * the MODE call, prints "synced MODE" and waits to be killed (tests/boot/
 * mmap_sync.sh then reads the disk image with debugfs). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mmap_sync fsync|fdatasync|msync|sync|syncfs FILE\n");
		return 2;
	}
	const char *mode = argv[1];
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 3 * pg) || fsync(fd)) {
		perror("open/ftruncate/fsync");
		return 1;
	}
	char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	char line[64];
	int n = snprintf(line, sizeof line, "written through the mapping, then %s\n", mode);
	memcpy(m, line, n);
	memcpy(m + 2 * pg, line, n);
	char back[64] = "";
	if (pread(fd, back, n, 2 * pg) != n || memcmp(back, line, n))
		printf("read() does not see the mapping's store\n");
	else
		printf("read() sees the mapping's store\n");
	static const char pw[] = "written with pwrite\n";
	if (pwrite(fd, pw, sizeof pw - 1, pg + 100) != sizeof pw - 1) {
		perror("pwrite");
		return 1;
	}
	if (memcmp(m + pg + 100, pw, sizeof pw - 1))
		printf("the mapping does not see pwrite's bytes\n");
	else
		printf("the mapping sees pwrite's bytes\n");
	int r;
	if (!strcmp(mode, "fsync"))
		r = fsync(fd);
	else if (!strcmp(mode, "fdatasync"))
		r = fdatasync(fd);
	else if (!strcmp(mode, "msync"))
		r = msync(m, 3 * pg, MS_SYNC);
	else if (!strcmp(mode, "sync"))
		r = (sync(), 0);
	else if (!strcmp(mode, "syncfs"))
		r = syncfs(fd);
	else {
		fprintf(stderr, "mmap_sync: unknown mode %s\n", mode);
		return 2;
	}
	if (r) {
		perror(mode);
		return 1;
	}
	printf("synced %s\n", mode);
	fflush(stdout);
	for (;;)
		pause();
}
