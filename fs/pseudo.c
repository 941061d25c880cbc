/* pseudo.c: the files that are not stored anywhere: the devices in /dev
 * (null, zero, full, random, urandom, tty, console, ptmx, the std* links,
 * devpts at /dev/pts: fs/pty.c), /proc
 * (self, one /proc/<pid>/{exe,cwd,root,fd/N,task/<tid>,cmdline,environ,
 * comm,maps,stat,status,auxv} per process, meminfo, cpuinfo, stat, uptime,
 * /proc/sys/..., /proc/net/snmp)
 * and /sys (its tree: fs/sysfs.c). A generated file is one function that
 * appends its contents to a struct sbuf (fs/pseudo.h; the figures are made
 * in fs/procinfo.c, the network's in net/snmp.c) plus one line in a table
 * below. */
#include "fs/vfs.h"
#include "fs/pseudo.h"
#include "fs/tty.h"
#include "fs/mount.h"
#include "fs/minifs/minifs.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "net/stack.h"

#define PROC_DEV     0x4u                 /* st_dev of /proc */
#define PROC_FD_INO  0x100000000ull       /* st_ino of /proc/<pid>/fd/N: + N */
#define PROC_TASK_INO 0x200000000ull      /* /proc/<pid>/task/<tid>[/file]: + tid * 8 + kind */
#define PROC_PID_INO 0x300000000ull       /* /proc/<pid>[/entry]: + pid * 32 + kind */
#define PROC_PID_END 0x400000000ull
#define MKDEV(ma, mi) (((uint64_t)(ma) << 8) | (uint64_t)(mi))

/* ---- a growing text buffer for generated files (fs/pseudo.h) */

void sb_add(struct sbuf *sb, const void *p, size_t n)
{
	if (sb->oom)
		return;
	if (sb->len + n > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;
		while (cap < sb->len + n)
			cap *= 2;
		char *b = krealloc(sb->buf, cap);
		if (!b) {
			sb->oom = true;
			return;
		}
		sb->buf = b;
		sb->cap = cap;
	}
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
}

void sb_str(struct sbuf *sb, const char *s)
{
	if (s)
		sb_add(sb, s, strlen(s));
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sb_add(sb, small, (size_t)n);
		return;
	}
	char *big = kmalloc((size_t)n + 1);
	if (!big) {
		sb->oom = true;
		return;
	}
	va_start(ap, fmt);
	kvsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(sb, big, (size_t)n);
	kfree(big);
}

/* ---- devices */

static ssize_t null_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	return 0;
}

static ssize_t sink_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	return (ssize_t)n;
}

static ssize_t full_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	return -ENOSPC;
}

/* A fault part way gives the bytes before it, as Linux. */
static ssize_t zero_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	if (!user) {
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	size_t c = clear_user_partial(buf, n);
	return c ? (ssize_t)c : -EFAULT;
}

static ssize_t random_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	uint8_t tmp[256];
	for (size_t done = 0; done < n;) {
		size_t k = MIN(n - done, sizeof(tmp));
		random_bytes(tmp, k);
		size_t c = xcopy_out_partial((uint8_t *)buf + done, tmp, k, user);
		done += c;
		if (c < k)
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)n;
}

static const struct file_ops null_fops = { .read = null_read, .write = sink_write, .flags = FOP_SEEK0 };
static const struct file_ops zero_fops = { .read = zero_read, .write = sink_write,
					   .flags = FOP_SEEK0 | FOP_MMAP_ANON };
static const struct file_ops full_fops = { .read = zero_read, .write = full_write, .flags = FOP_SEEK0 };
static const struct file_ops random_fops = { .read = random_read, .write = sink_write, .flags = FOP_SEEK0 };

