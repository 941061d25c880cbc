/* reboot.c: reboot's checks, never a real reboot (this runs on the host
 * too): EPERM without CAP_SYS_BOOT (before the magic numbers are looked
 * at), EINVAL for bad magic numbers and unknown commands (KEXEC with no
 * kernel loaded), and the Ctrl-Alt-Del setting /proc reports. The
 * commands that end the system are tests/boot/reboot.sh's. */
#include "abi.h"
#include <sys/syscall.h>

#define MAGIC1 0xfee1dead
#define MAGIC2 672274793
#define POWER_OFF 0x4321FEDC
#define KEXEC 0x45584543

static long rb(unsigned m1, unsigned m2, unsigned cmd)
{
	return syscall(SYS_reboot, m1, m2, cmd, NULL);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char buf[16];
	if (abi_get("/proc/sys/kernel/ctrl-alt-del", buf, sizeof(buf)) >= 0)
		printf("ctrl-alt-del: %s", buf);
	R(rb(MAGIC1 + 1, MAGIC2, 0x12345678));
	R(rb(MAGIC1, MAGIC2 + 1, 0x12345678));
	R(rb(MAGIC1, 85072278, 0x12345678));
	R(rb(MAGIC1, 369367448, 0x12345678));
	R(rb(MAGIC1, 537993216, 0x12345678));
	R(rb(MAGIC1, MAGIC2, KEXEC));

	int st;
	pid_t c = fork();
	if (c == 0) {
		if (setuid(65534) != 0 || geteuid() == 0)
			_exit(100);
		R(rb(MAGIC1, MAGIC2, POWER_OFF));
		R(rb(0, 0, 0x12345678));
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("unprivileged child: %d\n", WEXITSTATUS(st));
	return 0;
}
