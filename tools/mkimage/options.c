/* options.c: htux-mkimage's command line, parsed into struct mk_opts. */
#include "options.h"
#include "manifest.h"
#include "disk.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The value of option name at argv[*i]: "--name=V", "-xV" (short), or the
   next argument. NULL when missing. */
static const char *value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (!strncmp(a, name, n) && a[n] == '=' && name[1] == '-')
		return a + n + 1;
	if (name[1] != '-' && a[n])
		return a + n;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* Whether argv[i] is option name, alone or with its value attached. */
static int is(const char *a, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return 0;
	if (name[1] == '-')
		return a[n] == '\0' || a[n] == '=';
	return 1;
}

static int add_add(struct mk_opts *o, const char *v, char *err, size_t len)
{
	const char *colon = strchr(v, ':');
	struct mk_add *a, *p;

	if (!*v || colon == v)
		return bad(err, len, "--add: empty HOST path");
	if (colon && colon[1] != '/')
		return bad(err, len, "--add %s: GUEST must be an absolute path", v);
	p = realloc(o->add, (o->nadd + 1) * sizeof *p);
	if (!p)
		return bad(err, len, "out of memory");
	o->add = p;
	a = &p[o->nadd];
	a->host = colon ? strndup(v, (size_t)(colon - v)) : strdup(v);
	a->guest = colon ? strdup(colon + 1) : NULL;
	if (!a->host || (colon && !a->guest)) {
		free(a->host);
		free(a->guest);
		return bad(err, len, "out of memory");
	}
	o->nadd++;
	return 0;
}

static int add_env(struct mk_opts *o, const char *v, char *err, size_t len)
{
	const char **p;

	if (!manifest_valid_env(v))
		return bad(err, len, "-e %s: expected NAME=VALUE", v);
	p = realloc(o->env, (o->nenv + 1) * sizeof *p);
	if (!p)
		return bad(err, len, "out of memory");
	o->env = p;
	p[o->nenv++] = v;
	return 0;
}

/* SIZE (a number with a K, M, G or T suffix, optionally followed by iB or
   B; a bare number is MiB) in MiB; 0 if invalid or under 16 MiB. */
static unsigned long size_mib(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return 0;
	switch (*end) {
	case 'k':
	case 'K':
		v /= 1024;
		end++;
		break;
	case 'm':
	case 'M': end++; break;
	case 'g':
	case 'G':
		v *= 1024;
		end++;
		break;
	case 't':
	case 'T':
		v *= 1024 * 1024;
		end++;
		break;
	case '\0': break;
	default: return 0;
	}
	if (end[0] && end != s && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || v < 16 || v > 1024ULL * 1024 * 1024)
		return 0;
	return (unsigned long)v;
}

/* The options of disk images and libvirt: --format, --kernel, --append,
   --libvirt, --memory, --blk (each with a value). */
static int deploy_option(struct mk_opts *o, int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *a = argv[*i], *v;
	size_t n = strcspn(a, "=");
	char name[16];
	const char **slot;

	snprintf(name, sizeof name, "%.*s", (int)n, a);
	v = value(argc, argv, i, name);
	if (!v || !*v)
		return bad(err, errlen, "%s needs a value (see --help)", name);
	if (!strcmp(name, "--format")) {
		o->format = disk_format_parse(v);
		if (o->format < 0)
			return bad(err, errlen,
				   "--format %s: expected cpio, raw, qcow2, iso, gce, aws or oci",
				   v);
		return 0;
	}
	if (!strcmp(name, "--kernel"))
		slot = &o->kernel;
	else if (!strcmp(name, "--append"))
		slot = &o->append;
	else if (!strcmp(name, "--libvirt"))
		slot = &o->libvirt;
	else if (!strcmp(name, "--memory")) {
		o->memory_mib = size_mib(v);
		if (!o->memory_mib)
			return bad(err, errlen,
				   "--memory %s: expected a size like 256M or 1G (at least 16M)",
				   v);
		slot = &o->memory;
	} else
		slot = &o->blk;
	if (*slot)
		return bad(err, errlen, "%s given twice", name);
	*slot = v;
	return 0;
}