static const struct {
	const char *name;
	unsigned mode;
	uint64_t rdev;
	const struct file_ops *fops;
} devices[] = {
	{ "null",    S_IFCHR | 0666, MKDEV(1, 3), &null_fops },
	{ "zero",    S_IFCHR | 0666, MKDEV(1, 5), &zero_fops },
	{ "full",    S_IFCHR | 0666, MKDEV(1, 7), &full_fops },
	{ "random",  S_IFCHR | 0666, MKDEV(1, 8), &random_fops },
	{ "urandom", S_IFCHR | 0666, MKDEV(1, 9), &random_fops },
	{ "tty",     S_IFCHR | 0666, MKDEV(5, 0), &console_fops },
	{ "console", S_IFCHR | 0600, MKDEV(5, 1), &console_fops },
	{ "ptmx",    S_IFCHR | 0666, MKDEV(5, 2), &ptmx_fops },
};

static const struct { const char *name, *target; } dev_links[] = {
	{ "/dev/stdin",  "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" },
	{ "/dev/stderr", "/proc/self/fd/2" },
	{ "/dev/fd",     "/proc/self/fd" },
};

/* ---- /proc */

/* One static entry: a generated file or symlink (gen makes its contents
 * or target), or a directory (dir describes its entries). */
static struct inode *proc_root;

static void gen_self(struct sbuf *sb) { sb_printf(sb, "%d", current ? current->pid : 1); }

/* A zombie has no memory, so no exe, cmdline or environ (as Linux). */
static void gen_exe(struct sbuf *sb, struct proc *p)
{
	if (p->state == P_ALIVE && p->exe_path)
		sb_str(sb, p->exe_path);
}

static void gen_root(struct sbuf *sb, struct proc *p)
{
	if (p->state == P_ALIVE)
		sb_str(sb, "/");
}

static void gen_cwd(struct sbuf *sb, struct proc *p)
{
	char *path = kmalloc(PATH_MAX);
	if (path && p->fs && p->fs->cwd && inode_path(p->fs->cwd, path, PATH_MAX) >= 0)
		sb_str(sb, path);
	kfree(path);
}

static void gen_cmdline(struct sbuf *sb, struct proc *p)
{
	if (p->state == P_ALIVE && p->cmdline)
		sb_add(sb, p->cmdline, p->cmdline_len);
}

static void gen_environ(struct sbuf *sb, struct proc *p)
{
	if (p->state == P_ALIVE && p->environ)
		sb_add(sb, p->environ, p->environ_len);
}

static void gen_uptime(struct sbuf *sb)
{
	uint64_t cs = time_ns() / 10000000;
	sb_printf(sb, "%lu.%02lu 0.00\n", (unsigned long)(cs / 100), (unsigned long)(cs % 100));
}

static void gen_version(struct sbuf *sb)
{
	sb_str(sb, "htux version 0.1.0 (a unikernel running one Linux program)\n");
}

static void gen_mounts(struct sbuf *sb)
{
	sb_str(sb, "rootfs / rootfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\n");
	mounts_gen(sb);
}

static void gen_filesystems(struct sbuf *sb)
{
	sb_str(sb, "nodev\trootfs\nnodev\tproc\n\text2\n");
}

static int fd_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int fd_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);
static int root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int root_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);

static int task_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int task_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);
static int tidf_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int tidf_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);

static struct pdir fd_pdir = { .lookup_more = fd_lookup, .readdir_more = fd_readdir };
static struct pdir task_pdir = { .lookup_more = task_lookup, .readdir_more = task_readdir };
static struct pdir tid_pdir = { .lookup_more = tidf_lookup, .readdir_more = tidf_readdir };

/* The entries of every /proc/<pid>; their inodes are made on demand
 * (pid_lookup) with numbers PROC_PID_INO + pid * 32 + 1 + index. */
