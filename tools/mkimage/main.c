/* main.c: htux-mkimage: makes the initrd image (cpio newc) that htux boots:
   the program, added files, /.htux/argv and /.htux/env; with --format, a
   bootable GRUB disk around it; with --libvirt, a libvirt domain. */
#include "applets.h"
#include "deps.h"
#include "disk.h"
#include "libvirt.h"
#include "kernelpath.h"
#include "elfcheck.h"
#include "image.h"
#include "jdk.h"
#include "manifest.h"
#include "minimal.h"
#include "sysscan.h"
#include "options.h"
#include "user.h"
#include "path.h"
#include "report.h"
#include "tracefiles.h"
#include "../common/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

static const char usage[] =
	"Usage: htux-mkimage -o IMAGE [OPTION]... PROG [ARG]...\n"
	"Make the initrd image (cpio newc) that runs PROG with ARGs under htux:\n"
	"  qemu-system-x86_64 -kernel htux.elf -initrd IMAGE\n"
	"or, with --format, a disk image that boots it with GRUB:\n"
	"  qemu-system-x86_64 -drive file=IMAGE,format=raw\n"
	"\n"
	"PROG must be an x86-64 Linux ELF program, static or dynamically linked.\n"
	"A PROG without '/' is looked up in $PATH. It is stored at its\n"
	"absolute host path (symbolic links in that path are not resolved; a PROG\n"
	"that is itself a link is stored as the file it points to); the guest's\n"
	"argv[0] is PROG as typed.\n"
	"\n"
	"Options (they end at PROG or at \"--\"):\n"
	"  -o, --output IMAGE     write the image to IMAGE (required); it is\n"
	"                         replaced only once complete\n"
	"  -e, --env NAME=VALUE   set an environment variable of the program; the\n"
	"                         defaults are PATH=/usr/local/bin:/usr/bin:/bin\n"
	"                         and HOME=/\n"
	"  --add HOST[:GUEST]     add the host file or directory HOST (a directory\n"
	"                         with everything below it, symbolic links inside\n"
	"                         it kept as links) at the absolute path GUEST;\n"
	"                         GUEST defaults to HOST's absolute path; HOST ends\n"
	"                         at the first ':'; not under /proc, /sys or\n"
	"                         /dev (the guest's kernel makes its own)\n"
	"  --user NAME|UID[:GID]  run PROG as this user (/.htux/user): its uid,\n"
	"                         primary group (or GID) and the groups that list\n"
	"                         it in the image's /etc/passwd and /etc/group,\n"
	"                         HOME from passwd unless -e HOME is given, and no\n"
	"                         capabilities. An image without /etc/passwd (none\n"
	"                         --add'ed) gets one with root's entries and this\n"
	"                         host's entries for the user, and an /etc/group\n"
	"                         likewise. Files in the image belong to root\n"
	"                         (0:0) with their host modes; the user can write\n"
	"                         in /tmp (mode 1777)\n"
	"  --trace-files          run PROG once on this host under strace, with\n"
	"                         the same ARGs and environment, and add every\n"
	"                         file and directory it read, stat'ed or listed\n"
	"                         successfully (symbolic links kept as links; not\n"
	"                         files it only created or wrote, nor anything\n"
	"                         under /proc, /sys, /dev or /tmp: a link there\n"
	"                         stays a link only); one summary\n"
	"                         line on stderr. Needs strace\n"
	"  --minimal KERNEL       also write KERNEL, an htux kernel holding only\n"
	"                         the system calls PROG (and its libraries) can\n"
	"                         make, found by disassembling their code; when a\n"
	"                         call's number cannot be found, every handler is\n"
	"                         kept. One line on stderr says what was found and\n"
	"                         the size saved. Needs binutils (as, ld, nm)\n"
	"  --minimal-ignore-unknown  with --minimal: leave out the handlers of calls\n"
	"                         found nowhere, even when some sites' numbers are\n"
	"                         unknown (they get -ENOSYS for those; the kernel\n"
	"                         option trace names them)\n"
	"\n"
	"Deployment (see \"Deploying\" in the README):\n"
	"  --format FORMAT        what IMAGE is: cpio (default: the initrd alone),\n"
	"                         or a disk that boots with GRUB under BIOS and\n"
	"                         UEFI, with no -kernel: raw (MBR disk), qcow2,\n"
	"                         iso (BIOS+UEFI hybrid, CD or disk), gce\n"
	"                         (disk.raw of whole GiB in a .tar.gz, for Google\n"
	"                         Compute Engine) or aws (raw of whole GiB, for\n"
	"                         EC2 VM import)\n"
	"  --kernel FILE          the htux kernel to put in the disk or domain\n"
	"                         (default: $HTUX_KERNEL, else htux.elf next to\n"
	"                         htux-mkimage, else the installed one)\n"
	"  --append WORDS         kernel command line (verbose, NAME=VALUE,\n"
	"                         -- PROG ARGS...) written into the GRUB\n"
	"                         configuration or the domain\n"
	"  --libvirt NAME         also write the libvirt domain NAME.xml next to\n"
	"                         IMAGE: direct kernel boot for a cpio, disk boot\n"
	"                         otherwise; console on the first serial port,\n"
	"                         the program's status to NAME.exit\n"
	"  --memory SIZE          the domain's memory (default 128M)\n"
	"  --net                  add a virtio network card (user networking)\n"
	"  --blk FILE             add the raw file FILE as a virtio disk\n"
	"  --uefi                 boot the disk with OVMF (default: SeaBIOS)\n"
	"  --kvm, --tcg           domain type kvm or qemu (default: kvm when\n"
	"                         /dev/kvm can run a guest here)\n"
	"\n"
	"  -h, --help             show this help and exit\n"
	"  --version              show the version and exit\n"
	"\n"
	"A dynamically linked PROG gets its interpreter (PT_INTERP) and the\n"
	"libraries it needs (DT_NEEDED, recursively), each at the path the loader\n"
	"opens it by: DT_RPATH/DT_RUNPATH with $ORIGIN, LD_LIBRARY_PATH from -e,\n"
	"/etc/ld.so.cache (added too), the default directories; musl's loader\n"
	"likewise. A library that cannot be found is an error. With glibc,\n"
	"libgcc_s.so.1 (dlopened by libc) and the NSS modules named by the\n"
	"image's /etc/nsswitch.conf come too, when the host has them. Files given\n"
	"with --add come first: a library at the same path is not added again.\n"
	"Every other ELF program or shared object in the image (from --add or\n"
	"--trace-files: Python extension modules, plugins) gets its interpreter\n"
	"and libraries the same way, one missing on the host being counted, not\n"
	"an error; one line on stderr says how many libraries were added for\n"
	"them. --add adds a directory whole, with no exclusions (a test suite\n"
	"in it too).\n"
	"\n"
	"The image holds every directory above each file (mode 0755), the files\n"
	"with their host modes, /.htux/argv (guest path of PROG, then argv[0] and\n"
	"each ARG) and /.htux/env (NAME=VALUE strings), each string ending with a\n"
	"NUL byte. When PROG is busybox, each of its applets (busybox --list-full)\n"
	"is also a symbolic link to it (/bin/sh, /usr/bin/wc, ...) unless the name\n"
	"is taken. When PROG is a JDK launcher (its real path HOME/bin/NAME, with\n"
	"HOME/lib/jvm.cfg and HOME/lib/modules), it is stored at its real path\n"
	"(PROG stays a link), and HOME/lib (less the libraries that need a\n"
	"display, *_nocoops.jsa, src.zip, classlist, jar.binfmt and, for java,\n"
	"ct.sym), HOME/conf and HOME/release are added, each library with the\n"
	"libraries it needs. See docs/design.md.\n"
	"\n"
	"Exit status: 0 on success, 1 when a file cannot be used (one line\n"
	"\"htux-mkimage: PATH: reason\" on stderr), 2 on a usage error.\n";

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/htux"
#endif

