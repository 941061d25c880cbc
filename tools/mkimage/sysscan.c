/* sysscan.c: finds the system-call numbers a program's code can use, with
   Capstone: a linear disassembly of each executable segment into compact
   records, then for each "syscall" instruction a backward search for the
   constant that reaches rax (see sysscan.h). */
#include "sysscan.h"
#include "report.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum kind {
	K_OTHER,   /* writes the registers in .writes */
	K_MOVIMM,  /* dst = imm (full register) */
	K_MOVREG,  /* dst = src (full registers) */
	K_JCC,     /* conditional jump to target (0: indirect) */
	K_JMP,     /* unconditional jump (0: indirect) or ret: no fall-through */
	K_CALL,    /* call target (0: indirect); clobbers the caller-saved */
	K_SYSCALL, /* clobbers rax, rcx, r11 */
	K_PAD,     /* nop or int3: alignment between functions and loops */
};

struct ins {
	uint64_t addr, target;
	int64_t imm;
	uint32_t writes; /* bit per general register */
	uint8_t kind, dst, src;
};

struct code {
	struct ins *v;
	size_t n, cap;
	uint64_t *jumps;  /* (target << 0) pairs: sorted targets of direct jumps */
	size_t *jump_src; /* ... with the index of the jump, same order */
	size_t njumps;
	uint64_t *calls; /* sorted targets of direct calls */
	size_t *call_src;
	size_t ncalls;
	unsigned char *noret; /* per function entry: 0 not known yet, 1 returns,
				   2 never returns, 3 being found */
};

/* Capstone's register to our numbering (rax 0 ... r15 15), or -1. *full
   is set when writing it sets the whole 64-bit register. */
static int gpr(unsigned r, int *full)
{
	static const unsigned q[16] = { X86_REG_RAX, X86_REG_RCX, X86_REG_RDX, X86_REG_RBX,
					X86_REG_RSP, X86_REG_RBP, X86_REG_RSI, X86_REG_RDI,
					X86_REG_R8,  X86_REG_R9,  X86_REG_R10, X86_REG_R11,
					X86_REG_R12, X86_REG_R13, X86_REG_R14, X86_REG_R15 };
	static const unsigned d[16] = { X86_REG_EAX,  X86_REG_ECX,  X86_REG_EDX,  X86_REG_EBX,
					X86_REG_ESP,  X86_REG_EBP,  X86_REG_ESI,  X86_REG_EDI,
					X86_REG_R8D,  X86_REG_R9D,  X86_REG_R10D, X86_REG_R11D,
					X86_REG_R12D, X86_REG_R13D, X86_REG_R14D, X86_REG_R15D };
	static const unsigned w[16] = { X86_REG_AX,   X86_REG_CX,   X86_REG_DX,   X86_REG_BX,
					X86_REG_SP,   X86_REG_BP,   X86_REG_SI,   X86_REG_DI,
					X86_REG_R8W,  X86_REG_R9W,  X86_REG_R10W, X86_REG_R11W,
					X86_REG_R12W, X86_REG_R13W, X86_REG_R14W, X86_REG_R15W };
	static const unsigned b[16] = { X86_REG_AL,   X86_REG_CL,   X86_REG_DL,   X86_REG_BL,
					X86_REG_SPL,  X86_REG_BPL,  X86_REG_SIL,  X86_REG_DIL,
					X86_REG_R8B,  X86_REG_R9B,  X86_REG_R10B, X86_REG_R11B,
					X86_REG_R12B, X86_REG_R13B, X86_REG_R14B, X86_REG_R15B };
	int i;

	*full = 1;
	for (i = 0; i < 16; i++)
		if (r == q[i] || r == d[i])
			return i;
	*full = 0;
	for (i = 0; i < 16; i++)
		if (r == w[i] || r == b[i])
			return i;
	if (r == X86_REG_AH || r == X86_REG_CH || r == X86_REG_DH || r == X86_REG_BH)
		return r == X86_REG_AH ? 0 : r == X86_REG_CH ? 1 : r == X86_REG_DH ? 2 : 3;
	return -1;
}

static int has_group(const cs_insn *in, int g)
{
	for (int i = 0; i < in->detail->groups_count; i++)
		if (in->detail->groups[i] == g)
			return 1;
	return 0;
}

