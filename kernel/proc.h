/* proc.h: processes: each one's address space, files, identity, signal
 * dispositions and pending signals, its parent and children, and the
 * facts /proc reports about it. Its threads are in kernel/sched.h. */
#ifndef HTUX_PROC_H
#define HTUX_PROC_H

#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include <linux/resource.h>
#include <linux/capability.h>

struct mm;       /* kernel/vm.h */
struct fd_table; /* fs/vfs.h */
struct fs_ctx;   /* fs/vfs.h: cwd and umask */
struct inode;    /* fs/vfs.h */

struct sigq;     /* kernel/signal.c */
struct sem_undo; /* kernel/ipc/sem.c */

enum proc_state { P_ALIVE, P_ZOMBIE };

/* Every capability (the bounding set, and root's sets). */
#define CAPS_ALL ((1ull << (CAP_LAST_CAP + 1)) - 1)
#define TIMER_SLACK_DEFAULT 50000 /* ns */

/* A process's small settings (kernel/sys/misc.c): each process has its
 * own; fork and execve change them as proc_fork_settings and
 * proc_exec_settings say (kernel/proc.c). Linux keeps some per thread
 * (nice, policy, pdeathsig); here a process's threads share them. */
struct proc_settings {
	int nice;                /* -20..19 */
	int policy, rt_priority; /* SCHED_*, 1..99 for FIFO and RR */
	bool reset_on_fork;      /* SCHED_RESET_ON_FORK */
	/* SCHED_DEADLINE's runtime, deadline and period (ns) and its
	 * SCHED_FLAG_RECLAIM and _DL_OVERRUN, from sched_setattr */
	uint64_t dl_runtime, dl_deadline, dl_period, dl_flags;
	int ioprio;           /* 0: none set (IOPRIO_CLASS_NONE) */
	unsigned personality; /* PER_LINUX and flags */
	int dumpable;         /* PR_SET_DUMPABLE: 0 or 1 */
	int pdeathsig;        /* sent when the parent ends; 0: none */
	bool no_new_privs;
	unsigned securebits; /* SECBIT_* (PR_SET_SECUREBITS, PR_SET_KEEPCAPS) */
	bool subreaper;      /* PR_SET_CHILD_SUBREAPER */
	uint64_t timer_slack_ns;
	int membarrier; /* MEMBARRIER_CMD_REGISTER_* done (Linux: the mm's) */
};

struct proc {
	int pid;
	enum proc_state state;
	struct proc *parent;     /* NULL for pid 1 */
	struct proc *all_next;   /* every process, newest first */
	int pgid, sid;           /* process group and session */
	int nthreads;            /* live threads */
	bool exiting;            /* exit_group or a fatal signal: threads leave */
	int wstatus;             /* as wait(2) reports it, once exiting */
	int exit_signal;         /* sent to the parent at exit (SIGCHLD, or clone's) */
	struct waitq child_wait; /* wait4/waitid of this process sleep here */
	struct waitq vfork_wait; /* a CLONE_VFORK parent sleeps here ... */
	bool vfork_done;         /* ... until this child execs or exits */

	/* Signals (kernel/signal.c): dispositions, the process-wide pending
	 * set and the queue of siginfos (process's and its threads'). */
	struct k_sigaction sigactions[NSIGNALS];
	uint64_t sigpending;
	struct sigq *sigqueue;
	int nqueued;

	/* kernel/timer.c: ITIMER_REAL, _VIRTUAL, _PROF (time_ns(), 0:
	 * disarmed) and their intervals. */
	uint64_t it_expires[3], it_interval[3];
	struct rlimit64 rlimits[RLIM_NLIMITS];

	struct mm *mm;
	struct fd_table *files;
	struct fs_ctx *fs;
	char *exe_path;        /* absolute path of the executable */
	struct inode *exe_ino; /* the executable, kept unwritable (kernel/exec.c) */
	char *cmdline;         /* argv strings, each NUL-terminated */
	size_t cmdline_len;
	char *environ; /* envp strings, each NUL-terminated */
	size_t environ_len;
	uint64_t auxv[64]; /* the aux vector given at exec, AT_NULL-ended */
	uint64_t start_ns; /* time_ns() at exec */
	/* kernel/cputime.c: CPU time (TSC ticks) and context switches of its
	 * ended threads, and of its reaped children (theirs and their
	 * children's). */
	struct {
		uint64_t utime_tsc, stime_tsc, cutime_tsc, cstime_tsc;
		uint64_t nvcsw, nivcsw, cnvcsw, cnivcsw;
	} cpu;
	/* Credentials (kernel/sys/ids.c): real, effective, saved and fs ids,
	 * and the supplementary groups. All zero: root. */
	int uid, euid, suid, fsuid;
	int gid, egid, sgid, fsgid;
	int ngroups;
	int *groups;
	/* Capability sets (capabilities(7)): effective, permitted,
	 * inheritable, bounding and ambient. */
	uint64_t cap_eff, cap_perm, cap_inh, cap_bnd, cap_amb;
	struct proc_settings set;
	struct sem_undo *semundo; /* kernel/ipc/sem.c: SEM_UNDO adjustments (not inherited) */
	/* kernel/sys/misc.c: the name prctl(PR_SET_NAME) gives ("": the
	 * executable's base name), as /proc/self/comm shows it. */
	char comm[16];
};

