/* exec.c: starting the program: load it (and its interpreter), build the
 * System V initial stack (argc, argv, envp, auxv and the strings they
 * point to) and enter ring 3 at the entry point. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/elf.h"
#include "kernel/exec.h"
#include "kernel/sched.h"
#include "arch/x86_64/vdso.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "fs/vfs.h"
#include <linux/auxvec.h>
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>
#include <linux/mman.h>

#define PIE_BASE 0x555555554000UL
static struct proc proc0;
struct proc *current;

/* Pushes n bytes onto the user stack at *sp; returns their address. */
static uint64_t push(uint64_t *sp, const void *data, size_t n)
{
	*sp -= n;
	memcpy((void *)*sp, data, n);
	return *sp;
}

static const char *exec_error(int err)
{
	switch (err) {
	case -ENOEXEC: return "not an x86_64 Linux program";
	case -EINVAL: return "malformed ELF headers";
	case -ENOMEM: return "not enough memory to load it";
	case -ENOENT: return "no such file in the image";
	case -EACCES: return "not an executable regular file";
	default: return "cannot load it";
	}
}

/* Blob of NUL-terminated strings, as /proc/self/cmdline shows them. */
static char *join(char *const v[], int n, size_t *len)
{
	size_t total = 0;
	for (int i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	char *b = kmalloc(total + 1), *o = b;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(o, v[i], l);
		o += l;
	}
	*len = total;
	return b;
}

static struct inode *open_exec(const char *path, int *err)
{
	struct inode *ino = fs_lookup(path, true, err);
	if (!ino)
		return NULL;
	if ((inode_mode(ino) & 0170000) != 0100000 || !(inode_mode(ino) & 0111)) {
		*err = -EACCES;
		return NULL;
	}
	return ino;
}

void exec_program(const char *path, char *const argv[], int argc, char *const envp[], int envc)
{
	struct proc *p = &proc0;
	struct elf_image prog, interp;
	int err = 0;

	p->pid = 1;
	p->mm = mm_create();
	if (!p->mm || fs_proc_init(p))
		panic("out of memory starting the program");
	current = p;

	struct inode *ino = open_exec(path, &err);
	if (!ino || (err = elf_load(p->mm, ino, PIE_BASE, &prog))) {
		kprintf("htux: %s: %s\n", path, exec_error(err));
		vm_exit(127);
	}
	uint64_t entry = prog.entry, interp_base = 0;
	if (prog.interp[0]) {
		struct inode *ii = open_exec(prog.interp, &err);
		if (!ii || (err = elf_load(p->mm, ii, 0, &interp))) {
			kprintf("htux: %s: interpreter %s: %s\n", path, prog.interp, exec_error(err));
			vm_exit(127);
		}
		entry = interp.entry;
		interp_base = interp.base;
	}
	p->exe_path = strdup(path);
	p->cmdline = join(argv, argc, &p->cmdline_len);
	p->environ = join(envp, envc, &p->environ_len);
	p->start_ns = 0;   /* the program starts as the VM does (no calibration at boot) */

	/* brk starts on the page after the program's last segment. */
	p->mm->brk_start = p->mm->brk = PAGE_UP(prog.end);
	/* The stack: 8 MiB reserved, pages come on first touch. */
	p->mm->stack_top = USER_STACK_TOP;
	if (vm_map(p->mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0, 0, VMA_STACK))
		panic("out of memory for the stack");

	uint64_t sp = USER_STACK_TOP;
	uint64_t execfn = push(&sp, path, strlen(path) + 1);
	uint64_t *uenv = kmalloc((envc + 1) * sizeof(uint64_t));
	uint64_t *uargv = kmalloc((argc + 1) * sizeof(uint64_t));
	for (int i = envc - 1; i >= 0; i--)
		uenv[i] = push(&sp, envp[i], strlen(envp[i]) + 1);
	for (int i = argc - 1; i >= 0; i--)
		uargv[i] = push(&sp, argv[i], strlen(argv[i]) + 1);
	uenv[envc] = uargv[argc] = 0;
	uint64_t platform = push(&sp, "x86_64", 7);
	uint8_t rnd[16];
	random_bytes(rnd, sizeof(rnd));
	uint64_t random = push(&sp, rnd, sizeof(rnd));

	uint32_t id[4];
	cpuid(1, 0, id);
	uint64_t vdso = vdso_map(p->mm);
	uint64_t auxv[] = {
		AT_SYSINFO_EHDR, vdso,
		AT_HWCAP, id[3],
		AT_PAGESZ, PAGE_SIZE,
		AT_CLKTCK, 100,
		AT_PHDR, prog.phdr,
		AT_PHENT, prog.phent,
		AT_PHNUM, prog.phnum,
		AT_BASE, interp_base,
		AT_FLAGS, 0,
		AT_ENTRY, prog.entry,
		AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
		AT_SECURE, 0,
		AT_RANDOM, random,
		AT_HWCAP2, 0,
		AT_EXECFN, execfn,
		AT_PLATFORM, platform,
		AT_NULL, 0,
	};
	/* Without a vDSO (no room: never in practice) leave its entry out. */
	uint64_t *av = vdso ? auxv : auxv + 2;
	size_t avn = ARRAY_SIZE(auxv) - (vdso ? 0 : 2);
	memcpy(p->auxv, av, avn * sizeof(uint64_t));

	/* argc + argv + NULL + envp + NULL + auxv must leave sp 16-aligned. */
	size_t words = 1 + argc + 1 + envc + 1 + avn;
	sp &= ~15UL;
	if (words & 1)
		sp -= 8;
	push(&sp, av, avn * sizeof(uint64_t));
	push(&sp, uenv, (envc + 1) * sizeof(uint64_t));
	push(&sp, uargv, (argc + 1) * sizeof(uint64_t));
	uint64_t argc64 = argc;
	push(&sp, &argc64, sizeof(argc64));
	kfree(uenv);
	kfree(uargv);

	kinfo("exec %s: entry %lx, stack %lx, brk %lx\n", path, entry, sp, p->mm->brk);
	struct trapframe *tf = sched_first_thread(p)->tf;
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->cs = SEL_UCODE;
	tf->rflags = 0x202;
	tf->rsp = sp;
	tf->ss = SEL_UDATA;
	trap_return(tf);
}
