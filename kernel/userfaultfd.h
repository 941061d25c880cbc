/* userfaultfd.h: userfaultfd objects (kernel/userfaultfd.c): a file that
 * reports the page faults of registered areas of one address space as
 * messages, the faulting threads asleep until the reader fills the pages
 * (UFFDIO_COPY, UFFDIO_ZEROPAGE) or wakes them. The system call is
 * kernel/sys/userfaultfd.c's; the fault path (kernel/fault.c) calls in. */
#ifndef HTUX_USERFAULTFD_H
#define HTUX_USERFAULTFD_H

#include "kernel/kernel.h"

struct file;
struct mm;
struct vma;
struct sbuf;

/* A new userfaultfd for mm (flags: O_NONBLOCK, UFFD_USER_MODE_ONLY), an
 * open file; NULL when out of memory. */
struct file *uffd_new(struct mm *mm, int flags);
/* A fault at addr (CPU error code err) on a page missing from v, which is
 * registered: the thread sleeps until the page is filled or it is woken
 * (0: the access runs again; a signal ends a user access's wait too), or
 * -1 (a kernel access that fails: EFAULT; it waits through signals but a
 * fatal one), or VM_FAULT_SIGBUS (UFFD_FEATURE_SIGBUS). */
int uffd_fault(struct vma *v, uint64_t addr, uint64_t err);
/* /dev/userfaultfd (char 10:126): USERFAULTFD_IOC_NEW(flags) makes one. */
extern const struct file_ops uffd_dev_fops;
/* mm is freed: its userfaultfds serve nothing any more (ESRCH). */
void uffd_mm_gone(struct mm *mm);
/* /proc/sys/vm/unprivileged_userfaultfd: 0, kernel faults need
 * CAP_SYS_PTRACE (or UFFD_USER_MODE_ONLY). */
#define UFFD_UNPRIVILEGED 0
void gen_sys_unpriv_uffd(struct sbuf *sb);

#endif
