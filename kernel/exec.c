/* exec.c: loading a program into a fresh address space (shared by boot
 * and execve): #! scripts, the ELF program and its interpreter, the System
 * V initial stack (argc, argv, envp, auxv and the strings they point to);
 * the running program's file kept unwritable (ETXTBSY); and starting
 * pid 1 in ring 3. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/elf.h"
#include "kernel/exec.h"
#include "kernel/user.h"
#include "kernel/sched.h"
#include "arch/x86_64/vdso.h"
#include "arch/x86_64/fastsys.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "fs/vfs.h"
#include <linux/auxvec.h>
#include <asm-generic/mman-common.h>
#include <asm-generic/mman.h>
#include <linux/mman.h>

#define PIE_BASE 0x555555554000UL
static struct proc proc0;

/* Pushes n bytes onto the user stack at *sp; returns their address. (The
 * copy cannot fail: the stack area is 8 MiB, the strings at most 2.) */
static uint64_t push(uint64_t *sp, const void *data, size_t n)
{
	*sp -= n;
	(void)copy_to_user((void *)*sp, data, n);
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
	case -ELOOP: return "too many levels of #! interpreters";
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
	if (!b)
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(o, v[i], l);
		o += l;
	}
	*len = total;
	return b;
}

/* The file path names, to run: an executable regular file, not open for
 * writing (ETXTBSY), and from now on not writable until exec_put. */
static struct inode *open_exec(const char *path, int *err)
{
	struct inode *ino = fs_lookup(path, true, err);
	if (!ino)
		return NULL;
	if ((inode_mode(ino) & 0170000) != 0100000 || !(inode_mode(ino) & 0111))
		*err = -EACCES;
	else if ((*err = inode_permission(ino, MAY_EXEC)) != 0)
		;
	else
		*err = inode_deny_write(ino);
	if (*err) {
		inode_put(ino);
		return NULL;
	}
	return ino;
}

static void exec_put(struct inode *ino)
{
	inode_allow_write(ino);
	inode_put(ino);
}

void exec_hold(struct proc *p)
{
	if (p->exe_ino) {
		inode_get(p->exe_ino);
		inode_deny_write(p->exe_ino); /* cannot fail: denied already */
	}
}

void exec_release(struct proc *p)
{
	if (p->exe_ino)
		exec_put(p->exe_ino);
	p->exe_ino = NULL;
}

/* The interpreter line of a script ("#!INTERP [ARG]"): 0 and its words
 * in line (NUL-separated), or -ENOEXEC when ino is not a script. */
static int script_line(struct inode *ino, char line[256], char **interp, char **arg)
{
	ssize_t n = inode_read(ino, line, 255, 0);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return -ENOEXEC;
	line[n] = 0;
	char *e = strchr(line, '\n');
	if (!e && n == 255)
		return -ENOEXEC; /* longer than Linux reads (BINPRM_BUF_SIZE) */
	if (e)
		*e = 0;
	char *q = line + 2;
	while (*q == ' ' || *q == '\t')
		q++;
	if (!*q)
		return -ENOEXEC;
	*interp = q;
	while (*q && *q != ' ' && *q != '\t')
		q++;
	*arg = NULL;
	if (*q) {
		*q++ = 0;
		while (*q == ' ' || *q == '\t')
			q++;
		/* The rest of the line is one argument, trailing blanks cut. */
		size_t l = strlen(q);
		while (l && (q[l - 1] == ' ' || q[l - 1] == '\t'))
			q[--l] = 0;
		if (*q)
			*arg = q;
	}
	return 0;
}

static int load_elf(struct proc *p, const char *path, struct inode *ino, char *const argv[],
		    int argc, char *const envp[], int envc, struct exec_image *out);

