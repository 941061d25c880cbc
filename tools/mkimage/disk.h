/* disk.h: bootable disk images around the htux kernel and a program
   image (cpio): GRUB (BIOS and UEFI) loads htux.elf with multiboot2 and
   the cpio as its module. */
#ifndef HTUX_MKIMAGE_DISK_H
#define HTUX_MKIMAGE_DISK_H

enum disk_format {
	FORMAT_CPIO,  /* the program image alone (no GRUB) */
	FORMAT_RAW,   /* MBR disk: BIOS (SeaBIOS) and UEFI (OVMF) boot */
	FORMAT_QCOW2, /* the raw disk as qcow2 */
	FORMAT_ISO,   /* grub-mkrescue's hybrid ISO 9660 (CD or disk) */
	FORMAT_GCE,   /* raw disk of whole GiB as disk.raw in a .tar.gz */
	FORMAT_AWS,   /* raw disk of whole GiB, for EC2 VM import */
	FORMAT_OCI,   /* an OCI image holding htux.elf and the cpio (ociout.c) */
};

/* The format named s ("raw", ...), or -1. */
int disk_format_parse(const char *s);
const char *disk_format_name(int format);

struct disk_spec {
	int format;         /* enum disk_format, not FORMAT_CPIO */
	const char *kernel; /* htux.elf */
	const char *cpio;   /* the program image */
	const char *append; /* kernel command line words, or NULL */
	const char *output; /* the file to write (a temporary name) */
	long long mtime;    /* time stamp of files in archives (gce) */
};

/* Writes the image; returns 0, or -1 after printing one line. */
int disk_make(const struct disk_spec *d);
/* Removes the work directory; safe to call from a signal handler. */
void disk_cleanup(void);

#endif
