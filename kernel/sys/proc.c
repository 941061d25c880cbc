/* sys/proc.c: the program's identity (pid, ids), its limits, thread-area
 * registers (arch_prctl), and exit. We are pid 1, running as root. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/pmem.h"
#include "arch/x86_64/cpu.h"
#include <asm/prctl.h>
#include <linux/resource.h>

#define NOFILE_MAX 1024

long sys_exit_group(int status) { vm_exit(status & 0xFF); }

long sys_getpid(void) { return current->pid; }
long sys_getppid(void) { return 0; }
long sys_getuid(void) { return current->uid; }
long sys_geteuid(void) { return current->euid; }
long sys_getgid(void) { return current->gid; }
long sys_getegid(void) { return current->egid; }
long sys_getpgrp(void) { return current->pid; }
long sys_getpgid(int pid) { return pid == 0 || pid == current->pid ? current->pid : -ESRCH; }
long sys_getsid(int pid) { return pid == 0 || pid == current->pid ? current->pid : -ESRCH; }

static long put_ids(int *r, int *e, int *s, int rv, int ev, int sv)
{
	if (copy_to_user(r, &rv, sizeof(int)) || copy_to_user(e, &ev, sizeof(int)) ||
	    copy_to_user(s, &sv, sizeof(int)))
		return -EFAULT;
	return 0;
}

long sys_getresuid(int *r, int *e, int *s)
{
	return put_ids(r, e, s, current->uid, current->euid, current->suid);
}

long sys_getresgid(int *r, int *e, int *s)
{
	return put_ids(r, e, s, current->gid, current->egid, current->sgid);
}

long sys_arch_prctl(int code, unsigned long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS: {
		uint64_t v = rdmsr(MSR_FS_BASE);
		return copy_to_user((void *)addr, &v, sizeof(v));
	}
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		wrmsr(MSR_KERNEL_GS_BASE, addr);   /* the user's GS while we are in the kernel */
		return 0;
	case ARCH_GET_GS: {
		uint64_t v = rdmsr(MSR_KERNEL_GS_BASE);
		return copy_to_user((void *)addr, &v, sizeof(v));
	}
	default:
		return -EINVAL;
	}
}

static struct rlimit64 limits[RLIM_NLIMITS];
static bool limits_set;

static void limits_init(void)
{
	if (limits_set)
		return;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		limits[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	limits[RLIMIT_STACK] = (struct rlimit64){ USER_STACK_SIZE, RLIM_INFINITY };
	limits[RLIMIT_NOFILE] = (struct rlimit64){ NOFILE_MAX, NOFILE_MAX };
	limits[RLIMIT_CORE] = (struct rlimit64){ 0, RLIM_INFINITY };
	limits[RLIMIT_MEMLOCK] = (struct rlimit64){ 8 << 20, 8 << 20 };
	limits[RLIMIT_NPROC] = (struct rlimit64){ 1, 1 };
	limits[RLIMIT_SIGPENDING] = (struct rlimit64){ 1024, 1024 };
	limits[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
	limits[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
	limits_set = true;
}

uint64_t rlimit_cur(int resource)
{
	limits_init();
	return limits[resource].rlim_cur;
}

long sys_prlimit64(int pid, int resource, const struct rlimit64 *new, struct rlimit64 *old)
{
	limits_init();
	if (pid != 0 && pid != current->pid)
		return -ESRCH;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit64 n;
	if (new) {
		if (copy_from_user(&n, new, sizeof(n)))
			return -EFAULT;
		if (n.rlim_cur > n.rlim_max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && n.rlim_max > NOFILE_MAX)
			return -EPERM;
	}
	if (old && copy_to_user(old, &limits[resource], sizeof(*old)))
		return -EFAULT;
	if (new)
		limits[resource] = n;
	return 0;
}

long sys_getrlimit(int resource, struct rlimit *rl)
{
	struct rlimit64 v;
	long r = sys_prlimit64(0, resource, NULL, NULL);
	if (r)
		return r;
	v = limits[resource];
	struct rlimit out = { v.rlim_cur, v.rlim_max };
	return copy_to_user(rl, &out, sizeof(out));
}

long sys_setrlimit(int resource, const struct rlimit *rl)
{
	struct rlimit in;
	if (copy_from_user(&in, rl, sizeof(in)))
		return -EFAULT;
	limits_init();
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (in.rlim_cur > in.rlim_max)
		return -EINVAL;
	limits[resource] = (struct rlimit64){ in.rlim_cur, in.rlim_max };
	return 0;
}

long sys_sched_getaffinity(int pid, size_t len, unsigned long *mask)
{
	if (pid != 0 && pid != current->pid)
		return -ESRCH;
	if (len < sizeof(unsigned long) || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	unsigned long one = 1;   /* one CPU */
	for (size_t i = 0; i < len; i += sizeof(one)) {
		if (copy_to_user((char *)mask + i, &one, sizeof(one)))
			return -EFAULT;
		one = 0;
	}
	return sizeof(unsigned long);
}


long sys_getrusage(int who, struct rusage *ru)
{
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	struct rusage r;
	memset(&r, 0, sizeof(r));
	if (who != RUSAGE_CHILDREN) {
		uint64_t ns = time_ns() - current->start_ns;
		r.ru_utime.tv_sec = ns / 1000000000;
		r.ru_utime.tv_usec = (ns % 1000000000) / 1000;
		r.ru_maxrss = current->mm->mapped_pages * (PAGE_SIZE / 1024);
	}
	return copy_to_user(ru, &r, sizeof(r));
}
