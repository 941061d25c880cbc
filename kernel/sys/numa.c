/* sys/numa.c: NUMA memory policies and page placement on a machine with
 * one node (node 0): set_mempolicy and get_mempolicy (the calling
 * thread's policy, an area's, the node of a page), mbind (areas'
 * policies), set_mempolicy_home_node, migrate_pages and move_pages (every
 * page is on node 0 already: nothing moves). Node masks are read and
 * written here as Linux does, with its quirks (maxnode counts one more
 * bit than it names); the policies are kernel/mempolicy.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/vm.h"
#include "kernel/mempolicy.h"

#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4

/* Linux's get_nodes: the mask of maxnode - 1 bits at unmask (none for
 * NULL or maxnode 1). Bits past MAX_NUMNODES must be clear, whole words
 * of them. 0, -EINVAL or -EFAULT. */
static int get_nodes(uint64_t *nodes, const unsigned long *unmask, unsigned long maxnode)
{
	uint64_t w;

	*nodes = 0;
	maxnode--;
	if (maxnode == 0 || !unmask)
		return 0;
	if (maxnode > PAGE_SIZE * 8)
		return -EINVAL;
	for (unsigned long i = (maxnode - 1) / 64; i >= 1; i--) {
		if (get_user(w, &unmask[i]))
			return -EFAULT;
		if (w)
			return -EINVAL;
	}
	if (get_user(w, &unmask[0]))
		return -EFAULT;
	*nodes = maxnode < 64 ? w & ((1ull << maxnode) - 1) : w;
	return 0;
}

/* Linux's copy_nodes_to_user with one node: the first word, the rest of
 * the (maxnode - 1)-bit mask rounded up to words cleared. */
static int put_nodes(unsigned long *unmask, unsigned long maxnode, uint64_t nodes)
{
	unsigned long copy = ((maxnode - 1 + 63) & ~63ul) / 8;

	if (copy > 8) {
		if (copy > PAGE_SIZE)
			return -EINVAL;
		if (clear_user_partial((char *)unmask + 8, copy - 8) != copy - 8)
			return -EFAULT;
		copy = 8;
	}
	return copy_to_user(unmask, &nodes, copy) ? -EFAULT : 0;
}

/* Linux's sanitize_mpol_flags: the mode's flags split off and checked. */
static int mode_split(int *mode, unsigned *flags)
{
	*flags = (unsigned)*mode & MPOL_MODE_FLAGS;
	*mode &= ~MPOL_MODE_FLAGS;
	if ((unsigned)*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((*flags & MPOL_F_NUMA_BALANCING) && *mode != MPOL_BIND && *mode != MPOL_PREFERRED_MANY)
		return -EINVAL;
	return 0;
}

long sys_set_mempolicy(int mode, const unsigned long *nmask, unsigned long maxnode)
{
	struct mempolicy p;
	unsigned flags;
	uint64_t nodes;
	int e;

	if ((e = mode_split(&mode, &flags)) || (e = get_nodes(&nodes, nmask, maxnode)) ||
	    (e = mpol_make(mode, flags, nodes, &p)))
		return e;
	cur_thread->mpol = p;
	return 0;
}

long sys_get_mempolicy(int *policy, unsigned long *nmask, unsigned long maxnode, unsigned long addr,
		       unsigned long flags)
{
	static const struct mempolicy none;
	const struct mempolicy *p = &cur_thread->mpol;
	uint64_t nodes;
	int val;

	if (nmask && maxnode < 1)
		return -EINVAL;
	if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		val = 0;
		nodes = NODES_ONLINE;
		goto out;
	}
	if (flags & MPOL_F_ADDR) {
		p = mpol_of_addr(current->mm, addr);
		if (!p)
			return -EFAULT;
	} else if (addr) {
		return -EINVAL;
	}
	if (flags & MPOL_F_NODE) {
		if (flags & MPOL_F_ADDR) {
			if (fault_in_user((void *)(addr & ~(PAGE_SIZE - 1)), false))
				return -EFAULT;
			val = 0; /* the page is on node 0 */
		} else if (p->mode == MPOL_INTERLEAVE || p->mode == MPOL_WEIGHTED_INTERLEAVE) {
			val = 0; /* the next node interleaving uses */
		} else {
			return -EINVAL;
		}
	} else {
		val = p->mode | (p->flags & MPOL_MODE_FLAGS);
	}
	nodes = mpol_report_nodes(p ? p : &none);
out:
	if (policy && put_user(val, policy))
		return -EFAULT;
	return nmask ? put_nodes(nmask, maxnode, nodes) : 0;
}

