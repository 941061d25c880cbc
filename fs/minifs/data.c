/* data.c: a minifs regular file's bytes: first borrowed from the initrd
 * (or the kernel) as one buffer, then, from the first change on, pages of
 * its own in a page tree (kernel/pagetree.c), as tmpfs keeps them: a hole
 * (never written, or truncated away) has no page and reads as zeros, so a
 * byte written at 2 GiB costs one page; SEEK_DATA/SEEK_HOLE report them.
 * Every file's pages count against one limit, half of memory as tmpfs's
 * default size: past it a write gets ENOSPC. Bytes of a file's last page
 * past its size are always zero. A MAP_SHARED mapping maps the file's own
 * pages (mf_page), so that it and read/write see the same bytes; of a file
 * still borrowing, it maps copies (kernel/shmem.c's page set), which the
 * file takes as its own pages at its first change (adopt). */
#include "fs/minifs/mnode.h"
#include "kernel/pmem.h"
#include "kernel/shmem.h"

static uint64_t used_pages; /* pages of all the files */
static const uint8_t zeros[PAGE_SIZE];

uint64_t minifs_limit_pages(void) { return pmem_total_pages() / 2; }

uint64_t minifs_used_pages(void) { return used_pages; }

static struct mnode *trimmed; /* whose pages drop_page frees */

static void drop_page(void *p)
{
	page_put(virt_to_phys(p)); /* a shared mapping may still hold it */
	used_pages--;
	trimmed->npages--;
}

/* Frees m's pages from index from on. */
static void trim(struct mnode *m, uint64_t from)
{
	trimmed = m;
	pagetree_trim(&m->pages, from, drop_page);
}

/* The page of index idx (made when create: -ENOSPC when the limit is
 * reached or memory is out); NULL for a hole. */
static uint8_t *page_at(struct mnode *m, uint64_t idx, bool create, int *err)
{
	void **s = pagetree_slot(&m->pages, idx, create);
	if (s && !*s && create) {
		uint64_t pa = used_pages < minifs_limit_pages() ? pmem_alloc_zeroed() : 0;
		if (pa) {
			*s = phys_to_virt(pa);
			used_pages++;
			m->npages++;
		}
	}
	if (create && (!s || !*s))
		*err = -ENOSPC;
	return s ? *s : NULL;
}

/* The page a MAP_SHARED mapping made of a file still borrowing its bytes
 * holds for index idx (its copy, which may hold stores newer than the
 * image's bytes) becomes the file's own: the mappings made before and
 * after the file's first change and read/write then see one page. */
static bool adopt(struct mnode *m, uint64_t idx, size_t k)
{
	uint64_t pa = m->vi.shared ? shared_copy_get(&m->vi, idx) : 0; /* held */
	if (!pa)
		return false;
	void **s = pagetree_slot(&m->pages, idx, true);
	if (!s) {
		page_put(pa);
		return false;
	}
	*s = phys_to_virt(pa);
	memset((uint8_t *)*s + k, 0, PAGE_SIZE - k); /* past the end: zeros */
	used_pages++;
	m->npages++;
	return true;
}

/* Gives a file with borrowed bytes pages of its own (zero pages stay
 * holes; a shared mapping's copies are adopted). 0 or -ENOSPC. */
static int own(struct mnode *m)
{
	if (m->owned)
		return 0;
	uint64_t size = m->vi.size;
	for (uint64_t at = 0; at < size; at += PAGE_SIZE) {
		size_t k = MIN(PAGE_SIZE, size - at);
		if (adopt(m, at / PAGE_SIZE, k) || !memcmp(m->data + at, zeros, k))
			continue;
		int err = 0;
		uint8_t *pg = page_at(m, at / PAGE_SIZE, true, &err);
		if (!pg) {
			trim(m, 0);
			return err;
		}
		memcpy(pg, m->data + at, k);
	}
	m->owned = true;
	m->data = NULL;
	return 0;
}

void mf_free_data(struct mnode *m) { trim(m, 0); }

int mf_page(struct inode *ino, uint64_t idx, uint64_t *pa)
{
	struct mnode *m = M(ino);
	if (idx >= PAGE_UP(ino->size) / PAGE_SIZE)
		return -ERANGE;
	/* A file still borrowing the image's bytes is not copied whole for
	 * a mapping (a JDK's 123 MiB lib/modules, mapped at start-up): its
	 * pages go through the mapping's page set, filled from the file as
	 * touched, as a disk file's do (kernel/shmem.c). */
	if (!m->owned)
		return -ERANGE;
	int e = own(m);
	if (e)
		return e;
	uint8_t *pg = page_at(m, idx, true, &e);
	if (!pg)
		return e;
	if (page_share(virt_to_phys(pg)))
		return -ENOMEM;
	*pa = virt_to_phys(pg);
	return 0;
}

