/* qemu.h: the htux-mkimage and QEMU command lines of one run. */
#ifndef HTUX_QEMU_H
#define HTUX_QEMU_H

#include "argvec.h"
#include "options.h"

struct run_paths {
	const char *mkimage; /* htux-mkimage to run */
	const char *qemu;    /* qemu-system-x86_64 to run */
	const char *kernel;  /* htux.elf */
	const char *image;   /* the initrd (or root disk) htux-mkimage writes */
	const char *status;  /* file receiving COM2 (htux-exit N) */
	int kvm;             /* accelerator: KVM (1) or TCG (0) */
	const char *minimal; /* --minimal: the kernel htux-mkimage makes, or NULL */
	const char *mem;     /* -m for QEMU: -m's value, or what the image needs */
	int root_disk;       /* image is an ext2 root disk (--rootfs): vda, root=/dev/vda */
};

/* Guest memory for an image of image_bytes when -m is not given: the
   image stays in RAM (minifs borrows the initrd's pages), so the image's
   size plus 96 MiB for the kernel and the program, rounded up to 64 MiB,
   and never less than MEM_DEFAULT. Writes e.g. "256M" into buf. */
void mem_for_image(long long image_bytes, char *buf, size_t len);
/* Guest memory with a root disk (--rootfs) when -m is not given: the
   files are read into the kernel's cache, not all kept in RAM. */
#define MEM_ROOT_DISK "256M"
/* Does the file at path hold an ext2 (ext3, ext4) filesystem? */
int is_ext2(const char *path);
/* The kernel command line (-append): verbose, trace, strace, root= with a
   root disk, mount.vdX= for --disk's mount points, then each --append
   string, separated by spaces. Returns a malloc'd string. */
char *kernel_cmdline(const struct htux_opts *o, int root_disk);
/* htux-mkimage -o IMAGE [-e ..|--add ..]... -- PROG [ARG]... */
int mkimage_command(const struct htux_opts *o, const struct run_paths *p, struct argvec *out);
/* The QEMU command: COM1 on stdio, COM2 (0x2f8) into p->status, and
   isa-debug-exit at 0xf4; no other default devices. */
int qemu_command(const struct htux_opts *o, const struct run_paths *p, struct argvec *out);

#endif
