/* procfs.c: /proc as programs read it: self and exe, maps with [heap] and
 * [stack], stat and status agreeing with the system calls, auxv agreeing
 * with getauxval, the task directory, meminfo, cpuinfo, uptime, stat and
 * the sysctl files; their formats, not their host-specific values. */
#include "abi.h"
#include <sys/auxv.h>
#include <dirent.h>
#include <limits.h>

static char buf[1 << 16];

static int has_line(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, prefix, n))
			return 1;
	return 0;
}

static long field(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[PATH_MAX];
	long n = R(readlink("/proc/self/exe", b, sizeof(b) - 1));
	if (n > 0) {
		b[n] = 0;
		printf("exe basename %s\n", strrchr(b, '/') + 1);
	}
	n = readlink("/proc/self", b, sizeof(b) - 1);
	b[n > 0 ? n : 0] = 0;
	SAY(atoi(b) == getpid());
	sbrk(8192);
	abi_get("/proc/self/maps", buf, sizeof(buf));
	SAY(strstr(buf, "[heap]\n") != NULL);
	SAY(strstr(buf, "[stack]\n") != NULL);
	SAY(strstr(buf, "abi-procfs") != NULL);
	int ok = 1;
	for (char *l = buf; *l; l = strchr(l, '\n') + 1) {
		unsigned long s, e, off, ino;
		unsigned ma, mi;
		char perm[5];
		if (sscanf(l, "%lx-%lx %4s %lx %x:%x %lu", &s, &e, perm, &off, &ma, &mi, &ino) !=
			    7 ||
		    s >= e)
			ok = 0;
		if (!strchr(l, '\n'))
			break;
	}
	SAY(ok);
	abi_get("/proc/self/stat", buf, sizeof(buf));
	char comm[64], state;
	int pid;
	SAY(sscanf(buf, "%d (%63[^)]) %c", &pid, comm, &state) == 3);
	SAY(pid == getpid());
	printf("stat comm %s state %c\n", comm, state);
	int fields = 0;
	for (char *p = strrchr(buf, ')'); p; p = strchr(p + 1, ' '))
		fields++;
	printf("stat fields after comm %d\n", fields >= 50);
	abi_get("/proc/self/status", buf, sizeof(buf));
	SAY(has_line(buf, "Name:\tabi-procfs"));
	SAY(field(buf, "\nPid:\t") == getpid());
	SAY(field(buf, "Threads:\t") == 1);
	SAY(field(buf, "VmRSS:\t") > 0);
	SAY(field(buf, "VmSize:\t") >= field(buf, "VmRSS:\t"));
	SAY(has_line(buf, "SigBlk:\t0000000000000000"));
	SAY(has_line(buf, "Uid:\t0\t0\t0\t0"));
	int fd = open("/proc/self/auxv", O_RDONLY);
	unsigned long av[128];
	n = read(fd, av, sizeof(av));
	close(fd);
	int seen = 0;
	for (long i = 0; i + 1 < n / 8; i += 2) {
		if (av[i] == AT_PAGESZ)
			printf("auxv pagesz %lu\n", av[i + 1]);
		if (av[i] == AT_ENTRY && av[i + 1] == getauxval(AT_ENTRY))
			seen++;
		if (av[i] == AT_RANDOM && av[i + 1] == getauxval(AT_RANDOM))
			seen++;
	}
	printf("auxv agrees %d, ends with AT_NULL %d\n", seen, n >= 16 && av[n / 8 - 2] == 0);
	DIR *d = opendir("/proc/self/task");
	int tasks = 0, self = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			tasks++;
			self += atoi(e->d_name) == getpid();
		}
	if (d)
		closedir(d);
	printf("tasks %d self %d\n", tasks, self);
	snprintf(b, sizeof(b), "/proc/self/task/%d/comm", getpid());
	abi_get(b, buf, sizeof(buf));
	printf("task comm %s", buf);
	abi_get("/proc/meminfo", buf, sizeof(buf));
	SAY(field(buf, "MemTotal:") > 0 && field(buf, "MemFree:") > 0);
	SAY(field(buf, "MemTotal:") >= field(buf, "MemFree:"));
	SAY(has_line(buf, "MemAvailable:") && has_line(buf, "SwapTotal:") &&
	    has_line(buf, "Cached:"));
	SAY(strstr(buf, " kB\n") != NULL);
	abi_get("/proc/cpuinfo", buf, sizeof(buf));
	SAY(has_line(buf, "processor\t: 0"));
	SAY(has_line(buf, "vendor_id\t: "));
	SAY(has_line(buf, "model name\t: "));
	SAY(has_line(buf, "cpu MHz\t\t: "));
	SAY(has_line(buf, "flags\t\t: fpu "));
	SAY(strstr(buf, " sse2 ") != NULL);
	abi_get("/proc/uptime", buf, sizeof(buf));
	double up = -1, idle = -1;
	SAY(sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0);
	abi_get("/proc/stat", buf, sizeof(buf));
	SAY(has_line(buf, "cpu  ") && has_line(buf, "cpu0 ") && has_line(buf, "btime "));
	abi_get("/proc/sys/kernel/ostype", buf, sizeof(buf));
	printf("ostype %s", buf);
	SAY(abi_get("/proc/sys/kernel/osrelease", buf, sizeof(buf)) > 1);
	abi_get("/proc/sys/kernel/ngroups_max", buf, sizeof(buf));
	printf("ngroups_max %s", buf);
	SAY(abi_get("/proc/sys/kernel/pid_max", buf, sizeof(buf)) > 1 && atoi(buf) >= 32768);
	SAY(abi_get("/proc/sys/vm/overcommit_memory", buf, sizeof(buf)) == 2);
	SAY(abi_get("/sys/devices/system/cpu/online", buf, sizeof(buf)) > 0 && buf[0] == '0');
	SAY(abi_get("/sys/devices/system/cpu/possible", buf, sizeof(buf)) > 0 && buf[0] == '0');
	R(access("/proc/self/fd/1", F_OK));
	R(access("/proc/nonexistent", F_OK));
	R(open("/proc/self/maps", O_WRONLY));
	return 0;
}
