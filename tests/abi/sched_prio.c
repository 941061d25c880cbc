/* sched_prio.c: nice values and scheduling policies: getpriority and
 * setpriority, sched_{get,set}{scheduler,param}, the priority ranges,
 * sched_rr_get_interval, and their errors. */
#include "abi.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	R(syscall(SYS_getpriority, PRIO_PROCESS, 0));
	R(setpriority(PRIO_PROCESS, 0, 5));
	R(syscall(SYS_getpriority, PRIO_PROCESS, 0));
	R(getpriority(PRIO_PROCESS, 0));
	R(setpriority(PRIO_PROCESS, 0, 100));
	R(getpriority(PRIO_PROCESS, 0));
	R(setpriority(PRIO_PROCESS, 0, -100));
	R(getpriority(PRIO_PROCESS, 0));
	R(setpriority(PRIO_PROCESS, 0, 0));
	R(setpriority(99, 0, 0));
	R(getpriority(PRIO_PROCESS, 999999));
	R(sched_getscheduler(0));
	struct sched_param sp = { 0 };
	R(sched_getparam(0, &sp));
	printf("prio %d\n", sp.sched_priority);
	R(sched_get_priority_max(SCHED_FIFO));
	R(sched_get_priority_min(SCHED_FIFO));
	R(sched_get_priority_max(SCHED_RR));
	R(sched_get_priority_max(SCHED_OTHER));
	R(sched_get_priority_min(SCHED_BATCH));
	R(sched_get_priority_max(SCHED_IDLE));
	R(sched_get_priority_max(42));
	sp.sched_priority = 10;
	R(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
	sp.sched_priority = 0;
	R(syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp));
	R(sched_getscheduler(0));
	R(syscall(SYS_sched_setscheduler, 0, 42, &sp));
	R(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL));
	R(syscall(SYS_sched_setscheduler, -1, SCHED_OTHER, &sp));
	R(syscall(SYS_sched_setscheduler, 999999, SCHED_OTHER, &sp));
	R(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
	R(sched_getscheduler(-1));
	R(sched_getscheduler(999999));
	sp.sched_priority = 5;
	R(sched_setparam(0, &sp));
	sp.sched_priority = 0;
	R(sched_setparam(0, &sp));
	R(sched_getparam(0, NULL));
	struct timespec ts;
	R(sched_rr_get_interval(0, &ts));
	R(sched_rr_get_interval(999999, &ts));
	R(sched_yield());
	return 0;
}
