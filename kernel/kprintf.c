/* kprintf.c: formatted output for kernel messages (a small vsnprintf:
 * %d %i %u %x %X %o %p %s %c %% with l/ll/z/h modifiers, width, '-' and
 * '0'), the console lock (a spinlock, outside the big kernel lock: a
 * message is written whole, from any CPU; dropped while panicking), and
 * panic() with its guard against panicking again inside it. */
#include "kernel/kernel.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/serial.h"
#include "kernel/backtrace.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, int base, bool neg, int width, bool zero, bool left,
		    bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int len = n + (neg ? 1 : 0);
	if (neg && zero)
		put(o, '-');
	if (!left)
		for (; len < width; width--)
			put(o, zero ? '0' : ' ');
	if (neg && !zero)
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; len < width; width--)
			put(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		bool left = false, zero = false;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		int width = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		int lng = 0;
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			if (*fmt != 'h')
				lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, zero,
				left, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			put_num(&o, v, base, false, width, zero, left, *fmt == 'X');
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uint64_t)va_arg(ap, void *), 16, false, width, zero, left,
				false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = (int)strlen(s);
			if (!left)
				for (; len < width; width--)
					put(&o, ' ');
			while (*s)
				put(&o, *s++);
			if (left)
				for (; len < width; width--)
					put(&o, ' ');
			break;
		}
		case 'c': put(&o, (char)va_arg(ap, int)); break;
		case '%': put(&o, '%'); break;
		case 0: fmt--; break;
		default: put(&o, '%'); put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static volatile int panicking;
static struct spinlock console_lock = SPINLOCK_INIT(LOCK_CONSOLE, "console_lock");

static void locked_write(void (*write)(const char *, size_t), const char *s, size_t n)
{
	if (panicking) { /* whoever holds it may never let it go */
		write(s, n);
		return;
	}
	uint64_t f = spin_lock(&console_lock);
	write(s, n);
	spin_unlock(&console_lock, f);
}

void console_write(const char *s, size_t n) { locked_write(serial_write, s, n); }

int kprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	klog_write(4, buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

void kdiag_write(const char *s, size_t n)
{
	if (com2_present())
		locked_write(com2_write, s, n);
	else
		console_write(s, n);
}

int kdiag(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kdiag_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

void panic_test_in_panic(void); /* kernel/panic_test.c */

void panic_begin(const char *what, uint64_t at)
{
	__asm__ volatile("cli" ::: "memory");
	int n = ++panicking;
	if (n == 1)
		return;
	if (n == 2) { /* only the stack and port I/O: a third fault stops silently */
		char line[160];
		int len = ksnprintf(line, sizeof(line),
				    "htux: panic: %s at %lx while panicking: stopping\n", what, at);
		serial_write(line, MIN((size_t)len, sizeof(line) - 1));
	}
	vm_halt(255);
}

void panic_end(void)
{
	panic_test_in_panic(); /* a fault in the panic path, on request */
	vm_exit(255);
}

void panic(const char *fmt, ...)
{
	char buf[512];
	panic_begin("panic", (uint64_t)__builtin_return_address(0));
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("htux: panic: %s\n", buf);
	backtrace_here();
	panic_end();
}