static const struct pent pid_ents[] = {
	{ "exe",     S_IFLNK | 0777, NULL,       NULL,       gen_exe },
	{ "cwd",     S_IFLNK | 0777, NULL,       NULL,       gen_cwd },
	{ "root",    S_IFLNK | 0777, NULL,       NULL,       gen_root },
	{ "fd",      S_IFDIR | 0500, NULL,       &fd_pdir,   NULL },
	{ "task",    S_IFDIR | 0555, NULL,       &task_pdir, NULL },
	{ "cmdline", S_IFREG | 0444, NULL,       NULL,       gen_cmdline },
	{ "environ", S_IFREG | 0400, NULL,       NULL,       gen_environ },
	{ "comm",    S_IFREG | 0644, NULL,       NULL,       gen_pid_comm },
	{ "mounts",  S_IFREG | 0444, gen_mounts, NULL,       NULL },
	{ "maps",    S_IFREG | 0444, NULL,       NULL,       gen_pid_maps },
	{ "stat",    S_IFREG | 0444, NULL,       NULL,       gen_pid_stat },
	{ "status",  S_IFREG | 0444, NULL,       NULL,       gen_pid_status },
	{ "auxv",    S_IFREG | 0400, NULL,       NULL,       gen_pid_auxv },
};
static int pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
static int pid_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx);
static struct pdir pid_pdir = { .lookup_more = pid_lookup, .readdir_more = pid_readdir };

/* /proc/sys: the sysctl values a program may read */
static const struct pent sysk_ents[] = {
	{ "ostype",      S_IFREG | 0444, gen_sys_ostype,      NULL, NULL },
	{ "osrelease",   S_IFREG | 0444, gen_sys_osrelease,   NULL, NULL },
	{ "version",     S_IFREG | 0444, gen_sys_version,     NULL, NULL },
	{ "hostname",    S_IFREG | 0444, gen_sys_hostname,    NULL, NULL },
	{ "domainname",  S_IFREG | 0444, gen_sys_domainname,  NULL, NULL },
	{ "pid_max",     S_IFREG | 0444, gen_sys_pid_max,     NULL, NULL },
	{ "threads-max", S_IFREG | 0444, gen_sys_threads_max, NULL, NULL },
	{ "ngroups_max", S_IFREG | 0444, gen_sys_ngroups_max, NULL, NULL },
};
static struct pdir sysk_pdir = { .ents = sysk_ents, .n = ARRAY_SIZE(sysk_ents) };
static const struct pent sysvm_ents[] = {
	{ "overcommit_memory", S_IFREG | 0444, gen_sys_overcommit, NULL, NULL },
};
static struct pdir sysvm_pdir = { .ents = sysvm_ents, .n = ARRAY_SIZE(sysvm_ents) };
static const struct pent sys_ents[] = {
	{ "kernel", S_IFDIR | 0555, NULL, &sysk_pdir, NULL },
	{ "vm",     S_IFDIR | 0555, NULL, &sysvm_pdir, NULL },
};
static struct pdir sys_pdir = { .ents = sys_ents, .n = ARRAY_SIZE(sys_ents) };

/* /proc/net: the network stack's counters (net/snmp.c) */
static const struct pent net_ents[] = {
	{ "snmp", S_IFREG | 0444, net_gen_snmp, NULL, NULL },
};
static struct pdir net_pdir = { .ents = net_ents, .n = ARRAY_SIZE(net_ents) };

static const struct pent root_ents[] = {
	{ "self",        S_IFLNK | 0777, gen_self,        NULL, NULL },
	{ "uptime",      S_IFREG | 0444, gen_uptime,      NULL, NULL },
	{ "version",     S_IFREG | 0444, gen_version,     NULL, NULL },
	{ "mounts",      S_IFREG | 0444, gen_mounts,      NULL, NULL },
	{ "filesystems", S_IFREG | 0444, gen_filesystems, NULL, NULL },
	{ "meminfo",     S_IFREG | 0444, gen_meminfo,     NULL, NULL },
	{ "cpuinfo",     S_IFREG | 0444, gen_cpuinfo,     NULL, NULL },
	{ "stat",        S_IFREG | 0444, gen_stat,        NULL, NULL },
	{ "sys",         S_IFDIR | 0555, NULL,            &sys_pdir, NULL },
	{ "net",         S_IFDIR | 0555, NULL,            &net_pdir, NULL },
};
static struct pdir root_pdir = { .ents = root_ents, .n = ARRAY_SIZE(root_ents),
				 .lookup_more = root_lookup, .readdir_more = root_readdir };

