/* procinfo.c: the contents of the generated /proc and /sys files that
 * report figures: memory (pmem and the program's pages), the CPU (CPUID
 * and the TSC), system counters, any process and its threads (maps, stat,
 * status, auxv, comm) and the sysctl values under /proc/sys. */
#include "kernel/uts.h"
#include "fs/vfs.h"
#include "fs/pseudo.h"
#include "kernel/proc.h"
#include "kernel/pmem.h"
#include "kernel/vm.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include "kernel/signal.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>
#include <linux/mman.h>
#include <linux/auxvec.h>
#include <linux/capability.h>

#define USER_HZ 100
#define NS_PER_TICK (1000000000ull / USER_HZ)
#define KB(pages) ((unsigned long)((pages) * (PAGE_SIZE / 1024)))

/* ---- the program's memory */

struct memfig {
	uint64_t size;               /* bytes of all areas */
	uint64_t data, stack, exe;   /* bytes: private writable, stack, file-backed executable */
	uint64_t rss_anon, rss_file; /* resident pages */
	uint64_t committed;          /* bytes of private writable areas */
};

static void mem_figures(struct memfig *m, struct proc *p)
{
	memset(m, 0, sizeof(*m));
	if (!p || !p->mm)
		return;
	for (struct vma *v = p->mm->vmas; v; v = v->next) {
		if (VMA_SPECIAL(v))
			continue;
		uint64_t len = v->end - v->start;
		m->size += len;
		if (v->kind == VMA_STACK)
			m->stack += len;
		else if ((v->prot & PROT_WRITE) && (v->flags & MAP_TYPE) == MAP_PRIVATE)
			m->data += len;
		if ((v->prot & PROT_EXEC) && v->file)
			m->exe += len;
		if ((v->prot & PROT_WRITE) && (v->flags & MAP_TYPE) == MAP_PRIVATE)
			m->committed += len;
		for (uint64_t a = v->start; a < v->end; a += PAGE_SIZE) {
			uint64_t *pte = paging_walk(p->mm->pml4, a, false);
			if (pte && (*pte & PTE_P)) {
				if (v->file)
					m->rss_file++;
				else
					m->rss_anon++;
			}
		}
	}
}

static void kb_line(struct sbuf *sb, const char *name, unsigned long kb)
{
	char label[24];
	ksnprintf(label, sizeof(label), "%s:", name);
	sb_printf(sb, "%-16s%8lu kB\n", label, kb);
}

