/* cpus.c: prints how many CPUs a program is told about (sysconf, the
 * affinity mask, /sys/devices/system/cpu/online, /proc/cpuinfo), then
 * sleeps argv[1] seconds if given, and exits with status 3. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	cpu_set_t set;
	char line[256], online[64] = "?";
	int n = 0;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		perror("sched_getaffinity");
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	if (f) {
		if (fgets(online, sizeof(online), f))
			online[strcspn(online, "\n")] = 0;
		fclose(f);
	}
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		n += !strncmp(line, "processor", 9);
	if (f)
		fclose(f);
	printf("nproc %ld affinity %d online %s cpuinfo %d\n", sysconf(_SC_NPROCESSORS_ONLN),
	       CPU_COUNT(&set), online, n);
	fflush(stdout);
	if (argc > 1)
		sleep(atoi(argv[1]));
	return 3;
}