static const struct inode_ops proc_iops;
static const struct file_ops proc_gen_fops;
static const struct file_ops proc_dir_fops = { .read = NULL };

static struct inode *proc_inode(unsigned mode, void *priv)
{
	struct inode *ino = kzalloc(sizeof(*ino));
	if (!ino)
		return NULL;
	inode_init(ino, mode, PROC_DEV);
	ino->ops = &proc_iops;
	ino->fops = S_ISDIR(mode) ? &proc_dir_fops : S_ISREG(mode) ? &proc_gen_fops : NULL;
	ino->priv = priv;
	if (S_ISDIR(mode))
		ino->nlink = 2;
	return ino;
}

/* Makes the inodes of a directory's static entries; they live forever. */
static int pdir_build(struct inode *dir, struct pdir *pd)
{
	pd->inodes = kzalloc(sizeof(struct inode *) * (pd->n ? pd->n : 1));
	if (!pd->inodes)
		return -ENOMEM;
	for (size_t i = 0; i < pd->n; i++) {
		const struct pent *pe = &pd->ents[i];
		struct inode *ino = proc_inode(pe->mode, pe->dir ? (void *)pe->dir : (void *)pe);
		if (!ino)
			return -ENOMEM;
		ino->refs = 1;
		ino->name = (char *)pe->name;
		ino->parent = dir;
		if (S_ISDIR(pe->mode)) {
			dir->nlink++;
			int e = pdir_build(ino, pe->dir);
			if (e)
				return e;
		}
		pd->inodes[i] = ino;
	}
	return 0;
}

static struct pdir *pdir_of(struct inode *dir) { return dir->priv; }

static struct proc *proc_of(struct inode *ino);

/* Generated files and symlinks: priv is their struct pent. */
static void gen_contents(struct inode *ino, struct sbuf *sb)
{
	const struct pent *pe = ino->priv;
	struct proc *p;
	if (pe && pe->gen)
		pe->gen(sb);
	else if (pe && pe->pgen && (p = proc_of(ino)))
		pe->pgen(sb, p);
}

static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct pdir *pd = pdir_of(dir);
	for (size_t i = 0; i < pd->n; i++)
		if (strncmp(pd->ents[i].name, name, len) == 0 && pd->ents[i].name[len] == 0) {
			*out = inode_get(pd->inodes[i]);
			return 0;
		}
	return pd->lookup_more ? pd->lookup_more(dir, name, len, out) : -ENOENT;
}

static int proc_readdir(struct inode *dir, uint64_t *pos, dir_emit_t emit, void *ctx)
{
	struct pdir *pd = pdir_of(dir);
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, IFTODT(S_IFDIR), 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		struct inode *p = dir->parent ? dir->parent : dir;
		if (emit(ctx, "..", 2, p->ino, IFTODT(S_IFDIR), 2))
			return 0;
		*pos = 2;
	}
	for (; *pos < 2 + pd->n; ++*pos) {
		struct inode *i = pd->inodes[*pos - 2];
		if (emit(ctx, i->name, strlen(i->name), i->ino, IFTODT(i->mode), *pos + 1))
			return 0;
	}
	return pd->readdir_more ? pd->readdir_more(dir, pos, 2 + pd->n, emit, ctx) : 0;
}

static ssize_t proc_readlink(struct inode *ino, char *buf, size_t n);

static bool is_pid_dir(struct inode *ino)
{
	return ino->ino >= PROC_PID_INO && ino->ino < PROC_PID_END && (ino->ino - PROC_PID_INO) % 32 == 0;
}

static void proc_evict(struct inode *ino)
{
	/* only the made-on-demand inodes (/proc/<pid> and below) go; each
	 * holds its directory */
	struct inode *parent = ino->parent;
	if (is_pid_dir(ino))
		kfree(ino->name);
	kfree(ino);
	inode_put(parent);
}

static const struct inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readdir = proc_readdir,
	.readlink = proc_readlink,
	.evict = proc_evict,
};

