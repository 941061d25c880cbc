/* sys/signal.c: rt_sigaction, rt_sigprocmask and sigaltstack. The
 * dispositions and the mask are kept exactly (old values read back as
 * set); delivering signals to handlers comes with the signal subsystem. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"

static stack_t altstack = { .ss_flags = SS_DISABLE };

long sys_rt_sigaction(int sig, const void *act, void *oact, size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (sig < 1 || sig >= NSIGNALS)
		return -EINVAL;
	struct k_sigaction n;
	if (act) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(&n, act, sizeof(n)))
			return -EFAULT;
	}
	if (oact && copy_to_user(oact, &sigactions[sig], sizeof(sigactions[sig])))
		return -EFAULT;
	if (act) {
		n.mask &= ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
		sigactions[sig] = n;
	}
	return 0;
}

long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	uint64_t n = 0;
	if (set && copy_from_user(&n, set, sizeof(n)))
		return -EFAULT;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (oset && copy_to_user(oset, &sigmask, sizeof(sigmask)))
		return -EFAULT;
	if (set) {
		if (how == SIG_BLOCK)
			sigmask |= n;
		else if (how == SIG_UNBLOCK)
			sigmask &= ~n;
		else
			sigmask = n;
		sigmask &= ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
	}
	return 0;
}

long sys_sigaltstack(const void *ss, void *oss)
{
	stack_t n;
	if (ss) {
		if (copy_from_user(&n, ss, sizeof(n)))
			return -EFAULT;
		if (n.ss_flags & ~(SS_DISABLE | SS_AUTODISARM))
			return -EINVAL;
		if (!(n.ss_flags & SS_DISABLE) && n.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (oss && copy_to_user(oss, &altstack, sizeof(altstack)))
		return -EFAULT;
	if (ss)
		altstack = n;
	return 0;
}
