/* shm.c: System V shared memory segments: each is an array of pages
 * (made zeroed on first touch, shared by every attachment) behind an inode
 * of its own that the attaching areas (struct vma, kind VMA_SHM) hold;
 * shmat maps it, shmdt unmaps it, and the segment goes when it was
 * removed (IPC_RMID) and its last attachment is gone: that inode's last
 * reference. The attach count is the areas holding it, as Linux counts
 * them (a fork's copies, split pieces). */
#include "kernel/ipc/ipc.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/pmem.h"
#include "fs/vfs.h"
#include "fs/pseudo.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

struct shm_seg {
	struct ipc_obj o;
	size_t size;
	uint64_t npages;
	uint64_t *pages;   /* physical addresses; 0: not made yet */
	struct inode *ino; /* priv: this; the table's reference until removed */
	int cpid, lpid;
	int64_t atime, dtime;
	char name[24];
};

static struct ipc_ids shm_ids = { .limit = IPC_SHMMNI };
static uint64_t shm_total_pages; /* of all segments (shmall) */

static void shm_evict(struct inode *ino);
static const struct inode_ops shm_iops = { .evict = shm_evict };

static struct shm_seg *seg_of(struct inode *ino)
{
	return ino && ino->ops == &shm_iops ? ino->priv : NULL;
}

static unsigned long nattch(struct shm_seg *s)
{
	return (unsigned long)s->ino->refs - ((s->o.mode & SHM_DEST) ? 0 : 1);
}

static uint64_t resident(struct shm_seg *s)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < s->npages; i++)
		n += s->pages[i] != 0;
	return n;
}

/* The last reference to the inode: the segment is removed and detached. */
static void shm_evict(struct inode *ino)
{
	struct shm_seg *s = ino->priv;
	ipc_remove(&shm_ids, &s->o);
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pages[i])
			page_put(s->pages[i]);
	shm_total_pages -= s->npages;
	kfree(s->pages);
	kfree(s);
	kfree(ino);
}

static int shm_create(int key, int flg, long arg)
{
	size_t size = (size_t)arg;
	if (size < 1 || size > IPC_SHMMAX)
		return -EINVAL;
	uint64_t npages = PAGE_UP(size) / PAGE_SIZE;
	if (shm_total_pages + npages < shm_total_pages || shm_total_pages + npages > IPC_SHMALL)
		return -ENOSPC;
	if (shm_ids.in_use >= shm_ids.limit)
		return -ENOSPC;
	if (npages > (1UL << 40) / sizeof(uint64_t))
		return -ENOMEM;
	struct shm_seg *s = kzalloc(sizeof(*s));
	struct inode *ino = kzalloc(sizeof(*ino));
	uint64_t *pages = kzalloc(npages * sizeof(uint64_t));
	if (!s || !ino || !pages)
		goto nomem;
	int id = ipc_add(&shm_ids, &s->o, key, (unsigned)flg);
	if (id < 0) {
		kfree(s);
		kfree(ino);
		kfree(pages);
		return id;
	}
	s->size = size;
	s->npages = npages;
	s->pages = pages;
	s->cpid = current->pid;
	ksnprintf(s->name, sizeof(s->name), "/SYSV%08x (deleted)", (unsigned)key);
	ino->ino = (uint64_t)id; /* as Linux: the shmid */
	ino->dev = 1;            /* Linux's shm mount: 00:01 */
	ino->mode = S_IFREG | (s->o.mode & 0777);
	ino->uid = s->o.uid;
	ino->gid = s->o.gid;
	ino->size = size;
	ino->refs = 1;
	ino->ops = &shm_iops;
	ino->priv = s;
	ino->name = s->name;
	s->ino = ino;
	shm_total_pages += npages;
	return id;
nomem:
	kfree(s);
	kfree(ino);
	kfree(pages);
	return -ENOMEM;
}

static int shm_check(struct ipc_obj *o, long arg)
{
	return (size_t)arg > ((struct shm_seg *)o)->size ? -EINVAL : 0;
}