/* Whether the deployment options fit together. */
static int deploy_check(const struct mk_opts *o, char *err, size_t errlen)
{
	const char *c;

	if (o->append && strpbrk(o->append, "\n\r"))
		return bad(err, errlen, "--append: the kernel command line is one line");
	if (o->append && !o->libvirt && o->format == FORMAT_CPIO)
		return bad(err, errlen, "--append needs --format (a GRUB image) or --libvirt");
	if (o->kernel && !o->libvirt && o->format == FORMAT_CPIO)
		return bad(err, errlen, "--kernel needs --format (a GRUB image) or --libvirt");
	if (!o->libvirt && (o->memory || o->blk || o->net || o->uefi || o->kvm >= 0))
		return bad(
			err, errlen,
			"--memory, --blk, --net, --uefi, --kvm and --tcg go with --libvirt NAME");
	if (o->libvirt) {
		for (c = o->libvirt; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
				    *c))
				return bad(
					err, errlen,
					"--libvirt %s: a name of letters, digits, '_', '.' and '-'",
					o->libvirt);
		if (o->libvirt[0] == '.' || o->libvirt[0] == '-')
			return bad(err, errlen,
				   "--libvirt %s: a name of letters, digits, '_', '.' and '-'",
				   o->libvirt);
		if (o->uefi && (o->format == FORMAT_CPIO || o->format == FORMAT_ISO ||
				o->format == FORMAT_GCE))
			return bad(err, errlen,
				   "--uefi boots a disk: use --format raw, qcow2 or aws");
		if (o->format == FORMAT_OCI)
			return bad(
				err, errlen,
				"--libvirt: an OCI image does not boot in libvirt; use --format raw or qcow2");
		if (o->format == FORMAT_GCE)
			return bad(
				err, errlen,
				"--libvirt: a GCE tarball does not boot in libvirt; use --format raw or qcow2");
	}
	return 0;
}

static int digits_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* Is spec NAME, UID, NAME:GID or UID:GID? */
static int user_spec_ok(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	if (!n || n >= 64 || strpbrk(spec, " \t\n'\"\\"))
		return 0;
	return !colon || digits_only(colon + 1, strlen(colon + 1));
}