uint64_t mf_blocks(struct inode *ino)
{
	struct mnode *m = M(ino);
	if (!m->owned)
		return PAGE_UP(ino->size) / 512;
	return m->npages * (PAGE_SIZE / 512);
}

int mf_truncate(struct inode *ino, uint64_t len)
{
	struct mnode *m = M(ino);
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (len > MINIFS_MAX_FILE)
		return -EFBIG;
	if (len != ino->size) {
		int e = own(m);
		if (e)
			return e;
	}
	if (len < ino->size) {
		trim(m, PAGE_UP(len) / PAGE_SIZE);
		int e;
		uint8_t *pg = (len % PAGE_SIZE) ? page_at(m, len / PAGE_SIZE, false, &e) : NULL;
		if (pg)
			memset(pg + len % PAGE_SIZE, 0, PAGE_SIZE - len % PAGE_SIZE);
	}
	ino->size = len; /* growing makes a hole */
	ino->mtime = ino->ctime = fs_now();
	return 0;
}

const void *mf_data(struct inode *ino)
{
	/* Only bytes borrowed from the image (or the kernel): those never
	 * change, a write gives the file pages of its own. */
	return S_ISREG(ino->mode) && !M(ino)->owned ? M(ino)->data : NULL;
}

int64_t mf_seek_data(struct inode *ino, uint64_t off, bool hole)
{
	struct mnode *m = M(ino);
	uint64_t size = ino->size;
	if (!m->owned)
		return hole ? (int64_t)size : (int64_t)off;
	uint64_t idx = pagetree_find(&m->pages, off / PAGE_SIZE, !hole);
	uint64_t at = idx == UINT64_MAX ? size : MAX(off, idx * PAGE_SIZE);
	if (hole)
		return (int64_t)MIN(at, size);
	return at >= size ? -ENXIO : (int64_t)at;
}

/* The copies to and from the program take no fault that sleeps while they
 * use a page (another thread's truncate may free it): at a page not there
 * yet they stop, bring it in, and go on from what the file is then. A
 * fault part way gives a short count, as Linux. */
static ssize_t mf_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	struct mnode *m = M(ino);
	size_t done = 0;
	while (done < n && off + done < ino->size) {
		uint64_t at = off + done;
		size_t k = MIN(n - done, ino->size - at);
		const uint8_t *src;
		if (!m->owned) {
			src = m->data + at;
		} else {
			int e;
			k = MIN(k, PAGE_SIZE - at % PAGE_SIZE);
			const uint8_t *pg = page_at(m, at / PAGE_SIZE, false, &e);
			src = pg ? pg + at % PAGE_SIZE : zeros;
		}
		size_t c = xcopy_out_nosleep((uint8_t *)buf + done, src, k, user);
		done += c;
		if (c < k && fault_in_user((uint8_t *)buf + done, true))
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)done;
}

static ssize_t mf_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	struct inode *ino = f->ino;
	struct mnode *m = M(ino);
	if (n == 0)
		return 0;
	if (off >= MINIFS_MAX_FILE || n > MINIFS_MAX_FILE - off)
		return -EFBIG;
	int e = own(m);
	if (e)
		return e;
	size_t done = 0;
	while (done < n) {
		uint64_t at = off + done;
		size_t k = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
		uint8_t *pg = page_at(m, at / PAGE_SIZE, true, &e);
		if (!pg)
			break;
		size_t c = xcopy_in_nosleep(pg + at % PAGE_SIZE, (const uint8_t *)buf + done, k,
					    user);
		done += c;
		if (c && at + c > ino->size)
			ino->size = at + c;
		if (c < k && (e = fault_in_user((const uint8_t *)buf + done, false)))
			break;
	}
	if (!done)
		return e;
	ino->mtime = ino->ctime = fs_now();
	return (ssize_t)done;
}

const struct file_ops mf_reg_fops = {
	.read = mf_read,
	.write = mf_write,
};

void minifs_set_data(struct inode *ino, const void *data, size_t n)
{
	struct mnode *m = M(ino);
	mf_free_data(m);
	m->data = data;
	m->owned = false;
	ino->size = n;
}
