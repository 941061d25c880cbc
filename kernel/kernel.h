/* kernel.h: the kernel's common vocabulary: types, logging, panic, strings,
 * the kernel heap, user-memory access and a few helpers every file uses. */
#ifndef HTUX_KERNEL_H
#define HTUX_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <asm-generic/errno.h>

typedef int64_t ssize_t;
typedef int64_t off_t;

#define PAGE_SIZE 4096UL
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_UP(x) (((uint64_t)(x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_DOWN(x) ((uint64_t)(x)&PAGE_MASK)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Address-space layout (see docs/design.md). */
#define KERNEL_VMA 0xFFFFFFFF80000000UL /* kernel image: -2 GiB + phys */
#define DIRECT_MAP 0xFFFF800000000000UL /* all of RAM, phys + this */
#define USER_TOP 0x00007FFFFFFFF000UL   /* first byte above user space */

static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DIRECT_MAP); }
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}

/* Kernel options from the command line (kernel/cmdline.c). */
struct kopts {
	bool verbose;       /* kernel messages on the console */
	bool trace;         /* name unimplemented syscalls */
	bool strace;        /* trace every syscall */
	bool console_hvc;   /* console=hvc: the program's console is the virtio console */
	bool console_notty; /* notty: the console is a byte stream (fs/console.c) */
	bool stderr_com3;   /* stderr=com3: the program's fd 2 on COM3 */
	bool summary;       /* syscall_summary: count and time the calls, table at exit */
	bool watch;         /* strace or summary: the dispatcher's slow path */
	/* panic_test[=fault|recurse|fault-recurse|sleep-in-spinlock|lock-order|
	 * bkl-race|share-full]: a deliberate panic or a widened rare path
	 * (debugging aids; kernel/panic_test.c) */
	int panic_test;
	bool init; /* init: pid 1 is a built-in reaper, the program pid 2 (kernel/init.c) */
	/* fastsys: the program runs in ring 0 (docs/design.md, "Ring 0 for
	 * the program"); 2: fastsys=selftest, with the test hook's trampoline
	 * page (arch/x86_64/fastsys.c) */
	int fastsys;
	bool sysrw; /* sysrw: rewrite syscall sites, trampolines still trap (kernel/sysrw.c) */
};
extern struct kopts kopts;

/* Console output (kernel/kprintf.c). kprintf always prints; kinfo only
 * with the verbose option. Fatal lines start with "htux: ". Both also go
 * to the kernel log that syslog(2) reads (kernel/klog.c). */