int exec_load(struct proc *p, const char *path, char *const argv[], int argc, char *const envp[],
	      int envc, struct exec_image *out)
{
	char *const *av = argv;
	char **mine = NULL, *copies[5];
	int ncopies = 0;
	const char *file = path;
	int err = 0;

	out->bad_interp[0] = 0;
	out->why = NULL;
	for (int depth = 0;; depth++) {
		struct inode *ino = open_exec(file, &err);
		if (!ino)
			break;
		char line[256], *interp, *arg;
		if (script_line(ino, line, &interp, &arg)) {
			err = load_elf(p, file, ino, av, argc, envp, envc, out);
			exec_put(ino);
			break;
		}
		exec_put(ino);
		if (depth == 4) {
			err = -ELOOP;
			break;
		}
		/* argv becomes INTERP [ARG] FILE argv[1..]. */
		int n = argc + (arg ? 2 : 1);
		char **v = kmalloc(sizeof(char *) * (size_t)(n + 1));
		char *copy = kmalloc(256);
		if (!v || !copy) {
			kfree(v);
			kfree(copy);
			err = -ENOMEM;
			break;
		}
		memcpy(copy, line, 256); /* interp and arg point into line */
		copies[ncopies++] = copy;
		int k = 0;
		v[k++] = copy + (interp - line);
		if (arg)
			v[k++] = copy + (arg - line);
		v[k++] = (char *)file;
		for (int i = 1; i < argc; i++)
			v[k++] = av[i];
		v[k] = NULL;
		if (mine)
			kfree(mine);
		mine = v;
		av = v;
		argc = k;
		file = v[0];
		if (argc < 1 || !file[0]) {
			err = -ENOEXEC;
			break;
		}
	}
	kfree(mine); /* the strings were copied onto the new stack */
	while (ncopies)
		kfree(copies[--ncopies]);
	return err;
}

static int load_elf(struct proc *p, const char *path, struct inode *ino, char *const argv[],
		    int argc, char *const envp[], int envc, struct exec_image *out)
{
	struct elf_image prog, interp;
	int err;
	struct mm *old = p->mm, *mm = mm_create();

	if (!mm)
		return -ENOMEM;
	/* Load with the new tables on: the stack is written through its user
	 * addresses, and page faults find the areas in p->mm. */
	p->mm = mm;
	mm_activate(mm);
	if ((err = elf_load(mm, ino, PIE_BASE, &prog))) {
		out->why = prog.why;
		goto fail;
	}
	uint64_t entry = prog.entry, interp_base = 0;
	if (prog.interp) {
		struct inode *ii = open_exec(prog.interp, &err);
		if (ii) {
			err = elf_load(mm, ii, 0, &interp);
			kfree(interp.interp); /* an interpreter's own is not followed */
			exec_put(ii);
		}
		if (err) {
			strlcpy(out->bad_interp, prog.interp, sizeof(out->bad_interp));
			kfree(prog.interp);
			goto fail;
		}
		kfree(prog.interp);
		entry = interp.entry;
		interp_base = interp.base;
	}

	/* brk starts on the page after the program's last segment. */
	mm->brk_start = mm->brk = PAGE_UP(prog.end);
	/* The stack: 8 MiB reserved, pages come on first touch. */
	mm->stack_top = USER_STACK_TOP;
	err = -ENOMEM;
	if (vm_map(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0, 0, VMA_STACK))
		goto fail;

	uint64_t sp = USER_STACK_TOP;
	uint64_t execfn = push(&sp, path, strlen(path) + 1);
	uint64_t *uenv = kmalloc((envc + 1) * sizeof(uint64_t));
	uint64_t *uargv = kmalloc((argc + 1) * sizeof(uint64_t));
	if (!uenv || !uargv) {
		kfree(uenv);
		kfree(uargv);
		goto fail;
	}
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
	uint64_t vdso = vdso_map(mm);
	uint64_t fastcall = fastsys_selftest_map(mm); /* 0 but with fastsys=selftest */
	uint64_t auxv[] = {
		AT_SYSINFO_EHDR, vdso,       AT_HWCAP,         id[3],       AT_PAGESZ, PAGE_SIZE,
		AT_CLKTCK,       100,        AT_PHDR,          prog.phdr,   AT_PHENT,  prog.phent,
		AT_PHNUM,        prog.phnum, AT_BASE,          interp_base, AT_FLAGS,  0,
		AT_ENTRY,        prog.entry, AT_UID,           p->uid,      AT_EUID,   p->euid,
		AT_GID,          p->gid,     AT_EGID,          p->egid,     AT_SECURE, 0,
		AT_RANDOM,       random,     AT_HWCAP2,        0,           AT_EXECFN, execfn,
		AT_PLATFORM,     platform,   AT_HTUX_FASTCALL, fastcall,    AT_NULL,   0,
	};
	/* Without a vDSO (no room: never in practice) leave its entry out;
	 * the test hook's only when there is one. */
	uint64_t *av = vdso ? auxv : auxv + 2;
	size_t avn = ARRAY_SIZE(auxv) - (vdso ? 0 : 2);
	if (!fastcall) {
		auxv[ARRAY_SIZE(auxv) - 4] = AT_NULL;
		auxv[ARRAY_SIZE(auxv) - 3] = 0;
		avn -= 2;
	}
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

	/* What /proc shows of it. */
	/* /proc/self/exe: the file's own path, links resolved, as on Linux */
	char *buf = kmalloc(PATH_MAX), *exe = NULL;
	if (buf)
		exe = strdup(inode_path(ino, buf, PATH_MAX) < 0 ? path : buf);
	kfree(buf);
	size_t clen, elen;
	char *cl = join(argv, argc, &clen), *en = join(envp, envc, &elen);
	if (!exe || !cl || !en) {
		kfree(exe);
		kfree(cl);
		kfree(en);
		goto fail;
	}
	kfree(p->exe_path);
	kfree(p->cmdline);
	kfree(p->environ);
	/* The file stays unwritable while this program runs (ETXTBSY). */
	exec_release(p);
	p->exe_ino = ino;
	exec_hold(p);
	p->exe_path = exe;
	p->cmdline = cl;
	p->cmdline_len = clen;
	p->environ = en;
	p->environ_len = elen;
	/* comm: the base name of the path as given, as Linux names it (a
	 * program run through /proc/self/exe is "exe"; "": the exe's) */
	const char *base = strrchr(path, '/');
	strlcpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
	proc_exec_settings(p);

	kinfo("exec %s: entry %lx, stack %lx, brk %lx\n", path, entry, sp, mm->brk);
	out->entry = entry;
	out->sp = sp;
	out->old_mm = old;
	return 0;
fail:
	p->mm = old;
	mm_activate(old);
	mm_put(mm);
	return err;
}

