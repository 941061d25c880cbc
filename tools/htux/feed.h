/* feed.h: giving the guest an end-of-file on its standard input. */
#ifndef HTUX_FEED_H
#define HTUX_FEED_H

#include <sys/types.h>

/* Replaces our standard input with a pipe fed by a child process that
   copies it, and marks its end, a serial line having none. notty (the
   kernel option): always; the bytes are escaped as the kernel's console
   decodes them (fs/console.c: DLE DLE for a DLE byte, DLE 'D' the end).
   Else (the console is a terminal) only when stdin is not a terminal (a
   pipe or a file): the bytes as they are, then 0x04, which the console
   reads as end-of-file in canonical mode. Returns the feeder's pid, 0 when
   none is needed (a terminal: typing ^D does the same there), or -1 after
   printing why. */
pid_t feed_start(int notty);
/* Stops the feeder (it may still wait for input) and reaps it. */
void feed_stop(pid_t pid);

#endif