static char *tmp_name, *disk_tmp_name;

static void on_signal(int sig)
{
	if (tmp_name)
		unlink(tmp_name);
	if (disk_tmp_name)
		unlink(disk_tmp_name);
	disk_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int64_t build_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (s && *s) {
		t = strtoll(s, &end, 10);
		if (!*end && t >= 0)
			return t;
	}
	return time(NULL);
}

/* Opens a temporary file next to out; *tmp gets its name. */
static FILE *open_tmp(const char *out, char **tmp)
{
	sigset_t all, old;
	mode_t mask;
	FILE *f;
	int fd;

	*tmp = malloc(strlen(out) + 8);
	if (!*tmp) {
		mk_error(NULL, "out of memory");
		return NULL;
	}
	strcpy(*tmp, out);
	strcat(*tmp, ".XXXXXX");
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	fd = mkstemp(*tmp);
	if (fd >= 0)
		tmp_name = *tmp;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		mk_error(out, "cannot create: %s", strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask)) {
		mk_error(*tmp, "%s", strerror(errno));
		goto fail;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		mk_error(*tmp, "%s", strerror(errno));
		goto fail;
	}
	return f;
fail:
	close(fd);
	unlink(*tmp);
	tmp_name = NULL;
	free(*tmp);
	*tmp = NULL;
	return NULL;
}

static int env_given(const struct mk_opts *o, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < o->nenv; i++)
		if (!strncmp(o->env[i], name, n) && o->env[i][n] == '=')
			return 1;
	return 0;
}

