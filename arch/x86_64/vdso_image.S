/* vdso_image.S: the vDSO (arch/x86_64/vdso/, built as a shared object)
 * inside the kernel image, page-aligned so that its pages can be mapped
 * into the program as they are. */
	.section .rodata
	.balign 4096
	.globl vdso_image, vdso_image_end
vdso_image:
	.incbin "arch/x86_64/vdso/vdso.so"
vdso_image_end:
	.balign 4096

	.section .note.GNU-stack, "", @progbits
