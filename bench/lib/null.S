/* The floor: a null multiboot (v1) kernel that only asks QEMU to exit
 * by writing 0 to the isa-debug-exit port 0xf4. */

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00010000	/* bit 16: the address fields are valid */

	.section .text
	.code32
	.globl	_start

	.balign	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header		/* header_addr */
	.long	mb_header		/* load_addr: the image starts at the header */
	.long	image_end		/* load_end_addr */
	.long	image_end		/* bss_end_addr: no bss */
	.long	_start			/* entry_addr */

_start:
	cli
	movw	$0xf4, %dx
	xorl	%eax, %eax
	outl	%eax, %dx		/* QEMU exits with status (0 << 1) | 1 */
1:	hlt				/* not reached under QEMU */
	jmp	1b

	.balign	4
image_end:
