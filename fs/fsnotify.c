/* fsnotify.c: the one hook through which the VFS reports a file's access
 * or change to both notification APIs, dnotify (fs/dnotify.c) and inotify
 * (fs/inotify.c), and the count of their watches that lets every read and
 * write skip it with one test while nobody watches (see fs/vfs.h). */
#include "fs/vfs.h"
#include "fs/inotify.h"

unsigned fsnotify_watches;

void fsnotify_report(struct inode *ino, unsigned dn, uint32_t in)
{
	if (dn)
		dnotify_inode(ino, dn);
	if (in)
		inotify_event(ino, in);
}
