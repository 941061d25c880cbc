/* mempolicy.c: NUMA memory policies with one node: making a policy as
 * Linux checks it, an address space's areas' policies (splitting areas
 * where the policy changes) and their home node, and the node of a page
 * (always 0 when it is there). Pages come from the one node whatever the
 * policy; the policies are kept so that they read back as set. */
#include "kernel/kernel.h"
#include "kernel/mempolicy.h"
#include "kernel/vm.h"
#include "kernel/vmpte.h"
#include "arch/x86_64/paging.h"

int mpol_make(int mode, unsigned flags, uint64_t nodes, struct mempolicy *p)
{
	bool user_mask = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);

	memset(p, 0, sizeof(*p));
	if (mode == MPOL_DEFAULT)
		return nodes ? -EINVAL : 0;
	if (mode == MPOL_PREFERRED && !nodes) {
		if (user_mask)
			return -EINVAL;
		mode = MPOL_LOCAL; /* preferred with no node: the local one */
	} else if (mode == MPOL_LOCAL) {
		if (nodes || user_mask)
			return -EINVAL;
	} else if (!nodes) {
		return -EINVAL;
	}
	p->mode = (uint16_t)mode;
	p->flags = (uint16_t)flags;
	if (mode == MPOL_LOCAL)
		return 0;
	/* relative nodes fold onto the nodes online: any set bit is node 0 */
	uint64_t eff = (flags & MPOL_F_RELATIVE_NODES) ? NODES_ONLINE : nodes & NODES_ONLINE;
	if (user_mask)
		p->user_nodes = nodes;
	if (!eff)
		return -EINVAL;
	p->nodes = eff & -eff; /* one node online: PREFERRED's first node is the set */
	return 0;
}

uint64_t mpol_report_nodes(const struct mempolicy *p)
{
	if (p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
		return p->user_nodes;
	return p->nodes;
}

static bool same(const struct mempolicy *a, const struct mempolicy *b)
{
	return a->mode == b->mode && a->flags == b->flags && a->home == b->home &&
	       a->nodes == b->nodes && a->user_nodes == b->user_nodes;
}

/* Gives the part of v within [start, end) policy p, v split as needed. */
static int set_area(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		    const struct mempolicy *p)
{
	uint64_t s = MAX(start, v->start), e = MIN(end, v->end);
	if (same(&v->mpol, p))
		return 0;
	if (vm_split(mm, s) || vm_split(mm, e))
		return -ENOMEM;
	for (v = vm_find(mm, s); v && v->start < e; v = v->next)
		v->mpol = *p;
	return 0;
}

int mpol_set_range(struct mm *mm, uint64_t start, uint64_t end, const struct mempolicy *p,
		   bool check_only)
{
	bool holes_ok = p->mode == MPOL_DEFAULT, any = false;
	uint64_t at = start;

	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->end <= start)
			continue;
		if (v->start > at && !holes_ok)
			return -EFAULT;
		any = true;
		at = v->end;
	}
	if (!any || (at < end && !holes_ok))
		return -EFAULT;
	if (check_only)
		return 0;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->end <= start)
			continue;
		uint64_t next_start = v->end;
		int e = set_area(mm, v, start, end, p);
		if (e)
			return e;
		v = vm_find(mm, next_start - 1); /* the last piece of what was v */
	}
	return 0;
}

bool mpol_range_populated(struct mm *mm, uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = paging_walk(mm->pml4, va, false);
		if (pte && (*pte & PTE_ADDR) && vm_find(mm, va))
			return true;
	}
	return false;
}

int mpol_set_home(struct mm *mm, uint64_t start, uint64_t end, int node)
{
	int err = -ENOENT; /* no area of the range has a policy */

	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->end <= start || v->mpol.mode == MPOL_DEFAULT)
			continue;
		if (v->mpol.mode != MPOL_BIND && v->mpol.mode != MPOL_PREFERRED_MANY)
			return -EOPNOTSUPP;
		struct mempolicy p = v->mpol;
		uint64_t next_start = v->end;
		p.home = (int16_t)(node + 1);
		err = set_area(mm, v, start, end, &p);
		if (err)
			return err;
		v = vm_find(mm, next_start - 1);
	}
	return err;
}

const struct mempolicy *mpol_of_addr(struct mm *mm, uint64_t addr)
{
	struct vma *v = vm_find(mm, addr);
	return v ? &v->mpol : NULL;
}

int mpol_page_node(struct mm *mm, uint64_t addr)
{
	if (!vm_find(mm, addr))
		return -EFAULT;
	uint64_t *pte = paging_walk(mm->pml4, addr, false);
	return pte && (*pte & PTE_ADDR) ? 0 : -ENOENT;
}
