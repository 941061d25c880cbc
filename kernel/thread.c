/* thread.c: threads: making the first one and clones (of a process, or
 * the first of a forked one), their kernel stacks and saved user state,
 * switching between them (and between address spaces), and ending them. */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "kernel/futex.h"
#include "kernel/cputime.h"
#include "kernel/vm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

#define KSTACK_SIZE (16 * 1024)

struct thread *all_threads;
static struct thread *zombies;
static int next_tid = 1;

static void reap_zombies(void)
{
	while (zombies) {
		struct thread *z = zombies;
		zombies = z->all_next;
		kfree(z->kstack);
		kfree(z);
	}
}

/* A zeroed thread record with its kernel stack, runnable; NULL: no memory. */
static struct thread *thread_new(void)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->kstack = kmalloc(KSTACK_SIZE);
	if (!t->kstack) {
		kfree(t);
		return NULL;
	}
	t->kstack_top = ((uint64_t)t->kstack + KSTACK_SIZE) & ~15UL;
	t->tf = (struct trapframe *)(t->kstack_top - sizeof(struct trapframe));
	t->state = T_RUNNABLE;
	return t;
}

static struct thread *thread_alloc(void)
{
	reap_zombies();
	struct thread *t = thread_new();
	if (!t)
		return NULL;
	t->tid = next_tid++;
	t->affinity = ~0UL;
	t->all_next = all_threads;
	all_threads = t;
	return t;
}

/* Makes t's stack "return" from switch_to into fn, with a 16-byte aligned
 * stack minus 8, as after a call (switch_to pops six registers). */
static void stack_start(struct thread *t, void (*fn)(void))
{
	uint64_t *sp = (uint64_t *)((uint64_t)t->tf - 64);
	memset(sp, 0, 64);
	sp[6] = (uint64_t)fn;
	t->ksp = (uint64_t)sp;
}

struct thread *thread_make_kernel(void (*fn)(void))
{
	struct thread *t = thread_new();
	if (!t)
		return NULL;
	t->kthread = true;
	stack_start(t, fn);
	return t;
}

struct thread *sched_first_thread(struct proc *p)
{
	struct thread *t = thread_alloc();
	if (!t)
		panic("out of memory for the first thread");
	t->proc = p;
	p->nthreads++;
	this_cpu()->thread = t;
	cputime_start(t);
	tss_set_rsp0(t->kstack_top);
	__asm__ volatile("fninit"); /* x87 control word 0x37f, as Linux starts a program */
	sched_smp_start();          /* the other CPUs join (their idle threads are p's) */
	return t;
}

/* Where a new thread starts: its kernel stack was made to "return" here
 * from switch_to; it enters user mode with its copied registers. */
static __attribute__((noreturn)) void thread_entry(void)
{
	struct thread *t = cur_thread;
	cputime_resume(t);
	if (t->set_child_tid) { /* in the new process's own address space */
		int tid = t->tid;
		copy_to_user((void *)t->set_child_tid, &tid, sizeof(tid));
		t->set_child_tid = 0;
	}
	trap_return(t->tf);
}

struct thread *thread_create(const struct trapframe *tf)
{
	return thread_create_in(cur_thread->proc, tf);
}

struct thread *thread_create_in(struct proc *p, const struct trapframe *tf)
{
	struct thread *t = thread_alloc();
	if (!t)
		return NULL;
	struct thread *me = cur_thread;
	*t->tf = *tf;
	t->proc = p;
	p->nthreads++;
	t->fs_base = rdmsr(MSR_FS_BASE);
	t->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	t->sigmask = me->sigmask;
	t->mpol = me->mpol;
	t->affinity = me->affinity;
	t->cpu = this_cpu()->id; /* its creator's queue; an idle CPU takes it */
	__asm__ volatile("fxsave %0" : "=m"(t->fpu));
	stack_start(t, thread_entry);
	sched_make_runnable(t);
	timer_start();
	return t;
}

struct thread *thread_find(int tid)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct thread *thread_by_id(int id)
{
	if (id < 0)
		return NULL;
	struct thread *t = id == 0 ? cur_thread : thread_find(id);
	return !t && id == current->pid ? cur_thread : t;
}

int thread_count(void) { return current->nthreads; }
int thread_peek_tid(void) { return next_tid; }

void thread_exit(int status)
{
	struct thread *t = cur_thread;
	struct proc *p = t->proc;

	t->exiting = true;
	if (!p->exiting && p->nthreads == 1) {
		p->exiting = true;
		p->wstatus = (status & 0xFF) << 8;
	}
	if (p->nthreads == 1 && p->pid == 1) {
		int w = p->wstatus;
		vm_exit((w & 0x7F) ? 128 + (w & 0x7F) : (w >> 8) & 0xFF);
	}
	/* The write may need a page (a copy-on-write one) when none is
	 * left: it fails then, as a fault on a bad address would. */
	uint64_t ctid = t->clear_child_tid;
	t->clear_child_tid = 0;
	if (ctid && p->mm && vm_prepare_write(ctid, sizeof(uint32_t)) == 0) {
		uint32_t zero = 0;
		if (copy_to_user((void *)ctid, &zero, sizeof(zero)) == 0)
			futex_wake(ctid, true, 1, ~0u);
	}
	for (struct thread **pp = &all_threads; *pp; pp = &(*pp)->all_next)
		if (*pp == t) {
			*pp = t->all_next;
			break;
		}
	cputime_thread_gone(t);
	if (--p->nthreads == 0)
		proc_last_thread_gone(p); /* zombie now; may switch to boot_pml4 */
	t->state = T_DEAD;
	t->all_next = zombies; /* freed by the next thread_alloc, off this stack */
	zombies = t;
	schedule();
	panic("a dead thread ran again");
}

/* A CPU's idle thread (kernel/sched.c) has no user state to keep, and
 * keeps the address space the CPU last ran (CR3 is written when a thread
 * of another one comes: percpu.mm). */
void thread_switch(struct thread *prev, struct thread *next)
{
	struct percpu *c = this_cpu();
	if (prev != c->idle_thread) {
		__asm__ volatile("fxsave %0" : "=m"(prev->fpu));
		/* Preempted (still runnable): rseq_return looks for a critical
		 * section to abort. One that blocked was in a system call,
		 * outside any: only its CPU id may need writing. */
		if (prev->rseq && prev->state == T_RUNNABLE)
			prev->rseq_event = true;
		prev->fs_base = rdmsr(MSR_FS_BASE);
		prev->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	}
	c->thread = next;
	c->proc = next->proc;
	if (next != c->idle_thread) {
		struct mm *mm = next->proc->mm;
		if (mm != c->mm) {
			write_cr3(virt_to_phys(mm->pml4));
			c->mm = mm;
		}
		tss_set_rsp0(next->kstack_top);
		wrmsr(MSR_FS_BASE, next->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
		__asm__ volatile("fxrstor %0" : : "m"(next->fpu));
	}
	switch_to(&prev->ksp, next->ksp);
}
