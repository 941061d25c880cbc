/* caps.c: capabilities: capget/capset (versions, errors, the rules for
 * raising), the bounding and ambient sets, keepcaps and securebits,
 * what user id changes and execve do to the sets (capabilities(7)), and
 * what a process without them may no longer do: permission checks on
 * files, chown, chmod, kill, nice, hard limits, low ports. Sets are shown
 * as "full" (the starting root set, whatever the host's bounding set), or
 * the names of a few capabilities. */
#include "abi.h"
#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>

/* linux/capability.h and linux/securebits.h (not in musl's headers) */
struct __user_cap_header_struct {
	unsigned version;
	int pid;
};
struct __user_cap_data_struct {
	unsigned effective, permitted, inheritable;
};
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_NET_BIND_SERVICE 10
#define CAP_SYS_NICE 23
#define SECBIT_KEEP_CAPS (1 << 4)
#define SECBIT_KEEP_CAPS_LOCKED (1 << 5)
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static unsigned long long full; /* the permitted set at the start */

struct caps {
	unsigned long long eff, perm, inh;
};

static struct caps get(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct caps c = { 0, 0, 0 };
	if (syscall(SYS_capget, &h, d) == 0) {
		c.eff = d[0].effective | (unsigned long long)d[1].effective << 32;
		c.perm = d[0].permitted | (unsigned long long)d[1].permitted << 32;
		c.inh = d[0].inheritable | (unsigned long long)d[1].inheritable << 32;
	}
	return c;
}

static long set(struct caps c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	for (int i = 0; i < 2; i++) {
		d[i].effective = (unsigned)(c.eff >> (32 * i));
		d[i].permitted = (unsigned)(c.perm >> (32 * i));
		d[i].inheritable = (unsigned)(c.inh >> (32 * i));
	}
	return syscall(SYS_capset, &h, d);
}

#define BIT(c) (1ull << (c))

static void name(const char *what, unsigned long long s)
{
	static const struct {
		int cap;
		const char *n;
	} some[] = {
		{ CAP_CHOWN, "chown" },
		{ CAP_DAC_OVERRIDE, "dac_override" },
		{ CAP_DAC_READ_SEARCH, "dac_read_search" },
		{ CAP_FOWNER, "fowner" },
		{ CAP_KILL, "kill" },
		{ CAP_SETGID, "setgid" },
		{ CAP_SETUID, "setuid" },
		{ CAP_SETPCAP, "setpcap" },
		{ CAP_NET_BIND_SERVICE, "net_bind_service" },
		{ CAP_SYS_NICE, "sys_nice" },
	};
	printf("  %s:", what);
	if (s == full) {
		printf(" full\n");
		return;
	}
	if (!s) {
		printf(" none\n");
		return;
	}
	unsigned long long rest = s;
	for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++)
		if (s & BIT(some[i].cap)) {
			printf(" %s", some[i].n);
			rest &= ~BIT(some[i].cap);
		}
	printf("%s\n", rest ? " +others" : "");
}

static void show(const char *when)
{
	struct caps c = get();
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	printf("%s: uid %u %u %u fsuid %ld\n", when, r, e, s, syscall(SYS_setfsuid, -1));
	name("eff", c.eff);
	name("perm", c.perm);
	name("inh", c.inh);
	unsigned long long amb = 0;
	for (int i = 0; i < 64; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, i, 0, 0) == 1)
			amb |= BIT(i);
	name("amb", amb);
	/* /proc/self/status agrees with capget */
	char b[4096], *l;
	abi_get("/proc/self/status", b, sizeof(b));
	unsigned long long v;
	if ((l = strstr(b, "CapEff:")) && sscanf(l + 7, "%llx", &v) == 1)
		printf("  status CapEff same: %s\n", v == c.eff ? "yes" : "no");
	if ((l = strstr(b, "CapAmb:")) && sscanf(l + 7, "%llx", &v) == 1)
		printf("  status CapAmb same: %s\n", v == amb ? "yes" : "no");
}

