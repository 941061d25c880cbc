/* child.h: running a command as a child, forwarding signals to it. */
#ifndef HTUX_CHILD_H
#define HTUX_CHILD_H

/* Runs argv (argv[0] searched in $PATH) with our stdin, stdout and stderr,
   passes SIGINT, SIGTERM and SIGHUP received meanwhile on to it, and waits
   for it. Returns its wait status, or -1 after printing why it could not
   be started. *forwarded gets the last signal passed on (or stays 0). */
int child_run(char *const argv[], int *forwarded);

#endif
