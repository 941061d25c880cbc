/* sites.c: htux-mkimage --syscall-sites: finds, with Capstone's linear
   disassembly of the code that function starts cover (.eh_frame FDEs and
   function symbols), the "mov $imm32,%eax; syscall" sites of each ELF
   file in the image, and writes the table /.htux/sites (format: README,
   "Rewriting syscall sites" in docs/design.md). */
#define _XOPEN_SOURCE 700
#include "sites.h"
#include "image.h"
#include "report.h"
#include "../../kernel/sysrw_sum.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct range {
	uint64_t start, end;
};

struct xrange { /* executable bytes: [addr, addr+size) at file offset off */
	uint64_t addr, off, size;
};

struct scan {
	const unsigned char *img;
	size_t size;
	struct xrange *x;
	size_t nx;
	struct range *cov; /* covered code (sorted by start) */
	size_t ncov, capcov;
	uint64_t *targets; /* direct jump and call targets */
	size_t nt, capt;
	struct site *cand; /* candidates, by address in .off until the end */
	size_t nc, capc;
	size_t syscalls;
};

uint64_t sites_checksum(const unsigned char *p, size_t n) { return sysrw_sum(n, p, n); }

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 256;
	void *p = realloc(*v, c * elem);
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

static int add_cov(struct scan *s, uint64_t start, uint64_t end)
{
	if (end <= start)
		return 0;
	if (grow((void **)&s->cov, &s->capcov, s->ncov, sizeof *s->cov))
		return -1;
	s->cov[s->ncov++] = (struct range){ start, end };
	return 0;
}

static int in_file(const struct scan *s, uint64_t off, uint64_t n)
{
	return off <= s->size && n <= s->size - off;
}

/* Reads an encoded .eh_frame pointer at p (field address pc); 0 when the
   encoding is not one we know. */
static int eh_ptr(const unsigned char *p, const unsigned char *end, uint8_t enc, uint64_t pc,
		  uint64_t *val, size_t *len)
{
	int32_t s4;
	uint32_t u4;
	uint64_t v;

	switch (enc & 0x0f) {
	case 0x00: /* absptr */
	case 0x04: /* udata8 */
	case 0x0c: /* sdata8 */
		if (end - p < 8)
			return 0;
		memcpy(&v, p, 8);
		*len = 8;
		break;
	case 0x03:
		if (end - p < 4)
			return 0;
		memcpy(&u4, p, 4);
		v = u4;
		*len = 4;
		break;
	case 0x0b:
		if (end - p < 4)
			return 0;
		memcpy(&s4, p, 4);
		v = (uint64_t)(int64_t)s4;
		*len = 4;
		break;
	default: return 0;
	}
	if ((enc & 0x70) == 0x10) /* pcrel */
		v += pc;
	else if (enc & 0x70)
		return 0;
	*val = v;
	return 1;
}

static uint64_t uleb(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;
	int sh = 0;
	while (*p < end) {
		unsigned char b = *(*p)++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			break;
	}
	return v;
}

/* The FDE pointer encoding of the CIE at c (its length field), or -1. */
static int cie_encoding(const unsigned char *c, const unsigned char *end)
{
	const unsigned char *p = c + 8, *aug;
	uint8_t version, enc = 0;

	if (p >= end)
		return -1;
	version = *p++;
	aug = p;
	while (p < end && *p)
		p++;
	if (p++ >= end)
		return -1;
	uleb(&p, end); /* code alignment */
	uleb(&p, end); /* data alignment (sleb: only skipped) */
	if (version == 1)
		p++;
	else
		uleb(&p, end);
	if (aug[0] != 'z')
		return 0;
	uleb(&p, end);
	for (const unsigned char *a = aug + 1; *a && p < end; a++) {
		if (*a == 'R')
			return *p;
		if (*a == 'L') {
			p++;
		} else if (*a == 'P') {
			uint64_t v;
			size_t n;
			uint8_t penc = *p++;
			if (!eh_ptr(p, end, penc & 0x0f, 0, &v, &n))
				return -1;
			p += n;
		} else if (*a != 'S' && *a != 'B') {
			return -1;
		}
	}
	return enc;
}

