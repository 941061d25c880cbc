/* proc.c: the life of a process: the list of processes, making one for
 * fork (a copy of the parent's identity, dispositions and settings)
 * within the limits on tasks (threads-max, RLIMIT_NPROC), what execve
 * resets of its settings and capabilities, ending one (its threads told
 * to leave, the last one out releasing files and memory), zombies,
 * reparenting to a child subreaper or pid 1 (with exit signal SIGCHLD)
 * and the parent-death signal, SIGCHLD, and freeing a zombie once its
 * parent has waited for it; and the credential questions permission
 * checks ask (owner or CAP_FOWNER, group membership). */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/ipc/ipc.h"
#include "kernel/sched.h"
#include "kernel/cputime.h"
#include "kernel/signal.h"
#include "kernel/vm.h"
#include "kernel/exec.h"
#include "kernel/pmem.h"
#include "fs/vfs.h"
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/personality.h>
#include <linux/resource.h>
#include <linux/securebits.h>

#define NOFILE_DEFAULT 1024 /* RLIMIT_NOFILE at boot; FD_MAX (fs.nr_open) caps it */

struct proc *all_procs;
static struct proc *reap_later; /* ended, nobody waits: freed off their stack */

struct proc *proc_find(int pid)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_free(struct proc *p)
{
	kfree(p->exe_path);
	kfree(p->cmdline);
	kfree(p->environ);
	kfree(p->groups);
	kfree(p);
}

static void unlink_proc(struct proc *p)
{
	for (struct proc **pp = &all_procs; *pp; pp = &(*pp)->all_next)
		if (*pp == p) {
			*pp = p->all_next;
			return;
		}
}

static void free_reaped(void)
{
	while (reap_later) {
		struct proc *p = reap_later;
		reap_later = p->all_next;
		proc_free(p);
	}
}

static void *dup_bytes(const void *src, size_t n)
{
	void *d = kmalloc(n ? n : 1);
	if (d && n)
		memcpy(d, src, n);
	return d;
}

int threads_max(void)
{
	/* Linux: totalram_pages / (8 * THREAD_SIZE / PAGE_SIZE), with
	 * 16 KiB kernel stacks, at least 20 */
	uint64_t n = pmem_total_pages() / (8 * 16384 / PAGE_SIZE);
	return (int)MIN(MAX(n, 20), 0x3fffffff);
}

/* Tasks as Linux counts them: each thread, and a zombie until reaped. */
static int tasks_of(const struct proc *p) { return p->state == P_ZOMBIE ? 1 : p->nthreads; }

/* Linux's exemption from RLIMIT_NPROC: the root user, or
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN. */
static bool nproc_exempt(const struct proc *me)
{
	return me->uid == 0 ||
	       (me->cap_eff & ((1ULL << CAP_SYS_RESOURCE) | (1ULL << CAP_SYS_ADMIN)));
}

int proc_may_clone(void)
{
	struct proc *me = current;
	int all = 0, mine = 0;
	for (struct proc *p = all_procs; p; p = p->all_next) {
		all += tasks_of(p);
		if (p->uid == me->uid)
			mine += tasks_of(p);
	}
	if ((uint64_t)mine >= rlimit_cur(RLIMIT_NPROC) && !nproc_exempt(me))
		return -EAGAIN;
	if (all >= threads_max())
		return -EAGAIN;
	/* a SCHED_DEADLINE task may not fork (its bandwidth would double) */
	if (me->set.policy == SCHED_DEADLINE && !me->set.reset_on_fork)
		return -EAGAIN;
	/* Pages left for the copies that fork's sharing makes due (the
	 * parent's next writes) and for the kernel: without them the
	 * caller would be killed for want of memory a moment later. */
	if (pmem_free_pages() + pmem_reclaimable_pages() < MAX(64, pmem_total_pages() / 64))
		return -ENOMEM;
	return 0;
}

