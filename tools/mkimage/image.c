/* image.c: building the image: parent directories, host files, trees and
   symbolic links, each name once (a file with several names written once,
   the others hard links; owners from umoci's rootless attribute for
   --oci); nothing under /proc, /sys or /dev, which the guest's kernel
   makes itself. */
#include "image.h"
#include "path.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static int write_failed(struct image *im)
{
	mk_error(im->out, "write error: %s", strerror(errno));
	return -1;
}

static int no_memory(void)
{
	mk_error(NULL, "out of memory");
	return -1;
}

const char *image_pseudo(const char *guest)
{
	static const char *const dirs[] = { "/proc", "/sys", "/dev" };
	size_t i, n;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		n = strlen(dirs[i]);
		if (!strncmp(guest, dirs[i], n) && (guest[n] == '\0' || guest[n] == '/'))
			return dirs[i];
	}
	return NULL;
}

int image_init(struct image *im, FILE *f, const char *out, int64_t now)
{
	struct stat st;

	memset(im, 0, sizeof *im);
	cpio_init(&im->cpio, f);
	im->out = out;
	im->now = now;
	if (fstat(fileno(f), &st) == 0) {
		im->out_dev = st.st_dev;
		im->out_ino = st.st_ino;
	}
	return 0;
}

/* Adds every missing directory above guest. */
static int add_parents(struct image *im, const char *guest)
{
	char *p = strdup(guest), *s;
	struct pathset_entry *e;
	int ret = -1;

	if (!p)
		return no_memory();
	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		e = pathset_find(&im->seen, p);
		if (e && e->kind != PS_DIR) {
			mk_error(guest, "cannot add it: %s is not a directory in the image", p);
			goto out;
		}
		if (!e) {
			if (cpio_dir(&im->cpio, p, 0755, im->now)) {
				write_failed(im);
				goto out;
			}
			if (!pathset_add(&im->seen, p, NULL, PS_DIR)) {
				no_memory();
				goto out;
			}
		}
		*s = '/';
	}
	ret = 0;
out:
	free(p);
	return ret;
}

/* Checks whether guest is new (1), the same host entry again (0), or a
   conflict (-1, reported). */
static int is_new(struct image *im, const char *host, const char *guest, int kind)
{
	struct pathset_entry *e = pathset_find(&im->seen, guest);

	if (!e)
		return 1;
	if (e->kind == kind && (kind == PS_DIR || (e->host && !strcmp(e->host, host))))
		return 0;
	if (e->host)
		mk_error(guest, "already in the image (from %s)", e->host);
	else
		mk_error(guest, "already in the image");
	return -1;
}

static int remember(struct image *im, const char *host, const char *guest, int kind)
{
	if (!pathset_add(&im->seen, guest, host, kind))
		return no_memory();
	return 0;
}

void image_rootless_owners(struct image *im) { im->rootless_owners = 1; }

/* One varint of a protobuf message at *p (below end), or -1. */
static int64_t varint(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;

	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v > 0xffffffffu ? -1 : (int64_t)v;
	}
	return -1;
}

/* umoci's user.rootlesscontainers attribute on host is the protobuf
   message Resource { uint32 uid = 1; uint32 gid = 2; } (4294967295:
   unchanged, i.e. root). */
int rootless_owner(const char *host, uint32_t *uid, uint32_t *gid)
{
	unsigned char buf[64];
	const unsigned char *p = buf, *end;
	int64_t id[3] = { 0, 0, 0 };
	ssize_t n;

	n = lgetxattr(host, "user.rootlesscontainers", buf, sizeof buf);
	for (end = buf + (n > 0 ? n : 0); p < end;) {
		int64_t key = varint(&p, end), v;
		if (key < 0 || (key & 7) != 0)
			break; /* only varint fields are expected */
		v = varint(&p, end);
		if (v < 0)
			break;
		if ((key >> 3) == 1 || (key >> 3) == 2)
			id[key >> 3] = v == 0xffffffff ? 0 : v;
	}
	*uid = (uint32_t)id[1];
	*gid = (uint32_t)id[2];
	return n > 0;
}

