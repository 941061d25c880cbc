/* mempolicy.h: NUMA memory policies (kernel/mempolicy.c) on a machine
 * with one node, node 0: a thread's policy (set_mempolicy) and an area's
 * (mbind), each kept as given so that get_mempolicy reports it. Node
 * masks are 64 bits (Linux's MAX_NUMNODES with NODES_SHIFT 6). */
#ifndef HTUX_MEMPOLICY_H
#define HTUX_MEMPOLICY_H

#include <stdint.h>
#include <stdbool.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_MAX 7
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)
#define MAX_NUMNODES 64
#define NODES_ONLINE 1ull /* node 0 */

/* A zeroed one is the default policy. */
struct mempolicy {
	uint16_t mode;       /* MPOL_*, MPOL_DEFAULT: none */
	uint16_t flags;      /* MPOL_F_* */
	int16_t home;        /* set_mempolicy_home_node's node + 1; 0: none */
	uint64_t nodes;      /* the nodes it uses (of those online) */
	uint64_t user_nodes; /* as given, kept with STATIC or RELATIVE_NODES */
};

struct mm;

/* A policy from mode, flags and the nodes asked for, as Linux's mpol_new
 * and mpol_set_nodemask: 0 or -EINVAL (no node online in the mask, a
 * mask where none may be, ...). */
int mpol_make(int mode, unsigned flags, uint64_t nodes, struct mempolicy *p);
/* The nodes get_mempolicy reports for p. */
uint64_t mpol_report_nodes(const struct mempolicy *p);
/* Gives [start, end) of mm policy p (mbind): -EFAULT for a hole in the
 * range (default policy: only when nothing is mapped there), -ENOMEM.
 * check_only: the holes only. */
int mpol_set_range(struct mm *mm, uint64_t start, uint64_t end, const struct mempolicy *p,
		   bool check_only);
/* Whether a page of [start, end) is present (mbind's MPOL_MF_STRICT). */
bool mpol_range_populated(struct mm *mm, uint64_t start, uint64_t end);
/* set_mempolicy_home_node: node for the areas of [start, end) with a
 * BIND or PREFERRED_MANY policy; -EOPNOTSUPP at one with another,
 * -ENOENT when none has a policy. */
int mpol_set_home(struct mm *mm, uint64_t start, uint64_t end, int node);
/* The policy of the area at addr (NULL: none mapped). */
const struct mempolicy *mpol_of_addr(struct mm *mm, uint64_t addr);
/* The node of the page at addr of mm: 0, -ENOENT (not present), -EFAULT
 * (no area there). */
int mpol_page_node(struct mm *mm, uint64_t addr);

#endif