/* Takes HOME=/ (the default) out of the environment blob b. */
static void drop_default_home(struct blob *b)
{
	size_t i, n;

	for (i = 0; i < b->len; i += n) {
		n = strlen(b->data + i) + 1;
		if (!strcmp(b->data + i, "HOME=/")) {
			memmove(b->data + i, b->data + i + n, b->len - i - n);
			b->len -= n;
			return;
		}
	}
}

static int add_manifests(struct image *im, const struct mk_opts *o, const char *guest_prog)
{
	struct blob b;
	int r;

	if (manifest_argv(&b, guest_prog, o->prog, o->args, o->nargs)) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	r = image_add_data(im, "/.htux/argv", 0644, b.data, b.len);
	blob_free(&b);
	if (r)
		return -1;
	if (manifest_env(&b, o->env, o->nenv)) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	if (o->user && !env_given(o, "HOME"))
		drop_default_home(&b); /* the kernel takes the user's from passwd */
	r = image_add_data(im, "/.htux/env", 0644, b.data, b.len);
	blob_free(&b);
	if (!r && o->user)
		r = user_add(im, o->user);
	return r;
}

static int add_files(struct image *im, const struct mk_opts *o)
{
	char *host, *guest;
	size_t i;
	int r;

	for (i = 0; i < o->nadd; i++) {
		host = path_absolute(o->add[i].host);
		if (o->add[i].guest)
			guest = path_normalize(o->add[i].guest);
		else
			guest = host ? strdup(host) : NULL;
		if (!host || !guest) {
			mk_error(o->add[i].host, "%s", strerror(errno));
			free(host);
			free(guest);
			return -1;
		}
		r = image_add(im, host, guest);
		free(host);
		free(guest);
		if (r)
			return -1;
	}
	return 0;
}

/* The libraries of the other ELF objects in the image, appended to d
   (for --minimal). */
static int add_image_deps(struct image *im, const struct mk_opts *o, const char *abs,
			  const struct elf_info *info, struct deps *d)
{
	struct deps more = { 0 };
	size_t i;
	int r;

	r = deps_image(im, abs, info->interp, o->env, o->nenv, d, &more);
	for (i = 0; !r && i < more.n; i++) {
		struct dep *v = realloc(d->v, (d->n + 1) * sizeof *v);

		if (!v) {
			mk_error(NULL, "out of memory");
			r = -1;
			break;
		}
		d->v = v;
		v[d->n++] = more.v[i];
		more.v[i].host = more.v[i].guest = NULL;
	}
	deps_free(&more);
	return r;
}

/* Runs the program under strace for --trace-files. */
static int trace(const struct mk_opts *o, const char *found, struct trace_files *t)
{
	struct blob env;
	int r;

	if (manifest_env(&env, o->env, o->nenv)) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	r = trace_files_run(found, o->prog, o->args, o->nargs, env.data, env.len, t);
	blob_free(&env);
	return r;
}

/* Turns the program image cpio (a temporary file) into the disk image
   o->output; removes cpio. */
