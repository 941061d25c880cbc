/* sysstats.c: "syscall_summary": counts, errors and time spent in the
 * kernel per system call, printed at exit as strace -c prints its table
 * (time is wall-clock time from entry to return, sleeps included, as with
 * strace -c -w), on the diagnostics channel. */
#include "kernel/kernel.h"
#include "kernel/strace.h"

static uint64_t calls[SYSCALL_MAX + 1], errors[SYSCALL_MAX + 1], ticks[SYSCALL_MAX + 1];

void sysstats_add(uint64_t nr, long ret, uint64_t t)
{
	if (nr > SYSCALL_MAX)
		nr = SYSCALL_MAX; /* numbers past the table share one row */
	calls[nr]++;
	ticks[nr] += t;
	if (ret < 0 && ret >= -4095)
		errors[nr]++;
}

static const char *row_name(int nr, char *buf, size_t n)
{
	if (nr < SYSCALL_MAX && syscall_names[nr])
		return syscall_names[nr];
	if (nr == SYSCALL_MAX)
		return "(beyond the table)";
	ksnprintf(buf, n, "syscall_%d", nr);
	return buf;
}

static void line(void)
{
	kdiag("------ ----------- ----------- --------- --------- ----------------\n");
}

void sysstats_print(void)
{
	static bool shown[SYSCALL_MAX + 1];
	uint64_t total_ns = 0, total_calls = 0, total_errors = 0;
	char name[32];

	for (int i = 0; i <= SYSCALL_MAX; i++) {
		total_ns += tsc_to_ns(ticks[i]);
		total_calls += calls[i];
		total_errors += errors[i];
	}
	kdiag("%% time     seconds  usecs/call     calls    errors syscall\n");
	line();
	for (;;) {
		int best = -1;
		for (int i = 0; i <= SYSCALL_MAX; i++)
			if (calls[i] && !shown[i] && (best < 0 || ticks[i] > ticks[best]))
				best = i;
		if (best < 0)
			break;
		shown[best] = true;
		uint64_t ns = tsc_to_ns(ticks[best]);
		uint64_t pct = total_ns ? ns * 10000 / total_ns : 0;
		char err[24] = "";
		if (errors[best])
			ksnprintf(err, sizeof(err), "%lu", errors[best]);
		kdiag("%3lu.%02lu %4lu.%06lu %11lu %9lu %9s %s\n", pct / 100, pct % 100,
		      ns / 1000000000, ns / 1000 % 1000000, ns / 1000 / calls[best], calls[best],
		      err, row_name(best, name, sizeof(name)));
	}
	line();
	char err[24] = "";
	if (total_errors)
		ksnprintf(err, sizeof(err), "%lu", total_errors);
	kdiag("100.00 %4lu.%06lu %11lu %9lu %9s total\n", total_ns / 1000000000,
	      total_ns / 1000 % 1000000, total_calls ? total_ns / 1000 / total_calls : 0,
	      total_calls, err);
}
