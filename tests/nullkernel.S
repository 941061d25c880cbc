/* nullkernel.S: a stand-in kernel for testing the htux launcher. Booted by
   QEMU as multiboot v1 (address fields, so a 64-bit ELF file is fine), it
   prints MESSAGE and the multiboot command line on COM1, STATUS on COM2,
   then writes EXIT to isa-debug-exit (port 0xf4), or halts forever when
   HANG is defined. Build (see tests/launcher.sh):
   cc -nostdlib -static -no-pie -Wl,-Ttext=0x100000 -Wl,--build-id=none
      -Wl,-z,max-page-size=0x1000 -DEXIT=7 '-DSTATUS="htux-exit 7\n"' */
#ifndef MESSAGE
#define MESSAGE "null kernel: "
#endif
#ifndef STATUS
#define STATUS ""
#endif
#ifndef EXIT
#define EXIT 0
#endif
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010000		/* bit 16: address fields valid */

	.text
	.code32
	.globl _start
	.align 4
header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.long header			/* header_addr */
	.long header			/* load_addr: the file from here */
	.long 0				/* load_end_addr: to the end */
	.long 0				/* bss_end_addr: no bss */
	.long _start			/* entry_addr */
_start:
	cli
	mov $0x3f8, %dx
	mov $message, %esi
	call puts
	mov 16(%ebx), %esi		/* multiboot_info.cmdline */
	call puts
	mov $newline, %esi
	call puts
	mov $0x2f8, %dx
	mov $status, %esi
	call puts
#ifndef HANG
	mov $0xf4, %dx
	mov $EXIT, %eax
	outl %eax, %dx
#endif
1:	hlt
	jmp 1b

/* Writes the string at %esi to the serial port at %dx. */
puts:	movb (%esi), %al
	test %al, %al
	jz 2f
	outb %al, %dx
	inc %esi
	jmp puts
2:	ret

message: .asciz MESSAGE
newline: .asciz "\n"
status:	.asciz STATUS
