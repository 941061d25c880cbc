/* mount.c: the mount table: which directory of "/" each disk filesystem
 * covers; crossing into its root during lookup (".." leaves through the
 * root's parent, the covered directory's own); mounting at boot from the
 * command line, a disk as "/" itself (root=vdX: the RAM root's /dev,
 * /proc, /sys and /tmp then cover the disk's directories of those names);
 * /proc/mounts, sync(2) and unmounting when the VM ends. */
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/pseudo.h"
#include "fs/ext2/ext2.h"
#include "kernel/blkdev.h"

#define MOUNT_MAX 8
#define VIRTIO_BLK_MAJOR 254

struct mount {
	struct inode *covered; /* the directory of "/" (referenced) */
	struct ext2_fs *fs;
	char *path;
};

static struct mount mounts[MOUNT_MAX];
static int nmounts;
static struct ext2_fs *root_fs; /* root=: the disk that is "/", or NULL */

/* root=: the RAM root's directories covering the disk's of the same name */
static const char *const ram_dirs[] = { "dev", "proc", "sys", "tmp" };
static struct {
	struct inode *covered, *ram; /* both referenced */
} covers[ARRAY_SIZE(ram_dirs)];
static int ncovers;

struct inode *mount_cross(struct inode *ino)
{
	for (int i = 0; i < nmounts; i++)
		if (mounts[i].covered == ino) {
			inode_put(ino);
			return inode_get(mounts[i].fs->root);
		}
	for (int i = 0; i < ncovers; i++)
		if (covers[i].covered == ino) {
			inode_put(ino);
			return inode_get(covers[i].ram);
		}
	return ino;
}

/* Makes the directory path and those on the way that are missing. */
static int mkdir_p(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	int e = 0;
	for (char *s = p + 1; !e; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = 0;
		e = vfs_mkdirat(AT_FDCWD, p, 0755);
		if (e == -EEXIST)
			e = 0;
		*s = c;
		if (!c)
			break;
	}
	kfree(p);
	return e;
}

static int mount_one(struct blkdev *dev, int index, const char *path)
{
	if (nmounts == MOUNT_MAX) {
		kprintf("htux: disk %s: too many disks mounted (at most %d)\n", dev->name,
			MOUNT_MAX);
		return -1;
	}
	if (path[0] != '/' || !path[1]) {
		kprintf("htux: disk %s: the mount point '%s' is not an absolute path below /\n",
			dev->name, path);
		return -1;
	}
	struct inode *dir;
	int e = mkdir_p(path);
	if (e || (e = vfs_lookupat(AT_FDCWD, path, LOOKUP_FOLLOW, &dir)) != 0) {
		kprintf("htux: disk %s: cannot make the mount point %s (error %d)\n", dev->name,
			path, -e);
		return -1;
	}
	/* a disk may cover a directory of the RAM root or of the root disk */
	if (!S_ISDIR(dir->mode) || dir == fs_root || (ext2_is(dir) && ext2_fs_of(dir) != root_fs)) {
		kprintf("htux: disk %s: the mount point %s is not a directory of the image\n",
			dev->name, path);
		inode_put(dir);
		return -1;
	}
	struct ext2_fs *fs;
	ext2_lock();
	e = ext2_mount(dev, (uint64_t)VIRTIO_BLK_MAJOR << 8 | (uint64_t)(index * 16), &fs);
	ext2_unlock();
	if (e) {
		inode_put(dir);
		return -1; /* ext2_mount said why */
	}
	/* ".." and getcwd leave the disk through the covered directory */
	fs->root->parent = dir->parent;
	kfree(fs->root->name);
	fs->root->name = strdup(dir->name);
	strlcpy(fs->sb.last_mounted, path, sizeof(fs->sb.last_mounted));
	mounts[nmounts].covered = dir;
	mounts[nmounts].fs = fs;
	mounts[nmounts].path = strdup(path);
	nmounts++;
	return 0;
}

