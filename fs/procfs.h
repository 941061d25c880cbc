/* procfs.h: what fs/pseudo.c (the static tree of /proc and /sys) and
 * fs/procpid.c (the directories made on demand under /proc) share: the
 * inode numbers, the table types, the inode maker. Private to fs/. */
#ifndef HTUX_PROCFS_H
#define HTUX_PROCFS_H

#include "fs/vfs.h"
#include "fs/pseudo.h"

#define PROC_DEV 0x4u                /* st_dev of /proc */
#define PROC_FD_INO 0x100000000ull   /* st_ino of /proc/<pid>/fd/N: + N */
#define PROC_TASK_INO 0x200000000ull /* /proc/<pid>/task/<tid>[/file]: + tid * 8 + kind */
#define PROC_PID_INO 0x300000000ull  /* /proc/<pid>[/entry]: + pid * 32 + kind */
#define PROC_PID_END 0x400000000ull

/* struct pent and struct pdir, the table types: fs/pseudo.h */

extern struct inode *proc_root;
extern const struct pent pid_ents[]; /* the entries of every /proc/<pid> */
extern const size_t pid_nents;
extern struct pdir fd_pdir, task_pdir, pid_pdir;

/* fs/pseudo.c */
struct inode *proc_inode(unsigned mode, void *priv);
bool is_pid_dir(struct inode *ino);
ssize_t sbuf_read_out(struct sbuf *sb, void *buf, size_t n, uint64_t off, bool user);

/* fs/procpid.c */
struct proc *proc_of(struct inode *ino); /* the process of a /proc/<pid> inode or below */
void fd_target(struct proc *p, int fd, struct sbuf *sb);
int root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
int root_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);
/* /proc/<pid>/fd is its own process's whoever owns it (an undumpable
 * process's is root's): 0 there, else -EACCES. */
int proc_fd_permission(struct inode *ino, int mask);

#endif
