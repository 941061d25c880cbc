/* cpu_pin.c: one thread per CPU the program is told about, each pinned to
 * its CPU with sched_setaffinity; each checks, 20 times, that getcpu (the
 * vDSO's, through sched_getcpu, and the system call) names that CPU and
 * that its affinity mask is that CPU alone, and all meet at a spinning
 * barrier (no system call: with several CPUs they run at once). Prints
 * one line per CPU, then "all N"; exits 0, or 1 at the first wrong
 * answer. Pinning to a CPU past the last answers EINVAL. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int ncpu, arrived;
static char result[64][80];

static void *run(void *arg)
{
	int cpu = (int)(long)arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		snprintf(result[cpu], sizeof(result[cpu]), "cpu %d: setaffinity errno %d", cpu,
			 errno);
		return NULL;
	}
	for (int round = 0; round < 20; round++) {
		unsigned c = 99, n = 99;
		int v = sched_getcpu();
		long r = syscall(SYS_getcpu, &c, &n, NULL);
		CPU_ZERO(&set);
		sched_getaffinity(0, sizeof(set), &set);
		if (v != cpu || r || (int)c != cpu || n != 0 || CPU_COUNT(&set) != 1 ||
		    !CPU_ISSET(cpu, &set)) {
			snprintf(result[cpu], sizeof(result[cpu]),
				 "cpu %d: round %d getcpu %d/%u node %u mask %d", cpu, round, v, c,
				 n, CPU_COUNT(&set));
			return NULL;
		}
		/* a barrier per round: spin until every thread has come */
		__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < (round + 1) * ncpu)
			;
	}
	snprintf(result[cpu], sizeof(result[cpu]), "cpu %d ok", cpu);
	return NULL;
}

int main(void)
{
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1 || ncpu > 64)
		return 2;
	pthread_t t[64];
	for (int i = 0; i < ncpu; i++)
		if (pthread_create(&t[i], NULL, run, (void *)(long)i))
			return 2;
	for (int i = 0; i < ncpu; i++)
		pthread_join(t[i], NULL);
	int bad = 0;
	for (int i = 0; i < ncpu; i++) {
		puts(result[i]);
		bad |= result[i][0] == 0 || result[i][5 + (i > 9)] != ' ' ||
		       result[i][6 + (i > 9)] != 'o';
	}
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(ncpu, &set);
	printf("all %d; cpu %d: %s\n", ncpu, ncpu,
	       sched_setaffinity(0, sizeof(set), &set) && errno == EINVAL ? "EINVAL" : "?");
	return bad;
}
