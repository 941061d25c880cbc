/* options.c: the htux launcher's command line, parsed into struct
   htux_opts. */
#include "options.h"

#include <ctype.h>
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

static int push(const char ***v, size_t *n, const char *s)
{
	const char **p = realloc(*v, (*n + 1) * sizeof *p);

	if (!p)
		return -1;
	p[(*n)++] = s;
	*v = p;
	return 0;
}

/* A size QEMU's -m takes: digits, an optional fraction, an optional unit. */
static int valid_size(const char *s)
{
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p && strchr("KMGTkmgt", *p))
		p++;
	return *p == '\0' && strspn(s, "0.KMGTkmgt") != strlen(s);
}

/* Options that take a value, accepted as "-x V", "-xV" (short ones),
   "--name V" and "--name=V". */
static const char *const valued[] = { "--boot",   "--image",   "-m",     "--mem",     "--machine",
				      "--cpu",    "-e",        "--env",  "--add",     "--user",
				      "--append", "--kernel",  "--qemu", "--keep",    "--qemu-arg",
				      "--disk",   "--console", "-p",     "--publish", "--oci",
				      "--smp",    "--rootfs",  NULL };

int htux_takes_value(const char *arg)
{
	for (size_t k = 0; valued[k]; k++)
		if (!strcmp(arg, valued[k]))
			return 1;
	return 0;
}

/* If argv[*i] is option name (with its value attached or not), returns
   its value and moves *i past it; *missing is set when there is none. */
static const char *valued_opt(int argc, char **argv, int *i, const char **name, int *missing)
{
	const char *a = argv[*i];
	size_t k, n;

	*missing = 0;
	for (k = 0; valued[k]; k++) {
		n = strlen(valued[k]);
		if (strncmp(a, valued[k], n))
			continue;
		if (a[1] == '-' && a[n] != '\0' && a[n] != '=')
			continue;
		*name = valued[k];
		if (a[1] == '-' && a[n] == '=')
			return a + n + 1;
		if (a[1] != '-' && a[n])
			return a + n;
		if (*i + 1 >= argc) {
			*missing = 1;
			return NULL;
		}
		return argv[++*i];
	}
	*name = NULL;
	return NULL;
}

/* A TCP port 1 to 65535, or -1. */
static int gdb_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return isdigit((unsigned char)*s) && !*end && v >= 1 && v <= 65535 ? (int)v : -1;
}

static int flag(const char *a, struct htux_opts *o)
{
	if (!strcmp(a, "--kvm"))
		o->accel = ACCEL_KVM;
	else if (!strcmp(a, "--tcg"))
		o->accel = ACCEL_TCG;
	else if (!strcmp(a, "--trace"))
		o->trace = 1;
	else if (!strcmp(a, "--strace"))
		o->strace = 1;
	else if (!strcmp(a, "--syscall-summary"))
		o->summary = 1;
	else if (!strcmp(a, "--fast-syscalls"))
		o->fastsys = 1;
	else if (!strcmp(a, "--gdb"))
		o->gdb_port = 1234;
	else if (!strncmp(a, "--gdb=", 6))
		o->gdb_port = gdb_port(a + 6);
	else if (!strcmp(a, "--verbose"))
		o->verbose = 1;
	else if (!strcmp(a, "--net"))
		o->net = 1;
	else if (!strcmp(a, "--init"))
		o->init = 1;
	else if (!strcmp(a, "--tty"))
		o->tty = 1;
	else if (!strcmp(a, "--no-tty"))
		o->tty = -1;
	else if (!strcmp(a, "--dry-run"))
		o->dry_run = 1;
	else if (!strcmp(a, "--help") || !strcmp(a, "-h"))
		o->help = 1;
	else if (!strcmp(a, "--version"))
		o->version = 1;
	else
		return 0;
	return 1;
}

/* Is a "--flag=VALUE" for one of the flags (which take none)? */
static int flag_with_value(const char *a)
{
	static const char *const flags[] = { "--kvm",
					     "--tcg",
					     "--trace",
					     "--strace",
					     "--syscall-summary",
					     "--fast-syscalls",
					     "--verbose",
					     "--net",
					     "--init",
					     "--tty",
					     "--no-tty",
					     "--dry-run",
					     "--help",
					     "--version",
					     "--minimal",
					     "--trace-files",
					     "--minimal-ignore-unknown",
					     "--rewrite-syscalls",
					     NULL };
	size_t k, n;

	for (k = 0; flags[k]; k++) {
		n = strlen(flags[k]);
		if (!strncmp(a, flags[k], n) && a[n] == '=')
			return 1;
	}
	return 0;
}

/* Is host port h (proto) already published by one of the -p values? */
static int port_taken(const struct htux_opts *o, int h, const char *proto)
{
	int oh, og;
	const char *op;
	size_t k;

	for (k = 0; k < o->nports; k++)
		if (!port_split(o->ports[k], &oh, &og, &op) && oh == h && !strcmp(op, proto))
			return 1;
	return 0;
}

