/* exec.h: loading a program (boot and execve) and starting pid 1. */
#ifndef HTUX_EXEC_H
#define HTUX_EXEC_H

#include "kernel/kernel.h"

struct proc;
struct mm;
struct trapframe;

struct exec_image {
	uint64_t entry, sp;   /* where the new program starts */
	struct mm *old_mm;    /* the address space it replaced (drop it) */
	char bad_interp[256]; /* on failure: the ELF interpreter that failed, or "" */
	const char *why;      /* on failure: what is wrong with the program, or NULL */
};

/* Loads path (an ELF program, or a #! script run by its interpreter) into
 * a new address space that becomes p->mm (and the CPU's), with argv and
 * envp (kernel strings) on its stack; updates what /proc shows. 0, or
 * -errno with p->mm and the CPU's tables as they were: -ENOENT, -EACCES,
 * -ENOEXEC, -EINVAL (bad ELF headers), -ELOOP, -ENOMEM. */
int exec_load(struct proc *p, const char *path, char *const argv[], int argc, char *const envp[],
	      int envc, struct exec_image *out);
/* p->exe_ino, the running program's file, is kept unwritable (ETXTBSY)
 * while p runs it: exec_hold takes a reference and a deny-write for p
 * (fork copies it), exec_release drops them (exit). */
void exec_hold(struct proc *p);
void exec_release(struct proc *p);
/* Sets tf to enter the loaded program (all other registers zero). */
void exec_enter(struct trapframe *tf, const struct exec_image *img);

/* Loads path and enters it with argv and envp as pid 1 (kernel option
 * init: as pid 2, under the built-in init), as root or as user (NULL:
 * root; kernel/user.h), in the working directory cwd (NULL: /); does not
 * return (a program that cannot be loaded ends the VM with status 127, a
 * cwd it cannot enter with 125). */
struct run_user;
__attribute__((noreturn)) void exec_program(const char *path, char *const argv[], int argc,
					    char *const envp[], int envc,
					    const struct run_user *user, const char *cwd);
/* exec_load for the first program: on failure prints one htux: line and
 * ends the VM with status 127. */
void exec_load_first(struct proc *p, const char *path, char *const argv[], int argc,
		     char *const envp[], int envc, struct exec_image *img);
/* kernel/init.c: makes init (pid 1, set up by exec_program) the built-in
 * init, starts the program as its child, pid 2, and reaps children until
 * the program ends the VM. */
__attribute__((noreturn)) void init_run(struct proc *init, const char *path, char *const argv[],
					int argc, char *const envp[], int envc);

#endif