static void classify(csh h, const cs_insn *in, struct ins *r)
{
	const cs_x86 *x = &in->detail->x86;
	cs_regs rd, wr;
	uint8_t nrd, nwr;
	int full, full2, a, b;

	memset(r, 0, sizeof *r);
	r->addr = in->address;
	if (in->id == X86_INS_SYSCALL) {
		r->kind = K_SYSCALL;
		return;
	}
	if (has_group(in, CS_GRP_CALL) || has_group(in, CS_GRP_JUMP) || has_group(in, CS_GRP_RET) ||
	    has_group(in, CS_GRP_INT) || has_group(in, CS_GRP_IRET)) {
		if (has_group(in, CS_GRP_CALL))
			r->kind = K_CALL;
		else if (has_group(in, CS_GRP_JUMP) && in->id != X86_INS_JMP &&
			 in->id != X86_INS_LJMP)
			r->kind = K_JCC;
		else
			r->kind = K_JMP;
		if (r->kind != K_JMP || in->id == X86_INS_JMP)
			if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM)
				r->target = (uint64_t)x->operands[0].imm;
		if (in->id == X86_INS_HLT || in->id == X86_INS_UD2)
			r->kind = K_JMP;
		return;
	}
	if (in->id == X86_INS_HLT || in->id == X86_INS_UD2) {
		r->kind = K_JMP;
		return;
	}
	if (in->id == X86_INS_NOP || in->id == X86_INS_INT3) {
		r->kind = K_PAD;
		return;
	}
	if ((in->id == X86_INS_MOV || in->id == X86_INS_MOVABS) && x->op_count == 2 &&
	    x->operands[0].type == X86_OP_REG && (a = gpr(x->operands[0].reg, &full)) >= 0 &&
	    full) {
		if (x->operands[1].type == X86_OP_IMM) {
			r->kind = K_MOVIMM;
			r->dst = (uint8_t)a;
			r->imm = x->operands[1].imm;
			return;
		}
		if (x->operands[1].type == X86_OP_REG &&
		    (b = gpr(x->operands[1].reg, &full2)) >= 0 && full2) {
			r->kind = K_MOVREG;
			r->dst = (uint8_t)a;
			r->src = (uint8_t)b;
			return;
		}
	}
	if ((in->id == X86_INS_XOR || in->id == X86_INS_SUB) && x->op_count == 2 &&
	    x->operands[0].type == X86_OP_REG && x->operands[1].type == X86_OP_REG &&
	    x->operands[0].reg == x->operands[1].reg && (a = gpr(x->operands[0].reg, &full)) >= 0 &&
	    full) {
		r->kind = K_MOVIMM;
		r->dst = (uint8_t)a;
		r->imm = 0;
		return;
	}
	r->kind = K_OTHER;
	if (cs_regs_access(h, in, rd, &nrd, wr, &nwr) == CS_ERR_OK)
		for (int i = 0; i < nwr; i++)
			if ((a = gpr(wr[i], &full)) >= 0)
				r->writes |= 1u << a;
	/* xchg and cmpxchg may not list both operands */
	for (int i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_REG &&
		    (a = gpr(x->operands[i].reg, &full)) >= 0 &&
		    (x->operands[i].access & CS_AC_WRITE))
			r->writes |= 1u << a;
}

static int push_ins(struct code *c, const struct ins *r)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 65536;
		struct ins *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *r;
	return 0;
}

/* Disassembles [buf, buf+len) at vaddr; an undecodable byte is skipped. */
static int disassemble(csh h, const uint8_t *buf, size_t len, uint64_t vaddr, struct code *c)
{
	cs_insn *in = cs_malloc(h);
	const uint8_t *p = buf;
	size_t left = len;
	uint64_t addr = vaddr;
	struct ins r;

	if (!in)
		return -1;
	while (left) {
		if (!cs_disasm_iter(h, &p, &left, &addr, in)) {
			p++, left--, addr++;
			continue;
		}
		classify(h, in, &r);
		if (push_ins(c, &r)) {
			cs_free(in, 1);
			return -1;
		}
	}
	cs_free(in, 1);
	return 0;
}

struct pair {
	uint64_t target;
	size_t src;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	return x->target < y->target ? -1 : x->target > y->target;
}

/* The sorted (target, source) lists of direct jumps and calls. */
static int index_targets(struct code *c)
{
	struct pair *j = malloc((c->n + 1) * sizeof *j), *k = malloc((c->n + 1) * sizeof *k);
	size_t nj = 0, nk = 0, i;

	if (!j || !k) {
		free(j);
		free(k);
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		if (!c->v[i].target)
			continue;
		if (c->v[i].kind == K_CALL)
			k[nk++] = (struct pair){ c->v[i].target, i };
		else
			j[nj++] = (struct pair){ c->v[i].target, i };
	}
	qsort(j, nj, sizeof *j, cmp_pair);
	qsort(k, nk, sizeof *k, cmp_pair);
	c->jumps = malloc((nj + 1) * sizeof *c->jumps);
	c->jump_src = malloc((nj + 1) * sizeof *c->jump_src);
	c->calls = malloc((nk + 1) * sizeof *c->calls);
	c->call_src = malloc((nk + 1) * sizeof *c->call_src);
	if (!c->jumps || !c->jump_src || !c->calls || !c->call_src) {
		free(j);
		free(k);
		return -1;
	}
	for (i = 0; i < nj; i++)
		c->jumps[i] = j[i].target, c->jump_src[i] = j[i].src;
	for (i = 0; i < nk; i++)
		c->calls[i] = k[i].target, c->call_src[i] = k[i].src;
	c->njumps = nj;
	c->ncalls = nk;
	free(j);
	free(k);
	return 0;
}

