/* klog.c: the kernel log, a ring of the kernel's messages as syslog(2)
 * (dmesg) reads them: records "<LEVEL>[SECONDS.MICROS] text\n", the oldest
 * dropped whole when the ring is full. kprintf (level 4) and kinfo (level
 * 6, printed only with "verbose") append to it; a line written in pieces
 * becomes one record at its newline. syslog(2) is kernel/sys/syslog.c's. */
#include "kernel/kernel.h"
#include "kernel/klog.h"
#include "kernel/sched.h"

#define LINE_MAX_ 400 /* a longer line is cut */

static char ring[KLOG_SIZE];
/* Free-running byte counts: records are [first, head); READ has consumed
 * up to rd, CLEAR hid everything before clr. All on record boundaries. */
static uint64_t head, first, rd, clr;
static struct waitq klog_wq;
static int console_level = 7, saved_level = -1;

static char line[LINE_MAX_]; /* the line being written in pieces */
static size_t line_len;
static int line_level;

static char at(uint64_t i) { return ring[i % KLOG_SIZE]; }

/* The end of the record starting at i. */
static uint64_t record_end(uint64_t i)
{
	while (i < head && at(i) != '\n')
		i++;
	return i < head ? i + 1 : head;
}

static void append_record(int level, const char *text, size_t n)
{
	char rec[LINE_MAX_ + 40];
	uint64_t ns = time_ready() ? time_ns() : 0;
	int p = ksnprintf(rec, sizeof(rec), "<%d>[%5lu.%06lu] ", level,
			  (unsigned long)(ns / 1000000000),
			  (unsigned long)(ns % 1000000000 / 1000));
	n = MIN(n, sizeof(rec) - (size_t)p - 1);
	memcpy(rec + p, text, n);
	rec[p + n] = '\n';
	size_t len = (size_t)p + n + 1;
	while (head + len - first > KLOG_SIZE)
		first = record_end(first);
	rd = MAX(rd, first);
	clr = MAX(clr, first);
	for (size_t i = 0; i < len; i++)
		ring[(head + i) % KLOG_SIZE] = rec[i];
	head += len;
	waitq_wake_all(&klog_wq);
}

void klog_write(int level, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (line_len == 0)
			line_level = level;
		if (s[i] == '\n') {
			append_record(line_level, line, line_len);
			line_len = 0;
		} else if (line_len < sizeof(line)) {
			line[line_len++] = s[i];
		}
	}
}

int klog_info(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t len = MIN((size_t)n, sizeof(buf) - 1);
	if (kopts.verbose)
		console_write(buf, len);
	klog_write(6, buf, len);
	return n;
}

/* Copies the ring's bytes [a, b) to user memory. */
static int copy_out(char *ubuf, uint64_t a, uint64_t b)
{
	uint64_t n = b - a, off = a % KLOG_SIZE;
	uint64_t k = MIN(n, KLOG_SIZE - off);
	if (copy_to_user(ubuf, ring + off, k))
		return -EFAULT;
	if (n > k && copy_to_user(ubuf + k, ring, n - k))
		return -EFAULT;
	return 0;
}

long klog_read(char *ubuf, size_t len)
{
	while (rd == head)
		if (waitq_wait(&klog_wq, 0) == WAKE_SIGNAL)
			return -EINTR;
	uint64_t end = rd;
	while (end < head && record_end(end) - rd <= (uint64_t)len)
		end = record_end(end);
	if (end == rd) /* the first record does not fit: part of it */
		end = rd + (uint64_t)len;
	if (copy_out(ubuf, rd, end))
		return -EFAULT;
	long n = (long)(end - rd);
	rd = end;
	return n;
}

long klog_read_all(char *ubuf, size_t len, bool clear)
{
	uint64_t start = MAX(first, clr);
	while (head - start > (uint64_t)len) /* the newest records that fit */
		start = record_end(start);
	if (copy_out(ubuf, start, head))
		return -EFAULT;
	if (clear)
		clr = head;
	return (long)(head - start);
}

void klog_clear(void) { clr = head; }

void klog_console_off(void)
{
	if (saved_level < 0)
		saved_level = console_level;
	console_level = 1;
}

void klog_console_on(void)
{
	if (saved_level >= 0) {
		console_level = saved_level;
		saved_level = -1;
	}
}

void klog_console_level(int level)
{
	console_level = level < 1 ? 1 : level;
	saved_level = -1;
}

size_t klog_unread(void) { return (size_t)(head - rd); }
