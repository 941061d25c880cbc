/* sysscan.h: which system calls an x86-64 ELF file can make, found by
   disassembling its code (htux-mkimage --minimal). */
#ifndef HTUX_MKIMAGE_SYSSCAN_H
#define HTUX_MKIMAGE_SYSSCAN_H

#include <stddef.h>
#include <stdint.h>

#define SYSSCAN_MAX 512 /* syscall numbers tracked: 0 to 511 */
#define SYSSCAN_SHOW 4  /* unknown sites remembered for the report */

struct sysscan {
	unsigned char used[SYSSCAN_MAX];      /* a site may make this call */
	size_t sites;                         /* syscall instructions seen */
	size_t unknown;                       /* ... whose number could not be found */
	uint64_t unknown_at[SYSSCAN_SHOW];    /* the first ones' addresses */
	const char *unknown_in[SYSSCAN_SHOW]; /* ... and files (the path given) */
	size_t out_of_range;                  /* numbers found >= SYSSCAN_MAX */
};

/* Adds what the executable segments of the ELF file path can call to s.
   Each "syscall" instruction's number is the value rax holds when it
   runs, followed backwards through moves between registers, along every
   direct jump and fall-through into its block, and into the direct
   callers of a function that takes it as an argument (glibc's syscall());
   a site where some path gives no constant (an indirect caller, a value
   loaded from memory) counts as unknown. 0, or -1 after printing why. */
int sysscan_file(const char *path, struct sysscan *s);

#endif
