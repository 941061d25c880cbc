/* mount.h: disk filesystems mounted on directories of "/", or as "/"
 * itself (root=): the mount table, crossing into a mounted root during
 * lookup, mounting the disks the command line names at boot, /proc/mounts
 * lines, sync and unmount at the end. */
#ifndef HTUX_MOUNT_H
#define HTUX_MOUNT_H

#include "fs/vfs.h"

struct sbuf;
struct statfs;

/* ino, or (ino's reference traded for it) the root mounted on ino. */
struct inode *mount_cross(struct inode *ino);
/* Mounts the disks: devs[k] ("vda") on paths[k] for the n mount.DEV=PATH
 * words of the command line; vda (vdb when vda is the root disk) on /data
 * when no word names it and it holds an ext2 superblock. Returns 0, or -1
 * after one "htux:" line saying why. */
int mounts_boot(char **devs, char **paths, int n);
/* root=DEV: makes the ext2 (or ext3/4) disk DEV ("vda" or "/dev/vda") "/",
 * the RAM root's /dev, /proc, /sys and /tmp covering its directories of
 * those names (made when missing), /etc's files made when missing. Call
 * before mounts_boot. Returns 0, or -1 after one "htux:" line. */
int mounts_root(const char *dev);
bool mounts_gen_root(struct sbuf *sb); /* the root disk's /proc/mounts line; false: none */
void mounts_gen(struct sbuf *sb);      /* /proc/mounts lines */
int mounts_sync(void);                 /* sync(2): every disk */
void mounts_unmount_all(void);         /* the VM is ending */
bool mounts_statfs(struct inode *ino, struct statfs *s); /* true: a disk's figures */
bool mount_is_disk(struct inode *ino);                   /* ino is on a disk filesystem */
uint64_t mount_disk_blocks(struct inode *ino);           /* its st_blocks (512-byte units) */
bool mount_readonly(struct inode *ino);                  /* on a disk mounted read-only */
struct inode *mount_root_of(uint64_t dev); /* the root of the disk with st_dev dev, or NULL */
/* The id of ino's mount (name_to_handle_at): 1 for "/", 2 on for the
 * disks in the order they were mounted; the 64-bit unique id is that
 * plus MOUNT_ID_UNIQUE_BASE. */
#define MOUNT_ID_UNIQUE_BASE 0x100000000ull
int mount_id_of(struct inode *ino);

#endif
