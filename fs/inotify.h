/* inotify.h: inotify instances and the file layer's notifications to
 * them (fs/inotify.c). */
#ifndef HTUX_INOTIFY_H
#define HTUX_INOTIFY_H

#include "fs/vfs.h"

/* A new instance's file in *out: 0, -EMFILE (max_user_instances) or
 * -ENOMEM. */
int inotify_file(bool nonblock, struct file **out);
/* A watch of ino with mask on instance f: its wd, or -EINVAL (f is no
 * instance), -EEXIST (IN_MASK_CREATE), -ENOSPC (max_user_watches),
 * -ENOMEM. */
int inotify_add(struct file *f, struct inode *ino, uint32_t mask);
bool inotify_is(struct file *f); /* is f an instance? */
/* Removes watch wd of f: 0 or -EINVAL. */
int inotify_rm(struct file *f, int wd);

/* Notifications: something (IN_MODIFY, IN_ATTRIB, IN_OPEN, IN_CLOSE_*,
 * IN_ACCESS) happened to ino; name of dir changed (IN_CREATE, IN_DELETE,
 * IN_MOVED_FROM/TO with cookie; child: the inode it names); a name of ino
 * was removed (IN_ATTRIB, and IN_DELETE_SELF when it has none left);
 * a fresh cookie for one rename. */
void inotify_event(struct inode *ino, uint32_t mask);
void inotify_name(struct inode *dir, struct inode *child, const char *name, size_t len,
		  uint32_t mask, uint32_t cookie);
void inotify_unlinked(struct inode *ino);
void inotify_nlink(struct inode *ino); /* IN_ATTRIB: a name was added */
uint32_t inotify_cookie(void);

#endif