/* The first index in sorted v[0..n) holding x (n when none). */
static size_t first_of(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x ? lo : n;
}

/* The index of the instruction at addr, or c->n. */
static size_t index_of(const struct code *c, uint64_t addr)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->v[lo].addr == addr ? lo : c->n;
}

#define NORET_BUDGET 4000
#define NORET_DEPTH 6
#define HSIZE 16384 /* > 2 * NORET_BUDGET, a power of two */

/* A set of instruction indices (+1; 0 is empty), open addressing. */
static int hset_add(uint32_t *h, size_t i)
{
	uint32_t k = (uint32_t)i + 1;
	for (size_t j = (k * 2654435761u) & (HSIZE - 1);; j = (j + 1) & (HSIZE - 1)) {
		if (h[j] == k)
			return 0;
		if (!h[j]) {
			h[j] = k;
			return 1;
		}
	}
}

/* Whether the function at instruction f can never return: no ret (nor
   indirect jump) is reachable from its entry along fall-through, direct
   jumps, and calls to functions that return. When unsure (too big, too
   deep, recursive), it returns. */
static int never_returns(struct code *c, size_t f, int depth)
{
	if (f >= c->n)
		return 0;
	if (c->noret[f])
		return c->noret[f] == 2;
	if (depth > NORET_DEPTH)
		return 0;
	c->noret[f] = 3; /* recursion: assumed to return */
	uint32_t *seen = calloc(HSIZE, sizeof *seen);
	size_t *work = malloc(NORET_BUDGET * sizeof *work), nwork = 0, n = 0;
	int returns = !seen || !work;
	if (!returns) {
		work[nwork++] = f;
		hset_add(seen, f);
	}
	while (nwork && !returns) {
		size_t i = work[--nwork], next[2];
		int nn = 0;
		const struct ins *p = &c->v[i];
		if (++n > NORET_BUDGET) {
			returns = 1;
			break;
		}
		switch (p->kind) {
		case K_JMP:
			if (!p->target)
				returns = 1; /* ret, or an indirect jump */
			else
				next[nn++] = index_of(c, p->target);
			break;
		case K_JCC:
			if (!p->target)
				returns = 1;
			next[nn++] = index_of(c, p->target);
			next[nn++] = i + 1;
			break;
		case K_CALL:
			if (!p->target || !never_returns(c, index_of(c, p->target), depth + 1))
				next[nn++] = i + 1;
			break;
		default: next[nn++] = i + 1;
		}
		for (int k = 0; k < nn && !returns; k++) {
			if (next[k] >= c->n || nwork == NORET_BUDGET)
				returns = 1; /* leaves the code we know */
			else if (hset_add(seen, next[k]))
				work[nwork++] = next[k];
		}
	}
	free(seen);
	free(work);
	c->noret[f] = returns ? 1 : 2;
	return !returns;
}

/* The call at instruction i goes to a function that never returns. */
static int call_ends(struct code *c, size_t i)
{
	return c->v[i].kind == K_CALL && c->v[i].target &&
	       never_returns(c, index_of(c, c->v[i].target), 0);
}

#define BUDGET 20000 /* instructions looked at for one site */
#define MAXVALS 16

struct search {
	struct code *c;
	long budget;
	unsigned char *seen; /* per (instruction, register): visited */
	int64_t vals[MAXVALS];
	int nvals;
	int unknown;
};

static void add_val(struct search *s, int64_t v)
{
	for (int i = 0; i < s->nvals; i++)
		if (s->vals[i] == v)
			return;
	if (s->nvals == MAXVALS)
		s->unknown = 1;
	else
		s->vals[s->nvals++] = v;
}

static const uint32_t caller_saved = 0x0FC7; /* rax rcx rdx rsi rdi r8-r11 */
static const uint32_t arg_regs = 0x03C6;     /* rdi rsi rdx rcx r8 r9 */

