/* cpio_test.c: unit tests of the cpio newc writer (tools/mkimage/cpio.c):
   writes archives and reads them back, by hand and with the system cpio. */
#include "tap.h"
#include "cpio.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
	char name[300];
	unsigned long ino, mode, uid, gid, nlink, mtime, size, namesize, check;
	const unsigned char *data;
};

static long hex8(const unsigned char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1; /* the writer uses capitals only */
		v = v * 16 + d;
	}
	return v;
}

static int zeros(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* Parses the entry at *off; returns 0 and moves *off to the next one, or
   -1 with a diagnostic. Checks the magic, the hex fields, the name's NUL,
   and that padding after the name and the data is zeros up to 4. */
static int parse(const unsigned char *buf, size_t len, size_t *off, struct entry *e)
{
	unsigned long *fields[] = { &e->ino,   &e->mode,     &e->uid,  &e->gid, &e->nlink,
				    &e->mtime, &e->size,     NULL,     NULL,    NULL,
				    NULL,      &e->namesize, &e->check };
	size_t o = *off, name_end, data, data_end;
	long v;
	int i;

	if (o % 4 || o + 110 > len || memcmp(buf + o, "070701", 6)) {
		tap_diag("bad header at offset %zu", o);
		return -1;
	}
	for (i = 0; i < 13; i++) {
		v = hex8(buf + o + 6 + 8 * i);
		if (v < 0) {
			tap_diag("bad hex field %d at offset %zu", i, o);
			return -1;
		}
		if (fields[i])
			*fields[i] = (unsigned long)v;
		else if (v) {
			tap_diag("device field %d not 0 at offset %zu", i, o);
			return -1;
		}
	}
	name_end = o + 110 + e->namesize;
	data = (name_end + 3) & ~(size_t)3;
	data_end = data + e->size;
	if (e->namesize < 2 || e->namesize > sizeof e->name || data_end > len ||
	    buf[name_end - 1] != '\0' || strlen((const char *)buf + o + 110) != e->namesize - 1) {
		tap_diag("bad name at offset %zu", o);
		return -1;
	}
	memcpy(e->name, buf + o + 110, e->namesize);
	if (!zeros(buf + name_end, data - name_end) ||
	    !zeros(buf + data_end, ((data_end + 3) & ~(size_t)3) - data_end) ||
	    ((data_end + 3) & ~(size_t)3) > len) {
		tap_diag("bad padding in entry %s", e->name);
		return -1;
	}
	e->data = buf + data;
	*off = (data_end + 3) & ~(size_t)3;
	return 0;
}

static unsigned char *slurp(FILE *f, size_t *len)
{
	unsigned char *buf;
	long n;

	fflush(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

static void test_archive(void)
{
	static const char *names[] = { "/d",        "/d/f",    "/d/l",      "/d/empty",
				       "/d/pieces", "/d/x123", "TRAILER!!!" };
	struct entry e[7];
	struct cpio c;
	unsigned char *buf;
	size_t len = 0, off = 0;
	int i, r = 0;
	FILE *f = tmpfile();

	if (!ok(f != NULL, "tmpfile"))
		// cppcheck-suppress resourceLeak ; nothing was opened: ok() returns its condition
		return;
	cpio_init(&c, f);
	r |= cpio_dir(&c, "/d", 0755, 1000);
	r |= cpio_file(&c, "/d/f", 0644, 2000, "hello", 5);
	r |= cpio_symlink(&c, "/d/l", "f", 3000);
	r |= cpio_file(&c, "/d/empty", 0600, -5, "", 0);
	r |= cpio_file_begin(&c, "/d/pieces", 04755, 0x100000000LL, 7);
	r |= cpio_file_write(&c, "abc", 3);
	r |= cpio_file_write(&c, "defg", 4);
	r |= cpio_file_end(&c);
	r |= cpio_file(&c, "/d/x123", 0644, 0, "12345678", 8);
	r |= cpio_trailer(&c);
	is_int(r, 0, "writing an archive succeeds");
	buf = slurp(f, &len);
	fclose(f);
	if (!ok(buf != NULL, "read the archive back"))
		return;
	is_int(len % 4, 0, "archive length is a multiple of 4");
	for (i = 0; i < 7; i++) {
		memset(&e[i], 0, sizeof e[i]);
		if (!ok(parse(buf, len, &off, &e[i]) == 0, "entry %d parses", i))
			goto out;
		is_str(e[i].name, names[i], "entry %d name", i);
		is_int(e[i].uid | e[i].gid | e[i].check, 0, "entry %d uid, gid and check are 0", i);
	}
	is_int(off, len, "nothing after the trailer");
	is_int(e[0].mode, 040755, "directory mode");
	is_int(e[0].nlink, 2, "directory nlink");
	is_int(e[0].size, 0, "directory size");
	is_int(e[0].mtime, 1000, "directory mtime");
	is_int(e[1].mode, 0100644, "file mode");
	is_int(e[1].size, 5, "file size");
	ok(!memcmp(e[1].data, "hello", 5), "file data");
	is_int(e[1].mtime, 2000, "file mtime");
	is_int(e[2].mode, 0120777, "symlink mode");
	is_int(e[2].size, 1, "symlink size");
	ok(e[2].data[0] == 'f', "symlink target is its data");
	is_int(e[3].size, 0, "empty file");
	is_int(e[3].mtime, 0, "negative mtime is stored as 0");
	is_int(e[4].mode, 0104755, "setuid bit kept");
	ok(!memcmp(e[4].data, "abcdefg", 7), "file written in pieces");
	is_int(e[4].mtime, 0xffffffffUL, "mtime past 2106 clamped");
	is_int(e[5].namesize, 8, "name size counts the NUL");
	for (i = 1; i < 6; i++)
		ok(e[i].ino != 0 && e[i].ino != e[i - 1].ino, "entry %d has its own inode number",
		   i);
	is_int(e[6].ino | e[6].mode | e[6].size, 0, "trailer has inode, mode and size 0");
	is_int(e[6].nlink, 1, "trailer nlink");
out:
	free(buf);
}

static void test_errors(void)
{
	char longname[CPIO_NAME_MAX + 2];
	struct cpio c;
	FILE *f = tmpfile(), *ro;

	if (!ok(f != NULL, "tmpfile"))
		// cppcheck-suppress resourceLeak ; nothing was opened: ok() returns its condition
		return;
	cpio_init(&c, f);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	errno = 0;
	ok(cpio_dir(&c, longname, 0755, 0) == -1 && errno == ENAMETOOLONG,
	   "name too long: ENAMETOOLONG");
	errno = 0;
	ok(cpio_dir(&c, "", 0755, 0) == -1 && errno == EINVAL, "empty name: EINVAL");
	errno = 0;
	ok(cpio_file_begin(&c, "/big", 0644, 0, 0x100000000ULL) == -1 && errno == EFBIG,
	   "file over 4 GiB: EFBIG");
	ok(cpio_file_begin(&c, "/f", 0644, 0, 2) == 0, "begin a file of 2 bytes");
	errno = 0;
	ok(cpio_dir(&c, "/g", 0755, 0) == -1 && errno == EINVAL,
	   "another entry while a file is open: EINVAL");
	errno = 0;
	ok(cpio_file_write(&c, "abc", 3) == -1 && errno == EINVAL, "writing past the size: EINVAL");
	ok(cpio_file_write(&c, "a", 1) == 0, "writing within the size");
	errno = 0;
	ok(cpio_file_end(&c) == -1 && errno == EINVAL, "ending a file short of its size: EINVAL");
	ok(cpio_file_write(&c, "b", 1) == 0 && cpio_file_end(&c) == 0, "completing the file");
	ok(cpio_trailer(&c) == 0, "trailer after the errors above");
	fclose(f);

	ro = fopen("/dev/null", "r");
	if (!ok(ro != NULL, "open /dev/null read-only"))
		// cppcheck-suppress resourceLeak ; nothing was opened: ok() returns its condition
		return;
	setvbuf(ro, NULL, _IONBF, 0);
	cpio_init(&c, ro);
	ok(cpio_dir(&c, "/d", 0755, 0) == -1, "write error is reported");
	ok(cpio_trailer(&c) == -1 && c.err != 0, "and stays reported");
	fclose(ro);
}

/* Lists an archive with the system's cpio, when there is one. */
static void test_system_cpio(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[300], cmd[400], line[300];
	char out[2000] = "";
	struct cpio c;
	FILE *f, *p;
	int fd, st;

	if (system("cpio --version >/dev/null 2>&1") != 0) {
		printf("ok %d - system cpio lists the archive # SKIP no cpio\n", ++tap_count);
		return;
	}
	snprintf(path, sizeof path, "%s/htux-cpio-test.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	fd = mkstemp(path);
	if (!ok(fd >= 0, "mkstemp"))
		return;
	f = fdopen(fd, "w");
	cpio_init(&c, f);
	cpio_dir(&c, "/dir", 0755, 0);
	cpio_file(&c, "/dir/file", 0640, 0, "abc", 3);
	cpio_symlink(&c, "/dir/link", "file", 0);
	ok(cpio_trailer(&c) == 0 && fclose(f) == 0, "write archive %s", path);
	snprintf(cmd, sizeof cmd, "cpio -itv < '%s' 2>&1", path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		if (strlen(out) + strlen(line) < sizeof out)
			strcat(out, line);
	st = p ? pclose(p) : -1;
	unlink(path);
	is_int(st, 0, "cpio -itv exits with 0");
	ok(strstr(out, "drwxr-xr-x") && strstr(out, " /dir\n"), "cpio lists the directory");
	ok(strstr(out, "-rw-r-----") && strstr(out, " 3 ") && strstr(out, " /dir/file\n"),
	   "cpio lists the file");
	ok(strstr(out, "lrwxrwxrwx") && strstr(out, " /dir/link -> file\n"),
	   "cpio lists the symlink");
	if (tap_failed)
		tap_diag("cpio said:\n%s", out);
}

int main(void)
{
	test_archive();
	test_errors();
	test_system_cpio();
	return tap_done();
}
