/* syscall.h: the handlers of the Linux system calls, one per call, grouped
 * by the file that implements them. kernel/syscall.c maps numbers to them. */
#ifndef HTUX_SYSCALL_H
#define HTUX_SYSCALL_H

#include "kernel/kernel.h"

struct iovec;
struct stat;
struct statx;
struct new_utsname;
struct rlimit;
struct rlimit64;
struct sysinfo;
struct __kernel_timespec;
struct __kernel_old_timeval;
struct timezone;
struct rusage;
struct trapframe;

#define SYSCALL_MAX 512
typedef long (*syscall_fn)(long, long, long, long, long, long);
/* The handlers by number (kernel/syscall.c; a weak definition, so that a
 * minimal kernel can link its own table: see tools/mkimage/minimal.c). */
extern const syscall_fn syscall_table[SYSCALL_MAX];
extern const char *const syscall_names[SYSCALL_MAX];
void syscall_dispatch(struct trapframe *tf);

/* kernel/sys/file.c and rw.c: descriptors and data */
long sys_read(int fd, void *buf, size_t n);
long sys_write(int fd, const void *buf, size_t n);
long sys_readv(int fd, const struct iovec *iov, int iovcnt);
long sys_writev(int fd, const struct iovec *iov, int iovcnt);
long sys_pread64(int fd, void *buf, size_t n, off_t off);
long sys_pwrite64(int fd, const void *buf, size_t n, off_t off);
long sys_preadv(int fd, const struct iovec *iov, int iovcnt, off_t off);
long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off);
long sys_open(const char *path, int flags, int mode);
long sys_openat(int dirfd, const char *path, int flags, int mode);
long sys_creat(const char *path, int mode);
long sys_close(int fd);
long sys_lseek(int fd, off_t off, int whence);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, unsigned long arg);
long sys_ioctl(int fd, unsigned long req, unsigned long arg);
long sys_getdents64(int fd, void *buf, size_t n);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_ftruncate(int fd, off_t len);

/* kernel/sys/fs.c: names and metadata */
long sys_stat(const char *path, struct stat *st);
long sys_lstat(const char *path, struct stat *st);
long sys_fstat(int fd, struct stat *st);
long sys_newfstatat(int dirfd, const char *path, struct stat *st, int flags);
long sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *sx);
long sys_access(const char *path, int mode);
long sys_faccessat(int dirfd, const char *path, int mode);
long sys_faccessat2(int dirfd, const char *path, int mode, int flags);
long sys_readlink(const char *path, char *buf, size_t n);
long sys_readlinkat(int dirfd, const char *path, char *buf, size_t n);
long sys_getcwd(char *buf, size_t n);
long sys_chdir(const char *path);
long sys_fchdir(int fd);
long sys_umask(int mask);
long sys_mkdir(const char *path, int mode);
long sys_mkdirat(int dirfd, const char *path, int mode);
long sys_unlink(const char *path);
long sys_unlinkat(int dirfd, const char *path, int flags);
long sys_rmdir(const char *path);
long sys_rename(const char *from, const char *to);
long sys_renameat(int fromfd, const char *from, int tofd, const char *to);
long sys_truncate(const char *path, off_t len);
long sys_chmod(const char *path, int mode);
long sys_fchmod(int fd, int mode);
long sys_fchmodat(int dirfd, const char *path, int mode);
long sys_symlink(const char *target, const char *path);
long sys_symlinkat(const char *target, int dirfd, const char *path);
long sys_utimensat(int dirfd, const char *path, const struct __kernel_timespec *times, int flags);

/* kernel/sys/thread.c, futex.c: threads */
long sys_clone(unsigned long flags, unsigned long newsp, int *parent_tid, int *child_tid, unsigned long tls);
long sys_get_robust_list(int tid, void **head, size_t *len);
struct clone_args;
long sys_clone3(const struct clone_args *uargs, size_t size);
long sys_wait4(int pid, int *status, int options, void *rusage);
long sys_waitid(int which, int id, void *info, int options, void *rusage);
/* kernel/sys/fork.c, execve.c */
long sys_fork(void);
long sys_vfork(void);
struct thread;
/* The child's side of clone: 0 in rax, the stack newsp (0: the parent's),
 * the TLS base with CLONE_SETTLS, the CLONE_CHILD_CLEARTID address
 * (kernel/sys/thread.c). */
