/* status.h: the program's exit status after QEMU has exited. */
#ifndef HTUX_STATUS_H
#define HTUX_STATUS_H

#include <stddef.h>

/* The N of the last line "htux-exit N" (0 to 255) in buf, or -1. */
int status_parse(const char *buf, size_t len);
/* The same for a file; -1 when it is missing or holds no such line. */
int status_read(const char *path);
/* The launcher's exit status: guest (from status_read) when known, else
   decoded from QEMU's wait status: an odd exit code c other than 1 is
   isa-debug-exit's (n << 1) | 1, so n = c >> 1 (1 is also QEMU's own
   error status, and a kernel exiting with 0 writes "htux-exit 0" to COM2
   first); a QEMU stopped by a forwarded signal gives 128 + signal; anything
   else is a QEMU failure, reported, and gives 125. */
int status_decide(int guest, int wstatus, int forwarded);

#endif
