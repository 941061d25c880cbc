/* affinity.c: sched_setaffinity takes a mask that includes CPU 0 (every
 * machine has it); getaffinity then reports just CPU 0; the errors. */
#include "abi.h"
#include <sched.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	R(sched_setaffinity(0, sizeof(s), &s));
	CPU_ZERO(&s);
	R(sched_getaffinity(0, sizeof(s), &s));
	printf("count %d cpu0 %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s));
	R(sched_setaffinity(getpid(), sizeof(s), &s));
	R(sched_setaffinity(syscall(SYS_gettid), sizeof(s), &s));
	unsigned long one = 1;
	R(syscall(SYS_sched_setaffinity, 0, 4, &one));
	R(syscall(SYS_sched_setaffinity, 0, 8, &one));
	CPU_ZERO(&s);
	R(sched_setaffinity(0, sizeof(s), &s));
	R(syscall(SYS_sched_setaffinity, 0, 0, &one));
	R(syscall(SYS_sched_setaffinity, 0, 8, NULL));
	R(syscall(SYS_sched_setaffinity, -1, 8, &one));
	R(syscall(SYS_sched_setaffinity, 999999, 8, &one));
	return 0;
}