void clone_child_regs(struct thread *t, unsigned long flags, unsigned long newsp, int *child_tid,
		      unsigned long tls);
long process_clone(unsigned long flags, unsigned long newsp, int *parent_tid, int *child_tid,
		   unsigned long tls);
long sys_execve(const char *path, char *const *argv, char *const *envp);
long sys_execveat(int dirfd, const char *path, char *const *argv, char *const *envp, int flags);
long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct __kernel_timespec *timeout,
	       uint32_t *uaddr2, uint32_t val3);

/* kernel/sys/mem.c: the address space */
long sys_brk(uint64_t addr);
long sys_mmap(uint64_t addr, size_t len, int prot, int flags, int fd, off_t off);
long sys_munmap(uint64_t addr, size_t len);
long sys_mprotect(uint64_t addr, size_t len, int prot);
long sys_mremap(uint64_t old, size_t oldlen, size_t newlen, int flags, uint64_t newaddr);
long sys_madvise(uint64_t addr, size_t len, int advice);
long sys_msync(uint64_t addr, size_t len, int flags);

/* kernel/sys/proc.c: identity, limits, exit */
long sys_exit(int status);
long sys_exit_group(int status);
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getresuid(int *r, int *e, int *s);
long sys_getresgid(int *r, int *e, int *s);
long sys_getpgrp(void);
long sys_getpgid(int pid);
long sys_getsid(int pid);
long sys_set_tid_address(int *tidptr);
long sys_set_robust_list(void *head, size_t len);
long sys_arch_prctl(int code, unsigned long addr);
long sys_prlimit64(int pid, int resource, const struct rlimit64 *new, struct rlimit64 *old);
long sys_getrlimit(int resource, struct rlimit *rl);
long sys_setrlimit(int resource, const struct rlimit *rl);
long sys_sched_getaffinity(int pid, size_t len, unsigned long *mask);
long sys_sched_yield(void);
long sys_getrusage(int who, struct rusage *ru);

/* kernel/sys/time.c: clocks and sleeping */
long sys_clock_gettime(int clk, struct __kernel_timespec *ts);
long sys_clock_getres(int clk, struct __kernel_timespec *ts);
long sys_gettimeofday(struct __kernel_old_timeval *tv, struct timezone *tz);
long sys_time(long *t);
long sys_nanosleep(const struct __kernel_timespec *req, struct __kernel_timespec *rem);
long sys_clock_nanosleep(int clk, int flags, const struct __kernel_timespec *req, struct __kernel_timespec *rem);

/* kernel/sys/signal.c: dispositions, masks, waiting for and sending signals */
struct k_sigaction;
struct sigaltstack;
struct siginfo;
long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact,
		      size_t sigsetsize);
long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize);
long sys_rt_sigpending(uint64_t *set, size_t sigsetsize);
long sys_rt_sigsuspend(const uint64_t *mask, size_t sigsetsize);
long sys_pause(void);
long sys_rt_sigtimedwait(const uint64_t *set, struct siginfo *info,
			 const struct __kernel_timespec *ts, size_t sigsetsize);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_rt_sigqueueinfo(int pid, int sig, const struct siginfo *info);
long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const struct siginfo *info);
long sys_sigaltstack(const struct sigaltstack *ss, struct sigaltstack *oss);
long sys_rt_sigreturn(void);

/* kernel/sys/itimer.c: timers that send signals */
struct __kernel_old_itimerval;
struct __kernel_itimerspec;
struct sigevent;
long sys_alarm(unsigned int seconds);
long sys_getitimer(int which, struct __kernel_old_itimerval *v);
long sys_setitimer(int which, const struct __kernel_old_itimerval *n, struct __kernel_old_itimerval *old);
long sys_timer_create(int clock, const struct sigevent *sev, int *id);
long sys_timer_settime(int id, int flags, const struct __kernel_itimerspec *n,
		       struct __kernel_itimerspec *old);
long sys_timer_gettime(int id, struct __kernel_itimerspec *v);
long sys_timer_getoverrun(int id);
long sys_timer_delete(int id);