static void child(const char *what, void (*fn)(void))
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		printf("-- %s\n", what);
		fn();
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	printf("-- %s: status %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static const char *self_exe;

static void run_self(const char *mode)
{
	fflush(stdout);
	char *args[] = { (char *)"caps", (char *)"w", (char *)mode, NULL };
	execv(self_exe, args);
	printf("execv failed: %s\n", abi_errname(errno));
}

/* What a process without capabilities (uid 1000) may do. */
static void unprivileged_ops(void)
{
	R(open("w/root600", O_RDONLY));
	R(access("w/root600", R_OK));
	R(access("w/pub", R_OK | W_OK));
	int fd = R(open("w/mine", O_CREAT | O_WRONLY, 0600) >= 0);
	(void)fd;
	R(mkdir("rootdir/x", 0755));
	R(open("rootdir/f", O_RDONLY) >= 0);
	R(open("rootdir/f", O_WRONLY));
	R(unlink("rootdir/f"));
	R(unlink("w/root600")); /* sticky w/: someone else's */
	R(unlink("w/mine"));
	R(chmod("w/pub", 0600));
	R(chown("w/pub", 1000, 1000));
	R(open("closed/f", O_RDONLY));
	R(chdir("closed"));
	R(opendir("closed") != NULL);
	R(kill(getppid(), 0));
	R(setpriority(PRIO_PROCESS, 0, -5));
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max += 1;
	R(setrlimit(RLIMIT_NOFILE, &rl));
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) };
	R(bind(s, (struct sockaddr *)&a, sizeof(a)));
	close(s);
	R(syscall(SYS_setgroups, 0, NULL));
	R(syscall(SYS_setresgid, 0, 0, 0));
	R(syscall(SYS_setuid, 0));
}

static void drop_all(void)
{
	R(syscall(SYS_setresgid, 1000, 1000, 1000));
	R(syscall(SYS_setresuid, 1000, 1000, 1000));
	show("after setresuid 1000");
	unprivileged_ops();
}

/* setpriv --reuid/--regid: keepcaps, then the user, then the group */
static void keepcaps(void)
{
	R(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	R(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	R(syscall(SYS_setresuid, 1000, 1000, 1000));
	show("keepcaps, setresuid 1000");
	R(syscall(SYS_setresgid, 1000, 1000, 1000));
	struct caps c = get();
	c.eff = BIT(CAP_SETGID);
	R(set(c));
	R(syscall(SYS_setresgid, 1000, 1000, 1000));
	R(syscall(SYS_setgroups, 0, NULL));
	R(syscall(SYS_setresuid, 0, 0, 0));
	c.eff = BIT(CAP_SETUID);
	R(set(c));
	R(syscall(SYS_setresuid, 0, 0, 0));
	show("capset setuid, setresuid 0");
}

static void euid_only(void)
{
	R(syscall(SYS_setresuid, -1, 1000, -1));
	show("euid 1000");
	R(open("w/root600", O_RDONLY));
	R(syscall(SYS_setresuid, -1, 0, -1));
	show("euid 0 again");
	R(syscall(SYS_setfsuid, 1000));
	show("fsuid 1000");
	R(open("w/root600", O_RDONLY));
	R(kill(getppid(), 0));
	R(syscall(SYS_setfsuid, 0));
	show("fsuid 0");
}

static void capset_rules(void)
{
	struct caps c = get();
	c.eff &= ~(BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_CHOWN) |
		   BIT(CAP_FOWNER));
	R(set(c));
	R(open("w/root600", O_RDONLY) >= 0); /* owner: root */
	R(open("w/user600", O_RDONLY));
	R(chown("w/pub", 1, 1));
	R(chmod("w/user600", 0644));
	c.eff |= BIT(CAP_DAC_READ_SEARCH);
	R(set(c));
	R(open("w/user600", O_RDONLY) >= 0);
	R(open("w/user600", O_WRONLY));
	c = get();
	c.perm &= ~BIT(CAP_KILL);
	R(set(c)); /* effective beyond permitted */
	c.eff &= ~BIT(CAP_KILL);
	R(set(c));
	c.perm |= BIT(CAP_KILL);
	R(set(c)); /* permitted may not grow */
	c.perm &= ~BIT(CAP_KILL);
	c.inh = BIT(CAP_KILL);
	R(set(c)); /* with CAP_SETPCAP, inheritable may */
	c.eff &= ~BIT(CAP_SETPCAP);
	c.inh = 0;
	R(set(c));
	c.inh = BIT(CAP_KILL);
	R(set(c));
	show("after capset");
	R(prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0));
}

