/* proc_state.c: each process's own settings: nice (getpriority and
 * setpriority over a process and a process group), scheduling policy,
 * prctl's PDEATHSIG, DUMPABLE, NO_NEW_PRIVS, KEEPCAPS and CHILD_SUBREAPER,
 * personality, the I/O priority and the capability sets. A child that
 * changes them leaves its parent's and a sibling's alone (also as
 * /proc/<pid>/stat and status report them); what a fork child inherits
 * (SCHED_RESET_ON_FORK included) and what execve resets. Values are
 * printed relative to the parent's at the start, and capabilities only as
 * "as parent" or not, so the output is the same with or without root. */
#include "abi.h"
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define ADDR_NO_RANDOMIZE_ 0x0040000
#define READ_IMPLIES_EXEC_ 0x0400000
#define IOPRIO_BE4 ((2 << 13) | 4)
#define IOPRIO_IDLE (3 << 13)
#define CAP_SYS_ADMIN_ 21

struct cap_hdr {
	unsigned version;
	int pid;
};
struct cap_data {
	unsigned eff, perm, inh;
};

static unsigned long long caps_of(int pid)
{
	struct cap_hdr h = { 0x20080522, pid };
	struct cap_data d[2];
	if (syscall(SYS_capget, &h, d))
		return ~0ull;
	return d[0].eff | (unsigned long long)d[1].eff << 32;
}

/* Drops CAP_SYS_ADMIN from the effective and permitted sets. */
static void drop_admin(void)
{
	struct cap_hdr h = { 0x20080522, 0 };
	struct cap_data d[2];
	syscall(SYS_capget, &h, d);
	d[0].eff &= ~(1u << CAP_SYS_ADMIN_);
	d[0].perm &= ~(1u << CAP_SYS_ADMIN_);
	if (syscall(SYS_capset, &h, d))
		printf("capset: %s\n", abi_errname(errno));
}

struct st {
	int nice, policy, pdeath, dump, nnp, keep, subr, ioprio;
	unsigned pers;
	unsigned long long caps;
};

static struct st base;
static int hide_dumpable;
static char self[4096];
/* The capabilities "as parent" means: base's, or B's once it has dropped
 * one (a host's root may lack CAP_SYS_ADMIN already). */
static unsigned long long ref_caps;

/* musl's sched_* wrappers answer ENOSYS: the raw calls */
static long set_sched(int pid, int policy)
{
	struct sched_param sp = { 0 };
	return syscall(SYS_sched_setscheduler, pid, policy, &sp);
}

static int get_sched(int pid) { return (int)syscall(SYS_sched_getscheduler, pid); }

static void snap(struct st *s)
{
	s->nice = getpriority(PRIO_PROCESS, 0);
	s->policy = get_sched(0);
	prctl(PR_GET_PDEATHSIG, &s->pdeath);
	s->dump = prctl(PR_GET_DUMPABLE);
	s->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	s->keep = prctl(PR_GET_KEEPCAPS);
	prctl(PR_GET_CHILD_SUBREAPER, &s->subr);
	s->pers = (unsigned)syscall(SYS_personality, 0xffffffff);
	s->ioprio = (int)syscall(SYS_ioprio_get, 1, 0);
	s->caps = caps_of(0);
}

static const char *caps_word(unsigned long long c)
{
	return c == ref_caps ? "as parent" : (c & ~ref_caps) ? "more" : "fewer";
}

static void show(const char *who)
{
	struct st s;
	snap(&s);
	printf("%s: nice %+d policy %#x pdeathsig %d dumpable %d nnp %d keepcaps %d subreaper %d "
	       "personality %#x ioprio %#x caps %s\n",
	       who, s.nice - base.nice, s.policy, s.pdeath, hide_dumpable ? -1 : s.dump, s.nnp,
	       s.keep, s.subr, s.pers ^ base.pers, s.ioprio, caps_word(s.caps));
}

/* Field n (1-based, as proc(5) numbers them) of /proc/<pid>/stat. */
static long stat_field(int pid, int n)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return -999;
	buf[len] = 0;
	char *p = strrchr(buf, ')');
	for (int f = 2; p && f < n; f++)
		p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, NULL, 10) : -999;
}

/* The value after "key:" in /proc/<pid>/status. */
static unsigned long long status_field(int pid, const char *key, int base16)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return ~0ull;
	buf[len] = 0;
	char *p = strstr(buf, key);
	return p ? strtoull(p + strlen(key) + 1, NULL, base16 ? 16 : 10) : ~0ull;
}

