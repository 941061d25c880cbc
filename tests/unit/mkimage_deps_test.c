/* mkimage_deps_test.c: htux-mkimage's --trace-files log parser and its
   /etc/ld.so.cache reader, on made-up input. */
#include "tap.h"
#include "ldcache.h"
#include "tracefiles.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static void test_trace(void)
{
	static const char *const log[] = {
		"100 execve(\"/usr/bin/python3\", [\"python3\"], 0x7ffc /* 2 vars */) = 0",
		"100 openat(AT_FDCWD</home/u>, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>",
		"100 newfstatat(3</etc/ld.so.cache>, \"\", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0",
		"100 openat(AT_FDCWD</home/u>, \"data/in.txt\", O_RDONLY) = 3</home/u/data/in.txt>",
		"100 openat(AT_FDCWD</home/u>, \"/tmp/out\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4</tmp/out>",
		"100 openat(5</usr/lib/python3.11>, \"os.py\", O_RDONLY) = 6</usr/lib/python3.11/os.py>",
		"100 stat(\"/a b/\\303\\251t\\\"\\\\\", {st_mode=S_IFREG|0644, ...}) = 0",
		"101 readlink(\"/usr/bin/python3\", \"python3.11\", 4096) = 10",
		"100 chdir(\"/srv\") = 0",
		"100 access(\"rel/x\", R_OK) = 0",
		"100 mkdir(\"/new\", 0777) = 0",
		"100 +++ exited with 0 +++",
		"--- SIGCHLD {si_signo=SIGCHLD} ---",
	};
	static const char *const want[] = {
		"/usr/bin/python3",    "/etc/ld.so.cache",
		"/home/u/data/in.txt", "/usr/lib/python3.11/os.py",
		"/a b/\303\251t\"\\",  "/srv",
		"/srv/rel/x",
	};
	struct trace_files t;
	char *cwd = strdup("/nowhere");
	size_t i;
	int bad = 0;

	memset(&t, 0, sizeof t);
	for (i = 0; i < sizeof log / sizeof log[0]; i++)
		bad |= trace_files_line(&t, log[i], &cwd);
	is_int(bad, 0, "trace: every line parsed");
	is_int(t.n, sizeof want / sizeof want[0], "trace: the paths read or looked at, once each");
	for (i = 0; i < t.n && i < sizeof want / sizeof want[0]; i++)
		is_str(t.paths[i], want[i], "trace: path %zu", i);
	is_str(cwd, "/srv", "trace: chdir followed");
	free(cwd);
	trace_files_free(&t);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A "glibc-ld.so.cache1.1" file with three entries: libz for x86-64,
   libz for i386 (other flags), libfoo with a hwcap (glibc-hwcaps). */
static void test_ldcache(void)
{
	static const char *const strs[] = {
		"libz.so.1",           "/lib/x86_64-linux-gnu/libz.so.1",
		"/lib/i386/libz.so.1", "libfoo.so",
		"/lib/hw/libfoo.so",
	};
	unsigned char buf[512];
	uint32_t off[5], o = 48 + 3 * 24;
	char path[] = "/tmp/htux-ldcache-XXXXXX";
	struct ldcache c;
	size_t i;
	int fd;

	memset(buf, 0, sizeof buf);
	memcpy(buf, "glibc-ld.so.cache1.1", 20);
	put32(buf + 20, 3);
	for (i = 0; i < 5; i++) {
		off[i] = o;
		strcpy((char *)buf + o, strs[i]);
		o += (uint32_t)strlen(strs[i]) + 1;
	}
	put32(buf + 24, o - off[0]);
	/* entries: flags, key, value, osversion, hwcap (8 bytes) */
	put32(buf + 48, 0x0303);
	put32(buf + 52, off[0]);
	put32(buf + 56, off[2]);
	put32(buf + 48, 0x0003); /* first: i386 (libc6, no lib64) */
	put32(buf + 72, 0x0303);
	put32(buf + 76, off[0]);
	put32(buf + 80, off[1]);
	put32(buf + 96, 0x0303);
	put32(buf + 100, off[3]);
	put32(buf + 104, off[4]);
	buf[96 + 16 + 7] = 0x40; /* hwcap extension bit */
	fd = mkstemp(path);
	if (fd < 0 || write(fd, buf, o) != (ssize_t)o) {
		ok(0, "ldcache: cannot write %s", path);
		return;
	}
	close(fd);
	is_int(ldcache_load(&c, path), 0, "ldcache: loads");
	is_str(ldcache_find(&c, "libz.so.1"), "/lib/x86_64-linux-gnu/libz.so.1",
	       "ldcache: the x86-64 entry, not the i386 one");
	is_str(ldcache_find(&c, "libfoo.so"), NULL, "ldcache: glibc-hwcaps entries left out");
	is_str(ldcache_find(&c, "libbar.so"), NULL, "ldcache: unknown name");
	ldcache_free(&c);
	memcpy(buf, "glibc-ld.so.cacheX.X", 20);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		if (write(fd, buf, o) != (ssize_t)o)
			ok(0, "ldcache: rewrite");
		close(fd);
	}
	is_int(ldcache_load(&c, path), 0, "ldcache: an unknown format loads as empty");
	is_str(ldcache_find(&c, "libz.so.1"), NULL, "ldcache: empty finds nothing");
	ldcache_free(&c);
	is_int(ldcache_load(&c, "/nonexistent/ld.so.cache"), 0, "ldcache: a missing file is empty");
	ldcache_free(&c);
	unlink(path);
}

int main(void)
{
	test_trace();
	test_ldcache();
	return tap_done();
}
