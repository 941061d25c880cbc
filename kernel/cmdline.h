/* cmdline.h: the kernel command line: options, environment, program. */
#ifndef HTUX_CMDLINE_H
#define HTUX_CMDLINE_H

#define CMDLINE_MAX_WORDS 256
#define CMDLINE_MAX_MOUNTS 8

struct cmdline {
	char *env[CMDLINE_MAX_WORDS]; /* NAME=VALUE words */
	int nenv;
	char *argv[CMDLINE_MAX_WORDS]; /* the words after "--" */
	int argc;
	/* mount.DEV=PATH: mount disk DEV ("vda") at PATH */
	char *mount_dev[CMDLINE_MAX_MOUNTS], *mount_path[CMDLINE_MAX_MOUNTS];
	int nmounts;
	char *user; /* user=NAME|UID[:GID]: the program's user, or NULL */
	char *root; /* root=[/dev/]vdX: the disk that is "/", or NULL (the initrd) */
};

/* virtio_mmio.device=SIZE@ADDR:IRQ words, as Linux takes them (QEMU's
 * microvm adds them for Linux kernels): read by drivers/virtio/virtio_mmio.c. */
extern char *cmdline_virtio_mmio[CMDLINE_MAX_MOUNTS];
extern int cmdline_nvirtio_mmio;

/* Parses s (see docs/design.md) into cl and the global kopts. Returns 0, or
 * -1 after printing a one-line error. */
int cmdline_parse(const char *s, struct cmdline *cl);

#endif
