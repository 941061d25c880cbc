/* syscall.c: the system-call table, indexed by the Linux x86_64 number,
 * and the dispatcher that calls a handler with the six argument registers,
 * answers -ENOSYS for the rest, and traces calls when asked. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/strace.h"
#include "kernel/signal.h"
#include "kernel/proc.h"
#include "arch/x86_64/trap.h"
#include <asm/unistd_64.h>

/* Handlers take their own argument types; the System V ABI passes the six
 * registers the same way whatever the prototype, so each is called through
 * the one six-argument type. */
#define H(name) [__NR_##name] = (syscall_fn)(void (*)(void))sys_##name

__attribute__((weak)) const syscall_fn syscall_table[SYSCALL_MAX] = {
	/* kernel/sys/file.c */
	H(read), H(write), H(readv), H(writev), H(pread64), H(pwrite64), H(preadv), H(pwritev),
	H(open), H(openat), H(creat), H(close), H(lseek), H(dup), H(dup2), H(dup3), H(fcntl),
	H(ioctl), H(getdents64), H(fsync), H(fdatasync), H(ftruncate),
	/* kernel/sys/fs.c */
	H(stat), H(lstat), H(fstat), H(newfstatat), H(statx), H(access), H(faccessat), H(faccessat2),
	H(readlink), H(readlinkat), H(getcwd), H(chdir), H(fchdir), H(umask), H(mkdir), H(mkdirat),
	H(unlink), H(unlinkat), H(rmdir), H(rename), H(renameat), H(truncate), H(chmod), H(fchmod),
	H(fchmodat), H(symlink), H(symlinkat), H(utimensat),
	/* kernel/sys/thread.c, futex.c */
	H(clone), /* partial: no namespaces, CLONE_PARENT, CLONE_PTRACE, nor CLONE_SIGHAND for a process */
	H(clone3), H(exit), H(gettid), H(set_tid_address), H(set_robust_list), H(get_robust_list),
	H(sched_yield), H(futex),
	/* kernel/sys/fork.c, wait.c, execve.c */
	H(fork), H(vfork), H(execveat),
	H(execve), /* partial: other threads of the caller are ended before the load, not after */
	H(wait4), /* partial: stopped and continued children are never reported; rusage is zeros */
	H(waitid), /* partial: stopped and continued children are never reported; no P_PIDFD */
	/* kernel/sys/mem.c */
	H(brk), H(mmap), H(munmap), H(mprotect), H(mremap), H(madvise), H(msync),
	/* kernel/sys/proc.c */
	H(exit_group), H(getpid), H(getppid), H(getuid), H(geteuid), H(getgid),
	H(getegid), H(getresuid), H(getresgid), H(getpgrp), H(getpgid), H(getsid),
	H(arch_prctl), H(prlimit64), H(getrlimit), H(setrlimit), H(sched_getaffinity), H(getrusage),
	/* kernel/sys/time.c */
	H(clock_gettime), H(clock_getres), H(gettimeofday), H(time), H(nanosleep), H(clock_nanosleep),
	/* kernel/sys/signal.c */
	H(rt_sigaction), H(rt_sigprocmask), H(rt_sigpending), H(rt_sigsuspend), H(pause),
	H(rt_sigtimedwait), H(kill), H(tkill), H(tgkill), H(rt_sigqueueinfo), H(rt_tgsigqueueinfo),
	H(sigaltstack), H(rt_sigreturn),
	/* kernel/sys/itimer.c */
	H(alarm), H(getitimer), H(timer_settime), H(timer_gettime), H(timer_getoverrun),
	H(timer_delete),
	H(setitimer), /* partial: ITIMER_VIRTUAL and ITIMER_PROF count real time */
	H(timer_create), /* partial: CLOCK_REALTIME, MONOTONIC and BOOTTIME only (no CPU-time clocks) */
	/* kernel/sys/info.c */
	H(uname), H(sysinfo), H(getrandom), H(sethostname), H(setdomainname),
	/* kernel/sys/ids.c */
	H(setuid), H(setgid), H(setreuid), H(setregid), H(setresuid), H(setresgid), H(setfsuid),
	H(setfsgid), H(getgroups), H(setgroups), H(capget),
	H(capset), /* partial: the sets are stored; permission checks are root's whatever they say */
	/* kernel/sys/misc.c */
	H(prctl), H(getpriority), H(setpriority),
	H(sched_setscheduler), /* partial: real-time policies are recorded; every thread runs round-robin */
	H(sched_getscheduler), H(sched_setparam), H(sched_getparam), H(sched_get_priority_max),
	H(sched_get_priority_min), H(sched_rr_get_interval),
	H(times), H(personality), H(getcpu), H(membarrier), H(ioprio_get), H(ioprio_set),
	H(mlock), H(mlock2), H(munlock), H(mlockall), H(munlockall), H(mincore), H(setsid), H(setpgid),
	/* kernel/sys/fs.c (owners, statfs, times, renameat2, sync), xfer.c */
	H(chown), H(fchown), H(lchown), H(fchownat), H(statfs), H(fstatfs), H(utimes), H(futimesat),
	H(utime), H(renameat2), H(sync), H(syncfs),
	H(sendfile), H(copy_file_range),
	H(fallocate), /* partial: modes 0 and PUNCH_HOLE|KEEP_SIZE; preallocation is EOPNOTSUPP */
	/* fs/pipe.c, fs/eventfd.c, fs/timerfd.c, fs/memfd.c */
	H(pipe), H(pipe2), H(eventfd), H(eventfd2), H(timerfd_create), H(timerfd_settime),
	H(timerfd_gettime),
	H(memfd_create), /* partial: no MFD_HUGETLB (EINVAL); no seals (F_ADD_SEALS) */
	/* kernel/sys/poll.c, kernel/sys/epoll.c */
	H(poll), H(ppoll), H(select), H(pselect6), H(epoll_create), H(epoll_create1),
	H(epoll_ctl), H(epoll_wait), H(epoll_pwait), H(epoll_pwait2),
	/* fs/signalfd.c, fs/flock.c, kernel/sys/splice.c, xattr.c, kernel/klog.c */
	H(signalfd), H(signalfd4), H(flock), H(splice), H(tee), H(vmsplice),
	H(setxattr), H(lsetxattr), H(fsetxattr), H(getxattr), H(lgetxattr), H(fgetxattr),
	H(listxattr), H(llistxattr), H(flistxattr), H(removexattr), H(lremovexattr),
	H(fremovexattr),
	H(syslog), /* partial: the console log level is kept but the console prints as "verbose" says */
	/* kernel/sys/file.c, fs.c, time.c, misc.c */
	H(fadvise64), H(readahead), H(sync_file_range), H(link), H(linkat), H(mknod), H(mknodat),
	H(clock_settime), H(settimeofday), H(sched_setaffinity),
	H(adjtimex), /* partial: queries, ADJ_OFFSET_SS_READ and ADJ_SETOFFSET; NTP discipline modes give EPERM */
	H(clock_adjtime), /* partial: as adjtimex, CLOCK_REALTIME only */
	/* net/socket.c */
	H(socket), /* partial: AF_INET and AF_INET6 (TCP, UDP) and AF_UNIX; raw and netlink sockets give EAFNOSUPPORT or EPROTONOSUPPORT */
	H(socketpair), H(bind), H(listen), H(accept), H(accept4), H(connect),
	H(getsockname), H(getpeername), H(shutdown), H(sendto), H(recvfrom), H(sendmsg),
	H(recvmsg), H(sendmmsg), H(recvmmsg), H(setsockopt), H(getsockopt),
};

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	syscall_fn fn = nr < SYSCALL_MAX ? syscall_table[nr] : NULL;
	long ret;

	if (__builtin_expect(kopts.watch || (!fn && kopts.trace), 0))
		ret = syscall_watched(tf, fn);   /* kernel/strace.c */
	else if (fn)
		ret = fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	else
		ret = -ENOSYS;
	tf->rax = ret;
	if (tf->rip >= USER_TOP)
		signal_fault(tf, SIGSEGV, tf->rip);
	signal_deliver(tf);
}