static int set_value(struct htux_opts *o, const char *name, const char *v, char *err, size_t len)
{
	const char *eq;

	if (!strcmp(name, "-m") || !strcmp(name, "--mem")) {
		if (!valid_size(v))
			return bad(err, len, "%s %s: expected a memory size such as 128M or 1G",
				   name, v);
		o->mem = v;
	} else if (!strcmp(name, "--boot")) {
		if (strcmp(v, "kernel") && strcmp(v, "grub") && strcmp(v, "uefi"))
			return bad(err, len, "--boot %s: expected kernel, grub or uefi", v);
		o->boot = strcmp(v, "kernel") ? v : NULL;
	} else if (!strcmp(name, "--machine")) {
		if (strcmp(v, "pc") && strcmp(v, "q35") && strcmp(v, "microvm"))
			return bad(err, len, "--machine %s: expected pc, q35 or microvm", v);
		o->machine = v;
	} else if (!strcmp(name, "--smp")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end || n < 1 || n > 255)
			return bad(err, len, "--smp %s: expected a number of CPUs from 1 to 255",
				   v);
		o->smp = v;
	} else if (!strcmp(name, "--cpu")) {
		if (!*v)
			return bad(err, len, "--cpu: empty CPU model");
		o->cpu = v;
	} else if (!strcmp(name, "-e") || !strcmp(name, "--env")) {
		eq = strchr(v, '=');
		if (!eq || eq == v)
			return bad(err, len, "%s %s: expected NAME=VALUE", name, v);
		if (push(&o->mk, &o->nmk, "-e") || push(&o->mk, &o->nmk, v))
			return bad(err, len, "out of memory");
	} else if (!strcmp(name, "--user")) {
		if (!*v)
			return bad(err, len, "--user: expected NAME, UID, NAME:GID or UID:GID");
		if (push(&o->mk, &o->nmk, "--user") || push(&o->mk, &o->nmk, v))
			return bad(err, len, "out of memory");
	} else if (!strcmp(name, "--add")) {
		if (!*v || *v == ':')
			return bad(err, len, "--add: empty HOST path");
		if (push(&o->mk, &o->nmk, "--add") || push(&o->mk, &o->nmk, v))
			return bad(err, len, "out of memory");
	} else if (!strcmp(name, "--append")) {
		if (push(&o->append, &o->nappend, v))
			return bad(err, len, "out of memory");
	} else if (!strcmp(name, "--disk")) {
		const char *mp;
		char *file = disk_split(v, &mp);
		int empty = !file || !*file;
		free(file);
		if (empty)
			return bad(err, len, "--disk %s: expected FILE or FILE:/MOUNTPOINT", v);
		if (o->ndisks >= 26)
			return bad(err, len, "--disk %s: at most 26 disks", v);
		if (push(&o->disks, &o->ndisks, v))
			return bad(err, len, "out of memory");
	} else if (!strcmp(name, "--console")) {
		if (strcmp(v, "hvc") && strcmp(v, "serial"))
			return bad(err, len, "--console %s: expected serial or hvc", v);
		o->hvc = !strcmp(v, "hvc");
	} else if (!strcmp(name, "-p") || !strcmp(name, "--publish")) {
		int h, g;
		const char *proto;
		if (port_split(v, &h, &g, &proto))
			return bad(
				err, len,
				"%s %s: expected HOSTPORT:GUESTPORT[/tcp|/udp] with ports 1-65535",
				name, v);
		if (port_taken(o, h, proto))
			return bad(err, len, "%s %s: host port %d/%s is already published", name, v,
				   h, proto);
		if (push(&o->ports, &o->nports, v))
			return bad(err, len, "out of memory");
		o->net = 1;
	} else if (!strcmp(name, "--qemu-arg")) {
		if (!*v)
			return bad(err, len, "--qemu-arg: empty argument");
		if (push(&o->qemu_args, &o->nqemu_args, v))
			return bad(err, len, "out of memory");
	} else if (!strcmp(name, "--rootfs")) {
		if (strcmp(v, "auto") && strcmp(v, "initrd") && strcmp(v, "disk"))
			return bad(err, len, "--rootfs %s: expected auto, initrd or disk", v);
		o->rootfs = v;
	} else if (!*v) {
		return bad(err, len, "%s: empty path", name);
	} else if (!strcmp(name, "--kernel")) {
		o->kernel = v;
	} else if (!strcmp(name, "--qemu")) {
		o->qemu = v;
	} else if (!strcmp(name, "--image")) {
		o->image = v;
	} else if (!strcmp(name, "--oci")) {
		o->oci = v;
	} else {
		o->keep = v;
	}
	return 0;
}

