/* ipc.h: System V IPC objects (shared memory segments, semaphore sets,
 * message queues): what the three kinds share (kernel/ipc/util.c: ids,
 * keys, permissions and the limits /proc/sys/kernel shows) and each
 * kind's operations, called by the handlers in kernel/sys/ipc.c. */
#ifndef HTUX_IPC_H
#define HTUX_IPC_H

#include "kernel/kernel.h"
#include <linux/ipc.h>
#include <linux/sem.h>
#include <linux/msg.h>
#include <asm/shmbuf.h>

struct sbuf;
struct inode;
struct proc;

/* Linux's defaults (include/uapi/linux/{shm,sem,msg}.h, 6.1). */
#define IPC_SHMMAX (~0UL - (1UL << 24))
#define IPC_SHMALL (~0UL - (1UL << 24))
#define IPC_SHMMNI 4096
#define IPC_SEMMSL 32000
#define IPC_SEMMNS 1024000000
#define IPC_SEMOPM 500
#define IPC_SEMMNI 32000
#define IPC_SEMVMX 32767
#define IPC_SEMAEM 32767
#define IPC_MSGMAX 8192
#define IPC_MSGMNB 16384
#define IPC_MSGMNI 32000
#define IPC_IDX_MAX 32768 /* IPCMNI: an id is index + seq * IPC_IDX_MAX */

/* <linux/shm.h> includes libc's <unistd.h>; its values: */
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_HUGETLB 04000
#define SHM_NORESERVE 010000
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15
#define SHM_DEST 01000
#define SHM_LOCKED 02000
#define SHMLBA 4096
#define S_IRUGO 0444
#define S_IWUGO 0222
#define S_IXUGO 0111

/* What every object starts with. */
struct ipc_obj {
	int id;
	int key;
	unsigned uid, gid, cuid, cgid;
	unsigned mode; /* the low 9 bits; shm adds SHM_DEST, SHM_LOCKED */
	unsigned short seq;
	int64_t ctime; /* seconds since the epoch */
};

/* The objects of one kind, by index. */
struct ipc_ids {
	struct ipc_obj **slot;
	int cap; /* slots allocated */
	int in_use;
	int limit; /* most objects (shmmni, semmni, msgmni) */
	unsigned short seq;
};

/* kernel/ipc/util.c */
int64_t ipc_now(void);
struct ipc_obj *ipc_find_key(struct ipc_ids *ids, int key);
/* Gives o an index and id, its key, and the caller as owner and creator
 * with mode's low 9 bits: the id, or -ENOSPC at the limit, -ENOMEM. */
int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int key, unsigned mode);
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o);
struct ipc_obj *ipc_get(struct ipc_ids *ids, int id); /* NULL: no such id */
struct ipc_obj *ipc_at(struct ipc_ids *ids, int idx); /* *_STAT's index */
int ipc_max_idx(struct ipc_ids *ids);                 /* highest index in use, or 0 */
/* Linux's ipcperms: the caller may have the access flag asks for (its
 * S_IRUGO/S_IWUGO bits): 0 or -EACCES. */
int ipc_perm(const struct ipc_obj *o, int flag);
/* The caller is the owner or creator (or privileged): 0 or -EPERM. */
int ipc_may_change(const struct ipc_obj *o);
bool ipc_capable(int cap); /* the caller has capability cap */
void ipc_fill_perm(struct ipc64_perm *p, const struct ipc_obj *o);
/* IPC_SET's uid, gid and mode from p. */
void ipc_set_perm(struct ipc_obj *o, const struct ipc64_perm *p);
/* The get calls' common part: the object of key (new, for IPC_PRIVATE or
 * a missing key with IPC_CREAT: made by create(arg)), checked with
 * check(o, arg) when it exists. Returns the id or -errno. */
int ipc_getobj(struct ipc_ids *ids, int key, int flg, int (*create)(int key, int flg, long arg),
	       int (*check)(struct ipc_obj *o, long arg), long arg);

/* kernel/ipc/shm.c */
long shm_get(int key, size_t size, int flg);
long shm_attach(int id, uint64_t addr, int flg);
long shm_detach(uint64_t addr);
long shm_ctl(int id, int cmd, void *ubuf);
/* The page at off of the segment behind a shared memory area's file,
 * with a reference for the caller's mapping: 0, -ENOMEM, or
 * VM_FAULT_SIGBUS past its end. */
int shm_fault_page(struct inode *ino, uint64_t off, uint64_t *pa);
void gen_sysvipc_shm(struct sbuf *sb);
void gen_sys_shmmax(struct sbuf *sb);
void gen_sys_shmall(struct sbuf *sb);
void gen_sys_shmmni(struct sbuf *sb);

/* kernel/ipc/sem.c */
long sem_get(int key, int nsems, int flg);
/* uts: relative timeout (NULL: none) */
long sem_op(int id, struct sembuf *usops, unsigned nsops, const void *uts);
long sem_ctl(int id, int semnum, int cmd, unsigned long arg);
/* The process's SEM_UNDO adjustments applied (it is ending). */
void sem_exit(struct proc *p);
void gen_sysvipc_sem(struct sbuf *sb);
void gen_sys_sem(struct sbuf *sb);

/* kernel/ipc/msg.c */
long msg_get(int key, int flg);
long msg_snd(int id, const void *umsg, size_t sz, int flg);
long msg_rcv(int id, void *umsg, size_t sz, long type, int flg);
long msg_ctl(int id, int cmd, void *ubuf);
void gen_sysvipc_msg(struct sbuf *sb);
void gen_sys_msgmax(struct sbuf *sb);
void gen_sys_msgmnb(struct sbuf *sb);
void gen_sys_msgmni(struct sbuf *sb);

#endif