void console_write(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define kinfo(...) klog_info("htux: " __VA_ARGS__)
int klog_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void klog_write(int level, const char *s, size_t n); /* appends to the kernel log */
/* The diagnostics channel (strace lines, the syscall summary, backtraces
 * of a crashed program): COM2 when the launcher gave one (it shows them on
 * stderr), else the console. */
int kdiag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kdiag_write(const char *s, size_t n);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* Every panic report (panic(), a fault in the kernel) starts with
 * panic_begin and ends with panic_end (status 255). One begun while
 * another is being written (a fault in the panic path) prints one line
 * and stops the VM at once. */
void panic_begin(const char *what, uint64_t at);
__attribute__((noreturn)) void panic_end(void);

/* Strings and memory (kernel/string.c). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);

/* Kernel heap (kernel/kmalloc.c): any size; kzalloc zeroes. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *krealloc(void *p, size_t size);
void kfree(void *p);

/* User memory (kernel/uaccess.c, arch/x86_64/uaccess.S). The kernel
 * touches user memory only through these: they survive a fault on any
 * byte (an unmapped page, an area unmapped by another thread while a fault
 * slept) and report it. access_ok is the cheap check that [p, p+n) lies
 * wholly below USER_TOP, without wrapping (Linux's); the copies do it
 * themselves. copy_from_user and copy_to_user return 0 or -EFAULT; the
 * _partial forms return the bytes copied (n: all; the first that many were
 * copied), for the calls that return a short count. */
static inline bool access_ok(const void *p, size_t n)
{
	uint64_t a = (uint64_t)p, end = a + n;
	return end >= a && end <= USER_TOP;
}
int copy_from_user(void *dst, const void *usrc, size_t n);
/* One aligned 32-bit word (a futex's): one load, no copy loop; 0 or -EFAULT. */
int get_user_u32(uint32_t *v, const uint32_t *uaddr);
/* An atomic compare-and-exchange on an aligned user word (a futex's, which
 * another CPU's program may change at the same time): 0 and *old = what
 * the word held (nv stored if that was the *old given), or -EFAULT. */
int cmpxchg_user_u32(uint32_t *uaddr, uint32_t *old, uint32_t nv);
/* A struct __kernel_timespec at uts in ns: 0, -EFAULT, or -EINVAL when
 * negative or tv_nsec is not below a second (kernel/uaccess.c). */
int timespec_from_user(const void *uts, int64_t *ns);
/* A user iovec array uiov[0..cnt) copied in (kfree it), its lengths'
 * *total; NULL and *err: too_many (the caller's errno) past UIO_MAXIOV
 * entries, -EINVAL when the lengths add up past max_total, -EFAULT for a
 * base outside user space when check_bases (not for another process's
 * vector), -ENOMEM or -EFAULT reading it. The entries are checked in
 * order; the first bad one decides. */
struct iovec;
struct iovec *iov_from_user(const struct iovec *uiov, size_t cnt, int too_many, size_t max_total,
			    bool check_bases, size_t *total, long *err);
int copy_to_user(void *udst, const void *src, size_t n);
size_t copy_from_user_partial(void *dst, const void *usrc, size_t n);
size_t copy_to_user_partial(void *udst, const void *src, size_t n);
int clear_user(void *udst, size_t n); /* zeroes; 0 or -EFAULT */
size_t clear_user_partial(void *udst, size_t n);
/* A fault in a copy may sleep (a page of a file on a disk), and other
 * threads run meanwhile: a caller that holds pointers into shared things
 * (a pipe's buffers, a file's bytes, a list it walks) uses these, which
 * copy (returning the bytes copied) only up to the first page that is not
 * there yet or is to be copied on write (the fault is not resolved while
 * uaccess_nosleep is set), or to the top of user space; then, holding nothing, it calls fault_in_user
 * for the page at the first byte not copied (it may sleep; 0 or -EFAULT)
 * and starts over from what it finds. */
extern bool uaccess_nosleep;
size_t copy_from_user_nosleep(void *dst, const void *usrc, size_t n);
size_t copy_to_user_nosleep(void *udst, const void *src, size_t n);
int fault_in_user(const void *uaddr, bool write);
/* Copies a NUL-terminated user string of at most max-1 bytes; returns its
 * length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);
/* One value of *uptr's type: get_user(x, uptr) reads *uptr into x,
 * put_user(x, uptr) writes x there; 0 or -EFAULT. */
#define get_user(x, uptr) copy_from_user(&(x), (uptr), sizeof(*(uptr)))
#define put_user(x, uptr) \
	({ \
		__typeof__(*(uptr)) pu_ = (x); \
		copy_to_user((uptr), &pu_, sizeof(pu_)); \
	})
/* A fault in the kernel at a user access: resumes tf at the access's fixup
 * (the copy then fails) and returns true, or false if tf is no such fault. */
struct trapframe;
bool uaccess_fixup(struct trapframe *tf);

/* Time (arch/x86_64/tsc.c, rtc.c). */
void time_init(void);               /* marks the boot instant */
int64_t rtc_read_epoch(void);       /* wall clock, seconds since the epoch */
uint64_t rtc_tsc_hz(void);          /* the TSC's rate against the RTC, 0 if none */
uint64_t time_ns(void);             /* monotonic ns since boot */
uint64_t tsc_to_ns(uint64_t ticks); /* a TSC interval in ns (calibrates first) */
bool time_ready(void);              /* time_ns() is calibrated (calling it costs nothing) */
void realtime_set_ns(int64_t ns);   /* sets the wall clock (clock_settime) */
int64_t realtime_boot_ns(void);     /* wall clock at boot, ns since the epoch */
int64_t realtime_now_ns(void);      /* wall clock now; does not force calibration */
void time_sleep_ns(uint64_t ns);

/* Randomness (kernel/random.c). */
void random_bytes(void *buf, size_t n);

/* Ending the VM (kernel/exit.c). */
__attribute__((noreturn)) void vm_exit(int status);
/* kernel/exit.c: reboot(2)'s Ctrl-Alt-Del setting (CAD_ON: true). */
void vm_set_cad(bool reboots);
bool vm_cad(void);
/* Stops the VM with status now: port I/O only, nothing that can fault. */
__attribute__((noreturn)) void vm_halt(int status);

#endif
