/* strace.h: watching system calls: the strace-like trace (kernel/strace.c)
 * and the per-call counts and times of syscall_summary (kernel/sysstats.c),
 * both reached from the dispatcher only when kopts.watch is set. */
#ifndef HTUX_STRACE_H
#define HTUX_STRACE_H

#include "kernel/syscall.h"

#define ERRNO_MAX 134
extern const char *const syscall_args[SYSCALL_MAX]; /* generated: argument kinds */
extern const char *const errno_names[ERRNO_MAX];    /* generated: "ENOENT (No such ...)" */

struct trapframe;
/* Runs handler fn (NULL: not implemented) for the call in tf, tracing
 * and counting it as the options say; returns its result. */
long syscall_watched(struct trapframe *tf, syscall_fn fn);

/* kernel/sysstats.c */
void sysstats_add(uint64_t nr, long ret, uint64_t ticks);
void sysstats_print(void); /* the strace -c table, on the diagnostics channel */

#endif
