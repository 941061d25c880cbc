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
extern const char *const syscall_names[SYSCALL_MAX];
void syscall_dispatch(struct trapframe *tf);

/* kernel/sys/file.c: descriptors and data */
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

/* kernel/sys/signal.c: handlers and masks (recorded; delivery comes later) */
long sys_rt_sigaction(int sig, const void *act, void *oact, size_t sigsetsize);
long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize);
long sys_sigaltstack(const void *ss, void *oss);

/* kernel/sys/info.c: the system */
long sys_uname(struct new_utsname *u);
long sys_sysinfo(struct sysinfo *si);
long sys_getrandom(void *buf, size_t n, unsigned flags);

#endif
