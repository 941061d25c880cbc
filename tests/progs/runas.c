/* runas.c: runas UID GID DIR PROG [ARG]...: makes the directory DIR
 * (mode 0700) owned by UID:GID, takes that user and group and runs PROG
 * (programs such as PostgreSQL's initdb refuse to run as root). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: runas UID GID DIR PROG [ARG]...\n");
		return 2;
	}
	int uid = atoi(argv[1]), gid = atoi(argv[2]);
	mkdir(argv[3], 0700);
	if (chown(argv[3], uid, gid) || setgid(gid) || setuid(uid)) {
		perror("runas");
		return 1;
	}
	execv(argv[4], argv + 4);
	perror("runas: exec");
	return 127;
}