int mk_parse(int argc, char **argv, struct mk_opts *o, char *err, size_t errlen)
{
	const char *a, *v;
	int i;

	memset(o, 0, sizeof *o);
	o->kvm = -1;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = 1;
		} else if (!strcmp(a, "--version")) {
			o->version = 1;
		} else if (!strcmp(a, "--trace-files")) {
			o->trace_files = 1;
		} else if (!strcmp(a, "--syscall-sites")) {
			o->syscall_sites = 1;
		} else if (!strcmp(a, "--progress")) {
			o->progress = 1;
		} else if (is(a, "-o") || is(a, "--output")) {
			v = value(argc, argv, &i, a[1] == '-' ? "--output" : "-o");
			if (!v)
				return bad(err, errlen, "%s needs a file name", a);
			if (o->output)
				return bad(err, errlen, "-o given twice");
			if (!*v)
				return bad(err, errlen, "-o: empty file name");
			o->output = v;
		} else if (is(a, "-e") || is(a, "--env")) {
			v = value(argc, argv, &i, a[1] == '-' ? "--env" : "-e");
			if (!v)
				return bad(err, errlen, "%s needs NAME=VALUE", a);
			if (add_env(o, v, err, errlen))
				return -1;
		} else if (is(a, "--user")) {
			v = value(argc, argv, &i, "--user");
			if (!v || !user_spec_ok(v))
				return bad(err, errlen,
					   "--user needs NAME, UID, NAME:GID or UID:GID");
			o->user = v;
		} else if (is(a, "--oci")) {
			v = value(argc, argv, &i, "--oci");
			if (!v || !*v)
				return bad(
					err, errlen,
					"--oci needs an image: PATH[:TAG] (an OCI layout or a docker save archive)");
			o->oci = v;
		} else if (is(a, "--rootfs")) {
			v = value(argc, argv, &i, "--rootfs");
			o->rootfs = !v                     ? -1
				    : !strcmp(v, "auto")   ? ROOTFS_AUTO
				    : !strcmp(v, "initrd") ? ROOTFS_INITRD
				    : !strcmp(v, "disk")   ? ROOTFS_DISK
							   : -1;
			if (o->rootfs < 0)
				return bad(err, errlen, "--rootfs needs auto, initrd or disk");
		} else if (!strcmp(a, "--minimal-ignore-unknown")) {
			o->minimal_ignore_unknown = 1;
		} else if (is(a, "--minimal")) {
			v = value(argc, argv, &i, "--minimal");
			if (!v || !*v)
				return bad(err, errlen,
					   "--minimal needs the file name of the kernel to write");
			o->minimal = v;
		} else if (is(a, "--add")) {
			v = value(argc, argv, &i, "--add");
			if (!v)
				return bad(err, errlen, "--add needs HOST[:GUEST]");
			if (add_add(o, v, err, errlen))
				return -1;
		} else if (is(a, "--format") || is(a, "--kernel") || is(a, "--append") ||
			   is(a, "--libvirt") || is(a, "--memory") || is(a, "--blk")) {
			if (deploy_option(o, argc, argv, &i, err, errlen))
				return -1;
		} else if (!strcmp(a, "--net")) {
			o->net = 1;
		} else if (!strcmp(a, "--uefi")) {
			o->uefi = 1;
		} else if (!strcmp(a, "--kvm") || !strcmp(a, "--tcg")) {
			o->kvm = a[2] == 'k';
		} else {
			return bad(err, errlen, "unknown option %s (see --help)", a);
		}
	}
	if (o->help || o->version)
		return 0;
	if (o->minimal_ignore_unknown && !o->minimal)
		return bad(err, errlen, "--minimal-ignore-unknown needs --minimal KERNEL");
	if (deploy_check(o, err, errlen))
		return -1;
	if (!o->output)
		return bad(err, errlen, "missing -o IMAGE (see --help)");
	if (o->oci && (o->minimal || o->trace_files))
		return bad(err, errlen,
			   "--oci: --minimal and --trace-files take a PROG, not an image");
	if (o->rootfs != ROOTFS_AUTO && !o->oci)
		return bad(err, errlen, "--rootfs goes with --oci (a container image)");
	if (o->rootfs == ROOTFS_DISK && (o->format != FORMAT_CPIO || o->libvirt))
		return bad(err, errlen,
			   "--rootfs disk: -o is an ext2 disk, not --format or --libvirt's image");
	if (o->rootfs == ROOTFS_DISK && o->nadd)
		return bad(
			err, errlen,
			"--rootfs disk: --add is not supported on a root disk; use --rootfs initrd");
	if (o->oci) { /* what follows is docker run's ARGs */
		o->args = argv + i;
		o->nargs = (size_t)(argc - i);
		return 0;
	}
	if (i >= argc)
		return bad(err, errlen, "missing PROG (see --help)");
	o->prog = argv[i];
	if (!*o->prog)
		return bad(err, errlen, "empty PROG");
	o->args = argv + i + 1;
	o->nargs = (size_t)(argc - i - 1);
	return 0;
}

void mk_opts_free(struct mk_opts *o)
{
	size_t i;

	for (i = 0; i < o->nadd; i++) {
		free(o->add[i].host);
		free(o->add[i].guest);
	}
	free(o->add);
	free(o->env);
	memset(o, 0, sizeof *o);
}

/* The run-time keys (memory, smp, net, publish, disk) are htux run's:
   ignored here. */
const struct mf_key mk_manifest_keys[] = { { "program", NULL, MF_PROGRAM },
					   { "args", NULL, MF_ARGS },
					   { "arg", NULL, MF_ARG },
					   { "env", "-e", MF_REPEAT },
					   { "add", "--add", MF_HOST },
					   { "memory", NULL, MF_VALUE },
					   { "smp", NULL, MF_VALUE },
					   { "net", NULL, MF_ONOFF },
					   { "publish", NULL, MF_REPEAT },
					   { "disk", NULL, MF_DISK },
					   { "user", "--user", MF_VALUE },
					   { "oci", "--oci", MF_OCI },
					   { NULL, NULL, 0 } };

int mk_takes_value(const char *arg)
{
	static const char *const valued[] = { "-o",       "--output", "-e",        "--env",
					      "--user",   "--oci",    "--minimal", "--add",
					      "--format", "--kernel", "--append",  "--libvirt",
					      "--memory", "--blk",    "--rootfs",  NULL };

	for (size_t k = 0; valued[k]; k++)
		if (!strcmp(arg, valued[k]))
			return 1;
	return 0;
}

int mk_check_option(const char *opt, const char *value, char *err, size_t errlen)
{
	char *v[] = { "htux-mkimage", "-o", "x", (char *)opt, (char *)value, "--", "x", NULL };
	struct mk_opts o;
	int r = mk_parse(7, v, &o, err, errlen);

	mk_opts_free(&o);
	return r;
}
