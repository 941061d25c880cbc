/* pagetree.c: sparse arrays of pointers by page number (kernel/pagetree.h):
 * a radix tree whose nodes are 512 pointers (one page), grown at the top
 * as larger indices come. */
#include "kernel/kernel.h"
#include "kernel/pagetree.h"

#define BITS 9
#define FANOUT (1 << BITS)
#define MAX_HEIGHT 6 /* 2^54 indices: any byte offset's page */

static void **node_new(void) { return kzalloc(FANOUT * sizeof(void *)); }

/* How many indices a slot of level l (1: leaves) covers. */
static uint64_t span(int l) { return 1ull << (BITS * (l - 1)); }

void **pagetree_slot(struct pagetree *t, uint64_t idx, bool create)
{
	if (!t->root) {
		if (!create || !(t->root = node_new()))
			return NULL;
		t->height = 1;
	}
	while (t->height < MAX_HEIGHT && idx >= span(t->height) * FANOUT) {
		if (!create)
			return NULL;
		void **n = node_new();
		if (!n)
			return NULL;
		n[0] = t->root;
		t->root = n;
		t->height++;
	}
	if (idx >= span(t->height) * FANOUT)
		return NULL;
	void **node = t->root;
	for (int l = t->height; l > 1; l--) {
		void **s = &node[(idx / span(l)) % FANOUT];
		if (!*s && (!create || !(*s = node_new())))
			return NULL;
		node = *s;
	}
	return &node[idx % FANOUT];
}

/* In the subtree node of level l covering indices from base: the first
 * index >= idx whose slot is (un)set, or UINT64_MAX. A missing subtree
 * is all unset. */
static uint64_t find(void **node, int l, uint64_t base, uint64_t idx, bool want_set)
{
	for (uint64_t i = idx > base ? (idx - base) / span(l) : 0; i < FANOUT; i++) {
		uint64_t b = base + i * span(l);
		if (!node[i]) {
			if (!want_set)
				return MAX(b, idx);
			continue;
		}
		if (l == 1) {
			if (want_set)
				return MAX(b, idx);
			continue;
		}
		uint64_t r = find(node[i], l - 1, b, idx, want_set);
		if (r != UINT64_MAX)
			return r;
	}
	return UINT64_MAX;
}

uint64_t pagetree_find(struct pagetree *t, uint64_t idx, bool want_set)
{
	uint64_t cover = t->root ? span(t->height) * FANOUT : 0;
	if (idx >= cover)
		return want_set ? UINT64_MAX : idx;
	uint64_t r = find(t->root, t->height, 0, idx, want_set);
	if (r == UINT64_MAX && !want_set)
		return cover;
	return r;
}

/* Trims the subtree node of level l covering indices from base; true if
 * it is empty now (freed). */
static bool trim(void **node, int l, uint64_t base, uint64_t from, void (*drop)(void *))
{
	bool empty = true;
	for (uint64_t i = 0; i < FANOUT; i++) {
		uint64_t b = base + i * span(l);
		if (!node[i])
			continue;
		if (b + span(l) <= from) {
			empty = false;
			continue;
		}
		if (l == 1) {
			drop(node[i]);
			node[i] = NULL;
		} else if (trim(node[i], l - 1, b, from, drop)) {
			node[i] = NULL;
		} else {
			empty = false;
		}
	}
	if (empty)
		kfree(node);
	return empty;
}

void pagetree_trim(struct pagetree *t, uint64_t from, void (*drop)(void *p))
{
	if (t->root && trim(t->root, t->height, 0, from, drop)) {
		t->root = NULL;
		t->height = 0;
	}
}
