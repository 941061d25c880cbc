/* prctl.c: prctl's process settings: the name (and /proc/self/comm), the
 * dumpable flag, the parent-death signal, no_new_privs, keepcaps, timer
 * slack, the bounding set, and errors. */
#include "abi.h"
#include <sys/prctl.h>
#include <signal.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char name[32], comm[64];
	memset(name, 'x', sizeof(name));
	R(prctl(PR_GET_NAME, name));
	printf("name starts with prctl: %d\n", strncmp(name, "abi-prctl", 9) == 0);
	R(prctl(PR_SET_NAME, "worker-one"));
	R(prctl(PR_GET_NAME, name));
	printf("name %s\n", name);
	R(abi_get("/proc/self/comm", comm, sizeof(comm)));
	printf("comm %s", comm);
	R(prctl(PR_SET_NAME, "a-very-long-thread-name-indeed"));
	R(prctl(PR_GET_NAME, name));
	printf("name %s (%zu)\n", name, strlen(name));
	R(prctl(PR_SET_NAME, (char *)1));
	R(prctl(PR_GET_DUMPABLE));
	R(prctl(PR_SET_DUMPABLE, 0));
	R(prctl(PR_GET_DUMPABLE));
	R(prctl(PR_SET_DUMPABLE, 2));
	R(prctl(PR_SET_DUMPABLE, 1));
	int sig = -1;
	R(prctl(PR_GET_PDEATHSIG, &sig));
	printf("pdeathsig %d\n", sig);
	R(prctl(PR_SET_PDEATHSIG, SIGTERM));
	R(prctl(PR_GET_PDEATHSIG, &sig));
	printf("pdeathsig %d\n", sig);
	R(prctl(PR_SET_PDEATHSIG, 1000));
	R(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	R(prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
	R(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	R(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	R(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
	R(prctl(PR_GET_SECCOMP));
	R(prctl(PR_GET_KEEPCAPS));
	R(prctl(PR_SET_KEEPCAPS, 1));
	R(prctl(PR_GET_KEEPCAPS));
	R(prctl(PR_SET_KEEPCAPS, 5));
	R(prctl(PR_GET_TIMERSLACK));
	R(prctl(PR_SET_TIMERSLACK, 1000));
	R(prctl(PR_GET_TIMERSLACK));
	R(prctl(PR_SET_TIMERSLACK, 0));
	R(prctl(PR_GET_TIMERSLACK));
	R(prctl(PR_CAPBSET_READ, 0));
	R(prctl(PR_CAPBSET_READ, 1000));
	int reaper = -1;
	R(prctl(PR_GET_CHILD_SUBREAPER, &reaper));
	printf("subreaper %d\n", reaper);
	R(prctl(PR_SET_CHILD_SUBREAPER, 1));
	R(prctl(PR_GET_CHILD_SUBREAPER, &reaper));
	printf("subreaper %d\n", reaper);
	R(prctl(0x7fff0000));
	R(prctl(PR_GET_PDEATHSIG, (int *)1));
	return 0;
}
