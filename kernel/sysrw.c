/* sysrw.c: kernel option sysrw (part of fastsys): the "mov $N,%eax;
 * syscall" sites that htux-mkimage --syscall-sites listed in the image's
 * /.htux/sites, rewritten as the program's pages are faulted in: the mov
 * becomes "jmp TRAMPOLINE" (the 0f 05 stays, so a jump to the syscall
 * itself still traps), the trampoline sets %eax, makes the call (the
 * syscall instruction, or with fastsys a call to the kernel's fast entry)
 * and jumps back. It owns the table (read once, at the first fault that needs it),
 * each address space's trampoline areas (one per file mapped at one
 * place, within +-2 GiB of it) and the counts that verbose reports (with
 * fastsys also the calls made through the fast entry). */
#include "kernel/kernel.h"
#include "kernel/sysrw.h"
#include "kernel/sysrw_sum.h"
#include "kernel/syscall.h"
#include "kernel/vm.h"
#include "kernel/pmem.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/fastsys.h"
#include "fs/vfs.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define SYSRW_HDR 64  /* the area's start: the fast entries' addresses (full, light) */
#define SYSRW_SLOT 32 /* bytes per trampoline */
#define REACH (0x7fffffffL - (1L << 20))

struct sysrw_file {
	struct inode *ino; /* held */
	uint64_t size, sum;
	uint32_t nsites, other;
	uint64_t *off; /* sorted */
	uint8_t *len;
	uint8_t (*orig)[9];  /* each site's bytes in the file (read by check) */
	uint8_t *done;       /* per site: patched at least once (the report) */
	const uint8_t *data; /* inode_data when checked */
	int8_t checked;      /* 0 not yet, 1 the file is the one listed, -1 it is not */
	bool used;           /* sites patched */
};

static struct sysrw_file *files;
static int nfiles;
static int loaded; /* 0 not yet, 1 read, -1 none */
static uint64_t n_rewritten, n_changed, n_noroom;

/* ---- the table */