/* The process this CPU runs (NULL in its idle thread). */
#define current (this_cpu_proc())
extern struct proc *all_procs;

/* kernel/proc.c */
struct proc *proc_find(int pid); /* alive or zombie */
/* A new process, child of current, with a copy of its identity, signal
 * dispositions, limits and /proc facts (not mm, files or threads). */
struct proc *proc_fork(void);
/* Whether the current process may make another task (process or
 * thread): 0, -EAGAIN past RLIMIT_NPROC (its user's tasks; root exempt)
 * or threads-max (all tasks), -ENOMEM when memory is nearly all used. */
int proc_may_clone(void);
/* Linux's threads-max for this memory (/proc/sys/kernel/threads-max). */
int threads_max(void);
/* Frees a process that never ran (fork failed half way). */
void proc_abort(struct proc *p);
/* Ends the calling thread's process with wait status wstatus: the other
 * threads are told to leave, this one leaves; the last one out makes the
 * process a zombie (pid 1: the VM ends). */
__attribute__((noreturn)) void proc_exit(int wstatus);
/* Called by thread_exit for the last thread of p (on its stack). */
void proc_last_thread_gone(struct proc *p);
/* Tells every other thread of the current process to leave (execve), and
 * waits until they have. */
void proc_kill_other_threads(void);
/* Frees a zombie whose status the parent has collected. */
void proc_reap(struct proc *p);
/* Wakes the parent of a CLONE_VFORK child (exec or exit). */
void proc_vfork_release(struct proc *p);
/* kernel/init.c: is p the VM's program (pid 1, or pid 2 under the
 * built-in init)? Its death by a signal gets an htux: line. */
bool proc_is_program(const struct proc *p);
/* kernel/init.c: a signal sent to the built-in init: passed on to the
 * program (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) or
 * dropped. As signal_send_to returns. */
int init_signal(const siginfo_t *info);
/* Linux's default resource limits (kernel/sys/proc.c). */
void proc_limits_init(struct proc *p);
/* kernel/proc.c: the first process's settings and capabilities (root's:
 * all); a fork child's from its parent's (pdeathsig, subreaper and
 * membarrier registrations cleared, SCHED_RESET_ON_FORK applied); what
 * execve resets (dumpable set, keepcaps and membarrier registrations
 * cleared, READ_IMPLIES_EXEC dropped, capabilities
 * recomputed by capabilities(7)'s rules for a file without any). */
void proc_settings_init(struct proc *p);
void proc_fork_settings(struct proc *child, const struct proc *parent);
void proc_exec_settings(struct proc *p);

/* kernel/pidfd.c: pidfds. pidfd_file: a new pidfd for pid (NULL: no
 * memory); pidfd_pid: the pid f names, or -EBADF for a file that is no
 * pidfd; pidfd_fd_pid: the same for a descriptor of the caller (with
 * whether it is O_NONBLOCK); pidfd_proc_ended: a process has ended (its
 * pidfds turn readable). */
struct file;
struct file *pidfd_file(int pid, bool nonblock);
int pidfd_pid(struct file *f);
int pidfd_fd_pid(int fd, bool *nonblock);
void pidfd_proc_ended(void);
/* kernel/proc.c: may the caller read and write p's memory and
 * descriptors (Linux's PTRACE_MODE_ATTACH_REALCREDS)? */
bool proc_may_access(const struct proc *p);
/* kernel/proc.c: kcmp's comparison of two objects of one kind: 0 (the
 * same), 1 (a orders first) or 2, the order scrambled by a secret. */
int proc_kcmp_order(const void *a, const void *b, int kind);

/* The kernel release and version uname and /proc/sys/kernel report. */
#define UTS_RELEASE "6.1.0-htux"
#define UTS_VERSION "#1 htux " HTUX_VERSION

/* What /proc reports (kernel/sys/misc.c, ids.c, info.c). */
void proc_comm(char out[16]); /* NUL-terminated name */
void proc_comm_of(struct proc *p, char out[16]);
uint64_t rlimit_cur(int resource); /* the caller's soft limit (kernel/proc.c) */

/* Has the current process capability cap (CAP_*) in its effective set?
 * Where Linux asks capable(), so do we (kernel threads: yes). */
static inline bool capable(int cap) { return !current || ((current->cap_eff >> cap) & 1); }

/* kernel/proc.c: is the current process's fsuid the owner uid, or has
 * it CAP_FOWNER (Linux's inode_owner_or_capable)? Is gid its fsgid or
 * one of its supplementary groups? */
bool cred_owner_or_capable(unsigned uid);
bool cred_in_group(unsigned gid);

/* Has the way back to the program work for signal_deliver (kernel/signal.c)
 * other than an EINTR result: an exit, a saved mask, an IRET asked for, a
 * signal pending and not blocked, an rseq area to update? */
static inline bool signal_work_due(const struct thread *t)
{
	return (t->must_exit | t->sigsaved_valid | signal_need_iret) ||
	       ((t->sigpending | t->proc->sigpending) & ~t->sigmask) || rseq_return_due(t);
}

#endif