/* Reads [off, off+n) of generated text into buf and frees the text. */
static ssize_t sbuf_read_out(struct sbuf *sb, void *buf, size_t n, uint64_t off, bool user)
{
	ssize_t r = 0;
	if (sb->oom)
		r = -ENOMEM;
	else if (off < sb->len) {
		r = (ssize_t)MIN(n, sb->len - off);
		if (xcopy_out(buf, sb->buf + off, (size_t)r, user))
			r = -EFAULT;
	}
	kfree(sb->buf);
	return r;
}

static ssize_t proc_gen_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	struct sbuf sb = { 0 };
	gen_contents(f->ino, &sb);
	return sbuf_read_out(&sb, buf, n, off, user);
}

static const struct file_ops proc_gen_fops = { .read = proc_gen_read };

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

static struct proc *proc_of(struct inode *ino)
{
	for (; ino && ino != proc_root; ino = ino->parent)
		if (is_pid_dir(ino))
			return proc_by_id((int)((ino->ino - PROC_PID_INO) / 32));
	return NULL;
}

static int parse_num(const char *name, size_t len);

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

static int root_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
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
	struct inode *ino = od_inode(dir, S_IFDIR | 0555, &pid_pdir, PROC_PID_INO + (uint64_t)pid * 32);
	if (!ino) {
		kfree(nm);
		return -ENOMEM;
	}
	ino->name = nm;
	ino->uid = (unsigned)p->euid;
	ino->gid = (unsigned)p->egid;
	*out = ino;
	return 0;
}

/* Processes in the order of their ids; *pos - base is the last id shown. */
static int root_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	for (;;) {
		int last = (int)(*pos - base), next = 0;
		for (struct proc *p = all_procs; p; p = p->all_next)
			if (p->pid > last && (!next || p->pid < next))
				next = p->pid;
		if (!next)
			return 0;
		char name[16];
		int n = ksnprintf(name, sizeof(name), "%d", next);
		if (emit(ctx, name, (size_t)n, PROC_PID_INO + (uint64_t)next * 32, IFTODT(S_IFDIR),
			 base + (uint64_t)next))
			return 0;
		*pos = base + (uint64_t)next;
	}
}

static int pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	for (size_t i = 0; i < ARRAY_SIZE(pid_ents); i++) {
		const struct pent *pe = &pid_ents[i];
		if (strncmp(pe->name, name, len) || pe->name[len])
			continue;
		struct inode *ino = od_inode(dir, pe->mode, pe->dir ? (void *)pe->dir : (void *)pe,
					     dir->ino + 1 + i);
		if (!ino)
			return -ENOMEM;
		ino->name = (char *)pe->name;
		ino->uid = dir->uid;
		ino->gid = dir->gid;
		*out = ino;
		return 0;
	}
	return -ENOENT;
}

