/* pseudo.c: the generated files of /proc (self, uptime, version, mounts,
 * meminfo, cpuinfo, stat, /proc/sys/..., /proc/net/snmp, the entries of
 * /proc/<pid>, /proc/sysvipc; /sys's tree is fs/sysfs.c): a growing text buffer for
 * their contents, the directories' inodes and operations, and setting up
 * /dev, /proc and /sys at boot. A generated file is one function that
 * appends its contents to a struct sbuf (fs/pseudo.h; the figures are made
 * in fs/procinfo.c, the network's in net/snmp.c) plus one line in a table
 * below. The devices of /dev are fs/devices.c's; the directories made on
 * demand under /proc (<pid>, fd, task) fs/procpid.c's. */
#include "fs/vfs.h"
#include "fs/pseudo.h"
#include "fs/mount.h"
#include "fs/minifs/minifs.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "net/stack.h"
#include "net/socket.h"
#include "kernel/ipc/ipc.h"
#include "fs/mqueue.h"
#include "kernel/userfaultfd.h"
#include "fs/pipe.h"

#include "fs/procfs.h"

bool pseudo_magiclink(struct inode *ino)
{
	return ino->dev == PROC_DEV && S_ISLNK(ino->mode) && ino->ino >= PROC_FD_INO &&
	       ino->ino < PROC_PID_END;
}

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

/* ---- /proc */

struct inode *proc_root;

static void gen_self(struct sbuf *sb) { sb_printf(sb, "%d", current ? current->pid : 1); }

/* A zombie has no memory, so no exe, cmdline or environ (as Linux). */
static void gen_exe(struct sbuf *sb, struct proc *p)
{
	if (p->state == P_ALIVE && p->exe_path)
		sb_str(sb, p->exe_path);
}

static void gen_root(struct sbuf *sb, struct proc *p)
{
	char *path = kmalloc(PATH_MAX);
	if (path && p->state == P_ALIVE && p->fs && p->fs->root &&
	    inode_path(p->fs->root, path, PATH_MAX) >= 0)
		sb_str(sb, path);
	kfree(path);
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
	if (!mounts_gen_root(sb))
		sb_str(sb, "rootfs / rootfs rw 0 0\n");
	sb_str(sb, "proc /proc proc rw,nosuid,nodev,noexec 0 0\n"
		   "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec 0 0\n");
	mounts_gen(sb);
}

/* The filesystem types, in registration order (/proc/filesystems and
 * sysfs(2) number them so); true: needs no device. */
static const struct {
	const char *name;
	bool nodev;
} fs_types[] = { { "rootfs", true }, { "proc", true }, { "mqueue", true }, { "ext2", false } };

const char *fs_type_name(unsigned index)
{
	return index < ARRAY_SIZE(fs_types) ? fs_types[index].name : NULL;
}

static void gen_filesystems(struct sbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		sb_printf(sb, "%s\t%s\n", fs_types[i].nodev ? "nodev" : "", fs_types[i].name);
}

/* The entries of every /proc/<pid>; their inodes are made on demand
 * (pid_lookup) with numbers PROC_PID_INO + pid * 32 + 1 + index. */
const struct pent pid_ents[] = {
	{ "exe", S_IFLNK | 0777, NULL, NULL, gen_exe },
	{ "cwd", S_IFLNK | 0777, NULL, NULL, gen_cwd },
	{ "root", S_IFLNK | 0777, NULL, NULL, gen_root },
	{ "fd", S_IFDIR | 0500, NULL, &fd_pdir, NULL },
	{ "task", S_IFDIR | 0555, NULL, &task_pdir, NULL },
	{ "cmdline", S_IFREG | 0444, NULL, NULL, gen_cmdline },
	{ "environ", S_IFREG | 0400, NULL, NULL, gen_environ },
	{ "comm", S_IFREG | 0644, NULL, NULL, gen_pid_comm },
	{ "mounts", S_IFREG | 0444, gen_mounts, NULL, NULL },
	{ "maps", S_IFREG | 0444, NULL, NULL, gen_pid_maps },
	{ "stat", S_IFREG | 0444, NULL, NULL, gen_pid_stat },
	{ "status", S_IFREG | 0444, NULL, NULL, gen_pid_status },
	{ "auxv", S_IFREG | 0400, NULL, NULL, gen_pid_auxv },
};
const size_t pid_nents = ARRAY_SIZE(pid_ents);