static struct blkdev *disk_named(const char *name)
{
	struct blkdev *d;
	for (int i = 0; (d = blkdev_get(i)) != NULL; i++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static int disk_index(struct blkdev *dev)
{
	int i = 0;
	while (blkdev_get(i) != dev)
		i++;
	return i;
}

/* Covers the root disk's directory /name (made when missing) with the RAM
 * root's. */
static int cover_one(struct inode *ram_root, const char *name)
{
	char path[8];
	struct inode *ram, *dir;
	ksnprintf(path, sizeof(path), "/%s", name);
	int e = dir_lookup(ram_root, name, strlen(name), &ram);
	if (e)
		return 0; /* the RAM root has none (/tmp could not be made) */
	e = vfs_mkdirat(AT_FDCWD, path, 0755);
	if (e == -EEXIST)
		e = 0;
	if (!e)
		e = vfs_lookupat(AT_FDCWD, path, 0, &dir);
	if (!e && !S_ISDIR(dir->mode)) {
		inode_put(dir);
		e = -ENOTDIR;
	}
	if (e) {
		kprintf("htux: root=/dev/%s: cannot make the directory %s on it (error %d)\n",
			root_fs->dev->name, path, -e);
		inode_put(ram);
		return -1;
	}
	ram->parent = fs_root; /* ".." and getcwd lead to the disk's root */
	covers[ncovers].covered = dir;
	covers[ncovers++].ram = ram;
	return 0;
}

int mounts_root(const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		name += 5;
	struct blkdev *dev = disk_named(name);
	if (!dev) {
		kprintf("htux: root=/dev/%s: there is no disk %s (give QEMU a virtio-blk device)\n",
			name, name);
		return -1;
	}
	if (!ext2_probe(dev)) {
		kprintf("htux: root=/dev/%s: the disk holds no ext2, ext3 or ext4 filesystem\n",
			name);
		return -1;
	}
	struct ext2_fs *fs;
	ext2_lock();
	int e = ext2_mount(dev, (uint64_t)VIRTIO_BLK_MAJOR << 8 | (uint64_t)(disk_index(dev) * 16),
			   &fs);
	ext2_unlock();
	if (e)
		return -1; /* ext2_mount said why */
	struct inode *ram_root = fs_root;
	fs->root->parent = fs->root;
	strlcpy(fs->sb.last_mounted, "/", sizeof(fs->sb.last_mounted));
	mounts[nmounts].covered = NULL;
	mounts[nmounts].fs = fs;
	mounts[nmounts].path = strdup("/");
	nmounts++;
	root_fs = fs;
	fs_root = inode_get(fs->root);
	for (size_t i = 0; i < ARRAY_SIZE(ram_dirs); i++)
		if (cover_one(ram_root, ram_dirs[i]))
			return -1;
	/* /etc's files, made on the disk when it has none */
	e = etc_init();
	if (e)
		kprintf("htux: cannot make the files of /etc on the root disk (error %d)\n", -e);
	return 0;
}

int mounts_boot(char **devs, char **paths, int n)
{
	for (int k = 0; k < n; k++) {
		bool found = false;
		for (int i = 0; blkdev_get(i); i++)
			found |= !strcmp(blkdev_get(i)->name, devs[k]);
		if (!found) {
			kprintf("htux: mount.%s=%s: there is no disk %s (give QEMU a virtio-blk device)\n",
				devs[k], paths[k], devs[k]);
			return -1;
		}
	}
	struct blkdev *d;
	/* the first disk after the root disk when that is vda (htux run) */
	int first = root_fs && root_fs->dev == blkdev_get(0) ? 1 : 0;
	for (int i = 0; (d = blkdev_get(i)) != NULL; i++) {
		const char *path = NULL;
		for (int k = 0; k < n; k++)
			if (!strcmp(devs[k], d->name))
				path = paths[k];
		if (root_fs && d == root_fs->dev) {
			if (path) {
				kprintf("htux: mount.%s=%s: disk %s is the root (root=)\n", d->name,
					path, d->name);
				return -1;
			}
			continue;
		}
		/* Unnamed, the first disk goes on /data if it holds an ext2
		 * (or ext3/4) filesystem, and stays a raw /dev/vdX otherwise. */
		if (!path && i == first) {
			if (ext2_probe(d))
				path = "/data";
			else
				kinfo("disk %s: no ext2 filesystem: not mounted (only /dev/%s)\n",
				      d->name, d->name);
		}
		if (!path)
			continue;
		if (mount_one(d, i, path))
			return -1;
	}
	return 0;
}

bool mounts_gen_root(struct sbuf *sb)
{
	if (root_fs)
		sb_printf(sb, "/dev/%s / %s %s,relatime 0 0\n", root_fs->dev->name,
			  root_fs->ext4 ? "ext4" : "ext2", root_fs->ro ? "ro" : "rw");
	return root_fs != NULL;
}

void mounts_gen(struct sbuf *sb)
{
	for (int i = 0; i < nmounts; i++)
		if (mounts[i].fs != root_fs)
			sb_printf(sb, "/dev/%s %s %s %s,relatime 0 0\n", mounts[i].fs->dev->name,
				  mounts[i].path, mounts[i].fs->ext4 ? "ext4" : "ext2",
				  mounts[i].fs->ro ? "ro" : "rw");
}

int mounts_sync(void)
{
	int err = 0;
	for (int i = 0; i < nmounts; i++) {
		ext2_lock();
		int e = ext2_sync(mounts[i].fs);
		ext2_unlock();
		if (e)
			err = e;
	}
	return err;
}

void mounts_unmount_all(void)
{
	for (int i = 0; i < nmounts; i++) {
		ext2_lock();
		int e = ext2_unmount(mounts[i].fs);
		ext2_unlock();
		if (e)
			kprintf("htux: disk %s: writing back failed (error %d); run e2fsck on it\n",
				mounts[i].fs->dev->name, -e);
	}
	nmounts = 0;
}

bool mount_is_disk(struct inode *ino) { return ext2_is(ino); }

bool mount_readonly(struct inode *ino) { return ext2_is(ino) && EN(ino)->fs->ro; }

uint64_t mount_disk_blocks(struct inode *ino) { return EN(ino)->iblocks; }

struct inode *mount_root_of(uint64_t dev)
{
	for (int i = 0; i < nmounts; i++)
		if (mounts[i].fs->devno == dev)
			return mounts[i].fs->root;
	return NULL;
}

int mount_id_of(struct inode *ino)
{
	for (int i = 0; ext2_is(ino) && i < nmounts; i++)
		if (mounts[i].fs == EN(ino)->fs)
			return i + 2;
	return 1;
}

bool mounts_statfs(struct inode *ino, struct statfs *s)
{
	if (!ext2_is(ino))
		return false;
	ext2_statfs(ino, s);
	return true;
}
