/* catfile.c: prints a file with open/read/write and its size from fstat. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	struct stat st;
	int fd = open(argc > 1 ? argv[1] : "/etc/hostname", O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror("open");
		return 2;
	}
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write(1, buf, n);
	printf("size %lld\n", (long long)st.st_size);
	return close(fd) ? 3 : 0;
}