long shm_get(int key, size_t size, int flg)
{
	return ipc_getobj(&shm_ids, key, flg, shm_create, shm_check, (long)size);
}

int shm_fault_page(struct inode *ino, uint64_t off, uint64_t *pa)
{
	struct shm_seg *s = seg_of(ino);
	uint64_t i = off / PAGE_SIZE;
	if (!s || i >= s->npages)
		return VM_FAULT_SIGBUS;
	if (!s->pages[i]) {
		uint64_t p = pmem_alloc_zeroed();
		if (!p)
			return -ENOMEM;
		s->pages[i] = p;
	}
	if (page_share(s->pages[i]))
		return -ENOMEM;
	*pa = s->pages[i];
	return 0;
}

long shm_attach(int id, uint64_t addr, int flg)
{
	struct shm_seg *s = (struct shm_seg *)ipc_get(&shm_ids, id);
	struct mm *mm = current->mm;
	if (addr) {
		if (addr & (SHMLBA - 1)) {
			if (!(flg & SHM_RND))
				return -EINVAL;
			addr &= ~(uint64_t)(SHMLBA - 1);
			if (!addr && (flg & SHM_REMAP))
				return -EINVAL;
		}
	} else if (flg & SHM_REMAP) {
		return -EINVAL;
	}
	if (!s)
		return -EINVAL;
	int prot = PROT_READ, want = S_IRUGO;
	if (!(flg & SHM_RDONLY)) {
		prot |= PROT_WRITE;
		want |= S_IWUGO;
	}
	if (flg & SHM_EXEC) {
		prot |= PROT_EXEC;
		want |= S_IXUGO;
	}
	int e = ipc_perm(&s->o, want);
	if (e)
		return e;
	uint64_t len = s->npages * PAGE_SIZE;
	if (addr) {
		if (addr < USER_MMAP_MIN || addr > USER_TOP - len)
			return -EINVAL;
		if (!(flg & SHM_REMAP) && !vm_range_free(mm, addr, len))
			return -EINVAL;
	} else if (!(addr = vm_find_free(mm, len, 0))) {
		return -ENOMEM;
	}
	/* held: SHM_REMAP over an attachment of this segment may drop its
	 * last reference before the new area takes one */
	struct inode *ino = inode_get(s->ino);
	e = vm_map(mm, addr, len, prot, MAP_SHARED, ino, 0, len, VMA_SHM);
	inode_put(ino);
	if (e)
		return e;
	s->atime = ipc_now();
	s->lpid = current->pid;
	return (long)addr;
}

long shm_detach(uint64_t addr)
{
	struct mm *mm = current->mm;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	struct vma *v = vm_find(mm, addr);
	struct shm_seg *s;
	if (!v || v->start != addr || v->kind != VMA_SHM || v->file_off || !(s = seg_of(v->file)))
		return -EINVAL;
	s->dtime = ipc_now();
	s->lpid = current->pid;
	/* Every piece of this attachment: the areas of the segment that
	 * start where their offset says (addr + offset), within its size. */
	struct inode *ino = v->file;
	uint64_t end = addr + s->npages * PAGE_SIZE;
	for (;;) {
		struct vma *w;
		for (w = mm->vmas; w; w = w->next)
			if (w->kind == VMA_SHM && w->file == ino && w->start >= addr &&
			    w->start < end && w->start - w->file_off == addr)
				break;
		if (!w)
			break;
		if (vm_unmap(mm, w->start, w->end - w->start))
			return -ENOMEM; /* the inode (and s) may be gone now */
	}
	return 0;
}

static void fill_ds(struct shmid64_ds *d, struct shm_seg *s)
{
	memset(d, 0, sizeof(*d));
	ipc_fill_perm(&d->shm_perm, &s->o);
	d->shm_segsz = s->size;
	d->shm_atime = s->atime;
	d->shm_dtime = s->dtime;
	d->shm_ctime = s->o.ctime;
	d->shm_cpid = s->cpid;
	d->shm_lpid = s->lpid;
	d->shm_nattch = nattch(s);
}

