/* sysinfo_misc.c: what the system says about itself that matches on any
 * Linux: uname's sysname and machine, personality, getcpu's node,
 * times, membarrier, ioprio, capget's version negotiation, rlimits. */
#include "abi.h"
#include <sys/utsname.h>
#include <sys/personality.h>
#include <sys/times.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16
#include <stdint.h>

/* capget's header and data (musl has no <linux/capability.h>) */
struct __user_cap_header_struct {
	uint32_t version;
	int pid;
};
struct __user_cap_data_struct {
	uint32_t effective, permitted, inheritable;
};

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct utsname u;
	R(uname(&u));
	printf("%s %s\n", u.sysname, u.machine);
	R(personality(0xffffffff));
	R(personality(PER_LINUX));
	unsigned cpu = 99, node = 99;
	R(syscall(SYS_getcpu, &cpu, &node, NULL));
	printf("node %u cpu-ok %d\n", node, cpu < 1024);
	struct tms t;
	SAY(times(&t) != (clock_t)-1);
	SAY(t.tms_cutime == 0 && t.tms_cstime == 0);
	R(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0) >= 0);
	long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	SAY((q & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0);
	R(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	R(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
	R(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	R(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0));
	R(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 1, 0));
	R(syscall(SYS_membarrier, 1 << 20, 0, 0));
	R(syscall(SYS_ioprio_get, 1, 0));
	R(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 3));
	R(syscall(SYS_ioprio_get, 1, 0));
	R(syscall(SYS_ioprio_set, 9, 0, 0));
	R(syscall(SYS_ioprio_get, 1, 999999));
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	struct __user_cap_data_struct d[2];
	R(syscall(SYS_capget, &h, d));
	printf("version %x\n", h.version);
	h.version = 0x12345678;
	R(syscall(SYS_capget, &h, NULL));
	printf("version %x\n", h.version);
	R(syscall(SYS_capget, &h, d));
	h.pid = 999999;
	R(syscall(SYS_capget, &h, d));
	for (int fd = 3; fd < 1024; fd++) /* whatever the caller left open */
		close(fd);
	struct rlimit rl = { 64, 64 };
	R(setrlimit(RLIMIT_NOFILE, &rl));
	int opened = 0;
	while (open("/dev/null", O_RDONLY) >= 0)
		opened++;
	printf("opened %d then %s\n", opened, abi_errname(errno));
	R(getrlimit(RLIMIT_NOFILE, &rl));
	printf("nofile %ld %ld\n", (long)rl.rlim_cur, (long)rl.rlim_max);
	R(getrlimit(99, &rl));
	rl.rlim_cur = 100;
	rl.rlim_max = 10;
	R(setrlimit(RLIMIT_NOFILE, &rl));
	return 0;
}
