/* options.h: htux-mkimage's command line. */
#ifndef HTUX_MKIMAGE_OPTIONS_H
#define HTUX_MKIMAGE_OPTIONS_H

#include <stddef.h>

#include "../common/mfile.h"

struct mk_add {
	char *host;  /* as given */
	char *guest; /* as given, or NULL for HOST's absolute path */
};

/* --rootfs: where --oci's root filesystem goes */
enum rootfs_place {
	ROOTFS_AUTO,   /* on a disk over ROOT_DISK_OVER (or HTUX_ROOT_DISK_OVER) */
	ROOTFS_INITRD, /* in the initrd (RAM) */
	ROOTFS_DISK,   /* -o is an ext2 disk for root=/dev/vda */
};

/* The automatic switch to a root disk: a root filesystem over 512 MiB. */
#define ROOT_DISK_OVER (512ULL << 20)

struct mk_opts {
	const char *output; /* -o */
	const char **env;   /* -e NAME=VALUE, in order */
	size_t nenv;
	struct mk_add *add; /* --add HOST[:GUEST], in order */
	size_t nadd;
	int help, version;
	int trace_files;            /* --trace-files */
	int syscall_sites;          /* --syscall-sites: /.htux/sites (tools/mkimage/sites.c) */
	int progress;               /* --progress: the progress line off a terminal too */
	const char *user;           /* --user NAME|UID[:GID], or NULL */
	int format;                 /* --format: enum disk_format (disk.h) */
	const char *kernel;         /* --kernel FILE, or NULL */
	const char *append;         /* --append WORDS, or NULL */
	const char *libvirt;        /* --libvirt NAME: write NAME.xml, or NULL */
	const char *memory;         /* --memory SIZE (libvirt), or NULL */
	unsigned long memory_mib;   /* its value in MiB, 0 if not given */
	const char *blk;            /* --blk FILE: a virtio disk (libvirt) */
	int net;                    /* --net: a virtio network card (libvirt) */
	int uefi;                   /* --uefi: boot the disk with OVMF (libvirt) */
	int kvm;                    /* --kvm 1, --tcg 0, default -1: kvm if /dev/kvm */
	const char *minimal;        /* --minimal KERNEL, or NULL */
	int minimal_ignore_unknown; /* --minimal-ignore-unknown */
	const char *oci;            /* --oci PATH[:TAG], or NULL */
	int rootfs;                 /* --rootfs: enum rootfs_place */
	const char *prog;           /* PROG as typed (--oci: NULL) */
	char **args;                /* its arguments (after PROG) */
	size_t nargs;
};

/* Parses argv (argv[0] is the program name). Options end at the first
   non-option or at "--". Returns 0, or -1 with a one-line message (without
   the "htux-mkimage: " prefix) in err. With --help or --version, output and
   PROG are not required. Call mk_opts_free() after either result. */
int mk_parse(int argc, char **argv, struct mk_opts *o, char *err, size_t errlen);
void mk_opts_free(struct mk_opts *o);
/* -f MANIFEST: the manifest's keys and the options they stand for, the
   options that take a separate value, and one option checked alone. */
extern const struct mf_key mk_manifest_keys[];
int mk_takes_value(const char *arg);
int mk_check_option(const char *opt, const char *value, char *err, size_t errlen);

#endif
