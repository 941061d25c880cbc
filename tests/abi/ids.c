/* ids.c: credentials: the set*id family as root, saved ids, dropping
 * privileges, supplementary groups, setfsuid, and /proc/self/status. */
#include "abi.h"
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>

static void show(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("uid %u %u %u gid %u %u %u\n", r, e, s, gr, ge, gs);
}

static void status_ids(void)
{
	char b[4096];
	abi_get("/proc/self/status", b, sizeof(b));
	for (char *l = strtok(b, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, "Uid:", 4) || !strncmp(l, "Gid:", 4) || !strncmp(l, "Groups:", 7))
			printf("%s\n", l);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	show();
	gid_t g[8] = { 30, 10, 20 };
	R(syscall(SYS_setgroups, 3, g));
	memset(g, 0, sizeof(g));
	long n = R(getgroups(8, g));
	for (long i = 0; i < n; i++)
		printf("group %u\n", g[i]);
	R(getgroups(0, NULL));
	R(getgroups(1, g));
	R(getgroups(-1, g));
	status_ids();
	R(syscall(SYS_setresgid, 100, 200, 300));
	R(syscall(SYS_setregid, -1, 100));
	show();
	R(syscall(SYS_setgid, 0));
	show();
	R(syscall(SYS_setresuid, 1000, 1001, 0));
	show();
	status_ids();
	R(syscall(SYS_setfsuid, -1));
	R(syscall(SYS_setuid, 1000));
	show();
	R(syscall(SYS_setuid, 5));
	R(syscall(SYS_setreuid, 1001, -1));
	R(syscall(SYS_setreuid, 1000, 0));
	show();
	R(syscall(SYS_setreuid, -1, 0));
	show();
	R(syscall(SYS_setresuid, 7, 7, 7));
	show();
	R(syscall(SYS_setuid, 0));
	R(syscall(SYS_setgroups, 0, NULL));
	R(syscall(SYS_setfsuid, 7));
	R(syscall(SYS_setfsuid, 8));
	R(syscall(SYS_setfsuid, -1));
	R(syscall(SYS_setuid, -1));
	R(getuid());
	R(geteuid());
	return 0;
}