static int pid_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	for (; *pos - base < ARRAY_SIZE(pid_ents); ++*pos) {
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
	case TASK_COMM:
		gen_pid_comm(&sb, p);
		break;
	case TASK_STAT:
		gen_task_stat(&sb, p, tid);
		break;
	case TASK_STATUS:
		gen_task_status(&sb, p, tid);
		break;
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

/* Threads in the order of their ids; *pos - base is the last id shown. */
static int task_readdir(struct inode *dir, uint64_t *pos, uint64_t base, dir_emit_t emit, void *ctx)
{
	struct proc *p = proc_of(dir);
	for (;;) {
		int last = (int)(*pos - base), next = 0;
		for (struct thread *t = all_threads; t; t = t->all_next)
			if (p && t->proc == p && t->state != T_DEAD && t->tid > last &&
			    (!next || t->tid < next))
				next = t->tid;
		if (!next)
			return 0;
		char name[16];
		int n = ksnprintf(name, sizeof(name), "%d", next);
		if (emit(ctx, name, (size_t)n, PROC_TASK_INO + (uint64_t)next * 8, IFTODT(S_IFDIR),
			 base + (uint64_t)next))
			return 0;
		*pos = base + (uint64_t)next;
	}
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
static void fd_target(struct proc *p, int fd, struct sbuf *sb)
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

static ssize_t proc_readlink(struct inode *ino, char *buf, size_t n)
{
	struct sbuf sb = { 0 };
	if (ino->ino >= PROC_FD_INO && ino->ino < PROC_TASK_INO)
		fd_target(proc_of(ino), (int)(uintptr_t)ino->priv, &sb);
	else
		gen_contents(ino, &sb);
	if (sb.oom) {
		kfree(sb.buf);
		return -ENOMEM;
	}
	if (sb.len == 0) {
		kfree(sb.buf);
		return -ENOENT;
	}
	memcpy(buf, sb.buf, MIN(n, sb.len));
	kfree(sb.buf);
	return (ssize_t)sb.len;
}

/* ---- setting up /dev and /proc */

static int make_dir(const char *path, unsigned mode)
{
	int e = vfs_mkdirat(AT_FDCWD, path, 0777);
	if (e == -EEXIST)
		return 0;
	struct inode *ino;
	if (!e && (e = vfs_lookupat(AT_FDCWD, path, 0, &ino)) == 0) {
		vfs_chmod(ino, mode);
		inode_put(ino);
	}
	return e;
}

int pseudo_init(struct inode *root)
{
	struct inode *dev;
	/* /dev, /proc, /sys: an empty directory from the image gives way, and
	 * anything else there is shadowed (minifs_shadow) */
	int e = vfs_unlinkat(AT_FDCWD, "/dev", true);
	if (e == -ENOTEMPTY || e == -ENOTDIR)
		minifs_shadow(root, "dev");
	e = make_dir("/dev", 0755);
	if (!e)
		e = vfs_lookupat(AT_FDCWD, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dev);
	if (e) {
		kprintf("htux: cannot make /dev (error %d)\n", -e);
		return e;
	}
	for (size_t i = 0; i < ARRAY_SIZE(devices) && !e; i++) {
		e = minifs_mknod(dev, devices[i].name, devices[i].mode, devices[i].rdev,
				 devices[i].fops, NULL, NULL);
		if (e == -EEXIST)
			e = 0;
	}
	if (!e) {   /* devpts: the slaves of /dev/ptmx's pseudo-terminals */
		struct inode *pts = devpts_root(dev);
		e = pts ? minifs_attach(dev, "pts", pts) : -ENOMEM;
	}
	inode_put(dev);
	for (size_t i = 0; i < ARRAY_SIZE(dev_links) && !e; i++) {
		e = vfs_symlinkat(dev_links[i].target, AT_FDCWD, dev_links[i].name);
		if (e == -EEXIST)
			e = 0;
	}
	if (!e)
		e = make_dir("/dev/shm", 01777);
	if (e) {
		kprintf("htux: cannot fill /dev (error %d)\n", -e);
		return e;
	}

	e = vfs_unlinkat(AT_FDCWD, "/proc", true);
	if (e == -ENOTEMPTY || e == -ENOTDIR)
		minifs_shadow(root, "proc");
	proc_root = proc_inode(S_IFDIR | 0555, &root_pdir);
	if (!proc_root)
		return -ENOMEM;
	proc_root->refs = 1;
	e = pdir_build(proc_root, &root_pdir);
	if (!e)
		e = minifs_attach(root, "proc", proc_root);
	if (e) {
		kprintf("htux: cannot make /proc (error %d)\n", -e);
		return e;
	}

	e = vfs_unlinkat(AT_FDCWD, "/sys", true);
	if (e == -ENOTEMPTY || e == -ENOTDIR)
		minifs_shadow(root, "sys");
	struct inode *sys_root = proc_inode(S_IFDIR | 0555, &sysfs_pdir);
	if (!sys_root)
		return -ENOMEM;
	sys_root->refs = 1;
	e = pdir_build(sys_root, &sysfs_pdir);
	if (!e)
		e = minifs_attach(root, "sys", sys_root);
	if (e)
		kprintf("htux: cannot make /sys (error %d)\n", -e);
	return e;
}