static int make_disk(const struct mk_opts *o, const char *kernel, char *cpio)
{
	struct disk_spec d = { o->format, kernel, cpio, o->append, NULL, build_time() };
	sigset_t all, old;
	mode_t mask;
	char *tmp;
	int fd, r = -1;

	tmp = malloc(strlen(o->output) + 8);
	if (!tmp) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	strcpy(tmp, o->output);
	strcat(tmp, ".XXXXXX");
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	fd = mkstemp(tmp);
	if (fd >= 0)
		disk_tmp_name = tmp;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		mk_error(o->output, "cannot create: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	d.output = tmp;
	mask = umask(0);
	umask(mask);
	if (disk_make(&d) == 0) {
		if (chmod(tmp, 0666 & ~mask) || rename(tmp, o->output))
			mk_error(o->output, "%s", strerror(errno));
		else
			r = 0;
	}
	if (r)
		unlink(tmp);
	disk_tmp_name = NULL;
	free(tmp);
	return r;
}

static int make_domain(const struct mk_opts *o, const char *kernel)
{
	struct libvirt_spec l = { 0 };
	char *out = strdup(o->output);
	int r;

	if (!out) {
		mk_error(NULL, "out of memory");
		return -1;
	}
	l.name = o->libvirt;
	l.dir = dirname(out);
	l.format = o->format;
	l.image = o->output;
	l.kernel = kernel;
	l.append = o->append;
	l.memory_mib = o->memory_mib ? o->memory_mib : 128;
	l.blk = o->blk;
	l.net = o->net;
	l.uefi = o->uefi;
	l.kvm = o->kvm >= 0 ? o->kvm : kvm_error() == 0;
	r = libvirt_write(&l);
	free(out);
	return r;
}

/* A file starting with the ELF magic bytes. */
static int is_elf(const char *path)
{
	char m[4] = { 0 };
	FILE *f = fopen(path, "rb");

	if (!f)
		return 0;
	size_t n = fread(m, 1, 4, f);
	fclose(f);
	return n == 4 && !memcmp(m, "\177ELF", 4);
}

/* --minimal: scans the program and the ELF files it needs, links the
   kernel; returns the exit status. */
static int minimal(const struct mk_opts *o, const char *found, const struct deps *d)
{
	struct sysscan s;

	memset(&s, 0, sizeof s);
	if (sysscan_file(found, &s))
		return 1;
	for (size_t i = 0; i < d->n; i++)
		if (is_elf(d->v[i].host) && sysscan_file(d->v[i].host, &s))
			return 1;
	return minimal_kernel(o->minimal, o->prog, &s, o->minimal_ignore_unknown) ? 1 : 0;
}

/* Writes the image; returns the exit status. */
static int make(const struct mk_opts *o)
{
	struct elf_info info;
	struct deps deps = { 0 };
	struct trace_files traced;
	struct image im;
	char *found, *abs = NULL, *tmp = NULL, *kernel = NULL;
	char *jhome = NULL, *jreal, *link = NULL;
	FILE *f = NULL;
	int ret = 1;

	memset(&traced, 0, sizeof traced);
	if ((o->format != FORMAT_CPIO || o->libvirt) && !(kernel = find_kernel(o->kernel)))
		return 1;
	if (o->blk && access(o->blk, R_OK)) {
		mk_error(o->blk, "%s", strerror(errno));
		free(kernel);
		return 1;
	}
	found = path_search(o->prog);
	if (!found) {
		mk_error(o->prog, "%s", errno == ENOENT ? "not found in PATH" : strerror(errno));
		free(kernel);
		return 1;
	}
	if (elf_check(found, &info))
		goto out_found;
	abs = path_absolute(found);
	if (!abs) {
		mk_error(found, "%s", strerror(errno));
		goto out_deps;
	}
	/* A JDK launcher finds java.home from its real path: it goes there,
	   PROG's link stays a link (tools/mkimage/jdk.c) */
	jhome = jdk_home(found, &jreal);
	if (jhome && strcmp(jreal, abs)) {
		link = abs;
		abs = jreal;
	} else {
		free(jreal);
	}
	if (deps_collect(found, abs, &info, o->env, o->nenv, &deps))
		goto out_deps;
	if (o->trace_files && trace(o, found, &traced))
		goto out_deps;
	f = open_tmp(o->output, &tmp);
	if (!f)
		goto out_deps;
	image_init(&im, f, o->output, build_time());
	/* --add first: what the user put at a library's path wins */
	if (image_add(&im, abs, abs) || add_files(&im, o) ||
	    (link && image_add_reached(&im, link, link, NULL) < 0) || deps_add(&im, &deps) ||
	    (jhome && jdk_add(&im, jhome, abs, info.interp)) ||
	    (o->trace_files && trace_files_add(&im, &traced, found)) ||
	    add_image_deps(&im, o, abs, &info, &deps) || applets_add(&im, found, abs) ||
	    add_manifests(&im, o, abs) || image_finish(&im))
		goto out_image;
	if (fclose(f)) {
		f = NULL;
		mk_error(o->output, "write error: %s", strerror(errno));
		goto out_image;
	}
	f = NULL;
	if (o->format != FORMAT_CPIO) {
		if (make_disk(o, kernel, tmp))
			goto out_image;
		unlink(tmp);
	} else if (rename(tmp, o->output)) {
		mk_error(o->output, "%s", strerror(errno));
		goto out_image;
	}
	tmp_name = NULL;
	if (o->libvirt && make_domain(o, kernel))
		goto out_image;
	ret = o->minimal ? minimal(o, found, &deps) : 0;
out_image:
	image_free(&im);
	if (f)
		fclose(f);
	if (ret && tmp_name) {
		unlink(tmp);
		tmp_name = NULL;
	}
	free(tmp);
out_deps:
	free(jhome);
	free(link);
	trace_files_free(&traced);
	deps_free(&deps);
	free(abs);
	elf_info_free(&info);
out_found:
	free(found);
	free(kernel);
	return ret;
}

int main(int argc, char **argv)
{
	struct mk_opts o;
	char err[512];
	int ret;

	if (mk_parse(argc, argv, &o, err, sizeof err)) {
		mk_error(NULL, "%s", err);
		mk_opts_free(&o);
		return 2;
	}
	if (o.help) {
		fputs(usage, stdout);
		ret = 0;
	} else if (o.version) {
		puts("htux-mkimage " PACKAGE_VERSION);
		ret = 0;
	} else {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		ret = make(&o);
	}
	if ((o.help || o.version) && fflush(stdout)) {
		mk_error(NULL, "write error: %s", strerror(errno));
		ret = 1;
	}
	mk_opts_free(&o);
	return ret;
}
