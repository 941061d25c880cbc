#!/bin/bash
# fastsys.sh: the program in ring 0 (htux run --fast-syscalls, kernel
# option fastsys; docs/design.md, "Ring 0 for the program"): it runs with
# a DPL-0 code segment; its red zone survives interrupts and signals (the
# entries move the frame off an IST stack); signal delivery, SA_RESTART,
# rt_sigreturn, faults, the alternate stack, fork, execve and threads,
# --strace and --syscall-summary, on 1 and 2 CPUs, as on the host (or as
# in the default mode, ring 3); system calls made by a call to
# fast_syscall_entry, as rewritten sites make them, through the test
# hook's trampoline (fastsys=selftest; tests/progs/fastcall.c).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 23
ulimit -c 0

F=--fast-syscalls

# same_as_host DESCRIPTION [OPTIONS] -- PROG ARGS...: htux's stdout and
# status, with --fast-syscalls and OPTIONS, equal the program's own run on
# this host.
same_as_host() {
	_d=$1 _opts=
	shift
	while [ "$1" != -- ]; do _opts="$_opts $1"; shift; done
	shift
	_want=$("$@" 2>/dev/null)
	_want_st=$?
	htux_run $F $_opts "$@"
	check_output_status "$_d" "$_want" "$_want_st"
}

build_static ring - musl <<'C' || bail_out "cannot build ring.c"
#include <stdio.h>
int main(void)
{
	unsigned short cs;
	__asm__("mov %%cs, %0" : "=r"(cs));
	printf("ring %d\n", cs & 3);
	return 0;
}
C
htux_run "$HTUX_TMP/ring"
check_output_status "default: the program runs in ring 3" "ring 3" 0
htux_run $F "$HTUX_TMP/ring"
check_output_status "--fast-syscalls: the program runs in ring 0" "ring 0" 0

for kind in musl glibc; do
	build_static redzone-$kind progs/redzone.c $kind || bail_out "cannot build redzone.c"
done
same_as_host "musl: the red zone survives interrupts and signals" -- "$HTUX_TMP/redzone-musl"
same_as_host "glibc: the red zone survives interrupts and signals, 2 CPUs" --smp 2 -- \
	"$HTUX_TMP/redzone-glibc"

for p in basic fault altstack restart threads timer; do
	build_static sig-$p progs/signal_$p.c musl -pthread || bail_out "cannot build signal_$p.c"
done
build_static sig-basic-glibc progs/signal_basic.c glibc -pthread || bail_out "cannot build signal_basic.c"
same_as_host "musl: handlers, masks, queued signals, registers kept (rt_sigreturn)" -- \
	"$HTUX_TMP/sig-basic"
same_as_host "glibc: handlers, masks, queued signals, registers kept (rt_sigreturn)" -- \
	"$HTUX_TMP/sig-basic-glibc"
same_as_host "sigaltstack, SA_ONSTACK, stack overflow caught" -- "$HTUX_TMP/sig-altstack"
same_as_host "SA_RESTART restarts read and futex; EINTR otherwise" -- "$HTUX_TMP/sig-restart"
same_as_host "signals during system calls: alarm, pause, timers, sigsuspend" -- \
	"$HTUX_TMP/sig-timer"
same_as_host "signals and threads" -- "$HTUX_TMP/sig-threads"
same_as_host "signals and threads, 2 CPUs" --smp 2 -- "$HTUX_TMP/sig-threads"

# Faults caught by handlers, then one that kills: status 128+SIGSEGV and
# htux's line after the same output.
want=$("$HTUX_TMP/sig-fault" 2>/dev/null)
want_st=$?
htux_run $F "$HTUX_TMP/sig-fault"
out=$(printf '%s\n' "$HTUX_STDOUT" | grep -v '^htux: program killed by ')
check "faults: handlers, then a blocked SIGSEGV kills with status $want_st" \
	[ "$out" = "$want" ] && [ "$HTUX_STATUS" = "$want_st" ] && [ "$want_st" = 139 ]

