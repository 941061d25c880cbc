/* rseq.c: restartable sequences (rseq(2)): a thread's registered struct
 * rseq, the CPU and node numbers written into it on the way back to user
 * mode, and the abort of its critical section when the thread was
 * preempted or takes a signal inside it. cpu_id and cpu_id_start are
 * the CPU the thread returns on; node_id 0 and mm_cid 0. */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "arch/x86_64/trap.h"

/* struct rseq's fields (include/uapi/linux/rseq.h). */
#define RSEQ_OFF_CPU_ID_START 0
#define RSEQ_OFF_CS 8
#define RSEQ_CPU_ID_UNINITIALIZED ((uint32_t)-1)
#define RSEQ_NO_RESTART_FLAGS 7u /* RSEQ_CS_FLAG_NO_RESTART_ON_* */

struct rseq_ids { /* cpu_id_start .. mm_cid, less rseq_cs and flags */
	uint32_t cpu_id_start, cpu_id;
};

struct rseq_cs_desc {
	uint32_t version, flags;
	uint64_t start_ip, post_commit_offset, abort_ip;
};

/* Writes the CPU, node and concurrency ids (cpu the CPU, or the
 * "uninitialized" mark when unregistering). */
static int write_ids(uint64_t rs, uint32_t len, uint32_t cpu)
{
	struct rseq_ids ids = { cpu == RSEQ_CPU_ID_UNINITIALIZED ? 0 : cpu, cpu };
	uint32_t zero = 0;

	if (copy_to_user((void *)rs, &ids, sizeof(ids)))
		return -EFAULT;
	/* node_id and mm_cid where the area has them (28 bytes and more) */
	if (len >= 28 && (copy_to_user((void *)(rs + 20), &zero, 4) ||
			  copy_to_user((void *)(rs + 24), &zero, 4)))
		return -EFAULT;
	return 0;
}

long rseq_register(uint64_t rs, uint32_t len, uint32_t sig)
{
	struct thread *t = cur_thread;
	uint32_t ids[2];

	/* An area that cannot be read is refused now, as Linux (6.x) does,
	 * rather than killing the thread on its way out. */
	if (copy_from_user(ids, (const void *)rs, sizeof(ids)))
		return -EFAULT;
	t->rseq = rs;
	t->rseq_len = len;
	t->rseq_sig = sig;
	t->rseq_event = rs != 0; /* the ids are written on the way out */
	t->rseq_cpu = ~0u;
	return 0;
}

long rseq_unregister(void)
{
	struct thread *t = cur_thread;

	if (write_ids(t->rseq, t->rseq_len, RSEQ_CPU_ID_UNINITIALIZED))
		return -EFAULT;
	t->rseq = 0;
	t->rseq_len = t->rseq_sig = 0;
	t->rseq_event = false;
	return 0;
}

/* Where the critical section the area names (csp, not 0, and flags as
 * rseq_return_work read them) ends the thread up: 0 (ip outside it;
 * rseq_cs cleared), 1 (*abort_ip set: ip is inside it), or -EFAULT/-EINVAL
 * (a bad descriptor: SIGSEGV). */
static int critical_section(struct thread *t, uint64_t ip, uint64_t csp, uint32_t flags,
			    uint64_t *abort_ip)
{
	uint64_t zero = 0;
	struct rseq_cs_desc cs;
	uint32_t sig;

	if (csp >= USER_TOP || copy_from_user(&cs, (void *)csp, sizeof(cs)))
		return csp >= USER_TOP ? -EINVAL : -EFAULT;
	uint64_t end = cs.start_ip + cs.post_commit_offset;
	if (cs.version > 0 || cs.start_ip >= USER_TOP || end >= USER_TOP || end < cs.start_ip ||
	    cs.abort_ip >= USER_TOP || (cs.abort_ip >= cs.start_ip && cs.abort_ip < end))
		return -EINVAL;
	if (cs.abort_ip < 4 || copy_from_user(&sig, (void *)(cs.abort_ip - 4), sizeof(sig)))
		return -EFAULT;
	if (sig != t->rseq_sig) {
		kinfo("rseq: bad signature 0x%x before abort_ip 0x%lx (want 0x%x)\n", sig,
		      cs.abort_ip, t->rseq_sig);
		return -EINVAL;
	}
	if (ip < cs.start_ip || ip >= end)
		return copy_to_user((void *)(t->rseq + RSEQ_OFF_CS), &zero, sizeof(zero));
	if ((cs.flags | flags) & RSEQ_NO_RESTART_FLAGS)
		return -EINVAL; /* deprecated flags: Linux refuses them too */
	if (copy_to_user((void *)(t->rseq + RSEQ_OFF_CS), &zero, sizeof(zero)))
		return -EFAULT;
	*abort_ip = cs.abort_ip;
	return 1;
}

/* A broken area or descriptor: SIGSEGV as Linux's force_sigsegv, its
 * handler reset first when the signal being delivered is SIGSEGV. */
static void rseq_fail(int delivering)
{
	struct k_sigaction *ka = &current->sigactions[SIGSEGV];
	siginfo_t info;

	if (delivering == SIGSEGV || ka->handler == (uint64_t)SIG_IGN ||
	    (cur_thread->sigmask & SIGBIT(SIGSEGV))) {
		ka->handler = (uint64_t)SIG_DFL;
		cur_thread->sigmask &= ~SIGBIT(SIGSEGV);
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGSEGV;
	info.si_code = SI_KERNEL;
	signal_send(cur_thread, &info);
}

void rseq_return_work(struct trapframe *tf, int sig)
{
	struct thread *t = cur_thread;
	uint64_t abort_ip = 0;
	struct {
		uint32_t cpu_id_start, cpu_id;
		uint64_t rseq_cs;
		uint32_t flags, node_id, mm_cid;
	} __attribute__((packed)) a;

	t->rseq_event = false;
	/* One read of the area (after a preemption, a signal, or a move to
	 * another CPU): most find no critical section and the ids right. */
	if (copy_from_user(&a, (void *)t->rseq, sizeof(a))) {
		rseq_fail(sig);
		return;
	}
	if (a.rseq_cs) {
		int r = critical_section(t, tf->rip, a.rseq_cs, a.flags, &abort_ip);
		if (r == 1)
			tf->rip = abort_ip;
		if (r < 0) {
			rseq_fail(sig);
			return;
		}
	}
	uint32_t cpu = this_cpu()->id;
	if ((a.cpu_id_start != cpu || a.cpu_id != cpu || a.node_id || a.mm_cid) &&
	    write_ids(t->rseq, t->rseq_len, cpu)) {
		rseq_fail(sig);
		return;
	}
	t->rseq_cpu = cpu;
}

void rseq_fork(struct thread *child, const struct thread *parent)
{
	child->rseq = parent->rseq;
	child->rseq_len = parent->rseq_len;
	child->rseq_sig = parent->rseq_sig;
	child->rseq_event = parent->rseq != 0;
	child->rseq_cpu = ~0u;
}
