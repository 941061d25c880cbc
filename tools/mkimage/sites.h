/* sites.h: the "syscall" sites of an x86-64 ELF file that the kernel may
   rewrite into jumps to trampolines (htux-mkimage --syscall-sites; the
   table /.htux/sites, docs/design.md "Rewriting syscall sites"). */
#ifndef HTUX_MKIMAGE_SITES_H
#define HTUX_MKIMAGE_SITES_H

#include <stddef.h>
#include <stdint.h>

struct site {
	uint64_t off; /* file offset of the mov */
	uint8_t len;  /* 7: b8 imm32 0f 05; 9: 48 c7 c0 imm32 0f 05 */
};

struct sites {
	struct site *v; /* sorted by offset */
	size_t n;
	size_t other; /* syscall instructions in covered code not taken */
	uint64_t size, sum;
};

/* The checksum the table gives for the n bytes at p (the kernel computes
   the same): 64-bit words, little-endian, the tail padded with zeros,
   each mixed in as h = (h ^ w) * 0x100000001b3, from h = n. */
uint64_t sites_checksum(const unsigned char *p, size_t n);

/* Finds the sites of the ELF file path. Returns 1 when it is an ELF file
   with executable code (s filled; sites_free after), 0 when it is not
   such a file, -1 after printing why. */
int sites_file(const char *path, struct sites *s);
void sites_free(struct sites *s);

struct image;
/* Adds /.htux/sites for every regular ELF file in the image. 0 or -1. */
int sites_add(struct image *im);
/* The table of the ELF files below the directory rootfs (their guest
   paths relative to it): a malloc'd string, or NULL after printing why. */
char *sites_tree(const char *rootfs);

#endif
