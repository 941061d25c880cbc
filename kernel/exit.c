/* exit.c: ending the VM with the program's status (or reboot(2)'s
 * halt, power-off or restart: status 0), and reboot's Ctrl-Alt-Del
 * setting: write the disks back,
 * flush the console, then (vm_halt, which nothing can make fault: it also
 * ends a panic inside a panic) tell the launcher on COM2, isa-debug-exit,
 * ACPI power-off, and as a last resort a triple fault (QEMU with
 * -no-reboot stops on it). */
#include "kernel/kernel.h"
#include "kernel/strace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/serial.h"
#include "fs/mount.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/sysrw.h"
#include "drivers/virtio/console.h"

void acpi_poweroff(void);

/* reboot(2)'s Ctrl-Alt-Del setting (/proc/sys/kernel/ctrl-alt-del): the
 * keys would reboot at once (1) or signal init (0). No keyboard here. */
static bool cad_reboots = true;

void vm_set_cad(bool reboots) { cad_reboots = reboots; }
bool vm_cad(void) { return cad_reboots; }

void vm_exit(int status)
{
	static bool exiting;
	static bool unmounted;

	/* disks are written back and marked clean, except after a panic:
	 * first what the program wrote through shared file mappings, as
	 * its exit would on Linux */
	if (!unmounted && status != 255) {
		unmounted = true;
		if (current && current->mm)
			vm_sync_all(current->mm);
		mounts_unmount_all();
	}
	cli();
	if (exiting)
		vm_halt(status); /* a panic while switching off */
	exiting = true;
	hvc_flush();
	if (kopts.summary)
		sysstats_print();
	if (kopts.sysrw)
		sysrw_report();
	vm_halt(status);
}

void vm_halt(int status)
{
	static bool halting;
	char line[] = "htux-exit 000\n";

	cli();
	if (!halting) { /* else a fault in here: straight to the end */
		halting = true;
		status &= 0xFF;
		serial_flush();
		int n = 10;
		if (status >= 100)
			line[n++] = (char)('0' + status / 100);
		if (status >= 10)
			line[n++] = (char)('0' + status / 10 % 10);
		line[n++] = (char)('0' + status % 10);
		line[n++] = '\n';
		com2_write(line, n);
		outl(0xF4, status);
		acpi_poweroff();
	}
	/* the last resort: a triple fault (QEMU with -no-reboot stops) */
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		hlt();
}