static void proc_report(const char *who, int pid)
{
	printf("%s /proc stat: priority %+ld nice %+ld policy %ld; status: NoNewPrivs %llu "
	       "CapEff %s\n",
	       who, stat_field(pid, 18) - (20 + base.nice), stat_field(pid, 19) - base.nice,
	       stat_field(pid, 41), status_field(pid, "NoNewPrivs:", 0),
	       status_field(pid, "CapEff:", 1) == caps_of(pid) ? "as capget" : "differs");
}

/* Execs this program to show its state, caps compared with ref (and
 * not dumpable if the exec may gain capabilities: newer kernels then
 * clear it). */
static void exec_show(const char *who, unsigned long long ref, int nodump)
{
	char nice[16], pers[32], caps[32];
	snprintf(nice, sizeof(nice), "%d", base.nice);
	snprintf(pers, sizeof(pers), "%#x", base.pers);
	snprintf(caps, sizeof(caps), "%#llx", ref);
	char *av[] = { self, "exec-show", nice, pers, caps, (char *)who, nodump ? "nodump" : NULL,
		       NULL };
	fflush(stdout);
	execv(self, av);
	_exit(127);
}

static void put(int fd)
{
	char c = 0;
	if (write(fd, &c, 1) != 1)
		_exit(90);
}
static void get(int fd)
{
	char c;
	if (read(fd, &c, 1) != 1)
		_exit(91);
}

