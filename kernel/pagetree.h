/* pagetree.h: a sparse array of pointers indexed by page number (a radix
 * tree of 512-way nodes, growing in height as indices grow), for the
 * pages of shared-memory objects (kernel/shmem.c) and of RAM files
 * (fs/minifs/data.c). An empty tree is all zeros. */
#ifndef HTUX_PAGETREE_H
#define HTUX_PAGETREE_H

#include <stdint.h>
#include <stdbool.h>

struct pagetree {
	int height; /* levels; 0: empty */
	void **root;
};

/* The slot of index idx; made (with the nodes on the way) when create.
 * NULL: none there, or no memory. */
void **pagetree_slot(struct pagetree *t, uint64_t idx, bool create);
/* The first index >= idx whose slot is set (want_set) or unset
 * (!want_set); UINT64_MAX when none is set past idx. */
uint64_t pagetree_find(struct pagetree *t, uint64_t idx, bool want_set);
/* Calls drop on every set slot at index >= from, clears it, and frees
 * the nodes left empty (from 0: the whole tree). */
void pagetree_trim(struct pagetree *t, uint64_t from, void (*drop)(void *p));

#endif
