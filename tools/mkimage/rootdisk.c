/* rootdisk.c: --rootfs disk (or auto, over the threshold): an --oci
   image's root filesystem on an ext2 disk instead of in the initrd, for a
   kernel booted with root=/dev/vda. Debian's mke2fs -d copies the unpacked
   tree (modes, hard links, symbolic links, times, extended attributes);
   debugfs then gives each file the owner umoci's rootless unpack
   recorded (as the initrd's headers have it, image.c) and drops that
   record. The /.htux files the kernel reads (argv, env, user, cwd, sites) go
   into the tree first. */
#define _XOPEN_SOURCE 700
#include "oci.h"
#include "sites.h"
#include "report.h"
#include "spawn.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define BLOCK 4096ULL
#define MIB (1ULL << 20)

/* nftw has no context argument: the walk in progress. */
static struct walk {
	size_t base;     /* strlen(rootfs): guest path = host path + base */
	uint64_t bytes;  /* data blocks the tree needs, in bytes */
	uint64_t inodes; /* entries */
	FILE *script;    /* debugfs commands, or NULL when measuring */
	const char *bad; /* a name debugfs cannot take, or NULL */
	int lost_found;  /* the tree has /lost+found */
} w;

static int measure_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)p;
	(void)type;
	(void)f;
	w.inodes++;
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode) || S_ISLNK(st->st_mode))
		w.bytes += ((uint64_t)st->st_size + BLOCK - 1) / BLOCK * BLOCK;
	return 0;
}

int rootdisk_measure(const char *rootfs, uint64_t *bytes, uint64_t *inodes)
{
	memset(&w, 0, sizeof w);
	if (nftw(rootfs, measure_one, 16, FTW_PHYS)) {
		mk_error(rootfs, "cannot read the unpacked root filesystem: %s", strerror(errno));
		return -1;
	}
	*bytes = w.bytes;
	*inodes = w.inodes;
	return 0;
}

uint64_t rootdisk_threshold(void)
{
	const char *s = getenv("HTUX_ROOT_DISK_OVER");
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return ROOT_DISK_OVER;
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'K':
	case 'k':
		v <<= 10;
		end++;
		break;
	case 'M':
	case 'm':
		v <<= 20;
		end++;
		break;
	case 'G':
	case 'g':
		v <<= 30;
		end++;
		break;
	}
	if (errno || *end || end == s) {
		mk_error(NULL,
			 "HTUX_ROOT_DISK_OVER=%s: not a size (BYTES or NK, NM, NG); using %llu MiB",
			 s, (unsigned long long)(ROOT_DISK_OVER / MIB));
		return ROOT_DISK_OVER;
	}
	return v;
}

/* One debugfs word: the guest path in double quotes (two for one). */
static void quoted(FILE *f, const char *guest)
{
	fputc('"', f);
	for (; *guest; guest++) {
		if (*guest == '"')
			fputc('"', f);
		fputc(*guest, f);
	}
	fputc('"', f);
}

static int fix_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	const char *g = p[w.base] ? p + w.base : "/";
	uint32_t uid, gid;
	int has;

	(void)type;
	(void)f;
	if (strchr(g, '\n')) {
		w.bad = p;
		return 1;
	}
	w.lost_found |= !strcmp(g, "/lost+found");
	has = rootless_owner(p, &uid, &gid);
	if (st->st_uid != uid) {
		fputs("sif ", w.script);
		quoted(w.script, g);
		fprintf(w.script, " uid %lu\n", (unsigned long)uid);
	}
	if (st->st_gid != gid) {
		fputs("sif ", w.script);
		quoted(w.script, g);
		fprintf(w.script, " gid %lu\n", (unsigned long)gid);
	}
	if (has) {
		fputs("ea_rm ", w.script);
		quoted(w.script, g);
		fputs(" user.rootlesscontainers\n", w.script);
	}
	return 0;
}

/* Writes rootfs/.htux/name holding the n strings of v, each ended by a
   NUL when nul, else the one string as it is. */
