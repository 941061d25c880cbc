/* libvirt.h: a libvirt domain (XML) that boots an htux image. */
#ifndef HTUX_MKIMAGE_LIBVIRT_H
#define HTUX_MKIMAGE_LIBVIRT_H

struct libvirt_spec {
	const char *name;   /* domain name; the XML goes to DIR/NAME.xml */
	const char *dir;    /* directory of the XML and NAME.exit */
	int format;         /* enum disk_format of image */
	const char *image;  /* the cpio (direct boot) or the disk image */
	const char *kernel; /* htux.elf (direct boot) */
	const char *append; /* kernel command line (direct boot), or NULL */
	unsigned long memory_mib;
	const char *blk; /* an extra virtio disk, or NULL */
	int net, uefi, kvm;
};

/* Writes DIR/NAME.xml; returns 0, or -1 after printing one line. */
int libvirt_write(const struct libvirt_spec *l);

#endif
