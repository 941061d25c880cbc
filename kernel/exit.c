/* exit.c: ending the VM with the program's status: flush the console,
 * tell the launcher on COM2, then isa-debug-exit, then ACPI power-off, and
 * as a last resort a triple fault (QEMU with -no-reboot stops on it). */
#include "kernel/kernel.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/serial.h"
#include "drivers/virtio/console.h"

void acpi_poweroff(void);

void vm_exit(int status)
{
	static bool exiting;
	char line[32];

	cli();
	if (exiting)
		goto last_resort;   /* a fault while switching off */
	exiting = true;
	status &= 0xFF;
	hvc_flush();
	serial_flush();
	if (com2_present()) {
		int n = ksnprintf(line, sizeof(line), "htux-exit %d\n", status);
		com2_write(line, n);
	}
	outl(0xF4, status);
	acpi_poweroff();
last_resort:;
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		hlt();
}