void gen_meminfo(struct sbuf *sb)
{
	struct memfig m;
	mem_figures(&m, current);
	uint64_t total = pmem_total_pages(), free = pmem_free_pages();
	kb_line(sb, "MemTotal", KB(total));
	kb_line(sb, "MemFree", KB(free));
	uint64_t cache = pmem_reclaimable_pages(); /* the disks' clean blocks */
	kb_line(sb, "MemAvailable", KB(free + cache));
	kb_line(sb, "Buffers", KB(cache));
	kb_line(sb, "Cached", 0);
	kb_line(sb, "SwapCached", 0);
	kb_line(sb, "Active", KB(m.rss_anon + m.rss_file));
	kb_line(sb, "Inactive", 0);
	kb_line(sb, "Active(anon)", KB(m.rss_anon));
	kb_line(sb, "Inactive(anon)", 0);
	kb_line(sb, "Active(file)", KB(m.rss_file));
	kb_line(sb, "Inactive(file)", 0);
	kb_line(sb, "Unevictable", 0);
	kb_line(sb, "Mlocked", 0);
	kb_line(sb, "SwapTotal", 0);
	kb_line(sb, "SwapFree", 0);
	kb_line(sb, "Dirty", 0);
	kb_line(sb, "Writeback", 0);
	kb_line(sb, "AnonPages", KB(m.rss_anon));
	kb_line(sb, "Mapped", KB(m.rss_file));
	kb_line(sb, "Shmem", 0);
	kb_line(sb, "CommitLimit", KB(total));
	kb_line(sb, "Committed_AS", (unsigned long)(m.committed / 1024));
	sb_str(sb, "HugePages_Total:       0\nHugePages_Free:        0\n"
		   "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	kb_line(sb, "Hugepagesize", 2048);
}

/* ---- the CPU */

static const char *const flags_1d[32] = {
	"fpu",  "vme",  "de",   "pse", "tsc",  "msr", "pae",   "mce", "cx8",     "apic", NULL,
	"sep",  "mtrr", "pge",  "mca", "cmov", "pat", "pse36", "pn",  "clflush", NULL,   "dts",
	"acpi", "mmx",  "fxsr", "sse", "sse2", "ss",  "ht",    "tm",  "ia64",    "pbe",
};
static const char *const flags_e1d[32] = {
	[11] = "syscall", [19] = "mp",     [20] = "nx", [22] = "mmxext",   [25] = "fxsr_opt",
	[26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow",
};
static const char *const flags_1c[32] = {
	"pni",    "pclmulqdq",  "dtes64", "monitor", "ds_cpl",
	"vmx",    "smx",        "est",    "tm2",     "ssse3",
	"cid",    "sdbg",       "fma",    "cx16",    "xtpr",
	"pdcm",   NULL,         "pcid",   "dca",     "sse4_1",
	"sse4_2", "x2apic",     "movbe",  "popcnt",  "tsc_deadline_timer",
	"aes",    "xsave",      NULL,     "avx",     "f16c",
	"rdrand", "hypervisor",
};
static const char *const flags_e1c[32] = {
	"lahf_lm",    "cmp_legacy",  "svm",
	"extapic",    "cr8_legacy",  "abm",
	"sse4a",      "misalignsse", "3dnowprefetch",
	"osvw",       "ibs",         "xop",
	"skinit",     "wdt",         NULL,
	"lwp",        "fma4",        "tce",
	NULL,         "nodeid_msr",  NULL,
	"tbm",        "topoext",     "perfctr_core",
	"perfctr_nb", NULL,          "bpext",
	"ptsc",       "perfctr_llc", "mwaitx",
};
static const char *const flags_7b[32] = {
	"fsgsbase",   "tsc_adjust", "sgx",        "bmi1",     "hle",      "avx2",     NULL,
	"smep",       "bmi2",       "erms",       "invpcid",  "rtm",      "cqm",      NULL,
	"mpx",        "rdt_a",      "avx512f",    "avx512dq", "rdseed",   "adx",      "smap",
	"avx512ifma", NULL,         "clflushopt", "clwb",     "intel_pt", "avx512pf", "avx512er",
	"avx512cd",   "sha_ni",     "avx512bw",   "avx512vl",
};
static const char *const flags_7c[32] = {
	[1] = "avx512vbmi",
	[2] = "umip",
	[3] = "pku",
	[4] = "ospke",
	[5] = "waitpkg",
	[6] = "avx512_vbmi2",
	[8] = "gfni",
	[9] = "vaes",
	[10] = "vpclmulqdq",
	[11] = "avx512_vnni",
	[12] = "avx512_bitalg",
	[13] = "tme",
	[14] = "avx512_vpopcntdq",
	[16] = "la57",
	[22] = "rdpid",
	[25] = "cldemote",
	[27] = "movdiri",
	[28] = "movdir64b",
};
static const char *const flags_7d[32] = {
	[2] = "avx512_4vnniw",       [3] = "avx512_4fmaps", [4] = "fsrm",
	[8] = "avx512_vp2intersect", [10] = "md_clear",     [14] = "serialize",
	[16] = "tsxldtrk",           [18] = "pconfig",      [19] = "arch_lbr",
	[22] = "amx_bf16",           [23] = "avx512_fp16",  [24] = "amx_tile",
	[25] = "amx_int8",           [27] = "intel_stibp",  [28] = "flush_l1d",
	[29] = "arch_capabilities",
};

static void add_flags(struct sbuf *sb, uint32_t bits, const char *const names[32])
{
	for (int i = 0; i < 32; i++)
		if ((bits & (1u << i)) && names[i])
			sb_printf(sb, " %s", names[i]);
}

/* The TSC's rate, measured against the calibrated clock over 1 ms. */
static uint64_t tsc_khz(void)
{
	static uint64_t khz;
	if (!khz) {
		uint64_t n0 = time_ns(), c0 = rdtsc(), n1;
		while ((n1 = time_ns()) - n0 < 1000000)
			cpu_relax();
		uint64_t c1 = rdtsc();
		khz = (c1 - c0) * 1000000 / (n1 - n0);
	}
	return khz;
}

void gen_cpuinfo(struct sbuf *sb)
{
	uint32_t r[4], max, emax, sig;
	char vendor[13], brand[49];
	cpuid(0, 0, r);
	max = r[0];
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	cpuid(1, 0, r);
	sig = r[0];
	uint32_t d1 = r[3], c1 = r[2], clflush = ((r[1] >> 8) & 0xff) * 8;
	uint32_t fam = (sig >> 8) & 0xf, model = (sig >> 4) & 0xf, step = sig & 0xf;
	if (fam == 0xf)
		fam += (sig >> 20) & 0xff;
	if (fam >= 6)
		model += ((sig >> 16) & 0xf) << 4;
	uint32_t b7 = 0, c7 = 0, d7 = 0;
	if (max >= 7) {
		cpuid(7, 0, r);
		b7 = r[1], c7 = r[2], d7 = r[3];
	}
	cpuid(0x80000000, 0, r);
	emax = r[0];
	uint32_t de = 0, ce = 0, phys = 36, virt = 48, cache_kb = 0;
	if (emax >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		ce = r[2], de = r[3];
	}
	strlcpy(brand, "unknown", sizeof(brand));
	if (emax >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
		brand[48] = 0;
	}
	const char *bp = brand;
	while (*bp == ' ')
		bp++;
	if (emax >= 0x80000006) {
		cpuid(0x80000006, 0, r);
		cache_kb = r[2] >> 16;
	}
	if (emax >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		phys = r[0] & 0xff, virt = (r[0] >> 8) & 0xff;
	}
	uint64_t khz = tsc_khz();

	uint64_t online = sched_cpus_mask();
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!(online & (1UL << i)))
			continue;
		sb_printf(sb, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
			  i, vendor, fam, model);
		sb_printf(sb, "model name\t: %s\nstepping\t: %u\n", bp, step);
		sb_printf(sb, "cpu MHz\t\t: %lu.%03lu\n", (unsigned long)(khz / 1000),
			  (unsigned long)(khz % 1000));
		if (cache_kb)
			sb_printf(sb, "cache size\t: %u KB\n", cache_kb);
		/* each CPU its own package (QEMU's default -smp N: fs/sysfs.c) */
		sb_printf(sb,
			  "physical id\t: %u\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
			  "apicid\t\t: %u\ninitial apicid\t: %u\n",
			  i, cpus[i].apic_id, cpus[i].apic_id);
		sb_printf(
			sb,
			"fpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
			d1 & 1 ? "yes" : "no", d1 & 1 ? "yes" : "no", max);
		add_flags(sb, d1, flags_1d);
		add_flags(sb, de, flags_e1d);
		add_flags(sb, c1, flags_1c);
		add_flags(sb, ce, flags_e1c);
		add_flags(sb, b7, flags_7b);
		add_flags(sb, c7, flags_7c);
		add_flags(sb, d7, flags_7d);
		sb_printf(sb, "\nbogomips\t: %lu.%02lu\n", (unsigned long)(khz * 2 / 1000),
			  (unsigned long)(khz * 2 % 1000 / 10));
		sb_printf(sb, "clflush size\t: %u\ncache_alignment\t: %u\n", clflush, clflush);
		sb_printf(
			sb,
			"address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
			phys, virt);
	}
}

