/* cpustat.c: /proc/stat's CPU lines. Checks that each field of the "cpu"
 * line is the sum of the per-CPU lines; then pins itself to CPU 0 and a
 * thread to CPU 1 that spins for 1.5 s while the main thread waits, and
 * checks that over that time cpu1's user time grew by most of it, cpu0
 * stayed mostly idle, and each CPU's user+system+idle grew by about the
 * time that passed. Prints one line per check; exits 0, or 1 if one
 * failed (the figures go to stderr). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIELDS 10
#define MAXCPU 64

struct stat_cpus {
	long total[FIELDS];
	long cpu[MAXCPU][FIELDS];
	int n;
};

static int bad;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	bad |= !ok;
}

static void read_stat(struct stat_cpus *s)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	memset(s, 0, sizeof(*s));
	if (!f) {
		perror("/proc/stat");
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		long *v;
		int id, off;
		if (!strncmp(line, "cpu ", 4)) {
			v = s->total;
			off = 4;
		} else if (sscanf(line, "cpu%d %n", &id, &off) == 1 && id >= 0 && id < MAXCPU) {
			v = s->cpu[id];
			if (id + 1 > s->n)
				s->n = id + 1;
		} else
			continue;
		char *p = line + off;
		for (int i = 0; i < FIELDS; i++)
			v[i] = strtol(p, &p, 10);
	}
	fclose(f);
}

static int sums_match(const struct stat_cpus *s)
{
	for (int k = 0; k < FIELDS; k++) {
		long sum = 0;
		for (int i = 0; i < s->n; i++)
			sum += s->cpu[i][k];
		if (sum != s->total[k]) {
			fprintf(stderr, "field %d: total %ld, per-CPU sum %ld\n", k, s->total[k],
				sum);
			return 0;
		}
	}
	return 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static void *spin(void *arg)
{
	pin(1);
	double end = now() + 1.5;
	while (now() < end)
		;
	return arg;
}

int main(void)
{
	struct stat_cpus a, b;
	pthread_t t;
	read_stat(&a);
	check(a.n >= 2, "two CPUs or more");
	check(sums_match(&a), "cpu line is the sum of the cpuN lines");
	pin(0);
	double t0 = now();
	read_stat(&a);
	pthread_create(&t, NULL, spin, NULL);
	pthread_join(t, NULL);
	read_stat(&b);
	double elapsed = (now() - t0) * 100; /* in USER_HZ ticks */
	check(sums_match(&b), "cpu line is the sum of the cpuN lines, later");
	long d[2][4];
	for (int c = 0; c < 2; c++) {
		d[c][0] = b.cpu[c][0] - a.cpu[c][0];
		d[c][1] = b.cpu[c][2] - a.cpu[c][2];
		d[c][2] = b.cpu[c][3] - a.cpu[c][3];
		d[c][3] = d[c][0] + d[c][1] + d[c][2];
		fprintf(stderr, "cpu%d: user +%ld system +%ld idle +%ld of %.0f\n", c, d[c][0],
			d[c][1], d[c][2], elapsed);
	}
	check(d[1][0] >= elapsed * 0.6, "cpu1's user time grew by most of the spin");
	check(d[0][0] + d[0][1] <= elapsed * 0.3 && d[0][2] >= elapsed * 0.6,
	      "cpu0 stayed mostly idle");
	for (int c = 0; c < 2; c++) {
		char what[64];
		snprintf(what, sizeof(what), "cpu%d: user+system+idle grew as time", c);
		check(d[c][3] >= elapsed * 0.85 - 2 && d[c][3] <= elapsed * 1.15 + 2, what);
	}
	return bad;
}
