/* proc.h: the running program: its address space, files, identity and the
 * facts /proc reports about it. One program per VM; its threads are in kernel/sched.h. */
#ifndef HTUX_PROC_H
#define HTUX_PROC_H

#include "kernel/kernel.h"

struct mm;        /* kernel/vm.h */
struct fd_table;  /* fs/vfs.h */
struct fs_ctx;    /* fs/vfs.h: cwd and umask */

struct proc {
	int pid;
	struct mm *mm;
	struct fd_table *files;
	struct fs_ctx *fs;
	char *exe_path;          /* absolute path of the executable */
	char *cmdline;           /* argv strings, each NUL-terminated */
	size_t cmdline_len;
	char *environ;           /* envp strings, each NUL-terminated */
	size_t environ_len;
	uint64_t auxv[64];       /* the aux vector given at exec, AT_NULL-ended */
	uint64_t start_ns;       /* time_ns() at exec */
	/* Credentials (kernel/sys/ids.c): real, effective, saved and fs ids,
	 * and the supplementary groups. All zero: root. */
	int uid, euid, suid, fsuid;
	int gid, egid, sgid, fsgid;
	int ngroups;
	int *groups;
	/* kernel/sys/misc.c: the name prctl(PR_SET_NAME) gives ("": the
	 * executable's base name), as /proc/self/comm shows it. */
	char comm[16];
};

extern struct proc *current;

/* The kernel release and version uname and /proc/sys/kernel report. */
#define UTS_RELEASE "6.1.0-htux"
#define UTS_VERSION "#1 htux " HTUX_VERSION

/* What /proc reports (kernel/sys/misc.c, ids.c, info.c). */
void proc_comm(char out[16]);                 /* NUL-terminated name */
int proc_nice(void);
uint64_t rlimit_cur(int resource);           /* soft limit (kernel/sys/proc.c) */
int proc_policy(int *rt_priority);          /* SCHED_* */
void cred_caps(uint64_t *eff, uint64_t *perm, uint64_t *inh);
const char *uts_hostname(void);
const char *uts_domainname(void);

#endif