struct proc *proc_fork(void)
{
	struct proc *me = current;
	free_reaped();
	struct proc *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	*p = *me;
	p->state = P_ALIVE;
	p->parent = me;
	p->nthreads = 0;
	p->exiting = false;
	p->wstatus = 0;
	p->exit_signal = SIGCHLD;
	p->child_wait = (struct waitq){ 0 };
	p->vfork_wait = (struct waitq){ 0 };
	p->vfork_done = false;
	p->semundo = NULL;
	p->sigpending = 0;
	p->sigqueue = NULL;
	p->nqueued = 0;
	memset(p->it_expires, 0, sizeof(p->it_expires));
	memset(p->it_interval, 0, sizeof(p->it_interval));
	p->mm = NULL;
	p->files = NULL;
	p->fs = NULL;
	p->start_ns = time_ns();
	cputime_fork(p);
	proc_fork_settings(p, me);
	p->exe_path = me->exe_path ? strdup(me->exe_path) : NULL;
	p->cmdline = dup_bytes(me->cmdline, me->cmdline_len);
	p->environ = dup_bytes(me->environ, me->environ_len);
	p->groups = me->ngroups ? dup_bytes(me->groups, sizeof(int) * (size_t)me->ngroups) : NULL;
	if ((me->exe_path && !p->exe_path) || !p->cmdline || !p->environ ||
	    (me->ngroups && !p->groups)) {
		proc_free(p);
		return NULL;
	}
	exec_hold(p); /* the program's file stays unwritable for the child too */
	p->all_next = all_procs;
	all_procs = p;
	return p;
}

void proc_settings_init(struct proc *p)
{
	memset(&p->set, 0, sizeof(p->set));
	p->set.policy = SCHED_NORMAL;
	p->set.personality = PER_LINUX;
	p->set.dumpable = 1;
	p->set.timer_slack_ns = TIMER_SLACK_DEFAULT;
	p->cap_eff = p->cap_perm = p->cap_bnd = CAPS_ALL;
	p->cap_inh = p->cap_amb = 0;
}

void proc_fork_settings(struct proc *child, const struct proc *parent)
{
	struct proc_settings *s = &child->set;
	*s = parent->set;
	s->pdeathsig = 0;
	s->subreaper = false;
	s->membarrier = 0;      /* Linux's is the mm's: a new one */
	if (s->reset_on_fork) { /* Linux's sched_fork */
		if (s->policy == SCHED_FIFO || s->policy == SCHED_RR ||
		    s->policy == SCHED_DEADLINE) {
			s->policy = SCHED_NORMAL;
			s->rt_priority = 0;
			s->nice = 0;
			s->dl_runtime = s->dl_deadline = s->dl_period = s->dl_flags = 0;
		} else if (s->nice < 0) {
			s->nice = 0;
		}
		s->reset_on_fork = false;
	}
	child->cap_eff = parent->cap_eff;
	child->cap_perm = parent->cap_perm;
	child->cap_inh = parent->cap_inh;
	child->cap_bnd = parent->cap_bnd;
	child->cap_amb = parent->cap_amb;
}

void proc_exec_settings(struct proc *p)
{
	struct proc_settings *s = &p->set;
	s->dumpable = 1;                              /* SUID_DUMP_USER: no set-id files */
	s->securebits &= ~(unsigned)SECBIT_KEEP_CAPS; /* goes at exec */
	s->membarrier = 0;                            /* a new mm */
	s->personality &= ~READ_IMPLIES_EXEC;         /* x86_64's set_personality_64bit */
	/* capabilities(7) for a file without capabilities or set-id bits:
	 * root (real or effective uid 0, unless SECBIT_NOROOT) gets the
	 * bounding and inheritable sets permitted, effective only with euid
	 * 0; everyone keeps the ambient set, which is then also permitted
	 * and (when nothing else is effective) effective. Under no_new_privs
	 * nothing is gained: permitted stays within the old set. */
	p->suid = p->fsuid = p->euid; /* execve saves the effective ids */
	p->sgid = p->fsgid = p->egid;
	bool root = !(s->securebits & SECBIT_NOROOT) && (p->uid == 0 || p->euid == 0);
	uint64_t perm = (root ? p->cap_bnd | p->cap_inh : 0) | p->cap_amb;
	if (s->no_new_privs)
		perm &= p->cap_perm;
	if (perm & ~p->cap_perm) { /* capabilities gained, as by a set-id file */
		s->personality &= ~PER_CLEAR_ON_SETID;
		s->dumpable = 0; /* suid_dumpable, 0 (Linux 6.x) */
	}
	p->cap_perm = perm;
	p->cap_eff = root && p->euid == 0 ? perm : p->cap_amb;
}

