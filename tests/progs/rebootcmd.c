/* rebootcmd.c: rebootcmd CMD: a child calls reboot(2) with CMD
 * (power-off, halt, restart, restart2) after turning Ctrl-Alt-Del off
 * and on again; the parent would exit 3 if the system went on. In htux
 * the VM ends with status 0, as when the program exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAGIC1 0xfee1dead
#define MAGIC2 672274793

static void show_cad(void)
{
	FILE *f = fopen("/proc/sys/kernel/ctrl-alt-del", "r");
	int v = -1;
	if (f && fscanf(f, "%d", &v) == 1)
		printf("ctrl-alt-del %d\n", v);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	unsigned cmd = 0x12345678; /* unknown: EINVAL */
	const char *arg = NULL;
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "power-off"))
		cmd = 0x4321FEDC;
	else if (!strcmp(argv[1], "halt"))
		cmd = 0xCDEF0123;
	else if (!strcmp(argv[1], "restart"))
		cmd = 0x01234567;
	else if (!strcmp(argv[1], "restart2"))
		cmd = 0xA1B2C3D4, arg = "firmware";
	setvbuf(stdout, NULL, _IONBF, 0);
	syscall(SYS_reboot, MAGIC1, MAGIC2, 0, NULL); /* CAD_OFF */
	show_cad();
	syscall(SYS_reboot, MAGIC1, MAGIC2, 0x89ABCDEF, NULL); /* CAD_ON */
	show_cad();
	if (cmd == 0xA1B2C3D4)
		printf("bad argument: %ld\n", syscall(SYS_reboot, MAGIC1, MAGIC2, cmd, (void *)8));
	pid_t c = fork();
	if (c == 0) {
		syscall(SYS_reboot, MAGIC1, MAGIC2, cmd, arg);
		printf("reboot returned\n");
		_exit(1);
	}
	waitpid(c, NULL, 0);
	printf("the system went on\n");
	return 3;
}
