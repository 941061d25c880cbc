/* pseudo.h: what the generated files of /proc and /sys share: a growing
 * text buffer, the generators that live outside fs/pseudo.c
 * (fs/procinfo.c: the system's and the process's figures), and the
 * static directory tables (fs/sysfs.c holds /sys's). */
#ifndef HTUX_PSEUDO_H
#define HTUX_PSEUDO_H

#include "fs/vfs.h"

struct proc;

struct sbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};

void sb_add(struct sbuf *sb, const void *p, size_t n);
void sb_str(struct sbuf *sb, const char *s);
__attribute__((format(printf, 2, 3))) void sb_printf(struct sbuf *sb, const char *fmt, ...);

/* fs/procinfo.c: one function per file. */
/* The name of filesystem type index (0 first, as /proc/filesystems
 * lists them; sysfs(2)), NULL past the last. */
const char *fs_type_name(unsigned index);
void gen_meminfo(struct sbuf *sb);
void gen_cpuinfo(struct sbuf *sb);
void gen_stat(struct sbuf *sb);
/* /proc/<pid>: the process p (alive or zombie) and its thread tid */
void gen_pid_maps(struct sbuf *sb, struct proc *p);
void gen_pid_stat(struct sbuf *sb, struct proc *p);
void gen_pid_status(struct sbuf *sb, struct proc *p);
void gen_pid_auxv(struct sbuf *sb, struct proc *p);
void gen_pid_comm(struct sbuf *sb, struct proc *p);
void gen_task_stat(struct sbuf *sb, struct proc *p, int tid);
void gen_task_status(struct sbuf *sb, struct proc *p, int tid);
void gen_sys_ostype(struct sbuf *sb);
void gen_sys_osrelease(struct sbuf *sb);
void gen_sys_version(struct sbuf *sb);
void gen_sys_hostname(struct sbuf *sb);
void gen_sys_domainname(struct sbuf *sb);
void gen_sys_pid_max(struct sbuf *sb);
void gen_sys_ctrl_alt_del(struct sbuf *sb);   /* reboot(2)'s CAD_ON/CAD_OFF */
void gen_inotify_max_queued(struct sbuf *sb); /* fs/inotify.c */
void gen_inotify_max_instances(struct sbuf *sb);
void gen_inotify_max_watches(struct sbuf *sb);
void gen_sys_threads_max(struct sbuf *sb);
void gen_sys_ngroups_max(struct sbuf *sb);
void gen_sys_overcommit(struct sbuf *sb);
void gen_file_max(struct sbuf *sb); /* fs/fd.c */
void gen_file_nr(struct sbuf *sb);
void gen_cpu_list(struct sbuf *sb);

/* A directory of /proc or /sys: static entries (a generated file, a
 * directory, or a /proc/<pid> file) plus, optionally, generated ones
 * (their positions follow the static entries). */
struct pdir;
struct pent {
	const char *name;
	unsigned mode;
	void (*gen)(struct sbuf *sb);
	struct pdir *dir;
	void (*pgen)(struct sbuf *sb, struct proc *p); /* /proc/<pid>: of that process */
};
/* The entry whose gen runs (a CPU's files in fs/sysfs.c share their gen). */
extern const struct pent *pseudo_gen_ent;

struct pdir {
	const struct pent *ents;
	size_t n;
	struct inode **inodes; /* made at init, one per entry */
	int (*lookup_more)(struct inode *dir, const char *name, size_t len, struct inode **out);
	int (*readdir_more)(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit,
			    void *ctx);
};

/* fs/sysfs.c: the tree of /sys; sysfs_init() makes its CPUs' entries
 * (before /sys is built: -ENOMEM). */
extern struct pdir sysfs_pdir;
int sysfs_init(void);

#endif