build_static forkexec - musl -pthread <<'C' || bail_out "cannot build forkexec.c"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long sums[4];

static void *work(void *a)
{
	long i = (long)a;
	for (int k = 0; k < 2000; k++)
		sums[i] += getpid() > 0;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("exec'd child: %s\n", argv[1]);
		return 5;
	}
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("threads: %ld %ld %ld %ld\n", sums[0], sums[1], sums[2], sums[3]);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execl("/proc/self/exe", argv[0], "hello", (char *)NULL);
		_exit(99);
	}
	int st;
	waitpid(p, &st, 0);
	printf("child status %d\n", WEXITSTATUS(st));
	p = fork();
	if (p == 0)
		_exit(7);
	waitpid(p, &st, 0);
	printf("second child status %d\n", WEXITSTATUS(st));
	return 0;
}
C
same_as_host "threads, fork, execve, wait" -- "$HTUX_TMP/forkexec"
same_as_host "threads, fork, execve, wait, 2 CPUs" --smp 2 -- "$HTUX_TMP/forkexec"

# --strace and --syscall-summary say the same as in the default mode (the
# summary's times aside).
build_static tracee progs/tracee.c musl || bail_out "cannot build tracee.c"
htux_run --strace --syscall-summary "$HTUX_TMP/tracee"
cp "$HTUX_TMP/stderr" "$HTUX_TMP/stderr.ring3"
htux_run $F --strace --syscall-summary "$HTUX_TMP/tracee"
check_output_status "--strace: the program's stdout and status" \
	"hello
0123456789abcdefghijklmnopqrstuvwxyzABCD" 7
strace_lines() { grep -v '^ *[0-9.]* *[0-9.]* *[0-9]* *[0-9]* *[0-9]* *[a-z_0-9]*$' "$1" | grep -v '^[-% ]'; }
check "--strace: the same lines as in ring 3" \
	diff <(strace_lines "$HTUX_TMP/stderr.ring3") <(strace_lines "$HTUX_TMP/stderr")
counts() { sed -n 's/^ *[0-9.]* *[0-9.]* *[0-9]* *\([0-9]* *[0-9]* *[a-z_0-9]*\)$/\1/p' "$1" | sort; }
check "--syscall-summary: the same calls and errors as in ring 3" \
	[ -n "$(counts "$HTUX_TMP/stderr")" ] &&
	diff <(counts "$HTUX_TMP/stderr.ring3") <(counts "$HTUX_TMP/stderr")
check "--syscall-summary: getpid called 3 times" \
	grep -qE '^ +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +3 +getpid$' "$HTUX_TMP/stderr"

htux_run --append fastsys=1 "$HTUX_TMP/ring"
check_output_status "fastsys takes no other value" \
	"htux: bad kernel option 'fastsys=1' (fastsys or fastsys=selftest)" 125

# System calls by a call through the test hook's trampoline page: the
# same results as with the syscall instruction on the host (fastcall x),
# rcx and r11 as SYSCALL leaves them, SA_RESTART, fork, the red zone.
build_static fastcall progs/fastcall.c musl || bail_out "cannot build fastcall.c"
want=$("$HTUX_TMP/fastcall" x | sed '2a rcx after the call is the return address: yes, r11 the flags: yes')
htux_run $F --append fastsys=selftest "$HTUX_TMP/fastcall"
check_output_status "calls to fast_syscall_entry: results, errors, restart, fork, execve" "$want" 3
htux_run $F --smp 2 --strace --append fastsys=selftest "$HTUX_TMP/fastcall"
check_output_status "calls to fast_syscall_entry, 2 CPUs" "$want" 3
check "--strace shows a system call made by a call" \
	grep -qxF 'write(1, "hello through the call\n", 23) = 23' "$HTUX_TMP/stderr"
htux_run $F "$HTUX_TMP/fastcall"
check_output_status "no trampoline page without fastsys=selftest" \
	"no trampoline page (boot with fastsys=selftest)" 1
