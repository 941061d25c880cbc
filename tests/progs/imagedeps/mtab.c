/* mtab.c: reads /etc/mtab (a symbolic link into /proc) for the proc
   mount. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[512];
	FILE *f = fopen("/etc/mtab", "r");
	int proc = 0;

	if (!f) {
		perror("/etc/mtab");
		return 1;
	}
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "proc /proc proc ", 16))
			proc = 1;
	fclose(f);
	printf("mtab read, proc %s\n", proc ? "listed" : "missing");
	return 0;
}
