/* shm_anon.c: MAP_SHARED|MAP_ANONYMOUS memory (and MAP_SHARED /dev/zero)
 * is one object shared with every process that inherits it, whether its
 * pages were touched before the fork or not, in both directions; mremap
 * (shrink, grow in place, move, a second mapping with old_size 0) keeps
 * it shared; past the object's size is SIGBUS; MADV_DONTNEED keeps the
 * data; /proc/self/maps names it "/dev/zero (deleted)". */
#include "abi.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096L

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what,
		       WTERMSIG(st) == SIGBUS    ? "SIGBUS"
		       : WTERMSIG(st) == SIGSEGV ? "SIGSEGV"
						 : "another signal");
}

/* A child writes v at byte off of every page of p, then exits. */
static void child_writes(volatile char *p, long pages, long off, char v)
{
	pid_t c = fork();
	if (c == 0) {
		for (long i = 0; i < pages; i++)
			p[i * PG + off] = (char)(v + i);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	status("writer", st);
}

static void parent_sees(const char *what, volatile char *p, long pages, long off, char v)
{
	int good = 0;
	for (long i = 0; i < pages; i++)
		good += p[i * PG + off] == (char)(v + i);
	printf("%s: %d of %ld pages seen\n", what, good, pages);
}

/* The maps line of address a: its permissions and name. */
static void maps_of(void *a)
{
	char buf[65536], want[32];
	abi_get("/proc/self/maps", buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lx-", (unsigned long)a);
	for (char *l = buf; *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		if (!strncmp(l, want, strlen(want))) {
			char perms[8] = "", name[256] = "";
			unsigned long off;
			sscanf(l, "%*s %7s %lx %*s %*s %255[^\n]", perms, &off, name);
			printf("maps: %s off %lx name '%s'\n", perms, off, name);
			return;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	printf("maps: no line\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int st;

	/* Untouched before the fork: the child's writes reach the parent. */
	volatile char *p = P(
		mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	child_writes(p, 8, 100, 42);
	parent_sees("child to parent, untouched", p, 8, 100, 42);
	maps_of((void *)p);

	/* The other way: the parent writes after the child was made. */
	int go[2], back[2];
	pipe(go);
	pipe(back);
	pid_t c = fork();
	if (c == 0) {
		char b;
		read(go[0], &b, 1);
		int good = 0;
		for (long i = 0; i < 8; i++)
			good += p[i * PG + 200] == (char)(7 + i);
		b = (char)good;
		write(back[1], &b, 1);
		_exit(0);
	}
	for (long i = 0; i < 8; i++)
		p[i * PG + 200] = (char)(7 + i);
	char b = 0;
	write(go[1], "x", 1);
	read(back[0], &b, 1);
	waitpid(c, &st, 0);
	printf("parent to child: %d of 8 pages seen\n", b);

	/* Half touched: touched pages stay shared too. */
	p[0] = 1;
	p[3 * PG] = 1;
	child_writes(p, 8, 300, 60);
	parent_sees("child to parent, half touched", p, 8, 300, 60);

	/* MADV_DONTNEED drops the mapping's pages, not the object's data. */
	R(madvise((void *)p, 8 * PG, MADV_DONTNEED));
	parent_sees("after MADV_DONTNEED", p, 8, 300, 60);
	R(munmap((void *)p, 8 * PG));

	/* mremap: shrink, grow again in place, then move (MREMAP_FIXED). */
	p = P(mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	p[5] = 9;
	SAY(mremap((void *)p, 6 * PG, 2 * PG, 0) == p);
	SAY(mremap((void *)p, 2 * PG, 6 * PG, 0) == p);
	maps_of((void *)p);
	child_writes(p, 6, 400, 20);
	parent_sees("after grow in place", p, 6, 400, 20);
	SAY(p[5] == 9);
	char *to = P(mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	volatile char *q = mremap((void *)p, 6 * PG, 6 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	SAY(q == to);
	SAY(q[5] == 9 && q[5 * PG + 400] == 25);
	child_writes(q, 6, 500, 30);
	parent_sees("after move", q, 6, 500, 30);

	/* A second mapping of the same pages (old_size 0). */
	volatile char *d = mremap((void *)q, 0, 2 * PG, MREMAP_MAYMOVE);
	SAY(d != MAP_FAILED && d != q);
	if (d != MAP_FAILED) {
		q[PG + 1] = 77;
		SAY(d[PG + 1] == 77);
		child_writes(d, 2, 600, 90);
		parent_sees("through the second mapping", q, 2, 600, 90);
		maps_of((void *)d);
		munmap((void *)d, 2 * PG);
	}
	munmap((void *)q, 6 * PG);
	void *priv = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	R(mremap(priv, 0, PG, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	munmap(priv, PG);

	/* Grown past the object's size: SIGBUS there, the rest works. */
	p = P(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	p = mremap((void *)p, PG, 3 * PG, MREMAP_MAYMOVE);
	SAY(p != MAP_FAILED);
	c = fork();
	if (c == 0) {
		p[10] = 5;
		p[2 * PG] = 1;
		_exit(0);
	}
	waitpid(c, &st, 0);
	status("touching past the size", st);
	SAY(p[10] == 5);

	/* MAP_SHARED of /dev/zero is the same kind of object. */
	int fd = OK(open("/dev/zero", O_RDWR));
	p = P(mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	close(fd);
	child_writes(p, 3, 50, 11);
	parent_sees("/dev/zero shared", p, 3, 50, 11);
	maps_of((void *)p);

	/* MAP_PRIVATE anonymous memory stays private. */
	p = P(mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	child_writes(p, 2, 0, 3);
	parent_sees("private", p, 2, 0, 3);
	return 0;
}