int htux_parse(int argc, char **argv, struct htux_opts *o, char *err, size_t errlen)
{
	const char *a, *name, *v;
	int i, missing;

	memset(o, 0, sizeof *o);
	o->machine = "pc";
	if (argc < 2)
		return bad(err, errlen, "missing command (see htux --help)");
	a = argv[1];
	if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help")) {
		o->help = 1;
		return 0;
	}
	if (!strcmp(a, "--version")) {
		o->version = 1;
		return 0;
	}
	if (strcmp(a, "run"))
		return bad(err, errlen, "unknown command %s (see htux --help)", a);
	for (i = 2; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--minimal")) {
			o->minimal = 1;
			continue;
		}
		if (!strcmp(a, "--rewrite-syscalls")) { /* the table, and kernel option sysrw */
			o->sysrw = 1;
			continue;
		}
		if (!strcmp(a, "--trace-files") || /* htux-mkimage's */
		    !strcmp(a, "--minimal-ignore-unknown")) {
			if (push(&o->mk, &o->nmk, a))
				return bad(err, errlen, "out of memory");
			continue;
		}
		if (flag(a, o))
			continue;
		if (flag_with_value(a))
			return bad(err, errlen, "%.*s takes no value (see htux --help)",
				   (int)strcspn(a, "="), a);
		v = valued_opt(argc, argv, &i, &name, &missing);
		if (missing)
			return bad(err, errlen, "%s needs a value (see htux --help)", a);
		if (!name)
			return bad(err, errlen, "unknown option %s (see htux --help)", a);
		if (set_value(o, name, v, err, errlen))
			return -1;
	}
	/* the sites table, for --rewrite-syscalls and for --fast-syscalls
	 * (kernel option fastsys rewrites them too) */
	if ((o->sysrw || o->fastsys) && push(&o->mk, &o->nmk, "--syscall-sites"))
		return bad(err, errlen, "out of memory");
	if (o->help || o->version)
		return 0;
	if (!o->minimal)
		for (size_t k = 0; k < o->nmk; k++)
			if (!strcmp(o->mk[k], "--minimal-ignore-unknown"))
				return bad(err, errlen, "--minimal-ignore-unknown needs --minimal");
	if (o->gdb_port < 0)
		return bad(err, errlen, "--gdb=PORT: expected a TCP port from 1 to 65535");
	if (o->image && (o->nmk || o->nappend || o->verbose || o->trace || o->strace || o->keep ||
			 o->init || o->oci))
		return bad(
			err, errlen,
			"--image: the disk already holds the program, its files and kernel options (give them to htux-mkimage)");
	if (o->image && i < argc)
		return bad(err, errlen, "--image: no PROG (the disk names the program)");
	if (o->image && !o->boot)
		o->boot = "grub";
	if (o->boot && !strcmp(o->machine, "microvm"))
		return bad(err, errlen,
			   "--boot %s: microvm has no firmware to boot a disk; use pc or q35",
			   o->boot);
	if (o->image)
		return 0;
	if (o->rootfs && !o->oci)
		return bad(err, errlen, "--rootfs goes with --oci (a container image)");
	if (o->rootfs && !strcmp(o->rootfs, "disk") && o->boot)
		return bad(err, errlen, "--rootfs disk: --boot's GRUB disk holds an initrd");
	if (o->oci && (o->minimal || o->gdb_port))
		return bad(err, errlen, "--oci: --minimal and --gdb take a PROG, not an image");
	for (size_t k = 0; o->oci && k < o->nmk; k++)
		if (!strcmp(o->mk[k], "--trace-files"))
			return bad(err, errlen, "--oci: --trace-files takes a PROG, not an image");
	if (o->oci) { /* what follows is docker run's ARGs */
		o->prog = argv + i;
		o->nprog = (size_t)(argc - i);
		return 0;
	}
	if (i >= argc)
		return bad(err, errlen, "missing PROG (see htux --help)");
	if (!*argv[i])
		return bad(err, errlen, "empty PROG");
	o->prog = argv + i;
	o->nprog = (size_t)(argc - i);
	return 0;
}

static int port_num(const char **s)
{
	long v = 0;

	if (!isdigit((unsigned char)**s))
		return -1;
	while (isdigit((unsigned char)**s) && v <= 65535)
		v = v * 10 + (*(*s)++ - '0');
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

int port_split(const char *spec, int *host, int *guest, const char **proto)
{
	const char *s = spec;

	*proto = "tcp";
	if ((*host = port_num(&s)) < 0 || *s++ != ':' || (*guest = port_num(&s)) < 0)
		return -1;
	if (!strcmp(s, "/udp"))
		*proto = "udp";
	else if (*s && strcmp(s, "/tcp"))
		return -1;
	return 0;
}

char *disk_split(const char *spec, const char **mountpoint)
{
	const char *colon = strrchr(spec, ':');
	size_t n = strlen(spec);
	char *file;

	*mountpoint = NULL;
	if (colon && colon[1] == '/') {
		*mountpoint = colon + 1;
		n = (size_t)(colon - spec);
	}
	file = malloc(n + 1);
	if (file) {
		memcpy(file, spec, n);
		file[n] = '\0';
	}
	return file;
}

void htux_opts_free(struct htux_opts *o)
{
	free(o->disks);
	free(o->ports);
	free(o->mk);
	free(o->append);
	free(o->qemu_args);
	memset(o, 0, sizeof *o);
}