static void bounding_ambient(void)
{
	R(prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0));
	R(prctl(PR_CAPBSET_READ, 99, 0, 0, 0));
	R(prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0));
	R(prctl(PR_CAPBSET_DROP, 99, 0, 0, 0));
	R(prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	struct caps c = get();
	c.inh = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL);
	R(set(c));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 99, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
	R(prctl(PR_CAP_AMBIENT, 99, 0, 0, 0));
	R(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	R(syscall(SYS_setresuid, 1000, 1000, 1000));
	show("ambient, keepcaps, setresuid 1000");
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
	R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_KILL, 0, 0));
	run_self("exec");
}

static void exec_root_euid(void)
{
	R(prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0));
	R(syscall(SYS_setresuid, 0, 1000, 0));
	run_self("exec");
}

static void securebits(void)
{
	R(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	R(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0));
	R(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	R(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
	R(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0));
	R(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
	R(syscall(SYS_setresuid, 1000, 1000, 1000));
	show("securebits keep_caps, setresuid 1000");
	R(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0));
}

static void errors(void)
{
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	struct __user_cap_data_struct d[2];
	R(syscall(SYS_capget, &h, d));
	printf("version told: %#x\n", h.version);
	h.version = 0x12345678;
	R(syscall(SYS_capget, &h, NULL));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	R(syscall(SYS_capget, &h, NULL));
	R(syscall(SYS_capget, NULL, d));
	R(syscall(SYS_capget, &h, (void *)8));
	h.pid = -1;
	R(syscall(SYS_capget, &h, d));
	h.pid = 999999;
	R(syscall(SYS_capget, &h, d));
	R(syscall(SYS_capset, &h, d)); /* another process's: never */
	h.pid = 0;
	h.version = _LINUX_CAPABILITY_VERSION_1;
	memset(d, 0, sizeof(d));
	R(syscall(SYS_capget, &h, d));
	printf("v1 eff low word full: %s, high word %u\n",
	       d[0].effective == (unsigned)full ? "yes" : "no", d[1].effective);
	h.version = _LINUX_CAPABILITY_VERSION_3;
	R(syscall(SYS_capset, &h, (void *)8));
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[2], "exec")) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		full = strtoull(getenv("CAPS_FULL"), NULL, 16);
		show("after execve");
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) };
		printf("bind port 80: %s\n",
		       bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EACCES
			       ? "allowed"
			       : "EACCES");
		return 0;
	}
	abi_init(argc, argv);
	full = get().perm;
	char hex[32];
	snprintf(hex, sizeof(hex), "%llx", full);
	setenv("CAPS_FULL", hex, 1);
	show("start");
	errors();
	/* a world-writable sticky directory, root's files, a user's file */
	umask(0);
	mkdir("w", 01777);
	abi_put("w/root600", "secret\n");
	chmod("w/root600", 0600);
	abi_put("w/pub", "pub\n");
	chmod("w/pub", 0666);
	abi_put("w/user600", "user\n");
	chmod("w/user600", 0600);
	chown("w/user600", 1000, 1000);
	mkdir("rootdir", 0755);
	abi_put("rootdir/f", "f\n");
	chmod("rootdir/f", 0644);
	mkdir("closed", 0700);
	abi_put("closed/f", "f\n");
	/* a copy of this program that uid 1000 may run: the directories
	 * above the work directory may be closed to it */
	int in = open("/proc/self/exe", O_RDONLY), out = open("self", O_CREAT | O_WRONLY, 0755);
	char buf[65536];
	ssize_t n;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		write(out, buf, (size_t)n);
	close(in);
	close(out);
	self_exe = "self";
	child("drop everything", drop_all);
	child("keepcaps", keepcaps);
	child("euid and fsuid", euid_only);
	child("capset", capset_rules);
	child("bounding and ambient", bounding_ambient);
	child("execve with uid 0, euid 1000", exec_root_euid);
	child("securebits", securebits);
	fflush(stdout);
	if (fork() == 0)
		run_self("exec");
	wait(NULL);
	return 0;
}
