/* mnode.h: minifs's own view of its nodes, shared by fs/minifs/minifs.c
 * (the tree) and fs/minifs/data.c (a regular file's bytes). */
#ifndef HTUX_MNODE_H
#define HTUX_MNODE_H

#include "fs/minifs/minifs.h"
#include "kernel/pagetree.h"

#define MINIFS_MAX_FILE (1ull << 40)

/* A directory entry owns its name. A regular file (or symlink, special
 * file) may have several entries (hard links), chained through alias;
 * a directory has one. The inode's own name/parent follow its first
 * entry, for getcwd, ".." and /proc/self/fd. */
struct mdirent {
	struct mdirent *next, *prev; /* in dir */
	struct mdirent *alias;       /* next entry naming the same minifs node */
	uint64_t pos;                /* readdir position; increases along the list */
	uint32_t hash;
	char *name;
	struct inode *dir;
	struct inode *ino;
};

struct mnode {
	struct inode vi;       /* first: an inode is a node */
	struct mdirent *names; /* entries naming this node, first is primary */
	struct mnode *hnext;   /* chain of the nodes by number (file handles) */
	bool linkable;         /* O_TMPFILE without O_EXCL: linkat may name it */
	/* regular files (fs/minifs/data.c) */
	const uint8_t *data;   /* the borrowed bytes, until owned */
	bool owned;            /* the bytes are pages of its own */
	struct pagetree pages; /* when owned: the pages (kernel addresses); holes unset */
	uint64_t npages;       /* how many */
	/* symlinks */
	char *target;
	/* directories */
	struct mdirent *head, *tail;
	uint64_t next_pos;
};

static inline struct mnode *M(struct inode *ino) { return (struct mnode *)ino; }

/* fs/minifs/data.c */
extern const struct file_ops mf_reg_fops;
int mf_truncate(struct inode *ino, uint64_t len);
const void *mf_data(struct inode *ino);
int64_t mf_seek_data(struct inode *ino, uint64_t off, bool hole);
void mf_free_data(struct mnode *m);
uint64_t mf_blocks(struct inode *ino);
int mf_page(struct inode *ino, uint64_t idx, uint64_t *pa);

#endif
