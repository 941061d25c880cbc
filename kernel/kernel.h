/* kernel.h: the kernel's common vocabulary: types, logging, panic, strings,
 * the kernel heap, user-pointer checks and a few helpers every file uses. */
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
#define PAGE_DOWN(x) ((uint64_t)(x) & PAGE_MASK)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Address-space layout (see docs/design.md). */
#define KERNEL_VMA 0xFFFFFFFF80000000UL  /* kernel image: -2 GiB + phys */
#define DIRECT_MAP 0xFFFF800000000000UL  /* all of RAM, phys + this */
#define USER_TOP   0x00007FFFFFFFF000UL  /* first byte above user space */

static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DIRECT_MAP); }
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}

/* Kernel options from the command line (kernel/cmdline.c). */
struct kopts {
	bool verbose;   /* kernel messages on the console */
	bool trace;     /* name unimplemented syscalls */
	bool strace;    /* trace every syscall */
	bool console_hvc;   /* console=hvc: the program's console is the virtio console */
	bool summary;   /* syscall_summary: count and time the calls, table at exit */
	bool watch;     /* strace or summary: the dispatcher's slow path */
	int panic_test; /* panic_test[=fault|recurse|fault-recurse]: a deliberate panic (debugging aid) */
	bool init;      /* init: pid 1 is a built-in reaper, the program pid 2 (kernel/init.c) */
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
void klog_write(int level, const char *s, size_t n);   /* appends to the kernel log */
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

/* User memory (kernel/vm.c): check that [p, p+n) is mapped user memory
 * with the access asked for, faulting pages in as needed. The copy
 * helpers return 0 or -EFAULT. */
bool user_ok(const void *p, size_t n, bool write);
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Copies a NUL-terminated user string of at most max-1 bytes; returns its
 * length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);

/* Time (arch/x86_64/tsc.c, rtc.c). */
void time_init(void);            /* marks the boot instant */
int64_t rtc_read_epoch(void);    /* wall clock, seconds since the epoch */
uint64_t time_ns(void);          /* monotonic ns since boot */
uint64_t tsc_to_ns(uint64_t ticks); /* a TSC interval in ns (calibrates first) */
bool time_ready(void);           /* time_ns() is calibrated (calling it costs nothing) */
void realtime_set_ns(int64_t ns); /* sets the wall clock (clock_settime) */
int64_t realtime_boot_ns(void);  /* wall clock at boot, ns since the epoch */
int64_t realtime_now_ns(void);   /* wall clock now; does not force calibration */
void time_sleep_ns(uint64_t ns);

/* Randomness (kernel/random.c). */
void random_bytes(void *buf, size_t n);

/* Ending the VM (kernel/exit.c). */
__attribute__((noreturn)) void vm_exit(int status);
/* Stops the VM with status now: port I/O only, nothing that can fault. */
__attribute__((noreturn)) void vm_halt(int status);

#endif
