/* options.h: the htux launcher's command line. */
#ifndef HTUX_OPTIONS_H
#define HTUX_OPTIONS_H

#include <stddef.h>

/* Guest memory when -m is not given and the image is small. */
#define MEM_DEFAULT "128M"

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

struct htux_opts {
	int help, version;
	const char *mem;     /* -m, or NULL: sized from the image (mem_for_image) */
	enum accel accel;    /* --kvm, --tcg */
	const char *machine; /* --machine, default "pc" */
	const char *cpu;     /* --cpu, or NULL */
	const char *smp;     /* --smp N: QEMU's -smp (the kernel uses one), or NULL */
	int trace, strace, verbose, dry_run;
	int summary;     /* --syscall-summary */
	int fastsys;     /* --fast-syscalls: the program runs in ring 0 (fastsys) */
	int gdb_port;    /* --gdb[=PORT]: 0 when off */
	int minimal;     /* --minimal: boot a kernel made for PROG */
	int sysrw;       /* --rewrite-syscalls: kernel option sysrw, htux-mkimage --syscall-sites */
	const char **mk; /* "-e" VALUE / "--add" VALUE pairs, in order */
	size_t nmk;
	const char **append; /* --append STR, in order */
	size_t nappend;
	const char **qemu_args; /* --qemu-arg ARG, in order */
	size_t nqemu_args;
	const char *kernel; /* --kernel, or NULL */
	const char *qemu;   /* --qemu, or NULL */
	const char *keep;   /* --keep IMAGE, or NULL */
	const char *boot;   /* --boot grub|uefi: a GRUB disk, or NULL (-kernel) */
	const char *image;  /* --image DISK: boot it, no PROG; or NULL */
	const char **disks; /* --disk FILE[:MOUNTPOINT], in order (vda, vdb, ...) */
	size_t ndisks;
	int hvc;            /* --console hvc: the program's console is virtio */
	int net;            /* --net: a virtio network device on QEMU's user network */
	int init;           /* --init: a built-in init is pid 1 (kernel option init) */
	int tty;            /* --tty 1, --no-tty -1; 0: a terminal if stdin and stdout are */
	int notty;          /* decided in main: kernel option notty */
	int err3;           /* decided in main: stderr on COM3 (kernel option stderr=com3) */
	const char **ports; /* -p HOSTPORT:GUESTPORT[/udp], in order */
	size_t nports;
	const char *oci;    /* --oci PATH[:TAG]: a container image, or NULL */
	const char *rootfs; /* --rootfs auto|initrd|disk (htux-mkimage's), or NULL */
	char **prog;        /* PROG and its ARGs (--oci: the ARGs replacing Cmd) */
	size_t nprog;
};

/* Parses "htux run [OPTION]... PROG [ARG]...", "htux --help" and
   "htux --version" (argv[0] is the program name). Options end at the first
   non-option or at "--". Returns 0, or -1 with a one-line message (without
   the "htux: " prefix) in err. Call htux_opts_free() after either. */
int htux_parse(int argc, char **argv, struct htux_opts *o, char *err, size_t errlen);
void htux_opts_free(struct htux_opts *o);
/* Does option arg (as a whole word) take the next word as its value? */
int htux_takes_value(const char *arg);
/* Parses a -p value HOSTPORT:GUESTPORT[/tcp|/udp]: 0 and the ports and
   protocol ("tcp" or "udp"), or -1. */
int port_split(const char *spec, int *host, int *guest, const char **proto);
/* Splits a --disk value: the host file (malloc'd) and the mount point
   (inside spec, or NULL when there is none: FILE:/PATH). */
char *disk_split(const char *spec, const char **mountpoint);

#endif
