/* relay.h: showing the kernel's diagnostics (COM2) on stderr as they come. */
#ifndef HTUX_RELAY_H
#define HTUX_RELAY_H

#include <sys/types.h>

/* Starts a child process that follows the file QEMU writes COM2 to and
   copies each line of it but the "htux-exit N" ones (strace lines, the
   syscall summary, backtraces) to stderr while the guest runs. Returns its
   pid, or -1 after printing why (the run goes on without it). */
pid_t relay_start(const char *path);
/* Lets it copy what is left, then reaps it. */
void relay_stop(pid_t pid);

#endif
