/* sysrw.h: rewriting the program's "mov $N,%eax; syscall" sites into
 * jumps to per-site trampolines (kernel option sysrw, part of fastsys;
 * kernel/sysrw.c, docs/design.md "Rewriting syscall sites"). */
#ifndef HTUX_SYSRW_H
#define HTUX_SYSRW_H

#include "kernel/kernel.h"

struct mm;
struct vma;

/* Per address space: the trampoline area of one file mapped at one
 * place (bias: the address of the file's offset 0). */
struct sysrw_area {
	struct inode *file;
	uint64_t bias;
	uint64_t start, len; /* the trampolines, a VMA_SYSRW area */
	int fidx;            /* the file's entry in the table */
	struct sysrw_area *next;
};

/* Whether a fault at va in v may patch sites: v is a private executable,
 * unwritable mapping of a file the table lists, and the page at va holds
 * some of its sites. If so the trampoline area is made first (which maps
 * an area: look v up again after it). */
bool sysrw_prepare(struct mm *mm, struct vma *v, uint64_t va);
/* Patches the sites in the page at va of v (prepared), whose bytes (just
 * read from the file) are at page. Whether the result depends on nothing
 * but the file's bytes and where the trampolines are (every site wholly
 * on the page and patched): then sysrw_keep may share it. */
bool sysrw_patch(struct mm *mm, struct vma *v, uint64_t va, uint8_t *page);
/* The patched page at va of v (prepared) that an earlier process kept,
 * with a reference for the caller's mapping (copy-on-write); or 0. */
uint64_t sysrw_kept(struct mm *mm, struct vma *v, uint64_t va);
/* Keeps the page pa, patched purely, for others (taking a reference):
 * true if so (the caller's mapping must then be copy-on-write). */
bool sysrw_keep(struct mm *mm, struct vma *v, uint64_t va, uint64_t pa);
/* fork: the child's copy of the areas' list; -ENOMEM. */
int sysrw_mm_copy(struct mm *to, const struct mm *from);
void sysrw_mm_free(struct mm *mm);
/* With verbose: one line of what was rewritten (at exit). */
void sysrw_report(void);

#endif