/* The function ranges of .eh_frame at [sec, sec+n) loaded at addr. */
static int eh_frame(struct scan *s, const unsigned char *sec, size_t n, uint64_t addr)
{
	const unsigned char *p = sec, *end = sec + n;

	while (end - p >= 8) {
		uint32_t len, id;
		memcpy(&len, p, 4);
		if (!len || len == 0xffffffffu || len > (size_t)(end - p) - 4)
			break; /* the terminator, or 64-bit records (not made for x86-64) */
		const unsigned char *rec_end = p + 4 + len;
		memcpy(&id, p + 4, 4);
		if (id) { /* an FDE: id is the distance back to its CIE */
			const unsigned char *cie = p + 4 - id;
			int enc = cie >= sec && cie < end ? cie_encoding(cie, end) : -1;
			uint64_t pc, range;
			size_t l1, l2;
			const unsigned char *f = p + 8;
			if (enc >= 0 &&
			    eh_ptr(f, rec_end, (uint8_t)enc, addr + (uint64_t)(f - sec), &pc,
				   &l1) &&
			    eh_ptr(f + l1, rec_end, (uint8_t)(enc & 0x0f), 0, &range, &l2) &&
			    add_cov(s, pc, pc + range))
				return -1;
		}
		p = rec_end;
	}
	return 0;
}

static int symbols(struct scan *s, const Elf64_Shdr *sh)
{
	if (!in_file(s, sh->sh_offset, sh->sh_size) || sh->sh_entsize != sizeof(Elf64_Sym))
		return 0;
	const Elf64_Sym *sym = (const void *)(s->img + sh->sh_offset);
	for (size_t i = 0; i < sh->sh_size / sizeof *sym; i++)
		if (ELF64_ST_TYPE(sym[i].st_info) == STT_FUNC && sym[i].st_shndx != SHN_UNDEF &&
		    sym[i].st_size && add_cov(s, sym[i].st_value, sym[i].st_value + sym[i].st_size))
			return -1;
	return 0;
}

/* The executable ranges and the covered code of the ELF image. 1, 0 (not
   an x86-64 ELF file with code), -1. */