static void shm_remove(struct shm_seg *s)
{
	s->o.mode |= SHM_DEST;
	s->o.key = IPC_PRIVATE; /* Linux: a removed segment keeps no key */
	inode_put(s->ino);      /* the last one frees it (shm_evict) */
}

long shm_ctl(int id, int cmd, void *ubuf)
{
	struct shm_info {
		int used_ids;
		unsigned long shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
	};
	if (cmd == IPC_INFO) {
		struct shminfo64 i = { .shmmax = IPC_SHMMAX,
				       .shmmin = 1,
				       .shmmni = IPC_SHMMNI,
				       .shmseg = IPC_SHMMNI,
				       .shmall = IPC_SHMALL };
		if (copy_to_user(ubuf, &i, sizeof(i)))
			return -EFAULT;
		return ipc_max_idx(&shm_ids);
	}
	if (cmd == SHM_INFO) {
		struct shm_info i = { .used_ids = shm_ids.in_use };
		for (int k = 0; k < shm_ids.cap; k++) {
			struct shm_seg *s = (struct shm_seg *)shm_ids.slot[k];
			if (s) {
				i.shm_tot += s->npages;
				i.shm_rss += resident(s);
			}
		}
		if (copy_to_user(ubuf, &i, sizeof(i)))
			return -EFAULT;
		return ipc_max_idx(&shm_ids);
	}
	struct shm_seg *s;
	if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		s = (struct shm_seg *)ipc_at(&shm_ids, id);
	else
		s = (struct shm_seg *)ipc_get(&shm_ids, id);
	if (!s)
		return -EINVAL;
	struct shmid64_ds d;
	int e;
	switch (cmd) {
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		if (cmd != SHM_STAT_ANY && (e = ipc_perm(&s->o, S_IRUGO)))
			return e;
		fill_ds(&d, s);
		if (copy_to_user(ubuf, &d, sizeof(d)))
			return -EFAULT;
		return cmd == IPC_STAT ? 0 : s->o.id;
	case IPC_SET:
		if (copy_from_user(&d, ubuf, sizeof(d)))
			return -EFAULT;
		if ((e = ipc_may_change(&s->o)))
			return e;
		ipc_set_perm(&s->o, &d.shm_perm);
		s->ino->mode = S_IFREG | (s->o.mode & 0777);
		return 0;
	case IPC_RMID:
		if ((e = ipc_may_change(&s->o)))
			return e;
		if (!(s->o.mode & SHM_DEST))
			shm_remove(s);
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		if ((e = ipc_may_change(&s->o)))
			return e;
		if (cmd == SHM_LOCK)
			s->o.mode |= SHM_LOCKED;
		else
			s->o.mode &= ~SHM_LOCKED;
		return 0;
	}
	return -EINVAL;
}

void gen_sysvipc_shm(struct sbuf *sb)
{
	sb_str(sb, "       key      shmid perms                  size  cpid  lpid nattch"
		   "   uid   gid  cuid  cgid      atime      dtime      ctime                   rss"
		   "                  swap\n");
	for (int k = 0; k < shm_ids.cap; k++) {
		struct shm_seg *s = (struct shm_seg *)shm_ids.slot[k];
		if (!s)
			continue;
		sb_printf(sb,
			  "%10d %10d  %4o %21lu %5d %5d  %5lu %5u %5u %5u %5u "
			  "%10ld %10ld %10ld "
			  "%21lu %21lu\n",
			  s->o.key, s->o.id, s->o.mode, (unsigned long)s->size, s->cpid, s->lpid,
			  nattch(s), s->o.uid, s->o.gid, s->o.cuid, s->o.cgid, (long)s->atime,
			  (long)s->dtime, (long)s->o.ctime,
			  (unsigned long)(resident(s) * PAGE_SIZE), 0UL);
	}
}

void gen_sys_shmmax(struct sbuf *sb) { sb_printf(sb, "%lu\n", IPC_SHMMAX); }
void gen_sys_shmall(struct sbuf *sb) { sb_printf(sb, "%lu\n", IPC_SHMALL); }
void gen_sys_shmmni(struct sbuf *sb) { sb_printf(sb, "%d\n", IPC_SHMMNI); }