long sys_mbind(unsigned long start, unsigned long len, unsigned long mode,
	       const unsigned long *nmask, unsigned long maxnode, unsigned flags)
{
	struct mempolicy p;
	int lmode = (int)mode, e;
	unsigned mflags;
	uint64_t nodes;

	if ((e = mode_split(&lmode, &mflags)) || (e = get_nodes(&nodes, nmask, maxnode)))
		return e;
	if (flags & ~(unsigned)(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !capable(CAP_SYS_NICE))
		return -EPERM;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (lmode == MPOL_DEFAULT)
		flags &= ~MPOL_MF_STRICT;
	unsigned long end = start + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if ((e = mpol_make(lmode, mflags, nodes, &p)))
		return e;
	if ((e = mpol_set_range(current->mm, start, end, &p, true)))
		return e;
	/* a page on a node the mask leaves out (node 0 not in it) would have
	 * to move: STRICT without MOVE fails with EIO, the policy unchanged */
	if ((flags & MPOL_MF_STRICT) && !(flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) &&
	    !(nodes & NODES_ONLINE) && mpol_range_populated(current->mm, start, end))
		return -EIO;
	return mpol_set_range(current->mm, start, end, &p, false);
}

long sys_set_mempolicy_home_node(unsigned long start, unsigned long len, unsigned long home_node,
				 unsigned long flags)
{
	if ((start & (PAGE_SIZE - 1)) || flags)
		return -EINVAL;
	if (home_node >= MAX_NUMNODES || !((NODES_ONLINE >> home_node) & 1))
		return -EINVAL;
	unsigned long end = start + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	return mpol_set_home(current->mm, start, end, (int)home_node);
}

/* The process whose memory pid (a process or thread id; 0: the caller)
 * names, as migrate_pages and move_pages find it: -ESRCH, -EPERM. */
static struct proc *target(int pid, long *err)
{
	struct proc *p = current;
	if (pid) {
		struct thread *t = thread_find(pid);
		p = t && t->state != T_DEAD ? t->proc : proc_find(pid);
	}
	*err = !p ? -ESRCH : !proc_may_access(p) ? -EPERM : 0;
	return *err ? NULL : p;
}

long sys_migrate_pages(int pid, unsigned long maxnode, const unsigned long *old_nodes,
		       const unsigned long *new_nodes)
{
	uint64_t from, to;
	long e;

	if ((e = get_nodes(&from, old_nodes, maxnode)) || (e = get_nodes(&to, new_nodes, maxnode)))
		return e;
	struct proc *p = target(pid, &e);
	if (!p)
		return e;
	if ((to & ~NODES_ONLINE) && !capable(CAP_SYS_NICE))
		return -EPERM;
	if (!(to & NODES_ONLINE) || p->state != P_ALIVE || !p->mm)
		return -EINVAL;
	return 0; /* the pages that could not be moved: every page is on node 0 */
}

long sys_move_pages(int pid, unsigned long count, void **pages, const int *nodes, int *status,
		    int flags)
{
	long e;

	if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !capable(CAP_SYS_NICE))
		return -EPERM;
	struct proc *p = target(pid, &e);
	if (!p)
		return e;
	if (p->state != P_ALIVE || !p->mm)
		return -EINVAL;
	for (unsigned long i = 0; i < count; i++) {
		void *page;
		int node;
		if (get_user(page, &pages[i]))
			return -EFAULT;
		if (nodes) {
			if (get_user(node, &nodes[i]))
				return -EFAULT;
			if (node < 0 || node >= MAX_NUMNODES || !((NODES_ONLINE >> node) & 1))
				return -ENODEV;
		}
		int st = mpol_page_node(p->mm, (uint64_t)page);
		if (put_user(st, &status[i]))
			return -EFAULT;
	}
	return 0;
}
