/* syscall.h: the system-call table and dispatcher, and through
 * kernel/syscall_handlers.h (generated from kernel/syscalls.list) the
 * prototypes of the handlers, one per call; every file that defines a
 * handler includes this header, so the compiler holds each definition to
 * its line in the list. */
#ifndef HTUX_SYSCALL_H
#define HTUX_SYSCALL_H

#include "kernel/kernel.h"
#include "kernel/syscall_handlers.h"

struct trapframe;

#define SYSCALL_MAX 512
/* A table entry: the generated stub of one call (kernel/syscall_table.c),
 * which passes the argument registers of tf to its handler. */
typedef long (*syscall_fn)(const struct trapframe *tf);
/* The stubs by number (a weak definition, so that a minimal kernel can
 * link its own table: see tools/mkimage/minimal.c). */
extern const syscall_fn syscall_table[SYSCALL_MAX];
extern const char *const syscall_names[SYSCALL_MAX];
void syscall_dispatch(struct trapframe *tf);
/* fastsys: the same for a system call made by a call (fast_syscall_entry) */
void syscall_dispatch_call(struct trapframe *tf);
/* The system calls made that way so far (verbose reports it at exit). */
extern uint64_t syscall_fast_calls;
/* fastsys: is nr a light call (fast_light_entry; kernel/syscall.c)? */
bool syscall_light_ok(uint64_t nr);
/* fast_light_entry's C half: the call made (true), or left for the full
 * path, tf unchanged (false). */
bool syscall_light(struct trapframe *tf);

/* kernel/sys/thread.c, kernel/sys/fork.c: clone's two halves */
struct thread;
/* The child's side of clone: 0 in rax, the stack newsp (0: the parent's),
 * the TLS base with CLONE_SETTLS, the CLONE_CHILD_CLEARTID address
 * (kernel/sys/thread.c). */
void clone_child_regs(struct thread *t, unsigned long flags, unsigned long newsp, int *child_tid,
		      unsigned long tls);
/* clone without CLONE_THREAD: a new process (kernel/sys/fork.c). */
long process_clone(unsigned long flags, unsigned long newsp, int *parent_tid, int *child_tid,
		   unsigned long tls, int *pidfd);

#endif
