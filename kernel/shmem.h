/* shmem.h: memory shared between processes (kernel/shmem.c). Every
 * MAP_SHARED mapping of an object maps the same physical pages, in any
 * process, forked or not: the object's page set, indexed by page offset.
 * The objects are files (their page set lives while some shared mapping
 * of them does; dirty pages go back to the file through kernel/filemap.c)
 * and anonymous shared-memory objects (MAP_SHARED|MAP_ANONYMOUS, and the
 * base for System V shm): inodes with no name whose pages are the data.
 *
 * Using an anonymous object (e.g. for shmat):
 *	struct inode *o = shmem_new("SYSV0000002a", size);
 *	vm_map(mm, addr, len, prot, MAP_SHARED, o, off, size - off, VMA_FILEMAP);
 *	inode_put(o);      (each mapping holds its own reference)
 * A page past the object's size is SIGBUS for the program, as on Linux. */
#ifndef HTUX_SHMEM_H
#define HTUX_SHMEM_H

#include <stdint.h>
#include <stdbool.h>

struct inode;

#define SHMEM_DEV 0x1u /* st_dev of the anonymous objects (00:01, as Linux's) */

/* A new anonymous shared-memory object of size bytes (zeros; pages made
 * on first touch), with one reference (inode_put; the last frees it, the
 * mappings holding theirs). name is what /proc/PID/maps shows, as
 * "/NAME (deleted)": Linux's "dev/zero" for MAP_SHARED|MAP_ANONYMOUS,
 * "SYSV%08x" for System V shm. NULL when out of memory. */
struct inode *shmem_new(const char *name, uint64_t size);
/* Whether ino is such an object. */
bool shmem_is(struct inode *ino);

/* A MAP_SHARED area of ino is made (0, or -ENOMEM), or gone (for a file,
 * after its dirty pages were written back: the last one drops the file's
 * page set, so that read/write made meanwhile are seen by the next map). */
int shared_map_get(struct inode *ino);
void shared_map_put(struct inode *ino);

/* The page at page index idx of ino's page set (made: zeros, or the
 * file's bytes; for a file kept in pages, the file's own page: its
 * inode_ops page), with a reference for the caller's mapping (page_put
 * drops it): 0 and *pa set, -ENOMEM, -ENOSPC (a RAM file system full),
 * -EIO (the file's read failed), or -EAGAIN (the last mapping went while
 * the file was read: look again). */
int shared_page(struct inode *ino, uint64_t idx, uint64_t *pa);

/* For a userfaultfd (kernel/userfaultfd.c), on an anonymous object's set:
 * whether page idx is there yet; and makes the new page pa (its reference
 * passing to the set) page idx, with a reference for the caller's mapping
 * as shared_page gives: 0, -EEXIST (one is there), -ENOMEM. */
bool shmem_has_page(struct inode *ino, uint64_t idx);
/* For read(2) and write(2) of a file (fs/rw.c): the copy of page idx that
 * its MAP_SHARED mappings hold, if they hold one, with a reference for
 * the caller (page_put), else 0. */
uint64_t shared_copy_get(struct inode *ino, uint64_t idx);
int shmem_add_page(struct inode *ino, uint64_t idx, uint64_t pa);

#endif
