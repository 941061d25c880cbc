/* getdents_old.c: the older getdents and its struct linux_dirent: the
 * name NUL-terminated, d_type in the record's last byte, records aligned
 * to 8 bytes; a small buffer taking two records a call; the errors (EBADF,
 * ENOTDIR, EINVAL for a buffer too small for one record, EFAULT). */
#include "abi.h"
#include <stdint.h>
#include <sys/syscall.h>

struct old_dirent {
	unsigned long d_ino, d_off;
	unsigned short d_reclen;
	char d_name[];
};

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

/* Lists dir with getdents, bufsize bytes a call; prints the sorted names
 * with their types, and the calls it took when asked. */
static void list(const char *dir, size_t bufsize, int show_calls)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	char buf[4096] __attribute__((aligned(8)));
	char *names[64];
	int n = 0, calls = 0, bad = 0;
	long r;
	while ((r = syscall(SYS_getdents, fd, buf, bufsize)) > 0) {
		calls++;
		for (long off = 0; off < r;) {
			struct old_dirent *d = (void *)(buf + off);
			size_t len = strlen(d->d_name);
			if (d->d_reclen % 8 || len + 2 + 18 > d->d_reclen || !d->d_ino)
				bad++;
			char *s = malloc(300);
			snprintf(s, 300, "%s:%d", d->d_name, buf[off + d->d_reclen - 1]);
			if (n < 64)
				names[n++] = s;
			off += d->d_reclen;
		}
	}
	if (r < 0)
		printf("getdents: %s\n", abi_errname(errno));
	close(fd);
	// cppcheck-suppress uninitvar ; only the n entries filled are sorted
	qsort(names, n, sizeof(char *), cmp);
	printf("%s (%zu):", dir, bufsize);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n  bad records %d\n", bad);
	if (show_calls)
		printf("  calls %d\n", calls);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	R(mkdir("sub", 0755));
	abi_put("a", "1");
	abi_put("a-much-longer-name-for-a-file", "1");
	R(symlink("a", "link"));
	R(mkfifo("fifo", 0644));
	list(".", 4096, 0);
	abi_put("sub/b", "1");
	abi_put("sub/c", "1");
	abi_put("sub/d", "1");
	list("sub", 4096, 1);
	list("sub", 48, 1); /* two records a call */

	char buf[64];
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	R(syscall(SYS_getdents, fd, buf, 8));
	R(syscall(SYS_getdents, fd, (void *)8, 4096));
	close(fd);
	R(syscall(SYS_getdents, fd, buf, sizeof(buf)));
	fd = open("a", O_RDONLY);
	R(syscall(SYS_getdents, fd, buf, sizeof(buf)));
	close(fd);
	return 0;
}
