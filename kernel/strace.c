/* strace.c: the watched path of the syscall dispatcher: with "strace", one
 * line per call on the diagnostics channel, as strace(1) writes it
 * (name(arguments decoded by type) = result, or -1 ENAME (message)); with
 * "trace", a line for each unimplemented call; with "syscall_summary", the
 * call's count and time for kernel/sysstats.c. */
#include "kernel/kernel.h"
#include "kernel/strace.h"
#include "kernel/sched.h"
#include "kernel/proc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include <asm/unistd_64.h>

#define STR_MAX 32 /* bytes of a string shown, as strace's -s default */
#define LINE_MAX 600

struct line {
	char buf[LINE_MAX];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (l->len < sizeof(l->buf)) {
		int n = kvsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf) - 1);
	}
	va_end(ap);
}

static void add_char(struct line *l, unsigned char c, int next)
{
	switch (c) {
	case '"': add(l, "\\\""); break;
	case '\\': add(l, "\\\\"); break;
	case '\n': add(l, "\\n"); break;
	case '\t': add(l, "\\t"); break;
	case '\r': add(l, "\\r"); break;
	default:
		if (c >= 0x20 && c < 0x7f)
			add(l, "%c", c);
		else if (next >= '0' && next <= '7')
			add(l, "\\%03o", c);
		else
			add(l, "\\%o", c);
	}
}

/* n bytes at user address p, quoted; a NUL ends them when cstring. */
static void add_bytes(struct line *l, uint64_t p, size_t n, bool cstring)
{
	unsigned char b[STR_MAX + 1];
	size_t k = 0;

	if (!p) {
		add(l, "NULL");
		return;
	}
	for (; k < MIN(n, sizeof(b)); k++) {
		if (copy_from_user(&b[k], (const void *)(p + k), 1))
			break;
		if (cstring && !b[k])
			break;
	}
	if (k == 0 && n && (!cstring || copy_from_user(b, (const void *)p, 1))) {
		add(l, "0x%lx", p);
		return;
	}
	bool more = cstring ? k == sizeof(b) : n > STR_MAX;
	size_t show = MIN(k, (size_t)STR_MAX);
	add(l, "\"");
	for (size_t i = 0; i < show; i++)
		add_char(l, b[i], i + 1 < show ? b[i + 1] : 0);
	add(l, more ? "\"..." : "\"");
}

static void add_arg(struct line *l, char kind, uint64_t v, uint64_t next, long ret, bool done)
{
	switch (kind) {
	case 's': add_bytes(l, v, (size_t)-1, true); break;
	case 'b': add_bytes(l, v, next, false); break;
	case 'B':
		if (done && ret >= 0)
			add_bytes(l, v, (size_t)ret, false);
		else
			add(l, v ? "0x%lx" : "NULL", v);
		break;
	case 'p': add(l, v ? "0x%lx" : "NULL", v); break;
	case 'u': add(l, "%lu", v); break;
	case 'x': add(l, v ? "0x%lx" : "0", v); break;
	case 'o': add(l, "0%lo", v & 07777777); break;
	default: add(l, "%ld", (long)v); break;
	}
}

/* "name(args" of the call in tf; the 'B' buffers only once done. */
static void add_call(struct line *l, uint64_t nr, const struct trapframe *tf, long ret, bool done)
{
	const uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	const char *kinds = nr < SYSCALL_MAX ? syscall_args[nr] : NULL;

	if (cur_thread && current && (current->pid != 1 || all_procs->all_next))
		add(l, "[pid %d] ", cur_thread->tid); /* several processes: strace -f */
	else if (cur_thread && current && cur_thread->tid != current->pid)
		add(l, "[tid %d] ", cur_thread->tid);
	if (nr < SYSCALL_MAX && syscall_names[nr])
		add(l, "%s(", syscall_names[nr]);
	else
		add(l, "syscall_%lu(", nr);
	if (!kinds)
		kinds = "xxxxxx";
	for (int i = 0; i < 6 && kinds[i]; i++) {
		if (i)
			add(l, ", ");
		add_arg(l, kinds[i], a[i], i < 5 ? a[i + 1] : 0, ret, done);
	}
	add(l, ")");
}

static void add_result(struct line *l, uint64_t nr, long ret)
{
	if (ret < 0 && ret >= -4095) {
		add(l, " = -1 ");
		if (-ret < ERRNO_MAX && errno_names[-ret])
			add(l, "%s\n", errno_names[-ret]);
		else
			add(l, "E%ld\n", -ret);
	} else if (nr == __NR_mmap || nr == __NR_mremap || nr == __NR_brk) {
		add(l, " = 0x%lx\n", (uint64_t)ret);
	} else {
		add(l, " = %ld\n", ret);
	}
}

static bool never_returns(uint64_t nr) { return nr == __NR_exit || nr == __NR_exit_group; }

long syscall_watched(struct trapframe *tf, syscall_fn fn)
{
	uint64_t nr = tf->rax;
	struct line l;
	long ret;

	if (!fn && kopts.trace)
		kdiag("htux: unimplemented syscall %s (%lu)\n",
		      nr < SYSCALL_MAX && syscall_names[nr] ? syscall_names[nr] : "?", nr);
	if (kopts.strace && never_returns(nr)) {
		l.len = 0;
		add_call(&l, nr, tf, 0, false);
		add(&l, " = ?\n");
		kdiag_write(l.buf, l.len);
	}
	if (kopts.summary && never_returns(nr))
		sysstats_add(nr, 0, 0);
	/* Strings going in are read before the call (it may change them). */
	struct line pre;
	pre.len = 0;
	if (kopts.strace)
		add_call(&pre, nr, tf, 0, false);
	uint64_t t0 = rdtsc();
	ret = fn ? fn(tf) : -ENOSYS;
	uint64_t t1 = rdtsc();
	if (kopts.summary)
		sysstats_add(nr, ret, t1 - t0);
	if (kopts.strace) {
		const char *k = nr < SYSCALL_MAX ? syscall_args[nr] : NULL;
		if (k && strchr(k, 'B')) {
			l.len = 0;
			add_call(&l, nr, tf, ret, true);
		} else {
			l = pre;
		}
		add_result(&l, nr, ret);
		kdiag_write(l.buf, l.len);
	}
	return ret;
}