/* With rootless_owners, the owner of the next entry. */
static void owner(struct image *im, const char *host)
{
	uint32_t uid, gid;

	if (!im->rootless_owners)
		return;
	rootless_owner(host, &uid, &gid);
	cpio_owner(&im->cpio, uid, gid);
}

/* Another name of a host file written already (same device and inode):
   a hard link entry; 0, 1 when it is the first name, or -1. */
static int add_hardlink(struct image *im, const char *host, const char *guest,
			const struct stat *st)
{
	for (size_t i = 0; i < im->nhlinks; i++) {
		struct image_hlink *h = &im->hlinks[i];
		if (h->dev == st->st_dev && h->ino == st->st_ino) {
			owner(im, host);
			if (cpio_hardlink(&im->cpio, guest, st->st_mode, st->st_mtime, h->cpio_ino,
					  (uint32_t)st->st_nlink))
				return write_failed(im);
			return 0;
		}
	}
	return 1;
}

/* Notes the file just begun as the first name of st. */
static int hlink_note(struct image *im, const struct stat *st)
{
	struct image_hlink *h = realloc(im->hlinks, (im->nhlinks + 1) * sizeof *h);

	if (!h)
		return no_memory();
	im->hlinks = h;
	h[im->nhlinks++] = (struct image_hlink){ st->st_dev, st->st_ino, im->cpio.ino };
	return 0;
}

