/* anon.h: files with no name in the tree (eventfd, timerfd, epoll): each
 * gets an inode of its own that /proc/self/fd shows as "anon_inode:[KIND]",
 * with Linux's mode 0600 and the one inode number they all share there. */
#ifndef HTUX_ANON_H
#define HTUX_ANON_H

#include "fs/vfs.h"

#define ANON_DEV 0x10u /* st_dev: major 0, minor 16 */

/* A new open file with ops and priv; kind names it ("eventfd"); flags are
 * the status flags (O_RDWR | O_NONBLOCK ...). NULL when out of memory. */
struct file *anon_file(const char *kind, const struct file_ops *ops, void *priv, unsigned flags);

#endif
