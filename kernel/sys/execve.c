/* sys/execve.c: execve and execveat: the path and the argument and
 * environment strings copied in, the program loaded into a fresh address
 * space (kernel/exec.c), and only then the old one dropped, close-on-exec
 * descriptors closed, caught signals reset to their default and a
 * CLONE_VFORK parent let go. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/vm.h"
#include "kernel/exec.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "fs/vfs.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* one string, as Linux */
#define ARG_MAX_TOTAL (2UL << 20)       /* all of them: RLIMIT_STACK / 4 */

struct strv {
	char **v;
	int n;
};

static void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		kfree(s->v[i]);
	kfree(s->v);
}

/* Copies the NULL-ended user vector uv (NULL: empty) into s. */
static long copy_strv(char *const *uv, struct strv *s, size_t *total, char *buf)
{
	int cap = 0;
	s->v = NULL;
	s->n = 0;
	for (;;) {
		char *up = NULL;
		if (uv && copy_from_user(&up, uv + s->n, sizeof(up)))
			return -EFAULT;
		if (!up)
			break;
		long len = strncpy_from_user(buf, up, MAX_ARG_STRLEN);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return len;
		*total += (size_t)len + 1 + sizeof(char *);
		if (*total > ARG_MAX_TOTAL)
			return -E2BIG;
		if (s->n + 1 >= cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = krealloc(s->v, sizeof(char *) * (size_t)cap);
			if (!nv)
				return -ENOMEM;
			s->v = nv;
		}
		char *copy = kmalloc((size_t)len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, buf, (size_t)len + 1);
		s->v[s->n++] = copy;
	}
	if (!s->v && !(s->v = kmalloc(sizeof(char *))))
		return -ENOMEM;
	s->v[s->n] = NULL;
	return 0;
}

/* The new program's view of the process: what exec resets. */
static void exec_reset(void)
{
	struct proc *p = current;
	struct thread *t = cur_thread;

	fd_close_on_exec();
	for (int sig = 1; sig < NSIGNALS; sig++) {
		struct k_sigaction *ka = &p->sigactions[sig];
		if (ka->handler != (uint64_t)SIG_IGN)
			ka->handler = (uint64_t)SIG_DFL;
		ka->flags = 0;
		ka->mask = 0;
		ka->restorer = 0;
	}
	t->altstack_sp = t->altstack_size = 0;
	t->altstack_flags = 0;
	t->clear_child_tid = 0;
	t->robust_list = 0;
	t->robust_len = 0;
	t->rseq = 0; /* the new program registers its own */
	t->rseq_len = t->rseq_sig = 0;
	t->sigsaved_valid = false;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	uint32_t mxcsr = 0x1F80;
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

static long do_execve(char *path, char *const *uargv, char *const *uenvp)
{
	struct strv argv = { 0 }, envp = { 0 };
	size_t total = 0;
	long err;
	char *buf = kmalloc(MAX_ARG_STRLEN);

	if (!buf) {
		kfree(path);
		return -ENOMEM;
	}
	err = copy_strv(uargv, &argv, &total, buf);
	if (!err)
		err = copy_strv(uenvp, &envp, &total, buf);
	kfree(buf);
	if (!err && current->nthreads > 1) {
		/* Linux lets the other threads go once the new program is
		 * loaded; here they go first, so that none runs in the new
		 * address space. */
		int e;
		struct inode *ino = fs_lookup(path, true, &e);
		if (ino) {
			inode_put(ino);
			proc_kill_other_threads();
		}
	}
	struct exec_image img;
	if (!err)
		err = exec_load(current, path, argv.v, argv.n, envp.v, envp.n, &img);
	strv_free(&argv);
	strv_free(&envp);
	kfree(path);
	if (err)
		return err;
	mm_put(img.old_mm);
	proc_vfork_release(current);
	exec_reset();
	exec_enter(cur_thread->tf, &img);
	signal_need_iret = true; /* enter through IRET with the registers as set */
	return 0;
}

long sys_execve(const char *upath, char *const *argv, char *const *envp)
{
	int err;
	char *path = path_from_user(upath, &err);
	if (!path)
		return err;
	return do_execve(path, argv, envp);
}

long sys_execveat(int dirfd, const char *upath, char *const *argv, char *const *envp, int flags)
{
	int err;
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	char *path = path_from_user(upath, &err);
	if (!path)
		return err;
	if (path[0] == '/' || (dirfd == AT_FDCWD && path[0]))
		return do_execve(path, argv, envp);
	/* Relative to dirfd (or dirfd itself with AT_EMPTY_PATH): the
	 * loader takes a path, so name the file by its absolute one. */
	struct inode *ino;
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	err = vfs_lookupat(dirfd, path, lf, &ino);
	if (err) {
		kfree(path);
		return err;
	}
	if ((inode_mode(ino) & 0170000) == 0120000) {
		inode_put(ino);
		kfree(path);
		return -ELOOP;
	}
	int n = inode_path(ino, path, PATH_MAX);
	inode_put(ino);
	if (n < 0) {
		kfree(path);
		return n;
	}
	return do_execve(path, argv, envp);
}
