/* shm_file.c: MAP_SHARED mappings of a RAM file (a memfd, a file in the
 * tmpfs work directory) are the file's own pages: a store through one is
 * seen by read() at once (no msync) and in another process, touched
 * before the fork or not, and write() is seen by the mappings. */
#include "abi.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096L

static void run(const char *what, int fd)
{
	char b[8] = "";
	ftruncate(fd, 3 * PG);
	volatile char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("%s: mmap %s\n", what, abi_errname(errno));
		return;
	}
	p[10] = 'a';
	pread(fd, b, 1, 10);
	printf("%s: read sees the store: %d\n", what, b[0] == 'a');
	pwrite(fd, "w", 1, PG + 20);
	printf("%s: mapping sees write(): %d\n", what, p[PG + 20] == 'w');
	pid_t c = fork();
	if (c == 0) {
		p[2 * PG + 1] = 'c'; /* untouched before the fork */
		volatile char *q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
		_exit(q != MAP_FAILED && q[20] == 'w' ? 0 : 1);
	}
	int st;
	waitpid(c, &st, 0);
	pread(fd, b, 1, 2 * PG + 1);
	printf("%s: child %d, parent sees its store %d, read() too %d\n", what, st,
	       p[2 * PG + 1] == 'c', b[0] == 'c');
	munmap((void *)p, 3 * PG);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int fd = OK(memfd_create("shm", 0));
	run("memfd", fd);
	close(fd);
	fd = OK(open("f", O_RDWR | O_CREAT | O_TRUNC, 0600));
	run("file", fd);
	close(fd);
	unlink("f");
	return 0;
}