static int add_file(struct image *im, const char *host, const char *guest, int follow)
{
	static char buf[65536];
	struct stat st;
	uint64_t left;
	ssize_t n;
	int fd, r;

	r = is_new(im, host, guest, PS_FILE);
	if (r <= 0)
		return r;
	fd = open(host, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		mk_error(host, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		mk_error(host, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		mk_error(host, "not a regular file");
		goto fail;
	}
	if ((uint64_t)st.st_size > CPIO_SIZE_MAX) {
		mk_error(host, "too large for a cpio newc image (4 GiB at most)");
		goto fail;
	}
	if (add_parents(im, guest))
		goto fail;
	if (st.st_nlink > 1) {
		r = add_hardlink(im, host, guest, &st);
		if (r < 0)
			goto fail;
		if (r == 0) {
			close(fd);
			return remember(im, host, guest, PS_FILE);
		}
	}
	owner(im, host);
	if (cpio_file_begin_links(&im->cpio, guest, st.st_mode, st.st_mtime, (uint64_t)st.st_size,
				  st.st_nlink > 1 ? (uint32_t)st.st_nlink : 1)) {
		write_failed(im);
		goto fail;
	}
	if (st.st_nlink > 1 && hlink_note(im, &st))
		goto fail;
	for (left = (uint64_t)st.st_size; left; left -= (uint64_t)n) {
		n = read(fd, buf, left < sizeof buf ? left : sizeof buf);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0) {
			mk_error(host, "read error: %s", strerror(errno));
			goto fail;
		}
		if (n == 0) {
			mk_error(host, "file shrank while being read");
			goto fail;
		}
		if (cpio_file_write(&im->cpio, buf, (size_t)n)) {
			write_failed(im);
			goto fail;
		}
	}
	close(fd);
	if (cpio_file_end(&im->cpio))
		return write_failed(im);
	return remember(im, host, guest, PS_FILE);
fail:
	close(fd);
	return -1;
}

/* The target of the symbolic link host (malloc'd), or NULL (reported). */
static char *link_target(const char *host, const struct stat *st)
{
	size_t cap = st->st_size > 0 ? (size_t)st->st_size + 1 : 4096;
	char *target;
	ssize_t n;

	target = malloc(cap);
	if (!target) {
		no_memory();
		return NULL;
	}
	n = readlink(host, target, cap);
	if (n < 0 || (size_t)n >= cap) {
		mk_error(host, "%s",
			 n < 0 ? strerror(errno) : "symbolic link changed while being read");
		free(target);
		return NULL;
	}
	target[n] = '\0';
	return target;
}

static int add_symlink(struct image *im, const char *host, const char *guest, const struct stat *st)
{
	char *target;
	int r;

	r = is_new(im, host, guest, PS_SYMLINK);
	if (r <= 0)
		return r;
	target = link_target(host, st);
	if (!target)
		return -1;
	r = add_parents(im, guest);
	if (!r)
		owner(im, host);
	if (!r && cpio_symlink(&im->cpio, guest, target, st->st_mtime))
		r = write_failed(im);
	free(target);
	if (r)
		return -1;
	return remember(im, host, guest, PS_SYMLINK);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_tree(struct image *im, const char *host, const char *guest, const struct stat *st);

/* One entry found inside a directory being added. */
static int add_entry(struct image *im, const char *host, const char *guest)
{
	struct stat st;

	if (lstat(host, &st)) {
		mk_error(host, "%s", strerror(errno));
		return -1;
	}
	if ((st.st_dev == im->out_dev && st.st_ino == im->out_ino) || image_pseudo(guest))
		return 0;
	if (S_ISDIR(st.st_mode))
		return add_tree(im, host, guest, &st);
	if (S_ISREG(st.st_mode))
		return add_file(im, host, guest, 0);
	if (S_ISLNK(st.st_mode))
		return add_symlink(im, host, guest, &st);
	mk_warn(host, "skipped (not a regular file, directory or symbolic link)");
	return 0;
}

static int add_tree(struct image *im, const char *host, const char *guest, const struct stat *st)
{
	struct dirent **names;
	char *h, *g;
	int i, n, r, ret = 0;

	if (strcmp(guest, "/")) {
		r = is_new(im, host, guest, PS_DIR);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (add_parents(im, guest))
				return -1;
			owner(im, host);
			if (cpio_dir(&im->cpio, guest, st->st_mode, st->st_mtime))
				return write_failed(im);
			if (remember(im, host, guest, PS_DIR))
				return -1;
		}
	}
	n = scandir(host, &names, NULL, by_name);
	if (n < 0) {
		mk_error(host, "%s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (ret || !strcmp(name, ".") || !strcmp(name, ".."))
			goto next;
		h = path_join(host, name);
		g = path_join(guest, name);
		if (!h || !g)
			ret = no_memory();
		else
			ret = add_entry(im, h, g);
		free(h);
		free(g);
next:
		free(names[i]);
	}
	free(names);
	return ret;
}

int image_add(struct image *im, const char *host, const char *guest)
{
	const char *pseudo = image_pseudo(guest);
	struct stat st;

	if (pseudo) {
		mk_error(host, "cannot be added as %s: the guest's kernel makes its own %s", guest,
			 pseudo);
		return -1;
	}
	if (stat(host, &st)) {
		mk_error(host, "%s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return add_tree(im, host, guest, &st);
	if (S_ISREG(st.st_mode)) {
		if (!strcmp(guest, "/")) {
			mk_error(host, "a file cannot be added as /");
			return -1;
		}
		return add_file(im, host, guest, 1);
	}
	mk_error(host, "not a regular file or directory");
	return -1;
}

/* The directory part of path (up to its last '/') followed by rel. */
static char *beside(const char *path, const char *rel)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0;
	char *s = malloc(n + strlen(rel) + 1);

	if (!s)
		return NULL;
	memcpy(s, path, n);
	strcpy(s + n, rel);
	return s;
}

/* One step of image_add_reached(): adds host (lstat'ed as st) as guest
   unless the name is taken. Returns 1 when it was taken, 0, or -1. */
static int add_reached_one(struct image *im, const char *host, const char *guest,
			   const struct stat *st, struct image_counts *c)
{
	if (pathset_find(&im->seen, guest))
		return 1;
	if (S_ISLNK(st->st_mode)) {
		if (add_symlink(im, host, guest, st))
			return -1;
		c->links++;
	} else if (S_ISREG(st->st_mode)) {
		if (add_file(im, host, guest, 0))
			return -1;
		c->files++;
	} else if (S_ISDIR(st->st_mode)) {
		if (!strcmp(guest, "/"))
			return 1;
		if (add_parents(im, guest))
			return -1;
		if (cpio_dir(&im->cpio, guest, st->st_mode, st->st_mtime))
			return write_failed(im);
		if (remember(im, host, guest, PS_DIR))
			return -1;
		c->dirs++;
	} else {
		return 1; /* devices, FIFOs, sockets: the guest has its own */
	}
	return 0;
}

int image_add_reached(struct image *im, const char *host, const char *guest, struct image_counts *c)
{
	struct image_counts dummy;
	char *h = strdup(host), *g = strdup(guest), *t, *nh, *ng;
	struct stat st;
	int hops, r, ret = -1;

	if (!c)
		c = &dummy;
	if (!h || !g) {
		no_memory();
		goto out;
	}
	for (hops = 0;; hops++) {
		if (image_pseudo(g)) {
			/* the guest's own: a link to /proc/self/mounts stays a link */
			ret = hops ? 0 : 1;
			goto out;
		}
		if (lstat(h, &st)) {
			if (errno == ENOENT || errno == ENOTDIR) {
				/* missing, or a dangling link as on the host */
				ret = hops ? 0 : 1;
				goto out;
			}
			mk_error(h, "%s", strerror(errno));
			goto out;
		}
		if (st.st_dev == im->out_dev && st.st_ino == im->out_ino) {
			ret = 0;
			goto out;
		}
		if (S_ISLNK(st.st_mode) && hops >= 40) {
			mk_error(host, "too many levels of symbolic links");
			goto out;
		}
		r = add_reached_one(im, h, g, &st, c);
		if (r < 0)
			goto out;
		if (r > 0 || !S_ISLNK(st.st_mode)) {
			ret = 0;
			goto out;
		}
		t = link_target(h, &st);
		if (!t)
			goto out;
		nh = t[0] == '/' ? strdup(t) : beside(h, t);
		ng = t[0] == '/' ? strdup(t) : beside(g, t);
		free(t);
		free(h);
		h = nh;
		t = ng ? path_normalize(ng) : NULL;
		free(ng);
		free(g);
		g = t;
		if (!h || !g) {
			no_memory();
			goto out;
		}
	}
out:
	free(h);
	free(g);
	return ret;
}

int image_add_data(struct image *im, const char *guest, unsigned mode, const void *data,
		   size_t size)
{
	struct pathset_entry *e = pathset_find(&im->seen, guest);

	if (e) {
		if (e->host)
			mk_error(guest, "already in the image (from %s)", e->host);
		else
			mk_error(guest, "already in the image");
		return -1;
	}
	if (add_parents(im, guest))
		return -1;
	if (cpio_file(&im->cpio, guest, mode, im->now, data, size))
		return write_failed(im);
	return remember(im, NULL, guest, PS_FILE);
}

int image_has(struct image *im, const char *guest)
{
	return pathset_find(&im->seen, guest) != NULL;
}

int image_add_link(struct image *im, const char *guest, const char *target)
{
	struct pathset_entry *e = pathset_find(&im->seen, guest);

	if (e)
		return 0;
	if (add_parents(im, guest))
		return -1;
	if (cpio_symlink(&im->cpio, guest, target, im->now))
		return write_failed(im);
	return remember(im, NULL, guest, PS_SYMLINK);
}

int image_finish(struct image *im)
{
	if (cpio_trailer(&im->cpio) || fflush(im->cpio.f))
		return write_failed(im);
	return 0;
}

void image_free(struct image *im)
{
	pathset_free(&im->seen);
	free(im->hlinks);
	im->hlinks = NULL;
	im->nhlinks = 0;
}