void proc_abort(struct proc *p)
{
	unlink_proc(p);
	exec_release(p);
	fs_proc_exit(p);
	mm_put(p->mm);
	proc_free(p);
}

void proc_reap(struct proc *p)
{
	if (p->parent)
		cputime_reaped(p->parent, p);
	unlink_proc(p);
	proc_free(p);
}

void proc_vfork_release(struct proc *p)
{
	if (!p->vfork_done) {
		p->vfork_done = true;
		waitq_wake_all(&p->vfork_wait);
	}
}

/* Tells the other threads of the current process to leave. */
static void others_leave(void)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->proc == current && t != cur_thread && t->state != T_DEAD) {
			t->must_exit = true;
			thread_interrupt(t);
		}
}

void proc_exit(int wstatus)
{
	struct proc *p = current;
	if (!p->exiting) {
		p->exiting = true;
		p->wstatus = wstatus;
		others_leave();
	}
	thread_exit(0);
}

void proc_kill_other_threads(void)
{
	others_leave();
	while (current->nthreads > 1) {
		sched_yield_cpu();
		if (current->nthreads > 1)
			sched_sleep_until(time_ns() + TICK_NS);
	}
}

/* Would the parent's disposition of SIGCHLD make it not wait (children
 * reaped at once)? */
static bool parent_ignores_children(struct proc *parent)
{
	struct k_sigaction *ka = &parent->sigactions[SIGCHLD];
	return ka->handler == (uint64_t)SIG_IGN || (ka->flags & SA_NOCLDWAIT);
}

/* Tells c's parent that c has ended: its exit signal and a wake-up for
 * wait. A child nobody will wait for is freed at once (later, off this
 * stack). */
static void notify_parent(struct proc *c)
{
	struct proc *parent = c->parent;
	if (!parent || (c->exit_signal == SIGCHLD && parent_ignores_children(parent))) {
		unlink_proc(c);
		c->all_next = reap_later;
		reap_later = c;
		if (parent)
			waitq_wake_all(&parent->child_wait); /* a wait may now see ECHILD */
		return;
	}
	if (c->exit_signal) {
		siginfo_t info;
		memset(&info, 0, sizeof(info));
		info.si_signo = c->exit_signal;
		info.si_pid = c->pid;
		info.si_uid = c->uid;
		if (c->wstatus & 0x7F) {
			info.si_code = CLD_KILLED;
			info.si_status = c->wstatus & 0x7F;
		} else {
			info.si_code = CLD_EXITED;
			info.si_status = (c->wstatus >> 8) & 0xFF;
		}
		signal_send_to(parent, NULL, &info);
	}
	waitq_wake_all(&parent->child_wait);
}

/* Who takes the children of p when it ends: the nearest ancestor that
 * is a child subreaper and not ending itself, else pid 1. */
static struct proc *new_reaper(struct proc *p)
{
	for (struct proc *a = p->parent; a && a->pid != 1; a = a->parent)
		if (a->set.subreaper && a->state == P_ALIVE && !a->exiting)
			return a;
	return proc_find(1);
}

void proc_last_thread_gone(struct proc *p)
{
	sem_exit(p);
	fs_proc_exit(p);
	signal_drop_all(p);
	itimer_proc_exit(p);
	memset(p->it_expires, 0, sizeof(p->it_expires));
	proc_vfork_release(p);
	mm_activate(NULL); /* off p's tables before they go */
	mm_put(p->mm);
	p->mm = NULL;
	exec_release(p); /* its file may be written again */
	p->state = P_ZOMBIE;

	/* Children go to the nearest live ancestor that is a child
	 * subreaper, else pid 1, with exit signal SIGCHLD whatever clone gave
	 * them (as Linux: a clone child's exit signal could be SIGKILL);
	 * those that have ended already are reported to it now, the others
	 * get their parent-death signal. */
	struct proc *reaper = new_reaper(p), *next;
	for (struct proc *c = all_procs; c; c = next) {
		next = c->all_next;
		if (c->parent != p)
			continue;
		c->parent = reaper;
		c->exit_signal = SIGCHLD;
		if (c->state == P_ZOMBIE) {
			notify_parent(c);
		} else if (c->set.pdeathsig) {
			siginfo_t info;
			memset(&info, 0, sizeof(info));
			info.si_signo = c->set.pdeathsig;
			info.si_code = SI_USER;
			info.si_pid = p->pid;
			info.si_uid = p->uid;
			signal_send_to(c, NULL, &info);
		}
	}
	notify_parent(p);
	pidfd_proc_ended();
}

