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
};

extern struct proc *current;

#endif
