/* crashfs.c: the workload of tests/boot/ext2_crash.sh, run on an ext2
 * disk until QEMU is killed: "crashfs DIR COUNT". Under DIR it makes a
 * directory for every PER_DIR files (every third inside the one before)
 * and in it, for every other file, a directory of the file's own; names
 * are long, so directories soon need more blocks. Each file gets bytes of
 * its own (up to 11 KiB: direct blocks only, with 1 KiB blocks). Of six
 * files, three are fsync'd, one is written under a temporary name,
 * fsync'd, renamed and fsync'd again, one is left unsynced, and one is
 * left unsynced after removing an earlier file and its directory. A file
 * fsync'd is reported after the fsync on a line of its own,
 *     synced PATH CRC SIZE
 * (PATH under DIR; CRC and SIZE as cksum(1) prints them), a removal
 * before the unlink as "removing PATH" (a removed file may or may not
 * survive a crash). A log file made first (LOG_SIZE bytes, sparse,
 * fsync'd) gets a record written in place after each file (new blocks
 * first, then blocks it has), as a database's log does,
 * then fdatasync'd (fsync'd after every other one): "pending /log CRC
 * SIZE" before the write, "synced /log CRC SIZE" after the sync (after a
 * crash the disk holds the last synced state or the pending one after
 * it). Prints "done" after COUNT files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PER_DIR 36 /* files in a directory: 3 blocks of names */
#define MAX_SIZE 11000
#define LOG_SIZE 20480 /* direct and indirect blocks, with 1 KiB ones */
#define REC 512

static unsigned crc_table[256];

static void crc_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		unsigned c = i << 24;
		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? (c << 1) ^ 0x04C11DB7u : c << 1;
		crc_table[i] = c;
	}
}

/* The POSIX cksum of n bytes. */
static unsigned cksum(const unsigned char *p, size_t n)
{
	unsigned c = 0;
	for (size_t i = 0; i < n; i++)
		c = (c << 8) ^ crc_table[(c >> 24) ^ p[i]];
	for (size_t len = n; len; len >>= 8)
		c = (c << 8) ^ crc_table[(c >> 24) ^ (len & 0xff)];
	return ~c;
}

static void die(const char *what, const char *path)
{
	printf("error: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void dir_path(char *out, size_t n, const char *top, int d)
{
	/* every third directory is inside the one before */
	if (d % 3 == 2)
		snprintf(out, n, "%s/dir-%03d/sub-%03d", top, d - 1, d);
	else
		snprintf(out, n, "%s/dir-%03d", top, d);
}

/* File i's directory (new ones with a file of their own: i % 6 is 0, 2
 * or 4) and path. */
static void file_dir(char *out, size_t n, const char *top, int i)
{
	char dir[256];
	dir_path(dir, sizeof(dir), top, i / PER_DIR);
	if (i % 2 == 0)
		snprintf(out, n, "%s/directory-%05d-with-a-name-long-enough-to-fill-blocks", dir,
			 i);
	else
		snprintf(out, n, "%s", dir);
}

static void file_path(char *out, size_t n, const char *top, int i)
{
	char dir[512];
	file_dir(dir, sizeof(dir), top, i);
	snprintf(out, n, "%s/file-number-%05d-with-a-name-long-enough-to-fill-blocks", dir, i);
}

static unsigned char buf[MAX_SIZE];

/* Writes file i (under path) and fsyncs it unless told not to; its size. */
static size_t write_file(const char *path, int i, int sync)
{
	size_t size = 1 + (size_t)((unsigned)i * 2654435761u % MAX_SIZE);
	for (size_t k = 0; k < size; k++)
		buf[k] = (unsigned char)(k * 31 + (size_t)i * 7 + k / 251);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open", path);
	if (write(fd, buf, size) != (ssize_t)size)
		die("write", path);
	if (sync && fsync(fd))
		die("fsync", path);
	if (close(fd))
		die("close", path);
	return size;
}

static void synced(const char *top, const char *path, size_t size)
{
	printf("synced %s %u %zu\n", path + strlen(top), cksum(buf, size), size);
	fflush(stdout);
}

static unsigned char logbuf[LOG_SIZE];

/* Record i of the log rewritten in place and synced (fsync's kind set
 * by i), as the lines above say. */
static void log_record(int fd, int i)
{
	/* in one block: a write of several may be torn by a crash */
	size_t off = (size_t)i * 7 % (LOG_SIZE / REC) * REC;
	for (size_t k = 0; k < REC; k++)
		logbuf[off + k] = (unsigned char)(i + k * 13);
	printf("pending /log %u %d\n", cksum(logbuf, LOG_SIZE), LOG_SIZE);
	fflush(stdout);
	if (pwrite(fd, logbuf + off, REC, (off_t)off) != REC)
		die("pwrite", "log");
	if (i % 2 ? fdatasync(fd) : fsync(fd))
		die("fdatasync", "log");
	printf("synced /log %u %d\n", cksum(logbuf, LOG_SIZE), LOG_SIZE);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: crashfs DIR COUNT\n");
		return 2;
	}
	const char *top = argv[1];
	int count = atoi(argv[2]);
	char path[512], tmp[512];
	crc_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(path, sizeof(path), "%s/log", top);
	int log = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (log < 0 || ftruncate(log, LOG_SIZE) || fsync(log)) /* sparse: records fill it */
		die("log", path);
	printf("synced /log %u %d\n", cksum(logbuf, LOG_SIZE), LOG_SIZE);
	for (int i = 0; i < count; i++) {
		if (i % PER_DIR == 0) {
			dir_path(path, sizeof(path), top, i / PER_DIR);
			if (mkdir(path, 0755))
				die("mkdir", path);
		}
		if (i % 2 == 0) {
			file_dir(path, sizeof(path), top, i);
			if (mkdir(path, 0755))
				die("mkdir", path);
		}
		file_path(path, sizeof(path), top, i);
		switch (i % 6) {
		case 0:
		case 2:
		case 4: synced(top, path, write_file(path, i, 1)); break;
		case 1: { /* write under another name, fsync, rename, fsync */
			snprintf(tmp, sizeof(tmp), "%s.tmp", path);
			size_t size = write_file(tmp, i, 1);
			if (rename(tmp, path))
				die("rename", tmp);
			int fd = open(path, O_RDONLY);
			if (fd < 0 || fsync(fd) || close(fd))
				die("fsync", path);
			synced(top, path, size);
			break;
		}
		case 3: /* not synced: goes out with the next file's fsync */
			write_file(path, i, 0);
			break;
		case 5: /* remove an earlier file and its directory */
			write_file(path, i, 0);
			if (i % PER_DIR >= 5) {
				file_path(path, sizeof(path), top, i - 5);
				printf("removing %s\n", path + strlen(top));
				if (unlink(path))
					die("unlink", path);
				file_dir(path, sizeof(path), top, i - 5);
				if (rmdir(path))
					die("rmdir", path);
			}
			break;
		}
		log_record(log, i);
	}
	printf("done\n");
	return 0;
}
