/* stray.c: what /proc, /sys and /dev hold, for an image that packed
   files of its own there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void show(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		printf("%s: %s\n", path, strerror(errno));
	else
		printf("%s: %s\n", path,
		       S_ISDIR(st.st_mode)   ? "directory"
		       : S_ISCHR(st.st_mode) ? "character device"
		       : S_ISREG(st.st_mode) ? "regular file"
					     : "other");
}

int main(void)
{
	show("/proc/stray");
	show("/proc/self/status");
	show("/sys/stray");
	show("/sys/devices/system/cpu");
	show("/dev/stray");
	show("/dev/null");
	return 0;
}
