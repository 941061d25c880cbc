/* feed.h: giving the guest an end-of-file on its standard input. */
#ifndef HTUX_FEED_H
#define HTUX_FEED_H

#include <sys/types.h>

/* When our standard input is not a terminal (a pipe or a file), replaces
   it with a pipe fed by a child process that copies it and then sends the
   byte 0x04, which the guest console reads as end-of-file (a serial line
   has no end of its own). Returns the feeder's pid, 0 when stdin is a
   terminal (typing ^D does the same there), or -1 after printing why. */
pid_t feed_start(void);
/* Stops the feeder (it may still wait for input) and reaps it. */
void feed_stop(pid_t pid);

#endif