bool proc_may_access(const struct proc *p)
{
	/* capabilities count for euid 0 only: setuid does not drop them here */
	if (p == current || (current->euid == 0 && (current->cap_eff & (1ull << CAP_SYS_PTRACE))))
		return true;
	return p->uid == current->uid && p->euid == current->uid && p->suid == current->uid &&
	       p->gid == current->gid && p->egid == current->gid && p->sgid == current->gid &&
	       p->set.dumpable;
}

/* kcmp(2)'s order of two kernel objects of one kind: the addresses
 * scrambled with a secret per kind (an odd multiplier), so that the
 * order is stable but tells nothing of where they are. */
int proc_kcmp_order(const void *a, const void *b, int kind)
{
	static uint64_t cookies[8][2];
	static bool made;
	if (!made) {
		random_bytes(cookies, sizeof(cookies));
		for (int i = 0; i < 8; i++)
			cookies[i][1] |= 1;
		made = true;
	}
	kind &= 7;
	uint64_t x = ((uint64_t)a ^ cookies[kind][0]) * cookies[kind][1];
	uint64_t y = ((uint64_t)b ^ cookies[kind][0]) * cookies[kind][1];
	return (x < y) | ((x > y) << 1);
}

/* ---- credentials asked by permission checks (fs/perm.c, fs/vfs.c) */

bool cred_in_group(unsigned gid)
{
	if (!current || gid == (unsigned)current->fsgid)
		return true;
	for (int i = 0; i < current->ngroups; i++)
		if ((unsigned)current->groups[i] == gid)
			return true;
	return false;
}

bool cred_owner_or_capable(unsigned uid)
{
	return !current || uid == (unsigned)current->fsuid || capable(CAP_FOWNER);
}

/* ---- resource limits and names, kept in struct proc */

void proc_limits_init(struct proc *p)
{
	struct rlimit64 *lim = p->rlimits;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		lim[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	lim[RLIMIT_STACK] = (struct rlimit64){ USER_STACK_SIZE, RLIM_INFINITY };
	lim[RLIMIT_NOFILE] = (struct rlimit64){ NOFILE_DEFAULT, NOFILE_DEFAULT };
	lim[RLIMIT_CORE] = (struct rlimit64){ 0, RLIM_INFINITY };
	lim[RLIMIT_MEMLOCK] = (struct rlimit64){ 8 << 20, 8 << 20 };
	/* Linux: half of threads-max */
	lim[RLIMIT_NPROC] = (struct rlimit64){ threads_max() / 2, threads_max() / 2 };
	lim[RLIMIT_SIGPENDING] = (struct rlimit64){ 1024, 1024 };
	lim[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
	lim[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
	lim[RLIMIT_NICE] = (struct rlimit64){ 0, 0 };
}

uint64_t rlimit_cur(int resource) { return current->rlimits[resource].rlim_cur; }

/* The name /proc/self/comm and PR_GET_NAME show: the executable's base
 * name until PR_SET_NAME. */
void proc_comm(char out[16]) { proc_comm_of(current, out); }

/* Another process's name (/proc/<pid>): its PR_SET_NAME, or its
 * executable's base name. */
void proc_comm_of(struct proc *p, char out[16])
{
	if (p && p->comm[0]) {
		memcpy(out, p->comm, 16);
		out[15] = 0;
		return;
	}
	const char *exe = p && p->exe_path ? p->exe_path : "";
	const char *s = strrchr(exe, '/');
	strlcpy(out, s ? s + 1 : exe, 16);
}