/* kernel/sys/info.c: the system */
long sys_uname(struct new_utsname *u);
long sys_sysinfo(struct sysinfo *si);
long sys_getrandom(void *buf, size_t n, unsigned flags);
long sys_sethostname(const char *name, int len);
long sys_setdomainname(const char *name, int len);

/* kernel/sys/ids.c: credentials */
struct __user_cap_header_struct;
struct __user_cap_data_struct;
long sys_setuid(int uid);
long sys_setgid(int gid);
long sys_setreuid(int r, int e);
long sys_setregid(int r, int e);
long sys_setresuid(int r, int e, int s);
long sys_setresgid(int r, int e, int s);
long sys_setfsuid(int uid);
long sys_setfsgid(int gid);
long sys_getgroups(int size, int *list);
long sys_setgroups(int size, const int *list);
long sys_capget(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d);
long sys_capset(struct __user_cap_header_struct *h, const struct __user_cap_data_struct *d);

/* kernel/sys/misc.c: prctl, priorities, policies, locking, residency */
struct sched_param;
struct tms;
long sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);
long sys_getpriority(int which, int who);
long sys_setpriority(int which, int who, int niceval);
long sys_sched_setscheduler(int pid, int policy, const struct sched_param *param);
long sys_sched_getscheduler(int pid);
long sys_sched_setparam(int pid, const struct sched_param *param);
long sys_sched_getparam(int pid, struct sched_param *param);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_sched_rr_get_interval(int pid, struct __kernel_timespec *ts);
long sys_times(struct tms *t);
long sys_personality(unsigned persona);
long sys_getcpu(unsigned *cpu, unsigned *node, void *unused);
long sys_membarrier(int cmd, unsigned flags, int cpu_id);
long sys_ioprio_set(int which, int who, int prio);
long sys_ioprio_get(int which, int who);
long sys_mlock(uint64_t start, size_t len);
long sys_mlock2(uint64_t start, size_t len, int flags);
long sys_munlock(uint64_t start, size_t len);
long sys_mlockall(int flags);
long sys_munlockall(void);
long sys_mincore(uint64_t start, size_t len, unsigned char *vec);
long sys_setsid(void);
long sys_setpgid(int pid, int pgid);

/* kernel/sys/fs.c: owners, filesystem figures, times, renameat2, sync */
struct statfs;
struct utimbuf;
long sys_chown(const char *path, int uid, int gid);
long sys_fchown(int fd, int uid, int gid);
long sys_lchown(const char *path, int uid, int gid);
long sys_fchownat(int dirfd, const char *path, int uid, int gid, int flags);
long sys_statfs(const char *path, struct statfs *st);
long sys_fstatfs(int fd, struct statfs *st);
long sys_utimes(const char *path, const struct __kernel_old_timeval *tv);
long sys_futimesat(int dirfd, const char *path, const struct __kernel_old_timeval *tv);
long sys_utime(const char *path, const struct utimbuf *ub);
long sys_renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags);
long sys_sync(void);
long sys_syncfs(int fd);

/* kernel/sys/xfer.c: copies between files, fallocate */
long sys_sendfile(int outfd, int infd, int64_t *off, size_t count);
long sys_copy_file_range(int infd, int64_t *inoff, int outfd, int64_t *outoff, size_t len, unsigned flags);
long sys_fallocate(int fd, int mode, int64_t off, int64_t len);

/* fs/pipe.c, fs/eventfd.c, fs/timerfd.c, fs/memfd.c: special files */
struct __kernel_itimerspec;
long sys_pipe(int *fds);
long sys_pipe2(int *fds, int flags);
long sys_eventfd(unsigned count);
long sys_eventfd2(unsigned count, int flags);
long sys_timerfd_create(int clock, int flags);
long sys_timerfd_settime(int fd, int flags, const struct __kernel_itimerspec *new_value,
			 struct __kernel_itimerspec *old_value);
long sys_timerfd_gettime(int fd, struct __kernel_itimerspec *cur);
long sys_memfd_create(const char *name, unsigned flags);

