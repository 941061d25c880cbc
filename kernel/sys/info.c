/* sys/info.c: what the system says about itself: uname, sethostname,
 * setdomainname, sysinfo (true memory figures from the page allocator)
 * and getrandom; and reboot (halting, powering off or restarting ends
 * the VM with status 0, as the program's own exit 0 would). The names
 * themselves are kernel/uts.c's. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/pmem.h"
#include "kernel/proc.h"
#include <linux/capability.h>
#include "kernel/uts.h"
#include <linux/utsname.h>
#include <linux/sysinfo.h>
#include <linux/random.h>

static long set_uts(void (*set)(const char *, size_t), const char *uname, int len)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	char tmp[__NEW_UTS_LEN + 1];
	if (copy_from_user(tmp, uname, (size_t)len))
		return -EFAULT;
	set(tmp, (size_t)len);
	return 0;
}

long sys_sethostname(const char *name, int len) { return set_uts(uts_set_hostname, name, len); }
long sys_setdomainname(const char *name, int len) { return set_uts(uts_set_domainname, name, len); }

long sys_uname(struct new_utsname *u)
{
	struct new_utsname n;
	memset(&n, 0, sizeof(n));
	strlcpy(n.sysname, "Linux", sizeof(n.sysname));
	strlcpy(n.nodename, uts_hostname(), sizeof(n.nodename));
	/* A Linux release new enough for today's C libraries. */
	strlcpy(n.release, UTS_RELEASE, sizeof(n.release));
	strlcpy(n.version, UTS_VERSION, sizeof(n.version));
	strlcpy(n.machine, "x86_64", sizeof(n.machine));
	strlcpy(n.domainname, uts_domainname(), sizeof(n.domainname));
	return copy_to_user(u, &n, sizeof(n));
}

long sys_sysinfo(struct sysinfo *si)
{
	struct sysinfo s;
	memset(&s, 0, sizeof(s));
	s.uptime = time_ns() / 1000000000;
	s.totalram = pmem_total_pages() * PAGE_SIZE;
	s.freeram = pmem_free_pages() * PAGE_SIZE;
	for (struct thread *t = all_threads; t; t = t->all_next)
		s.procs += t->state != T_DEAD; /* Linux counts tasks (threads) */
	s.mem_unit = 1;
	return copy_to_user(si, &s, sizeof(s));
}

long sys_getrandom(void *buf, size_t n, unsigned flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (n > 33554431)
		n = 33554431;
	if (!access_ok(buf, n))
		return -EFAULT;
	/* a kernel buffer at a time: a fault part way gives a short count */
	uint8_t tmp[256];
	for (size_t done = 0; done < n;) {
		size_t k = MIN(n - done, sizeof(tmp));
		random_bytes(tmp, k);
		size_t c = copy_to_user_partial((uint8_t *)buf + done, tmp, k);
		done += c;
		if (c < k)
			return done ? (long)done : -EFAULT;
	}
	return (long)n;
}

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xCDEF0123
#define REBOOT_CMD_CAD_ON 0x89ABCDEF
#define REBOOT_CMD_CAD_OFF 0x00000000
#define REBOOT_CMD_POWER_OFF 0x4321FEDC
#define REBOOT_CMD_RESTART2 0xA1B2C3D4

long sys_reboot(int magic1, int magic2, unsigned cmd, void *arg)
{
	char why[256];

	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if ((unsigned)magic1 != REBOOT_MAGIC1 || (magic2 != 672274793 && magic2 != 85072278 &&
						  magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON: vm_set_cad(true); return 0;
	case REBOOT_CMD_CAD_OFF: vm_set_cad(false); return 0;
	case REBOOT_CMD_RESTART2:
		if (strncpy_from_user(why, arg, sizeof(why) - 1) < 0)
			return -EFAULT;
		/* fall through */
	case REBOOT_CMD_RESTART: kinfo("reboot: Restarting system (the VM ends)\n"); vm_exit(0);
	case REBOOT_CMD_HALT: kinfo("reboot: System halted\n"); vm_exit(0);
	case REBOOT_CMD_POWER_OFF: kinfo("reboot: Power down\n"); vm_exit(0);
	default: return -EINVAL; /* KEXEC with nothing loaded, SW_SUSPEND without hibernation */
	}
}