/* /proc/sys: the sysctl values a program may read */
static const struct pent sysk_ents[] = {
	{ "ostype", S_IFREG | 0444, gen_sys_ostype, NULL, NULL },
	{ "osrelease", S_IFREG | 0444, gen_sys_osrelease, NULL, NULL },
	{ "version", S_IFREG | 0444, gen_sys_version, NULL, NULL },
	{ "hostname", S_IFREG | 0444, gen_sys_hostname, NULL, NULL },
	{ "domainname", S_IFREG | 0444, gen_sys_domainname, NULL, NULL },
	{ "pid_max", S_IFREG | 0444, gen_sys_pid_max, NULL, NULL },
	{ "ctrl-alt-del", S_IFREG | 0444, gen_sys_ctrl_alt_del, NULL, NULL },
	{ "threads-max", S_IFREG | 0444, gen_sys_threads_max, NULL, NULL },
	{ "ngroups_max", S_IFREG | 0444, gen_sys_ngroups_max, NULL, NULL },
	{ "shmmax", S_IFREG | 0444, gen_sys_shmmax, NULL, NULL }, /* kernel/ipc/ */
	{ "shmall", S_IFREG | 0444, gen_sys_shmall, NULL, NULL },
	{ "shmmni", S_IFREG | 0444, gen_sys_shmmni, NULL, NULL },
	{ "sem", S_IFREG | 0444, gen_sys_sem, NULL, NULL },
	{ "msgmax", S_IFREG | 0444, gen_sys_msgmax, NULL, NULL },
	{ "msgmnb", S_IFREG | 0444, gen_sys_msgmnb, NULL, NULL },
	{ "msgmni", S_IFREG | 0444, gen_sys_msgmni, NULL, NULL },
};
static struct pdir sysk_pdir = { .ents = sysk_ents, .n = ARRAY_SIZE(sysk_ents) };
static const struct pent sysvm_ents[] = {
	{ "overcommit_memory", S_IFREG | 0444, gen_sys_overcommit, NULL, NULL },
	{ "unprivileged_userfaultfd", S_IFREG | 0444, gen_sys_unpriv_uffd, NULL, NULL },
};
static struct pdir sysvm_pdir = { .ents = sysvm_ents, .n = ARRAY_SIZE(sysvm_ents) };
static const struct pent sysmq_ents[] = {
	/* fs/mqueue.c */
	{ "msg_default", S_IFREG | 0444, gen_mq_msg_default, NULL, NULL },
	{ "msg_max", S_IFREG | 0444, gen_mq_msg_max, NULL, NULL },
	{ "msgsize_default", S_IFREG | 0444, gen_mq_msgsize_default, NULL, NULL },
	{ "msgsize_max", S_IFREG | 0444, gen_mq_msgsize_max, NULL, NULL },
	{ "queues_max", S_IFREG | 0444, gen_mq_queues_max, NULL, NULL },
};
static struct pdir sysmq_pdir = { .ents = sysmq_ents, .n = ARRAY_SIZE(sysmq_ents) };
static const struct pent sysin_ents[] = {
	{ "max_queued_events", S_IFREG | 0444, gen_inotify_max_queued, NULL, NULL },
	{ "max_user_instances", S_IFREG | 0444, gen_inotify_max_instances, NULL, NULL },
	{ "max_user_watches", S_IFREG | 0444, gen_inotify_max_watches, NULL, NULL },
};
static struct pdir sysin_pdir = { .ents = sysin_ents, .n = ARRAY_SIZE(sysin_ents) };
static const struct pent sysfs_dir_ents[] = {
	/* fs/fd.c */
	{ "file-max", S_IFREG | 0444, gen_file_max, NULL, NULL },
	{ "file-nr", S_IFREG | 0444, gen_file_nr, NULL, NULL },
	{ "inotify", S_IFDIR | 0555, NULL, &sysin_pdir, NULL },
	{ "mqueue", S_IFDIR | 0555, NULL, &sysmq_pdir, NULL },
	/* fs/pipe.c */
	{ "pipe-max-size", S_IFREG | 0444, gen_pipe_max_size, NULL, NULL },
	{ "pipe-user-pages-hard", S_IFREG | 0444, gen_pipe_user_hard, NULL, NULL },
	{ "pipe-user-pages-soft", S_IFREG | 0444, gen_pipe_user_soft, NULL, NULL },
};
static struct pdir sysfsd_pdir = { .ents = sysfs_dir_ents, .n = ARRAY_SIZE(sysfs_dir_ents) };
static const struct pent sysipv4_ents[] = {
	/* net/sockmem.c: one limit for all socket buffers */
	{ "tcp_mem", S_IFREG | 0444, sockmem_gen, NULL, NULL },
	{ "udp_mem", S_IFREG | 0444, sockmem_gen, NULL, NULL },
};
static struct pdir sysipv4_pdir = { .ents = sysipv4_ents, .n = ARRAY_SIZE(sysipv4_ents) };
static const struct pent sysnet_ents[] = {
	{ "ipv4", S_IFDIR | 0555, NULL, &sysipv4_pdir, NULL },
};
static struct pdir sysnet_pdir = { .ents = sysnet_ents, .n = ARRAY_SIZE(sysnet_ents) };
static const struct pent sys_ents[] = {
	{ "fs", S_IFDIR | 0555, NULL, &sysfsd_pdir, NULL },
	{ "kernel", S_IFDIR | 0555, NULL, &sysk_pdir, NULL },
	{ "net", S_IFDIR | 0555, NULL, &sysnet_pdir, NULL },
	{ "vm", S_IFDIR | 0555, NULL, &sysvm_pdir, NULL },
};
static struct pdir sys_pdir = { .ents = sys_ents, .n = ARRAY_SIZE(sys_ents) };