/* The values register reg can hold when instruction i starts. */
static void reaching(struct search *s, size_t i, int reg)
{
	struct code *c = s->c;

	for (;;) {
		if (s->unknown)
			return;
		if (--s->budget < 0) {
			s->unknown = 1;
			return;
		}
		unsigned char bit = (unsigned char)(1u << (reg & 7));
		size_t slot = i * 2 + (size_t)(reg >> 3);
		if (s->seen[slot] & bit)
			return; /* a cycle brings nothing new */
		s->seen[slot] |= bit;
		uint64_t a = c->v[i].addr;
		/* every jump into this instruction */
		for (size_t k = first_of(c->jumps, c->njumps, a); k < c->njumps && c->jumps[k] == a;
		     k++)
			reaching(s, c->jump_src[k], reg);
		/* a function entry: the argument as each direct caller sets it */
		size_t k = first_of(c->calls, c->ncalls, a);
		if (k < c->ncalls) {
			if (!(arg_regs & (1u << reg))) {
				s->unknown = 1;
				return;
			}
			for (; k < c->ncalls && c->calls[k] == a; k++)
				reaching(s, c->call_src[k], reg);
			return; /* functions are entered by calls only */
		}
		if (i == 0) {
			s->unknown = 1;
			return;
		}
		const struct ins *p = &c->v[i - 1];
		size_t q = i - 1;
		while (q > 0 && c->v[q].kind == K_PAD)
			q--; /* padding after a jump is not a way in */
		if (p->kind == K_JMP || p->addr + 16 < a || c->v[q].kind == K_JMP ||
		    call_ends(c, q)) {
			/* no fall-through (after a jump, padding, or a call that
			   never returns): reached only by the jumps above, or
			   in ways we cannot see (unknown) */
			if (first_of(c->jumps, c->njumps, a) == c->njumps)
				s->unknown = 1;
			return;
		}
		switch (p->kind) {
		case K_SYSCALL:
			if (reg == 0 || reg == 1 || reg == 11) {
				s->unknown = 1;
				return;
			}
			break;
		case K_CALL:
			if (caller_saved & (1u << reg)) {
				s->unknown = 1;
				return;
			}
			break;
		case K_MOVIMM:
			if (p->dst == reg) {
				add_val(s, p->imm);
				return;
			}
			break;
		case K_MOVREG:
			if (p->dst == reg)
				reg = p->src;
			break;
		case K_OTHER:
			if (p->writes & (1u << reg)) {
				s->unknown = 1;
				return;
			}
			break;
		}
		i--;
	}
}

static void scan_sites(struct code *c, struct sysscan *out, unsigned char *seen, const char *path)
{
	struct search s;

	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].kind != K_SYSCALL)
			continue;
		memset(seen, 0, c->n * 2);
		memset(&s, 0, sizeof s);
		s.c = c;
		s.budget = BUDGET;
		s.seen = seen;
		reaching(&s, i, 0);
		out->sites++;
		if (s.unknown || !s.nvals) {
			if (out->unknown < SYSSCAN_SHOW) {
				out->unknown_at[out->unknown] = c->v[i].addr;
				out->unknown_in[out->unknown] = path;
			}
			out->unknown++;
			continue;
		}
		for (int k = 0; k < s.nvals; k++) {
			if (s.vals[k] >= 0 && s.vals[k] < SYSSCAN_MAX)
				out->used[s.vals[k]] = 1;
			else
				out->out_of_range++;
		}
	}
}

int sysscan_file(const char *path, struct sysscan *out)
{
	struct code c;
	Elf *e = NULL;
	GElf_Phdr ph;
	size_t nph, i, size;
	char *img;
	csh h;
	int fd, ret = -1;

	memset(&c, 0, sizeof c);
	if (elf_version(EV_CURRENT) == EV_NONE) {
		mk_error(path, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
		mk_error(NULL, "capstone: cannot open an x86-64 disassembler");
		close(fd);
		return -1;
	}
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	e = elf_begin(fd, ELF_C_READ, NULL);
	img = e ? elf_rawfile(e, &size) : NULL;
	if (!img || elf_getphdrnum(e, &nph)) {
		mk_error(path, "not an ELF file: %s", elf_errmsg(-1));
		goto out;
	}
	for (i = 0; i < nph; i++) {
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
			mk_error(path, "a segment lies past the end of the file");
			goto out;
		}
		if (disassemble(h, (const uint8_t *)img + ph.p_offset, ph.p_filesz, ph.p_vaddr, &c))
			goto nomem;
	}
	if (index_targets(&c))
		goto nomem;
	unsigned char *seen = calloc(c.n * 2 + 2, 1);
	c.noret = calloc(c.n + 1, 1);
	if (!seen || !c.noret) {
		free(seen);
		goto nomem;
	}
	scan_sites(&c, out, seen, path);
	free(seen);
	ret = 0;
	goto out;
nomem:
	mk_error(NULL, "out of memory");
out:
	if (e)
		elf_end(e);
	cs_close(&h);
	close(fd);
	free(c.v);
	free(c.jumps);
	free(c.jump_src);
	free(c.calls);
	free(c.call_src);
	free(c.noret);
	return ret;
}
