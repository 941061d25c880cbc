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
#include "sites.h"
#include "sysscan.h"
#include "options.h"
#include "user.h"
#include "path.h"
#include "report.h"
#include "tracefiles.h"
#include "usage.h"
#include "progress.h"
#include "oci.h"
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
	oci_cleanup(); /* --oci's unpacked image, --format oci's work */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The time of the directories and files the image makes (and of disk
   images): $SOURCE_DATE_EPOCH, else 0 (1970), never the current time, so
   that the same inputs give the same bytes. The tools run for disk images
   (mtools, xorriso, tar) get it as SOURCE_DATE_EPOCH too. */
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
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	return 0;
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
	progress_phase(o->format == FORMAT_ISO ? "making the ISO image" : "making the disk image");
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

/* Closes the finished cpio *f (the temporary file tmp) and makes it
   o->output: as it is, or in a disk image; then the libvirt domain. */
static int write_out(const struct mk_opts *o, const char *kernel, FILE **f, char *tmp)
{
	int r = fclose(*f);

	*f = NULL;
	if (r) {
		mk_error(o->output, "write error: %s", strerror(errno));
		return -1;
	}
	if (o->format == FORMAT_OCI) {
		r = oci_write(o, kernel, tmp);
		unlink(tmp);
		if (r)
			return -1;
	} else if (o->format != FORMAT_CPIO) {
		if (make_disk(o, kernel, tmp))
			return -1;
		unlink(tmp);
	} else if (rename(tmp, o->output)) {
		mk_error(o->output, "%s", strerror(errno));
		return -1;
	}
	tmp_name = NULL;
	return o->libvirt && make_domain(o, kernel) ? -1 : 0;
}

/* --oci: the container image's root filesystem and process
   (tools/mkimage/oci.c), then --add's files; returns the exit status. */
static int make_oci(const struct mk_opts *o, char *kernel)
{
	struct oci_app app;
	struct image im;
	char *tmp = NULL;
	FILE *f = NULL;
	int ret = 1;

	progress_phase("unpacking the container image");
	if (oci_unpack(o, &app))
		goto out;
	app.syscall_sites = o->syscall_sites;
	int disk = o->rootfs == ROOTFS_DISK;
	if (o->rootfs == ROOTFS_AUTO && o->format == FORMAT_CPIO && !o->libvirt && !o->nadd) {
		uint64_t bytes, n, over = rootdisk_threshold();
		if (rootdisk_measure(app.rootfs, &bytes, &n))
			goto out;
		disk = bytes > over;
		if (disk)
			fprintf(stderr,
				"htux-mkimage: the root filesystem takes %llu KiB, over %llu KiB: %s is an ext2 root disk, not an initrd (boot it as the first virtio disk with -append root=/dev/vda; --rootfs initrd keeps it in RAM)\n",
				(unsigned long long)(bytes >> 10), (unsigned long long)(over >> 10),
				o->output);
	}
	if (disk) {
		progress_phase("making the root disk");
		f = open_tmp(o->output, &tmp);
		if (!f)
			goto out;
		fclose(f);
		f = NULL;
		if (!rootdisk_write(&app, tmp)) {
			if (rename(tmp, o->output))
				mk_error(o->output, "%s", strerror(errno));
			else
				ret = 0;
		}
		goto out_tmp;
	}
	f = open_tmp(o->output, &tmp);
	if (!f)
		goto out;
	image_init(&im, f, o->output, build_time());
	im.cpio.progress = progress_entry;
	if (!oci_add(&im, &app) && !add_files(&im, o) && !(o->syscall_sites && sites_add(&im)) &&
	    !image_finish(&im) && !write_out(o, kernel, &f, tmp))
		ret = 0;
	image_free(&im);
out_tmp:
	if (f)
		fclose(f);
	if (!ret && disk)
		tmp_name = NULL;
	if (ret && tmp_name) {
		unlink(tmp);
		tmp_name = NULL;
	}
	free(tmp);
out:
	oci_free(&app);
	free(kernel);
	return ret;
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
	if (o->oci)
		return make_oci(o, kernel);
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
	if (o->trace_files)
		progress_phase("tracing PROG");
	if (o->trace_files && trace(o, found, &traced))
		goto out_deps;
	f = open_tmp(o->output, &tmp);
	if (!f)
		goto out_deps;
	image_init(&im, f, o->output, build_time());
	im.cpio.progress = progress_entry;
	/* --add first: what the user put at a library's path wins */
	if (image_add(&im, abs, abs) || add_files(&im, o) ||
	    (link && image_add_reached(&im, link, link, NULL) < 0) || deps_add(&im, &deps) ||
	    (jhome && jdk_add(&im, jhome, abs, info.interp)) ||
	    (o->trace_files && trace_files_add(&im, &traced, found)) ||
	    add_image_deps(&im, o, abs, &info, &deps) || applets_add(&im, found, abs) ||
	    add_manifests(&im, o, abs) || (o->syscall_sites && sites_add(&im)) || image_finish(&im))
		goto out_image;
	if (write_out(o, kernel, &f, tmp))
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
	static const struct mf_tool tool = { "htux-mkimage", 1, mk_takes_value, mk_manifest_keys,
					     mk_check_option };
	struct mk_opts o;
	char err[512];
	int ret;

	if (mf_expand(&tool, argc, argv, &argc, &argv))
		return 2;
	if (mk_parse(argc, argv, &o, err, sizeof err)) {
		mk_error(NULL, "%s", err);
		mk_opts_free(&o);
		return 2;
	}
	if (o.help) {
		fputs(mk_usage, stdout);
		ret = 0;
	} else if (o.version) {
		puts("htux-mkimage " PACKAGE_VERSION);
		ret = 0;
	} else {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		progress_start(o.progress);
		ret = make(&o);
		progress_end(ret ? NULL : o.output);
	}
	if ((o.help || o.version) && fflush(stdout)) {
		mk_error(NULL, "write error: %s", strerror(errno));
		ret = 1;
	}
	mk_opts_free(&o);
	return ret;
}