void exec_load_first(struct proc *p, const char *path, char *const argv[], int argc,
		     char *const envp[], int envc, struct exec_image *img)
{
	int err = exec_load(p, path, argv, argc, envp, envc, img);
	if (err) {
		if (img->bad_interp[0])
			kprintf("htux: %s: interpreter %s: %s\n", path, img->bad_interp,
				exec_error(err));
		else
			kprintf("htux: %s: %s\n", path, img->why ? img->why : exec_error(err));
		vm_exit(127);
	}
}

/* The first process's working directory (/.htux/cwd: an OCI image's
 * WorkingDir), entered as the user, as runc does; one line and status
 * 125 when it cannot be. */
static void enter_cwd(const char *cwd)
{
	int err;
	struct inode *dir = fs_lookup(cwd, true, &err);
	if (dir) {
		err = vfs_chdir(dir);
		inode_put(dir);
	}
	if (err) {
		kprintf("htux: working directory %s: %s\n", cwd,
			err == -ENOENT    ? "no such directory in the image"
			: err == -ENOTDIR ? "not a directory"
			: err == -EACCES  ? "permission denied"
					  : "cannot enter it");
		vm_exit(125);
	}
}

void exec_program(const char *path, char *const argv[], int argc, char *const envp[], int envc,
		  const struct run_user *user, const char *cwd)
{
	struct proc *p = &proc0;
	struct exec_image img;

	p->pid = 1;
	p->pgid = p->sid = 1;
	p->state = P_ALIVE;
	p->exit_signal = 0;
	proc_limits_init(p);
	proc_settings_init(p);
	all_procs = p;
	this_cpu()->proc = p;
	if (fs_proc_init(p))
		panic("out of memory starting the program");
	if (user)
		user_apply(p, user);
	if (cwd)
		enter_cwd(cwd);
	if (kopts.init)
		init_run(p, path, argv, argc, envp, envc); /* kernel/init.c: the program is pid 2 */

	exec_load_first(p, path, argv, argc, envp, envc, &img);
	p->start_ns = 0; /* the program starts as the VM does (no calibration at boot) */
	struct trapframe *tf = sched_first_thread(p)->tf;
	exec_enter(tf, &img);
	trap_return(tf);
}

void exec_enter(struct trapframe *tf, const struct exec_image *img)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = img->entry;
	tf->cs = SEL_UCODE;
	tf->rflags = 0x202;
	tf->rsp = img->sp;
	tf->ss = SEL_UDATA;
}