static int put_file(const char *rootfs, const char *name, char *const v[], size_t n, int nul)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/.htux", rootfs);
	if (mkdir(path, 0755) && errno != EEXIST) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/.htux/%s", rootfs, name);
	unlink(path);
	f = fopen(path, "w");
	for (size_t i = 0; f && i < n; i++)
		fwrite(v[i], 1, strlen(v[i]) + (nul ? 1 : 0), f);
	if (!f || fclose(f)) {
		mk_error(path, "%s", strerror(errno));
		return -1;
	}
	return chmod(path, 0644);
}

/* Has debugfs written anything but its banner to the file err? */
static int debugfs_failed(const char *err)
{
	char line[512];
	FILE *f = fopen(err, "r");
	int bad = 0;

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "debugfs ", 8)) {
			line[strcspn(line, "\n")] = '\0';
			mk_error(NULL, "debugfs: %s", line);
			bad = 1;
			break;
		}
	if (f)
		fclose(f);
	return bad;
}

int rootdisk_write(const struct oci_app *a, const char *out)
{
	char script[4096], log[4096], err[4096], dout[4096], size[32], inodes[32];
	uint64_t bytes, n;
	char **argv = malloc((a->argc + 2) * sizeof *argv);
	int r = -1;

	if (!argv) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	/* /.htux/argv: the program's guest path, then argv; as oci_add() */
	argv[0] = a->prog;
	memcpy(argv + 1, a->argv, a->argc * sizeof *argv);
	r = put_file(a->rootfs, "argv", argv, a->argc + 1, 1) ||
			    put_file(a->rootfs, "env", a->env, a->nenv, 1) ||
			    (a->user && put_file(a->rootfs, "user", &a->user, 1, 0)) ||
			    (a->cwd && put_file(a->rootfs, "cwd", &a->cwd, 1, 0))
		    ? -1
		    : 0;
	free(argv);
	if (!r && a->syscall_sites) {
		char *t = sites_tree(a->rootfs);
		r = t ? put_file(a->rootfs, "sites", &t, 1, 0) : -1;
		free(t);
	}
	if (r || rootdisk_measure(a->rootfs, &bytes, &n))
		return -1;
	r = -1;
	/* room for the tree, its inode tables and metadata, and 64 MiB (and
	   a quarter more inodes) for what the program writes */
	snprintf(size, sizeof size, "%lluk",
		 (unsigned long long)((bytes + bytes / 8 + n * 256 + 64 * MIB) >> 10));
	snprintf(inodes, sizeof inodes, "%llu", (unsigned long long)(n + n / 4 + 1024));
	snprintf(script, sizeof script, "%s/debugfs.cmd", a->tmpdir);
	snprintf(log, sizeof log, "%s/log", a->tmpdir);
	snprintf(err, sizeof err, "%s/debugfs.err", a->tmpdir);
	snprintf(dout, sizeof dout, "%s/debugfs.out", a->tmpdir);
	char *mke2fs[] = { "mke2fs", "-q", "-F",   "-t", "ext2",    "-b",        "4096", "-m",
			   "0",      "-N", inodes, "-d", a->rootfs, (char *)out, size,   NULL };
	if (spawn(mke2fs, log, "e2fsprogs"))
		return -1;
	memset(&w, 0, sizeof w);
	w.base = strlen(a->rootfs);
	w.script = fopen(script, "w");
	if (!w.script) {
		mk_error(script, "%s", strerror(errno));
		return -1;
	}
	if (nftw(a->rootfs, fix_one, 16, FTW_PHYS)) {
		fclose(w.script);
		if (w.bad)
			mk_error(
				w.bad,
				"a name with a newline cannot go on a root disk; use --rootfs initrd");
		else
			mk_error(a->rootfs, "%s", strerror(errno));
		return -1;
	}
	if (!w.lost_found) /* mke2fs's own: not in the image */
		fputs("rmdir /lost+found\n", w.script);
	if (fclose(w.script)) {
		mk_error(script, "%s", strerror(errno));
		return -1;
	}
	char *debugfs[] = { "debugfs", "-w", "-f", script, (char *)out, NULL };
	unlink(err);
	if (!spawn_out(debugfs, dout, err, "e2fsprogs") && !debugfs_failed(err))
		r = 0;
	return r;
}
