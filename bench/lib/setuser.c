/* setuser.c: used by bench/pgbench inside the Linux guest (whose busybox
   setpriv cannot change user): "setuser UID GID PROG [ARG]..." drops the
   supplementary groups, takes the group GID and the user UID, and execs
   PROG with the ARGs (PostgreSQL refuses to run as root). */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: setuser UID GID PROG [ARG]...\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(atoi(argv[2])) || setuid(atoi(argv[1]))) {
		perror("setuser");
		return 1;
	}
	execv(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}
