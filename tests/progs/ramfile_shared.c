/* ramfile_shared.c FILE: a MAP_SHARED mapping of a file from the image
 * and the file stay one when the file is then written with pwrite, its
 * first change in htux (until then it borrows the image's bytes and the
 * mapping holds copies of them): a store made through the mapping before
 * that write is in the file and in a mapping made after it, and stores
 * through either mapping are seen by the other and by pread. FILE holds
 * at least 3 pages; it is changed. Prints what it sees; run on the host
 * on a copy of FILE, the lines must be the same. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd;

static void show(const char *what, const char *a, const char *b, long off)
{
	char c = '?';
	if (pread(fd, &c, 1, off) != 1)
		c = '!';
	printf("%s: first %c, second %c, pread %c\n", what, a ? a[off] : '-', b ? b[off] : '-', c);
}

int main(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (argc != 2 || (fd = open(argv[1], O_RDWR)) < 0) {
		perror("open");
		return 2;
	}
	char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	a[10] = 'A';         /* before the file's first write */
	a[2 * pg + 5] = 'Z'; /* a page the write does not touch */
	show("store before the write", a, NULL, 10);
	if (pwrite(fd, "B", 1, pg + 20) != 1) /* the file's first write */
		perror("pwrite");
	show("pwrite", a, NULL, pg + 20);
	show("older store", a, NULL, 10);
	char *b = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	show("new mapping sees the older store", a, b, 10);
	show("new mapping, untouched page", a, b, 2 * pg + 5);
	a[30] = 'C';
	show("store through the first", a, b, 30);
	b[pg + 40] = 'D';
	show("store through the second", a, b, pg + 40);
	b[2 * pg + 6] = 'E';
	show("store through the second, third page", a, b, 2 * pg + 6);
	if (pwrite(fd, "F", 1, 50) != 1)
		perror("pwrite");
	show("pwrite again", a, b, 50);
	munmap(a, 3 * pg);
	munmap(b, 3 * pg);
	char buf[8];
	long offs[] = { 10, 30, 50, pg + 20, pg + 40, 2 * pg + 5, 2 * pg + 6 };
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		if (pread(fd, buf, 1, offs[i]) == 1)
			printf("after munmap, at %ld: %c\n", offs[i], buf[0]);
	close(fd);
	return 0;
}
