/* mempolicy.c: NUMA policies on a machine with one node (node 0):
 * set_mempolicy and get_mempolicy (modes, mode flags, masks naming other
 * nodes, maxnode's extra bit, MPOL_F_NODE/ADDR/MEMS_ALLOWED), mbind on
 * parts of an area and across holes (EFAULT), MPOL_MF_STRICT (EIO),
 * set_mempolicy_home_node, migrate_pages and move_pages (status 0 for a
 * present page, ENOENT for an absent one, EFAULT for no mapping), the
 * policy a fork child inherits, and the errors for a bad pointer, pid,
 * flag or an unprivileged caller. */
#include "abi.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif
#define BIND 2
#define PREFERRED 1
#define INTERLEAVE 3
#define LOCAL 4
#define STATIC 0x8000
#define RELATIVE 0x4000
#define BALANCING 0x2000
#define F_NODE 1
#define F_ADDR 2
#define F_MEMS 4
#define STRICT 1
#define MOVE 2
#define MOVE_ALL 4

static unsigned long m[4];

static long setpol(int mode, unsigned long mask, unsigned long maxnode)
{
	m[0] = mask;
	return syscall(SYS_set_mempolicy, mode, mask == 99 ? NULL : m, maxnode);
}

static void show(const char *what, unsigned long addr, int flags)
{
	int mode = -1;
	unsigned long mask[2] = { 77, 77 };
	long r = syscall(SYS_get_mempolicy, &mode, mask, 129, addr, flags);
	if (r < 0)
		printf("%s: get = -1 %s\n", what, abi_errname(errno));
	else
		printf("%s: mode %#x mask %#lx %#lx\n", what, mode, mask[0], mask[1]);
}

static long mbind(void *p, unsigned long len, int mode, unsigned long mask, unsigned flags)
{
	m[0] = mask;
	return syscall(SYS_mbind, p, len, mode, m, 65, flags);
}

static long home(void *p, unsigned long len, unsigned long node, unsigned long flags)
{
	return syscall(SYS_set_mempolicy_home_node, p, len, node, flags);
}

static long migrate(int pid, unsigned long maxnode, unsigned long from, unsigned long to)
{
	unsigned long a = from, b = to;
	return syscall(SYS_migrate_pages, pid, maxnode, &a, &b);
}