static int layout(struct scan *s)
{
	const Elf64_Ehdr *eh = (const void *)s->img;
	if (s->size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
		return 0;
	if (!eh->e_shnum || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(s, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return 0; /* no sections: nothing says where functions start */
	const Elf64_Shdr *sh = (const void *)(s->img + eh->e_shoff);
	const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
	s->x = calloc(eh->e_shnum, sizeof *s->x);
	if (!s->x)
		return -1;
	for (size_t i = 0; i < eh->e_shnum; i++) {
		const char *name = "";
		if (in_file(s, strs->sh_offset, strs->sh_size) && sh[i].sh_name < strs->sh_size)
			name = (const char *)s->img + strs->sh_offset + sh[i].sh_name;
		if (sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_EXECINSTR) &&
		    (sh[i].sh_flags & SHF_ALLOC) && in_file(s, sh[i].sh_offset, sh[i].sh_size))
			s->x[s->nx++] = (struct xrange){ sh[i].sh_addr, sh[i].sh_offset,
							 sh[i].sh_size };
		if (sh[i].sh_type == SHT_PROGBITS && !strcmp(name, ".eh_frame") &&
		    in_file(s, sh[i].sh_offset, sh[i].sh_size) &&
		    eh_frame(s, s->img + sh[i].sh_offset, sh[i].sh_size, sh[i].sh_addr))
			return -1;
		if ((sh[i].sh_type == SHT_SYMTAB || sh[i].sh_type == SHT_DYNSYM) &&
		    symbols(s, &sh[i]))
			return -1;
	}
	return s->nx ? 1 : 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

static int cmp_site(const void *a, const void *b)
{
	const struct site *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The target of a direct jump or call at addr (insn of n bytes), or 0. */
static uint64_t branch_target(const unsigned char *b, size_t n, uint64_t addr)
{
	size_t i = 0;
	int8_t r8;
	int32_t r32;

	while (i < n && (b[i] == 0x66 || b[i] == 0xf2 || b[i] == 0xf3 || b[i] == 0x2e ||
			 b[i] == 0x3e || (b[i] & 0xf0) == 0x40))
		i++;
	if (i >= n)
		return 0;
	if ((b[i] == 0xeb || (b[i] & 0xf0) == 0x70 || (b[i] >= 0xe0 && b[i] <= 0xe3)) &&
	    i + 2 == n) {
		r8 = (int8_t)b[i + 1];
		return addr + n + (uint64_t)(int64_t)r8;
	}
	if ((b[i] == 0xe8 || b[i] == 0xe9) && i + 5 == n) {
		memcpy(&r32, b + i + 1, 4);
		return addr + n + (uint64_t)(int64_t)r32;
	}
	if (b[i] == 0x0f && i + 6 == n && (b[i + 1] & 0xf0) == 0x80) {
		memcpy(&r32, b + i + 2, 4);
		return addr + n + (uint64_t)(int64_t)r32;
	}
	return 0;
}

static int is_mov_eax(const cs_insn *in)
{
	static const unsigned char rax[3] = { 0x48, 0xc7, 0xc0 };
	return (in->size == 5 && in->bytes[0] == 0xb8) ||
	       (in->size == 7 && !memcmp(in->bytes, rax, 3));
}

/* Linear disassembly of [start, end) of executable range x; a function
   start (starts[k..]) inside an instruction restarts there. */
static int sweep(struct scan *s, csh h, cs_insn *in, const struct xrange *x, uint64_t start,
		 uint64_t end, const uint64_t *starts, size_t nstarts)
{
	uint64_t addr = start, prev_addr = 0;
	const unsigned char *p;
	size_t k = 0, left;
	int prev_mov = 0;
	uint8_t prev_len = 0;

	while (k < nstarts && starts[k] <= start)
		k++;
	while (addr < end) {
		p = s->img + x->off + (addr - x->addr);
		left = end - addr;
		uint64_t a = addr;
		if (!cs_disasm_iter(h, &p, &left, &a, in)) {
			addr++;
			prev_mov = 0;
			continue;
		}
		while (k < nstarts && starts[k] < addr)
			k++;
		if (k < nstarts && starts[k] > addr && starts[k] < a) {
			addr = starts[k]; /* this instruction hides a function start */
			prev_mov = 0;
			continue;
		}
		uint64_t t = branch_target(in->bytes, in->size, addr);
		if (t) {
			if (grow((void **)&s->targets, &s->capt, s->nt, sizeof *s->targets))
				return -1;
			s->targets[s->nt++] = t;
		}
		if (in->id == X86_INS_SYSCALL) {
			if (prev_mov && in->size == 2 && in->bytes[0] == 0x0f &&
			    in->bytes[1] == 0x05) {
				if (grow((void **)&s->cand, &s->capc, s->nc, sizeof *s->cand))
					return -1;
				s->cand[s->nc++] = (struct site){ prev_addr,
								  (uint8_t)(prev_len + 2) };
			} else {
				s->syscalls++;
			}
		}
		prev_mov = is_mov_eax(in);
		prev_addr = addr;
		prev_len = (uint8_t)in->size;
		addr = a;
	}
	return 0;
}

/* Keeps the candidates no direct branch enters but at the mov or the
   syscall; converts their addresses into file offsets. */
static void filter(struct scan *s, struct sites *out)
{
	size_t n = 0;
	qsort(s->targets, s->nt, sizeof *s->targets, cmp_u64);
	for (size_t i = 0; i < s->nc; i++) {
		uint64_t a = s->cand[i].off, sc = a + s->cand[i].len - 2;
		size_t lo = 0, hi = s->nt;
		while (lo < hi) { /* the first target > a */
			size_t mid = lo + (hi - lo) / 2;
			if (s->targets[mid] <= a)
				lo = mid + 1;
			else
				hi = mid;
		}
		int bad = 0;
		for (; lo < s->nt && s->targets[lo] < a + s->cand[i].len; lo++)
			if (s->targets[lo] != sc)
				bad = 1;
		if (bad) {
			s->syscalls++;
			continue;
		}
		for (size_t j = 0; j < s->nx; j++)
			if (a >= s->x[j].addr &&
			    a + s->cand[i].len <= s->x[j].addr + s->x[j].size) {
				s->cand[n].off = a - s->x[j].addr + s->x[j].off;
				s->cand[n++].len = s->cand[i].len;
				break;
			}
	}
	qsort(s->cand, n, sizeof *s->cand, cmp_site);
	out->v = s->cand;
	out->n = n;
	s->cand = NULL;
}

static int scan_image(struct scan *s, struct sites *out)
{
	csh h;
	cs_insn *in;
	uint64_t *starts;
	int r = layout(s);

	if (r <= 0)
		return r;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
		mk_error(NULL, "capstone: cannot open an x86-64 disassembler");
		return -1;
	}
	qsort(s->cov, s->ncov, sizeof *s->cov, cmp_range);
	in = cs_malloc(h);
	starts = malloc((s->ncov + 1) * sizeof *starts);
	r = in && starts ? 1 : -1;
	for (size_t i = 0; r > 0 && i < s->ncov; i++)
		starts[i] = s->cov[i].start;
	/* each run of overlapping function ranges, clipped to each
	   executable section */
	for (size_t i = 0; r > 0 && i < s->ncov;) {
		uint64_t st = s->cov[i].start, en = s->cov[i].end;
		size_t j = i + 1;
		for (; j < s->ncov && s->cov[j].start < en; j++)
			if (s->cov[j].end > en)
				en = s->cov[j].end;
		for (size_t k = 0; r > 0 && k < s->nx; k++) {
			uint64_t a = st > s->x[k].addr ? st : s->x[k].addr;
			uint64_t b = en < s->x[k].addr + s->x[k].size ? en
								      : s->x[k].addr + s->x[k].size;
			if (a < b && sweep(s, h, in, &s->x[k], a, b, starts + i, j - i))
				r = -1;
		}
		i = j;
	}
	if (r > 0)
		filter(s, out);
	out->other = s->syscalls;
	free(starts);
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	if (r < 0)
		mk_error(NULL, "out of memory");
	return r;
}

int sites_file(const char *path, struct sites *out)
{
	struct scan s;
	struct stat st;
	int fd, r;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		mk_error(path, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return 0;
	}
	s.size = (size_t)st.st_size;
	s.img = mmap(NULL, s.size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (s.img == MAP_FAILED) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	r = scan_image(&s, out);
	if (r > 0) {
		out->size = s.size;
		out->sum = sites_checksum(s.img, s.size);
	}
	munmap((void *)s.img, s.size);
	free(s.x);
	free(s.cov);
	free(s.targets);
	free(s.cand);
	if (r <= 0)
		sites_free(out);
	return r;
}

void sites_free(struct sites *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Appends path's lines (guest: its name in the image) to the table f:
   0 (also when it is no ELF file with code), or -1. */
static int table_file(FILE *f, const char *host, const char *guest)
{
	struct sites s;
	int r = sites_file(host, &s);

	if (r <= 0)
		return r;
	fprintf(f, "F %llu %016llx %zu %zu %s\n", (unsigned long long)s.size,
		(unsigned long long)s.sum, s.n, s.other, guest);
	for (size_t k = 0; k < s.n; k++)
		fprintf(f, "%llx %u\n", (unsigned long long)s.v[k].off, s.v[k].len);
	sites_free(&s);
	return 0;
}

/* The table being made by sites_tree's walk (nftw has no context). */
static FILE *tree_table;
static size_t tree_base;

static int tree_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode) || st->st_size < (off_t)sizeof(Elf64_Ehdr))
		return 0;
	return table_file(tree_table, path, path + tree_base) ? -1 : 0;
}

/* Makes the table in a new buffer: the files of the image im, or of the
   tree rootfs (its paths in the guest: below rootfs). */
static int make_table(struct image *im, const char *rootfs, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	int r = 0;

	if (!f) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	fputs("htux-sites 1\n", f);
	for (size_t i = 0; im && !r && i < im->seen.cap; i++) {
		const struct pathset_entry *e = &im->seen.tab[i];
		if (e->path && e->host && e->kind == PS_FILE)
			r = table_file(f, e->host, e->path);
	}
	if (rootfs) {
		tree_table = f;
		tree_base = strlen(rootfs);
		if (nftw(rootfs, tree_one, 16, FTW_PHYS))
			r = -1;
	}
	if (fclose(f)) {
		mk_error(NULL, "out of memory");
		r = -1;
	}
	if (r) {
		free(*buf);
		*buf = NULL;
	}
	return r;
}

int sites_add(struct image *im)
{
	char *buf;
	size_t len;
	int r = make_table(im, NULL, &buf, &len);

	if (!r)
		r = image_add_data(im, "/.htux/sites", 0644, buf, len);
	free(buf);
	return r;
}

char *sites_tree(const char *rootfs)
{
	char *buf;
	size_t len;

	return make_table(NULL, rootfs, &buf, &len) ? NULL : buf;
}