static void reap(int pid, const char *what)
{
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("%s: status %#x\n", what, st);
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "exec-show")) {
		base.nice = atoi(argv[2]);
		base.pers = (unsigned)strtoul(argv[3], NULL, 0);
		base.caps = ref_caps = strtoull(argv[4], NULL, 0);
		hide_dumpable = argc > 6;
		show(argv[5]);
		return 0;
	}
	abi_init(argc, argv);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = 0;
	/* an explicit I/O priority: an unset one reads differently across
	 * kernel versions */
	R(syscall(SYS_ioprio_set, 1, 0, IOPRIO_BE4));
	snap(&base);
	ref_caps = base.caps;
	show("parent");

	int a2p[2], p2a[2], b2p[2], p2b[2];
	if (pipe(a2p) || pipe(p2a) || pipe(b2p) || pipe(p2b))
		return 1;
	fflush(stdout);
	/* A: a sibling that only watches */
	pid_t a = fork();
	if (a == 0) {
		get(p2a[0]);
		show("sibling A after B's changes");
		put(a2p[1]);
		get(p2a[0]);
		show("sibling A after the parent's setpriority");
		_exit(0);
	}
	/* B: changes everything */
	pid_t b = fork();
	if (b == 0) {
		R(setpriority(PRIO_PROCESS, 0, base.nice + 5));
		R(set_sched(0, SCHED_BATCH));
		R(prctl(PR_SET_PDEATHSIG, SIGUSR1));
		R(prctl(PR_SET_DUMPABLE, 0));
		R(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
		R(prctl(PR_SET_KEEPCAPS, 1));
		R(prctl(PR_SET_CHILD_SUBREAPER, 1));
		R(syscall(SYS_personality, base.pers | ADDR_NO_RANDOMIZE_ | READ_IMPLIES_EXEC_) ==
		  base.pers);
		R(syscall(SYS_ioprio_set, 1, 0, IOPRIO_IDLE));
		show("B changed");
		put(b2p[1]);
		get(p2b[0]);
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			show("B's child C");
			_exit(0);
		}
		reap(c, "C");
		exec_show("B after execve", base.caps, 0);
	}
	get(b2p[0]);
	show("parent after B's changes");
	SAY(getpriority(PRIO_PROCESS, b) - base.nice == 5);
	SAY(get_sched(b) == SCHED_BATCH);
	SAY(syscall(SYS_ioprio_get, 1, b) == IOPRIO_IDLE);
	SAY(syscall(SYS_ioprio_get, 1, a) == IOPRIO_BE4);
	SAY(caps_of(a) == base.caps);
	proc_report("parent", getpid());
	proc_report("B", b);
	proc_report("A", a);
	put(p2a[1]);
	get(a2p[0]);
	R(setpriority(PRIO_PROCESS, a, base.nice + 7));
	SAY(getpriority(PRIO_PROCESS, a) - base.nice == 7);
	show("parent after setpriority of A");
	fflush(stdout);
	put(p2a[1]);
	reap(a, "A");
	put(p2b[1]);
	reap(b, "B");
	errno = 0;
	R(getpriority(PRIO_PROCESS, a));
	R(setpriority(PRIO_PROCESS, a, 1));

	/* SCHED_RESET_ON_FORK: the child's flag goes; a non-RT policy and a
	 * nice that is not negative stay */
	fflush(stdout);
	pid_t d = fork();
	if (d == 0) {
		R(setpriority(PRIO_PROCESS, 0, base.nice + 3));
		R(set_sched(0, SCHED_IDLE | SCHED_RESET_ON_FORK));
		SAY(get_sched(0) == (SCHED_IDLE | SCHED_RESET_ON_FORK));
		proc_report("D", getpid());
		fflush(stdout);
		pid_t e = fork();
		if (e == 0) {
			show("D's child E");
			_exit(0);
		}
		reap(e, "E");
		_exit(0);
	}
	reap(d, "D");

	/* capset in a child: its child inherits the sets, execve gives root
	 * its capabilities back (caps are compared with F's own after the
	 * drop: a host's root may lack CAP_SYS_ADMIN already, and others
	 * have none) */
	fflush(stdout);
	pid_t f = fork();
	if (f == 0) {
		drop_admin();
		SAY((caps_of(0) & (1ull << CAP_SYS_ADMIN_)) == 0);
		ref_caps = caps_of(0);
		R(prctl(PR_SET_KEEPCAPS, 1));
		fflush(stdout);
		pid_t f2 = fork();
		if (f2 == 0) {
			show("F's child");
			_exit(0);
		}
		reap(f2, "F's child");
		exec_show("F after execve", base.caps, 1);
	}
	reap(f, "F");
	SAY(caps_of(0) == base.caps);

	/* PRIO_PGRP: a group's processes together; getpriority answers the
	 * highest priority among them */
	fflush(stdout);
	pid_t g = fork();
	if (g == 0) {
		int h2g[2], g2h[2];
		if (pipe(h2g) || pipe(g2h) || setpgid(0, 0))
			_exit(1);
		fflush(stdout);
		pid_t h = fork();
		if (h == 0) {
			put(h2g[1]);
			get(g2h[0]);
			show("G's child H");
			_exit(0);
		}
		get(h2g[0]);
		R(setpriority(PRIO_PGRP, 0, base.nice + 4));
		SAY(getpriority(PRIO_PROCESS, h) - base.nice == 4);
		R(setpriority(PRIO_PROCESS, 0, base.nice + 6));
		SAY(getpriority(PRIO_PGRP, 0) - base.nice == 4);
		SAY(getpriority(PRIO_PGRP, getpgrp()) - base.nice == 4);
		show("G");
		fflush(stdout);
		put(g2h[1]);
		reap(h, "H");
		_exit(0);
	}
	reap(g, "G");
	/* a child subreaper takes its orphaned grandchild, which gets its
	 * parent-death signal from the parent that ended */
	fflush(stdout);
	pid_t x = fork();
	if (x == 0) {
		int z2y[2], z2x[2];
		if (pipe(z2y) || pipe(z2x))
			_exit(1);
		R(prctl(PR_SET_CHILD_SUBREAPER, 1));
		pid_t me = getpid();
		fflush(stdout);
		pid_t y = fork();
		if (y == 0) {
			sigset_t m;
			sigemptyset(&m);
			sigaddset(&m, SIGUSR1);
			sigprocmask(SIG_BLOCK, &m, NULL);
			pid_t z = fork();
			if (z == 0) {
				pid_t old = getppid();
				prctl(PR_SET_PDEATHSIG, SIGUSR1);
				put(z2y[1]);
				struct timespec ts = { 5, 0 };
				siginfo_t si;
				memset(&si, 0, sizeof(si));
				int sig = sigtimedwait(&m, &si, &ts);
				printf("Z: signal %s, si_code %d, from the old parent: %s\n",
				       sig == SIGUSR1 ? "SIGUSR1" : "none", si.si_code,
				       si.si_pid == old ? "yes" : "no");
				printf("Z: parent is the subreaper: %s\n",
				       getppid() == me ? "yes" : "no");
				put(z2x[1]);
				_exit(0);
			}
			get(z2y[0]);
			_exit(0);
		}
		reap(y, "Y");
		get(z2x[0]);
		int st;
		pid_t w = wait(&st);
		SAY(w > 0 && w != y && WIFEXITED(st));
		R(wait(&st));
		_exit(0);
	}
	reap(x, "X");
	show("parent at the end");
	return 0;
}