static void unprivileged(char *page)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		if (setuid(65534) != 0)
			_exit(100);
		void *pages[1] = { page };
		int status[1];
		R(syscall(SYS_move_pages, 1, 1, pages, NULL, status, 0));
		R(migrate(1, 65, 1, 1));
		R(migrate(0, 65, 1, 3));
		R(migrate(0, 65, 1, 1));
		R(mbind(page, 4096, BIND, 1, MOVE_ALL));
		R(syscall(SYS_move_pages, 0, 1, pages, NULL, status, MOVE_ALL));
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("unprivileged child: %d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);

	show("start", 0, 0);
	R(setpol(BIND, 1, 65));
	show("bind 0", 0, 0);
	R(setpol(BIND, 2, 65));
	R(setpol(BIND, 3, 65));
	show("bind 0-1", 0, 0);
	R(setpol(BIND, 99, 0));
	R(setpol(BIND, 1, 1)); /* maxnode 1 names no node */
	R(setpol(BIND, 1, 2));
	R(setpol(BIND, 1, 40000));
	R(syscall(SYS_set_mempolicy, BIND, (void *)8, 65));
	R(setpol(0, 1, 65));
	R(setpol(0, 99, 0));
	show("default", 0, 0);
	R(setpol(PREFERRED, 0, 65));
	show("preferred, none", 0, 0);
	R(setpol(PREFERRED, 5, 65));
	show("preferred 0,2", 0, 0);
	R(setpol(LOCAL, 1, 65));
	R(setpol(LOCAL, 0, 65));
	show("local", 0, 0);
	R(setpol(INTERLEAVE, 1, 65));
	show("interleave node", 0, F_NODE);
	R(setpol(BIND | STATIC, 5, 65));
	show("bind static", 0, 0);
	show("bind static node", 0, F_NODE);
	R(setpol(BIND | RELATIVE, 4, 65));
	show("bind relative", 0, 0);
	R(setpol(BIND | STATIC | RELATIVE, 1, 65));
	R(setpol(PREFERRED | STATIC, 0, 65));
	R(setpol(BIND | BALANCING, 1, 65));
	show("bind balancing", 0, 0);
	R(setpol(INTERLEAVE | BALANCING, 1, 65));
	R(setpol(7, 1, 65));
	R(setpol(-1, 1, 65));

	/* get_mempolicy's arguments */
	int mode;
	unsigned long mask[2] = { 77, 77 };
	R(syscall(SYS_get_mempolicy, &mode, mask, 0, 0, 0));
	R(syscall(SYS_get_mempolicy, &mode, mask, 1, 0, 0));
	printf("  maxnode 1: mask %lu\n", mask[0]);
	R(syscall(SYS_get_mempolicy, &mode, mask, 65, 0, 8));
	R(syscall(SYS_get_mempolicy, &mode, mask, 65, 4096, 0));
	R(syscall(SYS_get_mempolicy, (void *)8, mask, 65, 0, 0));
	R(syscall(SYS_get_mempolicy, &mode, (void *)8, 65, 0, 0));
	R(syscall(SYS_get_mempolicy, &mode, mask, 65, 0, F_MEMS | F_NODE));
	R(syscall(SYS_get_mempolicy, &mode, mask, 1u << 20, 0, 0));
	show("mems allowed", 0, F_MEMS);
	R(setpol(BIND, 1, 65));
	int st;
	pid_t c = fork();
	if (c == 0) {
		show("fork child", 0, 0);
		_exit(0);
	}
	waitpid(c, &st, 0);
	R(setpol(0, 99, 0));

	/* mbind: four pages, the middle two bound */
	char *p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	R(mbind(p + 4096, 8192, BIND, 1, 0));
	show("page 0", (unsigned long)p, F_ADDR);
	show("page 1", (unsigned long)p + 4096, F_ADDR);
	show("page 2", (unsigned long)p + 8192, F_ADDR);
	show("page 3", (unsigned long)p + 12288, F_ADDR);
	show("page 1 node", (unsigned long)p + 4096, F_ADDR | F_NODE);
	R(mbind(p + 8192, 4096, INTERLEAVE | STATIC, 3, 0));
	show("page 2", (unsigned long)p + 8192, F_ADDR);
	R(mbind(p + 1, 4096, BIND, 1, 0));
	R(mbind(p, 0, BIND, 1, 0));
	R(mbind(p, 4096, BIND, 1, 8));
	R(mbind(p, 4096, BIND, 2, 0));
	R(mbind(p, (unsigned long)-4096, BIND, 1, 0));
	/* holes: page 5 unmapped */
	munmap(p + 5 * 4096, 4096);
	R(mbind(p + 4 * 4096, 3 * 4096, BIND, 1, 0));
	R(mbind(p + 4 * 4096, 3 * 4096, 0, 0, 0));
	R(mbind(p + 5 * 4096, 4096, 0, 0, 0));
	show("hole", (unsigned long)p + 5 * 4096, F_ADDR);
	/* STRICT: page 0 is present, on node 0 */
	R(mbind(p, 4096, BIND, 1, STRICT));
	R(mbind(p, 4096, LOCAL, 0, STRICT));
	show("page 0 after EIO", (unsigned long)p, F_ADDR);
	R(mbind(p, 4096, LOCAL, 0, STRICT | MOVE));
	R(mbind(p + 12288, 4096, LOCAL, 0, STRICT));
	R(mbind(p, 4096, BIND, 1, MOVE_ALL));
	R(mbind(p, 4096, 0, 0, STRICT));
	show("page 0 default", (unsigned long)p, F_ADDR);

	/* home nodes */
	R(home(p + 4096, 4096, 0, 0));
	R(home(p, 4 * 4096, 0, 0));
	R(home(p + 4096, 4096, 1, 0));
	R(home(p + 4096, 4096, 0, 1));
	R(home(p + 1, 4096, 0, 0));
	R(home(p, 4096, 0, 0));
	show("page 1 after home", (unsigned long)p + 4096, F_ADDR);

	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show("prot none node", (unsigned long)none, F_ADDR | F_NODE);

	/* migrate_pages */
	R(migrate(0, 65, 1, 1));
	R(migrate(0, 65, 1, 2));
	R(migrate(999999, 65, 1, 1));
	R(migrate(0, 40000, 1, 1));
	R(syscall(SYS_migrate_pages, 0, 65, (void *)8, m));

	/* move_pages: present, absent, unmapped */
	p[4096] = 1;
	void *pages[3] = { p + 4096, p + 3 * 4096, (void *)0x1000 };
	int nodes[3] = { 0, 0, 0 }, status[3] = { 9, 9, 9 };
	R(syscall(SYS_move_pages, 0, 3, pages, NULL, status, 0));
	printf("  status %d %d %d\n", status[0], status[1], status[2]);
	status[0] = status[1] = status[2] = 9;
	R(syscall(SYS_move_pages, 0, 3, pages, nodes, status, MOVE));
	printf("  status %d %d %d\n", status[0], status[1], status[2]);
	nodes[1] = 1;
	R(syscall(SYS_move_pages, 0, 3, pages, nodes, status, MOVE));
	nodes[1] = -1;
	R(syscall(SYS_move_pages, 0, 3, pages, nodes, status, MOVE));
	R(syscall(SYS_move_pages, 0, 3, pages, NULL, status, 8));
	R(syscall(SYS_move_pages, 999999, 3, pages, NULL, status, 0));
	R(syscall(SYS_move_pages, 0, 3, (void *)8, NULL, status, 0));
	R(syscall(SYS_move_pages, 0, 3, pages, NULL, (void *)8, 0));
	R(syscall(SYS_move_pages, 0, 0, pages, NULL, status, 0));
	R(syscall(SYS_move_pages, 0, 1, pages, NULL, status, MOVE_ALL));

	unprivileged(p);
	return 0;
}
