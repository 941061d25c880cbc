/* shmem.c: the page sets behind MAP_SHARED mappings (kernel/shmem.h): a
 * tree of physical pages by page offset (kernel/pagetree.c), per file
 * while shared mappings of it exist, and the anonymous shared-memory
 * objects whose data they are (shown as "/dev/zero (deleted)" as on Linux). The set
 * holds one reference to each page (pageref.c counts the mappings'). */
#include "kernel/kernel.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"
#include "kernel/pagetree.h"
#include "fs/vfs.h"

struct pageset {
	int maps;              /* MAP_SHARED areas (+1 held by an anonymous object) */
	struct pagetree pages; /* physical addresses, stored as pointers */
};

struct shmem_inode {
	struct inode vi;
	struct pageset ps;
	char name[40];
};

static void drop_page(void *p) { page_put((uint64_t)p); }

static void pageset_clear(struct pageset *ps) { pagetree_trim(&ps->pages, 0, drop_page); }

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
	s->vi.nlink = 0; /* no name: "(deleted)" */
	s->vi.size = size;
	s->vi.ops = &shmem_iops;
	s->ps.maps = 1; /* the object's own: its pages are its data */
	s->vi.shared = &s->ps;
	ksnprintf(s->name, sizeof(s->name), "%s", name);
	s->vi.name = s->name;
	s->vi.refs = 1;
	return &s->vi;
}

bool shmem_is(struct inode *ino) { return ino && ino->ops == &shmem_iops; }

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
	if (ino->ops && ino->ops->page) {
		/* a RAM file's own pages: no copy to write back */
		int e = ino->ops->page(ino, idx, pa);
		if (e != -ERANGE)
			return e;
	}
	void **s = pagetree_slot(&ps->pages, idx, true);
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
		if (!(s = pagetree_slot(&ps->pages, idx, true))) {
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

bool shmem_has_page(struct inode *ino, uint64_t idx)
{
	struct pageset *ps = ino->shared;
	void **s = ps ? pagetree_slot(&ps->pages, idx, false) : NULL;
	return s && *s;
}

uint64_t shared_copy_get(struct inode *ino, uint64_t idx)
{
	struct pageset *ps = ino->shared;
	void **s = ps ? pagetree_slot(&ps->pages, idx, false) : NULL;
	if (!s || !*s || page_share((uint64_t)*s))
		return 0;
	return (uint64_t)*s;
}

int shmem_add_page(struct inode *ino, uint64_t idx, uint64_t pa)
{
	struct pageset *ps = ino->shared;
	void **s = ps ? pagetree_slot(&ps->pages, idx, true) : NULL;
	if (!s)
		return -ENOMEM;
	if (*s)
		return -EEXIST;
	if (page_share(pa))
		return -ENOMEM;
	*s = (void *)pa;
	return 0;
}
