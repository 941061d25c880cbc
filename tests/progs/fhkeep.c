/* fhkeep.c: file handles kept across boots (tests/boot/fhandle.sh). Runs
 * its arguments as a list of steps, one line of output each:
 *   save PATH FILE   writes PATH's handle to FILE
 *   open FILE MNT    opens the handle in FILE on MNT's filesystem and
 *                    prints the first line the file holds, or the error
 *   mk PATH TEXT     makes the file PATH holding TEXT
 *   rm PATH          removes PATH
 *   ino PATH         prints PATH's inode number
 * and syncs at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];

static void save(const char *path, const char *file)
{
	struct file_handle *h = (struct file_handle *)buf;
	int mnt;
	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, h, &mnt, 0)) {
		printf("save %s: %s\n", path, strerror(errno));
		return;
	}
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t n = sizeof(*h) + h->handle_bytes;
	if (fd < 0 || write(fd, buf, n) != (ssize_t)n)
		printf("save %s: %s\n", path, strerror(errno));
	else
		printf("save %s: %u bytes, type %d\n", path, h->handle_bytes, h->handle_type);
	close(fd);
}

static void open_saved(const char *file, const char *mnt)
{
	struct file_handle *h = (struct file_handle *)buf;
	int fd = open(file, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < (ssize_t)sizeof(*h)) {
		printf("open %s: reading it: %s\n", file, strerror(errno));
		return;
	}
	close(fd);
	int mfd = open(mnt, O_RDONLY | O_DIRECTORY);
	fd = open_by_handle_at(mfd, h, O_RDONLY);
	close(mfd);
	if (fd < 0) {
		printf("open %s: %s\n", file, strerror(errno));
		return;
	}
	struct stat st;
	char line[128] = "";
	fstat(fd, &st);
	if (S_ISREG(st.st_mode)) {
		ssize_t n = read(fd, line, sizeof(line) - 1);
		line[n > 0 ? n : 0] = 0;
		line[strcspn(line, "\n")] = 0;
	}
	printf("open %s: \"%s\"\n", file, S_ISDIR(st.st_mode) ? "a directory" : line);
	close(fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		if (!strcmp(op, "save") && i + 2 < argc) {
			save(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (!strcmp(op, "open") && i + 2 < argc) {
			open_saved(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (!strcmp(op, "mk") && i + 2 < argc) {
			int fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
			size_t n = strlen(argv[i + 2]);
			if (fd < 0 || write(fd, argv[i + 2], n) != (ssize_t)n)
				printf("mk %s: %s\n", argv[i + 1], strerror(errno));
			else
				printf("mk %s\n", argv[i + 1]);
			close(fd);
			i += 2;
		} else if (!strcmp(op, "rm") && i + 1 < argc) {
			printf("rm %s: %s\n", argv[i + 1],
			       unlink(argv[i + 1]) ? strerror(errno) : "done");
			i++;
		} else if (!strcmp(op, "ino") && i + 1 < argc) {
			struct stat st;
			if (stat(argv[i + 1], &st))
				printf("ino %s: %s\n", argv[i + 1], strerror(errno));
			else
				printf("ino %s: %lu\n", argv[i + 1], (unsigned long)st.st_ino);
			i++;
		} else {
			fprintf(stderr, "fhkeep: bad step %s\n", op);
			return 2;
		}
	}
	sync();
	return 0;
}