/* fs/signalfd.c, fs/flock.c, kernel/sys/splice.c, kernel/sys/xattr.c, kernel/klog.c */
long sys_signalfd(int fd, const uint64_t *mask, size_t sizemask);
long sys_signalfd4(int fd, const uint64_t *mask, size_t sizemask, int flags);
long sys_flock(int fd, unsigned op);
long sys_splice(int fdin, int64_t *offin, int fdout, int64_t *offout, size_t len, unsigned flags);
long sys_tee(int fdin, int fdout, size_t len, unsigned flags);
long sys_vmsplice(int fd, const struct iovec *iov, unsigned long nr, unsigned flags);
long sys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags);
long sys_lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags);
long sys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags);
long sys_getxattr(const char *path, const char *name, void *value, size_t size);
long sys_lgetxattr(const char *path, const char *name, void *value, size_t size);
long sys_fgetxattr(int fd, const char *name, void *value, size_t size);
long sys_listxattr(const char *path, char *list, size_t size);
long sys_llistxattr(const char *path, char *list, size_t size);
long sys_flistxattr(int fd, char *list, size_t size);
long sys_removexattr(const char *path, const char *name);
long sys_lremovexattr(const char *path, const char *name);
long sys_fremovexattr(int fd, const char *name);
long sys_syslog(int type, char *buf, int len);

/* kernel/sys/file.c (cache hints), fs.c (links, mknod), time.c (setting
 * the clock), misc.c (affinity) */
struct timex;
long sys_fadvise64(int fd, int64_t off, int64_t len, int advice);
long sys_readahead(int fd, int64_t off, size_t count);
long sys_sync_file_range(int fd, int64_t off, int64_t n, unsigned flags);
long sys_link(const char *from, const char *to);
long sys_linkat(int ofd, const char *from, int nfd, const char *to, int flags);
long sys_mknod(const char *path, unsigned mode, unsigned dev);
long sys_mknodat(int dirfd, const char *path, unsigned mode, unsigned dev);
long sys_clock_settime(int clk, const struct __kernel_timespec *ts);
long sys_settimeofday(const struct __kernel_old_timeval *tv, const struct timezone *tz);
long sys_adjtimex(struct timex *t);
long sys_clock_adjtime(int clk, struct timex *t);
long sys_sched_setaffinity(int pid, size_t len, const unsigned long *mask);

/* kernel/sys/poll.c, kernel/sys/epoll.c: waiting for descriptors */
struct pollfd;
struct epoll_event;
long sys_poll(struct pollfd *fds, unsigned nfds, int timeout);
long sys_ppoll(struct pollfd *fds, unsigned nfds, struct __kernel_timespec *tsp,
	       const uint64_t *sigmask, size_t sigsetsize);
long sys_select(int n, void *inp, void *outp, void *exp, struct __kernel_old_timeval *tvp);
long sys_pselect6(int n, void *inp, void *outp, void *exp, struct __kernel_timespec *tsp,
		  const void *sig);
long sys_epoll_create(int size);
long sys_epoll_create1(int flags);
long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
long sys_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
long sys_epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		     const uint64_t *sigmask, size_t sigsetsize);
long sys_epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		      const struct __kernel_timespec *timeout, const uint64_t *sigmask,
		      size_t sigsetsize);

/* net/socket.c: sockets */
struct k_msghdr;
struct k_mmsghdr;
long sys_socket(int family, int type, int protocol);
long sys_socketpair(int family, int type, int protocol, int *sv);
long sys_bind(int fd, const void *addr, int len);
long sys_listen(int fd, int backlog);
long sys_accept(int fd, void *addr, int *len);
long sys_accept4(int fd, void *addr, int *len, int flags);
long sys_connect(int fd, const void *addr, int len);
long sys_getsockname(int fd, void *addr, int *len);
long sys_getpeername(int fd, void *addr, int *len);
long sys_shutdown(int fd, int how);
long sys_sendto(int fd, const void *buf, size_t n, int flags, const void *addr, int alen);
long sys_recvfrom(int fd, void *buf, size_t n, int flags, void *addr, int *alen);
long sys_sendmsg(int fd, const struct k_msghdr *msg, int flags);
long sys_recvmsg(int fd, struct k_msghdr *msg, int flags);
long sys_sendmmsg(int fd, struct k_mmsghdr *v, unsigned n, int flags);
long sys_recvmmsg(int fd, struct k_mmsghdr *v, unsigned n, int flags, void *timeout);
long sys_setsockopt(int fd, int level, int name, const void *val, int len);
long sys_getsockopt(int fd, int level, int name, void *val, int *len);

#endif
