/* procpid.c: the directories of /proc made on demand: /proc/<pid> (one
 * per process, alive or zombie, listed in /proc), its fd/N symlinks and
 * its task/<tid> directories with their comm, stat and status; their
 * inodes are freed at the last put. The static entries of /proc/<pid>
 * (pid_ents) are fs/pseudo.c's, as is the rest of /proc (fs/procfs.h). */
#include "fs/vfs.h"
#include "fs/pseudo.h"
#include "fs/procfs.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

static int fd_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int fd_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);

static int task_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int task_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit,
			void *ctx);
static int tidf_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int tidf_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit,
			void *ctx);

struct pdir fd_pdir = { .lookup_more = fd_lookup, .readdir_more = fd_readdir };
struct pdir task_pdir = { .lookup_more = task_lookup, .readdir_more = task_readdir };
static struct pdir tid_pdir = { .lookup_more = tidf_lookup, .readdir_more = tidf_readdir };
static int pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int pid_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);
struct pdir pid_pdir = { .lookup_more = pid_lookup, .readdir_more = pid_readdir };

/* /proc/<pid>: one directory per process, alive or zombie, made on
 * demand; the files under it find their process through it. A thread's
 * id names its process's directory too (not listed, as Linux). */
static struct proc *proc_by_id(int id)
{
	struct proc *p = id > 0 ? proc_find(id) : NULL;
	struct thread *t;
	if (!p && id > 0 && (t = thread_find(id)) && t->state != T_DEAD)
		p = t->proc;
	return p;
}

struct proc *proc_of(struct inode *ino)
{
	for (; ino && ino != proc_root; ino = ino->parent)
		if (is_pid_dir(ino))
			return proc_by_id((int)((ino->ino - PROC_PID_INO) / 32));
	return NULL;
}

static int parse_num(const char *name, size_t len);

/* As Linux's task_dump_owner: a process's files are its effective user's
 * and group's, but an undumpable process's are root's, save the world
 * readable directories (/proc/<pid> itself, task/<tid>). */
static void set_owner(struct inode *ino, struct proc *p)
{
	bool own = p && (p->set.dumpable || ino->mode == (S_IFDIR | 0555));
	ino->uid = own ? (unsigned)p->euid : 0;
	ino->gid = own ? (unsigned)p->egid : 0;
}

/* A made-on-demand inode under dir, which it holds. */
static struct inode *od_inode(struct inode *dir, unsigned mode, void *priv, uint64_t num)
{
	struct inode *ino = proc_inode(mode, priv);
	if (!ino)
		return NULL;
	ino->ino = num;
	ino->transient = true;
	ino->parent = inode_get(dir);
	return inode_get(ino);
}

int root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int pid = parse_num(name, len);
	struct proc *p = proc_by_id(pid);
	if (!p)
		return -ENOENT;
	char *nm = kmalloc(len + 1);
	if (!nm)
		return -ENOMEM;
	memcpy(nm, name, len);
	nm[len] = 0;
	struct inode *ino = od_inode(dir, S_IFDIR | 0555, &pid_pdir,
				     PROC_PID_INO + (uint64_t)pid * 32);
	if (!ino) {
		kfree(nm);
		return -ENOMEM;
	}
	ino->name = nm;
	set_owner(ino, p);
	*out = ino;
	return 0;
}

int proc_fd_permission(struct inode *ino, int mask)
{
	(void)mask;
	return ino->priv == &fd_pdir && current && proc_of(ino) == current ? 0 : -EACCES;
}

/* Numbered directories in the order of their ids: next_after(p, last)
 * gives the smallest id above last (0: none); *pos - base is the last id
 * shown; id's inode number is ino0 + id * step. */
static int ids_readdir(uint64_t *pos, uint64_t base, int (*next_after)(struct proc *p, int last),
		       struct proc *p, uint64_t ino0, uint64_t step, dir_emit_t emit, void *ctx)
{
	for (;;) {
		int next = next_after(p, (int)(*pos - base));
		if (!next)
			return 0;
		char name[16];
		int n = ksnprintf(name, sizeof(name), "%d", next);
		if (emit(ctx, name, (size_t)n, ino0 + (uint64_t)next * step, IFTODT(S_IFDIR),
			 base + (uint64_t)next))
			return 0;
		*pos = base + (uint64_t)next;
	}
}

static int next_pid(struct proc *none, int last)
{
	int next = 0;
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->pid > last && (!next || p->pid < next))
			next = p->pid;
	return next;
}

/* Processes in the order of their ids. */
int root_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	return ids_readdir(pos, base, next_pid, NULL, PROC_PID_INO, 32, emit, ctx);
}

static int pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	for (size_t i = 0; i < pid_nents; i++) {
		const struct pent *pe = &pid_ents[i];
		if (strncmp(pe->name, name, len) || pe->name[len])
			continue;
		struct inode *ino = od_inode(dir, pe->mode, pe->dir ? (void *)pe->dir : (void *)pe,
					     dir->ino + 1 + i);
		if (!ino)
			return -ENOMEM;
		ino->name = (char *)pe->name;
		set_owner(ino, proc_of(dir));
		*out = ino;
		return 0;
	}
	return -ENOENT;
}

