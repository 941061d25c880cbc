/* progress.h: htux-mkimage's progress line on stderr (a terminal, or
   --progress): files and bytes written so far, and the phase of slow work
   (tracing, unpacking, disk images), one line updated in place with '\r'. */
#ifndef HTUX_MKIMAGE_PROGRESS_H
#define HTUX_MKIMAGE_PROGRESS_H

#include <stdint.h>

/* Shows the line when force is set or stderr is a terminal. */
void progress_start(int force);
/* One more image entry of size bytes (struct cpio's progress hook). */
void progress_entry(uint64_t size);
/* What is being done now ("tracing PROG", "making the raw disk"). */
void progress_phase(const char *what);
/* Ends the line with the totals for image out (with --progress, or after
   a second or more), else blanks it. */
void progress_end(const char *out);

#endif