/* /proc/sysvipc: System V IPC objects (kernel/ipc/) */
static const struct pent sysvipc_ents[] = {
	{ "shm", S_IFREG | 0444, gen_sysvipc_shm, NULL, NULL },
	{ "sem", S_IFREG | 0444, gen_sysvipc_sem, NULL, NULL },
	{ "msg", S_IFREG | 0444, gen_sysvipc_msg, NULL, NULL },
};
static struct pdir sysvipc_pdir = { .ents = sysvipc_ents, .n = ARRAY_SIZE(sysvipc_ents) };

/* /proc/net: the network stack's counters (net/snmp.c) */
static const struct pent net_ents[] = {
	{ "snmp", S_IFREG | 0444, net_gen_snmp, NULL, NULL },
};
static struct pdir net_pdir = { .ents = net_ents, .n = ARRAY_SIZE(net_ents) };

static const struct pent root_ents[] = {
	{ "self", S_IFLNK | 0777, gen_self, NULL, NULL },
	{ "uptime", S_IFREG | 0444, gen_uptime, NULL, NULL },
	{ "version", S_IFREG | 0444, gen_version, NULL, NULL },
	{ "mounts", S_IFREG | 0444, gen_mounts, NULL, NULL },
	{ "filesystems", S_IFREG | 0444, gen_filesystems, NULL, NULL },
	{ "meminfo", S_IFREG | 0444, gen_meminfo, NULL, NULL },
	{ "cpuinfo", S_IFREG | 0444, gen_cpuinfo, NULL, NULL },
	{ "stat", S_IFREG | 0444, gen_stat, NULL, NULL },
	{ "sys", S_IFDIR | 0555, NULL, &sys_pdir, NULL },
	{ "net", S_IFDIR | 0555, NULL, &net_pdir, NULL },
	{ "sysvipc", S_IFDIR | 0555, NULL, &sysvipc_pdir, NULL },
};
static struct pdir root_pdir = { .ents = root_ents,
				 .n = ARRAY_SIZE(root_ents),
				 .lookup_more = root_lookup,
				 .readdir_more = root_readdir };

static const struct inode_ops proc_iops;
static const struct file_ops proc_gen_fops;
static const struct file_ops proc_dir_fops = { .read = NULL };

struct inode *proc_inode(unsigned mode, void *priv)
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

const struct pent *pseudo_gen_ent;

/* Generated files and symlinks: priv is their struct pent. */
static void gen_contents(struct inode *ino, struct sbuf *sb)
{
	const struct pent *pe = ino->priv;
	struct proc *p;
	pseudo_gen_ent = pe;
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

bool is_pid_dir(struct inode *ino)
{
	return ino->ino >= PROC_PID_INO && ino->ino < PROC_PID_END &&
	       (ino->ino - PROC_PID_INO) % 32 == 0;
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
	.permission = proc_fd_permission,
};

/* Reads [off, off+n) of generated text into buf and frees the text. */
ssize_t sbuf_read_out(struct sbuf *sb, void *buf, size_t n, uint64_t off, bool user)
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

/* ---- setting up /proc and /sys */

int pseudo_init(struct inode *root)
{
	/* /dev, /proc, /sys: an empty directory from the image gives way, and
	 * anything else there is shadowed (minifs_shadow) */
	int e = vfs_unlinkat(AT_FDCWD, "/dev", true);
	if (e == -ENOTEMPTY || e == -ENOTDIR)
		minifs_shadow(root, "dev");
	e = devices_init();
	if (e)
		return e;

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
	e = sysfs_init();
	if (!e)
		e = pdir_build(sys_root, &sysfs_pdir);
	if (!e)
		e = minifs_attach(root, "sys", sys_root);
	if (e)
		kprintf("htux: cannot make /sys (error %d)\n", -e);
	return e;
}
