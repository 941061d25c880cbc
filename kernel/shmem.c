/* shmem.c: the page sets behind MAP_SHARED mappings (kernel/shmem.h): a
 * radix tree of physical pages by page offset, per file while shared
 * mappings of it exist, and the anonymous shared-memory objects whose
 * data they are (shown as "/dev/zero (deleted)" as on Linux). The set
 * holds one reference to each page (pageref.c counts the mappings'). */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"
#include "fs/vfs.h"

#define FANOUT_BITS 9
#define FANOUT (1 << FANOUT_BITS)   /* slots per node: a node is one page */
#define MAX_HEIGHT 6                /* 2^54 pages: any file offset */

struct pageset {
	int maps;                 /* MAP_SHARED areas (+1 held by an anonymous object) */
	int height;               /* levels below root; 0: empty */
	void **root;
};

struct shmem_inode {
	struct inode vi;
	struct pageset ps;
	char name[40];
};

static void free_node(void **node, int level)
{
	for (int i = 0; i < FANOUT; i++) {
		if (!node[i])
			continue;
		if (level > 1)
			free_node(node[i], level - 1);
		else
			page_put((uint64_t)node[i]);
	}
	kfree(node);
}

static void pageset_clear(struct pageset *ps)
{
	if (ps->root)
		free_node(ps->root, ps->height);
	ps->root = NULL;
	ps->height = 0;
}

/* The slot for idx (made when create; NULL: none, or no memory). A leaf
 * slot holds a physical address stored as a pointer. */
static void **slot(struct pageset *ps, uint64_t idx, bool create)
{
	if (!ps->root) {
		if (!create || !(ps->root = kzalloc(FANOUT * sizeof(void *))))
			return NULL;
		ps->height = 1;
	}
	while (ps->height < MAX_HEIGHT && (idx >> (FANOUT_BITS * ps->height))) {
		if (!create)
			return NULL;
		void **n = kzalloc(FANOUT * sizeof(void *));
		if (!n)
			return NULL;
		n[0] = ps->root;
		ps->root = n;
		ps->height++;
	}
	if (idx >> (FANOUT_BITS * ps->height))
		return NULL;
	void **node = ps->root;
	for (int l = ps->height - 1; l > 0; l--) {
		void **s = &node[(idx >> (FANOUT_BITS * l)) & (FANOUT - 1)];
		if (!*s) {
			if (!create || !(*s = kzalloc(FANOUT * sizeof(void *))))
				return NULL;
		}
		node = *s;
	}
	return &node[idx & (FANOUT - 1)];
}

/* ---- anonymous objects */

static void shmem_evict(struct inode *ino)
{
	struct shmem_inode *s = (struct shmem_inode *)ino;
	pageset_clear(&s->ps);
	kfree(s);
}

static const struct inode_ops shmem_iops = {
	.evict = shmem_evict,
};

struct inode *shmem_new(const char *name, uint64_t size)
{
	struct shmem_inode *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	inode_init(&s->vi, S_IFREG | 0777, SHMEM_DEV);
	s->vi.nlink = 0;                 /* no name: "(deleted)" */
	s->vi.size = size;
	s->vi.ops = &shmem_iops;
	s->ps.maps = 1;                  /* the object's own: its pages are its data */
	s->vi.shared = &s->ps;
	ksnprintf(s->name, sizeof(s->name), "%s", name);
	s->vi.name = s->name;
	s->vi.refs = 1;
	return &s->vi;
}

bool shmem_is(struct inode *ino)
{
	return ino && ino->ops == &shmem_iops;
}

/* ---- mappings */

int shared_map_get(struct inode *ino)
{
	if (!ino->shared && !(ino->shared = kzalloc(sizeof(struct pageset))))
		return -ENOMEM;
	ino->shared->maps++;
	return 0;
}

void shared_map_put(struct inode *ino)
{
	struct pageset *ps = ino->shared;
	if (!ps || --ps->maps > 0)
		return;
	pageset_clear(ps);
	kfree(ps);
	ino->shared = NULL;
}

/* Takes a mapping's reference to the set's page at *s. */
static int map_ref(void **s, uint64_t *pa)
{
	if (page_share((uint64_t)*s))
		return -ENOMEM;
	*pa = (uint64_t)*s;
	return 0;
}

int shared_page(struct inode *ino, uint64_t idx, uint64_t *pa)
{
	struct pageset *ps = ino->shared;
	if (!ps)
		return -EAGAIN;
	void **s = slot(ps, idx, true);
	if (!s)
		return -ENOMEM;
	if (*s)
		return map_ref(s, pa);
	uint64_t p = pmem_alloc_zeroed();
	if (!p)
		return -ENOMEM;
	uint64_t off = idx * PAGE_SIZE, size = inode_size(ino);
	if (!shmem_is(ino) && off < size) {
		/* The read may sleep: meanwhile the set may go (the last
		 * mapping), or another fault fill the slot. */
		inode_get(ino);
		ssize_t r = inode_read(ino, phys_to_virt(p), MIN(PAGE_SIZE, size - off), off);
		ps = ino->shared;
		inode_put(ino);
		if (r < 0 || !ps) {
			pmem_free(p);
			return r < 0 ? -EIO : -EAGAIN;
		}
		if (!(s = slot(ps, idx, true))) {
			pmem_free(p);
			return -ENOMEM;
		}
		if (*s) {
			pmem_free(p);
			return map_ref(s, pa);
		}
	}
	*s = (void *)p;
	return map_ref(s, pa);
}