static uint64_t number(const char **p, const char *end, int base)
{
	uint64_t v = 0;
	while (*p < end && **p == ' ')
		(*p)++;
	for (; *p < end; (*p)++) {
		char c = **p;
		int d = c >= '0' && c <= '9'                 ? c - '0'
			: base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
							     : -1;
		if (d < 0)
			break;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	return v;
}

static const char *line_end(const char *p, const char *end)
{
	while (p < end && *p != '\n')
		p++;
	return p;
}

/* Parses the text of /.htux/sites (format: README). */
static void parse(const char *p, const char *end)
{
	int cap = 0;
	struct sysrw_file *f = NULL;
	uint32_t k = 0;

	p = line_end(p, end) + 1; /* "htux-sites 1" */
	while (p < end) {
		const char *e = line_end(p, end);
		if (*p == 'F') {
			char path[256];
			p++;
			if (nfiles == cap) {
				cap = cap ? cap * 2 : 16;
				struct sysrw_file *n = krealloc(files, cap * sizeof(*n));
				if (!n)
					return;
				files = n;
			}
			f = &files[nfiles];
			memset(f, 0, sizeof(*f));
			f->size = number(&p, e, 10);
			f->sum = number(&p, e, 16);
			f->nsites = (uint32_t)number(&p, e, 10);
			f->other = (uint32_t)number(&p, e, 10);
			while (p < e && *p == ' ')
				p++;
			size_t n = MIN((size_t)(e - p), sizeof(path) - 1);
			memcpy(path, p, n);
			path[n] = 0;
			int err;
			f->ino = fs_lookup(path, true, &err);
			f->off = kmalloc(f->nsites * sizeof(*f->off) + 1);
			f->len = kmalloc(f->nsites + 1);
			k = 0;
			if (!f->ino || !f->off || !f->len) {
				kfree(f->off);
				kfree(f->len);
				if (f->ino)
					inode_put(f->ino);
				f = NULL;
			} else {
				nfiles++;
			}
		} else if (f && k < f->nsites) {
			f->off[k] = number(&p, e, 16);
			f->len[k] = (uint8_t)number(&p, e, 10);
			k++;
		}
		p = e + 1;
	}
}

static void load(void)
{
	int err;
	struct inode *ino = fs_lookup("/.htux/sites", true, &err);
	loaded = -1;
	if (!ino) {
		kinfo("sysrw: the image has no /.htux/sites (htux-mkimage --syscall-sites)\n");
		return;
	}
	size_t n = inode_size(ino);
	char *buf = kmalloc(n + 1);
	if (buf && inode_read(ino, buf, n, 0) == (ssize_t)n && n > 12 &&
	    !memcmp(buf, "htux-sites 1", 12)) {
		parse(buf, buf + n);
		loaded = 1;
	}
	kfree(buf);
	inode_put(ino);
}

/* Whether f's inode still holds the bytes the table was made for. The
 * image's own bytes (inode_data: never written in place) are the ones
 * htux-mkimage read when it wrote the table into the same archive: their
 * size is checked, and each site's bytes when it is patched (the whole
 * checksum would cost 2 ms for a static glibc program under TCG). Other
 * files (a disk's) are checked whole, again if they stop being the
 * image's bytes. */
static bool check(struct sysrw_file *f)
{
	const uint8_t *data = inode_data(f->ino);
	if (f->checked && (data == f->data || f->checked < 0))
		return f->checked > 0;
	f->checked = -1;
	f->data = data;
	if (inode_size(f->ino) != f->size)
		return false;
	if (!data) {
		uint64_t h = f->size;
		uint8_t *buf = kmalloc(PAGE_SIZE);
		if (!buf)
			return false;
		for (uint64_t off = 0; off < f->size; off += PAGE_SIZE) {
			size_t n = MIN(PAGE_SIZE, f->size - off);
			if (inode_read(f->ino, buf, n, off) != (ssize_t)n) {
				kfree(buf);
				return false;
			}
			h = sysrw_sum(h, buf, n);
		}
		kfree(buf);
		if (h != f->sum) {
			kinfo("sysrw: a file changed since its sites were found: left alone\n");
			return false;
		}
	}
	if (!f->orig)
		f->orig = kzalloc(f->nsites * sizeof(*f->orig) + 1);
	if (!f->done)
		f->done = kzalloc(f->nsites + 1);
	if (!f->orig || !f->done)
		return false;
	for (uint32_t i = 0; i < f->nsites; i++) {
		uint8_t l = f->len[i];
		if (l > 9 || f->off[i] > f->size || l > f->size - f->off[i])
			f->len[i] = 0;
		else if (data)
			memcpy(f->orig[i], data + f->off[i], l);
		else if (inode_read(f->ino, f->orig[i], l, f->off[i]) != (ssize_t)l)
			f->len[i] = 0;
	}
	f->checked = 1;
	return true;
}

static int file_of(struct inode *ino)
{
	for (int i = 0; i < nfiles; i++)
		if (files[i].ino == ino)
			return i;
	return -1;
}

/* ---- trampolines */

/* Whether b holds a site's bytes: "mov $imm32,%eax" (b8) or "mov
 * $imm32,%rax" (48 c7 c0), then "syscall". */
static bool site_bytes(const uint8_t *b, uint8_t len)
{
	if (len == 7)
		return b[0] == 0xb8 && b[5] == 0x0f && b[6] == 0x05;
	return len == 9 && b[0] == 0x48 && b[1] == 0xc7 && b[2] == 0xc0 && b[7] == 0x0f &&
	       b[8] == 0x05;
}

static void put32(uint8_t *p, int64_t v)
{
	int32_t x = (int32_t)v;
	memcpy(p, &x, 4);
}

/* The system call in a trampoline at p (address at), which returns to
 * site_end: the syscall instruction itself (sysrw alone: the trap path,
 * %rip inside the trampoline), or with fastsys a call to the fast entry
 * (the contract in arch/x86_64/syscall_entry.S): "lea -128(%rsp),%rsp;
 * lea site_end(%rip),%rcx; call *slot(%rip)", the slot holding its
 * address; it returns to site_end itself. The end. */
static uint8_t *sysrw_emit_call(uint8_t *p, uint64_t at, uint64_t site_end, uint64_t slot)
{
	static const uint8_t skip_red_zone[] = { 0x48, 0x8d, 0x64, 0x24, 0x80 };

	if (!kopts.fastsys) {
		*p++ = 0x0f;
		*p++ = 0x05;
		return p;
	}
	memcpy(p, skip_red_zone, sizeof(skip_red_zone));
	p += sizeof(skip_red_zone);
	at += sizeof(skip_red_zone);
	p[0] = 0x48; /* lea disp32(%rip), %rcx */
	p[1] = 0x8d;
	p[2] = 0x0d;
	put32(p + 3, (int64_t)site_end - (int64_t)(at + 7));
	p += 7;
	at += 7;
	p[0] = 0xff; /* call *disp32(%rip) */
	p[1] = 0x15;
	put32(p + 2, (int64_t)slot - (int64_t)(at + 6));
	return p + 6;
}

/* Writes site i's trampoline at t (address ta) from its original bytes b
 * (site at address sa); a site whose bytes are not a site's gets ud2. */
static void emit(uint8_t *t, uint64_t ta, const uint8_t *b, uint8_t len, uint64_t sa, uint64_t slot)
{
	memset(t, 0xcc, SYSRW_SLOT);
	if (!site_bytes(b, len)) {
		t[0] = 0x0f;
		t[1] = 0x0b;
		return;
	}
	uint8_t *p = t;
	int32_t nr;
	memcpy(&nr, b + len - 6u, sizeof(nr)); /* the mov's imm32 (sign-extended with 48) */
	if (nr >= 0 && syscall_light_ok((uint64_t)nr))
		slot += 8;      /* fast_light_entry */
	memcpy(p, b, len - 2u); /* the mov */
	p += len - 2u;
	p = sysrw_emit_call(p, ta + (uint64_t)(p - t), sa + len, slot);
	*p = 0xe9; /* jmp site_end */
	put32(p + 1, (int64_t)(sa + len) - (int64_t)(ta + (uint64_t)(p - t) + 5));
}

/* A place for len bytes whose every byte is within reach of [lo, hi):
 * the highest gap below lo, else the lowest above hi; 0 if none. */
static uint64_t place(struct mm *mm, uint64_t len, uint64_t lo, uint64_t hi)
{
	uint64_t min = PAGE_UP(MAX(hi > (uint64_t)REACH ? hi - REACH : 0, USER_MMAP_MIN));
	uint64_t max_end = MIN(PAGE_DOWN(lo + REACH), USER_MMAP_TOP);
	uint64_t below = 0, above = 0, prev_end = USER_MMAP_MIN;
	for (struct vma *v = mm->vmas;; v = v->next) {
		uint64_t a0 = MAX(prev_end, min), a1 = MIN(v ? v->start : USER_MMAP_TOP, max_end);
		if (a1 > a0 && a1 - a0 >= len) {
			if (a0 < lo) {
				uint64_t c = PAGE_DOWN(MIN(a1, lo) - len);
				if (c >= a0 && c < lo)
					below = MAX(below, c);
			}
			if (a1 > hi && !above) {
				uint64_t c = PAGE_UP(MAX(a0, hi));
				if (c + len <= a1)
					above = c;
			}
		}
		if (!v || v->start >= max_end)
			break;
		prev_end = MAX(prev_end, v->end);
	}
	return below ? below : above;
}

/* The trampolines of file f mapped at bias, in a new area of mm: every
 * site's written now (a few bytes each), the pages present. */
static struct sysrw_area *make_area(struct mm *mm, int fidx, uint64_t bias)
{
	struct sysrw_file *f = &files[fidx];
	uint64_t len = PAGE_UP(SYSRW_HDR + (uint64_t)f->nsites * SYSRW_SLOT);
	uint64_t lo = bias + f->off[0], hi = bias + f->off[f->nsites - 1] + 9;
	uint64_t at = place(mm, len, lo, hi);
	struct sysrw_area *a = kzalloc(sizeof(*a));
	if (!at || !a ||
	    vm_map(mm, at, len, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, 0,
		   VMA_SYSRW)) {
		kfree(a);
		n_noroom += f->nsites;
		return NULL;
	}
	a->file = f->ino;
	a->bias = bias;
	a->start = at;
	a->len = len;
	a->fidx = fidx;
	uint8_t *page = NULL;
	uint64_t page_va = 0;
	for (uint64_t va = at; va < at + len; va += PAGE_SIZE) {
		uint64_t pa = pmem_alloc_zeroed();
		uint64_t *pte = pa ? paging_walk(mm->pml4, va, true) : NULL;
		if (!pte) {
			if (pa)
				pmem_free(pa);
			continue; /* out of memory: the sites there fault (SIGSEGV) */
		}
		*pte = pa | paging_user_flags(PROT_READ | PROT_EXEC);
		mm->mapped_pages++;
		if (va == at && kopts.fastsys) { /* the slots the calls go through */
			uint64_t entry[2] = { fastsys_entry(), fastsys_light_entry() };
			memcpy(phys_to_virt(pa), entry, sizeof(entry));
		}
	}
	for (uint32_t i = 0; i < f->nsites; i++) {
		uint64_t ta = at + SYSRW_HDR + (uint64_t)i * SYSRW_SLOT;
		if (PAGE_DOWN(ta) != page_va || !page) {
			uint64_t *pte = paging_walk(mm->pml4, PAGE_DOWN(ta), false);
			page = pte && (*pte & PTE_P) ? phys_to_virt(*pte & PTE_ADDR) : NULL;
			page_va = PAGE_DOWN(ta);
		}
		if (!page)
			continue;
		emit(page + (ta - page_va), ta, f->orig[i], f->len[i], bias + f->off[i], at);
	}
	a->next = mm->sysrw;
	mm->sysrw = a;
	return a;
}

static struct sysrw_area *area_of(struct mm *mm, struct inode *ino, uint64_t bias)
{
	for (struct sysrw_area *a = mm->sysrw; a; a = a->next)
		if (a->file == ino && a->bias == bias)
			return a;
	return NULL;
}

/* The first of f's sites that may have a byte at file offset fo or after. */
static uint32_t first_site(const struct sysrw_file *f, uint64_t fo)
{
	uint32_t lo = 0, hi = f->nsites;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->off[mid] + 9 <= fo)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool sysrw_prepare(struct mm *mm, struct vma *v, uint64_t va)
{
	if (!v->file || !(v->prot & PROT_EXEC) || (v->prot & PROT_WRITE) || vma_shared(v))
		return false;
	if (!loaded)
		load();
	int fidx = loaded > 0 ? file_of(v->file) : -1;
	if (fidx < 0 || !files[fidx].nsites)
		return false;
	/* a page without sites is the shared page of the file's bytes */
	const struct sysrw_file *f = &files[fidx];
	uint64_t fo = v->file_off + (va - v->start);
	uint32_t i = first_site(f, fo);
	if (i == f->nsites || f->off[i] >= fo + PAGE_SIZE || !check(&files[fidx]))
		return false;
	uint64_t bias = v->start - v->file_off;
	if (area_of(mm, v->file, bias))
		return true;
	return make_area(mm, fidx, bias) != NULL;
}

/* The byte at va as the program sees it now, or -1 (no page). */
static int byte_at(struct mm *mm, uint64_t va)
{
	uint64_t *pte = paging_walk(mm->pml4, PAGE_DOWN(va), false);
	if (!pte || !(*pte & PTE_ADDR))
		return -1;
	return ((uint8_t *)phys_to_virt(*pte & PTE_ADDR))[va & (PAGE_SIZE - 1)];
}

/* v's trampoline area, if the program has not unmapped it. */
static struct sysrw_area *area_ok(struct mm *mm, struct vma *v)
{
	struct sysrw_area *a = area_of(mm, v->file, v->start - v->file_off);
	struct vma *av = a ? vm_find(mm, a->start) : NULL;
	if (!a || !av || av->kind != VMA_SYSRW || av->start > a->start ||
	    av->end < a->start + a->len)
		return NULL;
	return a;
}

bool sysrw_patch(struct mm *mm, struct vma *v, uint64_t va, uint8_t *page)
{
	struct sysrw_area *a = area_ok(mm, v);
	bool pure = true;
	if (!a)
		return false; /* the program unmapped the trampolines: left alone */
	struct sysrw_file *f = &files[a->fidx];
	uint64_t fo = v->file_off + (va - v->start);
	/* the sites that have a byte in [fo, fo + PAGE_SIZE) */
	for (uint32_t i = first_site(f, fo); i < f->nsites && f->off[i] < fo + PAGE_SIZE; i++) {
		uint64_t off = f->off[i], len = f->len[i];
		if (off + len <= fo || !len)
			continue;
		uint64_t sa = v->start + (off - v->file_off);
		if (off < fo || off + len > fo + PAGE_SIZE)
			pure = false; /* across pages: depends on the other one */
		if (off < v->file_off || sa + len > v->end ||
		    off + len > v->file_off + v->file_bytes) {
			pure = false;
			continue; /* not wholly in this mapping */
		}
		uint64_t ta = a->start + SYSRW_HDR + (uint64_t)i * SYSRW_SLOT;
		const uint8_t *orig = f->orig[i];
		uint8_t patch[5];
		bool ok = true;
		patch[0] = 0xe9;
		put32(patch + 1, (int64_t)ta - (int64_t)(sa + 5));
		/* each byte is the file's (this page, just read) or, on the
		 * other page when it is there, the file's or the patch's */
		for (uint64_t k = 0; ok && k < len; k++) {
			uint64_t b = sa + k;
			int c = PAGE_DOWN(b) == va ? page[b - va] : byte_at(mm, b);
			if (c >= 0 && c != orig[k] &&
			    (PAGE_DOWN(b) == va || k >= 5 || c != patch[k]))
				ok = false;
		}
		if (!ok || !site_bytes(orig, (uint8_t)len)) {
			pure = false;
			if (PAGE_DOWN(sa) == va && f->done[i] != 2) {
				f->done[i] = 2;
				n_changed++;
			}
			continue;
		}
		for (uint64_t k = 0; k < 5; k++)
			if (PAGE_DOWN(sa + k) == va)
				page[sa + k - va] = patch[k];
		if (PAGE_DOWN(sa) == va && !f->done[i]) {
			f->done[i] = 1;
			n_rewritten++;
			f->used = true;
		}
	}
	return pure;
}

/* Patched pages of the image's files, each shared (copy-on-write) by the
 * processes that map the file with its trampolines at the same distance:
 * every exec of a program gets the same layout, so a shell running a
 * program again and again maps the same pages (QEMU keeps its
 * translations) instead of a patched copy each time. Never given back:
 * at most KEPT pages. */
#define KEPT 256
static struct kept {
	const uint8_t *src;
	int64_t delta; /* the area's start - the file's bias */
	uint64_t pa;
} kept[KEPT];
static int nkept;

static bool kept_key(struct mm *mm, struct vma *v, uint64_t va, struct kept *k)
{
	struct sysrw_area *a = area_ok(mm, v);
	const uint8_t *data = inode_data(v->file);
	uint64_t off = va - v->start, fo = v->file_off + off;
	if (!a || !data || off + PAGE_SIZE > v->file_bytes || fo + PAGE_SIZE > inode_size(v->file))
		return false;
	k->src = data + fo;
	k->delta = (int64_t)(a->start - (v->start - v->file_off));
	return true;
}

uint64_t sysrw_kept(struct mm *mm, struct vma *v, uint64_t va)
{
	struct kept k;
	if (!kept_key(mm, v, va, &k))
		return 0;
	for (int i = 0; i < nkept; i++)
		if (kept[i].src == k.src && kept[i].delta == k.delta)
			return page_share(kept[i].pa) ? 0 : kept[i].pa;
	return 0;
}

bool sysrw_keep(struct mm *mm, struct vma *v, uint64_t va, uint64_t pa)
{
	struct kept k;
	if (nkept == KEPT || !kept_key(mm, v, va, &k) || page_share(pa))
		return false;
	k.pa = pa;
	kept[nkept++] = k;
	return true;
}

int sysrw_mm_copy(struct mm *to, const struct mm *from)
{
	struct sysrw_area **tail = &to->sysrw;
	for (const struct sysrw_area *a = from->sysrw; a; a = a->next) {
		struct sysrw_area *n = kmalloc(sizeof(*n));
		if (!n)
			return -ENOMEM;
		*n = *a;
		n->next = NULL;
		*tail = n;
		tail = &n->next;
	}
	return 0;
}

void sysrw_mm_free(struct mm *mm)
{
	while (mm->sysrw) {
		struct sysrw_area *a = mm->sysrw;
		mm->sysrw = a->next;
		kfree(a);
	}
}

void sysrw_report(void)
{
	uint64_t other = 0, known = 0;
	int used = 0;
	for (int i = 0; i < nfiles; i++) {
		if (!files[i].used)
			continue;
		used++;
		other += files[i].other;
		known += files[i].nsites;
	}
	kinfo("syscall sites: %lu rewritten in %d files (of %lu known there), %lu left on the trap "
	      "path (other shapes), %lu not patched (bytes changed)%s\n",
	      n_rewritten, used, known, other, n_changed, n_noroom ? ", some without room" : "");
	if (kopts.fastsys)
		kinfo("fast calls: %lu system calls made by a call to the kernel\n",
		      syscall_fast_calls);
}