static int pid_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	for (; *pos - base < pid_nents; ++*pos) {
		const struct pent *pe = &pid_ents[*pos - base];
		if (emit(ctx, pe->name, strlen(pe->name), dir->ino + 1 + (*pos - base),
			 IFTODT(pe->mode), *pos + 1))
			return 0;
	}
	return 0;
}

/* /proc/<pid>/fd/N: made on demand, freed at the last put */
static int fd_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int fd = 0;
	if (len == 0 || len > 4 || (len > 1 && name[0] == '0'))
		return -ENOENT;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -ENOENT;
		fd = fd * 10 + (name[i] - '0');
	}
	if (!fd_get_in(proc_of(dir), fd))
		return -ENOENT;
	struct inode *ino = od_inode(dir, S_IFLNK | 0700, (void *)(uintptr_t)fd,
				     PROC_FD_INO + (uint64_t)fd);
	if (!ino)
		return -ENOMEM;
	set_owner(ino, proc_of(dir));
	*out = ino;
	return 0;
}

static int fd_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	for (;;) {
		int fd = fd_next_open_in(proc_of(dir), (int)(*pos - base));
		if (fd < 0)
			return 0;
		char name[16];
		int n = ksnprintf(name, sizeof(name), "%d", fd);
		if (emit(ctx, name, (size_t)n, PROC_FD_INO + (uint64_t)fd, IFTODT(S_IFLNK),
			 base + (uint64_t)fd + 1))
			return 0;
		*pos = base + (uint64_t)fd + 1;
	}
}

/* /proc/<pid>/task/<tid>: one directory per thread, made on demand, with
 * the thread's comm, stat and status. Their inode numbers say which
 * thread and which file: PROC_TASK_INO + tid * 8 + kind. */
enum { TASK_DIR, TASK_COMM, TASK_STAT, TASK_STATUS, TASK_NFILES };
static const char *const task_files[TASK_NFILES] = { NULL, "comm", "stat", "status" };

static int task_of(struct inode *ino) { return (int)((ino->ino - PROC_TASK_INO) / 8); }

static ssize_t task_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct sbuf sb = { 0 };
	int tid = task_of(f->ino);
	struct proc *p = proc_of(f->ino);
	if (!p)
		return -ESRCH;
	switch ((f->ino->ino - PROC_TASK_INO) % 8) {
	case TASK_COMM: gen_pid_comm(&sb, p); break;
	case TASK_STAT: gen_task_stat(&sb, p, tid); break;
	case TASK_STATUS: gen_task_status(&sb, p, tid); break;
	}
	return sbuf_read_out(&sb, buf, n, off, user);
}

static const struct file_ops task_fops = { .read = task_read };

static int parse_num(const char *name, size_t len)
{
	int v = 0;
	if (len == 0 || len > 9 || (len > 1 && name[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

static int task_inode(struct inode *dir, int tid, int kind, struct inode **out)
{
	struct inode *ino = od_inode(dir, kind == TASK_DIR ? S_IFDIR | 0555 : S_IFREG | 0444,
				     kind == TASK_DIR ? (void *)&tid_pdir : NULL,
				     PROC_TASK_INO + (uint64_t)tid * 8 + (uint64_t)kind);
	if (!ino)
		return -ENOMEM;
	if (kind != TASK_DIR)
		ino->fops = &task_fops;
	set_owner(ino, proc_of(dir));
	*out = ino;
	return 0;
}

static int task_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int tid = parse_num(name, len);
	struct thread *t = tid > 0 ? thread_find(tid) : NULL;
	if (!t || t->proc != proc_of(dir) || t->state == T_DEAD)
		return -ENOENT;
	return task_inode(dir, tid, TASK_DIR, out);
}

static int next_tid(struct proc *p, int last)
{
	int next = 0;
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (p && t->proc == p && t->state != T_DEAD && t->tid > last &&
		    (!next || t->tid < next))
			next = t->tid;
	return next;
}

/* The process's threads in the order of their ids. */
static int task_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	return ids_readdir(pos, base, next_tid, proc_of(dir), PROC_TASK_INO, 8, emit, ctx);
}

static int tidf_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	for (int k = 1; k < TASK_NFILES; k++)
		if (strncmp(task_files[k], name, len) == 0 && task_files[k][len] == 0)
			return task_inode(dir, task_of(dir), k, out);
	return -ENOENT;
}

static int tidf_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	for (; *pos - base + 1 < TASK_NFILES; ++*pos) {
		int k = (int)(*pos - base) + 1;
		if (emit(ctx, task_files[k], strlen(task_files[k]), dir->ino + (uint64_t)k,
			 IFTODT(S_IFREG), *pos + 1))
			return 0;
	}
	return 0;
}

/* What /proc/<pid>/fd/N shows for an open file. */
void fd_target(struct proc *p, int fd, struct sbuf *sb)
{
	struct file *f = fd_get_in(p, fd);
	if (!f)
		return;
	struct inode *ino = f->ino;
	char *path = kmalloc(PATH_MAX);
	if (path && inode_path(ino, path, PATH_MAX) >= 0)
		sb_str(sb, path);
	else if (ino->name && ino->nlink == 0)
		sb_printf(sb, "/%s (deleted)", ino->name);
	else if (ino->name)
		sb_str(sb, ino->name);
	else
		sb_printf(sb, "anon_inode:[%lu]", (unsigned long)ino->ino);
	kfree(path);
}