/* ---- system counters */

void gen_stat(struct sbuf *sb)
{
	int running = 0, blocked = 0;
	for (struct thread *t = all_threads; t; t = t->all_next) {
		if (t->state == T_RUNNABLE)
			running++;
		else if (t->state == T_BLOCKED)
			blocked++;
	}
	/* Each CPU's user, system and idle time (kernel/cputime.c); the
	 * first line is their sum. */
	uint64_t online = sched_cpus_mask();
	static unsigned long t[MAX_CPUS][3]; /* the big lock is held */
	unsigned long sum[3] = { 0, 0, 0 };
	for (int i = 0; i < MAX_CPUS; i++) {
		uint64_t ns[3] = { 0, 0, 0 };
		if (online & (1UL << i))
			cputime_cpu(i, ns);
		for (int k = 0; k < 3; k++)
			sum[k] += t[i][k] = ns[k] / NS_PER_TICK;
	}
	sb_printf(sb, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", sum[0], sum[1], sum[2]);
	for (int i = 0; i < MAX_CPUS; i++)
		if (online & (1UL << i))
			sb_printf(sb, "cpu%d %lu 0 %lu %lu 0 0 0 0 0 0\n", i, t[i][0], t[i][1],
				  t[i][2]);
	sb_printf(sb,
		  "intr 0\nctxt 0\nbtime %ld\nprocesses %d\nprocs_running %d\nprocs_blocked %d\n",
		  (long)(realtime_boot_ns() / 1000000000), thread_peek_tid() - 1,
		  running ? running : 1, blocked);
	sb_str(sb, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

/* ---- the process */

void gen_pid_maps(struct sbuf *sb, struct proc *p)
{
	if (!p || !p->mm)
		return;
	char *path = kmalloc(PATH_MAX);
	for (struct vma *v = p->mm->vmas; v; v = v->next) {
		size_t start = sb->len;
		uint64_t dev = v->file ? v->file->dev : 0, ino = v->file ? v->file->ino : 0;
		sb_printf(sb, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", (unsigned long)v->start,
			  (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-',
			  v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
			  (v->flags & MAP_TYPE) == MAP_PRIVATE ? 'p' : 's',
			  (unsigned long)(v->file ? v->file_off : 0),
			  (unsigned)((dev >> 8) & 0xfff), (unsigned)(dev & 0xff),
			  (unsigned long)ino);
		const char *name = NULL;
		if (v->file && path && inode_path(v->file, path, PATH_MAX) >= 0)
			name = path;
		else if (v->file && v->file->name && v->file->nlink == 0 && path) {
			ksnprintf(path, PATH_MAX, "/%s (deleted)", v->file->name);
			name = path; /* a memfd, shared anonymous memory: as Linux */
		} else if (v->file)
			name = v->file->name;
		else if (v->kind == VMA_HEAP)
			name = "[heap]";
		else if (v->kind == VMA_STACK)
			name = "[stack]";
		else if (v->kind == VMA_VVAR)
			name = "[vvar]";
		else if (v->kind == VMA_VDSO)
			name = "[vdso]";
		else if (v->kind == VMA_SYSRW)
			name = "[sysrw]";
		if (name) {
			/* the name starts in column 73, as Linux pads it */
			while (sb->len - start < 73 && !sb->oom)
				sb_add(sb, " ", 1);
			sb_str(sb, name);
		}
		sb_str(sb, "\n");
	}
	kfree(path);
}

/* The state letter of thread tid of p, as Linux shows it. */
static char thread_state(struct proc *p, int tid)
{
	if (p->state == P_ZOMBIE)
		return 'Z';
	struct thread *t = thread_find(tid);
	if (!t || t->proc != p)
		return 'Z';
	if (t == cur_thread || t->state == T_RUNNABLE)
		return 'R';
	return t->state == T_BLOCKED ? 'S' : 'Z';
}

/* A zombie still counts its leader, as Linux shows it. */
static int nthreads(struct proc *p) { return p->nthreads ? p->nthreads : 1; }

static const char *state_name(char st)
{
	return st == 'R' ? "running" : st == 'S' ? "sleeping" : "zombie";
}

/* The signals p ignores and catches. */
static void sig_dispositions(struct proc *p, uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int s = 1; s < NSIGNALS; s++) {
		if (p->sigactions[s].handler == 1)
			*ign |= SIGBIT(s);
		else if (p->sigactions[s].handler > 1)
			*cgt |= SIGBIT(s);
	}
}

/* /proc/<pid>/stat (whole: the process's CPU time) and
 * /proc/<pid>/task/<tid>/stat (the thread's). */
static void task_stat(struct sbuf *sb, struct proc *p, int tid, bool whole)
{
	struct memfig m;
	char comm[16];
	mem_figures(&m, p);
	proc_comm_of(p, comm);
	int policy = p->set.policy, prio = p->set.rt_priority, nice = p->set.nice;
	struct thread *t = thread_find(tid);
	if (t && t->proc != p)
		t = NULL;
	struct cputime cpu = whole || !t ? cputime_proc(p) : cputime_thread(t);
	struct cputime kids = cputime_children(p);
	uint64_t sigpnd = p->sigpending | (t ? t->sigpending : 0);
	uint64_t blocked = t ? t->sigmask : 0, ign, cgt;
	sig_dispositions(p, &ign, &cgt);
	struct mm *mm = p->mm;
	sb_printf(
		sb,
		"%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %lu %lu %lu %lu %d %d %d 0 %lu %lu %lu "
		"18446744073709551615 0 0 %lu 0 0 %lu %lu %lu %lu 0 0 0 17 0 %d %d 0 0 0 0 0 %lu %lu "
		"0 0 0 0 0\n",
		tid, comm, thread_state(p, tid), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
		cputime_ticks(cpu.user), cputime_ticks(cpu.sys), cputime_ticks(kids.user),
		cputime_ticks(kids.sys), policy == 1 || policy == 2 ? -1 - prio : 20 + nice, nice,
		nthreads(p), (unsigned long)(p->start_ns / NS_PER_TICK), (unsigned long)m.size,
		(unsigned long)(m.rss_anon + m.rss_file), (unsigned long)(mm ? mm->stack_top : 0),
		(unsigned long)sigpnd, (unsigned long)blocked, (unsigned long)ign,
		(unsigned long)cgt, prio, policy, (unsigned long)(mm ? mm->brk_start : 0),
		(unsigned long)(mm ? mm->brk : 0));
}

void gen_task_stat(struct sbuf *sb, struct proc *p, int tid) { task_stat(sb, p, tid, false); }
void gen_pid_stat(struct sbuf *sb, struct proc *p) { task_stat(sb, p, p->pid, true); }

void gen_task_status(struct sbuf *sb, struct proc *p, int tid)
{
	struct memfig m;
	char comm[16];
	mem_figures(&m, p);
	proc_comm_of(p, comm);
	struct thread *t = thread_find(tid);
	if (t && t->proc != p)
		t = NULL;
	char st = thread_state(p, tid);
	sb_printf(sb, "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\n", comm,
		  p->fs ? p->fs->umask : 022, st, state_name(st));
	sb_printf(sb, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p->pid, tid,
		  p->parent ? p->parent->pid : 0);
	sb_printf(sb, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nFDSize:\t%d\nGroups:\t", p->uid,
		  p->euid, p->suid, p->fsuid, p->gid, p->egid, p->sgid, p->fsgid, fd_table_size(p));
	for (int i = 0; i < p->ngroups; i++)
		sb_printf(sb, "%d ", p->groups[i]);
	sb_str(sb, "\n");
	if (p->mm) { /* a zombie has no memory left */
		uint64_t rss = m.rss_anon + m.rss_file;
		sb_printf(sb,
			  "VmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\nVmRSS:\t%8lu kB\n",
			  (unsigned long)(m.size / 1024), 0ul, 0ul, KB(rss));
		sb_printf(sb, "RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n",
			  KB(m.rss_anon), KB(m.rss_file), 0ul);
		sb_printf(
			sb,
			"VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\nVmSwap:\t%8lu kB\n",
			(unsigned long)(m.data / 1024), (unsigned long)(m.stack / 1024),
			(unsigned long)(m.exe / 1024), 0ul, 0ul);
	}
	uint64_t ign, cgt;
	sig_dispositions(p, &ign, &cgt);
	sb_printf(sb, "Threads:\t%d\nSigQ:\t0/1024\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n",
		  nthreads(p), (unsigned long)(t ? t->sigpending : 0),
		  (unsigned long)p->sigpending);
	sb_printf(sb, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		  (unsigned long)(t ? t->sigmask : 0), (unsigned long)ign, (unsigned long)cgt);
	sb_printf(
		sb,
		"CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n",
		(unsigned long)p->cap_inh, (unsigned long)p->cap_perm, (unsigned long)p->cap_eff,
		(unsigned long)p->cap_bnd, (unsigned long)p->cap_amb);
	sb_printf(sb, "NoNewPrivs:\t%d\n", p->set.no_new_privs);
	sb_str(sb, "Seccomp:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n"
		   "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
}

void gen_pid_status(struct sbuf *sb, struct proc *p) { gen_task_status(sb, p, p->pid); }

void gen_pid_auxv(struct sbuf *sb, struct proc *p)
{
	size_t n = 0;
	while (n + 2 <= ARRAY_SIZE(p->auxv) && p->auxv[n] != AT_NULL)
		n += 2;
	sb_add(sb, p->auxv, (n + 2) * sizeof(uint64_t));
}

void gen_pid_comm(struct sbuf *sb, struct proc *p)
{
	char comm[16];
	proc_comm_of(p, comm);
	sb_str(sb, comm);
	sb_str(sb, "\n");
}

/* ---- /proc/sys and /sys */

void gen_sys_ostype(struct sbuf *sb) { sb_str(sb, "Linux\n"); }
void gen_sys_osrelease(struct sbuf *sb) { sb_str(sb, UTS_RELEASE "\n"); }
void gen_sys_version(struct sbuf *sb) { sb_str(sb, UTS_VERSION "\n"); }
void gen_sys_hostname(struct sbuf *sb) { sb_printf(sb, "%s\n", uts_hostname()); }
void gen_sys_domainname(struct sbuf *sb) { sb_printf(sb, "%s\n", uts_domainname()); }
void gen_sys_pid_max(struct sbuf *sb) { sb_str(sb, "32768\n"); } /* the default for one CPU */
void gen_sys_ctrl_alt_del(struct sbuf *sb) { sb_str(sb, vm_cad() ? "1\n" : "0\n"); }
void gen_sys_threads_max(struct sbuf *sb) { sb_printf(sb, "%d\n", threads_max()); }
void gen_sys_ngroups_max(struct sbuf *sb) { sb_str(sb, "65536\n"); }
void gen_sys_overcommit(struct sbuf *sb) { sb_str(sb, "1\n"); } /* pages come on first touch */
/* The CPUs programs may use, as Linux's %*pbl: "0", "0-3", "0-2,5". */
void gen_cpu_list(struct sbuf *sb)
{
	uint64_t m = sched_cpus_mask();
	const char *sep = "";
	for (int i = 0; i < 64; i++) {
		if (!(m & (1UL << i)))
			continue;
		int j = i;
		while (j < 63 && (m & (1UL << (j + 1))))
			j++;
		if (j > i)
			sb_printf(sb, "%s%d-%d", sep, i, j);
		else
			sb_printf(sb, "%s%d", sep, i);
		sep = ",";
		i = j;
	}
	sb_str(sb, "\n");
}
