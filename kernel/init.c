/* init.c: the built-in init (kernel option init, `htux run --init`), as
 * `docker run --init`'s tini: pid 1 is a kernel thread of a process with
 * no program of its own. It starts the program as pid 2 (its own process
 * group), reaps every child that ends (the program, and the orphans
 * reparented to it), passes SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and
 * SIGUSR2 sent to it on to the program, and ends the VM with the
 * program's status once the program has ended. */
#include "kernel/kernel.h"
#include "kernel/exec.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/vm.h"
#include "arch/x86_64/trap.h"
#include "fs/vfs.h"

#define FORWARDED \
	(SIGBIT(SIGTERM) | SIGBIT(SIGINT) | SIGBIT(SIGHUP) | SIGBIT(SIGQUIT) | SIGBIT(SIGUSR1) | \
	 SIGBIT(SIGUSR2))

static struct proc *program; /* pid 2, until the VM ends */

bool proc_is_program(const struct proc *p) { return p->pid == (kopts.init ? 2 : 1); }

int init_signal(const siginfo_t *info)
{
	int sig = info->si_signo;
	if (!(FORWARDED & SIGBIT(sig)) || !program || program->state != P_ALIVE)
		return 0; /* nothing else reaches the init: it has no handlers */
	siginfo_t fwd;
	memset(&fwd, 0, sizeof(fwd));
	fwd.si_signo = sig;
	fwd.si_code = SI_USER; /* as tini's kill(child, sig) */
	fwd.si_pid = 1;
	return signal_send_to(program, NULL, &fwd);
}

/* Reaps the ended children; the program's end ends the VM. */
static __attribute__((noreturn)) void reap_forever(struct proc *init)
{
	for (;;) {
		struct proc *c = all_procs, *next;
		for (; c; c = next) {
			next = c->all_next;
			if (c->parent != init || c->state != P_ZOMBIE)
				continue;
			if (c == program) {
				int w = c->wstatus;
				vm_exit((w & 0x7F) ? 128 + (w & 0x7F) : (w >> 8) & 0xFF);
			}
			proc_reap(c);
		}
		waitq_wait_nosig(&init->child_wait);
	}
}

void init_run(struct proc *init, const char *path, char *const argv[], int argc, char *const envp[],
	      int envc)
{
	sched_first_thread(init); /* tid 1: this kernel thread */
	strlcpy(init->comm, "init", sizeof(init->comm));
	init->mm = mm_create(); /* empty: switching to pid 1 needs tables */
	struct proc *p = init->mm ? proc_fork() : NULL;
	if (!p || fs_proc_fork(p, false, false))
		panic("out of memory starting the program");
	struct exec_image img;
	this_cpu()->proc = p; /* its stack pages are faulted in as its own */
	exec_load_first(p, path, argv, argc, envp, envc, &img);
	this_cpu()->proc = init;
	struct trapframe tf;
	exec_enter(&tf, &img);
	struct thread *t = thread_create_in(p, &tf);
	if (!t)
		panic("out of memory starting the program");
	p->pid = t->tid;
	p->pgid = p->pid; /* its own process group, as tini's child */
	p->start_ns = 0;
	program = p;
	mm_activate(init->mm);
	reap_forever(init);
}
