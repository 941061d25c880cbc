/* sysfs_cpu.c: /sys/devices/system/cpu as Linux x86_64 shows it, in
 * figures that hold on any machine: the online, possible and present
 * lists agree with sysconf and sched_getaffinity, offline and isolated
 * are empty, kernel_max covers every CPU, there is one cpuN directory
 * per possible CPU (glibc's _SC_NPROCESSORS_CONF counts them), each with
 * its topology (ids, sibling lists holding itself, masks), and cpu0 has
 * no "online" file while every other CPU's says 1. */
#include "abi.h"
#include <dirent.h>
#include <sched.h>

/* The number of CPUs in a list like "0-3,5", or -1. */
static int list_count(const char *s, int *max)
{
	int n = 0;
	*max = -1;
	while (*s && *s != '\n') {
		char *e;
		long a = strtol(s, &e, 10), b = a;
		if (e == s)
			return -1;
		if (*e == '-')
			b = strtol(e + 1, &e, 10);
		n += (int)(b - a + 1);
		*max = (int)b;
		s = *e == ',' ? e + 1 : e;
	}
	return n;
}

static int readnum(const char *path)
{
	char buf[64];
	if (abi_get(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char buf[256], path[128];
	int on, poss, pres, max, pmax;
	const char *base = "/sys/devices/system/cpu";

	abi_get("/sys/devices/system/cpu/online", buf, sizeof(buf));
	on = list_count(buf, &max);
	abi_get("/sys/devices/system/cpu/possible", buf, sizeof(buf));
	poss = list_count(buf, &pmax);
	abi_get("/sys/devices/system/cpu/present", buf, sizeof(buf));
	pres = list_count(buf, &max);
	SAY(on >= 1 && poss >= on && pres >= on);
	SAY(sysconf(_SC_NPROCESSORS_ONLN) == on);
	cpu_set_t cs;
	SAY(sched_getaffinity(0, sizeof(cs), &cs) == 0 && CPU_COUNT(&cs) == on);
	SAY(abi_get("/sys/devices/system/cpu/offline", buf, sizeof(buf)) == 1 && buf[0] == '\n');
	SAY(abi_get("/sys/devices/system/cpu/isolated", buf, sizeof(buf)) == 1 && buf[0] == '\n');
	SAY(readnum("/sys/devices/system/cpu/kernel_max") >= pmax);

	int dirs = 0;
	DIR *d = opendir(base);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, "cpu", 3) || !e->d_name[3])
			continue;
		strtol(e->d_name + 3, &end, 10);
		if (!*end)
			dirs++;
	}
	if (d)
		closedir(d);
	SAY(dirs == poss);
	SAY(sysconf(_SC_NPROCESSORS_CONF) >= on);

	int bad = 0;
	for (int c = 0; c < poss && c < 64; c++) {
		int sib, m;
		snprintf(path, sizeof(path), "%s/cpu%d/topology/core_id", base, c);
		bad += readnum(path) < 0;
		snprintf(path, sizeof(path), "%s/cpu%d/topology/physical_package_id", base, c);
		bad += readnum(path) < 0;
		snprintf(path, sizeof(path), "%s/cpu%d/topology/die_id", base, c);
		bad += readnum(path) < 0;
		static const char *lists[] = {
			"thread_siblings_list", "core_siblings_list", "core_cpus_list",
			"package_cpus_list",    "die_cpus_list",
		};
		for (unsigned i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
			snprintf(path, sizeof(path), "%s/cpu%d/topology/%s", base, c, lists[i]);
			if (abi_get(path, buf, sizeof(buf)) <= 0 ||
			    (sib = list_count(buf, &m)) < 1 || m < c) {
				printf("cpu%d %s: %s", c, lists[i], buf);
				bad++;
			}
		}
		static const char *masks[] = {
			"thread_siblings", "core_siblings", "core_cpus", "package_cpus", "die_cpus",
		};
		for (unsigned i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
			snprintf(path, sizeof(path), "%s/cpu%d/topology/%s", base, c, masks[i]);
			if (abi_get(path, buf, sizeof(buf)) <= 0 ||
			    !strchr("0123456789abcdef", buf[0]))
				bad++;
		}
		snprintf(path, sizeof(path), "%s/cpu%d/online", base, c);
		int o = readnum(path);
		if (c == 0 ? o != -1 : o != 1) {
			printf("cpu%d online: %d\n", c, o);
			bad++;
		}
	}
	printf("cpu directories with something wrong: %d\n", bad);
	snprintf(path, sizeof(path), "%s/cpu%d", base, poss);
	struct stat st;
	R(stat(path, &st));
	return 0;
}
