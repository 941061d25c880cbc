/* sparse.c: sparse files in the RAM filesystem (tmpfs on Linux): a byte
 * written past a hole of 2 GiB (and of 64 GiB) costs a page, the hole
 * reads as zeros, st_blocks counts only pages written, SEEK_DATA and
 * SEEK_HOLE find them (ENXIO at or past the end), and a shrinking
 * truncate drops the pages and zeroes the rest of the last one. */
#include "abi.h"

#define PG 4096L

static int zero(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void seeks(int fd, off_t off)
{
	char what[64];
	for (int hole = 0; hole < 2; hole++) {
		snprintf(what, sizeof(what), "%s %ld", hole ? "SEEK_HOLE" : "SEEK_DATA", (long)off);
		errno = 0;
		long r = (long)lseek(fd, off, hole ? SEEK_HOLE : SEEK_DATA);
		abi_report(what, r, errno);
	}
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	static char buf[3 * PG];
	struct stat st;

	/* One byte at 2 GiB. */
	int fd = OK(open("big", O_RDWR | O_CREAT | O_TRUNC, 0644));
	R(lseek(fd, 2L << 30, SEEK_SET));
	R(write(fd, "x", 1));
	fstat(fd, &st);
	printf("size %ld, blocks %ld\n", (long)st.st_size, (long)st.st_blocks);
	memset(buf, 1, sizeof(buf));
	R(pread(fd, buf, PG, 1L << 30));
	SAY(zero(buf, PG));
	R(pread(fd, buf, 10, (2L << 30) - 4));
	SAY(zero(buf, 4) && buf[4] == 'x');
	seeks(fd, 0);
	seeks(fd, 2L << 30);
	seeks(fd, (2L << 30) + 1);
	seeks(fd, 3L << 30);
	seeks(fd, -1);
	close(fd);

	/* Several far holes cost nothing either. */
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "far%d", i);
		fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (pwrite(fd, "y", 1, (64L << 30) + i) != 1)
			printf("far%d: %s\n", i, abi_errname(errno));
		fstat(fd, &st);
		printf("far%d: size %ld, blocks %ld\n", i, (long)st.st_size, (long)st.st_blocks);
		close(fd);
		unlink(name);
	}

	/* Data, a hole, data; then truncates. */
	fd = OK(open("mixed", O_RDWR | O_CREAT | O_TRUNC, 0644));
	memset(buf, 'a', sizeof(buf));
	R(write(fd, buf, 3 * PG));
	R(pwrite(fd, "z", 1, 5 * PG + 7));
	fstat(fd, &st);
	printf("size %ld, blocks %ld\n", (long)st.st_size, (long)st.st_blocks);
	seeks(fd, 0);
	seeks(fd, 3 * PG - 1);
	seeks(fd, 3 * PG);
	seeks(fd, 4 * PG + 100);
	seeks(fd, 5 * PG + 8);
	R(ftruncate(fd, PG + 10));
	R(ftruncate(fd, 3 * PG));
	fstat(fd, &st);
	printf("size %ld, blocks %ld\n", (long)st.st_size, (long)st.st_blocks);
	memset(buf, 1, sizeof(buf));
	R(pread(fd, buf, 3 * PG, 0));
	SAY(buf[PG + 9] == 'a' && zero(buf + PG + 10, 2 * PG - 10));
	seeks(fd, 0);
	seeks(fd, 2 * PG);
	/* writing into the hole after the end of the old data */
	R(pwrite(fd, "q", 1, 2 * PG + 5));
	R(pread(fd, buf, 10, 2 * PG));
	SAY(zero(buf, 5) && buf[5] == 'q' && zero(buf + 6, 4));
	seeks(fd, PG * 2);
	R(ftruncate(fd, 0));
	fstat(fd, &st);
	printf("size %ld, blocks %ld\n", (long)st.st_size, (long)st.st_blocks);
	seeks(fd, 0);
	close(fd);
	unlink("big");
	unlink("mixed");
	return 0;
}
