/* getdents.c: directory listings (names sorted, d_type), readdir after
 * changes, and getdents64 errors. */
#include "abi.h"
#include <dirent.h>
#include <sys/syscall.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("opendir %s: %s\n", dir, abi_errname(errno));
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char *s = malloc(300);
		snprintf(s, 300, "%s:%d", e->d_name, e->d_type);
		names[n++] = s;
	}
	closedir(d);
	// cppcheck-suppress uninitvar ; only the n entries filled are sorted
	qsort(names, n, sizeof(char *), cmp);
	printf("%s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	list(".");
	R(mkdir("sub", 0755));
	abi_put("a", "1");
	abi_put("sub/b", "2");
	R(symlink("a", "link"));
	char name[16];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "sub/f%02d", i);
		abi_put(name, "x");
	}
	list(".");
	list("sub");
	R(unlink("sub/f05"));
	R(rename("sub/f06", "sub/g06"));
	list("sub");
	int fd = R(open("a", O_RDONLY));
	char buf[256];
	R(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	R(close(fd));
	fd = R(open(".", O_RDONLY | O_DIRECTORY));
	R(syscall(SYS_getdents64, fd, buf, 1));
	R(syscall(SYS_getdents64, 99, buf, sizeof(buf)));
	/* reading to the end, twice */
	long n, total = 0;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		total++;
	R(n);
	R(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	R(lseek(fd, 0, SEEK_SET));
	SAY(syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0);
	R(close(fd));
	return 0;
}
