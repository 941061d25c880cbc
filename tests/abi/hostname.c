/* hostname.c: sethostname and setdomainname are stored and uname and
 * /proc/sys/kernel report them. On the host the program first moves to a
 * UTS namespace of its own (so the host keeps its name); htux has one
 * program and no namespaces, so unshare is not needed there (EINVAL, as
 * a Linux built without them answers, and no /proc/self/ns/uts). */
#include "abi.h"
#include <sched.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	if (unshare(CLONE_NEWUTS) < 0 && errno != ENOSYS &&
	    !(errno == EINVAL && access("/proc/self/ns/uts", F_OK) != 0)) {
		printf("cannot get a UTS namespace: %s\n", abi_errname(errno));
		return 1;
	}
	struct utsname u;
	char b[128];
	R(sethostname("abi-host", 8));
	R(uname(&u));
	printf("nodename %s\n", u.nodename);
	R(abi_get("/proc/sys/kernel/hostname", b, sizeof(b)));
	printf("proc %s", b);
	R(gethostname(b, sizeof(b)));
	printf("gethostname %s\n", b);
	R(sethostname("truncated-name", 4));
	R(uname(&u));
	printf("nodename %s\n", u.nodename);
	R(setdomainname("example.org", 11));
	R(uname(&u));
	printf("domainname %s\n", u.domainname);
	R(abi_get("/proc/sys/kernel/domainname", b, sizeof(b)));
	printf("proc %s", b);
	char big[100];
	memset(big, 'x', sizeof(big));
	R(sethostname(big, 65));
	R(sethostname(big, 64));
	R(sethostname(big, -1));
	R(sethostname((char *)1, 4));
	R(sethostname("", 0));
	R(uname(&u));
	printf("nodename [%s]\n", u.nodename);
	return 0;
}
